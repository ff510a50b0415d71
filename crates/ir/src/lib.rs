//! The chocopy-wasm IR: one arena-allocated program shared by every pass.
//!
//! Functions and variables live in [`id_arena`] arenas and are referred to by
//! [`FuncId`] and [`VarId`]; every name is resolved to an id, so passes never look
//! names up, and a variable's printed name is only a hint (the [`print`]er makes
//! names unique). Statements and expressions are owned trees hanging off functions;
//! every expression carries its static type (ChocoPy reference manual v2.2, chapter 5)
//! and the byte span of the source it came from (for runtime error locations).
//!
//! Two shapes of the IR matter to passes:
//! - *nested*: functions may have nested functions (`Function::nested`) that read
//!   and, when a source `nonlocal` allowed it, write variables of enclosing functions.
//!   This is what name resolution produces.
//! - *flat*: no function is nested and every function touches only its own variables
//!   and globals. This is what lambda lifting produces and what codegen needs.
//!
//! [`verify::verify`] checks the invariants of either shape.

pub mod print;
pub mod verify;
pub mod visit;

use id_arena::{Arena, Id};
use std::fmt;

/// A variable: global, parameter or local.
pub type VarId = Id<Var>;
/// A function, top-level or nested.
pub type FuncId = Id<Function>;

/// A byte range `start..end` of the source file an IR node came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// A static type (manual 5.1-5.2), plus `Ref`, the heap cell introduced by boxing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// 32-bit two's complement integer.
    Int,
    /// `True` or `False`.
    Bool,
    /// The type of `None` (written `<None>` in the manual).
    None,
    /// The root of the class hierarchy.
    Object,
    /// A heap cell holding one value of the inner type: `x.value` reads it,
    /// `x.value = e` writes it. Introduced by the boxing pass (assignment conversion).
    Ref(Box<Type>),
}

impl Type {
    /// Whether a value of type `self` may be stored where `target` is expected
    /// (manual 5.2, "assignment compatibility" `T1 <=a T2`).
    pub fn is_assignable_to(&self, target: &Type) -> bool {
        if self == target || *target == Type::Object {
            return true;
        }
        match self {
            Type::None => !matches!(target, Type::Int | Type::Bool),
            _ => false,
        }
    }

    /// Whether values of this type are references (pointers into linear memory, `None`
    /// being 0) rather than unboxed `int`/`bool`.
    pub fn is_reference(&self) -> bool {
        !matches!(self, Type::Int | Type::Bool)
    }

    /// The content type of a `Ref` cell.
    pub fn ref_content(&self) -> Option<&Type> {
        match self {
            Type::Ref(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    /// The manual's spelling: `int`, `bool`, `<None>`, `object`; cells as `Ref[T]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => write!(f, "int"),
            Type::Bool => write!(f, "bool"),
            Type::None => write!(f, "<None>"),
            Type::Object => write!(f, "object"),
            Type::Ref(t) => write!(f, "Ref[{t}]"),
        }
    }
}

/// A constant: the literals of variable initialisers (manual 4, `literal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Const {
    None,
    Bool(bool),
    Int(i32),
}

impl Const {
    /// The static type of the constant.
    pub fn ty(self) -> Type {
        match self {
            Const::None => Type::None,
            Const::Bool(_) => Type::Bool,
            Const::Int(_) => Type::Int,
        }
    }

    /// The default value of a variable of type `ty` (0, False or None).
    pub fn zero(ty: &Type) -> Const {
        match ty {
            Type::Int => Const::Int(0),
            Type::Bool => Const::Bool(false),
            _ => Const::None,
        }
    }
}

/// A variable. Its identity is its [`VarId`]; `name` is a hint for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// Source name or synthesized hint (synthesized hints contain `$`).
    pub name: String,
    /// Declared type.
    pub ty: Type,
    /// The function whose frame holds the variable; `None` for globals.
    pub owner: Option<FuncId>,
    /// Where it was declared.
    pub span: Span,
}

/// A variable definition with its initial value (`x: int = 5`), global or local.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarDef {
    /// The defined variable.
    pub var: VarId,
    /// Its value on entry to the function (or program).
    pub init: Const,
}

/// A function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Source name (`g`), or a lifted name (`f$g`) that no source name can take.
    pub name: String,
    /// Parameters, in order.
    pub params: Vec<VarId>,
    /// Declared return type (`<None>` when no `->` is written).
    pub ret: Type,
    /// Local variable definitions, initialised in order on entry.
    pub locals: Vec<VarDef>,
    /// Functions defined directly inside this one, in source order.
    pub nested: Vec<FuncId>,
    /// The directly enclosing function, `None` for top-level functions.
    pub parent: Option<FuncId>,
    /// The statements.
    pub body: Vec<Stmt>,
    /// The source span of the definition.
    pub span: Span,
}

