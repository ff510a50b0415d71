//! Lambda lifting: every nested function moves to the top level.
//!
//! Each nested function `g` gets its *extra parameters* (the variables of enclosing
//! functions it needs, directly or through the functions it calls; computed per SCC by
//! [`chocopy_ir::analysis::ExtraParams`], after Johnsson 1985 and Danvy and
//! Schultz 2002) as fresh leading parameters; inside `g` the enclosing variables are
//! replaced by them; every call of `g` passes the caller's own access to each of them
//! (its own variable, or its own extra parameter). `g` is renamed `f$g` (its enclosing
//! function's lifted name, `$`, its name), which no source name can take; a clash among
//! synthesized names gets a numeric suffix; functions nested in method `m` of class `C`
//! become `C$m$g`. Lifted functions are placed before the top-level function they
//! came from, children before parents; methods stay in their classes.
//!
//! This is always legal in ChocoPy: functions are not values, so every call of `g` is
//! in a function that can see `g`'s enclosing variables. It is exact only if no
//! function assigns another function's variable, because extra parameters are
//! copies: variables assigned through `nonlocal` must be boxed first.
//!
//! Precondition: verified nested IR in which no function assigns a variable it does not
//! own (except globals). Postcondition: flat IR
//! ([`chocopy_ir::verify::Shape::Flat`]).

use chocopy_ir::analysis::Analyses;
use chocopy_ir::{visit, Expr, ExprKind, FuncId, Place, Program, VarId};
use rustc_hash::FxHashSet as HashSet;
use std::collections::HashMap;

/// Why lifting refused to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiftError {
    /// Variables assigned by a function other than their owner (they need boxing).
    pub nonlocally_mutable: Vec<String>,
}

impl std::fmt::Display for LiftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lambda lifting needs these nonlocally-assigned variables boxed first: {}",
            self.nonlocally_mutable.join(", ")
        )
    }
}

/// What lifting did: the extra parameters of each lifted function (the enclosing
/// variables they stand for, in parameter order).
pub type LiftReport = HashMap<FuncId, Vec<VarId>>;

/// Lifts every nested function of `p` to the top level.
pub fn lift(p: &mut Program) -> Result<LiftReport, LiftError> {
    lift_with(p, &mut Analyses::new())
}

/// [`lift`], taking the call graph, the captures and the extra parameters from
/// `analyses` (computing what is missing); they are invalidated afterwards.
pub fn lift_with(p: &mut Program, analyses: &mut Analyses) -> Result<LiftReport, LiftError> {
    let extra = analyses.extra_params(p).clone();
    let caps = analyses.captures(p);
    let shared = caps.nonlocally_mutable();
    if !shared.is_empty() {
        return Err(LiftError {
            nonlocally_mutable: shared.iter().map(|v| p.vars[*v].name.clone()).collect(),
        });
    }
    analyses.invalidate();
    let all = p.all_functions();
    // Fresh parameters standing for the enclosing variables.
    let mut access: HashMap<(FuncId, VarId), VarId> = HashMap::default();
    let mut report = LiftReport::new();
    for &g in &all {
        if p.funcs[g].parent.is_none() {
            continue;
        }
        let vars = extra.of(g).to_vec();
        let mut new_params = Vec::new();
        for &v in &vars {
            let var = p.vars[v].clone();
            let param = p.new_var(var.name, var.ty, Some(g), var.span);
            access.insert((g, v), param);
            new_params.push(param);
        }
        new_params.extend(p.funcs[g].params.iter().copied());
        p.funcs[g].params = new_params;
        report.insert(g, vars);
    }
    // Rewrite bodies: foreign variables to parameters, calls with extra arguments.
    let resolve = |p: &Program, f: Option<FuncId>, v: VarId| -> VarId {
        match (p.vars[v].owner, f) {
            (Some(o), Some(f)) if o != f => *access
                .get(&(f, v))
                .expect("the extra parameters cover every foreign variable"),
            _ => v,
        }
    };
    let bodies: Vec<Option<FuncId>> = all.iter().map(|&f| Some(f)).chain([None]).collect();
    for f in bodies {
        let mut body = match f {
            Some(f) => std::mem::take(&mut p.funcs[f].body),
            None => std::mem::take(&mut p.main),
        };
        visit::rewrite(
            &mut body,
            &mut |e| match &mut e.kind {
                ExprKind::Var(v) => *v = resolve(p, f, *v),
                ExprKind::Call(g, args) => {
                    let vars = extra.of(*g);
                    if !vars.is_empty() && p.funcs[*g].parent.is_some() {
                        let mut new_args: Vec<Expr> = vars
                            .iter()
                            .map(|&v| {
                                let a = resolve(p, f, v);
                                p.read(a, e.span)
                            })
                            .collect();
                        new_args.append(args);
                        *args = new_args;
                    }
                }
                _ => {}
            },
            &mut |pl| {
                if let Place::Var(v) = pl {
                    *v = resolve(p, f, *v);
                }
            },
        );
        match f {
            Some(f) => p.funcs[f].body = body,
            None => p.main = body,
        }
    }
    // Names, then the flat function list.
    let mut taken: HashSet<String> = p
        .functions
        .iter()
        .map(|&f| p.funcs[f].name.clone())
        .collect();
    for &g in &all {
        if let Some(parent) = p.funcs[g].parent {
            let prefix = match p.funcs[parent].method_of {
                Some(c) => format!("{}${}", p.classes[c].name, p.funcs[parent].name),
                None => p.funcs[parent].name.clone(),
            };
            let base = format!("{prefix}${}", p.funcs[g].name);
            let mut name = base.clone();
            let mut i = 1;
            while taken.contains(&name) {
                name = format!("{base}${i}");
                i += 1;
            }
            taken.insert(name.clone());
            p.funcs[g].name = name;
        }
    }
    let mut order = Vec::new();
    for f in p.roots() {
        post_order(p, f, &mut order);
    }
    for &f in &order {
        p.funcs[f].parent = None;
        p.funcs[f].nested.clear();
    }
    // Methods stay in their classes; everything else is a top-level function.
    order.retain(|&f| p.funcs[f].method_of.is_none());
    p.functions = order;
    Ok(report)
}

fn post_order(p: &Program, f: FuncId, out: &mut Vec<FuncId>) {
    for &g in &p.funcs[f].nested {
        post_order(p, g, out);
    }
    out.push(f);
}
