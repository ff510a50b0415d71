//! Lowering the function bodies of a large program on two threads.
//!
//! Once the declarations of the top level are analysed (classes with their layouts,
//! global variables, the signatures of functions and methods), the body of each
//! top-level function or method depends only on them: what one body declares (its
//! locals, its nested functions) no other body sees. So the bodies are shared out:
//! the calling thread lowers the top-level statements, then takes functions from the
//! front of the list, while a worker thread takes them from the back, until they
//! meet (whoever is faster does more). The worker has a lowerer of its own, over a
//! copy of the declarations and a red tree of its own over the same green tree
//! (rowan's red nodes are not `Send`; green nodes are).
//!
//! Merge: the variables and functions the worker made go to the end of the arenas,
//! function by function in source order. Once the queue is empty the calling
//! thread tells the worker its arena lengths, and the worker renumbers what it made
//! to follow them (on its own thread, while the calling thread finishes); as the
//! calling thread made the new entries of the first functions, the ids are those of
//! lowering in one thread. Errors are appended after the calling thread's;
//! [`crate::order::reference_order`] sorts them by the place they were found
//! (distinct between bodies and statements), so the reported list is the same as in
//! one thread. Tests compare both on every conformance program.
//!
//! Precondition: the top-level declarations are analysed; no types are recorded
//! (`keep_types` off) and no REPL prelude. Postcondition: the lowerer's program and
//! errors are those of [`Lowerer::function_body`] on every function in order, then
//! [`Lowerer::main_statements`].

use super::{Lowerer, Scope};
use crate::SemanticError;
use chocopy_ir::{FuncId, Function, Place, Program, Stmt, Var, VarDef, VarId};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{GreenNode, SyntaxNode, SyntaxPtr, TextRange};
use id_arena::{ArenaBehavior, DefaultArenaBehavior};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// From how many bytes of source the function bodies are lowered on two threads:
/// 128 KiB, about 4,000 lines. Below it starting the thread and copying the
/// declarations costs more than it saves (`cargo bench --bench frontend`,
/// benches/README.md).
pub const PARALLEL_MIN_BYTES: usize = 128 << 10;

/// The worker's stack, as the compiler's: lowering recurses as deep as expressions
/// nest (reserved address space, committed only as used).
const WORKER_STACK: usize = 8 << 30;

/// What the worker needs, all `Send`: the tree, a copy of the declarations, and
/// every function with the range of its definition.
struct Job {
    green: GreenNode,
    prog: Program,
    global: Scope,
    pending: HashMap<String, chocopy_ir::ClassId>,
    funcs: Vec<(FuncId, TextRange)>,
}

/// The functions not taken yet: indexes `front..back` of the list.
type Queue = std::sync::Mutex<(usize, usize)>;

/// Which end of the queue a thread takes from.
enum End {
    Front,
    Back,
}

/// The index of the next function at `end` of `queue`, taken off it; `None` once
/// the two ends meet.
fn take(queue: &Queue, end: End) -> Option<usize> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    if q.0 >= q.1 {
        return None;
    }
    Some(match end {
        End::Front => {
            q.0 += 1;
            q.0 - 1
        }
        End::Back => {
            q.1 -= 1;
            q.1
        }
    })
}

/// A function's body as the worker lowered it: its id, locals, nested functions and
/// statements.
type Body = (FuncId, Vec<VarDef>, Vec<FuncId>, Vec<Stmt>);

/// What the worker hands over, renumbered for the end of the calling thread's
/// arenas: its new variables and functions in their final order, the bodies of the
/// functions it lowered, and its errors.
struct Done {
    vars: Vec<Var>,
    funcs: Vec<Function>,
    /// The first ids `vars` and `funcs` were numbered from.
    first: (usize, usize),
    bodies: Vec<Body>,
    /// A function it took but did not lower (see [`Job::run`]).
    missed: Option<FuncId>,
    errors: Vec<SemanticError>,
    error_keys: Vec<u32>,
    decl_errors: Vec<SemanticError>,
    decl_error_keys: Vec<super::DeclSlot>,
    nodes_in_error: HashSet<SyntaxPtr>,
    nodes_in_decl_error: HashSet<SyntaxPtr>,
}

/// A function the worker lowered: its id, and the variables and functions it made
/// (index ranges of the worker's arenas).
struct Lowered {
    func: FuncId,
    vars: std::ops::Range<usize>,
    funcs: std::ops::Range<usize>,
}

