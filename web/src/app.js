// The playground page: a CodeMirror 6 editor, diagnostics from the server as you
// type, Run/Stop (the module runs in a Web Worker), the text of every compiler
// stage, a REPL whose entries are separate modules linked in the browser, and Share
// (the program in the URL). Everything comes from the server that served the page.
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

const EXAMPLE = `# Nested functions: \`tick\` assigns \`count\` through \`nonlocal\`, so the
# closure passes keep \`count\` in a Ref cell; \`double\` is small and inlined.
def counter(n: int) -> int:
    count: int = 0

    def tick(step: int) -> object:
        nonlocal count
        count = count + step

    def double(x: int) -> int:
        return x * 2

    i: int = 0
    while i < n:
        tick(double(i))
        i = i + 1
    return count

print(counter(10))
`;

// ---------------------------------------------------------------- the program

function fromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const out = {};
  const code = params.get("code");
  if (code) {
    try {
      const bin = atob(code.replace(/-/g, "+").replace(/_/g, "/"));
      out.code = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    } catch (_) {
      // A damaged link: keep the example.
    }
  }
  const strategy = params.get("strategy");
  if (strategy) out.strategy = strategy;
  const stage = params.get("stage");
  if (stage) out.stage = stage;
  return out;
}

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const shared = fromHash();
const strategySelect = $("strategy");
const stageSelect = $("stage");
if (shared.strategy) strategySelect.value = shared.strategy;
if (shared.stage) stageSelect.value = shared.stage;

let timer = null;
const editor = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: shared.code ?? EXAMPLE,
    extensions: [
      basicSetup,
      keymap.of([indentWithTab]),
      python(),
      lintGutter(),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) {
          clearTimeout(timer);
          timer = setTimeout(() => compile(), 300);
        }
      }),
    ],
  }),
});

function source() {
  return editor.state.doc.toString();
}

// ---------------------------------------------------------------- the server

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error || `HTTP ${response.status}`);
  return json;
}

