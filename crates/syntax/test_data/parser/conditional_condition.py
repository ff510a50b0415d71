# The condition of a conditional expression is any expression, itself conditional:
# `a if (b if c else d) else e`, as the reference parses it.
x = 1 if True if False else True else 2
