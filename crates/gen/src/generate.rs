//! The random program generator: seeded, deterministic, type-directed.
//!
//! In the spirit of Csmith (Yang et al., "Finding and understanding bugs in C
//! compilers", PLDI 2011) and YARPGen (Livinskii et al., OOPSLA 2020): programs are
//! built top-down from a symbol table, every expression is generated for a wanted
//! [`GTy`], and the facts carried by `GTy` (never `None`, never empty, what an
//! `object` holds) make every generated program free of unintended runtime errors,
//! with an output CPython and ChocoPy agree on. What cannot be guaranteed statically
//! (32-bit overflow, run time) is checked by running the program under CPython
//! ([`crate::python`]) and the program discarded if it fails.
//!
//! Termination, by construction:
//! - `while` loops are bounded by a counter nothing else assigns;
//! - calls go from a function to functions completed before it (a DAG by
//!   completion order), except *recursive edges*: a recursive function has a depth
//!   parameter `d`, returns at once when `d <= 0`, and every call closing a cycle
//!   passes `d - 1` for an enclosing recursive function's `d`; method overrides obey
//!   the limits of the method they override; constructors make no calls at all.
//!
//! A rough cost model (each function has a cost cap; calls in loops multiply) keeps
//! the running time small. The weights of each form are in [`Config`].

use crate::ast::*;
use rand::{Rng, RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::collections::{HashMap, HashSet};

/// Sizes and probabilities of the generator.
#[derive(Debug, Clone)]
pub struct Config {
    /// Global variables, at most.
    pub max_globals: usize,
    /// Classes, at most.
    pub max_classes: usize,
    /// Top-level functions, at most.
    pub max_funcs: usize,
    /// Deepest nesting of functions in functions or methods (1 = no nesting).
    pub max_nesting: usize,
    /// Functions and methods in all, at most (more are not nested).
    pub max_functions: usize,
    /// Top-level statements, at most.
    pub max_main: usize,
    /// Statements in a function body, at most.
    pub max_body: usize,
    /// Deepest nesting of expressions.
    pub max_expr_depth: u32,
    /// Probability that the program ends with a runtime error.
    pub runtime_error: f64,
    /// Probability of a deliberate shadowing of an outer variable by a local.
    pub shadowing: f64,
    /// Cost cap of the whole program (abstract units: a statement is 1).
    pub main_cap: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_globals: 6,
            max_classes: 4,
            max_funcs: 4,
            max_nesting: 4,
            max_functions: 14,
            max_main: 10,
            max_body: 5,
            max_expr_depth: 3,
            runtime_error: 0.08,
            shadowing: 0.1,
            main_cap: 20_000,
        }
    }
}

/// Generates the program of `seed` with `cfg`. The same seed and configuration give
/// the same program on every machine (PCG, a portable generator).
pub fn generate(seed: u64, cfg: &Config) -> (Program, Layout) {
    let mut g = Gen::new(Pcg64Mcg::seed_from_u64(seed), cfg.clone());
    let p = g.program();
    let layout = Layout {
        indent: [4, 4, 4, 2, 3, 8][g.below(6)],
        decorate: g.chance(0.3),
    };
    (p, layout)
}

type VarIx = usize;
type FnIx = usize;
type ClassIx = usize;

#[derive(Debug, Clone)]
struct VarInfo {
    name: String,
    ty: GTy,
    /// Loop counters and depth parameters: never assigned by generated statements.
    reserved: bool,
    global: bool,
}

#[derive(Debug, Clone)]
struct FnInfo {
    name: String,
    params: Vec<GTy>,
    ret: Option<GTy>,
    /// Whether the first parameter (after `self`) is a depth parameter.
    recursive: bool,
    /// Completion order, once the body is generated.
    rank: Option<u32>,
    /// The parent function (`None`: top level or method).
    parent: Option<FnIx>,
    /// The top-level function or method whose subtree this function is in.
    root: FnIx,
    /// Cost of one call.
    cap: u32,
    /// Variables assigned through `global` / `nonlocal` (for hazards).
    writes: Vec<VarIx>,
    /// The depth variable, for recursive functions.
    depth_var: Option<VarIx>,
    /// Functions declared together (a mutually recursive pair, or one function):
    /// calls among them, and from functions nested in them, are recursive edges.
    group: usize,
}

#[derive(Debug, Clone)]
struct Slot {
    params: Vec<GTy>,
    ret: Option<GTy>,
    recursive: bool,
    /// Calls to completed functions of rank at or above this are not allowed in the
    /// method and its overrides.
    limit: u32,
    rank: u32,
    cap: u32,
}

#[derive(Debug, Clone)]
struct ClassInfo {
    name: String,
    parent: Option<ClassIx>,
    /// Own attributes.
    attrs: Vec<(String, GTy)>,
    /// Method slots defined (or overridden) here: name to slot.
    methods: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Scope {
    /// Names declared here (own variables and global/nonlocal aliases).
    vars: Vec<(String, VarIx)>,
    /// Functions declared here.
    funcs: Vec<(String, FnIx)>,
    /// Variables assignable here.
    assignable: Vec<VarIx>,
}

/// The context of the statements and expressions being generated.
#[derive(Debug, Clone)]
struct Ctx {
    /// The function whose body this is (`None`: top level).
    func: Option<FnIx>,
    /// Its root (top-level function or method).
    root: Option<FnIx>,
    /// Completed functions outside the root may be called only below this rank.
    limit: u32,
    /// Iterations of the loops around (product).
    mult: u32,
    /// Cost spent so far and the cap.
    cost: u32,
    cap: u32,
    /// In a constructor or a prologue: no calls, no global reads, and constructions
    /// only of classes before this index.
    ctor: Option<ClassIx>,
    /// Variables not yet initialised (prologues).
    not_ready: HashSet<VarIx>,
    /// The return type of the function, if any.
    ret: Option<Option<GTy>>,
    /// Depth of `if`/loop nesting.
    nesting: u32,
    /// Recursive-edge calls made in this root so far.
    rec_calls: u32,
}

struct Gen {
    rng: Pcg64Mcg,
    cfg: Config,
    vars: Vec<VarInfo>,
    funcs: Vec<FnInfo>,
    classes: Vec<ClassInfo>,
    /// Method slots by (class where first defined, name).
    slots: HashMap<(ClassIx, String), Slot>,
    scopes: Vec<Scope>,
    next_rank: u32,
    names: u32,
    groups: usize,
    /// Globals created while generating (loop counters at the top level).
    extra_globals: Vec<VarDef>,
    /// Locals created while generating a body (loop counters), per open function.
    extra_locals: Vec<Vec<VarDef>>,
}

const WORDS: &[&str] = &[
    "a", "b", "hello", "x", "zz", "Choco", "py", " ", "42", "ok", "no", "abc", "q!", "~", "{}",
    "\"", "\n", "\t", "end",
];

impl Gen {
    fn new(rng: Pcg64Mcg, cfg: Config) -> Gen {
        Gen {
            rng,
            cfg,
            vars: Vec::new(),
            funcs: Vec::new(),
            classes: Vec::new(),
            slots: HashMap::new(),
            scopes: vec![Scope::default()],
            next_rank: 0,
            names: 0,
            groups: 0,
            extra_globals: Vec::new(),
            extra_locals: Vec::new(),
        }
    }

    // ---- randomness -------------------------------------------------------------

    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            self.rng.random_range(0..n)
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }

    /// An index chosen with the given weights (0 weights never chosen).
    fn weighted(&mut self, weights: &[u32]) -> Option<usize> {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return None;
        }
        let mut r = (self.rng.next_u32() % total) as i64;
        for (i, &w) in weights.iter().enumerate() {
            r -= w as i64;
            if r < 0 {
                return Some(i);
            }
        }
        None
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    // ---- types ------------------------------------------------------------------

    fn class_ty(&self, c: ClassIx) -> Ty {
        Ty::Class(self.classes[c].name.clone())
    }

    fn class_ix(&self, name: &str) -> Option<ClassIx> {
        self.classes.iter().position(|c| c.name == name)
    }

