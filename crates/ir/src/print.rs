//! Prints IR as ChocoPy/Python source.
//!
//! The output is a program CPython can run (with [`Naming::Python`]), printing what
//! the IR computes: passes are validated by running their printed output. `Ref` cells
//! print as instances of a prelude class `Ref` with one attribute `value`, as in the
//! design notes' `lifted_boxed.py`.
//!
//! Variable names in the IR are only hints, and passes create variables with equal
//! hints, so the printer chooses the printed names: in each function scope (params,
//! then locals, then nested functions) every entity gets its hint unless that is taken
//! in the scope, is a keyword or builtin, or is the printed name of an outer entity the
//! function (or a function nested in it) refers to; then a numeric suffix is added.
//! `global` and `nonlocal` declarations are derived from the assignments. Class types
//! in annotations are quoted (`"A"`), so that CPython need not know the class yet.

use crate::{
    BinOp, ClassId, Const, Expr, ExprKind, FuncId, Place, Program, Stmt, Type, UnOp, VarId,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fmt::Write;

/// How the program is printed: how synthesized names (those containing `$`) are
/// spelled, and how exactly types are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Names exactly as in the IR (`f$g`, `x$1`), types as CPython would accept them
    /// (`object` for `<None>`, one `Ref` class for every cell): for people to read,
    /// not runnable.
    Ir,
    /// `$` becomes `_` (`f_g`), made unique: runnable by CPython.
    Python,
    /// The IR text format: names as [`Naming::Ir`], and exact types (`<None>`,
    /// `<Empty>`, `Ref[int]`), so that [`crate::read::read`] gives the same program
    /// back (print, read, print is the identity).
    Text,
}

/// Words no printed name may take: Python keywords, the ChocoPy builtins and the
/// class names used in annotations.
const RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "print", "len", "input", "object", "int", "bool", "str",
];

/// An entity that has a printed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Entity {
    Var(VarId),
    Func(FuncId),
    Class(ClassId),
    RefClass,
}

/// Prints the whole program.
pub fn print_program(p: &Program, naming: Naming) -> String {
    let names = Names::assign(p, naming);
    let mut pr = Printer {
        p,
        names,
        out: String::new(),
    };
    pr.program();
    pr.out
}

struct Names {
    naming: Naming,
    map: HashMap<Entity, String>,
}

impl Names {
    fn get(&self, e: Entity) -> &str {
        self.map.get(&e).map(String::as_str).unwrap_or("<unnamed>")
    }

    fn hint(&self, h: &str) -> String {
        match self.naming {
            Naming::Ir | Naming::Text => h.to_string(),
            Naming::Python => h.replace('$', "_"),
        }
    }

    fn fresh(&self, hint: &str, taken: &HashSet<String>) -> String {
        let base = self.hint(hint);
        if !taken.contains(&base) && !RESERVED.contains(&base.as_str()) {
            return base;
        }
        let sep = match self.naming {
            Naming::Ir | Naming::Text => '$',
            Naming::Python => '_',
        };
        (1..)
            .map(|i| format!("{base}{sep}{i}"))
            .find(|n| !taken.contains(n))
            .unwrap()
    }

    fn assign(p: &Program, naming: Naming) -> Names {
        let mut names = Names {
            naming,
            map: HashMap::default(),
        };
        let mut taken = HashSet::default();
        let mut global: Vec<(Entity, &str)> = Vec::new();
        for d in &p.globals {
            global.push((Entity::Var(d.var), &p.vars[d.var].name));
        }
        for &f in &p.functions {
            global.push((Entity::Func(f), &p.funcs[f].name));
        }
        for (c, class) in p.classes.iter() {
            global.push((Entity::Class(c), &class.name));
        }
        // Source names first, so that synthesized ones give way to them.
        global.sort_by_key(|(_, n)| n.contains('$'));
        if uses_ref(p) {
            global.push((Entity::RefClass, "Ref"));
        }
        for (e, hint) in global {
            let n = names.fresh(hint, &taken);
            taken.insert(n.clone());
            names.map.insert(e, n);
        }
        // Methods keep their names: they live in their class's namespace.
        for (_, class) in p.classes.iter() {
            for &m in &class.methods {
                let n = names.hint(&p.funcs[m].name);
                names.map.insert(Entity::Func(m), n);
            }
        }
        let refs = references(p);
        for f in p.roots() {
            names.assign_scope(p, f, &refs);
        }
        names
    }

