//! Language server latency (`cargo bench --bench lsp`): on a generated program of
//! 10,000 lines ([`chocopy_gen::scale`]), a one-character change (a digit of an
//! attribute's initial value, flipped at each iteration), which re-parses and
//! re-checks the document, followed by one request, as an editor sends them while
//! someone types. Target: every request answered within 50 ms after the change
//! (figures in `benches/README.md`).

use chocopy_lsp::document::Document;
use criterion::{criterion_group, criterion_main, Criterion};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use std::hint::black_box;

// As the `chocopy` binary.
#[global_allocator]
static ALLOCATOR: chocopy_driver::alloc::Allocator = chocopy_driver::alloc::Allocator;

/// (line, column) of the first occurrence of `needle` plus `offset` characters.
fn find(text: &str, needle: &str, offset: u32) -> Position {
    let (line, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .expect("the generated program has it");
    Position::new(line as u32, l.find(needle).unwrap() as u32 + offset)
}

fn latency(c: &mut Criterion) {
    // As the `chocopy` binary.
    chocopy_driver::no_transparent_huge_pages();
    let text = chocopy_gen::scale::program(10_000);
    let lines = text.lines().count();
    assert!(lines >= 10_000);
    let mut doc = Document::new(text.clone(), 0);
    assert!(doc.diagnostics().is_empty());
    // `    total: int = 0`: the digit.
    let digit = find(&text, "total: int = 0", 13);
    let count = find(&text, "count = count + 1", 8);
    let bump = find(&text, "bump(x)", 0);
    let step_body = find(&text, "return len(s)", 7);
    let mut version = 0;
    let mut flip = move |doc: &mut Document| {
        version += 1;
        let d = if version % 2 == 0 { "0" } else { "1" };
        doc.change(
            &[TextDocumentContentChangeEvent {
                range: Some(Range::new(
                    digit,
                    Position::new(digit.line, digit.character + 1),
                )),
                range_length: None,
                text: d.into(),
            }],
            version,
        );
    };
    let mut g = c.benchmark_group("lsp_10k_lines");
    g.sample_size(20);
    g.bench_function("change", |b| b.iter(|| flip(&mut doc)));
    g.bench_function("change+diagnostics", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.diagnostics().len())
        })
    });
    g.bench_function("change+hover", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.hover(count))
        })
    });
    // Hover on a nested function runs the closure passes on the whole program.
    g.bench_function("change+hover_nested_function", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.hover(bump))
        })
    });
    g.bench_function("change+definition", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.definition(count))
        })
    });
    g.bench_function("change+references", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.references(count, true).len())
        })
    });
    g.bench_function("change+completion", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.completions(step_body).len())
        })
    });
    g.bench_function("change+semantic_tokens", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.semantic_tokens().len())
        })
    });
    g.bench_function("change+document_symbols", |b| {
        b.iter(|| {
            flip(&mut doc);
            black_box(doc.symbols().len())
        })
    });
    g.finish();
}

criterion_group!(benches, latency);
criterion_main!(benches);
