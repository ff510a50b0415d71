//! Flat IR to a WebAssembly module using the **garbage-collected heap** (WasmGC:
//! structs, arrays, typed function references; wasm-encoder), validated with
//! wasmparser.
//!
//! The module is a WASI preview1 command (design notes, "Target and runtime"): it
//! imports only `wasi_snapshot_preview1` functions (`fd_write`, `fd_read`,
//! `proc_exit`), exports `_start` and `memory`, and so runs under our driver,
//! `wasmtime run` (GC enabled) and Node 22's `node:wasi` alike. It also exports
//! [`FLUSH_EXPORT`], which writes out the buffered standard output: a host that
//! stops a program (time or instruction limit, stack exhaustion, a full heap) calls
//! it so that what was printed is not lost.
//!
//! Values live on the engine's collected heap ([`types`] tells how each ChocoPy
//! type is represented): class instances are structs whose first field is their
//! class's dispatch table, a struct of typed function references (a method call is
//! `struct.get` of the table, `struct.get` of the slot, `call_ref`; a direct `call`
//! when no subclass overrides the method); strings are arrays of bytes; lists arrays
//! of their element type; `Ref` cells one-field structs; `None` is a null reference
//! and `is` is `ref.eq`. Linear memory holds only the I/O buffers and static data
//! (messages, error sites):
//!
//! | range | use |
//! |---|---|
//! | 0..16 | WASI iovec and result word |
//! | 16..48 | digits of an integer being printed |
//! | 64.. | static data: messages, the error sites table and their text |
//! | then 4 KiB each | standard output buffer, standard input buffer |
//!
//! Runtime errors print the reference implementation's message on standard output,
//! the source location on standard error, and exit with the error's code; every one
//! is checked explicitly before the access (never an engine trap). Running out of
//! heap is the host's to report (the engine's GC heap limit).

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod fb;
mod func;
mod repr;
mod runtime;
pub mod session;
pub mod types;

pub use session::{Before, Session, Update, SESSION_MODULE};

use chocopy_ir::{ClassId, Const, FuncId, Program, Span, Type, VarId};
use fb::Body;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use types::{nullable, Types};
use wasm_encoder::{
    CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, Elements, EntityType,
    ExportKind, ExportSection, FunctionSection, GlobalSection, GlobalType, HeapType, ImportSection,
    IndirectNameMap, Instruction as I, MemorySection, MemoryType, Module, NameMap, NameSection,
    ValType,
};

/// Code generation options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// Where the program came from, to name runtime error locations.
    pub source: Option<SourceInfo>,
    /// Instrument the module for measurements: count the `Ref` cells allocated in a
    /// global exported as `cells`. Off for normal builds.
    pub stats: bool,
    /// In a REPL entry ([`compile_entry`]): the global holding the value the host
    /// echoes. When it is a list or an object, the module exports
    /// [`ECHO_REPR_EXPORT`], its `repr` as a `str`.
    pub echo: Option<VarId>,
}

/// The source of the program, for runtime error locations (`file:line:col`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file name as the user gave it.
    pub file: String,
    /// The source text.
    pub text: String,
    /// Function and method definitions: byte span of the whole definition and the
    /// qualified name (`f`, `f.g`, `A.m`).
    pub functions: Vec<(Span, String)>,
}

/// Source locations of byte offsets, computed with an index built once per module
/// (rust-analyzer's `line-index`): time logarithmic per lookup, not a scan of the
/// source.
struct Locator<'a> {
    info: &'a SourceInfo,
    /// Lines end at `\n`, `\r\n` or a lone `\r` (the lexer's rule): the index is
    /// built over the text with each lone `\r` read as `\n` (same byte offsets).
    lines: line_index::LineIndex,
    /// Function definitions sorted by start; for each, the innermost definition
    /// enclosing it (definitions nest or are disjoint).
    functions: Vec<(Span, String)>,
    enclosing: Vec<Option<usize>>,
}

impl<'a> Locator<'a> {
    fn new(info: &'a SourceInfo) -> Locator<'a> {
        let bytes = info.text.as_bytes();
        let lines = if bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        {
            let normalized: String = info
                .text
                .char_indices()
                .map(|(i, c)| {
                    if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
                        '\n'
                    } else {
                        c
                    }
                })
                .collect();
            line_index::LineIndex::new(&normalized)
        } else {
            line_index::LineIndex::new(&info.text)
        };
        let mut functions = info.functions.clone();
        functions.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
        let mut enclosing = Vec::with_capacity(functions.len());
        let mut open: Vec<usize> = Vec::new();
        for (i, (s, _)) in functions.iter().enumerate() {
            while open.last().is_some_and(|&j| functions[j].0.end <= s.start) {
                open.pop();
            }
            enclosing.push(open.last().copied());
            open.push(i);
        }
        Locator {
            info,
            lines,
            functions,
            enclosing,
        }
    }

    /// `file:line:col (in function f)` for a byte offset: 1-based line, column in
    /// characters.
    fn describe(&self, offset: u32) -> String {
        let text = &self.info.text;
        let mut off = (offset as usize).min(text.len());
        while !text.is_char_boundary(off) {
            off -= 1;
        }
        let lc = self.lines.line_col(line_index::TextSize::new(off as u32));
        let col = self
            .lines
            .to_wide(line_index::WideEncoding::Utf32, lc)
            .map_or(lc.col, |w| w.col);
        let (line, col) = (lc.line + 1, col + 1);
        // The innermost definition containing the offset: the last one starting at
        // or before it, or one enclosing that.
        let mut cur = match self.functions.partition_point(|(s, _)| s.start <= offset) {
            0 => None,
            n => Some(n - 1),
        };
        while let Some(i) = cur {
            if offset < self.functions[i].0.end {
                break;
            }
            cur = self.enclosing[i];
        }
        let func = cur.map_or("at top level".to_string(), |i| {
            format!("in function {}", self.functions[i].1)
        });
        format!("{}:{line}:{col} ({func})", self.info.file)
    }
}