function base64Bytes(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function formatDiagnostic(d) {
  return `${d.line}:${d.col}: ${d.message}`;
}

// The latest compilation asked for; older answers are dropped.
let generation = 0;

// Compiles the program with the selected strategy and stage: shows its
// diagnostics (in the list and marked in the editor) and the stage's text. Returns
// the server's answer, or null when a newer compilation superseded it.
async function compile() {
  const mine = ++generation;
  const text = source();
  let result;
  try {
    result = await api("/api/compile", {
      source: text,
      strategy: strategySelect.value,
      stage: stageSelect.value,
    });
  } catch (e) {
    if (mine === generation) setStatus(`compile failed: ${e.message}`, "error");
    return null;
  }
  if (mine !== generation) return null;
  const list = $("diagnostics");
  list.replaceChildren(
    ...result.diagnostics.map((d) => {
      const li = document.createElement("li");
      li.textContent = formatDiagnostic(d);
      li.addEventListener("click", () => {
        editor.dispatch({ selection: { anchor: Math.min(d.from, editor.state.doc.length) } });
        editor.focus();
      });
      return li;
    }),
  );
  list.hidden = result.diagnostics.length === 0;
  const length = editor.state.doc.length;
  editor.dispatch(
    setDiagnostics(
      editor.state,
      result.diagnostics.map((d) => {
        const from = Math.min(d.from, length);
        let to = Math.min(Math.max(d.to, from), length);
        // An empty range (an error at the end of the file) still gets a mark.
        if (to === from && from > 0) return { from: from - 1, to: from, severity: "error", message: d.message };
        return { from, to, severity: "error", message: d.message };
      }),
    ),
  );
  $("stage-output").textContent = result.stage ?? "(the program has errors: see the diagnostics)";
  return result;
}

// ---------------------------------------------------------------- running

const output = $("output");
const runButton = document.querySelector("#run");
const stopButton = document.querySelector("#stop");
let runner = null;

function setStatus(text, kind = "") {
  const status = document.querySelector("#status");
  status.textContent = text;
  status.className = kind;
}

// Most characters a pane shows (the worker sends at most 256 KiB per run or
// entry; this bounds a REPL transcript of many entries).
const OUTPUT_LIMIT = 1 << 20;

// Text waiting to be shown, per pane: appended once per animation frame, so that
// a program printing fast costs one layout per frame, not one per message.
const pending = new Map();

// Appends `text` to `pre` (in class `cls`), up to OUTPUT_LIMIT characters unless
// `always` (the runner's own notes).
function append(pre, text, cls, always = false) {
  const size = Number(pre.dataset.size || 0);
  if (size >= OUTPUT_LIMIT && !always) return;
  if (size + text.length > OUTPUT_LIMIT && !always) {
    text = `${text.slice(0, OUTPUT_LIMIT - size)}\n[output truncated: more than ${OUTPUT_LIMIT} characters]\n`;
  }
  pre.dataset.size = String(size + text.length);
  if (!pending.has(pre)) {
    pending.set(pre, []);
    requestAnimationFrame(() => flush(pre));
  }
  const parts = pending.get(pre);
  const last = parts[parts.length - 1];
  if (last && last.cls === (cls || "")) last.text += text;
  else parts.push({ text, cls: cls || "" });
}

// Shows `pre`'s pending text.
function flush(pre) {
  const parts = pending.get(pre) || [];
  pending.delete(pre);
  for (const { text, cls } of parts) {
    const last = pre.lastChild;
    if (last && last.className === cls && last.firstChild) {
      last.firstChild.appendData(text);
    } else {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      pre.append(span);
    }
  }
  pre.scrollTop = pre.scrollHeight;
}

function clear(pre) {
  pending.delete(pre);
  pre.replaceChildren();
  pre.dataset.size = "0";
}

function finishRun(text, kind) {
  if (runner) runner.terminate();
  runner = null;
  // The output is complete when the status says the run ended.
  if (pending.has(output)) flush(output);
  runButton.disabled = false;
  stopButton.disabled = true;
  setStatus(text, kind);
}

async function run() {
  if (runner) finishRun("stopped");
  clear(output);
  runButton.disabled = true;
  setStatus("compiling…");
  const result = await compile();
  if (!result || !result.ok) {
    runButton.disabled = false;
    setStatus(result ? "the program has errors" : "", result ? "error" : "");
    return;
  }
  const wasm = base64Bytes(result.wasm);
  runner = new Worker("/worker.js");
  stopButton.disabled = false;
  setStatus("running…");
  runner.onmessage = (event) => {
    const m = event.data;
    if (m.type === "stdout") append(output, m.text);
    else if (m.type === "stderr") append(output, m.text, "stderr");
    else if (m.type === "exit") {
      finishRun(`exited with code ${m.code}`, m.code === 0 ? "" : "error");
    } else if (m.type === "error") {
      append(output, `${m.message}\n`, "stderr", true);
      finishRun("trapped", "error");
    }
  };
  runner.onerror = (e) => finishRun(`worker failed: ${e.message}`, "error");
  runner.postMessage({ type: "run", wasm, stdin: $("stdin").value });
}

function stop() {
  if (!runner) return;
  append(output, "\n[stopped]\n", "stderr", true);
  finishRun("stopped", "error");
}

runButton.addEventListener("click", run);
stopButton.addEventListener("click", stop);
strategySelect.addEventListener("change", compile);
stageSelect.addEventListener("change", compile);
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
    e.preventDefault();
    run();
  }
});

document.querySelector("#share").addEventListener("click", async () => {
  const params = new URLSearchParams();
  params.set("code", toBase64Url(source()));
  params.set("strategy", strategySelect.value);
  params.set("stage", stageSelect.value);
  history.replaceState(null, "", `#${params}`);
  let copied = false;
  try {
    await navigator.clipboard.writeText(location.href);
    copied = true;
  } catch (_) {
    // No clipboard (an insecure context, a headless browser): the address bar
    // holds the link.
  }
  setStatus(copied ? "link copied to the clipboard" : "the link is in the address bar");
});

// ---------------------------------------------------------------- the REPL

