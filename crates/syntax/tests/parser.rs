//! Data-driven parser tests (after rust-analyzer's `test_data`): every file in
//! `test_data/parser` is parsed; its tree dump and errors are compared with the
//! reviewed snapshot beside it, and the tree must give back the input.

use std::path::PathBuf;

#[test]
fn parser_test_data() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/parser");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 8);
    // Every file is checked; the failures are listed at the end.
    let mut failed = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let parse = chocopy_syntax::parse(&text);
        assert_eq!(parse.syntax_node().to_string(), text);
        let mut out = chocopy_syntax::debug_tree(&parse.syntax_node());
        for e in parse.errors() {
            let (line, col) = chocopy_syntax::line_col(&text, e.range.start);
            out.push_str(&format!("error {line}:{col}: {}\n", e.message));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir.clone());
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&f);
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.clone(), out));
        }));
        if ok.is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {failed:?}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let parse = chocopy_syntax::parse(&deep);
    assert_eq!(parse.syntax_node().to_string(), deep);
    assert!(parse
        .errors()
        .iter()
        .any(|e| e.message.contains("too deeply nested")));
}

/// Found by the `parse` fuzz target: a line of stray bytes gives as many lexical as
/// syntax errors, and matching them against each other was quadratic (a 40 KB file
/// took over a second, 1 MB would have taken minutes). Here 512 KB of such lines:
/// every error is reported, each at a different place, and the tree is lossless.
#[test]
fn thousands_of_lexical_and_syntax_errors_parse_in_linear_time() {
    let line = "x:int \u{fb}\u{fb}\0\0 0 \u{ff}\u{ff} \"\0 \u{fb} nt(x >= y)\n\np\u{7f}\u{7f}\n";
    let text = line.repeat(512 * 1024 / line.len());
    let parse = chocopy_syntax::parse(&text);
    assert_eq!(parse.syntax_node().to_string(), text);
    let errors = parse.errors();
    assert!(errors.len() > 10_000, "{} errors", errors.len());
    assert!(
        errors
            .windows(2)
            .all(|w| w[0].range.start <= w[1].range.start),
        "errors are sorted by position"
    );
}
