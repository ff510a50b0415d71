# Binary trees after the Computer Language Benchmarks Game: one long-lived tree
# beside short-lived trees of depths 4 to 16, checked by a node count.
class Tree(object):
    left: "Tree" = None
    right: "Tree" = None

def make(depth: int) -> Tree:
    t: Tree = None
    t = Tree()
    if depth > 0:
        t.left = make(depth - 1)
        t.right = make(depth - 1)
    return t

def check(t: Tree) -> int:
    if t.left is None:
        return 1
    return 1 + check(t.left) + check(t.right)

max_depth: int = 16
long_lived: Tree = None
depth: int = 4
iterations: int = 0
total: int = 0
i: int = 0

print(check(make(max_depth + 1)))
long_lived = make(max_depth)
while depth <= max_depth:
    iterations = 1
    i = 0
    while i < max_depth - depth + 4:
        iterations = iterations * 2
        i = i + 1
    total = 0
    i = 0
    while i < iterations:
        total = total + check(make(depth))
        i = i + 1
    print(iterations)
    print(total)
    depth = depth + 2
print(check(long_lived))
