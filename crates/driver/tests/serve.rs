//! `chocopy serve`, driven over HTTP as the page drives it: the compile API
//! (diagnostics, stages, modules), REPL entries compiled against their session, the
//! limits, the embedded page; and a check that the committed bundles are what
//! `web/` builds (the browser test itself is `web/e2e/playground.mjs`, run by
//! `.ci/run`).

use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_chocopy");

/// A `chocopy serve --port 0` process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("chocopy serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("playground: http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    Server { child, addr }
}

/// One HTTP/1.1 request: (status, headers, body).
fn request(s: &Server, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.addr,
        body.len()
    )
    .unwrap();
    // A body the server refuses may be cut short: what was sent is enough.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head[9..12].parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

fn post(s: &Server, path: &str, body: &Value) -> (u16, Value) {
    let (status, _, body) = request(s, "POST", path, body.to_string().as_bytes());
    (
        status,
        serde_json::from_slice(&body).expect("a JSON answer"),
    )
}

fn wasm(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("module bytes"))
        .unwrap()
}

/// A recursive nested function assigning a `nonlocal` (kept, lifted, with a Ref
/// cell under `auto`) and a small one (inlined); the browser test types it too.
const PROGRAM: &str = include_str!("../../../examples/count_down.py");

#[test]
fn compile_gives_a_module_and_every_stage() {
    let s = start(&[]);
    let expect = [
        ("ast", "SOURCE_FILE@0..295\n  FUNC_DEF@0..260"),
        ("ir", "nonlocal calls"),
        ("inlined", "def go(k: int) -> object:"),
        ("boxed", "calls.value = calls.value + 1"),
        ("lifted", "def count_down$go(calls: Ref, k: int) -> object:"),
        ("wat", "(import \"wasi_snapshot_preview1\" \"fd_write\""),
        ("closure-report", "closure strategy: auto"),
    ];
    for (stage, needle) in expect {
        let (status, v) = post(
            &s,
            "/api/compile",
            &json!({ "source": PROGRAM, "strategy": "auto", "stage": stage }),
        );
        assert_eq!(status, 200, "{stage}: {v}");
        assert_eq!(v["ok"], true, "{stage}");
        let text = v["stage"].as_str().unwrap();
        assert!(text.contains(needle), "{stage}:\n{text}");
        // The module is the one `chocopy build` writes.
        chocopy_codegen::validate(&wasm(&v["wasm"])).unwrap();
    }
    let src = chocopy_driver::Source {
        name: "main.py".into(),
        text: PROGRAM.into(),
    };
    let built = chocopy_driver::build(&src, &chocopy_driver::Options::default()).unwrap();
    let (_, v) = post(&s, "/api/compile", &json!({ "source": PROGRAM }));
    assert_eq!(wasm(&v["wasm"]), built);
}

#[test]
fn errors_come_with_line_column_and_editor_offsets() {
    let s = start(&[]);
    // A type error on line 3; a non-ASCII comment before it moves UTF-16 offsets
    // away from byte offsets.
    let source = "# π\nx: int = 1\nx = \"a\"\n";
    let (status, v) = post(
        &s,
        "/api/compile",
        &json!({ "source": source, "stage": "ir" }),
    );
    assert_eq!(status, 200);
    assert_eq!(v["ok"], false);
    assert_eq!(v["stage"], Value::Null);
    assert_eq!(v["wasm"], Value::Null);
    assert_eq!(
        v["diagnostics"],
        json!([{
            "line": 3, "col": 1, "end_line": 3, "end_col": 8,
            "from": 15, "to": 22,
            "message": "Expected type `int`; got type `str`",
        }])
    );
    // A syntax error; the ast stage still shows the tree.
    let (_, v) = post(
        &s,
        "/api/compile",
        &json!({ "source": "x: int = \n", "stage": "ast" }),
    );
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"][0]["line"], 1);
    assert!(v["stage"].as_str().unwrap().starts_with("SOURCE_FILE@"));
}

#[test]
fn repl_entries_are_modules_importing_the_earlier_ones() {
    let s = start(&[]);
    let (status, v) = post(&s, "/api/repl/new", &json!({ "strategy": "auto" }));
    assert_eq!(status, 200, "{v}");
    let id = v["session"].as_str().unwrap().to_string();
    chocopy_codegen::validate(&wasm(&v["wasm"])).unwrap();
    let entry = |source: &str| {
        post(
            &s,
            "/api/repl/entry",
            &json!({ "session": id, "source": source, "strategy": "auto" }),
        )
    };
    let (_, first) = entry("x: int = 41");
    assert_eq!(first["ok"], true, "{first}");
    assert_eq!(first["entry"], 1);
    assert_eq!(first["echo"], Value::Null);
    let (_, second) = entry("x + 1");
    assert_eq!(second["entry"], 2);
    assert_eq!(second["echo"]["type"], "int");
    let bytes = wasm(&second["wasm"]);
    chocopy_codegen::validate(&bytes).unwrap();
    let wat = chocopy_codegen::to_wat(&bytes).unwrap();
    assert!(wat.contains("(import \"session\" \"global0\""), "{wat}");
    assert!(second["memory_end"].as_u64().unwrap() > 0);
    // A type error leaves the session as it was: the next entry is still entry 3.
    let (_, bad) = entry("x = \"oops\"");
    assert_eq!(bad["ok"], false);
    assert_eq!(
        bad["diagnostics"][0]["message"],
        "Expected type `int`; got type `str`"
    );
    let (_, next) = entry("class C(object):\n    n: int = 1\n");
    assert_eq!(next["entry"], 3, "{next}");
    let (_, echo) = entry("[C()]");
    assert_eq!(echo["echo"]["type"], "other");
    // A list's or an object's `repr` is the entry's own function.
    let wat = chocopy_codegen::to_wat(&wasm(&echo["wasm"])).unwrap();
    assert!(wat.contains("(export \"chocopy_echo_repr\""), "{wat}");
    let (_, echo) = entry("\"it's\"");
    assert_eq!(echo["echo"]["type"], "str");
    // A forgotten session.
    let (status, v) = post(
        &s,
        "/api/repl/entry",
        &json!({ "session": "nope", "source": "1" }),
    );
    assert_eq!(status, 404, "{v}");
}

