def count_down(n: int) -> int:
    calls: int = 0

    def go(k: int) -> object:
        nonlocal calls
        calls = calls + 1
        if k > 0:
            go(k - 1)

    def double(x: int) -> int:
        return x * 2

    go(double(n))
    return calls

print(count_down(5))
print("done")
