//! Analyses of the IR, shared by every pass: the call graph ([`CallGraph`]), free,
//! captured and nonlocally-mutable variables ([`Captures`], per-variable
//! [`VarFlags`]), and the extra parameters of lambda lifting ([`ExtraParams`]).
//!
//! They read nothing but the IR, so a pass can recompute them after any change. To
//! avoid recomputing them needlessly, [`Analyses`] caches them, as Cranelift's
//! `Context` caches its control-flow graph and dominator tree: a query computes what
//! is missing, and a pass that changes the program calls [`Analyses::invalidate`]
//! (or keeps the results exact itself, as the inliner does for call-site counts).

mod callgraph;
mod captures;

pub use callgraph::CallGraph;
pub use captures::{Captures, ExtraParams, VarFlags};

use crate::Program;

/// Cached analyses of one program. Every getter computes its analysis if it is not
/// cached; the caller promises that `p` is the program the cache was filled from and
/// that it has not changed since the last [`Analyses::invalidate`].
#[derive(Debug, Clone, Default)]
pub struct Analyses {
    call_graph: Option<CallGraph>,
    captures: Option<Captures>,
    extra: Option<ExtraParams>,
}

impl Analyses {
    /// An empty cache.
    pub fn new() -> Analyses {
        Analyses::default()
    }

    /// The call graph of `p`.
    pub fn call_graph(&mut self, p: &Program) -> &CallGraph {
        self.call_graph.get_or_insert_with(|| CallGraph::build(p))
    }

    /// The capture analysis of `p`.
    pub fn captures(&mut self, p: &Program) -> &Captures {
        self.captures.get_or_insert_with(|| Captures::analyze(p))
    }

    /// The extra parameters lambda lifting gives each function of `p`.
    pub fn extra_params(&mut self, p: &Program) -> &ExtraParams {
        if self.extra.is_none() {
            let cg = self.call_graph.get_or_insert_with(|| CallGraph::build(p));
            let caps = self.captures.get_or_insert_with(|| Captures::analyze(p));
            self.extra = Some(ExtraParams::compute(p, cg, caps));
        }
        self.extra.as_ref().expect("computed above")
    }

    /// The call graph, if cached, mutably (for a pass that keeps it up to date).
    pub fn call_graph_mut(&mut self) -> Option<&mut CallGraph> {
        self.call_graph.as_mut()
    }

    /// Forgets every cached analysis: the program changed.
    pub fn invalidate(&mut self) {
        *self = Analyses::default();
    }
}
