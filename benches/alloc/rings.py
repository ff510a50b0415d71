# 400,000 rings of 51 doubly linked nodes, each dropped after use: cycles the
# collector must reclaim.
class Node(object):
    value: int = 0
    next: "Node" = None
    prev: "Node" = None

def ring(k: int) -> int:
    first: Node = None
    last: Node = None
    node: Node = None
    total: int = 0
    i: int = 0
    first = Node()
    first.value = k
    last = first
    while i < 50:
        node = Node()
        node.value = k + i
        node.prev = last
        last.next = node
        last = node
        i = i + 1
    last.next = first
    first.prev = last
    node = first.next
    while not (node is first):
        total = total + node.value - node.prev.value
        node = node.next
    return total

r: int = 0
j: int = 0
while j < 400000:
    r = r + ring(j)
    j = j + 1
print(r)