const replInput = $("repl-input");
const replOutput = $("repl-output");
let repl = null; // {id, worker, busy}

function replWorker() {
  const worker = new Worker("/worker.js");
  return worker;
}

// Runs one message on the REPL worker; resolves with its end message (or
// `{type: "interrupted"}` when the session is stopped meanwhile).
function replSend(message, onOutput) {
  return new Promise((resolve) => {
    repl.pending = resolve;
    repl.worker.onmessage = (event) => {
      const m = event.data;
      if (m.type === "stdout" || m.type === "stderr") onOutput(m);
      else resolve(m);
    };
    repl.worker.postMessage(message);
  });
}

async function replStart() {
  const strategy = strategySelect.value;
  const answer = await api("/api/repl/new", { strategy });
  repl = { id: answer.session, worker: replWorker(), busy: false };
  const end = await replSend({ type: "repl-base", wasm: base64Bytes(answer.wasm) }, () => {});
  if (end.type === "error") throw new Error(end.message);
}

function replStop() {
  if (repl) {
    repl.worker.terminate();
    if (repl.pending) repl.pending({ type: "interrupted" });
  }
  repl = null;
}

// Entries run one after the other: one typed while another runs waits its turn.
let replQueue = Promise.resolve();

async function replSubmit(text) {
  append(
    replOutput,
    text
      .replace(/\n+$/, "")
      .split("\n")
      .map((line, i) => `${i === 0 ? ">>> " : "... "}${line}\n`)
      .join(""),
    "prompt",
  );
  if (!text.trim()) return;
  try {
    if (!repl) await replStart();
    repl.busy = true;
    const answer = await api("/api/repl/entry", {
      session: repl.id,
      source: text,
      strategy: strategySelect.value,
    });
    if (!answer.ok) {
      for (const d of answer.diagnostics) append(replOutput, `${formatDiagnostic(d)}\n`, "stderr");
      return;
    }
    const end = await replSend(
      {
        type: "repl-entry",
        wasm: base64Bytes(answer.wasm),
        memoryEnd: answer.memory_end,
        echo: answer.echo,
        stdin: $("stdin").value,
      },
      (m) => append(replOutput, m.text, m.type === "stderr" ? "stderr" : ""),
    );
    if (end.type === "interrupted") return;
    if (end.type === "error") append(replOutput, `${end.message}\n`, "stderr");
    else if (end.echo !== null && end.echo !== undefined) append(replOutput, `${end.echo}\n`);
  } catch (e) {
    append(replOutput, `${e.message}\n`, "stderr");
    // The server may have forgotten the session: start a new one next time.
    if (/no REPL session/.test(e.message)) replStop();
  } finally {
    if (repl) repl.busy = false;
  }
}

// Enter submits the entry, as Python's interactive mode reads it: a compound
// statement (its first line ends with `:`) goes on until an empty line; Shift+Enter
// always starts a new line.
replInput.addEventListener("keydown", (e) => {
  if (e.key !== "Enter") return;
  const text = replInput.value;
  const lines = text.split("\n");
  const compound = lines[0].trimEnd().endsWith(":");
  const last = lines[lines.length - 1];
  if (e.shiftKey || (compound && last.trim() !== "")) {
    e.preventDefault();
    const indent = last.match(/^\s*/)[0] + (last.trimEnd().endsWith(":") ? "    " : "");
    replInput.setRangeText(`\n${indent}`, replInput.selectionStart, replInput.selectionEnd, "end");
    replInput.rows = Math.min(12, replInput.value.split("\n").length);
    return;
  }
  e.preventDefault();
  replInput.value = "";
  replInput.rows = 1;
  replQueue = replQueue.then(() => replSubmit(text));
});

document.querySelector("#repl-reset").addEventListener("click", () => {
  replStop();
  clear(replOutput);
  append(replOutput, "(new session)\n", "prompt");
});

document.querySelector("#repl-stop").addEventListener("click", () => {
  if (!repl || !repl.busy) return;
  replStop();
  append(replOutput, "KeyboardInterrupt (a new session starts with the next entry)\n", "stderr");
});

compile();
