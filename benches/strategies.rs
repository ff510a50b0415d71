//! The closure-strategy benchmark: `cargo bench --bench strategies`.
//!
//! For every program of `benches/strategies/` (nested-function-heavy programs) and
//! the five pa3 benchmarks (`benches/programs/`, scaled up), under each of the
//! strategies `ref`, `lift`, `inline` and `auto`, it measures:
//! - the module size in bytes;
//! - executed WebAssembly instructions (wasmtime fuel: deterministic);
//! - the `Ref` cells allocated (an instrumented build,
//!   `chocopy_codegen::Options::stats`; the rest of the heap is the engine's
//!   garbage-collected heap);
//! - wall time of the run (instantiation and execution, not compilation): the median
//!   of repeated runs.
//!
//! Every strategy must print the same output. The report, one row per program with
//! ratios against `ref`, goes to `benches/strategies.md` (or the file named by
//! `STRATEGIES_REPORT`). A second table sweeps the thresholds of `auto`
//! ([`InlineConfig`]) over the nested-function suite: executed instructions and module
//! size against `ref`, the measurement behind the defaults. A custom harness rather than criterion: the numbers are
//! counts read from the engine and a table across strategies, not a statistical
//! comparison of one function's timings.

use chocopy_closure::{InlineConfig, Strategy};
use chocopy_driver::runner::{self, Loaded, RunConfig, SharedBuf};
use chocopy_driver::{Options, Source};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Measurements of one program under one strategy.
#[derive(Debug, Clone, Default)]
struct Measure {
    size: u64,
    fuel: u64,
    cells: u64,
    time: f64,
}

/// Whether a program is one of our nested-function suite (not a pa3 benchmark).
fn is_suite(name: &str) -> bool {
    !["exp", "prime", "sieve", "stdlib", "tree"].contains(&name)
}

fn programs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("benches/strategies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    v.sort();
    for name in ["exp", "prime", "sieve", "stdlib", "tree"] {
        v.push(root.join(format!("benches/programs/{name}.py")));
    }
    v
}

fn global(outcome: &runner::Outcome, name: &str) -> u64 {
    outcome
        .globals
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0, |(_, v)| *v as u32 as u64)
}

fn run_once(loaded: &Loaded) -> (Vec<u8>, runner::Outcome) {
    let out = SharedBuf::default();
    let outcome = loaded
        .run(
            Box::new(std::io::empty()),
            Box::new(out.clone()),
            Box::new(std::io::sink()),
        )
        .expect("benchmark programs run");
    (out.take(), outcome)
}

fn measure(src: &Source, s: Strategy, runs: usize) -> (Measure, Vec<u8>) {
    let mut opts = Options::with_strategy(s);
    let wasm = chocopy_driver::compile(src, &opts)
        .expect("benchmark programs compile")
        .wasm;
    opts.codegen.stats = true;
    let instrumented = chocopy_driver::compile(src, &opts).unwrap().wasm;
    let counting = Loaded::new(
        &wasm,
        &RunConfig {
            count_fuel: true,
            ..RunConfig::default()
        },
    )
    .unwrap();
    let (output, outcome) = run_once(&counting);
    let stats = Loaded::new(&instrumented, &RunConfig::default()).unwrap();
    let (_, st) = run_once(&stats);
    let plain = Loaded::new(&wasm, &RunConfig::default()).unwrap();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            run_once(&plain);
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let m = Measure {
        size: wasm.len() as u64,
        fuel: outcome.fuel.unwrap_or(0),
        cells: global(&st, "cells"),
        time: times[times.len() / 2],
    };
    (m, output)
}

/// Executed instructions and module size of `src` compiled with `opts`.
fn fuel_and_size(src: &Source, opts: &Options) -> (u64, u64) {
    let wasm = chocopy_driver::compile(src, opts)
        .expect("benchmark programs compile")
        .wasm;
    let counting = Loaded::new(
        &wasm,
        &RunConfig {
            count_fuel: true,
            ..RunConfig::default()
        },
    )
    .unwrap();
    let (_, outcome) = run_once(&counting);
    (outcome.fuel.unwrap_or(0), wasm.len() as u64)
}

