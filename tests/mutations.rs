//! Bad input never panics: deterministic mutations of the conformance programs
//! (deleted, duplicated, swapped and re-indented lines, deleted and inserted
//! characters and tokens) go through every front-end entry point and, when the
//! front end accepts them, through the whole compiler. Each mutant must parse to a
//! lossless tree, give JSON ASTs that list its errors, and either compile to a valid
//! module or be rejected with rendered diagnostics.

mod common;

use chocopy_driver::{Options, Source};
use std::path::PathBuf;

/// xorshift64*: a small deterministic generator, so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ":",
    ",",
    ".",
    "=",
    "==",
    "->",
    "\n",
    "    ",
    "\t",
    "#",
    "\"",
    "\\",
    "def ",
    "class ",
    "if ",
    "else",
    "elif ",
    "while ",
    "for ",
    " in ",
    "return",
    "pass",
    "global ",
    "nonlocal ",
    "None",
    "True",
    "not ",
    " and ",
    " or ",
    " is ",
    "-",
    "+",
    "//",
    "x",
    "self",
    "int",
    "[int]",
    "\"A\"",
    "0",
    "2147483648",
    "007",
    "é",
    "$",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match rng.below(7) {
        0 => {
            lines.remove(rng.below(n));
        }
        1 => {
            let i = rng.below(n);
            let l = lines[i].clone();
            lines.insert(rng.below(n), l);
        }
        2 => {
            let (i, j) = (rng.below(n), rng.below(n));
            lines.swap(i, j);
        }
        3 => {
            let i = rng.below(n);
            let l = &mut lines[i];
            if rng.below(2) == 0 {
                l.insert_str(0, &" ".repeat(1 + rng.below(5)));
            } else {
                let t = l.trim_start().to_string();
                *l = t;
            }
        }
        4 => {
            // Delete a run of characters.
            let mut s = lines.join("\n");
            let chars: Vec<(usize, char)> = s.char_indices().collect();
            if !chars.is_empty() {
                let a = rng.below(chars.len());
                let b = (a + 1 + rng.below(8)).min(chars.len());
                let end = chars.get(b).map_or(s.len(), |c| c.0);
                s.replace_range(chars[a].0..end, "");
            }
            return s;
        }
        _ => {
            // Insert a token or character.
            let mut s = lines.join("\n");
            let chars: Vec<usize> = s.char_indices().map(|c| c.0).collect();
            let at = chars
                .get(rng.below(chars.len() + 1))
                .copied()
                .unwrap_or(s.len());
            s.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]);
            return s;
        }
    }
    lines.join("\n") + "\n"
}

fn programs() -> Vec<PathBuf> {
    ["pa1/sample", "pa2/sample", "pa3/sample"]
        .iter()
        .flat_map(|dir| common::conformance_programs(dir))
        .collect()
}

fn errors_listed(json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).expect("our JSON parses");
    v["errors"]["errors"]
        .as_array()
        .expect("an errors list")
        .len()
}

#[test]
fn mutated_programs_get_diagnostics_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let files = programs();
    assert!(files.len() > 150);
    let (mut rejected, mut compiled) = (0, 0);
    for f in &files {
        let original = std::fs::read_to_string(f).unwrap();
        for k in 0..15 {
            let mut text = mutate(&original, &mut rng);
            if k % 3 == 2 {
                text = mutate(&text, &mut rng);
            }
            let what = format!("{} mutant {k}:\n{text}", f.display());
            let parse = chocopy_syntax::parse(&text);
            assert_eq!(parse.syntax_node().to_string(), text, "lossless: {what}");
            let src = Source {
                name: "mutant.py".into(),
                text: text.clone(),
            };
            let (untyped, _) = chocopy_driver::ast_json(&src, false);
            let (typed, failure) = chocopy_driver::ast_json(&src, true);
            assert_eq!(
                errors_listed(&untyped),
                parse.errors().len(),
                "untyped JSON lists the syntax errors: {what}"
            );
            match chocopy_driver::compile(&src, &Options::default()) {
                Ok(_) => {
                    compiled += 1;
                    assert!(failure.is_none(), "accepted, yet errors: {what}");
                    assert_eq!(errors_listed(&typed), 0, "{what}");
                }
                Err(e) => {
                    rejected += 1;
                    assert!(e.rendered.contains("mutant.py:"), "{}\n{what}", e.rendered);
                    assert!(errors_listed(&typed) > 0, "rejected, yet no errors: {what}");
                }
            }
        }
    }
    // Both outcomes are exercised.
    eprintln!("{rejected} rejected, {compiled} compiled");
    assert!(
        rejected > 1000 && compiled > 300,
        "{rejected} rejected, {compiled} compiled"
    );
}
