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
    // An attribute after a dot.
    assert_eq!(
        s.hover(URI, 3, 21).unwrap(),
        ("v: int".into(), [3, 21, 3, 22])
    );
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

/// A class with an attribute and a method, functions nested two deep with
/// `nonlocal`, globals.
const NESTED: &str = "\
class Counter(object):
    n: int = 0
    def inc(self: \"Counter\") -> int:
        self.n = self.n + 1
        return self.n
total: int = 0
def outer(k: int) -> int:
    c: int = 0
    def middle() -> int:
        def inner() -> int:
            nonlocal c
            c = c + k
            return c
        return inner()
    middle()
    return c
x: Counter = None
x = Counter()
total = outer(x.inc())
print(total)
";

/// (line, column) of the `nth` (0-based) occurrence of `word` as a whole word on
/// line `line` of `text`.
fn at(text: &str, line: usize, word: &str, nth: usize) -> (u32, u32) {
    let l = text.lines().nth(line).unwrap();
    let is_word = |i: usize| {
        let before = l[..i].chars().next_back();
        let after = l[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    let col = l
        .match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| is_word(i))
        .nth(nth)
        .unwrap_or_else(|| panic!("no {word} #{nth} on line {line}: {l}"));
    (line as u32, col as u32)
}

fn position(p: (u32, u32)) -> Value {
    json!({ "textDocument": { "uri": URI }, "position": { "line": p.0, "character": p.1 } })
}

/// A range as (line, start column, end column) when on one line.
fn one_line(r: &Value) -> (u64, u64, u64) {
    assert_eq!(r["start"]["line"], r["end"]["line"], "{r}");
    (
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    )
}

fn span(p: (u32, u32), word: &str) -> (u64, u64, u64) {
    (p.0 as u64, p.1 as u64, (p.1 as usize + word.len()) as u64)
}

#[test]
fn definition_goes_to_declarations_across_scopes_attributes_and_methods() {
    let (mut s, caps) = Session::start();
    assert_eq!(caps["definitionProvider"], json!(true));
    assert_eq!(s.open(URI, NESTED)["diagnostics"], json!([]));
    let t = NESTED;
    let cases = [
        // `c` read in `inner` (through `nonlocal`): `outer`'s local.
        (at(t, 11, "c", 1), at(t, 7, "c", 0), "c"),
        // `c` assigned in `inner`, and named in `nonlocal c`.
        (at(t, 11, "c", 0), at(t, 7, "c", 0), "c"),
        (at(t, 10, "c", 0), at(t, 7, "c", 0), "c"),
        // `k`: `outer`'s parameter, read two functions down.
        (at(t, 11, "k", 0), at(t, 6, "k", 0), "k"),
        // Nested functions called by name.
        (at(t, 13, "inner", 0), at(t, 9, "inner", 0), "inner"),
        (at(t, 14, "middle", 0), at(t, 8, "middle", 0), "middle"),
        // An attribute through `self`, a method through an object, a class in an
        // annotation and in a constructor call, a global.
        (at(t, 3, "n", 1), at(t, 1, "n", 0), "n"),
        (at(t, 18, "inc", 0), at(t, 2, "inc", 0), "inc"),
        (at(t, 16, "Counter", 0), at(t, 0, "Counter", 0), "Counter"),
        (at(t, 17, "Counter", 0), at(t, 0, "Counter", 0), "Counter"),
        (at(t, 19, "total", 0), at(t, 5, "total", 0), "total"),
        // A declaration is its own definition.
        (at(t, 7, "c", 0), at(t, 7, "c", 0), "c"),
    ];
    for (from, to, word) in cases {
        let r = s.request("textDocument/definition", position(from));
        assert_eq!(r["uri"], URI);
        assert_eq!(one_line(&r["range"]), span(to, word), "from {from:?}: {r}");
    }
    // A keyword refers to nothing.
    let r = s.request("textDocument/definition", position(at(t, 15, "return", 0)));
    assert!(r.is_null(), "{r}");
    s.stop();
}

#[test]
fn references_and_rename_cover_every_use_of_a_nonlocal_variable() {
    let (mut s, caps) = Session::start();
    assert_eq!(caps["referencesProvider"], json!(true));
    assert_eq!(caps["renameProvider"], json!(true));
    s.open(URI, NESTED);
    let t = NESTED;
    let uses_of_c = [
        at(t, 7, "c", 0),
        at(t, 10, "c", 0),
        at(t, 11, "c", 0),
        at(t, 11, "c", 1),
        at(t, 12, "c", 0),
        at(t, 15, "c", 0),
    ];
    let refs = |s: &mut Session, with_declaration: bool| -> Vec<(u64, u64, u64)> {
        let mut p = position(at(t, 12, "c", 0));
        p["context"] = json!({ "includeDeclaration": with_declaration });
        let r = s.request("textDocument/references", p);
        r.as_array()
            .unwrap()
            .iter()
            .map(|l| one_line(&l["range"]))
            .collect()
    };
    let all: Vec<_> = uses_of_c.iter().map(|&p| span(p, "c")).collect();
    assert_eq!(refs(&mut s, true), all);
    assert_eq!(refs(&mut s, false), all[1..].to_vec());
    // The attribute `n`: its declaration and three uses through `self`.
    let mut p = position(at(t, 1, "n", 0));
    p["context"] = json!({ "includeDeclaration": true });
    let r = s.request("textDocument/references", p);
    assert_eq!(r.as_array().unwrap().len(), 4, "{r}");

    // Rename `c` to `count`: apply the edits and the program still checks.
    let mut p = position(at(t, 11, "c", 1));
    p["newName"] = json!("count");
    let edit = s.request("textDocument/rename", p);
    let mut edits: Vec<(u64, u64, u64)> = edit["changes"][URI]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["newText"], "count");
            one_line(&e["range"])
        })
        .collect();
    edits.sort();
    assert_eq!(edits, all);
    let mut lines: Vec<String> = t.lines().map(String::from).collect();
    for &(line, start, end) in edits.iter().rev() {
        lines[line as usize].replace_range(start as usize..end as usize, "count");
    }
    let renamed = lines.join("\n") + "\n";
    assert!(renamed.contains("nonlocal count\n"), "{renamed}");
    let d = s.change(URI, 2, (0, 0), (30, 0), &renamed);
    assert_eq!(d["diagnostics"], json!([]), "{renamed}");

    // A keyword is no name.
    let mut p = position(at(t, 11, "k", 0));
    p["newName"] = json!("while");
    s.send(json!({ "jsonrpc": "2.0", "id": 99, "method": "textDocument/rename", "params": p }));
    let r = loop {
        let m = s.receive();
        if m["id"] == 99 {
            break m;
        }
    };
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid name"),
        "{r}"
    );
    s.stop();
}

