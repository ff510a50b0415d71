//! Front-end throughput (`cargo bench --bench frontend`): lexing, parsing to the
//! lossless tree, and the whole front end (parse, name resolution and type checking
//! to IR, what `chocopy check` does), in lines per second on a generated program of
//! 100,000 lines. Criterion reports the throughput as `elem/s` (an element is a
//! line); the figures are recorded in `benches/README.md`. Target: 1,000,000 lines/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

// As the `chocopy` binary.
#[global_allocator]
static ALLOCATOR: chocopy_driver::alloc::Allocator = chocopy_driver::alloc::Allocator;

/// One 49-line unit of the generated program: a class with methods, functions with
/// loops, a nested function with `nonlocal`, lists, strings and conditionals. `{i}`
/// makes names unique; the statements after `items{i}` go to the end of the program
/// (ChocoPy wants declarations first).
const UNIT: &str = r#"class Shape{i}(object):
    w: int = 0
    h: int = 0
    name: str = "shape"
    def __init__(self: "Shape{i}"):
        self.w = {i} % 7
        self.h = 3
    def area(self: "Shape{i}") -> int:
        return self.w * self.h
    def scaled(self: "Shape{i}", k: int) -> "Shape{i}":
        s: Shape{i} = None
        s = Shape{i}()
        s.w = self.w * k
        s.h = self.h * k
        return s

def sum_list{i}(xs: [int]) -> int:
    total: int = 0
    x: int = 0
    for x in xs:
        total = total + x
    return total

def count{i}(n: int) -> int:
    acc: int = 0
    def step(k: int) -> int:
        nonlocal acc
        acc = acc + k
        return acc
    while n > 0:
        if n % 2 == 0:
            step(n // 2)
        elif n % 3 == 0:
            step(-n)
        else:
            step(1)
        n = n - 1
    return acc

def describe{i}(flag: bool) -> str:
    msg: str = ""
    msg = "yes" if flag else "no"
    return msg + " " + "{i}"

items{i}: [int] = None
items{i} = [1, 2, 3, {i}]
print(sum_list{i}(items{i}) + count{i}(10))
print(Shape{i}().scaled(2).area())
print(describe{i}(not False and True))
"#;

/// A valid program of `units` × 49 lines.
fn program(units: usize) -> String {
    let mut decls = String::new();
    let mut stmts = String::new();
    for i in 0..units {
        let unit = UNIT.replace("{i}", &i.to_string());
        let split = unit.find("items").expect("the unit has statements");
        let split = split + unit[split..].find('\n').unwrap() + 1;
        decls.push_str(&unit[..split]);
        stmts.push_str(&unit[split..]);
    }
    decls + &stmts
}

fn frontend(c: &mut Criterion) {
    // As the `chocopy` binary.
    chocopy_driver::no_transparent_huge_pages();
    let text = program(100_000 / UNIT.lines().count() + 1);
    // As the `chocopy` binary once it has read the source.
    chocopy_driver::huge_pages_for(text.len());
    let lines = text.lines().count();
    assert!(lines >= 100_000, "{lines} lines");
    // The program is valid: the benchmark measures the error-free path.
    let parse = chocopy_syntax::parse(&text);
    assert!(parse.errors().is_empty(), "{:?}", &parse.errors()[..1]);
    assert!(chocopy_resolve::check(&parse.tree()).is_ok());

    let mut g = c.benchmark_group("frontend");
    g.throughput(Throughput::Elements(lines as u64));
    g.sample_size(20);
    g.bench_function("lex", |b| {
        b.iter(|| chocopy_syntax::lexer::lex(black_box(&text)))
    });
    g.bench_function("parse", |b| {
        b.iter(|| chocopy_syntax::parse(black_box(&text)))
    });
    g.bench_function("check", |b| {
        b.iter(|| {
            let parse = chocopy_syntax::parse(black_box(&text));
            chocopy_resolve::check(&parse.tree())
        })
    });
    // Name resolution and type checking alone, on an already parsed tree.
    let parsed = chocopy_syntax::parse(&text);
    g.bench_function("resolve", |b| {
        b.iter_with_large_drop(|| chocopy_resolve::check(black_box(&parsed.tree())))
    });
    // The same without freeing the tree and the IR (timed apart by criterion): what
    // a compiler that exits right after (or goes on to code generation) pays.
    g.bench_function("check_without_drop", |b| {
        b.iter_with_large_drop(|| {
            let parse = chocopy_syntax::parse(black_box(&text));
            let ir = chocopy_resolve::check(&parse.tree());
            (parse, ir)
        })
    });
    // Both on one thread (a large file is parsed and checked on two), for comparison.
    g.bench_function("parse_one_thread", |b| {
        b.iter(|| chocopy_syntax::parse_sequential(black_box(&text)))
    });
    g.bench_function("check_without_drop_one_thread", |b| {
        b.iter_with_large_drop(|| {
            let parse = chocopy_syntax::parse_sequential(black_box(&text));
            let ir = chocopy_resolve::lower::analyze_with_threshold(&parse.tree(), usize::MAX);
            (parse, ir)
        })
    });
    g.finish();
}

criterion_group!(benches, frontend);
criterion_main!(benches);
