HEADER = "NATO SECRET"
print(HEADER)
print("route north")
