//! Code generation for one function (or the top-level statements as `_start`).

use crate::{const_value, CodegenError, Rt};
use chocopy_ir::{
    BinOp, Builtin, Expr, ExprKind, FuncId, Place, Program, Span, Stmt, Type, UnOp, VarId,
};
use std::collections::HashMap;
use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, ValType};

/// What every function's code generation needs to know about the module.
pub(crate) struct Context<'a> {
    pub p: &'a Program,
    /// Wasm global of each global variable.
    pub globals: &'a HashMap<VarId, u32>,
    /// Wasm function index of each user function.
    pub funcs: &'a HashMap<FuncId, u32>,
}

const CELL: MemArg = MemArg {
    offset: 0,
    align: 2,
    memory_index: 0,
};

struct Gen<'a> {
    cx: &'a Context<'a>,
    /// Wasm local of each variable of the function.
    locals: HashMap<VarId, u32>,
    /// Number of locals (parameters included).
    n_locals: u32,
    /// Number of parameters.
    n_params: u32,
    code: Vec<I<'static>>,
}

/// Compiles function `f` (`None`: the top-level statements, as `_start`).
pub(crate) fn compile_function(cx: &Context, f: Option<FuncId>) -> Result<Function, CodegenError> {
    let mut g = Gen {
        cx,
        locals: HashMap::new(),
        n_locals: 0,
        n_params: 0,
        code: Vec::new(),
    };
    match f {
        Some(f) => {
            let func = &cx.p.funcs[f];
            for &v in &func.params {
                g.locals.insert(v, g.n_locals);
                g.n_locals += 1;
            }
            g.n_params = g.n_locals;
            for d in &func.locals {
                let l = g.n_locals;
                g.locals.insert(d.var, l);
                g.n_locals += 1;
                let init = const_value(d.init);
                if init != 0 {
                    g.code.push(I::I32Const(init));
                    g.code.push(I::LocalSet(l));
                }
            }
            g.stmts(&func.body, Some(f))?;
            if chocopy_ir::always_returns(&func.body) {
                g.code.push(I::Unreachable);
            } else {
                // Falling off the end returns None.
                g.code.push(I::I32Const(0));
            }
        }
        None => g.stmts(&cx.p.main, None)?,
    }
    g.code.push(I::End);
    let mut func = Function::new([(g.n_locals - g.n_params, ValType::I32)]);
    for i in &g.code {
        func.instruction(i);
    }
    Ok(func)
}

/// Storing an `int` or `bool` where an object is expected needs a boxed integer,
/// which the compiled subset does not have yet.
fn check_coercion(from: &Type, to: &Type, span: Span) -> Result<(), CodegenError> {
    if !from.is_reference() && to.is_reference() {
        return Err(CodegenError::Unsupported(
            format!("using a value of type `{from}` as `{to}`"),
            span,
        ));
    }
    Ok(())
}

