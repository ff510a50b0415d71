//! `chocopy repl`, driven as a user drives it: piped sessions with expected output,
//! the modules it writes with `--save-modules`, and an interactive session through a
//! pseudo-terminal (tmux).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_chocopy");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/repl")
        .join(name)
}

/// Runs `chocopy repl ARGS` with `input` piped in: (stdout, stderr, exit code).
fn repl(args: &[&str], input: &str) -> (String, String, i32) {
    let mut child = Command::new(BIN)
        .arg("repl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chocopy runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chocopy-repl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The session: a global, a function assigning it through `global`, a class
/// whose method reads it, a function with a nested `nonlocal` counter, then calls,
/// with a division by zero and a type error in between. Python's interactive mode
/// prints the same (but `<__main__.Reader object at 0x...>`, and a traceback
/// instead of the reference's message).
#[test]
fn piped_session_keeps_state_and_survives_errors() {
    let input = std::fs::read_to_string(data("session.py")).unwrap();
    let expected = std::fs::read_to_string(data("session.out")).unwrap();
    for strategy in ["auto", "ref", "lift", "inline"] {
        let (out, err, code) = repl(&["--closure", strategy], &input);
        assert_eq!(out, expected, "stdout under {strategy}; stderr:\n{err}");
        assert_eq!(code, 0, "{strategy}");
        // The runtime error's location, and the type error's diagnostic.
        assert!(
            err.contains("<entry 9>:1:7 (at top level): Division by zero"),
            "{err}"
        );
        assert!(err.contains("Expected type `int`; got type `str`"), "{err}");
        assert!(err.contains("<entry 11>:1:1"), "{err}");
    }
}

/// Classes subclassed and methods overridden in later entries, called through a
/// function of an earlier entry (so dispatch is dynamic across modules); lists of
/// objects; a nested function capturing a list; `object` values echoed by their
/// dynamic type.
#[test]
fn classes_and_nested_functions_across_entries() {
    let input = std::fs::read_to_string(data("classes.py")).unwrap();
    let expected = std::fs::read_to_string(data("classes.out")).unwrap();
    for strategy in ["auto", "ref", "lift", "inline"] {
        let (out, err, code) = repl(&["--closure", strategy], &input);
        assert_eq!(out, expected, "stdout under {strategy}; stderr:\n{err}");
        assert_eq!(code, 0);
    }
}

#[test]
fn redeclaring_a_name_is_an_error_and_the_first_declaration_stays() {
    let (out, err, code) = repl(
        &[],
        "x: int = 1\nx: int = 2\ndef f() -> int:\n    return 1\n\ndef f() -> int:\n    return 2\n\nprint(f() + x)\n",
    );
    assert_eq!(out, "2\n");
    assert_eq!(
        err.matches("Duplicate declaration of identifier in same scope")
            .count(),
        2,
        "{err}"
    );
    assert_eq!(code, 0);
}

#[test]
fn limits_apply_per_entry() {
    let endless = "while True:\n    pass\n\nprint(5)\n";
    let (out, err, code) = repl(&["--fuel", "100000"], endless);
    assert_eq!(out, "5\n");
    assert!(err.contains("fuel limit exceeded"), "{err}");
    assert_eq!(code, 0);
    let (out, err, _) = repl(&["--timeout", "0.3"], endless);
    assert_eq!(out, "5\n");
    assert!(err.contains("time limit exceeded"), "{err}");
}

#[test]
fn commands() {
    let (out, err, code) = repl(
        &[],
        "x: int = 4\n:help\n:emit ir\n:emit wat\n:closure ref\n:reset\nprint(x)\ny: int = 2\ny\n:quit\nprint(3)\n",
    );
    assert!(out.contains(":emit STAGE"), "{out}");
    // `:emit ir` prints the last entry's IR.
    assert!(out.contains("x: int = 4"), "{out}");
    assert!(out.contains("(module"), "{out}");
    assert!(out.contains("closure strategy: ref"), "{out}");
    assert!(out.contains("session reset"), "{out}");
    // After the reset `x` is gone; `:quit` ends the session before `print(3)`.
    assert!(err.contains("Not a variable: x"), "{err}");
    assert!(out.ends_with("2\n"), "{out}");
    assert_eq!(code, 0);
}

#[test]
fn a_file_runs_first() {
    let dir = temp_dir("file");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lib.py");
    std::fs::write(
        &file,
        "n: int = 6\ndef sq(k: int) -> int:\n    return k * k\n\nprint(n)\n",
    )
    .unwrap();
    let (out, _, code) = repl(&[file.to_str().unwrap()], "sq(n)\n");
    assert_eq!(out, "6\n36\n");
    assert_eq!(code, 0);
}

fn wat(path: &Path) -> String {
    chocopy_codegen::to_wat(&std::fs::read(path).unwrap()).unwrap()
}

/// A late entry's module imports the earlier entries' functions and globals by name
/// and contains none of their code.
#[test]
fn late_entries_import_what_early_entries_defined() {
    let dir = temp_dir("imports");
    let input = "count: int = 0\ndef bump(k: int) -> int:\n    global count\n    count = count + k\n    return count\n\nclass Box(object):\n    v: int = 5\n    def get(self: \"Box\") -> int:\n        return self.v + count\n\nbump(3)\nBox().get()\n";
    let (out, err, _) = repl(&["--save-modules", dir.to_str().unwrap()], input);
    assert_eq!(out, "3\n8\n", "{err}");
    let first = wat(&dir.join("entry-2.wasm"));
    assert!(first.contains("(func $bump"), "{first}");
    assert!(first.contains("(export \"func"), "{first}");
    let late = wat(&dir.join("entry-5.wasm"));
    // `Box()` needs Box's dispatch table; `get` is called through it.
    assert!(late.contains("(import \"session\" \"vtable"), "{late}");
    assert!(!late.contains("(func $Box.get"), "{late}");
    assert!(!late.contains("(func $bump"), "{late}");
    let call = wat(&dir.join("entry-4.wasm"));
    assert!(call.contains("(import \"session\" \"func"), "{call}");
    assert!(call.contains("call_ref"), "{call}");
    assert!(!call.contains("(func $bump"), "{call}");
    // The base module holds the shared memory.
    assert!(wat(&dir.join("entry-0.wasm")).contains("(export \"memory\""));
}

/// The module of `print(x)` is no larger after 12 entries (classes, methods, lists)
/// than after 2: it declares only the types it uses and imports only `x`.
#[test]
fn an_entry_module_does_not_grow_with_the_session() {
    let size_after = |n: usize| {
        let dir = temp_dir(&format!("size{n}"));
        let mut input = String::from("x: int = 1\nclass A(object):\n    n: int = 0\n\n");
        for i in 2..n {
            input.push_str(&format!(
                "class B{i}(A):\n    s: [str] = None\n    def m(self: \"B{i}\") -> [int]:\n        return [{i}]\n\n"
            ));
        }
        input.push_str("print(x)\n");
        let (out, err, _) = repl(&["--save-modules", dir.to_str().unwrap()], &input);
        assert_eq!(out, "1\n", "{err}");
        std::fs::metadata(dir.join(format!("entry-{}.wasm", n + 1)))
            .unwrap()
            .len()
    };
    let (two, twelve) = (size_after(2), size_after(12));
    assert!(
        twelve <= two,
        "after 2 entries: {two} bytes, after 12: {twelve}"
    );
}

#[test]
fn splitter_ends_entries_as_python_does() {
    use chocopy_driver::session::Splitter;
    let mut s = Splitter::new();
    let mut entries = Vec::new();
    for line in [
        "x: int = 1",
        "if x > 0:",
        "    print(1)",
        "else:",
        "    print(2)",
        "print(3)",
        "",
        "def f() -> int:",
        "    return 1",
        "",
        "",
        "f()",
    ] {
        entries.extend(s.line(line));
    }
    entries.extend(s.finish());
    assert_eq!(
        entries,
        [
            "x: int = 1\n",
            "if x > 0:\n    print(1)\nelse:\n    print(2)\n",
            "print(3)\n",
            "def f() -> int:\n    return 1\n",
            "f()\n",
        ]
    );
}

#[test]
fn python_string_repr() {
    use chocopy_driver::session::py_str_repr;
    assert_eq!(py_str_repr(b"abc"), "'abc'");
    assert_eq!(py_str_repr(b"it's"), "\"it's\"");
    assert_eq!(py_str_repr(b"a'\"b"), "'a\\'\"b'");
    assert_eq!(py_str_repr(b"t\\n\n\t"), "'t\\\\n\\n\\t'");
}

/// Interactive: prompts, continuation lines, Ctrl-C stopping a running entry,
/// history across sessions (tmux drives a pseudo-terminal).
#[test]
fn interactive_session_through_a_pseudo_terminal() {
    let home = temp_dir("home");
    std::fs::create_dir_all(&home).unwrap();
    let session = format!("chocopy-repl-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux is installed (.ci/run installs it)")
    };
    let start = |name: &str| {
        let cmd = format!(
            "env HOME={} XDG_DATA_HOME= {BIN} repl",
            home.to_str().unwrap()
        );
        let out = tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ]);
        assert!(out.status.success(), "{out:?}");
    };
    let screen = |name: &str| {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-t", name, "-p"]).stdout).into_owned()
    };
    // Waits until the screen shows `text` (at most 20 s).
    let wait_for = |name: &str, text: &str| {
        for _ in 0..200 {
            if screen(name).contains(text) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("never saw {text:?} on:\n{}", screen(name));
    };
    let send = |name: &str, keys: &[&str]| {
        let mut args = vec!["send-keys", "-t", name];
        args.extend(keys);
        tmux(&args);
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    start(&session);
    wait_for(&session, ">>>");
    send(&session, &["def twice(n: int) -> int:", "Enter"]);
    wait_for(&session, "...");
    send(&session, &["    return n * 2", "Enter"]);
    send(&session, &["", "Enter"]);
    send(&session, &["twice(21)", "Enter"]);
    wait_for(&session, "42");
    send(&session, &["while True:", "Enter"]);
    send(&session, &["    pass", "Enter"]);
    send(&session, &["", "Enter"]);
    std::thread::sleep(std::time::Duration::from_millis(700));
    send(&session, &["C-c"]);
    wait_for(&session, "KeyboardInterrupt");
    send(&session, &["print(twice(4))", "Enter"]);
    wait_for(&session, "\n8\n");
    let shown = screen(&session);
    assert!(
        shown.contains(">>> def twice(n: int) -> int:\n...     return n * 2\n"),
        "{shown}"
    );
    send(&session, &["C-d"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let _ = tmux(&["kill-session", "-t", &session]);
    // The history survives the session: Up shows the last line in a new one.
    let second = format!("{session}-2");
    start(&second);
    wait_for(&second, ">>>");
    send(&second, &["Up"]);
    wait_for(&second, ">>> print(twice(4))");
    let _ = tmux(&["kill-session", "-t", &second]);
    let history = std::fs::read_to_string(home.join(".local/share/chocopy/history")).unwrap();
    assert!(history.contains("twice(21)"), "{history}");
}

/// Echoed lists and objects, shown by the entry's own `repr` function, are what
/// CPython's interactive mode prints for the same entries: nested lists, strings
/// needing either quote or escapes, `None` elements, and values held in an `object`
/// (a list of bools, an int, a str, nested lists made by the same entry or an
/// earlier one), shown by their dynamic type.
#[test]
fn echo_matches_cpython() {
    let input = "x: object = None\nx = [True, False]\nx\n[[1, -2], []]\n\
                 [\"it's\", \"a\\tb\", \"q\\\"\", None]\nx = 7\nx\nx = \"s\"\nx\n\
                 [-2147483647 - 1, 0, 10]\nx = [[\"a\"], []]\nx\ny: [[bool]] = None\n\
                 y = [[True]]\nx = y\nx\n";
    let (out, err, code) = repl(&[], input);
    assert_eq!(code, 0, "{err}");
    let mut python = Command::new("python3")
        .arg("-i")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs");
    python
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let expected = python.wait_with_output().unwrap();
    assert_eq!(out, String::from_utf8_lossy(&expected.stdout));
}
