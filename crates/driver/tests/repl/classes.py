class Animal(object):
    name: str = "animal"
    def speak(self: "Animal") -> str:
        return "..."
    def describe(self: "Animal") -> str:
        return self.name + " says " + self.speak()

def chorus(xs: [Animal]) -> str:
    out: str = ""
    a: Animal = None
    for a in xs:
        out = out + a.describe() + "; "
    return out

class Dog(Animal):
    def __init__(self: "Dog"):
        self.name = "dog"
    def speak(self: "Dog") -> str:
        return "woof"

zoo: [Animal] = None
zoo = [Animal(), Dog()]
chorus(zoo)
class Puppy(Dog):
    age: int = 1
    def speak(self: "Puppy") -> str:
        return "yip"

zoo = zoo + [Puppy()]
chorus(zoo)
zoo[2].describe()
len(zoo)
def make(n: int) -> [int]:
    xs: [int] = None
    def add(k: int):
        nonlocal xs
        xs = xs + [k]
    xs = []
    while n > 0:
        add(n)
        n = n - 1
    return xs

make(4)
o: object = None
o = 3
o
o = True
o
o = "s'q"
o
o = Puppy()
o
o = make(2)
o
print(zoo[5].name)
zoo[0].name
