//! `chocopy`: compile ChocoPy to WebAssembly, run it, or check it.

use chocopy_closure::Strategy;
use chocopy_driver::{runner, Options, Source, Stage, StrategyOpt};
use chocopy_ir::print::Naming;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

// The front end allocates many small tree and IR nodes: mimalloc, called as `malloc`
// is (see `chocopy_driver::alloc`).
#[global_allocator]
static ALLOCATOR: chocopy_driver::alloc::Allocator = chocopy_driver::alloc::Allocator;

/// An optimizing compiler from ChocoPy to WebAssembly.
#[derive(Parser)]
#[command(name = "chocopy", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile FILE and run it (program output on stdout, exit code of the program).
    Run {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        limits: Limits,
    },
    /// Compile FILE to a WASI command module.
    Build {
        #[command(flatten)]
        common: Common,
        /// Where to write the module.
        #[arg(short, long, value_name = "OUT.wasm")]
        output: std::path::PathBuf,
    },
    /// Parse and type-check FILE; report errors.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Run the language server (Language Server Protocol over standard input and
    /// output), for editors.
    Lsp,
    /// An interactive session: each entry is compiled to its own module, linked to
    /// the earlier entries' (with FILE: run FILE first, then go on, like `python -i`).
    Repl(ReplArgs),
    /// The playground: serve a web page (editor, runs, every stage, a REPL) and its
    /// compile API on http://HOST:PORT/ (the page is built in; it runs programs in
    /// the browser).
    Serve(ServeArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to bind: loopback by default, so that only this machine can reach
    /// the compiler.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Longest a compilation may take (seconds) before the request fails.
    #[arg(long, default_value = "10", value_name = "SECONDS", value_parser = parse_seconds)]
    compile_timeout: std::time::Duration,
}

#[derive(Args)]
struct ReplArgs {
    /// A ChocoPy file to run as the first entry.
    file: Option<String>,
    /// How nested functions are compiled (see `chocopy run --help`).
    #[arg(long, default_value = "auto", value_name = "STRATEGY")]
    closure: Strategy,
    #[command(flatten)]
    limits: Limits,
    /// Memory limit of the session in bytes, past which an entry fails with `Out of
    /// memory`.
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    memory_limit: u64,
    /// Write the module of the N-th compiled entry to DIR/entry-N.wasm (entry-0 is
    /// the base module holding the shared memory and runtime state).
    #[arg(long, value_name = "DIR")]
    save_modules: Option<std::path::PathBuf>,
}

#[derive(Args)]
struct Common {
    /// The ChocoPy source file.
    file: String,
    /// How nested functions are compiled: `ref` (box every captured, assigned
    /// variable), `lift` (box only nonlocally assigned ones), `inline` (inline every
    /// non-recursive nested function), `auto` (heuristic).
    #[arg(long, default_value = "auto", value_name = "STRATEGY")]
    closure: Strategy,
    /// Print a pipeline stage instead of running or writing a module: ast, ir,
    /// inlined, boxed, lifted, wat; or closure-report, what the closure passes did
    /// with each nested function and captured variable, and why; or ast-json,
    /// typed-ast-json, the (typed) AST as JSON in the reference implementation's
    /// format (printed even when there are errors, which it lists).
    #[arg(long, value_name = "STAGE")]
    emit: Option<Stage>,
    /// With --emit of an IR stage: print names CPython accepts (`f_g` for `f$g`), so
    /// that `python3` can run the output.
    #[arg(long)]
    runnable: bool,
    /// With --emit of an IR stage: print the IR text format (exact types: `<None>`,
    /// `Ref[int]`), which `chocopy_ir::read` reads back (filetests are written in it).
    #[arg(long, conflicts_with = "runnable")]
    ir_text: bool,
    /// Memory limit of the program in bytes, past which it fails with `Out of memory`.
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    memory_limit: u64,
    /// Run the IR verifier after every pass (always on in debug builds of the
    /// compiler): an invalid IR is reported as an internal compiler error.
    #[arg(long)]
    verify_ir: bool,
}

/// Limits of a run: past one, the program stops with a message on stderr naming the
/// limit and exit code 124 (time) or 125 (fuel).
#[derive(Args)]
struct Limits {
    /// Stop the program after SECONDS of wall time (exit code 124).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: Option<std::time::Duration>,
    /// Stop the program after N executed WebAssembly instructions, deterministically
    /// (exit code 125).
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
}

fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    std::time::Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("`{s}` is not a valid number of seconds"))
}

impl Common {
    fn options(&self) -> Options {
        let mut o = Options {
            strategy: StrategyOpt(self.closure),
            ..Options::default()
        };
        o.verify_ir |= self.verify_ir;
        o
    }
}

