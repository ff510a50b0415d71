//! The WebAssembly GC types of a module: how each ChocoPy type is represented
//! (after Kotlin/Wasm, dart2wasm and wasm_of_ocaml, which map a managed language's
//! objects to GC structs and arrays).
//!
//! | ChocoPy type | WebAssembly value |
//! |---|---|
//! | `int`, `bool` | `i32` |
//! | `str` | `(ref null $str)`, `$str = (array (mut i8))` |
//! | `[int]`, `[bool]`, `[T]` | `(ref null $list)`, arrays of `i32`, of packed `i8`, of `T`'s value |
//! | `<Empty>` | `(ref null $empty)`, an array of `nullref` (always of length 0) |
//! | class `C` | `(ref null $C)`, a struct: `C`'s dispatch table, then the attributes (inherited first) |
//! | `object` | `eqref` (`int` and `bool` stored there are boxed in `$box_int`, `$box_bool`) |
//! | `<None>` | `nullref`; `None` is a null reference of any type |
//! | `Ref[T]` | `(ref null $cell)`, `$cell = (struct (field (mut T)))` |
//!
//! Classes follow the class hierarchy with declared subtyping: `$C` is a subtype of
//! its superclass's struct (of `$object` at the root), its dispatch table `$C_vt` a
//! subtype of the superclass's, one field per method slot holding a typed function
//! reference. A slot's function type takes `self` as the class that introduced the
//! slot (overrides keep the type, and cast `self` on entry).
//!
//! Every type of the module is in one recursion group (types may refer to each
//! other in any order, and two types of the same shape stay distinct: `str` and
//! `[bool]` are both arrays of mutable `i8`). Types are created on demand, so the
//! group is complete only when every function is compiled.

use crate::session::{remap_val, Before, Key, ModuleTypes, Session, BASE_TYPES};
use chocopy_ir::{ClassId, Program, Type};
use rustc_hash::FxHashMap as HashMap;
use wasm_encoder::{
    AbstractHeapType, ArrayType, CompositeInnerType, CompositeType, FieldType, FuncType, HeapType,
    IndirectNameMap, NameMap, RefType, StorageType, StructType, SubType, TypeSection, ValType,
};

/// A short name of a storage type, for type names (`list.i32`, `list.str`).
fn storage_name(st: &StorageType, t: &Types) -> String {
    match st {
        StorageType::I8 => "bool".into(),
        StorageType::I16 => "i16".into(),
        StorageType::Val(ValType::I32) => "int".into(),
        StorageType::Val(ValType::Ref(r)) => match r.heap_type {
            HeapType::Concrete(i) if i == t.str => "str".into(),
            HeapType::Concrete(i) => format!("t{i}"),
            HeapType::Abstract {
                ty: AbstractHeapType::Eq,
                ..
            } => "object".into(),
            HeapType::Abstract {
                ty: AbstractHeapType::None,
                ..
            } => "none".into(),
            _ => "ref".into(),
        },
        StorageType::Val(v) => format!("{v:?}"),
    }
}

/// A nullable reference to concrete type `idx`.
pub(crate) fn nullable(idx: u32) -> ValType {
    ValType::Ref(RefType {
        nullable: true,
        heap_type: HeapType::Concrete(idx),
    })
}

/// A non-nullable reference to concrete type `idx`.
pub(crate) fn non_null(idx: u32) -> ValType {
    ValType::Ref(RefType {
        nullable: false,
        heap_type: HeapType::Concrete(idx),
    })
}

/// `eqref`: what `object` is.
pub(crate) const EQREF: ValType = ValType::Ref(RefType {
    nullable: true,
    heap_type: HeapType::Abstract {
        shared: false,
        ty: AbstractHeapType::Eq,
    },
});

/// `nullref`: the type of `None`.
pub(crate) const NULLREF: ValType = ValType::Ref(RefType {
    nullable: true,
    heap_type: HeapType::Abstract {
        shared: false,
        ty: AbstractHeapType::None,
    },
});

/// The heap type of `None` (for `ref.null`).
pub(crate) const NONE_HEAP: HeapType = HeapType::Abstract {
    shared: false,
    ty: AbstractHeapType::None,
};

/// `arrayref`'s heap type (for `ref.test` / `ref.cast` to any array).
pub(crate) const ARRAY_HEAP: HeapType = HeapType::Abstract {
    shared: false,
    ty: AbstractHeapType::Array,
};

