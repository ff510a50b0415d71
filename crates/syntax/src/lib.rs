//! ChocoPy syntax: lexer, event-based parser and a lossless rowan syntax tree with a
//! typed AST layer over it.
//!
//! Modelled on rust-analyzer's `parser` and `syntax` crates: the [`lexer`] turns text
//! into tokens (trivia included), the [`parser`] sees only significant tokens and
//! emits events, and [`parse`] builds a rowan green tree from events plus all tokens.
//! The tree's text is always exactly the input, with or without errors. Parsing never
//! fails: it returns the tree and a list of [`SyntaxError`]s with byte ranges.
//!
//! The language is ChocoPy as defined by its reference manual v2.2 (chapters 3-4).

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod ast;
pub mod cup;
pub mod cup_tables;
mod grammar;
pub mod lexer;
pub mod parser;
mod syntax_kind;

pub use rowan::{GreenNode, NodeOrToken, TextRange, TextSize};
pub use syntax_kind::{ChocoPy, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

use parser::{Event, Parser};
use std::ops::Range;

/// A lexical or syntax error: a byte range of the source and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range in the source; empty for errors at zero-width tokens or end of input.
    pub range: Range<usize>,
    /// The message (the reference implementation's "Parse error near token ..." for
    /// unexpected tokens).
    pub message: String,
    /// What was expected instead, when the parser knows (may be empty).
    pub label: String,
    /// The location the reference implementation reports for it, when it is one of
    /// the reference's errors ([`cup`]): line and column (1-based) of the first and
    /// of the last character of its token.
    pub location: Option<[u32; 4]>,
}

/// The result of parsing: a lossless green tree and the errors found.
#[derive(Debug, Clone)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
}

