//! An open document: its text, the client's version, a line index for position
//! conversion, and the analysis of the current text.

use crate::analysis::{Analysis, CompletionKind, Symbol, SymbolKind};
use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, Position, Range, SemanticToken,
    TextDocumentContentChangeEvent,
};

/// An open document.
pub struct Document {
    /// The current text.
    pub text: String,
    /// The version the client gave with the last change.
    pub version: i32,
    index: LineIndex,
    analysis: Analysis,
}

impl Document {
    /// A document opened with `text` at `version`, analysed.
    pub fn new(text: String, version: i32) -> Document {
        let index = LineIndex::new(&text);
        let analysis = Analysis::new(&text);
        Document {
            text,
            version,
            index,
            analysis,
        }
    }

    /// Applies the client's changes in order (each a range replaced by a text, or
    /// the whole text), then analyses the new text. A range outside the text is
    /// clamped to it.
    pub fn change(&mut self, changes: &[TextDocumentContentChangeEvent], version: i32) {
        for c in changes {
            match c.range {
                None => self.text = c.text.clone(),
                Some(r) => {
                    let start = self.offset(r.start);
                    let end = self.offset(r.end).max(start);
                    self.text.replace_range(start..end, &c.text);
                }
            }
            self.index = LineIndex::new(&self.text);
        }
        self.version = version;
        let old = std::mem::replace(&mut self.analysis, Analysis::new(&self.text));
        // Freeing a large tree and IR takes milliseconds: not on the main loop.
        std::thread::spawn(move || drop(old));
    }

    /// The diagnostics of the current text: ranges and messages.
    pub fn diagnostics(&self) -> Vec<(Range, String)> {
        self.analysis
            .diagnostics()
            .iter()
            .map(|(r, m)| (self.range(r.clone()), m.clone()))
            .collect()
    }

    /// The hover text at `pos` (markdown) and the range it describes.
    pub fn hover(&self, pos: Position) -> Option<(String, Range)> {
        let (text, range) = self.analysis.hover(self.offset(pos))?;
        Some((text, self.range(range)))
    }

    /// The range of the declaration of what the name at `pos` refers to.
    pub fn definition(&self, pos: Position) -> Option<Range> {
        Some(self.range(self.analysis.definition(self.offset(pos))?))
    }

    /// The ranges of the references to what the name at `pos` refers to.
    pub fn references(&self, pos: Position, with_declaration: bool) -> Vec<Range> {
        self.analysis
            .references(self.offset(pos), with_declaration)
            .into_iter()
            .map(|r| self.range(r))
            .collect()
    }

    /// The ranges to replace to rename what the name at `pos` refers to, or why
    /// not.
    pub fn rename(&self, pos: Position, new_name: &str) -> Result<Vec<Range>, String> {
        let refs = self.analysis.rename(self.offset(pos), new_name)?;
        Ok(refs.into_iter().map(|r| self.range(r)).collect())
    }

    /// The outline of the document.
    #[allow(deprecated)] // `DocumentSymbol::deprecated`, a field lsp-types still has.
    pub fn symbols(&self) -> Vec<DocumentSymbol> {
        fn convert(d: &Document, s: &Symbol) -> DocumentSymbol {
            DocumentSymbol {
                name: s.name.clone(),
                detail: Some(s.detail.clone()),
                kind: match s.kind {
                    SymbolKind::Class => lsp_types::SymbolKind::CLASS,
                    SymbolKind::Method => lsp_types::SymbolKind::METHOD,
                    SymbolKind::Function => lsp_types::SymbolKind::FUNCTION,
                    SymbolKind::Attribute => lsp_types::SymbolKind::FIELD,
                    SymbolKind::Variable => lsp_types::SymbolKind::VARIABLE,
                },
                tags: None,
                deprecated: None,
                range: d.range(s.range.clone()),
                selection_range: d.range(s.name_range.clone()),
                children: Some(s.children.iter().map(|c| convert(d, c)).collect()),
            }
        }
        self.analysis
            .symbols()
            .iter()
            .map(|s| convert(self, s))
            .collect()
    }

