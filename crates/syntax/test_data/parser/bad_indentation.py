x = 1
  y = 2
z = 3
if z:
      a = 1
    b = 2