impl Parse {
    /// The root of the syntax tree (kind `SOURCE_FILE`).
    pub fn syntax_node(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// The typed root of the tree.
    pub fn tree(&self) -> ast::SourceFile {
        ast::SourceFile::cast(self.syntax_node()).expect("root is a SOURCE_FILE")
    }

    /// Lexical and syntax errors, sorted by position.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The green tree.
    pub fn green(&self) -> &GreenNode {
        &self.green
    }
}

/// Parses ChocoPy source text. Never fails; never panics on any input.
///
/// A large file (at least [`PARALLEL_MIN_BYTES`]) is lexed and parsed in two halves
/// at once, split at a line that starts a top-level item near the middle, and the
/// two trees joined under one root. The result is the tree of a parse in one piece:
/// ChocoPy joins no lines, so a line starting in column 0 resets the lexer (every
/// indentation level closes), and each half is the same sequence of top-level
/// items. When a half has an error, or the split would hide one (a declaration after
/// a statement), the file is parsed again in one piece, so errors are always those
/// of [`parse_sequential`].
///
/// Precondition: `text` is shorter than 4 GiB (offsets are 32-bit, as rowan's).
/// Postcondition: `parse(text).syntax_node().to_string() == text`.
pub fn parse(text: &str) -> Parse {
    if text.len() >= PARALLEL_MIN_BYTES {
        if let Some(green) =
            top_level_line(text, text.len() / 2).and_then(|split| parse_halves(text, split))
        {
            return Parse {
                green,
                errors: Vec::new(),
            };
        }
    }
    parse_sequential(text)
}

/// The size of source text (bytes) from which [`parse`] parses the two halves of a
/// file at once: 128 KiB, about 4,000 lines. Below it the second thread costs more
/// than it saves (`cargo bench --bench frontend`, benches/README.md).
pub const PARALLEL_MIN_BYTES: usize = 128 << 10;

/// The stack of the thread parsing the second half: the parser recurses at most
/// [`parser::MAX_DEPTH`] levels (reserved address space, committed only as used).
const HALF_PARSER_STACK: usize = 256 << 20;

/// [`parse`] in one piece, on the calling thread.
pub fn parse_sequential(text: &str) -> Parse {
    let (tokens, lex_errors) = lexer::lex(text);
    let offsets = token_offsets(&tokens, 0);
    parse_tokens(text, &tokens, &offsets, lex_errors)
}

/// The byte offset of each token, the first at `start`.
fn token_offsets(tokens: &[lexer::Token], start: usize) -> Vec<u32> {
    let mut offsets = Vec::with_capacity(tokens.len());
    let mut off = start as u32;
    for t in tokens {
        offsets.push(off);
        off += t.len;
    }
    offsets
}

/// The first offset at or after `from` where a line starts with a letter or `_` in
/// column 0 (a top-level declaration or statement), other than the `elif` and
/// `else` of a top-level `if`. [`parse`] splits at the first one past the middle.
fn top_level_line(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from.max(1);
    while at < bytes.len() {
        if matches!(bytes[at - 1], b'\n' | b'\r') {
            let line = &bytes[at..];
            let word = line
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .unwrap_or(line.len());
            if (line[0].is_ascii_alphabetic() || line[0] == b'_')
                && !matches!(&line[..word], b"elif" | b"else")
            {
                return Some(at);
            }
        }
        // To the start of the next line.
        at += 1 + bytes[at..]
            .iter()
            .position(|b| matches!(b, b'\n' | b'\r'))?;
    }
    None
}

/// The tree of `text` lexed and parsed as two files split at byte `split` (the start
/// of a top-level line), the halves at once and their top-level children joined
/// under one `SOURCE_FILE`; `None` when a half has an error, when a top-level
/// declaration follows a top-level statement of the first half (an error the halves
/// cannot see), or when no thread can be started.
fn parse_halves(text: &str, split: usize) -> Option<GreenNode> {
    let half = |range: std::ops::Range<usize>| {
        let (tokens, lex_errors) = lexer::lex(&text[range.clone()]);
        let offsets = token_offsets(&tokens, range.start);
        (lex_errors.is_empty()).then(|| parse_tokens(text, &tokens, &offsets, Vec::new()))
    };
    let (first, second) = std::thread::scope(|s| {
        let second = std::thread::Builder::new()
            .name("parse".into())
            .stack_size(HALF_PARSER_STACK)
            .spawn_scoped(s, || half(split..text.len()))
            .ok()?;
        let first = half(0..split);
        Some((first?, second.join().ok()??))
    })?;
    if !first.errors.is_empty() || !second.errors.is_empty() {
        return None;
    }
    let is_decl = |k: SyntaxKind| {
        matches!(
            k,
            SyntaxKind::VAR_DEF | SyntaxKind::FUNC_DEF | SyntaxKind::CLASS_DEF
        )
    };
    fn items(g: &GreenNode) -> impl Iterator<Item = SyntaxKind> + '_ {
        g.children()
            .filter_map(|c| c.into_node())
            .map(|n| <ChocoPy as rowan::Language>::kind_from_raw(n.kind()))
    }
    let stmt_in_first = items(&first.green).any(|k| !is_decl(k));
    let decl_in_second = items(&second.green).any(is_decl);
    if stmt_in_first && decl_in_second {
        return None;
    }
    let children = first
        .green
        .children()
        .chain(second.green.children())
        .map(|c| c.to_owned())
        .collect::<Vec<_>>();
    Some(GreenNode::new(SyntaxKind::SOURCE_FILE.into(), children))
}

/// The range a significant token stands for in messages: an INDENT (zero width in
/// the tree) stands for the indentation before it, as in the reference. A NEWLINE
/// stands for the position of the line end, not for the terminator.
fn shown_range(tokens: &[lexer::Token], offsets: &[u32], i: usize) -> Range<usize> {
    let range = |j: usize| offsets[j] as usize..(offsets[j] + tokens[j].len) as usize;
    match (tokens[i].kind, i.checked_sub(1).map(|j| tokens[j].kind)) {
        (SyntaxKind::INDENT, Some(SyntaxKind::WHITESPACE)) => range(i - 1),
        (SyntaxKind::NEWLINE, _) => offsets[i] as usize..offsets[i] as usize,
        _ => range(i),
    }
}