/// Why code generation failed: always an IR that no pass should produce (the
/// verifier rejects it too), never a property of the source program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodegenError {
    /// The IR still has nested functions (lambda lifting must run first).
    NotFlat,
    /// An impossible construct: a member slot missing from its class's layout.
    InvalidIr {
        /// Where (`f`, `A.m`, `<top level>`).
        function: String,
        /// What.
        message: String,
    },
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodegenError::NotFlat => write!(
                f,
                "code generation needs flat IR (run lambda lifting first)"
            ),
            CodegenError::InvalidIr { function, message } => {
                write!(f, "invalid IR in {function}: {message}")
            }
        }
    }
}

/// Runtime errors, with the reference implementation's codes and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuntimeError {
    /// Exit code 1.
    InvalidArgument = 1,
    /// Exit code 2.
    DivisionByZero = 2,
    /// Exit code 3.
    IndexOutOfBounds = 3,
    /// Exit code 4.
    OperationOnNone = 4,
    /// Exit code 5.
    OutOfMemory = 5,
}

impl RuntimeError {
    /// All runtime errors, by code.
    pub const ALL: [RuntimeError; 5] = [
        RuntimeError::InvalidArgument,
        RuntimeError::DivisionByZero,
        RuntimeError::IndexOutOfBounds,
        RuntimeError::OperationOnNone,
        RuntimeError::OutOfMemory,
    ];

    /// The process exit code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The message printed on standard output.
    pub fn message(self) -> &'static str {
        match self {
            RuntimeError::InvalidArgument => "Invalid argument",
            RuntimeError::DivisionByZero => "Division by zero",
            RuntimeError::IndexOutOfBounds => "Index out of bounds",
            RuntimeError::OperationOnNone => "Operation on None",
            RuntimeError::OutOfMemory => "Out of memory",
        }
    }
}

/// Indices of the runtime's globals (user globals and the rest come after).
#[derive(Debug, Clone, Copy)]
#[repr(u32)]
pub(crate) enum G {
    /// Bytes in the output buffer.
    OutLen = 0,
    /// Position and end of the unread input in the input buffer.
    InPos,
    InLen,
    /// `Ref` cells allocated (counted only with [`Options::stats`]).
    Cells,
    /// The boxed `True` and `False`.
    True,
    False,
    /// The 256 one-character strings (an array, filled by `_start`).
    Chars,
    /// `object`'s dispatch table.
    ObjectVt,
    /// Number of runtime globals.
    Count,
}

/// Imported and runtime functions, in function-index order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Rt {
    FdWrite = 0,
    FdRead,
    ProcExit,
    WriteFd,
    Flush,
    Out,
    PrintInt,
    PrintBool,
    PrintStr,
    PrintObject,
    Error,
    StrConcat,
    StrEq,
    Len,
    Input,
    ObjectInit,
}

/// The name of the exported function `() -> ()` that writes the buffered standard
/// output (the runtime's `flush`).
pub const FLUSH_EXPORT: &str = "chocopy_flush";

/// The name of the function `(str) -> ()` that the base module of a REPL session
/// exports: the runtime's `print` of a string (with its newline). A host that cannot
/// read a GC array itself (JavaScript sees WasmGC objects as opaque) echoes a string
/// value by calling it, with [`FLUSH_EXPORT`] after (the output buffer is shared).
pub const PRINT_STR_EXPORT: &str = "chocopy_print_str";

/// The name of the function `(T) -> str` a REPL entry whose echoed value is a
/// list or an object exports ([`Options::echo`]): Python's `repr` of a `T` (the
/// echoed global's type), which a host that cannot look into GC objects prints.
pub const ECHO_REPR_EXPORT: &str = "chocopy_echo_repr";

/// Number of imported functions (they come first in the index space).
const N_IMPORTS: u32 = 3;
/// Runtime functions defined in the module, in index order.
const RUNTIME: [Rt; 13] = [
    Rt::WriteFd,
    Rt::Flush,
    Rt::Out,
    Rt::PrintInt,
    Rt::PrintBool,
    Rt::PrintStr,
    Rt::PrintObject,
    Rt::Error,
    Rt::StrConcat,
    Rt::StrEq,
    Rt::Len,
    Rt::Input,
    Rt::ObjectInit,
];

/// Byte offset of the WASI iovec (pointer, length).
const IOVEC: i32 = 0;
/// Byte offset of the WASI result word (bytes written or read).
const IORESULT: i32 = 8;
/// One past the end of the digit buffer of `print_int`.
const NUMBUF_END: i32 = 48;
/// First byte of static data.
const DATA_START: u32 = 64;
/// Size of each of the standard output and input buffers.
const IOBUF: u32 = 4096;
/// WebAssembly page size in bytes.
const PAGE: u64 = 65536;

/// Addresses in linear memory, fixed when the module is laid out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// Static texts (`"True\n"`, messages): address and length of their bytes.
    texts: HashMap<String, (i32, i32)>,
    /// Table of (pointer, length) of the error messages, by code.
    messages: i32,
    /// Table of (pointer, length) of the error site descriptions, by site id.
    sites: i32,
    /// Output and input buffers.
    outbuf: i32,
    inbuf: i32,
}