impl Job {
    /// Lowers the bodies of functions taken from the back of `queue`, then, given by
    /// `first` the arena lengths of the calling thread once it is done, renumbers
    /// what it made to follow them (on this thread, while the calling thread ends).
    /// `None` if the calling thread gave no lengths (it panicked).
    fn run(self, queue: &Queue, first: std::sync::mpsc::Receiver<(usize, usize)>) -> Option<Done> {
        let base = (self.prog.vars.len(), self.prog.funcs.len());
        let root = SyntaxNode::new_root(self.green);
        let defs = func_defs(&root);
        let mut l = Lowerer::new(false);
        l.prog = self.prog;
        l.scopes.push(self.global);
        l.pending = self.pending;
        let mut lowered = Vec::new();
        let mut missed = None;
        while let Some(i) = take(queue, End::Back) {
            let (func, range) = self.funcs[i];
            // Always found (the range comes from the same tree); if not, the
            // calling thread lowers the function after the others.
            let Some(def) = defs.get(&range).cloned() else {
                missed = Some(func);
                break;
            };
            l.defs.insert(func, def);
            let before = (l.prog.vars.len(), l.prog.funcs.len());
            l.function_body(func);
            lowered.push(Lowered {
                func,
                vars: before.0..l.prog.vars.len(),
                funcs: before.1..l.prog.funcs.len(),
            });
        }
        let first = first.recv().ok()?;
        let (vars, funcs, bodies) = renumbered(&mut l.prog, &lowered, base, first);
        Some(Done {
            vars,
            funcs,
            first,
            bodies,
            missed,
            errors: l.errors,
            error_keys: l.error_keys,
            decl_errors: l.decl_errors,
            decl_error_keys: l.decl_error_keys,
            nodes_in_error: l.nodes_in_error,
            nodes_in_decl_error: l.nodes_in_decl_error,
        })
    }
}

/// The worker's new variables and functions (those from `base` on in `prog`, made
/// while lowering `lowered`, listed from the back), in source order of the
/// functions that made them and renumbered from `first`, with the bodies of the
/// lowered functions, renumbered too.
fn renumbered(
    prog: &mut Program,
    lowered: &[Lowered],
    (base_v, base_f): (usize, usize),
    (first_v, first_f): (usize, usize),
) -> (Vec<Var>, Vec<Function>, Vec<Body>) {
    // Final ids of the new entries, function by function in source order.
    let (arena_v, arena_f) = (
        DefaultArenaBehavior::<Var>::arena_id(prog.vars.next_id()),
        DefaultArenaBehavior::<Function>::arena_id(prog.funcs.next_id()),
    );
    let mut var_ids = vec![None; prog.vars.len() - base_v];
    let mut func_ids = vec![None; prog.funcs.len() - base_f];
    let (mut order_v, mut order_f) = (Vec::new(), Vec::new());
    for l in lowered.iter().rev() {
        for i in l.vars.clone() {
            var_ids[i - base_v] = Some(DefaultArenaBehavior::<Var>::new_id(
                arena_v,
                first_v + order_v.len(),
            ));
            order_v.push(i);
        }
        for i in l.funcs.clone() {
            func_ids[i - base_f] = Some(DefaultArenaBehavior::<Function>::new_id(
                arena_f,
                first_f + order_f.len(),
            ));
            order_f.push(i);
        }
    }
    // Every new entry was made while lowering some function.
    let var = |v: VarId| match v.index().checked_sub(base_v) {
        Some(i) => var_ids[i].expect("made while lowering a function"),
        None => v,
    };
    let func = |f: FuncId| match f.index().checked_sub(base_f) {
        Some(i) => func_ids[i].expect("made while lowering a function"),
        None => f,
    };
    let bodies = lowered
        .iter()
        .rev()
        .map(|l| {
            let g = &mut prog.funcs[l.func];
            renumber_function(g, &var, &func);
            (
                l.func,
                std::mem::take(&mut g.locals),
                std::mem::take(&mut g.nested),
                std::mem::take(&mut g.body),
            )
        })
        .collect();
    let mut vars: Vec<Option<Var>> = std::mem::take(&mut prog.vars)
        .into_iter()
        .skip(base_v)
        .map(|(_, v)| Some(v))
        .collect();
    let mut funcs: Vec<Option<Function>> = std::mem::take(&mut prog.funcs)
        .into_iter()
        .skip(base_f)
        .map(|(_, f)| Some(f))
        .collect();
    let vars = order_v
        .into_iter()
        .filter_map(|i| {
            let mut v = vars[i - base_v].take()?;
            v.owner = v.owner.map(func);
            Some(v)
        })
        .collect();
    let funcs = order_f
        .into_iter()
        .filter_map(|i| {
            let mut f = funcs[i - base_f].take()?;
            renumber_function(&mut f, &var, &func);
            Some(f)
        })
        .collect();
    (vars, funcs, bodies)
}

