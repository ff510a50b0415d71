//! The `auto` inlining heuristic: which nested functions to inline.
//!
//! Starts from Binaryen's inliner defaults (`src/passes/Inlining.cpp`, `InliningOptions`
//! in `src/pass.h`), with every threshold named in [`InlineConfig`]:
//! always inline tiny bodies; inline a function with a single call site whatever its
//! size (its body moves rather than being copied); otherwise inline only small
//! functions without loops or calls. Never inline a function on a call-graph cycle.
//! Only nested functions are considered: they are the ones whose calls cost captured
//! variables as extra arguments or `Ref` cells.
//!
//! Size is the number of IR statements and expression nodes in the body (and in the
//! bodies of functions nested in it, which inlining copies too), our stand-in for
//! Binaryen's count of wasm instructions. Decisions are made again after each round
//! of inlining (Binaryen recomputes its function information each iteration), up to
//! `max_iterations` rounds. The values that differ from Binaryen's were set by the
//! threshold sweep of the strategy benchmark (`benches/strategies.md`).

use chocopy_ir::analysis::CallGraph;
use chocopy_ir::{visit, ExprKind, FuncId, Program, Stmt};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Thresholds of the `auto` heuristic. Sources are Binaryen's `InliningOptions`
/// (`src/pass.h`) and `Inlining.cpp`; the measurements are the threshold sweep of
/// `benches/strategies.md` (geometric means against `ref` over the nested-function
/// suite of executed instructions / module size; defaults: 0.799 / 0.995).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineConfig {
    /// Functions at most this big are always inlined (Binaryen `alwaysInlineMaxSize`
    /// = 2). Our suite has no nested function that small; kept as Binaryen's.
    pub always_inline_max_size: u32,
    /// Functions with exactly one call site are inlined up to this size (Binaryen
    /// `oneCallerInlineMaxSize` = -1, i.e. unlimited). Measured: 0 instead gives
    /// 0.798 / 0.997, the same instructions for a larger module; kept unlimited.
    pub one_caller_inline_max_size: u32,
    /// Other functions are inlined up to this size ... (Binaryen's
    /// `flexibleInlineMaxSize` is 20 wasm instructions; our size counts IR nodes, a
    /// comparison of strings being one node but ten instructions). Measured: 10 gives
    /// 0.804 / 0.982, 20 and 30 give 0.800 / 0.988, 40 and 60 give 0.799 / 0.995:
    /// set to 40, the smallest value with the fewest instructions, its module still
    /// below `ref`'s.
    pub flexible_inline_max_size: u32,
    /// ... only if they have no loops, unless this is set (Binaryen
    /// `allowFunctionsWithLoops` = false). Measured: allowing loops changes nothing
    /// on the suite (0.799 / 0.995); kept off, as inlining a loop saves little.
    pub allow_functions_with_loops: bool,
    /// ... and no calls of user functions, unless this is set (the design notes'
    /// "only functions without loops or calls"; Binaryen's `hasCalls`). Measured: no
    /// change on the suite; kept off.
    pub allow_functions_with_calls: bool,
    /// Rounds of deciding and inlining: after a round, callers that absorbed their
    /// callees are measured again (Binaryen's `MaxIterationsForFunc` = 5). Measured:
    /// one round gives 0.809 / 0.995, worse than five.
    pub max_iterations: u32,
}

impl Default for InlineConfig {
    fn default() -> Self {
        InlineConfig {
            always_inline_max_size: 2,
            one_caller_inline_max_size: u32::MAX,
            flexible_inline_max_size: 40,
            allow_functions_with_loops: false,
            allow_functions_with_calls: false,
            max_iterations: 5,
        }
    }
}

/// Facts about a function body the heuristic looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BodyInfo {
    /// Statements plus expression nodes, nested functions included.
    pub size: u32,
    /// Whether it (or a nested function) has a `while` loop.
    pub has_loops: bool,
    /// Whether it (or a nested function) calls a user function.
    pub has_calls: bool,
}

/// Measures `f`'s own body (not the functions nested in it).
fn own_body_info(p: &Program, f: FuncId) -> BodyInfo {
    let mut info = BodyInfo::default();
    let body = &p.funcs[f].body;
    visit::stmts_pre(body, &mut |s| {
        info.size += 1;
        info.has_loops |= matches!(s, Stmt::While { .. });
    });
    visit::exprs_pre(body, &mut |e| {
        info.size += 1;
        info.has_calls |= matches!(e.kind, ExprKind::Call(..));
    });
    info
}

impl BodyInfo {
    fn add(&mut self, other: BodyInfo) {
        self.size += other.size;
        self.has_loops |= other.has_loops;
        self.has_calls |= other.has_calls;
    }
}

/// Measures `f`'s body and the bodies of the functions nested in it.
pub fn body_info(p: &Program, f: FuncId) -> BodyInfo {
    let mut info = BodyInfo::default();
    let mut stack = vec![f];
    while let Some(g) = stack.pop() {
        info.add(own_body_info(p, g));
        stack.extend(p.funcs[g].nested.iter().copied());
    }
    info
}

