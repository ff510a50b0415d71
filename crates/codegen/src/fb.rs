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
    pub fn finish(mut self) -> (Function, Vec<(u32, String)>) {
        self.code.push(I::End);
        let mut f = Function::new_with_locals_types(self.locals.iter().copied());
        for i in &peephole(self.code) {
            f.instruction(i);
        }
        (f, self.names)
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
