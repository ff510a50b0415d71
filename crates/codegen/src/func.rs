//! Code generation for one function or method (or the top-level statements as
//! `_start`).
//!
//! Values that flow from an `int` or `bool` into a place of a reference type (an
//! `object` variable, a `[object]` list, ...) are boxed here, at the point of the
//! store: assignments, arguments, returns, list elements, conditional expressions.

use crate::runtime::word;
use crate::{const_value, Ctx, Rt, RuntimeError, CHAR_SIZE, LIST_TAG};
use chocopy_ir::{
    AttrId, BinOp, Builtin, Const, Expr, ExprKind, FuncId, MethodSlot, Place, Span, Stmt, Type,
    UnOp, VarId,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, ValType};

const BYTE: MemArg = MemArg {
    offset: 8,
    align: 0,
    memory_index: 0,
};

struct Gen<'a, 'b> {
    m: &'a mut Ctx<'b>,
    /// Wasm local of each variable of the function.
    locals: HashMap<VarId, u32>,
    /// Number of locals (parameters included).
    n_locals: u32,
    /// Number of parameters.
    n_params: u32,
    /// Temporaries free for reuse.
    free: Vec<u32>,
    /// Variables that can never be None here: `self` of a method that never
    /// assigns it.
    never_none: HashSet<VarId>,
    code: Vec<I<'static>>,
}

/// Compiles function `f` (`None`: the top-level statements, as `_start`).
pub(crate) fn compile_function(m: &mut Ctx, f: Option<FuncId>) -> Function {
    let mut g = Gen {
        m,
        locals: HashMap::default(),
        n_locals: 0,
        n_params: 0,
        free: Vec::new(),
        never_none: HashSet::default(),
        code: Vec::new(),
    };
    let p = g.m.p;
    match f {
        Some(f) => {
            let func = &p.funcs[f];
            for &v in &func.params {
                g.locals.insert(v, g.n_locals);
                g.n_locals += 1;
            }
            g.n_params = g.n_locals;
            if func.method_of.is_some() {
                let this = func.params[0];
                if !chocopy_ir::visit::assigned_vars(&func.body).contains(&this) {
                    g.never_none.insert(this);
                }
            }
            for d in &func.locals {
                let l = g.n_locals;
                g.locals.insert(d.var, l);
                g.n_locals += 1;
                if !stores_zero(&d.init, &p.vars[d.var].ty) {
                    g.constant_as(&d.init, &p.vars[d.var].ty);
                    g.code.push(I::LocalSet(l));
                }
            }
            g.stmts(&func.body, Some(f));
            if chocopy_ir::always_returns(&func.body) {
                g.code.push(I::Unreachable);
            } else {
                // Falling off the end returns None.
                g.code.push(I::I32Const(0));
            }
        }
        None => {
            // Globals whose initial value needs a box are set here.
            for d in &p.globals {
                let ty = &p.vars[d.var].ty;
                if matches!(d.init, Const::Int(_) | Const::Bool(_)) && ty.is_reference() {
                    g.constant_as(&d.init, ty);
                    g.code.push(I::GlobalSet(g.m.globals[&d.var]));
                }
            }
            g.stmts(&p.main, None);
            g.code.push(I::Call(Rt::Flush as u32));
        }
    }
    g.code.push(I::End);
    let mut func = Function::new([(g.n_locals - g.n_params, ValType::I32)]);
    for i in &peephole(g.code) {
        func.instruction(i);
    }
    func
}

