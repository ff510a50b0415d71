//! Inlining: replaces calls of selected functions by copies of their bodies.
//!
//! For a call `g(a1, ..., an)` inside function `f` (or the top level):
//! - the statement holding the call is split so that everything evaluated before the
//!   call in the original evaluation order is evaluated first, into fresh temporaries
//!   (`x + g() + x` reads the first `x` before `g`'s body runs, the second after);
//!   short-circuit (`and`, `or`) and conditional expressions become `if` statements so
//!   that the body runs only when the call would have; a `while` condition holding a
//!   call is rotated (evaluated before the loop and at the end of each iteration);
//! - the arguments are evaluated once, left to right, into fresh locals standing for
//!   the parameters; `g`'s locals become fresh locals of `f`, re-initialised at each
//!   inlined copy; functions nested in `g` are cloned into `f`, their uses of `g`'s
//!   variables redirected to the copies;
//! - `return e` becomes an assignment to a fresh result variable. Returns that end the
//!   body need nothing more; an `if` whose one branch always returns takes the rest of
//!   the block into its other branch; any other early return (inside a loop, or after
//!   an `if` where neither branch always returns) sets a `done` flag that guards the
//!   statements after it and ends the loops around it.
//!
//! Functions are processed callees first (SCC order), so a callee's body is inlined
//! into before it is copied; the process repeats until no selected call is left.
//! Constant arguments are substituted for parameters nobody assigns, a body ending in
//! its only `return e` yields `e` itself as the result, and a body that received
//! inlined code is cleaned up by [`simplify`](crate::simplify).
//!
//! Precondition: verified IR (nested or flat). Recursive functions (on a call-graph
//! cycle) are never inlined, even if selected. Postcondition: no call of a selected
//! non-recursive function remains; selected functions left without call sites are
//! removed; the IR verifies with the shape it had.

use crate::simplify;
use chocopy_ir::analysis::CallGraph;
use chocopy_ir::{
    always_returns, visit, BinOp, Const, Expr, ExprKind, FuncId, Function, Place, Program, Span,
    Stmt, Type, UnOp, VarDef, VarId,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

/// What the inliner did, per inlined function: how many call sites it replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineReport {
    /// Function (by its name before inlining, with its id) to the number of call
    /// sites inlined.
    pub sites: BTreeMap<FuncId, u32>,
    /// Functions removed because no call site was left.
    pub removed: Vec<FuncId>,
}

impl InlineReport {
    /// Adds the counts of a later round.
    pub fn merge(&mut self, other: InlineReport) {
        for (f, n) in other.sites {
            *self.sites.entry(f).or_default() += n;
        }
        self.removed.extend(other.removed);
    }
}

/// Inlines every call of a function in `selected` that is not recursive, then removes
/// selected functions that have no call site left.
///
/// Time: the call graph is built once and the facts the inliner needs about
/// variables (who assigns them) are kept up to date as bodies change, so a round
/// costs time linear in the size of the program plus the size of the inlined code.
pub fn inline(p: &mut Program, selected: &std::collections::HashSet<FuncId>) -> InlineReport {
    if selected.is_empty() {
        return InlineReport::default();
    }
    let cg = CallGraph::build(p);
    inline_with(p, selected, &cg)
}

/// [`inline`], with the call graph of `p` as it is now (from an [`Analyses`]
/// cache, say: the caller invalidates it afterwards, the program having changed).
///
/// [`Analyses`]: chocopy_ir::analysis::Analyses
pub fn inline_with(
    p: &mut Program,
    selected: &std::collections::HashSet<FuncId>,
    cg: &CallGraph,
) -> InlineReport {
    let selected: HashSet<FuncId> = selected
        .iter()
        .copied()
        .filter(|f| !cg.is_recursive(*f))
        .collect();
    let mut report = InlineReport::default();
    if selected.is_empty() {
        return report;
    }
    let mut writers = Writers::count(p);
    let order: Vec<FuncId> = cg.sccs().iter().flatten().copied().collect();
    // Bodies that may hold a selected call: at first, those whose callees include a
    // selected function; then those that changed and the clones (a body without a
    // selected call is left as it is, so skipping it changes nothing).
    let mut pending: HashSet<FuncId> = order
        .iter()
        .copied()
        .filter(|&f| cg.callees(f).any(|g| selected.contains(&g)))
        .collect();
    let mut main_pending = true;
    let in_order: HashSet<FuncId> = order.iter().copied().collect();
    let mut known = in_order.clone();
    loop {
        let mut changed = false;
        // Functions created by cloning during this round are handled in the next one.
        // (No function is removed before the end: every one listed is live.)
        let mut work = order.clone();
        for f in p.all_functions() {
            if known.insert(f) {
                // A clone: its body may call selected functions.
                pending.insert(f);
            }
            if !in_order.contains(&f) {
                work.push(f);
            }
        }
        let mut next = HashSet::default();
        for f in work {
            if pending.contains(&f) && inline_into(p, Some(f), &selected, &mut report, &mut writers)
            {
                changed = true;
                next.insert(f);
            }
        }
        let main_changed =
            main_pending && inline_into(p, None, &selected, &mut report, &mut writers);
        changed |= main_changed;
        if !changed {
            break;
        }
        pending = next;
        main_pending = main_changed;
    }
    remove_dead(p, &selected, &mut report);
    report
}

