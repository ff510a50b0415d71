//! Filetests of the closure passes, after Cranelift's (`cranelift/filetests`): each
//! file of `tests/filetests/<pass>/*.ir` starts with a header `; test <pass>`, holds
//! a program in the IR text format (`chocopy_ir::read`), and ends with the expected
//! output after a line `; output:`, every line commented (`; `). The runner reads the
//! program, verifies it, runs the pass, verifies the result (the shape the pass
//! promises) and compares its text with the expected output. A pass that refuses the
//! program expects `; error: MESSAGE`.
//!
//! Passes: `inline` (every non-recursive nested function, the `inline` strategy's
//! selection), `box` (the variables some function other than their owner assigns),
//! `lift` (lambda lifting), `simplify` (constant folding and dead branches, on every
//! body), `auto` (the whole `auto` pipeline: inlining by heuristic, boxing, lifting).
//!
//! `CHOCOPY_BLESS=1 cargo test --test filetests` rewrites the expected outputs with
//! what the passes print (review the diff before committing).

use chocopy_closure::{boxing, inline, lift, simplify, InlineConfig, Strategy};
use chocopy_ir::analysis::{CallGraph, Captures};
use chocopy_ir::print::{print_program, Naming};
use chocopy_ir::verify::{verify, Shape};
use chocopy_ir::Program;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

const MARKER: &str = "; output:";

fn check(p: &Program, shape: Shape, what: &str) -> Result<(), String> {
    verify(p, shape).map_err(|errs| {
        let errs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        format!("IR invalid {what}: {}", errs.join("; "))
    })
}

/// Runs `pass` on `p`; the program after it, or an error message.
fn run(pass: &str, mut p: Program) -> Result<Program, String> {
    check(&p, Shape::Nested, "before the pass")?;
    let shape = match pass {
        "inline" => {
            let cg = CallGraph::build(&p);
            let selected: HashSet<_> = p
                .all_functions()
                .into_iter()
                .filter(|&f| p.funcs[f].parent.is_some() && !cg.is_recursive(f))
                .collect();
            inline::inline(&mut p, &selected);
            Shape::Nested
        }
        "box" => {
            let vars: BTreeSet<_> = Captures::analyze(&p)
                .nonlocally_mutable()
                .into_iter()
                .collect();
            boxing::box_vars(&mut p, &vars);
            Shape::Nested
        }
        "lift" => {
            lift::lift(&mut p).map_err(|e| e.to_string())?;
            Shape::Flat
        }
        "simplify" => {
            for f in p.all_functions() {
                let body = std::mem::take(&mut p.funcs[f].body);
                p.funcs[f].body = simplify::simplify(body);
            }
            p.main = simplify::simplify(std::mem::take(&mut p.main));
            Shape::Nested
        }
        "auto" => {
            let st = chocopy_closure::run(&p, Strategy::Auto, &InlineConfig::default())
                .map_err(|e| e.to_string())?;
            p = st.lifted;
            Shape::Flat
        }
        other => return Err(format!("unknown pass `{other}`")),
    };
    check(&p, shape, "after the pass")?;
    Ok(p)
}

/// The expected-output section for `output`.
fn commented(output: &str) -> String {
    let mut s = format!("{MARKER}\n");
    for line in output.lines() {
        if line.is_empty() {
            s.push_str(";\n");
        } else {
            s.push_str(&format!("; {line}\n"));
        }
    }
    s
}

/// Runs one file; `Err` with a report if the output differs (or, when blessing, the
/// file is rewritten).
fn run_file(path: &Path, bless: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let header = text.lines().next().unwrap_or_default();
    let Some(pass) = header.strip_prefix("; test ") else {
        return Err("the first line must be `; test <pass>`".into());
    };
    let pass = pass.trim();
    let (input, expected) = match text.find(&format!("\n{MARKER}\n")) {
        Some(i) => (&text[..i + 1], &text[i + 1..]),
        None => (text.as_str(), ""),
    };
    let program = chocopy_ir::read::read(input).map_err(|e| format!("cannot read: {e}"))?;
    let actual = match run(pass, program) {
        Ok(p) => print_program(&p, Naming::Text),
        Err(e) => format!("error: {e}\n"),
    };
    let actual = commented(&actual);
    if actual == expected {
        return Ok(());
    }
    if bless {
        std::fs::write(path, format!("{input}{actual}")).map_err(|e| e.to_string())?;
        return Ok(());
    }
    Err(format!("expected:\n{expected}\nactual:\n{actual}"))
}

fn files() -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("tests/filetests exists") {
        let dir = dir.unwrap().path();
        let pass = dir.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "ir") {
                out.push((pass.clone(), f));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn filetests() {
    let bless = std::env::var_os("CHOCOPY_BLESS").is_some();
    let files = files();
    let mut per_pass = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for (pass, f) in &files {
        *per_pass.entry(pass.clone()).or_default() += 1;
        let header = std::fs::read_to_string(f).unwrap_or_default();
        if !header.starts_with(&format!("; test {pass}\n")) {
            failures.push(format!(
                "{}: the header must be `; test {pass}`",
                f.display()
            ));
            continue;
        }
        if let Err(e) = run_file(f, bless) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    for pass in ["inline", "box", "lift", "simplify", "auto"] {
        let n = per_pass.get(pass).copied().unwrap_or(0);
        assert!(n >= 10, "{n} filetests of `{pass}` (at least 10 expected)");
    }
    assert!(
        failures.is_empty(),
        "{} of {} filetests failed (CHOCOPY_BLESS=1 rewrites the expected outputs):\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
