x: int = 0

def f() -> int:
    def g() -> int:
        nonlocal x
        x = 1
        return x
    return g()

print(f())
