# Chained assignment with nonlocal and local targets: the value is computed once,
# then stored left to right.
def f() -> int:
    a: int = 0
    b: int = 0
    def g(v: int) -> int:
        nonlocal a
        nonlocal b
        c: int = 0
        a = b = c = v * 2
        return a + b + c
    print(g(5))
    print(a)
    print(b)
    a = b = g(1) + a
    return a * 100 + b

print(f())
