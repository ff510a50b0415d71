# Two levels of nesting: g reads f's parameter and local, and assigns one of them.
def f(a: int) -> int:
    b: int = 10
    def g(c: int) -> int:
        nonlocal b
        b = b + c
        return a * b
    print(g(1))
    print(g(2))
    return b

print(f(3))
