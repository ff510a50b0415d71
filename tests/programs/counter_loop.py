# A nonlocal counter incremented by a nested function called in a loop.
def count_multiples(n: int, k: int) -> int:
    count: int = 0
    i: int = 0
    def visit(i: int) -> object:
        nonlocal count
        if i % k == 0:
            count = count + 1
    i = 1
    while i <= n:
        visit(i)
        i = i + 1
    return count

print(count_multiples(100, 7))
print(count_multiples(1000, 3))
