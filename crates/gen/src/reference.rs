//! The Berkeley reference implementation as an oracle for the front end.
//!
//! `../shared/reference/chocopy-ref.jar` parses and type-checks ChocoPy (Java 17).
//! One JVM runs every file (`support/RefBatch.java`, started in Java's single-file
//! source mode), writing the JSON ASTs of `--pass=r` and `--pass=rr`. Ours come from
//! [`chocopy_driver::ast_json`]. They are compared as JSON values:
//! - a file with syntax errors (per the reference): the error lists, each error's
//!   location and message;
//! - any other file: the whole untyped AST and the whole typed AST (types, semantic
//!   errors, `errorMsg` of every node).

use crate::generate::{generate, Config};
use crate::mutate::mutate;
use crate::{print_program, Mode};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const BATCH: &str = include_str!("../support/RefBatch.java");

/// The folder holding `chocopy-ref.jar` and `lib/`: `$CHOCOPY_REFERENCE`, or
/// `../shared/reference` beside the checkout.
pub fn reference_dir() -> PathBuf {
    match std::env::var_os("CHOCOPY_REFERENCE") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

/// A running reference JVM.
pub struct Reference {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    dir: PathBuf,
    files: u64,
}

impl Reference {
    /// Starts the JVM. Errors: no `java`, or no reference in [`reference_dir`].
    pub fn start() -> std::io::Result<Reference> {
        let d = reference_dir();
        let jar = d.join("chocopy-ref.jar");
        if !jar.exists() {
            return Err(std::io::Error::other(format!(
                "{} not found",
                jar.display()
            )));
        }
        let mut cp = vec![jar];
        for e in std::fs::read_dir(d.join("lib"))? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "jar") {
                cp.push(p);
            }
        }
        let cp = std::env::join_paths(cp).map_err(std::io::Error::other)?;
        let dir = std::env::temp_dir().join(format!("chocopy-ref-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let src = dir.join("RefBatch.java");
        std::fs::write(&src, BATCH)?;
        let mut child = Command::new("java")
            .arg("-cp")
            .arg(cp)
            .arg(&src)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Reference {
            child,
            stdin,
            stdout,
            dir,
            files: 0,
        })
    }

    /// The reference's untyped and typed JSON ASTs of `text`, and its lexer's
    /// tokens (one line each, as [`token_lines`] writes ours).
    pub fn run(&mut self, text: &str) -> Result<(Value, Value, String), String> {
        self.files += 1;
        let path = self.dir.join(format!("f{}.py", self.files));
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        writeln!(self.stdin, "{}", path.display()).map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        if line.trim() != "ok" {
            let why: String = line.trim().chars().take(200).collect();
            return Err(format!("the reference failed: {why}"));
        }
        let read = |suffix: &str| -> Result<Value, String> {
            let f = format!("{}{suffix}", path.display());
            let t = std::fs::read_to_string(&f).map_err(|e| e.to_string())?;
            let _ = std::fs::remove_file(&f);
            serde_json::from_str(&t).map_err(|e| e.to_string())
        };
        let r = read(".r.json")?;
        let rr = read(".rr.json")?;
        let f = format!("{}.tokens", path.display());
        let tokens = std::fs::read_to_string(&f).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&f);
        let _ = std::fs::remove_file(&path);
        Ok((r, rr, tokens))
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!("{}...", &s[..160])
    } else {
        s
    }
}

/// Differences between two JSON values, as `path: expected X, got Y` lines appended
/// to `out` (objects compared key by key, arrays element by element).
pub fn json_diff(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    Some(vb) => json_diff(&format!("{path}/{k}"), va, vb, out),
                    None => out.push(format!("{path}/{k}: missing (expected {})", short(va))),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(format!("{path}/{k}: unexpected {}", short(vb)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                json_diff(&format!("{path}/{i}"), va, vb, out);
            }
        }
        _ if want == got => {}
        _ => out.push(format!(
            "{path}: expected {}, got {}",
            short(want),
            short(got)
        )),
    }
}

