# Calls of nested functions in short-circuit and conditional positions: a call
# that is not evaluated must not run, also after inlining.
def f(n: int) -> int:
    trace: int = 0
    def mark(d: int, result: bool) -> bool:
        nonlocal trace
        trace = trace * 10 + d
        return result
    def val(d: int) -> int:
        nonlocal trace
        trace = trace * 10 + d
        return d
    if mark(1, n > 0) and mark(2, n > 5):
        trace = trace * 10 + 9
    if mark(3, n > 0) or mark(4, True):
        trace = trace * 10 + 8
    print(val(5) if mark(6, n > 2) else val(7))
    print(not mark(1, False))
    return trace

print(f(3))
print(f(-1))
print(f(10))
