//! Compile time (`cargo bench --bench compile`): the whole build, source text to
//! validated module bytes (`chocopy_driver::build`, what `chocopy build` does
//! besides reading and writing files), on generated programs of 10,000 and 100,000
//! lines ([`chocopy_gen::scale`]), under each closure strategy; and, on the 100,000
//! lines under `auto`, each phase alone. Criterion reports throughput in `elem/s`, an
//! element being a line; the figures and the 100k/10k time ratio are recorded in
//! `benches/README.md`. Release builds run without the IR verifier (as the `chocopy`
//! binary does); `build/auto-verified` adds it after every pass. Targets: 100k lines under `auto` in at most 0.5 s; 10× the
//! lines in at most 11× the time, for every strategy.

use chocopy_closure::{InlineConfig, Strategy};
use chocopy_driver::{Options, Source};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

// As the `chocopy` binary.
#[global_allocator]
static ALLOCATOR: chocopy_driver::alloc::Allocator = chocopy_driver::alloc::Allocator;

fn source(lines: usize) -> Source {
    Source {
        name: format!("scale{lines}.py"),
        text: chocopy_gen::scale::program(lines),
    }
}

fn build(c: &mut Criterion) {
    // As the `chocopy` binary.
    chocopy_driver::no_transparent_huge_pages();
    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    for lines in [10_000, 100_000] {
        let src = source(lines);
        // As the `chocopy` binary once it has read the source.
        chocopy_driver::huge_pages_for(src.text.len());
        let n = src.text.lines().count();
        g.throughput(Throughput::Elements(n as u64));
        for s in Strategy::ALL {
            let opts = Options::with_strategy(s);
            // The program is valid and compiles: the benchmark measures that path.
            assert!(chocopy_driver::build(&src, &opts).is_ok());
            g.bench_with_input(BenchmarkId::new(s.name(), lines), &src, |b, src| {
                b.iter(|| chocopy_driver::build(black_box(src), &opts).map(|w| w.len()))
            });
        }
    }
    // The same with the IR verifier after every pass (the default of debug builds).
    let src = source(100_000);
    chocopy_driver::huge_pages_for(src.text.len());
    let opts = Options {
        verify_ir: true,
        ..Options::default()
    };
    g.throughput(Throughput::Elements(src.text.lines().count() as u64));
    g.bench_with_input(
        BenchmarkId::new("auto-verified", 100_000),
        &src,
        |b, src| b.iter(|| chocopy_driver::build(black_box(src), &opts).map(|w| w.len())),
    );
    g.finish();
}

fn phases(c: &mut Criterion) {
    let src = source(100_000);
    chocopy_driver::huge_pages_for(src.text.len());
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
        b.iter_batched(
            || ir.clone(),
            |ir| chocopy_closure::lower(ir, Strategy::Auto, &cfg, false).map(|p| p.funcs.len()),
            criterion::BatchSize::LargeInput,
        )
    });
    let lifted = chocopy_closure::lower(ir, Strategy::Auto, &cfg, true).expect("the pipeline runs");
    let opts = chocopy_codegen::Options::default();
    g.bench_function("codegen", |b| {
        b.iter(|| chocopy_codegen::compile(black_box(&lifted), &opts).map(|w| w.len()))
    });
    let wasm = chocopy_codegen::compile(&lifted, &opts).expect("codegen runs");
    g.bench_function("validate", |b| {
        b.iter(|| chocopy_codegen::validate(black_box(&wasm)))
    });
    g.finish();
}

criterion_group!(benches, build, phases);
criterion_main!(benches);
