//! `chocopy lsp` driven as an editor drives it: JSON-RPC messages with
//! `Content-Length` headers over the server's standard input and output, one
//! scripted session per feature.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A running server and the client's side of its pipes.
struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Session {
    /// Starts `chocopy lsp` and completes the initialization handshake; returns the
    /// session and the server's capabilities.
    fn start() -> (Session, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chocopy"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("cannot start chocopy lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut s = Session {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let init = s.request("initialize", json!({ "capabilities": {} }));
        s.notify("initialized", json!({}));
        (s, init["capabilities"].clone())
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed its output"
            );
            if line == "\r\n" {
                break;
            }
            if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = n.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Sends a request and returns its result (notifications received meanwhile
    /// are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.receive();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                return msg["result"].clone();
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next `publishDiagnostics` notification's parameters.
    fn diagnostics(&mut self) -> Value {
        loop {
            let msg = self.receive();
            if msg["method"] == "textDocument/publishDiagnostics" {
                return msg["params"].clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "chocopy", "version": 1, "text": text } }),
        );
        self.diagnostics()
    }

    /// Replaces the range from `start` to `end` (line, UTF-16 column) by `text`.
    fn change(
        &mut self,
        uri: &str,
        version: i32,
        start: (u32, u32),
        end: (u32, u32),
        text: &str,
    ) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{
                    "range": {
                        "start": { "line": start.0, "character": start.1 },
                        "end": { "line": end.0, "character": end.1 }
                    },
                    "text": text
                }]
            }),
        );
        self.diagnostics()
    }

    /// The hover text at (line, column), without the code block fence, and its
    /// range as (line, column, line, column); `None` when there is nothing.
    fn hover(&mut self, uri: &str, line: u32, col: u32) -> Option<(String, [u64; 4])> {
        let r = self.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col } }),
        );
        if r.is_null() {
            return None;
        }
        let text = r["contents"]["value"].as_str().unwrap();
        let text = text
            .strip_prefix("```chocopy\n")
            .and_then(|t| t.strip_suffix("\n```"))
            .unwrap_or(text)
            .to_string();
        let p = |k: &str, f: &str| r["range"][k][f].as_u64().unwrap();
        Some((
            text,
            [
                p("start", "line"),
                p("start", "character"),
                p("end", "line"),
                p("end", "character"),
            ],
        ))
    }

    /// `shutdown`, then `exit`: the server must end with status 0.
    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_null());
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

const URI: &str = "file:///work/program.py";

#[test]
fn a_type_error_is_published_with_its_range_and_cleared_by_a_fix() {
    let (mut s, caps) = Session::start();
    // Incremental sync (TextDocumentSyncKind.Incremental = 2) and hover.
    assert_eq!(caps["textDocumentSync"], json!(2));
    assert_eq!(caps["hoverProvider"], json!(true));
    let text = "x: int = 0\ndef f(a: int) -> bool:\n    return a > x\nx = f(1)\n";
    let d = s.open(URI, text);
    assert_eq!(d["uri"], URI);
    assert_eq!(d["version"], 1);
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{d}");
    assert_eq!(diags[0]["message"], "Expected type `int`; got type `bool`");
    assert_eq!(
        diags[0]["range"],
        json!({ "start": { "line": 3, "character": 0 }, "end": { "line": 3, "character": 8 } })
    );
    // `f(1)` becomes `1`: no error left.
    let d = s.change(URI, 2, (3, 4), (3, 8), "1");
    assert_eq!(d["version"], 2);
    assert_eq!(d["diagnostics"], json!([]));
    // And back: the error again.
    let d = s.change(URI, 3, (3, 4), (3, 5), "f(2)");
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 1, "{d}");
    s.stop();
}

#[test]
fn a_half_typed_program_gets_its_syntax_error_and_hover_still_answers() {
    let (mut s, _) = Session::start();
    let d = s.open(URI, "n: int = 1\nprint(n +\n");
    let diags = d["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty(), "{d}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Parse error"),
        "{d}"
    );
    assert_eq!(s.hover(URI, 0, 0), Some(("n: int".into(), [0, 0, 0, 1])));
    s.stop();
}

#[test]
fn hover_shows_types_of_names_and_expressions_and_signatures() {
    let (mut s, _) = Session::start();
    let text = "\
class A(object):
    v: int = 1
    def get(self: \"A\", k: int) -> [int]:
        return [self.v, k]
def f(a: int) -> bool:
    b: str = \"s\"
    return a > len(b + \"t\")
x: A = None
x = A()
print(f(x.get(2)[0]))
";
    let d = s.open(URI, text);
    assert_eq!(d["diagnostics"], json!([]));
    // Declarations: a class, an attribute, a method, a parameter, a variable.
    assert_eq!(s.hover(URI, 0, 6).unwrap().0, "class A(object)");
    assert_eq!(s.hover(URI, 1, 4).unwrap().0, "v: int");
    assert_eq!(
        s.hover(URI, 2, 9).unwrap().0,
        "def get(self: \"A\", k: int) -> [int]"
    );
    assert_eq!(s.hover(URI, 4, 6).unwrap().0, "a: int");
    assert_eq!(s.hover(URI, 5, 4).unwrap().0, "b: str");
    // Uses: names get their inferred types, functions and methods their signatures.
    assert_eq!(
        s.hover(URI, 6, 11).unwrap(),
        ("a: int".into(), [6, 11, 6, 12])
    );
    assert_eq!(s.hover(URI, 6, 19).unwrap().0, "b: str");
    assert_eq!(s.hover(URI, 8, 0).unwrap().0, "x: A");
    assert_eq!(s.hover(URI, 9, 6).unwrap().0, "def f(int) -> bool");
    assert_eq!(s.hover(URI, 9, 10).unwrap().0, "def get(A, int) -> [int]");
    // An operator: the type of its whole expression, with its range.
    assert_eq!(s.hover(URI, 6, 21).unwrap(), ("str".into(), [6, 19, 6, 26]));
    // Blank space: nothing.
    assert_eq!(s.hover(URI, 3, 0), None);
    s.stop();
}

#[test]
fn positions_count_utf16_code_units() {
    let (mut s, _) = Session::start();
    // A comment with a character outside the BMP (two UTF-16 units, four bytes).
    let d = s.open(
        URI,
        "# \u{1F600} é\nn: int = 1\nn = 2 # \u{1F600}\u{1F600} n\n",
    );
    assert_eq!(d["diagnostics"], json!([]));
    // Line 2 is `n = 2 # 😀😀 n`: columns after the emoji count 2 each.
    let d = s.change(URI, 2, (2, 4), (2, 5), "True");
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{d}");
    // Inserting after the emoji: the comment's end, column 8 + 2 + 2 + 2 = 14.
    let d = s.change(URI, 3, (2, 4), (2, 8), "3");
    assert_eq!(d["diagnostics"], json!([]));
    let d = s.change(URI, 4, (2, 14), (2, 14), "\nn = \"x\"");
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{d}");
    assert_eq!(diags[0]["message"], "Expected type `int`; got type `str`");
    assert_eq!(diags[0]["range"]["start"]["line"], 3);
    s.stop();
}
