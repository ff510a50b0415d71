//! Constant folding and dead-branch removal: the cleanup after inlining.
//!
//! Inlining substitutes constant arguments for parameters, which leaves conditions
//! such as `if 15 > 10:` behind; as Binaryen runs `precompute` and `vacuum` after its
//! inliner, this pass folds operators on constants (with ChocoPy's 32-bit wrapping
//! arithmetic and Python's floor division) and keeps only the branch a constant
//! condition selects.
//!
//! Precondition: verified IR. Postcondition: the same behaviour, no operator applied
//! to constants only (except a division by zero, left for the runtime error), no `if`
//! or `while` on a constant condition, no conditional expression on a constant.

use chocopy_ir::{visit, BinOp, Const, Expr, ExprKind, Stmt, UnOp};

/// Python's `a // b` on 32-bit ints (`b != 0`), wrapping `-2^31 // -1`.
pub fn floor_div(a: i32, b: i32) -> i32 {
    let q = a.wrapping_div(b);
    if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// Python's `a % b` on 32-bit ints (`b != 0`): the sign of `b`.
pub fn floor_mod(a: i32, b: i32) -> i32 {
    let r = a.wrapping_rem(b);
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

fn fold(e: &mut Expr) {
    let folded = match &e.kind {
        ExprKind::Unary(UnOp::Neg, a) => match a.kind {
            ExprKind::Const(Const::Int(i)) => Some(Const::Int(i.wrapping_neg())),
            _ => None,
        },
        ExprKind::Unary(UnOp::Not, a) => match a.kind {
            ExprKind::Const(Const::Bool(b)) => Some(Const::Bool(!b)),
            _ => None,
        },
        ExprKind::Binary(op, a, b) => match (op, &a.kind, &b.kind) {
            (_, ExprKind::Const(Const::Int(x)), ExprKind::Const(Const::Int(y))) => {
                let (x, y) = (*x, *y);
                match op {
                    BinOp::Add => Some(Const::Int(x.wrapping_add(y))),
                    BinOp::Sub => Some(Const::Int(x.wrapping_sub(y))),
                    BinOp::Mul => Some(Const::Int(x.wrapping_mul(y))),
                    BinOp::FloorDiv if y != 0 => Some(Const::Int(floor_div(x, y))),
                    BinOp::Mod if y != 0 => Some(Const::Int(floor_mod(x, y))),
                    BinOp::Lt => Some(Const::Bool(x < y)),
                    BinOp::Le => Some(Const::Bool(x <= y)),
                    BinOp::Gt => Some(Const::Bool(x > y)),
                    BinOp::Ge => Some(Const::Bool(x >= y)),
                    BinOp::Eq => Some(Const::Bool(x == y)),
                    BinOp::Ne => Some(Const::Bool(x != y)),
                    _ => None,
                }
            }
            (BinOp::Eq, ExprKind::Const(Const::Bool(x)), ExprKind::Const(Const::Bool(y))) => {
                Some(Const::Bool(x == y))
            }
            (BinOp::Ne, ExprKind::Const(Const::Bool(x)), ExprKind::Const(Const::Bool(y))) => {
                Some(Const::Bool(x != y))
            }
            (BinOp::And, ExprKind::Const(Const::Bool(false)), _) => Some(Const::Bool(false)),
            (BinOp::Or, ExprKind::Const(Const::Bool(true)), _) => Some(Const::Bool(true)),
            _ => None,
        },
        _ => None,
    };
    if let Some(c) = folded {
        e.kind = ExprKind::Const(c);
        return;
    }
    // `True and x` is x; `False or x` is x; a conditional on a constant is a branch
    // of exactly its type (a narrower branch, `[]` for a `[int]` or a subclass for
    // its superclass, would change the type of the expression its parent sees; an
    // `int` branch of an `object` conditional would also need boxing).
    let kind = std::mem::replace(&mut e.kind, ExprKind::Const(Const::None));
    e.kind = match kind {
        ExprKind::Binary(BinOp::And, a, b) if a.kind == ExprKind::Const(Const::Bool(true)) => {
            b.kind
        }
        ExprKind::Binary(BinOp::Or, a, b) if a.kind == ExprKind::Const(Const::Bool(false)) => {
            b.kind
        }
        ExprKind::IfExpr(c, a, b) if matches!(c.kind, ExprKind::Const(Const::Bool(_))) => {
            let taken = if c.kind == ExprKind::Const(Const::Bool(true)) {
                &a
            } else {
                &b
            };
            if taken.ty == e.ty {
                taken.kind.clone()
            } else {
                ExprKind::IfExpr(c, a, b)
            }
        }
        other => other,
    };
}

/// Folds constants in `stmts` and removes branches constant conditions never take.
pub fn simplify(stmts: Vec<Stmt>) -> Vec<Stmt> {
    let mut stmts = stmts;
    visit::exprs_post_mut(&mut stmts, &mut fold);
    prune(stmts)
}

fn prune(stmts: Vec<Stmt>) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(stmts.len());
    for s in stmts {
        match s {
            Stmt::If { cond, then_, else_ } => match cond.kind {
                ExprKind::Const(Const::Bool(true)) => out.extend(prune(then_)),
                ExprKind::Const(Const::Bool(false)) => out.extend(prune(else_)),
                _ => out.push(Stmt::If {
                    cond,
                    then_: prune(then_),
                    else_: prune(else_),
                }),
            },
            Stmt::While { cond, body } => {
                if cond.kind != ExprKind::Const(Const::Bool(false)) {
                    out.push(Stmt::While {
                        cond,
                        body: prune(body),
                    });
                }
            }
            Stmt::For { target, iter, body } => out.push(Stmt::For {
                target,
                iter,
                body: prune(body),
            }),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_division_on_32_bit_ints() {
        assert_eq!(floor_div(7, -2), -4);
        assert_eq!(floor_div(-7, 2), -4);
        assert_eq!(floor_div(0, -3), 0);
        assert_eq!(floor_div(i32::MIN, -1), i32::MIN);
        assert_eq!(floor_mod(-7, 2), 1);
        assert_eq!(floor_mod(7, -2), -1);
        assert_eq!(floor_mod(i32::MIN, -1), 0);
    }
}