/// Removes selected functions without call sites, round after round (removing one
/// removes the calls in its body and in the functions nested in it), keeping the
/// call-site counts exact instead of rebuilding the call graph.
fn remove_dead(p: &mut Program, selected: &HashSet<FuncId>, report: &mut InlineReport) {
    let cg = CallGraph::build(p);
    let all = p.all_functions();
    let mut sites: HashMap<FuncId, u32> = all.iter().map(|&f| (f, cg.call_sites(f))).collect();
    let position: HashMap<FuncId, usize> = all.iter().enumerate().map(|(i, &f)| (f, i)).collect();
    let mut gone: HashSet<FuncId> = HashSet::default();
    let mut dead: Vec<FuncId> = all
        .iter()
        .copied()
        .filter(|f| selected.contains(f) && sites[f] == 0)
        .collect();
    while !dead.is_empty() {
        let mut next = Vec::new();
        for &f in &dead {
            match p.funcs[f].parent {
                Some(parent) => p.funcs[parent].nested.retain(|g| *g != f),
                None => p.functions.retain(|g| *g != f),
            }
            report.removed.push(f);
            // The calls of the removed subtree no longer count.
            let mut stack = vec![f];
            while let Some(k) = stack.pop() {
                if !gone.insert(k) {
                    continue;
                }
                visit::exprs_pre(&p.funcs[k].body, &mut |e| {
                    if let ExprKind::Call(g, _) = e.kind {
                        if let Some(n) = sites.get_mut(&g) {
                            *n -= 1;
                            if *n == 0 && selected.contains(&g) {
                                next.push(g);
                            }
                        }
                    }
                });
                stack.extend(p.funcs[k].nested.iter().copied());
            }
        }
        next.retain(|g| !gone.contains(g));
        next.sort_by_key(|g| position[g]);
        next.dedup();
        dead = next;
    }
}

/// Per variable, how many functions other than its owner assign it: what decides
/// whether an inlined body can change a variable. Kept exact as bodies change.
struct Writers {
    /// By variable index.
    count: Vec<u32>,
}

/// The function variables `f` assigns without owning them, once each.
fn foreign_writes(p: &Program, f: FuncId) -> Vec<VarId> {
    visit::assigned_vars(&p.funcs[f].body)
        .into_iter()
        .filter(|v| matches!(p.vars[*v].owner, Some(o) if o != f))
        .collect()
}

impl Writers {
    fn count(p: &Program) -> Writers {
        let mut w = Writers {
            count: vec![0; p.vars.len()],
        };
        for f in p.all_functions() {
            w.add(p, f, 1);
        }
        w
    }

    /// Adds (`+1`) or removes (`-1`) `f`'s contribution.
    fn add(&mut self, p: &Program, f: FuncId, sign: i32) {
        for v in foreign_writes(p, f) {
            if self.count.len() <= v.index() {
                self.count.resize(v.index() + 1, 0);
            }
            let c = &mut self.count[v.index()];
            *c = c.wrapping_add_signed(sign);
        }
    }

    fn get(&self, v: VarId) -> u32 {
        self.count.get(v.index()).copied().unwrap_or(0)
    }
}

/// Inlines the selected calls in the body of `caller` (`None`: the top level).
fn inline_into(
    p: &mut Program,
    caller: Option<FuncId>,
    selected: &HashSet<FuncId>,
    report: &mut InlineReport,
    writers: &mut Writers,
) -> bool {
    // Variables only their owner assigns (the caller's own body aside: its
    // statements run in order around the inlined code): an inlined body cannot change
    // them, so an argument reading one needs no copy. Variables created from now on
    // are excluded.
    let mine: HashSet<VarId> = match caller {
        Some(f) => foreign_writes(p, f).into_iter().collect(),
        None => HashSet::default(),
    };
    let body = match caller {
        Some(f) => std::mem::take(&mut p.funcs[f].body),
        None => std::mem::take(&mut p.main),
    };
    let watermark = p.vars.len();
    let mut inl = Inliner {
        p,
        selected,
        caller,
        temps: HashSet::default(),
        stable: Stable {
            writers,
            mine: &mine,
            watermark,
        },
        new_locals: Vec::new(),
        new_nested: Vec::new(),
        clones: Vec::new(),
        report,
        changed: false,
    };
    let body = inl.stmts(body);
    let Inliner {
        p,
        new_locals,
        new_nested,
        clones,
        changed,
        ..
    } = inl;
    // Constant arguments leave constant conditions behind: fold them.
    let body = if changed {
        simplify::simplify(body)
    } else {
        body
    };
    match caller {
        Some(f) => {
            p.funcs[f].body = body;
            p.funcs[f].locals.extend(new_locals);
            p.funcs[f].nested.extend(new_nested);
        }
        None => {
            p.main = body;
            p.globals.extend(new_locals);
        }
    }
    if changed {
        // Keep the writer counts exact: the caller's new body, and the clones.
        if let Some(f) = caller {
            for &v in &mine {
                writers.count[v.index()] -= 1;
            }
            writers.add(p, f, 1);
        }
        for k in clones {
            writers.add(p, k, 1);
        }
    }
    changed
}

