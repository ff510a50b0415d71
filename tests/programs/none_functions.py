# Nested functions without return values, `pass`, `return` without value,
# functions returning object, and `is` on None.
def run(n: int) -> object:
    log: int = 0
    def note(v: int):
        nonlocal log
        if v < 0:
            return
        log = log * 10 + v
    def nothing() -> object:
        pass
    def maybe(v: int) -> object:
        if v > 0:
            return None
    note(1)
    note(-1)
    note(2)
    nothing()
    print(maybe(n) is None)
    print(nothing() is maybe(0))
    print(log)

run(3)
print(run(1) is None)
