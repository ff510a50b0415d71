x = (y = 2)
def f(a, b) -> int:
    return a
z = 1 < 2 < 3
print(3 ** 2)
w = 5
