//! Separate compilation of REPL entries: what the modules of one session share.
//!
//! Each entry of a REPL session is its own module, instantiated in one store; it
//! never contains an earlier entry's code. What entries share, and how:
//! - **Memory and the runtime's state** (the output and input buffers, the
//!   one-character string table, the boxed `True` and `False`, `object`'s dispatch
//!   table): defined by a *base* module (entry 0, compiled from the empty program)
//!   and imported by every entry under the module name [`SESSION_MODULE`]. Each
//!   entry's static data (messages, error sites) gets its own range of the shared
//!   memory ([`Session::data_end`]): the host grows the memory before instantiating.
//! - **Globals, functions, methods and dispatch tables** of earlier entries: the
//!   defining module exports them as globals (`global{id}`; `func{id}`, an immutable
//!   typed function reference; `vtable{id}`), a later module imports those its code
//!   uses and calls functions with `call_ref`. Imports are globals only, so the
//!   runtime's function and global indices are the same in every module.
//! - **Types.** WebAssembly has no type imports, but the engine identifies two
//!   recursion groups of the same structure declared by two modules (GC proposal,
//!   "type canonicalization"). So every module declares the base group (`object`,
//!   `str`, the boxes, the character table...) identically, then the recursion groups
//!   of the earlier entries its types need, verbatim, then its own group with the
//!   types no earlier entry made (its classes, new list, cell and method types). A
//!   session-wide registry ([`Session`]) knows which group made each type; types are
//!   written here with *session numbers* (the base group's types are 0..8, then each
//!   group's in order) and translated to each module's indices.
//!
//! Which earlier groups a module needs is known only once its code is generated: the
//! entry is compiled once with every earlier group, then again with only the groups
//! its code used and the groups those refer to, so that a late entry's module is as
//! small as an early one's (`print(x)` declares the base group only).
//!
//! Method calls always dispatch through the table in a session: a later entry may
//! override any method.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeSet;
use wasm_encoder::{
    ArrayType, CompositeInnerType, FieldType, FuncType, HeapType, RefType, StorageType, StructType,
    SubType, ValType,
};

/// The module name every import of an entry module comes from: the host defines the
/// base module's exports and each entry's `global{id}`, `func{id}`, `vtable{id}`
/// exports under it.
pub const SESSION_MODULE: &str = "session";

/// Number of types of the base group (session numbers `0..BASE_TYPES`).
pub(crate) const BASE_TYPES: u32 = 8;

/// A type a module may need, by what it is, with the types it refers to written as
/// session numbers: how a later entry finds the type an earlier one made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// The array type of lists with this element storage.
    List(StorageType),
    /// The struct type of `Ref` cells holding this value.
    Cell(ValType),
    /// A function type in a group (methods' slots, top-level functions).
    Func(Vec<ValType>, Vec<ValType>),
    /// The struct of class `id` (arena index of its `ClassId`).
    Class(u32),
    /// The dispatch table of class `id`.
    Vtable(u32),
}

/// One recursion group made by an entry, in session numbers.
#[derive(Debug, Clone)]
struct Group {
    /// Session number of its first type.
    start: u32,
    types: Vec<SubType>,
    /// The earlier groups its types refer to.
    deps: BTreeSet<usize>,
}

/// What the entries of a session compiled so far have defined, for compiling the
/// next one ([`crate::compile_entry`]). Starts empty; [`Session::commit`] adds an
/// entry once its module is instantiated.
#[derive(Debug, Clone, Default)]
pub struct Session {
    groups: Vec<Group>,
    registry: HashMap<Key, u32>,
    /// Entries committed (the base module is entry 0).
    entries: u32,
    /// End of the static data in the shared memory so far (bytes).
    data_end: u32,
    /// Addresses of the shared output and input buffers (set by the base module).
    pub(crate) outbuf: i32,
    pub(crate) inbuf: i32,
}

/// What compiling an entry adds to its session, applied by [`Session::commit`]
/// once the entry's module is instantiated.
#[derive(Debug, Clone)]
pub struct Update {
    group: Option<Group>,
    keys: Vec<(Key, u32)>,
    data_end: u32,
    bufs: Option<(i32, i32)>,
}

impl Session {
    /// An empty session (compile its base module, entry 0, first).
    pub fn new() -> Session {
        Session::default()
    }

    /// Entries committed so far (0: the base module is next).
    pub fn entries(&self) -> u32 {
        self.entries
    }

    /// Bytes of shared memory the committed modules' static data take.
    pub fn data_end(&self) -> u32 {
        self.data_end
    }

    /// Records what an instantiated entry defined.
    pub fn commit(&mut self, u: Update) {
        if let Some(g) = u.group {
            self.groups.push(g);
        }
        for (k, n) in u.keys {
            self.registry.insert(k, n);
        }
        self.data_end = u.data_end;
        if let Some((o, i)) = u.bufs {
            self.outbuf = o;
            self.inbuf = i;
        }
        self.entries += 1;
    }

    /// The session number of the next group's first type.
    pub(crate) fn next_number(&self) -> u32 {
        self.groups
            .last()
            .map_or(BASE_TYPES, |g| g.start + g.types.len() as u32)
    }

