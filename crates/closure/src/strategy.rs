//! The four closure strategies of the design notes, as pipelines of the three passes:
//! inline, then re-analyse, then box, then lift.
//!
//! | strategy | inline | box | lift |
//! |---|---|---|---|
//! | `ref` | nothing | every captured variable assigned anywhere | everything |
//! | `lift` | nothing | variables assigned by a non-owner | everything |
//! | `inline` | every non-recursive nested function | what remains needed | what remains |
//! | `auto` | by [`crate::auto`] | what remains needed | what remains |
//!
//! The IR verifier runs after every pass; a failure is an internal compiler error.

use crate::{auto, boxing, inline, lift};
use chocopy_ir::analysis::{Analyses, VarFlags};
use chocopy_ir::verify::{verify, Shape};
use chocopy_ir::{FuncId, Program, VarId};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::str::FromStr;

/// How nested functions are compiled (`--closure=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// Box every captured variable that is assigned anywhere; lift everything.
    Ref,
    /// Box only variables assigned by a non-owner; lift everything.
    Lift,
    /// Inline every non-recursive nested function; box and lift what remains.
    Inline,
    /// Inline by heuristic; box and lift what remains.
    Auto,
}

impl Strategy {
    /// All strategies, in the order of the design notes' table.
    pub const ALL: [Strategy; 4] = [
        Strategy::Ref,
        Strategy::Lift,
        Strategy::Inline,
        Strategy::Auto,
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Ref => "ref",
            Strategy::Lift => "lift",
            Strategy::Inline => "inline",
            Strategy::Auto => "auto",
        }
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Strategy::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| format!("unknown closure strategy `{s}` (ref, lift, inline, auto)"))
    }
}

/// Why a variable was boxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxReason {
    /// Assigned by a function other than its owner: must be shared.
    NonlocallyAssigned,
    /// The `ref` baseline: captured and assigned somewhere.
    CapturedAndAssigned,
}

/// The program after each pass, and what each pass decided.
#[derive(Debug, Clone)]
pub struct Stages {
    /// After inlining.
    pub inlined: Program,
    /// After boxing.
    pub boxed: Program,
    /// After lifting: flat IR, ready for codegen.
    pub lifted: Program,
    /// Calls inlined, per function.
    pub inline: inline::InlineReport,
    /// For `auto`: the heuristic's verdict on each nested function (the one that
    /// inlined it, or the last one).
    pub verdicts: BTreeMap<FuncId, auto::Verdict>,
    /// Boxed variables and why.
    pub boxed_vars: Vec<(VarId, BoxReason)>,
    /// Extra parameters of each lifted function.
    pub lift: HashMap<FuncId, Vec<VarId>>,
}

/// An error inside the closure pipeline: a pass broke an IR invariant. Always a bug
/// of the compiler, never of the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineError(pub String);

impl std::fmt::Display for PipelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal compiler error: {}", self.0)
    }
}

fn check(p: &Program, shape: Shape, after: &str) -> Result<(), PipelineError> {
    verify(p, shape).map_err(|errs| {
        let errs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        PipelineError(format!("IR invalid after {after}: {}", errs.join("; ")))
    })
}

/// Runs `strategy` on `p` (verified nested IR), verifying after every pass, and keeps
/// the program after each pass (for `--emit` and the closure report).
pub fn run(
    p: &Program,
    strategy: Strategy,
    cfg: &auto::InlineConfig,
) -> Result<Stages, PipelineError> {
    run_with(p, strategy, cfg, true)
}

/// [`run`], with the IR verifier before and after every pass only if `verify` (tools
/// that need the stages quickly, like the language server's hover, leave it off).
pub fn run_with(
    p: &Program,
    strategy: Strategy,
    cfg: &auto::InlineConfig,
    verify: bool,
) -> Result<Stages, PipelineError> {
    let check = |p: &Program, shape, pass| {
        if verify {
            check(p, shape, pass)
        } else {
            Ok(())
        }
    };
    check(p, Shape::Nested, "lowering")?;
    let mut inlined = p.clone();
    let (inline_report, verdicts) = inline_stage(&mut inlined, strategy, cfg);
    check(&inlined, Shape::Nested, "inlining")?;
    let mut boxed = inlined.clone();
    let boxed_vars = box_stage(&mut boxed, strategy, &mut Analyses::new());
    check(&boxed, Shape::Nested, "boxing")?;
    let mut lifted = boxed.clone();
    let lift_report = lift::lift(&mut lifted).map_err(|e| PipelineError(e.to_string()))?;
    check(&lifted, Shape::Flat, "lifting")?;
    Ok(Stages {
        inlined,
        boxed,
        lifted,
        inline: inline_report,
        verdicts,
        boxed_vars,
        lift: lift_report,
    })
}

