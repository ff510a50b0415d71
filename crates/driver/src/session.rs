//! A REPL session: each entry is checked against the earlier entries' declarations,
//! compiled to **its own module** ([`chocopy_codegen::compile_entry`]) and
//! instantiated in one wasmtime store, linked to the earlier entries' instances by
//! name (module [`chocopy_codegen::SESSION_MODULE`]). An entry never recompiles an
//! earlier entry's code.
//!
//! Semantics follow Python's interactive mode where ChocoPy allows: an expression
//! statement ending an entry is echoed as `repr` would show its value (unless it is
//! `None`); a syntax or type error leaves the session unchanged; a runtime error
//! keeps what the entry did before it.

use crate::runner::{self, Exit, Host, RunConfig, RunError};
use crate::{Failure, Options, Source, Stage};
use chocopy_ir::{Const, Expr, Place, Program, Stmt, Type, VarDef, VarId};
use chocopy_resolve::lower::Prelude;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasmtime::{Engine, Extern, Linker, Store, Trap, Val};

/// How an entry ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    /// It ran to the end (its echo, if any, was printed).
    Done,
    /// A syntax or type error (rendered on stderr); the session is unchanged.
    Rejected,
    /// A ChocoPy runtime error with its exit code (the message was printed), or a
    /// limit or trap (described on stderr): what ran before stays done.
    Failed(i32),
}

/// The last entry compiled, for `:emit`.
#[derive(Debug, Clone)]
struct Last {
    source: Source,
    /// The declarations it was checked against.
    prelude: Prelude,
    /// Its module.
    bytes: Vec<u8>,
}

/// The compiler's side of a REPL session: the earlier entries' declarations and the
/// codegen session. It compiles each entry to a module that imports the earlier
/// entries' exports ([`chocopy_codegen::compile_entry`]); whoever instantiates the
/// modules (wasmtime in [`Session`], a browser in the playground) commits an entry
/// once its module is instantiated ([`EntryCompiler::commit`]).
pub struct EntryCompiler {
    prelude: Prelude,
    codegen: chocopy_codegen::Session,
    opts: Options,
    last: Option<Last>,
}

/// An entry compiled against its session, not yet committed.
pub struct CompiledEntry {
    module: chocopy_codegen::EntryModule,
    next: Prelude,
    /// The exported global holding the echoed value, and its static type.
    echo: Option<(String, Type)>,
    source: Source,
}

impl CompiledEntry {
    /// The entry's module (validated).
    pub fn bytes(&self) -> &[u8] {
        &self.module.bytes
    }

    /// Bytes of shared memory the session needs once this module is instantiated:
    /// the host grows the memory to at least this before instantiating it.
    pub fn memory_end(&self) -> u64 {
        self.module.memory_end
    }

    /// The exported global the entry stores its echoed value in (an expression
    /// statement ending the entry), and the value's static type.
    pub fn echo(&self) -> Option<&(String, Type)> {
        self.echo.as_ref()
    }
}

impl EntryCompiler {
    /// A compiler for a new session with `opts`, and the session's base module
    /// (entry 0: the memory and the runtime's globals), already committed.
    pub fn new(opts: Options) -> Result<(EntryCompiler, Vec<u8>), Failure> {
        let mut codegen = chocopy_codegen::Session::new();
        let base = chocopy_codegen::compile_entry(
            &Program::default(),
            &codegen,
            &chocopy_codegen::Before::default(),
            &chocopy_codegen::Options::default(),
        )
        .map_err(|e| Failure::plain(&format!("internal compiler error: {e}")))?;
        codegen.commit(base.update);
        let c = EntryCompiler {
            prelude: Prelude::default(),
            codegen,
            opts,
            last: None,
        };
        Ok((c, base.bytes))
    }

    /// The closure strategy of the following entries.
    pub fn set_strategy(&mut self, s: chocopy_closure::Strategy) {
        self.opts.strategy = crate::StrategyOpt(s);
    }

