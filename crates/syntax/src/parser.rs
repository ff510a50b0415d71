//! The event-based parser core, after rust-analyzer's `crates/parser`.
//!
//! The parser sees only the non-trivia tokens and knows nothing of rowan: it emits a
//! flat list of [`Event`]s (start a node, finish it, consume a token, report an error).
//! [`crate::build_tree`] turns events plus the full token list (trivia included) into a
//! lossless green tree. Nodes that must wrap an already-parsed left operand (binary
//! expressions, calls) are started with [`CompletedMarker::precede`], which records a
//! forward parent instead of moving events.

use crate::SyntaxKind::{self, *};

/// One step of the parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Start a node of `kind`. `forward_parent` is the index (relative) of a `Start`
    /// event that must be opened before this one (see [`CompletedMarker::precede`]).
    Start {
        /// The node's kind.
        kind: SyntaxKind,
        /// Distance to the `Start` of a node that wraps this one, if any.
        forward_parent: Option<u32>,
    },
    /// Finish the innermost open node.
    Finish,
    /// Consume the next non-trivia token.
    Token,
    /// A tombstone left by an abandoned or moved `Start`.
    Tombstone,
}

/// The parser state: the non-trivia tokens (kind, offset, length), the position and
/// the events emitted so far.
pub struct Parser<'t> {
    kinds: Vec<SyntaxKind>,
    texts: &'t dyn Fn(usize) -> &'t str,
    pos: usize,
    pub(crate) events: Vec<Event>,
    /// Errors as (index of the non-trivia token they point at, message, label); an
    /// index equal to the number of tokens means end of input.
    pub(crate) errors: Vec<(usize, String, String)>,
    /// Depth of nested expressions/blocks, to turn pathological nesting into an error
    /// instead of a stack overflow.
    pub(crate) depth: u32,
    /// Expression tree levels above the current position (see [`MAX_TREE_DEPTH`]).
    pub(crate) tree_depth: u32,
    /// A token position where errors are not reported: the end of a line skipped
    /// after a "too deeply nested" error, where every enclosing construct would
    /// otherwise report its missing closer.
    muted_at: Option<usize>,
}

/// The deepest nesting of expressions and blocks the parser follows; deeper input is a
/// syntax error ("too deeply nested") rather than a stack overflow.
pub const MAX_DEPTH: u32 = 1000;

/// The deepest expression tree accepted: a chain of operators written flat in the
/// source (`1+1+...+1`, `a.b.c`, `x[0][0]`) nests one tree level per operator, and
/// every pass walks the tree recursively; past this many levels the expression is a
/// diagnostic (the compiler's thread has the stack for it).
pub const MAX_TREE_DEPTH: u32 = 1_000_000;

impl<'t> Parser<'t> {
    /// A parser over the non-trivia tokens `kinds`; `texts(i)` is the text of token
    /// `i`, for messages (computed only for them: a vector of every token's text
    /// would be as large as the token vector).
    pub fn new(kinds: Vec<SyntaxKind>, texts: &'t dyn Fn(usize) -> &'t str) -> Self {
        // About three events per token (start, token, finish): sized once, as
        // doubling a vector this large copies it and touches fresh pages each time.
        let events = Vec::with_capacity(kinds.len() * 3);
        Parser {
            kinds,
            texts,
            pos: 0,
            events,
            errors: Vec::new(),
            depth: 0,
            tree_depth: 0,
            muted_at: None,
        }
    }

    /// The kind of the token `n` ahead (`EOF`-like `__LAST` past the end).
    pub fn nth(&self, n: usize) -> SyntaxKind {
        self.kinds
            .get(self.pos + n)
            .copied()
            .unwrap_or(SyntaxKind::__LAST)
    }

    /// The current token's kind.
    pub fn current(&self) -> SyntaxKind {
        self.nth(0)
    }

    /// Whether the current token is `kind`.
    pub fn at(&self, kind: SyntaxKind) -> bool {
        self.current() == kind
    }

    /// Whether all tokens are consumed.
    pub fn at_end(&self) -> bool {
        self.pos >= self.kinds.len()
    }

    /// Opens a node; it must be completed or abandoned.
    pub fn start(&mut self) -> Marker {
        let pos = self.events.len() as u32;
        self.events.push(Event::Tombstone);
        Marker { pos }
    }

    /// Consumes the current token.
    pub fn bump(&mut self) {
        if !self.at_end() {
            self.pos += 1;
            self.events.push(Event::Token);
        }
    }

