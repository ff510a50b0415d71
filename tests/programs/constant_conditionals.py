# Conditional expressions on constants, left after inlining substitutes constant
# arguments, whose taken branch is narrower than the conditional: `[]` for a `[str]`,
# a subclass for its superclass, None for a class. Folding them must keep the
# conditional's type (found by the program generator: the folded `[]` made
# `[] + ["a"]` an ill-typed concatenation after inlining).
class A(object):
    x: int = 1

class B(A):
    def __init__(self: "B"):
        self.x = 2

def f() -> int:
    def pick(b: bool) -> [str]:
        return (["a", "b"] if b else []) + ["c"]
    return len(pick(False)) * 10 + len(pick(True))

def g() -> int:
    def pick(b: bool) -> A:
        return B() if b else A()
    return pick(True).x * 10 + pick(False).x

def h() -> bool:
    def pick(b: bool) -> bool:
        return (A() if b else None) is None
    return pick(True) or not pick(False)

print(f())
print(g())
print(h())
