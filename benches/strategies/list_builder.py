# Nested functions that rebind a captured list (`nonlocal`) and read a captured
# string: the list variable needs a cell unless the function is inlined.
def build(n: int, sep: str) -> int:
    items: [int] = None
    text: str = ""
    i: int = 0
    def push(v: int) -> object:
        nonlocal items
        items = items + [v]
    def note(v: int) -> object:
        nonlocal text
        if v % 500 == 0:
            text = text + sep
    items = []
    while i < n:
        push(i % 10)
        note(i)
        i = i + 1
    return len(items) + len(text)

print(build(3000, "ab"))
