//! Reads the IR text format: what [`crate::print::print_program`] prints with
//! [`Naming::Text`](crate::print::Naming::Text). Printing, reading and printing again
//! gives the same text, so passes can be tested on IR written by hand or by an earlier
//! pass, without the front end (Cranelift's `.clif` files serve the same purpose).
//!
//! The format is ChocoPy/Python source with three extensions:
//! - names may contain `$` (`f$g`, `x$1`: names only the compiler makes);
//! - types are exact: `<None>`, `<Empty>`, and `Ref[T]` for a heap cell holding a `T`
//!   (the name `Ref` is whatever name the printer gave the cell class, `Ref$1` if a
//!   class of the program is called `Ref`); a class type is quoted (`"A"`) or not;
//! - `Ref()` makes a cell (its type is the type of the variable or place it is
//!   assigned to) and `cell.value` is the cell's content;
//! - a negative constant is parenthesised, `(-5)`, apart from the negation of a
//!   constant, `-5`.
//!
//! Lines whose first non-blank character is `;` or `#` are comments (a filetest keeps
//! its header and expected output in them). `global` and `nonlocal` declarations are
//! accepted and ignored: the printer derives them from assignments, and the reader
//! resolves every name lexically, as ChocoPy does. Expression types are computed from
//! the operands by the typing rules of the reference manual (5.2), as the front end
//! does; the result is meant to be checked with [`crate::verify::verify`].
//!
//! Errors: a [`ReadError`] with the line, column and a message, for text that is not
//! in the format or names something undefined; never a panic.

use crate::{
    BinOp, Builtin, Class, ClassId, ClassLayout, Const, Expr, ExprKind, FuncId, Function,
    MethodSlot, Place, Program, Span, Stmt, Type, UnOp, VarDef, VarId,
};
use rustc_hash::FxHashMap;

/// Why a text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads a program in the IR text format. Spans of the result are byte ranges of
/// `text`. The program is not verified.
pub fn read(text: &str) -> Result<Program, ReadError> {
    let toks = lex(text).map_err(|(at, m)| error_at(text, at, m))?;
    let mut parser = Parser {
        toks: &toks,
        pos: 0,
    };
    let file = parser.file().map_err(|(at, m)| error_at(text, at, m))?;
    Builder::build(&file).map_err(|(at, m)| error_at(text, at, m))
}

fn error_at(text: &str, at: usize, message: String) -> ReadError {
    let at = at.min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() + 1;
    ReadError { line, col, message }
}

type Result<T, E = (usize, String)> = std::result::Result<T, E>;

// ---------------------------------------------------------------------------------
// Tokens.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Int(i64),
    Str(String),
    /// Punctuation and operators, and keywords (as their text).
    Sym(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
}

const KEYWORDS: &[&str] = &[
    "def", "class", "if", "elif", "else", "while", "for", "in", "return", "pass", "global",
    "nonlocal", "and", "or", "not", "is", "None", "True", "False",
];

/// Operators, longest first.
const SYMBOLS: &[&str] = &[
    "->", "//", "<=", ">=", "==", "!=", "(", ")", "[", "]", ",", ":", ".", "=", "+", "-", "*", "%",
    "<", ">",
];

fn lex(text: &str) -> Result<Vec<(Tok, usize, usize)>> {
    let mut out: Vec<(Tok, usize, usize)> = Vec::new();
    let mut indents: Vec<usize> = vec![0];
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with(';') || content.starts_with('#') {
            line_start = line_end + 1;
            continue;
        }
        if content.starts_with('\t') {
            return Err((line_start + indent, "tabs are not allowed".into()));
        }
        let here = line_start + indent;
        if indent > *indents.last().expect("the stack holds 0") {
            indents.push(indent);
            out.push((Tok::Indent, here, here));
        } else {
            while indent < *indents.last().expect("the stack holds 0") {
                indents.pop();
                out.push((Tok::Dedent, here, here));
            }
            if indent != *indents.last().expect("the stack holds 0") {
                return Err((here, "inconsistent indentation".into()));
            }
        }
        let mut i = here;
        let end = line_start + line.trim_end().len();
        while i < end {
            let rest = &text[i..end];
            let c = rest.chars().next().expect("not at the end");
            if c == ' ' {
                i += 1;
            } else if c == '#' {
                break;
            } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
                let n = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(rest.len());
                let word = &rest[..n];
                let tok = match KEYWORDS.iter().find(|k| **k == word) {
                    Some(k) => Tok::Sym(k),
                    None => Tok::Name(word.to_string()),
                };
                out.push((tok, i, i + n));
                i += n;
            } else if c.is_ascii_digit() {
                let n = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                let v: i64 = rest[..n]
                    .parse()
                    .map_err(|_| (i, format!("integer literal {} is too large", &rest[..n])))?;
                out.push((Tok::Int(v), i, i + n));
                i += n;
            } else if c == '"' {
                let mut s = String::new();
                let mut j = 1;
                let bytes = rest.as_bytes();
                loop {
                    match bytes.get(j) {
                        None => return Err((i, "unterminated string literal".into())),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let e = match bytes.get(j + 1) {
                                Some(b'n') => '\n',
                                Some(b't') => '\t',
                                Some(b'"') => '"',
                                Some(b'\\') => '\\',
                                _ => return Err((i + j, "unknown escape".into())),
                            };
                            s.push(e);
                            j += 2;
                        }
                        Some(_) => {
                            let ch = rest[j..].chars().next().expect("in the string");
                            s.push(ch);
                            j += ch.len_utf8();
                        }
                    }
                }
                out.push((Tok::Str(s), i, i + j + 1));
                i += j + 1;
            } else if let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
                out.push((Tok::Sym(sym), i, i + sym.len()));
                i += sym.len();
            } else {
                return Err((i, format!("unexpected character `{c}`")));
            }
        }
        out.push((Tok::Newline, end, end));
        line_start = line_end + 1;
    }
    let end = text.len();
    while indents.len() > 1 {
        indents.pop();
        out.push((Tok::Dedent, end, end));
    }
    out.push((Tok::Eof, end, end));
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Syntax.

