//! The generator's program representation and its printer.
//!
//! A generated program is kept as this small AST, not as text, so that the reducer
//! can delete and simplify its parts and print the result again. Every expression
//! carries its [`GTy`]: its static ChocoPy type (manual 5.2) plus the facts the
//! generator guarantees about its value (not `None`, not empty, what an `object`
//! holds), which is what keeps generated programs free of unintended runtime errors.
//!
//! Some statements are *structural*: the bounded `while` loop (its counter is
//! initialised, tested and incremented by the printer), the depth guard of a recursive
//! function, and the prologue assignments that give non-`None` variables and
//! attributes their values. The reducer can simplify their expressions but never
//! delete them, so a reduced program still terminates and still never reads `None`
//! where the generator promised a value.
//!
//! The printer writes ChocoPy source ([`print_program`]); with [`Mode::Checked`] it
//! wraps every integer operation in `_ci(...)` and every concatenation in `_cl(...)`,
//! functions the CPython worker defines (`support/worker.py`) to reject programs that
//! leave 32-bit integers or grow too large, and starts with
//! `from __future__ import annotations` (CPython must not evaluate annotations naming
//! classes defined later). The checked text is only run by CPython.

use std::fmt::Write;

/// A static ChocoPy type (manual 5.1). `NoneT` and `Empty` are the types of `None`
/// and `[]`; they are never declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `int`
    Int,
    /// `bool`
    Bool,
    /// `str`
    Str,
    /// `object`
    Object,
    /// A user class, by name.
    Class(String),
    /// `[T]`
    List(Box<Ty>),
    /// `<None>`
    NoneT,
    /// `<Empty>`
    Empty,
}

impl Ty {
    /// Whether `None` is assignable to a variable of this type (manual 5.2).
    pub fn admits_none(&self) -> bool {
        !matches!(self, Ty::Int | Ty::Bool | Ty::Str)
    }

    /// The annotation text (`int`, `[A]`, `"A"` is not needed: ChocoPy class
    /// names are plain identifiers in annotations).
    pub fn annotation(&self) -> String {
        match self {
            Ty::Int => "int".into(),
            Ty::Bool => "bool".into(),
            Ty::Str => "str".into(),
            Ty::Object => "object".into(),
            Ty::Class(c) => c.clone(),
            Ty::List(t) => format!("[{}]", t.annotation()),
            Ty::NoneT => "<None>".into(),
            Ty::Empty => "<Empty>".into(),
        }
    }
}

/// What an `object`-typed value may hold at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Content {
    /// Only `int`, `bool` or `str` values: may be printed, never compared with `is`
    /// (CPython caches small ints and interns strings; ChocoPy boxes them afresh).
    Prim,
    /// Only objects, lists or `None`: may be compared with `is`, never printed.
    Ref,
    /// Anything: only passed around.
    Any,
}

/// A static type with the facts the generator guarantees about the values of an
/// expression, or requires of the values stored into a variable, attribute,
/// parameter, result or list element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GTy {
    /// The static type.
    pub ty: Ty,
    /// Whether the value may be `None` (class, list and `object` types only).
    pub nullable: bool,
    /// Whether a `str` or list may be empty.
    pub maybe_empty: bool,
    /// For `object`: what it may hold.
    pub content: Content,
}

impl GTy {
    /// A value of type `ty` that is never `None` and may be empty.
    pub fn plain(ty: Ty) -> GTy {
        let content = match ty {
            Ty::Int | Ty::Bool | Ty::Str => Content::Prim,
            _ => Content::Ref,
        };
        let nullable = matches!(ty, Ty::NoneT);
        let maybe_empty = matches!(ty, Ty::Str | Ty::List(_) | Ty::Empty);
        GTy {
            ty,
            nullable,
            maybe_empty,
            content,
        }
    }

    /// `int`
    pub fn int() -> GTy {
        GTy::plain(Ty::Int)
    }

    /// `bool`
    pub fn bool() -> GTy {
        GTy::plain(Ty::Bool)
    }

    /// `str`, possibly empty.
    pub fn str() -> GTy {
        GTy::plain(Ty::Str)
    }

    /// `object` holding values of `content`.
    pub fn object(content: Content) -> GTy {
        GTy {
            ty: Ty::Object,
            nullable: content != Content::Prim,
            maybe_empty: true,
            content,
        }
    }

