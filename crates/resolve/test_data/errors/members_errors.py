# Methods and attributes named like other members (checked with chocopy-ref): a
# duplicate method is not analysed; any other member becomes one only without an
# error, so that a later member of its name is no duplicate.
class A(object):
    def get(self: "A") -> int:
        return 1
class P(object):
    def m(self: "P"):
        pass
    def m(self: int):
        pass
class Q(A):
    def get(self: int, y: int) -> int:
        return 1
class R(A):
    def get(self: "R") -> int:
        return 1
    def get(self: int) -> int:
        return 1
class S(A):
    def get(self: "S") -> int:
        return 1
    def get(self: int, y: int) -> int:
        return 1
class T(A):
    def get(self: int, y: int) -> int:
        return 1
    def get(self: int, y: int) -> int:
        return 1
class U(A):
    def get(self: "U", y: int) -> int:
        return 1
    def get(self: "U", y: int) -> int:
        return 1
class A2(object):
    a: int = 1
    def get(self: "A2") -> int:
        return 1
class B(A2):
    def get(self: "B") -> int:
        return 1
    get: int = 1
class C(A2):
    b: int = 1
    b: int = 2
    a: int = 3
    a: int = 4
class D(A2):
    def get(self: int) -> int:
        return 1
    get: int = 1
    def c(self: int):
        pass
    c: int = 1
