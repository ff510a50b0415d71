//! Differential testing on generated programs (`crates/gen`): a fixed range of test
//! cases, each run by CPython (the expected output) and compiled under each of
//! `ref`, `lift`, `inline` and `auto`, with the printed IR of every pass also run by
//! CPython. Every mismatch is reduced and shown; the test fails if there is one.
//!
//! Any other range: `cargo run --release -p chocopy-gen -- --count N --seed S`.

use chocopy_gen::diff::{Checker, Verdict};
use chocopy_gen::{generate, print_program, reduce, Config, Mode};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Test cases 0..CASES, as `chocopy-gen --count CASES --seed 0` runs them.
const CASES: u64 = 300;

#[test]
fn generated_programs_behave_under_every_strategy_as_under_cpython() {
    let next = AtomicU64::new(0);
    let failures = Mutex::new(Vec::<String>::new());
    let passed = AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(s, || {
                    let mut checker = Checker::new().expect("python3 runs (CPython is the oracle)");
                    loop {
                        let case = next.fetch_add(1, Ordering::SeqCst);
                        if case >= CASES {
                            break;
                        }
                        // The first attempt CPython accepts, as the command does.
                        for attempt in 0..16 {
                            let (p, layout) = generate(case * 16 + attempt, &Config::default());
                            let plain = print_program(&p, Mode::Plain, layout);
                            let checked = print_program(&p, Mode::Checked, layout);
                            match checker.check(&plain, &checked, None) {
                                Verdict::Rejected(_) => continue,
                                Verdict::Pass(_) => {
                                    passed.fetch_add(1, Ordering::SeqCst);
                                }
                                Verdict::Fail(ms) => {
                                    let (small, _) =
                                        reduce::reduce(&mut checker, &p, layout, &ms[0].at, 400);
                                    let mut text = format!("test case {case}:\n");
                                    for m in &ms {
                                        text.push_str(&format!(
                                            "- {}: expected {}, got {}\n",
                                            m.at,
                                            m.expected,
                                            m.got.lines().next().unwrap_or_default()
                                        ));
                                    }
                                    text.push_str("reduced:\n");
                                    text.push_str(&print_program(&small, Mode::Plain, layout));
                                    failures.lock().unwrap().push(text);
                                }
                            }
                            break;
                        }
                    }
                })
                .expect("worker thread");
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nearly every case finds a valid program (CPython rejects a few attempts for
    // overflow or size): the test ran what it claims.
    assert!(passed.load(Ordering::SeqCst) >= CASES - 3);
}
