//! The closure report (`--emit=closure-report`) explains every decision in words
//! (reviewed snapshots), and what it says holds at run time: under `lift` and `auto`
//! a program whose captured variables only their owner assigns allocates no `Ref`
//! cell at all.

mod common;

use chocopy_closure::Strategy;
use chocopy_driver::runner::{self, RunConfig};
use chocopy_driver::{Options, Stage};
use chocopy_ir::print::Naming;

fn report(file: &str) -> String {
    let src = common::source(&common::shared().join("examples/seed").join(file));
    Strategy::ALL
        .iter()
        .map(|&s| {
            chocopy_driver::emit(
                &src,
                Stage::ClosureReport,
                &Options::with_strategy(s),
                Naming::Ir,
            )
            .unwrap()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn closure_report_of_nonlocal_shared() {
    insta::assert_snapshot!(report("nonlocal_shared.py"));
}

#[test]
fn closure_report_of_sibling_shadow() {
    insta::assert_snapshot!(report("sibling_shadow.py"));
}

/// Ref cells a program allocates under `strategy` (instrumented build).
fn cells(file: &std::path::Path, strategy: Strategy) -> i32 {
    let mut opts = Options::with_strategy(strategy);
    opts.codegen.stats = true;
    let wasm = chocopy_driver::compile(&common::source(file), &opts)
        .unwrap()
        .wasm;
    let (_, outcome) = runner::run_captured(&wasm, b"", &RunConfig::default()).unwrap();
    outcome
        .globals
        .iter()
        .find(|(n, _)| n == "cells")
        .map(|(_, v)| *v)
        .expect("instrumented modules export cells")
}

#[test]
fn owner_assigned_captures_allocate_no_cells_under_lift_and_auto() {
    // sibling_shadow: g reads f's `n`, which only f assigns.
    let p = common::shared().join("examples/seed/sibling_shadow.py");
    assert!(
        cells(&p, Strategy::Ref) > 0,
        "ref boxes captured, assigned variables"
    );
    assert_eq!(cells(&p, Strategy::Lift), 0);
    assert_eq!(cells(&p, Strategy::Auto), 0);
    // nonlocal_shared: h assigns f's `x`: a cell under lift, none once inlined.
    let p = common::shared().join("examples/seed/nonlocal_shared.py");
    assert_eq!(
        cells(&p, Strategy::Lift),
        1,
        "one cell for the one call of f"
    );
    assert_eq!(cells(&p, Strategy::Inline), 0);
}
