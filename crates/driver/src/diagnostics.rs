//! Rendering of diagnostics with codespan-reporting: `error: message`, then
//! `┌─ file:line:column` and the source snippet with the range underlined.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
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

/// Source lines longer than this (in characters) are shown cut around the error.
pub const MAX_SNIPPET_LINE: usize = 160;

/// Characters shown on each side of the error in a cut line.
const CONTEXT: usize = 60;

/// One line of a source file cut around an error, as rustc shows long lines:
/// `...` then the characters around the error then `...`. Reports the original
/// file's line and column numbers.
struct Excerpt<'a> {
    name: &'a str,
    /// The cut line.
    text: String,
    /// The original line number (1-based).
    line_number: usize,
    /// Bytes of the `...` before the shown part (0 when the line start is shown).
    prefix: usize,
    /// The original column (1-based, in characters) of the first shown character.
    first_column: usize,
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, _: (), _: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, _: (), _: usize) -> Result<usize, FilesError> {
        Ok(self.line_number)
    }

    fn column_number(&'a self, _: (), _: usize, byte: usize) -> Result<usize, FilesError> {
        let byte = clamp(&self.text, byte.max(self.prefix));
        Ok(self.first_column + self.text[self.prefix..byte].chars().count())
    }

    fn line_range(&'a self, _: (), _: usize) -> Result<Range<usize>, FilesError> {
        Ok(0..self.text.len())
    }
}

/// The excerpt of the line holding `range.start` when that line, or another line
/// the range covers, is too long to show whole; the range within the excerpt.
fn excerpt<'a>(
    name: &'a str,
    text: &str,
    range: &Range<usize>,
) -> Option<(Excerpt<'a>, Range<usize>)> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let covered = &text[line_start..range.end.max(range.start)];
    let line_end = text[range.start..]
        .find('\n')
        .map_or(text.len(), |i| range.start + i);
    let long = |l: &str| l.chars().count() > MAX_SNIPPET_LINE;
    if !long(&text[line_start..line_end]) && !covered.split('\n').any(long) {
        return None;
    }
    let line = &text[line_start..line_end];
    let at = range.start - line_start;
    // The shown window: CONTEXT characters on each side of the error's start.
    let before: Vec<usize> = line[..at].char_indices().map(|(i, _)| i).collect();
    let from = before.len().saturating_sub(CONTEXT);
    let win_start = before.get(from).copied().unwrap_or(at);
    let win_end = line[at..]
        .char_indices()
        .nth(CONTEXT)
        .map_or(line.len(), |(i, _)| at + i);
    let end = (range.end.min(line_end) - line_start).clamp(at, win_end);
    let prefix = if win_start > 0 { "..." } else { "" };
    let suffix = if win_end < line.len() { "..." } else { "" };
    let shown = format!("{prefix}{}{suffix}", &line[win_start..win_end]);
    let line_number = text[..line_start].matches('\n').count() + 1;
    let first_column = line[..win_start].chars().count() + 1;
    let offset = |b: usize| b - win_start + prefix.len();
    Some((
        Excerpt {
            name,
            text: shown,
            line_number,
            prefix: prefix.len(),
            first_column,
        },
        offset(at)..offset(end),
    ))
}

/// Renders diagnostics against the source `text` of file `name`. A source line
/// longer than [`MAX_SNIPPET_LINE`] characters is shown cut around the error.
pub fn render(name: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let file = SimpleFile::new(name, text);
    let config = Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let start = clamp(text, d.range.start);
        let end = clamp(text, d.range.end.max(start));
        let label = |r: Range<usize>| vec![Label::primary((), r).with_message(&d.label)];
        let cs = CsDiagnostic::error().with_message(&d.message);
        let rendered = match excerpt(name, text, &(start..end)) {
            Some((ex, r)) => term::emit_into_string(&config, &ex, &cs.with_labels(label(r))),
            None => term::emit_into_string(&config, &file, &cs.with_labels(label(start..end))),
        };
        match rendered {
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
