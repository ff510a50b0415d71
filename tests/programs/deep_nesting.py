# Five levels of nesting; the innermost function assigns variables of three
# different ancestors and reads a fourth.
def a(p: int) -> int:
    va: int = 1
    def b() -> int:
        vb: int = 2
        def c() -> int:
            vc: int = 3
            def d() -> int:
                vd: int = 4
                def e() -> int:
                    nonlocal va
                    nonlocal vb
                    nonlocal vd
                    va = va + p
                    vb = vb * 2
                    vd = vd + vc
                    return va + vb + vc + vd
                e()
                return e() + vd
            return d() + vc
        return c() + vb
    return b() + va

print(a(1))
print(a(10))