/// Static data being laid out in linear memory.
struct Data {
    /// Address of the first byte.
    start: u32,
    bytes: Vec<u8>,
}

impl Data {
    fn addr(&self) -> u32 {
        self.start + self.bytes.len() as u32
    }

    fn align(&mut self, a: usize) {
        while !self.bytes.len().is_multiple_of(a) {
            self.bytes.push(0);
        }
    }

    fn word(&mut self, w: i32) {
        self.bytes.extend_from_slice(&w.to_le_bytes());
    }

    /// Bytes of a text; their address and length.
    fn text(&mut self, s: &[u8]) -> (i32, i32) {
        let at = self.addr() as i32;
        self.bytes.extend_from_slice(s);
        (at, s.len() as i32)
    }
}

/// A helper function made on demand (a list concatenation for one combination of
/// list types), compiled after the user's functions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Helper {
    /// Python's `repr` of a value of this type, as a `str` ([`repr`]).
    Repr(Type),
    /// `a + b` for lists of `a`, `b`, giving a list of `result` (element types).
    ListConcat { a: Type, b: Type, result: Type },
    /// A list of `<None>`s (or `<Empty>`) converted to a list of `to` (elements).
    ListConvert { from: Type, to: Type },
}

/// Everything function code generation needs to know about the module.
pub(crate) struct Ctx<'a> {
    pub p: &'a Program,
    pub t: Types<'a>,
    /// Earlier entries' functions the code calls (REPL sessions): the imported
    /// global holding each one's function reference, and its type.
    pub ext_funcs: HashMap<FuncId, (u32, u32)>,
    /// In a REPL session: method calls always dispatch (a later entry may override).
    pub open_world: bool,
    /// In a REPL session: the earlier entries' ids (nothing for a whole program).
    pub before: Before,
    pub layout: Layout,
    /// Wasm function index and type index of each user function and method.
    pub funcs: HashMap<FuncId, (u32, u32)>,
    /// Per class (by index), per slot: the function type of the slot.
    pub slot_types: Vec<Vec<u32>>,
    /// Per class (by index), per slot: the class that introduced the slot (`None`:
    /// `object`, for `__init__`).
    pub slot_roots: Vec<Vec<Option<ClassId>>>,
    /// Wasm global of each global variable.
    pub globals: HashMap<VarId, u32>,
    /// Wasm global of each class's dispatch table (by class index).
    pub vtables: Vec<u32>,
    /// Wasm global of each string literal, and where its bytes are in the passive
    /// data segment.
    ///
    /// One-character strings are **interned**: every string of length 1 the program
    /// makes is the character table's (`G::Chars`) string of that byte, so that
    /// `s == "c"` is a reference comparison. The literals of length 1 are set from
    /// the table, and so are indexing, `for` over a string, and `input()` and
    /// `str_concat` when their result has one character.
    pub literals: HashMap<String, u32>,
    literal_bytes: Vec<u8>,
    literal_at: Vec<(u32, u32, u32)>,
    /// Error sites found so far: their descriptions (index = site id).
    pub sites: Vec<String>,
    source: Option<Locator<'a>>,
    /// Count `Ref` cells ([`Options::stats`]).
    pub stats: bool,
    /// The function being compiled, for error messages.
    pub current: Option<FuncId>,
    /// The first impossible construct met.
    pub error: Option<CodegenError>,
    /// Helpers made so far, with their function indices.
    pub helpers: Vec<(Helper, u32)>,
    helper_index: HashMap<Helper, u32>,
    first_helper: u32,
    /// A REPL entry after the base module: the runtime's globals and the memory are
    /// imported (the character table is filled already).
    pub imports_runtime: bool,
}

impl Ctx<'_> {
    /// Records an impossible construct in the function being compiled (the first
    /// one is reported).
    pub fn invalid(&mut self, message: String) {
        if self.error.is_none() {
            let function = match self.current {
                Some(f) => match self.p.funcs[f].method_of {
                    Some(c) => format!("{}.{}", self.p.classes[c].name, self.p.funcs[f].name),
                    None => self.p.funcs[f].name.clone(),
                },
                None => "<top level>".into(),
            };
            self.error = Some(CodegenError::InvalidIr { function, message });
        }
    }

    /// A new error site at `span`; its id.
    pub fn site(&mut self, span: Span) -> i32 {
        let text = match &self.source {
            Some(s) => s.describe(span.start),
            None => format!("byte {}", span.start),
        };
        self.sites.push(text);
        (self.sites.len() - 1) as i32
    }

    /// The function index of `helper`, made on first use.
    pub fn helper(&mut self, helper: Helper) -> u32 {
        if let Some(&i) = self.helper_index.get(&helper) {
            return i;
        }
        let i = self.first_helper + self.helpers.len() as u32;
        self.helpers.push((helper.clone(), i));
        self.helper_index.insert(helper, i);
        i
    }

    /// The wasm value of a ChocoPy type.
    pub fn val(&mut self, t: &Type) -> ValType {
        self.t.val(t)
    }

    /// The instructions calling user function or method `f` (its arguments pushed):
    /// `call`, or for an earlier REPL entry's function, `call_ref` of its imported
    /// reference.
    pub fn call_user(&mut self, f: FuncId) -> Vec<I<'static>> {
        if let Some(&(g, ty)) = self.ext_funcs.get(&f) {
            self.t.use_type(ty);
            return vec![I::GlobalGet(g), I::CallRef(ty)];
        }
        match self.funcs.get(&f) {
            Some(&(index, _)) => vec![I::Call(index)],
            None => {
                self.invalid(format!(
                    "call of function {} that is not compiled",
                    self.p.funcs[f].name
                ));
                vec![I::Unreachable]
            }
        }
    }
}

