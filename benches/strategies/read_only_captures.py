# Captured variables that nested functions only read, while the owner keeps
# assigning them: `ref` boxes them (captured and assigned), `lift` passes their
# values (only the owner assigns), so it allocates no Ref cell at all.
def walk(n: int) -> int:
    x: int = 0
    y: int = 1
    acc: int = 0
    def step(k: int) -> int:
        if k % 3 == 0:
            return x + k
        return y - k
    def recurse(d: int) -> int:
        if d == 0:
            return step(d)
        return recurse(d - 1) + step(d)
    while x < n:
        acc = (acc + recurse(x % 16)) % 100003
        x = x + 1
        y = y * 3 % 1009
    return acc

print(walk(200000))