    /// The same type, never empty.
    pub fn nonempty(mut self) -> GTy {
        self.maybe_empty = false;
        self
    }

    /// The same type, possibly `None` (when the type admits it).
    pub fn or_none(mut self) -> GTy {
        self.nullable = self.ty.admits_none();
        self
    }

    /// The type of the elements of a list of `elem` in generated programs: every
    /// list of a type has elements with the same facts (ChocoPy lists are invariant):
    /// objects and lists are never `None`, lists never empty, `object`s primitive.
    pub fn element(elem: &Ty) -> GTy {
        match elem {
            Ty::Str => GTy::str(),
            Ty::Object => GTy::object(Content::Prim),
            Ty::List(_) => GTy::plain(elem.clone()).nonempty(),
            other => GTy::plain(other.clone()),
        }
    }

    /// Whether the value may be `None`.
    pub fn may_be_none(&self) -> bool {
        match self.ty {
            Ty::NoneT => true,
            Ty::Object => self.content != Content::Prim,
            _ => self.nullable,
        }
    }
}

/// A literal, as in variable and attribute definitions (manual 4, `literal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lit {
    /// An integer literal (0 to 2^31 - 1).
    Int(i32),
    /// `True` / `False`.
    Bool(bool),
    /// A string literal's value: printable ASCII (escapes are printed for `"`,
    /// newline and tab).
    Str(String),
    /// `None`.
    None,
}

/// `name: type = literal`, a global, local or attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarDef {
    /// The name.
    pub name: String,
    /// The declared type and the facts its values keep.
    pub ty: GTy,
    /// The initial value.
    pub init: Lit,
}

/// An assignment that must run before the statements: gives a variable or an
/// attribute that is never `None` its first value. Never deleted by the reducer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Init {
    /// What is assigned.
    pub target: Target,
    /// The value.
    pub value: Expr,
}

/// A class definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDef {
    /// The name.
    pub name: String,
    /// The superclass (`object` when `None`).
    pub parent: Option<String>,
    /// Attributes defined here.
    pub attrs: Vec<VarDef>,
    /// Methods defined here, `__init__` included.
    pub methods: Vec<FuncDef>,
}

/// `global x` or `nonlocal x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decl {
    /// `global x`
    Global(String),
    /// `nonlocal x`
    Nonlocal(String),
}

/// A function or method definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncDef {
    /// The name.
    pub name: String,
    /// Parameters (`self` first for methods).
    pub params: Vec<(String, GTy)>,
    /// The return type; `None`: no `->`, the function returns `None`.
    pub ret: Option<GTy>,
    /// `global` and `nonlocal` declarations.
    pub decls: Vec<Decl>,
    /// Local variables.
    pub locals: Vec<VarDef>,
    /// Nested functions.
    pub nested: Vec<FuncDef>,
    /// For a recursive function: its depth parameter and the value it returns when
    /// the depth is used up (`if d <= 0: return v`, the first statement).
    pub guard: Option<(String, Option<Expr>)>,
    /// Assignments run first (after the guard).
    pub prologue: Vec<Init>,
    /// The statements.
    pub body: Vec<Stmt>,
}

/// A whole generated program: definitions, then the top-level statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Global variables.
    pub globals: Vec<VarDef>,
    /// Classes, superclasses first.
    pub classes: Vec<ClassDef>,
    /// Top-level functions.
    pub funcs: Vec<FuncDef>,
    /// Assignments run before the top-level statements.
    pub prologue: Vec<Init>,
    /// The top-level statements.
    pub main: Vec<Stmt>,
}

/// A statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// `pass`
    Pass,
    /// An expression evaluated for its effect.
    Expr(Expr),
    /// `t1 = t2 = ... = value`
    Assign(Vec<Target>, Expr),
    /// `if c: ... else: ...` (an `else` holding a single `if` prints as `elif`).
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// A bounded loop, printed as `counter = 0` then
    /// `while counter < bound [and cond]:` with `counter = counter + 1` first in the
    /// body. Nothing else assigns the counter.
    While {
        /// The counter variable (`int`).
        counter: String,
        /// The number of iterations at most.
        bound: i32,
        /// An extra condition, tested after the bound.
        cond: Option<Expr>,
        /// The body.
        body: Vec<Stmt>,
    },
    /// `for x in iterable: ...`
    For(String, Expr, Vec<Stmt>),
    /// `return` / `return e`
    Return(Option<Expr>),
}

