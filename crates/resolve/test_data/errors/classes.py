class A(object):
    x: int = 1
    def get(self: "A", k: int) -> int:
        return self.x + k
class B(A):
    x: bool = True
    y: [int] = None
    def get(self: "B") -> int:
        return 0
    def other(k: int) -> int:
        return k
    get: int = 5
class C(D):
    pass
class E(int):
    pass
class D(object):
    pass
# Declaration errors stop analysis: no type error is reported below.
a: A = None
a = 3