/// The threshold settings the sweep tries; the first is the default.
fn sweep_configs() -> Vec<(String, InlineConfig)> {
    let d = InlineConfig::default();
    let mut v = vec![("defaults".to_string(), d.clone())];
    for size in [10, 20, 30, 60] {
        v.push((
            format!("flexible_inline_max_size = {size}"),
            InlineConfig {
                flexible_inline_max_size: size,
                ..d.clone()
            },
        ));
    }
    v.push((
        "allow_functions_with_loops".into(),
        InlineConfig {
            allow_functions_with_loops: true,
            ..d.clone()
        },
    ));
    v.push((
        "allow_functions_with_calls".into(),
        InlineConfig {
            allow_functions_with_calls: true,
            ..d.clone()
        },
    ));
    v.push((
        "one_caller_inline_max_size = 0".into(),
        InlineConfig {
            one_caller_inline_max_size: 0,
            ..d.clone()
        },
    ));
    v.push((
        "max_iterations = 1".into(),
        InlineConfig {
            max_iterations: 1,
            ..d
        },
    ));
    v
}

/// Reads one measurement.
type Metric = fn(&Measure) -> f64;

fn human(n: u64) -> String {
    match n {
        n if n >= 10_000_000 => format!("{:.1}M", n as f64 / 1e6),
        n if n >= 10_000 => format!("{:.1}k", n as f64 / 1e3),
        n => n.to_string(),
    }
}

