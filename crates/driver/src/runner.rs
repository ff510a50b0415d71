//! Runs a WASI preview1 command module with wasmtime (Cranelift), providing the three
//! WASI functions our modules import: `fd_write` (stdout, stderr), `fd_read` (stdin)
//! and `proc_exit`. Optional fuel metering counts executed WebAssembly instructions
//! deterministically (wasmtime charges one unit of fuel per operator).

use std::io::{Read, Write};
use wasmtime::{Caller, Config, Engine, Extern, Linker, Module, Store, Trap};

/// How to run a module.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    /// Count executed instructions with wasmtime fuel.
    pub count_fuel: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The process exit code (0, or the code given to `proc_exit`).
    pub exit_code: i32,
    /// Executed instructions, if counted.
    pub fuel: Option<u64>,
    /// The values of the module's exported `i32` globals at the end, by name.
    pub globals: Vec<(String, i32)>,
}

/// A run that failed outside the program's control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// The module did not compile or instantiate (a compiler bug).
    Module(String),
    /// A WebAssembly trap that is not a ChocoPy error, e.g. stack exhaustion by deep
    /// recursion.
    Trap(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Module(m) => write!(f, "cannot load the module: {m}"),
            RunError::Trap(m) => write!(f, "{m}"),
        }
    }
}

/// The exit code of a run that ended in a [`RunError`].
pub const TRAP_EXIT_CODE: i32 = 70;

#[derive(Debug)]
struct Exit(i32);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Exit {}

struct Host {
    stdin: Box<dyn Read + Send>,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
}

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_BADF: i32 = 8;
const ERRNO_FAULT: i32 = 21;
const ERRNO_IO: i32 = 29;

fn memory(caller: &mut Caller<'_, Host>) -> Option<wasmtime::Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    }
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The (pointer, length) pairs of the `n` WASI iovecs at `iovs`.
fn iovecs(data: &[u8], iovs: i32, n: i32) -> Option<Vec<(usize, usize)>> {
    (0..n.max(0) as usize)
        .map(|i| {
            let at = iovs as u32 as usize + 8 * i;
            Some((
                read_u32(data, at)? as usize,
                read_u32(data, at + 4)? as usize,
            ))
        })
        .collect()
}

/// Stores `value` at `at` in linear memory; the WASI errno.
fn store_u32(mem: &wasmtime::Memory, caller: &mut Caller<'_, Host>, at: i32, value: u32) -> i32 {
    let at = at as u32 as usize;
    match mem.data_mut(caller).get_mut(at..at + 4) {
        Some(slot) => {
            slot.copy_from_slice(&value.to_le_bytes());
            ERRNO_SUCCESS
        }
        None => ERRNO_FAULT,
    }
}

/// The most native stack the WebAssembly program may use: deep (but finite)
/// recursion works; runaway recursion ends in a clear error instead of a crash.
pub const MAX_WASM_STACK: usize = 64 << 20;

/// Runs `wasm` to completion with the given standard streams, on a thread whose
/// native stack is large enough for [`MAX_WASM_STACK`].
pub fn run(
    wasm: &[u8],
    stdin: Box<dyn Read + Send>,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
    cfg: &RunConfig,
) -> Result<Outcome, RunError> {
    let wasm = wasm.to_vec();
    let cfg = cfg.clone();
    on_big_stack(move || Loaded::new(&wasm, &cfg)?.run(stdin, stdout, stderr))
}

/// Runs `f` on a thread whose native stack is large enough for [`MAX_WASM_STACK`].
pub fn on_big_stack<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, RunError> + Send + 'static,
) -> Result<T, RunError> {
    std::thread::Builder::new()
        .stack_size(MAX_WASM_STACK + (16 << 20))
        .spawn(f)
        .map_err(|e| RunError::Module(format!("cannot start the program thread: {e}")))?
        .join()
        .unwrap_or_else(|_| Err(RunError::Trap("the WebAssembly engine panicked".into())))
}

