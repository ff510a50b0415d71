x: int = 0
print("started")
while True:
    x = x + 1