/// An assignment target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A variable.
    Var(String),
    /// `object.attribute`
    Attr(Expr, String),
    /// `list[index]`
    Index(Expr, Expr),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+` (int, str or list)
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `is`
    Is,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    /// The source text.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Is => "is",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    /// Precedence level (higher binds tighter), as in Python and ChocoPy:
    /// `or` 1, `and` 2, comparisons 4, `+ -` 5, `* // %` 6.
    fn level(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne | BinOp::Is => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => 6,
        }
    }
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its static type and the facts about its value.
    pub ty: GTy,
}

/// The forms of expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// A literal.
    Lit(Lit),
    /// A variable read.
    Var(String),
    /// `-e`
    Neg(Box<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `a op b`
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `a if cond else b`, as (cond, a, b).
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`, also `print`, `len` and class construction `C()`.
    Call(String, Vec<Expr>),
    /// `e.m(args)`
    Method(Box<Expr>, String, Vec<Expr>),
    /// `e.a`
    Attr(Box<Expr>, String),
    /// `e[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `[e1, e2, ...]`
    List(Vec<Expr>),
    /// `(e)`: redundant parentheses, for the parser's sake.
    Paren(Box<Expr>),
}

impl Expr {
    /// An expression of `kind` and type `ty`.
    pub fn new(kind: ExprKind, ty: GTy) -> Expr {
        Expr { kind, ty }
    }

    /// A literal with its type.
    pub fn lit(l: Lit) -> Expr {
        let ty = match &l {
            Lit::Int(_) => GTy::int(),
            Lit::Bool(_) => GTy::bool(),
            Lit::Str(s) => {
                let t = GTy::str();
                if s.is_empty() {
                    t
                } else {
                    t.nonempty()
                }
            }
            Lit::None => GTy::plain(Ty::NoneT),
        };
        Expr::new(ExprKind::Lit(l), ty)
    }

    /// The direct subexpressions, in evaluation order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Lit(_) | ExprKind::Var(_) => vec![],
            ExprKind::Neg(a) | ExprKind::Not(a) | ExprKind::Attr(a, _) | ExprKind::Paren(a) => {
                vec![a]
            }
            ExprKind::Bin(_, a, b) | ExprKind::Index(a, b) => vec![a, b],
            ExprKind::If(c, a, b) => vec![c, a, b],
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().collect(),
            ExprKind::Method(o, _, args) => std::iter::once(&**o).chain(args.iter()).collect(),
        }
    }

    /// The direct subexpressions, mutable.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Lit(_) | ExprKind::Var(_) => vec![],
            ExprKind::Neg(a) | ExprKind::Not(a) | ExprKind::Attr(a, _) | ExprKind::Paren(a) => {
                vec![&mut **a]
            }
            ExprKind::Bin(_, a, b) | ExprKind::Index(a, b) => vec![&mut **a, &mut **b],
            ExprKind::If(c, a, b) => vec![&mut **c, &mut **a, &mut **b],
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter_mut().collect(),
            ExprKind::Method(o, _, args) => {
                std::iter::once(&mut **o).chain(args.iter_mut()).collect()
            }
        }
    }
}

/// How the printer writes integer operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain ChocoPy.
    Plain,
    /// For CPython only: integer operations wrapped in `_ci(...)` (rejects results
    /// outside 32 bits), concatenations in `_cl(...)` (rejects huge lengths).
    Checked,
}

/// How the program is laid out: indentation width and whether blank lines and
/// comments separate definitions. Chosen by the generator, kept by the reducer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Spaces per indentation level (2 to 8).
    pub indent: usize,
    /// Blank lines and comments between definitions.
    pub decorate: bool,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            indent: 4,
            decorate: false,
        }
    }
}

/// Prints `p` as ChocoPy source (or, with [`Mode::Checked`], as its checked CPython
/// variant).
pub fn print_program(p: &Program, mode: Mode, layout: Layout) -> String {
    let mut pr = Printer {
        out: String::new(),
        mode,
        layout,
    };
    if mode == Mode::Checked {
        // Annotations name classes before (or while) they are defined: CPython must
        // not evaluate them.
        pr.out.push_str("from __future__ import annotations\n");
    }
    pr.program(p);
    pr.out
}

