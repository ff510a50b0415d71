//! The closure passes on every test program: golden snapshots of each pass's printed
//! output under each strategy, the CPython check of each printed stage, and the
//! shapes the design notes promise.
//!
//! The IR verifier runs after every pass inside `chocopy_closure::run`, so every
//! program here is also verified after every pass.

mod common;

use chocopy_closure::{InlineConfig, Stages, Strategy};
use chocopy_ir::print::{print_program, Naming};
use chocopy_ir::{visit, ExprKind, Program, Type};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

fn stages(p: &Path, s: Strategy) -> (Program, Stages) {
    let ir = chocopy_driver::front_end(&common::source(p)).expect("test programs type-check");
    let st = chocopy_closure::run(&ir, s, &InlineConfig::default()).expect("the pipeline verifies");
    (ir, st)
}

/// One golden file per program: the IR, then each strategy's three stages (a stage
/// equal to the one before it is shown as `(unchanged)`).
#[test]
fn pass_outputs_match_snapshots() {
    for p in common::programs() {
        let mut text = String::new();
        let (ir, _) = stages(&p, Strategy::Ref);
        let ir_text = print_program(&ir, Naming::Ir);
        text.push_str(&format!("==== ir ====\n{ir_text}"));
        for s in Strategy::ALL {
            let (_, st) = stages(&p, s);
            let mut prev = ir_text.clone();
            for (stage, prog) in [
                ("inlined", &st.inlined),
                ("boxed", &st.boxed),
                ("lifted", &st.lifted),
            ] {
                let t = print_program(prog, Naming::Ir);
                let shown = if t == prev {
                    "(unchanged)\n".to_string()
                } else {
                    t.clone()
                };
                text.push_str(&format!("\n==== {} / {stage} ====\n{shown}", s.name()));
                prev = t;
            }
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(common::name(&p));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&p);
        settings.bind(|| insta::assert_snapshot!("pipeline", text));
    }
}

fn python(program: &str) -> (String, i32) {
    let mut child = Command::new("python3")
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(program.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Every printed stage of every program, run by CPython, prints what CPython prints
/// for the original program (output and exit status).
#[test]
fn printed_stages_run_by_cpython_behave_like_the_original() {
    if !common::have("python3") {
        eprintln!("python3 not found: CPython validation skipped");
        return;
    }
    let mut failures = Vec::new();
    let mut cache: HashMap<String, (String, i32)> = HashMap::new();
    for p in common::programs() {
        let original = std::fs::read_to_string(&p).unwrap();
        let oracle = python(&original);
        for s in Strategy::ALL {
            let (ir, st) = stages(&p, s);
            for (stage, prog) in [
                ("ir", &ir),
                ("inlined", &st.inlined),
                ("boxed", &st.boxed),
                ("lifted", &st.lifted),
            ] {
                let text = print_program(prog, Naming::Python);
                let got = cache
                    .entry(text.clone())
                    .or_insert_with(|| python(&text))
                    .clone();
                if got != oracle {
                    failures.push(format!(
                        "{} {} {stage}: CPython prints {:?}, expected {:?}\n{text}",
                        common::name(&p),
                        s.name(),
                        got,
                        oracle
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn seed(file: &str) -> std::path::PathBuf {
    common::shared().join("examples/seed").join(file)
}

fn has_ref(p: &Program) -> bool {
    p.vars.iter().any(|(_, v)| matches!(v.ty, Type::Ref(_)))
}

fn user_calls(p: &Program) -> usize {
    let mut n = 0;
    for f in p.all_functions() {
        visit::exprs_pre(&p.funcs[f].body, &mut |e| {
            n += matches!(e.kind, ExprKind::Call(..)) as usize
        });
    }
    visit::exprs_pre(&p.main, &mut |e| {
        n += matches!(e.kind, ExprKind::Call(..)) as usize
    });
    n
}

#[test]
fn lift_of_nonlocal_shared_has_the_shape_of_lifted_boxed() {
    let (_, st) = stages(&seed("nonlocal_shared.py"), Strategy::Lift);
    let text = print_program(&st.lifted, Naming::Ir);
    for line in [
        "def f$g(x: Ref, y: int) -> int:",
        "def f$h(x: Ref, z: int) -> int:",
        "def f(x$1: int) -> int:",
        "    x: Ref = None",
        "    x = Ref()",
        "    x.value = x$1",
        "    return f$g(x, 10) + f$g(x, 7)",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in\n{text}"
        );
    }
}

#[test]
fn lift_of_capture_read_allocates_no_ref() {
    let (_, st) = stages(&seed("capture_read.py"), Strategy::Lift);
    assert!(!has_ref(&st.lifted));
    assert!(st.boxed_vars.is_empty());
    assert!(!print_program(&st.lifted, Naming::Ir).contains("Ref"));
}

#[test]
fn inline_of_nonlocal_shared_leaves_no_ref_and_no_calls() {
    let (_, st) = stages(&seed("nonlocal_shared.py"), Strategy::Inline);
    assert!(!has_ref(&st.lifted));
    // One call remains: the top level's call of f, which is not nested.
    assert_eq!(user_calls(&st.lifted), 1);
    let f = st.lifted.functions[0];
    let mut calls = 0;
    visit::exprs_pre(&st.lifted.funcs[f].body, &mut |e| {
        calls += matches!(e.kind, ExprKind::Call(..)) as usize
    });
    assert_eq!(calls, 0, "f still calls something");
}

#[test]
fn ref_boxes_captured_assigned_variables_lift_only_nonlocal_ones() {
    // sibling_shadow: f's `n` is captured by g and assigned by f only.
    let (_, r) = stages(&seed("sibling_shadow.py"), Strategy::Ref);
    let (_, l) = stages(&seed("sibling_shadow.py"), Strategy::Lift);
    assert_eq!(r.boxed_vars.len(), 1);
    assert!(l.boxed_vars.is_empty());
    assert!(has_ref(&r.lifted) && !has_ref(&l.lifted));
}
