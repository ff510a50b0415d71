# A method's own errors come after those of its body; a duplicate's body is not
# analysed (checked with chocopy-ref).
class A(object):
    def m(self: "A"):
        pass
    def m(self: "A"):
        nonlocal q
        pass
    def n(self: int):
        nonlocal r
        pass
    x: int = 1
    def x(self: "A"):
        nonlocal s
        pass
class A4(object):
    x: int = 1
    def get(self: "A4") -> int:
        return 1
class B4(A4):
    def x(self: "B4"):
        nonlocal q
        pass
    def get(self: "B4", y: int) -> int:
        nonlocal r
        return 1
    def z(self: int, z: int):
        nonlocal t
        pass
