if a:
    pass
elif b:
    x = y = 1
else:
    while c:
        c = False
for i in [1, 2, 3]:
    print(i)
return
