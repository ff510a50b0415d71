//! Automatic reduction of a failing program: greedy delta debugging over the
//! generator's AST (Zeller and Hildebrandt, "Simplifying and isolating
//! failure-inducing input", TSE 2002, applied to trees as in Perses and C-Reduce).
//!
//! Every edit site of the program is numbered in one traversal: definitions
//! (classes, functions, methods, nested functions, variables, attributes,
//! declarations), then statements (deleted, or replaced by one of their blocks),
//! then expressions (replaced by a literal of their type or by a subexpression of
//! the same type). Edit `k` is tried; it is kept when the program is still valid
//! (the front end accepts it, CPython runs it without leaving the generator's
//! promises) and still fails in the same place while a control that passed before
//! still passes (so the reducer never drifts to a difference between Python and
//! ChocoPy that the generator normally avoids, such as printing `None`). Passes
//! repeat until nothing more can be removed. Structural statements (loop counters,
//! depth guards, prologues) are never deleted: a reduced program still terminates.

use crate::ast::*;
use crate::diff::{Checker, Verdict, Where};

/// How an edit site is changed.
struct Editor {
    target: usize,
    count: usize,
    done: bool,
}

impl Editor {
    /// Whether the current site is the one to edit (and counts it).
    fn hit(&mut self) -> bool {
        let h = !self.done && self.count == self.target;
        self.count += 1;
        if h {
            self.done = true;
        }
        h
    }

    fn program(&mut self, p: &mut Program) {
        self.remove_each(&mut p.classes);
        self.remove_each(&mut p.funcs);
        self.remove_each(&mut p.globals);
        for c in &mut p.classes {
            self.remove_each(&mut c.methods);
            self.remove_each(&mut c.attrs);
        }
        for c in &mut p.classes {
            for m in &mut c.methods {
                self.func_defs(m);
            }
        }
        for f in &mut p.funcs {
            self.func_defs(f);
        }
        self.block(&mut p.main);
        for c in &mut p.classes {
            for m in &mut c.methods {
                self.func_stmts(m);
            }
        }
        for f in &mut p.funcs {
            self.func_stmts(f);
        }
        for i in &mut p.prologue {
            self.init(i);
        }
        self.block_exprs(&mut p.main);
        for c in &mut p.classes {
            for m in &mut c.methods {
                self.func_exprs(m);
            }
        }
        for f in &mut p.funcs {
            self.func_exprs(f);
        }
    }

    fn remove_each<T>(&mut self, items: &mut Vec<T>) {
        let mut i = 0;
        while i < items.len() {
            if self.hit() {
                items.remove(i);
                return;
            }
            i += 1;
        }
    }

    fn func_defs(&mut self, f: &mut FuncDef) {
        self.remove_each(&mut f.nested);
        self.remove_each(&mut f.locals);
        self.remove_each(&mut f.decls);
        for n in &mut f.nested {
            self.func_defs(n);
        }
    }

    fn func_stmts(&mut self, f: &mut FuncDef) {
        self.block(&mut f.body);
        for n in &mut f.nested {
            self.func_stmts(n);
        }
    }

    fn func_exprs(&mut self, f: &mut FuncDef) {
        if let Some((_, Some(e))) = &mut f.guard {
            self.expr(e);
        }
        for i in &mut f.prologue {
            self.init(i);
        }
        self.block_exprs(&mut f.body);
        for n in &mut f.nested {
            self.func_exprs(n);
        }
    }

    fn init(&mut self, i: &mut Init) {
        self.expr(&mut i.value);
    }

    /// Statement edits: delete a statement, or replace it by one of its blocks.
    fn block(&mut self, stmts: &mut Vec<Stmt>) {
        let mut i = 0;
        while i < stmts.len() {
            if self.hit() {
                stmts.remove(i);
                return;
            }
            let replacement = match &mut stmts[i] {
                Stmt::If(_, t, e) => {
                    if self.hit() {
                        Some(std::mem::take(t))
                    } else if self.hit() {
                        Some(std::mem::take(e))
                    } else {
                        None
                    }
                }
                Stmt::While { body, .. } | Stmt::For(_, _, body) => {
                    self.hit().then(|| std::mem::take(body))
                }
                _ => None,
            };
            if let Some(r) = replacement {
                stmts.splice(i..=i, r);
                return;
            }
            match &mut stmts[i] {
                Stmt::If(_, t, e) => {
                    self.block(t);
                    self.block(e);
                }
                Stmt::While {
                    body, bound, cond, ..
                } => {
                    if *bound > 1 && self.hit() {
                        *bound = 1;
                        return;
                    }
                    if cond.is_some() && self.hit() {
                        *cond = None;
                        return;
                    }
                    self.block(body);
                }
                Stmt::For(_, _, body) => self.block(body),
                _ => {}
            }
            if self.done {
                return;
            }
            i += 1;
        }
    }

