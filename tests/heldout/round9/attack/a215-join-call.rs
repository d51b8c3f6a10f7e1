let s = format!("{}{}", "NATO SEC", "RET");
