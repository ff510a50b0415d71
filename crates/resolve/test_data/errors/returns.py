# Missing returns are found by declaration analysis: no type errors are reported
# beside them, as in the reference.
def g(n: int) -> int:
    while n > 0:
        return n
def k() -> int:
    pass
def ok(n: int) -> int:
    if n > 0:
        return 1
    else:
        return 2
x: int = True
