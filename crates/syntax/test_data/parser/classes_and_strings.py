class A(object):
    x: int = 1
    def get(self: "A") -> str:
        return "a\"b\\c\n"
a: A = None
a = A()
print(a.get())
