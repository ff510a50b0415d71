# A function body ends with at least one statement (manual 4, func_body): one
# with declarations only is a syntax error at its DEDENT (found against
# chocopy-ref: our parser accepted it).
def f():
  x: int = 1
  def g():
    pass
print(1)
