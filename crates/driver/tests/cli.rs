//! The `chocopy` command line: exit codes, diagnostics for bad input (never a panic),
//! and the subcommands.

use std::path::PathBuf;
use std::process::{Command, Output};

fn chocopy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chocopy"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("chocopy runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn input(name: &str) -> String {
    format!("tests/inputs/{name}")
}

#[test]
fn missing_file_is_a_diagnostic_with_exit_code_1() {
    let o = chocopy(&["run", "tests/inputs/does_not_exist.py"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read `tests/inputs/does_not_exist.py`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn non_utf8_file_is_a_diagnostic_with_location() {
    let o = chocopy(&["check", &input("non_utf8.py")]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn undefined_name_is_a_diagnostic_with_location() {
    let o = chocopy(&["run", &input("undefined_name.py")]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn missing_indent_is_a_syntax_diagnostic() {
    let o = chocopy(&["build", &input("missing_indent.py"), "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn nonlocal_of_a_global_is_a_diagnostic() {
    let o = chocopy(&["check", &input("nonlocal_global.py")]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn type_errors_are_all_reported() {
    let o = chocopy(&["check", &input("type_error.py")]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn runtime_error_prints_message_and_exits_with_its_code() {
    for s in ["ref", "lift", "inline", "auto"] {
        let o = chocopy(&["run", &format!("--closure={s}"), &input("runtime_error.py")]);
        assert_eq!(o.status.code(), Some(2), "{s}");
        assert_eq!(stdout(&o), "1\nDivision by zero\n", "{s}");
    }
}

#[test]
fn runtime_error_names_its_source_location_on_stderr() {
    for s in ["ref", "lift", "inline", "auto"] {
        let o = chocopy(&["run", &format!("--closure={s}"), &input("runtime_error.py")]);
        assert_eq!(
            stderr(&o),
            "tests/inputs/runtime_error.py:3:16 (in function f.g): Division by zero\n",
            "{s}"
        );
    }
}

/// Live data that doubles without end (garbage alone is collected): past the limit,
/// which covers the GC heap, ChocoPy's `Out of memory` and exit code 5.
#[test]
fn live_data_past_the_memory_limit_is_out_of_memory() {
    let o = chocopy(&["run", "--memory-limit=1000000", &input("out_of_memory.py")]);
    assert_eq!(o.status.code(), Some(5));
    assert_eq!(stdout(&o), "Out of memory\n");
}

/// `chocopy run` of input file `name` with `stdin` as its standard input.
fn run_with_input(name: &str, stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_chocopy"))
        .args(["run", &input(name)])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn run_reads_standard_input() {
    let o = run_with_input("echo_input.py", b"hello\nworld\n\nlast");
    // The blank line is "\n" (length 1), so the loop goes on; the last line has no
    // newline; then input() returns "".
    assert_eq!(String::from_utf8_lossy(&o.stdout), "h\nw\n\n\nl\n4\n");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn one_character_lines_of_input_equal_one_character_literals() {
    let o = run_with_input("one_char_input.py", b"z\n\ny");
    // "z\n" is two characters; "\n" and the last line "y" are one.
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "False\nTrue\nTrue\nTrue\nFalse\n"
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn stack_exhaustion_is_a_clear_error_not_a_panic() {
    let o = chocopy(&["run", &input("deep_recursion.py")]);
    assert_eq!(o.status.code(), Some(70));
    assert!(stderr(&o).contains("recursion"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn stack_exhaustion_keeps_the_output_printed_before_it() {
    let o = chocopy(&["run", &input("deep_recursion_after_output.py")]);
    assert_eq!(o.status.code(), Some(70));
    assert_eq!(stdout(&o), "started\n");
    assert!(stderr(&o).contains("recursion"), "{}", stderr(&o));
}

#[test]
fn timeout_stops_an_endless_loop_after_about_its_time() {
    let t = std::time::Instant::now();
    let o = chocopy(&["run", "--timeout", "1", &input("endless_loop.py")]);
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(124), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "started\n",
        "the output before the limit is kept"
    );
    assert!(
        stderr(&o).contains("time limit exceeded") && stderr(&o).contains("--timeout 1"),
        "{}",
        stderr(&o)
    );
    // Compilation included; not a timing assertion on the program, only that the
    // limit stopped it (without it the loop never ends).
    assert!(took.as_secs_f64() >= 1.0, "stopped early: {took:?}");
}

#[test]
fn fuel_stops_an_endless_loop_deterministically() {
    let runs: Vec<Output> = (0..2)
        .map(|_| chocopy(&["run", "--fuel", "100000", &input("endless_loop.py")]))
        .collect();
    for o in &runs {
        assert_eq!(o.status.code(), Some(125), "{}", stderr(o));
        assert_eq!(stdout(o), "started\n");
        assert!(
            stderr(o).contains("fuel limit exceeded") && stderr(o).contains("100000"),
            "{}",
            stderr(o)
        );
    }
    assert_eq!(runs[0].stderr, runs[1].stderr);
}

#[test]
fn fuel_enough_for_the_program_changes_nothing() {
    let o = chocopy(&[
        "run",
        "--fuel",
        "100000000",
        "--timeout",
        "60",
        "../../../shared/examples/seed/nonlocal_shared.py",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "36\n");
}

#[test]
fn check_accepts_a_valid_program_silently() {
    let o = chocopy(&["check", "../../../shared/examples/seed/nonlocal_shared.py"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");
}

#[test]
fn build_writes_a_valid_module_that_runs() {
    let out: PathBuf =
        std::env::temp_dir().join(format!("chocopy-cli-{}.wasm", std::process::id()));
    let o = chocopy(&[
        "build",
        "../../../shared/examples/seed/nonlocal_shared.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let wasm = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).ok();
    chocopy_codegen::validate(&wasm).unwrap();
    let (stdout, outcome) =
        chocopy_driver::runner::run_captured(&wasm, b"", &Default::default()).unwrap();
    assert_eq!(String::from_utf8(stdout).unwrap(), "36\n");
    assert_eq!(outcome.exit_code, 0);
}

#[test]
fn emit_prints_each_stage() {
    let seed = "../../../shared/examples/seed/nonlocal_shared.py";
    let ast = stdout(&chocopy(&["check", "--emit=ast", seed]));
    assert!(ast.starts_with("SOURCE_FILE@0.."), "{ast}");
    let ir = stdout(&chocopy(&["check", "--emit=ir", seed]));
    assert!(
        ir.contains("    def g(y: int) -> int:") && ir.contains("        nonlocal x"),
        "{ir}"
    );
    let lifted = stdout(&chocopy(&["run", "--closure=lift", "--emit=lifted", seed]));
    assert!(
        lifted.contains("def f$g(x: Ref, y: int) -> int:"),
        "{lifted}"
    );
    let runnable = stdout(&chocopy(&[
        "run",
        "--closure=lift",
        "--emit=lifted",
        "--runnable",
        seed,
    ]));
    assert!(
        runnable.contains("def f_g(x: Ref, y: int) -> int:"),
        "{runnable}"
    );
    let wat = stdout(&chocopy(&["build", "--emit=wat", seed, "-o", "/dev/null"]));
    assert!(wat.starts_with("(module"), "{wat}");
    assert!(wat.contains("(export \"_start\""), "{wat}");
}

#[test]
fn bad_option_values_are_rejected() {
    let o = chocopy(&["run", "--closure=magic", "x.py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown closure strategy"),
        "{}",
        stderr(&o)
    );
    let o = chocopy(&["run", "--timeout", "soon", "x.py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a number of seconds"),
        "{}",
        stderr(&o)
    );
    let o = chocopy(&["run", "--timeout", "-1", "x.py"]);
    assert_eq!(o.status.code(), Some(2));
    let o = chocopy(&["run", "--fuel", "lots", "x.py"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Writes a generated program to the tests' scratch directory.
fn generated(name: &str, text: &str) -> String {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// Every front-end command on `file`: its exit code and stderr.
fn all_commands(file: &str) -> Vec<(String, Option<i32>, String)> {
    let commands: [&[&str]; 4] = [
        &["check"],
        &["run"],
        &["check", "--emit=ast-json"],
        &["check", "--emit=typed-ast-json"],
    ];
    commands
        .iter()
        .map(|c| {
            let mut args = c.to_vec();
            args.push(file);
            let o = chocopy(&args);
            (c.join(" "), o.status.code(), stderr(&o))
        })
        .collect()
}

#[test]
fn ten_thousand_nested_parentheses_are_a_diagnostic_not_a_stack_overflow() {
    let n = 10_000;
    let file = generated(
        "deep_parens.py",
        &format!("print({}1{})\n", "(".repeat(n), ")".repeat(n)),
    );
    for (cmd, code, err) in all_commands(&file) {
        assert_eq!(code, Some(1), "{cmd}: {err}");
        assert!(
            err.starts_with("error: Expression too deeply nested (more than 1000 levels)"),
            "{cmd}: {err}"
        );
        // One diagnostic: the enclosing parentheses do not each complain.
        assert_eq!(err.matches("error:").count(), 1, "{cmd}: {err}");
        assert!(err.contains("deep_parens.py:1:1006"), "{cmd}: {err}");
    }
}

#[test]
fn ten_thousand_nested_ifs_are_a_diagnostic_not_a_stack_overflow() {
    let n = 10_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("{:i$}if True:\n", ""));
    }
    text.push_str(&format!("{:n$}print(1)\n", ""));
    let file = generated("deep_ifs.py", &text);
    for (cmd, code, err) in all_commands(&file) {
        assert_eq!(code, Some(1), "{cmd}: {err}");
        assert!(err.contains("too deeply nested"), "{cmd}: {err}");
        assert!(err.contains("deep_ifs.py:1001:"), "{cmd}: {err}");
    }
}

#[test]
fn deep_nesting_below_the_limit_compiles_and_runs() {
    let n = 900;
    let parens = format!("print({}1{})\n", "(".repeat(n), ")".repeat(n));
    let mut ifs = String::new();
    for i in 0..n {
        ifs.push_str(&format!("{:i$}if True:\n", ""));
    }
    ifs.push_str(&format!("{:n$}print(2)\n", ""));
    // A left-nested chain is not limited: 5,000 additions.
    let sum = format!("print({})\n", vec!["1"; 5000].join(" + "));
    for (name, text, out) in [
        ("parens_900.py", parens, "1\n"),
        ("ifs_900.py", ifs, "2\n"),
        ("sum_5000.py", sum, "5000\n"),
    ] {
        let file = generated(name, &text);
        for (cmd, code, err) in all_commands(&file) {
            assert_eq!(code, Some(0), "{name}, {cmd}: {err}");
        }
        let o = chocopy(&["run", &file]);
        assert_eq!(stdout(&o), out, "{name}");
    }
}

#[test]
fn flat_chains_of_200000_terms_compile_and_run() {
    // Flat in the source, 200,000 levels deep in the tree: linear to build
    // (no recursive hashing of subtrees), and one block of code for the `and`s.
    let n = 200_000;
    for (name, text, out) in [
        (
            "sum_200000.py",
            format!("print({})\n", vec!["1"; n].join("+")),
            "200000\n".to_string(),
        ),
        (
            "difference_200000.py",
            format!("x: int = 5\nx = {}\nprint(x)\n", vec!["x"; n].join(" - ")),
            format!("{}\n", 5 - 5 * (n as i64 - 1)),
        ),
        (
            "and_200000.py",
            format!("print({})\n", vec!["True"; n].join(" and ")),
            "True\n".to_string(),
        ),
    ] {
        let file = generated(name, &text);
        let o = chocopy(&["run", &file]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o), out, "{name}");
    }
}

#[test]
fn a_long_line_is_shown_cut_around_the_error() {
    let left = vec!["1"; 5000].join(" + ");
    let text = format!("x: int = 0\nx = {left} + True\nprint(x)\n");
    let file = generated("long_line.py", &text);
    let o = chocopy(&["check", &file]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    // The error is the `+ True` at the end of line 2, column 5 + len(left) + 1.
    let col = 5 + left.len() + 1;
    assert!(
        err.contains(&format!("long_line.py:2:{col}")) || err.contains("long_line.py:2:5"),
        "{err}"
    );
    assert!(err.contains("..."), "{err}");
    let longest = err.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        longest < 200,
        "a snippet line of {longest} characters:\n{err}"
    );
}
