//! The ChocoPy lexer: source text to a lossless token stream.
//!
//! Follows the ChocoPy reference manual v2.2, chapter 3: physical and logical lines
//! (3.1.1-3.1.2, all of `\n`, `\r\n` and `\r` end a line), comments and blank lines
//! (3.1.3-3.1.4), indentation with tabs to the next multiple of eight and an
//! indentation stack producing `INDENT`/`DEDENT` (3.1.5, borrowed from Python 3),
//! identifiers, keywords, string and integer literals (3.2-3.4), operators (3.5).
//!
//! Every byte of the input belongs to exactly one token, so concatenating the tokens'
//! texts gives back the input. `INDENT`, `DEDENT` and a final `NEWLINE` at end of input
//! are zero-width. Lexing never fails: problems are reported as [`LexError`]s beside
//! the tokens.

use crate::SyntaxKind::{self, *};
use std::ops::Range;

/// One token: its kind and its length in bytes. Tokens are contiguous, so the
/// offset of a token is the sum of the lengths before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: SyntaxKind,
    /// Length in bytes (0 for `INDENT`, `DEDENT` and a `NEWLINE` at end of input).
    pub len: u32,
}

/// A lexical error: a byte range of the input and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Byte range of the offending text.
    pub range: Range<usize>,
    /// What is wrong, in the words of the manual.
    pub message: String,
}

/// The largest integer literal (manual 3.4.2): 2^31 - 1.
pub const MAX_INT_LITERAL: i64 = i32::MAX as i64;

/// Splits `text` into tokens (trivia included) and lexical errors.
///
/// The result satisfies: the sum of all token lengths is `text.len()`.
pub fn lex(text: &str) -> (Vec<Token>, Vec<LexError>) {
    let mut lexer = Lexer {
        src: text.as_bytes(),
        text,
        pos: 0,
        // Typical code has one token (trivia included) per 2 to 3 bytes (the
        // front-end benchmark's: one per 2.7): sized once, as doubling a large
        // vector copies it and touches fresh pages.
        tokens: Vec::with_capacity(text.len() / 2 + 16),
        errors: Vec::new(),
        indents: vec![(0, true)],
    };
    lexer.run();
    (lexer.tokens, lexer.errors)
}

struct Lexer<'a> {
    src: &'a [u8],
    /// `src` as text: slices of it at ASCII bytes need no UTF-8 check.
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<LexError>,
    /// The indentation stack (3.1.5): widths, each with whether an INDENT opened it
    /// (a level pushed to recover from an inconsistent dedent has none, so closing it
    /// emits no DEDENT).
    indents: Vec<(u32, bool)>,
}

