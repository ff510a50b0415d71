//! Front-end conformance with the reference implementation: our JSON ASTs against the
//! expected files of `shared/conformance/berkeley`, compared as JSON values (so
//! formatting and key order do not matter), with a readable diff on mismatch.
//!
//! - `pa1/sample/*.py`: the untyped AST (`--emit=ast-json`) equals `*.py.ast`; for a
//!   program with syntax errors, the list of errors does (every location and
//!   message; the tree after recovery is ours).
//! - `pa2/sample/*.py`: the untyped AST equals `*.py.ast`, and the typed AST
//!   (`--emit=typed-ast-json`) equals `*.py.ast.typed`, semantic errors included.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

use common::conformance_programs as samples;

fn expected(p: &Path, suffix: &str) -> Value {
    let f = format!("{}{suffix}", p.display());
    let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{f}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{f}: {e}"))
}

fn ours(p: &Path, typed: bool) -> Value {
    let (text, _) = chocopy_driver::ast_json(&common::source(p), typed);
    serde_json::from_str(&text).expect("our JSON parses")
}

use chocopy_gen::reference::json_diff as diff;

fn errors(v: &Value) -> &Vec<Value> {
    v["errors"]["errors"]
        .as_array()
        .expect("a Program has an errors list")
}

/// Compares and describes the mismatch, if any: for a program with syntax errors
/// the error lists (every error's location and message; the tree after recovery is
/// ours), else the whole AST.
fn compare(p: &Path, want: &Value, got: &Value, errors_only: bool) -> Option<String> {
    let mut out = Vec::new();
    if errors_only {
        let list = |v: &Value| -> Value {
            errors(v)
                .iter()
                .map(|e| serde_json::json!({"location": e["location"], "message": e["message"]}))
                .collect()
        };
        diff("/errors/errors", &list(want), &list(got), &mut out);
    } else {
        diff("", want, got, &mut out);
    }
    if out.is_empty() {
        return None;
    }
    let n = out.len();
    out.truncate(8);
    Some(format!(
        "{} ({n} differences):\n    {}",
        p.file_name().unwrap().to_string_lossy(),
        out.join("\n    ")
    ))
}

fn check_all(files: &[PathBuf], suffix: &str, typed: bool) {
    let mut failures = Vec::new();
    for p in files {
        let want = expected(p, suffix);
        let has_syntax_errors = errors(&want)
            .first()
            .is_some_and(|e| e["syntax"] == Value::Bool(true));
        if let Some(msg) = compare(p, &want, &ours(p, typed), has_syntax_errors) {
            failures.push(msg);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs differ from `{suffix}`:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn pa1_untyped_asts_match_the_reference() {
    let files = samples("pa1/sample");
    assert_eq!(files.len(), 33, "pa1 sample programs");
    check_all(&files, ".ast", false);
}

#[test]
fn pa2_untyped_asts_match_the_reference() {
    let files = samples("pa2/sample");
    assert_eq!(files.len(), 59, "pa2 sample programs");
    check_all(&files, ".ast", false);
}

#[test]
fn pa2_typed_asts_match_the_reference() {
    let files = samples("pa2/sample");
    check_all(&files, ".ast.typed", true);
}

#[test]
fn pa3_typed_asts_match_the_reference() {
    // The code generation tests come with their typed ASTs too: 85 more programs.
    let mut files = samples("pa3/sample");
    files.extend(samples("pa3/benchmarks"));
    assert_eq!(files.len(), 85, "pa3 programs");
    check_all(&files, ".ast.typed", true);
}

#[test]
fn an_error_is_located_at_its_node_and_marks_it() {
    // A `for` statement's error spans the statement, to the DEDENT closing its body;
    // the statement carries the message as `errorMsg`.
    let src = chocopy_driver::Source {
        name: "t.py".into(),
        text: "b: bool = False\nfor b in [1]:\n    pass\nprint(b)\n".into(),
    };
    let (text, failure) = chocopy_driver::ast_json(&src, true);
    assert!(failure.is_some());
    let v: Value = serde_json::from_str(&text).unwrap();
    let stmt = &v["statements"][0];
    assert_eq!(stmt["kind"], "ForStmt");
    assert_eq!(stmt["location"], serde_json::json!([2, 1, 4, 0]));
    assert_eq!(stmt["errorMsg"], "Expected type `bool`; got type `int`");
    // The loop variable is not typed when it does not fit.
    assert!(stmt["identifier"].get("inferredType").is_none());
    let errors = errors(&v);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["location"], stmt["location"]);
}

#[test]
fn our_json_text_is_the_reference_text() {
    // Beyond equal values: the same bytes as the reference's Jackson printer (up to
    // a final newline), so that text-based tools (diff) work on our output too.
    // Programs with syntax errors are left out: their recovery differs.
    let mut checked = 0;
    let mut failures = Vec::new();
    let pa2_and_pa3 = [samples("pa2/sample"), samples("pa3/sample")].concat();
    let cases = samples("pa1/sample")
        .into_iter()
        .chain(samples("pa2/sample"))
        .map(|p| (p, ".ast", false))
        .chain(pa2_and_pa3.into_iter().map(|p| (p, ".ast.typed", true)));
    for (p, suffix, typed) in cases {
        let expected = std::fs::read_to_string(format!("{}{suffix}", p.display())).unwrap();
        if expected.contains("\"syntax\" : true") {
            continue;
        }
        let (ours, _) = chocopy_driver::ast_json(&common::source(&p), typed);
        checked += 1;
        if ours.trim_end() != expected.trim_end() {
            failures.push(format!("{}{suffix}", p.display()));
        }
    }
    assert!(checked > 200, "{checked} files");
    assert!(failures.is_empty(), "text differs: {failures:?}");
}