    /// Consumes the current token if it is `kind`.
    pub fn eat(&mut self, kind: SyntaxKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes `kind`, or reports an error at the current token.
    pub fn expect(&mut self, kind: SyntaxKind) -> bool {
        if self.eat(kind) {
            return true;
        }
        self.error_here();
        false
    }

    /// Reports "Parse error near token NAME: text" at the current token, in the
    /// reference implementation's words.
    pub fn error_here(&mut self) {
        let msg = self.unexpected_message();
        self.error(msg);
    }

    /// The reference implementation's message for an unexpected current token.
    pub fn unexpected_message(&self) -> String {
        self.unexpected_message_at(0)
    }

    /// The reference implementation's message for the unexpected token `n` ahead.
    pub fn unexpected_message_at(&self, n: usize) -> String {
        let kind = self.nth(n);
        let i = self.pos + n;
        let text = if i < self.kinds.len() {
            (self.texts)(i)
        } else {
            ""
        };
        if kind == SyntaxKind::__LAST {
            return "Parse error near token EOF: ".to_string();
        }
        format!("Parse error near token {}: {}", kind.reference_name(), text)
    }

    /// Reports an error with its own message at the current token.
    pub fn error(&mut self, message: String) {
        self.error_at(0, message);
    }

    /// Reports an error at the token `n` ahead.
    pub fn error_at(&mut self, n: usize, message: String) {
        self.error_labelled(n, message, String::new());
    }

    /// Reports an error at the token `n` ahead, with a label explaining it.
    pub fn error_labelled(&mut self, n: usize, message: String, label: String) {
        let at = (self.pos + n).min(self.kinds.len());
        if self.muted_at == Some(at) {
            return;
        }
        // One error per token position: recovery often re-detects the same problem.
        if self.errors.last().is_some_and(|(i, _, _)| *i == at) {
            return;
        }
        self.errors.push((at, message, label));
    }

    /// Wraps tokens up to (not including) one of `stop` or a `NEWLINE` (consumed) into
    /// an `ERROR` node; used to resynchronise after an error.
    pub fn recover_line(&mut self) {
        let m = self.start();
        while !self.at_end() && !self.at(NEWLINE) && !self.at(DEDENT) && !self.at(INDENT) {
            self.bump();
        }
        self.eat(NEWLINE);
        m.complete(self, ERROR);
    }
}

impl Parser<'_> {
    /// Reports that nesting exceeds [`MAX_DEPTH`] and skips the rest of the line
    /// (into an `ERROR` node, the `NEWLINE` left for the enclosing statement); the
    /// enclosing constructs' complaints at that `NEWLINE` are muted.
    pub fn too_deep(&mut self, what: &str) {
        self.error(format!(
            "{what} too deeply nested (more than {MAX_DEPTH} levels)"
        ));
        self.skip_line();
    }

    /// Skips the rest of the line (into an `ERROR` node, the `NEWLINE` left for the
    /// enclosing statement) and mutes the enclosing constructs' complaints there.
    pub fn skip_line(&mut self) {
        let m = self.start();
        while !self.at_end() && !self.at(NEWLINE) {
            self.bump();
        }
        m.complete(self, ERROR);
        self.muted_at = Some(self.pos);
    }
}

/// An open node (see [`Parser::start`]).
#[must_use]
pub struct Marker {
    pos: u32,
}

impl Marker {
    /// Closes the node with `kind`.
    pub fn complete(self, p: &mut Parser, kind: SyntaxKind) -> CompletedMarker {
        p.events[self.pos as usize] = Event::Start {
            kind,
            forward_parent: None,
        };
        p.events.push(Event::Finish);
        CompletedMarker {
            pos: self.pos,
            kind,
        }
    }

    /// Drops the node; its children become children of the enclosing node.
    pub fn abandon(self, p: &mut Parser) {
        if self.pos as usize == p.events.len() - 1 {
            p.events.pop();
        }
    }
}

/// A finished node, which may still be wrapped by a new parent.
#[derive(Clone, Copy)]
pub struct CompletedMarker {
    pos: u32,
    kind: SyntaxKind,
}

impl CompletedMarker {
    /// Starts a node that will contain this one as its first child.
    pub fn precede(self, p: &mut Parser) -> Marker {
        let m = p.start();
        if let Event::Start { forward_parent, .. } = &mut p.events[self.pos as usize] {
            *forward_parent = Some(m.pos - self.pos);
        }
        m
    }

    /// The node's kind.
    pub fn kind(self) -> SyntaxKind {
        self.kind
    }
}
