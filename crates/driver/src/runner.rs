//! Runs a WASI preview1 command module with wasmtime (Cranelift), providing the three
//! WASI functions our modules import: `fd_write` (stdout, stderr), `fd_read` (stdin)
//! and `proc_exit`. Optional fuel metering counts executed WebAssembly instructions
//! deterministically (wasmtime charges one unit of fuel per operator).
//!
//! Two limits stop programs that never end (what a playground and a REPL need):
//! - a *fuel* limit ([`RunConfig::fuel`]): at most that many executed instructions,
//!   deterministic, the same on every machine ([`RunError::OutOfFuel`]);
//! - a *wall-time* limit ([`RunConfig::timeout`]), by wasmtime's epoch interruption: a
//!   timer thread advances the engine's epoch once the time is up, and the code
//!   compiled with epoch checks (at function entries and loop back-edges) traps at its
//!   next check ([`RunError::Timeout`]). Not deterministic: where the program stops
//!   depends on the machine.

use chocopy_codegen::RuntimeError;
use std::io::{Read, Write};
use std::time::Duration;
use wasmtime::{Caller, Config, Engine, Extern, Linker, Module, Store, Trap};

/// How to run a module.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    /// Count executed instructions with wasmtime fuel ([`Outcome::fuel`]).
    pub count_fuel: bool,
    /// Stop the program after this many executed instructions (wasmtime fuel units,
    /// one per WebAssembly operator); `None`: no limit. Implies counting.
    pub fuel: Option<u64>,
    /// Stop the program after this much wall time (epoch interruption); `None`: no
    /// limit.
    pub timeout: Option<Duration>,
    /// Most bytes of memory the program may use, its GC heap included (wasmtime's
    /// store limiter); past it the program ends with ChocoPy's `Out of memory`
    /// (exit code 5). `None`: 1 GiB.
    pub memory_limit: Option<u64>,
}

/// The initial size of the GC heap in bytes. Measured on the allocation benchmarks
/// (`benches/alloc`): with wasmtime's default (0, grown on demand) the list
/// concatenation program spends most of its time in collections (0.55 s), with 4 MiB
/// 0.11 s; 16 and 32 MiB gain nothing more and cost resident memory.
pub const GC_HEAP_INITIAL: u64 = 4 << 20;

/// The memory limit of a run when none is given: 1 GiB.
pub const DEFAULT_MEMORY_LIMIT: u64 = 1 << 30;

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
    /// The program executed more instructions than [`RunConfig::fuel`] allows (the
    /// limit, in fuel units).
    OutOfFuel(u64),
    /// The program ran longer than [`RunConfig::timeout`] (the limit).
    Timeout(Duration),
}

impl RunError {
    /// The process exit code `chocopy run` ends with after this error:
    /// [`TIMEOUT_EXIT_CODE`], [`FUEL_EXIT_CODE`], or [`TRAP_EXIT_CODE`] for the rest.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Timeout(_) => TIMEOUT_EXIT_CODE,
            RunError::OutOfFuel(_) => FUEL_EXIT_CODE,
            RunError::Module(_) | RunError::Trap(_) => TRAP_EXIT_CODE,
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Module(m) => write!(f, "cannot load the module: {m}"),
            RunError::Trap(m) => write!(f, "{m}"),
            RunError::OutOfFuel(n) => write!(
                f,
                "fuel limit exceeded: the program executed more than {n} instructions (--fuel {n})"
            ),
            RunError::Timeout(d) => write!(
                f,
                "time limit exceeded: the program ran longer than {} s (--timeout {})",
                d.as_secs_f64(),
                d.as_secs_f64()
            ),
        }
    }
}

/// The exit code of a run that ended in a trap that is no ChocoPy error (runaway
/// recursion) or in a module that would not load (a compiler bug).
pub const TRAP_EXIT_CODE: i32 = 70;

/// The exit code of a run stopped by its wall-time limit ([`RunConfig::timeout`]):
/// 124, as GNU `timeout` exits.
pub const TIMEOUT_EXIT_CODE: i32 = 124;

/// The exit code of a run stopped by its instruction limit ([`RunConfig::fuel`]).
pub const FUEL_EXIT_CODE: i32 = 125;

#[derive(Debug)]
pub(crate) struct Exit(pub(crate) i32);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// The state of a store: the program's standard streams and its memory limit.
pub(crate) struct Host {
    pub(crate) stdin: Box<dyn Read + Send>,
    pub(crate) stdout: Box<dyn Write + Send>,
    pub(crate) stderr: Box<dyn Write + Send>,
    pub(crate) limits: wasmtime::StoreLimits,
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
    cfg: RunConfig,
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
    let engine = make_engine(cfg, cfg.timeout.is_some())?;
    let module = Module::new(&engine, wasm).map_err(|e| RunError::Module(e.to_string()))?;
    let linker = wasi_linker(&engine)?;
    Ok(Loaded {
        engine,
        module,
        linker,
        cfg: cfg.clone(),
    })
}