    /// The names declared at the top level so far.
    pub fn names(&self) -> Vec<String> {
        self.prelude.names()
    }

    /// Entries committed so far, the base module included.
    pub fn entries(&self) -> u32 {
        self.codegen.entries()
    }

    /// Records that `c`'s module is instantiated: its declarations exist from now
    /// on (whatever its statements do when run), for the following entries and for
    /// [`EntryCompiler::emit`].
    pub fn commit(&mut self, c: CompiledEntry) {
        self.codegen.commit(c.module.update);
        let before = std::mem::replace(&mut self.prelude, c.next);
        self.last = Some(Last {
            source: c.source,
            prelude: before,
            bytes: c.module.bytes,
        });
    }

    /// Parses, checks and compiles an entry with the session's options: a syntax
    /// or type error is a [`Failure`] and leaves the session unchanged (so does a
    /// success, until [`EntryCompiler::commit`]).
    pub fn compile(&self, source: &Source) -> Result<CompiledEntry, Failure> {
        let parse = chocopy_syntax::parse(&source.text);
        if !parse.errors().is_empty() {
            return Err(crate::render_syntax_errors(source, parse.errors()));
        }
        let (mut program, mut next) = chocopy_resolve::check_entry(&parse.tree(), &self.prelude)
            .map_err(|errs| crate::render_semantic_errors(source, &errs))?;
        let (vars, funcs, classes) = self.prelude.sizes();
        let before = chocopy_codegen::Before {
            vars,
            funcs,
            classes,
            source_funcs: program.funcs.len(),
        };
        // The echo: an expression statement ending the entry stores its value in a
        // global the host reads (declared in the next prelude too, so that ids stay
        // aligned).
        let echo = echo_global(&mut program, &mut next.program);
        let mut codegen = self.opts.codegen.clone();
        codegen.source = Some(crate::source_info(source, &parse));
        codegen.echo = echo.as_ref().map(|(v, _)| *v);
        let lifted = chocopy_closure::lower(
            program,
            self.opts.strategy.0,
            &self.opts.inline,
            self.opts.verify_ir,
        )
        .map_err(|e| Failure::plain(&e.to_string()))?;
        let module = chocopy_codegen::compile_entry(&lifted, &self.codegen, &before, &codegen)
            .map_err(|e| Failure::plain(&format!("internal compiler error: {e}")))?;
        chocopy_codegen::validate(&module.bytes).map_err(|e| {
            Failure::plain(&format!("internal compiler error: invalid module: {e}"))
        })?;
        let echo = echo.map(|(v, ty)| {
            let name = module
                .globals
                .iter()
                .find(|(g, _)| *g == v)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            (name, ty)
        });
        Ok(CompiledEntry {
            module,
            next,
            echo,
            source: source.clone(),
        })
    }

    /// The text of `stage` for the last entry compiled (checked against the
    /// declarations before it; the IR stages show those declarations' signatures).
    pub fn emit(&self, stage: Stage) -> Result<String, Failure> {
        use chocopy_ir::print::{print_program, Naming};
        let Some(last) = &self.last else {
            return Err(Failure {
                rendered: "no entry compiled yet\n".into(),
                errors: Vec::new(),
            });
        };
        let plain = |e: String| Failure::plain(&e);
        match stage {
            Stage::Ast => {
                let parse = chocopy_syntax::parse(&last.source.text);
                return Ok(chocopy_syntax::debug_tree(&parse.syntax_node()));
            }
            Stage::Wat => return chocopy_codegen::to_wat(&last.bytes).map_err(plain),
            Stage::AstJson | Stage::TypedAstJson => {
                return Err(plain("the JSON stages are for whole programs".into()))
            }
            _ => {}
        }
        let parse = chocopy_syntax::parse(&last.source.text);
        let (ir, _) = chocopy_resolve::check_entry(&parse.tree(), &last.prelude)
            .map_err(|errs| crate::render_semantic_errors(&last.source, &errs))?;
        if stage == Stage::Ir {
            return Ok(print_program(&ir, Naming::Ir));
        }
        let stages = chocopy_closure::run(&ir, self.opts.strategy.0, &self.opts.inline)
            .map_err(|e| plain(e.to_string()))?;
        Ok(match stage {
            Stage::Inlined => print_program(&stages.inlined, Naming::Ir),
            Stage::Boxed => print_program(&stages.boxed, Naming::Ir),
            Stage::Lifted => print_program(&stages.lifted, Naming::Ir),
            _ => chocopy_closure::report::closure_report(
                &ir,
                &stages,
                self.opts.strategy.0,
                &self.opts.inline,
            ),
        })
    }
}