fn field(element_type: StorageType, mutable: bool) -> FieldType {
    FieldType {
        element_type,
        mutable,
    }
}

fn sub(inner: CompositeInnerType, supertype: Option<u32>, is_final: bool) -> SubType {
    SubType {
        is_final,
        supertype_idx: supertype,
        composite_type: CompositeType {
            inner,
            shared: false,
            descriptor: None,
            describes: None,
        },
    }
}

/// The types of one module, created on demand.
pub(crate) struct Types<'s> {
    /// In a REPL session: the session numbers of the types and the earlier entries'
    /// groups (module docs of [`crate::session`]).
    pub repl: Option<ModuleTypes<'s>>,
    group: Vec<Option<SubType>>,
    /// Function types in the group (those of method slots, which dispatch tables
    /// refer to).
    group_funcs: HashMap<(Vec<ValType>, Vec<ValType>), u32>,
    /// Function types outside the group, each a recursion group of its own (so that
    /// an imported function's type equals the host's): provisional indices from
    /// [`PLAIN`], made final by [`Types::index`] once the group is complete.
    plain: Vec<(Vec<ValType>, Vec<ValType>)>,
    plain_index: HashMap<(Vec<ValType>, Vec<ValType>), u32>,
    /// Set once a final index was given out: the group must not grow then.
    frozen: std::cell::Cell<bool>,
    lists: HashMap<StorageType, u32>,
    cells: HashMap<ValType, u32>,
    /// `$object` and its dispatch table.
    pub object: u32,
    pub object_vt: u32,
    /// Per class (by index): its struct and its dispatch table.
    class: Vec<u32>,
    class_vt: Vec<u32>,
    pub str: u32,
    pub box_int: u32,
    pub box_bool: u32,
    pub empty: u32,
    /// An array of strings: the table of one-character strings.
    pub strs: u32,
    /// Module index where the own group starts (0 outside REPL sessions: one group).
    bounds_own: u32,
}