struct Printer {
    out: String,
    mode: Mode,
    layout: Layout,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn lit_text(l: &Lit) -> String {
    match l {
        Lit::Int(n) => n.to_string(),
        Lit::Bool(true) => "True".into(),
        Lit::Bool(false) => "False".into(),
        Lit::Str(s) => escape(s),
        Lit::None => "None".into(),
    }
}

impl Printer {
    fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level * self.layout.indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn program(&mut self, p: &Program) {
        for g in &p.globals {
            self.var_def(0, g);
        }
        for c in &p.classes {
            if self.layout.decorate {
                self.out.push_str("\n# class\n");
            }
            self.class(c);
        }
        for f in &p.funcs {
            if self.layout.decorate {
                self.out.push('\n');
            }
            self.func(0, f);
        }
        if self.layout.decorate {
            self.out.push('\n');
        }
        for i in &p.prologue {
            self.init(0, i);
        }
        self.block(0, &p.main);
    }

    fn var_def(&mut self, level: usize, d: &VarDef) {
        let text = format!(
            "{}: {} = {}",
            d.name,
            d.ty.ty.annotation(),
            lit_text(&d.init)
        );
        self.line(level, &text);
    }

    fn class(&mut self, c: &ClassDef) {
        let parent = c.parent.as_deref().unwrap_or("object");
        self.line(0, &format!("class {}({}):", c.name, parent));
        if c.attrs.is_empty() && c.methods.is_empty() {
            self.line(1, "pass");
        }
        for a in &c.attrs {
            self.var_def(1, a);
        }
        for m in &c.methods {
            self.func(1, m);
        }
    }

    fn func(&mut self, level: usize, f: &FuncDef) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", t.ty.annotation()))
            .collect();
        let ret = match &f.ret {
            Some(t) => format!(" -> {}", t.ty.annotation()),
            None => String::new(),
        };
        self.line(
            level,
            &format!("def {}({}){ret}:", f.name, params.join(", ")),
        );
        let inner = level + 1;
        for d in &f.decls {
            let text = match d {
                Decl::Global(n) => format!("global {n}"),
                Decl::Nonlocal(n) => format!("nonlocal {n}"),
            };
            self.line(inner, &text);
        }
        for l in &f.locals {
            self.var_def(inner, l);
        }
        for n in &f.nested {
            self.func(inner, n);
        }
        let mut any = false;
        if let Some((d, v)) = &f.guard {
            self.line(inner, &format!("if {d} <= 0:"));
            let text = match v {
                Some(e) => format!("return {}", self.expr(e, 0)),
                None => "return".into(),
            };
            self.line(inner + 1, &text);
            any = true;
        }
        for i in &f.prologue {
            self.init(inner, i);
            any = true;
        }
        if f.body.is_empty() && !any {
            self.line(inner, "pass");
        }
        self.block(inner, &f.body);
    }

    fn init(&mut self, level: usize, i: &Init) {
        let text = format!("{} = {}", self.target(&i.target), self.expr(&i.value, 0));
        self.line(level, &text);
    }