/// A module compiled by wasmtime, with the WASI functions linked: it can run many
/// times. Run it on a thread from [`on_big_stack`] (deep recursion needs the room).
pub struct Loaded {
    engine: Engine,
    module: Module,
    linker: Linker<Host>,
    count_fuel: bool,
}

impl Loaded {
    /// Compiles `wasm` (Cranelift) and links the WASI functions.
    pub fn new(wasm: &[u8], cfg: &RunConfig) -> Result<Loaded, RunError> {
        load(wasm, cfg)
    }

    /// Instantiates the module and runs `_start` to completion.
    pub fn run(
        &self,
        stdin: Box<dyn Read + Send>,
        stdout: Box<dyn Write + Send>,
        stderr: Box<dyn Write + Send>,
    ) -> Result<Outcome, RunError> {
        execute(self, stdin, stdout, stderr)
    }
}

fn load(wasm: &[u8], cfg: &RunConfig) -> Result<Loaded, RunError> {
    let mut config = Config::new();
    config.consume_fuel(cfg.count_fuel);
    config.max_wasm_stack(MAX_WASM_STACK);
    // Never used (no async support compiled in), but checked to be at least as large.
    config.async_stack_size(MAX_WASM_STACK + (1 << 20));
    let engine = Engine::new(&config).map_err(|e| RunError::Module(e.to_string()))?;
    let module = Module::new(&engine, wasm).map_err(|e| RunError::Module(e.to_string()))?;
    let mut linker: Linker<Host> = Linker::new(&engine);
    let wasi = "wasi_snapshot_preview1";
    linker
        .func_wrap(
            wasi,
            "fd_write",
            |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, n: i32, written: i32| -> i32 {
                let Some(mem) = memory(&mut caller) else {
                    return ERRNO_FAULT;
                };
                let mut bytes = Vec::new();
                {
                    let data = mem.data(&caller);
                    let Some(vecs) = iovecs(data, iovs, n) else {
                        return ERRNO_FAULT;
                    };
                    for (ptr, len) in vecs {
                        let Some(chunk) = data.get(ptr..ptr + len) else {
                            return ERRNO_FAULT;
                        };
                        bytes.extend_from_slice(chunk);
                    }
                }
                let host = caller.data_mut();
                let out: &mut dyn Write = match fd {
                    1 => &mut host.stdout,
                    2 => &mut host.stderr,
                    _ => return ERRNO_BADF,
                };
                if out.write_all(&bytes).is_err() {
                    return ERRNO_IO;
                }
                store_u32(&mem, &mut caller, written, bytes.len() as u32)
            },
        )
        .map_err(|e| RunError::Module(e.to_string()))?;
    linker
        .func_wrap(
            wasi,
            "fd_read",
            |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, n: i32, read: i32| -> i32 {
                if fd != 0 {
                    return ERRNO_BADF;
                }
                let Some(mem) = memory(&mut caller) else {
                    return ERRNO_FAULT;
                };
                let Some(vecs) = iovecs(mem.data(&caller), iovs, n) else {
                    return ERRNO_FAULT;
                };
                let mut total = 0u32;
                for (ptr, len) in vecs {
                    let mut buf = vec![0u8; len];
                    let got = match caller.data_mut().stdin.read(&mut buf) {
                        Ok(k) => k,
                        Err(_) => return ERRNO_IO,
                    };
                    let Some(dst) = mem.data_mut(&mut caller).get_mut(ptr..ptr + got) else {
                        return ERRNO_FAULT;
                    };
                    dst.copy_from_slice(&buf[..got]);
                    total += got as u32;
                    if got < len {
                        break;
                    }
                }
                store_u32(&mem, &mut caller, read, total)
            },
        )
        .map_err(|e| RunError::Module(e.to_string()))?;
    linker
        .func_wrap(
            wasi,
            "proc_exit",
            |_: Caller<'_, Host>, code: i32| -> wasmtime::Result<()> {
                Err(wasmtime::Error::new(Exit(code)))
            },
        )
        .map_err(|e| RunError::Module(e.to_string()))?;
    Ok(Loaded {
        engine,
        module,
        linker,
        count_fuel: cfg.count_fuel,
    })
}