    fn block_exprs(&mut self, stmts: &mut [Stmt]) {
        for s in stmts {
            match s {
                Stmt::Pass | Stmt::Return(None) => {}
                Stmt::Expr(e) | Stmt::Return(Some(e)) => self.expr(e),
                Stmt::Assign(targets, v) => {
                    for t in targets {
                        self.target(t);
                    }
                    self.expr(v);
                }
                Stmt::If(c, t, e) => {
                    self.expr(c);
                    self.block_exprs(t);
                    self.block_exprs(e);
                }
                Stmt::While { cond, body, .. } => {
                    if let Some(c) = cond {
                        self.expr(c);
                    }
                    self.block_exprs(body);
                }
                Stmt::For(_, iter, body) => {
                    self.expr(iter);
                    self.block_exprs(body);
                }
            }
            if self.done {
                return;
            }
        }
    }

    fn target(&mut self, t: &mut Target) {
        match t {
            Target::Var(_) => {}
            Target::Attr(o, _) => self.expr(o),
            Target::Index(l, i) => {
                self.expr(l);
                self.expr(i);
            }
        }
    }

    /// Expression edits: a literal of the same type, or a subexpression of exactly
    /// the same type and facts.
    fn expr(&mut self, e: &mut Expr) {
        if self.done {
            return;
        }
        if let Some(l) = simplest(&e.ty) {
            if e.kind != l.kind && self.hit() {
                *e = l;
                return;
            }
        }
        let same: Vec<usize> = e
            .children()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.ty == e.ty)
            .map(|(i, _)| i)
            .collect();
        for i in same {
            if self.hit() {
                let child = e.children()[i].clone();
                *e = child;
                return;
            }
        }
        for c in e.children_mut() {
            self.expr(c);
            if self.done {
                return;
            }
        }
    }
}

/// The simplest expression of type `t` (a literal, or a construction of a class
/// with no arguments), if there is one that keeps `t`'s facts.
fn simplest(t: &GTy) -> Option<Expr> {
    match &t.ty {
        Ty::Int => Some(Expr::lit(Lit::Int(0))),
        Ty::Bool => Some(Expr::lit(Lit::Bool(false))),
        Ty::Str => Some(Expr::lit(Lit::Str(if t.maybe_empty {
            String::new()
        } else {
            "a".into()
        }))),
        Ty::Class(c) => Some(Expr::new(
            ExprKind::Call(c.clone(), vec![]),
            GTy::plain(t.ty.clone()),
        )),
        _ => None,
    }
}

/// Applies edit `k` to `p`; `None` when `p` has fewer edit sites.
fn edit(p: &Program, k: usize) -> Option<Program> {
    let mut q = p.clone();
    let mut ed = Editor {
        target: k,
        count: 0,
        done: false,
    };
    ed.program(&mut q);
    ed.done.then_some(q)
}

/// The failures of a check, as a set of places.
fn places(v: &Verdict) -> Vec<Where> {
    match v {
        Verdict::Fail(ms) => {
            let mut w: Vec<Where> = ms.iter().map(|m| m.at.clone()).collect();
            w.sort();
            w.dedup();
            w
        }
        _ => vec![],
    }
}

/// Reduces `p` (which fails at `at`) to a smaller program failing there too, with
/// at most `budget` checks. Returns the reduced program and the number of checks.
pub fn reduce(
    checker: &mut Checker,
    p: &Program,
    layout: Layout,
    at: &Where,
    budget: usize,
) -> (Program, usize) {
    let print = |p: &Program| {
        (
            print_program(p, Mode::Plain, layout),
            print_program(p, Mode::Checked, layout),
        )
    };
    let (plain, checked) = print(p);
    let before = places(&checker.check(&plain, &checked, None));
    let mut checks = 1;
    let mut best = p.clone();
    loop {
        let mut changed = false;
        let mut k = 0;
        while let Some(cand) = edit(&best, k) {
            if checks >= budget {
                return (best, checks);
            }
            let (plain, checked) = print(&cand);
            checks += 1;
            let v = checker.check(&plain, &checked, None);
            let now = places(&v);
            // Still failing at `at`, and nowhere that passed before.
            if now.contains(at) && now.iter().all(|w| before.contains(w)) {
                best = cand;
                changed = true;
            } else {
                k += 1;
            }
        }
        if !changed {
            return (best, checks);
        }
    }
}
