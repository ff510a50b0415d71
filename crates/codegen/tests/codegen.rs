//! Code generation: modules validate, import only WASI, and the text of a small
//! module is a reviewed snapshot. Programs are written in the IR text format: no
//! front end is needed.

/// Compiles a flat program written in the IR text format (`chocopy_ir::read`): code
/// generation is tested without the front end and the closure passes.
fn module(text: &str) -> Vec<u8> {
    let ir = chocopy_ir::read::read(text).expect("valid IR text");
    chocopy_ir::verify::verify(&ir, chocopy_ir::verify::Shape::Flat).expect("flat IR");
    chocopy_codegen::compile(&ir, &chocopy_codegen::Options::default()).unwrap()
}

/// `def f(x: int) -> int: def g(y: int) -> int: nonlocal x; x = x + y; return x // 2`
/// (+ `return g(3) % 5`; `print(f(4))`), boxed and lifted (`--closure=lift`).
const SMALL: &str = "
def f$g(x: Ref[int], y: int) -> int:
    x.value = x.value + y
    return x.value // 2

def f(x$1: int) -> int:
    x: Ref[int] = None
    x = Ref()
    x.value = x$1
    return f$g(x, 3) % 5

print(f(4))
";

#[test]
fn modules_validate_and_import_only_wasi() {
    let wasm = module(SMALL);
    chocopy_codegen::validate(&wasm).unwrap();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp.unwrap();
                    assert_eq!(imp.module, "wasi_snapshot_preview1");
                    assert!(
                        ["fd_write", "fd_read", "proc_exit"].contains(&imp.name),
                        "{}",
                        imp.name
                    );
                }
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    exports.push(e.unwrap().name.to_string());
                }
            }
            _ => {}
        }
    }
    exports.sort();
    // `chocopy_flush` lets a host flush buffered output after stopping the
    // program at a limit (`chocopy run --timeout/--fuel`).
    assert_eq!(exports, ["_start", chocopy_codegen::FLUSH_EXPORT, "memory"]);
}

/// A small class program: attributes, `__init__`, inheritance, an overridden
/// method (dispatched through the table) and one no subclass overrides (a direct
/// call), a nested function capturing `self` in a method (lifted as
/// `Counter$bump$add`).
const CLASSES: &str = "
class Counter(object):
    n: int = 0
    def __init__(self: \"Counter\"):
        self.n = 1
    def bump(self: \"Counter\", k: int) -> int:
        return Counter$bump$add(self, k)
    def name(self: \"Counter\") -> str:
        return \"counter\"

class Loud(Counter):
    def name(self: \"Loud\") -> str:
        return \"LOUD\"

c: \"Counter\" = None

def Counter$bump$add(self: \"Counter\", k: int) -> int:
    self.n = self.n + k
    return self.n

c = Loud()
print(c.bump(2))
print(c.name())
";

#[test]
fn wat_of_a_small_class_program() {
    let wat = chocopy_codegen::to_wat(&module(CLASSES)).unwrap();
    // The user functions, _start, the table and the data; the runtime is the same
    // in every module.
    let user: Vec<String> = wat
        .split("\n  (")
        .filter(|f| {
            [
                "func $Counter",
                "func $Loud",
                "func $_start",
                "table",
                "elem",
            ]
            .iter()
            .any(|n| f.starts_with(n))
        })
        .map(|f| format!("({}", f.trim_end()))
        .collect();
    insta::assert_snapshot!(user.join("\n"));
}

#[test]
fn nested_ir_is_rejected() {
    let ir = chocopy_ir::read::read(
        "
def f(x: int) -> int:
    def g(y: int) -> int:
        nonlocal x
        x = x + y
        return x // 2
    return g(3) % 5

print(f(4))
",
    )
    .unwrap();
    assert_eq!(
        chocopy_codegen::compile(&ir, &Default::default()),
        Err(chocopy_codegen::CodegenError::NotFlat)
    );
}
