//! Code generation: modules validate, import only WASI, and the text of a small
//! module is a reviewed snapshot.

use chocopy_closure::{InlineConfig, Strategy};

fn module(text: &str) -> Vec<u8> {
    let parse = chocopy_syntax::parse(text);
    let ir = chocopy_resolve::check(&parse.tree()).unwrap();
    let st = chocopy_closure::run(&ir, Strategy::Lift, &InlineConfig::default()).unwrap();
    chocopy_codegen::compile(&st.lifted, &chocopy_codegen::Options::default()).unwrap()
}

const SMALL: &str = "
def f(x: int) -> int:
    def g(y: int) -> int:
        nonlocal x
        x = x + y
        return x // 2
    return g(3) % 5
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
    assert_eq!(exports, ["_start", "memory"]);
}

#[test]
fn wat_of_a_small_program() {
    let wat = chocopy_codegen::to_wat(&module(SMALL)).unwrap();
    // The user functions and _start; the runtime is the same in every module.
    let user = wat
        .split("\n  (func ")
        .filter(|f| {
            ["$f ", "$f$g ", "$_start "]
                .iter()
                .any(|n| f.starts_with(n))
        })
        .map(|f| format!("(func {}", &f[..f.find("\n  )").unwrap()]))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(user);
}

#[test]
fn nested_ir_is_rejected() {
    let parse = chocopy_syntax::parse(SMALL);
    let ir = chocopy_resolve::check(&parse.tree()).unwrap();
    assert_eq!(
        chocopy_codegen::compile(&ir, &Default::default()),
        Err(chocopy_codegen::CodegenError::NotFlat)
    );
}
