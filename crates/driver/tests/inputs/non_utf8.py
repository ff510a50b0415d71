x: int = 1
print(x) # café
