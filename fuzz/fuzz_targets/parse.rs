//! Arbitrary bytes through the parser: never a panic, the tree's text is the input,
//! and the reference-format JSON AST (with its error list) is produced.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parse = chocopy_syntax::parse(&text);
    assert_eq!(
        parse.syntax_node().to_string(),
        text,
        "the tree is lossless"
    );
    for e in parse.errors() {
        assert!(e.range.start <= e.range.end && e.range.end <= text.len());
    }
    let src = chocopy_driver::Source {
        name: "fuzz.py".into(),
        text: text.into_owned(),
    };
    let (json, _) = chocopy_driver::ast_json(&src, false);
    assert!(json.starts_with('{'));
});
