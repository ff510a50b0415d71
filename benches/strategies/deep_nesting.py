# Four levels of nesting, each level looping over calls of the next one; the
# innermost function reads variables of every level.
def level1(n: int) -> int:
    a: int = 1
    s: int = 0
    i: int = 0
    def level2(j: int) -> int:
        b: int = 0
        t: int = 0
        k: int = 0
        def level3(k: int) -> int:
            c: int = 0
            def level4(m: int) -> int:
                return a + b + c + m
            c = k + 1
            return level4(k) + level4(k + 1)
        b = j * 2
        while k < 20:
            t = t + level3(k)
            k = k + 1
        return t
    while i < n:
        s = (s + level2(i)) % 1000003
        i = i + 1
    return s

print(level1(40000))
