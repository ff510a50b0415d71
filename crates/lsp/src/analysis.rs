//! The analysis of one text: the syntax tree, the diagnostics and the types the
//! checker inferred, from which the server answers requests.
//!
//! Every change re-parses and re-checks the whole document: the front end runs at
//! hundreds of thousands of lines per second (`benches/README.md`), so a document
//! of thousands of lines takes milliseconds. The checker runs on trees with syntax
//! errors too (it never panics on them: the `check` fuzz target), so that hover keeps
//! answering in a half-typed program; its errors are reported only when the text
//! parses, as the compiler does.

use chocopy_ir::Program;
use chocopy_resolve::lower::{Inferred, Typing};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{SyntaxKind, SyntaxNode, SyntaxPtr, SyntaxToken, TextSize};
use std::ops::Range;

/// The analysis of one text.
pub struct Analysis {
    root: SyntaxNode,
    diagnostics: Vec<(Range<usize>, String)>,
    typing: Typing,
    program: Program,
}

impl Analysis {
    /// Parses and type-checks `text`.
    pub fn new(text: &str) -> Analysis {
        let parse = chocopy_syntax::parse(text);
        let root = parse.syntax_node();
        let (program, semantic, typing) = chocopy_resolve::lower_typed(&parse.tree());
        let diagnostics = if parse.errors().is_empty() {
            semantic.into_iter().map(|e| (e.range, e.message)).collect()
        } else {
            parse
                .errors()
                .iter()
                .map(|e| (e.range.clone(), e.message.clone()))
                .collect()
        };
        Analysis {
            root,
            diagnostics,
            typing,
            program,
        }
    }

    /// Byte ranges and messages of the errors: the syntax errors, or when there are
    /// none, the semantic errors (the reference's messages).
    pub fn diagnostics(&self) -> &[(Range<usize>, String)] {
        &self.diagnostics
    }

    /// What to show for the element at byte `offset` (markdown: a ChocoPy code
    /// block), and its byte range: the inferred type of the innermost typed
    /// expression there (`x: int` for a name, the signature for a function or
    /// method name), or for a declared name its declaration (`x: int`,
    /// `def f(x: int) -> bool`, `class B(A)`).
    pub fn hover(&self, offset: usize) -> Option<(String, Range<usize>)> {
        let token = self.token_at(offset)?;
        let range = |r: chocopy_syntax::TextRange| usize::from(r.start())..usize::from(r.end());
        let is_name = token.kind() == SyntaxKind::IDENT;
        // A name: `x: int`; a function or method name: `def f(int) -> bool`.
        let describe = |t: &Inferred| match t {
            Inferred::Value(_) if is_name => format!("{}: {}", token.text(), self.show(t)),
            Inferred::Func(..) if is_name => format!("def {}{}", token.text(), self.show(t)),
            _ => self.show(t),
        };
        // The token itself (identifiers are typed as tokens).
        if let Some(t) = self.typing.get(&SyntaxPtr::token(&token)) {
            return Some((code(&describe(t)), range(token.text_range())));
        }
        if is_name {
            if let Some(decl) = self.declaration(&token) {
                return Some((code(&decl), range(token.text_range())));
            }
        }
        // The innermost typed node around it: a method of `x.m(...)` is typed as the
        // member expression; an operator as its whole expression.
        for node in token.parent_ancestors() {
            if let Some(t) = self.typing.get(&SyntaxPtr::node(&node)) {
                return match t {
                    Inferred::Func(..) if is_name => {
                        Some((code(&describe(t)), range(token.text_range())))
                    }
                    _ => {
                        let r = chocopy_syntax::significant_range(&node);
                        Some((code(&self.show(t)), range(r)))
                    }
                };
            }
        }
        None
    }

    /// The significant token at `offset`: the one containing it, or ending at it
    /// (the cursor just after a name), preferring an identifier.
    fn token_at(&self, offset: usize) -> Option<SyntaxToken> {
        let at = TextSize::from(u32::try_from(offset).ok()?);
        if at > self.root.text_range().end() {
            return None;
        }
        let significant = |t: &SyntaxToken| !t.kind().is_trivia() && !t.text().trim().is_empty();
        let tokens: Vec<SyntaxToken> = self.root.token_at_offset(at).collect();
        tokens
            .iter()
            .find(|t| t.kind() == SyntaxKind::IDENT)
            .or_else(|| tokens.iter().find(|t| significant(t)))
            .cloned()
    }

    /// The declaration text of a declared name: a variable or parameter, a
    /// function or method, a class.
    fn declaration(&self, name: &SyntaxToken) -> Option<String> {
        let parent = name.parent()?;
        if let Some(v) = ast::TypedVar::cast(parent.clone()) {
            return Some(format!("{}: {}", name.text(), text_of(v.ty()?.syntax())));
        }
        if let Some(f) = ast::FuncDef::cast(parent.clone()) {
            let params: Vec<String> = f
                .param_list()
                .map(|l| {
                    l.params()
                        .map(|p| text_of(p.syntax()).split_whitespace().collect())
                        .collect()
                })
                .unwrap_or_default();
            let ret = f
                .ret_type()
                .and_then(|r| r.ty())
                .map(|t| format!(" -> {}", text_of(t.syntax())))
                .unwrap_or_default();
            return Some(format!(
                "def {}({}){ret}",
                name.text(),
                params.join(", ").replace(':', ": ")
            ));
        }
        if let Some(c) = ast::ClassDef::cast(parent) {
            let sup = c.superclass().map(|s| s.text().to_string());
            return Some(format!(
                "class {}({})",
                name.text(),
                sup.as_deref().unwrap_or("object")
            ));
        }
        None
    }

    fn show(&self, t: &Inferred) -> String {
        match t {
            Inferred::Value(t) => self.program.show(t),
            Inferred::Func(params, ret) => {
                let ps: Vec<String> = params.iter().map(|p| self.program.show(p)).collect();
                format!("({}) -> {}", ps.join(", "), self.program.show(ret))
            }
        }
    }
}

/// The source text of a node without surrounding trivia.
fn text_of(node: &SyntaxNode) -> String {
    node.text().to_string().trim().to_string()
}

/// A markdown code block of ChocoPy.
fn code(text: &str) -> String {
    format!("```chocopy\n{text}\n```")
}
