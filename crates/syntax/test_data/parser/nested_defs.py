g: int = 0
def f(x: int) -> int:
    global g
    y: bool = True
    def h(z: int) -> int:
        nonlocal y
        y = not y
        return z
    return h(x)
print(f(1))
