//! The chocopy-wasm IR: one arena-allocated program shared by every pass.
//!
//! Functions and variables live in [`id_arena`] arenas with compact ids ([`id`])
//! and are referred to by [`FuncId`] and [`VarId`]; every name is resolved to an id, so passes never look
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
//!
//! Classes live in their own arena ([`ClassId`]); a method is a [`Function`] with
//! `method_of` set, listed in its class's `methods` (not in `Program::functions`).

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod analysis;
pub mod id;
pub mod print;
pub mod read;
pub mod verify;
pub mod visit;

pub use id::{Arena, Id};

/// A variable: global, parameter or local.
pub type VarId = Id<Var>;
/// A function, top-level or nested, or a method.
pub type FuncId = Id<Function>;
/// A user-defined class.
pub type ClassId = Id<Class>;

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
    /// Immutable string of ASCII characters.
    Str,
    /// The type of `None` (written `<None>` in the manual).
    None,
    /// The type of `[]` (written `<Empty>` in the manual).
    Empty,
    /// The root of the class hierarchy.
    Object,
    /// A user-defined class.
    Class(ClassId),
    /// `[T]`
    List(Box<Type>),
    /// A heap cell holding one value of the inner type: `x.value` reads it,
    /// `x.value = e` writes it. Introduced by the boxing pass (assignment conversion).
    Ref(Box<Type>),
}

impl Type {
    /// Whether values of this type are references (pointers into linear memory, `None`
    /// being 0) rather than unboxed `int`/`bool`.
    pub fn is_reference(&self) -> bool {
        !matches!(self, Type::Int | Type::Bool)
    }

    /// Whether `None` may be stored in a variable of this type (every type but the
    /// special classes `int`, `bool` and `str`).
    pub fn admits_none(&self) -> bool {
        !matches!(self, Type::Int | Type::Bool | Type::Str)
    }

    /// The content type of a `Ref` cell.
    pub fn ref_content(&self) -> Option<&Type> {
        match self {
            Type::Ref(t) => Some(t),
            _ => None,
        }
    }

    /// The element type of a list type.
    pub fn elem(&self) -> Option<&Type> {
        match self {
            Type::List(t) => Some(t),
            _ => None,
        }
    }
}

/// A constant: the literals of variable initialisers (manual 4, `literal`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Const {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer literal (0 to 2^31 - 1 in source; any `i32` after folding).
    Int(i32),
    /// A string literal's value (escapes applied).
    Str(String),
}

impl Const {
    /// The static type of the constant.
    pub fn ty(&self) -> Type {
        match self {
            Const::None => Type::None,
            Const::Bool(_) => Type::Bool,
            Const::Int(_) => Type::Int,
            Const::Str(_) => Type::Str,
        }
    }

    /// The default value of a variable of type `ty` (0, False, "" or None).
    pub fn zero(ty: &Type) -> Const {
        match ty {
            Type::Int => Const::Int(0),
            Type::Bool => Const::Bool(false),
            Type::Str => Const::Str(String::new()),
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

/// A function or method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Source name (`g`), or a lifted name (`f$g`) that no source name can take.
    pub name: String,
    /// The class of a method (whose first parameter is `self`); `None` for functions.
    pub method_of: Option<ClassId>,
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

/// An attribute of a class, with its initial value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// The attribute's name.
    pub name: String,
    /// Its declared type.
    pub ty: Type,
    /// Its value in a new object.
    pub init: Const,
}

/// A user-defined class (manual 2.4, 5.2 "class definitions").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// The class name.
    pub name: String,
    /// The superclass; `None` for a direct subclass of `object`.
    pub parent: Option<ClassId>,
    /// Attributes defined in this class (inherited ones are the parent's).
    pub attrs: Vec<Attr>,
    /// Methods defined in this class, in order.
    pub methods: Vec<FuncId>,
    /// The source span of the class name.
    pub span: Span,
    /// Object layout and dispatch table, computed once from the parent's by
    /// [`Program::compute_layout`] when the class's members are known.
    pub layout: ClassLayout,
}

/// An attribute, resolved: the class that defines it and its slot, its position in
/// the layout of that class and of every subclass (inherited attributes come first,
/// so a slot never moves; reference implementation guide, "object layout").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrId {
    /// The class defining the attribute.
    pub class: ClassId,
    /// Position among all attributes of `class` (inherited first), from 0.
    pub slot: u32,
}

/// A method, resolved: its slot in the dispatch table of the receiver's static class
/// and of every subclass. Slot 0 is `__init__` in every class (`object`'s, which does
/// nothing, unless overridden); an override keeps the slot of the method it
/// overrides; new methods are appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodSlot(pub u32);

