//! End-to-end conformance: every test program, compiled under every closure strategy,
//! validates with wasmparser, runs with wasmtime and prints its expected output
//! (exit code included).

mod common;

use chocopy_closure::Strategy;

#[test]
fn every_program_prints_its_expected_output_under_every_strategy() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for p in common::programs() {
        let expected = common::expected(&p);
        for s in Strategy::ALL {
            runs += 1;
            match common::compile_and_run(&p, s) {
                Ok(out) if out == expected => {}
                Ok(out) => failures.push(format!(
                    "{} --closure={}:\n--- expected\n{expected}--- got\n{out}",
                    common::name(&p),
                    s.name()
                )),
                Err(e) => {
                    failures.push(format!("{} --closure={}: {e}", common::name(&p), s.name()))
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn seed_examples_print_29_36_627() {
    for (file, want) in [
        ("capture_read.py", "29\n"),
        ("nonlocal_shared.py", "36\n"),
        ("sibling_shadow.py", "627\n"),
    ] {
        let p = common::shared().join("examples/seed").join(file);
        for s in Strategy::ALL {
            assert_eq!(
                common::compile_and_run(&p, s).unwrap(),
                want,
                "{file} {}",
                s.name()
            );
        }
    }
}
