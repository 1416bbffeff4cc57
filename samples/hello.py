print("hello from Frost")
