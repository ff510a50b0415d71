# An index expression: both operands are checked before the indexed type.
x: object = None
y: [int] = None
x[True]
x[z]
y[True]
x[True] = 1
"s"[z] = 1
