//! Flat IR to a WebAssembly module (wasm-encoder), validated with wasmparser.
//!
//! The module is a WASI preview1 command (design notes, "Target and runtime"): it
//! imports only `wasi_snapshot_preview1` functions (`fd_write`, `fd_read`,
//! `proc_exit`), exports `_start` and `memory`, and so runs under our driver,
//! `wasmtime run` and Node's `node:wasi` alike. It also exports [`FLUSH_EXPORT`], which
//! writes out the buffered standard output: a host that stops a program (time or
//! instruction limit, stack exhaustion) calls it so that what was printed is not lost.
//!
//! Values: `int` is an `i32` (two's complement, wrapping), `bool` an `i32` 0/1, every
//! other value an `i32` pointer into linear memory with `None` = 0. Every heap value
//! starts with a tag word (layout after the reference implementation's guide, section
//! "object layout", with the dispatch table pointer as the tag):
//!
//! | value | words |
//! |---|---|
//! | object of class `C` | `C`'s dispatch-table base, then the attributes (inherited first) |
//! | `str` | [`STR_TAG`], length, then the bytes |
//! | list | [`LIST_TAG`], length, then one word per element |
//! | `int` / `bool` stored as `object` | [`INT_TAG`] / [`BOOL_TAG`], the value |
//!
//! Methods dispatch through a funcref table (`call_indirect`): a class's methods
//! occupy consecutive table entries starting at its dispatch-table base, in the slot
//! order of [`chocopy_ir::Program::vtable`]. A call whose method no subclass overrides
//! is a direct `call`.
//!
//! Linear memory (byte offsets):
//!
//! | range | use |
//! |---|---|
//! | 0..16 | WASI iovec and result word |
//! | 16..48 | digits of an integer being printed |
//! | 64.. | static data: one-character strings, string literals, messages, error sites |
//! | then 4 KiB each | standard output buffer, standard input buffer |
//! | then, 8-aligned | the heap (bump allocation, grown on demand up to the limit) |
//!
//! Runtime errors print the reference implementation's message on standard output,
//! the source location on standard error, and exit with the error's code.

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod func;
mod runtime;

use chocopy_ir::{ClassId, Const, FuncId, Program, Span};
use rustc_hash::FxHashMap as HashMap;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ElementSection, Elements, EntityType, ExportKind,
    ExportSection, FunctionSection, GlobalSection, GlobalType, ImportSection, MemorySection,
    MemoryType, Module, NameMap, NameSection, RefType, TableSection, TableType, TypeSection,
    ValType,
};

/// Code generation options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Most bytes of linear memory the program may use; past it, allocation reports
    /// `Out of memory` (exit code 5). Rounded up to whole 64 KiB pages. Default 1 GiB.
    pub memory_limit: u64,
    /// Where the program came from, to name runtime error locations.
    pub source: Option<SourceInfo>,
    /// Instrument the module for measurements: count the bytes of `Ref` cells in a
    /// global and export globals `heap_start`, `heap_end` and `cell_bytes` (bytes).
    /// Off for normal builds.
    pub stats: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memory_limit: 1 << 30,
            source: None,
            stats: false,
        }
    }
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

/// Tag of a boxed `int`.
pub const INT_TAG: i32 = 1;
/// Tag of a boxed `bool`.
pub const BOOL_TAG: i32 = 2;
/// Tag of a string.
pub const STR_TAG: i32 = 3;
/// Tag of a list.
pub const LIST_TAG: i32 = 4;
/// Table index of the first dispatch table (`object`'s); smaller tags are builtin.
pub(crate) const FIRST_VTABLE: u32 = 8;

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
/// Size of a one-character string in the static table.
const CHAR_SIZE: i32 = 12;
/// WebAssembly page size in bytes.
const PAGE: u64 = 65536;

/// Addresses fixed when the module is laid out.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// The 256 one-character strings.
    chars: i32,
    /// Static boxed `False` and `True`.
    false_box: i32,
    true_box: i32,
    /// Static strings (literals, messages): address of the string object.
    strings: HashMap<String, i32>,
    /// Table of (pointer, length) of the error messages, by code.
    messages: i32,
    /// Table of (pointer, length) of the error site descriptions, by site id.
    sites: i32,
    /// Output and input buffers.
    outbuf: i32,
    inbuf: i32,
    /// Memory limit in bytes.
    limit_bytes: u32,
}