/// Parses `tokens` (with their byte `offsets` in `text`; a whole file or a run of
/// whole top-level items) as a file, given the lexical errors.
fn parse_tokens(
    text: &str,
    tokens: &[lexer::Token],
    offsets: &[u32],
    lex_errors: Vec<lexer::LexError>,
) -> Parse {
    // (Indexes as u32: a source file is less than 4 GiB.)
    let significant: Vec<u32> = (0..tokens.len() as u32)
        .filter(|&i| !tokens[i as usize].kind.is_trivia())
        .collect();
    let kinds = significant
        .iter()
        .map(|&i| tokens[i as usize].kind)
        .collect();
    let shown = |i: usize| shown_range(tokens, offsets, i);
    let text_of = |i: usize| &text[shown(significant[i] as usize)];
    let mut p = Parser::new(kinds, &text_of);
    grammar::source_file(&mut p);
    let (events, parse_errors) = (p.events, p.errors);

    let green = build_tree(text, tokens, offsets, events);

    let mut errors: Vec<SyntaxError> = Vec::new();
    for (at, message, label) in parse_errors {
        let range = match significant.get(at) {
            Some(&i) => shown(i as usize),
            None => text.len()..text.len(),
        };
        errors.push(SyntaxError {
            range,
            message,
            label,
            location: None,
        });
    }
    // A malformed token the parser also rejects is reported once, in the reference's
    // words ("Parse error near token UNRECOGNIZED: &"), the lexer's explanation
    // becoming the label.
    // (The first parser error at each range, by a map: lexical and syntax errors can
    // both be as many as the tokens.)
    let mut at_range: rustc_hash::FxHashMap<(usize, usize), usize> = Default::default();
    for (i, e) in errors.iter().enumerate() {
        at_range.entry((e.range.start, e.range.end)).or_insert(i);
    }
    for e in lex_errors {
        match at_range
            .get(&(e.range.start, e.range.end))
            .map(|&i| &mut errors[i])
        {
            Some(p) if p.label.is_empty() => p.label = e.message,
            Some(_) => {}
            None => errors.push(SyntaxError {
                range: e.range,
                message: e.message,
                label: String::new(),
                location: None,
            }),
        }
    }
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    // With errors, the list is the reference's (our grammar rejects what the
    // reference's rejects: the generator's reference comparison checks this).
    if !errors.is_empty() {
        errors = reference_error_list(text, errors);
    }
    Parse { green, errors }
}

/// The syntax errors the reference implementation reports for `text` ([`cup`]),
/// each labelled with what our parser said at the same place; `ours` itself when the
/// reference's parser finds no syntax error (our lexer's stricter checks, our
/// nesting limit).
fn reference_error_list(text: &str, ours: Vec<SyntaxError>) -> Vec<SyntaxError> {
    let toks = cup::reference_lex(text);
    let at = cup::reference_errors(&toks);
    if at.is_empty() {
        return ours;
    }
    // Our first label at each start offset.
    let mut labels: rustc_hash::FxHashMap<usize, &str> = Default::default();
    for e in ours.iter().filter(|e| !e.label.is_empty()) {
        labels.entry(e.range.start).or_insert(&e.label);
    }
    at.into_iter()
        .map(|i| {
            let t = &toks[i];
            let label = labels
                .get(&t.range.start)
                .map(|l| l.to_string())
                .unwrap_or_default();
            SyntaxError {
                range: t.range.clone(),
                message: t.message(),
                label,
                location: Some(t.location),
            }
        })
        .collect()
}

/// A green tree builder without rowan's node cache: the cache hashes a new node's
/// subtree recursively (`rowan::green::node_cache::node_hash`), which made building a
/// deep tree (a flat `1+1+...+1` of 20,000 terms is 20,000 levels deep) quadratic.
/// Tokens are still interned, nodes are not. As rowan's own `GreenNodeBuilder`, the
/// children of all open nodes live in one vector (no vector per node).
#[derive(Default)]
struct TreeBuilder {
    /// Interned tokens, by kind, then text (Fx hashing: the keys are short).
    tokens: Vec<rustc_hash::FxHashMap<Box<str>, rowan::GreenToken>>,
    /// Per kind, the last token interned: most kinds have one text (keywords,
    /// operators, one indentation width), found without hashing.
    last: Vec<Option<rowan::GreenToken>>,
    /// Open nodes: kind and the index of their first child in `children`.
    stack: Vec<(rowan::SyntaxKind, usize)>,
    children: Vec<rowan::NodeOrToken<GreenNode, rowan::GreenToken>>,
    done: Option<GreenNode>,
}

impl TreeBuilder {
    fn start_node(&mut self, kind: rowan::SyntaxKind) {
        self.stack.push((kind, self.children.len()));
    }

