# A recursive nested function capturing its parent's variables: never inlined,
# always lifted; the nonlocal `calls` is shared through a Ref cell.
def fib_mod(n: int, m: int) -> int:
    calls: int = 0
    def fib(k: int) -> int:
        nonlocal calls
        calls = calls + 1
        if k < 2:
            return k
        return (fib(k - 1) + fib(k - 2)) % m
    def report() -> object:
        print(calls)
    n = fib(n)
    report()
    return n

print(fib_mod(15, 1000))
print(fib_mod(20, 97))
