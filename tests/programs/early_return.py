# Nested functions with several returns, returns inside loops and after ifs
# where neither branch always returns (the inliner's `done` flag).
def search(limit: int, target: int) -> int:
    steps: int = 0
    def find() -> int:
        nonlocal steps
        i: int = 0
        while i < limit:
            steps = steps + 1
            if i * i == target:
                return i
            i = i + 1
        return -1
    def classify(v: int) -> int:
        if v < 0:
            if v < -100:
                return 3
        elif v == 0:
            return 0
        if v > 10:
            return 2
        return 1
    def sign(v: int) -> int:
        if v < 0:
            return -1
        if v == 0:
            return 0
        return 1
    print(find())
    print(steps)
    print(classify(-5) * 1000 + classify(-500) * 100 + classify(0) * 10 + classify(50))
    return sign(target - 50) + sign(0) * 10

print(search(20, 49))
print(search(5, 49))
