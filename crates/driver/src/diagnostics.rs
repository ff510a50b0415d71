//! Rendering of diagnostics with codespan-reporting: `error: message`, then
//! `┌─ file:line:column` and the source snippet with the range underlined.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use std::ops::Range;

/// An error at a byte range of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Byte range in the source (may be empty, e.g. at end of input).
    pub range: Range<usize>,
    /// The headline.
    pub message: String,
    /// Text under the underlined range (may be empty).
    pub label: String,
}

impl Diagnostic {
    /// An error with `message` at `range`, `label` under the snippet.
    pub fn error(range: Range<usize>, message: String, label: String) -> Diagnostic {
        Diagnostic {
            range,
            message,
            label,
        }
    }
}

/// Moves `i` back to a char boundary of `text` and into bounds.
fn clamp(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics against the source `text` of file `name`.
pub fn render(name: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let file = SimpleFile::new(name, text);
    let config = Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let start = clamp(text, d.range.start);
        let end = clamp(text, d.range.end.max(start));
        let cs = CsDiagnostic::error()
            .with_message(&d.message)
            .with_labels(vec![Label::primary((), start..end).with_message(&d.label)]);
        match term::emit_into_string(&config, &file, &cs) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&render_plain(&d.message)),
        }
    }
    out
}

/// Renders an error that has no source location.
pub fn render_plain(message: &str) -> String {
    format!("error: {message}\n")
}
