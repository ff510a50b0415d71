//! Losslessness: for every `.py` file of the shared conformance suite and the seed
//! examples, the syntax tree's text equals the file, even for files with syntax errors
//! or with features beyond the compiled subset.

use std::path::{Path, PathBuf};

fn py_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            py_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

#[test]
fn every_conformance_file_round_trips() {
    let mut files = Vec::new();
    py_files(&shared().join("conformance"), &mut files);
    py_files(&shared().join("examples"), &mut files);
    assert!(
        files.len() > 150,
        "conformance suite not found: {} files",
        files.len()
    );
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let parse = chocopy_syntax::parse(&text);
        assert_eq!(parse.syntax_node().to_string(), text, "{}", f.display());
    }
}

#[test]
fn valid_seed_programs_parse_without_errors() {
    let mut files = Vec::new();
    py_files(&shared().join("examples/seed"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let parse = chocopy_syntax::parse(&text);
        assert_eq!(parse.errors(), &[], "{}", f.display());
    }
}
