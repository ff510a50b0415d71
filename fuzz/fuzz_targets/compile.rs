//! Generated programs, mutated, through every closure strategy and code generation:
//! a program the front end accepts must compile under each strategy (the IR
//! verifies after every pass) to a module wasmparser validates. The first eight
//! bytes choose the program; the rest are token-level mutations of it.
#![no_main]

use chocopy_closure::{InlineConfig, Strategy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let seed = u64::from_le_bytes(data[..8].try_into().unwrap());
    let (p, layout) = chocopy_gen::generate(seed, &chocopy_gen::Config::default());
    let text = chocopy_gen::print_program(&p, chocopy_gen::Mode::Plain, layout);
    let text = chocopy_gen::mutate::mutate_with_bytes(&text, &data[8..]);
    let src = chocopy_driver::Source {
        name: "fuzz.py".into(),
        text,
    };
    let Ok(ir) = chocopy_driver::front_end(&src) else {
        return;
    };
    for s in Strategy::ALL {
        let stages = chocopy_closure::run(&ir, s, &InlineConfig::default())
            .unwrap_or_else(|e| panic!("{} failed: {e}\n{}", s.name(), src.text));
        let wasm = chocopy_codegen::compile(&stages.lifted, &chocopy_codegen::Options::default())
            .unwrap_or_else(|e| panic!("codegen ({}) failed: {e}\n{}", s.name(), src.text));
        if let Err(e) = chocopy_codegen::validate(&wasm) {
            panic!("invalid module ({}): {e}\n{}", s.name(), src.text);
        }
    }
});
