# Where the reference reports statement-level type errors, and which one when a
# node has several (only the first).
s: str = "abc"
n: int = 0
b: bool = False
xs: [int] = None
os: [object] = None
def f() -> int:
    return 1
def g():
    for n in xs:
        pass
for b in xs:
    pass
for undefined in xs:
    pass
for f in xs:
    pass
for n in b:
    pass
if n:
    pass
elif s:
    pass
while xs:
    pass
n = 1 if n else 2
s[True] = "x"
xs = xs = [None]
n = n = [None]
os = os = [None]
