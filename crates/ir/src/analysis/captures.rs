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
//!
//! Per-variable facts are [`VarFlags`] in a table indexed by [`VarId`] (as Ruff's
//! `BindingFlags`); per-function sets are sorted vectors in tables indexed by
//! [`FuncId`]. A variable created after the analysis has no flags
//! ([`Captures::covers`] tells).

use super::CallGraph;
use crate::{visit, ExprKind, FuncId, Program, Stmt, VarId};

/// Facts about one variable, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct VarFlags(u8);

impl VarFlags {
    /// No fact.
    pub const EMPTY: VarFlags = VarFlags(0);
    /// Used (read or written) by a function other than its owner.
    pub const CAPTURED: VarFlags = VarFlags(1);
    /// A function variable (not a global) that some assignment statement writes.
    pub const ASSIGNED: VarFlags = VarFlags(2);
    /// Assigned by a function other than its owner.
    pub const NONLOCALLY_MUTABLE: VarFlags = VarFlags(4);

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: VarFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the bits of `other`.
    pub fn insert(&mut self, other: VarFlags) {
        self.0 |= other.0;
    }
}

impl std::ops::BitOr for VarFlags {
    type Output = VarFlags;
    fn bitor(self, rhs: VarFlags) -> VarFlags {
        VarFlags(self.0 | rhs.0)
    }
}

/// The results of the capture analysis of one program.
#[derive(Debug, Clone, Default)]
pub struct Captures {
    /// Per function: variables of enclosing functions its own body uses (sorted).
    direct: Vec<Vec<VarId>>,
    /// Per function: variables of enclosing functions it or its nested functions use
    /// (sorted).
    free: Vec<Vec<VarId>>,
    /// Per variable: its flags.
    flags: Vec<VarFlags>,
    /// The variables in the order of their ids (to list those with a flag).
    vars: Vec<VarId>,
}

/// Variables used (read or written) and written by `body`, each once.
fn uses(body: &[Stmt], seen: &mut [u8], epoch: u8) -> (Vec<VarId>, Vec<VarId>) {
    let mut used = Vec::new();
    visit::exprs_pre(body, &mut |e| {
        if let ExprKind::Var(v) = e.kind {
            if seen[v.index()] != epoch {
                seen[v.index()] = epoch;
                used.push(v);
            }
        }
    });
    let written = visit::assigned_vars(body);
    for &v in &written {
        if seen[v.index()] != epoch {
            seen[v.index()] = epoch;
            used.push(v);
        }
    }
    (used, written)
}

impl Captures {
    /// Computes the capture analysis of `p` (nested or flat IR), in time linear in the
    /// size of the program (plus sorting the per-function sets).
    pub fn analyze(p: &Program) -> Captures {
        let nv = p.vars.len();
        let nf = p.funcs.len();
        let mut c = Captures {
            direct: vec![Vec::new(); nf],
            free: vec![Vec::new(); nf],
            flags: vec![VarFlags::EMPTY; nv],
            vars: p.vars.iter().map(|(v, _)| v).collect(),
        };
        let all = p.all_functions();
        // Epoch marks (wrapping) avoid clearing a set per function.
        let mut seen = vec![0u8; nv];
        let mut epoch = 0u8;
        for &f in &all {
            epoch = epoch.wrapping_add(1);
            if epoch == 0 {
                seen.iter_mut().for_each(|s| *s = 0);
                epoch = 1;
            }
            let (used, written) = uses(&p.funcs[f].body, &mut seen, epoch);
            let foreign = |v: VarId| matches!(p.vars[v].owner, Some(o) if o != f);
            for &v in &written {
                if p.vars[v].owner.is_some() {
                    c.flags[v.index()].insert(VarFlags::ASSIGNED);
                    if foreign(v) {
                        c.flags[v.index()].insert(VarFlags::NONLOCALLY_MUTABLE);
                    }
                }
            }
            let mut direct: Vec<VarId> = used.into_iter().filter(|&v| foreign(v)).collect();
            direct.sort_unstable();
            for &v in &direct {
                c.flags[v.index()].insert(VarFlags::CAPTURED);
            }
            c.direct[f.index()] = direct;
        }
        // Free variables: children before parents (reverse of parents-first order).
        for &f in all.iter().rev() {
            let mut free = c.direct[f.index()].clone();
            for g in &p.funcs[f].nested {
                free.extend(
                    c.free[g.index()]
                        .iter()
                        .copied()
                        .filter(|v| p.vars[*v].owner != Some(f)),
                );
            }
            free.sort_unstable();
            free.dedup();
            c.free[f.index()] = free;
        }
        c
    }