/// Indices of globals.
#[derive(Debug, Clone, Copy)]
#[repr(u32)]
pub(crate) enum G {
    Heap = 0,
    OutLen,
    InPos,
    InLen,
    /// Bytes of `Ref` cells allocated (counted only with [`Options::stats`]).
    CellBytes,
    /// Number of runtime globals (user globals come after).
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
    Alloc,
    BoxInt,
    StrConcat,
    StrEq,
    ListConcat,
    Len,
    Input,
    ObjectInit,
}

/// The name of the exported function `() -> ()` that writes the buffered standard
/// output (the runtime's `flush`).
pub const FLUSH_EXPORT: &str = "chocopy_flush";

/// Number of imported functions (they come first in the index space).
const N_IMPORTS: u32 = 3;
/// Runtime functions defined in the module, in index order.
const RUNTIME: [Rt; 16] = [
    Rt::WriteFd,
    Rt::Flush,
    Rt::Out,
    Rt::PrintInt,
    Rt::PrintBool,
    Rt::PrintStr,
    Rt::PrintObject,
    Rt::Error,
    Rt::Alloc,
    Rt::BoxInt,
    Rt::StrConcat,
    Rt::StrEq,
    Rt::ListConcat,
    Rt::Len,
    Rt::Input,
    Rt::ObjectInit,
];

/// Static data being laid out.
struct Data {
    bytes: Vec<u8>,
}

impl Data {
    fn addr(&self) -> u32 {
        DATA_START + self.bytes.len() as u32
    }

    fn align(&mut self, a: usize) {
        while !self.bytes.len().is_multiple_of(a) {
            self.bytes.push(0);
        }
    }

    fn word(&mut self, w: i32) {
        self.bytes.extend_from_slice(&w.to_le_bytes());
    }

    /// A string object (tag, length, bytes); returns its address.
    fn string(&mut self, s: &[u8]) -> i32 {
        self.align(4);
        let at = self.addr() as i32;
        self.word(STR_TAG);
        self.word(s.len() as i32);
        self.bytes.extend_from_slice(s);
        at
    }
}

/// Everything function code generation needs to know about the module.
pub(crate) struct Ctx<'a> {
    pub p: &'a Program,
    pub layout: Layout,
    /// Wasm global of each global variable.
    pub globals: HashMap<chocopy_ir::VarId, u32>,
    /// Wasm function index of each user function and method.
    pub funcs: HashMap<FuncId, u32>,
    /// Dispatch-table base of each class.
    pub vtables: HashMap<ClassId, u32>,
    /// Table base of `object`'s dispatch table.
    pub object_vtable: u32,
    /// Type index of a function with `n` i32 parameters and one i32 result.
    pub fn_types: Vec<u32>,
    /// Error sites found so far: their descriptions (index = site id).
    pub sites: Vec<String>,
    source: Option<Locator<'a>>,
    /// Count `Ref` cell bytes ([`Options::stats`]).
    pub stats: bool,
    /// The function being compiled, for error messages.
    pub current: Option<FuncId>,
    /// The first impossible construct met.
    pub error: Option<CodegenError>,
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
}

