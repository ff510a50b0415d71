# Every class inherits object's __init__ (manual 5.2), so `__init__` can be called on
# any object, also through an `object` whose class overrides it.
class A(object):
    n: int = 0
    def __init__(self: "A"):
        self.n = self.n + 1
        print("A.__init__")

a: A = None
x: object = None
y: int = 3
a = A()
x = a
x.__init__()
print(a.n)
x = object()
x.__init__()
y.__init__()
"s".__init__()
[].__init__()
True.__init__()
(1).__init__()
print(x.__init__() is None)
