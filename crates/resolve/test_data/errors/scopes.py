x: int = 0
x: bool = True
def print(a: int) -> int:
    return a
def f(x: int, x: int) -> int:
    int: int = 0
    y: int = 0
    def g() -> int:
        nonlocal z
        global y
        nonlocal x
        return 1
    return g()
def h() -> int:
    x = 3
    return undefined
