# Declaration errors in the reference's order, depth-first: a function's own errors
# before a later global duplicate; a missing return after the body's errors.
def f(x: int, x: int) -> int:
    y: int = 1
    y: int = 2
    def g() -> int:
        nonlocal q
        pass
    pass
x: int = 0
x: bool = True
class f(object):
    pass
