x = 1 + 2 * -3 // 4 % 5 - 6
y = not a and b or c
z = a if b else c if d else e
w = (a < b) == (c >= d)
v = -x.y[0](1, 2)