#[derive(Debug, Clone)]
enum TyAst {
    Named(String),
    None,
    Empty,
    List(Box<TyAst>),
    Cell(String, Box<TyAst>),
}

#[derive(Debug, Clone)]
enum Lit {
    None,
    Bool(bool),
    Int(i64),
    Str(String),
}

#[derive(Debug)]
struct VarAst {
    name: String,
    ty: TyAst,
    init: Lit,
    start: usize,
    end: usize,
}

#[derive(Debug)]
struct FuncAst {
    name: String,
    params: Vec<(String, TyAst, usize, usize)>,
    ret: Option<TyAst>,
    locals: Vec<VarAst>,
    nested: Vec<FuncAst>,
    body: Vec<StmtAst>,
    start: usize,
    end: usize,
}

#[derive(Debug)]
struct ClassAst {
    name: String,
    parent: String,
    attrs: Vec<VarAst>,
    methods: Vec<FuncAst>,
    start: usize,
    end: usize,
}

#[derive(Debug)]
struct FileAst {
    classes: Vec<ClassAst>,
    globals: Vec<VarAst>,
    functions: Vec<FuncAst>,
    main: Vec<StmtAst>,
}

#[derive(Debug)]
enum StmtAst {
    Expr(E),
    Assign(Vec<E>, E),
    If(E, Vec<StmtAst>, Vec<StmtAst>),
    While(E, Vec<StmtAst>),
    For(E, E, Vec<StmtAst>),
    Return(Option<E>, usize, usize),
}

#[derive(Debug)]
struct E {
    kind: EKind,
    start: usize,
    end: usize,
}

#[derive(Debug)]
enum EKind {
    Lit(Lit),
    Name(String),
    Unary(UnOp, Box<E>),
    Binary(BinOp, Box<E>, Box<E>),
    If(Box<E>, Box<E>, Box<E>),
    Call(Box<E>, Vec<E>),
    Index(Box<E>, Box<E>),
    Member(Box<E>, String),
    List(Vec<E>),
}

