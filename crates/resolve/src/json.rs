//! The ChocoPy reference implementation's JSON AST: `--emit=ast-json` (the reference's
//! `--pass=r`, files `.py.ast`) and `--emit=typed-ast-json` (`--pass=rr`, files
//! `.py.ast.typed`), so that tools built for the reference can read our front end's
//! output.
//!
//! Shapes follow the reference's `chocopy.common.astnodes` as serialised by Jackson
//! (see `shared/conformance/berkeley/pa1` and `pa2`): every node is an object with
//! `kind` and `location` (`[line, column, end line, end column]`, 1-based, the end
//! column that of the last character), then its fields; `Program` carries an `Errors`
//! node listing every error as a `CompilerError`. Typed output adds `inferredType`
//! (`ClassValueType`, `ListValueType` or `FuncType`) to expressions and `errorMsg` to
//! the node a semantic error is reported at.
//!
//! Location conventions of the reference parser (a CUP grammar over a JFlex lexer),
//! reproduced here:
//! - a token spans its characters; `NEWLINE` is the line terminator's position (end
//!   of input if there is none); `INDENT` and `DEDENT` span the leading whitespace of
//!   their line (so `DEDENT` on an unindented line ends at column 0), and the k-th
//!   `DEDENT` at end of input is at column k of the line after the last line
//!   terminator (the reference reads a missing final terminator as present);
//! - a node ends at its last token, except that `FuncDef`, `ClassDef` and `Program`
//!   end where their last declaration or statement ends *including* its closing
//!   `NEWLINE` or `DEDENT`, and compound statements end at the `DEDENT` closing their
//!   last block;
//! - parentheses are not nodes: `(e)` has the location of `e`, but a node starting
//!   or ending with a parenthesised operand includes the parentheses;
//! - a missing return annotation is a `ClassType` `<None>` at the colon;
//! - an error in the `errors` list has its node's location (a compound statement's
//!   up to its closing `DEDENT`); a syntax error, its token's.
//!
//! The text is printed as Jackson's default pretty printer does
//! ([`to_reference_text`]); for every expected file of the conformance suite without
//! syntax errors, ours is byte-identical.

use crate::lower::{Inferred, Typing};
use crate::SemanticError;
use chocopy_ir::{Program, Type};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{SyntaxError, SyntaxKind, SyntaxNode, SyntaxPtr, SyntaxToken};
use rustc_hash::FxHashMap as HashMap;
use serde_json::{json, Map, Value};
use std::cell::RefCell;

/// The reference kind of the JSON node an expression becomes (`Identifier`,
/// `IntegerLiteral`, `BinaryExpr`, ...); `None` for parentheses, which are not nodes.
pub fn expr_kind(e: &ast::Expr) -> Option<&'static str> {
    Some(match e {
        ast::Expr::Name(_) => "Identifier",
        ast::Expr::Literal(l) => match l.token().map(|t| t.kind()) {
            Some(SyntaxKind::INT_NUMBER) => "IntegerLiteral",
            Some(SyntaxKind::TRUE_KW | SyntaxKind::FALSE_KW) => "BooleanLiteral",
            Some(SyntaxKind::STRING | SyntaxKind::IDSTRING) => "StringLiteral",
            _ => "NoneLiteral",
        },
        ast::Expr::Paren(_) => return None,
        ast::Expr::List(_) => "ListExpr",
        ast::Expr::Member(_) => "MemberExpr",
        ast::Expr::Index(_) => "IndexExpr",
        ast::Expr::Call(c) => match c.callee() {
            Some(ast::Expr::Member(_)) => "MethodCallExpr",
            _ => "CallExpr",
        },
        ast::Expr::Bin(_) => "BinaryExpr",
        ast::Expr::Prefix(_) => "UnaryExpr",
        ast::Expr::If(_) => "IfExpr",
    })
}

/// What the typed output needs from semantic analysis.
#[derive(Clone, Copy)]
pub struct Analysis<'a> {
    /// The lowered program (for class names).
    pub program: &'a Program,
    /// Inferred types by node.
    pub typing: &'a Typing,
    /// Semantic errors, in the order reported.
    pub errors: &'a [SemanticError],
}