/// Which variables no inlined body can change, for one caller.
struct Stable<'a> {
    writers: &'a Writers,
    /// The variables the caller assigns without owning them.
    mine: &'a HashSet<VarId>,
    /// Variables created after the caller's processing started are not known.
    watermark: usize,
}

impl Stable<'_> {
    /// Whether function variable `v` is assigned by no function but its owner (and
    /// the caller).
    fn holds(&self, v: VarId) -> bool {
        v.index() < self.watermark && self.writers.get(v) == u32::from(self.mine.contains(&v))
    }
}

struct Inliner<'a, 'b> {
    p: &'a mut Program,
    selected: &'a HashSet<FuncId>,
    caller: Option<FuncId>,
    /// Temporaries created here: assigned once before use, never reassigned later in
    /// the same statement, so they need no copy.
    temps: HashSet<VarId>,
    /// Which function variables no inlined body can change.
    stable: Stable<'b>,
    new_locals: Vec<VarDef>,
    new_nested: Vec<FuncId>,
    /// Every function cloned here (nested clones included).
    clones: Vec<FuncId>,
    report: &'a mut InlineReport,
    changed: bool,
}

fn assign(v: VarId, value: Expr) -> Stmt {
    Stmt::Assign {
        targets: vec![Place::Var(v)],
        value,
    }
}

fn is_pure_residual(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Const(_) | ExprKind::Var(_))
}

fn contains_return(s: &Stmt) -> bool {
    let mut found = false;
    visit::stmts_pre(std::slice::from_ref(s), &mut |s| {
        found |= matches!(s, Stmt::Return { .. });
    });
    found
}

impl Inliner<'_, '_> {
    /// Whether `v` is a function variable that nothing but the caller and its owner
    /// assigns (as of the start of this caller's processing).
    fn is_stable(&self, v: VarId) -> bool {
        self.p.vars[v].owner.is_some() && self.stable.holds(v)
    }

    fn fresh(&mut self, hint: &str, ty: Type, span: Span) -> VarId {
        let v = self.p.new_var(hint, ty.clone(), self.caller, span);
        self.new_locals.push(VarDef {
            var: v,
            init: Const::zero(&ty),
        });
        self.temps.insert(v);
        v
    }

    fn contains_selected(&self, e: &Expr) -> bool {
        let mut found = false;
        visit::expr_pre(e, &mut |x| {
            if let ExprKind::Call(g, _) = x.kind {
                found |= self.selected.contains(&g);
            }
        });
        found
    }

