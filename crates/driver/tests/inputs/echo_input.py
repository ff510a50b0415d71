line: str = ""
count: int = 0
line = input()
while len(line) > 0:
    count = count + 1
    print(line[0])
    line = input()
print(count)
