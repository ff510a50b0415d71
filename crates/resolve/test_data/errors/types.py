a: int = True
b: bool = 1
c: object = None
def f(n: int) -> bool:
    if n:
        return n
    return None
def g(n: int) -> int:
    while n > 0:
        return n
    return 0
a = b
b = a + 1
c = a == b
c = -True
c = not 3
c = 1 and 2
c = 1 is 2
c = None is None
a = f(1, 2)
a = g(True)
a = f
b = a if 1 else 2
x(1)
print(1, 2)