    fn token(&mut self, kind: rowan::SyntaxKind, text: &str) {
        let k = kind.0 as usize;
        if self.tokens.len() <= k {
            self.tokens.resize_with(k + 1, Default::default);
            self.last.resize_with(k + 1, Default::default);
        }
        let t = match &self.last[k] {
            Some(t) if t.text() == text => t.clone(),
            _ => {
                let t = match self.tokens[k].get(text) {
                    Some(t) => t.clone(),
                    None => {
                        let t = rowan::GreenToken::new(kind, text);
                        self.tokens[k].insert(text.into(), t.clone());
                        t
                    }
                };
                self.last[k] = Some(t.clone());
                t
            }
        };
        if !self.stack.is_empty() {
            self.children.push(rowan::NodeOrToken::Token(t));
        }
    }

    fn finish_node(&mut self) {
        let Some((kind, first)) = self.stack.pop() else {
            return;
        };
        let node = GreenNode::new(kind, self.children.drain(first..));
        if self.stack.is_empty() {
            self.done = Some(node);
        } else {
            self.children.push(rowan::NodeOrToken::Node(node));
        }
    }

    fn finish(mut self) -> GreenNode {
        while !self.stack.is_empty() {
            self.finish_node();
        }
        self.done
            .unwrap_or_else(|| GreenNode::new(SyntaxKind::SOURCE_FILE.into(), Vec::new()))
    }
}

/// Builds the green tree from parser events and the full token list. Trivia go to the
/// innermost node open when the next significant token or node starts, so that every
/// node starts and ends with a significant token.
fn build_tree(
    text: &str,
    tokens: &[lexer::Token],
    offsets: &[u32],
    mut events: Vec<Event>,
) -> GreenNode {
    let mut builder = TreeBuilder::default();
    let mut next = 0usize; // next token index (trivia included)
    let mut depth = 0usize;
    let token_text = |i: usize| &text[offsets[i] as usize..(offsets[i] + tokens[i].len) as usize];
    let flush_trivia = |builder: &mut TreeBuilder, next: &mut usize| {
        while *next < tokens.len() && tokens[*next].kind.is_trivia() {
            builder.token(tokens[*next].kind.into(), token_text(*next));
            *next += 1;
        }
    };
    let mut forward_kinds = Vec::new();
    for i in 0..events.len() {
        match std::mem::replace(&mut events[i], Event::Tombstone) {
            Event::Start {
                kind,
                forward_parent,
            } => {
                forward_kinds.clear();
                forward_kinds.push(kind);
                let mut idx = i;
                let mut fp = forward_parent;
                while let Some(fwd) = fp {
                    idx += fwd as usize;
                    fp = match std::mem::replace(&mut events[idx], Event::Tombstone) {
                        Event::Start {
                            kind,
                            forward_parent,
                        } => {
                            forward_kinds.push(kind);
                            forward_parent
                        }
                        _ => unreachable!("forward parent is a Start event"),
                    };
                }
                if depth > 0 {
                    flush_trivia(&mut builder, &mut next);
                }
                for kind in forward_kinds.iter().rev() {
                    builder.start_node((*kind).into());
                    depth += 1;
                }
            }
            Event::Finish => {
                if depth == 1 {
                    // The root closes: everything left belongs to it.
                    while next < tokens.len() {
                        builder.token(tokens[next].kind.into(), token_text(next));
                        next += 1;
                    }
                }
                builder.finish_node();
                depth -= 1;
            }
            Event::Token => {
                flush_trivia(&mut builder, &mut next);
                builder.token(tokens[next].kind.into(), token_text(next));
                next += 1;
            }
            Event::Tombstone => {}
        }
    }
    builder.finish()
}

/// The first token of `node` that is neither trivia nor layout (manual 3.1), if any.
/// Takes time proportional to the depth of the tree, not its size.
pub fn first_significant_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    let end = node.text_range().end();
    let mut t = node.first_token()?;
    while t.kind().is_trivia() || t.kind().is_layout() {
        t = t.next_token()?;
        // Tokens past the node; zero-width ones at its end are layout, skipped anyway.
        if t.text_range().start() >= end && !t.text_range().is_empty() {
            return None;
        }
    }
    Some(t)
}

/// The last token of `node` that is neither trivia nor layout, if any.
pub fn last_significant_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    let start = node.text_range().start();
    let mut t = node.last_token()?;
    while t.kind().is_trivia() || t.kind().is_layout() {
        t = t.prev_token()?;
        if t.text_range().end() <= start && !t.text_range().is_empty() {
            return None;
        }
    }
    Some(t)
}

