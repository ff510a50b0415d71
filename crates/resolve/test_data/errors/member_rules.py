# Members: lists have none; every other type has object's __init__; arguments are
# checked before the object of a method call.
class A(object):
    a: int = 0
    def m(self: "A", k: int) -> int:
        return k
x: A = None
[1].a = 2
[1].m(1)
None.a = 3
[].a = 4
(3).a = 5
x.m = 6
undefined.m(1 + "a")
x.m(True)
x.m()
(1).__init__()
"".__init__()
[].__init__()
None.__init__()
object().__init__()
