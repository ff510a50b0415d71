//! `chocopy-gen`: differential testing on generated programs.
//!
//! ```sh
//! cargo run --release -p chocopy-gen -- --count 10000 --seed 0      # CPython vs every strategy
//! cargo run --release -p chocopy-gen -- --print 42                  # one program
//! cargo run --release -p chocopy-gen -- --reference --count 2000    # front end vs the reference
//! cargo run --release -p chocopy-gen -- --reference --mutated --count 2000
//! ```
//!
//! Test case `S` is the first program generated from seeds `16 S`, `16 S + 1`, ...
//! that CPython runs within the generator's promises (32-bit integers, sizes, time).
//! Every mismatch is reduced and printed; the exit code is 1 when there was one.

use chocopy_gen::diff::{Checker, Verdict};
use chocopy_gen::{generate, print_program, reduce, reference, Config, Layout, Mode, Program};
use clap::Parser;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// Differential testing of the chocopy-wasm compiler on generated programs.
#[derive(Parser)]
#[command(name = "chocopy-gen")]
struct Cli {
    /// Number of test cases.
    #[arg(long, default_value_t = 100)]
    count: u64,
    /// The first test case.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Parallel workers (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Print the program of test case SEED (its first generation attempt) and exit.
    #[arg(long, value_name = "SEED")]
    print: Option<u64>,
    /// With --print: the checked variant run by CPython.
    #[arg(long)]
    checked: bool,
    /// Do not reduce failing programs.
    #[arg(long)]
    no_reduce: bool,
    /// Checks per reduction, at most.
    #[arg(long, default_value_t = 3000)]
    reduce_budget: usize,
    /// Compare the front end with the reference implementation (needs java).
    #[arg(long)]
    reference: bool,
    /// With --reference: token-level mutants of the generated programs.
    #[arg(long)]
    mutated: bool,
    /// With --reference: compare these files instead of generated programs.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    files: Vec<std::path::PathBuf>,
    /// Write each failing (reduced) program into this directory.
    #[arg(long, value_name = "DIR")]
    save: Option<std::path::PathBuf>,
}

/// The outcome of one test case.
enum Case {
    Passed {
        exit: i32,
        lines: usize,
        attempts: u32,
    },
    Rejected,
    Failed {
        report: String,
        reduced: String,
    },
}

fn attempt_seed(case: u64, attempt: u64) -> u64 {
    case.wrapping_mul(16).wrapping_add(attempt)
}

fn run_case(checker: &mut Checker, case: u64, cfg: &Config, cli: &Cli) -> Case {
    for attempt in 0..16 {
        let (p, layout) = generate(attempt_seed(case, attempt), cfg);
        let plain = print_program(&p, Mode::Plain, layout);
        let checked = print_program(&p, Mode::Checked, layout);
        match checker.check(&plain, &checked, None) {
            Verdict::Rejected(_) => continue,
            Verdict::Pass(exit) => {
                return Case::Passed {
                    exit,
                    lines: plain.lines().count(),
                    attempts: attempt as u32 + 1,
                }
            }
            Verdict::Fail(ms) => {
                let mut report = format!(
                    "test case {case} (generator seed {}): {} mismatch(es)\n",
                    attempt_seed(case, attempt),
                    ms.len()
                );
                for m in &ms {
                    report.push_str(&format!(
                        "- {}:\n  expected {}\n  got      {}\n",
                        m.at,
                        m.expected,
                        m.got.lines().next().unwrap_or_default()
                    ));
                }
                let reduced = if cli.no_reduce {
                    plain
                } else {
                    let (small, checks) =
                        reduce::reduce(checker, &p, layout, &ms[0].at, cli.reduce_budget);
                    let text = print_program(&small, Mode::Plain, layout);
                    report.push_str(&format!(
                        "reduced from {} to {} lines in {checks} checks; fails at {}:\n",
                        plain.lines().count(),
                        text.lines().count(),
                        ms[0].at
                    ));
                    let checked = print_program(&small, Mode::Checked, layout);
                    if let Verdict::Fail(ms) = checker.check(&text, &checked, Some(&ms[0].at)) {
                        for m in ms {
                            report.push_str(&format!(
                                "  expected {}\n  got      {}\n",
                                m.expected,
                                m.got.lines().next().unwrap_or_default()
                            ));
                        }
                    }
                    text
                };
                return Case::Failed { report, reduced };
            }
        }
    }
    Case::Rejected
}

fn differential(cli: &Cli) -> i32 {
    let cfg = Config::default();
    let jobs = cli
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let next = AtomicU64::new(cli.seed);
    let end = cli.seed + cli.count;
    let (tx, rx) = mpsc::channel::<(u64, Case)>();
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            let cfg = &cfg;
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(s, move || {
                    let mut checker = match Checker::new() {
                        Ok(c) => c,
                        Err(e) => {
                            eprintln!("error: cannot start python3: {e}");
                            return;
                        }
                    };
                    loop {
                        let case = next.fetch_add(1, Ordering::SeqCst);
                        if case >= end {
                            break;
                        }
                        let r = run_case(&mut checker, case, cfg, cli);
                        if tx.send((case, r)).is_err() {
                            break;
                        }
                    }
                })
                .expect("worker thread");
        }
        drop(tx);
        let mut passed = 0u64;
        let mut rejected = 0u64;
        let mut failed = 0u64;
        let mut lines = 0usize;
        let mut errors: BTreeMap<i32, u64> = BTreeMap::new();
        let mut attempts = 0u64;
        let mut done = 0u64;
        for (case, r) in rx {
            done += 1;
            match r {
                Case::Passed {
                    exit,
                    lines: l,
                    attempts: a,
                } => {
                    passed += 1;
                    lines += l;
                    attempts += a as u64;
                    *errors.entry(exit).or_default() += 1;
                }
                Case::Rejected => rejected += 1,
                Case::Failed { report, reduced } => {
                    failed += 1;
                    println!("{report}{reduced}");
                    if let Some(dir) = &cli.save {
                        let _ = std::fs::create_dir_all(dir);
                        let _ = std::fs::write(dir.join(format!("case{case}.py")), &reduced);
                    }
                }
            }
            if done.is_multiple_of(500) {
                eprintln!(
                    "{done} of {} ({failed} failed) in {:.0} s",
                    cli.count,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        let exits: Vec<String> = errors
            .iter()
            .map(|(code, n)| format!("exit {code}: {n}"))
            .collect();
        println!(
            "{} test cases from {}: {passed} passed, {failed} failed, {rejected} without a valid program in 16 attempts; \
             {lines} lines in the passing programs ({:.0} on average); {attempts} programs generated for them; {}; {:.1} s",
            cli.count,
            cli.seed,
            lines as f64 / passed.max(1) as f64,
            exits.join(", "),
            started.elapsed().as_secs_f64()
        );
        i32::from(failed > 0)
    })
}

fn main() {
    let cli = Cli::parse();
    if let Some(seed) = cli.print {
        let (p, layout): (Program, Layout) = generate(attempt_seed(seed, 0), &Config::default());
        let mode = if cli.checked {
            Mode::Checked
        } else {
            Mode::Plain
        };
        print!("{}", print_program(&p, mode, layout));
        return;
    }
    let code = if cli.reference && !cli.files.is_empty() {
        reference::files(&cli.files)
    } else if cli.reference {
        reference::main(cli.seed, cli.count, cli.mutated, cli.save.as_deref())
    } else {
        differential(&cli)
    };
    std::process::exit(code);
}