/// The classes from `c` up to the root, `c` first.
fn ancestry(p: &Program, c: ClassId) -> Vec<ClassId> {
    let mut out = vec![c];
    let mut cur = p.classes[c].parent;
    while let Some(k) = cur {
        out.push(k);
        cur = p.classes[k].parent;
    }
    out
}

/// The class that introduced method slot `slot` of the class whose ancestry (itself
/// first) is `chain`: the root-most one with that many slots; `None` (`object`) for
/// `__init__`.
fn slot_root(p: &Program, chain: &[ClassId], slot: usize) -> Option<ClassId> {
    if slot == 0 {
        return None;
    }
    chain
        .iter()
        .rev()
        .copied()
        .find(|&k| p.classes[k].layout.methods.len() > slot)
}

/// Compiles flat IR to a WebAssembly module.
///
/// Errors: [`CodegenError::NotFlat`] if nested functions remain;
/// [`CodegenError::InvalidIr`] for a construct no pass produces.
pub fn compile(p: &Program, opts: &Options) -> Result<Vec<u8>, CodegenError> {
    compile_module(p, opts, None).map(|(bytes, _)| bytes)
}

/// A compiled REPL entry ([`compile_entry`]).
#[derive(Debug, Clone)]
pub struct EntryModule {
    /// The module.
    pub bytes: Vec<u8>,
    /// Bytes of shared memory the session needs once it is instantiated (the host
    /// grows the memory to this size first).
    pub memory_end: u64,
    /// What to add to the session once the module is instantiated.
    pub update: Update,
    /// The export names of the new globals, by variable (`global{id}`).
    pub globals: Vec<(VarId, String)>,
}

/// Compiles one entry of a REPL session to its own module ([`session`]): flat IR
/// whose ids below `before` are the earlier entries' declarations (imported from
/// [`SESSION_MODULE`], never compiled again). The session's first entry is its base
/// module (the empty program), which defines the shared memory and runtime state.
///
/// Errors: as [`compile`].
pub fn compile_entry(
    p: &Program,
    session: &Session,
    before: &Before,
    opts: &Options,
) -> Result<EntryModule, CodegenError> {
    // Once with every earlier group, then with those the code used.
    let all: Vec<usize> = (0..session.group_count()).collect();
    let declared = |info: Option<EntryInfo>| match info {
        Some(info) if !info.missing => Ok(info),
        _ => Err(CodegenError::InvalidIr {
            function: "<session>".into(),
            message: "a type of an earlier entry was needed but not declared".into(),
        }),
    };
    let (bytes, info) = compile_module(p, opts, Some((session, before, &all)))?;
    let info = declared(info)?;
    let needed = session.closure(&info.used);
    if needed == all {
        return Ok(EntryModule {
            bytes,
            ..info.entry
        });
    }
    let (bytes, again) = compile_module(p, opts, Some((session, before, &needed)))?;
    Ok(EntryModule {
        bytes,
        ..declared(again)?.entry
    })
}

/// What [`compile_module`] found in a REPL entry.
struct EntryInfo {
    entry: EntryModule,
    used: std::collections::BTreeSet<usize>,
    missing: bool,
}

