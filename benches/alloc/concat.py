# A list grown by concatenation (xs = xs + [a, b]) up to 600 elements, 6,000 times:
# each step drops the list before.
xs: [int] = None
total: int = 0
k: int = 0
a: int = 0
while k < 6000:
    xs = []
    a = 0
    while a < 300:
        xs = xs + [a, k]
        a = a + 1
    total = total + len(xs) + xs[599]
    k = k + 1
print(total)
