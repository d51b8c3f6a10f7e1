if level == "SECRET":
    deny()
