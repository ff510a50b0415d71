# Integer semantics: Python floor division and modulo, 32-bit wrapping.
def check(a: int, b: int) -> object:
    def show(v: int) -> object:
        print(v)
    show(a // b)
    show(a % b)

big: int = 2147483647
check(7, 2)
check(-7, 2)
check(7, -2)
check(-7, -2)
check(0, -3)
check(6, 3)
check(-6, 3)
print(big + 1)
print(-big - 1)
print(-(-big - 1))
print((-big - 1) // -1)
print((-big - 1) % -1)
print(big * 2)
print(-5 * 3 - -2)
print((1 < 2) == (3 > 2))
print(not 1 == 2 and True or False)
