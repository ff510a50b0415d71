//! The analysis of one text: the syntax tree, the diagnostics and the types the
//! checker inferred, from which the server answers requests.
//!
//! Every change re-parses and re-checks the whole document: the front end runs at
//! hundreds of thousands of lines per second (`benches/README.md`), so a document
//! of thousands of lines takes milliseconds. The checker runs on trees with syntax
//! errors too (it never panics on them: the `check` fuzz target), so that hover keeps
//! answering in a half-typed program; its errors are reported only when the text
//! parses, as the compiler does.

use chocopy_closure::report::{closure_facts, ClosureFacts};
use chocopy_closure::{InlineConfig, Strategy};
use chocopy_ir::Program;
use chocopy_resolve::lower::{Def, Inferred, Typing};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{GreenNode, SyntaxKind, SyntaxNode, SyntaxPtr, SyntaxToken, TextSize};
use std::cell::OnceCell;
use std::ops::Range;

/// The analysis of one text.
pub struct Analysis {
    /// The syntax tree (its green part, which can move between threads: dropping an
    /// old analysis happens off the main loop).
    green: GreenNode,
    diagnostics: Vec<(Range<usize>, String)>,
    typing: Typing,
    program: Program,
    /// What the default closure strategy does with nested functions and captured
    /// variables: computed on the first hover that needs it, for error-free
    /// programs only (the passes need a valid program).
    closure: OnceCell<Option<ClosureFacts>>,
}

