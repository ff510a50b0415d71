# Duplicate names (checked with chocopy-ref): a duplicate function or class is
# still analysed, a duplicate method is not.
x: int = 1
def f():
    pass
def f():
    nonlocal q
    pass
def x():
    nonlocal r
    pass
class x(object):
    a: int = 1
    a: int = 2
class int(object):
    b: int = 1
    b: int = 2
def g():
    def h():
        pass
    def h():
        nonlocal s
        pass
    pass
