//! The compiler driver: reads a source file, runs the pipeline, renders diagnostics,
//! and runs modules with wasmtime. The `chocopy` binary is a thin clap layer over it.
//!
//! Pipeline (design notes, "Data flow"): parse ([`chocopy_syntax`]) → lower, resolve
//! and type-check ([`chocopy_resolve`]) → closure strategy ([`chocopy_closure`]:
//! inline, box, lift) → WebAssembly ([`chocopy_codegen`]) → run ([`runner`]).

#![warn(missing_docs)]

pub mod alloc;
pub mod diagnostics;
pub mod runner;
pub mod serve;
pub mod session;

use chocopy_closure::{InlineConfig, Stages, Strategy};
use chocopy_ir::print::{print_program, Naming};
use chocopy_ir::Program;
use diagnostics::Diagnostic;

/// Everything that configures a compilation.
#[derive(Debug, Clone)]
pub struct Options {
    /// How nested functions are compiled.
    pub strategy: StrategyOpt,
    /// Thresholds of the `auto` strategy.
    pub inline: InlineConfig,
    /// Code generation options (the source for error sites, statistics).
    pub codegen: chocopy_codegen::Options,
    /// Run the IR verifier after every pass of [`build`] (an invalid IR is then an
    /// internal compiler error naming the pass). On by default in debug builds (so in
    /// every test), off in release builds, as wasmtime leaves Cranelift's verifier
    /// off in production (`Config::cranelift_debug_verifier`); `chocopy
    /// --verify-ir` turns it on. [`compile`] always verifies.
    pub verify_ir: bool,
}

// Not derivable: `verify_ir` is on in debug builds (clippy sees only the release one).
#[allow(clippy::derivable_impls)]
impl Default for Options {
    fn default() -> Self {
        Options {
            strategy: StrategyOpt::default(),
            inline: InlineConfig::default(),
            codegen: chocopy_codegen::Options::default(),
            verify_ir: cfg!(debug_assertions),
        }
    }
}

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing).
/// mimalloc asks for them for its arenas: each first touch of one then zeroes 2 MiB,
/// which a short compile-and-run never uses (measured on the pa3 `prime` benchmark:
/// 70 ms of CPU with them, 56 ms without; on the front-end benchmark a quarter of
/// the time went to zeroing them). Call it first thing in `main`, as the `chocopy`
/// binary and the benchmarks do, then [`huge_pages_for`] once the source is read.
pub fn no_transparent_huge_pages() {
    set_transparent_huge_pages(false);
}

/// The source size (bytes) from which the compiler uses transparent huge pages:
/// 256 KiB, about 10,000 lines. A large program fills the huge pages it touches,
/// and one fault per 2 MiB replaces 512 faults of 4 KiB pages: `chocopy check` of
/// 100,000 lines spent 124 ms in the kernel without them, 41 ms with them (hyperfine,
/// 30 runs; benches/README.md). From 10,000 lines on they cost nothing.
pub const HUGE_PAGES_MIN_SOURCE: usize = 256 << 10;

/// Turns transparent huge pages on for this process if the source to compile has
/// `source_len` bytes or more ([`HUGE_PAGES_MIN_SOURCE`]), off otherwise (Linux;
/// elsewhere nothing). It applies to memory touched from now on.
pub fn huge_pages_for(source_len: usize) {
    set_transparent_huge_pages(source_len >= HUGE_PAGES_MIN_SOURCE);
}

fn set_transparent_huge_pages(on: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, libc::c_ulong::from(!on), 0, 0, 0);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}

/// The closure strategy, `auto` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrategyOpt(pub Strategy);

impl Default for StrategyOpt {
    fn default() -> Self {
        StrategyOpt(Strategy::Auto)
    }
}

impl Options {
    /// Default options with strategy `s`.
    pub fn with_strategy(s: Strategy) -> Options {
        Options {
            strategy: StrategyOpt(s),
            ..Options::default()
        }
    }
}

/// A pipeline stage that `--emit` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The lossless syntax tree.
    Ast,
    /// The IR after name resolution and type checking.
    Ir,
    /// After the inlining pass.
    Inlined,
    /// After the boxing pass.
    Boxed,
    /// After lambda lifting.
    Lifted,
    /// The WebAssembly text of the module.
    Wat,
    /// What the closure passes did with each nested function and captured variable.
    ClosureReport,
    /// The AST as JSON in the reference implementation's format (`--pass=r`).
    AstJson,
    /// The typed AST as JSON in the reference implementation's format (`--pass=rr`).
    TypedAstJson,
}

