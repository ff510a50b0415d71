# A conditional expression as the condition of another. ChocoPy's grammar also
# allows it without the parentheses (crates/syntax/test_data/parser/
# conditional_condition.py shows the same tree); Python does not.
def pick(a: bool, b: bool) -> int:
    return 1 if (a if b else not a) else 2

print(pick(True, True))
print(pick(True, False))
print(pick(False, True))
print(pick(False, False))