/// Why the heuristic inlines a function, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Size at most `always_inline_max_size`.
    Tiny,
    /// A single call site.
    OneCaller,
    /// Small, without loops or calls.
    Small,
    /// On a call-graph cycle: never inlined.
    Recursive,
    /// No call site at all: nothing to inline.
    Unused,
    /// Too big, or has loops or calls.
    TooCostly,
    /// Not a nested function.
    TopLevel,
}

impl Decision {
    /// Whether the function is inlined.
    pub fn inlines(self) -> bool {
        matches!(self, Decision::Tiny | Decision::OneCaller | Decision::Small)
    }
}

/// The heuristic's decision for function `f`.
pub fn decide(p: &Program, cg: &CallGraph, cfg: &InlineConfig, f: FuncId) -> Decision {
    decide_measured(p, cg, cfg, f, || body_info(p, f))
}

/// [`decide`], with `f`'s body measured by `info` (only if needed).
fn decide_measured(
    p: &Program,
    cg: &CallGraph,
    cfg: &InlineConfig,
    f: FuncId,
    info: impl FnOnce() -> BodyInfo,
) -> Decision {
    if p.funcs[f].parent.is_none() {
        return Decision::TopLevel;
    }
    if cg.is_recursive(f) {
        return Decision::Recursive;
    }
    let sites = cg.call_sites(f);
    if sites == 0 {
        return Decision::Unused;
    }
    let info = info();
    if info.size <= cfg.always_inline_max_size {
        Decision::Tiny
    } else if sites == 1 && info.size <= cfg.one_caller_inline_max_size {
        Decision::OneCaller
    } else if info.size <= cfg.flexible_inline_max_size
        && (cfg.allow_functions_with_loops || !info.has_loops)
        && (cfg.allow_functions_with_calls || !info.has_calls)
    {
        Decision::Small
    } else {
        Decision::TooCostly
    }
}

/// A decision with the facts it was made on, for the closure report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// What the heuristic decided.
    pub decision: Decision,
    /// The measured body.
    pub info: BodyInfo,
    /// The number of call sites.
    pub sites: u32,
}

impl Verdict {
    /// The decision in words, with the thresholds it was measured against.
    pub fn explain(&self, cfg: &InlineConfig) -> String {
        let BodyInfo {
            size,
            has_loops,
            has_calls,
        } = self.info;
        match self.decision {
            Decision::Tiny => format!(
                "tiny: size {size} <= always_inline_max_size {}",
                cfg.always_inline_max_size
            ),
            Decision::OneCaller => {
                "a single call site: its body moves instead of being copied".into()
            }
            Decision::Small => format!(
                "small: size {size} <= flexible_inline_max_size {}, no loops, no calls",
                cfg.flexible_inline_max_size
            ),
            Decision::Recursive => "recursive (on a call-graph cycle): never inlined".into(),
            Decision::Unused => "no call site".into(),
            Decision::TopLevel => "not a nested function".into(),
            Decision::TooCostly => {
                let mut why = Vec::new();
                if size > cfg.flexible_inline_max_size {
                    why.push(format!(
                        "size {size} > flexible_inline_max_size {}",
                        cfg.flexible_inline_max_size
                    ));
                }
                if has_loops && !cfg.allow_functions_with_loops {
                    why.push("it has loops".into());
                }
                if has_calls && !cfg.allow_functions_with_calls {
                    why.push("it calls functions".into());
                }
                format!(
                    "kept out of line: {} call sites and {}",
                    self.sites,
                    why.join(", ")
                )
            }
        }
    }
}

/// The heuristic's verdict on every nested function of `p`.
///
/// Time linear in the size of the program: each body is measured once, and the
/// measures of nested functions are summed children first.
pub fn verdicts(p: &Program, cfg: &InlineConfig) -> BTreeMap<FuncId, Verdict> {
    verdicts_with(p, cfg, &CallGraph::build(p))
}

/// [`verdicts`], with the call graph of `p` as it is now.
pub fn verdicts_with(p: &Program, cfg: &InlineConfig, cg: &CallGraph) -> BTreeMap<FuncId, Verdict> {
    let all = p.all_functions();
    let mut infos: HashMap<FuncId, BodyInfo> = HashMap::with_capacity(all.len());
    // Parents come before children in `all`: children first is the reverse.
    for &f in all.iter().rev() {
        let mut info = own_body_info(p, f);
        for g in &p.funcs[f].nested {
            info.add(infos[g]);
        }
        infos.insert(f, info);
    }
    all.into_iter()
        .filter(|&f| p.funcs[f].parent.is_some())
        .map(|f| {
            let info = infos[&f];
            let v = Verdict {
                decision: decide_measured(p, cg, cfg, f, || info),
                info,
                sites: cg.call_sites(f),
            };
            (f, v)
        })
        .collect()
}

/// The nested functions the heuristic inlines.
pub fn select(p: &Program, cfg: &InlineConfig) -> HashSet<FuncId> {
    verdicts(p, cfg)
        .into_iter()
        .filter(|(_, v)| v.decision.inlines())
        .map(|(f, _)| f)
        .collect()
}