/// `local.set x; local.get x` is `local.tee x`: one instruction instead of two.
fn peephole(code: Vec<I<'static>>) -> Vec<I<'static>> {
    let mut out: Vec<I<'static>> = Vec::with_capacity(code.len());
    for i in code {
        if let (I::LocalGet(x), Some(I::LocalSet(y))) = (&i, out.last()) {
            if x == y {
                let x = *x;
                out.pop();
                out.push(I::LocalTee(x));
                continue;
            }
        }
        out.push(i);
    }
    out
}

/// Whether storing constant `c` in a place of type `ty` stores the word 0 (which
/// fresh locals and fresh objects hold already).
fn stores_zero(c: &Const, ty: &Type) -> bool {
    match c {
        Const::None => true,
        Const::Int(0) | Const::Bool(false) => !ty.is_reference(),
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

/// How `list_concat` must box the elements of a list of `elem` to make a list of
/// `result`: 0 as they are, 1 box ints, 2 box bools.
fn box_mode(elem: &Type, result: &Type) -> i32 {
    match (elem, result.is_reference()) {
        (Type::Int, true) => 1,
        (Type::Bool, true) => 2,
        _ => 0,
    }
}

impl Gen<'_, '_> {
    fn push(&mut self, i: I<'static>) {
        self.code.push(i);
    }

    fn temp(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.n_locals += 1;
            self.n_locals - 1
        })
    }

    fn release(&mut self, t: u32) {
        self.free.push(t);
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
        self.push(I::I32Const(e.code()));
        self.push(I::I32Const(site));
        self.push(I::Call(Rt::Error as u32));
        self.push(I::Unreachable);
    }

    /// Raises "Operation on None" if local `t` is None.
    fn none_check(&mut self, t: u32, span: Span) {
        self.push(I::LocalGet(t));
        self.push(I::I32Eqz);
        self.push(I::If(BlockType::Empty));
        self.raise(RuntimeError::OperationOnNone, span);
        self.push(I::End);
    }

    /// Raises "Index out of bounds" unless `0 <= index < length of seq`.
    fn bounds_check(&mut self, seq: u32, index: u32, span: Span) {
        self.push(I::LocalGet(index));
        self.push(I::LocalGet(seq));
        self.push(I::I32Load(word(4)));
        self.push(I::I32GeU);
        self.push(I::If(BlockType::Empty));
        self.raise(RuntimeError::IndexOutOfBounds, span);
        self.push(I::End);
    }

    /// Converts the value on the stack from `from` to `to`: boxes an `int` or `bool`
    /// stored where a reference is expected.
    fn coerce(&mut self, from: &Type, to: &Type) {
        if !to.is_reference() {
            return;
        }
        match from {
            Type::Int => self.push(I::Call(Rt::BoxInt as u32)),
            Type::Bool => {
                let (t, f) = (self.m.layout.true_box, self.m.layout.false_box);
                self.push(I::If(BlockType::Result(ValType::I32)));
                self.push(I::I32Const(t));
                self.push(I::Else);
                self.push(I::I32Const(f));
                self.push(I::End);
            }
            _ => {}
        }
    }

    /// A constant, converted to `to`.
    fn constant_as(&mut self, c: &Const, to: &Type) {
        match c {
            Const::Int(i) if to.is_reference() => {
                self.push(I::I32Const(*i));
                self.push(I::Call(Rt::BoxInt as u32));
            }
            Const::Bool(b) if to.is_reference() => {
                let addr = if *b {
                    self.m.layout.true_box
                } else {
                    self.m.layout.false_box
                };
                self.push(I::I32Const(addr));
            }
            _ => {
                let v = const_value(c, &self.m.layout);
                self.push(I::I32Const(v));
            }
        }
    }

    /// `e`, converted to `to`.
    fn expr_as(&mut self, e: &Expr, to: &Type) {
        if let ExprKind::Const(c) = &e.kind {
            return self.constant_as(c, to);
        }
        self.expr(e);
        self.coerce(&e.ty, to);
    }

    fn stmts(&mut self, stmts: &[Stmt], f: Option<FuncId>) {
        for s in stmts {
            self.stmt(s, f);
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
                self.expr(cell);
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.push(I::I32Store(word(0)));
            }
            Place::Attr(obj, a) => {
                let Some(index) = self.attr_slot(obj, *a) else {
                    return;
                };
                let t = self.temp();
                self.expr(obj);
                self.push(I::LocalSet(t));
                if !self.known_not_none(obj) {
                    self.none_check(t, obj.span);
                }
                self.push(I::LocalGet(t));
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.push(I::I32Store(word(4 + 4 * index as u64)));
                self.release(t);
            }
            Place::Index(list, index) => {
                let (tl, ti) = self.checked_index(list, index, span);
                self.push(I::LocalGet(tl));
                self.push(I::LocalGet(ti));
                self.push(I::I32Const(2));
                self.push(I::I32Shl);
                self.push(I::I32Add);
                self.push(I::LocalGet(value));
                self.coerce(ty, &to);
                self.push(I::I32Store(word(8)));
                self.release(ti);
                self.release(tl);
            }
        }
    }

    /// Whether `e` reads a local variable (no effect, unchanged by any expression).
    fn is_local_read(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Var(v) if self.locals.contains_key(&v))
    }

    fn stmt(&mut self, s: &Stmt, f: Option<FuncId>) {
        match s {
            Stmt::Expr(e) => {
                if let ExprKind::Builtin(Builtin::Print, args) = &e.kind {
                    // The value (None) is not needed.
                    self.print(&args[0], e.span);
                } else {
                    self.expr(e);
                    self.push(I::Drop);
                }
            }
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
                    self.expr(cell);
                    self.expr_as(value, &to);
                    self.push(I::I32Store(word(0)));
                }
                [place @ Place::Attr(obj, a)] if self.known_not_none(obj) => {
                    let to = self.place_type(place);
                    let Some(index) = self.attr_slot(obj, *a) else {
                        return;
                    };
                    self.expr(obj);
                    self.expr_as(value, &to);
                    self.push(I::I32Store(word(4 + 4 * index as u64)));
                }
                _ => {
                    let t = self.temp();
                    self.expr(value);
                    self.push(I::LocalSet(t));
                    for target in targets {
                        self.store(target, t, &value.ty, value.span);
                    }
                    self.release(t);
                }
            },
            Stmt::If { cond, then_, else_ } => {
                self.expr(cond);
                self.push(I::If(BlockType::Empty));
                self.stmts(then_, f);
                if !else_.is_empty() {
                    self.push(I::Else);
                    self.stmts(else_, f);
                }
                self.push(I::End);
            }
            Stmt::While { cond, body } => {
                self.push(I::Block(BlockType::Empty));
                self.push(I::Loop(BlockType::Empty));
                self.branch_if_false(cond, 1);
                self.stmts(body, f);
                self.push(I::Br(0));
                self.push(I::End);
                self.push(I::End);
            }
            Stmt::For { target, iter, body } => self.for_loop(target, iter, body, f),
            Stmt::Return { value, .. } => {
                let ret = f
                    .map(|f| self.m.p.funcs[f].ret.clone())
                    .unwrap_or(Type::None);
                match value {
                    Some(v) => self.expr_as(v, &ret),
                    None => self.push(I::I32Const(0)),
                }
                self.push(I::Return);
            }
        }
    }

    /// `for target in iter: body` (manual 2.8.2): `iter` once, its length before
    /// every iteration.
    fn for_loop(&mut self, target: &Place, iter: &Expr, body: &[Stmt], f: Option<FuncId>) {
        let (it, idx, x) = (self.temp(), self.temp(), self.temp());
        self.expr(iter);
        self.push(I::LocalSet(it));
        let is_str = iter.ty == Type::Str;
        if !is_str {
            self.none_check(it, iter.span);
        }
        self.push(I::I32Const(0));
        self.push(I::LocalSet(idx));
        self.push(I::Block(BlockType::Empty));
        self.push(I::Loop(BlockType::Empty));
        self.push(I::LocalGet(idx));
        self.push(I::LocalGet(it));
        self.push(I::I32Load(word(4)));
        self.push(I::I32GeS);
        self.push(I::BrIf(1));
        self.load_element(it, idx, is_str);
        let elem = match &iter.ty {
            Type::List(e) => (**e).clone(),
            _ => Type::Str,
        };
        // A local target of the element's representation takes the element
        // directly; any other goes through `store`.
        let direct = match target {
            Place::Var(v) => match self.locals.get(v) {
                Some(&l) if !self.m.p.vars[*v].ty.is_reference() || elem.is_reference() => Some(l),
                _ => None,
            },
            _ => None,
        };
        self.push(I::LocalSet(direct.unwrap_or(x)));
        self.push(I::LocalGet(idx));
        self.push(I::I32Const(1));
        self.push(I::I32Add);
        self.push(I::LocalSet(idx));
        if direct.is_none() {
            self.store(target, x, &elem, iter.span);
        }
        self.stmts(body, f);
        self.push(I::Br(0));
        self.push(I::End);
        self.push(I::End);
        self.release(x);
        self.release(idx);
        self.release(it);
    }

    /// Evaluates `seq` and `index` into temporaries (returned, to be released) and
    /// checks them: "Operation on None" for a None list, "Index out of bounds".
    fn checked_index(&mut self, seq: &Expr, index: &Expr, span: Span) -> (u32, u32) {
        let (ts, ti) = (self.temp(), self.temp());
        self.expr(seq);
        self.push(I::LocalSet(ts));
        self.expr(index);
        self.push(I::LocalSet(ti));
        if seq.ty != Type::Str {
            self.none_check(ts, span);
        }
        self.bounds_check(ts, ti, span);
        (ts, ti)
    }

    /// Element `index` of the string or list in local `seq` (checked already): a
    /// one-character string, or the list's word.
    fn load_element(&mut self, seq: u32, index: u32, is_str: bool) {
        self.push(I::LocalGet(seq));
        self.push(I::LocalGet(index));
        if is_str {
            self.push(I::I32Add);
            self.push(I::I32Load8U(BYTE));
            self.char_string();
        } else {
            self.push(I::I32Const(2));
            self.push(I::I32Shl);
            self.push(I::I32Add);
            self.push(I::I32Load(word(8)));
        }
    }

    /// The one-character string of the byte on the stack.
    fn char_string(&mut self) {
        self.push(I::I32Const(CHAR_SIZE));
        self.push(I::I32Mul);
        self.push(I::I32Const(self.m.layout.chars));
        self.push(I::I32Add);
    }

    /// `print(arg)`, leaving nothing on the stack.
    fn print(&mut self, arg: &Expr, span: Span) {
        self.expr(arg);
        match arg.ty {
            Type::Int => self.push(I::Call(Rt::PrintInt as u32)),
            Type::Bool => self.push(I::Call(Rt::PrintBool as u32)),
            Type::Str => self.push(I::Call(Rt::PrintStr as u32)),
            _ => {
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

    /// Makes `e` available for several reads: itself if reusable, else a temporary
    /// (returned, to be released) holding its value.
    fn operand(&mut self, e: &Expr) -> Option<u32> {
        if self.reusable(e) {
            return None;
        }
        let t = self.temp();
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
                    let r = self.temp();
                    self.read_operand(a, ta);
                    self.push(I::I32Const(c));
                    self.push(I::I32RemS);
                    self.push(I::LocalTee(r));
                    self.push(I::LocalGet(r));
                    self.push(I::I32Const(31));
                    self.push(I::I32ShrS);
                    self.push(I::I32Const(c));
                    self.push(I::I32And);
                    self.push(I::I32Add);
                    self.release(r);
                }
                _ => {
                    self.read_operand(a, ta);
                    self.push(I::I32Const(c));
                    self.push(I::I32DivS);
                    self.read_operand(a, ta);
                    self.push(I::I32Const(c));
                    self.push(I::I32RemS);
                    self.push(I::I32Const(31));
                    self.push(I::I32ShrU);
                    self.push(I::I32Sub);
                }
            }
            if let Some(t) = ta {
                self.release(t);
            }
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
            g.push(I::LocalGet(r));
            g.push(I::I32Const(0));
            g.push(I::I32Ne);
            g.push(I::LocalGet(r));
            g.read_operand(b, tb);
            g.push(I::I32Xor);
            g.push(I::I32Const(0));
            g.push(I::I32LtS);
            g.push(I::I32And);
        };
        let r = self.temp();
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
                    self.push(I::I32Const(-1));
                    self.push(I::I32Eq);
                    self.push(I::If(BlockType::Result(ValType::I32)));
                    self.push(I::I32Const(0));
                    self.read_operand(a, ta);
                    self.push(I::I32Sub);
                    self.push(I::Else);
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
        self.release(r);
        for t in [tb, ta].into_iter().flatten() {
            self.release(t);
        }
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

    fn expr(&mut self, e: &Expr) {
        let p = self.m.p;
        match &e.kind {
            ExprKind::Const(c) => {
                let v = const_value(c, &self.m.layout);
                self.push(I::I32Const(v));
            }
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
                // Against a one-character literal: compare length and byte inline.
                let (other, c) = match one_char(b) {
                    Some(c) => (a, c),
                    None => (b, one_char(a).unwrap_or(0)),
                };
                let t = self.temp();
                self.expr(other);
                self.push(I::LocalTee(t));
                self.push(I::I32Load(word(4)));
                self.push(I::I32Const(1));
                self.push(I::I32Eq);
                self.push(I::If(BlockType::Result(ValType::I32)));
                self.push(I::LocalGet(t));
                self.push(I::I32Load8U(BYTE));
                self.push(I::I32Const(c as i32));
                self.push(I::I32Eq);
                self.push(I::Else);
                self.push(I::I32Const(0));
                self.push(I::End);
                if *op == BinOp::Ne {
                    self.push(I::I32Eqz);
                }
                self.release(t);
            }
            ExprKind::Binary(op @ (BinOp::FloorDiv | BinOp::Mod), a, b) => {
                self.divide(*op, a, b, e.span)
            }
            // `a % b == 0`: the sign fix of Python's modulo cannot change zeroness.
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), m, z)
                if z.kind == ExprKind::Const(Const::Int(0))
                    && matches!(m.kind, ExprKind::Binary(BinOp::Mod, _, _)) =>
            {
                let ExprKind::Binary(_, a, b) = &m.kind else {
                    unreachable!()
                };
                self.expr(a);
                let tb = self.operand(b);
                if !matches!(b.kind, ExprKind::Const(Const::Int(c)) if c != 0) {
                    self.read_operand(b, tb);
                    self.push(I::I32Eqz);
                    self.push(I::If(BlockType::Empty));
                    self.raise(RuntimeError::DivisionByZero, m.span);
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
                if let Some(t) = tb {
                    self.release(t);
                }
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a);
                self.expr(b);
                match (op, &a.ty) {
                    (BinOp::Add, Type::Str) => self.push(I::Call(Rt::StrConcat as u32)),
                    (BinOp::Add, Type::List(x)) => {
                        let result = e.ty.elem().cloned().unwrap_or(Type::Object);
                        let y = b.ty.elem().cloned().unwrap_or(Type::Object);
                        self.push(I::I32Const(box_mode(x, &result)));
                        self.push(I::I32Const(box_mode(&y, &result)));
                        let site = self.m.site(e.span);
                        self.push(I::I32Const(site));
                        self.push(I::Call(Rt::ListConcat as u32));
                    }
                    (BinOp::Eq, Type::Str) => self.push(I::Call(Rt::StrEq as u32)),
                    (BinOp::Ne, Type::Str) => {
                        self.push(I::Call(Rt::StrEq as u32));
                        self.push(I::I32Eqz);
                    }
                    _ => self.push(match op {
                        BinOp::Add => I::I32Add,
                        BinOp::Sub => I::I32Sub,
                        BinOp::Mul => I::I32Mul,
                        BinOp::Lt => I::I32LtS,
                        BinOp::Le => I::I32LeS,
                        BinOp::Gt => I::I32GtS,
                        BinOp::Ge => I::I32GeS,
                        BinOp::Eq | BinOp::Is => I::I32Eq,
                        BinOp::Ne => I::I32Ne,
                        _ => unreachable!("handled above"),
                    }),
                }
            }
            ExprKind::IfExpr(c, a, b) => {
                self.expr(c);
                self.push(I::If(BlockType::Result(ValType::I32)));
                self.expr_as(a, &e.ty);
                self.push(I::Else);
                self.expr_as(b, &e.ty);
                self.push(I::End);
            }
            ExprKind::Call(g, args) => {
                let callee = &p.funcs[*g];
                for (a, &param) in args.iter().zip(&callee.params) {
                    self.expr_as(a, &p.vars[param].ty);
                }
                self.push(I::Call(self.m.funcs[g]));
            }
            ExprKind::MethodCall(obj, slot, args) => self.method_call(obj, *slot, args, e.span),
            ExprKind::New(None) => {
                self.push(I::I32Const(4));
                self.push(I::Call(Rt::Alloc as u32));
                let t = self.temp();
                self.push(I::LocalTee(t));
                self.push(I::I32Const(self.m.object_vtable as i32));
                self.push(I::I32Store(word(0)));
                self.push(I::LocalGet(t));
                self.release(t);
            }
            ExprKind::New(Some(c)) => {
                let attrs: Vec<&chocopy_ir::Attr> = p.all_attrs(*c).collect();
                self.push(I::I32Const(4 + 4 * attrs.len() as i32));
                self.push(I::Call(Rt::Alloc as u32));
                let t = self.temp();
                self.push(I::LocalTee(t));
                self.push(I::I32Const(self.m.vtables[c] as i32));
                self.push(I::I32Store(word(0)));
                for (i, a) in attrs.iter().enumerate() {
                    // Fresh memory is zero: only non-zero initial values are stored.
                    if stores_zero(&a.init, &a.ty) {
                        continue;
                    }
                    self.push(I::LocalGet(t));
                    self.constant_as(&a.init, &a.ty);
                    self.push(I::I32Store(word(4 + 4 * i as u64)));
                }
                // __init__ is known statically: the class's own or inherited one.
                self.push(I::LocalGet(t));
                let init = p.vtable(*c).first().and_then(|e| e.func);
                self.push(I::Call(
                    init.map_or(Rt::ObjectInit as u32, |m| self.m.funcs[&m]),
                ));
                self.push(I::Drop);
                self.push(I::LocalGet(t));
                self.release(t);
            }
            ExprKind::Builtin(Builtin::Print, args) => {
                self.print(&args[0], e.span);
                self.push(I::I32Const(0));
            }
            ExprKind::Builtin(Builtin::Len, args) => {
                let arg = &args[0];
                if arg.ty == Type::Str {
                    self.expr(arg);
                    self.push(I::I32Load(word(4)));
                } else {
                    self.expr_as(arg, &Type::Object);
                    let site = self.m.site(e.span);
                    self.push(I::I32Const(site));
                    self.push(I::Call(Rt::Len as u32));
                }
            }
            ExprKind::Builtin(Builtin::Input, _) => self.push(I::Call(Rt::Input as u32)),
            ExprKind::List(items) => {
                let elem = e.ty.elem().cloned().unwrap_or(Type::Object);
                self.push(I::I32Const(8 + 4 * items.len() as i32));
                self.push(I::Call(Rt::Alloc as u32));
                let t = self.temp();
                self.push(I::LocalTee(t));
                self.push(I::I32Const(LIST_TAG));
                self.push(I::I32Store(word(0)));
                self.push(I::LocalGet(t));
                self.push(I::I32Const(items.len() as i32));
                self.push(I::I32Store(word(4)));
                for (i, x) in items.iter().enumerate() {
                    self.push(I::LocalGet(t));
                    self.expr_as(x, &elem);
                    self.push(I::I32Store(word(8 + 4 * i as u64)));
                }
                self.push(I::LocalGet(t));
                self.release(t);
            }
            ExprKind::Index(seq, index) => {
                let (ts, ti) = self.checked_index(seq, index, e.span);
                self.load_element(ts, ti, seq.ty == Type::Str);
                self.release(ti);
                self.release(ts);
            }
            ExprKind::Attr(obj, a) => {
                let Some(index) = self.attr_slot(obj, *a) else {
                    return;
                };
                self.expr(obj);
                if !self.known_not_none(obj) {
                    let t = self.temp();
                    self.push(I::LocalTee(t));
                    self.push(I::I32Eqz);
                    self.push(I::If(BlockType::Empty));
                    self.raise(RuntimeError::OperationOnNone, e.span);
                    self.push(I::End);
                    self.push(I::LocalGet(t));
                    self.release(t);
                }
                self.push(I::I32Load(word(4 + 4 * index as u64)));
            }
            ExprKind::RefNew => {
                self.push(I::I32Const(4));
                self.push(I::Call(Rt::Alloc as u32));
                if self.m.stats {
                    // A cell takes 8 bytes: 4, rounded up to the heap's alignment.
                    self.push(I::GlobalGet(crate::G::CellBytes as u32));
                    self.push(I::I32Const(8));
                    self.push(I::I32Add);
                    self.push(I::GlobalSet(crate::G::CellBytes as u32));
                }
            }
            ExprKind::RefGet(cell) => {
                self.expr(cell);
                self.push(I::I32Load(word(0)));
            }
        }
    }

    /// `obj.__init__()` where `obj` is no user class statically (manual 5.2: every
    /// class, `object`, `int`, `bool`, `str` included, inherits `object.__init__`):
    /// None is an error; an `object` may be a user-class instance, whose table's
    /// first slot is its own `__init__`; anything else has `object`'s, which does
    /// nothing. The result is None.
    fn init_of_non_class(&mut self, obj: &Expr, span: Span) {
        let t = self.temp();
        self.expr(obj);
        self.push(I::LocalSet(t));
        if obj.ty.admits_none() && !self.known_not_none(obj) {
            self.none_check(t, span);
        }
        if obj.ty == Type::Object {
            self.push(I::LocalGet(t));
            self.push(I::I32Load(word(0)));
            self.push(I::I32Const(crate::FIRST_VTABLE as i32));
            self.push(I::I32GeU);
            self.push(I::If(BlockType::Result(ValType::I32)));
            self.push(I::LocalGet(t));
            self.push(I::LocalGet(t));
            self.push(I::I32Load(word(0)));
            self.push(I::CallIndirect {
                type_index: self.m.fn_types[1],
                table_index: 0,
            });
            self.push(I::Else);
            self.push(I::I32Const(0));
            self.push(I::End);
        } else {
            self.push(I::I32Const(0));
        }
        self.release(t);
    }

    /// The slot of attribute `a` of `obj`, or (an impossible IR: the attribute is
    /// not in the layout of `obj`'s class) an error and an `unreachable`.
    fn attr_slot(&mut self, obj: &Expr, a: AttrId) -> Option<u32> {
        if attr_valid(self.m.p, obj, a) {
            return Some(a.slot);
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

    fn known_not_none(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Var(v) if self.never_none.contains(&v))
    }

    /// `obj.method(args)`: a direct call when no subclass of the static class
    /// overrides the method, else dispatch through the table.
    fn method_call(&mut self, obj: &Expr, slot: MethodSlot, args: &[Expr], span: Span) {
        let p = self.m.p;
        let Type::Class(c) = obj.ty else {
            self.init_of_non_class(obj, span);
            return;
        };
        let layout = &p.classes[c].layout;
        let Some(entry) = layout.methods.get(slot.0 as usize) else {
            self.m.invalid(format!(
                "method slot {} does not exist in class {}",
                slot.0, p.classes[c].name
            ));
            self.push(I::Unreachable);
            return;
        };
        let target = entry.func;
        let overridden = layout.overridden[slot.0 as usize];
        let t = self.temp();
        self.expr(obj);
        self.push(I::LocalSet(t));
        if !self.known_not_none(obj) {
            self.none_check(t, span);
        }
        self.push(I::LocalGet(t));
        let params: Vec<Type> = match target {
            Some(m) => p.funcs[m].params[1..]
                .iter()
                .map(|&v| p.vars[v].ty.clone())
                .collect(),
            None => vec![],
        };
        for (a, ty) in args.iter().zip(&params) {
            self.expr_as(a, ty);
        }
        if overridden {
            self.push(I::LocalGet(t));
            self.push(I::I32Load(word(0)));
            self.push(I::I32Const(slot.0 as i32));
            self.push(I::I32Add);
            self.push(I::CallIndirect {
                type_index: self.m.fn_types[args.len() + 1],
                table_index: 0,
            });
        } else {
            let index = target.map_or(Rt::ObjectInit as u32, |m| self.m.funcs[&m]);
            self.push(I::Call(index));
        }
        self.release(t);
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
        ExprKind::Const(c) => !matches!(c, chocopy_ir::Const::Str(_)),
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
