# A nonlocal counter incremented by a nested function called in a loop: under
# `ref` and `lift` the counter lives in a Ref cell; inlining makes it a local.
def count_hits(n: int, m: int) -> int:
    hits: int = 0
    i: int = 0
    def check(i: int) -> object:
        nonlocal hits
        if i % m == 0 or i % (m + 2) == 0:
            hits = hits + 1
    while i < n:
        check(i)
        i = i + 1
    return hits

print(count_hits(2000000, 5))
