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
//!   `return` appears only inside functions; attributes and methods exist.
//!
//! With [`Shape::Flat`] additionally: no function is nested and no function touches
//! another function's variables (the postcondition of lambda lifting).

use crate::{BinOp, Builtin, Expr, ExprKind, FuncId, Place, Program, Stmt, Type, UnOp, VarId};
use std::collections::HashSet;

/// Which shape of IR to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Nested functions allowed (before lambda lifting).
    Nested,
    /// No nested functions, no access to other functions' variables.
    Flat,
}

/// Checks `p`; returns every violation found, each as a sentence naming the function.
pub fn verify(p: &Program, shape: Shape) -> Result<(), Vec<String>> {
    let mut v = Verifier {
        p,
        shape,
        errors: Vec::new(),
        declared: HashSet::new(),
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
    errors: Vec<String>,
    /// Variables declared by the program (globals, parameters, locals).
    declared: HashSet<VarId>,
}

impl Verifier<'_> {
    fn err(&mut self, msg: String) {
        self.errors.push(msg);
    }

    fn show(&self, t: &Type) -> String {
        self.p.show(t)
    }

    fn run(&mut self) {
        let p = self.p;
        // Reachability and parent links.
        let mut seen = HashSet::new();
        let mut stack: Vec<(FuncId, Option<FuncId>)> =
            p.roots().into_iter().map(|f| (f, None)).collect();
        while let Some((f, parent)) = stack.pop() {
            if !seen.insert(f) {
                self.err(format!("function {} is reachable twice", p.funcs[f].name));
                continue;
            }
            if p.funcs[f].parent != parent {
                self.err(format!(
                    "function {} has a wrong parent link",
                    p.funcs[f].name
                ));
            }
            if self.shape == Shape::Flat && parent.is_some() {
                self.err(format!("function {} is nested in flat IR", p.funcs[f].name));
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
                    self.err(format!(
                        "method {} of {} is malformed",
                        func.name, class.name
                    ));
                }
            }
        }
        // Declarations.
        let mut declared = HashSet::new();
        for d in &p.globals {
            if p.vars[d.var].owner.is_some() {
                self.err(format!("global {} has an owner", p.vars[d.var].name));
            }
            if !declared.insert(d.var) {
                self.err(format!("global {} declared twice", p.vars[d.var].name));
            }
            if !p.is_assignable(&d.init.ty(), &p.vars[d.var].ty) {
                self.err(format!(
                    "global {} has an initialiser of the wrong type",
                    p.vars[d.var].name
                ));
            }
        }
        for f in p.all_functions() {
            let func = &p.funcs[f];
            let locals = func.params.iter().chain(func.locals.iter().map(|d| &d.var));
            for &v in locals {
                if p.vars[v].owner != Some(f) {
                    self.err(format!(
                        "{}: variable {} is declared but not owned here",
                        func.name, p.vars[v].name
                    ));
                }
                if !declared.insert(v) {
                    self.err(format!(
                        "{}: variable {} declared twice",
                        func.name, p.vars[v].name
                    ));
                }
            }
            for d in &func.locals {
                if !p.is_assignable(&d.init.ty(), &p.vars[d.var].ty) {
                    self.err(format!(
                        "{}: local {} has an initialiser of the wrong type",
                        func.name, p.vars[d.var].name
                    ));
                }
            }
        }
        self.declared = declared;
        for f in p.all_functions() {
            self.stmts(&p.funcs[f].body, Some(f));
        }
        self.stmts(&p.main, None);
    }

    fn visible_var(&self, v: VarId, f: Option<FuncId>) -> bool {
        match (self.p.vars[v].owner, f) {
            (None, _) => self.p.globals.iter().any(|d| d.var == v),
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
            (None, _) => self.p.functions.contains(&g),
            (Some(_), None) => false,
            (Some(parent), Some(f)) => {
                self.p.encloses(parent, f) && self.p.funcs[parent].nested.contains(&g)
            }
        }
    }

    fn where_(&self, f: Option<FuncId>) -> String {
        match f {
            Some(f) => self.p.funcs[f].name.clone(),
            None => "<top level>".into(),
        }
    }

    fn stmts(&mut self, stmts: &[Stmt], f: Option<FuncId>) {
        for s in stmts {
            self.stmt(s, f);
        }
    }

    /// Checks a place's operands; returns the type it stores.
    fn place(&mut self, t: &Place, f: Option<FuncId>) -> Option<Type> {
        let w = self.where_(f);
        match t {
            Place::Var(v) => {
                if !self.visible_var(*v, f) {
                    self.err(format!(
                        "{w}: assigns invisible variable {}",
                        self.p.vars[*v].name
                    ));
                }
                Some(self.p.vars[*v].ty.clone())
            }
            Place::RefValue(cell) => {
                self.expr(cell, f);
                match &cell.ty {
                    Type::Ref(t) => Some((**t).clone()),
                    other => {
                        let msg =
                            format!("{w}: .value assigned on non-Ref type {}", self.show(other));
                        self.err(msg);
                        None
                    }
                }
            }
            Place::Attr(obj, name) => {
                self.expr(obj, f);
                let attr = match &obj.ty {
                    Type::Class(c) => self.p.attr(*c, name).map(|(_, a)| a.ty.clone()),
                    _ => None,
                };
                if attr.is_none() {
                    let msg = format!("{w}: no attribute {name} on {}", self.show(&obj.ty));
                    self.err(msg);
                }
                attr
            }
            Place::Index(list, index) => {
                self.expr(list, f);
                self.expr(index, f);
                if index.ty != Type::Int {
                    self.err(format!("{w}: index of type {}", self.show(&index.ty)));
                }
                match list.ty.elem() {
                    Some(t) => Some(t.clone()),
                    None => {
                        let msg = format!("{w}: index assignment on {}", self.show(&list.ty));
                        self.err(msg);
                        None
                    }
                }
            }
        }
    }

    fn check_assignable(&mut self, from: &Type, to: &Type, f: Option<FuncId>, what: &str) {
        if !self.p.is_assignable(from, to) {
            let msg = format!(
                "{}: {what}: {} is not assignable to {}",
                self.where_(f),
                self.show(from),
                self.show(to)
            );
            self.err(msg);
        }
    }

    fn stmt(&mut self, s: &Stmt, f: Option<FuncId>) {
        match s {
            Stmt::Expr(e) => self.expr(e, f),
            Stmt::Assign { targets, value } => {
                self.expr(value, f);
                for t in targets {
                    if let Some(ty) = self.place(t, f) {
                        self.check_assignable(&value.ty, &ty, f, "assignment");
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
                let elem = match &iter.ty {
                    Type::Str => Some(Type::Str),
                    Type::List(t) => Some((**t).clone()),
                    _ => {
                        let msg = format!("{}: for over {}", self.where_(f), self.show(&iter.ty));
                        self.err(msg);
                        None
                    }
                };
                if let (Some(ty), Some(elem)) = (self.place(target, f), elem) {
                    self.check_assignable(&elem, &ty, f, "for target");
                }
                self.stmts(body, f);
            }
            Stmt::Return { value, .. } => {
                let Some(func) = f else {
                    self.err("return at the top level".into());
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
                self.check_assignable(&ty, &ret, f, "return");
            }
        }
    }

    fn cond(&mut self, e: &Expr, f: Option<FuncId>) {
        self.expr(e, f);
        if e.ty != Type::Bool {
            let msg = format!("{}: condition of type {}", self.where_(f), self.show(&e.ty));
            self.err(msg);
        }
    }

    fn args(&mut self, args: &[Expr], params: &[Type], f: Option<FuncId>, callee: &str) {
        if args.len() != params.len() {
            let msg = format!(
                "{}: calls {callee} with {} arguments, expected {}",
                self.where_(f),
                args.len(),
                params.len()
            );
            self.err(msg);
            return;
        }
        for (a, t) in args.iter().zip(params) {
            self.check_assignable(&a.ty, t, f, &format!("argument of {callee}"));
        }
    }

    fn expr(&mut self, e: &Expr, f: Option<FuncId>) {
        for c in crate::visit::children(e) {
            self.expr(c, f);
        }
        let w = self.where_(f);
        let p = self.p;
        let expected: Option<Type> = match &e.kind {
            ExprKind::Const(c) => Some(c.ty()),
            ExprKind::Var(v) => {
                if !self.declared.contains(v) {
                    self.err(format!(
                        "{w}: reads undeclared variable {}",
                        p.vars[*v].name
                    ));
                }
                if !self.visible_var(*v, f) {
                    self.err(format!("{w}: reads invisible variable {}", p.vars[*v].name));
                }
                Some(p.vars[*v].ty.clone())
            }
            ExprKind::Unary(op, a) => {
                let t = match op {
                    UnOp::Neg => Type::Int,
                    UnOp::Not => Type::Bool,
                };
                if a.ty != t {
                    self.err(format!("{w}: unary operand of type {}", self.show(&a.ty)));
                }
                Some(t)
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
                    self.err(format!(
                        "{w}: operator {} on {} and {}",
                        op.symbol(),
                        self.show(&a.ty),
                        self.show(&b.ty)
                    ));
                }
                Some(ty)
            }
            ExprKind::IfExpr(c, a, b) => {
                if c.ty != Type::Bool {
                    self.err(format!(
                        "{w}: conditional with condition of type {}",
                        self.show(&c.ty)
                    ));
                }
                self.check_assignable(&a.ty, &e.ty, f, "conditional branch");
                self.check_assignable(&b.ty, &e.ty, f, "conditional branch");
                None
            }
            ExprKind::Call(g, args) => {
                if !self.visible_func(*g, f) {
                    self.err(format!(
                        "{w}: calls invisible function {}",
                        p.funcs[*g].name
                    ));
                }
                let callee = &p.funcs[*g];
                let params: Vec<Type> = callee
                    .params
                    .iter()
                    .map(|&v| p.vars[v].ty.clone())
                    .collect();
                self.args(args, &params, f, &callee.name);
                Some(callee.ret.clone())
            }
            ExprKind::Builtin(b, args) => {
                let (params, ret) = match b {
                    Builtin::Print => (vec![Type::Object], Type::None),
                    Builtin::Len => (vec![Type::Object], Type::Int),
                    Builtin::Input => (vec![], Type::Str),
                };
                self.args(args, &params, f, b.name());
                Some(ret)
            }
            ExprKind::List(items) => {
                let ty = items.iter().fold(None, |acc: Option<Type>, x| {
                    Some(acc.map_or(x.ty.clone(), |t| p.join(&t, &x.ty)))
                });
                match ty {
                    None => Some(Type::Empty),
                    Some(t) => {
                        // The printed type may be wider than the join (after a pass).
                        if let Some(elem) = e.ty.elem() {
                            self.check_assignable(&t, elem, f, "list element");
                        } else {
                            self.err(format!("{w}: list display of type {}", self.show(&e.ty)));
                        }
                        None
                    }
                }
            }
            ExprKind::Index(list, index) => {
                if index.ty != Type::Int {
                    self.err(format!("{w}: index of type {}", self.show(&index.ty)));
                }
                match &list.ty {
                    Type::Str => Some(Type::Str),
                    Type::List(t) => Some((**t).clone()),
                    other => {
                        self.err(format!("{w}: indexing {}", self.show(other)));
                        None
                    }
                }
            }
            ExprKind::Attr(obj, name) => match &obj.ty {
                Type::Class(c) => match p.attr(*c, name) {
                    Some((_, a)) => Some(a.ty.clone()),
                    None => {
                        self.err(format!(
                            "{w}: no attribute {name} in {}",
                            p.classes[*c].name
                        ));
                        None
                    }
                },
                other => {
                    self.err(format!("{w}: attribute {name} of {}", self.show(other)));
                    None
                }
            },
            ExprKind::MethodCall(obj, name, args) => match &obj.ty {
                Type::Class(c) => match p.method(*c, name) {
                    Some((_, Some(m))) => {
                        let callee = &p.funcs[m];
                        let params: Vec<Type> = callee.params[1..]
                            .iter()
                            .map(|&v| p.vars[v].ty.clone())
                            .collect();
                        self.args(args, &params, f, name);
                        Some(callee.ret.clone())
                    }
                    Some((_, None)) => Some(Type::None),
                    None => {
                        self.err(format!("{w}: no method {name} in {}", p.classes[*c].name));
                        None
                    }
                },
                // `object.__init__`, which every class inherits (manual 5.2).
                Type::Object | Type::Int | Type::Bool | Type::Str | Type::None | Type::Empty
                    if name == "__init__" && args.is_empty() =>
                {
                    Some(Type::None)
                }
                other => {
                    self.err(format!("{w}: method {name} of {}", self.show(other)));
                    None
                }
            },
            ExprKind::New(c) => Some(c.map_or(Type::Object, Type::Class)),
            ExprKind::RefNew => {
                if !matches!(e.ty, Type::Ref(_)) {
                    self.err(format!("{w}: Ref() of type {}", self.show(&e.ty)));
                }
                None
            }
            ExprKind::RefGet(cell) => match &cell.ty {
                Type::Ref(t) => Some((**t).clone()),
                other => {
                    self.err(format!(
                        "{w}: .value read on non-Ref type {}",
                        self.show(other)
                    ));
                    None
                }
            },
        };
        if let Some(t) = expected {
            if t != e.ty {
                self.err(format!(
                    "{w}: expression typed {} but computes {}",
                    self.show(&e.ty),
                    self.show(&t)
                ));
            }
        }
    }
}
