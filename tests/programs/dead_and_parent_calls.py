# A nested function never called, and a nested function calling its parent
# (recursion through the parent: neither can be inlined into the other).
def f(n: int) -> int:
    unused: int = 7
    def dead() -> int:
        return unused
    def again() -> int:
        return f(n - 1) + n
    if n <= 0:
        return 0
    return again()

print(f(4))
