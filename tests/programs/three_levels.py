# Three levels: h (inside g, inside f) reads and writes variables of both ancestors.
def f(x: int) -> int:
    total: int = 0
    def g(y: int) -> int:
        count: int = 0
        def h(z: int) -> int:
            nonlocal total
            nonlocal count
            total = total + x * z
            count = count + 1
            return y + z
        h(1)
        h(2)
        return h(3) + count
    print(g(100))
    print(g(200))
    return total

print(f(2))
