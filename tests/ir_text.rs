//! The IR text format: for every test program, every pass-3 sample and every stage
//! of every strategy, printing in the text format, reading and printing again gives
//! the same text, the program read verifies, and the closure pipeline run on it
//! prints what it prints on the original.

mod common;

use chocopy_closure::{InlineConfig, Strategy};
use chocopy_ir::print::{print_program, Naming};
use chocopy_ir::verify::{verify, Shape};
use chocopy_ir::Program;
use std::path::PathBuf;

fn text(p: &Program) -> String {
    print_program(p, Naming::Text)
}

/// Print, read, print: `Err` with what went wrong.
fn round_trip(p: &Program, shape: Shape) -> Result<Program, String> {
    let t = text(p);
    let read = chocopy_ir::read::read(&t).map_err(|e| format!("cannot read: {e}\n{t}"))?;
    let again = text(&read);
    if again != t {
        return Err(format!(
            "printed differently:\n{t}\n---- read and printed ----\n{again}"
        ));
    }
    verify(&read, shape).map_err(|errs| {
        let errs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        format!("does not verify: {}\n{t}", errs.join("; "))
    })?;
    Ok(read)
}

fn files() -> Vec<PathBuf> {
    let mut v = common::programs();
    v.extend(common::conformance_programs("pa3/sample"));
    v.extend(common::conformance_programs("pa3/benchmarks"));
    v
}

#[test]
fn every_stage_prints_reads_and_prints_the_same() {
    let cfg = InlineConfig::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in files() {
        let Ok(ir) = chocopy_driver::front_end(&common::source(&f)) else {
            continue;
        };
        for s in Strategy::ALL {
            let st = chocopy_closure::run(&ir, s, &cfg).expect("the pipeline runs");
            for (stage, prog, shape) in [
                ("ir", &ir, Shape::Nested),
                ("inlined", &st.inlined, Shape::Nested),
                ("boxed", &st.boxed, Shape::Nested),
                ("lifted", &st.lifted, Shape::Flat),
            ] {
                checked += 1;
                if let Err(e) = round_trip(prog, shape) {
                    failures.push(format!("{} ({}, {stage}): {e}", f.display(), s.name()));
                }
            }
        }
    }
    assert!(checked > 400, "{checked}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn passes_on_read_ir_do_what_they_do_on_the_original() {
    let cfg = InlineConfig::default();
    let mut failures = Vec::new();
    for f in files() {
        let Ok(ir) = chocopy_driver::front_end(&common::source(&f)) else {
            continue;
        };
        let read = chocopy_ir::read::read(&text(&ir)).expect("reads");
        for s in Strategy::ALL {
            let a = chocopy_closure::run(&ir, s, &cfg).expect("runs on the original");
            let b = match chocopy_closure::run(&read, s, &cfg) {
                Ok(b) => b,
                Err(e) => {
                    failures.push(format!("{} ({}): {e}", f.display(), s.name()));
                    continue;
                }
            };
            if text(&a.lifted) != text(&b.lifted) {
                failures.push(format!(
                    "{} ({}): \n{}\n---- from the text ----\n{}",
                    f.display(),
                    s.name(),
                    text(&a.lifted),
                    text(&b.lifted)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn reading_reports_errors_with_their_place() {
    for (text, at, needle) in [
        ("x: int = 0\nprint(y)\n", (2, 7), "`y` is not a variable"),
        (
            "def f() -> int:\n  return 1 +\n",
            (2, 13),
            "expected an expression",
        ),
        ("x: Foo = None\n", (1, 1), "no class named `Foo`"),
        ("x: int = 99999999999\n", (1, 1), "does not fit 32 bits"),
        ("class A(B):\n  pass\n", (1, 1), "superclass `B`"),
        ("x: int = 0\nx = \"a\n", (2, 5), "unterminated string"),
    ] {
        let e = chocopy_ir::read::read(text).expect_err(text);
        assert_eq!((e.line, e.col), at, "{text}: {e}");
        assert!(e.message.contains(needle), "{text}: {e}");
    }
}

#[test]
fn generated_programs_print_read_and_print_the_same() {
    let cfg = InlineConfig::default();
    let mut failures = Vec::new();
    for seed in 0..60 {
        let (p, layout) = chocopy_gen::generate(seed, &chocopy_gen::Config::default());
        let src = chocopy_driver::Source {
            name: format!("gen{seed}.py"),
            text: chocopy_gen::print_program(&p, chocopy_gen::Mode::Plain, layout),
        };
        let ir = chocopy_driver::front_end(&src).expect("generated programs type-check");
        for s in Strategy::ALL {
            let st = chocopy_closure::run(&ir, s, &cfg).expect("the pipeline runs");
            for (stage, prog, shape) in [
                ("ir", &ir, Shape::Nested),
                ("inlined", &st.inlined, Shape::Nested),
                ("boxed", &st.boxed, Shape::Nested),
                ("lifted", &st.lifted, Shape::Flat),
            ] {
                if let Err(e) = round_trip(prog, shape) {
                    failures.push(format!("seed {seed} ({}, {stage}): {e}", s.name()));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
