# A runtime error inside a nested function: the message on stdout, exit code 2.
def f(d: int) -> int:
    def inner(n: int) -> int:
        return n // d
    print(inner(10))
    d = d - 2
    return inner(10)

print(f(2))