impl Analysis {
    /// Parses and type-checks `text`.
    pub fn new(text: &str) -> Analysis {
        let parse = chocopy_syntax::parse(text);
        let green = parse.green().clone();
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
            green,
            diagnostics,
            typing,
            program,
            closure: OnceCell::new(),
        }
    }

    /// The root of the syntax tree.
    fn root(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
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
    ///
    /// For a nested function, and for a variable nested functions capture, it adds
    /// what the default closure strategy (`auto`) does with it and why, in the
    /// words of `--emit=closure-report`.
    pub fn hover(&self, offset: usize) -> Option<(String, Range<usize>)> {
        let (text, range) = self.hover_type(offset)?;
        let Some((def, _)) = self.name_at(offset) else {
            return Some((text, range));
        };
        match self.closure_fate(def) {
            Some(fate) => Some((format!("{text}\n\n{fate}"), range)),
            None => Some((text, range)),
        }
    }

    /// The closure decision about `def` in words (markdown), if it is a nested
    /// function or a captured variable of an error-free program.
    fn closure_fate(&self, def: Def) -> Option<String> {
        // Only nested functions and functions' variables can be in the facts: do
        // not run the passes for anything else.
        let candidate = match def {
            Def::Func(f) => self.program.funcs[f].parent.is_some(),
            Def::Var(v) => self.program.vars[v].owner.is_some(),
            _ => false,
        };
        if !candidate {
            return None;
        }
        let facts = self
            .closure
            .get_or_init(|| {
                if !self.diagnostics.is_empty() {
                    return None;
                }
                let cfg = InlineConfig::default();
                let stages =
                    chocopy_closure::run_with(&self.program, Strategy::Auto, &cfg, false).ok()?;
                Some(closure_facts(&self.program, &stages, Strategy::Auto, &cfg))
            })
            .as_ref()?;
        match def {
            Def::Func(f) => {
                let (_, fate) = facts.functions.iter().find(|(g, _)| *g == f)?;
                Some(format!(
                    "closure (`auto`): {}, because {}",
                    fate.what, fate.why
                ))
            }
            Def::Var(v) => {
                let (_, fate) = facts.captured.iter().find(|(w, _)| *w == v)?;
                Some(format!("captured: {}; {}", fate.summary, fate.decision))
            }
            _ => None,
        }
    }

    /// The type part of [`Self::hover`].
    fn hover_type(&self, offset: usize) -> Option<(String, Range<usize>)> {
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
            // An attribute after a dot: `v: int`.
            let r = token.text_range();
            if let Some(Def::Attr(a)) = self.typing.def_at((r.start().into(), r.end().into())) {
                let ty = self.program.show(&self.program.attr_def(a).ty);
                return Some((code(&format!("{}: {ty}", token.text())), range(r)));
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

    /// What the identifier at `offset` refers to, and the identifier's range.
    fn name_at(&self, offset: usize) -> Option<(Def, Range<usize>)> {
        let token = self.token_at(offset)?;
        if token.kind() != SyntaxKind::IDENT {
            return None;
        }
        let r = token.text_range();
        let def = self.typing.def_at((r.start().into(), r.end().into()))?;
        Some((def, usize::from(r.start())..usize::from(r.end())))
    }

    /// The declaration of what the identifier at `offset` refers to: the range of
    /// the declaring identifier.
    pub fn definition(&self, offset: usize) -> Option<Range<usize>> {
        let (def, _) = self.name_at(offset)?;
        let span = self.typing.declaration(&self.program, def)?;
        Some(span.start as usize..span.end as usize)
    }

    /// Every identifier referring to what the one at `offset` refers to, sorted,
    /// with or without the declaring identifier.
    pub fn references(&self, offset: usize, with_declaration: bool) -> Vec<Range<usize>> {
        let Some((def, _)) = self.name_at(offset) else {
            return Vec::new();
        };
        let decl = self.typing.declaration(&self.program, def);
        let mut refs: Vec<Range<usize>> = self
            .typing
            .names()
            .filter(|(r, d)| {
                *d == def && (with_declaration || decl.is_none_or(|s| (s.start, s.end) != *r))
            })
            .map(|(r, _)| r.0 as usize..r.1 as usize)
            .collect();
        refs.sort_by_key(|r| r.start);
        refs
    }

    /// The edits renaming what the identifier at `offset` refers to as `new_name`:
    /// every reference and the declaration. An error when `new_name` is no
    /// identifier or is a keyword, or when there is nothing to rename there.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<Range<usize>>, String> {
        let lexed = chocopy_syntax::parse(new_name);
        let ok = lexed.errors().is_empty()
            && lexed
                .syntax_node()
                .descendants_with_tokens()
                .filter_map(|e| e.into_token())
                .filter(|t| !t.kind().is_trivia() && !t.text().trim().is_empty())
                .map(|t| t.kind())
                .eq([SyntaxKind::IDENT]);
        if !ok {
            return Err(format!("`{new_name}` is not a valid name"));
        }
        let refs = self.references(offset, true);
        if refs.is_empty() {
            return Err("nothing to rename here".into());
        }
        Ok(refs)
    }

    /// The declarations of the file as a tree: classes with their attributes and
    /// methods, functions with their parameters, variables and nested functions,
    /// global variables.
    pub fn symbols(&self) -> Vec<Symbol> {
        symbols_of(self.root().children())
    }

    /// What may be written at `offset`: after `obj.`, the attributes and methods of
    /// `obj`'s static class; elsewhere the names in scope there (the enclosing
    /// functions' parameters, variables and nested functions, innermost first, then
    /// the file's declarations and the built-in functions and classes). The names
    /// come from the syntax tree, so that a half-typed program completes too.
    pub fn completions(&self, text: &str, offset: usize) -> Vec<Completion> {
        // Any offset: clamped to the text and to a character boundary.
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The partial name before the cursor.
        let start = text[..offset]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let before = text[..start].trim_end_matches([' ', '\t']);
        if let Some(dot) = before.strip_suffix('.') {
            return self.members(dot.len());
        }
        let mut out = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut push = |out: &mut Vec<Completion>, label: String, kind, detail: String| {
            if seen.insert(label.clone()) {
                out.push(Completion {
                    label,
                    kind,
                    detail,
                });
            }
        };
        // Any token there (whitespace too) tells the enclosing functions.
        let token = u32::try_from(start)
            .ok()
            .map(TextSize::from)
            .filter(|&at| at <= self.root().text_range().end())
            .and_then(|at| self.root().token_at_offset(at).left_biased());
        let scopes = token
            .iter()
            .flat_map(|t| t.parent_ancestors())
            .filter(|n| n.kind() == SyntaxKind::FUNC_DEF);
        for f in scopes.filter_map(ast::FuncDef::cast) {
            for p in f
                .param_list()
                .into_iter()
                .flat_map(|l| l.params().collect::<Vec<_>>())
            {
                if let (Some(n), Some(t)) = (p.name(), p.ty()) {
                    push(
                        &mut out,
                        n.text().into(),
                        CompletionKind::Variable,
                        text_of(t.syntax()),
                    );
                }
            }
            if let Some(body) = f.body() {
                for s in symbols_of(body.syntax().children()) {
                    push(&mut out, s.name.clone(), s.kind.into(), s.detail.clone());
                }
            }
        }
        for s in symbols_of(self.root().children()) {
            push(&mut out, s.name.clone(), s.kind.into(), s.detail.clone());
        }
        for (name, detail) in [
            ("print", "def print(object) -> <None>"),
            ("len", "def len(object) -> int"),
            ("input", "def input() -> str"),
        ] {
            push(
                &mut out,
                name.into(),
                CompletionKind::Function,
                detail.into(),
            );
        }
        for name in ["object", "int", "bool", "str"] {
            push(
                &mut out,
                name.into(),
                CompletionKind::Class,
                format!("class {name}"),
            );
        }
        out
    }

    /// The attributes and methods of the static class of the expression ending at
    /// byte `end` (just before a `.`).
    fn members(&self, end: usize) -> Vec<Completion> {
        let Some(token) = self.token_at(end.saturating_sub(1)) else {
            return Vec::new();
        };
        // The innermost typed expression ending at the token.
        let ty = std::iter::once(SyntaxPtr::token(&token))
            .chain(
                token
                    .parent_ancestors()
                    .take_while(|n| usize::from(n.text_range().end()) <= end + 1)
                    .map(|n| SyntaxPtr::node(&n)),
            )
            .find_map(|p| match self.typing.get(&p) {
                Some(Inferred::Value(t)) => Some(t.clone()),
                _ => None,
            });
        let Some(chocopy_ir::Type::Class(c)) = ty else {
            return Vec::new();
        };
        let p = &self.program;
        let layout = &p.classes[c].layout;
        let mut out = Vec::new();
        for &(k, i) in &layout.attrs {
            let a = &p.classes[k].attrs[i as usize];
            out.push(Completion {
                label: a.name.clone(),
                kind: CompletionKind::Attribute,
                detail: format!("{}: {}", a.name, p.show(&a.ty)),
            });
        }
        for m in &layout.methods {
            let detail = match m.func {
                Some(f) => {
                    let func = &p.funcs[f];
                    let params: Vec<String> =
                        func.params.iter().map(|&v| p.show(&p.vars[v].ty)).collect();
                    format!(
                        "def {}({}) -> {}",
                        m.name,
                        params.join(", "),
                        p.show(&func.ret)
                    )
                }
                None => format!("def {}(object) -> <None>", m.name),
            };
            out.push(Completion {
                label: m.name.clone(),
                kind: CompletionKind::Method,
                detail,
            });
        }
        out
    }

    /// The semantic tokens of the file in order: each token's byte range and kind
    /// (keywords, literals, comments, and identifiers by what they refer to).
    pub fn semantic_tokens(&self) -> Vec<(Range<usize>, TokenKind)> {
        let mut out = Vec::new();
        for t in self
            .root()
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            let r = t.text_range();
            let range = usize::from(r.start())..usize::from(r.end());
            let kind = match t.kind() {
                k if k.is_keyword() => TokenKind::Keyword,
                SyntaxKind::COMMENT => TokenKind::Comment,
                SyntaxKind::STRING => TokenKind::String,
                SyntaxKind::IDSTRING => match t.parent().map(|p| p.kind()) {
                    Some(SyntaxKind::NAME_TYPE) => TokenKind::Class,
                    _ => TokenKind::String,
                },
                SyntaxKind::INT_NUMBER => TokenKind::Number,
                SyntaxKind::IDENT => match self.typing.def_at((r.start().into(), r.end().into())) {
                    Some(Def::Var(v)) => {
                        let var = &self.program.vars[v];
                        match var.owner {
                            Some(f) if self.program.funcs[f].params.contains(&v) => {
                                TokenKind::Parameter
                            }
                            _ => TokenKind::Variable,
                        }
                    }
                    Some(Def::Func(f)) if self.program.funcs[f].method_of.is_some() => {
                        TokenKind::Method
                    }
                    Some(Def::Func(_)) => TokenKind::Function,
                    Some(Def::Class(_)) => TokenKind::Class,
                    Some(Def::Attr(_)) => TokenKind::Property,
                    None => match t.text() {
                        "int" | "bool" | "str" | "object" => TokenKind::Class,
                        "print" | "len" | "input" => TokenKind::Function,
                        _ => continue,
                    },
                },
                _ => continue,
            };
            out.push((range, kind));
        }
        out
    }

    /// The significant token at `offset`: the one containing it, or ending at it
    /// (the cursor just after a name), preferring an identifier.
    fn token_at(&self, offset: usize) -> Option<SyntaxToken> {
        let at = TextSize::from(u32::try_from(offset).ok()?);
        if at > self.root().text_range().end() {
            return None;
        }
        let significant = |t: &SyntaxToken| !t.kind().is_trivia() && !t.text().trim().is_empty();
        let tokens: Vec<SyntaxToken> = self.root().token_at_offset(at).collect();
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

/// A declaration in the document's outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// Byte range of the whole declaration.
    pub range: Range<usize>,
    /// Byte range of its name.
    pub name_range: Range<usize>,
    /// Its declaration in short (`x: int`, `def f(...)`, `class A(object)`).
    pub detail: String,
    /// Declarations inside it.
    pub children: Vec<Symbol>,
}

/// The kinds of declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A class.
    Class,
    /// A method (a function in a class).
    Method,
    /// A function (top-level or nested).
    Function,
    /// An attribute (a variable in a class).
    Attribute,
    /// A variable or parameter.
    Variable,
}

