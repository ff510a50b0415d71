s: str = "hello"
class A(object):
    pass
for i in [1, 2]:
    print(i)
print(len(s))