    fn stmts(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        // A block without a selected call stays as it is (one walk, no rebuilding).
        if !stmts.iter().any(|s| self.stmt_contains_selected(s)) {
            return stmts;
        }
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            if self.stmt_contains_selected(&s) {
                self.stmt(s, &mut out);
            } else {
                out.push(s);
            }
        }
        out
    }

    /// Whether statement `s` (nested statements included) calls a selected function.
    fn stmt_contains_selected(&self, s: &Stmt) -> bool {
        let mut found = false;
        visit::exprs_pre(std::slice::from_ref(s), &mut |x| {
            if let ExprKind::Call(g, _) = x.kind {
                found |= self.selected.contains(&g);
            }
        });
        found
    }

    fn stmt(&mut self, s: Stmt, out: &mut Vec<Stmt>) {
        match s {
            Stmt::Expr(Expr {
                kind: ExprKind::Call(g, args),
                ty,
                span,
            }) if self.selected.contains(&g) => {
                // The result is discarded: no result variable.
                let args = self.flatten_list(args, out);
                self.instantiate(g, args, ty, span, out, false);
            }
            Stmt::Expr(e) => {
                let r = self.flatten(e, out);
                if !is_pure_residual(&r) {
                    out.push(Stmt::Expr(r));
                }
            }
            Stmt::Assign { targets, value } => {
                let mut value = self.flatten(value, out);
                let later = targets.iter().any(|t| {
                    visit::place_exprs(t)
                        .into_iter()
                        .any(|e| self.contains_selected(e))
                });
                if later {
                    // The value is computed first, then the targets' operands.
                    value = self.materialize(value, out);
                }
                let targets = targets
                    .into_iter()
                    .map(|t| self.flatten_place(t, out))
                    .collect();
                out.push(Stmt::Assign { targets, value });
            }
            Stmt::For { target, iter, body } => {
                let iter = self.flatten(iter, out);
                let body = self.stmts(body);
                out.push(Stmt::For { target, iter, body });
            }
            Stmt::If { cond, then_, else_ } => {
                let cond = self.flatten(cond, out);
                let then_ = self.stmts(then_);
                let else_ = self.stmts(else_);
                out.push(Stmt::If { cond, then_, else_ });
            }
            Stmt::While { cond, body } => {
                let mut body = self.stmts(body);
                let mut pre = Vec::new();
                let first = self.flatten(cond.clone(), &mut pre);
                if pre.is_empty() {
                    // The inlined bodies were mere expressions: no rotation needed.
                    out.push(Stmt::While { cond: first, body });
                } else {
                    // Rotate: t = cond; while t: body; t = cond
                    let t = self.fresh("$cond", Type::Bool, cond.span);
                    out.extend(pre);
                    out.push(assign(t, first));
                    let again = self.flatten(cond.clone(), &mut body);
                    body.push(assign(t, again));
                    let span = cond.span;
                    out.push(Stmt::While {
                        cond: self.p.read(t, span),
                        body,
                    });
                }
            }
            Stmt::Return { value, span } => {
                let value = value.map(|v| self.flatten(v, out));
                out.push(Stmt::Return { value, span });
            }
        }
    }

    /// Whether evaluating `e` has no effect, cannot fail, and reads only variables
    /// nothing can change (temporaries and stable variables).
    fn is_pure(&self, e: &Expr) -> bool {
        let mut pure = true;
        visit::expr_pre(e, &mut |x| match &x.kind {
            ExprKind::Const(_) | ExprKind::Unary(..) | ExprKind::IfExpr(..) => {}
            ExprKind::Var(v) => pure &= self.temps.contains(v) || self.is_stable(*v),
            ExprKind::Binary(op, a, _) => {
                // Division can fail; concatenation allocates and can fail on None.
                let fallible = matches!(op, BinOp::FloorDiv | BinOp::Mod)
                    || (*op == BinOp::Add && a.ty.is_reference());
                pure &= !fallible;
            }
            _ => pure = false,
        });
        pure
    }

    /// Saves `r` in a temporary unless it is a constant or a variable nothing can
    /// change before it is used.
    fn materialize(&mut self, r: Expr, out: &mut Vec<Stmt>) -> Expr {
        let stable = match &r.kind {
            ExprKind::Const(_) => true,
            ExprKind::Var(v) => self.temps.contains(v) || self.is_stable(*v),
            _ => false,
        };
        if stable {
            return r;
        }
        let t = self.fresh("$t", r.ty.clone(), r.span);
        let span = r.span;
        out.push(assign(t, r));
        self.p.read(t, span)
    }

    /// Flattens the operands of an assignment target, in order.
    fn flatten_place(&mut self, p: Place, out: &mut Vec<Stmt>) -> Place {
        match p {
            Place::Var(_) => p,
            Place::RefValue(e) => Place::RefValue(Box::new(self.flatten(*e, out))),
            Place::Attr(e, name) => Place::Attr(Box::new(self.flatten(*e, out)), name),
            Place::Index(a, b) => {
                let mut rs = self.flatten_list(vec![*a, *b], out);
                let b = rs.pop().unwrap();
                Place::Index(Box::new(rs.pop().unwrap()), Box::new(b))
            }
        }
    }

    /// Emits into `out` the statements that must run first and returns the residual
    /// expression; running `out` then the residual is equivalent to running `e`.
    fn flatten(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Expr {
        if !self.contains_selected(&e) {
            return e;
        }
        let Expr { kind, ty, span } = e;
        match kind {
            ExprKind::Call(g, args) if self.selected.contains(&g) => {
                let args = self.flatten_list(args, out);
                self.instantiate(g, args, ty, span, out, true)
            }
            ExprKind::Call(g, args) => {
                let args = self.flatten_list(args, out);
                Expr::new(ExprKind::Call(g, args), ty, span)
            }
            ExprKind::Builtin(b, args) => {
                let args = self.flatten_list(args, out);
                Expr::new(ExprKind::Builtin(b, args), ty, span)
            }
            ExprKind::List(items) => {
                let items = self.flatten_list(items, out);
                Expr::new(ExprKind::List(items), ty, span)
            }
            ExprKind::Index(a, i) => {
                let mut rs = self.flatten_list(vec![*a, *i], out);
                let i = rs.pop().unwrap();
                let a = rs.pop().unwrap();
                Expr::new(ExprKind::Index(Box::new(a), Box::new(i)), ty, span)
            }
            ExprKind::Attr(a, name) => {
                let a = self.flatten(*a, out);
                Expr::new(ExprKind::Attr(Box::new(a), name), ty, span)
            }
            ExprKind::MethodCall(obj, name, args) => {
                let mut all = vec![*obj];
                all.extend(args);
                let mut rs = self.flatten_list(all, out);
                let args = rs.split_off(1);
                let obj = rs.pop().unwrap();
                Expr::new(ExprKind::MethodCall(Box::new(obj), name, args), ty, span)
            }
            ExprKind::Unary(op, a) => {
                let a = self.flatten(*a, out);
                Expr::new(ExprKind::Unary(op, Box::new(a)), ty, span)
            }
            ExprKind::RefGet(a) => {
                let a = self.flatten(*a, out);
                Expr::new(ExprKind::RefGet(Box::new(a)), ty, span)
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) if self.contains_selected(&b) => {
                let ra = self.flatten(*a, out);
                let mut inner = Vec::new();
                let rb = self.flatten(*b, &mut inner);
                if inner.is_empty() {
                    // The inlined code is a mere expression: it can stay in place.
                    return Expr::new(ExprKind::Binary(op, Box::new(ra), Box::new(rb)), ty, span);
                }
                // t = a; if t (and) / if not t (or): t = b
                let t = self.fresh("$sc", Type::Bool, span);
                out.push(assign(t, ra));
                inner.push(assign(t, rb));
                let (then_, else_) = if op == BinOp::And {
                    (inner, Vec::new())
                } else {
                    (Vec::new(), inner)
                };
                out.push(Stmt::If {
                    cond: self.p.read(t, span),
                    then_,
                    else_,
                });
                self.p.read(t, span)
            }
            ExprKind::Binary(op, a, b) => {
                let mut rs = self.flatten_list(vec![*a, *b], out);
                let b = rs.pop().unwrap();
                let a = rs.pop().unwrap();
                Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)), ty, span)
            }
            ExprKind::IfExpr(c, a, b) => {
                let rc = self.flatten(*c, out);
                if !self.contains_selected(&a) && !self.contains_selected(&b) {
                    return Expr::new(ExprKind::IfExpr(Box::new(rc), a, b), ty, span);
                }
                let mut then_ = Vec::new();
                let ra = self.flatten(*a, &mut then_);
                let mut else_ = Vec::new();
                let rb = self.flatten(*b, &mut else_);
                if then_.is_empty() && else_.is_empty() {
                    return Expr::new(
                        ExprKind::IfExpr(Box::new(rc), Box::new(ra), Box::new(rb)),
                        ty,
                        span,
                    );
                }
                let t = self.fresh("$if", ty.clone(), span);
                then_.push(assign(t, ra));
                else_.push(assign(t, rb));
                out.push(Stmt::If {
                    cond: rc,
                    then_,
                    else_,
                });
                self.p.read(t, span)
            }
            kind
            @ (ExprKind::Const(_) | ExprKind::Var(_) | ExprKind::RefNew | ExprKind::New(_)) => {
                Expr::new(kind, ty, span)
            }
        }
    }

    /// Flattens expressions evaluated left to right: every residual before the last
    /// expression holding a selected call is saved in a temporary first (unless it is
    /// a constant or a temporary already), because the call may change what it reads.
    fn flatten_list(&mut self, exprs: Vec<Expr>, out: &mut Vec<Stmt>) -> Vec<Expr> {
        let last = exprs.iter().rposition(|e| self.contains_selected(e));
        let mut rs = Vec::with_capacity(exprs.len());
        for (i, e) in exprs.into_iter().enumerate() {
            let r = self.flatten(e, out);
            if last.is_some_and(|l| i < l) {
                rs.push(self.materialize(r, out));
            } else {
                rs.push(r);
            }
        }
        rs
    }

    /// Emits a copy of `g`'s body for arguments `args` (already flattened and
    /// evaluated in order) and returns the expression for its result (`None` when
    /// `want_result` is false: the caller discards it).
    fn instantiate(
        &mut self,
        g: FuncId,
        args: Vec<Expr>,
        ty: Type,
        span: Span,
        out: &mut Vec<Stmt>,
        want_result: bool,
    ) -> Expr {
        self.changed = true;
        *self.report.sites.entry(g).or_default() += 1;
        // The parts of the callee the copy needs (its body is cloned once, below).
        let callee = {
            let f = &self.p.funcs[g];
            Function {
                name: f.name.clone(),
                method_of: f.method_of,
                params: f.params.clone(),
                ret: f.ret.clone(),
                locals: f.locals.clone(),
                nested: f.nested.clone(),
                parent: f.parent,
                body: Vec::new(),
                span: f.span,
            }
        };
        let assigned_in_g = assigned_in_subtree(self.p, g);
        let mut vmap: HashMap<VarId, VarId> = HashMap::default();
        // Parameters: fresh locals holding the arguments.
        let used_by_nested = used_in_nested(self.p, g);
        let mut constants: HashMap<VarId, Expr> = HashMap::default();
        for (&param, arg) in callee.params.iter().zip(args) {
            // A constant argument of a parameter nobody assigns is substituted; so is
            // a pure argument over unchanging variables, used at most once and not in
            // a loop (evaluating it there instead of here is unobservable).
            // (Only an argument of exactly the parameter's type: a narrower one would
            // need the boxing that storing into the parameter performs.)
            let substitutable = !assigned_in_g.contains(&param)
                && !used_by_nested.contains(&param)
                && arg.ty == self.p.vars[param].ty;
            if substitutable
                && (matches!(arg.kind, ExprKind::Const(_))
                    || (self.is_pure(&arg)
                        && single_use_outside_loops(&self.p.funcs[g].body, param)))
            {
                constants.insert(param, arg);
                continue;
            }
            // An argument variable nobody can change while the body runs stands for
            // the parameter itself, if it has exactly the parameter's type (an `int`
            // passed for an `object` parameter is boxed by the store into the
            // parameter; reading the argument variable instead would not box it).
            if let ExprKind::Var(v) = arg.kind {
                let unchanging = self.temps.contains(&v) || self.is_stable(v);
                let same_type = self.p.vars[v].ty == self.p.vars[param].ty;
                if unchanging
                    && same_type
                    && !assigned_in_g.contains(&param)
                    && !assigned_in_g.contains(&v)
                {
                    vmap.insert(param, v);
                    continue;
                }
            }
            let name = self.p.vars[param].name.clone();
            let t = self.fresh(&name, self.p.vars[param].ty.clone(), arg.span);
            out.push(assign(t, arg));
            vmap.insert(param, t);
        }
        // Locals: fresh, re-initialised here unless the body assigns them before any
        // read (an inlined copy inside a loop must not see the previous value).
        let needs_init = read_before_assigned(self.p, g);
        for d in &callee.locals {
            let name = self.p.vars[d.var].name.clone();
            let ty = self.p.vars[d.var].ty.clone();
            let t = self.fresh(&name, ty, self.p.vars[d.var].span);
            if needs_init.contains(&d.var) {
                out.push(assign(t, Expr::constant(d.init.clone(), span)));
            }
            vmap.insert(d.var, t);
        }
        // Nested functions of g that its body can reach: cloned into the caller.
        let live = reachable_nested(self.p, g);
        let mut fmap: HashMap<FuncId, FuncId> = HashMap::default();
        let parent = self.caller;
        let mut clones = Vec::new();
        for &k in callee.nested.iter().filter(|k| live.contains(k)) {
            let name = format!("{}${}", callee.name, self.p.funcs[k].name);
            let c = clone_alloc(self.p, k, parent, name, &live, &mut vmap, &mut fmap);
            clones.push(c);
        }
        for (&orig, &copy) in &fmap {
            let mut body = self.p.funcs[orig].body.clone();
            remap(&mut body, &vmap, &fmap);
            self.p.funcs[copy].body = body;
            self.clones.push(copy);
        }
        match parent {
            Some(_) => self.new_nested.extend(clones),
            None => self.p.functions.extend(clones),
        }
        let mut body = self.p.funcs[g].body.clone();
        if !constants.is_empty() {
            visit::exprs_post_mut(&mut body, &mut |e| {
                if let ExprKind::Var(v) = e.kind {
                    if let Some(c) = constants.get(&v) {
                        *e = c.clone();
                    }
                }
            });
        }
        remap(&mut body, &vmap, &fmap);
        // Returns become assignments to the result.
        let result = (want_result && callee.ret != Type::None)
            .then(|| self.fresh(&format!("{}$result", callee.name), callee.ret.clone(), span));
        if let Some(r) = result {
            if !always_returns(&body) {
                out.push(assign(r, Expr::constant(Const::None, span)));
            }
        }
        let mut ctx = Returns { result, done: None };
        let mut lowered = ctx.seq(body, Mode::Tail, self);
        if let Some(d) = ctx.done {
            out.push(assign(d, Expr::constant(Const::Bool(false), span)));
        }
        // A single return at the end: its expression is the result itself, if it has
        // exactly the return type (a narrower value is boxed by the store into the
        // result variable).
        if let Some(r) = result {
            let assigned_once =
                visit::assigned_vars(&lowered).contains(&r) && count_assignments(&lowered, r) == 1;
            if let Some(Stmt::Assign { targets, value }) = lowered.last() {
                if assigned_once
                    && value.ty == callee.ret
                    && matches!(targets.as_slice(), [Place::Var(v)] if *v == r)
                {
                    let value = value.clone();
                    lowered.pop();
                    out.extend(lowered);
                    self.new_locals.retain(|d| d.var != r);
                    self.temps.remove(&r);
                    return value;
                }
            }
        }
        out.extend(lowered);
        match result {
            Some(r) => self.p.read(r, span),
            None => Expr::new(ExprKind::Const(Const::None), ty, span),
        }
    }
}