/// Runs `strategy` on `p` (nested IR) in place and returns the flat program ready for
/// code generation: what [`run`] computes as `Stages::lifted`, without keeping a copy
/// of the program after each pass (the build path: one program in memory instead of
/// four). With `verify`, the IR verifier runs before and after every pass.
///
/// Errors: an IR invalid after a pass (with `verify`), or lifting refused (a
/// nonlocally-assigned variable left unboxed): both bugs of the compiler.
pub fn lower(
    mut p: Program,
    strategy: Strategy,
    cfg: &auto::InlineConfig,
    verify: bool,
) -> Result<Program, PipelineError> {
    let check = |p: &Program, shape: Shape, after: &str| {
        if verify {
            check(p, shape, after)
        } else {
            Ok(())
        }
    };
    // The analyses are computed when a pass first needs them and invalidated when
    // a pass changes the program (Cranelift's `Context`).
    let mut analyses = Analyses::new();
    check(&p, Shape::Nested, "lowering")?;
    inline_stage_with(&mut p, strategy, cfg, &mut analyses);
    check(&p, Shape::Nested, "inlining")?;
    box_stage(&mut p, strategy, &mut analyses);
    check(&p, Shape::Nested, "boxing")?;
    lift::lift_with(&mut p, &mut analyses).map_err(|e| PipelineError(e.to_string()))?;
    check(&p, Shape::Flat, "lifting")?;
    Ok(p)
}

/// The inlining the strategy asks for, in place.
fn inline_stage(
    p: &mut Program,
    strategy: Strategy,
    cfg: &auto::InlineConfig,
) -> (inline::InlineReport, BTreeMap<FuncId, auto::Verdict>) {
    inline_stage_with(p, strategy, cfg, &mut Analyses::new())
}

/// [`inline_stage`], with cached analyses (invalidated whenever a round inlines).
fn inline_stage_with(
    p: &mut Program,
    strategy: Strategy,
    cfg: &auto::InlineConfig,
    analyses: &mut Analyses,
) -> (inline::InlineReport, BTreeMap<FuncId, auto::Verdict>) {
    let mut inline_report = inline::InlineReport::default();
    let mut verdicts = BTreeMap::new();
    match strategy {
        Strategy::Ref | Strategy::Lift => {}
        Strategy::Inline => {
            let cg = analyses.call_graph(p);
            let selected: HashSet<FuncId> = p
                .all_functions()
                .into_iter()
                .filter(|&f| p.funcs[f].parent.is_some() && !cg.is_recursive(f))
                .collect();
            if !selected.is_empty() {
                inline_report = inline::inline_with(p, &selected, cg);
                analyses.invalidate();
            }
        }
        Strategy::Auto => {
            // Decisions are recomputed after each round, as Binaryen does: inlining
            // a callee may make its caller small and call-free.
            for _ in 0..cfg.max_iterations {
                let round_verdicts = auto::verdicts_with(p, cfg, analyses.call_graph(p));
                for (f, v) in &round_verdicts {
                    // The verdict that inlined a function stays; others are updated.
                    let keep = verdicts
                        .get(f)
                        .is_some_and(|old: &auto::Verdict| old.decision.inlines());
                    if !keep {
                        verdicts.insert(*f, *v);
                    }
                }
                let selected: HashSet<FuncId> = round_verdicts
                    .iter()
                    .filter(|(_, v)| v.decision.inlines())
                    .map(|(f, _)| *f)
                    .collect();
                if selected.is_empty() {
                    break;
                }
                let round = inline::inline_with(p, &selected, analyses.call_graph(p));
                analyses.invalidate();
                if round.sites.is_empty() {
                    break;
                }
                inline_report.merge(round);
            }
        }
    }
    (inline_report, verdicts)
}

/// The boxing the strategy asks for, in place, on the program after inlining (which
/// may have made a nonlocal write local: the analysis runs again). Returns the boxed
/// variables and why.
fn box_stage(
    p: &mut Program,
    strategy: Strategy,
    analyses: &mut Analyses,
) -> Vec<(VarId, BoxReason)> {
    let caps = analyses.captures(p);
    let boxed_vars: Vec<(VarId, BoxReason)> = match strategy {
        Strategy::Ref => caps
            .with(VarFlags::CAPTURED | VarFlags::ASSIGNED)
            .map(|v| {
                let why = if caps.is_nonlocally_mutable(v) {
                    BoxReason::NonlocallyAssigned
                } else {
                    BoxReason::CapturedAndAssigned
                };
                (v, why)
            })
            .collect(),
        _ => caps
            .with(VarFlags::NONLOCALLY_MUTABLE)
            .map(|v| (v, BoxReason::NonlocallyAssigned))
            .collect(),
    };
    let set: BTreeSet<VarId> = boxed_vars.iter().map(|(v, _)| *v).collect();
    if !set.is_empty() {
        boxing::box_vars(p, &set);
        analyses.invalidate();
    }
    boxed_vars
}