/// The JSON AST of `text` (parsed as `file`) in the reference format. With
/// `analysis`, the typed AST (`.py.ast.typed`); without, the untyped one (`.py.ast`).
/// `syntax_errors` become the `errors` list when there are any (the reference stops
/// after parsing then); otherwise the semantic errors of `analysis` do.
pub fn ast_json(
    text: &str,
    file: &ast::SourceFile,
    syntax_errors: &[SyntaxError],
    analysis: Option<Analysis<'_>>,
) -> Value {
    let analysis = if syntax_errors.is_empty() {
        analysis
    } else {
        None
    };
    // Reversed, so that the first error of a node is the one kept.
    let messages = analysis
        .iter()
        .flat_map(|a| a.errors.iter().rev())
        .map(|e| (e.node, e.message.as_str()))
        .collect();
    let w = Writer {
        lines: Lines::new(text),
        analysis,
        locations: RefCell::new(HashMap::default()),
        messages,
    };
    let mut program = w.program(file);
    let mut errors: Vec<Value> = syntax_errors
        .iter()
        .map(|e| {
            json!({
                "kind": "CompilerError",
                "location": match e.location {
                    Some(l) => json!(l),
                    None => w.error_location(&e.range),
                },
                "message": e.message,
                "syntax": true,
            })
        })
        .collect();
    if let Some(a) = w.analysis {
        // A semantic error is located where its node is.
        let locations = w.locations.borrow();
        errors.extend(a.errors.iter().map(|e| {
            let location = locations
                .get(&e.node)
                .cloned()
                .unwrap_or_else(|| w.error_location(&e.range));
            json!({
                "kind": "CompilerError",
                "location": location,
                "message": e.message,
            })
        }));
    }
    program.insert(
        "errors".into(),
        json!({"errors": errors, "kind": "Errors", "location": [0, 0, 0, 0]}),
    );
    Value::Object(program)
}

/// Line starts of a text, for byte offset to (line, column) in characters.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if b.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Lines { text, starts }
    }

    /// 1-based line and 1-based column (characters) of a byte offset.
    fn pos(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Number of leading whitespace characters of the line containing `offset`.
    fn indentation(&self, offset: usize) -> usize {
        let (line, _) = self.pos(offset);
        let start = self.starts[line - 1];
        self.text[start..]
            .chars()
            .take_while(|c| matches!(c, ' ' | '\t' | '\x0c'))
            .count()
    }
}

type Loc = (usize, usize);

struct Writer<'a> {
    lines: Lines<'a>,
    analysis: Option<Analysis<'a>>,
    /// The location of every keyed node written so far.
    locations: RefCell<HashMap<SyntaxPtr, Value>>,
    /// The semantic error message of each node in error (the first, as reported).
    messages: HashMap<SyntaxPtr, &'a str>,
}