impl std::str::FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Stage, String> {
        Ok(match s {
            "ast" => Stage::Ast,
            "ir" => Stage::Ir,
            "inlined" => Stage::Inlined,
            "boxed" => Stage::Boxed,
            "lifted" => Stage::Lifted,
            "wat" => Stage::Wat,
            "closure-report" => Stage::ClosureReport,
            "ast-json" => Stage::AstJson,
            "typed-ast-json" => Stage::TypedAstJson,
            _ => {
                return Err(format!(
                    "unknown stage `{s}` (ast, ir, inlined, boxed, lifted, wat, closure-report, ast-json, typed-ast-json)"
                ))
            }
        })
    }
}

/// A source file: its name (for diagnostics) and text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given by the user.
    pub name: String,
    /// The contents.
    pub text: String,
}

/// A compilation that failed: diagnostics rendered for humans (file:line:col and a
/// snippet each), and the same errors as data, for tools (the playground). The
/// process should exit with code 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Rendered diagnostics, ready for stderr.
    pub rendered: String,
    /// Each error at its place in the source (empty for a failure with no place,
    /// such as an internal compiler error).
    pub errors: Vec<Located>,
}

/// An error at a byte range of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Byte offsets into the source text.
    pub range: std::ops::Range<usize>,
    /// The message (without the file name and position).
    pub message: String,
}

impl Failure {
    /// A failure with no place in the source: `message` rendered as an error.
    pub fn plain(message: &str) -> Failure {
        Failure {
            rendered: diagnostics::render_plain(message),
            errors: Vec::new(),
        }
    }
}

/// Reads a source file. Errors (missing file, not UTF-8, 4 GiB or more: the syntax
/// tree's offsets are 32-bit) become rendered diagnostics.
pub fn load(path: &str) -> Result<Source, Failure> {
    let cannot = |e: std::io::Error| Failure::plain(&format!("cannot read `{path}`: {e}"));
    if std::fs::metadata(path).map_err(cannot)?.len() > u64::from(u32::MAX) {
        return Err(Failure::plain(&format!(
            "`{path}` is too large: source files must be smaller than 4 GiB"
        )));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source {
            name: path.to_string(),
            text,
        }),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // The replacement character sits where the bad byte was.
            let start = String::from_utf8_lossy(&e.as_bytes()[..at]).len();
            let end = (start + '\u{fffd}'.len_utf8()).min(lossy.len());
            let d = Diagnostic::error(
                start..end,
                "source file is not valid UTF-8".into(),
                "this byte sequence is not UTF-8".into(),
            );
            Err(Failure {
                rendered: diagnostics::render(path, &lossy, &[d]),
                errors: vec![Located {
                    range: start..end,
                    message: "source file is not valid UTF-8".into(),
                }],
            })
        }
    }
}

/// Renders errors given as (byte range, message, label) against `src`.
fn render_errors<'e>(
    src: &Source,
    errors: impl Iterator<Item = (&'e std::ops::Range<usize>, &'e String, &'e String)>,
) -> Failure {
    let mut located = Vec::new();
    let ds: Vec<Diagnostic> = errors
        .map(|(range, message, label)| {
            located.push(Located {
                range: range.clone(),
                message: message.clone(),
            });
            Diagnostic::error(range.clone(), message.clone(), label.clone())
        })
        .collect();
    Failure {
        rendered: diagnostics::render(&src.name, &src.text, &ds),
        errors: located,
    }
}

pub(crate) fn render_syntax_errors(
    src: &Source,
    errors: &[chocopy_syntax::SyntaxError],
) -> Failure {
    render_errors(src, errors.iter().map(|e| (&e.range, &e.message, &e.label)))
}

pub(crate) fn render_semantic_errors(
    src: &Source,
    errors: &[chocopy_resolve::SemanticError],
) -> Failure {
    render_errors(src, errors.iter().map(|e| (&e.range, &e.message, &e.label)))
}