/// The range of `node` from its first to its last significant token (trivia and
/// layout excluded): the source range of a declaration, statement or expression.
/// The node's own range if it has no such token. Constant time for expressions.
pub fn significant_range(node: &SyntaxNode) -> TextRange {
    if node.kind().is_expr() {
        // Nodes start and end with significant tokens (see `build_tree`), and
        // expressions hold no layout.
        return node.text_range();
    }
    // Searched in the green tree: no cursor is made.
    let green = node.green();
    match (first_significant(green), last_significant(green)) {
        (Some(a), Some(b)) => {
            let start = node.text_range().start();
            TextRange::new(start + a, start + b)
        }
        _ => node.text_range(),
    }
}

/// Whether a token of `kind` is significant: neither trivia nor layout.
fn is_significant(kind: rowan::SyntaxKind) -> bool {
    let kind = <ChocoPy as rowan::Language>::kind_from_raw(kind);
    !kind.is_trivia() && !kind.is_layout()
}

/// The start of the first significant token of `node`, relative to the node.
fn first_significant(node: &rowan::GreenNodeData) -> Option<TextSize> {
    let mut offset = TextSize::from(0);
    for c in node.children() {
        let found = match c {
            NodeOrToken::Token(t) => is_significant(t.kind()).then_some(TextSize::from(0)),
            NodeOrToken::Node(n) => first_significant(n),
        };
        if let Some(at) = found {
            return Some(offset + at);
        }
        offset += c.text_len();
    }
    None
}

/// The end of the last significant token of `node`, relative to the node.
fn last_significant(node: &rowan::GreenNodeData) -> Option<TextSize> {
    let mut end = node.text_len();
    for c in node.children().rev() {
        let start = end - c.text_len();
        let found = match c {
            NodeOrToken::Token(t) => is_significant(t.kind()).then(|| t.text_len()),
            NodeOrToken::Node(n) => last_significant(n),
        };
        if let Some(at) = found {
            return Some(start + at);
        }
        end = start;
    }
    None
}

/// 1-based line and column (in characters) of a byte offset, for messages that need
/// them without a full diagnostic renderer. Lines end at `\n`, `\r\n` or `\r`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    while i < before.len() {
        match before[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' if before.get(i + 1) != Some(&b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let col = text
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1;
    (line, col)
}

/// An indented, human-readable dump of a syntax tree (kinds, ranges, token texts), for
/// tests and `--emit=ast`.
pub fn debug_tree(node: &SyntaxNode) -> String {
    let mut out = String::new();
    let mut indent = 0usize;
    for event in node.preorder_with_tokens() {
        match event {
            rowan::WalkEvent::Enter(el) => {
                let range = el.text_range();
                match &el {
                    rowan::NodeOrToken::Node(n) => {
                        out.push_str(&format!(
                            "{:indent$}{:?}@{:?}\n",
                            "",
                            n.kind(),
                            range,
                            indent = indent
                        ));
                    }
                    rowan::NodeOrToken::Token(t) => {
                        out.push_str(&format!(
                            "{:indent$}{:?}@{:?} {:?}\n",
                            "",
                            t.kind(),
                            range,
                            t.text(),
                            indent = indent
                        ));
                    }
                }
                indent += 2;
            }
            rowan::WalkEvent::Leave(_) => indent -= 2,
        }
    }
    out
}

/// The identity of a node or token of a syntax tree, without holding the tree: its
/// kind and its range (rust-analyzer's `SyntaxNodePtr`). A node's range is its
/// [`significant_range`] (layout tokens and trivia at its ends excluded), a token's
/// its text range. Analyses attach facts (types, errors) to pointers; a tool that
/// walks the tree again finds them by the pointer of the element it visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SyntaxPtr {
    /// The element's kind.
    pub kind: SyntaxKind,
    /// Byte offsets of its start and end.
    pub range: (u32, u32),
}

impl SyntaxPtr {
    /// The pointer of `node`.
    pub fn node(node: &SyntaxNode) -> SyntaxPtr {
        let r = significant_range(node);
        SyntaxPtr {
            kind: node.kind(),
            range: (r.start().into(), r.end().into()),
        }
    }

