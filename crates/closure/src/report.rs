//! The closure report: what the pipeline did with every nested function and every
//! captured variable, and why (`chocopy build FILE --emit=closure-report`).
//!
//! For each nested function: inlined (at how many call sites, removed or not), lifted
//! (its top-level name and extra parameters), and the reason (the `auto` heuristic's
//! verdict with its numbers, or the strategy's rule). For each variable a nested
//! function uses (a captured variable): boxed in a `Ref` cell or not, and why.

use crate::auto::InlineConfig;
use crate::strategy::{BoxReason, Stages, Strategy};
use chocopy_ir::analysis::Captures;
use chocopy_ir::{FuncId, Program, VarId};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The source-level name of function `f`: enclosing functions (and class) joined by
/// dots, `f.g`, `A.m.g`.
pub fn qualified_name(p: &Program, f: FuncId) -> String {
    let mut parts = vec![p.funcs[f].name.clone()];
    let mut cur = f;
    while let Some(parent) = p.funcs[cur].parent {
        parts.push(p.funcs[parent].name.clone());
        cur = parent;
    }
    if let Some(c) = p.funcs[cur].method_of {
        parts.push(p.classes[c].name.clone());
    }
    parts.reverse();
    parts.join(".")
}

fn var_name(p: &Program, v: VarId) -> String {
    match p.vars[v].owner {
        Some(o) => format!("{}.{}", qualified_name(p, o), p.vars[v].name),
        None => p.vars[v].name.clone(),
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What the closure passes did with one nested function, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionFate {
    /// What happened: `inlined at 2 call sites, then removed`, `lifted as `f$g` with
    /// extra parameters f.x (int)`.
    pub what: String,
    /// Why: the strategy's rule or the `auto` heuristic's verdict with its numbers.
    pub why: String,
}

/// What the closure passes did with one captured variable, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureFate {
    /// The variable: `f.x (parameter of f, int), used by f.g, f.h`.
    pub summary: String,
    /// Boxed or not, and why: `not boxed: only its owner f assigns it, so ...`.
    pub decision: String,
}

/// The facts of the closure report, per nested function and captured variable of
/// `ir` (ids of `ir`, the program before the closure passes), in source order.
#[derive(Debug, Clone, Default)]
pub struct ClosureFacts {
    /// Every nested function.
    pub functions: Vec<(FuncId, FunctionFate)>,
    /// Every captured variable.
    pub captured: Vec<(VarId, CaptureFate)>,
    /// Variables that inlining copied and boxing then boxed (ids of
    /// `stages.inlined`): their names and owners.
    pub copies: Vec<String>,
}

/// The report for `ir` (the program before the closure passes) compiled with
/// `strategy` into `stages`.
pub fn closure_report(
    ir: &Program,
    stages: &Stages,
    strategy: Strategy,
    cfg: &InlineConfig,
) -> String {
    let mut out = String::new();
    writeln!(out, "closure strategy: {}", strategy.name()).unwrap();
    let facts = closure_facts(ir, stages, strategy, cfg);
    if facts.functions.is_empty() {
        out.push_str("no nested functions\n");
        return out;
    }
    out.push_str("\nnested functions:\n");
    for (g, fate) in &facts.functions {
        writeln!(
            out,
            "  {}: {}\n    because {}",
            qualified_name(ir, *g),
            fate.what,
            fate.why
        )
        .unwrap();
    }
    out.push_str("\ncaptured variables:\n");
    for (_, fate) in &facts.captured {
        writeln!(out, "  {}\n    {}", fate.summary, fate.decision).unwrap();
    }
    if !facts.copies.is_empty() {
        out.push_str("\nvariables copied by inlining and boxed:\n");
        for c in &facts.copies {
            writeln!(out, "  {c}").unwrap();
        }
    }
    out
}

/// The closure report's facts (see [`closure_report`]) as data, for tools (the
/// language server's hover).
pub fn closure_facts(
    ir: &Program,
    stages: &Stages,
    strategy: Strategy,
    cfg: &InlineConfig,
) -> ClosureFacts {
    let mut facts = ClosureFacts::default();
    let nested: Vec<FuncId> = ir
        .all_functions()
        .into_iter()
        .filter(|&f| ir.funcs[f].parent.is_some())
        .collect();
    if nested.is_empty() {
        return facts;
    }
    let lifted = &stages.lifted;
    let still_there: BTreeSet<FuncId> = lifted.roots().into_iter().collect();
    for &g in &nested {
        let sites = stages.inline.sites.get(&g).copied().unwrap_or(0);
        let mut what = Vec::new();
        if sites > 0 {
            let removed = if still_there.contains(&g) {
                ""
            } else {
                ", then removed"
            };
            what.push(format!(
                "inlined at {}{removed}",
                plural(sites, "call site")
            ));
        }
        if still_there.contains(&g) {
            let extra = stages.lift.get(&g).cloned().unwrap_or_default();
            let params: Vec<String> = lifted.funcs[g].params[..extra.len()]
                .iter()
                .zip(&extra)
                .map(|(&param, &v)| {
                    // Named in the boxed program, which has the cells but not yet the
                    // lifted names.
                    format!(
                        "{} ({})",
                        var_name(&stages.boxed, v),
                        lifted.show(&lifted.vars[param].ty)
                    )
                })
                .collect();
            let rest = if sites > 0 {
                "the rest of its calls go to "
            } else {
                "lifted as "
            };
            let with = if params.is_empty() {
                "with no extra parameters".to_string()
            } else {
                format!("with extra parameters {}", params.join(", "))
            };
            what.push(format!("{rest}`{}` {with}", lifted.funcs[g].name));
        } else if sites == 0 {
            what.push("removed: never called".into());
        }
        let why = match strategy {
            Strategy::Ref | Strategy::Lift => {
                format!("the `{}` strategy inlines nothing", strategy.name())
            }
            Strategy::Inline => {
                if sites > 0 || !still_there.contains(&g) {
                    "the `inline` strategy inlines every non-recursive nested function".into()
                } else {
                    "recursive (on a call-graph cycle): never inlined".into()
                }
            }
            Strategy::Auto => match stages.verdicts.get(&g) {
                Some(v) => format!("auto: {}", v.explain(cfg)),
                None => "auto: not considered".into(),
            },
        };
        facts.functions.push((
            g,
            FunctionFate {
                what: what.join("; "),
                why,
            },
        ));
    }

    // Captured variables of the source program.
    let before = Captures::analyze(ir);
    let after = Captures::analyze(&stages.inlined);
    let boxed: Vec<VarId> = stages.boxed_vars.iter().map(|(v, _)| *v).collect();
    for v in before.captured() {
        let owner = ir.vars[v]
            .owner
            .expect("captured variables belong to functions");
        let kind = if ir.funcs[owner].params.contains(&v) {
            "parameter"
        } else {
            "local"
        };
        let users: Vec<String> = nested
            .iter()
            .filter(|&&g| before.direct(g).contains(&v))
            .map(|&g| qualified_name(ir, g))
            .collect();
        let summary = format!(
            "{} ({kind} of {}, {}), used by {}",
            var_name(ir, v),
            qualified_name(ir, owner),
            ir.show(&ir.vars[v].ty),
            users.join(", ")
        );
        // The functions (after inlining) that assign v without owning it.
        let assigners = |p: &Program| -> Vec<String> {
            p.all_functions()
                .into_iter()
                .filter(|&f| {
                    f != owner && chocopy_ir::visit::assigned_vars(&p.funcs[f].body).contains(&v)
                })
                .map(|f| qualified_name(p, f))
                .collect()
        };
        let line = match stages.boxed_vars.iter().find(|(b, _)| *b == v) {
            Some((_, BoxReason::NonlocallyAssigned)) => format!(
                "boxed in a Ref cell: {} assigns it through `nonlocal`, and only a shared cell lets its owner and every user see the update",
                assigners(&stages.inlined).join(", ")
            ),
            Some((_, BoxReason::CapturedAndAssigned)) => format!(
                "boxed in a Ref cell: it is captured and assigned, and the `ref` strategy boxes every such variable (only {} assigns it)",
                qualified_name(ir, owner)
            ),
            None if after.is_captured(v) => {
                let how = if after.is_assigned(v) {
                    format!("only its owner {} assigns it", qualified_name(ir, owner))
                } else {
                    "nobody assigns it".to_string()
                };
                format!("not boxed: {how}, so callers pass its current value as an extra parameter")
            }
            None => format!(
                "not boxed, and no longer captured: the functions using it were inlined into {}",
                qualified_name(ir, owner)
            ),
        };
        facts.captured.push((
            v,
            CaptureFate {
                summary,
                decision: line,
            },
        ));
    }
    let copies: Vec<VarId> = boxed
        .iter()
        .copied()
        .filter(|&v| !before.is_captured(v))
        .collect();
    for v in copies {
        facts.copies.push(format!(
            "{} in {}: assigned through `nonlocal` by a function nested in the inlined code",
            stages.inlined.vars[v].name,
            stages.inlined.vars[v]
                .owner
                .map_or("<top level>".into(), |o| qualified_name(&stages.inlined, o))
        ));
    }
    facts
}
