# Classes (methods and their nested functions included) are analysed before
# top-level functions, whatever their order in the file.
def f1(a: int, a: int):
  def h1():
    nonlocal zz
    pass
  pass
class A(object):
  x: int = 1
  x: int = 2
  def m(self: A, b: int, b: int):
    def mm():
      nonlocal qq
      pass
    pass
def f2(c: int, c: int):
  pass
class B(Undef):
  y: int = 1
  y: int = 2
class C(A):
  def m(self: C):
    pass
  x: str = ""
f1: int = 3
