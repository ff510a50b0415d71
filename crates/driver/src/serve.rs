//! `chocopy serve`: the playground's HTTP server. The server compiles, the browser
//! shows and runs (the Rust Playground's and Compiler Explorer's split): the page
//! (embedded in the binary, so the server works offline) sends programs and REPL
//! entries as JSON and gets back diagnostics, stage texts and module bytes; it runs
//! modules itself, in a Web Worker with a WASI shim.
//!
//! The API (every request and response body is JSON; errors of the request itself
//! are `{"error": message}` with a 4xx or 5xx status):
//! - `POST /api/compile` `{"source", "strategy", "stage"}` →
//!   `{"ok", "diagnostics", "stage", "wasm"}`: `diagnostics` as [`diagnostic_json`]
//!   describes, `stage` the text of the requested stage (`ast`, `ir`, `inlined`,
//!   `boxed`, `lifted`, `wat`, `closure-report`; `null` when the program has errors,
//!   except `ast`, which shows the tree with its errors), `wasm` the module in base64
//!   (`null` on errors).
//! - `POST /api/repl/new` `{"strategy"}` → `{"session", "wasm"}`: a new REPL session
//!   and its base module (entry 0: the shared memory and runtime state).
//! - `POST /api/repl/entry` `{"session", "source", "strategy"}` →
//!   `{"ok", "diagnostics", "wasm", "memory_end", "echo", "entry"}`: the entry's
//!   module, compiled against the session's earlier entries, which it imports from
//!   module `session` ([`chocopy_codegen::SESSION_MODULE`]); `memory_end` the bytes
//!   of shared memory it needs; `echo` the exported global holding the value of an
//!   expression statement ending the entry and how to show it (`{"global", "type"}`,
//!   the type `int`, `bool`, `str` or `other`, or `null`). The entry is committed when it compiles: the page instantiates it.
//!
//! Limits ([`ServeConfig`]): request bodies of at most [`MAX_BODY`] bytes (413
//! beyond), a compile time limit (503 beyond), at most [`MAX_SESSIONS`] REPL sessions
//! (the least recently used goes). Requests never name files: the server reads none.

use crate::{Failure, Options, Source, Stage, StrategyOpt};
use base64::Engine as _;
use chocopy_closure::Strategy;
use chocopy_ir::print::Naming;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Read;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tiny_http::{Header, Method, Request, Response, Server};

/// Largest request body accepted, in bytes (1 MB).
pub const MAX_BODY: usize = 1 << 20;

/// Most REPL sessions kept at once; a new one evicts the least recently used.
pub const MAX_SESSIONS: usize = 64;

/// Worker threads answering requests.
const WORKERS: usize = 4;

/// Most compilations running at once, those past their time limit included (they
/// finish on their own): beyond, requests are answered 503 at once.
pub const MAX_COMPILES: usize = 8;

/// Compilations running now.
static COMPILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to bind, `127.0.0.1:8000` by default (port 0: any free port).
    pub addr: String,
    /// Longest a compilation may take before the request fails with 503.
    pub compile_timeout: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            addr: "127.0.0.1:8000".into(),
            compile_timeout: Duration::from_secs(10),
        }
    }
}

/// The page's files, embedded: (path, content type, bytes). `web/static/` holds the
/// hand-written files, `web/dist/` the bundles built from `web/src/` (`npm run
/// build` in `web/`).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_bytes!("../../../web/static/index.html"),
    ),
    (
        "/style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/static/style.css"),
    ),
    (
        "/app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/dist/app.js"),
    ),
    (
        "/worker.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/dist/worker.js"),
    ),
];

/// The page may load scripts, styles, workers and modules from the server only
/// (CodeMirror injects its styles inline; WebAssembly compilation needs
/// `wasm-unsafe-eval`).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
                   style-src 'self' 'unsafe-inline'; worker-src 'self'; img-src 'self' data:";

/// A REPL session on the server: the compiler's side only.
struct ReplSession {
    compiler: crate::session::EntryCompiler,
    used: Instant,
}

