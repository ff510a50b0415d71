//! Code generation for one function or method (or the top-level statements as
//! `_start`), on the WebAssembly GC heap.
//!
//! Values that flow from an `int` or `bool` into a place of a reference type (an
//! `object` variable, a `[object]` list, ...) are boxed here, at the point of the
//! store: assignments, arguments, returns, list elements, conditional expressions.
//! Every runtime error is an explicit check before the access that would fail
//! (`ref.is_null`, an unsigned bounds comparison, a zero divisor).

use crate::fb::{Body, Fb};
use crate::runtime::raise;
use crate::types::{nullable, EQREF, NONE_HEAP};
use crate::{Ctx, Helper, Rt, RuntimeError, G};
use chocopy_ir::{
    AttrId, BinOp, Builtin, Const, Expr, ExprKind, FuncId, MethodSlot, Place, Span, Stmt, Type,
    UnOp, VarId,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use wasm_encoder::{BlockType, HeapType, Instruction as I, ValType};

struct Gen<'a, 'b> {
    m: &'a mut Ctx<'b>,
    f: Fb,
    /// Wasm local of each variable of the function.
    locals: HashMap<VarId, u32>,
    /// Variables that can never be None here: `self` of a method that never
    /// assigns it.
    never_none: HashSet<VarId>,
    /// The function's return type.
    ret: Type,
}

/// Compiles function `f` (`None`: the top-level statements, as `_start`).
pub(crate) fn compile_function(m: &mut Ctx, f: Option<FuncId>) -> Body {
    let p = m.p;
    let Some(fid) = f else {
        return start(m);
    };
    let func = &p.funcs[fid];
    // Parameters: for a method, `self` has the type of the class that introduced
    // the slot; it is cast to the method's own class into a local.
    let mut params: Vec<(String, ValType)> = Vec::new();
    let mut self_cast: Option<(chocopy_ir::ClassId, ValType)> = None;
    for (i, &v) in func.params.iter().enumerate() {
        let own = m.val(&p.vars[v].ty);
        let ty = match (i, func.method_of) {
            (0, Some(c)) => {
                let slot = p.classes[c]
                    .layout
                    .method_slot(&func.name)
                    .map_or(0, |s| s.0 as usize);
                let root = m.slot_roots[c.index()][slot];
                let root_ty = match root {
                    Some(r) => nullable(m.t.class(r)),
                    None => nullable(m.t.object),
                };
                if root != Some(c) {
                    self_cast = Some((c, own));
                }
                root_ty
            }
            _ => own,
        };
        params.push((p.vars[v].name.clone(), ty));
    }
    let named: Vec<(&str, ValType)> = params.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let mut g = Gen {
        m,
        f: Fb::new(&named),
        locals: HashMap::default(),
        never_none: HashSet::default(),
        ret: func.ret.clone(),
    };
    for (i, &v) in func.params.iter().enumerate() {
        g.locals.insert(v, i as u32);
    }
    if let Some((c, own)) = self_cast {
        let this = func.params[0];
        let l = g.f.local(&p.vars[this].name, own);
        let ct = g.m.t.class(c);
        g.f.extend([
            I::LocalGet(0),
            I::RefCastNullable(HeapType::Concrete(ct)),
            I::LocalSet(l),
        ]);
        g.locals.insert(this, l);
    }
    if func.method_of.is_some() {
        let this = func.params[0];
        if !chocopy_ir::visit::assigned_vars(&func.body).contains(&this) {
            g.never_none.insert(this);
        }
    }
    for d in &func.locals {
        let ty = p.vars[d.var].ty.clone();
        let vt = g.m.val(&ty);
        let l = g.f.local(&p.vars[d.var].name, vt);
        g.locals.insert(d.var, l);
        if !is_default(&d.init, &ty) {
            g.constant_as(&d.init, &ty);
            g.f.push(I::LocalSet(l));
        }
    }
    g.stmts(&func.body);
    if chocopy_ir::always_returns(&func.body) {
        g.f.push(I::Unreachable);
    } else if func.ret != Type::None {
        // Falling off the end returns None.
        g.f.push(I::RefNull(NONE_HEAP));
    }
    g.f.finish()
}

/// `_start`: the character table and the string literals, the globals that start
/// as strings, then the top-level statements, then a flush.
fn start(m: &mut Ctx) -> Body {
    let p = m.p;
    let mut g = Gen {
        m,
        f: Fb::new(&[]),
        locals: HashMap::default(),
        never_none: HashSet::default(),
        ret: Type::None,
    };
    // The 256 one-character strings.
    let (s, strs) = (g.m.t.str, g.m.t.strs);
    let i = g.f.local("i", ValType::I32);
    if !g.m.imports_runtime {
        g.f.extend([
            I::I32Const(256),
            I::ArrayNewDefault(strs),
            I::GlobalSet(G::Chars as u32),
            I::Loop(BlockType::Empty),
            I::GlobalGet(G::Chars as u32),
            I::LocalGet(i),
            I::LocalGet(i),
            I::ArrayNewFixed {
                array_type_index: s,
                array_size: 1,
            },
            I::ArraySet(strs),
            I::LocalGet(i),
            I::I32Const(1),
            I::I32Add,
            I::LocalTee(i),
            I::I32Const(256),
            I::I32LtU,
            I::BrIf(0),
            I::End,
        ]);
    }
    // A one-character literal is the table's string (one-character strings are
    // interned: see `Ctx::literals`).
    for &(global, offset, len) in &g.m.literal_at.clone() {
        if len == 1 {
            let byte = g.m.literal_bytes[offset as usize];
            g.f.extend([
                I::GlobalGet(G::Chars as u32),
                I::I32Const(byte as i32),
                I::ArrayGet(strs),
            ]);
        } else {
            g.f.extend([
                I::I32Const(offset as i32),
                I::I32Const(len as i32),
                I::ArrayNewData {
                    array_type_index: s,
                    array_data_index: 1,
                },
            ]);
        }
        g.f.push(I::GlobalSet(global));
    }
    for d in &p.globals {
        if g.m.before.var(d.var) {
            continue;
        }
        if let Const::Str(_) = d.init {
            let ty = p.vars[d.var].ty.clone();
            g.constant_as(&d.init, &ty);
            g.f.push(I::GlobalSet(g.m.globals[&d.var]));
        }
    }
    g.stmts(&p.main);
    g.f.push(I::Call(Rt::Flush as u32));
    g.f.finish()
}

/// Whether a variable of type `ty` holding constant `c` holds the default value of
/// its wasm type (0 or null), which fresh locals and fields hold already.
fn is_default(c: &Const, ty: &Type) -> bool {
    match c {
        Const::None => true,
        Const::Int(0) | Const::Bool(false) => matches!(ty, Type::Int | Type::Bool),
        _ => false,
    }
}

/// The byte of a one-character string literal.
fn one_char(e: &Expr) -> Option<u8> {
    match &e.kind {
        ExprKind::Const(Const::Str(s)) if s.len() == 1 => Some(s.as_bytes()[0]),
        _ => None,
    }
}

/// Whether `a` is an attribute of the static class of `obj`.
fn attr_valid(p: &chocopy_ir::Program, obj: &Expr, a: AttrId) -> bool {
    matches!(obj.ty, Type::Class(c) if p.inherits(c, a.class))
        && (a.slot as usize) < p.classes[a.class].layout.attrs.len()
}

/// Whether evaluating `e` can neither fail nor have an effect (nor allocate): it
/// reads variables and computes on `int`s and `bool`s only.
fn is_pure(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(c) => !matches!(c, Const::Str(_)),
        ExprKind::Var(_) => true,
        ExprKind::Unary(_, a) => is_pure(a),
        ExprKind::Binary(op, a, b) => {
            let ints =
                matches!(a.ty, Type::Int | Type::Bool) && matches!(b.ty, Type::Int | Type::Bool);
            let safe = !matches!(op, BinOp::FloorDiv | BinOp::Mod | BinOp::Is);
            ints && safe && is_pure(a) && is_pure(b)
        }
        _ => false,
    }
}