fn fail(rendered: &str) -> ExitCode {
    eprint!("{rendered}");
    ExitCode::from(1)
}

use chocopy_driver::COMPILER_STACK;

mod repl;

fn main() -> ExitCode {
    chocopy_driver::no_transparent_huge_pages();
    let cli = Cli::parse();
    // Every pass walks expression trees recursively, and a chain of operators flat
    // in the source is as deep as it is long (up to `MAX_TREE_DEPTH` levels): give
    // the compiler room. The stack is reserved address space, committed only as
    // used.
    let worker = std::thread::Builder::new()
        .stack_size(COMPILER_STACK)
        .spawn(move || real_main(cli))
        .expect("cannot start the compiler thread");
    worker.join().unwrap_or_else(|_| {
        eprintln!("error: internal compiler error (panic)");
        ExitCode::from(101)
    })
}

fn real_main(cli: Cli) -> ExitCode {
    let common = match &cli.command {
        Command::Run { common, .. } | Command::Build { common, .. } | Command::Check { common } => {
            common
        }
        Command::Lsp => {
            return match chocopy_lsp::serve_stdio() {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("error: language server: {e}\n")),
            }
        }
        Command::Repl(args) => return repl::main(args),
        Command::Serve(args) => return serve(args),
    };
    let src: Source = match chocopy_driver::load(&common.file) {
        Ok(s) => s,
        Err(f) => return fail(&f.rendered),
    };
    chocopy_driver::huge_pages_for(src.text.len());
    let opts = common.options();
    if let Some(stage @ (Stage::AstJson | Stage::TypedAstJson)) = common.emit {
        // The JSON goes to stdout even when it lists errors, as the reference's does;
        // the errors are also rendered for humans on stderr.
        let (json, failure) = chocopy_driver::ast_json(&src, stage == Stage::TypedAstJson);
        print!("{json}");
        return match failure {
            Some(f) => fail(&f.rendered),
            None => ExitCode::SUCCESS,
        };
    }
    if let Some(stage) = common.emit {
        let naming = if common.runnable {
            Naming::Python
        } else if common.ir_text {
            Naming::Text
        } else {
            Naming::Ir
        };
        return match chocopy_driver::emit(&src, stage, &opts, naming) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(f) => fail(&f.rendered),
        };
    }
    match &cli.command {
        Command::Lsp | Command::Repl(_) | Command::Serve(_) => unreachable!("returned above"),
        Command::Check { .. } => match chocopy_driver::front_end(&src) {
            // The process ends now: its memory goes back without freeing the IR.
            Ok(program) => {
                std::mem::forget(program);
                ExitCode::SUCCESS
            }
            Err(f) => fail(&f.rendered),
        },
        Command::Build { output, .. } => {
            let wasm = match chocopy_driver::build(&src, &opts) {
                Ok(w) => w,
                Err(f) => return fail(&f.rendered),
            };
            if let Err(e) = std::fs::write(output, &wasm) {
                return fail(&format!(
                    "error: cannot write `{}`: {e}\n",
                    output.display()
                ));
            }
            ExitCode::SUCCESS
        }
        Command::Run { limits, .. } => {
            let wasm = match chocopy_driver::build(&src, &opts) {
                Ok(w) => w,
                Err(f) => return fail(&f.rendered),
            };
            let cfg = runner::RunConfig {
                fuel: limits.fuel,
                timeout: limits.timeout,
                memory_limit: Some(common.memory_limit),
                ..runner::RunConfig::default()
            };
            let result = runner::run(
                &wasm,
                Box::new(std::io::stdin()),
                Box::new(std::io::BufWriter::new(std::io::stdout())),
                Box::new(std::io::stderr()),
                &cfg,
            );
            match result {
                Ok(outcome) => ExitCode::from(outcome.exit_code.clamp(0, 255) as u8),
                Err(e) => {
                    let _ = std::io::stdout().flush();
                    eprintln!("error: {e}");
                    ExitCode::from(e.exit_code() as u8)
                }
            }
        }
    }
}

fn serve(args: &ServeArgs) -> ExitCode {
    use chocopy_driver::serve;
    let host = if args.host.contains(':') {
        format!("[{}]", args.host)
    } else {
        args.host.clone()
    };
    let cfg = serve::ServeConfig {
        addr: format!("{host}:{}", args.port),
        compile_timeout: args.compile_timeout,
    };
    let (server, addr) = match serve::bind(&cfg) {
        Ok(s) => s,
        Err(e) => return fail(&format!("error: {e}\n")),
    };
    println!("playground: http://{addr}/");
    let _ = std::io::stdout().flush();
    serve::serve(server, cfg);
    ExitCode::SUCCESS
}
