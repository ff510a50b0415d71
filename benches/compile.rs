//! Compile time (`cargo bench --bench compile`): the whole build, source text to
//! validated module bytes (`chocopy_driver::compile`, what `chocopy build` does
//! besides reading and writing files), on generated programs of 10,000 and 100,000
//! lines ([`chocopy_gen::scale`]), under each closure strategy; and, on the 100,000
//! lines under `auto`, each phase alone. Criterion reports throughput in `elem/s`, an
//! element being a line; the figures and the 100k/10k time ratio are recorded in
//! `benches/README.md`. Targets: 100k lines under `auto` in at most 0.5 s; 10× the
//! lines in at most 11× the time, for every strategy.

use chocopy_closure::{InlineConfig, Strategy};
use chocopy_driver::{Options, Source};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

// As the `chocopy` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn source(lines: usize) -> Source {
    Source {
        name: format!("scale{lines}.py"),
        text: chocopy_gen::scale::program(lines),
    }
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    for lines in [10_000, 100_000] {
        let src = source(lines);
        let n = src.text.lines().count();
        g.throughput(Throughput::Elements(n as u64));
        for s in Strategy::ALL {
            let opts = Options::with_strategy(s);
            // The program is valid and compiles: the benchmark measures that path.
            assert!(chocopy_driver::compile(&src, &opts).is_ok());
            g.bench_with_input(BenchmarkId::new(s.name(), lines), &src, |b, src| {
                b.iter(|| chocopy_driver::compile(black_box(src), &opts).map(|c| c.wasm.len()))
            });
        }
    }
    g.finish();
}

fn phases(c: &mut Criterion) {
    let src = source(100_000);
    let n = src.text.lines().count();
    let mut g = c.benchmark_group("phase");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("parse", |b| {
        b.iter(|| chocopy_syntax::parse(black_box(&src.text)))
    });
    g.bench_function("check", |b| {
        b.iter(|| {
            let parse = chocopy_syntax::parse(black_box(&src.text));
            chocopy_resolve::check(&parse.tree()).map(|p| p.funcs.len())
        })
    });
    let ir = chocopy_driver::front_end(&src).expect("a valid program");
    let cfg = InlineConfig::default();
    g.bench_function("closure-auto", |b| {
        b.iter(|| {
            chocopy_closure::run(black_box(&ir), Strategy::Auto, &cfg).map(|s| s.lifted.funcs.len())
        })
    });
    let stages = chocopy_closure::run(&ir, Strategy::Auto, &cfg).expect("the pipeline runs");
    let opts = chocopy_codegen::Options::default();
    g.bench_function("codegen", |b| {
        b.iter(|| chocopy_codegen::compile(black_box(&stages.lifted), &opts).map(|w| w.len()))
    });
    let wasm = chocopy_codegen::compile(&stages.lifted, &opts).expect("codegen runs");
    g.bench_function("validate", |b| {
        b.iter(|| chocopy_codegen::validate(black_box(&wasm)))
    });
    g.finish();
}

criterion_group!(benches, build, phases);
criterion_main!(benches);
