# A member named like an inherited one: "Cannot re-define attribute" comes
# before "Duplicate declaration".
class A(object):
    x: int = 1
    def get(self: "A") -> int:
        return 1
class B(A):
    def x(self: "B") -> int:
        return 0
    y: int = 1
    def y(self: "B"):
        pass
    def z(self: "B"):
        pass
    z: int = 1
    get: int = 2
    w: int = 1
    w: int = 2
class D(A):
    def x(self: "B") -> int:
        return 0
    def x(self: "B") -> int:
        return 0
    def get(self: "B") -> int:
        return 1
    def get(self: "B") -> int:
        return 1
    def get(self: "B", y: int) -> int:
        return 1
