s = "{}{}".format("NATO SEC", "RET")