fn symbols_of(nodes: impl Iterator<Item = SyntaxNode>) -> Vec<Symbol> {
    let mut out = Vec::new();
    for node in nodes {
        match node.kind() {
            SyntaxKind::BLOCK => out.extend(symbols_of(node.children())),
            SyntaxKind::CLASS_DEF => {
                let Some(c) = ast::ClassDef::cast(node.clone()) else {
                    continue;
                };
                let Some(name) = c.name() else { continue };
                let mut children = symbols_of(node.children());
                for s in &mut children {
                    s.kind = match s.kind {
                        SymbolKind::Function => SymbolKind::Method,
                        SymbolKind::Variable => SymbolKind::Attribute,
                        k => k,
                    };
                }
                out.push(symbol(&node, &name, SymbolKind::Class, children));
            }
            SyntaxKind::FUNC_DEF => {
                let Some(f) = ast::FuncDef::cast(node.clone()) else {
                    continue;
                };
                let Some(name) = f.name() else { continue };
                let mut children = Vec::new();
                if let Some(params) = f.param_list() {
                    for p in params.params() {
                        if let Some(n) = p.name() {
                            children.push(symbol(p.syntax(), &n, SymbolKind::Variable, Vec::new()));
                        }
                    }
                }
                if let Some(body) = f.body() {
                    children.extend(symbols_of(body.syntax().children()));
                }
                out.push(symbol(&node, &name, SymbolKind::Function, children));
            }
            SyntaxKind::VAR_DEF => {
                let Some(v) = ast::VarDef::cast(node.clone()) else {
                    continue;
                };
                let Some(name) = v.typed_var().and_then(|t| t.name()) else {
                    continue;
                };
                out.push(symbol(&node, &name, SymbolKind::Variable, Vec::new()));
            }
            _ => {}
        }
    }
    out
}

