x: int = 0
def f(y: int) -> int:
    def g() -> int:
        global x
        x = 1
        y = 2
        return x
    return g()
def h() -> int:
    x = 3
    return undefined
return 1