type Sessions = Arc<Mutex<HashMap<String, Arc<Mutex<ReplSession>>>>>;

/// Binds `cfg.addr` and returns the server and the address it listens on (the
/// port chosen when `cfg.addr` asks for port 0). Errors: a message naming the
/// address when it cannot be bound (in use, not a local address).
pub fn bind(cfg: &ServeConfig) -> Result<(Server, std::net::SocketAddr), String> {
    let server =
        Server::http(&cfg.addr).map_err(|e| format!("cannot listen on {}: {e}", cfg.addr))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| "not an IP address".to_string())?;
    Ok((server, addr))
}

/// Answers requests on `server` until the process ends ([`WORKERS`] threads).
pub fn serve(server: Server, cfg: ServeConfig) {
    let server = Arc::new(server);
    let sessions: Sessions = Arc::default();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let server = server.clone();
            let sessions = sessions.clone();
            let cfg = cfg.clone();
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(request, &cfg, &sessions);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn json_response(status: u16, body: &Value) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.to_string().into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Cache-Control", "no-store"))
}

fn error(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    json_response(status, &json!({ "error": message }))
}

fn handle(mut request: Request, cfg: &ServeConfig, sessions: &Sessions) {
    let path = request.url().split('?').next().unwrap_or("/").to_string();
    let response = match (request.method(), path.as_str()) {
        (Method::Get | Method::Head, _) => match ASSETS.iter().find(|(p, _, _)| *p == path) {
            Some((_, mime, bytes)) => Response::from_data(bytes.to_vec())
                .with_header(header("Content-Type", mime))
                .with_header(header("Content-Security-Policy", CSP))
                .with_header(header("X-Content-Type-Options", "nosniff")),
            None => error(404, "not found"),
        },
        (Method::Post, "/api/compile" | "/api/repl/new" | "/api/repl/entry") => {
            match read_json(&mut request) {
                Err(r) => r,
                Ok(body) => match options(&body).and_then(|_| stage(&body)) {
                    // A bad request is refused at once, whatever the time limit.
                    Err((status, message)) => error(status, &message),
                    Ok(_) => {
                        let route = path.clone();
                        let sessions = sessions.clone();
                        with_time_limit(cfg.compile_timeout, move || match route.as_str() {
                            "/api/compile" => compile(&body),
                            "/api/repl/new" => repl_new(&body, &sessions),
                            _ => repl_entry(&body, &sessions),
                        })
                    }
                },
            }
        }
        (Method::Post, _) => error(404, "no such API"),
        _ => error(405, "method not allowed"),
    };
    let _ = request.respond(response);
}

/// Reads a JSON body of at most [`MAX_BODY`] bytes.
fn read_json(request: &mut Request) -> Result<Value, Response<std::io::Cursor<Vec<u8>>>> {
    let too_large = || error(413, &format!("request body larger than {MAX_BODY} bytes"));
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| error(400, &format!("cannot read the request: {e}")))?;
    if body.len() > MAX_BODY {
        return Err(too_large());
    }
    serde_json::from_slice(&body).map_err(|e| error(400, &format!("invalid JSON: {e}")))
}

/// Runs `f` on a compiler thread ([`crate::COMPILER_STACK`]); past `limit`, answers
/// 503 (the thread finishes on its own and its result is dropped).
fn with_time_limit(
    limit: Duration,
    f: impl FnOnce() -> Result<Value, (u16, String)> + Send + 'static,
) -> Response<std::io::Cursor<Vec<u8>>> {
    use std::sync::atomic::Ordering;
    if COMPILES.fetch_add(1, Ordering::SeqCst) >= MAX_COMPILES {
        COMPILES.fetch_sub(1, Ordering::SeqCst);
        return error(503, "too many compilations running: try again");
    }
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("compile".into())
        .stack_size(crate::COMPILER_STACK)
        .spawn(move || {
            let result = f();
            COMPILES.fetch_sub(1, Ordering::SeqCst);
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        COMPILES.fetch_sub(1, Ordering::SeqCst);
        return error(503, &format!("cannot start a compiler thread: {e}"));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(v)) => json_response(200, &v),
        Ok(Err((status, message))) => error(status, &message),
        Err(mpsc::RecvTimeoutError::Timeout) => error(
            503,
            &format!("compile time limit exceeded ({} s)", limit.as_secs_f64()),
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => error(500, "internal compiler error (panic)"),
    }
}

fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str, (u16, String)> {
    body.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| (400, format!("missing string field `{name}`")))
}