impl MethodSlot {
    /// `__init__`, slot 0 of every dispatch table (also of `object`, `int`, `bool`,
    /// `str`, whose `__init__` is `object`'s).
    pub const INIT: MethodSlot = MethodSlot(0);
}

/// One entry of a dispatch table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchEntry {
    /// The method name.
    pub name: String,
    /// The implementation; `None` for `object.__init__`, which does nothing.
    pub func: Option<FuncId>,
}

/// The layout of a class: its attributes by slot and its dispatch table, with name
/// indexes, computed once ([`Program::compute_layout`]) so that no pass and no code
/// generator looks a member up by walking the class hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClassLayout {
    /// Every attribute by slot: the defining class and the index in its `attrs`.
    pub attrs: Vec<(ClassId, u32)>,
    /// The dispatch table by slot.
    pub methods: Vec<DispatchEntry>,
    /// Per slot of `methods`: whether some subclass has another implementation there
    /// (a call through the slot must then dispatch dynamically).
    pub overridden: Vec<bool>,
    /// Depth in the hierarchy: 1 for a direct subclass of `object`.
    pub depth: u32,
    attr_index: rustc_hash::FxHashMap<String, u32>,
    method_index: rustc_hash::FxHashMap<String, u32>,
}

impl ClassLayout {
    /// The slot of attribute `name`, if the class has one (the first, if declared
    /// twice in an erroneous program).
    pub fn attr_slot(&self, name: &str) -> Option<u32> {
        self.attr_index.get(name).copied()
    }

    /// The slot of method `name`, if the class has one.
    pub fn method_slot(&self, name: &str) -> Option<MethodSlot> {
        self.method_index.get(name).copied().map(MethodSlot)
    }
}

/// A whole program.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// Every class, in declaration order (a superclass always comes first).
    pub classes: Arena<Class>,

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
    Assign {
        /// Where the value goes, left to right.
        targets: Vec<Place>,
        /// The assigned value.
        value: Expr,
    },
    /// `if cond: then_ else: else_`
    If {
        /// A `bool`.
        cond: Expr,
        /// Run when `cond` holds.
        then_: Vec<Stmt>,
        /// Run otherwise (empty without `else`; `elif` is a nested `If`).
        else_: Vec<Stmt>,
    },
    /// `while cond: body`
    While {
        /// A `bool`, evaluated before each iteration.
        cond: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `for target in iter: body`: `iter` (a list or string) is evaluated once; before
    /// each iteration its length is read again (manual 2.8.2).
    For {
        /// The loop variable (a variable or, after boxing, a `Ref` cell).
        target: Place,
        /// The list or string iterated over.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `return` / `return value`.
    Return {
        /// The returned value; `None` returns None.
        value: Option<Expr>,
        /// The statement's source range.
        span: Span,
    },
}

/// Something that can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A variable.
    Var(VarId),
    /// The content of a `Ref` cell: `cell.value`.
    RefValue(Box<Expr>),
    /// `object.attribute`
    Attr(Box<Expr>, AttrId),
    /// `list[index]`
    Index(Box<Expr>, Box<Expr>),
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
    /// `+` on ints (wrapping), strings (concatenation) or lists (concatenation).
    Add,
    /// `-` (wrapping).
    Sub,
    /// `*` (wrapping).
    Mul,
    /// Floor division (Python `//`).
    FloorDiv,
    /// Python `%`: the result has the sign of the divisor.
    Mod,
    /// `<` on ints.
    Lt,
    /// `<=` on ints.
    Le,
    /// `>` on ints.
    Gt,
    /// `>=` on ints.
    Ge,
    /// `==` on ints, bools or strings.
    Eq,
    /// `!=` on ints, bools or strings.
    Ne,
    /// Object identity (`is`), on reference types.
    Is,
    /// Short-circuit `and`.
    And,
    /// Short-circuit `or`.
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

/// Functions of the runtime (manual 2.8.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `print(x)`: `int`, `bool` and `str` print; anything else is an invalid argument.
    Print,
    /// `len(x)`: the length of a string or list; anything else is an invalid argument.
    Len,
    /// `input()`: the next line of standard input with its newline, `""` at the end.
    Input,
}

