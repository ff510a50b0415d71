# Shadowing: parameters and locals hide globals and enclosing variables of the same
# name; each function sees the nearest declaration.
x: int = 1
y: int = 2

def f(x: int) -> int:
    def g(y: int) -> int:
        x: int = 100
        return x + y
    def h() -> int:
        return x + y
    return g(x) * 1000 + h()

def k() -> int:
    y: int = 50
    def m() -> int:
        return x + y
    return m()

print(f(7))
print(k())
print(x)
print(y)
