x: [int] = None
x = [0]
while True:
    x = x + x