/// The `errors.errors` list of a JSON AST.
pub fn errors(v: &Value) -> Vec<Value> {
    v["errors"]["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Whether the reference's JSON AST lists syntax errors.
pub fn has_syntax_errors(v: &Value) -> bool {
    errors(v).iter().any(|e| e["syntax"] == Value::Bool(true))
}

/// The error list reduced to what is compared: location and message of each.
fn error_list(v: &Value) -> Value {
    Value::Array(
        errors(v)
            .iter()
            .map(|e| serde_json::json!({"location": e["location"], "message": e["message"]}))
            .collect(),
    )
}

/// Our view of the reference lexer's tokens ([`chocopy_syntax::cup::reference_lex`]),
/// one line each: name, location (four numbers) and text, tab separated, with
/// `\\`, newline, tab and carriage return escaped.
pub fn token_lines(text: &str) -> String {
    let mut out = String::new();
    for t in chocopy_syntax::cup::reference_lex(text) {
        let [a, b, c, d] = t.location;
        let esc = t
            .text
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\t', "\\t")
            .replace('\r', "\\r");
        out.push_str(&format!("{}\t{a}\t{b}\t{c}\t{d}\t{esc}\n", t.name()));
    }
    out
}

/// The first token where `ours` and `theirs` (token lines) differ.
pub fn token_diff(ours: &str, theirs: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if x != y {
            return Some(format!(
                "[tokens] token {i}: expected {:?}, got {:?}",
                y.unwrap_or("(none)"),
                x.unwrap_or("(none)")
            ));
        }
    }
    None
}

/// How our front end differs from the reference's JSON ASTs `r` (untyped) and `rr`
/// (typed) on `text`: empty when it does not.
pub fn compare(text: &str, r: &Value, rr: &Value) -> Vec<String> {
    let src = chocopy_driver::Source {
        name: "input.py".into(),
        text: text.into(),
    };
    let parse = |t: String| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null);
    let ours_r = parse(chocopy_driver::ast_json(&src, false).0);
    let mut out = Vec::new();
    if has_syntax_errors(r) {
        json_diff("/errors", &error_list(r), &error_list(&ours_r), &mut out);
        return out;
    }
    json_diff("[untyped]", r, &ours_r, &mut out);
    let ours_rr = parse(chocopy_driver::ast_json(&src, true).0);
    json_diff("[typed]", rr, &ours_rr, &mut out);
    out
}

/// The text of front-end test case `case`: a generated program, or a mutant of it.
pub fn case_text(case: u64, mutated: bool) -> String {
    let (p, layout) = generate(case, &Config::default());
    let text = print_program(&p, Mode::Plain, layout);
    if mutated {
        mutate(&text, case)
    } else {
        text
    }
}

/// `chocopy-gen --reference`: compares the front end with the reference on `count`
/// programs from `seed` (mutants with `mutated`); prints the differences and a
/// summary; 1 when there is a difference, 2 when the reference cannot run.
pub fn main(seed: u64, count: u64, mutated: bool, save: Option<&Path>) -> i32 {
    let mut reference = match Reference::start() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the reference implementation: {e}");
            return 2;
        }
    };
    let started = std::time::Instant::now();
    let (mut differing, mut syntax) = (0u64, 0u64);
    for case in seed..seed + count {
        let text = case_text(case, mutated);
        let (r, rr, tokens) = match reference.run(&text) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("case {case}: {e}");
                return 2;
            }
        };
        syntax += has_syntax_errors(&r) as u64;
        let mut d = compare(&text, &r, &rr);
        d.extend(token_diff(&token_lines(&text), &tokens));
        if !d.is_empty() {
            differing += 1;
            if differing <= 20 {
                println!("case {case}: {} difference(s)", d.len());
                for l in d.iter().take(6) {
                    println!("    {l}");
                }
            }
            if let Some(dir) = save {
                let _ = std::fs::create_dir_all(dir);
                let _ = std::fs::write(dir.join(format!("case{case}.py")), &text);
            }
        }
    }
    println!(
        "{count} {} programs from {seed} ({syntax} with syntax errors): {differing} differ from the reference; {:.1} s",
        if mutated { "mutated" } else { "generated" },
        started.elapsed().as_secs_f64()
    );
    i32::from(differing > 0)
}

/// `chocopy-gen --reference --files F...`: compares the front end with the reference
/// on the given files; prints the differences; 1 when there is one.
pub fn files(paths: &[PathBuf]) -> i32 {
    let mut reference = match Reference::start() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the reference implementation: {e}");
            return 2;
        }
    };
    let mut differing = 0;
    for p in paths {
        let text = match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {e}", p.display());
                return 2;
            }
        };
        let (r, rr, tokens) = match reference.run(&text) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("{}: {e}", p.display());
                return 2;
            }
        };
        let mut d = compare(&text, &r, &rr);
        d.extend(token_diff(&token_lines(&text), &tokens));
        if !d.is_empty() {
            differing += 1;
            println!("{}: {} difference(s)", p.display(), d.len());
            for l in d.iter().take(10) {
                println!("    {l}");
            }
        }
    }
    println!(
        "{} files: {differing} differ from the reference",
        paths.len()
    );
    i32::from(differing > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_names_the_differing_path() {
        let want: Value = serde_json::json!({"a": [1, {"b": 2}], "c": 3});
        let got: Value = serde_json::json!({"a": [1, {"b": 5}], "d": 3});
        let mut out = Vec::new();
        json_diff("", &want, &got, &mut out);
        assert_eq!(
            out,
            vec![
                "/a/1/b: expected 2, got 5",
                "/c: missing (expected 3)",
                "/d: unexpected 3"
            ]
        );
    }
}
