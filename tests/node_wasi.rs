//! The modules `chocopy build` writes are plain WASI commands: Node's `node:wasi`
//! (Node 22, whose V8 runs WasmGC) runs them to the same output and exit code as our
//! wasmtime runner, for every test program and every pa3 benchmark (and the pa3
//! program reading standard input), under every closure strategy.

mod common;

use chocopy_closure::Strategy;
use chocopy_driver::Options;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn pa3_result(p: &Path) -> String {
    let mut s = std::fs::read_to_string(format!("{}.ast.typed.s.result", p.display())).unwrap();
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

#[test]
fn node_runs_built_modules_with_the_same_output() {
    let node = common::node22().expect(
        "Node 22 or later is required (the README's setup installs it under .tools/node22)",
    );
    let pa3 = common::shared().join("conformance/berkeley/pa3");
    let mut cases: Vec<(PathBuf, String)> = common::programs()
        .into_iter()
        .map(|p| {
            let e = common::expected(&p);
            (p, e)
        })
        .collect();
    for name in ["exp", "prime", "sieve", "stdlib", "tree"] {
        let p = pa3.join(format!("benchmarks/{name}.py"));
        let e = pa3_result(&p);
        cases.push((p, e));
    }
    let input = pa3.join("sample/input.py");
    let e = pa3_result(&input);
    cases.push((input, e));

    let dir = std::env::temp_dir().join(format!("chocopy-node-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for ((p, expected), s) in cases
        .iter()
        .flat_map(|c| Strategy::ALL.into_iter().map(move |s| (c, s)))
    {
        let compiled =
            chocopy_driver::compile(&common::source(p), &Options::with_strategy(s)).unwrap();
        let wasm = dir.join(format!("{}-{}.wasm", common::name(p), s.name()));
        std::fs::write(&wasm, &compiled.wasm).unwrap();
        let stdin = match std::fs::File::open(format!("{}.in", p.display())) {
            Ok(f) => Stdio::from(f),
            Err(_) => Stdio::null(),
        };
        let out = Command::new(&node)
            .arg(common::root().join("tests/support/run_wasi.mjs"))
            .arg(&wasm)
            .stdin(stdin)
            .output()
            .unwrap();
        let got = common::format_run(&out.stdout, out.status.code().unwrap_or(-1));
        if &got != expected {
            failures.push(format!(
                "{} ({}): node printed\n{got}{}",
                common::name(p),
                s.name(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
