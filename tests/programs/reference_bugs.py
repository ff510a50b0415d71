# Where the reference implementation is known to be wrong we follow CPython
# (design notes): 0 // -3 is 0, "\\" is one backslash, [] is [] is False.
print(0 // -3)
print(0 % -3)
print(-7 // 7)
print("\\")
print(len("\\\""))
print([] is [])
print(None is None)
