//! Differential testing of one program: CPython against every closure strategy and
//! against the printed IR of every pass.
//!
//! The expected behaviour is CPython's run of the program's checked variant
//! ([`crate::ast::Mode::Checked`]), with a runtime error mapped to the reference
//! implementation's message and exit code (design notes, "Target and runtime").
//! Then:
//! - the front end must accept the program;
//! - the IR after lowering, and after inlining, boxing and lifting under each of
//!   `ref`, `lift`, `inline` and `auto`, printed as Python ([`Naming::Python`]), must
//!   behave the same under CPython;
//! - the pipeline must verify, codegen must produce a module wasmparser validates,
//!   and the module run by wasmtime (with a fuel limit) must print the same and exit
//!   with the same code.
//!
//! A panic anywhere is a failure like any other, so that one bad program never stops
//! a run of thousands.

use crate::python::{Python, Ran, Status};
use chocopy_closure::{InlineConfig, Strategy};
use chocopy_driver::runner::{self, RunConfig};
use chocopy_ir::print::{print_program, Naming};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Where a program went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Where {
    /// CPython raised an exception the generator should have prevented (a generator
    /// bug, not a compiler bug).
    Generator,
    /// The front end rejected the program (or panicked).
    FrontEnd,
    /// The printed IR of a stage behaves differently under CPython: the stage name
    /// (`ir`, `inlined`, `boxed`, `lifted`) under a strategy (`None` for `ir`).
    Stage(Option<Strategy>, &'static str),
    /// The closure pipeline failed (a verifier error or a panic) under a strategy.
    Pipeline(Strategy),
    /// Code generation or module validation failed under a strategy.
    Codegen(Strategy),
    /// The compiled module printed something else, exited differently, or trapped.
    Run(Strategy),
}

impl std::fmt::Display for Where {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Where::Generator => write!(f, "generator (CPython raised an unexpected exception)"),
            Where::FrontEnd => write!(f, "front end"),
            Where::Stage(None, s) => write!(f, "printed {s} under CPython"),
            Where::Stage(Some(st), s) => write!(f, "printed {s} ({}) under CPython", st.name()),
            Where::Pipeline(s) => write!(f, "closure pipeline ({})", s.name()),
            Where::Codegen(s) => write!(f, "codegen ({})", s.name()),
            Where::Run(s) => write!(f, "compiled program ({})", s.name()),
        }
    }
}

/// One difference from the expected behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where.
    pub at: Where,
    /// What was expected (output and exit code, or a description).
    pub expected: String,
    /// What happened instead.
    pub got: String,
}

/// The result of checking one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Everything agreed; the expected exit code (0, or a runtime error's).
    Pass(i32),
    /// CPython rejected the program (overflow, size, time): not a test.
    Rejected(String),
    /// At least one mismatch.
    Fail(Vec<Mismatch>),
}

/// The checker: a CPython worker and the limits of runs.
pub struct Checker {
    python: Python,
    /// Wall-time limit of a CPython run.
    pub python_limit: Duration,
    /// Instruction limit of a compiled run (a miscompiled endless loop is a
    /// failure, not a hang).
    pub fuel: u64,
    /// The strategies compiled.
    pub strategies: Vec<Strategy>,
}

fn show(r: &(String, i32)) -> String {
    format!("{:?} (exit code {})", r.0, r.1)
}

fn show_ran(r: &Ran) -> String {
    match r.as_chocopy() {
        Some(x) => show(&x),
        None => format!("{:?} after {:?}", r.status, r.out),
    }
}

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = e.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = e.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".into()
    }
}

impl Checker {
    /// A checker with a fresh CPython worker. Errors: `python3` cannot be started.
    pub fn new() -> std::io::Result<Checker> {
        Ok(Checker {
            python: Python::start()?,
            python_limit: Duration::from_secs(2),
            fuel: 20_000_000_000,
            strategies: Strategy::ALL.to_vec(),
        })
    }

    /// Runs a program under CPython.
    pub fn python(&mut self, program: &str) -> Ran {
        self.python.run(program, self.python_limit)
    }

