# String building: short strings made and dropped, 12M iterations (the issue "Memory
# is reclaimed": 390 MB without a collector).
t: str = "abc"
s: str = ""
i: int = 0
n: int = 0
while i < 12000000:
    s = t + t[i % 3]
    s = s + s
    n = n + len(s)
    i = i + 1
print(n)
print(s)