struct Parser<'t> {
    toks: &'t [(Tok, usize, usize)],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn peek2(&self) -> &Tok {
        &self.toks[(self.pos + 1).min(self.toks.len() - 1)].0
    }

    fn start(&self) -> usize {
        self.toks[self.pos].1
    }

    fn last_end(&self) -> usize {
        self.toks[self.pos.saturating_sub(1)].2
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn at(&self, sym: &str) -> bool {
        matches!(self.peek(), Tok::Sym(s) if *s == sym)
    }

    fn eat(&mut self, sym: &str) -> bool {
        if self.at(sym) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, what: &str) -> Result<T> {
        let found = match self.peek() {
            Tok::Name(n) => format!("`{n}`"),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::Newline => "the end of the line".into(),
            Tok::Indent => "an indented block".into(),
            Tok::Dedent => "the end of the block".into(),
            Tok::Eof => "the end of the text".into(),
        };
        Err((self.start(), format!("expected {what}, found {found}")))
    }

    fn expect(&mut self, sym: &str) -> Result<()> {
        if self.eat(sym) {
            Ok(())
        } else {
            self.fail(&format!("`{sym}`"))
        }
    }

    fn name(&mut self) -> Result<String> {
        match self.peek() {
            Tok::Name(n) => {
                let n = n.clone();
                self.bump();
                Ok(n)
            }
            _ => self.fail("a name"),
        }
    }

    fn newline(&mut self) -> Result<()> {
        match self.peek() {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            _ => self.fail("the end of the line"),
        }
    }

    fn file(&mut self) -> Result<FileAst> {
        let mut file = FileAst {
            classes: Vec::new(),
            globals: Vec::new(),
            functions: Vec::new(),
            main: Vec::new(),
        };
        loop {
            match self.peek() {
                Tok::Eof => break,
                Tok::Sym("class") => file.classes.push(self.class()?),
                Tok::Sym("def") => file.functions.push(self.function()?),
                Tok::Name(_) if matches!(self.peek2(), Tok::Sym(":")) => {
                    file.globals.push(self.var_def()?)
                }
                _ => file.main.push(self.stmt()?),
            }
        }
        Ok(file)
    }

    fn class(&mut self) -> Result<ClassAst> {
        let start = self.start();
        self.expect("class")?;
        let name = self.name()?;
        self.expect("(")?;
        let parent = self.name()?;
        self.expect(")")?;
        self.expect(":")?;
        self.newline()?;
        let mut class = ClassAst {
            name,
            parent,
            attrs: Vec::new(),
            methods: Vec::new(),
            start,
            end: start,
        };
        if !matches!(self.bump(), Tok::Indent) {
            return Err((start, "expected an indented class body".into()));
        }
        loop {
            match self.peek() {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::Sym("pass") => {
                    self.bump();
                    self.newline()?;
                }
                Tok::Sym("def") => class.methods.push(self.function()?),
                _ => class.attrs.push(self.var_def()?),
            }
        }
        class.end = self.last_end();
        Ok(class)
    }

    fn function(&mut self) -> Result<FuncAst> {
        let start = self.start();
        self.expect("def")?;
        let name = self.name()?;
        self.expect("(")?;
        let mut params = Vec::new();
        while !self.at(")") {
            let s = self.start();
            let p = self.name()?;
            self.expect(":")?;
            let t = self.ty()?;
            params.push((p, t, s, self.last_end()));
            if !self.eat(",") {
                break;
            }
        }
        self.expect(")")?;
        let ret = if self.eat("->") {
            Some(self.ty()?)
        } else {
            None
        };
        self.expect(":")?;
        self.newline()?;
        let mut f = FuncAst {
            name,
            params,
            ret,
            locals: Vec::new(),
            nested: Vec::new(),
            body: Vec::new(),
            start,
            end: start,
        };
        if !matches!(self.bump(), Tok::Indent) {
            return Err((start, "expected an indented function body".into()));
        }
        // Declarations first, then statements.
        loop {
            match self.peek() {
                Tok::Sym("global") | Tok::Sym("nonlocal") => {
                    self.bump();
                    self.name()?;
                    self.newline()?;
                }
                Tok::Sym("def") => f.nested.push(self.function()?),
                Tok::Name(_) if matches!(self.peek2(), Tok::Sym(":")) => {
                    f.locals.push(self.var_def()?)
                }
                _ => break,
            }
        }
        loop {
            match self.peek() {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::Eof => break,
                Tok::Sym("pass") => {
                    self.bump();
                    self.newline()?;
                }
                _ => f.body.push(self.stmt()?),
            }
        }
        f.end = self.last_end();
        Ok(f)
    }

    fn var_def(&mut self) -> Result<VarAst> {
        let start = self.start();
        let name = self.name()?;
        self.expect(":")?;
        let ty = self.ty()?;
        self.expect("=")?;
        let init = self.literal()?;
        let end = self.last_end();
        self.newline()?;
        Ok(VarAst {
            name,
            ty,
            init,
            start,
            end,
        })
    }

    fn literal(&mut self) -> Result<Lit> {
        let neg = self.eat("-");
        let lit = match self.bump() {
            Tok::Sym("None") if !neg => Lit::None,
            Tok::Sym("True") if !neg => Lit::Bool(true),
            Tok::Sym("False") if !neg => Lit::Bool(false),
            Tok::Int(i) => Lit::Int(if neg { -i } else { i }),
            Tok::Str(s) if !neg => Lit::Str(s),
            _ => {
                self.pos -= 1;
                return self.fail("a literal");
            }
        };
        Ok(lit)
    }

    fn ty(&mut self) -> Result<TyAst> {
        match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                Ok(TyAst::Named(s))
            }
            Tok::Sym("[") => {
                self.bump();
                let t = self.ty()?;
                self.expect("]")?;
                Ok(TyAst::List(Box::new(t)))
            }
            Tok::Sym("<") => {
                self.bump();
                let t = match self.bump() {
                    Tok::Sym("None") => TyAst::None,
                    Tok::Name(n) if n == "Empty" => TyAst::Empty,
                    _ => return self.fail("`None` or `Empty`"),
                };
                self.expect(">")?;
                Ok(t)
            }
            Tok::Name(n) => {
                self.bump();
                if self.eat("[") {
                    let t = self.ty()?;
                    self.expect("]")?;
                    Ok(TyAst::Cell(n, Box::new(t)))
                } else {
                    Ok(TyAst::Named(n))
                }
            }
            _ => self.fail("a type"),
        }
    }

    fn block(&mut self) -> Result<Vec<StmtAst>> {
        self.expect(":")?;
        self.newline()?;
        if !matches!(self.bump(), Tok::Indent) {
            self.pos -= 1;
            return self.fail("an indented block");
        }
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::Eof => break,
                Tok::Sym("pass") => {
                    self.bump();
                    self.newline()?;
                }
                _ => out.push(self.stmt()?),
            }
        }
        Ok(out)
    }

    fn stmt(&mut self) -> Result<StmtAst> {
        let start = self.start();
        match self.peek() {
            Tok::Sym("if") => {
                self.bump();
                self.if_rest()
            }
            Tok::Sym("while") => {
                self.bump();
                let c = self.expr()?;
                let body = self.block()?;
                Ok(StmtAst::While(c, body))
            }
            Tok::Sym("for") => {
                self.bump();
                let t = self.postfix()?;
                self.expect("in")?;
                let iter = self.expr()?;
                let body = self.block()?;
                Ok(StmtAst::For(t, iter, body))
            }
            Tok::Sym("return") => {
                self.bump();
                let v = if matches!(self.peek(), Tok::Newline) {
                    None
                } else {
                    Some(self.expr()?)
                };
                let end = self.last_end();
                self.newline()?;
                Ok(StmtAst::Return(v, start, end))
            }
            _ => {
                let mut e = self.expr()?;
                let mut targets = Vec::new();
                while self.eat("=") {
                    targets.push(e);
                    e = self.expr()?;
                }
                self.newline()?;
                if targets.is_empty() {
                    Ok(StmtAst::Expr(e))
                } else {
                    Ok(StmtAst::Assign(targets, e))
                }
            }
        }
    }

    /// After `if` or `elif`.
    fn if_rest(&mut self) -> Result<StmtAst> {
        let c = self.expr()?;
        let then_ = self.block()?;
        let else_ = if self.eat("elif") {
            vec![self.if_rest()?]
        } else if self.eat("else") {
            self.block()?
        } else {
            Vec::new()
        };
        Ok(StmtAst::If(c, then_, else_))
    }

    fn mk(kind: EKind, start: usize, end: usize) -> E {
        E { kind, start, end }
    }

    /// `a if c else b` (precedence 1).
    fn expr(&mut self) -> Result<E> {
        let start = self.start();
        let a = self.or()?;
        if self.eat("if") {
            let c = self.or()?;
            self.expect("else")?;
            let b = self.expr()?;
            let end = self.last_end();
            return Ok(Self::mk(
                EKind::If(Box::new(c), Box::new(a), Box::new(b)),
                start,
                end,
            ));
        }
        Ok(a)
    }

    fn or(&mut self) -> Result<E> {
        let start = self.start();
        let mut a = self.and()?;
        while self.eat("or") {
            let b = self.and()?;
            a = Self::mk(
                EKind::Binary(BinOp::Or, Box::new(a), Box::new(b)),
                start,
                self.last_end(),
            );
        }
        Ok(a)
    }

    fn and(&mut self) -> Result<E> {
        let start = self.start();
        let mut a = self.not()?;
        while self.eat("and") {
            let b = self.not()?;
            a = Self::mk(
                EKind::Binary(BinOp::And, Box::new(a), Box::new(b)),
                start,
                self.last_end(),
            );
        }
        Ok(a)
    }

    fn not(&mut self) -> Result<E> {
        let start = self.start();
        if self.eat("not") {
            let a = self.not()?;
            return Ok(Self::mk(
                EKind::Unary(UnOp::Not, Box::new(a)),
                start,
                self.last_end(),
            ));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<E> {
        let start = self.start();
        let a = self.sum()?;
        let op = match self.peek() {
            Tok::Sym("<") => BinOp::Lt,
            Tok::Sym("<=") => BinOp::Le,
            Tok::Sym(">") => BinOp::Gt,
            Tok::Sym(">=") => BinOp::Ge,
            Tok::Sym("==") => BinOp::Eq,
            Tok::Sym("!=") => BinOp::Ne,
            Tok::Sym("is") => BinOp::Is,
            _ => return Ok(a),
        };
        self.bump();
        let b = self.sum()?;
        Ok(Self::mk(
            EKind::Binary(op, Box::new(a), Box::new(b)),
            start,
            self.last_end(),
        ))
    }

    fn sum(&mut self) -> Result<E> {
        let start = self.start();
        let mut a = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("+") => BinOp::Add,
                Tok::Sym("-") => BinOp::Sub,
                _ => return Ok(a),
            };
            self.bump();
            let b = self.product()?;
            a = Self::mk(
                EKind::Binary(op, Box::new(a), Box::new(b)),
                start,
                self.last_end(),
            );
        }
    }

    fn product(&mut self) -> Result<E> {
        let start = self.start();
        let mut a = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("*") => BinOp::Mul,
                Tok::Sym("//") => BinOp::FloorDiv,
                Tok::Sym("%") => BinOp::Mod,
                _ => return Ok(a),
            };
            self.bump();
            let b = self.unary()?;
            a = Self::mk(
                EKind::Binary(op, Box::new(a), Box::new(b)),
                start,
                self.last_end(),
            );
        }
    }

    fn unary(&mut self) -> Result<E> {
        let start = self.start();
        if self.eat("-") {
            let a = self.unary()?;
            return Ok(Self::mk(
                EKind::Unary(UnOp::Neg, Box::new(a)),
                start,
                self.last_end(),
            ));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<E> {
        let start = self.start();
        let mut e = self.atom()?;
        loop {
            if self.eat(".") {
                let n = self.name()?;
                e = Self::mk(EKind::Member(Box::new(e), n), start, self.last_end());
            } else if self.eat("(") {
                let args = self.args(")")?;
                e = Self::mk(EKind::Call(Box::new(e), args), start, self.last_end());
            } else if self.eat("[") {
                let i = self.expr()?;
                self.expect("]")?;
                e = Self::mk(
                    EKind::Index(Box::new(e), Box::new(i)),
                    start,
                    self.last_end(),
                );
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self, close: &str) -> Result<Vec<E>> {
        let mut args = Vec::new();
        while !self.at(close) {
            args.push(self.expr()?);
            if !self.eat(",") {
                break;
            }
        }
        self.expect(close)?;
        Ok(args)
    }

    fn atom(&mut self) -> Result<E> {
        let start = self.start();
        let kind = match self.peek().clone() {
            Tok::Name(n) => {
                self.bump();
                EKind::Name(n)
            }
            Tok::Int(i) => {
                self.bump();
                EKind::Lit(Lit::Int(i))
            }
            Tok::Str(s) => {
                self.bump();
                EKind::Lit(Lit::Str(s))
            }
            Tok::Sym("None") => {
                self.bump();
                EKind::Lit(Lit::None)
            }
            Tok::Sym("True") => {
                self.bump();
                EKind::Lit(Lit::Bool(true))
            }
            Tok::Sym("False") => {
                self.bump();
                EKind::Lit(Lit::Bool(false))
            }
            Tok::Sym("(") => {
                self.bump();
                // `(-5)` is a negative constant; `-5` negates the constant 5.
                if let (Tok::Sym("-"), Some((Tok::Int(i), _, _)), Some((Tok::Sym(")"), _, _))) = (
                    self.peek(),
                    self.toks.get(self.pos + 1),
                    self.toks.get(self.pos + 2),
                ) {
                    let i = *i;
                    self.pos += 3;
                    return Ok(Self::mk(EKind::Lit(Lit::Int(-i)), start, self.last_end()));
                }
                let e = self.expr()?;
                self.expect(")")?;
                return Ok(e);
            }
            Tok::Sym("[") => {
                self.bump();
                EKind::List(self.args("]")?)
            }
            _ => return self.fail("an expression"),
        };
        Ok(Self::mk(kind, start, self.last_end()))
    }
}

// ---------------------------------------------------------------------------------
// Names and types.

#[derive(Debug, Clone, Copy)]
enum Binding {
    Var(VarId),
    Func(FuncId),
    Class(ClassId),
}

struct Builder {
    p: Program,
    globals: FxHashMap<String, Binding>,
    /// Per function: its own names (parameters, locals, nested functions).
    scopes: FxHashMap<FuncId, FxHashMap<String, Binding>>,
    /// The name the text gives the cell class (`Ref`), once seen in a type.
    cell_class: Option<String>,
}

fn span(start: usize, end: usize) -> Span {
    Span::new(start, end)
}

fn constant(l: &Lit, at: usize) -> Result<Const> {
    Ok(match l {
        Lit::None => Const::None,
        Lit::Bool(b) => Const::Bool(*b),
        Lit::Int(i) => Const::Int(
            i32::try_from(*i).map_err(|_| (at, format!("integer {i} does not fit 32 bits")))?,
        ),
        Lit::Str(s) => Const::Str(s.clone()),
    })
}

impl Builder {
    fn build(file: &FileAst) -> Result<Program> {
        let mut b = Builder {
            p: Program::default(),
            globals: FxHashMap::default(),
            scopes: FxHashMap::default(),
            cell_class: None,
        };
        // Classes, then every signature, then bodies: any body may name anything.
        let mut class_ids = Vec::new();
        for c in &file.classes {
            let id = b.p.classes.alloc(Class {
                name: c.name.clone(),
                parent: None,
                attrs: Vec::new(),
                methods: Vec::new(),
                span: span(c.start, c.end),
                layout: ClassLayout::default(),
            });
            if b.globals
                .insert(c.name.clone(), Binding::Class(id))
                .is_some()
            {
                return Err((c.start, format!("`{}` is defined twice", c.name)));
            }
            class_ids.push(id);
        }
        for (c, &id) in file.classes.iter().zip(&class_ids) {
            if c.parent != "object" {
                match b.globals.get(&c.parent) {
                    Some(Binding::Class(k)) if k.index() < id.index() => {
                        b.p.classes[id].parent = Some(*k)
                    }
                    _ => {
                        return Err((
                            c.start,
                            format!(
                                "the superclass `{}` is not a class defined before",
                                c.parent
                            ),
                        ))
                    }
                }
            }
            for a in &c.attrs {
                let ty = b.ty(&a.ty, a.start)?;
                let init = constant(&a.init, a.start)?;
                b.p.classes[id].attrs.push(crate::Attr {
                    name: a.name.clone(),
                    ty,
                    init,
                });
            }
        }
        for d in &file.globals {
            let ty = b.ty(&d.ty, d.start)?;
            let v = b.p.new_var(&d.name, ty, None, span(d.start, d.end));
            let init = constant(&d.init, d.start)?;
            b.p.globals.push(VarDef { var: v, init });
            if b.globals.insert(d.name.clone(), Binding::Var(v)).is_some() {
                return Err((d.start, format!("`{}` is defined twice", d.name)));
            }
        }
        let mut bodies: Vec<(FuncId, &FuncAst)> = Vec::new();
        for (c, &id) in file.classes.iter().zip(&class_ids) {
            for m in &c.methods {
                let f = b.declare(m, None, Some(id), &mut bodies)?;
                b.p.classes[id].methods.push(f);
            }
        }
        for f in &file.functions {
            let id = b.declare(f, None, None, &mut bodies)?;
            b.p.functions.push(id);
            if b.globals
                .insert(f.name.clone(), Binding::Func(id))
                .is_some()
            {
                return Err((f.start, format!("`{}` is defined twice", f.name)));
            }
        }
        b.p.compute_layouts();
        for (id, f) in bodies {
            let body = b.stmts(&f.body, Some(id))?;
            b.p.funcs[id].body = body;
        }
        let main = b.stmts(&file.main, None)?;
        b.p.main = main;
        Ok(b.p)
    }

    fn ty(&mut self, t: &TyAst, at: usize) -> Result<Type> {
        Ok(match t {
            TyAst::None => Type::None,
            TyAst::Empty => Type::Empty,
            TyAst::List(e) => Type::List(Box::new(self.ty(e, at)?)),
            TyAst::Cell(name, e) => {
                match &self.cell_class {
                    Some(n) if n != name => {
                        return Err((at, format!("cells are `{n}[...]`, not `{name}[...]`")))
                    }
                    _ => self.cell_class = Some(name.clone()),
                }
                Type::Ref(Box::new(self.ty(e, at)?))
            }
            TyAst::Named(n) => match n.as_str() {
                "int" => Type::Int,
                "bool" => Type::Bool,
                "str" => Type::Str,
                "object" => Type::Object,
                _ => match self.globals.get(n) {
                    Some(Binding::Class(c)) => Type::Class(*c),
                    _ => return Err((at, format!("no class named `{n}`"))),
                },
            },
        })
    }

    /// Creates function `f` (and its nested functions) with its parameters and
    /// locals; its body is lowered later.
    fn declare<'a>(
        &mut self,
        f: &'a FuncAst,
        parent: Option<FuncId>,
        method_of: Option<ClassId>,
        bodies: &mut Vec<(FuncId, &'a FuncAst)>,
    ) -> Result<FuncId> {
        let ret = match &f.ret {
            Some(t) => self.ty(t, f.start)?,
            None => Type::None,
        };
        let id = self.p.funcs.alloc(Function {
            name: f.name.clone(),
            method_of,
            params: Vec::new(),
            ret,
            locals: Vec::new(),
            nested: Vec::new(),
            parent,
            body: Vec::new(),
            span: span(f.start, f.end),
        });
        let mut names: FxHashMap<String, Binding> = FxHashMap::default();
        let add = |names: &mut FxHashMap<String, Binding>, n: &str, b: Binding, at: usize| {
            if names.insert(n.to_string(), b).is_some() {
                Err((at, format!("`{n}` is defined twice in `{}`", f.name)))
            } else {
                Ok(())
            }
        };
        for (n, t, s, e) in &f.params {
            let ty = self.ty(t, *s)?;
            let v = self.p.new_var(n, ty, Some(id), span(*s, *e));
            self.p.funcs[id].params.push(v);
            add(&mut names, n, Binding::Var(v), *s)?;
        }
        for d in &f.locals {
            let ty = self.ty(&d.ty, d.start)?;
            let v = self.p.new_var(&d.name, ty, Some(id), span(d.start, d.end));
            let init = constant(&d.init, d.start)?;
            self.p.funcs[id].locals.push(VarDef { var: v, init });
            add(&mut names, &d.name, Binding::Var(v), d.start)?;
        }
        bodies.push((id, f));
        for g in &f.nested {
            let gid = self.declare(g, Some(id), None, bodies)?;
            self.p.funcs[id].nested.push(gid);
            add(&mut names, &g.name, Binding::Func(gid), g.start)?;
        }
        self.scopes.insert(id, names);
        Ok(id)
    }

    /// What `name` means in function `f` (`None`: the top level): its own names, then
    /// those of the enclosing functions, then the globals (a method's enclosing scope
    /// is the global one: class bodies are not scopes).
    fn lookup(&self, name: &str, f: Option<FuncId>) -> Option<Binding> {
        let mut cur = f;
        while let Some(g) = cur {
            if let Some(b) = self.scopes.get(&g).and_then(|s| s.get(name)) {
                return Some(*b);
            }
            cur = self.p.funcs[g].parent;
        }
        self.globals.get(name).copied()
    }

    fn stmts(&mut self, stmts: &[StmtAst], f: Option<FuncId>) -> Result<Vec<Stmt>> {
        stmts.iter().map(|s| self.stmt(s, f)).collect()
    }

    fn stmt(&mut self, s: &StmtAst, f: Option<FuncId>) -> Result<Stmt> {
        Ok(match s {
            StmtAst::Expr(e) => Stmt::Expr(self.expr(e, f, None)?),
            StmtAst::Assign(targets, value) => {
                let places: Vec<Place> = targets
                    .iter()
                    .map(|t| self.place(t, f))
                    .collect::<Result<_>>()?;
                // `Ref()` takes the type of the place it is stored into.
                let want = match places.as_slice() {
                    [p] => Some(self.place_type(p)),
                    _ => None,
                };
                let value = self.expr(value, f, want.as_ref())?;
                Stmt::Assign {
                    targets: places,
                    value,
                }
            }
            StmtAst::If(c, a, b) => Stmt::If {
                cond: self.expr(c, f, None)?,
                then_: self.stmts(a, f)?,
                else_: self.stmts(b, f)?,
            },
            StmtAst::While(c, body) => Stmt::While {
                cond: self.expr(c, f, None)?,
                body: self.stmts(body, f)?,
            },
            StmtAst::For(t, iter, body) => Stmt::For {
                target: self.place(t, f)?,
                iter: self.expr(iter, f, None)?,
                body: self.stmts(body, f)?,
            },
            StmtAst::Return(v, start, end) => Stmt::Return {
                value: match v {
                    Some(v) => {
                        let ret = f.map(|f| self.p.funcs[f].ret.clone());
                        Some(self.expr(v, f, ret.as_ref())?)
                    }
                    None => None,
                },
                span: span(*start, *end),
            },
        })
    }

    fn place_type(&self, p: &Place) -> Type {
        match p {
            Place::Var(v) => self.p.vars[*v].ty.clone(),
            Place::RefValue(c) => c.ty.ref_content().cloned().unwrap_or(Type::Object),
            Place::Attr(_, a) => self.p.attr_def(*a).ty.clone(),
            Place::Index(l, _) => l.ty.elem().cloned().unwrap_or(Type::Object),
        }
    }

    fn place(&mut self, t: &E, f: Option<FuncId>) -> Result<Place> {
        match &t.kind {
            EKind::Name(n) => match self.lookup(n, f) {
                Some(Binding::Var(v)) => Ok(Place::Var(v)),
                _ => Err((t.start, format!("`{n}` is not a variable"))),
            },
            EKind::Member(obj, name) => {
                let obj = self.expr(obj, f, None)?;
                match self.member(&obj, name, t.start)? {
                    Member::Cell => Ok(Place::RefValue(Box::new(obj))),
                    Member::Attr(a, _) => Ok(Place::Attr(Box::new(obj), a)),
                }
            }
            EKind::Index(l, i) => {
                let l = self.expr(l, f, None)?;
                let i = self.expr(i, f, None)?;
                Ok(Place::Index(Box::new(l), Box::new(i)))
            }
            _ => Err((t.start, "not something that can be assigned".into())),
        }
    }

    fn member(&self, obj: &Expr, name: &str, at: usize) -> Result<Member> {
        match &obj.ty {
            Type::Ref(_) if name == "value" => Ok(Member::Cell),
            Type::Class(c) => match self.p.attr_id(*c, name) {
                Some(a) => Ok(Member::Attr(a, self.p.attr_def(a).ty.clone())),
                None => Err((
                    at,
                    format!(
                        "class `{}` has no attribute `{name}`",
                        self.p.classes[*c].name
                    ),
                )),
            },
            other => Err((
                at,
                format!(
                    "a value of type {} has no attribute `{name}`",
                    self.p.show(other)
                ),
            )),
        }
    }

    fn expr(&mut self, e: &E, f: Option<FuncId>, want: Option<&Type>) -> Result<Expr> {
        let sp = span(e.start, e.end);
        let p = &self.p;
        let (kind, ty) = match &e.kind {
            EKind::Lit(l) => {
                let c = constant(l, e.start)?;
                let ty = c.ty();
                (ExprKind::Const(c), ty)
            }
            EKind::Name(n) => match self.lookup(n, f) {
                Some(Binding::Var(v)) => (ExprKind::Var(v), p.vars[v].ty.clone()),
                _ => return Err((e.start, format!("`{n}` is not a variable"))),
            },
            EKind::Unary(op, a) => {
                let a = self.expr(a, f, None)?;
                let ty = match op {
                    UnOp::Neg => Type::Int,
                    UnOp::Not => Type::Bool,
                };
                (ExprKind::Unary(*op, Box::new(a)), ty)
            }
            EKind::Binary(op, a, b) => {
                let a = self.expr(a, f, None)?;
                let b = self.expr(b, f, None)?;
                let ty = match op {
                    BinOp::Add => match (&a.ty, &b.ty) {
                        (Type::Str, _) => Type::Str,
                        (Type::List(x), Type::List(y)) => Type::List(Box::new(self.p.join(x, y))),
                        (Type::List(x), _) | (_, Type::List(x)) => Type::List(x.clone()),
                        _ => Type::Int,
                    },
                    BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => Type::Int,
                    _ => Type::Bool,
                };
                (ExprKind::Binary(*op, Box::new(a), Box::new(b)), ty)
            }
            EKind::If(c, a, b) => {
                let c = self.expr(c, f, None)?;
                let a = self.expr(a, f, want)?;
                let b = self.expr(b, f, want)?;
                let ty = self.p.join(&a.ty, &b.ty);
                (ExprKind::IfExpr(Box::new(c), Box::new(a), Box::new(b)), ty)
            }
            EKind::List(items) => {
                let elem_want = want.and_then(Type::elem);
                let items: Vec<Expr> = items
                    .iter()
                    .map(|x| self.expr(x, f, elem_want))
                    .collect::<Result<_>>()?;
                let ty = match items
                    .iter()
                    .map(|x| x.ty.clone())
                    .reduce(|a, b| self.p.join(&a, &b))
                {
                    None => Type::Empty,
                    Some(t) => Type::List(Box::new(t)),
                };
                (ExprKind::List(items), ty)
            }
            EKind::Index(l, i) => {
                let l = self.expr(l, f, None)?;
                let i = self.expr(i, f, None)?;
                let ty = match &l.ty {
                    Type::Str => Type::Str,
                    Type::List(t) => (**t).clone(),
                    other => {
                        return Err((
                            e.start,
                            format!("a value of type {} cannot be indexed", self.p.show(other)),
                        ))
                    }
                };
                (ExprKind::Index(Box::new(l), Box::new(i)), ty)
            }
            EKind::Member(obj, name) => {
                let obj = self.expr(obj, f, None)?;
                match self.member(&obj, name, e.start)? {
                    Member::Cell => {
                        let ty = obj.ty.ref_content().cloned().unwrap_or(Type::Object);
                        (ExprKind::RefGet(Box::new(obj)), ty)
                    }
                    Member::Attr(a, ty) => (ExprKind::Attr(Box::new(obj), a), ty),
                }
            }
            EKind::Call(callee, args) => return self.call(callee, args, f, want, sp),
        };
        Ok(Expr::new(kind, ty, sp))
    }

    fn call(
        &mut self,
        callee: &E,
        args: &[E],
        f: Option<FuncId>,
        want: Option<&Type>,
        sp: Span,
    ) -> Result<Expr> {
        let at = callee.start;
        let args_of = |b: &mut Builder, params: &[Type]| -> Result<Vec<Expr>> {
            args.iter()
                .enumerate()
                .map(|(i, a)| b.expr(a, f, params.get(i)))
                .collect()
        };
        match &callee.kind {
            EKind::Member(obj, name) => {
                let obj = self.expr(obj, f, None)?;
                let (slot, params, ret) = match &obj.ty {
                    Type::Class(c) => {
                        let Some(slot) = self.p.classes[*c].layout.method_slot(name) else {
                            return Err((
                                at,
                                format!(
                                    "class `{}` has no method `{name}`",
                                    self.p.classes[*c].name
                                ),
                            ));
                        };
                        match self.p.vtable(*c)[slot.0 as usize].func {
                            Some(m) => {
                                let func = &self.p.funcs[m];
                                let params: Vec<Type> = func.params[1..]
                                    .iter()
                                    .map(|&v| self.p.vars[v].ty.clone())
                                    .collect();
                                (slot, params, func.ret.clone())
                            }
                            None => (slot, Vec::new(), Type::None),
                        }
                    }
                    _ if name == "__init__" => (MethodSlot::INIT, Vec::new(), Type::None),
                    other => {
                        return Err((
                            at,
                            format!(
                                "a value of type {} has no method `{name}`",
                                self.p.show(other)
                            ),
                        ))
                    }
                };
                let args = args_of(self, &params)?;
                Ok(Expr::new(
                    ExprKind::MethodCall(Box::new(obj), slot, args),
                    ret,
                    sp,
                ))
            }
            EKind::Name(n) => {
                let builtin = match n.as_str() {
                    "print" => Some((Builtin::Print, Type::None)),
                    "len" => Some((Builtin::Len, Type::Int)),
                    "input" => Some((Builtin::Input, Type::Str)),
                    _ => None,
                };
                if let Some((b, ret)) = builtin {
                    if self.lookup(n, f).is_none() {
                        let args = args_of(self, &[])?;
                        return Ok(Expr::new(ExprKind::Builtin(b, args), ret, sp));
                    }
                }
                if n == "object" && args.is_empty() {
                    return Ok(Expr::new(ExprKind::New(None), Type::Object, sp));
                }
                match self.lookup(n, f) {
                    Some(Binding::Func(g)) => {
                        let func = &self.p.funcs[g];
                        let params: Vec<Type> = func
                            .params
                            .iter()
                            .map(|&v| self.p.vars[v].ty.clone())
                            .collect();
                        let ret = func.ret.clone();
                        let args = args_of(self, &params)?;
                        Ok(Expr::new(ExprKind::Call(g, args), ret, sp))
                    }
                    Some(Binding::Class(c)) if args.is_empty() => {
                        Ok(Expr::new(ExprKind::New(Some(c)), Type::Class(c), sp))
                    }
                    None if self.cell_class.as_deref() == Some(n.as_str()) && args.is_empty() => {
                        match want {
                            Some(t @ Type::Ref(_)) => {
                                Ok(Expr::new(ExprKind::RefNew, t.clone(), sp))
                            }
                            _ => Err((at, format!("`{n}()` must be stored in a `{n}[...]`"))),
                        }
                    }
                    _ => Err((at, format!("`{n}` cannot be called so"))),
                }
            }
            _ => Err((
                at,
                "only functions, methods and classes can be called".into(),
            )),
        }
    }
}

enum Member {
    Cell,
    Attr(crate::AttrId, Type),
}
