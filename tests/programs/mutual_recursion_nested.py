# Mutual recursion between nested functions that capture a variable of their parent.
def parity(n: int, offset: int) -> bool:
    calls: int = 0
    def even(k: int) -> bool:
        nonlocal calls
        calls = calls + 1
        if k == 0:
            return True
        return odd(k - 1)
    def odd(k: int) -> bool:
        nonlocal calls
        calls = calls + 1
        if k == 0:
            return False
        return even(k - 1)
    result: bool = False
    result = even(n + offset)
    print(calls)
    return result

print(parity(7, 0))
print(parity(7, 3))