    /// Checks the program `plain` whose checked variant (for CPython) is `checked`.
    /// With `focus`, only what can show that failure is run (the reducer's
    /// predicate).
    pub fn check(&mut self, plain: &str, checked: &str, focus: Option<&Where>) -> Verdict {
        let oracle = self.python(checked);
        let expected = match &oracle.status {
            Status::Reject(why) => return Verdict::Rejected(why.clone()),
            Status::Unexpected(e) => {
                return Verdict::Fail(vec![Mismatch {
                    at: Where::Generator,
                    expected: "a ChocoPy program's behaviour".into(),
                    got: e.clone(),
                }])
            }
            _ => oracle.as_chocopy().expect("ok or error"),
        };
        let mut fails = Vec::new();
        let src = chocopy_driver::Source {
            name: "generated.py".into(),
            text: plain.to_string(),
        };
        let ir = match catch_unwind(AssertUnwindSafe(|| chocopy_driver::front_end(&src))) {
            Ok(Ok(ir)) => ir,
            Ok(Err(f)) => {
                return Verdict::Fail(vec![Mismatch {
                    at: Where::FrontEnd,
                    expected: "the program is accepted".into(),
                    got: f.rendered,
                }])
            }
            Err(e) => {
                return Verdict::Fail(vec![Mismatch {
                    at: Where::FrontEnd,
                    expected: "no panic".into(),
                    got: panic_text(e),
                }])
            }
        };
        let wants = |w: &Where| focus.is_none_or(|f| f == w);
        let mut cache: HashMap<String, Ran> = HashMap::new();
        let mut stage = |this: &mut Checker, at: Where, prog: &chocopy_ir::Program| {
            if !wants(&at) {
                return None;
            }
            let text = print_program(prog, Naming::Python);
            let ran = cache
                .entry(text.clone())
                .or_insert_with(|| this.python(&text))
                .clone();
            (ran.as_chocopy().as_ref() != Some(&expected)).then(|| Mismatch {
                at,
                expected: show(&expected),
                got: format!("{}\n{text}", show_ran(&ran)),
            })
        };
        fails.extend(stage(self, Where::Stage(None, "ir"), &ir));
        for s in self.strategies.clone() {
            let interested = focus.is_none_or(|f| match f {
                Where::Stage(Some(x), _)
                | Where::Pipeline(x)
                | Where::Codegen(x)
                | Where::Run(x) => *x == s,
                _ => false,
            });
            if !interested {
                continue;
            }
            let stages = catch_unwind(AssertUnwindSafe(|| {
                chocopy_closure::run(&ir, s, &InlineConfig::default())
            }));
            let stages = match stages {
                Ok(Ok(st)) => st,
                Ok(Err(e)) => {
                    fails.push(Mismatch {
                        at: Where::Pipeline(s),
                        expected: "the IR verifies after every pass".into(),
                        got: e.to_string(),
                    });
                    continue;
                }
                Err(e) => {
                    fails.push(Mismatch {
                        at: Where::Pipeline(s),
                        expected: "no panic".into(),
                        got: panic_text(e),
                    });
                    continue;
                }
            };
            for (name, prog) in [
                ("inlined", &stages.inlined),
                ("boxed", &stages.boxed),
                ("lifted", &stages.lifted),
            ] {
                fails.extend(stage(self, Where::Stage(Some(s), name), prog));
            }
            if !(wants(&Where::Codegen(s)) || wants(&Where::Run(s))) {
                continue;
            }
            let wasm = catch_unwind(AssertUnwindSafe(|| {
                let w =
                    chocopy_codegen::compile(&stages.lifted, &chocopy_codegen::Options::default())
                        .map_err(|e| e.to_string())?;
                chocopy_codegen::validate(&w)?;
                Ok::<_, String>(w)
            }));
            let wasm = match wasm {
                Ok(Ok(w)) => w,
                Ok(Err(e)) => {
                    fails.push(Mismatch {
                        at: Where::Codegen(s),
                        expected: "a valid module".into(),
                        got: e,
                    });
                    continue;
                }
                Err(e) => {
                    fails.push(Mismatch {
                        at: Where::Codegen(s),
                        expected: "no panic".into(),
                        got: panic_text(e),
                    });
                    continue;
                }
            };
            if !wants(&Where::Run(s)) {
                continue;
            }
            let cfg = RunConfig {
                fuel: Some(self.fuel),
                ..RunConfig::default()
            };
            let got = match runner::run_captured(&wasm, b"", &cfg) {
                Ok((out, outcome)) => (
                    String::from_utf8_lossy(&out).into_owned(),
                    outcome.exit_code,
                ),
                Err(e) => (format!("{e}"), -1),
            };
            if got != expected {
                fails.push(Mismatch {
                    at: Where::Run(s),
                    expected: show(&expected),
                    got: show(&got),
                });
            }
        }
        if fails.is_empty() {
            Verdict::Pass(expected.1)
        } else {
            Verdict::Fail(fails)
        }
    }
}