impl<'s> Types<'s> {
    /// The types every module has, and the structs and dispatch tables of the
    /// classes of `p` (their fields are filled in by [`Types::define_classes`]).
    pub fn new(p: &Program) -> Types<'s> {
        let mut t = Types::empty(p);
        // Supertypes must come before their subtypes: reserve the class types first,
        // in hierarchy order (the arena's: a superclass is declared first).
        t.object = t.reserve();
        t.object_vt = t.reserve();
        for (c, _) in p.classes.iter() {
            t.class[c.index()] = t.reserve();
            t.class_vt[c.index()] = t.reserve();
        }
        t.str = t.push(sub(
            CompositeInnerType::Array(ArrayType(field(StorageType::I8, true))),
            None,
            true,
        ));
        t.box_int = t.push(sub(
            CompositeInnerType::Struct(StructType {
                fields: Box::new([field(StorageType::Val(ValType::I32), false)]),
            }),
            None,
            true,
        ));
        t.box_bool = t.push(sub(
            CompositeInnerType::Struct(StructType {
                fields: Box::new([field(StorageType::Val(ValType::I32), false)]),
            }),
            None,
            true,
        ));
        t.empty = t.push(sub(
            CompositeInnerType::Array(ArrayType(field(StorageType::Val(NULLREF), true))),
            None,
            true,
        ));
        t.strs = t.push(sub(
            CompositeInnerType::Array(ArrayType(field(StorageType::Val(nullable(t.str)), true))),
            None,
            true,
        ));
        t
    }

    /// The types of an entry of a REPL session: the base group (the same in every
    /// module of the session), the earlier entries' groups `include` (in session
    /// order, each after those it refers to), then the entry's own group, starting
    /// with the structs and dispatch tables of its new classes.
    pub fn new_repl(
        p: &Program,
        session: &'s Session,
        include: &[usize],
        before: &Before,
    ) -> Types<'s> {
        let mut t = Types::empty(p);
        (
            t.object,
            t.object_vt,
            t.str,
            t.box_int,
            t.box_bool,
            t.empty,
            t.strs,
        ) = (0, 1, 3, 4, 5, 6, 7);
        let i32_field = |m| field(StorageType::Val(ValType::I32), m);
        let base = [
            sub(
                CompositeInnerType::Struct(StructType {
                    fields: Box::new([field(StorageType::Val(non_null(1)), false)]),
                }),
                None,
                false,
            ),
            sub(
                CompositeInnerType::Struct(StructType {
                    fields: Box::new([field(StorageType::Val(non_null(2)), false)]),
                }),
                None,
                false,
            ),
            sub(
                CompositeInnerType::Func(FuncType::new([nullable(0)], [])),
                None,
                true,
            ),
            sub(
                CompositeInnerType::Array(ArrayType(field(StorageType::I8, true))),
                None,
                true,
            ),
            sub(
                CompositeInnerType::Struct(StructType {
                    fields: Box::new([i32_field(false)]),
                }),
                None,
                true,
            ),
            sub(
                CompositeInnerType::Struct(StructType {
                    fields: Box::new([i32_field(false)]),
                }),
                None,
                true,
            ),
            sub(
                CompositeInnerType::Array(ArrayType(field(StorageType::Val(NULLREF), true))),
                None,
                true,
            ),
            sub(
                CompositeInnerType::Array(ArrayType(field(StorageType::Val(nullable(3)), true))),
                None,
                true,
            ),
        ];
        debug_assert_eq!(base.len() as u32, BASE_TYPES);
        t.group.extend(base.into_iter().map(Some));
        t.group_funcs.insert((vec![nullable(0)], vec![]), 2);
        let mut mt = ModuleTypes {
            session,
            number: (0..BASE_TYPES).collect(),
            index: (0..BASE_TYPES).map(|i| (i, i)).collect(),
            own_start: 0,
            included: Vec::new(),
            used: Default::default(),
            new_keys: Vec::new(),
            missing: std::cell::Cell::new(false),
        };
        for &g in include {
            let first = t.group.len() as u32;
            t.group.extend(mt.declare(g, first).into_iter().map(Some));
        }
        mt.own_start = t.group.len() as u32;
        t.bounds_own = mt.own_start;
        for (c, _) in p.classes.iter() {
            if before.class(c) {
                let find = |k: Key| {
                    session
                        .registry_get(&k)
                        .and_then(|n| mt.index.get(&n).copied())
                        .unwrap_or(u32::MAX)
                };
                t.class[c.index()] = find(Key::Class(c.index() as u32));
                t.class_vt[c.index()] = find(Key::Vtable(c.index() as u32));
            }
        }
        t.repl = Some(mt);
        for (c, _) in p.classes.iter() {
            if !before.class(c) {
                t.class[c.index()] = t.reserve();
                t.class_vt[c.index()] = t.reserve();
                let (n, nv) = (
                    t.number_of(t.class[c.index()]),
                    t.number_of(t.class_vt[c.index()]),
                );
                let mt = t.repl.as_mut().expect("set above");
                mt.new_keys.push((Key::Class(c.index() as u32), n));
                mt.new_keys.push((Key::Vtable(c.index() as u32), nv));
            }
        }
        t
    }

    /// The session number of module type `i` (REPL sessions only; `u32::MAX` for
    /// types outside the groups).
    fn number_of(&self, i: u32) -> u32 {
        match &self.repl {
            Some(mt) => mt.number_of(i),
            None => i,
        }
    }

    /// `v` written in session numbers.
    fn val_number(&self, v: &ValType) -> ValType {
        remap_val(v, &mut |i| self.number_of(i))
    }

    /// The type an earlier entry made for `key` (a REPL session's registry), or
    /// `make`'s new type in the own group (registered under `key`).
    fn shared(
        &mut self,
        key: impl FnOnce(&Self) -> Key,
        make: impl FnOnce(&mut Self) -> u32,
    ) -> u32 {
        if self.repl.is_none() {
            return make(self);
        }
        let k = key(self);
        if let Some(i) = self.repl.as_ref().and_then(|mt| mt.lookup(&k)) {
            return i;
        }
        let i = make(self);
        let n = self.number_of(i);
        if let Some(mt) = self.repl.as_mut() {
            mt.new_keys.push((k, n));
        }
        i
    }

    /// Marks the group of type `i` used (REPL sessions).
    fn mark(&self, i: u32) {
        if let Some(mt) = &self.repl {
            if i == u32::MAX {
                mt.missing.set(true);
            } else {
                mt.mark(i);
            }
        }
    }

    /// The types of the own group (a REPL entry's new types), in module indices.
    pub fn own_types(&self) -> Vec<SubType> {
        self.group[self.bounds_own as usize..]
            .iter()
            .map(|t| t.clone().expect("every reserved type is defined"))
            .collect()
    }

    /// Records that the code uses type `i` (in a REPL session, its group must be
    /// declared).
    pub fn use_type(&self, i: u32) {
        if i < PLAIN {
            self.mark(i);
        }
    }

    /// No types yet; room for the classes of `p`.
    fn empty(p: &Program) -> Types<'s> {
        Types {
            repl: None,
            group: Vec::new(),
            group_funcs: HashMap::default(),
            plain: Vec::new(),
            plain_index: HashMap::default(),
            frozen: std::cell::Cell::new(false),
            lists: HashMap::default(),
            cells: HashMap::default(),
            object: 0,
            object_vt: 0,
            class: vec![u32::MAX; p.classes.len()],
            class_vt: vec![u32::MAX; p.classes.len()],
            str: 0,
            box_int: 0,
            box_bool: 0,
            empty: 0,
            strs: 0,
            bounds_own: 0,
        }
    }

    fn reserve(&mut self) -> u32 {
        self.group.push(None);
        (self.group.len() - 1) as u32
    }

    fn push(&mut self, s: SubType) -> u32 {
        debug_assert!(
            !self.frozen.get(),
            "a type added to the group after the types outside it were numbered"
        );
        self.group.push(Some(s));
        (self.group.len() - 1) as u32
    }

    /// Fills in `$object`, every class struct and every dispatch table. `slot_type`
    /// gives the function type of each slot of each class.
    pub fn define_classes(&mut self, p: &Program, slot_type: &[Vec<u32>], before: &Before) {
        if self.repl.is_some() {
            // `$object` is in the base group; only the entry's own classes are new.
            for (c, class) in p.classes.iter() {
                if !before.class(c) {
                    self.define_class(p, c, class.parent, slot_type);
                }
            }
            return;
        }
        let object_init = slot_type_of_object(self);
        self.group[self.object_vt as usize] = Some(sub(
            CompositeInnerType::Struct(StructType {
                fields: Box::new([field(StorageType::Val(non_null(object_init)), false)]),
            }),
            None,
            false,
        ));
        self.group[self.object as usize] = Some(sub(
            CompositeInnerType::Struct(StructType {
                fields: Box::new([field(StorageType::Val(non_null(self.object_vt)), false)]),
            }),
            None,
            false,
        ));
        for (c, class) in p.classes.iter() {
            self.define_class(p, c, class.parent, slot_type);
        }
    }

    /// Fills in the struct and dispatch table of class `c`.
    fn define_class(
        &mut self,
        p: &Program,
        c: ClassId,
        parent: Option<ClassId>,
        slot_type: &[Vec<u32>],
    ) {
        {
            let (sup, sup_vt) = match parent {
                Some(k) => (self.class(k), self.vtable(k)),
                None => (self.object, self.object_vt),
            };
            let vt_fields: Vec<FieldType> = slot_type[c.index()]
                .iter()
                .map(|&ft| field(StorageType::Val(non_null(ft)), false))
                .collect();
            self.group[self.class_vt[c.index()] as usize] = Some(sub(
                CompositeInnerType::Struct(StructType {
                    fields: vt_fields.into(),
                }),
                Some(sup_vt),
                false,
            ));
            let mut fields = vec![field(
                StorageType::Val(non_null(self.class_vt[c.index()])),
                false,
            )];
            let attr_types: Vec<Type> = p.all_attrs(c).map(|a| a.ty.clone()).collect();
            for ty in &attr_types {
                let st = self.storage(ty);
                fields.push(field(st, true));
            }
            self.group[self.class[c.index()] as usize] = Some(sub(
                CompositeInnerType::Struct(StructType {
                    fields: fields.into(),
                }),
                Some(sup),
                false,
            ));
        }
    }

    /// The struct type of class `c`.
    pub fn class(&self, c: ClassId) -> u32 {
        let i = self.class[c.index()];
        self.mark(i);
        i
    }

    /// The dispatch table type of class `c`.
    pub fn vtable(&self, c: ClassId) -> u32 {
        let i = self.class_vt[c.index()];
        self.mark(i);
        i
    }

    /// The function type `params -> results` in the group (for types that group
    /// types refer to: method slots).
    pub fn group_func(&mut self, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        if let Some(&i) = self.group_funcs.get(&(params.clone(), results.clone())) {
            self.mark(i);
            return i;
        }
        let (ps, rs) = (params.clone(), results.clone());
        let i = self.shared(
            |t| {
                Key::Func(
                    ps.iter().map(|v| t.val_number(v)).collect(),
                    rs.iter().map(|v| t.val_number(v)).collect(),
                )
            },
            |t| {
                t.push(sub(
                    CompositeInnerType::Func(FuncType::new(ps.clone(), rs.clone())),
                    None,
                    true,
                ))
            },
        );
        self.group_funcs.insert((params, results), i);
        i
    }

    /// The function type `params -> results` outside the group: a provisional index
    /// (at least [`PLAIN`]), to be turned into the final one by [`Types::index`]
    /// when the module is assembled.
    pub fn func(&mut self, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        let key = (params, results);
        if let Some(&i) = self.plain_index.get(&key) {
            return i;
        }
        let i = PLAIN + self.plain.len() as u32;
        self.plain.push(key.clone());
        self.plain_index.insert(key, i);
        i
    }

    /// The final index of type `i` (provisional indices of [`Types::func`] follow
    /// the group).
    pub fn index(&self, i: u32) -> u32 {
        self.frozen.set(true);
        if i >= PLAIN {
            self.group.len() as u32 + (i - PLAIN)
        } else {
            i
        }
    }

    /// The value a ChocoPy type is represented by.
    pub fn val(&mut self, t: &Type) -> ValType {
        match t {
            Type::Int | Type::Bool => ValType::I32,
            Type::Str => nullable(self.str),
            Type::None => NULLREF,
            Type::Object => EQREF,
            Type::Empty => nullable(self.empty),
            Type::Class(c) => nullable(self.class(*c)),
            Type::List(e) => nullable(self.list(e)),
            Type::Ref(e) => nullable(self.cell(e)),
        }
    }

    /// How a value of type `t` is stored in a struct field or an array element:
    /// `bool` packed in a byte.
    pub fn storage(&mut self, t: &Type) -> StorageType {
        match t {
            Type::Bool => StorageType::I8,
            _ => StorageType::Val(self.val(t)),
        }
    }

    /// The element types of every list type a value in this module may have: those
    /// the module made so far and, in a REPL session, those of the earlier entries
    /// (whose groups are then declared). For `repr` of an `object` by its dynamic
    /// type.
    pub fn known_list_elems(&mut self, p: &Program) -> Vec<Type> {
        let mut lists: Vec<u32> = self.lists.values().copied().collect();
        if let Some(mt) = &self.repl {
            for k in mt.session.list_keys() {
                if let Some(i) = mt.lookup(&k) {
                    lists.push(i);
                }
            }
        }
        lists.sort_unstable();
        lists.dedup();
        let mut out: Vec<Type> = Vec::new();
        for i in lists {
            if let Some(t) = self.array_elem(i, p) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }

    /// The ChocoPy element type of list type `i` (`None` when `i` is no list type).
    fn array_elem(&self, i: u32, p: &Program) -> Option<Type> {
        let ty = self.group.get(i as usize)?.as_ref()?;
        let CompositeInnerType::Array(ArrayType(f)) = &ty.composite_type.inner else {
            return None;
        };
        match f.element_type {
            StorageType::I8 => Some(Type::Bool),
            StorageType::Val(ValType::I32) => Some(Type::Int),
            StorageType::Val(ValType::Ref(r)) => match r.heap_type {
                HeapType::Abstract {
                    ty: AbstractHeapType::Eq,
                    ..
                } => Some(Type::Object),
                HeapType::Abstract {
                    ty: AbstractHeapType::None,
                    ..
                } => Some(Type::None),
                HeapType::Concrete(j) if j == self.str => Some(Type::Str),
                HeapType::Concrete(j) if j == self.empty => Some(Type::Empty),
                HeapType::Concrete(j) => match self.class.iter().position(|&k| k == j) {
                    Some(c) => p.classes.iter().nth(c).map(|(c, _)| Type::Class(c)),
                    None => Some(Type::List(Box::new(self.array_elem(j, p)?))),
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// The array type of lists of `elem`.
    pub fn list(&mut self, elem: &Type) -> u32 {
        let st = self.storage(elem);
        if let Some(&i) = self.lists.get(&st) {
            self.mark(i);
            return i;
        }
        let i = self.shared(
            |t| {
                Key::List(match st {
                    StorageType::Val(v) => StorageType::Val(t.val_number(&v)),
                    s => s,
                })
            },
            |t| {
                t.push(sub(
                    CompositeInnerType::Array(ArrayType(field(st, true))),
                    None,
                    true,
                ))
            },
        );
        self.lists.insert(st, i);
        i
    }

    /// The struct type of `Ref` cells holding a `content`.
    pub fn cell(&mut self, content: &Type) -> u32 {
        let v = self.val(content);
        if let Some(&i) = self.cells.get(&v) {
            self.mark(i);
            return i;
        }
        let i = self.shared(
            |t| Key::Cell(t.val_number(&v)),
            |t| {
                t.push(sub(
                    CompositeInnerType::Struct(StructType {
                        fields: Box::new([field(StorageType::Val(v), true)]),
                    }),
                    None,
                    true,
                ))
            },
        );
        self.cells.insert(v, i);
        i
    }

    /// Names of the types of the group and of the fields of class structs and
    /// dispatch tables, for the name section (so that `--emit=wat` shows `$Counter`,
    /// `$Counter.vtable`, `$str`, fields `$n`, `$bump`).
    pub fn names(&self, p: &Program) -> (NameMap, IndirectNameMap) {
        let mut named: Vec<(u32, String)> = vec![
            (self.object, "object".into()),
            (self.object_vt, "object.vtable".into()),
            (self.str, "str".into()),
            (self.box_int, "int.box".into()),
            (self.box_bool, "bool.box".into()),
            (self.empty, "empty".into()),
            (self.strs, "str.array".into()),
        ];
        let mut fields = IndirectNameMap::new();
        let mut object_fields = NameMap::new();
        object_fields.append(0, "vtable");
        fields.append(self.object, &object_fields);
        let mut per_type: Vec<(u32, NameMap)> = Vec::new();
        for (c, class) in p.classes.iter() {
            if self.class[c.index()] == u32::MAX {
                continue;
            }
            named.push((self.class[c.index()], class.name.clone()));
            named.push((self.class_vt[c.index()], format!("{}.vtable", class.name)));
            let mut f = NameMap::new();
            f.append(0, "vtable");
            for (i, a) in p.all_attrs(c).enumerate() {
                f.append(i as u32 + 1, &a.name);
            }
            per_type.push((self.class[c.index()], f));
            let mut v = NameMap::new();
            for (i, e) in class.layout.methods.iter().enumerate() {
                v.append(i as u32, &e.name);
            }
            per_type.push((self.class_vt[c.index()], v));
        }
        for (st, &i) in &self.lists {
            named.push((i, format!("list.{}", storage_name(st, self))));
        }
        for (v, &i) in &self.cells {
            named.push((
                i,
                format!("cell.{}", storage_name(&StorageType::Val(*v), self)),
            ));
        }
        named.sort();
        per_type.sort_by_key(|(i, _)| *i);
        let mut types = NameMap::new();
        for (i, n) in named {
            types.append(i, &n);
        }
        for (i, f) in &per_type {
            fields.append(*i, f);
        }
        (types, fields)
    }

    /// The type section: the one recursion group.
    pub fn section(&self) -> TypeSection {
        let mut s = TypeSection::new();
        let group: Vec<SubType> = self
            .group
            .iter()
            .map(|t| t.clone().expect("every reserved type is defined"))
            .collect();
        match &self.repl {
            None => {
                s.ty().rec(group);
            }
            Some(mt) => {
                // The base group, each earlier group, the own group.
                let mut bounds: Vec<usize> = vec![0, BASE_TYPES as usize];
                bounds.extend(mt.included.iter().map(|&(_, f)| f as usize));
                bounds.push(mt.own_start as usize);
                bounds.push(group.len());
                bounds.dedup();
                for w in bounds.windows(2) {
                    s.ty().rec(group[w[0]..w[1]].iter().cloned());
                }
            }
        }
        for (params, results) in &self.plain {
            s.ty()
                .function(params.iter().copied(), results.iter().copied());
        }
        s
    }
}

/// `object.__init__`'s type: `(func (param (ref null $object)))`.
fn slot_type_of_object(t: &mut Types) -> u32 {
    let o = nullable(t.object);
    t.group_func(vec![o], vec![])
}

/// Where the provisional indices of function types outside the group start.
pub(crate) const PLAIN: u32 = 1 << 30;