    /// The session number of the type made for `key`, if an entry made one.
    pub(crate) fn registry_get(&self, key: &Key) -> Option<u32> {
        self.registry.get(key).copied()
    }

    /// The keys of the list types the entries made.
    pub(crate) fn list_keys(&self) -> Vec<Key> {
        let mut keys: Vec<(u32, Key)> = self
            .registry
            .iter()
            .filter(|(k, _)| matches!(k, Key::List(_)))
            .map(|(k, &n)| (n, k.clone()))
            .collect();
        // In session order: the same module for the same session.
        keys.sort_by_key(|(n, _)| *n);
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// Number of groups.
    pub(crate) fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// `groups` with every group they refer to, directly or not, in session order.
    pub(crate) fn closure(&self, groups: &BTreeSet<usize>) -> Vec<usize> {
        let mut all: BTreeSet<usize> = BTreeSet::new();
        let mut work: Vec<usize> = groups.iter().copied().collect();
        while let Some(g) = work.pop() {
            if all.insert(g) {
                work.extend(self.groups[g].deps.iter().copied());
            }
        }
        all.into_iter().collect()
    }
}

/// The session side of a module's [`crate::types::Types`]: module indices and
/// session numbers of its types, and the registry of the earlier entries' types.
pub(crate) struct ModuleTypes<'s> {
    pub session: &'s Session,
    /// Session number of each type index of the module's groups.
    pub number: Vec<u32>,
    /// Module index of each session number declared in the module.
    pub index: HashMap<u32, u32>,
    /// Module index of the first type of the own group.
    pub own_start: u32,
    /// The earlier groups declared, in order, with their first module index.
    pub included: Vec<(usize, u32)>,
    /// The earlier groups the code used.
    pub used: std::cell::RefCell<BTreeSet<usize>>,
    /// Types made by this entry, by key, with their session numbers.
    pub new_keys: Vec<(Key, u32)>,
    /// Whether the code needed a type of an earlier group that was not declared
    /// (an internal error: the groups declared come from a compilation with all).
    pub missing: std::cell::Cell<bool>,
}

impl ModuleTypes<'_> {
    /// The session number of module type `i` (`u32::MAX` for types outside the
    /// groups).
    pub fn number_of(&self, i: u32) -> u32 {
        if i >= crate::types::PLAIN {
            u32::MAX
        } else if i < self.own_start {
            self.number.get(i as usize).copied().unwrap_or(u32::MAX)
        } else {
            self.session.next_number() + (i - self.own_start)
        }
    }

    /// Marks the group of module index `i` as used, if it is an earlier group's.
    pub fn mark(&self, i: u32) {
        if i < BASE_TYPES || i >= self.own_start {
            return;
        }
        let k = self.included.partition_point(|&(_, first)| first <= i);
        if k > 0 {
            self.used.borrow_mut().insert(self.included[k - 1].0);
        }
    }

    /// The module index of a type an earlier entry made, if there is one for `key`
    /// (written in session numbers); marks its group used.
    pub fn lookup(&self, key: &Key) -> Option<u32> {
        let n = *self.session.registry.get(key)?;
        match self.index.get(&n) {
            Some(&i) => {
                self.mark(i);
                Some(i)
            }
            None => {
                self.missing.set(true);
                None
            }
        }
    }

    /// The update for the session: the own group (given in module indices) in
    /// session numbers.
    pub fn update(&self, own: &[SubType], data_end: u32, bufs: Option<(i32, i32)>) -> Update {
        let mut deps = BTreeSet::new();
        let types: Vec<SubType> = own
            .iter()
            .map(|t| {
                remap(t, &mut |i| {
                    let n = self.number_of(i);
                    if (BASE_TYPES..self.session.next_number()).contains(&n) {
                        let g = self
                            .session
                            .groups
                            .partition_point(|g| g.start <= n)
                            .saturating_sub(1);
                        deps.insert(g);
                    }
                    n
                })
            })
            .collect();
        let group = (!types.is_empty()).then(|| Group {
            start: self.session.next_number(),
            types,
            deps,
        });
        Update {
            group,
            keys: self.new_keys.clone(),
            data_end,
            bufs,
        }
    }

    /// The types of earlier group `g`, in this module's indices (its dependencies
    /// must be declared already).
    pub fn declare(&mut self, g: usize, first: u32) -> Vec<SubType> {
        let group = &self.session.groups[g];
        self.included.push((g, first));
        for (k, _) in group.types.iter().enumerate() {
            let n = group.start + k as u32;
            self.index.insert(n, first + k as u32);
            self.number.push(n);
        }
        let index = &self.index;
        group
            .types
            .iter()
            .map(|t| remap(t, &mut |n| index.get(&n).copied().unwrap_or(u32::MAX)))
            .collect()
    }
}

