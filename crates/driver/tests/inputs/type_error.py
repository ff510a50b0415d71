def f(x: int) -> bool:
    return x + 1

print(f(True))
