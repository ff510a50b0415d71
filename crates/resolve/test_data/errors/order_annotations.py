# A global declaration error comes before the annotation errors, which follow in
# source order (checked with chocopy-ref).
y: Bar = None
def f(p: Foo) -> Zed:
  global z
  v: Loc = None
  def g(q: Inner):
    pass
  pass
class A(object):
  a: Baz = None
  def m(self: A, r: Meth):
    pass
w: Last = None
