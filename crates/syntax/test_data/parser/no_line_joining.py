# ChocoPy joins no lines: a newline inside parentheses ends the statement.
print(1,
      2)
x = [1,
2]