impl Builtin {
    /// The source name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Print => "print",
            Builtin::Len => "len",
            Builtin::Input => "input",
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
    /// `[e1, e2, ...]`, of type `[T]` or `<Empty>`.
    List(Vec<Expr>),
    /// `e[i]` on a list or a string.
    Index(Box<Expr>, Box<Expr>),
    /// `e.attribute`: an attribute of an object.
    Attr(Box<Expr>, AttrId),
    /// `e.method(args)`: a method call, dispatched on the object's dynamic class
    /// through the slot of the static class of `e` (`__init__` on any other type).
    MethodCall(Box<Expr>, MethodSlot, Vec<Expr>),
    /// `C()`: a new object of class `C` (`None`: of `object`), its attributes set to
    /// their initial values, then `__init__` called.
    New(Option<ClassId>),
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
        let ty = c.ty();
        Expr::new(ExprKind::Const(c), ty, span)
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

    /// Every function and method that is not nested: top-level functions, then the
    /// methods of each class.
    pub fn roots(&self) -> Vec<FuncId> {
        let mut roots = self.functions.clone();
        for (_, c) in self.classes.iter() {
            roots.extend(c.methods.iter().copied());
        }
        roots
    }

    /// All functions of the program (top-level ones, methods, and their nested ones at
    /// any depth), parents before children, in source order.
    pub fn all_functions(&self) -> Vec<FuncId> {
        let mut out = Vec::new();
        let mut stack: Vec<FuncId> = self.roots().into_iter().rev().collect();
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

    /// Whether no function is nested (the postcondition of lambda lifting).
    pub fn is_flat(&self) -> bool {
        self.roots()
            .iter()
            .all(|&f| self.funcs[f].nested.is_empty())
    }

    /// The manual's spelling of a type: `int`, `<None>`, `[A]`; cells as `Ref[T]`.
    pub fn show(&self, t: &Type) -> String {
        match t {
            Type::Int => "int".into(),
            Type::Bool => "bool".into(),
            Type::Str => "str".into(),
            Type::None => "<None>".into(),
            Type::Empty => "<Empty>".into(),
            Type::Object => "object".into(),
            Type::Class(c) => self.classes[*c].name.clone(),
            Type::List(e) => format!("[{}]", self.show(e)),
            Type::Ref(e) => format!("Ref[{}]", self.show(e)),
        }
    }

    /// The classes from `c` up its superclass chain (`object` not included).
    pub fn ancestry(&self, c: ClassId) -> Vec<ClassId> {
        let mut out = vec![c];
        let mut cur = self.classes[c].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.classes[p].parent;
        }
        out
    }

    /// Whether class `x` is `y` or inherits from it.
    pub fn inherits(&self, x: ClassId, y: ClassId) -> bool {
        let mut cur = Some(x);
        while let Some(k) = cur {
            if k == y {
                return true;
            }
            cur = self.classes[k].parent;
        }
        false
    }

    /// Subtyping `a <= b` (manual 5.2): reflexive, every type below `object`, class
    /// inheritance.
    pub fn is_subtype(&self, a: &Type, b: &Type) -> bool {
        if a == b || *b == Type::Object {
            return true;
        }
        match (a, b) {
            (Type::Class(x), Type::Class(y)) => self.inherits(*x, *y),
            _ => false,
        }
    }

    /// Assignment compatibility `a <=a b` (manual 5.2): subtyping, `<None>` into any
    /// type but `int`/`bool`/`str`, `<Empty>` into any list, `[<None>]` into `[T]` if
    /// `<None> <=a T`.
    pub fn is_assignable(&self, a: &Type, b: &Type) -> bool {
        if self.is_subtype(a, b) {
            return true;
        }
        match (a, b) {
            (Type::None, _) => b.admits_none(),
            (Type::Empty, Type::List(_)) => true,
            (Type::List(x), Type::List(y)) => **x == Type::None && y.admits_none(),
            _ => false,
        }
    }

    /// The least upper bound of two types (manual 5.2, `join`).
    pub fn join(&self, a: &Type, b: &Type) -> Type {
        if self.is_assignable(a, b) {
            return b.clone();
        }
        if self.is_assignable(b, a) {
            return a.clone();
        }
        if let (Type::Class(x), Type::Class(y)) = (a, b) {
            let ys = self.ancestry(*y);
            if let Some(common) = self.ancestry(*x).into_iter().find(|c| ys.contains(c)) {
                return Type::Class(common);
            }
        }
        Type::Object
    }

