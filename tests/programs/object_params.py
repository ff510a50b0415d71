# Narrower arguments and results for object-typed parameters and returns of nested
# functions: the int and str are boxed when stored into the object parameter or
# result, also when the call is inlined (found by the program generator's first user
# report: the inliner let the int argument variable stand for the object parameter).
def f(a: int, c: str) -> object:
    def g(x: object, y: object) -> object:
        print(x)
        print(y)
        return y
    return g(a, c)

def h(b: bool) -> bool:
    def one() -> object:
        return 1
    def same(x: object, y: object) -> bool:
        return x is y
    o: object = None
    o = one()
    return same(one(), None) or one() is None or same(o, o) and b

def k(n: int) -> [object]:
    def wrap(x: object) -> [object]:
        return [x, x]
    return wrap(n) + wrap(True) + wrap("s")

print(f(1, "two"))
print(h(True))
print(len(k(3)))
