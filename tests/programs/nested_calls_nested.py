# A nested function that has nested functions itself, called at two sites, so
# inlining it clones its own nested function into the caller.
def outer(base: int) -> int:
    def middle(k: int) -> int:
        acc: int = 0
        i: int = 0
        def step(i: int) -> int:
            nonlocal acc
            acc = acc + i * base
            return acc
        while i < k:
            step(i)
            i = i + 1
        return acc
    return middle(3) * 1000 + middle(4)

print(outer(2))
