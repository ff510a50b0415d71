# Assignment targets (checked with chocopy-ref): the value's type is checked
# before a variable not declared in the scope or an indexed string is reported.
class A(object):
    a: int = 1
g: int = 0
o: object = None
s: str = "x"
x: A = None
def f():
    g = "s"
    s[0] = 1
    s[zz] = 1
    x.b = "s"
    x.a = "s"
    o[0] = "s"
    zz = "s"
    zz[0] = 1
    g = g = "s"
f()