/// The JSON AST of `src` in the reference implementation's format: untyped
/// (`typed == false`, the reference's `.py.ast`) or typed (`.py.ast.typed`), pretty
/// printed. Errors are part of the JSON; they are also returned rendered for humans,
/// when there are any.
pub fn ast_json(src: &Source, typed: bool) -> (String, Option<Failure>) {
    use chocopy_resolve::json::{ast_json, Analysis};
    let parse = chocopy_syntax::parse(&src.text);
    let tree = parse.tree();
    let (value, failure) = if !typed || !parse.errors().is_empty() {
        let failure =
            (!parse.errors().is_empty()).then(|| render_syntax_errors(src, parse.errors()));
        (ast_json(&src.text, &tree, parse.errors(), None), failure)
    } else {
        let (program, errors, typing) = chocopy_resolve::lower_typed(&tree);
        let analysis = Analysis {
            program: &program,
            typing: &typing,
            errors: &errors,
        };
        let failure = (!errors.is_empty()).then(|| render_semantic_errors(src, &errors));
        (ast_json(&src.text, &tree, &[], Some(analysis)), failure)
    };
    (chocopy_resolve::json::to_reference_text(&value), failure)
}

/// Parses and type-checks `src`; on failure, every syntax error, or else every
/// semantic error, is rendered.
pub fn front_end(src: &Source) -> Result<Program, Failure> {
    analyze(src).map(|(parse, p)| {
        drop_in_background(parse);
        p
    })
}

/// Parses and type-checks `src`, keeping the syntax tree.
fn analyze(src: &Source) -> Result<(chocopy_syntax::Parse, Program), Failure> {
    let parse = chocopy_syntax::parse(&src.text);
    if !parse.errors().is_empty() {
        return Err(render_syntax_errors(src, parse.errors()));
    }
    // Errors in the order found: a cause comes before the errors it entails.
    let program =
        chocopy_resolve::check(&parse.tree()).map_err(|errs| render_semantic_errors(src, &errs))?;
    Ok((parse, program))
}

