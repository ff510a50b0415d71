# Sibling calls need transitive extra parameters: g uses nothing of f itself, but
# calls h, which needs f's a, and k, which needs f's b (Johnsson's lifting).
def f(a: int, b: int) -> int:
    def k(n: int) -> int:
        return n + b
    def h(n: int) -> int:
        return k(n) * a
    def g(n: int) -> int:
        return h(n) - 1
    return g(1) + g(2)

print(f(3, 4))
print(f(10, 0))