    /// Computes the layout of class `c` from its own members and its parent's
    /// layout (which must be computed already: superclasses come first), and marks
    /// the parent's slots that `c` overrides. Time linear in the size of the layout.
    pub fn compute_layout(&mut self, c: ClassId) {
        let parent = self.classes[c].parent;
        let mut layout = match parent {
            Some(k) => {
                let pl = &self.classes[k].layout;
                ClassLayout {
                    attrs: pl.attrs.clone(),
                    methods: pl.methods.clone(),
                    overridden: vec![false; pl.methods.len()],
                    depth: pl.depth + 1,
                    attr_index: pl.attr_index.clone(),
                    method_index: pl.method_index.clone(),
                }
            }
            None => {
                let mut l = ClassLayout {
                    depth: 1,
                    ..ClassLayout::default()
                };
                l.methods.push(DispatchEntry {
                    name: "__init__".into(),
                    func: None,
                });
                l.overridden.push(false);
                l.method_index.insert("__init__".into(), 0);
                l
            }
        };
        for (i, a) in self.classes[c].attrs.iter().enumerate() {
            let slot = layout.attrs.len() as u32;
            layout.attrs.push((c, i as u32));
            layout.attr_index.entry(a.name.clone()).or_insert(slot);
        }
        for &m in &self.classes[c].methods {
            let name = &self.funcs[m].name;
            match layout.method_index.get(name) {
                Some(&slot) => layout.methods[slot as usize].func = Some(m),
                None => {
                    let slot = layout.methods.len() as u32;
                    layout.method_index.insert(name.clone(), slot);
                    layout.methods.push(DispatchEntry {
                        name: name.clone(),
                        func: Some(m),
                    });
                    layout.overridden.push(false);
                }
            }
        }
        // Every ancestor whose implementation differs at a slot dispatches there.
        let mut cur = parent;
        while let Some(k) = cur {
            let n = self.classes[k].layout.methods.len();
            for slot in 0..n {
                if self.classes[k].layout.methods[slot].func != layout.methods[slot].func {
                    self.classes[k].layout.overridden[slot] = true;
                }
            }
            cur = self.classes[k].parent;
        }
        self.classes[c].layout = layout;
    }

    /// Computes the layouts of every class, superclasses first ([`Self::compute_layout`]).
    pub fn compute_layouts(&mut self) {
        let ids: Vec<ClassId> = self.classes.iter().map(|(c, _)| c).collect();
        for c in ids {
            self.classes[c].layout = ClassLayout::default();
        }
        for c in self.classes_in_hierarchy_order() {
            self.compute_layout(c);
        }
    }

    /// The classes, every superclass before its subclasses (arena order, in which
    /// lowering creates them, unless a class names a later one as its parent).
    fn classes_in_hierarchy_order(&self) -> Vec<ClassId> {
        let mut done = vec![false; self.classes.len()];
        let mut out = Vec::with_capacity(self.classes.len());
        for (c, _) in self.classes.iter() {
            let mut chain = Vec::new();
            let mut cur = Some(c);
            while let Some(k) = cur {
                if done[k.index()] || chain.contains(&k) {
                    break;
                }
                chain.push(k);
                cur = self.classes[k].parent;
            }
            for &k in chain.iter().rev() {
                done[k.index()] = true;
                out.push(k);
            }
        }
        out
    }

    /// The definition of attribute `a`.
    pub fn attr_def(&self, a: AttrId) -> &Attr {
        let (k, i) = self.classes[a.class].layout.attrs[a.slot as usize];
        &self.classes[k].attrs[i as usize]
    }

    /// Attribute `name` of class `c`, resolved.
    pub fn attr_id(&self, c: ClassId, name: &str) -> Option<AttrId> {
        self.classes[c]
            .layout
            .attr_slot(name)
            .map(|slot| AttrId { class: c, slot })
    }

    /// The attributes of class `c` in layout order (inherited first).
    pub fn all_attrs(&self, c: ClassId) -> impl Iterator<Item = &Attr> + '_ {
        self.classes[c]
            .layout
            .attrs
            .iter()
            .map(|&(k, i)| &self.classes[k].attrs[i as usize])
    }

    /// The dispatch table of class `c`, by slot.
    pub fn vtable(&self, c: ClassId) -> &[DispatchEntry] {
        &self.classes[c].layout.methods
    }

    /// The name of method slot `m` for a receiver of static type `recv`: from the
    /// class's dispatch table, `__init__` for slot 0 of any other type; `None` if the
    /// slot does not exist.
    pub fn method_name(&self, recv: &Type, m: MethodSlot) -> Option<&str> {
        match recv {
            Type::Class(c) => self.vtable(*c).get(m.0 as usize).map(|e| e.name.as_str()),
            _ if m == MethodSlot::INIT => Some("__init__"),
            _ => None,
        }
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
