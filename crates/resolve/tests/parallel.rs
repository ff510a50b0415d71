//! Lowering the function bodies on two threads (`lower::analyze_with_threshold`)
//! gives the program and the errors of lowering them on one, on every conformance
//! program, every error test file and a large program with nested functions.

use chocopy_resolve::lower::{analyze_with_threshold, Analysis};
use chocopy_resolve::order::reference_order;
use std::path::{Path, PathBuf};

fn py_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            py_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

/// Everything of the analysis that ids and order can change, as text (ids print as
/// their index).
fn shown(file: &chocopy_syntax::ast::SourceFile, a: Analysis) -> String {
    let p = &a.program;
    let mut out = String::new();
    for (_, v) in p.vars.iter() {
        out.push_str(&format!("{v:?}\n"));
    }
    for (_, f) in p.funcs.iter() {
        out.push_str(&format!("{f:?}\n"));
    }
    for (_, c) in p.classes.iter() {
        // (Not the layout's name indexes: hash maps, in no fixed order.)
        let l = &c.layout;
        out.push_str(&format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {}\n",
            c.name, c.parent, c.attrs, c.methods, c.span, l.attrs, l.methods, l.overridden, l.depth
        ));
    }
    out.push_str(&format!(
        "{:?}\n{:?}\n{:?}\n",
        p.globals, p.functions, p.main
    ));
    for e in reference_order(file, a.errors) {
        out.push_str(&format!("{e:?}\n"));
    }
    out
}

/// Compares both ways on `text`; returns whether it had errors.
fn same_both_ways(name: &str, text: &str) -> bool {
    let parse = chocopy_syntax::parse(text);
    let file = parse.tree();
    let one = analyze_with_threshold(&file, usize::MAX);
    let had_errors = !one.errors.is_empty();
    let two = analyze_with_threshold(&file, 0);
    assert_eq!(shown(&file, one), shown(&file, two), "{name}");
    had_errors
}

#[test]
fn two_threads_lower_as_one_on_every_test_program() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    py_files(&root.join("../../../shared/conformance"), &mut files);
    py_files(&root.join("../../../shared/examples"), &mut files);
    py_files(&root.join("test_data"), &mut files);
    assert!(files.len() > 150, "{} files", files.len());
    let mut with_errors = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        with_errors += same_both_ways(&f.display().to_string(), &text) as usize;
    }
    assert!(with_errors > 50, "{with_errors} files with errors");
}

const UNIT: &str = r#"class A{i}(object):
    x: int = {i}
    def get(self: "A{i}") -> int:
        n: int = 0
        def bump(k: int) -> int:
            nonlocal n
            def twice() -> int:
                return k + k
            n = n + twice()
            return n
        return bump(self.x)

def f{i}(xs: [int]) -> int:
    total: int = 0
    x: int = 0
    def add(y: int):
        nonlocal total
        total = total + y
    for x in xs:
        add(x)
    return total + A{i}().get()

"#;

#[test]
fn two_threads_lower_a_large_program_as_one() {
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&UNIT.replace("{i}", &i.to_string()));
    }
    text.push_str("print(f0([1, 2]))\nprint(f399([3]))\n");
    assert!(!same_both_ways("large", &text));
    // With errors in both halves (a type error, a missing return, a bad nonlocal).
    let bad = text
        .replacen("total = total + y", "total = total + True", 1)
        .replace(
            "def f399(xs: [int]) -> int:\n    total: int = 0",
            "def f399(xs: [int]) -> int:\n    nonlocal q\n    total: int = 0",
        )
        .replace("return total + A398().get()", "pass");
    assert!(same_both_ways("large with errors", &bad));
}
