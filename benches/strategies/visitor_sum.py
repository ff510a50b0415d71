# Accumulating through `nonlocal` while visiting a list: the visitor is called for
# every element and updates two variables of its parent.
def stats(n: int) -> int:
    data: [int] = None
    total: int = 0
    evens: int = 0
    x: int = 0
    k: int = 0
    def visit(v: int) -> object:
        nonlocal total
        nonlocal evens
        total = (total + v) % 1000007
        if v % 2 == 0:
            evens = evens + 1
    data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4]
    while k < n:
        for x in data:
            visit(x * k)
        k = k + 1
    return total + evens

print(stats(100000))
