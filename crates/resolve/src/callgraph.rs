//! The call graph of an IR program, with petgraph.
//!
//! Nodes are all functions (top-level and nested); an edge `f -> g` means the body of
//! `f` (not counting functions nested in it) calls `g`, weighted by the number of
//! call sites. Strongly connected components come from Tarjan's algorithm
//! (`petgraph::algo::tarjan_scc`), in reverse topological order: callees before
//! callers. A function is *recursive* when it lies on a cycle: its SCC has more than
//! one function, or it calls itself.

use chocopy_ir::{visit, ExprKind, FuncId, Program, Stmt};
use petgraph::graphmap::DiGraphMap;
use std::collections::{HashMap, HashSet};

/// The call graph with its SCCs and call-site counts.
#[derive(Debug, Clone)]
pub struct CallGraph {
    /// Caller to callee, weighted by the number of call sites.
    pub graph: DiGraphMap<FuncId, u32>,
    /// SCCs, callees first.
    sccs: Vec<Vec<FuncId>>,
    recursive: HashSet<FuncId>,
    /// Call sites per callee, the top level's included.
    sites: HashMap<FuncId, u32>,
}

impl CallGraph {
    /// Builds the call graph of `p`.
    pub fn build(p: &Program) -> CallGraph {
        let mut graph = DiGraphMap::new();
        let mut sites: HashMap<FuncId, u32> = HashMap::new();
        let all = p.all_functions();
        for &f in &all {
            graph.add_node(f);
        }
        let mut count =
            |caller: Option<FuncId>, body: &[Stmt], graph: &mut DiGraphMap<FuncId, u32>| {
                visit::exprs_pre(body, &mut |e| {
                    if let ExprKind::Call(g, _) = e.kind {
                        *sites.entry(g).or_default() += 1;
                        if let Some(f) = caller {
                            match graph.edge_weight_mut(f, g) {
                                Some(w) => *w += 1,
                                None => {
                                    graph.add_edge(f, g, 1);
                                }
                            }
                        }
                    }
                });
            };
        for &f in &all {
            count(Some(f), &p.funcs[f].body, &mut graph);
        }
        count(None, &p.main, &mut graph);
        let sccs = petgraph::algo::tarjan_scc(&graph);
        let mut recursive = HashSet::new();
        for scc in &sccs {
            if scc.len() > 1 || graph.contains_edge(scc[0], scc[0]) {
                recursive.extend(scc.iter().copied());
            }
        }
        CallGraph {
            graph,
            sccs,
            recursive,
            sites,
        }
    }

    /// The strongly connected components, callees before callers.
    pub fn sccs(&self) -> &[Vec<FuncId>] {
        &self.sccs
    }

    /// Whether `f` lies on a call-graph cycle (including calling itself).
    pub fn is_recursive(&self, f: FuncId) -> bool {
        self.recursive.contains(&f)
    }

    /// The number of call sites of `f` in the whole program.
    pub fn call_sites(&self, f: FuncId) -> u32 {
        self.sites.get(&f).copied().unwrap_or(0)
    }

    /// The functions `f` calls directly (each once).
    pub fn callees(&self, f: FuncId) -> impl Iterator<Item = FuncId> + '_ {
        self.graph.neighbors(f)
    }
}