/// Compiles flat IR to a WebAssembly module.
///
/// Errors: [`CodegenError::NotFlat`] if nested functions remain.
pub fn compile(p: &Program, opts: &Options) -> Result<Vec<u8>, CodegenError> {
    if !p.is_flat() {
        return Err(CodegenError::NotFlat);
    }
    // Static data: one-character strings, boxed booleans, literals, messages.
    let mut data = Data { bytes: Vec::new() };
    let chars = data.addr() as i32;
    for c in 0..=255u8 {
        data.word(STR_TAG);
        data.word(1);
        data.bytes.extend_from_slice(&[c, 0, 0, 0]);
    }
    let false_box = data.addr() as i32;
    data.word(BOOL_TAG);
    data.word(0);
    let true_box = data.addr() as i32;
    data.word(BOOL_TAG);
    data.word(1);
    let mut strings = HashMap::default();
    let mut literal = |s: &str, data: &mut Data| {
        // One-character literals are the entries of the character table.
        let at = match s.as_bytes() {
            [c] => chars + CHAR_SIZE * *c as i32,
            _ => *strings.get(s).unwrap_or(&0),
        };
        strings.entry(s.to_string()).or_insert_with(|| {
            if at != 0 {
                at
            } else {
                data.string(s.as_bytes())
            }
        });
    };
    for s in string_literals(p) {
        literal(&s, &mut data);
    }
    for s in ["\n", "True\n", "False\n", ": "] {
        literal(s, &mut data);
    }
    for e in RuntimeError::ALL {
        literal(e.message(), &mut data);
    }
    data.align(4);
    let messages = data.addr() as i32;
    for code in 0..=5 {
        let text = RuntimeError::ALL
            .iter()
            .find(|e| e.code() == code)
            .map_or("", |e| e.message());
        let at = strings.get(text).copied().unwrap_or(0);
        data.word(at + 8);
        data.word(text.len() as i32);
    }
    let limit_pages = opts.memory_limit.div_ceil(PAGE).clamp(1, 65536) as u32;
    let n_user: u32 = p.roots().len() as u32;
    let first_user = N_IMPORTS + RUNTIME.len() as u32;
    // Function indices: runtime, user functions and methods, _start.
    let mut funcs = HashMap::default();
    for (i, f) in p.roots().into_iter().enumerate() {
        funcs.insert(f, first_user + i as u32);
    }
    let start_index = first_user + n_user;
    // Dispatch tables.
    let object_vtable = FIRST_VTABLE;
    let mut table_funcs: Vec<u32> = vec![Rt::ObjectInit as u32];
    let mut vtables = HashMap::default();
    for (c, _) in p.classes.iter() {
        vtables.insert(c, FIRST_VTABLE + table_funcs.len() as u32);
        for m in p.vtable(c).iter().map(|e| e.func) {
            table_funcs.push(m.map_or(Rt::ObjectInit as u32, |m| funcs[&m]));
        }
    }

    // Types: interned by (params, results), all i32.
    let mut types = TypeSection::new();
    let mut type_ids: HashMap<(u32, u32), u32> = HashMap::default();
    let mut ty = |params: u32, results: u32| -> u32 {
        let next = type_ids.len() as u32;
        *type_ids.entry((params, results)).or_insert_with(|| {
            types.ty().function(
                vec![ValType::I32; params as usize],
                vec![ValType::I32; results as usize],
            );
            next
        })
    };
    let max_params = p
        .funcs
        .iter()
        .map(|(_, f)| f.params.len() as u32)
        .max()
        .unwrap_or(0)
        .max(4);
    let fn_types: Vec<u32> = (0..=max_params).map(|n| ty(n, 1)).collect();

    let mut imports = ImportSection::new();
    let wasi = "wasi_snapshot_preview1";
    imports.import(wasi, "fd_write", EntityType::Function(ty(4, 1)));
    imports.import(wasi, "fd_read", EntityType::Function(ty(4, 1)));
    imports.import(wasi, "proc_exit", EntityType::Function(ty(1, 0)));

    // User code first: it decides the error sites, which go into the data.
    let layout_stub = Layout {
        chars,
        false_box,
        true_box,
        strings: strings.clone(),
        messages,
        sites: 0,
        outbuf: 0,
        inbuf: 0,
        limit_bytes: (limit_pages as u64 * PAGE).min(u32::MAX as u64) as u32,
    };
    let mut globals_index = HashMap::default();
    for (i, d) in p.globals.iter().enumerate() {
        globals_index.insert(d.var, G::Count as u32 + i as u32);
    }
    let mut m = Ctx {
        p,
        layout: layout_stub,
        globals: globals_index,
        funcs,
        vtables,
        object_vtable,
        fn_types,
        sites: vec![String::new()],
        source: opts.source.as_ref().map(Locator::new),
        stats: opts.stats,
        current: None,
        error: None,
    };
    let mut user_bodies = Vec::new();
    for f in p.roots() {
        m.current = Some(f);
        user_bodies.push((f, func::compile_function(&mut m, Some(f))));
    }
    m.current = None;
    let start_body = func::compile_function(&mut m, None);
    if let Some(e) = m.error.take() {
        return Err(e);
    }

    // Error sites: (pointer, length) of each description, then the buffers and heap.
    let site_strings: Vec<i32> = m.sites.iter().map(|s| data.string(s.as_bytes())).collect();
    data.align(4);
    let sites_table = data.addr() as i32;
    for (s, text) in site_strings.iter().zip(&m.sites) {
        data.word(s + 8);
        data.word(text.len() as i32);
    }
    data.align(8);
    let outbuf = data.addr();
    let inbuf = outbuf + IOBUF;
    let heap_start = inbuf + IOBUF;
    m.layout.sites = sites_table;
    m.layout.outbuf = outbuf as i32;
    m.layout.inbuf = inbuf as i32;

    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut names = NameMap::new();
    names.append(Rt::FdWrite as u32, "fd_write");
    names.append(Rt::FdRead as u32, "fd_read");
    names.append(Rt::ProcExit as u32, "proc_exit");
    for rt in RUNTIME {
        let (params, results, name, body) = runtime::build(rt, &m.layout);
        functions.function(ty(params, results));
        code.function(&body);
        names.append(rt as u32, name);
    }
    for (f, body) in user_bodies {
        let func = &p.funcs[f];
        functions.function(ty(func.params.len() as u32, 1));
        code.function(&body);
        let name = match func.method_of {
            Some(c) => format!("{}.{}", p.classes[c].name, func.name),
            None => func.name.clone(),
        };
        names.append(m.funcs[&f], &name);
    }
    functions.function(ty(0, 0));
    code.function(&start_body);
    names.append(start_index, "_start");

    let mut tables = TableSection::new();
    let table_size = FIRST_VTABLE as u64 + table_funcs.len() as u64;
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: table_size,
        maximum: Some(table_size),
        table64: false,
        shared: false,
    });
    let mut elements = ElementSection::new();
    elements.active(
        Some(0),
        &ConstExpr::i32_const(FIRST_VTABLE as i32),
        Elements::Functions(std::borrow::Cow::Borrowed(&table_funcs)),
    );

    let mut globals = GlobalSection::new();
    let gty = GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    globals.global(gty, &ConstExpr::i32_const(heap_start as i32)); // Heap
    globals.global(gty, &ConstExpr::i32_const(0)); // OutLen
    globals.global(gty, &ConstExpr::i32_const(0)); // InPos
    globals.global(gty, &ConstExpr::i32_const(0)); // InLen
    globals.global(gty, &ConstExpr::i32_const(0)); // CellBytes
    for d in &p.globals {
        globals.global(gty, &ConstExpr::i32_const(const_value(&d.init, &m.layout)));
    }

    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: (heap_start as u64).div_ceil(PAGE).max(1),
        maximum: Some(limit_pages as u64),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("_start", ExportKind::Func, start_index);
    exports.export(FLUSH_EXPORT, ExportKind::Func, Rt::Flush as u32);
    if opts.stats {
        let n_globals = G::Count as u32 + p.globals.len() as u32;
        globals.global(
            GlobalType {
                val_type: ValType::I32,
                mutable: false,
                shared: false,
            },
            &ConstExpr::i32_const(heap_start as i32),
        );
        exports.export("heap_start", ExportKind::Global, n_globals);
        exports.export("heap_end", ExportKind::Global, G::Heap as u32);
        exports.export("cell_bytes", ExportKind::Global, G::CellBytes as u32);
    }
    let mut datas = DataSection::new();
    datas.active(0, &ConstExpr::i32_const(DATA_START as i32), data.bytes);

    let mut name_section = NameSection::new();
    name_section.functions(&names);

    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&tables)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(&elements)
        .section(&code)
        .section(&datas)
        .section(&name_section);
    Ok(module.finish())
}

/// Every string constant of the program, in order of appearance.
fn string_literals(p: &Program) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |c: &Const| {
        if let Const::Str(s) = c {
            out.push(s.clone());
        }
    };
    for d in &p.globals {
        add(&d.init);
    }
    for (_, c) in p.classes.iter() {
        for a in &c.attrs {
            add(&a.init);
        }
    }
    for f in p.all_functions() {
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

/// The i32 representation of a constant (strings: their static address).
pub(crate) fn const_value(c: &Const, layout: &Layout) -> i32 {
    match c {
        Const::None => 0,
        Const::Bool(b) => *b as i32,
        Const::Int(i) => *i,
        Const::Str(s) => layout.strings[s.as_str()],
    }
}

/// Validates a module with wasmparser (the features of WebAssembly 2.0).
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    wasmparser::Validator::new()
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The text format of a module (wasmprinter).
pub fn to_wat(bytes: &[u8]) -> Result<String, String> {
    wasmprinter::print_bytes(bytes).map_err(|e| e.to_string())
}
