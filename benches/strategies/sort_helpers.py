# Insertion sort written with small nested helpers over a captured list: `less`
# and `swap` read the list their parent owns; the swap count is a nonlocal.
def sort(n: int, seed: int) -> int:
    xs: [int] = None
    swaps: int = 0
    i: int = 0
    j: int = 0
    def less(a: int, b: int) -> bool:
        return xs[a] < xs[b]
    def swap(a: int, b: int) -> object:
        nonlocal swaps
        t: int = 0
        t = xs[a]
        xs[a] = xs[b]
        xs[b] = t
        swaps = swaps + 1
    xs = []
    while i < n:
        seed = (seed * 1103515245 + 12345) % 65536
        xs = xs + [seed]
        i = i + 1
    i = 1
    while i < n:
        j = i
        while j > 0 and less(j, j - 1):
            swap(j, j - 1)
            j = j - 1
        i = i + 1
    return swaps + xs[0] + xs[n - 1]

print(sort(1500, 7))
