class A(object):
    x: int = 1
    def get(self: "A", k: int) -> int:
        return self.x + k
class B(A):
    y: [int] = None
a: A = None
b: B = None
s: str = "abc"
l: [int] = None
a = B()
b = a
a.z = 3
a.get(True)
a.nothing()
s[0] = "x"
l = [1, 2] + [True]
l = [] + [1]
l[True] = 2
s = s + 1
print(s[1])
a = b = [None]
for s in l:
    pass
for a in 3:
    pass
