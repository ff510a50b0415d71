//! Each closure pass on its own: its postcondition, its refusal when its
//! precondition does not hold, and the IR verifier after it. Programs are written
//! in the IR text format, so the closure crate is tested without the front end.

use chocopy_closure::{auto, boxing, inline, lift, InlineConfig};
use chocopy_ir::print::{print_program, Naming};
use chocopy_ir::verify::{verify, Shape};
use chocopy_ir::{visit, ExprKind, FuncId, Program, Type, VarId};
use std::collections::{BTreeSet, HashSet};

/// The program of `text`, in the IR text format (`chocopy_ir::read`): these tests
/// need no front end.
fn lower(text: &str) -> Program {
    let p = chocopy_ir::read::read(text).expect("valid IR text");
    verify(&p, Shape::Nested).unwrap();
    p
}

fn func(p: &Program, name: &str) -> FuncId {
    p.all_functions()
        .into_iter()
        .find(|&f| p.funcs[f].name == name)
        .unwrap()
}

fn var(p: &Program, name: &str) -> VarId {
    p.vars
        .iter()
        .find(|(_, v)| v.name == name)
        .map(|(id, _)| id)
        .unwrap()
}

const SHARED: &str = "
def f(x: int) -> int:
    def g(y: int) -> int:
        return h(y) + x
    def h(z: int) -> int:
        nonlocal x
        x = z
        return x + 1
    return g(10) + g(7)
print(f(6))
";

#[test]
fn lift_refuses_nonlocal_writes_without_boxing() {
    let mut p = lower(SHARED);
    let err = lift::lift(&mut p).unwrap_err();
    assert_eq!(err.nonlocally_mutable, ["x"]);
}

#[test]
fn box_alone_makes_a_parameter_a_cell_and_keeps_nesting() {
    let mut p = lower(SHARED);
    let x = var(&p, "x");
    let cells = boxing::box_vars(&mut p, &BTreeSet::from([x]));
    verify(&p, Shape::Nested).unwrap();
    let cell = cells[&x];
    assert_eq!(p.vars[cell].ty, Type::Ref(Box::new(Type::Int)));
    assert_eq!(p.vars[x].name, "x$1");
    assert!(!p.is_flat());
    // Nobody assigns x any more: the `nonlocal` is gone.
    let text = print_program(&p, Naming::Ir);
    assert!(!text.contains("nonlocal"), "{text}");
    assert!(text.contains("        x.value = z"), "{text}");
}

#[test]
fn box_then_lift_is_flat_and_shares_the_cell() {
    let mut p = lower(SHARED);
    let x = var(&p, "x");
    boxing::box_vars(&mut p, &BTreeSet::from([x]));
    let report = lift::lift(&mut p).unwrap();
    verify(&p, Shape::Flat).unwrap();
    let g = func(&p, "f$g");
    assert_eq!(report[&g].len(), 1);
    assert_eq!(
        p.vars[p.funcs[g].params[0]].ty,
        Type::Ref(Box::new(Type::Int))
    );
}

#[test]
fn lift_alone_of_read_only_captures_passes_values() {
    let mut p = lower(
        "
def f(x: int) -> int:
    def g(y: int) -> int:
        def k() -> int:
            return x * y
        return k()
    return g(2)
print(f(3))
",
    );
    lift::lift(&mut p).unwrap();
    verify(&p, Shape::Flat).unwrap();
    let names: Vec<&str> = p
        .functions
        .iter()
        .map(|&f| p.funcs[f].name.as_str())
        .collect();
    assert_eq!(names, ["f$g$k", "f$g", "f"]);
    assert!(p.vars.iter().all(|(_, v)| !matches!(v.ty, Type::Ref(_))));
}

#[test]
fn inline_alone_reports_sites_and_removes_dead_functions() {
    let mut p = lower(SHARED);
    let (g, h) = (func(&p, "g"), func(&p, "h"));
    let report = inline::inline(&mut p, &HashSet::from([g, h]));
    verify(&p, Shape::Nested).unwrap();
    assert_eq!(report.sites[&g], 2);
    assert_eq!(report.sites[&h], 1);
    assert_eq!(report.removed.len(), 2);
    assert!(p.funcs[func(&p, "f")].nested.is_empty());
}

#[test]
fn inline_never_inlines_recursive_functions() {
    let mut p = lower(
        "
def f(n: int) -> int:
    def fact(k: int) -> int:
        if k <= 1:
            return 1
        return k * fact(k - 1)
    return fact(n)
print(f(5))
",
    );
    let fact = func(&p, "fact");
    let report = inline::inline(&mut p, &HashSet::from([fact]));
    assert!(report.sites.is_empty());
    let mut calls = 0;
    visit::exprs_pre(&p.funcs[func(&p, "f")].body, &mut |e| {
        calls += matches!(e.kind, ExprKind::Call(..)) as usize
    });
    assert_eq!(calls, 1);
}

#[test]
fn auto_follows_binaryen_thresholds() {
    let p = lower(
        "
def f(n: int) -> int:
    def tiny() -> int:
        return n
    def once(k: int) -> int:
        i: int = 0
        while i < k:
            i = i + 1
        return i
    def small(k: int) -> int:
        return k * 2 + n
    def looping(k: int) -> int:
        while k > 0:
            k = k - 1
        return k
    def rec(k: int) -> int:
        return rec(k - 1) if k > 0 else 0
    return tiny() + tiny() + once(n) + small(1) + small(2) + looping(1) + looping(2) + rec(3)
print(f(3))
",
    );
    let cg = chocopy_ir::analysis::CallGraph::build(&p);
    let cfg = InlineConfig::default();
    let d = |n: &str| auto::decide(&p, &cg, &cfg, func(&p, n));
    assert_eq!(d("tiny"), auto::Decision::Tiny);
    assert_eq!(d("once"), auto::Decision::OneCaller);
    assert_eq!(d("small"), auto::Decision::Small);
    assert_eq!(d("looping"), auto::Decision::TooCostly);
    assert_eq!(d("rec"), auto::Decision::Recursive);
    assert_eq!(d("f"), auto::Decision::TopLevel);
}