    fn block(&mut self, level: usize, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(level, s);
        }
    }

    fn body(&mut self, level: usize, stmts: &[Stmt]) {
        if stmts.is_empty() {
            self.line(level, "pass");
        } else {
            self.block(level, stmts);
        }
    }

    fn stmt(&mut self, level: usize, s: &Stmt) {
        match s {
            Stmt::Pass => self.line(level, "pass"),
            Stmt::Expr(e) => {
                let t = self.expr(e, 0);
                self.line(level, &t);
            }
            Stmt::Assign(targets, value) => {
                let mut text = String::new();
                for t in targets {
                    let _ = write!(text, "{} = ", self.target(t));
                }
                text.push_str(&self.expr(value, 0));
                self.line(level, &text);
            }
            Stmt::If(c, then_, else_) => {
                let t = format!("if {}:", self.expr(c, 0));
                self.line(level, &t);
                self.body(level + 1, then_);
                self.else_chain(level, else_);
            }
            Stmt::While {
                counter,
                bound,
                cond,
                body,
            } => {
                self.line(level, &format!("{counter} = 0"));
                let extra = match cond {
                    Some(c) => format!(" and {}", self.expr(c, 3)),
                    None => String::new(),
                };
                self.line(level, &format!("while {counter} < {bound}{extra}:"));
                let inc = self.int_op(format!("{counter} + 1"));
                self.line(level + 1, &format!("{counter} = {inc}"));
                self.block(level + 1, body);
            }
            Stmt::For(x, iter, body) => {
                let t = format!("for {x} in {}:", self.expr(iter, 0));
                self.line(level, &t);
                self.body(level + 1, body);
            }
            Stmt::Return(None) => self.line(level, "return"),
            Stmt::Return(Some(e)) => {
                let t = format!("return {}", self.expr(e, 0));
                self.line(level, &t);
            }
        }
    }

    fn else_chain(&mut self, level: usize, else_: &[Stmt]) {
        match else_ {
            [] => {}
            [Stmt::If(c, t, e)] => {
                let text = format!("elif {}:", self.expr(c, 0));
                self.line(level, &text);
                self.body(level + 1, t);
                self.else_chain(level, e);
            }
            stmts => {
                self.line(level, "else:");
                self.block(level + 1, stmts);
            }
        }
    }

    fn target(&self, t: &Target) -> String {
        match t {
            Target::Var(n) => n.clone(),
            Target::Attr(o, a) => format!("{}.{a}", self.expr(o, 8)),
            Target::Index(l, i) => format!("{}[{}]", self.expr(l, 8), self.expr(i, 0)),
        }
    }

    fn int_op(&self, text: String) -> String {
        match self.mode {
            Mode::Plain => text,
            Mode::Checked => format!("_ci({text})"),
        }
    }

    /// The text of `e` in a context that needs precedence at least `ctx` (0: any
    /// expression; 8: an atom or postfix expression).
    fn expr(&self, e: &Expr, ctx: u8) -> String {
        let (text, level) = match &e.kind {
            ExprKind::Lit(l) => (lit_text(l), 9),
            ExprKind::Var(n) => (n.clone(), 9),
            ExprKind::Paren(a) => (format!("({})", self.expr(a, 0)), 9),
            ExprKind::Neg(a) => {
                let inner = self.expr(a, 7);
                // `- -x`, never `--x` (not a token in either language, but clearer).
                let sep = if inner.starts_with('-') { " " } else { "" };
                match self.mode {
                    Mode::Plain => (format!("-{sep}{inner}"), 7),
                    Mode::Checked => (format!("_ci(-{sep}{inner})"), 9),
                }
            }
            ExprKind::Not(a) => (format!("not {}", self.expr(a, 3)), 3),
            ExprKind::Bin(op, a, b) => {
                let l = op.level();
                let (lc, rc) = if l == 4 { (5, 5) } else { (l, l + 1) };
                let text = format!("{} {} {}", self.expr(a, lc), op.symbol(), self.expr(b, rc));
                let int_result = e.ty.ty == Ty::Int;
                let concat = *op == BinOp::Add && !int_result;
                match self.mode {
                    Mode::Checked if int_result => (format!("_ci({text})"), 9),
                    Mode::Checked if concat => (format!("_cl({text})"), 9),
                    _ => (text, l),
                }
            }
            ExprKind::If(c, a, b) => (
                format!(
                    "{} if {} else {}",
                    self.expr(a, 1),
                    self.expr(c, 1),
                    self.expr(b, 0)
                ),
                0,
            ),
            ExprKind::Call(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, 0)).collect();
                (format!("{f}({})", args.join(", ")), 8)
            }
            ExprKind::Method(o, m, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, 0)).collect();
                (format!("{}.{m}({})", self.expr(o, 8), args.join(", ")), 8)
            }
            ExprKind::Attr(o, a) => (format!("{}.{a}", self.expr(o, 8)), 8),
            ExprKind::Index(l, i) => (format!("{}[{}]", self.expr(l, 8), self.expr(i, 0)), 8),
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|a| self.expr(a, 0)).collect();
                (format!("[{}]", items.join(", ")), 9)
            }
        };
        if level < ctx {
            format!("({text})")
        } else {
            text
        }
    }
}

/// Number of lines of the printed program (a size measure for reports).
pub fn lines(p: &Program) -> usize {
    print_program(p, Mode::Plain, Layout::default())
        .lines()
        .count()
}
