# Lines of one character from input() equal one-character literals.
line: str = ""
line = input()
print(line == "z")
line = input()
print(line == "\n")
line = input()
print(line == "y")
print(line[0] == "y")
print(line != "y")
