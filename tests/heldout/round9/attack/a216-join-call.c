snprintf(buf, sizeof buf, "%s%s", "NATO SEC", "RET");