fn symbol(
    node: &SyntaxNode,
    name: &SyntaxToken,
    kind: SymbolKind,
    children: Vec<Symbol>,
) -> Symbol {
    let r = chocopy_syntax::significant_range(node);
    let n = name.text_range();
    // The declaration's first line, without the colon of a definition.
    let text = text_of(node);
    let first = text.lines().next().unwrap_or_default();
    let detail = match kind {
        SymbolKind::Class | SymbolKind::Function | SymbolKind::Method => {
            first.trim_end_matches(':').trim().to_string()
        }
        _ => first
            .split('=')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    Symbol {
        name: name.text().to_string(),
        detail,
        kind,
        range: usize::from(r.start())..usize::from(r.end()),
        name_range: usize::from(n.start())..usize::from(n.end()),
        children,
    }
}

/// A completion item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The name to insert.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// Its declaration in short.
    pub detail: String,
}

/// The kinds of completion items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// A variable or parameter.
    Variable,
    /// A function.
    Function,
    /// A class.
    Class,
    /// An attribute.
    Attribute,
    /// A method.
    Method,
}

impl From<SymbolKind> for CompletionKind {
    fn from(k: SymbolKind) -> CompletionKind {
        match k {
            SymbolKind::Class => CompletionKind::Class,
            SymbolKind::Method => CompletionKind::Method,
            SymbolKind::Function => CompletionKind::Function,
            SymbolKind::Attribute => CompletionKind::Attribute,
            SymbolKind::Variable => CompletionKind::Variable,
        }
    }
}

/// The kinds of semantic tokens, in the order of the server's legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword (`def`, `True`, `None`, ...).
    Keyword = 0,
    /// A string literal.
    String,
    /// An integer literal.
    Number,
    /// A comment.
    Comment,
    /// A variable.
    Variable,
    /// A parameter.
    Parameter,
    /// A function.
    Function,
    /// A method.
    Method,
    /// A class.
    Class,
    /// An attribute.
    Property,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `lsp` fuzz target: an offset inside a multi-byte character.
    #[test]
    fn requests_at_any_byte_offset_do_not_panic() {
        let text = "\u{FFFD}x: int = 0\n# \u{e9}\ny: int = 0\ny.\n";
        let a = Analysis::new(text);
        for at in 0..=text.len() + 2 {
            let _ = a.hover(at);
            let _ = a.definition(at);
            let _ = a.references(at, true);
            let _ = a.rename(at, "y");
            let _ = a.completions(text, at);
        }
        // Inside the `é` of the comment: the names declared in the file.
        let inside = text.find('\u{e9}').unwrap() + 1;
        assert!(a.completions(text, inside).iter().any(|c| c.label == "y"));
    }
}