    fn assign_scope(&mut self, p: &Program, f: FuncId, refs: &HashMap<FuncId, HashSet<Entity>>) {
        let func = &p.funcs[f];
        let mut taken: HashSet<String> =
            refs[&f].iter().map(|e| self.get(*e).to_string()).collect();
        let members = func
            .params
            .iter()
            .map(|&v| (Entity::Var(v), &p.vars[v].name))
            .chain(
                func.locals
                    .iter()
                    .map(|d| (Entity::Var(d.var), &p.vars[d.var].name)),
            )
            .chain(
                func.nested
                    .iter()
                    .map(|&g| (Entity::Func(g), &p.funcs[g].name)),
            );
        for (e, hint) in members {
            let n = self.fresh(hint, &taken);
            taken.insert(n.clone());
            self.map.insert(e, n);
        }
        for &g in &func.nested {
            self.assign_scope(p, g, refs);
        }
    }
}

fn uses_ref(p: &Program) -> bool {
    p.vars.iter().any(|(_, v)| matches!(v.ty, Type::Ref(_)))
}

/// For every function, the outer entities that it or a function nested in it refers
/// to (variables and functions declared outside it, and the `Ref` class).
fn references(p: &Program) -> HashMap<FuncId, HashSet<Entity>> {
    let mut out = HashMap::default();
    for f in p.roots() {
        collect_refs(p, f, &mut out);
    }
    out
}

fn collect_refs(
    p: &Program,
    f: FuncId,
    out: &mut HashMap<FuncId, HashSet<Entity>>,
) -> HashSet<Entity> {
    let func = &p.funcs[f];
    let mut set = HashSet::default();
    crate::visit::exprs_pre(&func.body, &mut |e| match &e.kind {
        ExprKind::Var(v) => {
            set.insert(Entity::Var(*v));
        }
        ExprKind::Call(g, _) => {
            set.insert(Entity::Func(*g));
        }
        ExprKind::New(Some(c)) => {
            set.insert(Entity::Class(*c));
        }
        _ => {}
    });
    for v in crate::visit::assigned_vars(&func.body) {
        set.insert(Entity::Var(v));
    }
    let own_vars = func.params.iter().chain(func.locals.iter().map(|d| &d.var));
    if own_vars
        .clone()
        .any(|&v| matches!(p.vars[v].ty, Type::Ref(_)))
    {
        set.insert(Entity::RefClass);
    }
    for &g in &func.nested {
        set.extend(collect_refs(p, g, out));
    }
    for &v in own_vars {
        set.remove(&Entity::Var(v));
    }
    for g in &func.nested {
        set.remove(&Entity::Func(*g));
    }
    out.insert(f, set.clone());
    set
}

struct Printer<'a> {
    p: &'a Program,
    names: Names,
    out: String,
}

const IND: &str = "    ";

