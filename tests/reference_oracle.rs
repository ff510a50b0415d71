//! The front end against the reference implementation itself
//! (`../shared/reference/chocopy-ref`, Java 17): on generated programs, on token-level
//! mutants of them, on every conformance program and on our own test data, our
//! JSON ASTs equal the reference's (error lists on files with syntax errors, the
//! whole untyped and typed ASTs otherwise), and our view of its lexer's tokens equals
//! its tokens.
//!
//! Any other range: `cargo run --release -p chocopy-gen -- --reference [--mutated]
//! --count N --seed S`.

mod common;

use chocopy_gen::reference::{case_text, compare, token_diff, token_lines, Reference};
use std::path::PathBuf;

/// Generated programs (test cases 0..GENERATED) and mutants (0..MUTATED), as
/// `chocopy-gen --reference [--mutated] --count N` checks them.
const GENERATED: u64 = 60;
const MUTATED: u64 = 250;

fn our_test_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "crates/syntax/test_data/parser",
        "crates/resolve/test_data/errors",
        "tests/programs",
        "crates/driver/tests/inputs",
    ] {
        let d = common::root().join(dir);
        let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect();
        v.sort();
        files.extend(v);
    }
    for dir in ["pa1/sample", "pa2/sample", "pa3/sample", "pa3/benchmarks"] {
        files.extend(common::conformance_programs(dir));
    }
    files
}

#[test]
fn the_front_end_reports_what_the_reference_reports() {
    let mut reference = Reference::start().expect("java runs the reference implementation");
    let mut cases: Vec<(String, String)> = Vec::new();
    for case in 0..GENERATED {
        cases.push((format!("generated case {case}"), case_text(case, false)));
    }
    for case in 0..MUTATED {
        cases.push((format!("mutated case {case}"), case_text(case, true)));
    }
    for f in our_test_files() {
        // Non-UTF-8 input is ours to reject (the reference reads it differently).
        if let Ok(text) = std::fs::read_to_string(&f) {
            cases.push((f.display().to_string(), text));
        }
    }
    let mut failures = Vec::new();
    let mut with_syntax_errors = 0;
    for (name, text) in &cases {
        let (r, rr, tokens) = reference.run(text).expect("the reference runs");
        with_syntax_errors += chocopy_gen::reference::has_syntax_errors(&r) as usize;
        let mut d = compare(text, &r, &rr);
        d.extend(token_diff(&token_lines(text), &tokens));
        if !d.is_empty() {
            d.truncate(6);
            failures.push(format!("{name}:\n    {}", d.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The mutants exercise error recovery: most have syntax errors, some do not.
    assert!(with_syntax_errors > MUTATED as usize / 2);
    assert!(with_syntax_errors < cases.len() - GENERATED as usize);
}