#[test]
fn document_symbols_are_a_tree_of_classes_methods_and_nested_functions() {
    let (mut s, caps) = Session::start();
    assert_eq!(caps["documentSymbolProvider"], json!(true));
    s.open(URI, NESTED);
    let r = s.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    // name (kind) [children]: LSP kinds Class 5, Method 6, Field 8, Function 12,
    // Variable 13.
    fn show(v: &Value) -> String {
        let kids: Vec<String> = v["children"]
            .as_array()
            .map(|a| a.iter().map(show).collect())
            .unwrap_or_default();
        let mut s = format!("{}({})", v["name"].as_str().unwrap(), v["kind"]);
        if !kids.is_empty() {
            s += &format!("[{}]", kids.join(" "));
        }
        s
    }
    let outline: Vec<String> = r.as_array().unwrap().iter().map(show).collect();
    assert_eq!(
        outline.join(" "),
        "Counter(5)[n(8) inc(6)[self(13)]] total(13) \
         outer(12)[k(13) c(13) middle(12)[inner(12)]] x(13)"
    );
    // The selection range is the name; the range the whole definition.
    let outer = &r[2];
    assert_eq!(
        one_line(&outer["selectionRange"]),
        span(at(NESTED, 6, "outer", 0), "outer")
    );
    assert_eq!(outer["range"]["start"]["line"], 6);
    assert_eq!(outer["range"]["end"]["line"], 15);
    s.stop();
}

#[test]
fn hover_tells_the_closure_decision_for_nested_functions_and_captured_variables() {
    let (mut s, _) = Session::start();
    s.open(URI, NESTED);
    let t = NESTED;
    let mut hover = |p: (u32, u32)| s.hover(URI, p.0, p.1).unwrap().0;
    let inner = hover(at(t, 13, "inner", 0));
    assert!(
        inner.starts_with("```chocopy\ndef inner() -> int\n```\n\n"),
        "{inner}"
    );
    assert!(
        inner.ends_with("closure (`auto`): inlined at 1 call site, then removed, because auto: a single call site: its body moves instead of being copied"),
        "{inner}"
    );
    let c = hover(at(t, 12, "c", 0));
    assert!(
        c.ends_with("captured: outer.c (local of outer, int), used by outer.middle.inner; not boxed, and no longer captured: the functions using it were inlined into outer"),
        "{c}"
    );
    // A global is not captured; a top-level function is not nested.
    // (`Session::hover` strips the code fence when nothing follows it.)
    assert_eq!(hover(at(t, 5, "total", 0)), "total: int");
    assert_eq!(hover(at(t, 6, "outer", 0)), "def outer(k: int) -> int");

    // A recursive nested function is lifted; the variable it assigns through
    // `nonlocal` lives in a Ref cell.
    let text = "\
def count(n: int) -> int:
    total: int = 0
    def walk(i: int) -> object:
        nonlocal total
        if i > 0:
            total = total + i
            walk(i - 1)
    walk(n)
    return total
print(count(3))
";
    let d = s.change(URI, 2, (0, 0), (30, 0), text);
    assert_eq!(d["diagnostics"], json!([]));
    let mut hover = |p: (u32, u32)| s.hover(URI, p.0, p.1).unwrap().0;
    let walk = hover(at(text, 2, "walk", 0));
    assert!(
        walk.contains("closure (`auto`): lifted as `count$walk` with extra parameters count.total (Ref[int]), because auto: "),
        "{walk}"
    );
    let total = hover(at(text, 5, "total", 1));
    assert!(
        total.contains("captured: count.total (local of count, int), used by count.walk; boxed in a Ref cell: count.walk assigns it through `nonlocal`"),
        "{total}"
    );
    s.stop();
}

