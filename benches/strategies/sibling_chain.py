# A chain of sibling calls g -> h -> k, each capturing a different variable of
# the parent: lifting passes the union down the chain (Johnsson's extra
# parameters); inlining flattens the chain.
def chain(n: int, a: int, b: int, c: int) -> int:
    total: int = 0
    i: int = 0
    def k(x: int) -> int:
        return x * c % 97
    def h(x: int) -> int:
        return k(x + b) + 1
    def g(x: int) -> int:
        return h(x * a) + h(x)
    while i < n:
        total = total + g(i)
        i = i + 1
    return total

print(chain(1000000, 3, 5, 7))
