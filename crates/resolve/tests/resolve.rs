//! Name resolution and type checking: data-driven error tests (the reference
//! implementation's messages, line and column), and the analyses on known programs.

use chocopy_ir::analysis::{CallGraph, Captures, ExtraParams};
use chocopy_ir::{FuncId, Program, VarId};
use std::path::PathBuf;

fn lower(text: &str) -> (Program, Vec<chocopy_resolve::SemanticError>) {
    let parse = chocopy_syntax::parse(text);
    assert!(parse.errors().is_empty(), "{:?}", parse.errors());
    chocopy_resolve::lower(&parse.tree())
}

#[test]
fn semantic_error_test_data() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/errors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    // Every file is checked; the failures are listed at the end.
    let mut failed = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let (_, errors) = lower(&text);
        let mut out = String::new();
        for e in &errors {
            let (l, c) = chocopy_syntax::line_col(&text, e.range.start);
            out.push_str(&format!("{l}:{c}: {}\n", e.message));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir.clone());
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&f);
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.clone(), out));
        }));
        if ok.is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {failed:?}");
}

fn func(p: &Program, name: &str) -> FuncId {
    p.all_functions()
        .into_iter()
        .find(|&f| p.funcs[f].name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn names(p: &Program, vars: impl IntoIterator<Item = VarId>) -> Vec<String> {
    vars.into_iter().map(|v| p.vars[v].name.clone()).collect()
}

const SIBLINGS: &str = "
def f(a: int, b: int) -> int:
    c: int = 0
    def k(n: int) -> int:
        return n + b
    def h(n: int) -> int:
        return k(n) * a
    def g(n: int) -> int:
        nonlocal c
        c = n
        return h(n) - 1
    def even(n: int) -> bool:
        if n == 0:
            return True
        return odd(n - 1)
    def odd(n: int) -> bool:
        if n == a:
            return False
        return even(n - 1)
    return g(1) + g(2)
print(f(3, 4))
";

#[test]
fn free_and_nonlocally_mutable_variables() {
    let (p, errors) = lower(SIBLINGS);
    assert!(errors.is_empty());
    let caps = Captures::analyze(&p);
    assert_eq!(names(&p, caps.direct(func(&p, "k")).to_vec()), ["b"]);
    assert_eq!(names(&p, caps.direct(func(&p, "h")).to_vec()), ["a"]);
    assert_eq!(names(&p, caps.direct(func(&p, "g")).to_vec()), ["c"]);
    assert!(caps.free(func(&p, "f")).is_empty());
    assert_eq!(names(&p, caps.captured()), ["a", "b", "c"]);
    assert_eq!(names(&p, caps.nonlocally_mutable()), ["c"]);
    assert_eq!(names(&p, caps.assigned()), ["c"]);
}

#[test]
fn extra_parameters_are_transitive_through_sibling_calls() {
    let (p, _) = lower(SIBLINGS);
    let cg = CallGraph::build(&p);
    let caps = Captures::analyze(&p);
    let extra = ExtraParams::compute(&p, &cg, &caps);
    let of = |n: &str| names(&p, extra.of(func(&p, n)).to_vec());
    assert_eq!(of("k"), ["b"]);
    assert_eq!(of("h"), ["a", "b"]);
    assert_eq!(of("g"), ["a", "b", "c"]);
    // One SCC: even and odd need the same extra parameter, though only odd uses it.
    assert_eq!(of("even"), ["a"]);
    assert_eq!(of("odd"), ["a"]);
    assert!(of("f").is_empty());
}

#[test]
fn call_graph_recursion_and_sites() {
    let (p, _) = lower(SIBLINGS);
    let cg = CallGraph::build(&p);
    assert!(cg.is_recursive(func(&p, "even")) && cg.is_recursive(func(&p, "odd")));
    assert!(!cg.is_recursive(func(&p, "g")));
    assert_eq!(cg.call_sites(func(&p, "g")), 2);
    assert_eq!(cg.call_sites(func(&p, "k")), 1);
    assert_eq!(cg.call_sites(func(&p, "even")), 1);
    // SCCs come callees first.
    let pos = |f: FuncId| cg.sccs().iter().position(|s| s.contains(&f)).unwrap();
    assert!(pos(func(&p, "k")) < pos(func(&p, "h")) && pos(func(&p, "h")) < pos(func(&p, "g")));
}

#[test]
fn extra_parameters_across_levels_stop_at_the_owner() {
    // k needs g's local and f's parameter; g passes its own local and needs only x.
    let (p, _) = lower(
        "
def f(x: int) -> int:
    def g() -> int:
        y: int = 1
        def k() -> int:
            return x + y
        return k()
    return g()
print(f(1))
",
    );
    let cg = CallGraph::build(&p);
    let extra = ExtraParams::compute(&p, &cg, &Captures::analyze(&p));
    assert_eq!(names(&p, extra.of(func(&p, "k")).to_vec()), ["x", "y"]);
    assert_eq!(names(&p, extra.of(func(&p, "g")).to_vec()), ["x"]);
}

#[test]
fn lowered_programs_verify() {
    let (p, errors) = lower(SIBLINGS);
    assert!(errors.is_empty());
    chocopy_ir::verify::verify(&p, chocopy_ir::verify::Shape::Nested).unwrap();
}