/// Whether `v` is read at most once in `stmts`, and not inside a loop.
fn single_use_outside_loops(stmts: &[Stmt], v: VarId) -> bool {
    fn count(e: &Expr, v: VarId) -> usize {
        let mut n = 0;
        visit::expr_pre(e, &mut |x| {
            n += matches!(x.kind, ExprKind::Var(y) if y == v) as usize
        });
        n
    }
    fn walk(stmts: &[Stmt], v: VarId, in_loop: bool, uses: &mut usize) -> bool {
        for s in stmts {
            let here: usize = visit::stmt_exprs(s).into_iter().map(|e| count(e, v)).sum();
            let looping = matches!(s, Stmt::While { .. } | Stmt::For { .. });
            if here > 0 && (in_loop || matches!(s, Stmt::While { .. })) {
                return false;
            }
            *uses += here;
            for b in visit::stmt_blocks(s) {
                if !walk(b, v, in_loop || looping, uses) {
                    return false;
                }
            }
        }
        *uses <= 1
    }
    let mut uses = 0;
    walk(stmts, v, false, &mut uses)
}

/// How many assignments (or `for` loops) in `stmts` store into `v`.
fn count_assignments(stmts: &[Stmt], v: VarId) -> usize {
    let mut n = 0;
    visit::targets_pre(stmts, &mut |t| {
        n += matches!(t, Place::Var(x) if *x == v) as usize
    });
    n
}