fn options(body: &Value) -> Result<Options, (u16, String)> {
    let strategy = match body.get("strategy").and_then(Value::as_str) {
        None => Strategy::Auto,
        Some(s) => s.parse::<Strategy>().map_err(|_| {
            (
                400,
                format!("unknown strategy `{s}` (auto, inline, lift, ref)"),
            )
        })?,
    };
    Ok(Options {
        strategy: StrategyOpt(strategy),
        // The verifier is for tests; requests get release behaviour.
        verify_ir: false,
        ..Options::default()
    })
}

/// The stage a request asks for, if any (one of [`STAGES`]).
fn stage(body: &Value) -> Result<Option<Stage>, (u16, String)> {
    match body.get("stage").and_then(Value::as_str) {
        None => Ok(None),
        Some(s) => match s.parse::<Stage>() {
            Ok(st) if STAGES.contains(&s) => Ok(Some(st)),
            _ => Err((400, format!("unknown stage `{s}` ({})", STAGES.join(", ")))),
        },
    }
}

/// The playground's file name, in runtime error sites (`main.py:3:7 (at top level)`).
const FILE: &str = "main.py";

/// `POST /api/compile`.
fn compile(body: &Value) -> Result<Value, (u16, String)> {
    let src = Source {
        name: FILE.into(),
        text: field(body, "source")?.to_string(),
    };
    let opts = options(body)?;
    let stage = stage(body)?;
    let ast = (stage == Some(Stage::Ast)).then(|| {
        let parse = chocopy_syntax::parse(&src.text);
        chocopy_syntax::debug_tree(&parse.syntax_node())
    });
    match crate::compile(&src, &opts) {
        Err(f) => Ok(json!({
            "ok": false,
            "diagnostics": diagnostics_json(&src.text, &f),
            "stage": ast,
            "wasm": null,
        })),
        Ok(c) => {
            let text = match (ast, stage) {
                (Some(t), _) => Some(t),
                (None, Some(st)) => Some(
                    crate::stage_text(&c, st, &opts, Naming::Ir).map_err(|f| (500, f.rendered))?,
                ),
                (None, None) => None,
            };
            Ok(json!({
                "ok": true,
                "diagnostics": [],
                "stage": text,
                "wasm": base64::engine::general_purpose::STANDARD.encode(&c.wasm),
            }))
        }
    }
}

/// The stages the playground shows, in pipeline order.
pub const STAGES: [&str; 7] = [
    "ast",
    "ir",
    "inlined",
    "boxed",
    "lifted",
    "wat",
    "closure-report",
];

/// `POST /api/repl/new`.
fn repl_new(body: &Value, sessions: &Sessions) -> Result<Value, (u16, String)> {
    let (compiler, base) =
        crate::session::EntryCompiler::new(options(body)?).map_err(|f| (500, f.rendered))?;
    let id = session_id();
    let mut all = sessions.lock().map_err(|_| (500, "poisoned".to_string()))?;
    if all.len() >= MAX_SESSIONS {
        // A session busy compiling counts as used now.
        let oldest = all
            .iter()
            .min_by_key(|(_, s)| {
                s.try_lock()
                    .map(|s| s.used)
                    .unwrap_or_else(|_| Instant::now())
            })
            .map(|(k, _)| k.clone());
        if let Some(k) = oldest {
            all.remove(&k);
        }
    }
    all.insert(
        id.clone(),
        Arc::new(Mutex::new(ReplSession {
            compiler,
            used: Instant::now(),
        })),
    );
    Ok(json!({
        "session": id,
        "wasm": base64::engine::general_purpose::STANDARD.encode(&base),
    }))
}

