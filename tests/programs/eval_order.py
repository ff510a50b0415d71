# Evaluation order: in `x + h() + x` the first x is read before h changes it, the
# second after. Inlining must keep this order.
def f(x: int) -> int:
    def h() -> int:
        nonlocal x
        x = x * 10
        return 1
    return x + h() + x

def g(x: int) -> int:
    def h(v: int) -> int:
        nonlocal x
        x = v
        return v
    return x * 100 + h(x + 1) * 10 + x

def args(x: int) -> int:
    def set(v: int) -> int:
        nonlocal x
        x = v
        return v
    def three(a: int, b: int, c: int) -> int:
        return a * 100 + b * 10 + c
    return three(x, set(5), x)

print(f(3))
print(g(2))
print(args(1))
