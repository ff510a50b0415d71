# `global` inside a nested function: globals are never boxed; every function
# reaches them directly.
counter: int = 0
flag: bool = False

def outer(n: int) -> int:
    local: int = 0
    def inner(k: int) -> int:
        global counter
        global flag
        counter = counter + k
        flag = not flag
        return counter + local
    while n > 0:
        inner(n)
        local = local + 1
        n = n - 1
    return inner(0)

print(outer(4))
print(counter)
print(flag)
