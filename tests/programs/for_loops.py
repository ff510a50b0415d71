# `for` over lists and strings: the iterable is evaluated once, its length before
# every iteration; a nested function assigning the loop variable; an early
# return out of a loop in a nested function.
def run() -> int:
    xs: [int] = None
    x: int = 0
    total: int = 0
    def find(target: int) -> int:
        i: int = 0
        y: int = 0
        for y in xs:
            if y == target:
                return i
            i = i + 1
        return -1
    def set_x(v: int) -> object:
        nonlocal x
        x = v
    xs = [3, 1, 4, 1, 5]
    for x in xs:
        xs[4] = 9
        total = total + x
    print(total)
    print(find(4) * 10 + find(7))
    for x in xs:
        set_x(x * 2)
        total = total + x
    print(total)
    return x

def letters(s: str) -> str:
    out: str = ""
    c: str = ""
    for c in s:
        out = c + out
    return out

print(run())
print(letters("stressed"))
