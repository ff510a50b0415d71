# A nested function called in a while condition: inlining rotates the loop.
def collatz(n: int) -> int:
    steps: int = 0
    def more() -> bool:
        nonlocal steps
        steps = steps + 1
        return n != 1
    while more():
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
    return steps

print(collatz(27))
print(collatz(1))
