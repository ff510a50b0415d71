# object.__init__ called on None is an operation on None (exit code 4).
x: object = None
print(1)
x.__init__()
print(2)