/// The definitions of the top-level functions and of the methods under `root`, by
/// range (one walk over the top level and the class bodies).
fn func_defs(root: &SyntaxNode) -> HashMap<TextRange, ast::FuncDef> {
    let mut defs = HashMap::default();
    let Some(file) = ast::SourceFile::cast(root.clone()) else {
        return defs;
    };
    for item in file.items() {
        match item {
            ast::Item::FuncDef(f) => {
                defs.insert(f.syntax().text_range(), f);
            }
            ast::Item::ClassDef(c) => {
                for member in c.body().into_iter().flat_map(|b| b.items()) {
                    if let ast::Item::FuncDef(f) = member {
                        defs.insert(f.syntax().text_range(), f);
                    }
                }
            }
            _ => {}
        }
    }
    defs
}

impl Lowerer {
    /// Lowers the bodies of `funcs` (declared top-level functions and methods, in
    /// order) and the top-level `stmts`, some of the functions on a worker thread
    /// (see the module's documentation). Without a thread, all on this one.
    pub(super) fn bodies_in_parallel(
        &mut self,
        file: &ast::SourceFile,
        funcs: &[FuncId],
        stmts: &[&ast::Stmt],
    ) {
        let job = Job {
            green: file.syntax().green().to_owned(),
            prog: self.prog.clone(),
            global: self.scopes[0].clone(),
            pending: self.pending.clone(),
            funcs: funcs
                .iter()
                .map(|f| (*f, self.defs[f].syntax().text_range()))
                .collect(),
        };
        let queue: Queue = std::sync::Mutex::new((0, funcs.len()));
        std::thread::scope(|s| {
            let (lengths, first) = std::sync::mpsc::channel();
            let worker = std::thread::Builder::new()
                .name("lower".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(s, || job.run(&queue, first))
                .ok();
            self.main_statements(stmts);
            while let Some(i) = take(&queue, End::Front) {
                self.function_body(funcs[i]);
            }
            // The worker numbers what it made after what this thread made.
            let _ = lengths.send((self.prog.vars.len(), self.prog.funcs.len()));
            if let Some(w) = worker {
                match w.join() {
                    Ok(Some(done)) => {
                        let missed = done.missed;
                        self.merge(done);
                        if let Some(f) = missed {
                            self.function_body(f);
                        }
                    }
                    // Only when this thread panicked, which it did not.
                    Ok(None) => {}
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
    }

    /// Takes in what the worker made, numbered to follow this thread's entries (see
    /// the module's documentation).
    fn merge(&mut self, done: Done) {
        debug_assert_eq!(done.first, (self.prog.vars.len(), self.prog.funcs.len()));
        for v in done.vars {
            self.prog.vars.alloc(v);
        }
        for f in done.funcs {
            self.prog.funcs.alloc(f);
        }
        for (f, locals, nested, body) in done.bodies {
            let g = &mut self.prog.funcs[f];
            g.locals = locals;
            g.nested = nested;
            g.body = body;
        }
        self.errors.extend(done.errors);
        self.error_keys.extend(done.error_keys);
        self.decl_errors.extend(done.decl_errors);
        self.decl_error_keys.extend(done.decl_error_keys);
        self.nodes_in_error.extend(done.nodes_in_error);
        self.nodes_in_decl_error.extend(done.nodes_in_decl_error);
    }
}

/// Renumbers the variables and functions `f` refers to.
fn renumber_function(
    f: &mut chocopy_ir::Function,
    var: &impl Fn(VarId) -> VarId,
    func: &impl Fn(FuncId) -> FuncId,
) {
    for p in &mut f.params {
        *p = var(*p);
    }
    for d in &mut f.locals {
        d.var = var(d.var);
    }
    for g in &mut f.nested {
        *g = func(*g);
    }
    f.parent = f.parent.map(func);
    chocopy_ir::visit::rewrite(
        &mut f.body,
        &mut |e| match &mut e.kind {
            chocopy_ir::ExprKind::Var(v) => *v = var(*v),
            chocopy_ir::ExprKind::Call(g, _) => *g = func(*g),
            _ => {}
        },
        &mut |p| {
            if let Place::Var(v) = p {
                *v = var(*v);
            }
        },
    );
}
