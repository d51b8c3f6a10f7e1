print(f"{'NATO'} SECRET")
