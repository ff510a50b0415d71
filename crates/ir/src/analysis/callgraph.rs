//! The call graph of an IR program.
//!
//! Nodes are the program's live functions (top-level, nested and methods, as
//! [`Program::all_functions`] lists them); an edge `f -> g` means the body of `f`
//! (not counting functions nested in it) calls `g`. Strongly connected components come
//! from Tarjan's algorithm (`petgraph::algo::tarjan_scc`), in reverse topological
//! order: callees before callers. A function is *recursive* when it lies on a cycle:
//! its SCC has more than one function, or it calls itself.
//!
//! The results are kept in tables indexed by [`FuncId`] (`Id::index`), so that every
//! query is a constant-time array access. Building the graph is linear in the size of
//! the program.

use crate::{visit, ExprKind, FuncId, Program, Stmt};
use petgraph::graph::{Graph, NodeIndex};

/// The call graph with its SCCs, recursion and call-site counts.
#[derive(Debug, Clone, Default)]
pub struct CallGraph {
    /// Per function (by index): its distinct callees, in the order of their first call.
    callees: Vec<Vec<FuncId>>,
    /// Per function (by index): the number of call sites in the whole program, the top
    /// level's included.
    sites: Vec<u32>,
    /// Per function (by index): whether it lies on a cycle.
    recursive: Vec<bool>,
    /// SCCs, callees first.
    sccs: Vec<Vec<FuncId>>,
}

fn grow<T: Clone + Default>(v: &mut Vec<T>, i: usize) -> &mut T {
    if v.len() <= i {
        v.resize(i + 1, T::default());
    }
    &mut v[i]
}

impl CallGraph {
    /// Builds the call graph of `p` (nested or flat IR), in time linear in its size.
    pub fn build(p: &Program) -> CallGraph {
        let all = p.all_functions();
        let n = p.funcs.len();
        let mut cg = CallGraph {
            callees: vec![Vec::new(); n],
            sites: vec![0; n],
            recursive: vec![false; n],
            sccs: Vec::new(),
        };
        // Distinct callees per caller, in the order of their first call: a mark per
        // callee holding the last caller that recorded it.
        let mut seen_by: Vec<Option<FuncId>> = vec![None; n];
        let mut count = |caller: Option<FuncId>, body: &[Stmt], cg: &mut CallGraph| {
            visit::exprs_pre(body, &mut |e| {
                if let ExprKind::Call(g, _) = e.kind {
                    *grow(&mut cg.sites, g.index()) += 1;
                    if let Some(f) = caller {
                        let mark = grow(&mut seen_by, g.index());
                        if *mark != Some(f) {
                            *mark = Some(f);
                            cg.callees[f.index()].push(g);
                        }
                    }
                }
            });
        };
        for &f in &all {
            count(Some(f), &p.funcs[f].body, &mut cg);
        }
        count(None, &p.main, &mut cg);
        // Tarjan's traversal order decides the order of the SCCs: nodes in
        // `all_functions` order, each node's edges in the order of first call
        // (petgraph's `Graph` lists a node's edges last added first, hence the
        // reversed insertion).
        let mut node = vec![usize::MAX; n];
        let mut graph: Graph<FuncId, ()> = Graph::with_capacity(all.len(), all.len());
        for &f in &all {
            node[f.index()] = graph.add_node(f).index();
        }
        let mut self_loop = vec![false; n];
        for &f in &all {
            for &g in cg.callees[f.index()].iter().rev() {
                if g == f {
                    self_loop[f.index()] = true;
                }
                if node[g.index()] != usize::MAX {
                    graph.add_edge(
                        NodeIndex::new(node[f.index()]),
                        NodeIndex::new(node[g.index()]),
                        (),
                    );
                }
            }
        }
        cg.sccs = petgraph::algo::tarjan_scc(&graph)
            .into_iter()
            .map(|scc| scc.into_iter().map(|i| graph[i]).collect::<Vec<FuncId>>())
            .collect();
        for scc in &cg.sccs {
            if scc.len() > 1 || self_loop[scc[0].index()] {
                for f in scc {
                    cg.recursive[f.index()] = true;
                }
            }
        }
        cg
    }

    /// The strongly connected components, callees before callers.
    pub fn sccs(&self) -> &[Vec<FuncId>] {
        &self.sccs
    }

    /// Whether `f` lies on a call-graph cycle (including calling itself).
    pub fn is_recursive(&self, f: FuncId) -> bool {
        self.recursive.get(f.index()).copied().unwrap_or(false)
    }

    /// The number of call sites of `f` in the whole program.
    pub fn call_sites(&self, f: FuncId) -> u32 {
        self.sites.get(f.index()).copied().unwrap_or(0)
    }

    /// The functions `f` calls directly (each once, in the order of their first call).
    pub fn callees(&self, f: FuncId) -> impl Iterator<Item = FuncId> + '_ {
        self.callees
            .get(f.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
    }

    /// Whether `f` calls `g` directly.
    pub fn calls(&self, f: FuncId, g: FuncId) -> bool {
        self.callees(f).any(|h| h == g)
    }

    /// Records that `n` call sites of `f` disappeared (a pass removed or inlined
    /// them); the counts stay exact without rebuilding the graph. Edges and SCCs are
    /// not updated: a pass that changes them must rebuild.
    pub fn remove_call_sites(&mut self, f: FuncId, n: u32) {
        let s = grow(&mut self.sites, f.index());
        *s = s.saturating_sub(n);
    }

    /// Records `n` new call sites of `f`.
    pub fn add_call_sites(&mut self, f: FuncId, n: u32) {
        *grow(&mut self.sites, f.index()) += n;
    }
}
