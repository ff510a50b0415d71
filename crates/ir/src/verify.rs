//! The IR verifier: checks the structural and typing invariants every pass must
//! preserve (after Cranelift's verifier, which runs after every pass in tests).
//!
//! Checked for every program:
//! - every function is reachable exactly once from the roots (top-level functions
//!   and methods) through `nested`, and `parent` links agree with `nested`; methods
//!   are not nested and take their class as first parameter;
//! - every variable a function declares (parameters, locals) is owned by it and
//!   declared once; globals are owned by no function;
//! - every variable read or written is visible: the function's own, a global, or (in
//!   nested IR only) one of an enclosing function; the top level uses only globals;
//! - every called function is visible: top-level, or nested in the caller or in one of
//!   its enclosing functions;
//! - types: each expression's type follows from its operands (manual 5.2), a variable
//!   read has the variable's type, conditions are `bool`, arguments and assigned values
//!   are assignable to their parameters and places, `return` values to the return type;
//!   `return` appears only inside functions; attributes and method slots exist in the
//!   layout of the receiver's class.
//!
//! With [`Shape::Flat`] additionally: no function is nested and no function touches
//! another function's variables (the postcondition of lambda lifting).
//!
//! Time: linear in the size of the program (membership facts are tables indexed by
//! id), times the nesting depth for the visibility of enclosing functions' variables.

use std::borrow::Cow;

use crate::{
    BinOp, Builtin, Expr, ExprKind, FuncId, MethodSlot, Place, Program, Span, Stmt, Type, UnOp,
    VarId,
};

/// Which shape of IR to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Nested functions allowed (before lambda lifting).
    Nested,
    /// No nested functions, no access to other functions' variables.
    Flat,
}

/// One violated invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The function whose body or declaration is wrong; `None` for the top level and
    /// for program-wide facts.
    pub function: Option<FuncId>,
    /// Where it is reported: the function's name, `<top level>`, or empty for a
    /// program-wide fact.
    pub context: String,
    /// The source span of the offending expression, or of the function.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.context.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.context, self.message)
        }
    }
}

/// Checks `p`; returns every violation found.
pub fn verify(p: &Program, shape: Shape) -> Result<(), Vec<VerifyError>> {
    let mut v = Verifier {
        p,
        shape,
        errors: Vec::new(),
        declared: vec![false; p.vars.len()],
        global: vec![false; p.vars.len()],
        top_level: vec![false; p.funcs.len()],
        reachable: vec![false; p.funcs.len()],
    };
    v.run();
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

struct Verifier<'a> {
    p: &'a Program,
    shape: Shape,
    errors: Vec<VerifyError>,
    /// By variable index: declared by the program (globals, parameters, locals).
    declared: Vec<bool>,
    /// By variable index: a global.
    global: Vec<bool>,
    /// By function index: listed in `Program::functions`.
    top_level: Vec<bool>,
    /// By function index: reachable from the roots.
    reachable: Vec<bool>,
}