/// The labels and kinds (LSP CompletionItemKind numbers) of a completion list.
fn labels(r: &Value) -> Vec<(String, u64)> {
    r.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["kind"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn completion_offers_members_after_a_dot_and_names_in_scope_elsewhere() {
    let (mut s, caps) = Session::start();
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!(["."])
    );
    // A half-typed line at the end: `x.` (a syntax error).
    let text = format!("{NESTED}x.");
    s.open(URI, &text);
    let r = s.request("textDocument/completion", position((20, 2)));
    // Field 5, Method 2.
    assert_eq!(
        labels(&r),
        [("n".into(), 5), ("__init__".into(), 2), ("inc".into(), 2)]
    );
    let inc = &r[2];
    assert_eq!(inc["detail"], "def inc(Counter) -> int");
    // A prefix typed after the dot: the same list (the client filters).
    let d = s.change(URI, 2, (20, 2), (20, 2), "in");
    assert!(!d["diagnostics"].as_array().unwrap().is_empty());
    let r = s.request("textDocument/completion", position((20, 4)));
    assert_eq!(labels(&r).len(), 3);

    // Inside `inner`: its own names, then `middle`'s, `outer`'s, the file's, the
    // built-ins (Variable 6, Function 3, Class 7).
    let r = s.request("textDocument/completion", position((12, 19)));
    let got = labels(&r);
    let names: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        names,
        [
            "inner", "k", "c", "middle", "Counter", "total", "outer", "x", "print", "len", "input",
            "object", "int", "bool", "str"
        ]
    );
    assert_eq!(got[1], ("k".into(), 6));
    assert_eq!(got[4], ("Counter".into(), 7));
    assert_eq!(got[6], ("outer".into(), 3));
    s.stop();
}

/// The semantic tokens of the open document `text`, decoded: per token, its line,
/// its text and its type's name from the legend.
fn semantic_tokens(s: &mut Session, text: &str, legend: &[String]) -> Vec<(u64, String)> {
    let r = s.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": URI } }),
    );
    let data: Vec<u64> = r["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let (mut line, mut col) = (0, 0);
    let mut tokens = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let word = &lines[line as usize][col as usize..(col + t[2]) as usize];
        tokens.push((line, format!("{word}:{}", legend[t[3] as usize])));
    }
    tokens
}

fn joined(tokens: impl Iterator<Item = (u64, String)>) -> String {
    tokens.map(|(_, t)| t).collect::<Vec<_>>().join(" ")
}

#[test]
fn semantic_tokens_classify_names_by_what_they_refer_to() {
    let (mut s, caps) = Session::start();
    let legend: Vec<String> = caps["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let text = "# sum\nclass A(object):\n    v: int = 1\n    def m(self: A) -> int:\n        return self.v\ndef f(k: int) -> str:\n    return \"s\"\nprint(A().m() + 2)\n";
    s.open(URI, text);
    assert_eq!(
        joined(semantic_tokens(&mut s, text, &legend).into_iter()),
        "# sum:comment class:keyword A:class object:class v:property int:class 1:number \
         def:keyword m:method self:parameter A:class int:class return:keyword self:parameter \
         v:property def:keyword f:function k:parameter int:class str:class return:keyword \
         \"s\":string print:function A:class m:method 2:number"
    );
    // Functions nested two deep with `nonlocal`: `c` is `outer`'s variable, `k` its
    // parameter, wherever they are used.
    s.change(URI, 2, (0, 0), (30, 0), NESTED);
    let tokens = semantic_tokens(&mut s, NESTED, &legend);
    assert_eq!(
        joined(tokens.into_iter().filter(|(l, _)| (9..=13).contains(l))),
        "def:keyword inner:function int:class nonlocal:keyword c:variable c:variable \
         c:variable k:parameter return:keyword c:variable return:keyword inner:function"
    );
    s.stop();
}
