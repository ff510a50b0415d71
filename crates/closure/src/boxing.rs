//! Boxing (assignment conversion): selected variables move into heap `Ref` cells.
//!
//! For each selected variable `x` of type `T`, owned by function `f`:
//! - a local `x: T = c` becomes `x: Ref[T] = None`, and `f` starts with
//!   `x = Ref(); x.value = c`;
//! - a parameter `x` is renamed (hint `x$1`) and a new local cell `x: Ref[T]` is
//!   created; `f` starts with `x = Ref(); x.value = x$1`;
//! - every read of `x` in `f` and in the functions nested in it becomes `x.value`, and
//!   every assignment `x = e` becomes `x.value = e`. Since nobody assigns `x` itself
//!   any more, the `nonlocal x` declarations disappear from the printed program.
//!
//! The cell, not the value, is what nested functions capture, so an assignment in a
//! nested function is seen by its owner and every other function sharing the cell
//! (design notes, "boxing"; Appel, *Modern Compiler Implementation*, assignment
//! conversion).
//!
//! Precondition: verified nested IR; the selected variables are function variables
//! (globals are never boxed: every function reaches them directly). Postcondition: no
//! selected variable is read or assigned directly except by the cell initialisation;
//! the IR verifies.

use chocopy_ir::{
    visit, Const, Expr, ExprKind, FuncId, Place, Program, Span, Stmt, Type, VarDef, VarId,
};
use std::collections::{BTreeSet, HashMap};

/// Boxes every variable of `vars` (globals among them are ignored). Returns the cells
/// created, per boxed variable (for a local, the variable itself).
pub fn box_vars(p: &mut Program, vars: &BTreeSet<VarId>) -> HashMap<VarId, VarId> {
    let mut cells: HashMap<VarId, VarId> = HashMap::new();
    let mut prologues: HashMap<FuncId, Vec<Stmt>> = HashMap::new();
    for &v in vars {
        let Some(owner) = p.vars[v].owner else {
            continue;
        };
        let elem = p.vars[v].ty.clone();
        if matches!(elem, Type::Ref(_)) {
            continue;
        }
        let span = p.vars[v].span;
        let cell_ty = Type::Ref(Box::new(elem.clone()));
        let (cell, init) = if p.funcs[owner].params.contains(&v) {
            let name = p.vars[v].name.clone();
            p.vars[v].name = format!("{name}$1");
            let cell = p.new_var(name, cell_ty.clone(), Some(owner), span);
            p.funcs[owner].locals.push(VarDef {
                var: cell,
                init: Const::None,
            });
            (cell, p.read(v, span))
        } else {
            let def = p.funcs[owner]
                .locals
                .iter_mut()
                .find(|d| d.var == v)
                .expect("a function variable is a parameter or a local");
            let init = std::mem::replace(&mut def.init, Const::None);
            p.vars[v].ty = cell_ty.clone();
            (v, Expr::constant(init, span))
        };
        cells.insert(v, cell);
        let cell_read = Expr::var(cell, cell_ty.clone(), span);
        let prologue = prologues.entry(owner).or_default();
        prologue.push(Stmt::Assign {
            targets: vec![Place::Var(cell)],
            value: Expr::new(ExprKind::RefNew, cell_ty, span),
        });
        prologue.push(Stmt::Assign {
            targets: vec![Place::RefValue(Box::new(cell_read))],
            value: init,
        });
    }
    // Rewrite uses everywhere (only the owner and its nested functions can have any).
    let rewrite_body = |p: &Program, body: &mut Vec<Stmt>| {
        visit::rewrite(
            body,
            &mut |e| {
                if let ExprKind::Var(v) = e.kind {
                    if let Some(&cell) = cells.get(&v) {
                        let cell_ty = p.vars[cell].ty.clone();
                        let elem = cell_ty.ref_content().cloned().unwrap_or(Type::Object);
                        let read = Expr::var(cell, cell_ty, e.span);
                        *e = Expr::new(ExprKind::RefGet(Box::new(read)), elem, e.span);
                    }
                }
            },
            &mut |pl| {
                if let Place::Var(v) = pl {
                    if let Some(&cell) = cells.get(v) {
                        let read = Expr::var(cell, p.vars[cell].ty.clone(), Span::default());
                        *pl = Place::RefValue(Box::new(read));
                    }
                }
            },
        );
    };
    for f in p.all_functions() {
        let mut body = std::mem::take(&mut p.funcs[f].body);
        rewrite_body(p, &mut body);
        if let Some(mut pro) = prologues.remove(&f) {
            pro.extend(body);
            body = pro;
        }
        p.funcs[f].body = body;
    }
    cells
}
