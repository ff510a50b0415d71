//! Large programs for compile-time benchmarks: copies of a 31-line unit, the shape
//! the issue "A linear-time compiler" measured with. Each unit has a class whose
//! method holds a nested function assigning a local through `nonlocal` and an
//! attribute of `self`; a function with a nested `nonlocal` helper building a string;
//! `for` and `while` loops, lists, strings, and the statements calling them.
//! Declarations come first (ChocoPy's rule), then every unit's statements.

/// One unit; `{i}` makes its names unique. The lines from `a{i}: Acc{i} = None` on
/// are moved: the declaration to the end of the declarations, the statements to the
/// end of the program.
const UNIT: &str = r#"class Acc{i}(object):
    total: int = 0
    name: str = "acc{i}"
    def add(self: "Acc{i}", xs: [int]) -> int:
        count: int = 0
        def bump(k: int) -> int:
            nonlocal count
            count = count + 1
            self.total = self.total + k
            return count
        x: int = 0
        for x in xs:
            bump(x)
        return count

def run{i}(n: int) -> str:
    s: str = ""
    i: int = 0
    def step(k: int) -> int:
        nonlocal s
        s = s + "ab"[k % 2]
        return len(s)
    while i < n:
        step(i)
        i = i + 1
    return s

a{i}: Acc{i} = None
a{i} = Acc{i}()
print(a{i}.add([1, 2, {i}]))
print(run{i}(3) + a{i}.name)
"#;

/// The number of lines of one unit.
pub fn unit_lines() -> usize {
    UNIT.lines().count()
}

/// A valid, terminating program of at least `lines` lines (whole units).
pub fn program(lines: usize) -> String {
    let units = lines.div_ceil(unit_lines()).max(1);
    let mut decls = String::new();
    let mut vars = String::new();
    let mut stmts = String::new();
    for i in 0..units {
        let unit = UNIT.replace("{i}", &i.to_string());
        let var = unit
            .find(&format!("a{i}: "))
            .expect("the unit declares a{i}");
        let stmt = var + unit[var..].find('\n').expect("a line") + 1;
        decls.push_str(&unit[..var]);
        vars.push_str(&unit[var..stmt]);
        stmts.push_str(&unit[stmt..]);
    }
    decls + &vars + &stmts
}