impl Lexer<'_> {
    fn push(&mut self, kind: SyntaxKind, start: usize) {
        self.tokens.push(Token {
            kind,
            len: (self.pos - start) as u32,
        });
    }

    fn zero(&mut self, kind: SyntaxKind) {
        self.tokens.push(Token { kind, len: 0 });
    }

    fn peek(&self, off: usize) -> u8 {
        self.src.get(self.pos + off).copied().unwrap_or(0)
    }

    fn at_eol(&self) -> bool {
        self.pos >= self.src.len() || matches!(self.src[self.pos], b'\n' | b'\r')
    }

    /// Consumes a line terminator (`\n`, `\r\n` or `\r`) if there is one.
    fn eat_eol(&mut self) -> bool {
        match self.peek(0) {
            b'\n' => {
                self.pos += 1;
                true
            }
            b'\r' => {
                self.pos += if self.peek(1) == b'\n' { 2 } else { 1 };
                true
            }
            _ => false,
        }
    }

    fn run(&mut self) {
        while self.pos < self.src.len() {
            self.line();
        }
        // End of input: close the last logical line, then every open indentation level.
        let last_real = self.tokens.iter().rev().find(|t| !t.kind.is_trivia());
        if let Some(t) = last_real {
            if t.kind != NEWLINE && t.kind != DEDENT {
                self.zero(NEWLINE);
            }
        }
        while let Some((_, opened)) = self.indents.pop() {
            if self.indents.is_empty() {
                break;
            }
            if opened {
                self.zero(DEDENT);
            }
        }
    }

    /// Lexes one physical line, starting at its first byte.
    fn line(&mut self) {
        let start = self.pos;
        let mut width: u32 = 0;
        while matches!(self.peek(0), b' ' | b'\t' | b'\x0c') {
            width = match self.peek(0) {
                b'\t' => (width / 8 + 1) * 8,
                b'\x0c' => 0,
                _ => width + 1,
            };
            self.pos += 1;
        }
        let blank = self.at_eol() || self.peek(0) == b'#';
        if blank {
            // Blank line (3.1.4): whitespace, maybe a comment, and the terminator are trivia.
            if self.peek(0) == b'#' {
                if self.pos > start {
                    self.push(WHITESPACE, start);
                }
                self.comment();
                let s = self.pos;
                if self.eat_eol() {
                    self.push(WHITESPACE, s);
                }
            } else {
                self.eat_eol();
                if self.pos > start {
                    self.push(WHITESPACE, start);
                }
            }
            return;
        }
        // A logical line: compare its indentation with the stack (3.1.5).
        let top = self.indents.last().unwrap().0;
        if width < top {
            // DEDENTs go before the line's leading whitespace.
            while width < self.indents.last().unwrap().0 {
                if self.indents.pop().unwrap().1 {
                    self.zero(DEDENT);
                }
            }
            if width > self.indents.last().unwrap().0 {
                self.errors.push(LexError {
                    range: start..self.pos,
                    message: "Unindent does not match any outer indentation level".into(),
                });
                self.indents.push((width, false));
            }
            if self.pos > start {
                self.push(WHITESPACE, start);
            }
        } else {
            if self.pos > start {
                self.push(WHITESPACE, start);
            }
            if width > top {
                self.indents.push((width, true));
                self.zero(INDENT);
            }
        }
        // The tokens of the line.
        loop {
            let s = self.pos;
            match self.peek(0) {
                b' ' | b'\t' | b'\x0c' => {
                    while matches!(self.peek(0), b' ' | b'\t' | b'\x0c') {
                        self.pos += 1;
                    }
                    self.push(WHITESPACE, s);
                }
                b'#' => self.comment(),
                b'\n' | b'\r' => {
                    self.eat_eol();
                    self.push(NEWLINE, s);
                    return;
                }
                _ if self.pos >= self.src.len() => return,
                _ => self.token(),
            }
        }
    }

    fn comment(&mut self) {
        let s = self.pos;
        while !self.at_eol() {
            self.pos += 1;
        }
        self.push(COMMENT, s);
    }

    /// One token that is neither whitespace, comment nor line terminator.
    fn token(&mut self) {
        let s = self.pos;
        let c = self.peek(0);
        let two = |a: u8, b: u8| c == a && self.peek(1) == b;
        let kind = if c.is_ascii_alphabetic() || c == b'_' {
            while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'_' {
                self.pos += 1;
            }
            SyntaxKind::from_keyword(&self.text[s..self.pos]).unwrap_or(IDENT)
        } else if c.is_ascii_digit() {
            return self.number();
        } else if c == b'"' {
            return self.string();
        } else if two(b'/', b'/') {
            self.pos += 2;
            SLASH2
        } else if two(b'<', b'=') {
            self.pos += 2;
            LTEQ
        } else if two(b'>', b'=') {
            self.pos += 2;
            GTEQ
        } else if two(b'=', b'=') {
            self.pos += 2;
            EQ2
        } else if two(b'!', b'=') {
            self.pos += 2;
            NEQ
        } else if two(b'-', b'>') {
            self.pos += 2;
            ARROW
        } else {
            let k = match c {
                b'+' => PLUS,
                b'-' => MINUS,
                b'*' => STAR,
                b'%' => PERCENT,
                b'<' => LT,
                b'>' => GT,
                b'=' => EQ,
                b'(' => L_PAREN,
                b')' => R_PAREN,
                b'[' => L_BRACK,
                b']' => R_BRACK,
                b',' => COMMA,
                b':' => COLON,
                b'.' => DOT,
                _ => ERROR_TOKEN,
            };
            // One whole UTF-8 character, so that token boundaries are char boundaries.
            self.pos += utf8_len(c);
            if k == ERROR_TOKEN {
                self.errors.push(LexError {
                    range: s..self.pos,
                    message: format!(
                        "Unrecognized character: {}",
                        String::from_utf8_lossy(&self.src[s..self.pos])
                    ),
                });
            }
            k
        };
        self.push(kind, s);
    }

    /// An integer literal (3.4.2): no leading zeros, at most 2^31 - 1.
    fn number(&mut self) {
        let s = self.pos;
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
        let text = &self.text[s..self.pos];
        if text.len() > 1 && text.starts_with('0') {
            self.errors.push(LexError {
                range: s..self.pos,
                message: format!("Integer literal with leading zeros: {text}"),
            });
        } else if text.parse::<i64>().map_or(true, |v| v > MAX_INT_LITERAL) {
            self.errors.push(LexError {
                range: s..self.pos,
                message: format!("Integer literal out of range: {text}"),
            });
        }
        self.push(INT_NUMBER, s);
    }

    /// A string literal (3.4.1): printable ASCII, escapes `\" \n \t \\`, one line.
    fn string(&mut self) {
        let s = self.pos;
        self.pos += 1;
        let mut ok = true;
        loop {
            if self.at_eol() {
                self.errors.push(LexError {
                    range: s..self.pos,
                    message: "Unterminated string literal".into(),
                });
                self.push(ERROR_TOKEN, s);
                return;
            }
            let c = self.peek(0);
            if c == b'"' {
                self.pos += 1;
                break;
            }
            if c == b'\\' {
                let e = self.peek(1);
                if !matches!(e, b'"' | b'n' | b't' | b'\\') {
                    ok = false;
                    let len = if self.pos + 1 < self.src.len() && !matches!(e, b'\n' | b'\r') {
                        1 + utf8_len(e)
                    } else {
                        1
                    };
                    self.errors.push(LexError {
                        range: self.pos..self.pos + len,
                        message: "Invalid escape sequence in string literal".into(),
                    });
                    self.pos += len;
                } else {
                    self.pos += 2;
                }
                continue;
            }
            if !(32..=126).contains(&c) {
                ok = false;
                let len = utf8_len(c);
                self.errors.push(LexError {
                    range: self.pos..self.pos + len,
                    message: "String literals may contain only ASCII characters 32-126".into(),
                });
                self.pos += len;
                continue;
            }
            self.pos += 1;
        }
        let body = &self.src[s + 1..self.pos - 1];
        let is_id = ok
            && !body.is_empty()
            && (body[0].is_ascii_alphabetic() || body[0] == b'_')
            && body.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_');
        self.push(if is_id { IDSTRING } else { STRING }, s);
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// The value of a string literal token's text (quotes included), escapes applied
/// (manual 3.4.1). Invalid escapes are kept as written; the lexer reported them.
pub fn string_value(text: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<SyntaxKind> {
        lex(text)
            .0
            .into_iter()
            .map(|t| t.kind)
            .filter(|k| !k.is_trivia())
            .collect()
    }

    #[test]
    fn indentation_produces_indent_and_dedent() {
        let src = "if x:\n    y = 1\n\n  # c\nz\n";
        assert_eq!(
            kinds(src),
            vec![
                IF_KW, IDENT, COLON, NEWLINE, INDENT, IDENT, EQ, INT_NUMBER, NEWLINE, DEDENT,
                IDENT, NEWLINE
            ]
        );
    }

    #[test]
    fn tabs_expand_to_multiples_of_eight() {
        // A tab and eight spaces are the same level; four spaces then a tab too.
        let src = "if x:\n\ty\n        z\n    \tw\n";
        let k = kinds(src);
        assert_eq!(k.iter().filter(|k| **k == INDENT).count(), 1);
        assert_eq!(k.iter().filter(|k| **k == DEDENT).count(), 1);
    }

    #[test]
    fn end_of_input_closes_line_and_levels() {
        let src = "def f():\n  def g():\n    pass";
        let k = kinds(src);
        assert_eq!(&k[k.len() - 3..], &[NEWLINE, DEDENT, DEDENT]);
    }

    #[test]
    fn tokens_cover_the_input() {
        let src = "x: int = 5 # hi\r\nprint(x//2 <= -3)\r\"a\\\"b\" $ é\n";
        let (toks, errs) = lex(src);
        assert_eq!(
            toks.iter().map(|t| t.len as usize).sum::<usize>(),
            src.len()
        );
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn integer_literal_limits() {
        assert!(lex("2147483647\n").1.is_empty());
        assert_eq!(lex("2147483648\n").1.len(), 1);
        assert_eq!(lex("007\n").1.len(), 1);
    }

    #[test]
    fn string_values_and_kinds() {
        assert_eq!(string_value(r#""He\"ll\"o""#), "He\"ll\"o");
        assert_eq!(string_value(r#""He\\\"llo""#), "He\\\"llo");
        assert_eq!(kinds("\"abc\"\n")[0], IDSTRING);
        assert_eq!(kinds("\"a b\"\n")[0], STRING);
        assert_eq!(lex("\"Hell\\o\"\n").1.len(), 1);
    }
}