impl Gen<'_, '_> {
    fn push(&mut self, i: I<'static>) {
        self.f.push(i);
    }

    fn val(&mut self, t: &Type) -> ValType {
        self.m.val(t)
    }

    /// A temporary holding a value of ChocoPy type `t`.
    fn temp(&mut self, t: &Type) -> (u32, ValType) {
        let vt = self.val(t);
        (self.f.temp(vt), vt)
    }

    fn release(&mut self, (t, vt): (u32, ValType)) {
        self.f.release(t, vt);
    }

    fn get_var(&mut self, v: VarId) {
        match self.locals.get(&v) {
            Some(&l) => self.push(I::LocalGet(l)),
            None => self.push(I::GlobalGet(self.m.globals[&v])),
        }
    }

    fn set_var(&mut self, v: VarId) {
        match self.locals.get(&v) {
            Some(&l) => self.push(I::LocalSet(l)),
            None => self.push(I::GlobalSet(self.m.globals[&v])),
        }
    }

    /// `error(e, site)` for an error at `span`.
    fn raise(&mut self, e: RuntimeError, span: Span) {
        let site = self.m.site(span);
        raise(e, |f| f.push(I::I32Const(site)), &mut self.f);
    }

    /// Raises `e` if local `t` holds None.
    fn null_check(&mut self, t: u32, e: RuntimeError, span: Span) {
        self.push(I::LocalGet(t));
        self.push(I::RefIsNull);
        self.push(I::If(BlockType::Empty));
        self.raise(e, span);
        self.push(I::End);
    }

    /// Raises "Index out of bounds" unless `0 <= index < length of seq`.
    fn bounds_check(&mut self, seq: u32, index: u32, span: Span) {
        self.push(I::LocalGet(index));
        self.push(I::LocalGet(seq));
        self.push(I::ArrayLen);
        self.push(I::I32GeU);
        self.push(I::If(BlockType::Empty));
        self.raise(RuntimeError::IndexOutOfBounds, span);
        self.push(I::End);
    }

    /// Converts the value on the stack from `from` to `to`: boxes an `int` or `bool`
    /// stored where a reference is expected; makes a list of the target's element
    /// type from `[]` or a list of Nones.
    fn coerce(&mut self, from: &Type, to: &Type) {
        if matches!(to, Type::Int | Type::Bool) {
            return;
        }
        match (from, to) {
            (Type::Int, _) => self.push(I::StructNew(self.m.t.box_int)),
            (Type::Bool, _) => {
                self.push(I::If(BlockType::Result(EQREF)));
                self.push(I::GlobalGet(G::True as u32));
                self.push(I::Else);
                self.push(I::GlobalGet(G::False as u32));
                self.push(I::End);
            }
            (Type::Empty, Type::List(e)) => {
                let l = self.m.t.list(e);
                self.push(I::Drop);
                self.push(I::ArrayNewFixed {
                    array_type_index: l,
                    array_size: 0,
                });
            }
            (Type::List(x), Type::List(y)) if x != y => {
                let h = self.m.helper(Helper::ListConvert {
                    from: from.clone(),
                    to: (**y).clone(),
                });
                self.push(I::Call(h));
            }
            _ => {}
        }
    }

