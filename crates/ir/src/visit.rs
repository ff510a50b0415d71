//! Walkers over statement and expression trees, shared by all passes.
//!
//! Read-only walks are pre-order (a node before its children); mutating walks are
//! post-order (children first), so that a rewrite which wraps a node (say `x` into
//! `x.value`) is never visited again.

use crate::{Expr, ExprKind, Place, Stmt};

/// The direct subexpressions of `e`, in evaluation order.
pub fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Var(_) | ExprKind::RefNew | ExprKind::New(_) => vec![],
        ExprKind::Unary(_, a) | ExprKind::RefGet(a) | ExprKind::Attr(a, _) => vec![a],
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => vec![a, b],
        ExprKind::IfExpr(c, a, b) => vec![c, a, b],
        ExprKind::Call(_, args) | ExprKind::Builtin(_, args) | ExprKind::List(args) => {
            args.iter().collect()
        }
        ExprKind::MethodCall(obj, _, args) => std::iter::once(&**obj).chain(args.iter()).collect(),
    }
}

/// The direct subexpressions of `e`, mutably, in evaluation order.
pub fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    match &mut e.kind {
        ExprKind::Const(_) | ExprKind::Var(_) | ExprKind::RefNew | ExprKind::New(_) => vec![],
        ExprKind::Unary(_, a) | ExprKind::RefGet(a) | ExprKind::Attr(a, _) => vec![a],
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => vec![a, b],
        ExprKind::IfExpr(c, a, b) => vec![c, a, b],
        ExprKind::Call(_, args) | ExprKind::Builtin(_, args) | ExprKind::List(args) => {
            args.iter_mut().collect()
        }
        ExprKind::MethodCall(obj, _, args) => {
            std::iter::once(&mut **obj).chain(args.iter_mut()).collect()
        }
    }
}

/// The operands of a place, in evaluation order.
pub fn place_exprs(p: &Place) -> Vec<&Expr> {
    match p {
        Place::Var(_) => vec![],
        Place::RefValue(e) | Place::Attr(e, _) => vec![e],
        Place::Index(a, b) => vec![a, b],
    }
}

/// The operands of a place, mutably, in evaluation order.
pub fn place_exprs_mut(p: &mut Place) -> Vec<&mut Expr> {
    match p {
        Place::Var(_) => vec![],
        Place::RefValue(e) | Place::Attr(e, _) => vec![e],
        Place::Index(a, b) => vec![a, b],
    }
}

/// Calls `f` on each direct subexpression of `e`, in evaluation order (as
/// [`children`], without allocating).
#[inline]
pub fn for_each_child<'e>(e: &'e Expr, mut f: impl FnMut(&'e Expr)) {
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Var(_) | ExprKind::RefNew | ExprKind::New(_) => {}
        ExprKind::Unary(_, a) | ExprKind::RefGet(a) | ExprKind::Attr(a, _) => f(a),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            f(a);
            f(b);
        }
        ExprKind::IfExpr(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        ExprKind::Call(_, args) | ExprKind::Builtin(_, args) | ExprKind::List(args) => {
            args.iter().for_each(f)
        }
        ExprKind::MethodCall(obj, _, args) => {
            f(obj);
            args.iter().for_each(f);
        }
    }
}

/// Calls `f` on each direct subexpression of `e`, mutably, in evaluation order.
#[inline]
pub fn for_each_child_mut(e: &mut Expr, mut f: impl FnMut(&mut Expr)) {
    match &mut e.kind {
        ExprKind::Const(_) | ExprKind::Var(_) | ExprKind::RefNew | ExprKind::New(_) => {}
        ExprKind::Unary(_, a) | ExprKind::RefGet(a) | ExprKind::Attr(a, _) => f(a),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            f(a);
            f(b);
        }
        ExprKind::IfExpr(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        ExprKind::Call(_, args) | ExprKind::Builtin(_, args) | ExprKind::List(args) => {
            args.iter_mut().for_each(f)
        }
        ExprKind::MethodCall(obj, _, args) => {
            f(obj);
            args.iter_mut().for_each(f);
        }
    }
}

/// Calls `f` on the operands of a place, in evaluation order.
#[inline]
pub fn for_each_place_expr<'e>(p: &'e Place, mut f: impl FnMut(&'e Expr)) {
    match p {
        Place::Var(_) => {}
        Place::RefValue(e) | Place::Attr(e, _) => f(e),
        Place::Index(a, b) => {
            f(a);
            f(b);
        }
    }
}

/// Calls `f` on the operands of a place, mutably, in evaluation order.
#[inline]
pub fn for_each_place_expr_mut(p: &mut Place, mut f: impl FnMut(&mut Expr)) {
    match p {
        Place::Var(_) => {}
        Place::RefValue(e) | Place::Attr(e, _) => f(e),
        Place::Index(a, b) => {
            f(a);
            f(b);
        }
    }
}

/// Calls `f` on the expressions directly held by a statement, in evaluation order
/// (as [`stmt_exprs`], without allocating).
#[inline]
pub fn for_each_stmt_expr<'e>(s: &'e Stmt, mut f: impl FnMut(&'e Expr)) {
    match s {
        Stmt::Expr(e) => f(e),
        Stmt::Assign { targets, value } => {
            f(value);
            for t in targets {
                for_each_place_expr(t, &mut f);
            }
        }
        Stmt::If { cond, .. } | Stmt::While { cond, .. } => f(cond),
        Stmt::For { target, iter, .. } => {
            f(iter);
            for_each_place_expr(target, &mut f);
        }
        Stmt::Return { value, .. } => {
            if let Some(v) = value {
                f(v)
            }
        }
    }
}

