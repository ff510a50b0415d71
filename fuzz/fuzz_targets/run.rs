//! Generated programs run under a fuel limit: each compiles under every strategy,
//! runs without a trap that is no ChocoPy error, and all strategies print the same
//! and exit with the same code (or all run out of fuel). The first eight bytes
//! choose the program.
#![no_main]

use chocopy_closure::Strategy;
use chocopy_driver::runner::{self, RunConfig, RunError};
use chocopy_driver::{Options, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let seed = u64::from_le_bytes(data[..8].try_into().unwrap());
    let (p, layout) = chocopy_gen::generate(seed, &chocopy_gen::Config::default());
    let text = chocopy_gen::print_program(&p, chocopy_gen::Mode::Plain, layout);
    let src = Source {
        name: "fuzz.py".into(),
        text,
    };
    let cfg = RunConfig {
        fuel: Some(20_000_000),
        ..RunConfig::default()
    };
    let mut results = Vec::new();
    for s in Strategy::ALL {
        let compiled =
            chocopy_driver::compile(&src, &Options::with_strategy(s)).unwrap_or_else(|f| {
                panic!(
                    "{} does not compile:\n{}\n{}",
                    s.name(),
                    f.rendered,
                    src.text
                )
            });
        let r = match runner::run_captured(&compiled.wasm, b"", &cfg) {
            Ok((out, outcome)) => Some((out, outcome.exit_code)),
            Err(RunError::OutOfFuel(_)) => None,
            Err(e) => panic!("{}: {e}\n{}", s.name(), src.text),
        };
        results.push((s, r));
    }
    let finished: Vec<_> = results.iter().filter(|(_, r)| r.is_some()).collect();
    for w in finished.windows(2) {
        assert_eq!(
            w[0].1,
            w[1].1,
            "{} and {} disagree on\n{}",
            w[0].0.name(),
            w[1].0.name(),
            src.text
        );
    }
});
