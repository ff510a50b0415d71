def f(n: int) -> int:
    def g() -> int:
        return 10 % n
    return g()

print(f(3))
print(f(0))
print(f(5))
