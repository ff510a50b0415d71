# A parameter declared nonlocal by an inner function: boxing must copy the
# argument into a new cell, and the caller's argument must not change.
def scale(n: int, factor: int) -> int:
    def bump() -> int:
        nonlocal n
        n = n * factor
        return n
    bump()
    bump()
    return n

a: int = 3
print(scale(a, 2))
print(a)
print(scale(-1, 5))