    /// A constant, as a value of type `to`.
    fn constant_as(&mut self, c: &Const, to: &Type) {
        match c {
            Const::None => self.push(I::RefNull(NONE_HEAP)),
            Const::Int(i) => {
                self.push(I::I32Const(*i));
                self.coerce(&Type::Int, to);
            }
            Const::Bool(b) => {
                if matches!(to, Type::Int | Type::Bool) {
                    self.push(I::I32Const(*b as i32));
                } else {
                    self.push(I::GlobalGet(if *b { G::True } else { G::False } as u32));
                }
            }
            Const::Str(s) => {
                let g = self.m.literals[s.as_str()];
                self.push(I::GlobalGet(g));
            }
        }
    }

    /// `e`, converted to `to`.
    fn expr_as(&mut self, e: &Expr, to: &Type) {
        match &e.kind {
            ExprKind::Const(c) => self.constant_as(c, to),
            // A list display builds a list of the target's element type directly.
            ExprKind::List(items) => match to {
                Type::List(elem) => self.list_display(items, elem),
                _ => {
                    self.expr(e);
                    self.coerce(&e.ty, to);
                }
            },
            ExprKind::IfExpr(c, a, b) => {
                let vt = self.val(to);
                self.expr(c);
                self.push(I::If(BlockType::Result(vt)));
                self.expr_as(a, to);
                self.push(I::Else);
                self.expr_as(b, to);
                self.push(I::End);
            }
            _ => {
                self.expr(e);
                self.coerce(&e.ty, to);
            }
        }
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    /// The type stored by a place.
    fn place_type(&self, p: &Place) -> Type {
        let prog = self.m.p;
        match p {
            Place::Var(v) => prog.vars[*v].ty.clone(),
            Place::RefValue(c) => c.ty.ref_content().cloned().unwrap_or(Type::Object),
            Place::Attr(obj, a) if attr_valid(prog, obj, *a) => prog.attr_def(*a).ty.clone(),
            Place::Attr(..) => Type::Object,
            Place::Index(list, _) => list.ty.elem().cloned().unwrap_or(Type::Object),
        }
    }

    /// The struct type and field of attribute `a` of `obj`, or (an impossible IR)
    /// an error and an `unreachable`.
    fn attr_field(&mut self, obj: &Expr, a: AttrId) -> Option<(u32, u32)> {
        if attr_valid(self.m.p, obj, a) {
            let Type::Class(c) = obj.ty else {
                return None;
            };
            return Some((self.m.t.class(c), a.slot + 1));
        }
        let msg = format!(
            "attribute slot {} of class {} on a value of type {}",
            a.slot,
            self.m.p.classes[a.class].name,
            self.m.p.show(&obj.ty)
        );
        self.m.invalid(msg);
        self.push(I::Unreachable);
        None
    }

    /// Evaluates `obj` into a temporary (returned, to be released) and checks that it
    /// is not None.
    fn object(&mut self, obj: &Expr, span: Span) -> (u32, ValType) {
        let t = self.temp(&obj.ty);
        self.expr(obj);
        self.push(I::LocalSet(t.0));
        if !self.known_not_none(obj) {
            self.null_check(t.0, RuntimeError::OperationOnNone, span);
        }
        t
    }

    /// Stores the value in local `value` (of type `ty`) into `place`, evaluating the
    /// place's operands now.
    fn store(&mut self, place: &Place, value: u32, ty: &Type, span: Span) {
        let to = self.place_type(place);
        match place {
            Place::Var(v) => {
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.set_var(*v);
            }
            Place::RefValue(cell) => {
                let ct = self.cell_type(&cell.ty);
                self.expr(cell);
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.push(I::StructSet {
                    struct_type_index: ct,
                    field_index: 0,
                });
            }
            Place::Attr(obj, a) => {
                let Some((st, field)) = self.attr_field(obj, *a) else {
                    return;
                };
                let t = self.object(obj, obj.span);
                self.push(I::LocalGet(t.0));
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.push(I::StructSet {
                    struct_type_index: st,
                    field_index: field,
                });
                self.release(t);
            }
            Place::Index(list, index) => {
                let lt = self.m.t.list(&to);
                let (tl, ti) = self.checked_index(list, index, span);
                self.push(I::LocalGet(tl.0));
                self.push(I::LocalGet(ti));
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.push(I::ArraySet(lt));
                self.f.release(ti, ValType::I32);
                self.release(tl);
            }
        }
    }

    /// The struct type of the cells of `cell_ty` (a `Ref[T]`).
    fn cell_type(&mut self, cell_ty: &Type) -> u32 {
        let content = cell_ty.ref_content().cloned().unwrap_or(Type::Object);
        self.m.t.cell(&content)
    }

    /// Whether `e` reads a local variable (no effect, unchanged by any expression).
    fn is_local_read(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Var(v) if self.locals.contains_key(&v))
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Expr(e) => match &e.kind {
                ExprKind::Builtin(Builtin::Print, args) => self.print(&args[0], e.span),
                ExprKind::Call(..) | ExprKind::MethodCall(..) => {
                    // The value, if any, is not needed.
                    if self.call_like(e) {
                        self.push(I::Drop);
                    }
                }
                _ => {
                    self.expr(e);
                    self.push(I::Drop);
                }
            },
            Stmt::Assign { targets, value } => match targets.as_slice() {
                [Place::Var(v)] => {
                    let to = self.m.p.vars[*v].ty.clone();
                    self.expr_as(value, &to);
                    self.set_var(*v);
                }
                // Expressions never assign variables, so reading a local cell
                // before the value is the same as after it.
                [Place::RefValue(cell)] if self.is_local_read(cell) => {
                    let to = cell.ty.ref_content().cloned().unwrap_or(Type::Object);
                    let ct = self.cell_type(&cell.ty);
                    self.expr(cell);
                    self.expr_as(value, &to);
                    self.push(I::StructSet {
                        struct_type_index: ct,
                        field_index: 0,
                    });
                }
                [place @ Place::Attr(obj, a)] if self.known_not_none(obj) => {
                    let to = self.place_type(place);
                    let Some((st, field)) = self.attr_field(obj, *a) else {
                        return;
                    };
                    self.expr(obj);
                    self.expr_as(value, &to);
                    self.push(I::StructSet {
                        struct_type_index: st,
                        field_index: field,
                    });
                }
                _ => {
                    let t = self.temp(&value.ty);
                    self.expr(value);
                    self.push(I::LocalSet(t.0));
                    for target in targets {
                        self.store(target, t.0, &value.ty, value.span);
                    }
                    self.release(t);
                }
            },
            Stmt::If { cond, then_, else_ } => {
                self.expr(cond);
                self.push(I::If(BlockType::Empty));
                self.stmts(then_);
                if !else_.is_empty() {
                    self.push(I::Else);
                    self.stmts(else_);
                }
                self.push(I::End);
            }
            Stmt::While { cond, body } => {
                self.push(I::Block(BlockType::Empty));
                self.push(I::Loop(BlockType::Empty));
                self.branch_if_false(cond, 1);
                self.stmts(body);
                self.push(I::Br(0));
                self.push(I::End);
                self.push(I::End);
            }
            Stmt::For { target, iter, body } => self.for_loop(target, iter, body),
            Stmt::Return { value, .. } => {
                let ret = self.ret.clone();
                match value {
                    Some(v) if ret == Type::None => {
                        // The value is None: evaluated for its effects.
                        self.stmt(&Stmt::Expr(v.clone()));
                    }
                    Some(v) => self.expr_as(v, &ret),
                    None if ret == Type::None => {}
                    None => self.push(I::RefNull(NONE_HEAP)),
                }
                self.push(I::Return);
            }
        }
    }

    /// `for target in iter: body` (manual 2.8.2): `iter` once, its length before
    /// every iteration.
    fn for_loop(&mut self, target: &Place, iter: &Expr, body: &[Stmt]) {
        let it = self.temp(&iter.ty);
        let idx = self.f.temp(ValType::I32);
        let elem = match &iter.ty {
            Type::List(e) => (**e).clone(),
            Type::Empty => Type::None,
            _ => Type::Str,
        };
        let x = self.temp(&elem);
        self.expr(iter);
        self.push(I::LocalSet(it.0));
        let is_str = iter.ty == Type::Str;
        if !is_str {
            self.null_check(it.0, RuntimeError::OperationOnNone, iter.span);
        }
        self.push(I::I32Const(0));
        self.push(I::LocalSet(idx));
        self.push(I::Block(BlockType::Empty));
        self.push(I::Loop(BlockType::Empty));
        self.push(I::LocalGet(idx));
        self.push(I::LocalGet(it.0));
        self.push(I::ArrayLen);
        self.push(I::I32GeU);
        self.push(I::BrIf(1));
        self.load_element(it.0, idx, &iter.ty);
        self.push(I::LocalSet(x.0));
        self.push(I::LocalGet(idx));
        self.push(I::I32Const(1));
        self.push(I::I32Add);
        self.push(I::LocalSet(idx));
        self.store(target, x.0, &elem, iter.span);
        self.stmts(body);
        self.push(I::Br(0));
        self.push(I::End);
        self.push(I::End);
        self.release(x);
        self.f.release(idx, ValType::I32);
        self.release(it);
    }

    /// Evaluates `seq` and `index` into temporaries (returned, to be released) and
    /// checks them: "Operation on None" for a None list, "Index out of bounds".
    fn checked_index(&mut self, seq: &Expr, index: &Expr, span: Span) -> ((u32, ValType), u32) {
        let ts = self.temp(&seq.ty);
        let ti = self.f.temp(ValType::I32);
        self.expr(seq);
        self.push(I::LocalSet(ts.0));
        self.expr(index);
        self.push(I::LocalSet(ti));
        if seq.ty != Type::Str {
            self.null_check(ts.0, RuntimeError::OperationOnNone, span);
        }
        self.bounds_check(ts.0, ti, span);
        (ts, ti)
    }

    /// Element `index` of the string or list in local `seq` (checked already): a
    /// one-character string, or the list's element.
    fn load_element(&mut self, seq: u32, index: u32, seq_ty: &Type) {
        match seq_ty {
            Type::Str => {
                let (s, strs) = (self.m.t.str, self.m.t.strs);
                self.push(I::GlobalGet(G::Chars as u32));
                self.push(I::LocalGet(seq));
                self.push(I::LocalGet(index));
                self.push(I::ArrayGetU(s));
                self.push(I::ArrayGet(strs));
            }
            Type::List(e) => {
                let l = self.m.t.list(e);
                self.push(I::LocalGet(seq));
                self.push(I::LocalGet(index));
                self.push(if **e == Type::Bool {
                    I::ArrayGetU(l)
                } else {
                    I::ArrayGet(l)
                });
            }
            // `<Empty>` has no element to load (the bounds check has failed).
            _ => self.push(I::RefNull(NONE_HEAP)),
        }
    }

    /// `print(arg)`, leaving nothing on the stack.
    fn print(&mut self, arg: &Expr, span: Span) {
        match arg.ty {
            Type::Int => {
                self.expr(arg);
                self.push(I::Call(Rt::PrintInt as u32));
            }
            Type::Bool => {
                self.expr(arg);
                self.push(I::Call(Rt::PrintBool as u32));
            }
            Type::Str => {
                self.expr(arg);
                self.push(I::Call(Rt::PrintStr as u32));
            }
            _ => {
                self.expr_as(arg, &Type::Object);
                let site = self.m.site(span);
                self.push(I::I32Const(site));
                self.push(I::Call(Rt::PrintObject as u32));
            }
        }
    }

    /// An operand that can be evaluated twice: a constant or a local read (no
    /// effect, and no expression assigns a local).
    fn reusable(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Const(_)) || self.is_local_read(e)
    }

    /// Makes `e` (an `int`) available for several reads: itself if reusable, else a
    /// temporary (returned, to be released) holding its value.
    fn operand(&mut self, e: &Expr) -> Option<u32> {
        if self.reusable(e) {
            return None;
        }
        let t = self.f.temp(ValType::I32);
        self.expr(e);
        self.push(I::LocalSet(t));
        Some(t)
    }

    fn read_operand(&mut self, e: &Expr, t: Option<u32>) {
        match t {
            Some(t) => self.push(I::LocalGet(t)),
            None => self.expr(e),
        }
    }

    fn release_i32(&mut self, t: Option<u32>) {
        if let Some(t) = t {
            self.f.release(t, ValType::I32);
        }
    }

    /// Python's `a // b` or `a % b` with a division by zero check. `-2^31 // -1` wraps
    /// to `-2^31`, as 32-bit arithmetic does. A positive constant divisor needs no
    /// check and a branch-free sign fix.
    fn divide(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) {
        let constant = match b.kind {
            ExprKind::Const(Const::Int(c)) => Some(c),
            _ => None,
        };
        let ta = self.operand(a);
        if let Some(c) = constant.filter(|c| *c > 0) {
            // The remainder r has the sign of a; the result needs fixing iff r < 0.
            match op {
                BinOp::Mod => {
                    let r = self.f.temp(ValType::I32);
                    self.read_operand(a, ta);
                    self.f.extend([
                        I::I32Const(c),
                        I::I32RemS,
                        I::LocalTee(r),
                        I::LocalGet(r),
                        I::I32Const(31),
                        I::I32ShrS,
                        I::I32Const(c),
                        I::I32And,
                        I::I32Add,
                    ]);
                    self.f.release(r, ValType::I32);
                }
                _ => {
                    self.read_operand(a, ta);
                    self.f.extend([I::I32Const(c), I::I32DivS]);
                    self.read_operand(a, ta);
                    self.f.extend([
                        I::I32Const(c),
                        I::I32RemS,
                        I::I32Const(31),
                        I::I32ShrU,
                        I::I32Sub,
                    ]);
                }
            }
            self.release_i32(ta);
            return;
        }
        let tb = self.operand(b);
        if constant.is_none_or(|c| c == 0) {
            self.read_operand(b, tb);
            self.push(I::I32Eqz);
            self.push(I::If(BlockType::Empty));
            self.raise(RuntimeError::DivisionByZero, span);
            self.push(I::End);
        }
        // Sign fix: remainder != 0 and its sign differs from the divisor's.
        let fix = |g: &mut Self, r: u32| {
            g.f.extend([I::LocalGet(r), I::I32Const(0), I::I32Ne, I::LocalGet(r)]);
            g.read_operand(b, tb);
            g.f.extend([I::I32Xor, I::I32Const(0), I::I32LtS, I::I32And]);
        };
        let r = self.f.temp(ValType::I32);
        match op {
            BinOp::Mod => {
                self.read_operand(a, ta);
                self.read_operand(b, tb);
                self.push(I::I32RemS);
                self.push(I::LocalTee(r));
                self.read_operand(b, tb);
                self.push(I::I32Const(0));
                fix(self, r);
                self.push(I::Select);
                self.push(I::I32Add);
            }
            _ => {
                let may_overflow = constant.is_none_or(|c| c == -1);
                if may_overflow {
                    self.read_operand(b, tb);
                    self.f.extend([
                        I::I32Const(-1),
                        I::I32Eq,
                        I::If(BlockType::Result(ValType::I32)),
                        I::I32Const(0),
                    ]);
                    self.read_operand(a, ta);
                    self.f.extend([I::I32Sub, I::Else]);
                }
                self.read_operand(a, ta);
                self.read_operand(b, tb);
                self.push(I::I32DivS);
                self.read_operand(a, ta);
                self.read_operand(b, tb);
                self.push(I::I32RemS);
                self.push(I::LocalSet(r));
                fix(self, r);
                self.push(I::I32Sub);
                if may_overflow {
                    self.push(I::End);
                }
            }
        }
        self.f.release(r, ValType::I32);
        self.release_i32(tb);
        self.release_i32(ta);
    }

    /// Branches to `label` when `cond` is false: a comparison is inverted instead
    /// of negated.
    fn branch_if_false(&mut self, cond: &Expr, label: u32) {
        if let ExprKind::Binary(op, a, b) = &cond.kind {
            if a.ty == Type::Int || (matches!(op, BinOp::Eq | BinOp::Ne) && a.ty == Type::Bool) {
                let inverse = match op {
                    BinOp::Lt => Some(I::I32GeS),
                    BinOp::Le => Some(I::I32GtS),
                    BinOp::Gt => Some(I::I32LeS),
                    BinOp::Ge => Some(I::I32LtS),
                    BinOp::Eq => Some(I::I32Ne),
                    BinOp::Ne => Some(I::I32Eq),
                    _ => None,
                };
                if let Some(inv) = inverse {
                    self.expr(a);
                    self.expr(b);
                    self.push(inv);
                    self.push(I::BrIf(label));
                    return;
                }
            }
        }
        if let ExprKind::Unary(UnOp::Not, x) = &cond.kind {
            self.expr(x);
            self.push(I::BrIf(label));
            return;
        }
        self.expr(cond);
        self.push(I::I32Eqz);
        self.push(I::BrIf(label));
    }

    /// A list display `[items]` as a list of `elem`.
    fn list_display(&mut self, items: &[Expr], elem: &Type) {
        let l = self.m.t.list(elem);
        if items.len() <= 256 {
            for x in items {
                self.expr_as(x, elem);
            }
            self.push(I::ArrayNewFixed {
                array_type_index: l,
                array_size: items.len() as u32,
            });
            return;
        }
        let lt = nullable(l);
        let t = self.f.temp(lt);
        self.push(I::I32Const(items.len() as i32));
        self.push(I::ArrayNewDefault(l));
        self.push(I::LocalSet(t));
        for (i, x) in items.iter().enumerate() {
            self.push(I::LocalGet(t));
            self.push(I::I32Const(i as i32));
            self.expr_as(x, elem);
            self.push(I::ArraySet(l));
        }
        self.push(I::LocalGet(t));
        self.f.release(t, lt);
    }

    /// A call or method call; returns whether it left a value on the stack (a
    /// function returning `<None>` leaves none).
    fn call_like(&mut self, e: &Expr) -> bool {
        let p = self.m.p;
        match &e.kind {
            ExprKind::Call(g, args) => {
                let callee = &p.funcs[*g];
                for (a, &param) in args.iter().zip(&callee.params) {
                    self.expr_as(a, &p.vars[param].ty);
                }
                let call = self.m.call_user(*g);
                self.f.extend(call);
                callee.ret != Type::None
            }
            ExprKind::MethodCall(obj, slot, args) => self.method_call(obj, *slot, args, e.span),
            _ => {
                self.expr(e);
                true
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        let p = self.m.p;
        match &e.kind {
            ExprKind::Const(c) => self.constant_as(c, &e.ty),
            ExprKind::Var(v) => self.get_var(*v),
            ExprKind::Unary(UnOp::Neg, a) => {
                self.push(I::I32Const(0));
                self.expr(a);
                self.push(I::I32Sub);
            }
            ExprKind::Unary(UnOp::Not, a) => {
                self.expr(a);
                self.push(I::I32Eqz);
            }
            // A right operand that cannot fail nor have an effect may be evaluated
            // whether or not it is needed: no branch (a chain of 200,000 `and`s is
            // then one block, which the engine compiles in linear time and space).
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) if is_pure(b) => {
                self.expr(a);
                self.expr(b);
                self.push(if *op == BinOp::And {
                    I::I32And
                } else {
                    I::I32Or
                });
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                self.expr(a);
                self.push(I::If(BlockType::Result(ValType::I32)));
                self.expr(b);
                self.push(I::Else);
                self.push(I::I32Const(0));
                self.push(I::End);
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                self.expr(a);
                self.push(I::If(BlockType::Result(ValType::I32)));
                self.push(I::I32Const(1));
                self.push(I::Else);
                self.expr(b);
                self.push(I::End);
            }
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b)
                if a.ty == Type::Str && (one_char(a).is_some() || one_char(b).is_some()) =>
            {
                // Against a one-character literal: one-character strings are
                // interned (see `Ctx::literals`), so equal means the same reference.
                let (other, c) = match one_char(b) {
                    Some(_) => (a, b),
                    None => (b, a),
                };
                self.expr(other);
                self.expr(c);
                self.push(I::RefEq);
                if *op == BinOp::Ne {
                    self.push(I::I32Eqz);
                }
            }
            ExprKind::Binary(op @ (BinOp::FloorDiv | BinOp::Mod), a, b) => {
                self.divide(*op, a, b, e.span)
            }
            // `a % b == 0`: the sign fix of Python's modulo cannot change zeroness.
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), md, z)
                if z.kind == ExprKind::Const(Const::Int(0))
                    && matches!(md.kind, ExprKind::Binary(BinOp::Mod, _, _)) =>
            {
                let ExprKind::Binary(_, a, b) = &md.kind else {
                    unreachable!("matched above")
                };
                self.expr(a);
                let tb = self.operand(b);
                if !matches!(b.kind, ExprKind::Const(Const::Int(c)) if c != 0) {
                    self.read_operand(b, tb);
                    self.push(I::I32Eqz);
                    self.push(I::If(BlockType::Empty));
                    self.raise(RuntimeError::DivisionByZero, md.span);
                    self.push(I::End);
                }
                self.read_operand(b, tb);
                self.push(I::I32RemS);
                if *op == BinOp::Eq {
                    self.push(I::I32Eqz);
                } else {
                    self.push(I::I32Const(0));
                    self.push(I::I32Ne);
                }
                self.release_i32(tb);
            }
            ExprKind::Binary(BinOp::Add, a, b) if matches!(a.ty, Type::List(_) | Type::Empty) => {
                let result = e.ty.elem().cloned().unwrap_or(Type::Object);
                self.expr(a);
                self.expr(b);
                let site = self.m.site(e.span);
                self.push(I::I32Const(site));
                let h = self.m.helper(Helper::ListConcat {
                    a: a.ty.clone(),
                    b: b.ty.clone(),
                    result,
                });
                self.push(I::Call(h));
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a);
                self.expr(b);
                match (op, &a.ty) {
                    (BinOp::Add, Type::Str) => self.push(I::Call(Rt::StrConcat as u32)),
                    (BinOp::Eq, Type::Str) => self.push(I::Call(Rt::StrEq as u32)),
                    (BinOp::Ne, Type::Str) => {
                        self.push(I::Call(Rt::StrEq as u32));
                        self.push(I::I32Eqz);
                    }
                    (BinOp::Is, _) => self.push(I::RefEq),
                    _ => self.push(match op {
                        BinOp::Add => I::I32Add,
                        BinOp::Sub => I::I32Sub,
                        BinOp::Mul => I::I32Mul,
                        BinOp::Lt => I::I32LtS,
                        BinOp::Le => I::I32LeS,
                        BinOp::Gt => I::I32GtS,
                        BinOp::Ge => I::I32GeS,
                        BinOp::Eq => I::I32Eq,
                        BinOp::Ne => I::I32Ne,
                        _ => unreachable!("handled above"),
                    }),
                }
            }
            ExprKind::IfExpr(..) => self.expr_as(e, &e.ty),
            ExprKind::Call(..) | ExprKind::MethodCall(..) => {
                if !self.call_like(e) {
                    self.push(I::RefNull(NONE_HEAP));
                }
            }
            ExprKind::New(None) => {
                let o = self.m.t.object;
                self.push(I::GlobalGet(G::ObjectVt as u32));
                self.push(I::StructNew(o));
            }
            ExprKind::New(Some(c)) => {
                let st = self.m.t.class(*c);
                let vt_global = self.m.vtables[c.index()];
                self.push(I::GlobalGet(vt_global));
                let attrs: Vec<(Const, Type)> = p
                    .all_attrs(*c)
                    .map(|a| (a.init.clone(), a.ty.clone()))
                    .collect();
                for (init, ty) in &attrs {
                    self.constant_as(init, ty);
                }
                self.push(I::StructNew(st));
                // __init__ is known statically: the class's own or inherited one.
                let t = self.temp(&e.ty);
                self.push(I::LocalTee(t.0));
                let init = p.vtable(*c).first().and_then(|x| x.func);
                match init {
                    Some(f) => {
                        let call = self.m.call_user(f);
                        self.f.extend(call);
                    }
                    None => self.push(I::Call(Rt::ObjectInit as u32)),
                }
                self.push(I::LocalGet(t.0));
                self.release(t);
            }
            ExprKind::Builtin(Builtin::Print, args) => {
                self.print(&args[0], e.span);
                self.push(I::RefNull(NONE_HEAP));
            }
            ExprKind::Builtin(Builtin::Len, args) => {
                let arg = &args[0];
                match &arg.ty {
                    Type::Str => {
                        self.expr(arg);
                        self.push(I::ArrayLen);
                    }
                    Type::List(_) | Type::Empty => {
                        let t = self.temp(&arg.ty);
                        self.expr(arg);
                        self.push(I::LocalSet(t.0));
                        self.null_check(t.0, RuntimeError::InvalidArgument, e.span);
                        self.push(I::LocalGet(t.0));
                        self.push(I::ArrayLen);
                        self.release(t);
                    }
                    _ => {
                        self.expr_as(arg, &Type::Object);
                        let site = self.m.site(e.span);
                        self.push(I::I32Const(site));
                        self.push(I::Call(Rt::Len as u32));
                    }
                }
            }
            ExprKind::Builtin(Builtin::Input, _) => self.push(I::Call(Rt::Input as u32)),
            ExprKind::List(items) => match &e.ty {
                Type::List(elem) => {
                    let elem = (**elem).clone();
                    self.list_display(items, &elem);
                }
                _ => {
                    let empty = self.m.t.empty;
                    for x in items {
                        self.expr(x);
                        self.push(I::Drop);
                    }
                    self.push(I::ArrayNewFixed {
                        array_type_index: empty,
                        array_size: 0,
                    });
                }
            },
            ExprKind::Index(seq, index) => {
                let (ts, ti) = self.checked_index(seq, index, e.span);
                self.load_element(ts.0, ti, &seq.ty);
                self.f.release(ti, ValType::I32);
                self.release(ts);
            }
            ExprKind::Attr(obj, a) => {
                let Some((st, field)) = self.attr_field(obj, *a) else {
                    return;
                };
                let get = if e.ty == Type::Bool {
                    I::StructGetU {
                        struct_type_index: st,
                        field_index: field,
                    }
                } else {
                    I::StructGet {
                        struct_type_index: st,
                        field_index: field,
                    }
                };
                if self.known_not_none(obj) {
                    self.expr(obj);
                    self.push(get);
                } else {
                    let t = self.object(obj, e.span);
                    self.push(I::LocalGet(t.0));
                    self.push(get);
                    self.release(t);
                }
            }
            ExprKind::RefNew => {
                let ct = self.cell_type(&e.ty);
                self.push(I::StructNewDefault(ct));
                if self.m.stats {
                    self.f.extend([
                        I::GlobalGet(G::Cells as u32),
                        I::I32Const(1),
                        I::I32Add,
                        I::GlobalSet(G::Cells as u32),
                    ]);
                }
            }
            ExprKind::RefGet(cell) => {
                let ct = self.cell_type(&cell.ty);
                self.expr(cell);
                self.push(I::StructGet {
                    struct_type_index: ct,
                    field_index: 0,
                });
            }
        }
    }

    /// `obj.__init__()` where `obj` is no user class statically (manual 5.2: every
    /// class, `object`, `int`, `bool`, `str` included, inherits `object.__init__`):
    /// None is an error; an `object` may be a user-class instance, whose table's
    /// first slot is its own `__init__`; anything else has `object`'s, which does
    /// nothing.
    fn init_of_non_class(&mut self, obj: &Expr, span: Span) {
        let t = self.temp(&obj.ty);
        self.expr(obj);
        self.push(I::LocalSet(t.0));
        if obj.ty.admits_none() && !self.known_not_none(obj) {
            self.null_check(t.0, RuntimeError::OperationOnNone, span);
        }
        if obj.ty == Type::Object {
            let (o, ovt) = (self.m.t.object, self.m.t.object_vt);
            let init_ty = self.m.slot_type_of_init();
            self.f.extend([
                I::LocalGet(t.0),
                I::RefTestNonNull(HeapType::Concrete(o)),
                I::If(BlockType::Empty),
                I::LocalGet(t.0),
                I::RefCastNonNull(HeapType::Concrete(o)),
                I::LocalGet(t.0),
                I::RefCastNonNull(HeapType::Concrete(o)),
                I::StructGet {
                    struct_type_index: o,
                    field_index: 0,
                },
                I::StructGet {
                    struct_type_index: ovt,
                    field_index: 0,
                },
                I::CallRef(init_ty),
                I::End,
            ]);
        }
        self.release(t);
    }

    fn known_not_none(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Var(v) if self.never_none.contains(&v))
    }

    /// `obj.method(args)`: a direct call when no subclass of the static class
    /// overrides the method, else dispatch through the table. Returns whether a
    /// value is left on the stack.
    fn method_call(&mut self, obj: &Expr, slot: MethodSlot, args: &[Expr], span: Span) -> bool {
        let p = self.m.p;
        let Type::Class(c) = obj.ty else {
            self.init_of_non_class(obj, span);
            return false;
        };
        let layout = &p.classes[c].layout;
        let Some(entry) = layout.methods.get(slot.0 as usize) else {
            self.m.invalid(format!(
                "method slot {} does not exist in class {}",
                slot.0, p.classes[c].name
            ));
            self.push(I::Unreachable);
            return false;
        };
        let target = entry.func;
        let overridden = layout.overridden[slot.0 as usize] || self.m.open_world;
        let t = self.object(obj, span);
        self.push(I::LocalGet(t.0));
        let (params, ret): (Vec<Type>, Type) = match target {
            Some(m) => (
                p.funcs[m].params[1..]
                    .iter()
                    .map(|&v| p.vars[v].ty.clone())
                    .collect(),
                p.funcs[m].ret.clone(),
            ),
            None => (vec![], Type::None),
        };
        for (a, ty) in args.iter().zip(&params) {
            self.expr_as(a, ty);
        }
        if overridden {
            let (st, vt) = (self.m.t.class(c), self.m.t.vtable(c));
            let ft = self.m.slot_types[c.index()][slot.0 as usize];
            self.m.t.use_type(ft);
            self.f.extend([
                I::LocalGet(t.0),
                I::StructGet {
                    struct_type_index: st,
                    field_index: 0,
                },
                I::StructGet {
                    struct_type_index: vt,
                    field_index: slot.0,
                },
                I::CallRef(ft),
            ]);
        } else {
            match target {
                Some(f) => {
                    let call = self.m.call_user(f);
                    self.f.extend(call);
                }
                None => self.push(I::Call(Rt::ObjectInit as u32)),
            }
        }
        self.release(t);
        ret != Type::None
    }
}

impl Ctx<'_> {
    /// The function type of `__init__` (slot 0 of every dispatch table).
    pub fn slot_type_of_init(&mut self) -> u32 {
        let o = nullable(self.t.object);
        self.t.group_func(vec![o], vec![])
    }
}