    /// The completion items at `pos`.
    pub fn completions(&self, pos: Position) -> Vec<CompletionItem> {
        self.analysis
            .completions(&self.text, self.offset(pos))
            .into_iter()
            .map(|c| CompletionItem {
                label: c.label,
                kind: Some(match c.kind {
                    CompletionKind::Variable => CompletionItemKind::VARIABLE,
                    CompletionKind::Function => CompletionItemKind::FUNCTION,
                    CompletionKind::Class => CompletionItemKind::CLASS,
                    CompletionKind::Attribute => CompletionItemKind::FIELD,
                    CompletionKind::Method => CompletionItemKind::METHOD,
                }),
                detail: Some(c.detail),
                ..CompletionItem::default()
            })
            .collect()
    }

    /// The semantic tokens of the document, encoded as LSP wants them: per token,
    /// line and start relative to the previous token (UTF-16), length, type (an
    /// index into [`crate::TOKEN_TYPES`]) and no modifiers. Tokens spanning lines
    /// (none in ChocoPy but comments, which end at the line's end) are skipped.
    pub fn semantic_tokens(&self) -> Vec<SemanticToken> {
        let mut out = Vec::new();
        let (mut line, mut col) = (0, 0);
        for (r, kind) in self.analysis.semantic_tokens() {
            let (start, end) = (self.position(r.start), self.position(r.end));
            if start.line != end.line {
                continue;
            }
            let delta_line = start.line - line;
            let delta_start = if delta_line == 0 {
                start.character - col
            } else {
                start.character
            };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length: end.character - start.character,
                token_type: kind as u32,
                token_modifiers_bitset: 0,
            });
            (line, col) = (start.line, start.character);
        }
        out
    }

    /// The byte offset of an LSP position (UTF-16 column), clamped to the text and
    /// to a character boundary.
    pub fn offset(&self, pos: Position) -> usize {
        // The line's bounds; past the last line: the end of the text.
        let Some(line_start) = self.index.offset(LineCol {
            line: pos.line,
            col: 0,
        }) else {
            return self.text.len();
        };
        let line_start = usize::from(line_start).min(self.text.len());
        let rest = &self.text[line_start..];
        let line_end = line_start + rest.find(['\r', '\n']).unwrap_or(rest.len());
        let wide = WideLineCol {
            line: pos.line,
            col: pos.character,
        };
        let offset = self
            .index
            .to_utf8(WideEncoding::Utf16, wide)
            .and_then(|lc| self.index.offset(lc))
            .map_or(line_end, usize::from);
        let mut o = offset.clamp(line_start, line_end);
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// The LSP position of byte offset `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let lc = self
            .index
            .line_col(TextSize::from(offset.min(self.text.len()) as u32));
        let wide = self
            .index
            .to_wide(WideEncoding::Utf16, lc)
            .unwrap_or(WideLineCol {
                line: lc.line,
                col: lc.col,
            });
        Position::new(wide.line, wide.col)
    }

    /// The LSP range of a byte range.
    pub fn range(&self, r: std::ops::Range<usize>) -> Range {
        Range::new(self.position(r.start), self.position(r.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_utf16_and_clamped() {
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" 4 bytes and 2 units.
        let d = Document::new("a é😀b\nxy\n".into(), 0);
        assert_eq!(d.offset(Position::new(0, 2)), 2);
        assert_eq!(d.offset(Position::new(0, 3)), 4);
        assert_eq!(d.offset(Position::new(0, 5)), 8);
        assert_eq!(d.position(8), Position::new(0, 5));
        assert_eq!(d.position(10), Position::new(1, 0));
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(d.offset(Position::new(1, 40)), 12);
        assert_eq!(d.offset(Position::new(9, 0)), d.text.len());
    }

    #[test]
    fn a_column_past_the_end_of_a_crlf_line_stops_before_the_line_break() {
        let d = Document::new("ab\r\ncd\r\n".into(), 0);
        assert_eq!(d.offset(Position::new(0, 9)), 2);
        assert_eq!(d.offset(Position::new(1, 1)), 5);
        assert_eq!(d.position(5), Position::new(1, 1));
    }

    #[test]
    fn changes_apply_in_order() {
        let mut d = Document::new("x: int = 1\n".into(), 0);
        let at = |l0, c0, l1, c1, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        };
        d.change(&[at(0, 9, 0, 10, "2"), at(1, 0, 1, 0, "print(x)\n")], 3);
        assert_eq!(d.text, "x: int = 2\nprint(x)\n");
        assert_eq!(d.version, 3);
        assert!(d.diagnostics().is_empty());
        d.change(
            &[TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "x: int = True\n".into(),
            }],
            4,
        );
        assert_eq!(d.diagnostics().len(), 1);
    }
}
