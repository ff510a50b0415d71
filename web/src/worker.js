// The playground's Web Worker: runs WASI command modules compiled by `chocopy serve`
// off the page's thread, so that an endless loop never freezes the page (the page
// stops a run by terminating the worker).
//
// Messages from the page:
//   {type: "run", wasm, stdin}            run a whole program
//   {type: "repl-base", wasm}             start a REPL session: its base module
//                                         (the shared memory and runtime state)
//   {type: "repl-entry", wasm, memoryEnd, echo, stdin}
//                                         run a REPL entry, linked to the earlier
//                                         instances' exports (module "session")
// Messages to the page:
//   {type: "stdout" | "stderr", text}     what the program wrote
//   {type: "exit", code, echo}            it ended (echo: the entry's echoed value)
//   {type: "error", message}              it trapped or could not be instantiated
import { WASI, WASIProcExit, File, OpenFile, ConsoleStdout } from "@bjorn3/browser_wasi_shim";

// Name of the export that writes out buffered standard output
// (chocopy_codegen::FLUSH_EXPORT).
const FLUSH_EXPORT = "chocopy_flush";
// Name of the export that prints a str (chocopy_codegen::PRINT_STR_EXPORT).
const PRINT_STR_EXPORT = "chocopy_print_str";
// Name of an entry's export giving the `repr` of its echoed list or object as a str
// (chocopy_codegen::ECHO_REPR_EXPORT).
const ECHO_REPR_EXPORT = "chocopy_echo_repr";

// While set, standard output goes here instead of to the page (the echo of a str).
let capture = null;
// Module name of the imports an entry takes from earlier ones
// (chocopy_codegen::SESSION_MODULE).
const SESSION_MODULE = "session";

// Most characters of output a run or REPL entry sends to the page: past it, the
// rest is dropped (with one note), so that a program printing without end cannot
// flood the page with messages; it runs on until it ends or is stopped.
const OUTPUT_LIMIT = 1 << 18;

function stream(type, budget) {
  const decoder = new TextDecoder("utf-8");
  return new ConsoleStdout((bytes) => {
    const text = decoder.decode(bytes, { stream: true });
    if (type === "stdout" && capture !== null) {
      capture += text;
      return;
    }
    if (!text || budget.left <= 0) return;
    if (text.length >= budget.left) {
      postMessage({ type, text: text.slice(0, budget.left) });
      postMessage({ type: "stderr", text: `\n[output truncated: more than ${OUTPUT_LIMIT} characters]\n` });
      budget.left = 0;
      return;
    }
    budget.left -= text.length;
    postMessage({ type, text });
  });
}

function newWasi(stdin) {
  const input = new OpenFile(new File(new TextEncoder().encode(stdin || "")));
  const budget = { left: OUTPUT_LIMIT };
  return new WASI([], [], [input, stream("stdout", budget), stream("stderr", budget)]);
}

// What a trap means for a ChocoPy program.
function describe(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return "RecursionError: maximum recursion depth exceeded (WebAssembly stack exhausted)";
  }
  if (e instanceof WebAssembly.RuntimeError) return `WebAssembly trap: ${e.message}`;
  return String(e && e.message ? e.message : e);
}

// Runs `_start` of `instance`; returns its exit code, or throws a trap (after
// writing out what the program printed before it).
function start(wasi, instance) {
  try {
    return wasi.start(instance);
  } catch (e) {
    if (e instanceof WASIProcExit) return e.code;
    try {
      instance.exports[FLUSH_EXPORT]();
    } catch (_) {
      // Nothing more to write.
    }
    throw e;
  }
}

// The REPL session of this worker.
let session = null;

// Python's `repr` of a str's text.
function strRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === quote) out += "\\" + quote;
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

// Prints str `value` with the base module's `print` (PRINT_STR_EXPORT) and returns
// the text (without the newline): JavaScript cannot look into a WasmGC array.
function strText(value) {
  const base = session.base.exports;
  base[FLUSH_EXPORT]();
  capture = "";
  try {
    base[PRINT_STR_EXPORT](value);
    base[FLUSH_EXPORT]();
    return capture.replace(/\n$/, "");
  } finally {
    capture = null;
  }
}

// The echoed value of an entry, as Python's `repr` shows it: exported global
// `echo.global` of static type `echo.type`. An `int` or `bool` is read directly; a
// `str` is printed (strText) and quoted here; a list or an object is shown by the
// entry's own `repr` function (ECHO_REPR_EXPORT), printed likewise. `None` is not
// echoed.
function echoOf(instance, echo) {
  if (!echo) return null;
  const g = instance.exports[echo.global];
  if (!g) return null;
  if (echo.type === "int") return String(g.value);
  if (echo.type === "bool") return g.value ? "True" : "False";
  if (g.value === null) return null;
  if (echo.type === "str") return strRepr(strText(g.value));
  const repr = instance.exports[ECHO_REPR_EXPORT];
  return repr ? strText(repr(g.value)) : null;
}

onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "run") {
      const wasi = newWasi(msg.stdin);
      const { instance } = await WebAssembly.instantiate(msg.wasm, {
        wasi_snapshot_preview1: wasi.wasiImport,
      });
      const code = start(wasi, instance);
      postMessage({ type: "exit", code });
    } else if (msg.type === "repl-base") {
      const wasi = newWasi("");
      const { instance } = await WebAssembly.instantiate(msg.wasm, {
        wasi_snapshot_preview1: wasi.wasiImport,
      });
      const shared = {};
      for (const [name, value] of Object.entries(instance.exports)) {
        if (name === "memory" || name.startsWith("rt.")) shared[name] = value;
      }
      session = { shared, base: instance };
      start(wasi, instance);
      postMessage({ type: "exit", code: 0 });
    } else if (msg.type === "repl-entry") {
      if (!session) throw new Error("no REPL session");
      const memory = session.shared.memory;
      const need = Math.ceil(msg.memoryEnd / 65536);
      const have = memory.buffer.byteLength / 65536;
      if (need > have) memory.grow(need - have);
      const wasi = newWasi(msg.stdin);
      const { instance } = await WebAssembly.instantiate(msg.wasm, {
        wasi_snapshot_preview1: wasi.wasiImport,
        [SESSION_MODULE]: session.shared,
      });
      // The entry's declarations exist from now on, whatever its statements do.
      for (const [name, value] of Object.entries(instance.exports)) {
        if (/^(global|func|vtable)\d+$/.test(name)) session.shared[name] = value;
      }
      const code = start(wasi, instance);
      postMessage({ type: "exit", code, echo: code === 0 ? echoOf(instance, msg.echo) : null });
    }
  } catch (e) {
    postMessage({ type: "error", message: describe(e) });
  }
};
