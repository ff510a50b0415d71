# Declaration passes of the reference (checked with chocopy-ref): names, then
# classes with their methods, then functions, then all annotations in source
# order, then missing returns.
y: Bar = None
y: int = 1
def f(p: Foo, p: int) -> Zed:
  global z
  v: Loc = None
  v: int = 1
  def g(q: Inner) -> int:
    nonlocal r
    s: Deep = None
    pass
  def str():
    pass
  pass
class A(B):
  a: Baz = None
  a: int = 1
  def m(self: A, r: Meth, r: int) -> int:
    nonlocal t
    pass
  def n(x: int):
    pass
w: Last = None
