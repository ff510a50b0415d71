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
    let nested: Vec<FuncId> = ir
        .all_functions()
        .into_iter()
        .filter(|&f| ir.funcs[f].parent.is_some())
        .collect();
    if nested.is_empty() {
        out.push_str("no nested functions\n");
        return out;
    }
    let lifted = &stages.lifted;
    let still_there: BTreeSet<FuncId> = lifted.roots().into_iter().collect();
    out.push_str("\nnested functions:\n");
    for &g in &nested {
        let name = qualified_name(ir, g);
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
        writeln!(out, "  {name}: {}\n    because {why}", what.join("; ")).unwrap();
    }

    // Captured variables of the source program.
    let before = Captures::analyze(ir);
    let after = Captures::analyze(&stages.inlined);
    out.push_str("\ncaptured variables:\n");
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
        writeln!(
            out,
            "  {} ({kind} of {}, {}), used by {}",
            var_name(ir, v),
            qualified_name(ir, owner),
            ir.show(&ir.vars[v].ty),
            users.join(", ")
        )
        .unwrap();
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
        writeln!(out, "    {line}").unwrap();
    }
    let copies: Vec<VarId> = boxed
        .iter()
        .copied()
        .filter(|&v| !before.is_captured(v))
        .collect();
    if !copies.is_empty() {
        out.push_str("\nvariables copied by inlining and boxed:\n");
        for v in copies {
            writeln!(
                out,
                "  {} in {}: assigned through `nonlocal` by a function nested in the inlined code",
                stages.inlined.vars[v].name,
                stages.inlined.vars[v]
                    .owner
                    .map_or("<top level>".into(), |o| qualified_name(&stages.inlined, o))
            )
            .unwrap();
        }
    }
    out
}
