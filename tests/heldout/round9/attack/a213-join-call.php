$s = implode("", ["NATO SEC", "RET"]);