    fn ancestry(&self, c: ClassIx) -> Vec<ClassIx> {
        let mut out = vec![c];
        let mut cur = self.classes[c].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.classes[p].parent;
        }
        out
    }

    fn is_subclass(&self, a: &str, b: &str) -> bool {
        match (self.class_ix(a), self.class_ix(b)) {
            (Some(x), Some(y)) => self.ancestry(x).contains(&y),
            _ => false,
        }
    }

    /// ChocoPy assignability `a <=a b` (manual 5.2).
    fn assignable(&self, a: &Ty, b: &Ty) -> bool {
        if a == b || *b == Ty::Object {
            return true;
        }
        match (a, b) {
            (Ty::Class(x), Ty::Class(y)) => self.is_subclass(x, y),
            (Ty::NoneT, _) => b.admits_none(),
            (Ty::Empty, Ty::List(_)) => true,
            _ => false,
        }
    }

    /// The least upper bound (manual 5.2, `join`).
    fn join(&self, a: &Ty, b: &Ty) -> Ty {
        if self.assignable(a, b) {
            return b.clone();
        }
        if self.assignable(b, a) {
            return a.clone();
        }
        if let (Ty::Class(x), Ty::Class(y)) = (a, b) {
            if let (Some(x), Some(y)) = (self.class_ix(x), self.class_ix(y)) {
                let ys = self.ancestry(y);
                if let Some(c) = self.ancestry(x).into_iter().find(|c| ys.contains(c)) {
                    return self.class_ty(c);
                }
            }
        }
        Ty::Object
    }

    /// Whether a value of `v` may be stored where `slot` is required.
    fn storable(&self, v: &GTy, slot: &GTy) -> bool {
        if !self.assignable(&v.ty, &slot.ty) {
            return false;
        }
        if slot.ty == Ty::Object {
            let vc = match v.ty {
                Ty::Int | Ty::Bool | Ty::Str => Content::Prim,
                Ty::Object => v.content,
                _ => Content::Ref,
            };
            return match slot.content {
                Content::Any => true,
                c => c == vc,
            };
        }
        if v.may_be_none() && !slot.nullable {
            return false;
        }
        if matches!(slot.ty, Ty::Str | Ty::List(_)) && !slot.maybe_empty && v.maybe_empty {
            return false;
        }
        if let (Ty::List(_), Ty::List(_)) = (&v.ty, &slot.ty) {
            // Invariant lists: the element facts are those of the element type.
            return true;
        }
        true
    }

    fn random_ty(&mut self, depth: u32) -> Ty {
        let has_class = !self.classes.is_empty();
        let w = [
            30,
            10,
            12,
            7,
            if has_class { 12 } else { 0 },
            if depth < 2 { 14 } else { 0 },
        ];
        match self.weighted(&w).unwrap_or(0) {
            0 => Ty::Int,
            1 => Ty::Bool,
            2 => Ty::Str,
            3 => Ty::Object,
            4 => {
                let c = self.below(self.classes.len());
                self.class_ty(c)
            }
            _ => Ty::List(Box::new(self.random_ty(depth + 1))),
        }
    }

    /// A random declared type with random facts.
    fn random_gty(&mut self) -> GTy {
        let ty = self.random_ty(0);
        self.facts_for(ty)
    }

    fn facts_for(&mut self, ty: Ty) -> GTy {
        match ty {
            Ty::Object => {
                let c = [Content::Prim, Content::Prim, Content::Ref, Content::Any][self.below(4)];
                GTy::object(c)
            }
            Ty::Str => {
                let g = GTy::str();
                if self.chance(0.5) {
                    g.nonempty()
                } else {
                    g
                }
            }
            Ty::List(_) => {
                let mut g = GTy::plain(ty);
                g.maybe_empty = self.chance(0.4);
                if self.chance(0.12) {
                    g = g.or_none();
                }
                g
            }
            Ty::Class(_) => {
                let g = GTy::plain(ty);
                if self.chance(0.25) {
                    g.or_none()
                } else {
                    g
                }
            }
            other => GTy::plain(other),
        }
    }

    /// The initial literal of a variable of type `t`: its value if primitive, else
    /// `None` (the prologue assigns values that may not be `None`).
    fn init_lit(&mut self, t: &GTy) -> Lit {
        match &t.ty {
            Ty::Int => Lit::Int(self.small_int()),
            Ty::Bool => Lit::Bool(self.chance(0.5)),
            Ty::Str => Lit::Str(self.word(!t.maybe_empty)),
            Ty::Object if t.content == Content::Prim => match self.below(3) {
                0 => Lit::Int(self.small_int()),
                1 => Lit::Bool(self.chance(0.5)),
                _ => Lit::Str(self.word(false)),
            },
            _ => Lit::None,
        }
    }

    /// Whether a variable of type `t` needs a prologue assignment (its literal
    /// initial value, `None`, breaks its facts).
    fn needs_init(t: &GTy) -> bool {
        matches!(t.ty, Ty::Class(_) | Ty::List(_)) && !t.nullable
    }

    fn small_int(&mut self) -> i32 {
        match self.below(10) {
            0 => self.rng.random_range(0..=i32::MAX),
            1 => self.rng.random_range(0..1000),
            _ => self.rng.random_range(0..10),
        }
    }

    fn word(&mut self, nonempty: bool) -> String {
        if !nonempty && self.chance(0.15) {
            return String::new();
        }
        let n = 1 + self.below(2);
        (0..n)
            .map(|_| WORDS[self.below(WORDS.len())])
            .collect::<Vec<_>>()
            .concat()
    }

    // ---- scopes -----------------------------------------------------------------

    fn new_var(&mut self, name: String, ty: GTy, reserved: bool, global: bool) -> VarIx {
        self.vars.push(VarInfo {
            name: name.clone(),
            ty,
            reserved,
            global,
        });
        let v = self.vars.len() - 1;
        let top = self.scopes.last_mut().unwrap();
        top.vars.push((name, v));
        top.assignable.push(v);
        v
    }

    /// Visible variables by name (inner declarations hide outer ones).
    fn visible_vars(&self) -> HashMap<String, VarIx> {
        let mut m = HashMap::new();
        for s in &self.scopes {
            for (n, v) in &s.vars {
                m.insert(n.clone(), *v);
            }
            // A function name hides an outer variable of the same name.
            for (n, _) in &s.funcs {
                m.remove(n);
            }
        }
        m
    }

    fn visible_funcs(&self) -> Vec<FnIx> {
        let mut m: HashMap<String, FnIx> = HashMap::new();
        for s in &self.scopes {
            for (n, _) in &s.vars {
                m.remove(n);
            }
            for (n, f) in &s.funcs {
                m.insert(n.clone(), *f);
            }
        }
        let mut v: Vec<FnIx> = m.into_values().collect();
        v.sort();
        v
    }

    /// Variables readable in `ctx`, with their names as visible here.
    fn readable(&self, ctx: &Ctx) -> Vec<(String, VarIx)> {
        let mut v: Vec<(String, VarIx)> = self
            .visible_vars()
            .into_iter()
            .filter(|(_, v)| !ctx.not_ready.contains(v))
            .filter(|(_, v)| ctx.ctor.is_none() || !self.vars[*v].global)
            .collect();
        v.sort();
        v
    }

    /// Variables assignable in `ctx` (by statements), with their visible names.
    fn writable(&self, ctx: &Ctx) -> Vec<(String, VarIx)> {
        let top = self.scopes.last().unwrap();
        let vis = self.visible_vars();
        let mut v: Vec<(String, VarIx)> = top
            .assignable
            .iter()
            .filter(|v| !self.vars[**v].reserved && !ctx.not_ready.contains(v))
            .filter_map(|&v| {
                let name = self.vars[v].name.clone();
                (vis.get(&name) == Some(&v)).then_some((name, v))
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }

    // ---- the program ------------------------------------------------------------

    fn program(&mut self) -> Program {
        let mut globals = Vec::new();
        for _ in 0..1 + self.below(self.cfg.max_globals) {
            let ty = self.random_gty();
            let name = self.fresh("g");
            let init = self.init_lit(&ty);
            self.new_var(name.clone(), ty.clone(), false, true);
            globals.push(VarDef { name, ty, init });
        }
        // Classes and functions in random order: each sees what came before.
        let n_classes = self.below(self.cfg.max_classes + 1);
        let n_funcs = 1 + self.below(self.cfg.max_funcs);
        let mut units: Vec<bool> = (0..n_classes)
            .map(|_| true)
            .chain((0..n_funcs).map(|_| false))
            .collect();
        for i in (1..units.len()).rev() {
            let j = self.below(i + 1);
            units.swap(i, j);
        }
        let mut classes = Vec::new();
        let mut funcs = Vec::new();
        let mut k = 0;
        while k < units.len() {
            if units[k] {
                let c = self.class_def();
                classes.push(c);
            } else if k + 1 < units.len() && !units[k + 1] && self.chance(0.15) {
                // Two mutually recursive top-level functions.
                funcs.extend(self.func_group(2, true));
                k += 1;
            } else {
                funcs.extend(self.func_group(1, false));
            }
            k += 1;
        }
        // The top level: globals that may not be None get their values first.
        let mut ctx = self.top_ctx();
        let mut prologue = Vec::new();
        for d in &globals {
            let v = self.lookup_var(&d.name);
            if Self::needs_init(&d.ty) {
                ctx.not_ready.insert(v);
            }
        }
        for d in globals.clone() {
            if Self::needs_init(&d.ty) {
                let mut pctx = ctx.clone();
                pctx.ctor = Some(self.classes.len());
                let value = self.expr(&d.ty, &mut pctx, 2);
                prologue.push(Init {
                    target: Target::Var(d.name.clone()),
                    value,
                });
                let v = self.lookup_var(&d.name);
                ctx.not_ready.remove(&v);
            }
        }
        let n = 3 + self.below(self.cfg.max_main);
        let mut main = self.stmts(&mut ctx, n);
        // Make the end state visible.
        for d in &globals {
            if let Some(e) = self.printable_of_var(&d.name, &d.ty) {
                main.push(print_stmt(e));
            }
        }
        if self.chance(self.cfg.runtime_error) {
            let s = self.runtime_error(&mut globals);
            main.push(s);
        }
        globals.append(&mut self.extra_globals);
        Program {
            globals,
            classes,
            funcs,
            prologue,
            main,
        }
    }

    fn lookup_var(&self, name: &str) -> VarIx {
        self.visible_vars()[name]
    }

    fn top_ctx(&self) -> Ctx {
        Ctx {
            func: None,
            root: None,
            limit: self.next_rank,
            mult: 1,
            cost: 0,
            cap: self.cfg.main_cap,
            ctor: None,
            not_ready: HashSet::new(),
            ret: None,
            nesting: 0,
            rec_calls: 0,
        }
    }

    /// A print of variable `name` (or of something printable derived from it).
    fn printable_of_var(&mut self, name: &str, t: &GTy) -> Option<Expr> {
        let var = Expr::new(ExprKind::Var(name.into()), t.clone());
        match &t.ty {
            Ty::Int | Ty::Bool | Ty::Str => Some(var),
            Ty::Object if t.content == Content::Prim => Some(var),
            Ty::List(_) if !t.nullable => Some(len_of(var)),
            Ty::List(_) | Ty::Class(_) | Ty::Object => Some(Expr::new(
                ExprKind::Bin(BinOp::Is, Box::new(var), Box::new(Expr::lit(Lit::None))),
                GTy::bool(),
            )),
            _ => None,
        }
    }

    /// A statement failing at run time: out-of-bounds index, division by zero, an
    /// operation on None, `len` of None.
    fn runtime_error(&mut self, globals: &mut Vec<VarDef>) -> Stmt {
        let kind = self.below(5);
        let n = Expr::lit(Lit::Int(self.small_int()));
        match kind {
            0 => {
                let l = Expr::new(
                    ExprKind::List(vec![Expr::lit(Lit::Int(1)), Expr::lit(Lit::Int(2))]),
                    GTy::plain(Ty::List(Box::new(Ty::Int))).nonempty(),
                );
                let i = Expr::new(
                    ExprKind::Bin(BinOp::Add, Box::new(Expr::lit(Lit::Int(2))), Box::new(n)),
                    GTy::int(),
                );
                print_stmt(Expr::new(
                    ExprKind::Index(Box::new(l), Box::new(i)),
                    GTy::int(),
                ))
            }
            1 => {
                let s = Expr::lit(Lit::Str("abc".into()));
                let i = Expr::lit(Lit::Int(3 + self.below(5) as i32));
                print_stmt(Expr::new(
                    ExprKind::Index(Box::new(s), Box::new(i)),
                    GTy::str().nonempty(),
                ))
            }
            2 => {
                let zero = Expr::new(
                    ExprKind::Bin(BinOp::Sub, Box::new(n.clone()), Box::new(n.clone())),
                    GTy::int(),
                );
                let op = if self.chance(0.5) {
                    BinOp::FloorDiv
                } else {
                    BinOp::Mod
                };
                print_stmt(Expr::new(
                    ExprKind::Bin(op, Box::new(n), Box::new(zero)),
                    GTy::int(),
                ))
            }
            _ => {
                // A global that is None: its attribute, method, index or length.
                let name = self.fresh("z");
                // An attribute, or a method whose arguments can be literals (CPython
                // fails before evaluating the arguments, ChocoPy after).
                let literal_args = |g: &Gen, c: ClassIx, m: &String| {
                    g.slot(c, m)
                        .params
                        .iter()
                        .all(|p| matches!(p.ty, Ty::Int | Ty::Bool | Ty::Str) || p.may_be_none())
                };
                let usable: Vec<ClassIx> = (0..self.classes.len())
                    .filter(|&c| {
                        !self.all_attrs(c).is_empty()
                            || self.all_methods(c).iter().any(|m| literal_args(self, c, m))
                    })
                    .collect();
                let (ty, expr) = match self.pick(&usable).copied() {
                    Some(c) if kind == 3 => {
                        let t = GTy::plain(self.class_ty(c)).or_none();
                        let var = Expr::new(ExprKind::Var(name.clone()), t.clone());
                        let attrs = self.all_attrs(c);
                        let e = match attrs.first() {
                            Some((a, at)) => {
                                Expr::new(ExprKind::Attr(Box::new(var), a.clone()), at.clone())
                            }
                            None => {
                                let m = self
                                    .all_methods(c)
                                    .into_iter()
                                    .find(|m| literal_args(self, c, m))
                                    .expect("a usable method");
                                let slot = self.slot(c, &m).clone();
                                let args = slot
                                    .params
                                    .iter()
                                    .map(|p| match p.ty {
                                        Ty::Int => Expr::lit(Lit::Int(1)),
                                        Ty::Bool => Expr::lit(Lit::Bool(true)),
                                        Ty::Str => Expr::lit(Lit::Str("s".into())),
                                        _ => Expr::lit(Lit::None),
                                    })
                                    .collect();
                                Expr::new(
                                    ExprKind::Method(Box::new(var), m, args),
                                    slot.ret.clone().unwrap_or(GTy::plain(Ty::NoneT)),
                                )
                            }
                        };
                        (t, e)
                    }
                    _ => {
                        let t = GTy::plain(Ty::List(Box::new(Ty::Int))).or_none();
                        let var = Expr::new(ExprKind::Var(name.clone()), t.clone());
                        let e = if kind == 4 {
                            len_of(var)
                        } else {
                            Expr::new(
                                ExprKind::Index(Box::new(var), Box::new(Expr::lit(Lit::Int(0)))),
                                GTy::int(),
                            )
                        };
                        (t, e)
                    }
                };
                globals.push(VarDef {
                    name,
                    ty,
                    init: Lit::None,
                });
                if e_is_printable(&expr.ty) {
                    print_stmt(expr)
                } else {
                    Stmt::Expr(expr)
                }
            }
        }
    }

    // ---- classes ----------------------------------------------------------------

    fn all_attrs(&self, c: ClassIx) -> Vec<(String, GTy)> {
        let mut chain = self.ancestry(c);
        chain.reverse();
        chain
            .into_iter()
            .flat_map(|k| self.classes[k].attrs.clone())
            .collect()
    }

    /// Method names of `c`'s dispatch table.
    fn all_methods(&self, c: ClassIx) -> Vec<String> {
        let mut chain = self.ancestry(c);
        chain.reverse();
        let mut out: Vec<String> = Vec::new();
        for k in chain {
            for m in &self.classes[k].methods {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
        out
    }

    /// The slot of method `name` of class `c` (where it was first defined).
    fn slot(&self, c: ClassIx, name: &str) -> &Slot {
        let mut chain = self.ancestry(c);
        chain.reverse();
        for k in chain {
            if let Some(s) = self.slots.get(&(k, name.to_string())) {
                return s;
            }
        }
        panic!("no method {name}")
    }

    fn class_def(&mut self) -> ClassDef {
        let name = self.fresh("C");
        let parent = if !self.classes.is_empty() && self.chance(0.5) {
            Some(self.below(self.classes.len()))
        } else {
            None
        };
        let ix = self.classes.len();
        self.classes.push(ClassInfo {
            name: name.clone(),
            parent,
            attrs: Vec::new(),
            methods: Vec::new(),
        });
        let mut attrs = Vec::new();
        for _ in 0..self.below(4) {
            let mut ty = self.random_gty();
            // An attribute that may not be None is set by the constructor, which may
            // only construct earlier classes: the type must allow that.
            if Self::needs_init(&ty) && !self.constructible(&ty.ty, ix) {
                ty = ty.or_none();
                if ty.ty == Ty::Str {
                    ty = GTy::str();
                }
            }
            let a = self.fresh("a");
            let init = self.init_lit(&ty);
            self.classes[ix].attrs.push((a.clone(), ty.clone()));
            attrs.push(VarDef { name: a, ty, init });
        }
        let mut methods = Vec::new();
        // The constructor: needed when an attribute may not be None.
        let all = self.all_attrs(ix);
        let needs = all.iter().any(|(_, t)| Self::needs_init(t));
        if needs || self.chance(0.2) {
            methods.push(self.constructor(ix, &all));
        }
        // Overrides of inherited methods, then new methods.
        if let Some(p) = parent {
            for m in self.all_methods(p) {
                if self.chance(0.5) {
                    let slot = self.slot(p, &m).clone();
                    methods.push(self.method(ix, m, Some(slot)));
                }
            }
        }
        for _ in 0..self.below(3) {
            let m = self.fresh("m");
            methods.push(self.method(ix, m, None));
        }
        ClassDef {
            name,
            parent: parent.map(|p| self.classes[p].name.clone()),
            attrs,
            methods,
        }
    }

    /// Whether a value of type `t` that is not None can be built in a constructor of
    /// class `before` (from classes before it only).
    fn constructible(&self, t: &Ty, before: ClassIx) -> bool {
        match t {
            Ty::Class(c) => self.class_ix(c).is_some_and(|k| k < before),
            Ty::List(e) => self.constructible(e, before),
            _ => true,
        }
    }

    /// A random type whose values can be built in `ctx` (in a constructor, only of
    /// classes before it).
    fn random_ty_in(&mut self, depth: u32, ctx: &Ctx) -> Ty {
        let t = self.random_ty(depth);
        match ctx.ctor {
            Some(bound) if !self.constructible(&t, bound) => Ty::List(Box::new(Ty::Int)),
            _ => t,
        }
    }

    fn constructor(&mut self, c: ClassIx, attrs: &[(String, GTy)]) -> FuncDef {
        let cty = GTy::plain(self.class_ty(c));
        self.scopes.push(Scope::default());
        let me = self.new_var("self".into(), cty.clone(), true, false);
        let mut ctx = self.top_ctx();
        ctx.ctor = Some(c);
        ctx.cap = 50;
        // The attributes are not all set yet: no reads of `self` in the prologue.
        ctx.not_ready.insert(me);
        let self_expr = Expr::new(ExprKind::Var("self".into()), cty.clone());
        let mut prologue = Vec::new();
        for (a, t) in attrs {
            if Self::needs_init(t) {
                let value = self.expr(t, &mut ctx, 2);
                prologue.push(Init {
                    target: Target::Attr(self_expr.clone(), a.clone()),
                    value,
                });
            }
        }
        ctx.not_ready.remove(&me);
        let mut body = Vec::new();
        let prims: Vec<(String, GTy)> = attrs
            .iter()
            .filter(|(_, t)| matches!(t.ty, Ty::Int | Ty::Bool | Ty::Str))
            .cloned()
            .collect();
        if self.chance(0.5) {
            if let Some((a, t)) = self.pick(&prims).cloned() {
                let value = self.expr(&t, &mut ctx, 2);
                body.push(Stmt::Assign(vec![Target::Attr(self_expr, a)], value));
            }
        }
        if self.chance(0.3) {
            let e = self.expr(&GTy::int(), &mut ctx, 2);
            body.push(print_stmt(e));
        }
        self.scopes.pop();
        FuncDef {
            name: "__init__".into(),
            params: vec![("self".into(), cty)],
            ret: None,
            decls: vec![],
            locals: vec![],
            nested: vec![],
            guard: None,
            prologue,
            body,
        }
    }

    fn method(&mut self, c: ClassIx, name: String, overrides: Option<Slot>) -> FuncDef {
        let cty = GTy::plain(self.class_ty(c));
        let (params, ret, recursive, limit, cap) = match &overrides {
            Some(s) => (s.params.clone(), s.ret.clone(), s.recursive, s.limit, s.cap),
            None => {
                let recursive = self.chance(0.15);
                let mut params: Vec<GTy> = (0..self.below(3)).map(|_| self.random_gty()).collect();
                if recursive {
                    params.insert(0, GTy::int());
                }
                let ret = if self.chance(0.25) {
                    None
                } else {
                    Some(self.random_gty())
                };
                let cap = 30 + self.below(300) as u32;
                (params, ret, recursive, self.next_rank, cap)
            }
        };
        // A new slot is callable (recursively) while its body is generated.
        if overrides.is_none() {
            self.classes[c].methods.push(name.clone());
            self.slots.insert(
                (c, name.clone()),
                Slot {
                    params: params.clone(),
                    ret: ret.clone(),
                    recursive,
                    limit,
                    rank: u32::MAX,
                    cap,
                },
            );
        } else if !self.classes[c].methods.contains(&name) {
            self.classes[c].methods.push(name.clone());
        }
        self.funcs.push(FnInfo {
            name: name.clone(),
            params: params.clone(),
            ret: ret.clone(),
            recursive,
            rank: None,
            parent: None,
            root: self.funcs.len(),
            cap,
            writes: vec![],
            depth_var: None,
            group: 0,
        });
        let group = self.new_group();
        self.funcs.last_mut().unwrap().group = group;
        let fx = self.funcs.len() - 1;
        let def = self.func_body(fx, Some(cty), params, ret, limit, cap);
        let rank = self.funcs[fx].rank.unwrap_or(0);
        if overrides.is_none() {
            if let Some(s) = self.slots.get_mut(&(c, name)) {
                s.rank = rank;
            }
        }
        def
    }

    // ---- functions --------------------------------------------------------------

    /// `n` top-level functions (mutually recursive when `mutual`), declared first so
    /// that recursive edges can reach each other.
    fn func_group(&mut self, n: usize, mutual: bool) -> Vec<FuncDef> {
        let group = self.new_group();
        let ids: Vec<FnIx> = (0..n)
            .map(|_| {
                let g = if mutual { group } else { self.new_group() };
                self.declare_func(None, mutual, g)
            })
            .collect();
        let limit = self.next_rank;
        ids.into_iter()
            .map(|f| {
                let (params, ret, cap) = {
                    let fi = &self.funcs[f];
                    (fi.params.clone(), fi.ret.clone(), fi.cap)
                };
                self.func_body(f, None, params, ret, limit, cap)
            })
            .collect()
    }

    fn new_group(&mut self) -> usize {
        self.groups += 1;
        self.groups
    }

    /// Declares a function's signature in the current scope.
    fn declare_func(&mut self, parent: Option<FnIx>, recursive: bool, group: usize) -> FnIx {
        let name = self.fresh(if parent.is_some() { "n" } else { "f" });
        let recursive = recursive || self.chance(0.12);
        let mut params: Vec<GTy> = (0..self.below(4)).map(|_| self.random_gty()).collect();
        if recursive {
            params.insert(0, GTy::int());
        }
        let ret = if self.chance(0.25) {
            None
        } else {
            Some(self.random_gty())
        };
        let fx = self.funcs.len();
        let root = parent.map_or(fx, |p| self.funcs[p].root);
        let cap = 20 + self.below(200) as u32;
        self.funcs.push(FnInfo {
            name: name.clone(),
            params,
            ret,
            recursive,
            rank: None,
            parent,
            root,
            cap,
            writes: vec![],
            depth_var: None,
            group,
        });
        self.scopes.last_mut().unwrap().funcs.push((name, fx));
        fx
    }

    /// Generates the definition of declared function `fx`: parameters, declarations,
    /// locals, nested functions, then the body.
    #[allow(clippy::too_many_arguments)]
    fn func_body(
        &mut self,
        fx: FnIx,
        self_ty: Option<GTy>,
        params: Vec<GTy>,
        ret: Option<GTy>,
        limit: u32,
        cap: u32,
    ) -> FuncDef {
        let nesting = self.nesting_of(fx);
        let outer_vars = self.visible_vars();
        self.scopes.push(Scope::default());
        self.extra_locals.push(Vec::new());
        let recursive = self.funcs[fx].recursive;
        let mut param_defs = Vec::new();
        if let Some(t) = &self_ty {
            self.new_var("self".into(), t.clone(), true, false);
            param_defs.push(("self".to_string(), t.clone()));
        }
        let mut depth = None;
        for (i, t) in params.iter().enumerate() {
            let is_depth = recursive && i == 0;
            let mut name = if is_depth {
                self.fresh("d")
            } else {
                self.shadow_or_fresh("p", &outer_vars)
            };
            if param_defs.iter().any(|(n, _)| *n == name) {
                name = self.fresh("p");
            }
            let v = self.new_var(name.clone(), t.clone(), is_depth, false);
            if is_depth {
                depth = Some((name.clone(), v));
            }
            param_defs.push((name, t.clone()));
        }
        self.funcs[fx].depth_var = depth.as_ref().map(|d| d.1);
        // global / nonlocal declarations.
        let mut decls = Vec::new();
        let mut writes = Vec::new();
        let own: HashSet<String> = param_defs.iter().map(|p| p.0.clone()).collect();
        let mut outer: Vec<(String, VarIx)> = outer_vars.into_iter().collect();
        outer.sort();
        for (name, v) in outer {
            if own.contains(&name) || self.vars[v].reserved || name == "self" {
                continue;
            }
            let global = self.vars[v].global;
            let p = if global { 0.2 } else { 0.35 };
            if self.chance(p) {
                decls.push(if global {
                    Decl::Global(name.clone())
                } else {
                    Decl::Nonlocal(name.clone())
                });
                let top = self.scopes.last_mut().unwrap();
                top.vars.push((name, v));
                top.assignable.push(v);
                writes.push(v);
            }
        }
        self.funcs[fx].writes = writes;
        // Locals.
        let mut locals = Vec::new();
        let mut declared: HashSet<String> = own.clone();
        for d in &decls {
            match d {
                Decl::Global(n) | Decl::Nonlocal(n) => declared.insert(n.clone()),
            };
        }
        let vis_now = self.visible_vars();
        for _ in 0..self.below(4) {
            let ty = self.random_gty();
            let mut name = self.shadow_or_fresh("v", &vis_now);
            if declared.contains(&name) {
                name = self.fresh("v");
            }
            declared.insert(name.clone());
            let init = self.init_lit(&ty);
            self.new_var(name.clone(), ty.clone(), false, false);
            locals.push(VarDef { name, ty, init });
        }
        // Nested functions: signatures first (siblings may be mutually recursive).
        let mut nested = Vec::new();
        if nesting < self.cfg.max_nesting {
            let p = [0.6, 0.45, 0.3, 0.15][(nesting - 1).min(3)];
            let mut n = 0;
            while n < 3 && self.funcs.len() + n < self.cfg.max_functions && self.chance(p) {
                n += 1;
            }
            let mutual = n >= 2 && self.chance(0.3);
            let pair = self.new_group();
            let ids: Vec<FnIx> = (0..n)
                .map(|i| {
                    let g = if mutual && i < 2 {
                        pair
                    } else {
                        self.new_group()
                    };
                    self.declare_func(Some(fx), mutual && i < 2, g)
                })
                .collect();
            for g in ids {
                let (gp, gr, gc) = {
                    let gi = &self.funcs[g];
                    (gi.params.clone(), gi.ret.clone(), gi.cap)
                };
                nested.push(self.func_body(g, None, gp, gr, limit, gc));
            }
        }
        // The body.
        let mut ctx = Ctx {
            func: Some(fx),
            root: Some(self.funcs[fx].root),
            limit,
            mult: 1,
            cost: 0,
            cap,
            ctor: None,
            not_ready: HashSet::new(),
            ret: Some(ret.clone()),
            nesting: 0,
            rec_calls: 0,
        };
        let guard = match &depth {
            Some((d, _)) => {
                let v = ret.as_ref().map(|t| {
                    let mut gctx = ctx.clone();
                    gctx.ctor = Some(self.classes.len());
                    // Only parameters and literals: locals are not initialised yet.
                    gctx.not_ready = locals.iter().map(|l| self.lookup_var(&l.name)).collect();
                    self.expr(t, &mut gctx, 3)
                });
                Some((d.clone(), v))
            }
            None => None,
        };
        let mut prologue = Vec::new();
        let uninit: Vec<VarDef> = locals
            .iter()
            .filter(|l| Self::needs_init(&l.ty))
            .cloned()
            .collect();
        for l in &uninit {
            let v = self.lookup_var(&l.name);
            ctx.not_ready.insert(v);
        }
        for l in uninit {
            let mut pctx = ctx.clone();
            pctx.ctor = Some(self.classes.len());
            let value = self.expr(&l.ty, &mut pctx, 2);
            prologue.push(Init {
                target: Target::Var(l.name.clone()),
                value,
            });
            let v = self.lookup_var(&l.name);
            ctx.not_ready.remove(&v);
        }
        let n = 1 + self.below(self.cfg.max_body);
        let mut body = self.stmts(&mut ctx, n);
        if let Some(t) = &ret {
            let e = self.expr(t, &mut ctx, 0);
            body.push(Stmt::Return(Some(e)));
        }
        self.scopes.pop();
        locals.extend(self.extra_locals.pop().unwrap_or_default());
        self.funcs[fx].rank = Some(self.next_rank);
        self.next_rank += 1;
        let _ = self_ty;
        FuncDef {
            name: self.funcs[fx].name.clone(),
            params: param_defs,
            ret,
            decls,
            locals,
            nested,
            guard,
            prologue,
            body,
        }
    }

    fn nesting_of(&self, fx: FnIx) -> usize {
        let mut n = 1;
        let mut cur = self.funcs[fx].parent;
        while let Some(p) = cur {
            n += 1;
            cur = self.funcs[p].parent;
        }
        n
    }

    /// A fresh name, or (sometimes) the name of a visible outer variable, which the
    /// new one then hides.
    fn shadow_or_fresh(&mut self, prefix: &str, outer: &HashMap<String, VarIx>) -> String {
        if self.chance(self.cfg.shadowing) {
            let mut names: Vec<&String> = outer
                .iter()
                .filter(|(n, v)| *n != "self" && !self.vars[**v].reserved)
                .map(|(n, _)| n)
                .collect();
            names.sort();
            if let Some(n) = self.pick(&names) {
                return (*n).clone();
            }
        }
        self.fresh(prefix)
    }

    // ---- statements -------------------------------------------------------------

    fn stmts(&mut self, ctx: &mut Ctx, n: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        for _ in 0..n {
            if ctx.cost >= ctx.cap {
                break;
            }
            ctx.cost += ctx.mult;
            let s = self.stmt(ctx);
            let ends = matches!(s, Stmt::Return(_));
            out.push(s);
            if ends {
                break;
            }
        }
        out
    }

    fn stmt(&mut self, ctx: &mut Ctx) -> Stmt {
        let deep = ctx.nesting >= 3;
        let in_func = ctx.func.is_some();
        let w = [
            18,                                             // print
            16,                                             // assign to a variable
            6,                                              // attribute assignment
            5,                                              // index assignment
            if deep { 0 } else { 10 },                      // if
            if deep || ctx.mult > 16 { 0 } else { 5 },      // while
            if deep || ctx.mult > 16 { 0 } else { 5 },      // for
            8,                                              // call for its effect
            if in_func && ctx.nesting > 0 { 3 } else { 0 }, // early return
            1,                                              // pass
        ];
        match self.weighted(&w).unwrap_or(0) {
            0 => {
                let e = self.printable(ctx, 0);
                print_stmt(e)
            }
            1 => self
                .assign(ctx)
                .unwrap_or_else(|| print_stmt(self.printable(ctx, 0))),
            2 => self
                .attr_assign(ctx)
                .unwrap_or_else(|| print_stmt(self.printable(ctx, 0))),
            3 => self
                .index_assign(ctx)
                .unwrap_or_else(|| print_stmt(self.printable(ctx, 0))),
            4 => {
                let c = self.expr(&GTy::bool(), ctx, 1);
                ctx.nesting += 1;
                let n = 1 + self.below(3);
                let then_ = self.stmts(ctx, n);
                let else_ = match self.below(3) {
                    0 => vec![],
                    1 => {
                        let n = 1 + self.below(2);
                        self.stmts(ctx, n)
                    }
                    _ => {
                        // elif
                        let c2 = self.expr(&GTy::bool(), ctx, 1);
                        let n2 = 1 + self.below(2);
                        let t2 = self.stmts(ctx, n2);
                        let e2 = if self.chance(0.5) {
                            self.stmts(ctx, 1)
                        } else {
                            vec![]
                        };
                        vec![Stmt::If(c2, t2, e2)]
                    }
                };
                ctx.nesting -= 1;
                Stmt::If(c, then_, else_)
            }
            5 => {
                let bound = 1 + self.below(4) as i32;
                let counter = self.counter();
                let cond = if self.chance(0.3) {
                    Some(self.expr(&GTy::bool(), ctx, 2))
                } else {
                    None
                };
                ctx.nesting += 1;
                let saved = ctx.mult;
                ctx.mult = ctx.mult.saturating_mul(bound as u32);
                let n = 1 + self.below(3);
                let body = self.stmts(ctx, n);
                ctx.mult = saved;
                ctx.nesting -= 1;
                Stmt::While {
                    counter,
                    bound,
                    cond,
                    body,
                }
            }
            6 => self.for_loop(ctx),
            7 => {
                let e = self.call_for_effect(ctx);
                match e {
                    Some(e) => Stmt::Expr(e),
                    None => print_stmt(self.printable(ctx, 0)),
                }
            }
            8 => match ctx.ret.clone() {
                Some(Some(t)) => Stmt::Return(Some(self.expr(&t, ctx, 0))),
                _ => Stmt::Return(None),
            },
            _ => Stmt::Pass,
        }
    }

    /// A fresh loop counter: a local (or, at the top level, a global) `int`.
    fn counter(&mut self) -> String {
        let name = self.fresh("i");
        let def = VarDef {
            name: name.clone(),
            ty: GTy::int(),
            init: Lit::Int(0),
        };
        let is_global = self.scopes.len() == 1;
        self.new_var(name.clone(), GTy::int(), true, is_global);
        if is_global {
            self.extra_globals.push(def);
        } else if let Some(l) = self.extra_locals.last_mut() {
            l.push(def);
        }
        name
    }

    fn for_loop(&mut self, ctx: &mut Ctx) -> Stmt {
        // Iterate over a string or a list that is not None.
        let ty = if self.chance(0.3) {
            Ty::Str
        } else {
            Ty::List(Box::new(self.random_ty(1)))
        };
        let want = GTy::plain(ty.clone());
        let mut iter = self.expr(&want, ctx, 1);
        if iter.ty.ty == Ty::Empty {
            // `for x in []` is a type error (ChocoPy cannot iterate over <Empty>).
            iter = self.leaf(&want.nonempty(), ctx);
        }
        let elem = match &iter.ty.ty {
            Ty::List(e) => GTy::element(e),
            Ty::Empty => GTy::int(),
            _ => GTy::str().nonempty(),
        };
        // The loop variable: an assignable variable that can hold the elements, or a
        // fresh local (global at the top level).
        let candidates: Vec<String> = self
            .writable(ctx)
            .into_iter()
            .filter(|(_, v)| self.storable(&elem, &self.vars[*v].ty.clone()))
            .map(|(n, _)| n)
            .collect();
        let x = match self.pick(&candidates).cloned() {
            Some(n) if self.chance(0.6) => n,
            _ => {
                let name = self.fresh("x");
                let init = self.init_lit(&elem);
                let def = VarDef {
                    name: name.clone(),
                    ty: elem.clone(),
                    init,
                };
                let is_global = self.scopes.len() == 1;
                // A list element variable whose init is None must not be read before
                // the loop assigns it: keep it out of reach (reserved).
                let reserved = Self::needs_init(&elem);
                self.new_var(name.clone(), elem.clone(), reserved, is_global);
                if reserved {
                    let v = self.lookup_var(&name);
                    ctx.not_ready.insert(v);
                }
                if is_global {
                    self.extra_globals.push(def);
                } else if let Some(l) = self.extra_locals.last_mut() {
                    l.push(def);
                }
                name
            }
        };
        ctx.nesting += 1;
        let saved = ctx.mult;
        ctx.mult = ctx.mult.saturating_mul(4);
        let n = 1 + self.below(3);
        let body = self.stmts(ctx, n);
        ctx.mult = saved;
        ctx.nesting -= 1;
        Stmt::For(x, iter, body)
    }

    fn assign(&mut self, ctx: &mut Ctx) -> Option<Stmt> {
        let targets = self.writable(ctx);
        let (name, v) = self.pick(&targets)?.clone();
        let ty = self.vars[v].ty.clone();
        let mut names = vec![Target::Var(name.clone())];
        // Sometimes a second target of the same type: `a = b = e`.
        if self.chance(0.15) {
            let same: Vec<String> = targets
                .iter()
                .filter(|(n, w)| *n != name && self.vars[*w].ty == ty)
                .map(|(n, _)| n.clone())
                .collect();
            if let Some(n) = self.pick(&same) {
                names.push(Target::Var(n.clone()));
            }
        }
        let value = self.expr(&ty, ctx, 0);
        Some(Stmt::Assign(names, value))
    }

    fn attr_assign(&mut self, ctx: &mut Ctx) -> Option<Stmt> {
        let classes: Vec<ClassIx> = (0..self.classes.len())
            .filter(|&c| !self.all_attrs(c).is_empty())
            .collect();
        let c = *self.pick(&classes)?;
        let (a, t) = self.pick(&self.all_attrs(c))?.clone();
        let obj = self.expr(&GTy::plain(self.class_ty(c)), ctx, 2);
        let value = self.expr(&t, ctx, 1);
        Some(Stmt::Assign(vec![Target::Attr(obj, a)], value))
    }

    fn index_assign(&mut self, ctx: &mut Ctx) -> Option<Stmt> {
        let (list, elem) = self.list_path(ctx)?;
        let index = self.safe_index(&list, ctx);
        let value = self.expr(&elem, ctx, 1);
        Some(Stmt::Assign(vec![Target::Index(list, index)], value))
    }

    /// A side-effect-free expression (a variable, or an attribute of a variable) of
    /// a non-empty list type, and the element type.
    fn list_path(&mut self, ctx: &Ctx) -> Option<(Expr, GTy)> {
        let mut paths: Vec<Expr> = Vec::new();
        for (n, v) in self.readable(ctx) {
            let t = self.vars[v].ty.clone();
            let var = Expr::new(ExprKind::Var(n), t.clone());
            if let Ty::List(_) = t.ty {
                if !t.nullable && !t.maybe_empty {
                    paths.push(var.clone());
                }
            }
            if let Ty::Class(c) = &t.ty {
                if t.nullable {
                    continue;
                }
                let c = self.class_ix(c)?;
                for (a, at) in self.all_attrs(c) {
                    if matches!(at.ty, Ty::List(_)) && !at.nullable && !at.maybe_empty {
                        paths.push(Expr::new(ExprKind::Attr(Box::new(var.clone()), a), at));
                    }
                }
            }
        }
        let p = self.pick(&paths)?.clone();
        let elem = match &p.ty.ty {
            Ty::List(e) => GTy::element(e),
            _ => return None,
        };
        Some((p, elem))
    }

    /// `i % len(list)`: an index within bounds of a non-empty `list`.
    fn safe_index(&mut self, list: &Expr, ctx: &mut Ctx) -> Expr {
        if self.chance(0.3) {
            return Expr::lit(Lit::Int(0));
        }
        let i = self.expr(&GTy::int(), ctx, 2);
        Expr::new(
            ExprKind::Bin(BinOp::Mod, Box::new(i), Box::new(len_of(list.clone()))),
            GTy::int(),
        )
    }

    fn call_for_effect(&mut self, ctx: &mut Ctx) -> Option<Expr> {
        let want = GTy::object(Content::Any);
        if self.chance(0.5) {
            if let Some(e) = self.call(&want, ctx, 1, true) {
                return Some(e);
            }
        }
        self.method_call(&want, ctx, 1, true)
    }

    /// An expression `print` accepts and that prints the same in CPython.
    fn printable(&mut self, ctx: &mut Ctx, depth: u32) -> Expr {
        let t = match self.below(6) {
            0 | 1 => GTy::int(),
            2 => GTy::bool(),
            3 => GTy::str(),
            4 => GTy::object(Content::Prim),
            _ => GTy::int(),
        };
        self.expr(&t, ctx, depth)
    }

    // ---- expressions --------------------------------------------------------------

    /// An expression whose value may be stored where `want` is required.
    fn expr(&mut self, want: &GTy, ctx: &mut Ctx, depth: u32) -> Expr {
        let leafy = depth >= self.cfg.max_expr_depth;
        if leafy {
            return self.leaf(want, ctx);
        }
        let calls = ctx.ctor.is_none();
        // Forms: 0 leaf, 1 var, 2 operator, 3 call, 4 method call, 5 attribute,
        // 6 index, 7 conditional, 8 hazard.
        let w = [
            10,
            14,
            14,
            if calls { 6 } else { 0 },
            if calls { 4 } else { 0 },
            if calls { 5 } else { 0 },
            if calls { 4 } else { 0 },
            3,
            if calls && want.ty == Ty::Int { 4 } else { 0 },
        ];
        for _ in 0..6 {
            let form = self.weighted(&w).unwrap_or(0);
            let e = match form {
                0 => Some(self.leaf(want, ctx)),
                1 => self.var_of(want, ctx),
                2 => self.operator(want, ctx, depth),
                3 => self.call(want, ctx, depth, false),
                4 => self.method_call(want, ctx, depth, false),
                5 => self.attr_of(want, ctx, depth),
                6 => self.index_of(want, ctx, depth),
                7 => {
                    let c = self.expr(&GTy::bool(), ctx, depth + 1);
                    let a = self.expr(want, ctx, depth + 1);
                    let b = self.expr(want, ctx, depth + 1);
                    Some(self.if_expr(c, a, b))
                }
                _ => self.hazard(ctx),
            };
            if let Some(e) = e {
                debug_assert!(self.storable(&e.ty, want), "{e:?} for {want:?}");
                if self.chance(0.03) {
                    let ty = e.ty.clone();
                    return Expr::new(ExprKind::Paren(Box::new(e)), ty);
                }
                return e;
            }
        }
        self.leaf(want, ctx)
    }

    fn if_expr(&self, c: Expr, a: Expr, b: Expr) -> Expr {
        let ty = GTy {
            ty: self.join(&a.ty.ty, &b.ty.ty),
            nullable: a.ty.may_be_none() || b.ty.may_be_none(),
            maybe_empty: a.ty.maybe_empty || b.ty.maybe_empty,
            content: if a.ty.content == b.ty.content {
                a.ty.content
            } else {
                Content::Any
            },
        };
        let ty = fix_object_facts(ty, &a.ty, &b.ty);
        Expr::new(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), ty)
    }

    /// A literal, a construction or a display: always possible.
    fn leaf(&mut self, want: &GTy, ctx: &mut Ctx) -> Expr {
        match &want.ty {
            Ty::Int => Expr::lit(Lit::Int(self.small_int())),
            Ty::Bool => Expr::lit(Lit::Bool(self.chance(0.5))),
            Ty::Str => Expr::lit(Lit::Str(self.word(!want.maybe_empty))),
            Ty::Object => {
                let c = match want.content {
                    Content::Any => [Content::Prim, Content::Ref][self.below(2)],
                    c => c,
                };
                if c == Content::Prim {
                    let t = [GTy::int(), GTy::bool(), GTy::str()][self.below(3)].clone();
                    self.leaf(&t, ctx)
                } else if self.chance(0.3) {
                    Expr::lit(Lit::None)
                } else {
                    let t = self.random_ty_in(1, ctx);
                    let t = match t {
                        Ty::Int | Ty::Bool | Ty::Str | Ty::Object => Ty::List(Box::new(Ty::Int)),
                        t => t,
                    };
                    self.leaf(&GTy::plain(t), ctx)
                }
            }
            Ty::Class(c) => {
                if want.nullable && self.chance(0.2) {
                    return Expr::lit(Lit::None);
                }
                let c = self.class_ix(c).expect("known class");
                let bound = ctx.ctor.unwrap_or(self.classes.len());
                let subs: Vec<ClassIx> = (0..bound.min(self.classes.len()))
                    .filter(|&k| self.ancestry(k).contains(&c))
                    .collect();
                match self.pick(&subs) {
                    Some(&k) => self.new_object(k),
                    None => Expr::lit(Lit::None), // only where None is allowed
                }
            }
            Ty::List(e) => {
                if want.nullable && self.chance(0.1) {
                    return Expr::lit(Lit::None);
                }
                if want.maybe_empty && self.chance(0.25) {
                    return Expr::new(ExprKind::List(vec![]), GTy::plain(Ty::Empty));
                }
                let n = 1 + self.below(3);
                let elem = GTy::element(e);
                let items: Vec<Expr> = (0..n).map(|_| self.leaf(&elem, ctx)).collect();
                self.display(e, items, ctx)
            }
            Ty::NoneT | Ty::Empty => Expr::lit(Lit::None),
        }
    }

    fn new_object(&mut self, c: ClassIx) -> Expr {
        let name = self.classes[c].name.clone();
        Expr::new(ExprKind::Call(name, vec![]), GTy::plain(self.class_ty(c)))
    }

    /// A list display `[items]` of type exactly `[elem]`: when the join of the
    /// items' types is narrower, an item of exactly `elem` is added.
    fn display(&mut self, elem: &Ty, mut items: Vec<Expr>, ctx: &mut Ctx) -> Expr {
        let join = items
            .iter()
            .map(|i| i.ty.ty.clone())
            .reduce(|a, b| self.join(&a, &b));
        if join.as_ref() != Some(elem) {
            let exact = match elem {
                Ty::Object => {
                    // An int and a str join to object.
                    items.push(Expr::lit(Lit::Int(self.small_int())));
                    Expr::lit(Lit::Str(self.word(true)))
                }
                Ty::Class(c) => {
                    let c = self.class_ix(c).expect("known class");
                    self.new_object(c)
                }
                other => self.leaf(&GTy::element(other), ctx),
            };
            let at = self.below(items.len() + 1);
            items.insert(at, exact);
        }
        let ty = GTy::plain(Ty::List(Box::new(elem.clone()))).nonempty();
        Expr::new(ExprKind::List(items), ty)
    }

    fn var_of(&mut self, want: &GTy, ctx: &Ctx) -> Option<Expr> {
        let cands: Vec<(String, GTy)> = self
            .readable(ctx)
            .into_iter()
            .filter(|(_, v)| self.storable(&self.vars[*v].ty, want))
            .map(|(n, v)| (n, self.vars[v].ty.clone()))
            .collect();
        let (n, t) = self.pick(&cands)?.clone();
        Some(Expr::new(ExprKind::Var(n), t))
    }

    fn operator(&mut self, want: &GTy, ctx: &mut Ctx, depth: u32) -> Option<Expr> {
        let d = depth + 1;
        let bin = |op, a: Expr, b: Expr, ty: GTy| {
            Expr::new(ExprKind::Bin(op, Box::new(a), Box::new(b)), ty)
        };
        match &want.ty {
            Ty::Int => Some(match self.below(8) {
                0 => {
                    let a = self.expr(want, ctx, d);
                    Expr::new(ExprKind::Neg(Box::new(a)), GTy::int())
                }
                1..=4 => {
                    let op = [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Add][self.below(4)];
                    let a = self.expr(want, ctx, d);
                    let b = if op == BinOp::Mul {
                        Expr::lit(Lit::Int(self.below(5) as i32))
                    } else {
                        self.expr(want, ctx, d)
                    };
                    bin(op, a, b, GTy::int())
                }
                5 | 6 => {
                    // a // (b % k + 1) or a % (...): a divisor that is never 0.
                    let op = if self.chance(0.5) {
                        BinOp::FloorDiv
                    } else {
                        BinOp::Mod
                    };
                    let a = self.expr(want, ctx, d);
                    let divisor = if self.chance(0.5) {
                        let k = 1 + self.below(9) as i32;
                        let lit = Expr::lit(Lit::Int(k));
                        if self.chance(0.3) {
                            Expr::new(ExprKind::Neg(Box::new(lit)), GTy::int())
                        } else {
                            lit
                        }
                    } else {
                        let b = self.expr(want, ctx, d);
                        let k = Expr::lit(Lit::Int(1 + self.below(7) as i32));
                        let m = bin(BinOp::Mod, b, k, GTy::int());
                        let one = Expr::lit(Lit::Int(1));
                        Expr::new(
                            ExprKind::Paren(Box::new(bin(BinOp::Add, m, one, GTy::int()))),
                            GTy::int(),
                        )
                    };
                    bin(op, a, divisor, GTy::int())
                }
                _ => {
                    // len of a string or list.
                    let t = if self.chance(0.5) {
                        GTy::str()
                    } else {
                        GTy::plain(Ty::List(Box::new(self.random_ty_in(1, ctx))))
                    };
                    let e = self.expr(&t, ctx, d);
                    len_of(e)
                }
            }),
            Ty::Bool => Some(match self.below(7) {
                0 => {
                    let a = self.expr(want, ctx, d);
                    Expr::new(ExprKind::Not(Box::new(a)), GTy::bool())
                }
                1 => {
                    let op = if self.chance(0.5) {
                        BinOp::And
                    } else {
                        BinOp::Or
                    };
                    let a = self.expr(want, ctx, d);
                    let b = self.expr(want, ctx, d);
                    bin(op, a, b, GTy::bool())
                }
                2 | 3 => {
                    let op = [
                        BinOp::Lt,
                        BinOp::Le,
                        BinOp::Gt,
                        BinOp::Ge,
                        BinOp::Eq,
                        BinOp::Ne,
                    ][self.below(6)];
                    let a = self.expr(&GTy::int(), ctx, d);
                    let b = self.expr(&GTy::int(), ctx, d);
                    bin(op, a, b, GTy::bool())
                }
                4 | 5 => {
                    let t = [GTy::bool(), GTy::str()][self.below(2)].clone();
                    let op = if self.chance(0.5) {
                        BinOp::Eq
                    } else {
                        BinOp::Ne
                    };
                    let a = self.expr(&t, ctx, d);
                    let b = self.expr(&t, ctx, d);
                    bin(op, a, b, GTy::bool())
                }
                _ => {
                    // `is` on values that are objects, lists or None.
                    let t = self.ref_gty();
                    let a = self.expr(&t, ctx, d);
                    let b = self.expr(&t, ctx, d);
                    bin(BinOp::Is, a, b, GTy::bool())
                }
            }),
            Ty::Str => {
                if self.chance(0.5) {
                    let a = self.expr(&GTy::str(), ctx, d);
                    let b = if want.maybe_empty || !a.ty.maybe_empty {
                        self.expr(&GTy::str(), ctx, d)
                    } else {
                        self.expr(&GTy::str().nonempty(), ctx, d)
                    };
                    let mut ty = GTy::str();
                    ty.maybe_empty = a.ty.maybe_empty && b.ty.maybe_empty;
                    Some(bin(BinOp::Add, a, b, ty))
                } else {
                    // One character of a non-empty string.
                    let s = self.str_path(ctx)?;
                    let i = self.safe_index(&s, ctx);
                    Some(Expr::new(
                        ExprKind::Index(Box::new(s), Box::new(i)),
                        GTy::str().nonempty(),
                    ))
                }
            }
            Ty::List(e) => {
                // Concatenation of two lists of the same type.
                let t = GTy::plain(Ty::List(e.clone()));
                let a = self.expr(&t, ctx, d);
                let bt = if want.maybe_empty || !a.ty.maybe_empty {
                    t.clone()
                } else {
                    t.clone().nonempty()
                };
                let b = self.expr(&bt, ctx, d);
                let mut ty = t;
                ty.maybe_empty = a.ty.maybe_empty && b.ty.maybe_empty;
                if a.ty.ty != ty.ty || b.ty.ty != ty.ty {
                    // `[] + x` has the type of x; keep to exact list types.
                    if a.ty.ty == Ty::Empty || b.ty.ty == Ty::Empty {
                        return None;
                    }
                }
                Some(bin(BinOp::Add, a, b, ty))
            }
            Ty::Object => {
                // An operator computing a primitive, or a list (concatenation).
                let prim = match want.content {
                    Content::Prim => true,
                    Content::Ref => false,
                    Content::Any => self.chance(0.5),
                };
                let t = if prim {
                    [GTy::int(), GTy::str(), GTy::bool()][self.below(3)].clone()
                } else {
                    GTy::plain(Ty::List(Box::new(self.random_ty_in(1, ctx))))
                };
                self.operator(&t, ctx, depth)
            }
            _ => None,
        }
    }

    /// A type whose values are objects, lists or None (for `is`).
    fn ref_gty(&mut self) -> GTy {
        match self.below(3) {
            0 if !self.classes.is_empty() => {
                let c = self.below(self.classes.len());
                GTy::plain(self.class_ty(c)).or_none()
            }
            1 => GTy::object(Content::Ref),
            _ => GTy::plain(Ty::List(Box::new(Ty::Int))).or_none(),
        }
    }

    /// A side-effect-free non-empty string expression (variable or attribute).
    fn str_path(&mut self, ctx: &Ctx) -> Option<Expr> {
        let mut paths = Vec::new();
        for (n, v) in self.readable(ctx) {
            let t = self.vars[v].ty.clone();
            if t.ty == Ty::Str && !t.maybe_empty {
                paths.push(Expr::new(ExprKind::Var(n.clone()), t.clone()));
            }
            if let Ty::Class(c) = &t.ty {
                if t.nullable {
                    continue;
                }
                let c = self.class_ix(c)?;
                for (a, at) in self.all_attrs(c) {
                    if at.ty == Ty::Str && !at.maybe_empty {
                        let var = Expr::new(ExprKind::Var(n.clone()), t.clone());
                        paths.push(Expr::new(ExprKind::Attr(Box::new(var), a), at));
                    }
                }
            }
        }
        if paths.is_empty() || self.chance(0.2) {
            return Some(Expr::lit(Lit::Str(self.word(true))));
        }
        self.pick(&paths).cloned()
    }

    fn attr_of(&mut self, want: &GTy, ctx: &mut Ctx, depth: u32) -> Option<Expr> {
        let mut cands = Vec::new();
        for c in 0..self.classes.len() {
            for (a, t) in self.all_attrs(c) {
                if self.storable(&t, want) {
                    cands.push((c, a, t));
                }
            }
        }
        let (c, a, t) = self.pick(&cands)?.clone();
        let obj = self.expr(&GTy::plain(self.class_ty(c)), ctx, depth + 1);
        Some(Expr::new(ExprKind::Attr(Box::new(obj), a), t))
    }

    fn index_of(&mut self, want: &GTy, ctx: &mut Ctx, depth: u32) -> Option<Expr> {
        // An element of a non-empty list variable, or of a display.
        if self.chance(0.6) {
            if let Some((list, elem)) = self.list_path(ctx) {
                if self.storable(&elem, want) {
                    let i = self.safe_index(&list, ctx);
                    return Some(Expr::new(
                        ExprKind::Index(Box::new(list), Box::new(i)),
                        elem,
                    ));
                }
            }
        }
        let elem_ty = match &want.ty {
            Ty::Object => Ty::Object,
            t => t.clone(),
        };
        if matches!(elem_ty, Ty::NoneT | Ty::Empty) {
            return None;
        }
        let elem = GTy::element(&elem_ty);
        if !self.storable(&elem, want) {
            return None;
        }
        let n = 1 + self.below(3);
        let items: Vec<Expr> = (0..n).map(|_| self.expr(&elem, ctx, depth + 2)).collect();
        let list = self.display(&elem_ty, items, ctx);
        let len = match &list.kind {
            ExprKind::List(items) => items.len(),
            _ => 1,
        };
        let i = Expr::lit(Lit::Int(self.below(len) as i32));
        Some(Expr::new(
            ExprKind::Index(Box::new(list), Box::new(i)),
            elem,
        ))
    }

    /// `x + h() + x` where `h` assigns `x`: evaluation order made observable.
    fn hazard(&mut self, ctx: &mut Ctx) -> Option<Expr> {
        let readable: HashMap<VarIx, String> = self
            .readable(ctx)
            .into_iter()
            .map(|(n, v)| (v, n))
            .collect();
        let mut cands = Vec::new();
        for f in self.visible_funcs() {
            if self.funcs[f].ret != Some(GTy::int()) {
                continue;
            }
            for &w in &self.funcs[f].writes {
                if self.vars[w].ty.ty == Ty::Int {
                    if let Some(n) = readable.get(&w) {
                        cands.push((f, n.clone()));
                    }
                }
            }
        }
        let (f, x) = self.pick(&cands)?.clone();
        let call = self.call_of(f, ctx, 2)?;
        let var = || Expr::new(ExprKind::Var(x.clone()), GTy::int());
        let left = Expr::new(
            ExprKind::Bin(BinOp::Add, Box::new(var()), Box::new(call)),
            GTy::int(),
        );
        Some(Expr::new(
            ExprKind::Bin(BinOp::Add, Box::new(left), Box::new(var())),
            GTy::int(),
        ))
    }

    /// A call of a visible function whose result can be stored as `want` (any result
    /// when `any_result`).
    fn call(&mut self, want: &GTy, ctx: &mut Ctx, depth: u32, any_result: bool) -> Option<Expr> {
        let cands: Vec<FnIx> = self
            .visible_funcs()
            .into_iter()
            .filter(|&f| {
                any_result
                    || match &self.funcs[f].ret {
                        Some(r) => self.storable(r, want),
                        None => self.storable(&GTy::plain(Ty::NoneT), want),
                    }
            })
            .filter(|&f| self.callable(f, ctx).is_some())
            .collect();
        let f = *self.pick(&cands)?;
        self.call_of(f, ctx, depth)
    }

    /// How `f` may be called from `ctx`: `Some(None)` as a normal call, `Some(Some(d))`
    /// only as a recursive edge passing `d - 1` (d: the depth variable's name).
    fn callable(&self, f: FnIx, ctx: &Ctx) -> Option<Option<String>> {
        if ctx.ctor.is_some() {
            return None;
        }
        let fi = &self.funcs[f];
        // The functions whose bodies enclose the context, innermost first.
        let mut chain = Vec::new();
        let mut cur = ctx.func;
        while let Some(g) = cur {
            chain.push(g);
            cur = self.funcs[g].parent;
        }
        let in_group = chain.iter().any(|&g| self.funcs[g].group == fi.group);
        let remaining = ctx.cap.saturating_sub(ctx.cost);
        let cost = if fi.recursive { fi.cap * 8 } else { fi.cap };
        if let (Some(r), false) = (fi.rank, in_group) {
            let local = ctx.root.is_some() && Some(fi.root) == ctx.root;
            if (r < ctx.limit || local) && ctx.mult.saturating_mul(cost) <= remaining {
                return Some(None);
            }
            return None;
        }
        // A recursive edge: an enclosing function of f's group passes its depth
        // minus one (every cycle of calls goes through such an edge, so the depth
        // decreases around every cycle).
        if !fi.recursive || ctx.mult > 1 || ctx.rec_calls >= 2 {
            return None;
        }
        let vis = self.visible_vars();
        for g in chain {
            let gi = &self.funcs[g];
            if gi.group != fi.group || !gi.recursive {
                continue;
            }
            let dv = gi.depth_var?;
            let name = &self.vars[dv].name;
            return (vis.get(name) == Some(&dv)).then(|| Some(name.clone()));
        }
        None
    }

    fn call_of(&mut self, f: FnIx, ctx: &mut Ctx, depth: u32) -> Option<Expr> {
        let how = self.callable(f, ctx)?;
        let fi = self.funcs[f].clone();
        let cost = if fi.recursive { fi.cap * 8 } else { fi.cap };
        ctx.cost = ctx.cost.saturating_add(ctx.mult.saturating_mul(cost));
        let mut args = Vec::new();
        for (i, p) in fi.params.iter().enumerate() {
            if fi.recursive && i == 0 {
                args.push(match &how {
                    Some(d) => {
                        ctx.rec_calls += 1;
                        Expr::new(
                            ExprKind::Bin(
                                BinOp::Sub,
                                Box::new(Expr::new(ExprKind::Var(d.clone()), GTy::int())),
                                Box::new(Expr::lit(Lit::Int(1))),
                            ),
                            GTy::int(),
                        )
                    }
                    None => Expr::lit(Lit::Int(self.below(4) as i32)),
                });
            } else {
                args.push(self.expr(p, ctx, depth + 1));
            }
        }
        let ret = fi.ret.clone().unwrap_or(GTy::plain(Ty::NoneT));
        Some(Expr::new(ExprKind::Call(fi.name.clone(), args), ret))
    }

    fn method_call(
        &mut self,
        want: &GTy,
        ctx: &mut Ctx,
        depth: u32,
        any_result: bool,
    ) -> Option<Expr> {
        if ctx.ctor.is_some() {
            return None;
        }
        let mut cands = Vec::new();
        for c in 0..self.classes.len() {
            for m in self.all_methods(c) {
                if m == "__init__" {
                    continue;
                }
                let s = self.slot(c, &m).clone();
                let ok = any_result
                    || match &s.ret {
                        Some(r) => self.storable(r, want),
                        None => self.storable(&GTy::plain(Ty::NoneT), want),
                    };
                if ok {
                    cands.push((c, m, s));
                }
            }
        }
        let remaining = ctx.cap.saturating_sub(ctx.cost);
        let in_method_of = |g: &Gen, name: &str| -> Option<String> {
            // Inside an implementation of slot `name` (or a function nested in one)
            // with a depth parameter: a recursive edge is allowed.
            let mut cur = ctx.func;
            while let Some(f) = cur {
                let fi = &g.funcs[f];
                if fi.parent.is_none() && fi.name == name && fi.recursive {
                    let dv = fi.depth_var?;
                    let vis = g.visible_vars();
                    let n = &g.vars[dv].name;
                    return (vis.get(n) == Some(&dv)).then(|| n.clone());
                }
                cur = fi.parent;
            }
            None
        };
        let cands: Vec<(ClassIx, String, Slot, Option<String>)> = cands
            .into_iter()
            .filter_map(|(c, m, s)| {
                let cost = if s.recursive { s.cap * 8 } else { s.cap };
                let normal = s.rank != u32::MAX
                    && s.rank < ctx.limit
                    && ctx.mult.saturating_mul(cost) <= remaining;
                if normal {
                    return Some((c, m, s, None));
                }
                if s.recursive && ctx.mult == 1 && ctx.rec_calls < 2 {
                    if let Some(d) = in_method_of(self, &m) {
                        return Some((c, m, s, Some(d)));
                    }
                }
                None
            })
            .collect();
        let (c, m, s, how) = self.pick(&cands)?.clone();
        let cost = if s.recursive { s.cap * 8 } else { s.cap };
        ctx.cost = ctx.cost.saturating_add(ctx.mult.saturating_mul(cost));
        let obj = self.expr(&GTy::plain(self.class_ty(c)), ctx, depth + 1);
        let mut args = Vec::new();
        for (i, p) in s.params.iter().enumerate() {
            if s.recursive && i == 0 {
                args.push(match &how {
                    Some(d) => {
                        ctx.rec_calls += 1;
                        Expr::new(
                            ExprKind::Bin(
                                BinOp::Sub,
                                Box::new(Expr::new(ExprKind::Var(d.clone()), GTy::int())),
                                Box::new(Expr::lit(Lit::Int(1))),
                            ),
                            GTy::int(),
                        )
                    }
                    None => Expr::lit(Lit::Int(self.below(4) as i32)),
                });
            } else {
                args.push(self.expr(p, ctx, depth + 1));
            }
        }
        let ret = s.ret.clone().unwrap_or(GTy::plain(Ty::NoneT));
        Some(Expr::new(ExprKind::Method(Box::new(obj), m, args), ret))
    }
}

/// The facts of a conditional expression's value over an `object` join.
fn fix_object_facts(mut t: GTy, a: &GTy, b: &GTy) -> GTy {
    if t.ty == Ty::Object {
        let content = |g: &GTy| match g.ty {
            Ty::Int | Ty::Bool | Ty::Str => Content::Prim,
            Ty::Object => g.content,
            _ => Content::Ref,
        };
        let (x, y) = (content(a), content(b));
        t.content = if x == y { x } else { Content::Any };
        t.nullable = t.content != Content::Prim;
    }
    t
}

fn e_is_printable(t: &GTy) -> bool {
    matches!(t.ty, Ty::Int | Ty::Bool | Ty::Str)
}

/// `print(e)`.
pub fn print_stmt(e: Expr) -> Stmt {
    Stmt::Expr(Expr::new(
        ExprKind::Call("print".into(), vec![e]),
        GTy::plain(Ty::NoneT),
    ))
}

/// `len(e)`.
pub fn len_of(e: Expr) -> Expr {
    Expr::new(ExprKind::Call("len".into(), vec![e]), GTy::int())
}