/// `POST /api/repl/entry`.
fn repl_entry(body: &Value, sessions: &Sessions) -> Result<Value, (u16, String)> {
    let id = field(body, "session")?;
    let text = field(body, "source")?;
    let opts = options(body)?;
    let session = sessions
        .lock()
        .map_err(|_| (500, "poisoned".to_string()))?
        .get(id)
        .cloned()
        .ok_or_else(|| (404, format!("no REPL session `{id}` (it may have expired)")))?;
    let mut s = session.lock().map_err(|_| (500, "poisoned".to_string()))?;
    s.used = Instant::now();
    s.compiler.set_strategy(opts.strategy.0);
    let entry = s.compiler.entries();
    let mut text = text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let src = Source {
        name: format!("<entry {entry}>"),
        text,
    };
    match s.compiler.compile(&src) {
        Err(f) => Ok(json!({
            "ok": false,
            "diagnostics": diagnostics_json(&src.text, &f),
            "wasm": null,
            "entry": entry,
        })),
        Ok(c) => {
            let echo = c.echo().cloned();
            let mut v = json!({
                "ok": true,
                "diagnostics": [],
                "wasm": base64::engine::general_purpose::STANDARD.encode(c.bytes()),
                "memory_end": c.memory_end(),
                "echo": null,
                "entry": entry,
            });
            s.compiler.commit(c);
            if let Some((global, ty)) = echo {
                v["echo"] = json!({ "global": global, "type": type_name(&ty) });
            }
            Ok(v)
        }
    }
}

/// How the page reads an echoed value of this static type: `int`, `bool`, `str`,
/// or `other` (a list or an object, which it cannot look into: it calls the entry's
/// [`chocopy_codegen::ECHO_REPR_EXPORT`]).
fn type_name(ty: &chocopy_ir::Type) -> &'static str {
    match ty {
        chocopy_ir::Type::Int => "int",
        chocopy_ir::Type::Bool => "bool",
        chocopy_ir::Type::Str => "str",
        _ => "other",
    }
}

/// A session id nobody else guesses by counting (random per process).
fn session_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("{:016x}", h.finish())
}

/// The errors of `f` as the page shows them: `{"line", "col", "end_line",
/// "end_col", "from", "to", "message"}`, lines and columns from 1 (columns in
/// characters), `from`/`to` offsets in UTF-16 code units (the editor's positions).
/// A failure with no place (an internal error) is one diagnostic at 1:1.
pub fn diagnostics_json(text: &str, f: &Failure) -> Value {
    if f.errors.is_empty() {
        return json!([{
            "line": 1, "col": 1, "end_line": 1, "end_col": 1, "from": 0, "to": 0,
            "message": f.rendered.trim_end(),
        }]);
    }
    let offsets: Vec<usize> = f
        .errors
        .iter()
        .flat_map(|e| [e.range.start, e.range.end])
        .collect();
    let at = positions(text, &offsets);
    Value::Array(
        f.errors
            .iter()
            .zip(at.chunks(2))
            .map(|(e, p)| {
                let [(line, col, from), (end_line, end_col, to)] = [p[0], p[1]];
                json!({
                    "line": line, "col": col, "end_line": end_line, "end_col": end_col,
                    "from": from, "to": to, "message": e.message,
                })
            })
            .collect(),
    )
}

/// (line, column in characters, offset in UTF-16 code units) of each byte offset
/// (past the end or inside a character: the character's start), from 1 for lines
/// and columns, in one pass over the text up to the last offset.
fn positions(text: &str, offsets: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&k| offsets[k]);
    let mut out = vec![(1, 1, 0); offsets.len()];
    let (mut line, mut col, mut utf16) = (1, 1, 0);
    let mut chars = text.char_indices().peekable();
    for k in order {
        while let Some(&(at, c)) = chars.peek() {
            if at + c.len_utf8() > offsets[k] {
                break;
            }
            chars.next();
            utf16 += c.len_utf16();
            if c == '\n' {
                (line, col) = (line + 1, 1);
            } else {
                col += 1;
            }
        }
        out[k] = (line, col, utf16);
    }
    out
}