/// `t` with every concrete type index `i` replaced by `f(i)`.
pub(crate) fn remap(t: &SubType, f: &mut dyn FnMut(u32) -> u32) -> SubType {
    let mut v = |v: &ValType| remap_val(v, f);
    let inner = match &t.composite_type.inner {
        CompositeInnerType::Func(ft) => {
            let params: Vec<ValType> = ft.params().iter().map(&mut v).collect();
            let results: Vec<ValType> = ft.results().iter().map(&mut v).collect();
            CompositeInnerType::Func(FuncType::new(params, results))
        }
        CompositeInnerType::Array(ArrayType(fld)) => {
            CompositeInnerType::Array(ArrayType(remap_field(fld, f)))
        }
        CompositeInnerType::Struct(st) => CompositeInnerType::Struct(StructType {
            fields: st.fields.iter().map(|fld| remap_field(fld, f)).collect(),
        }),
        other => other.clone(),
    };
    let mut out = t.clone();
    out.composite_type.inner = inner;
    out.supertype_idx = t.supertype_idx.map(&mut *f);
    out
}

fn remap_field(fld: &FieldType, f: &mut dyn FnMut(u32) -> u32) -> FieldType {
    FieldType {
        element_type: match fld.element_type {
            StorageType::Val(v) => StorageType::Val(remap_val(&v, f)),
            s => s,
        },
        mutable: fld.mutable,
    }
}

/// `v` with its concrete type index `i`, if any, replaced by `f(i)`.
pub(crate) fn remap_val(v: &ValType, f: &mut dyn FnMut(u32) -> u32) -> ValType {
    match v {
        ValType::Ref(RefType {
            nullable,
            heap_type: HeapType::Concrete(i),
        }) => ValType::Ref(RefType {
            nullable: *nullable,
            heap_type: HeapType::Concrete(f(*i)),
        }),
        v => *v,
    }
}

/// Ids an entry refers to that earlier entries defined, found in its IR: what its
/// module imports.
#[derive(Debug, Default)]
pub(crate) struct Externals {
    pub globals: BTreeSet<chocopy_ir::VarId>,
    pub funcs: BTreeSet<chocopy_ir::FuncId>,
    pub vtables: BTreeSet<chocopy_ir::ClassId>,
    /// Earlier classes whose methods the code calls (their slot types are needed).
    pub receivers: BTreeSet<chocopy_ir::ClassId>,
}

/// How many variables, functions and classes of the program earlier entries
/// declared (ids below are theirs), and how many functions the entry's own source
/// declared (the functions it exports; passes may add more, never exported).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Before {
    /// Variables of earlier entries: `VarId` indices below this.
    pub vars: usize,
    /// Functions of earlier entries.
    pub funcs: usize,
    /// Classes of earlier entries.
    pub classes: usize,
    /// Functions of the entry as checked (before the closure passes): functions from
    /// `funcs` to this one are exported.
    pub source_funcs: usize,
}

impl Before {
    /// Whether `f` is an earlier entry's.
    pub fn func(&self, f: chocopy_ir::FuncId) -> bool {
        f.index() < self.funcs
    }
    /// Whether `v` is an earlier entry's.
    pub fn var(&self, v: chocopy_ir::VarId) -> bool {
        v.index() < self.vars
    }
    /// Whether `c` is an earlier entry's.
    pub fn class(&self, c: chocopy_ir::ClassId) -> bool {
        c.index() < self.classes
    }
}

/// The earlier entries' globals, functions and dispatch tables the code of `p`
/// (its functions and methods after `before`, its top level, the dispatch tables
/// of its classes) uses.
pub(crate) fn externals(p: &chocopy_ir::Program, before: &Before) -> Externals {
    use chocopy_ir::{visit, ExprKind, Place, Stmt};
    let mut ext = Externals::default();
    let mut seen: HashSet<usize> = HashSet::default();
    let scan = |stmts: &[Stmt], ext: &mut Externals| {
        visit::exprs_pre(stmts, &mut |e| match &e.kind {
            ExprKind::Var(v) if before.var(*v) => {
                ext.globals.insert(*v);
            }
            ExprKind::Call(f, _) if before.func(*f) => {
                ext.funcs.insert(*f);
            }
            ExprKind::MethodCall(obj, _, _) => {
                if let chocopy_ir::Type::Class(c) = obj.ty {
                    if before.class(c) {
                        ext.receivers.insert(c);
                    }
                }
            }
            ExprKind::New(Some(c)) => {
                if before.class(*c) {
                    ext.vtables.insert(*c);
                }
                if let Some(init) = p.vtable(*c).first().and_then(|e| e.func) {
                    if before.func(init) {
                        ext.funcs.insert(init);
                    }
                }
            }
            _ => {}
        });
        visit::targets_pre(stmts, &mut |t| {
            if let Place::Var(v) = t {
                if before.var(*v) {
                    ext.globals.insert(*v);
                }
            }
        });
    };
    for f in p.all_functions() {
        if !before.func(f) && seen.insert(f.index()) {
            scan(&p.funcs[f].body, &mut ext);
        }
    }
    scan(&p.main, &mut ext);
    for (c, class) in p.classes.iter() {
        if before.class(c) {
            continue;
        }
        for e in &class.layout.methods {
            if let Some(f) = e.func {
                if before.func(f) {
                    ext.funcs.insert(f);
                }
            }
        }
    }
    ext
}
