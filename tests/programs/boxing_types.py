# Nonlocal variables of every type live in Ref cells under `ref` and `lift`:
# int, bool, str, lists, objects, and `self` captured by a nested function.
class Node(object):
    value: int = 0
    next: "Node" = None

    def chain(self: "Node", n: int) -> int:
        count: int = 0
        def walk() -> int:
            nonlocal count
            cur: Node = None
            cur = self
            while not (cur is None):
                count = count + cur.value
                cur = cur.next
            return count
        walk()
        return walk() + n

def update(k: int) -> object:
    flag: bool = False
    name: str = "a"
    items: [int] = None
    node: Node = None
    obj: object = None
    def change() -> object:
        nonlocal flag
        nonlocal name
        nonlocal items
        nonlocal node
        nonlocal obj
        flag = not flag
        name = name + "b"
        items = [k, k + 1]
        node = Node()
        node.value = k
        obj = name
    change()
    change()
    print(flag)
    print(name)
    print(items[1])
    print(node.value)
    print(obj)

first: Node = None
first = Node()
first.value = 3
first.next = Node()
first.next.value = 4
print(first.chain(100))
update(7)