impl Gen<'_> {
    fn temp(&mut self) -> u32 {
        self.n_locals += 1;
        self.n_locals - 1
    }

    fn var_type(&self, v: VarId) -> &Type {
        &self.cx.p.vars[v].ty
    }

    fn get_var(&mut self, v: VarId) {
        match self.locals.get(&v) {
            Some(&l) => self.code.push(I::LocalGet(l)),
            None => self.code.push(I::GlobalGet(self.cx.globals[&v])),
        }
    }

    fn set_var(&mut self, v: VarId) {
        match self.locals.get(&v) {
            Some(&l) => self.code.push(I::LocalSet(l)),
            None => self.code.push(I::GlobalSet(self.cx.globals[&v])),
        }
    }

    fn stmts(&mut self, stmts: &[Stmt], f: Option<FuncId>) -> Result<(), CodegenError> {
        for s in stmts {
            self.stmt(s, f)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt, f: Option<FuncId>) -> Result<(), CodegenError> {
        match s {
            Stmt::Expr(e) => {
                if let ExprKind::Builtin(Builtin::Print, args) = &e.kind {
                    // The value (None) is not needed.
                    self.print(&args[0])?;
                } else {
                    self.expr(e)?;
                    self.code.push(I::Drop);
                }
            }
            Stmt::Assign { targets, value } => {
                for t in targets {
                    let ty = match t {
                        Place::Var(v) => self.var_type(*v).clone(),
                        Place::RefValue(c) => c.ty.ref_content().cloned().unwrap_or(Type::Object),
                    };
                    check_coercion(&value.ty, &ty, value.span)?;
                }
                match targets.as_slice() {
                    [Place::Var(v)] => {
                        self.expr(value)?;
                        self.set_var(*v);
                        return Ok(());
                    }
                    // Expressions never assign variables, so reading a local cell
                    // before the value is the same as after it.
                    [Place::RefValue(cell)] if self.is_local_read(cell) => {
                        self.expr(cell)?;
                        self.expr(value)?;
                        self.code.push(I::I32Store(CELL));
                        return Ok(());
                    }
                    _ => {}
                }
                self.expr(value)?;
                {
                    let t = self.temp();
                    self.code.push(I::LocalSet(t));
                    for target in targets {
                        match target {
                            Place::Var(v) => {
                                self.code.push(I::LocalGet(t));
                                self.set_var(*v);
                            }
                            Place::RefValue(cell) => {
                                self.expr(cell)?;
                                self.code.push(I::LocalGet(t));
                                self.code.push(I::I32Store(CELL));
                            }
                        }
                    }
                }
            }
            Stmt::If { cond, then_, else_ } => {
                self.expr(cond)?;
                self.code.push(I::If(BlockType::Empty));
                self.stmts(then_, f)?;
                if !else_.is_empty() {
                    self.code.push(I::Else);
                    self.stmts(else_, f)?;
                }
                self.code.push(I::End);
            }
            Stmt::While { cond, body } => {
                self.code.push(I::Block(BlockType::Empty));
                self.code.push(I::Loop(BlockType::Empty));
                self.expr(cond)?;
                self.code.push(I::I32Eqz);
                self.code.push(I::BrIf(1));
                self.stmts(body, f)?;
                self.code.push(I::Br(0));
                self.code.push(I::End);
                self.code.push(I::End);
            }
            Stmt::Return { value, span } => {
                let ret = f
                    .map(|f| self.cx.p.funcs[f].ret.clone())
                    .unwrap_or(Type::None);
                match value {
                    Some(v) => {
                        check_coercion(&v.ty, &ret, *span)?;
                        self.expr(v)?;
                    }
                    None => self.code.push(I::I32Const(0)),
                }
                self.code.push(I::Return);
            }
        }
        Ok(())
    }

    /// Whether `e` reads a local variable (no effect, unchanged by any expression).
    fn is_local_read(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Var(v) if self.locals.contains_key(&v))
    }

    /// `print(arg)`, leaving nothing on the stack.
    fn print(&mut self, arg: &Expr) -> Result<(), CodegenError> {
        self.expr(arg)?;
        let rt = match arg.ty {
            Type::Int => Rt::PrintInt,
            Type::Bool => Rt::PrintBool,
            _ => Rt::PrintObject,
        };
        self.code.push(I::Call(rt as u32));
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> Result<(), CodegenError> {
        match &e.kind {
            ExprKind::Const(c) => self.code.push(I::I32Const(const_value(*c))),
            ExprKind::Var(v) => self.get_var(*v),
            ExprKind::Unary(UnOp::Neg, a) => {
                self.code.push(I::I32Const(0));
                self.expr(a)?;
                self.code.push(I::I32Sub);
            }
            ExprKind::Unary(UnOp::Not, a) => {
                self.expr(a)?;
                self.code.push(I::I32Eqz);
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                self.expr(a)?;
                self.code.push(I::If(BlockType::Result(ValType::I32)));
                self.expr(b)?;
                self.code.push(I::Else);
                self.code.push(I::I32Const(0));
                self.code.push(I::End);
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                self.expr(a)?;
                self.code.push(I::If(BlockType::Result(ValType::I32)));
                self.code.push(I::I32Const(1));
                self.code.push(I::Else);
                self.expr(b)?;
                self.code.push(I::End);
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a)?;
                self.expr(b)?;
                self.code.push(match op {
                    BinOp::Add => I::I32Add,
                    BinOp::Sub => I::I32Sub,
                    BinOp::Mul => I::I32Mul,
                    BinOp::FloorDiv => I::Call(Rt::FloorDiv as u32),
                    BinOp::Mod => I::Call(Rt::Mod as u32),
                    BinOp::Lt => I::I32LtS,
                    BinOp::Le => I::I32LeS,
                    BinOp::Gt => I::I32GtS,
                    BinOp::Ge => I::I32GeS,
                    BinOp::Eq | BinOp::Is => I::I32Eq,
                    BinOp::Ne => I::I32Ne,
                    BinOp::And | BinOp::Or => unreachable!("short-circuit operators handled above"),
                });
            }
            ExprKind::IfExpr(c, a, b) => {
                check_coercion(&a.ty, &e.ty, a.span)?;
                check_coercion(&b.ty, &e.ty, b.span)?;
                self.expr(c)?;
                self.code.push(I::If(BlockType::Result(ValType::I32)));
                self.expr(a)?;
                self.code.push(I::Else);
                self.expr(b)?;
                self.code.push(I::End);
            }
            ExprKind::Call(g, args) => {
                let callee = &self.cx.p.funcs[*g];
                for (a, &p) in args.iter().zip(&callee.params) {
                    check_coercion(&a.ty, &self.cx.p.vars[p].ty, a.span)?;
                    self.expr(a)?;
                }
                self.code.push(I::Call(self.cx.funcs[g]));
            }
            ExprKind::Builtin(Builtin::Print, args) => {
                self.print(&args[0])?;
                self.code.push(I::I32Const(0));
            }
            ExprKind::RefNew => {
                self.code.push(I::I32Const(4));
                self.code.push(I::Call(Rt::Alloc as u32));
            }
            ExprKind::RefGet(cell) => {
                self.expr(cell)?;
                self.code.push(I::I32Load(CELL));
            }
        }
        Ok(())
    }
}