/// The module of `p`: a whole program, or with `repl`, an entry of a session
/// compiled with the given earlier groups.
fn compile_module(
    p: &Program,
    opts: &Options,
    repl: Option<(&Session, &Before, &[usize])>,
) -> Result<(Vec<u8>, Option<EntryInfo>), CodegenError> {
    if !p.is_flat() {
        return Err(CodegenError::NotFlat);
    }
    let whole = Before::default();
    let before = repl.map_or(&whole, |(_, b, _)| b);
    let is_new_class = |c: ClassId| !before.class(c);
    let is_new_func = |f: FuncId| !before.func(f);
    let base = repl.is_some_and(|(s, _, _)| s.entries() == 0);
    let ext = match repl {
        Some(_) => session::externals(p, before),
        None => session::Externals::default(),
    };
    let mut t = match repl {
        Some((s, b, include)) => Types::new_repl(p, s, include, b),
        None => Types::new(p),
    };

    // Method slots: the class introducing each slot, and the slot's function type
    // (in a session, for the new classes and the earlier ones the code calls).
    let mut slot_roots: Vec<Vec<Option<ClassId>>> = vec![Vec::new(); p.classes.len()];
    let mut slot_types: Vec<Vec<u32>> = vec![Vec::new(); p.classes.len()];
    for (c, class) in p.classes.iter() {
        if !is_new_class(c) && !ext.receivers.contains(&c) {
            continue;
        }
        let chain = ancestry(p, c);
        for (slot, entry) in class.layout.methods.iter().enumerate() {
            let root = slot_root(p, &chain, slot);
            let self_ty = match root {
                Some(r) => nullable(t.class(r)),
                None => nullable(t.object),
            };
            // Every implementation of a slot has the same parameters after `self`
            // and the same result (manual 5.2, method overriding).
            let (params, ret) = match entry.func {
                Some(m) => {
                    let f = &p.funcs[m];
                    let ps: Vec<Type> = f.params[1..]
                        .iter()
                        .map(|&v| p.vars[v].ty.clone())
                        .collect();
                    (ps, f.ret.clone())
                }
                None => (Vec::new(), Type::None),
            };
            let mut pv = vec![self_ty];
            pv.extend(params.iter().map(|ty| t.val(ty)));
            let rv = if ret == Type::None {
                vec![]
            } else {
                vec![t.val(&ret)]
            };
            slot_roots[c.index()].push(root);
            slot_types[c.index()].push(t.group_func(pv, rv));
        }
    }
    t.define_classes(p, &slot_types, before);

    // The type of each user function and method: in a session every function type
    // is in a group, so that a function reference has the same type in the module
    // that imports it.
    let func_type = |t: &mut Types, f: FuncId| -> u32 {
        let func = &p.funcs[f];
        match func.method_of {
            Some(c) => {
                let slot = p.classes[c]
                    .layout
                    .method_slot(&func.name)
                    .map_or(0, |s| s.0 as usize);
                match slot_types[c.index()].get(slot) {
                    Some(&ty) => ty,
                    None => {
                        // An earlier class's method (REPL sessions): its slot type.
                        let root = slot_root(p, &ancestry(p, c), slot);
                        let self_ty = match root {
                            Some(r) => nullable(t.class(r)),
                            None => nullable(t.object),
                        };
                        let mut pv = vec![self_ty];
                        pv.extend(func.params[1..].iter().map(|&v| t.val(&p.vars[v].ty)));
                        let rv = if func.ret == Type::None {
                            vec![]
                        } else {
                            vec![t.val(&func.ret)]
                        };
                        t.group_func(pv, rv)
                    }
                }
            }
            None => {
                let params: Vec<ValType> =
                    func.params.iter().map(|&v| t.val(&p.vars[v].ty)).collect();
                let rv = if func.ret == Type::None {
                    vec![]
                } else {
                    vec![t.val(&func.ret)]
                };
                if repl.is_some() {
                    t.group_func(params, rv)
                } else {
                    t.func(params, rv)
                }
            }
        }
    };

    // Function indices: imports, runtime, user functions and methods, _start,
    // helpers.
    let first_user = N_IMPORTS + RUNTIME.len() as u32;
    let roots: Vec<FuncId> = p.roots().into_iter().filter(|&f| is_new_func(f)).collect();
    let mut funcs = HashMap::default();
    for (i, &f) in roots.iter().enumerate() {
        let ty = func_type(&mut t, f);
        funcs.insert(f, (first_user + i as u32, ty));
    }
    let start_index = first_user + roots.len() as u32;

    // Globals: the runtime's, (in a session: the imports), the dispatch tables, user
    // globals, string literals, (in a session: the exported function references).
    let mut next_global = G::Count as u32;
    let mut vtables = vec![u32::MAX; p.classes.len()];
    let mut globals = HashMap::default();
    let mut ext_funcs = HashMap::default();
    // Imports of an entry: (name, global index, value type).
    let mut global_imports: Vec<(String, u32, ValType)> = Vec::new();
    for &v in &ext.globals {
        let vt = t.val(&p.vars[v].ty);
        globals.insert(v, next_global);
        global_imports.push((format!("global{}", v.index()), next_global, vt));
        next_global += 1;
    }
    for &c in &ext.vtables {
        vtables[c.index()] = next_global;
        global_imports.push((
            format!("vtable{}", c.index()),
            next_global,
            types::non_null(t.vtable(c)),
        ));
        next_global += 1;
    }
    for &f in &ext.funcs {
        let ty = func_type(&mut t, f);
        ext_funcs.insert(f, (next_global, ty));
        global_imports.push((
            format!("func{}", f.index()),
            next_global,
            types::non_null(ty),
        ));
        next_global += 1;
    }
    for (c, _) in p.classes.iter() {
        if is_new_class(c) {
            vtables[c.index()] = next_global;
            next_global += 1;
        }
    }
    let new_globals: Vec<&chocopy_ir::VarDef> =
        p.globals.iter().filter(|d| !before.var(d.var)).collect();
    for d in &new_globals {
        globals.insert(d.var, next_global);
        next_global += 1;
    }
    let mut literals = HashMap::default();
    let mut literal_bytes = Vec::new();
    let mut literal_at = Vec::new();
    let creates = |c: ClassId| is_new_class(c) || ext.vtables.contains(&c);
    for s in string_literals(p, before, &creates) {
        if literals.contains_key(&s) {
            continue;
        }
        literals.insert(s.clone(), next_global);
        literal_at.push((next_global, literal_bytes.len() as u32, s.len() as u32));
        literal_bytes.extend_from_slice(s.as_bytes());
        next_global += 1;
    }
    // Function references the entry exports (its source's functions and methods).
    let mut func_exports: Vec<(FuncId, u32)> = Vec::new();
    if repl.is_some() {
        for &f in &roots {
            if f.index() < before.source_funcs {
                func_exports.push((f, next_global));
                next_global += 1;
            }
        }
    }

    let mut m = Ctx {
        p,
        t,
        ext_funcs,
        open_world: repl.is_some(),
        before: *before,
        layout: Layout::default(),
        funcs,
        slot_types,
        slot_roots,
        globals,
        vtables,
        literals,
        literal_bytes,
        literal_at,
        sites: vec![String::new()],
        source: opts.source.as_ref().map(Locator::new),
        stats: opts.stats,
        current: None,
        error: None,
        helpers: Vec::new(),
        helper_index: HashMap::default(),
        first_helper: start_index + 1,
        imports_runtime: repl.is_some() && !base,
    };

    // User code first: it decides the error sites, the helpers and some types.
    let mut user_bodies = Vec::new();
    for &f in &roots {
        m.current = Some(f);
        user_bodies.push((f, func::compile_function(&mut m, Some(f))));
    }
    m.current = None;
    let start_body = func::compile_function(&mut m, None);
    // The echo's `repr`, for hosts that cannot read GC objects.
    let echo_repr = match opts.echo {
        Some(v) if repl.is_some() => match &p.vars[v].ty {
            t @ (Type::List(_) | Type::Empty | Type::Object | Type::Class(_)) => {
                Some(m.helper(Helper::Repr(t.clone())))
            }
            _ => None,
        },
        _ => None,
    };
    let mut helper_bodies = Vec::new();
    let mut k = 0;
    while k < m.helpers.len() {
        let (h, _) = m.helpers[k].clone();
        helper_bodies.push(runtime::helper(&mut m, &h));
        k += 1;
    }
    if let Some(e) = m.error.take() {
        return Err(e);
    }
    // Every type of the group exists before the types outside it are numbered: the
    // globals' types too.
    for d in &new_globals {
        m.val(&p.vars[d.var].ty);
    }

    // Static data: texts, messages, error sites; then the I/O buffers (in a
    // session: the base module's, shared; each entry's data after the earlier
    // entries').
    let data_start = match repl {
        Some((s, _, _)) if !base => s.data_end().next_multiple_of(8),
        _ => DATA_START,
    };
    let mut data = Data {
        start: data_start,
        bytes: Vec::new(),
    };
    for s in ["\n", "True\n", "False\n", ": "] {
        let at = data.text(s.as_bytes());
        m.layout.texts.insert(s.to_string(), at);
    }
    let mut message_at = Vec::new();
    for e in RuntimeError::ALL {
        message_at.push((e.code(), data.text(e.message().as_bytes())));
    }
    let site_at: Vec<(i32, i32)> = m.sites.iter().map(|s| data.text(s.as_bytes())).collect();
    data.align(4);
    m.layout.messages = data.addr() as i32;
    for code in 0..=5 {
        let (at, len) = message_at
            .iter()
            .find(|(c, _)| *c == code)
            .map_or((0, 0), |(_, a)| *a);
        data.word(at);
        data.word(len);
    }
    m.layout.sites = data.addr() as i32;
    for (at, len) in &site_at {
        data.word(*at);
        data.word(*len);
    }
    data.align(8);
    let memory_end = match repl {
        Some((s, _, _)) if !base => {
            m.layout.outbuf = s.outbuf;
            m.layout.inbuf = s.inbuf;
            data.addr() as u64
        }
        _ => {
            m.layout.outbuf = data.addr() as i32;
            m.layout.inbuf = m.layout.outbuf + IOBUF as i32;
            m.layout.inbuf as u64 + IOBUF as u64
        }
    };

    // Runtime functions (their types too: build them before the type section).
    let mut runtime_bodies = Vec::new();
    for rt in RUNTIME {
        runtime_bodies.push(runtime::build(&mut m, rt));
    }

    let start_ty = m.t.func(vec![], vec![]);
    let mut imports = ImportSection::new();
    let wasi = "wasi_snapshot_preview1";
    let i4 = m.t.func(vec![ValType::I32; 4], vec![ValType::I32]);
    let i1 = m.t.func(vec![ValType::I32], vec![]);
    let (i4, i1) = (m.t.index(i4), m.t.index(i1));
    imports.import(wasi, "fd_write", EntityType::Function(i4));
    imports.import(wasi, "fd_read", EntityType::Function(i4));
    imports.import(wasi, "proc_exit", EntityType::Function(i1));
    let pages = memory_end.div_ceil(PAGE).max(1);
    let runtime_globals = runtime_globals(&m);
    if m.imports_runtime {
        imports.import(
            SESSION_MODULE,
            "memory",
            EntityType::Memory(MemoryType {
                minimum: pages,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            }),
        );
        for (name, ty, _) in &runtime_globals {
            imports.import(
                SESSION_MODULE,
                &format!("rt.{name}"),
                EntityType::Global(*ty),
            );
        }
    }
    for (name, _, vt) in &global_imports {
        imports.import(
            SESSION_MODULE,
            name,
            EntityType::Global(GlobalType {
                val_type: *vt,
                mutable: name.starts_with("global"),
                shared: false,
            }),
        );
    }
    let types = &m.t;

    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut names = NameMap::new();
    let mut local_names = IndirectNameMap::new();
    names.append(Rt::FdWrite as u32, "fd_write");
    names.append(Rt::FdRead as u32, "fd_read");
    names.append(Rt::ProcExit as u32, "proc_exit");
    // The runtime functions some code calls, directly or through other runtime
    // functions; `flush` is exported and `object.__init__` is in every dispatch
    // table. The others keep their index (and type) with an `unreachable` body,
    // which the engine compiles in no time.
    let mut used = HashSet::default();
    let mut work: Vec<u32> = vec![Rt::Flush as u32, Rt::ObjectInit as u32];
    if base {
        // Exported for hosts that echo strings ([`PRINT_STR_EXPORT`]).
        work.push(Rt::PrintStr as u32);
    }
    for b in user_bodies.iter().map(|(_, b)| b) {
        work.extend(&b.calls);
    }
    work.extend(&start_body.calls);
    for (_, _, b) in &helper_bodies {
        work.extend(&b.calls);
    }
    while let Some(f) = work.pop() {
        if used.insert(f) {
            if let Some(k) = RUNTIME.iter().position(|rt| *rt as u32 == f) {
                work.extend(&runtime_bodies[k].2.calls);
            }
        }
    }
    let mut add = |index: u32, ty: u32, name: &str, body: Body| {
        functions.function(types.index(ty));
        code.function(&body.code);
        names.append(index, name);
        let mut ln = NameMap::new();
        for (i, n) in &body.locals {
            ln.append(*i, n);
        }
        local_names.append(index, &ln);
    };
    for (rt, (ty, name, body)) in RUNTIME.iter().zip(runtime_bodies) {
        let body = if used.contains(&(*rt as u32)) {
            body
        } else {
            body.unused()
        };
        add(*rt as u32, ty, &name, body);
    }
    for (f, body) in user_bodies {
        let func = &p.funcs[f];
        let name = match func.method_of {
            Some(c) => format!("{}.{}", p.classes[c].name, func.name),
            None => func.name.clone(),
        };
        let (index, ty) = m.funcs[&f];
        add(index, ty, &name, body);
    }
    add(start_index, start_ty, "_start", start_body);
    for ((h, index), (ty, name, body)) in m.helpers.clone().into_iter().zip(helper_bodies) {
        let _ = h;
        add(index, ty, &name, body);
    }

    // Globals.
    let mut gs = GlobalSection::new();
    let mut referenced: Vec<u32> = vec![Rt::ObjectInit as u32];
    if !m.imports_runtime {
        for (_, ty, init) in &runtime_globals {
            gs.global(*ty, init);
        }
    }
    for (c, class) in p.classes.iter() {
        if !is_new_class(c) {
            continue;
        }
        let mut insns = Vec::new();
        for e in &class.layout.methods {
            match e.func {
                Some(f) if m.ext_funcs.contains_key(&f) => {
                    insns.push(I::GlobalGet(m.ext_funcs[&f].0));
                }
                Some(f) if m.funcs.contains_key(&f) => {
                    let index = m.funcs[&f].0;
                    referenced.push(index);
                    insns.push(I::RefFunc(index));
                }
                Some(f) => {
                    return Err(CodegenError::InvalidIr {
                        function: p.classes[c].name.clone(),
                        message: format!(
                            "method {} is neither compiled nor imported",
                            p.funcs[f].name
                        ),
                    });
                }
                None => insns.push(I::RefFunc(Rt::ObjectInit as u32)),
            }
        }
        insns.push(I::StructNew(m.t.vtable(c)));
        gs.global(
            GlobalType {
                val_type: types::non_null(m.t.vtable(c)),
                mutable: false,
                shared: false,
            },
            &ConstExpr::extended(insns),
        );
    }
    for d in &new_globals {
        let ty = p.vars[d.var].ty.clone();
        let vt = m.val(&ty);
        let init = global_init(&mut m, &d.init, &ty);
        gs.global(
            GlobalType {
                val_type: vt,
                mutable: true,
                shared: false,
            },
            &init,
        );
    }
    for _ in &m.literal_at {
        gs.global(
            GlobalType {
                val_type: nullable(m.t.str),
                mutable: true,
                shared: false,
            },
            &ConstExpr::ref_null(HeapType::Concrete(m.t.str)),
        );
    }
    for &(f, _) in &func_exports {
        let (index, ty) = m.funcs[&f];
        referenced.push(index);
        gs.global(
            GlobalType {
                val_type: types::non_null(ty),
                mutable: false,
                shared: false,
            },
            &ConstExpr::ref_func(index),
        );
    }
    let stats_global = next_global;
    if opts.stats {
        gs.global(
            GlobalType {
                val_type: ValType::I32,
                mutable: false,
                shared: false,
            },
            &ConstExpr::i32_const(0),
        );
    }

    let mut memories = MemorySection::new();
    if !m.imports_runtime {
        memories.memory(MemoryType {
            minimum: pages,
            // A session's memory grows with its entries' static data.
            maximum: if repl.is_some() { None } else { Some(pages) },
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
    }
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("_start", ExportKind::Func, start_index);
    exports.export(FLUSH_EXPORT, ExportKind::Func, Rt::Flush as u32);
    let mut global_exports = Vec::new();
    if repl.is_some() {
        if let Some(f) = echo_repr {
            exports.export(ECHO_REPR_EXPORT, ExportKind::Func, f);
        }
        if base {
            exports.export(PRINT_STR_EXPORT, ExportKind::Func, Rt::PrintStr as u32);
            for (i, (name, _, _)) in runtime_globals.iter().enumerate() {
                exports.export(&format!("rt.{name}"), ExportKind::Global, i as u32);
            }
        }
        for (c, _) in p.classes.iter() {
            if is_new_class(c) {
                exports.export(
                    &format!("vtable{}", c.index()),
                    ExportKind::Global,
                    m.vtables[c.index()],
                );
            }
        }
        for d in &new_globals {
            let name = format!("global{}", d.var.index());
            exports.export(&name, ExportKind::Global, m.globals[&d.var]);
            global_exports.push((d.var, name));
        }
        for &(f, g) in &func_exports {
            exports.export(&format!("func{}", f.index()), ExportKind::Global, g);
        }
    }
    if opts.stats {
        let _ = stats_global;
        exports.export("cells", ExportKind::Global, G::Cells as u32);
    }
    let mut elements = ElementSection::new();
    referenced.sort_unstable();
    referenced.dedup();
    elements.declared(Elements::Functions(std::borrow::Cow::Borrowed(&referenced)));

    let mut datas = DataSection::new();
    let data_end = data.addr();
    datas.active(0, &ConstExpr::i32_const(data_start as i32), data.bytes);
    datas.passive(m.literal_bytes.clone());

    let mut name_section = NameSection::new();
    name_section.functions(&names);
    name_section.locals(&local_names);
    let (type_names, field_names) = m.t.names(p);
    name_section.types(&type_names);
    name_section.fields(&field_names);
    let mut global_names = NameMap::new();
    for (i, n) in [
        "out_len",
        "in_pos",
        "in_len",
        "cells",
        "True",
        "False",
        "chars",
        "object.vtable",
    ]
    .iter()
    .enumerate()
    {
        global_names.append(i as u32, n);
    }
    for (name, g, _) in &global_imports {
        global_names.append(*g, name);
    }
    for (c, class) in p.classes.iter() {
        if is_new_class(c) {
            global_names.append(m.vtables[c.index()], &format!("{}.vtable", class.name));
        }
    }
    for d in &new_globals {
        global_names.append(m.globals[&d.var], &p.vars[d.var].name);
    }
    for (k, &(g, _, _)) in m.literal_at.iter().enumerate() {
        global_names.append(g, &format!("literal{k}"));
    }
    name_section.globals(&global_names);

    let mut module = Module::new();
    module
        .section(&m.t.section())
        .section(&imports)
        .section(&functions);
    if !m.imports_runtime {
        module.section(&memories);
    }
    module
        .section(&gs)
        .section(&exports)
        .section(&elements)
        .section(&DataCountSection { count: 2 })
        .section(&code)
        .section(&datas)
        .section(&name_section);
    let bytes = module.finish();
    let info = match (&m.t.repl, repl) {
        (Some(mt), Some((_, _, _))) => {
            let own: Vec<_> = m.t.own_types();
            let bufs = base.then_some((m.layout.outbuf, m.layout.inbuf));
            let end = if base { memory_end as u32 } else { data_end };
            Some(EntryInfo {
                entry: EntryModule {
                    bytes: Vec::new(),
                    memory_end: memory_end.max(data_end as u64),
                    update: mt.update(&own, end, bufs),
                    globals: global_exports,
                },
                used: mt.used.borrow().clone(),
                missing: mt.missing.get(),
            })
        }
        _ => None,
    };
    Ok((bytes, info))
}

/// The runtime's globals, in [`G`] order: name, type, initial value.
fn runtime_globals(m: &Ctx) -> Vec<(&'static str, GlobalType, ConstExpr)> {
    let mutable_i32 = GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    let boxed = GlobalType {
        val_type: types::non_null(m.t.box_bool),
        mutable: false,
        shared: false,
    };
    vec![
        ("out_len", mutable_i32, ConstExpr::i32_const(0)),
        ("in_pos", mutable_i32, ConstExpr::i32_const(0)),
        ("in_len", mutable_i32, ConstExpr::i32_const(0)),
        ("cells", mutable_i32, ConstExpr::i32_const(0)),
        (
            "True",
            boxed,
            ConstExpr::extended([I::I32Const(1), I::StructNew(m.t.box_bool)]),
        ),
        (
            "False",
            boxed,
            ConstExpr::extended([I::I32Const(0), I::StructNew(m.t.box_bool)]),
        ),
        (
            "chars",
            GlobalType {
                val_type: nullable(m.t.strs),
                mutable: true,
                shared: false,
            },
            ConstExpr::ref_null(HeapType::Concrete(m.t.strs)),
        ),
        (
            "object.vtable",
            GlobalType {
                val_type: types::non_null(m.t.object_vt),
                mutable: false,
                shared: false,
            },
            ConstExpr::extended([
                I::RefFunc(Rt::ObjectInit as u32),
                I::StructNew(m.t.object_vt),
            ]),
        ),
    ]
}

/// The initial value of a global of type `ty` holding constant `c`, as a constant
/// expression (a string global starts as null: `_start` sets it).
fn global_init(m: &mut Ctx, c: &Const, ty: &Type) -> ConstExpr {
    match (c, ty) {
        (Const::Int(i), Type::Int) => ConstExpr::i32_const(*i),
        (Const::Bool(b), Type::Bool) => ConstExpr::i32_const(*b as i32),
        (Const::Int(i), _) => ConstExpr::extended([I::I32Const(*i), I::StructNew(m.t.box_int)]),
        (Const::Bool(b), _) => ConstExpr::global_get(if *b { G::True } else { G::False } as u32),
        _ => match m.t.val(ty) {
            ValType::Ref(r) => ConstExpr::ref_null(r.heap_type),
            _ => ConstExpr::i32_const(0),
        },
    }
}

/// Every string constant of the program, in order of appearance.
///
/// In a REPL entry (`before`): those of its own code and of the classes it creates
/// objects of (`classes`: attributes' initial values, inherited ones too).
fn string_literals(p: &Program, before: &Before, classes: &dyn Fn(ClassId) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |c: &Const| {
        if let Const::Str(s) = c {
            out.push(s.clone());
        }
    };
    for d in p.globals.iter().filter(|d| !before.var(d.var)) {
        add(&d.init);
    }
    for (c, _) in p.classes.iter() {
        if classes(c) {
            for a in p.all_attrs(c) {
                add(&a.init);
            }
        }
    }
    for f in p.all_functions() {
        if before.func(f) {
            continue;
        }
        for d in &p.funcs[f].locals {
            add(&d.init);
        }
        chocopy_ir::visit::exprs_pre(&p.funcs[f].body, &mut |e| {
            if let chocopy_ir::ExprKind::Const(c) = &e.kind {
                add(c);
            }
        });
    }
    chocopy_ir::visit::exprs_pre(&p.main, &mut |e| {
        if let chocopy_ir::ExprKind::Const(c) = &e.kind {
            add(c);
        }
    });
    out
}

/// Validates a module with wasmparser (WebAssembly 3.0 features: GC, typed function
/// references).
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    wasmparser::Validator::new()
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The text format of a module (wasmprinter), GC types included.
pub fn to_wat(bytes: &[u8]) -> Result<String, String> {
    wasmprinter::print_bytes(bytes).map_err(|e| e.to_string())
}