/// Calls `f` on `e` and every subexpression, pre-order.
pub fn expr_pre(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    for_each_child(e, |c| expr_pre(c, f));
}

/// Calls `f` on every subexpression of `e` and then on `e`, post-order.
pub fn expr_post_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    for_each_child_mut(e, |c| expr_post_mut(c, f));
    f(e);
}

/// The expressions directly held by a statement (not those of nested statements), in
/// evaluation order: for an assignment the value first, then the places' operands.
pub fn stmt_exprs(s: &Stmt) -> Vec<&Expr> {
    match s {
        Stmt::Expr(e) => vec![e],
        Stmt::Assign { targets, value } => {
            let mut v = vec![value];
            for t in targets {
                v.extend(place_exprs(t));
            }
            v
        }
        Stmt::If { cond, .. } | Stmt::While { cond, .. } => vec![cond],
        Stmt::For { target, iter, .. } => {
            let mut v = vec![iter];
            v.extend(place_exprs(target));
            v
        }
        Stmt::Return { value, .. } => value.iter().collect(),
    }
}

/// The blocks nested directly in a statement.
pub fn stmt_blocks(s: &Stmt) -> Vec<&Vec<Stmt>> {
    match s {
        Stmt::If { then_, else_, .. } => vec![then_, else_],
        Stmt::While { body, .. } | Stmt::For { body, .. } => vec![body],
        _ => vec![],
    }
}

/// Calls `f` on every statement of `stmts`, nested ones included, pre-order.
pub fn stmts_pre(stmts: &[Stmt], f: &mut dyn FnMut(&Stmt)) {
    for s in stmts {
        f(s);
        match s {
            Stmt::If { then_, else_, .. } => {
                stmts_pre(then_, f);
                stmts_pre(else_, f);
            }
            Stmt::While { body, .. } | Stmt::For { body, .. } => stmts_pre(body, f),
            _ => {}
        }
    }
}

/// Calls `f` on every assignment target in `stmts` (of assignments and `for` loops),
/// nested statements included, in order.
pub fn targets_pre(stmts: &[Stmt], f: &mut dyn FnMut(&Place)) {
    stmts_pre(stmts, &mut |s| match s {
        Stmt::Assign { targets, .. } => targets.iter().for_each(&mut *f),
        Stmt::For { target, .. } => f(target),
        _ => {}
    });
}

/// Variables assigned in `stmts` (by assignments or `for` loops), nested statements
/// included, in order of first assignment, once each.
pub fn assigned_vars(stmts: &[Stmt]) -> Vec<crate::VarId> {
    // Bodies assign few distinct variables: a linear search, then a set past 16.
    let mut out: Vec<crate::VarId> = Vec::new();
    let mut seen: Option<rustc_hash::FxHashSet<crate::VarId>> = None;
    targets_pre(stmts, &mut |t| {
        if let Place::Var(v) = t {
            let new = match &mut seen {
                Some(set) => set.insert(*v),
                None if out.len() < 16 => !out.contains(v),
                None => {
                    let set = seen.insert(out.iter().copied().collect());
                    set.insert(*v)
                }
            };
            if new {
                out.push(*v);
            }
        }
    });
    out
}

/// Calls `f` on every expression node in `stmts` (nested statements included),
/// pre-order, statements in order.
pub fn exprs_pre(stmts: &[Stmt], f: &mut dyn FnMut(&Expr)) {
    stmts_pre(stmts, &mut |s| for_each_stmt_expr(s, |e| expr_pre(e, f)));
}

/// Calls `f` on every expression node in `stmts` (nested statements included),
/// post-order, and `g` on every assignment target, after the target's operands.
pub fn rewrite(stmts: &mut [Stmt], f: &mut dyn FnMut(&mut Expr), g: &mut dyn FnMut(&mut Place)) {
    for s in stmts {
        match s {
            Stmt::Expr(e) => expr_post_mut(e, f),
            Stmt::Assign { targets, value } => {
                expr_post_mut(value, f);
                for t in targets {
                    for_each_place_expr_mut(t, |e| expr_post_mut(e, f));
                    g(t);
                }
            }
            Stmt::For { target, iter, body } => {
                expr_post_mut(iter, f);
                for_each_place_expr_mut(target, |e| expr_post_mut(e, f));
                g(target);
                rewrite(body, f, g);
            }
            Stmt::If { cond, then_, else_ } => {
                expr_post_mut(cond, f);
                rewrite(then_, f, g);
                rewrite(else_, f, g);
            }
            Stmt::While { cond, body } => {
                expr_post_mut(cond, f);
                rewrite(body, f, g);
            }
            Stmt::Return { value, .. } => {
                if let Some(v) = value {
                    expr_post_mut(v, f);
                }
            }
        }
    }
}

/// Calls `f` on every expression node of `stmts`, post-order, mutably.
pub fn exprs_post_mut(stmts: &mut [Stmt], f: &mut dyn FnMut(&mut Expr)) {
    rewrite(stmts, f, &mut |_| {});
}
