//! Arbitrary bytes through the type checker: never a panic; a program is either
//! accepted or rejected with rendered diagnostics, and its typed JSON AST is
//! produced.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = chocopy_driver::Source {
        name: "fuzz.py".into(),
        text: String::from_utf8_lossy(data).into_owned(),
    };
    if let Err(f) = chocopy_driver::front_end(&src) {
        assert!(f.rendered.contains("error"), "{}", f.rendered);
    }
    let (json, _) = chocopy_driver::ast_json(&src, true);
    assert!(json.starts_with('{'));
});
