//! Arbitrary bytes as an editor's document: the language server's analysis and
//! every request at offsets chosen by the input never panic (half-typed programs
//! are the server's normal input).
#![no_main]

use chocopy_lsp::analysis::Analysis;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = Analysis::new(&text);
    let _ = a.diagnostics();
    let _ = a.symbols();
    let _ = a.semantic_tokens();
    // Offsets from the first bytes (and the ends of the text).
    let mut offsets: Vec<usize> = data
        .iter()
        .take(4)
        .map(|&b| b as usize * text.len() / 255)
        .collect();
    offsets.extend([0, text.len()]);
    for at in offsets {
        let _ = a.hover(at);
        let _ = a.definition(at);
        let _ = a.references(at, true);
        let _ = a.rename(at, "renamed");
        let _ = a.completions(&text, at);
    }
});
