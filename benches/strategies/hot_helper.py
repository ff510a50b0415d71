# A small nested helper called in a hot loop, reading the loop variable and the
# parameters of its parent: `ref` boxes the loop variable (captured and assigned),
# `lift` passes it as an extra argument, inlining removes the call altogether.
def sum_scaled(n: int, scale: int, offset: int) -> int:
    total: int = 0
    i: int = 0
    def f() -> int:
        return i * scale + offset
    while i < n:
        total = total + f() % 7
        i = i + 1
    return total

print(sum_scaled(2000000, 3, 11))