impl Writer<'_> {
    fn start(&self, t: &SyntaxToken) -> Loc {
        let r = t.text_range();
        if t.kind() == SyntaxKind::DEDENT || t.kind() == SyntaxKind::INDENT {
            let at_eof = usize::from(r.start()) >= self.lines.text.len();
            if !at_eof {
                let (l, _) = self.lines.pos(r.start().into());
                return (l, 1);
            }
        }
        self.lines.pos(r.start().into())
    }

    /// The position of a token's last character, by the reference's conventions.
    fn end(&self, t: &SyntaxToken) -> Loc {
        let r = t.text_range();
        let start: usize = r.start().into();
        match t.kind() {
            SyntaxKind::DEDENT | SyntaxKind::INDENT if start < self.lines.text.len() => {
                let (l, _) = self.lines.pos(start);
                (l, self.lines.indentation(start))
            }
            SyntaxKind::DEDENT => {
                // At end of input, the k-th DEDENT is at column k of the last line.
                let mut k = 1;
                let mut prev = t.prev_token();
                while let Some(p) = prev {
                    if p.kind() != SyntaxKind::DEDENT
                        || usize::from(p.text_range().start()) != start
                    {
                        break;
                    }
                    k += 1;
                    prev = p.prev_token();
                }
                // The reference reads a missing final line terminator as present.
                let text = self.lines.text;
                let unterminated = !text.is_empty() && !text.ends_with(['\n', '\r']);
                (self.lines.pos(start).0 + usize::from(unterminated), k)
            }
            _ if r.is_empty() => self.lines.pos(start),
            SyntaxKind::NEWLINE => self.lines.pos(start),
            _ => {
                let last = self.lines.text[..usize::from(r.end())]
                    .char_indices()
                    .next_back()
                    .map_or(start, |(i, _)| i);
                self.lines.pos(last)
            }
        }
    }

    /// The location of a byte range: its first and its last character (zero-width
    /// ranges: a DEDENT at a line start, else the position itself).
    fn error_location(&self, range: &std::ops::Range<usize>) -> Value {
        let text = self.lines.text;
        if range.is_empty() {
            let (l, c) = self.lines.pos(range.start);
            if range.start < text.len() && c == 1 {
                // A DEDENT: it spans the (absent or present) indentation.
                return json!([l, 1, l, self.lines.indentation(range.start)]);
            }
            return json!([l, c, l, c]);
        }
        let (l, c) = self.lines.pos(range.start);
        let last = text[..range.end]
            .char_indices()
            .next_back()
            .map_or(range.start, |(i, _)| i);
        let (el, ec) = self.lines.pos(last);
        json!([l, c, el, ec])
    }

    /// Location from the first significant non-layout token to `end`.
    fn span_to(&self, node: &SyntaxNode, end: Loc) -> Value {
        let (l, c) = self
            .lines
            .pos(chocopy_syntax::significant_range(node).start().into());
        json!([l, c, end.0, end.1])
    }

    /// The location of a node spanning its own non-layout tokens.
    fn loc(&self, node: &SyntaxNode) -> Value {
        let r = chocopy_syntax::significant_range(node);
        self.error_location(&(r.start().into()..r.end().into()))
    }

    /// Where a declaration or statement ends as a grammar symbol: its closing
    /// `NEWLINE` or `DEDENT` included.
    fn symbol_end(&self, node: &SyntaxNode) -> Loc {
        let mut last = node.last_token();
        while let Some(t) = last.as_ref().filter(|t| t.kind().is_trivia()) {
            last = t.prev_token();
        }
        last.map_or((0, 0), |t| self.end(&t))
    }

    /// The location of a node whose end is that of its last item.
    fn items_loc(&self, node: &SyntaxNode, items: &[ast::Item]) -> Value {
        match items.last() {
            Some(last) => self.span_to(node, self.symbol_end(last.syntax())),
            None => self.loc(node),
        }
    }

    /// The pointer errors and types of the node made from `node` are attached to
    /// (as the checker attaches them: an identifier expression is its token).
    fn key(&self, node: &SyntaxNode) -> SyntaxPtr {
        SyntaxPtr {
            kind: crate::lower::ptr_kind(node),
            ..SyntaxPtr::node(node)
        }
    }

    /// Builds a node object: kind, location, then (typed mode) inferred type and error.
    fn node(
        &self,
        kind: &'static str,
        location: Value,
        key: Option<SyntaxPtr>,
    ) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("kind".into(), kind.into());
        if let Some(key) = key {
            self.locations.borrow_mut().insert(key, location.clone());
        }
        m.insert("location".into(), location);
        if let (Some(a), Some(key)) = (self.analysis, key) {
            if let Some(message) = self.messages.get(&key) {
                m.insert("errorMsg".into(), (*message).into());
            }
            if let Some(t) = a.typing.get(&key) {
                m.insert("inferredType".into(), inferred_json(a.program, t));
            }
        }
        m
    }

    fn program(&self, file: &ast::SourceFile) -> Map<String, Value> {
        let items: Vec<ast::Item> = file.items().collect();
        let loc = match items.first() {
            Some(_) => self.items_loc(file.syntax(), &items),
            None => json!([0, 0, 0, 0]),
        };
        let mut m = self.node("Program", loc, None);
        let (decls, stmts) = self.items(&items);
        m.insert("declarations".into(), decls.into());
        m.insert("statements".into(), stmts.into());
        m
    }

    /// Declarations and statements of a suite, as two JSON lists (`pass` is dropped).
    fn items(&self, items: &[ast::Item]) -> (Vec<Value>, Vec<Value>) {
        let mut decls = Vec::new();
        let mut stmts = Vec::new();
        for item in items {
            match item {
                ast::Item::VarDef(d) => decls.push(self.var_def(d)),
                ast::Item::FuncDef(f) => decls.push(self.func_def(f)),
                ast::Item::ClassDef(c) => decls.push(self.class_def(c)),
                ast::Item::GlobalDecl(g) => {
                    decls.push(self.decl("GlobalDecl", g.syntax(), g.name()))
                }
                ast::Item::NonlocalDecl(n) => {
                    decls.push(self.decl("NonLocalDecl", n.syntax(), n.name()))
                }
                ast::Item::Stmt(s) => {
                    if let Some(v) = self.stmt(s) {
                        stmts.push(v);
                    }
                }
            }
        }
        (decls, stmts)
    }

    fn block_items(&self, b: Option<ast::Block>) -> Vec<ast::Item> {
        b.map(|b| b.items().collect()).unwrap_or_default()
    }

    fn identifier(&self, t: Option<SyntaxToken>) -> Value {
        let Some(t) = t else { return Value::Null };
        let ((l, c), (el, ec)) = (self.start(&t), self.end(&t));
        let loc = json!([l, c, el, ec]);
        let key = SyntaxPtr::token(&t);
        let mut m = self.node("Identifier", loc, Some(key));
        m.insert("name".into(), t.text().into());
        Value::Object(m)
    }

    fn decl(&self, kind: &'static str, node: &SyntaxNode, name: Option<SyntaxToken>) -> Value {
        let mut m = self.node(kind, self.loc(node), Some(self.key(node)));
        m.insert("variable".into(), self.identifier(name));
        Value::Object(m)
    }

    fn var_def(&self, d: &ast::VarDef) -> Value {
        let mut m = self.node("VarDef", self.loc(d.syntax()), Some(self.key(d.syntax())));
        m.insert(
            "var".into(),
            d.typed_var().map_or(Value::Null, |t| self.typed_var(&t)),
        );
        m.insert(
            "value".into(),
            d.value().map_or(Value::Null, |v| self.expr(&v)),
        );
        Value::Object(m)
    }

    fn typed_var(&self, t: &ast::TypedVar) -> Value {
        let mut m = self.node("TypedVar", self.loc(t.syntax()), None);
        m.insert("identifier".into(), self.identifier(t.name()));
        m.insert(
            "type".into(),
            t.ty().map_or(Value::Null, |t| self.type_ann(&t)),
        );
        Value::Object(m)
    }

    fn type_ann(&self, t: &ast::TypeAnn) -> Value {
        match t {
            ast::TypeAnn::Name(n) => {
                let key = self.key(n.syntax());
                let mut m = self.node("ClassType", self.loc(n.syntax()), Some(key));
                m.insert(
                    "className".into(),
                    n.class_name().unwrap_or_default().into(),
                );
                Value::Object(m)
            }
            ast::TypeAnn::List(l) => {
                let mut m = self.node("ListType", self.loc(l.syntax()), None);
                m.insert(
                    "elementType".into(),
                    l.elem().map_or(Value::Null, |e| self.type_ann(&e)),
                );
                Value::Object(m)
            }
        }
    }

    fn func_def(&self, f: &ast::FuncDef) -> Value {
        let items = self.block_items(f.body());
        let mut m = self.node("FuncDef", self.items_loc(f.syntax(), &items), None);
        m.insert("name".into(), self.identifier(f.name()));
        let params: Vec<Value> = f
            .param_list()
            .map(|p| p.params().map(|t| self.typed_var(&t)).collect())
            .unwrap_or_default();
        m.insert("params".into(), params.into());
        let ret = match f.ret_type().and_then(|r| r.ty()) {
            Some(t) => self.type_ann(&t),
            None => {
                // No annotation: `<None>` at the colon, as the reference has it.
                let colon = f
                    .syntax()
                    .children_with_tokens()
                    .filter_map(|e| e.into_token())
                    .find(|t| t.kind() == SyntaxKind::COLON);
                let loc = colon.map_or(json!([0, 0, 0, 0]), |c| {
                    let (l, col) = self.start(&c);
                    json!([l, col, l, col])
                });
                json!({"kind": "ClassType", "location": loc, "className": "<None>"})
            }
        };
        m.insert("returnType".into(), ret);
        let (decls, stmts) = self.items(&items);
        m.insert("declarations".into(), decls.into());
        m.insert("statements".into(), stmts.into());
        Value::Object(m)
    }

    fn class_def(&self, c: &ast::ClassDef) -> Value {
        let items = self.block_items(c.body());
        let mut m = self.node("ClassDef", self.items_loc(c.syntax(), &items), None);
        m.insert("name".into(), self.identifier(c.name()));
        m.insert("superClass".into(), self.identifier(c.superclass()));
        let (decls, _) = self.items(&items);
        m.insert("declarations".into(), decls.into());
        Value::Object(m)
    }

    fn stmts(&self, b: Option<ast::Block>) -> Vec<Value> {
        let items = self.block_items(b);
        self.items(&items).1
    }

    fn stmt(&self, s: &ast::Stmt) -> Option<Value> {
        let node = s.syntax();
        Some(match s {
            ast::Stmt::Pass(_) => return None,
            ast::Stmt::Expr(e) => {
                let mut m = self.node("ExprStmt", self.loc(node), Some(self.key(node)));
                m.insert(
                    "expr".into(),
                    e.expr().map_or(Value::Null, |e| self.expr(&e)),
                );
                Value::Object(m)
            }
            ast::Stmt::Assign(a) => {
                let mut m = self.node("AssignStmt", self.loc(node), Some(self.key(node)));
                let targets: Vec<Value> = a.targets().iter().map(|t| self.expr(t)).collect();
                m.insert("targets".into(), targets.into());
                m.insert(
                    "value".into(),
                    a.value().map_or(Value::Null, |e| self.expr(&e)),
                );
                Value::Object(m)
            }
            ast::Stmt::Return(r) => {
                let mut m = self.node("ReturnStmt", self.loc(node), Some(self.key(node)));
                m.insert(
                    "value".into(),
                    r.expr().map_or(Value::Null, |e| self.expr(&e)),
                );
                Value::Object(m)
            }
            ast::Stmt::If(i) => {
                // `elif` chains are nested `IfStmt`s in the else branch, each from its
                // `elif` keyword to the end of the whole statement.
                let end = self.symbol_end(node);
                let elifs: Vec<ast::ElifClause> = i.elif_clauses().collect();
                let mut else_body = self.stmts(i.else_clause().and_then(|e| e.block()));
                for e in elifs.iter().rev() {
                    let key = self.key(e.syntax());
                    let mut m = self.node("IfStmt", self.span_to(e.syntax(), end), Some(key));
                    m.insert(
                        "condition".into(),
                        e.condition().map_or(Value::Null, |c| self.expr(&c)),
                    );
                    m.insert("thenBody".into(), self.stmts(e.block()).into());
                    m.insert("elseBody".into(), else_body.into());
                    else_body = vec![Value::Object(m)];
                }
                let key = self.key(node);
                let mut m = self.node("IfStmt", self.span_to(node, end), Some(key));
                m.insert(
                    "condition".into(),
                    i.condition().map_or(Value::Null, |c| self.expr(&c)),
                );
                m.insert("thenBody".into(), self.stmts(i.then_block()).into());
                m.insert("elseBody".into(), else_body.into());
                Value::Object(m)
            }
            ast::Stmt::While(w) => {
                let key = self.key(node);
                let mut m = self.node(
                    "WhileStmt",
                    self.span_to(node, self.symbol_end(node)),
                    Some(key),
                );
                m.insert(
                    "condition".into(),
                    w.condition().map_or(Value::Null, |c| self.expr(&c)),
                );
                m.insert("body".into(), self.stmts(w.block()).into());
                Value::Object(m)
            }
            ast::Stmt::For(f) => {
                let mut m = self.node(
                    "ForStmt",
                    self.span_to(node, self.symbol_end(node)),
                    Some(self.key(node)),
                );
                m.insert("identifier".into(), self.identifier(f.var()));
                m.insert(
                    "iterable".into(),
                    f.iterable().map_or(Value::Null, |c| self.expr(&c)),
                );
                m.insert("body".into(), self.stmts(f.block()).into());
                Value::Object(m)
            }
        })
    }

    fn expr(&self, e: &ast::Expr) -> Value {
        let Some(kind) = expr_kind(e) else {
            // Parentheses: the inner expression stands for itself.
            return match e {
                ast::Expr::Paren(p) => p.expr().map_or(Value::Null, |x| self.expr(&x)),
                _ => Value::Null,
            };
        };
        let node = e.syntax();
        let mut m = self.node(kind, self.loc(node), Some(self.key(node)));
        let opt = |x: Option<ast::Expr>| x.map_or(Value::Null, |x| self.expr(&x));
        match e {
            ast::Expr::Name(n) => {
                m.insert(
                    "name".into(),
                    n.ident()
                        .map_or(String::new(), |t| t.text().to_string())
                        .into(),
                );
            }
            ast::Expr::Literal(l) => {
                let tok = l.token();
                match tok.as_ref().map(|t| t.kind()) {
                    Some(SyntaxKind::INT_NUMBER) => {
                        let v: i64 = tok
                            .as_ref()
                            .and_then(|t| t.text().parse().ok())
                            .unwrap_or(0);
                        m.insert("value".into(), v.into());
                    }
                    Some(SyntaxKind::TRUE_KW) => {
                        m.insert("value".into(), true.into());
                    }
                    Some(SyntaxKind::FALSE_KW) => {
                        m.insert("value".into(), false.into());
                    }
                    Some(SyntaxKind::STRING | SyntaxKind::IDSTRING) => {
                        let v = chocopy_syntax::lexer::string_value(tok.as_ref().unwrap().text());
                        m.insert("value".into(), v.into());
                    }
                    _ => {}
                }
            }
            ast::Expr::Paren(_) => unreachable!("handled above"),
            ast::Expr::List(l) => {
                let elems: Vec<Value> = l.elements().map(|x| self.expr(&x)).collect();
                m.insert("elements".into(), elems.into());
            }
            ast::Expr::Member(x) => {
                m.insert("object".into(), opt(x.object()));
                m.insert("member".into(), self.identifier(x.name()));
            }
            ast::Expr::Index(x) => {
                m.insert("list".into(), opt(x.base()));
                m.insert("index".into(), opt(x.index()));
            }
            ast::Expr::Call(c) => {
                let args: Vec<Value> = c.args().map(|x| self.expr(&x)).collect();
                let field = if kind == "MethodCallExpr" {
                    "method"
                } else {
                    "function"
                };
                m.insert(field.into(), opt(c.callee()));
                m.insert("args".into(), args.into());
            }
            ast::Expr::Bin(b) => {
                m.insert("left".into(), opt(b.lhs()));
                m.insert(
                    "operator".into(),
                    b.op()
                        .map_or(String::new(), |t| t.text().to_string())
                        .into(),
                );
                m.insert("right".into(), opt(b.rhs()));
            }
            ast::Expr::Prefix(p) => {
                m.insert(
                    "operator".into(),
                    p.op()
                        .map_or(String::new(), |t| t.text().to_string())
                        .into(),
                );
                m.insert("operand".into(), opt(p.operand()));
            }
            ast::Expr::If(i) => {
                m.insert("condition".into(), opt(i.condition()));
                m.insert("thenExpr".into(), opt(i.then_expr()));
                m.insert("elseExpr".into(), opt(i.else_expr()));
            }
        }
        Value::Object(m)
    }
}

