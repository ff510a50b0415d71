//! The verifier rejects broken IR, and the printer chooses collision-free names.

use chocopy_ir::print::{print_program, Naming};
use chocopy_ir::verify::{verify, Shape};
use chocopy_ir::{Const, Expr, ExprKind, Function, Place, Program, Span, Stmt, Type, VarDef};

/// `def f(x: int) -> int: def g() -> int: return x` (+ `return g()`), built by hand.
fn nested() -> Program {
    let mut p = Program::default();
    let f = p.funcs.alloc(Function {
        name: "f".into(),
        method_of: None,
        params: vec![],
        ret: Type::Int,
        locals: vec![],
        nested: vec![],
        parent: None,
        body: vec![],
        span: Span::default(),
    });
    let g = p.funcs.alloc(Function {
        name: "g".into(),
        parent: Some(f),
        ..p.funcs[f].clone()
    });
    let x = p.new_var("x", Type::Int, Some(f), Span::default());
    p.funcs[f].params = vec![x];
    p.funcs[f].nested = vec![g];
    p.funcs[g].body = vec![Stmt::Return {
        value: Some(p.read(x, Span::default())),
        span: Span::default(),
    }];
    p.funcs[f].body = vec![Stmt::Return {
        value: Some(Expr::new(
            ExprKind::Call(g, vec![]),
            Type::Int,
            Span::default(),
        )),
        span: Span::default(),
    }];
    p.functions = vec![f];
    p
}

#[test]
fn nested_ir_verifies_only_as_nested() {
    let p = nested();
    verify(&p, Shape::Nested).unwrap();
    let errs = verify(&p, Shape::Flat).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.to_string().contains("nested in flat IR")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.to_string().contains("reads invisible variable x")),
        "{errs:?}"
    );
}

#[test]
fn verifier_reports_type_and_scope_errors() {
    let mut p = nested();
    let f = p.functions[0];
    let stray = p.new_var("stray", Type::Bool, Some(f), Span::default());
    p.main = vec![
        Stmt::Assign {
            targets: vec![Place::Var(stray)],
            value: Expr::constant(Const::Int(1), Span::default()),
        },
        Stmt::Return {
            value: None,
            span: Span::default(),
        },
    ];
    let errs = verify(&p, Shape::Nested).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.to_string().contains("assigns invisible variable stray")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e
            .to_string()
            .contains("assignment: int is not assignable to bool")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.to_string().contains("return at the top level")),
        "{errs:?}"
    );
}

#[test]
fn printer_renames_colliding_and_synthesized_names() {
    let mut p = nested();
    let f = p.functions[0];
    let g = p.funcs[f].nested[0];
    // A local of g named like f's x, which g reads: it must get another name.
    let shadow = p.new_var("x", Type::Int, Some(g), Span::default());
    p.funcs[g].locals.push(VarDef {
        var: shadow,
        init: Const::Int(2),
    });
    p.funcs[g].name = "f$g".into();
    let ir = print_program(&p, Naming::Ir);
    assert!(
        ir.contains("    def f$g() -> int:\n        x$1: int = 2\n        return x\n"),
        "{ir}"
    );
    let py = print_program(&p, Naming::Python);
    assert!(
        py.contains("    def f_g() -> int:\n        x_1: int = 2\n        return x\n"),
        "{py}"
    );
}