/// The engine for runs with `cfg`: GC, Cranelift, fuel if counted, epoch checks if
/// `interruptible` (a time limit, or Ctrl-C in the REPL).
pub(crate) fn make_engine(cfg: &RunConfig, interruptible: bool) -> Result<Engine, RunError> {
    let mut config = Config::new();
    // Objects, strings, lists and cells live on the GC heap: wasmtime's copying
    // collector (a Cheney semispace collector), which also collects cycles.
    config.wasm_gc(true);
    config.wasm_function_references(true);
    config.collector(wasmtime::Collector::Copying);
    // Cranelift's inlining (`Config::compiler_inlining`) stays off: measured on the
    // pa3 benchmarks it costs more compile time than it saves (sieve 104 -> 144 ms,
    // tree 67 -> 114 ms).
    // A heap of some megabytes from the start: the collector grows the heap only when
    // live data fill it, so a small heap with little live data is collected very
    // often (each collection copies the live data and scans the roots).
    let limit = cfg.memory_limit.unwrap_or(DEFAULT_MEMORY_LIMIT);
    config.gc_heap_initial_size(GC_HEAP_INITIAL.min(limit / 2));
    if std::env::var_os("CHOCOPY_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config.consume_fuel(cfg.count_fuel || cfg.fuel.is_some());
    config.epoch_interruption(interruptible);
    config.max_wasm_stack(MAX_WASM_STACK);
    // Never used (no async support compiled in), but checked to be at least as large.
    config.async_stack_size(MAX_WASM_STACK + (1 << 20));
    Engine::new(&config).map_err(|e| RunError::Module(e.to_string()))
}

/// A linker with our three WASI functions, which use the calling instance's
/// exported `memory`.
pub(crate) fn wasi_linker(engine: &Engine) -> Result<Linker<Host>, RunError> {
    let mut linker: Linker<Host> = Linker::new(engine);
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
    Ok(linker)
}

/// A store whose programs use the given standard streams, with `cfg`'s memory
/// limit (1 GiB if none).
pub(crate) fn new_store(
    engine: &Engine,
    cfg: &RunConfig,
    stdin: Box<dyn Read + Send>,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
) -> Store<Host> {
    let limit = cfg.memory_limit.unwrap_or(DEFAULT_MEMORY_LIMIT);
    let mut store = Store::new(
        engine,
        Host {
            stdin,
            stdout,
            stderr,
            limits: wasmtime::StoreLimitsBuilder::new()
                .memory_size(usize::try_from(limit).unwrap_or(usize::MAX))
                .build(),
        },
    );
    store.limiter(|h| &mut h.limits);
    store
}

/// Advances `engine`'s epoch once `after` has passed, unless dropped first: the
/// wall-time limit of one run.
pub(crate) struct Alarm {
    cancel: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Alarm {
    pub(crate) fn start(engine: &Engine, after: Duration) -> Alarm {
        let (cancel, cancelled) = std::sync::mpsc::channel::<()>();
        let engine = engine.clone();
        let thread = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = cancelled.recv_timeout(after) {
                engine.increment_epoch();
            }
        });
        Alarm {
            cancel: Some(cancel),
            thread: Some(thread),
        }
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        // Dropping the sender wakes the timer thread, which then ends at once.
        drop(self.cancel.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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
        cfg,
    } = loaded;
    let limit = cfg.memory_limit.unwrap_or(DEFAULT_MEMORY_LIMIT);
    let mut store = new_store(engine, cfg, stdin, stdout, stderr);
    let count_fuel = cfg.count_fuel || cfg.fuel.is_some();
    let initial_fuel = cfg.fuel.unwrap_or(u64::MAX);
    if count_fuel {
        store
            .set_fuel(initial_fuel)
            .map_err(|e| RunError::Module(e.to_string()))?;
    }
    if cfg.timeout.is_some() {
        // Trap at the first epoch check after the alarm advances the epoch.
        store.set_epoch_deadline(1);
    }
    let instance = linker
        .instantiate(&mut store, module)
        .map_err(|e| RunError::Module(e.to_string()))?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(|e| RunError::Module(e.to_string()))?;
    let alarm = cfg.timeout.map(|t| Alarm::start(engine, t));
    let result = start.call(&mut store, ());
    drop(alarm);
    let fuel = count_fuel.then(|| initial_fuel - store.get_fuel().unwrap_or(initial_fuel));
    if result.is_err() {
        // A program stopped by a limit or a trap may have output in its buffer: write
        // it (with the limits lifted; a program that exited has flushed already and
        // its buffer is empty).
        if count_fuel {
            let _ = store.set_fuel(u64::MAX);
        }
        if cfg.timeout.is_some() {
            store.set_epoch_deadline(1 << 32);
        }
        if let Ok(flush) =
            instance.get_typed_func::<(), ()>(&mut store, chocopy_codegen::FLUSH_EXPORT)
        {
            let _ = flush.call(&mut store, ());
        }
    }
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
            // The heap is full: ChocoPy's `Out of memory` (the program's output so far
            // was flushed above).
            if e.downcast_ref::<wasmtime::GcHeapOutOfMemory<()>>()
                .is_some()
                || format!("{e:?}").contains("out of memory")
            {
                let host = store.data_mut();
                let _ = writeln!(host.stdout, "{}", RuntimeError::OutOfMemory.message());
                let _ = writeln!(
                    host.stderr,
                    "the program needed more than the memory limit of {limit} bytes (--memory-limit)"
                );
                let _ = host.stdout.flush();
                let _ = host.stderr.flush();
                return Ok(Outcome {
                    exit_code: RuntimeError::OutOfMemory.code(),
                    fuel,
                    globals,
                });
            }
            let msg = match e.downcast_ref::<Trap>() {
                Some(Trap::OutOfFuel) => {
                    return Err(RunError::OutOfFuel(initial_fuel));
                }
                Some(Trap::Interrupt) => {
                    return Err(RunError::Timeout(cfg.timeout.unwrap_or_default()));
                }
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
