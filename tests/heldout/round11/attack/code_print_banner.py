print("=" * 20)
print("   TOP SECRET   ")
print("=" * 20)