/// A whole program.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// Every variable ever created (some may be unused after passes).
    pub vars: Arena<Var>,
    /// Every function ever created; only those reachable from `functions` (and their
    /// `nested`) are part of the program.
    pub funcs: Arena<Function>,
    /// Global variable definitions, in order.
    pub globals: Vec<VarDef>,
    /// Top-level functions, in order.
    pub functions: Vec<FuncId>,
    /// The top-level statements.
    pub main: Vec<Stmt>,
}

/// A statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// An expression evaluated for its effects.
    Expr(Expr),
    /// `t1 = t2 = ... = value`: the value is evaluated first, then stored into the
    /// targets from left to right (manual 2.8.3).
    Assign { targets: Vec<Place>, value: Expr },
    /// `if cond: then_ else: else_`
    If {
        cond: Expr,
        then_: Vec<Stmt>,
        else_: Vec<Stmt>,
    },
    /// `while cond: body`
    While { cond: Expr, body: Vec<Stmt> },
    /// `return` / `return value`.
    Return { value: Option<Expr>, span: Span },
}

/// Something that can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A variable.
    Var(VarId),
    /// The content of a `Ref` cell: `cell.value`.
    RefValue(Expr),
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its static type.
    pub ty: Type,
    /// The source it came from.
    pub span: Span,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// Integer negation (wrapping).
    Neg,
    /// Boolean negation.
    Not,
}

/// Binary operators. `And` and `Or` short-circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// Floor division (Python `//`).
    FloorDiv,
    /// Python `%`: the result has the sign of the divisor.
    Mod,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    /// Object identity (`is`), on reference types.
    Is,
    And,
    Or,
}

impl BinOp {
    /// The source operator.
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

    /// Whether the operator compares and yields `bool`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne | BinOp::Is
        )
    }
}

/// Functions of the runtime (manual 2.8.6) that the subset uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `print(x)` for `int` and `bool`.
    Print,
}

impl Builtin {
    /// The source name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Print => "print",
        }
    }
}

/// The forms of expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// A literal.
    Const(Const),
    /// Read a variable.
    Var(VarId),
    /// `-e`, `not e`.
    Unary(UnOp, Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `then if cond else otherwise`, as (cond, then, otherwise).
    IfExpr(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A call of a user function; arguments evaluated left to right.
    Call(FuncId, Vec<Expr>),
    /// A call of a runtime function.
    Builtin(Builtin, Vec<Expr>),
    /// A fresh `Ref` cell (type `Ref[T]`) holding the zero value of `T`.
    RefNew,
    /// `cell.value`: the content of a cell.
    RefGet(Box<Expr>),
}

impl Expr {
    /// An expression of `kind` with type `ty` at `span`.
    pub fn new(kind: ExprKind, ty: Type, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    /// A constant.
    pub fn constant(c: Const, span: Span) -> Expr {
        Expr::new(ExprKind::Const(c), c.ty(), span)
    }

    /// A read of variable `v` of type `ty`.
    pub fn var(v: VarId, ty: Type, span: Span) -> Expr {
        Expr::new(ExprKind::Var(v), ty, span)
    }
}

impl Program {
    /// Creates a variable.
    pub fn new_var(
        &mut self,
        name: impl Into<String>,
        ty: Type,
        owner: Option<FuncId>,
        span: Span,
    ) -> VarId {
        self.vars.alloc(Var {
            name: name.into(),
            ty,
            owner,
            span,
        })
    }

    /// A read of `v` at `span`.
    pub fn read(&self, v: VarId, span: Span) -> Expr {
        Expr::var(v, self.vars[v].ty.clone(), span)
    }

    /// All functions of the program (top-level ones and their nested ones, at any
    /// depth), parents before children, in source order.
    pub fn all_functions(&self) -> Vec<FuncId> {
        let mut out = Vec::new();
        let mut stack: Vec<FuncId> = self.functions.iter().rev().copied().collect();
        while let Some(f) = stack.pop() {
            out.push(f);
            stack.extend(self.funcs[f].nested.iter().rev().copied());
        }
        out
    }

    /// Whether `a` is `b` or encloses `b` (at any depth).
    pub fn encloses(&self, a: FuncId, b: FuncId) -> bool {
        let mut cur = Some(b);
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            cur = self.funcs[c].parent;
        }
        false
    }

    /// The nesting depth of `f`: 0 for top-level functions.
    pub fn depth(&self, f: FuncId) -> usize {
        let mut d = 0;
        let mut cur = self.funcs[f].parent;
        while let Some(c) = cur {
            d += 1;
            cur = self.funcs[c].parent;
        }
        d
    }

    /// Whether no function is nested (the postcondition of lambda lifting).
    pub fn is_flat(&self) -> bool {
        self.functions
            .iter()
            .all(|&f| self.funcs[f].nested.is_empty())
    }
}

/// Whether every path through `stmts` ends in a `return` (manual 2.8.5: functions
/// returning `int`, `bool` or `str` must return on all paths; loops do not count).
pub fn always_returns(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Return { .. } => true,
        Stmt::If { then_, else_, .. } => always_returns(then_) && always_returns(else_),
        _ => false,
    })
}