fn execute(
    loaded: &Loaded,
    stdin: Box<dyn Read + Send>,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
) -> Result<Outcome, RunError> {
    let Loaded {
        engine,
        module,
        linker,
        count_fuel,
    } = loaded;
    let mut store = Store::new(
        engine,
        Host {
            stdin,
            stdout,
            stderr,
        },
    );
    if *count_fuel {
        store
            .set_fuel(u64::MAX)
            .map_err(|e| RunError::Module(e.to_string()))?;
    }
    let instance = linker
        .instantiate(&mut store, module)
        .map_err(|e| RunError::Module(e.to_string()))?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(|e| RunError::Module(e.to_string()))?;
    if let Some(Extern::Memory(mem)) = instance.get_export(&mut store, "memory") {
        let limit = mem.ty(&store).maximum().unwrap_or(1 << 16) << 16;
        advise_huge_pages(mem.data_ptr(&store), limit as usize);
    }
    let result = start.call(&mut store, ());
    let fuel = count_fuel.then(|| u64::MAX - store.get_fuel().unwrap_or(u64::MAX));
    // Exported i32 globals (the instrumentation of `chocopy_codegen::Options::stats`).
    let mut globals = Vec::new();
    for export in module.exports() {
        if let Some(Extern::Global(g)) = instance.get_export(&mut store, export.name()) {
            if let Some(v) = g.get(&mut store).i32() {
                globals.push((export.name().to_string(), v));
            }
        }
    }
    let _ = store.data_mut().stdout.flush();
    let _ = store.data_mut().stderr.flush();
    match result {
        Ok(()) => Ok(Outcome {
            exit_code: 0,
            fuel,
            globals,
        }),
        Err(e) => {
            if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
                return Ok(Outcome {
                    exit_code: *code,
                    fuel,
                    globals,
                });
            }
            let msg = match e.downcast_ref::<Trap>() {
                Some(Trap::StackOverflow) => {
                    "RecursionError: maximum recursion depth exceeded (WebAssembly stack exhausted)"
                        .to_string()
                }
                Some(t) => format!("WebAssembly trap: {t}"),
                None => format!("WebAssembly execution failed: {e}"),
            };
            Err(RunError::Trap(msg))
        }
    }
}

/// Asks Linux to back the linear memory (`len` bytes reserved at `base`) with
/// transparent huge pages: a program allocating hundreds of megabytes then takes a
/// page fault per 2 MiB instead of per 4 KiB. Advice only: failure changes nothing.
#[cfg(target_os = "linux")]
fn advise_huge_pages(base: *mut u8, len: usize) {
    // SAFETY: madvise only changes how the kernel backs the pages of this mapping
    // (which the engine owns for the store's lifetime); it never unmaps or alters
    // contents, and an error is ignored.
    unsafe {
        libc::madvise(base.cast(), len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_base: *mut u8, _len: usize) {}

/// Runs `wasm` and collects its standard output, with `input` as standard input.
pub fn run_captured(
    wasm: &[u8],
    input: &[u8],
    cfg: &RunConfig,
) -> Result<(Vec<u8>, Outcome), RunError> {
    let out = SharedBuf::default();
    let outcome = run(
        wasm,
        Box::new(std::io::Cursor::new(input.to_vec())),
        Box::new(out.clone()),
        Box::new(std::io::sink()),
        cfg,
    )?;
    Ok((out.take(), outcome))
}

/// A cloneable in-memory writer.
#[derive(Clone, Default)]
pub struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuf {
    /// The bytes written so far.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
