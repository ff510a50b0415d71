//! Free variables, captured and nonlocally-mutable variables, and the extra parameters
//! of lambda lifting.
//!
//! Definitions (design notes, "Which variables need a Ref"):
//! - the *direct free variables* of `g` are the variables its own body reads or writes
//!   that belong to a function enclosing `g` (globals never count);
//! - the *free variables* of `g` also include those of the functions nested in `g`
//!   that belong to a function enclosing `g`;
//! - a variable is *captured* when some function other than its owner uses it, and
//!   *nonlocally mutable* when some function other than its owner assigns it (through
//!   `nonlocal` in the source). Only nonlocally-mutable variables need a `Ref` cell: if
//!   only the owner assigns, passing the current value at each call is exact, because
//!   the owner is suspended while the callee runs.
//! - the *extra parameters* of a lifted function `g` are the variables of enclosing
//!   functions that `g` needs, directly or because it calls a function that needs them
//!   (Johnsson 1985). They are the least solution of
//!   `extra(g) = (direct(g) ∪ ⋃ extra(h) for h called by g) \ vars owned by g`,
//!   computed per strongly connected component of the call graph, callees first, with
//!   an iteration inside each SCC (Danvy and Schultz, "Lambda-lifting in quadratic
//!   time", 2002); non-recursive functions take one step.

use crate::CallGraph;
use chocopy_ir::{visit, ExprKind, FuncId, Program, Stmt, VarId};
use std::collections::{BTreeSet, HashMap};

/// The results of the capture analysis of one program.
#[derive(Debug, Clone, Default)]
pub struct Captures {
    /// Per function: variables of enclosing functions its own body uses.
    pub direct: HashMap<FuncId, BTreeSet<VarId>>,
    /// Per function: variables of enclosing functions it or its nested functions use.
    pub free: HashMap<FuncId, BTreeSet<VarId>>,
    /// Variables used by a function other than their owner.
    pub captured: BTreeSet<VarId>,
    /// Function variables (not globals) that some assignment statement writes.
    pub assigned: BTreeSet<VarId>,
    /// Variables assigned by a function other than their owner.
    pub nonlocally_mutable: BTreeSet<VarId>,
}

/// Variables used (read or written) and written by `body`.
fn uses(body: &[Stmt]) -> (BTreeSet<VarId>, BTreeSet<VarId>) {
    let mut used = BTreeSet::new();
    let mut written = BTreeSet::new();
    visit::exprs_pre(body, &mut |e| {
        if let ExprKind::Var(v) = e.kind {
            used.insert(v);
        }
    });
    for v in visit::assigned_vars(body) {
        used.insert(v);
        written.insert(v);
    }
    (used, written)
}

/// Computes the capture analysis of `p` (nested or flat IR).
pub fn analyze(p: &Program) -> Captures {
    let mut c = Captures::default();
    let all = p.all_functions();
    for &f in &all {
        let (used, written) = uses(&p.funcs[f].body);
        let foreign = |v: &VarId| matches!(p.vars[*v].owner, Some(o) if o != f);
        let direct: BTreeSet<VarId> = used.iter().copied().filter(foreign).collect();
        for &v in &written {
            if p.vars[v].owner.is_some() {
                c.assigned.insert(v);
                if foreign(&v) {
                    c.nonlocally_mutable.insert(v);
                }
            }
        }
        c.captured.extend(direct.iter().copied());
        c.direct.insert(f, direct);
    }
    // Free variables: children before parents (reverse of parents-first order).
    for &f in all.iter().rev() {
        let mut free = c.direct[&f].clone();
        for g in &p.funcs[f].nested {
            free.extend(
                c.free[g]
                    .iter()
                    .copied()
                    .filter(|v| p.vars[*v].owner != Some(f)),
            );
        }
        c.free.insert(f, free);
    }
    c
}

/// The extra parameters lambda lifting gives each function, sorted by variable id
/// (declaration order). Top-level functions get none.
pub fn extra_params(p: &Program, cg: &CallGraph, caps: &Captures) -> HashMap<FuncId, Vec<VarId>> {
    let mut extra: HashMap<FuncId, BTreeSet<VarId>> = HashMap::new();
    for scc in cg.sccs() {
        for &g in scc {
            let mut set = caps.direct.get(&g).cloned().unwrap_or_default();
            for h in cg.callees(g) {
                if let Some(eh) = extra.get(&h) {
                    set.extend(eh.iter().copied().filter(|v| p.vars[*v].owner != Some(g)));
                }
            }
            extra.insert(g, set);
        }
        if scc.len() > 1 || cg.is_recursive(scc[0]) {
            let mut changed = true;
            while changed {
                changed = false;
                for &g in scc {
                    let mut add = Vec::new();
                    for h in cg.callees(g) {
                        if scc.contains(&h) {
                            add.extend(
                                extra[&h]
                                    .iter()
                                    .copied()
                                    .filter(|v| p.vars[*v].owner != Some(g)),
                            );
                        }
                    }
                    let set = extra.get_mut(&g).unwrap();
                    for v in add {
                        changed |= set.insert(v);
                    }
                }
            }
        }
    }
    extra
        .into_iter()
        .map(|(f, s)| (f, s.into_iter().collect()))
        .collect()
}
