# A recursive nested function capturing its parent's parameters: it cannot be
# inlined; lifting passes the captured values as extra arguments.
def fib_mod(n: int, m: int, bias: int) -> int:
    def fib(k: int) -> int:
        if k < 2:
            return k + bias
        return (fib(k - 1) + fib(k - 2)) % m
    return fib(n)

print(fib_mod(27, 1000007, 1))
