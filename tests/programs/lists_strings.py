# Captured lists and strings: elements assigned through a captured list need no
# cell; rebinding a captured list or string through `nonlocal` does.
def histogram(text: str) -> [int]:
    counts: [int] = None
    seen: str = ""
    def bump(i: int) -> object:
        counts[i] = counts[i] + 1
    def remember(c: str) -> object:
        nonlocal seen
        seen = seen + c
    c: str = ""
    counts = [0, 0, 0]
    for c in text:
        if c == "a":
            bump(0)
        elif c == "b":
            bump(1)
        else:
            bump(2)
            remember(c)
    print(seen)
    return counts

def grow(n: int) -> int:
    xs: [int] = None
    def push(v: int) -> object:
        nonlocal xs
        xs = xs + [v]
    i: int = 0
    xs = []
    while i < n:
        push(i * i)
        i = i + 1
    return xs[n - 1] + len(xs)

h: [int] = None
h = histogram("abracadabra")
print(h[0])
print(h[1])
print(h[2])
print(grow(5))