/// Variables that functions nested (at any depth) in `g` read or assign.
fn used_in_nested(p: &Program, g: FuncId) -> HashSet<VarId> {
    let mut set = HashSet::default();
    let mut stack: Vec<FuncId> = p.funcs[g].nested.clone();
    while let Some(k) = stack.pop() {
        visit::exprs_pre(&p.funcs[k].body, &mut |e| {
            if let ExprKind::Var(v) = e.kind {
                set.insert(v);
            }
        });
        set.extend(visit::assigned_vars(&p.funcs[k].body));
        stack.extend(p.funcs[k].nested.iter().copied());
    }
    set
}

/// Variables assigned in `g` or in functions nested in it.
fn assigned_in_subtree(p: &Program, g: FuncId) -> HashSet<VarId> {
    let mut set = HashSet::default();
    let mut stack = vec![g];
    while let Some(f) = stack.pop() {
        set.extend(visit::assigned_vars(&p.funcs[f].body));
        stack.extend(p.funcs[f].nested.iter().copied());
    }
    set
}

/// Locals of `g` that may be read before `g`'s body assigns them: read before a
/// definite assignment on some path, or used by a function nested in `g`.
fn read_before_assigned(p: &Program, g: FuncId) -> HashSet<VarId> {
    let locals: HashSet<VarId> = p.funcs[g].locals.iter().map(|d| d.var).collect();
    let mut early = used_in_nested(p, g);
    let mut assigned = HashSet::default();
    definite(&p.funcs[g].body, &mut assigned, &mut early);
    early.retain(|v| locals.contains(v));
    early
}

