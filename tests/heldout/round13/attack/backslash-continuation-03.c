static const char *banner = "NATO SEC\
RET";