    /// Whether variable `v` existed when the analysis ran (a variable created later has
    /// no facts recorded).
    pub fn covers(&self, v: VarId) -> bool {
        v.index() < self.flags.len()
    }

    /// The facts about `v` (empty for a variable created after the analysis).
    pub fn flags(&self, v: VarId) -> VarFlags {
        self.flags.get(v.index()).copied().unwrap_or_default()
    }

    /// Whether a function other than its owner uses `v`.
    pub fn is_captured(&self, v: VarId) -> bool {
        self.flags(v).contains(VarFlags::CAPTURED)
    }

    /// Whether `v` is a function variable some assignment writes.
    pub fn is_assigned(&self, v: VarId) -> bool {
        self.flags(v).contains(VarFlags::ASSIGNED)
    }

    /// Whether a function other than its owner assigns `v`.
    pub fn is_nonlocally_mutable(&self, v: VarId) -> bool {
        self.flags(v).contains(VarFlags::NONLOCALLY_MUTABLE)
    }

    /// The variables with every flag of `flags`, in id order.
    pub fn with(&self, flags: VarFlags) -> impl Iterator<Item = VarId> + '_ {
        self.vars
            .iter()
            .copied()
            .filter(move |v| self.flags[v.index()].contains(flags))
    }

    /// Captured variables, in id order.
    pub fn captured(&self) -> Vec<VarId> {
        self.with(VarFlags::CAPTURED).collect()
    }

    /// Assigned function variables, in id order.
    pub fn assigned(&self) -> Vec<VarId> {
        self.with(VarFlags::ASSIGNED).collect()
    }

    /// Nonlocally-mutable variables, in id order.
    pub fn nonlocally_mutable(&self) -> Vec<VarId> {
        self.with(VarFlags::NONLOCALLY_MUTABLE).collect()
    }

    /// Variables of enclosing functions that `f`'s own body uses, in id order.
    pub fn direct(&self, f: FuncId) -> &[VarId] {
        self.direct.get(f.index()).map_or(&[], Vec::as_slice)
    }

    /// Variables of enclosing functions that `f` or a function nested in it uses, in
    /// id order.
    pub fn free(&self, f: FuncId) -> &[VarId] {
        self.free.get(f.index()).map_or(&[], Vec::as_slice)
    }
}

/// The extra parameters lambda lifting gives each function, per function (by
/// index), sorted by variable id (declaration order). Top-level functions get none.
#[derive(Debug, Clone, Default)]
pub struct ExtraParams {
    extra: Vec<Vec<VarId>>,
}

impl ExtraParams {
    /// Computes the extra parameters of every function of `p`, per SCC of `cg`.
    pub fn compute(p: &Program, cg: &CallGraph, caps: &Captures) -> ExtraParams {
        let mut extra: Vec<Vec<VarId>> = vec![Vec::new(); p.funcs.len()];
        let merge = |set: &mut Vec<VarId>, from: &[VarId], g: FuncId| -> bool {
            let before = set.len();
            set.extend(from.iter().copied().filter(|v| p.vars[*v].owner != Some(g)));
            set.sort_unstable();
            set.dedup();
            set.len() != before
        };
        for scc in cg.sccs() {
            for &g in scc {
                let mut set = caps.direct(g).to_vec();
                for h in cg.callees(g) {
                    if h != g {
                        let eh = std::mem::take(&mut extra[h.index()]);
                        merge(&mut set, &eh, g);
                        extra[h.index()] = eh;
                    }
                }
                extra[g.index()] = set;
            }
            if scc.len() > 1 || cg.is_recursive(scc[0]) {
                let mut changed = true;
                while changed {
                    changed = false;
                    for &g in scc {
                        let mut set = std::mem::take(&mut extra[g.index()]);
                        for h in cg.callees(g) {
                            if scc.contains(&h) {
                                let from = if h == g {
                                    set.clone()
                                } else {
                                    extra[h.index()].clone()
                                };
                                changed |= merge(&mut set, &from, g);
                            }
                        }
                        extra[g.index()] = set;
                    }
                }
            }
        }
        for f in p.all_functions() {
            if p.funcs[f].parent.is_none() {
                extra[f.index()].clear();
            }
        }
        ExtraParams { extra }
    }

    /// The extra parameters of `f`, in id order (empty for a top-level function).
    pub fn of(&self, f: FuncId) -> &[VarId] {
        self.extra.get(f.index()).map_or(&[], Vec::as_slice)
    }
}
