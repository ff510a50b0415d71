# A for loop (checked with chocopy-ref): the variable must be assignable in the
# scope (reported first), then the elements must fit it.
g: int = 0
def f():
    x: int = 0
    for g in [[1]]:
        print(1)
    for g in [1]:
        print(zz)
    for x in [[1]]:
        print(yy)
    for x in 5:
        print(x)
    for q in [1]:
        print(q)
f()