#[test]
fn limits_and_bad_requests_are_refused() {
    let s = start(&["--compile-timeout", "0.000001"]);
    let big = vec![b' '; chocopy_driver::serve::MAX_BODY + 1];
    let (status, _, body) = request(&s, "POST", "/api/compile", &big);
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    let (status, v) = post(&s, "/api/compile", &json!({ "source": PROGRAM }));
    assert_eq!(status, 503, "{v}");
    assert!(v["error"].as_str().unwrap().contains("compile time limit"));
    // Compilations past their time limit still run: past MAX_COMPILES of them, a
    // request is refused at once. (A program of 30,000 lines takes the debug
    // compiler well over the time these requests take.)
    let mut big = String::new();
    for i in 0..3000 {
        big.push_str(&format!(
            "def f{i}(n: int) -> int:\n    x: int = 0\n    while n > 0:\n        x = x + n * {i}\n        n = n - 1\n    if x > 10:\n        return x\n    else:\n        return -x\n\n"
        ));
    }
    let answers: Vec<String> = (0..chocopy_driver::serve::MAX_COMPILES + 4)
        .map(|_| post(&s, "/api/compile", &json!({ "source": big })).1["error"].to_string())
        .collect();
    assert!(
        answers.iter().any(|e| e.contains("too many compilations")),
        "{answers:?}"
    );
    let (status, _, _) = request(&s, "POST", "/api/compile", b"{not json");
    assert_eq!(status, 400);
    let (status, v) = post(
        &s,
        "/api/compile",
        &json!({ "source": "1", "strategy": "fast" }),
    );
    assert_eq!(status, 400, "{v}");
    let (status, v) = post(
        &s,
        "/api/compile",
        &json!({ "source": "1", "stage": "ast-json" }),
    );
    assert_eq!(status, 400, "{v}");
    let (status, _, _) = request(&s, "GET", "/../Cargo.toml", b"");
    assert_eq!(status, 404);
    let (status, _, _) = request(&s, "DELETE", "/", b"");
    assert_eq!(status, 405);
}

#[test]
fn the_page_is_embedded_and_loads_nothing_from_elsewhere() {
    let s = start(&[]);
    let (status, head, body) = request(&s, "GET", "/", b"");
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Security-Policy: default-src 'self'"),
        "{head}"
    );
    let html = String::from_utf8(body).unwrap();
    for id in [
        "editor",
        "output",
        "diagnostics",
        "stage",
        "stage-output",
        "repl-input",
        "repl-output",
    ] {
        assert!(html.contains(&format!("data-testid=\"{id}\"")), "{id}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
    for path in ["/app.js", "/worker.js", "/style.css"] {
        let (status, _, body) = request(&s, "GET", path, b"");
        assert_eq!(status, 200, "{path}");
        assert!(body.len() > 100, "{path}");
    }
}

/// The SHA-256 of the bundles' inputs, as `web/build.mjs` computes it: the paths
/// sorted, each hashed as `path\n`, its byte length, `\n`, its bytes.
fn web_stamp(web: &Path) -> String {
    fn walk(web: &Path, dir: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(web.join(dir)).unwrap() {
            let e = e.unwrap();
            let name = format!("{dir}/{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(web, &name, out);
            } else {
                out.push(name);
            }
        }
    }
    let mut inputs: Vec<String> = ["build.mjs", "package.json", "package-lock.json"]
        .map(String::from)
        .to_vec();
    walk(web, "src", &mut inputs);
    // JavaScript's default sort: by UTF-16 code units, the same as bytes for ASCII.
    inputs.sort();
    let mut h = Sha256::new();
    for path in &inputs {
        let bytes = std::fs::read(web.join(path)).unwrap();
        h.update(format!("{path}\n{}\n", bytes.len()));
        h.update(&bytes);
    }
    format!("{:x}\n", h.finalize())
}

#[test]
fn playground_bundle_is_fresh() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let recorded = std::fs::read_to_string(web.join("dist/STAMP")).unwrap();
    assert_eq!(
        web_stamp(&web),
        recorded,
        "web/dist/ is stale: run `npm ci && npm run build` in web/ and commit dist/"
    );
}
