//! The modules `chocopy build` writes are plain WASI commands: Node's `node:wasi`
//! runs them to the same output and exit code as our wasmtime runner.

mod common;

use chocopy_closure::Strategy;
use chocopy_driver::Options;
use std::process::Command;

#[test]
fn node_runs_built_modules_with_the_same_output() {
    assert!(
        common::have("node"),
        "node is required (the README's setup installs it)"
    );
    let dir = std::env::temp_dir().join(format!("chocopy-node-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for p in common::programs() {
        let compiled =
            chocopy_driver::compile(&common::source(&p), &Options::with_strategy(Strategy::Auto))
                .unwrap();
        let wasm = dir.join(format!("{}.wasm", common::name(&p)));
        std::fs::write(&wasm, &compiled.wasm).unwrap();
        let out = Command::new("node")
            .arg(common::root().join("tests/support/run_wasi.mjs"))
            .arg(&wasm)
            .output()
            .unwrap();
        let got = common::format_run(&out.stdout, out.status.code().unwrap_or(-1));
        if got != common::expected(&p) {
            failures.push(format!(
                "{}: node printed\n{got}{}",
                common::name(&p),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
