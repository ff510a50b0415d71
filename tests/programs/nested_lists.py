# Lists of every element type, nested lists, concatenation that boxes, and a nested
# function that rebinds a captured list of lists.
class Point(object):
    x: int = 0
    y: int = 0

def make(x: int, y: int) -> Point:
    p: Point = None
    p = Point()
    p.x = x
    p.y = y
    return p

def grid(n: int) -> [[int]]:
    rows: [[int]] = None
    def add_row(k: int) -> object:
        nonlocal rows
        row: [int] = None
        j: int = 0
        row = []
        while j < n:
            row = row + [k * n + j]
            j = j + 1
        rows = rows + [row]
    i: int = 0
    rows = []
    while i < n:
        add_row(i)
        i = i + 1
    return rows

g: [[int]] = None
flags: [bool] = None
words: [str] = None
points: [Point] = None
mixed: [object] = None
row: [int] = None
w: str = ""
g = grid(3)
print(len(g))
print(g[2][1])
for row in g:
    print(row[0] + row[1] + row[2])
flags = [True, False, True]
print(flags[1] or flags[2])
words = ["a", "bb", "ccc"]
for w in words:
    print(len(w))
points = [make(1, 2), make(3, 4)]
print(points[1].x * points[0].y)
mixed = [1, 2] + [True]
print(len(mixed))
print(mixed[2])
g[0][0] = 99
print(g[0][0] + g[1][0])
print([[1], [2, 3]][1][1])
