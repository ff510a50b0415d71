//! A function body under construction: instructions and **named, typed locals**
//! (the names go to the module's name section, so that `wasmprinter` and engine
//! stack traces show `$len`, `$i` instead of numbers). Temporaries are taken from a
//! pool per value type and given back when no longer needed.

use rustc_hash::FxHashMap as HashMap;
use wasm_encoder::{Function, Instruction as I, ValType};

/// A function being built.
pub(crate) struct Fb {
    /// Number of parameters (locals `0..n_params`).
    n_params: u32,
    /// Types of the locals after the parameters.
    locals: Vec<ValType>,
    /// Names of all locals, parameters included, by index.
    pub names: Vec<(u32, String)>,
    /// Free temporaries by type.
    free: HashMap<ValType, Vec<u32>>,
    pub code: Vec<I<'static>>,
}

impl Fb {
    /// A function with the given named parameters.
    pub fn new(params: &[(&str, ValType)]) -> Fb {
        Fb {
            n_params: params.len() as u32,
            locals: Vec::new(),
            names: params
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (i as u32, n.to_string()))
                .collect(),
            free: HashMap::default(),
            code: Vec::new(),
        }
    }

    /// A new local named `name`.
    pub fn local(&mut self, name: &str, ty: ValType) -> u32 {
        let i = self.n_params + self.locals.len() as u32;
        self.locals.push(ty);
        self.names.push((i, name.to_string()));
        i
    }

    /// A temporary of type `ty` (to be given back with [`Fb::release`]).
    pub fn temp(&mut self, ty: ValType) -> u32 {
        if let Some(t) = self.free.get_mut(&ty).and_then(Vec::pop) {
            return t;
        }
        let n = self.locals.len();
        self.local(&format!("t{n}"), ty)
    }

    /// Gives back temporary `t` of type `ty`.
    pub fn release(&mut self, t: u32, ty: ValType) {
        self.free.entry(ty).or_default().push(t);
    }

    pub fn push(&mut self, i: I<'static>) {
        self.code.push(i);
    }

    /// Pushes every instruction of `is`.
    pub fn extend(&mut self, is: impl IntoIterator<Item = I<'static>>) {
        self.code.extend(is);
    }

    /// The finished body (an `end` is appended), after the peephole pass.
    pub fn finish(mut self) -> Body {
        self.code.push(I::End);
        let mut f = Function::new_with_locals_types(self.locals.iter().copied());
        let mut calls = Vec::new();
        for i in &peephole(self.code) {
            if let I::Call(callee) = i {
                calls.push(*callee);
            }
            f.instruction(i);
        }
        calls.sort_unstable();
        calls.dedup();
        Body {
            code: f,
            params: self.n_params,
            locals: self.names,
            calls,
        }
    }
}

/// A finished function body.
pub(crate) struct Body {
    /// The encoded locals and instructions.
    pub code: Function,
    /// Number of parameters.
    pub params: u32,
    /// Names of the parameters and locals, by index.
    pub locals: Vec<(u32, String)>,
    /// The functions it calls directly (`call`), sorted: the module leaves out the
    /// runtime functions no code calls.
    pub calls: Vec<u32>,
}

impl Body {
    /// The body of a function no code calls, in place of `self`: `unreachable`.
    pub fn unused(self) -> Body {
        let mut code = Function::new([]);
        code.instruction(&I::Unreachable);
        code.instruction(&I::End);
        let params = self.params;
        Body {
            code,
            params,
            locals: self
                .locals
                .into_iter()
                .filter(|(i, _)| *i < params)
                .collect(),
            calls: Vec::new(),
        }
    }
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
