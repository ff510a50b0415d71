# Name collisions with lifted names: a user function `f_g` beside `f` with nested
# `g`, a user function named `Ref` (the name of the boxing cell class), and
# variables named like renamed parameters.
def f_g(x: int) -> int:
    return x + 1000

def Ref(x_1: int) -> int:
    return x_1 * 2

def f(x: int) -> int:
    x_1: int = 5
    def g() -> int:
        nonlocal x
        x = x + x_1
        return f_g(x)
    return g() + Ref(x)

print(f(1))
print(f_g(1))
