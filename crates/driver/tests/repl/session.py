x: int = 1

def inc() -> int:
    global x
    x = x + 1
    return x

class Reader(object):
    scale: int = 10
    def read(self: "Reader") -> int:
        return x * self.scale

def counter(n: int) -> int:
    count: int = 0
    def tick() -> int:
        nonlocal count
        count = count + 1
        return count
    while n > 0:
        tick()
        n = n - 1
    return count

inc()
inc()
x
Reader().read()
print(1 // 0)
counter(3)
x = "oops"
r: Reader = None
r = Reader()
r.scale = 3
r.read()
r
[r, None]
inc() + counter(4)
x
