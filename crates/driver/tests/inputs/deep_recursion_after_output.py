def f(n: int) -> int:
    return f(n + 1) + 1

print("started")
f(0)