/// Forward scan of `stmts`: adds to `early` every variable read while not in
/// `assigned`, and to `assigned` the variables definitely assigned afterwards.
fn definite(stmts: &[Stmt], assigned: &mut HashSet<VarId>, early: &mut HashSet<VarId>) {
    let reads = |e: &Expr, assigned: &HashSet<VarId>, early: &mut HashSet<VarId>| {
        visit::expr_pre(e, &mut |x| {
            if let ExprKind::Var(v) = x.kind {
                if !assigned.contains(&v) {
                    early.insert(v);
                }
            }
        });
    };
    for s in stmts {
        match s {
            Stmt::Expr(e) => reads(e, assigned, early),
            Stmt::Assign { targets, value } => {
                reads(value, assigned, early);
                for t in targets {
                    match t {
                        Place::Var(v) => {
                            assigned.insert(*v);
                        }
                        other => {
                            for e in visit::place_exprs(other) {
                                reads(e, assigned, early);
                            }
                        }
                    }
                }
            }
            Stmt::For { target, iter, body } => {
                reads(iter, assigned, early);
                let mut a = assigned.clone();
                if let Place::Var(v) = target {
                    a.insert(*v);
                }
                definite(body, &mut a, early);
            }
            Stmt::If { cond, then_, else_ } => {
                reads(cond, assigned, early);
                let mut a = assigned.clone();
                let mut b = assigned.clone();
                definite(then_, &mut a, early);
                definite(else_, &mut b, early);
                assigned.extend(a.intersection(&b).copied().collect::<Vec<_>>());
            }
            Stmt::While { cond, body } => {
                reads(cond, assigned, early);
                let mut a = assigned.clone();
                definite(body, &mut a, early);
            }
            Stmt::Return { value, .. } => {
                if let Some(v) = value {
                    reads(v, assigned, early);
                }
            }
        }
    }
}

/// Functions nested (at any depth) in `g` that a call chain starting in `g`'s body
/// reaches; the others are dead and need no copy.
fn reachable_nested(p: &Program, g: FuncId) -> HashSet<FuncId> {
    let mut live = HashSet::default();
    let mut work = vec![g];
    while let Some(f) = work.pop() {
        visit::exprs_pre(&p.funcs[f].body, &mut |e| {
            if let ExprKind::Call(k, _) = e.kind {
                if k != g && p.encloses(g, k) && live.insert(k) {
                    work.push(k);
                }
            }
        });
    }
    live
}

/// Allocates a copy of function `k` (and, recursively, of its nested functions) under
/// `parent`, with fresh variables recorded in `vmap` and the copies in `fmap`. Bodies
/// are filled in later by the caller, once every mapping exists.
fn clone_alloc(
    p: &mut Program,
    k: FuncId,
    parent: Option<FuncId>,
    name: String,
    live: &HashSet<FuncId>,
    vmap: &mut HashMap<VarId, VarId>,
    fmap: &mut HashMap<FuncId, FuncId>,
) -> FuncId {
    let orig = p.funcs[k].clone();
    let id = p.funcs.alloc(Function {
        name,
        method_of: None,
        params: Vec::new(),
        ret: orig.ret.clone(),
        locals: Vec::new(),
        nested: Vec::new(),
        parent,
        body: Vec::new(),
        span: orig.span,
    });
    fmap.insert(k, id);
    let mut fresh = |p: &mut Program, v: VarId| {
        let var = p.vars[v].clone();
        let n = p.new_var(var.name, var.ty, Some(id), var.span);
        vmap.insert(v, n);
        n
    };
    let params = orig.params.iter().map(|&v| fresh(p, v)).collect();
    let locals = orig
        .locals
        .iter()
        .map(|d| VarDef {
            var: fresh(p, d.var),
            init: d.init.clone(),
        })
        .collect();
    p.funcs[id].params = params;
    p.funcs[id].locals = locals;
    let nested = orig
        .nested
        .iter()
        .filter(|c| live.contains(c))
        .map(|&c| {
            let n = p.funcs[c].name.clone();
            clone_alloc(p, c, Some(id), n, live, vmap, fmap)
        })
        .collect();
    p.funcs[id].nested = nested;
    id
}