    /// The pointer of `token`.
    pub fn token(token: &SyntaxToken) -> SyntaxPtr {
        let r = token.text_range();
        SyntaxPtr {
            kind: token.kind(),
            range: (r.start().into(), r.end().into()),
        }
    }

    /// The byte range.
    pub fn text_range(&self) -> std::ops::Range<usize> {
        self.range.0 as usize..self.range.1 as usize
    }
}

/// The `.py` files the unit tests run on: the shared conformance suite and examples.
#[cfg(test)]
pub(crate) fn test_programs() -> Vec<std::path::PathBuf> {
    fn py_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                py_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "py") {
                out.push(p);
            }
        }
    }
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let mut files = Vec::new();
    py_files(&shared.join("conformance"), &mut files);
    py_files(&shared.join("examples"), &mut files);
    assert!(files.len() > 150, "{} files", files.len());
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lexing and parsing in two halves gives the tree of a parse in one piece at
    /// every split point of every conformance program, and declines exactly when the file has
    /// errors (then `parse` parses it in one piece).
    #[test]
    fn halves_join_into_the_sequential_tree() {
        let files = test_programs();
        let (mut joined, mut declined) = (0, 0);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let whole = parse_sequential(&text);
            let mut from = 1;
            while let Some(split) = top_level_line(&text, from) {
                from = split + 1;
                match parse_halves(&text, split) {
                    Some(green) => {
                        joined += 1;
                        assert!(whole.errors.is_empty());
                        assert_eq!(green, whole.green, "{} split at {split}", f.display());
                    }
                    None => {
                        declined += 1;
                        assert!(
                            !whole.errors.is_empty(),
                            "{} split at {split} declined",
                            f.display()
                        );
                    }
                }
            }
        }
        assert!(
            joined > 400 && declined > 0,
            "{joined} joined, {declined} declined"
        );
    }

    /// The green-tree search of `significant_range` agrees with the token walk of
    /// `first_significant_token` and `last_significant_token` at every node of every
    /// conformance program.
    #[test]
    fn significant_range_agrees_with_the_token_walk() {
        let files = test_programs();
        let mut nodes = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for node in parse(&text).syntax_node().descendants() {
                let walk = match (
                    first_significant_token(&node),
                    last_significant_token(&node),
                ) {
                    (Some(a), Some(b)) => {
                        TextRange::new(a.text_range().start(), b.text_range().end())
                    }
                    _ => node.text_range(),
                };
                assert_eq!(significant_range(&node), walk, "{} {node:?}", f.display());
                nodes += 1;
            }
        }
        assert!(nodes > 5_000, "{nodes} nodes");
    }

    /// A file past the threshold is parsed in halves, into the tree of a parse in one
    /// piece; a declaration after a statement across the halves is still an error.
    #[test]
    fn large_files_parse_in_halves_as_in_one_piece() {
        let unit = "def f{i}(x: int) -> int:\n    # comment\n    if x > 0:\n        return x\n    return -x\n\n# between\n   \n\t# indented\nclass C{i}(object):\n    a: int = {i}\n\n";
        let mut text = String::new();
        let mut i = 0;
        while text.len() < PARALLEL_MIN_BYTES {
            text.push_str(&unit.replace("{i}", &i.to_string()));
            i += 1;
        }
        text.push_str("print(f0(1))\n");
        assert!(top_level_line(&text, text.len() / 2).is_some());
        for eol in ["\n", "\r\n", "\r"] {
            let text = text.replace('\n', eol);
            let (halves, whole) = (parse(&text), parse_sequential(&text));
            assert_eq!(halves.errors(), &[]);
            assert_eq!(halves.green(), whole.green(), "{eol:?}");
            assert_eq!(halves.syntax_node().to_string(), text);
        }

        // A statement in the first half, declarations in the second.
        let mid = text.len() / 2;
        let at = mid + text[mid..].find("\ndef ").unwrap() + 1;
        let bad = format!("{}print(1)\n{}", &text[..at], &text[at..]);
        // Each half alone is valid; joined, they are not.
        let after = at + "print(1)\n".len();
        assert!(parse_sequential(&bad[..after]).errors().is_empty());
        assert!(parse_halves(&bad, after).is_none());
        let (halves, whole) = (parse(&bad), parse_sequential(&bad));
        assert!(!whole.errors().is_empty());
        assert_eq!(halves.errors(), whole.errors());
        assert_eq!(halves.green(), whole.green());
    }
}