/// Where each function and method is defined, with its qualified name (`f.g`,
/// `A.m`), for runtime error locations. Definitions are items of the file, of class
/// bodies and of function bodies only, so only those are visited (not the
/// statements).
pub(crate) fn source_info(
    src: &Source,
    parse: &chocopy_syntax::Parse,
) -> chocopy_codegen::SourceInfo {
    use chocopy_syntax::ast::{AstNode, Item};
    fn walk(
        items: impl Iterator<Item = Item>,
        prefix: &str,
        out: &mut Vec<(chocopy_ir::Span, String)>,
    ) {
        for item in items {
            match item {
                Item::FuncDef(def) => {
                    let Some(name) = def.name() else { continue };
                    let qualified = format!("{prefix}{}", name.text());
                    let r = def.syntax().text_range();
                    out.push((
                        chocopy_ir::Span::new(r.start().into(), r.end().into()),
                        qualified.clone(),
                    ));
                    if let Some(body) = def.body() {
                        walk(body.items(), &format!("{qualified}."), out);
                    }
                }
                Item::ClassDef(class) => {
                    let Some(name) = class.name() else { continue };
                    if let Some(body) = class.body() {
                        walk(body.items(), &format!("{prefix}{}.", name.text()), out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut functions = Vec::new();
    walk(parse.tree().items(), "", &mut functions);
    chocopy_codegen::SourceInfo {
        file: src.name.clone(),
        text: src.text.clone(),
        functions,
    }
}

/// The result of a whole compilation.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The IR after the front end.
    pub ir: Program,
    /// The IR after each closure pass.
    pub stages: Stages,
    /// The WebAssembly module, validated.
    pub wasm: Vec<u8>,
}

/// Compiles `src` to a validated WebAssembly module, keeping nothing but the module:
/// what `chocopy build` and `chocopy run` do. The syntax tree is dropped once the
/// program is checked and the closure passes transform one program in place
/// ([`chocopy_closure::lower`]); [`compile`] keeps every stage instead.
pub fn build(src: &Source, opts: &Options) -> Result<Vec<u8>, Failure> {
    let (parse, ir) = analyze(src)?;
    let mut codegen = opts.codegen.clone();
    codegen.source = Some(source_info(src, &parse));
    drop_in_background(parse);
    let lifted = chocopy_closure::lower(ir, opts.strategy.0, &opts.inline, opts.verify_ir)
        .map_err(|e| Failure::plain(&e.to_string()))?;
    let wasm = chocopy_codegen::compile(&lifted, &codegen)
        .map_err(|e| Failure::plain(&format!("internal compiler error: {e}")))?;
    drop_in_background(lifted);
    chocopy_codegen::validate(&wasm)
        .map_err(|e| Failure::plain(&format!("internal compiler error: invalid module: {e}")))?;
    Ok(wasm)
}

/// The stack of a thread running the compiler: enough for expressions
/// `chocopy_syntax::parser::MAX_TREE_DEPTH` levels deep in every pass, also in debug
/// builds (measured: about 2.5 KiB a level in release). It is reserved address space,
/// committed only as used.
pub const COMPILER_STACK: usize = 8 << 30;

/// Frees `value` on another thread: a syntax tree or an IR of a large program takes
/// tens of milliseconds to free, which the compilation need not wait for. Freeing
/// recurses as deep as the tree: the thread gets the compiler's stack.
fn drop_in_background<T: Send + 'static>(value: T) {
    if std::thread::Builder::new()
        .name("drop".into())
        .stack_size(COMPILER_STACK)
        .spawn(move || drop(value))
        .is_err()
    {
        // No thread to be had: the value was moved into the failed closure and is
        // freed with it, here.
    }
}

/// Compiles `src` to a validated WebAssembly module, keeping the IR after each pass.
pub fn compile(src: &Source, opts: &Options) -> Result<Compiled, Failure> {
    let (parse, ir) = analyze(src)?;
    let stages = chocopy_closure::run(&ir, opts.strategy.0, &opts.inline)
        .map_err(|e| Failure::plain(&e.to_string()))?;
    let mut codegen = opts.codegen.clone();
    codegen.source = Some(source_info(src, &parse));
    let wasm = chocopy_codegen::compile(&stages.lifted, &codegen)
        .map_err(|e| Failure::plain(&format!("internal compiler error: {e}")))?;
    chocopy_codegen::validate(&wasm)
        .map_err(|e| Failure::plain(&format!("internal compiler error: invalid module: {e}")))?;
    Ok(Compiled { ir, stages, wasm })
}

/// The text of `stage` for `src`: a syntax tree dump, IR printed as ChocoPy/Python
/// (with `naming`), or WebAssembly text.
pub fn emit(src: &Source, stage: Stage, opts: &Options, naming: Naming) -> Result<String, Failure> {
    if matches!(stage, Stage::AstJson | Stage::TypedAstJson) {
        let (text, failure) = ast_json(src, stage == Stage::TypedAstJson);
        return match failure {
            Some(f) => Err(f),
            None => Ok(text),
        };
    }
    if stage == Stage::Ast {
        let parse = chocopy_syntax::parse(&src.text);
        let mut out = chocopy_syntax::debug_tree(&parse.syntax_node());
        for e in parse.errors() {
            out.push_str(&format!("error {:?}: {}\n", e.range, e.message));
        }
        return Ok(out);
    }
    if stage == Stage::Ir {
        return Ok(print_program(&front_end(src)?, naming));
    }
    let c = compile(src, opts)?;
    stage_text(&c, stage, opts, naming)
}

/// The text of `stage` (an IR stage, `closure-report` or `wat`) of a compilation
/// done with `opts`; the syntax tree and JSON stages need the source ([`emit`]).
pub fn stage_text(
    c: &Compiled,
    stage: Stage,
    opts: &Options,
    naming: Naming,
) -> Result<String, Failure> {
    Ok(match stage {
        Stage::Ir => print_program(&c.ir, naming),
        Stage::Inlined => print_program(&c.stages.inlined, naming),
        Stage::Boxed => print_program(&c.stages.boxed, naming),
        Stage::Lifted => print_program(&c.stages.lifted, naming),
        Stage::ClosureReport => {
            chocopy_closure::report::closure_report(&c.ir, &c.stages, opts.strategy.0, &opts.inline)
        }
        Stage::Wat => chocopy_codegen::to_wat(&c.wasm).map_err(|e| Failure::plain(&e))?,
        Stage::Ast | Stage::AstJson | Stage::TypedAstJson => {
            return Err(Failure::plain(
                "the syntax tree and JSON stages are printed from the source",
            ))
        }
    })
}
