# Declaration errors in the reference's order: top-level names first, then each
# function: its parameters and declarations, its nested functions; missing returns
# last, a nested function's before its enclosing function's.
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
