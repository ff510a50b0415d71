# One-character strings compare equal however they were made (literals, indexing,
# iteration, concatenation with an empty string), and concatenation copies strings
# of every length (the copy is split into chunks of 64, 32, ..., 1 bytes below 128).
def rep(s: str, n: int) -> str:
    r: str = ""
    while n > 0:
        r = r + s
        n = n - 1
    return r

def count(s: str, c: str) -> int:
    k: int = 0
    x: str = ""
    for x in s:
        if x == c:
            k = k + 1
    return k

a: str = "a"
b: str = ""
e: str = ""
n: int = 0
s: str = ""
t: str = ""
b = e + "a"
print(a == b)
print(b == "a")
print("a" != b)
print(("xa" + e)[1] == a)
print(("b" + "a")[1] == "a")
print((e + e) == "")
print(count("banana", "a"))
print(count("banana" + "", "n" + e))
print(count(rep("ab", 100), "b"))
while n <= 300:
    s = rep("x", n) + rep("yz", n // 2)
    t = rep("yz", n // 2)
    if len(s) != n + len(t):
        print("bad length")
    if n > 0 and (s[0] != "x" or s[n - 1] != "x"):
        print("bad prefix")
    if len(t) > 0 and s[len(s) - 1] != "z":
        print("bad suffix")
    n = n + 7
print(rep("abc", 50))
print(len(rep(rep("0123456789", 13), 2)))
