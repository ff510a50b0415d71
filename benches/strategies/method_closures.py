# Closures inside methods: nested functions capture `self` and parameters, and
# update a local of the method through `nonlocal`.
class Stats(object):
    total: int = 0
    count: int = 0

    def add_range(self: "Stats", lo: int, hi: int, step: int) -> int:
        added: int = 0
        i: int = 0
        def add(v: int) -> object:
            nonlocal added
            self.total = (self.total + v) % 1000003
            self.count = self.count + 1
            added = added + 1
        i = lo
        while i < hi:
            add(i * step)
            i = i + 1
        return added

s: Stats = None
j: int = 0
s = Stats()
while j < 200:
    s.add_range(0, 5000, j % 7)
    j = j + 1
print(s.total)
print(s.count)