impl Verifier<'_> {
    /// A program-wide error.
    fn fact(&mut self, message: String) {
        self.errors.push(VerifyError {
            function: None,
            context: String::new(),
            span: Span::default(),
            message,
        });
    }

    /// An error in function `f` (`None`: the top level) at `span`.
    fn err(&mut self, f: Option<FuncId>, span: Span, message: String) {
        let context = match f {
            Some(f) => self.p.funcs[f].name.clone(),
            None => "<top level>".into(),
        };
        self.errors.push(VerifyError {
            function: f,
            context,
            span,
            message,
        });
    }

    fn show(&self, t: &Type) -> String {
        self.p.show(t)
    }

    fn run(&mut self) {
        let p = self.p;
        for &f in &p.functions {
            self.top_level[f.index()] = true;
        }
        // Reachability and parent links.
        let mut stack: Vec<(FuncId, Option<FuncId>)> =
            p.roots().into_iter().map(|f| (f, None)).collect();
        while let Some((f, parent)) = stack.pop() {
            if std::mem::replace(&mut self.reachable[f.index()], true) {
                self.fact(format!("function {} is reachable twice", p.funcs[f].name));
                continue;
            }
            if p.funcs[f].parent != parent {
                self.fact(format!(
                    "function {} has a wrong parent link",
                    p.funcs[f].name
                ));
            }
            if self.shape == Shape::Flat && parent.is_some() {
                self.fact(format!("function {} is nested in flat IR", p.funcs[f].name));
            }
            for &g in &p.funcs[f].nested {
                stack.push((g, Some(f)));
            }
        }
        for (c, class) in p.classes.iter() {
            for &m in &class.methods {
                let func = &p.funcs[m];
                let self_ok = func
                    .params
                    .first()
                    .is_some_and(|&s| p.vars[s].ty == Type::Class(c));
                if func.method_of != Some(c) || !self_ok {
                    self.fact(format!(
                        "method {} of {} is malformed",
                        func.name, class.name
                    ));
                }
            }
            if class.layout.depth == 0 {
                self.fact(format!("class {} has no layout", class.name));
            }
        }
        // Declarations.
        for d in &p.globals {
            if p.vars[d.var].owner.is_some() {
                self.fact(format!("global {} has an owner", p.vars[d.var].name));
            }
            if std::mem::replace(&mut self.declared[d.var.index()], true) {
                self.fact(format!("global {} declared twice", p.vars[d.var].name));
            }
            self.global[d.var.index()] = true;
            if !p.is_assignable(&d.init.ty(), &p.vars[d.var].ty) {
                self.fact(format!(
                    "global {} has an initialiser of the wrong type",
                    p.vars[d.var].name
                ));
            }
        }
        let all = p.all_functions();
        for &f in &all {
            let func = &p.funcs[f];
            let locals = func.params.iter().chain(func.locals.iter().map(|d| &d.var));
            for &v in locals {
                if p.vars[v].owner != Some(f) {
                    let msg = format!("variable {} is declared but not owned here", p.vars[v].name);
                    self.err(Some(f), func.span, msg);
                }
                if std::mem::replace(&mut self.declared[v.index()], true) {
                    let msg = format!("variable {} declared twice", p.vars[v].name);
                    self.err(Some(f), func.span, msg);
                }
            }
            for d in &func.locals {
                if !p.is_assignable(&d.init.ty(), &p.vars[d.var].ty) {
                    let msg = format!(
                        "local {} has an initialiser of the wrong type",
                        p.vars[d.var].name
                    );
                    self.err(Some(f), func.span, msg);
                }
            }
        }
        for &f in &all {
            self.stmts(&p.funcs[f].body, Some(f));
        }
        self.stmts(&p.main, None);
    }

    fn visible_var(&self, v: VarId, f: Option<FuncId>) -> bool {
        match (self.p.vars[v].owner, f) {
            (None, _) => self.global.get(v.index()).copied().unwrap_or(false),
            (Some(_), None) => false,
            (Some(o), Some(f)) => match self.shape {
                Shape::Flat => o == f,
                Shape::Nested => self.p.encloses(o, f),
            },
        }
    }

    fn visible_func(&self, g: FuncId, f: Option<FuncId>) -> bool {
        if self.p.funcs[g].method_of.is_some() {
            return false;
        }
        match (self.p.funcs[g].parent, f) {
            (None, _) => self.top_level[g.index()],
            (Some(_), None) => false,
            // Reachable with this parent link: listed in the parent's `nested`.
            (Some(parent), Some(f)) => self.p.encloses(parent, f) && self.reachable[g.index()],
        }
    }

    fn stmts(&mut self, stmts: &[Stmt], f: Option<FuncId>) {
        for s in stmts {
            self.stmt(s, f);
        }
    }

    /// The span to report a statement-level error at.
    fn span_of(&self, f: Option<FuncId>, e: Option<&Expr>) -> Span {
        match (e, f) {
            (Some(e), _) if e.span != Span::default() => e.span,
            (_, Some(f)) => self.p.funcs[f].span,
            _ => Span::default(),
        }
    }

    /// Checks a place's operands; returns the type it stores.
    fn place(&mut self, t: &Place, f: Option<FuncId>, at: Span) -> Option<Type> {
        match t {
            Place::Var(v) => {
                if !self.visible_var(*v, f) {
                    let msg = format!("assigns invisible variable {}", self.p.vars[*v].name);
                    self.err(f, at, msg);
                }
                Some(self.p.vars[*v].ty.clone())
            }
            Place::RefValue(cell) => {
                self.expr(cell, f);
                match &cell.ty {
                    Type::Ref(t) => Some((**t).clone()),
                    other => {
                        let msg = format!(".value assigned on non-Ref type {}", self.show(other));
                        self.err(f, cell.span, msg);
                        None
                    }
                }
            }
            Place::Attr(obj, a) => {
                self.expr(obj, f);
                self.attr(obj, *a, f)
            }
            Place::Index(list, index) => {
                self.expr(list, f);
                self.expr(index, f);
                if index.ty != Type::Int {
                    let msg = format!("index of type {}", self.show(&index.ty));
                    self.err(f, index.span, msg);
                }
                match list.ty.elem() {
                    Some(t) => Some(t.clone()),
                    None => {
                        let msg = format!("index assignment on {}", self.show(&list.ty));
                        self.err(f, list.span, msg);
                        None
                    }
                }
            }
        }
    }

    /// The type of attribute `a` of `obj`, checking that it exists in the layout of
    /// `obj`'s class.
    fn attr(&mut self, obj: &Expr, a: crate::AttrId, f: Option<FuncId>) -> Option<Type> {
        let p = self.p;
        let valid = (a.slot as usize) < p.classes[a.class].layout.attrs.len();
        let name = if valid {
            p.attr_def(a).name.clone()
        } else {
            format!("#{}", a.slot)
        };
        match &obj.ty {
            Type::Class(c) if valid && p.inherits(*c, a.class) => Some(p.attr_def(a).ty.clone()),
            Type::Class(c) => {
                let msg = format!("no attribute {name} in {}", p.classes[*c].name);
                self.err(f, obj.span, msg);
                None
            }
            other => {
                let msg = format!("attribute {name} of {}", self.show(other));
                self.err(f, obj.span, msg);
                None
            }
        }
    }

    fn check_assignable(
        &mut self,
        from: &Type,
        to: &Type,
        f: Option<FuncId>,
        at: Span,
        what: &str,
    ) {
        if !self.p.is_assignable(from, to) {
            let msg = format!(
                "{what}: {} is not assignable to {}",
                self.show(from),
                self.show(to)
            );
            self.err(f, at, msg);
        }
    }

    fn stmt(&mut self, s: &Stmt, f: Option<FuncId>) {
        match s {
            Stmt::Expr(e) => self.expr(e, f),
            Stmt::Assign { targets, value } => {
                self.expr(value, f);
                let at = self.span_of(f, Some(value));
                for t in targets {
                    if let Some(ty) = self.place(t, f, at) {
                        self.check_assignable(&value.ty, &ty, f, at, "assignment");
                    }
                }
            }
            Stmt::If { cond, then_, else_ } => {
                self.cond(cond, f);
                self.stmts(then_, f);
                self.stmts(else_, f);
            }
            Stmt::While { cond, body } => {
                self.cond(cond, f);
                self.stmts(body, f);
            }
            Stmt::For { target, iter, body } => {
                self.expr(iter, f);
                let at = self.span_of(f, Some(iter));
                let elem = match &iter.ty {
                    Type::Str => Some(Type::Str),
                    Type::List(t) => Some((**t).clone()),
                    _ => {
                        let msg = format!("for over {}", self.show(&iter.ty));
                        self.err(f, at, msg);
                        None
                    }
                };
                if let (Some(ty), Some(elem)) = (self.place(target, f, at), elem) {
                    self.check_assignable(&elem, &ty, f, at, "for target");
                }
                self.stmts(body, f);
            }
            Stmt::Return { value, span } => {
                let Some(func) = f else {
                    self.fact("return at the top level".into());
                    return;
                };
                let ret = self.p.funcs[func].ret.clone();
                let ty = match value {
                    Some(v) => {
                        self.expr(v, f);
                        v.ty.clone()
                    }
                    None => Type::None,
                };
                self.check_assignable(&ty, &ret, f, *span, "return");
            }
        }
    }

    fn cond(&mut self, e: &Expr, f: Option<FuncId>) {
        self.expr(e, f);
        if e.ty != Type::Bool {
            let msg = format!("condition of type {}", self.show(&e.ty));
            self.err(f, e.span, msg);
        }
    }

    fn args<'t>(
        &mut self,
        args: &[Expr],
        params: impl ExactSizeIterator<Item = &'t Type>,
        f: Option<FuncId>,
        at: Span,
        callee: &str,
    ) {
        if args.len() != params.len() {
            let msg = format!(
                "calls {callee} with {} arguments, expected {}",
                args.len(),
                params.len()
            );
            self.err(f, at, msg);
            return;
        }
        for (a, t) in args.iter().zip(params) {
            self.check_assignable(&a.ty, t, f, a.span, &format!("argument of {callee}"));
        }
    }

    fn expr(&mut self, e: &Expr, f: Option<FuncId>) {
        crate::visit::for_each_child(e, |c| self.expr(c, f));
        let p = self.p;
        let at = e.span;
        let expected: Option<Cow<'_, Type>> = match &e.kind {
            ExprKind::Const(c) => Some(Cow::Owned(c.ty())),
            ExprKind::Var(v) => {
                if !self.declared.get(v.index()).copied().unwrap_or(false) {
                    self.err(
                        f,
                        at,
                        format!("reads undeclared variable {}", p.vars[*v].name),
                    );
                }
                if !self.visible_var(*v, f) {
                    self.err(
                        f,
                        at,
                        format!("reads invisible variable {}", p.vars[*v].name),
                    );
                }
                Some(Cow::Borrowed(&p.vars[*v].ty))
            }
            ExprKind::Unary(op, a) => {
                let t = match op {
                    UnOp::Neg => Type::Int,
                    UnOp::Not => Type::Bool,
                };
                if a.ty != t {
                    self.err(f, at, format!("unary operand of type {}", self.show(&a.ty)));
                }
                Some(Cow::Owned(t))
            }
            ExprKind::Binary(op, a, b) => {
                let (ok, ty) = match op {
                    BinOp::And | BinOp::Or => {
                        (a.ty == Type::Bool && b.ty == Type::Bool, Type::Bool)
                    }
                    BinOp::Eq | BinOp::Ne => (
                        a.ty == b.ty && matches!(a.ty, Type::Int | Type::Bool | Type::Str),
                        Type::Bool,
                    ),
                    BinOp::Is => (a.ty.admits_none() && b.ty.admits_none(), Type::Bool),
                    BinOp::Add if a.ty == Type::Str => (b.ty == Type::Str, Type::Str),
                    BinOp::Add if a.ty.elem().is_some() => match (a.ty.elem(), b.ty.elem()) {
                        (Some(x), Some(y)) => (true, Type::List(Box::new(p.join(x, y)))),
                        _ => (false, e.ty.clone()),
                    },
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => {
                        (a.ty == Type::Int && b.ty == Type::Int, Type::Int)
                    }
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        (a.ty == Type::Int && b.ty == Type::Int, Type::Bool)
                    }
                };
                if !ok {
                    let msg = format!(
                        "operator {} on {} and {}",
                        op.symbol(),
                        self.show(&a.ty),
                        self.show(&b.ty)
                    );
                    self.err(f, at, msg);
                }
                Some(Cow::Owned(ty))
            }
            ExprKind::IfExpr(c, a, b) => {
                if c.ty != Type::Bool {
                    let msg = format!("conditional with condition of type {}", self.show(&c.ty));
                    self.err(f, at, msg);
                }
                self.check_assignable(&a.ty, &e.ty, f, at, "conditional branch");
                self.check_assignable(&b.ty, &e.ty, f, at, "conditional branch");
                None
            }
            ExprKind::Call(g, args) => {
                if !self.visible_func(*g, f) {
                    self.err(
                        f,
                        at,
                        format!("calls invisible function {}", p.funcs[*g].name),
                    );
                }
                let callee = &p.funcs[*g];
                let params = callee.params.iter().map(|&v| &p.vars[v].ty);
                self.args(args, params, f, at, &callee.name);
                Some(Cow::Borrowed(&callee.ret))
            }
            ExprKind::Builtin(b, args) => {
                let (params, ret) = match b {
                    Builtin::Print => (vec![Type::Object], Type::None),
                    Builtin::Len => (vec![Type::Object], Type::Int),
                    Builtin::Input => (vec![], Type::Str),
                };
                self.args(args, params.iter(), f, at, b.name());
                Some(Cow::Owned(ret))
            }
            ExprKind::List(items) => {
                let ty = items.iter().fold(None, |acc: Option<Type>, x| {
                    Some(acc.map_or(x.ty.clone(), |t| p.join(&t, &x.ty)))
                });
                match ty {
                    None => Some(Cow::Owned(Type::Empty)),
                    Some(t) => {
                        // The printed type may be wider than the join (after a pass).
                        if let Some(elem) = e.ty.elem() {
                            self.check_assignable(&t, elem, f, at, "list element");
                        } else {
                            let msg = format!("list display of type {}", self.show(&e.ty));
                            self.err(f, at, msg);
                        }
                        None
                    }
                }
            }
            ExprKind::Index(list, index) => {
                if index.ty != Type::Int {
                    self.err(f, at, format!("index of type {}", self.show(&index.ty)));
                }
                match &list.ty {
                    Type::Str => Some(Cow::Owned(Type::Str)),
                    Type::List(t) => Some(Cow::Borrowed(&**t)),
                    other => {
                        let msg = format!("indexing {}", self.show(other));
                        self.err(f, at, msg);
                        None
                    }
                }
            }
            ExprKind::Attr(obj, a) => self.attr(obj, *a, f).map(Cow::Owned),
            ExprKind::MethodCall(obj, slot, args) => {
                self.method_call(obj, *slot, args, f, at).map(Cow::Owned)
            }
            ExprKind::New(c) => Some(Cow::Owned(c.map_or(Type::Object, Type::Class))),
            ExprKind::RefNew => {
                if !matches!(e.ty, Type::Ref(_)) {
                    self.err(f, at, format!("Ref() of type {}", self.show(&e.ty)));
                }
                None
            }
            ExprKind::RefGet(cell) => match &cell.ty {
                Type::Ref(t) => Some(Cow::Borrowed(&**t)),
                other => {
                    let msg = format!(".value read on non-Ref type {}", self.show(other));
                    self.err(f, at, msg);
                    None
                }
            },
        };
        if let Some(t) = expected {
            if *t != e.ty {
                let msg = format!(
                    "expression typed {} but computes {}",
                    self.show(&e.ty),
                    self.show(&t)
                );
                self.err(f, at, msg);
            }
        }
    }

    /// Checks a method call through `slot`; returns its result type.
    fn method_call(
        &mut self,
        obj: &Expr,
        slot: MethodSlot,
        args: &[Expr],
        f: Option<FuncId>,
        at: Span,
    ) -> Option<Type> {
        let p = self.p;
        match &obj.ty {
            Type::Class(c) => match p.vtable(*c).get(slot.0 as usize) {
                Some(entry) => match entry.func {
                    Some(m) => {
                        let callee = &p.funcs[m];
                        let params = callee.params[1..].iter().map(|&v| &p.vars[v].ty);
                        self.args(args, params, f, at, &entry.name);
                        Some(callee.ret.clone())
                    }
                    None => {
                        self.args(args, [].iter(), f, at, &entry.name);
                        Some(Type::None)
                    }
                },
                None => {
                    let msg = format!("no method slot {} in {}", slot.0, p.classes[*c].name);
                    self.err(f, at, msg);
                    None
                }
            },
            // `object.__init__`, which every class inherits (manual 5.2).
            Type::Object | Type::Int | Type::Bool | Type::Str | Type::None | Type::Empty
                if slot == MethodSlot::INIT && args.is_empty() =>
            {
                Some(Type::None)
            }
            other => {
                let msg = format!("method slot {} of {}", slot.0, self.show(other));
                self.err(f, at, msg);
                None
            }
        }
    }
}