impl Printer<'_> {
    fn var(&self, v: VarId) -> &str {
        self.names.get(Entity::Var(v))
    }

    fn func(&self, f: FuncId) -> &str {
        self.names.get(Entity::Func(f))
    }

    /// A type annotation. With [`Naming::Python`], one CPython accepts (`object` for
    /// `<None>` and `<Empty>`, the `Ref` class for every cell); with [`Naming::Text`],
    /// the exact type, so that the text can be read back ([`crate::read`]):
    /// `<None>`, `<Empty>`, `Ref[int]`.
    fn ty(&self, t: &Type) -> String {
        let exact = self.names.naming == Naming::Text;
        match t {
            Type::Int => "int".into(),
            Type::Bool => "bool".into(),
            Type::Str => "str".into(),
            Type::None if exact => "<None>".into(),
            Type::Empty if exact => "<Empty>".into(),
            Type::None | Type::Empty | Type::Object => "object".into(),
            Type::Class(c) => format!("\"{}\"", self.names.get(Entity::Class(*c))),
            Type::List(e) => format!("[{}]", self.ty(e)),
            Type::Ref(e) if exact => {
                format!("{}[{}]", self.names.get(Entity::RefClass), self.ty(e))
            }
            Type::Ref(_) => self.names.get(Entity::RefClass).to_string(),
        }
    }

    fn attr_name(&self, a: crate::AttrId) -> &str {
        let layout = &self.p.classes[a.class].layout;
        if (a.slot as usize) < layout.attrs.len() {
            &self.p.attr_def(a).name
        } else {
            "<unknown attribute>"
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str(IND);
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn program(&mut self) {
        let p = self.p;
        // The text format spells cell types `Ref[T]`: no class to declare.
        if uses_ref(p) && self.names.naming != Naming::Text {
            let name = self.names.get(Entity::RefClass).to_string();
            self.line(0, &format!("class {name}(object):"));
            self.line(1, "value: object = None");
            self.out.push('\n');
        }
        for (c, class) in p.classes.iter() {
            let parent = match class.parent {
                Some(k) => self.names.get(Entity::Class(k)).to_string(),
                None => "object".into(),
            };
            let header = format!("class {}({parent}):", self.names.get(Entity::Class(c)));
            self.line(0, &header);
            for a in &class.attrs {
                let text = format!("{}: {} = {}", a.name, self.ty(&a.ty), constant(&a.init));
                self.line(1, &text);
            }
            for &m in &class.methods {
                self.function(m, 1);
            }
            if class.attrs.is_empty() && class.methods.is_empty() {
                self.line(1, "pass");
            }
            self.out.push('\n');
        }
        for d in &p.globals {
            let text = format!(
                "{}: {} = {}",
                self.var(d.var),
                self.ty(&p.vars[d.var].ty),
                constant(&d.init)
            );
            self.line(0, &text);
        }
        if !p.globals.is_empty() {
            self.out.push('\n');
        }
        for &f in &p.functions {
            self.function(f, 0);
            self.out.push('\n');
        }
        self.block(&p.main, 0, None);
    }

    fn function(&mut self, f: FuncId, depth: usize) {
        let p = self.p;
        let func = &p.funcs[f];
        let params: Vec<String> = func
            .params
            .iter()
            .map(|&v| format!("{}: {}", self.var(v), self.ty(&p.vars[v].ty)))
            .collect();
        let ret = if func.ret == Type::None {
            String::new()
        } else {
            format!(" -> {}", self.ty(&func.ret))
        };
        let header = format!("def {}({}){}:", self.func(f), params.join(", "), ret);
        self.line(depth, &header);
        // `global` / `nonlocal` declarations, derived from the assignments.
        let mut globals = Vec::new();
        let mut nonlocals = Vec::new();
        for v in crate::visit::assigned_vars(&func.body) {
            match p.vars[v].owner {
                None => globals.push(v),
                Some(o) if o != f => nonlocals.push(v),
                _ => {}
            }
        }
        for v in globals {
            let text = format!("global {}", self.var(v));
            self.line(depth + 1, &text);
        }
        for v in nonlocals {
            let text = format!("nonlocal {}", self.var(v));
            self.line(depth + 1, &text);
        }
        for d in &func.locals {
            let text = format!(
                "{}: {} = {}",
                self.var(d.var),
                self.ty(&p.vars[d.var].ty),
                constant(&d.init)
            );
            self.line(depth + 1, &text);
        }
        for &g in &func.nested {
            self.function(g, depth + 1);
        }
        let has_decls = !func.locals.is_empty() || !func.nested.is_empty();
        if func.body.is_empty() && !has_decls {
            self.line(depth + 1, "pass");
        } else {
            self.block(&func.body, depth + 1, Some(f));
        }
    }

    fn block(&mut self, stmts: &[Stmt], depth: usize, f: Option<FuncId>) {
        for s in stmts {
            self.stmt(s, depth, f);
        }
    }

    fn nonempty_block(&mut self, stmts: &[Stmt], depth: usize, f: Option<FuncId>) {
        if stmts.is_empty() {
            self.line(depth, "pass");
        } else {
            self.block(stmts, depth, f);
        }
    }

    fn stmt(&mut self, s: &Stmt, depth: usize, f: Option<FuncId>) {
        match s {
            Stmt::Expr(e) => {
                let t = self.expr(e, 0);
                self.line(depth, &t);
            }
            Stmt::Assign { targets, value } => {
                let mut t = String::new();
                for target in targets {
                    write!(t, "{} = ", self.place(target)).unwrap();
                }
                t.push_str(&self.expr(value, 0));
                self.line(depth, &t);
            }
            Stmt::If { cond, then_, else_ } => {
                let c = self.expr(cond, 0);
                self.line(depth, &format!("if {c}:"));
                self.nonempty_block(then_, depth + 1, f);
                let mut else_ = else_;
                // `else: if` chains print as `elif`.
                while let [Stmt::If {
                    cond,
                    then_,
                    else_: rest,
                }] = else_.as_slice()
                {
                    let c = self.expr(cond, 0);
                    self.line(depth, &format!("elif {c}:"));
                    self.nonempty_block(then_, depth + 1, f);
                    else_ = rest;
                }
                if !else_.is_empty() {
                    self.line(depth, "else:");
                    self.block(else_, depth + 1, f);
                }
            }
            Stmt::While { cond, body } => {
                let c = self.expr(cond, 0);
                self.line(depth, &format!("while {c}:"));
                self.nonempty_block(body, depth + 1, f);
            }
            Stmt::For { target, iter, body } => {
                let text = format!("for {} in {}:", self.place(target), self.expr(iter, 0));
                self.line(depth, &text);
                self.nonempty_block(body, depth + 1, f);
            }
            Stmt::Return { value, .. } => match value {
                Some(v) => {
                    let t = format!("return {}", self.expr(v, 0));
                    self.line(depth, &t);
                }
                None => self.line(depth, "return"),
            },
        }
    }

    fn place(&self, p: &Place) -> String {
        match p {
            Place::Var(v) => self.var(*v).to_string(),
            Place::RefValue(cell) => format!("{}.value", self.expr(cell, 9)),
            Place::Attr(obj, a) => format!("{}.{}", self.expr(obj, 9), self.attr_name(*a)),
            Place::Index(list, index) => format!("{}[{}]", self.expr(list, 9), self.expr(index, 0)),
        }
    }

    /// Prints `e` in a context that needs precedence at least `ctx` (manual 4.1:
    /// 1 if-else, 2 or, 3 and, 4 not, 5 comparisons, 6 + -, 7 * // %, 8 unary -,
    /// 9 atoms and postfix).
    fn expr(&self, e: &Expr, ctx: u8) -> String {
        let (prec, text) = match &e.kind {
            ExprKind::Const(c) => {
                let t = constant(c);
                match t.starts_with('-') {
                    // The text format tells a negative constant `(-5)` from the
                    // negation of a constant `-5`.
                    true if self.names.naming == Naming::Text => (9, format!("({t})")),
                    true => (8, t),
                    false => (9, t),
                }
            }
            ExprKind::Var(v) => (9, self.var(*v).to_string()),
            ExprKind::Unary(UnOp::Neg, a) => (8, format!("-{}", self.expr(a, 8))),
            ExprKind::Unary(UnOp::Not, a) => (4, format!("not {}", self.expr(a, 4))),
            ExprKind::Binary(op, a, b) => {
                let prec = binop_prec(*op);
                // Comparisons are non-associative: parenthesise both sides.
                let lctx = if op.is_comparison() { prec + 1 } else { prec };
                (
                    prec,
                    format!(
                        "{} {} {}",
                        self.expr(a, lctx),
                        op.symbol(),
                        self.expr(b, prec + 1)
                    ),
                )
            }
            ExprKind::IfExpr(c, a, b) => (
                1,
                format!(
                    "{} if {} else {}",
                    self.expr(a, 2),
                    self.expr(c, 2),
                    self.expr(b, 1)
                ),
            ),
            ExprKind::Call(f, args) => (9, format!("{}({})", self.func(*f), self.args(args))),
            ExprKind::Builtin(b, args) => (9, format!("{}({})", b.name(), self.args(args))),
            ExprKind::RefNew => (9, format!("{}()", self.names.get(Entity::RefClass))),
            ExprKind::RefGet(a) => (9, format!("{}.value", self.expr(a, 9))),
            ExprKind::List(items) => (9, format!("[{}]", self.args(items))),
            ExprKind::Index(a, i) => (9, format!("{}[{}]", self.expr(a, 9), self.expr(i, 0))),
            ExprKind::Attr(obj, a) => (9, format!("{}.{}", self.expr(obj, 9), self.attr_name(*a))),
            ExprKind::MethodCall(a, slot, args) => {
                let name = self
                    .p
                    .method_name(&a.ty, *slot)
                    .unwrap_or("<unknown method>");
                // `1.__init__()` would read as a float: parenthesise numbers.
                let mut receiver = self.expr(a, 9);
                if receiver.starts_with(|c: char| c.is_ascii_digit()) {
                    receiver = format!("({receiver})");
                }
                (9, format!("{receiver}.{name}({})", self.args(args)))
            }
            ExprKind::New(Some(c)) => (9, format!("{}()", self.names.get(Entity::Class(*c)))),
            ExprKind::New(None) => (9, "object()".into()),
        };
        if prec < ctx {
            format!("({text})")
        } else {
            text
        }
    }

    fn args(&self, args: &[Expr]) -> String {
        args.iter()
            .map(|a| self.expr(a, 0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn binop_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 2,
        BinOp::And => 3,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne | BinOp::Is => 5,
        BinOp::Add | BinOp::Sub => 6,
        BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => 7,
    }
}

/// The source text of a constant.
pub fn constant(c: &Const) -> String {
    match c {
        Const::None => "None".into(),
        Const::Bool(true) => "True".into(),
        Const::Bool(false) => "False".into(),
        Const::Int(i) => i.to_string(),
        Const::Str(s) => {
            let mut out = String::from("\"");
            for ch in s.chars() {
                match ch {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }
}
