# A large nested helper with a loop, called from many places: inlining it
# everywhere multiplies the code; `auto` keeps it a (lifted) function.
def mix(n: int, seed: int) -> int:
    h: int = 0
    i: int = 0
    def scramble(v: int) -> int:
        r: int = 0
        i: int = 0
        r = v
        while i < 8:
            r = (r * 31 + seed) % 65521
            if r % 2 == 0:
                r = r // 2 + i
            else:
                r = r * 3 + 1
            r = r % 65521
            i = i + 1
        return r
    while i < n:
        h = (h + scramble(i)) % 65521
        h = (h + scramble(h)) % 65521
        h = (h + scramble(i + h)) % 65521
        h = (h + scramble(i * 2)) % 65521
        h = (h + scramble(h + 1)) % 65521
        h = (h + scramble(i + 7)) % 65521
        i = i + 1
    return h

print(mix(100000, 17))
