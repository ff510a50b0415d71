# Type errors in the reference's order: declarations depth-first in source order (a
# function's body where the function is declared), then statements.
x: int = True
def f() -> int:
    y: bool = 1
    def g() -> int:
        return "g"
    z: str = 2
    return True
class A(object):
    a: int = False
    def m(self: "A") -> int:
        return None
    b: bool = 3
w: str = 4
x = "x"
