String s = String.join("", "NATO SEC", "RET");
