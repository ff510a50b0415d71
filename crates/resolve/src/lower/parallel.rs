//! Lowering the function bodies of a large program on two threads.
//!
//! Once the declarations of the top level are analysed (classes with their layouts,
//! global variables, the signatures of functions and methods), the body of each
//! top-level function or method depends only on them: what one body declares (its
//! locals, its nested functions) no other body sees. So the bodies are shared out:
//! the calling thread lowers the top-level statements, then takes functions from the
//! front of the list, while a worker thread takes them from the back, until they
//! meet (whoever is faster does more). The worker has a lowerer of its own, with a
//! red tree of its own over the same green tree (rowan's red nodes are not `Send`;
//! green nodes are); it analyses the declarations itself, at the same time as the
//! calling thread, rather than waiting for them and copying them: the analysis is
//! deterministic, so both threads give every declaration the same id.
//!
//! Merge: the variables and functions the worker made go to the end of the arenas,
//! function by function in source order. Once the queue is empty the calling
//! thread tells the worker its arena lengths, and the worker renumbers what it made
//! to follow them; as the calling thread made the new entries of the first
//! functions, the ids are those of lowering in one thread. Errors of the bodies are
//! appended after the calling thread's (the declarations' are the calling
//! thread's); [`crate::order::reference_order`] sorts them by the place they were
//! found (distinct between bodies and statements), so the reported list is the same
//! as in one thread. Tests compare both on every conformance program.
//!
//! Precondition: no types are recorded (`keep_types` off) and no REPL prelude.
//! Postcondition: the lowerer's program and errors are those of
//! [`Lowerer::program`] on one thread: the declarations, [`Lowerer::function_body`]
//! on every function in order, then [`Lowerer::main_statements`].

use super::Lowerer;
use crate::SemanticError;
use chocopy_ir::id::Compact;
use chocopy_ir::{FuncId, Function, Place, Program, Stmt, Var, VarDef, VarId};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{GreenNode, SyntaxNode, SyntaxPtr};
use id_arena::ArenaBehavior;
use rustc_hash::FxHashSet as HashSet;

/// From how many bytes of source the function bodies are lowered on two threads:
/// 128 KiB, about 4,000 lines. Below it starting the thread, which analyses the
/// declarations again, and merging cost more than they save (`cargo bench --bench
/// frontend`, benches/README.md).
pub const PARALLEL_MIN_BYTES: usize = 128 << 10;

/// The worker's stack, as the compiler's: lowering recurses as deep as expressions
/// nest (reserved address space, committed only as used).
const WORKER_STACK: usize = 8 << 30;

/// The functions not taken yet: indexes `front..back` of the list of functions
/// (the same on both threads), set to the whole list by the first `take`.
type Queue = std::sync::Mutex<Option<(usize, usize)>>;

/// Which end of the queue a thread takes from.
enum End {
    Front,
    Back,
}