fn value_type_json(p: &Program, t: &Type) -> Value {
    match t {
        Type::List(e) => json!({"kind": "ListValueType", "elementType": value_type_json(p, e)}),
        other => json!({"kind": "ClassValueType", "className": p.show(other)}),
    }
}

fn inferred_json(p: &Program, t: &Inferred) -> Value {
    match t {
        Inferred::Value(t) => value_type_json(p, t),
        Inferred::Func(params, ret) => json!({
            "kind": "FuncType",
            "parameters": params.iter().map(|t| value_type_json(p, t)).collect::<Vec<_>>(),
            "returnType": value_type_json(p, ret),
        }),
    }
}

/// Writes `value` as the reference implementation does (Jackson's default pretty
/// printer): objects one key per line, indented two spaces per object level, with
/// ` : ` after keys; arrays on one line, `[ a, b ]`, objects in them opening on the
/// same line; `{ }` and `[ ]` when empty. Ends with a newline.
pub fn to_reference_text(value: &Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Jackson::default());
    serde::Serialize::serialize(value, &mut ser).expect("writing JSON to memory cannot fail");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// The formatter of [`to_reference_text`].
#[derive(Default)]
struct Jackson {
    /// Object nesting depth (arrays do not indent).
    depth: usize,
    /// Whether the innermost open object has a key yet.
    object_has_key: Vec<bool>,
}

impl serde_json::ser::Formatter for Jackson {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b" ]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b" " } else { b", " })
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.object_has_key.push(false);
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.object_has_key.pop().unwrap_or(false) {
            w.write_all(b"\n")?;
            w.write_all("  ".repeat(self.depth).as_bytes())?;
            w.write_all(b"}")
        } else {
            w.write_all(b" }")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if let Some(has) = self.object_has_key.last_mut() {
            *has = true;
        }
        w.write_all(if first { b"\n" } else { b",\n" })?;
        w.write_all("  ".repeat(self.depth).as_bytes())
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b" : ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_text_layout() {
        let v = json!({"a": [1, 2], "b": [], "c": {}, "d": [{"e": "x"}], "f": {"g": null}});
        assert_eq!(
            to_reference_text(&v),
            "{\n  \"a\" : [ 1, 2 ],\n  \"b\" : [ ],\n  \"c\" : { },\n  \"d\" : [ {\n    \"e\" : \"x\"\n  } ],\n  \"f\" : {\n    \"g\" : null\n  }\n}\n"
        );
    }
}
