def f(x: int) -> int:
    def g() -> int:
        return x + y
    return g()

print(f(1))
