# Classes: attributes with defaults, __init__, single inheritance, overriding and
# dynamic dispatch, methods called on any expression, `is`.
class Shape(object):
    name: str = "shape"
    sides: int = 0
    def area(self: "Shape") -> int:
        return 0
    def describe(self: "Shape") -> str:
        return self.name + " with area " + digits(self.area())

class Rect(Shape):
    w: int = 1
    h: int = 1
    def __init__(self: "Rect"):
        self.name = "rect"
        self.sides = 4
    def area(self: "Rect") -> int:
        return self.w * self.h

class Square(Rect):
    def __init__(self: "Square"):
        self.name = "square"
        self.sides = 4
        self.w = 3
        self.h = 3

def digits(n: int) -> str:
    s: str = ""
    if n == 0:
        return "0"
    while n > 0:
        s = "0123456789"[n % 10] + s
        n = n // 10
    return s

shapes: [Shape] = None
s: Shape = None
r: Rect = None
shapes = [Shape(), Rect(), Square()]
for s in shapes:
    print(s.describe())
    print(s.sides)
r = Square()
s = r
print(s is r)
print(Rect().area() + Square().area())
print(shapes[2].sides if False else shapes[1].area())