/// Renames variables and callees in `body`.
fn remap(body: &mut [Stmt], vmap: &HashMap<VarId, VarId>, fmap: &HashMap<FuncId, FuncId>) {
    visit::rewrite(
        body,
        &mut |e| match &mut e.kind {
            ExprKind::Var(v) => {
                if let Some(n) = vmap.get(v) {
                    *v = *n;
                }
            }
            ExprKind::Call(g, _) => {
                if let Some(n) = fmap.get(g) {
                    *g = *n;
                }
            }
            _ => {}
        },
        &mut |pl| {
            if let Place::Var(v) = pl {
                if let Some(n) = vmap.get(v) {
                    *v = *n;
                }
            }
        },
    );
}

/// How control leaves a statement sequence of an inlined body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing of the inlined body runs after this sequence completes.
    Tail,
    /// Statements guarded by `not done`, or a loop testing `not done`, may follow:
    /// a `return` must set `done`.
    Flag,
}

/// Lowering of `return` in an inlined body.
struct Returns {
    result: Option<VarId>,
    done: Option<VarId>,
}

impl Returns {
    fn done(&mut self, inl: &mut Inliner) -> VarId {
        if let Some(d) = self.done {
            return d;
        }
        let d = inl.fresh("$done", Type::Bool, Span::default());
        self.done = Some(d);
        d
    }

    fn not_done(&mut self, inl: &mut Inliner) -> Expr {
        let d = self.done(inl);
        let read = inl.p.read(d, Span::default());
        Expr::new(
            ExprKind::Unary(UnOp::Not, Box::new(read)),
            Type::Bool,
            Span::default(),
        )
    }

    /// `if not done: rest`, for statements after one that may have returned.
    fn guarded_rest(
        &mut self,
        rest: Vec<Stmt>,
        mode: Mode,
        inl: &mut Inliner,
        out: &mut Vec<Stmt>,
    ) {
        if rest.is_empty() {
            return;
        }
        let guard = self.not_done(inl);
        let rest = self.seq(rest, mode, inl);
        out.push(Stmt::If {
            cond: guard,
            then_: rest,
            else_: Vec::new(),
        });
    }

    fn seq(&mut self, stmts: Vec<Stmt>, mode: Mode, inl: &mut Inliner) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut iter = stmts.into_iter();
        while let Some(s) = iter.next() {
            if !contains_return(&s) {
                out.push(s);
                continue;
            }
            let rest: Vec<Stmt> = iter.by_ref().collect();
            match s {
                Stmt::Return { value, span } => {
                    match (self.result, value) {
                        (Some(r), Some(v)) => out.push(assign(r, v)),
                        (Some(r), None) => out.push(assign(r, Expr::constant(Const::None, span))),
                        (None, Some(v)) => {
                            if !is_pure_residual(&v) {
                                out.push(Stmt::Expr(v));
                            }
                        }
                        (None, None) => {}
                    }
                    if mode == Mode::Flag {
                        let d = self.done(inl);
                        out.push(assign(d, Expr::constant(Const::Bool(true), span)));
                    }
                    // What follows a return is unreachable.
                }
                Stmt::If { cond, then_, else_ } => {
                    // The rest of the block runs after the branch that can complete
                    // normally: move it there when the other branch always returns.
                    let (t_ret, e_ret) = (always_returns(&then_), always_returns(&else_));
                    if rest.is_empty() || t_ret || e_ret {
                        let (mut t, mut e) = (then_, else_);
                        if !t_ret {
                            t.extend(rest);
                        } else if !e_ret {
                            e.extend(rest);
                        }
                        let then_ = self.seq(t, mode, inl);
                        let else_ = self.seq(e, mode, inl);
                        out.push(Stmt::If { cond, then_, else_ });
                    } else {
                        let then_ = self.seq(then_, Mode::Flag, inl);
                        let else_ = self.seq(else_, Mode::Flag, inl);
                        out.push(Stmt::If { cond, then_, else_ });
                        self.guarded_rest(rest, mode, inl, &mut out);
                    }
                }
                Stmt::For { target, iter, body } => {
                    // No way to leave a `for` early: after a return, the remaining
                    // iterations assign a fresh variable and skip the body.
                    let body = self.seq(body, Mode::Flag, inl);
                    let elem = match &iter.ty {
                        Type::List(t) => (**t).clone(),
                        _ => Type::Str,
                    };
                    let x = inl.fresh("$x", elem, iter.span);
                    let span = iter.span;
                    let mut guarded = vec![Stmt::Assign {
                        targets: vec![target],
                        value: inl.p.read(x, span),
                    }];
                    guarded.extend(body);
                    let guard = self.not_done(inl);
                    out.push(Stmt::For {
                        target: Place::Var(x),
                        iter,
                        body: vec![Stmt::If {
                            cond: guard,
                            then_: guarded,
                            else_: Vec::new(),
                        }],
                    });
                    self.guarded_rest(rest, mode, inl, &mut out);
                }
                Stmt::While { cond, body } => {
                    let body = self.seq(body, Mode::Flag, inl);
                    let guard = self.not_done(inl);
                    let span = cond.span;
                    let cond = Expr::new(
                        ExprKind::Binary(BinOp::And, Box::new(guard), Box::new(cond)),
                        Type::Bool,
                        span,
                    );
                    out.push(Stmt::While { cond, body });
                    self.guarded_rest(rest, mode, inl, &mut out);
                }
                other => out.push(other),
            }
            break;
        }
        out
    }
}