/// A REPL session: the compiler's side ([`EntryCompiler`]) and the engine's (one
/// store and linker for every instance).
pub struct Session {
    engine: Engine,
    store: Store<Host>,
    linker: Linker<Host>,
    compiler: EntryCompiler,
    memory: wasmtime::Memory,
    cfg: RunConfig,
    /// Modules instantiated (the base module is entry 0).
    compiled: u32,
    save_modules: Option<std::path::PathBuf>,
    interrupted: Arc<AtomicBool>,
}

impl Session {
    /// A new session whose programs write to `stdout` and `stderr` and read
    /// `stdin`; its modules are compiled with `opts` and run with `cfg`'s limits
    /// (per entry). With `save_modules`, every module compiled is written to
    /// `DIR/entry-N.wasm` (the base module, which [`Session::new`] instantiates, is
    /// `entry-0.wasm`; the directory is created).
    pub fn new(
        opts: Options,
        cfg: RunConfig,
        save_modules: Option<std::path::PathBuf>,
        stdin: Box<dyn std::io::Read + Send>,
        stdout: Box<dyn Write + Send>,
        stderr: Box<dyn Write + Send>,
    ) -> Result<Session, RunError> {
        let engine = runner::make_engine(&cfg, true)?;
        let linker = runner::wasi_linker(&engine)?;
        let mut store = runner::new_store(&engine, &cfg, stdin, stdout, stderr);
        if cfg.count_fuel || cfg.fuel.is_some() {
            store
                .set_fuel(u64::MAX)
                .map_err(|e| RunError::Module(e.to_string()))?;
        }
        store.set_epoch_deadline(1);
        if let Some(dir) = &save_modules {
            std::fs::create_dir_all(dir)
                .map_err(|e| RunError::Module(format!("cannot create `{}`: {e}", dir.display())))?;
        }
        let (compiler, base) =
            EntryCompiler::new(opts).map_err(|f| RunError::Module(f.rendered))?;
        let module =
            wasmtime::Module::new(&engine, &base).map_err(|e| RunError::Module(e.to_string()))?;
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| RunError::Module(e.to_string()))?;
        let Some(Extern::Memory(memory)) = instance.get_export(&mut store, "memory") else {
            return Err(RunError::Module("the base module has no memory".into()));
        };
        let mut s = Session {
            engine,
            store,
            linker,
            compiler,
            memory,
            cfg,
            compiled: 0,
            save_modules,
            interrupted: Arc::new(AtomicBool::new(false)),
        };
        s.save(&base);
        s.define_exports(&instance, true)?;
        let start = instance
            .get_typed_func::<(), ()>(&mut s.store, "_start")
            .map_err(|e| RunError::Module(e.to_string()))?;
        start
            .call(&mut s.store, ())
            .map_err(|e| RunError::Trap(e.to_string()))?;
        Ok(s)
    }

    /// The flag a Ctrl-C handler sets (with [`Session::interrupt_handle`]) to stop
    /// the running entry.
    pub fn interrupt_handle(&self) -> (Engine, Arc<AtomicBool>) {
        (self.engine.clone(), self.interrupted.clone())
    }

    /// The closure strategy of the following entries.
    pub fn set_strategy(&mut self, s: chocopy_closure::Strategy) {
        self.compiler.set_strategy(s);
    }

    /// The names declared at the top level so far.
    pub fn names(&self) -> Vec<String> {
        self.compiler.names()
    }

    /// The text of `stage` for the last entry compiled ([`EntryCompiler::emit`]).
    pub fn emit(&self, stage: Stage) -> Result<String, Failure> {
        self.compiler.emit(stage)
    }

    fn save(&mut self, bytes: &[u8]) {
        if let Some(dir) = &self.save_modules {
            let path = dir.join(format!("entry-{}.wasm", self.compiled));
            if let Err(e) = std::fs::write(&path, bytes) {
                eprintln!("warning: cannot write `{}`: {e}", path.display());
            }
        }
        self.compiled += 1;
    }

    /// Defines an instance's exports for the entries to come: the base module's
    /// memory and runtime globals, an entry's globals, functions and dispatch tables.
    fn define_exports(
        &mut self,
        instance: &wasmtime::Instance,
        base: bool,
    ) -> Result<(), RunError> {
        let exports: Vec<(String, Extern)> = instance
            .exports(&mut self.store)
            .map(|e| (e.name().to_string(), e.into_extern()))
            .collect();
        for (name, ext) in exports {
            let shared = if base {
                name == "memory" || name.starts_with("rt.")
            } else {
                name.starts_with("global") || name.starts_with("func") || name.starts_with("vtable")
            };
            if shared {
                self.linker
                    .define(&mut self.store, chocopy_codegen::SESSION_MODULE, &name, ext)
                    .map_err(|e| RunError::Module(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// Compiles and runs one entry named `name` (for diagnostics and error sites).
    pub fn run(&mut self, name: &str, text: &str) -> EntryOutcome {
        let mut text = text.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let source = Source {
            name: name.to_string(),
            text,
        };
        match self.compiler.compile(&source) {
            Err(f) => {
                self.flush_host();
                let _ = write!(self.store.data_mut().stderr, "{}", f.rendered);
                self.flush_host();
                EntryOutcome::Rejected
            }
            Ok(c) => self.execute(c),
        }
    }

    fn flush_host(&mut self) {
        let _ = self.store.data_mut().stdout.flush();
        let _ = self.store.data_mut().stderr.flush();
    }

    /// Instantiates and runs a compiled entry.
    fn execute(&mut self, c: CompiledEntry) -> EntryOutcome {
        self.save(&c.module.bytes);
        let fail = |s: &mut Session, msg: String| {
            s.flush_host();
            let _ = writeln!(s.store.data_mut().stderr, "error: {msg}");
            s.flush_host();
            EntryOutcome::Failed(runner::TRAP_EXIT_CODE)
        };
        let module = match wasmtime::Module::new(&self.engine, &c.module.bytes) {
            Ok(m) => m,
            Err(e) => return fail(self, format!("cannot load the entry's module: {e}")),
        };
        // Room for the entry's static data in the shared memory.
        let have = self.memory.size(&self.store);
        let need = c.module.memory_end.div_ceil(65536);
        if need > have {
            if let Err(e) = self.memory.grow(&mut self.store, need - have) {
                return fail(self, format!("cannot grow the memory: {e}"));
            }
        }
        let instance = match self.linker.instantiate(&mut self.store, &module) {
            Ok(i) => i,
            Err(e) => return fail(self, format!("cannot link the entry's module: {e:?}")),
        };
        // The entry's declarations exist from now on, whatever its statements do.
        if let Err(e) = self.define_exports(&instance, false) {
            return fail(self, e.to_string());
        }
        let echo = c.echo.clone();
        self.compiler.commit(c);
        let start = match instance.get_typed_func::<(), ()>(&mut self.store, "_start") {
            Ok(f) => f,
            Err(e) => return fail(self, e.to_string()),
        };
        // Per-entry limits.
        let fuel = self.cfg.fuel;
        if let Some(n) = fuel {
            let _ = self.store.set_fuel(n);
        }
        self.interrupted.store(false, Ordering::SeqCst);
        self.store.set_epoch_deadline(1);
        let alarm = self
            .cfg
            .timeout
            .map(|t| runner::Alarm::start(&self.engine, t));
        let result = start.call(&mut self.store, ());
        drop(alarm);
        if result.is_err() {
            // Lift the limits and write what the entry printed.
            if fuel.is_some() {
                let _ = self.store.set_fuel(u64::MAX);
            }
            self.store.set_epoch_deadline(1 << 32);
            if let Ok(flush) =
                instance.get_typed_func::<(), ()>(&mut self.store, chocopy_codegen::FLUSH_EXPORT)
            {
                let _ = flush.call(&mut self.store, ());
            }
            self.store.set_epoch_deadline(1);
        }
        match result {
            Ok(()) => {
                if let Some((name, ty)) = &echo {
                    if let Some(text) = self.echo(&instance, name, ty) {
                        let _ = writeln!(self.store.data_mut().stdout, "{text}");
                    }
                }
                self.flush_host();
                EntryOutcome::Done
            }
            Err(e) => {
                if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
                    self.flush_host();
                    return EntryOutcome::Failed(*code);
                }
                let msg = match e.downcast_ref::<Trap>() {
                    Some(Trap::OutOfFuel) => {
                        format!("fuel limit exceeded: the entry executed more than {} instructions (--fuel)", fuel.unwrap_or(0))
                    }
                    Some(Trap::Interrupt) if self.interrupted.load(Ordering::SeqCst) => {
                        // As Python: the name alone.
                        self.flush_host();
                        let _ = writeln!(self.store.data_mut().stderr, "KeyboardInterrupt");
                        self.flush_host();
                        return EntryOutcome::Failed(130);
                    }
                    Some(Trap::Interrupt) => format!(
                        "time limit exceeded: the entry ran longer than {} s (--timeout)",
                        self.cfg.timeout.unwrap_or_default().as_secs_f64()
                    ),
                    Some(Trap::StackOverflow) => {
                        "RecursionError: maximum recursion depth exceeded (WebAssembly stack exhausted)".to_string()
                    }
                    _ if e.downcast_ref::<wasmtime::GcHeapOutOfMemory<()>>().is_some()
                        || format!("{e:?}").contains("out of memory") =>
                    {
                        let _ = writeln!(
                            self.store.data_mut().stdout,
                            "{}",
                            chocopy_codegen::RuntimeError::OutOfMemory.message()
                        );
                        self.flush_host();
                        return EntryOutcome::Failed(
                            chocopy_codegen::RuntimeError::OutOfMemory.code(),
                        );
                    }
                    Some(t) => format!("WebAssembly trap: {t}"),
                    None => format!("WebAssembly execution failed: {e}"),
                };
                fail(self, msg)
            }
        }
    }

    /// Python's `repr` of the value in exported global `name` of static type `ty`;
    /// `None` when the value is `None` (not echoed). An `int`, `bool` or `str` is
    /// read here; a list or an object is shown by the entry's own `repr` function
    /// ([`chocopy_codegen::ECHO_REPR_EXPORT`], the one a browser uses too).
    fn echo(&mut self, instance: &wasmtime::Instance, name: &str, ty: &Type) -> Option<String> {
        let Some(Extern::Global(g)) = instance.get_export(&mut self.store, name) else {
            return None;
        };
        let v = g.get(&mut self.store);
        match (&v, ty) {
            (Val::AnyRef(None), _) => None,
            (Val::I32(i), Type::Bool) => Some(if *i != 0 { "True" } else { "False" }.into()),
            (Val::I32(i), _) => Some(i.to_string()),
            (Val::AnyRef(Some(r)), Type::Str) => Some(py_str_repr(&self.str_bytes(r)?)),
            _ => {
                let repr = instance.get_func(&mut self.store, chocopy_codegen::ECHO_REPR_EXPORT)?;
                let mut out = [Val::AnyRef(None)];
                // What is left of the entry's limits does not apply to its echo.
                if self.cfg.fuel.is_some() {
                    let _ = self.store.set_fuel(u64::MAX);
                }
                self.store.set_epoch_deadline(1 << 32);
                let called = repr.call(&mut self.store, &[v], &mut out);
                self.store.set_epoch_deadline(1);
                called.ok()?;
                match &out[0] {
                    Val::AnyRef(Some(s)) => {
                        let s = *s;
                        String::from_utf8(self.str_bytes(&s)?).ok()
                    }
                    _ => None,
                }
            }
        }
    }

    /// The bytes of a `str` (a GC array of `i8`).
    fn str_bytes(&mut self, r: &wasmtime::Rooted<wasmtime::AnyRef>) -> Option<Vec<u8>> {
        let a = r.as_array(&self.store).ok()??;
        let elems = a.elems(&mut self.store).ok()?;
        Some(elems.map(|v| v.i32().unwrap_or(0) as u8).collect())
    }
}

/// Replaces an expression statement ending `p`'s top level whose type is not
/// `<None>` by an assignment to a new global (also added to `next`'s variables);
/// returns that global and the type.
fn echo_global(p: &mut Program, next: &mut Program) -> Option<(VarId, Type)> {
    let Some(Stmt::Expr(e)) = p.main.last() else {
        return None;
    };
    if e.ty == Type::None {
        return None;
    }
    let ty = match &e.ty {
        Type::Empty => Type::List(Box::new(Type::Int)),
        t => t.clone(),
    };
    let span = e.span;
    let v = p.new_var("$echo", ty.clone(), None, span);
    let w = next.new_var("$echo", ty.clone(), None, span);
    debug_assert_eq!(v.index(), w.index());
    p.globals.push(VarDef {
        var: v,
        init: Const::zero(&ty),
    });
    let Some(Stmt::Expr(e)) = p.main.pop() else {
        return None;
    };
    let value = Expr {
        ty: e.ty.clone(),
        ..e
    };
    p.main.push(Stmt::Assign {
        targets: vec![Place::Var(v)],
        value,
    });
    Some((v, ty))
}

/// Python's `repr` of a string of bytes: single quotes unless the text has a single
/// quote and no double quote; backslash escapes for `\\`, the quote, `\n`, `\r`,
/// `\t` and other control bytes.
pub fn py_str_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

/// Splits REPL input into entries, as Python's interactive mode reads them: a
/// simple statement is an entry of one line; a compound statement (its first line
/// ends with `:`) goes on until a blank line, or until a line at column 0 that is
/// not its `elif`/`else`. Blank lines between entries are skipped.
#[derive(Debug, Default)]
pub struct Splitter {
    buf: String,
    compound: bool,
}

impl Splitter {
    /// A splitter with no pending text.
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Whether an entry is in progress (the REPL then shows `... `).
    pub fn pending(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Feeds one line (without its newline); returns the entries it completes.
    pub fn line(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let blank = line.trim().is_empty();
        let at_col0 = !blank && !line.starts_with([' ', '\t']);
        if self.pending() {
            let continues =
                line.trim_start().starts_with("elif") || line.trim_start().starts_with("else");
            if blank || (at_col0 && !(self.compound && continues)) {
                out.push(std::mem::take(&mut self.buf));
                self.compound = false;
            }
        }
        if blank && !self.pending() {
            return out;
        }
        if !self.pending() {
            self.compound = line.trim_end().ends_with(':');
        }
        self.buf.push_str(line);
        self.buf.push('\n');
        if !self.compound {
            out.push(std::mem::take(&mut self.buf));
        }
        out
    }

    /// The entry in progress at the end of input, if any.
    pub fn finish(&mut self) -> Option<String> {
        self.compound = false;
        (!self.buf.is_empty()).then(|| std::mem::take(&mut self.buf))
    }

    /// Drops the entry in progress (Ctrl-C at a `... ` prompt).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.compound = false;
    }
}
