//! Flat IR to a WebAssembly module (wasm-encoder), validated with wasmparser.
//!
//! The module is a WASI preview1 command (design notes, "Target and runtime"): it
//! imports only `wasi_snapshot_preview1` functions (`fd_write`, `proc_exit`), exports
//! `_start` and `memory`, and so runs under our driver, `wasmtime run` and Node's
//! `node:wasi` alike.
//!
//! Values: `int` is an `i32` (two's complement, wrapping), `bool` an `i32` 0/1, every
//! other value an `i32` pointer into linear memory with `None` = 0. Global variables
//! are wasm globals; function variables are wasm locals; `Ref` cells are 4-byte heap
//! blocks from a bump allocator that grows memory on demand and reports
//! `Out of memory` (exit code 5) past [`Options::memory_limit`].
//!
//! Linear memory layout (byte offsets):
//!
//! | range | use |
//! |---|---|
//! | 0..8 | `fd_write` iovec (pointer, length) |
//! | 8..12 | `fd_write` count of bytes written |
//! | 16..48 | digits of an integer being printed |
//! | 64.. | static data: `True`, `False`, runtime error messages |
//! | after the data, 8-aligned | the heap |

mod func;
mod runtime;

use chocopy_ir::{Const, Program, Span};
use std::collections::HashMap;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, FunctionSection,
    GlobalSection, GlobalType, ImportSection, MemorySection, MemoryType, Module, NameMap,
    NameSection, TypeSection, ValType,
};

/// Code generation options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Most bytes of linear memory the program may use; past it, allocation reports
    /// `Out of memory` (exit code 5). Rounded up to whole 64 KiB pages. Default 1 GiB.
    pub memory_limit: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memory_limit: 1 << 30,
        }
    }
}

/// Why code generation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodegenError {
    /// The IR still has nested functions (lambda lifting must run first).
    NotFlat,
    /// A construct the code generator does not handle yet, with its source span.
    Unsupported(String, Span),
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodegenError::NotFlat => write!(
                f,
                "code generation needs flat IR (run lambda lifting first)"
            ),
            CodegenError::Unsupported(what, _) => {
                write!(f, "not supported by chocopy-wasm yet: {what}")
            }
        }
    }
}

/// Runtime error codes and messages of the reference implementation (design notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuntimeError {
    /// Exit code 1.
    InvalidArgument,
    /// Exit code 2.
    DivisionByZero,
    /// Exit code 5.
    OutOfMemory,
}

impl RuntimeError {
    /// All runtime errors the generated code can raise.
    pub const ALL: [RuntimeError; 3] = [
        RuntimeError::InvalidArgument,
        RuntimeError::DivisionByZero,
        RuntimeError::OutOfMemory,
    ];

    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            RuntimeError::InvalidArgument => 1,
            RuntimeError::DivisionByZero => 2,
            RuntimeError::OutOfMemory => 5,
        }
    }

    /// The message printed on standard output.
    pub fn message(self) -> &'static str {
        match self {
            RuntimeError::InvalidArgument => "Invalid argument",
            RuntimeError::DivisionByZero => "Division by zero",
            RuntimeError::OutOfMemory => "Out of memory",
        }
    }
}

/// Byte offset of the `fd_write` iovec.
const IOVEC: i32 = 0;
/// Byte offset of `fd_write`'s written-bytes result.
const NWRITTEN: i32 = 8;
/// One past the end of the digit buffer of `print_int`.
const NUMBUF_END: i32 = 48;
/// First byte of static data.
const DATA_START: u32 = 64;
/// WebAssembly page size in bytes.
const PAGE: u64 = 65536;

/// Indices of imported and runtime functions, and where static strings are.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Static strings: offset and length.
    strings: HashMap<&'static str, (i32, i32)>,
    /// Memory limit in pages.
    limit_pages: u32,
    /// Index of the first user function.
    first_user: u32,
    /// Index of the heap-pointer global.
    heap_global: u32,
    /// Number of globals before the user's.
    first_user_global: u32,
}

/// Function indices: imports, then the runtime, then user functions, then `_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Rt {
    FdWrite = 0,
    ProcExit,
    Write,
    PrintInt,
    PrintBool,
    PrintObject,
    Error,
    Alloc,
    FloorDiv,
    Mod,
}

