//! The IR verifier: checks the structural and typing invariants every pass must
//! preserve (after Cranelift's verifier, which runs after every pass in tests).
//!
//! Checked for every program:
//! - every function is reachable exactly once from `Program::functions` through
//!   `nested`, and `parent` links agree with `nested`;
//! - every variable a function declares (parameters, locals) is owned by it and
//!   declared once; globals are owned by no function;
//! - every variable read or written is visible: the function's own, a global, or (in
//!   nested IR only) one of an enclosing function; the top level uses only globals;
//! - every called function is visible: top-level, or nested in the caller or in one of
//!   its enclosing functions;
//! - types: each expression's type follows from its operands (manual 5.2), a variable
//!   read has the variable's type, conditions are `bool`, arguments and assigned values
//!   are assignable to their parameters and places, `return` values to the return type;
//!   `return` appears only inside functions.
//!
//! With [`Shape::Flat`] additionally: no function is nested and no function touches
//! another function's variables (the postcondition of lambda lifting).

use crate::{BinOp, Expr, ExprKind, FuncId, Place, Program, Stmt, Type, UnOp, VarId};
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

    fn run(&mut self) {
        let p = self.p;
        // Reachability and parent links.
        let mut seen = HashSet::new();
        let mut stack: Vec<(FuncId, Option<FuncId>)> =
            p.functions.iter().map(|&f| (f, None)).collect();
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
        // Declarations.
        let mut declared = HashSet::new();
        for d in &p.globals {
            if p.vars[d.var].owner.is_some() {
                self.err(format!("global {} has an owner", p.vars[d.var].name));
            }
            if !declared.insert(d.var) {
                self.err(format!("global {} declared twice", p.vars[d.var].name));
            }
            if !d.init.ty().is_assignable_to(&p.vars[d.var].ty) {
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
                if !d.init.ty().is_assignable_to(&p.vars[d.var].ty) {
                    self.err(format!(
                        "{}: local {} has an initialiser of the wrong type",
                        func.name, p.vars[d.var].name
                    ));
                }
            }
        }
        self.declared = declared;
        for f in p.all_functions() {
            let body = &p.funcs[f].body;
            self.stmts(body, Some(f));
        }
        self.stmts(&p.main, None);
    }
}

impl Verifier<'_> {
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

    fn stmt(&mut self, s: &Stmt, f: Option<FuncId>) {
        let w = self.where_(f);
        match s {
            Stmt::Expr(e) => self.expr(e, f),
            Stmt::Assign { targets, value } => {
                self.expr(value, f);
                for t in targets {
                    let ty = match t {
                        Place::Var(v) => {
                            if !self.visible_var(*v, f) {
                                self.err(format!(
                                    "{w}: assigns invisible variable {}",
                                    self.p.vars[*v].name
                                ));
                            }
                            self.p.vars[*v].ty.clone()
                        }
                        Place::RefValue(cell) => {
                            self.expr(cell, f);
                            match &cell.ty {
                                Type::Ref(t) => (**t).clone(),
                                other => {
                                    self.err(format!(
                                        "{w}: .value assigned on non-Ref type {other}"
                                    ));
                                    continue;
                                }
                            }
                        }
                    };
                    if !value.ty.is_assignable_to(&ty) {
                        self.err(format!("{w}: assigns {} to a place of type {ty}", value.ty));
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
                if !ty.is_assignable_to(&ret) {
                    self.err(format!("{w}: returns {ty}, declared {ret}"));
                }
            }
        }
    }

    fn cond(&mut self, e: &Expr, f: Option<FuncId>) {
        self.expr(e, f);
        if e.ty != Type::Bool {
            let w = self.where_(f);
            self.err(format!("{w}: condition of type {}", e.ty));
        }
    }

    fn expr(&mut self, e: &Expr, f: Option<FuncId>) {
        for c in crate::visit::children(e) {
            self.expr(c, f);
        }
        let w = self.where_(f);
        let expected: Option<Type> = match &e.kind {
            ExprKind::Const(c) => Some(c.ty()),
            ExprKind::Var(v) => {
                if !self.declared.contains(v) {
                    self.err(format!(
                        "{w}: reads undeclared variable {}",
                        self.p.vars[*v].name
                    ));
                }
                if !self.visible_var(*v, f) {
                    self.err(format!(
                        "{w}: reads invisible variable {}",
                        self.p.vars[*v].name
                    ));
                }
                Some(self.p.vars[*v].ty.clone())
            }
            ExprKind::Unary(op, a) => {
                let t = match op {
                    UnOp::Neg => Type::Int,
                    UnOp::Not => Type::Bool,
                };
                if a.ty != t {
                    self.err(format!("{w}: unary operand of type {}", a.ty));
                }
                Some(t)
            }
            ExprKind::Binary(op, a, b) => {
                let operand_ok = match op {
                    BinOp::And | BinOp::Or => a.ty == Type::Bool && b.ty == Type::Bool,
                    BinOp::Eq | BinOp::Ne => a.ty == b.ty && matches!(a.ty, Type::Int | Type::Bool),
                    BinOp::Is => a.ty.is_reference() && b.ty.is_reference(),
                    _ => a.ty == Type::Int && b.ty == Type::Int,
                };
                if !operand_ok {
                    self.err(format!(
                        "{w}: operator {} on {} and {}",
                        op.symbol(),
                        a.ty,
                        b.ty
                    ));
                }
                Some(match op {
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => {
                        Type::Int
                    }
                    _ => Type::Bool,
                })
            }
            ExprKind::IfExpr(c, a, b) => {
                if c.ty != Type::Bool {
                    self.err(format!(
                        "{w}: conditional expression with condition of type {}",
                        c.ty
                    ));
                }
                if !a.ty.is_assignable_to(&e.ty) || !b.ty.is_assignable_to(&e.ty) {
                    self.err(format!(
                        "{w}: conditional expression branches {} and {} do not fit {}",
                        a.ty, b.ty, e.ty
                    ));
                }
                None
            }
            ExprKind::Call(g, args) => {
                if !self.visible_func(*g, f) {
                    self.err(format!(
                        "{w}: calls invisible function {}",
                        self.p.funcs[*g].name
                    ));
                }
                let callee = &self.p.funcs[*g];
                if callee.params.len() != args.len() {
                    self.err(format!(
                        "{w}: calls {} with {} arguments, expected {}",
                        callee.name,
                        args.len(),
                        callee.params.len()
                    ));
                } else {
                    for (a, &pv) in args.iter().zip(&callee.params) {
                        let pt = &self.p.vars[pv].ty;
                        if !a.ty.is_assignable_to(pt) {
                            let msg = format!(
                                "{w}: passes {} for parameter of type {pt} of {}",
                                a.ty, callee.name
                            );
                            self.err(msg);
                        }
                    }
                }
                Some(callee.ret.clone())
            }
            ExprKind::Builtin(_, args) => {
                if args.len() != 1 {
                    self.err(format!("{w}: print takes one argument"));
                }
                Some(Type::None)
            }
            ExprKind::RefNew => {
                if !matches!(e.ty, Type::Ref(_)) {
                    self.err(format!("{w}: Ref() of type {}", e.ty));
                }
                None
            }
            ExprKind::RefGet(cell) => match &cell.ty {
                Type::Ref(t) => Some((**t).clone()),
                other => {
                    self.err(format!("{w}: .value read on non-Ref type {other}"));
                    None
                }
            },
        };
        if let Some(t) = expected {
            if t != e.ty {
                self.err(format!("{w}: expression typed {} but computes {t}", e.ty));
            }
        }
    }
}
