x = "SECRET\tUE"