/// Number of imported functions (they come first in the index space).
const N_IMPORTS: u32 = 2;
/// Runtime functions defined in the module, in index order.
const RUNTIME: [Rt; 8] = [
    Rt::Write,
    Rt::PrintInt,
    Rt::PrintBool,
    Rt::PrintObject,
    Rt::Error,
    Rt::Alloc,
    Rt::FloorDiv,
    Rt::Mod,
];

impl Layout {
    fn string(&self, s: &str) -> (i32, i32) {
        self.strings[s]
    }
}

/// Compiles flat IR to a WebAssembly module.
///
/// Errors: [`CodegenError::NotFlat`] if nested functions remain,
/// [`CodegenError::Unsupported`] for constructs outside the compiled subset.
pub fn compile(p: &Program, opts: &Options) -> Result<Vec<u8>, CodegenError> {
    if !p.is_flat() {
        return Err(CodegenError::NotFlat);
    }
    // Static data.
    let mut data = Vec::new();
    let mut strings = HashMap::new();
    let mut statics: Vec<&'static str> = vec!["True\n", "False\n", "\n"];
    statics.extend(RuntimeError::ALL.iter().map(|e| e.message()));
    for s in statics {
        strings.insert(
            s,
            ((DATA_START as usize + data.len()) as i32, s.len() as i32),
        );
        data.extend_from_slice(s.as_bytes());
    }
    let heap_start = (DATA_START + data.len() as u32 + 7) & !7;
    let limit_pages = opts.memory_limit.div_ceil(PAGE).clamp(1, 65536) as u32;
    let n_user = p.functions.len() as u32;
    let layout = Layout {
        strings,
        limit_pages,
        first_user: N_IMPORTS + RUNTIME.len() as u32,
        heap_global: 0,
        first_user_global: 1,
    };

    // Types: interned by (params, results), all i32.
    let mut types = TypeSection::new();
    let mut type_ids: HashMap<(u32, u32), u32> = HashMap::new();
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

    let mut imports = ImportSection::new();
    let wasi = "wasi_snapshot_preview1";
    imports.import(wasi, "fd_write", EntityType::Function(ty(4, 1)));
    imports.import(wasi, "proc_exit", EntityType::Function(ty(1, 0)));

    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut names = NameMap::new();
    names.append(Rt::FdWrite as u32, "fd_write");
    names.append(Rt::ProcExit as u32, "proc_exit");
    for rt in RUNTIME {
        let (params, results, name, body) = runtime::build(rt, &layout);
        functions.function(ty(params, results));
        code.function(&body);
        names.append(rt as u32, name);
    }

    // Globals: the heap pointer, then the user's.
    let mut globals = GlobalSection::new();
    let gty = GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    globals.global(gty, &ConstExpr::i32_const(heap_start as i32));
    let mut global_index = HashMap::new();
    for (i, d) in p.globals.iter().enumerate() {
        global_index.insert(d.var, layout.first_user_global + i as u32);
        globals.global(gty, &ConstExpr::i32_const(const_value(d.init)));
    }
    let func_index: HashMap<_, _> = p
        .functions
        .iter()
        .enumerate()
        .map(|(i, &f)| (f, layout.first_user + i as u32))
        .collect();
    let ctx = func::Context {
        p,
        globals: &global_index,
        funcs: &func_index,
    };
    for &f in &p.functions {
        let func = &p.funcs[f];
        let body = func::compile_function(&ctx, Some(f))?;
        functions.function(ty(func.params.len() as u32, 1));
        code.function(&body);
        names.append(func_index[&f], &func.name);
    }
    let start_index = layout.first_user + n_user;
    let body = func::compile_function(&ctx, None)?;
    functions.function(ty(0, 0));
    code.function(&body);
    names.append(start_index, "_start");

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
    let mut datas = DataSection::new();
    datas.active(0, &ConstExpr::i32_const(DATA_START as i32), data);

    let mut name_section = NameSection::new();
    name_section.functions(&names);

    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(&code)
        .section(&datas)
        .section(&name_section);
    Ok(module.finish())
}

/// The i32 representation of a constant.
pub(crate) fn const_value(c: Const) -> i32 {
    match c {
        Const::None => 0,
        Const::Bool(b) => b as i32,
        Const::Int(i) => i,
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
