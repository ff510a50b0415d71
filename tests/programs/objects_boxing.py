# int, bool and str values stored as `object`: boxed when stored, printed by their
# dynamic type; lists of object mixing them.
def describe(x: object) -> object:
    print(x)

def pick(flag: bool) -> object:
    return 42 if flag else "forty-two"

o: object = 7
items: [object] = None
mixed: [object] = None
o = True
describe(o)
describe(12)
describe("twelve")
describe(pick(True))
describe(pick(False))
items = [1, True, "x", None]
print(len(items))
describe(items[0])
describe(items[1])
describe(items[2])
print(items[3] is None)
mixed = [5, 6] + [None]
print(len(mixed))
describe(mixed[1])
print(len([1, 2, 3] + [False]))
