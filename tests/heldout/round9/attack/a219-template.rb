s = "NATO #{"SEC"}RET"
puts s