fn ratio(x: f64, base: f64) -> String {
    if base == 0.0 {
        if x == 0.0 {
            "=".into()
        } else {
            "+".into()
        }
    } else {
        format!("{:.2}", x / base)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects programs by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let report_path = std::env::var("STRATEGIES_REPORT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/strategies.md"));
    let rows = runner::on_big_stack(move || {
        let mut rows = Vec::new();
        for p in programs() {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
                continue;
            }
            let src = chocopy_driver::load(p.to_str().unwrap()).unwrap();
            let mut ms = Vec::new();
            let mut first: Option<Vec<u8>> = None;
            for s in Strategy::ALL {
                let (m, out) = measure(&src, s, runs);
                match &first {
                    None => first = Some(out),
                    Some(f) => assert_eq!(f, &out, "{name}: {} prints something else", s.name()),
                }
                eprintln!("{name:>20} {:>6}: {m:?}", s.name());
                ms.push(m);
            }
            rows.push((name, ms, src));
        }
        // Why auto keeps functions out of line, per program.
        let kept: Vec<Vec<String>> = rows
            .iter()
            .map(|(_, _, src)| {
                let cfg = InlineConfig::default();
                let ir = chocopy_driver::front_end(src).unwrap();
                let st = chocopy_closure::run(&ir, Strategy::Auto, &cfg).unwrap();
                st.verdicts
                    .iter()
                    .filter(|(_, v)| v.decision == chocopy_closure::auto::Decision::TooCostly)
                    .map(|(f, v)| {
                        let name = chocopy_closure::report::qualified_name(&ir, *f);
                        format!("{name} ({})", v.explain(&cfg))
                    })
                    .collect()
            })
            .collect();
        // The sweep, over the nested-function suite only.
        let mut sweep = Vec::new();
        for (label, cfg) in sweep_configs() {
            let (mut lf, mut ls, mut n) = (0.0, 0.0, 0.0);
            for (name, ms, src) in &rows {
                if !is_suite(name) {
                    continue;
                }
                let mut opts = Options::with_strategy(Strategy::Auto);
                opts.inline = cfg.clone();
                let (fuel, size) = fuel_and_size(src, &opts);
                lf += (fuel as f64 / ms[0].fuel as f64).ln();
                ls += (size as f64 / ms[0].size as f64).ln();
                n += 1.0;
            }
            eprintln!("sweep {label}: {:.3} {:.3}", (lf / n).exp(), (ls / n).exp());
            sweep.push((label, (lf / n).exp(), (ls / n).exp()));
        }
        let rows: Vec<(String, Vec<Measure>)> = rows.into_iter().map(|(n, m, _)| (n, m)).collect();
        Ok((rows, sweep, kept))
    })
    .unwrap();
    let (rows, sweep, kept) = rows;

    let mut md = String::new();
    md.push_str("# Closure strategies benchmark\n\n");
    md.push_str("Generated by `cargo bench --bench strategies` (`benches/strategies.rs`). For each program,\n");
    md.push_str(
        "the `ref` column is absolute; `lift`, `inline` and `auto` are ratios against `ref`\n",
    );
    md.push_str(
        "(lower is better). *Instructions*: executed WebAssembly instructions (wasmtime fuel).\n",
    );
    md.push_str("*Cells*: `Ref` cells allocated.\n");
    md.push_str("*Size*: module bytes. *Time*: median wall time of ");
    md.push_str(&format!("{runs} runs of the compiled module.\n\n"));
    md.push_str("| program | instr. ref | lift | inline | auto | cells ref | lift | inline | auto | size ref | lift | inline | auto | time ref (ms) | lift | inline | auto |\n");
    md.push_str(
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut logs = [0.0f64; 4];
    let mut suite_logs = [0.0f64; 4];
    let mut suite_n = 0.0;
    for (name, ms) in &rows {
        let r = &ms[0];
        let mut line = format!("| {name} ");
        let metrics: [(Metric, String); 4] = [
            (|m| m.fuel as f64, human(r.fuel)),
            (|m| m.cells as f64, human(r.cells)),
            (|m| m.size as f64, human(r.size)),
            (|m| m.time, format!("{:.1}", r.time * 1e3)),
        ];
        for (get, abs) in metrics.iter() {
            line.push_str(&format!("| {abs} "));
            for m in &ms[1..] {
                line.push_str(&format!("| {} ", ratio(get(m), get(r))));
            }
        }
        line.push_str("|\n");
        md.push_str(&line);
        for (i, m) in ms.iter().enumerate() {
            let l = (m.fuel as f64 / r.fuel as f64).ln();
            logs[i] += l;
            if is_suite(name) {
                suite_logs[i] += l;
            }
        }
        suite_n += is_suite(name) as u8 as f64;
    }
    let n = rows.len() as f64;
    let geo = |logs: [f64; 4], n: f64| -> String {
        Strategy::ALL
            .iter()
            .zip(logs)
            .map(|(s, l)| format!("{} {:.3}", s.name(), (l / n).exp()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    md.push_str(&format!(
        "\nGeometric mean of executed instructions against `ref`, nested-function suite ({suite_n} programs): {}.\n",
        geo(suite_logs, suite_n)
    ));
    md.push_str(&format!(
        "With the pa3 benchmarks too ({n} programs): {}.\n",
        geo(logs, n)
    ));
    // Where auto is not the best by executed instructions.
    let mut exceptions = Vec::new();
    for ((name, ms), kept) in rows.iter().zip(&kept) {
        let best = ms.iter().map(|m| m.fuel).min().unwrap();
        if ms[3].fuel > best {
            let i = ms.iter().position(|m| m.fuel == best).unwrap();
            exceptions.push(format!(
                "- {name}: auto executes {:.1}% more instructions than {}, whose module is {:.0}% larger: \
                 auto keeps out of line {}.",
                (ms[3].fuel as f64 / best as f64 - 1.0) * 100.0,
                Strategy::ALL[i].name(),
                (ms[i].size as f64 / ms[3].size as f64 - 1.0) * 100.0,
                kept.join("; ")
            ));
        }
    }
    md.push_str(
        "\nPrograms where `auto` executes more instructions than the best fixed strategy:\n",
    );
    if exceptions.is_empty() {
        md.push_str("none.\n");
    } else {
        md.push_str(&exceptions.join("\n"));
        md.push('\n');
    }
    md.push_str("\n## Thresholds of `auto`\n\n");
    md.push_str("`auto` on the nested-function suite with one threshold of `InlineConfig` changed at a time:\n");
    md.push_str("geometric means against `ref` of executed instructions and of module size.\n\n");
    md.push_str("| setting | instructions | module size |\n|---|---:|---:|\n");
    for (label, f, sz) in &sweep {
        md.push_str(&format!("| {label} | {f:.3} | {sz:.3} |\n"));
    }
    std::fs::write(&report_path, &md).unwrap();
    println!("{md}");
}