/// The index of the next function at `end` of `queue` (of `len` functions), taken
/// off it; `None` once the two ends meet.
fn take(queue: &Queue, len: usize, end: End) -> Option<usize> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    let (front, back) = q.get_or_insert((0, len));
    if *front >= *back {
        return None;
    }
    Some(match end {
        End::Front => {
            *front += 1;
            *front - 1
        }
        End::Back => {
            *back -= 1;
            *back
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

/// The worker: analyses the declarations of the file `green` into `prog` (a copy of
/// the calling thread's program before its declarations: ids carry their arena's
/// identity) as the calling thread does, so its ids are the same; lowers the bodies of functions taken from the
/// back of `queue`, then, given by `first` the arena lengths of the calling thread
/// once it is done, renumbers what it made to follow them and sends it to `done`.
/// Its copy of the declarations is freed after, while the calling thread goes on.
/// Sends nothing if the calling thread gave no lengths (it panicked).
fn work(
    green: GreenNode,
    prog: Program,
    queue: &Queue,
    first: std::sync::mpsc::Receiver<(usize, usize)>,
    done: std::sync::mpsc::Sender<Done>,
) {
    // Always a file: the calling thread's tree has the same root.
    let Some(file) = ast::SourceFile::cast(SyntaxNode::new_root(green)) else {
        return;
    };
    let mut l = Lowerer::new(false);
    l.prog = prog;
    let (funcs, _) = l.declarations(&file, None);
    // The calling thread reports what the declarations have.
    l.errors.clear();
    l.error_keys.clear();
    l.decl_errors.clear();
    l.decl_error_keys.clear();
    l.nodes_in_error.clear();
    l.nodes_in_decl_error.clear();
    let base = (l.prog.vars.len(), l.prog.funcs.len());
    let mut lowered = Vec::new();
    while let Some(i) = take(queue, funcs.len(), End::Back) {
        let before = (l.prog.vars.len(), l.prog.funcs.len());
        l.function_body(funcs[i]);
        lowered.push(Lowered {
            func: funcs[i],
            vars: before.0..l.prog.vars.len(),
            funcs: before.1..l.prog.funcs.len(),
        });
    }
    let Ok(first) = first.recv() else { return };
    let (vars, funcs, bodies) = renumbered(&mut l.prog, &lowered, base, first);
    let _ = done.send(Done {
        vars,
        funcs,
        first,
        bodies,
        errors: std::mem::take(&mut l.errors),
        error_keys: std::mem::take(&mut l.error_keys),
        decl_errors: std::mem::take(&mut l.decl_errors),
        decl_error_keys: std::mem::take(&mut l.decl_error_keys),
        nodes_in_error: std::mem::take(&mut l.nodes_in_error),
        nodes_in_decl_error: std::mem::take(&mut l.nodes_in_decl_error),
    });
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
        Compact::<Var>::arena_id(prog.vars.next_id()),
        Compact::<Function>::arena_id(prog.funcs.next_id()),
    );
    let mut var_ids = vec![None; prog.vars.len() - base_v];
    let mut func_ids = vec![None; prog.funcs.len() - base_f];
    let (mut order_v, mut order_f) = (Vec::new(), Vec::new());
    for l in lowered.iter().rev() {
        for i in l.vars.clone() {
            var_ids[i - base_v] = Some(Compact::<Var>::new_id(arena_v, first_v + order_v.len()));
            order_v.push(i);
        }
        for i in l.funcs.clone() {
            func_ids[i - base_f] = Some(Compact::<Function>::new_id(
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

impl Lowerer {
    /// Lowers the file `file` (no REPL prelude, no types kept) as
    /// [`Lowerer::program`] does, with some function bodies on a worker thread (see
    /// the module's documentation). Without a thread, all on this one.
    pub(super) fn program_in_parallel(&mut self, file: &ast::SourceFile) {
        let queue = std::sync::Arc::new(Queue::default());
        let (lengths, first) = std::sync::mpsc::channel();
        let (done, received) = std::sync::mpsc::channel();
        // Not joined once it has sent its results: it frees its copy of the
        // declarations while this thread goes on.
        let worker = {
            let green = file.syntax().green().to_owned();
            let prog = self.prog.clone();
            let queue = queue.clone();
            std::thread::Builder::new()
                .name("lower".into())
                .stack_size(WORKER_STACK)
                .spawn(move || work(green, prog, &queue, first, done))
                .ok()
        };
        let (funcs, stmts) = self.declarations(file, None);
        self.main_statements(&stmts);
        while let Some(i) = take(&queue, funcs.len(), End::Front) {
            self.function_body(funcs[i]);
        }
        // The worker numbers what it made after what this thread made.
        let _ = lengths.send((self.prog.vars.len(), self.prog.funcs.len()));
        match received.recv() {
            Ok(done) => self.merge(done),
            // No worker (so this thread took every function), or it panicked.
            Err(_) => {
                if let Some(Err(panic)) = worker.map(|w| w.join()) {
                    std::panic::resume_unwind(panic);
                }
            }
        }
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
