// End-to-end test of the playground in a real browser: starts `chocopy serve` on a
// free port, drives Debian's Chromium with playwright-core, and checks what a user
// sees: a program typed and run, every stage, a type error's diagnostic, runtime
// errors and input, Stop on an endless loop, REPL entries sharing a variable,
// Share. Every check runs even when an earlier one fails; the exit code is 1 when
// any failed. It also checks that the page fetched nothing from another origin.
//
//   node e2e/playground.mjs     (from web/, after `npm ci` and `cargo build`)
//
// Environment: CHOCOPY (the binary; default ../target/debug/chocopy), CHROMIUM
// (default /usr/bin/chromium), ARTIFACTS (where the screenshot goes; default
// ../target/e2e).
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.CHOCOPY || join(root, "target/debug/chocopy");
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = process.env.ARTIFACTS || join(root, "target/e2e");
mkdirSync(artifacts, { recursive: true });

// ------------------------------------------------------------------ the server

const server = spawn(binary, ["serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((ok, fail) => {
  let seen = "";
  server.stdout.on("data", (chunk) => {
    seen += chunk;
    const m = seen.match(/playground: (http:\/\/\S+)/);
    if (m) ok(m[1]);
  });
  server.on("exit", (code) => fail(new Error(`chocopy serve exited with ${code}`)));
  setTimeout(() => fail(new Error("chocopy serve did not start")), 20000);
});
console.log(`server: ${base}`);
// However the test ends, the server goes with it; a hung test fails after 10 minutes.
process.on("exit", () => server.kill());
setTimeout(() => {
  console.log("FAIL the test did not finish in 10 minutes");
  process.exit(1);
}, 10 * 60 * 1000).unref();

// ------------------------------------------------------------------ the browser

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const foreign = [];
page.on("request", (r) => {
  const url = r.url();
  if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
});
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));

const failures = [];
async function check(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split("\n").join("\n     ")}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const byTestId = (id) => page.getByTestId(id);
const text = async (id) => (await byTestId(id).innerText()).replace(/\u00a0/g, " ");

// Waits until `predicate(text of test id)` holds; fails with the last text seen.
async function waitText(id, predicate, what, timeout = 15000) {
  const end = Date.now() + timeout;
  let last = "";
  while (Date.now() < end) {
    last = await text(id);
    if (predicate(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`${id}: expected ${what}, got:\n${last}`);
}

// Replaces the editor's content, as typing it would (inserted text is not
// re-indented by the editor).
async function setProgram(program) {
  await page.locator('[data-testid="editor"] .cm-content').click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(program);
}

async function editorText() {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="editor"] .cm-line')].map((l) => l.textContent).join("\n"),
  );
}

async function run(expectStatus = /exited with code/) {
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    const status = await page.locator("#status").innerText();
    if (expectStatus.test(status)) return status;
    await page.waitForTimeout(50);
  }
  throw new Error(`status never matched ${expectStatus}: ${await page.locator("#status").innerText()}`);
}

// `go` is recursive, so `auto` keeps it a function: lifted, with `calls` (which it
// assigns through `nonlocal`) in a Ref cell; `double` is small and inlined.
const PROGRAM = readFileSync(join(root, "examples/count_down.py"), "utf8");

await page.goto(base);
await page.locator('[data-testid="editor"] .cm-content').waitFor();

await check("a typed program runs and prints its output", async () => {
  await setProgram(PROGRAM);
  const typed = await editorText();
  assert(typed === PROGRAM, `the editor holds the program as typed: ${JSON.stringify(typed)}`);
  const status = await run();
  assert(status === "exited with code 0", `status: ${status}`);
  const out = await text("output");
  assert(out.trim() === "11\ndone", `output: ${JSON.stringify(out)}`);
});

// What each stage shows for PROGRAM under `auto`.
const STAGES = {
  ast: (t) => t.startsWith("SOURCE_FILE@") && t.includes("FUNC_DEF"),
  ir: (t) => t.includes("def count_down(n: int) -> int:") && t.includes("nonlocal calls"),
  inlined: (t) => t.includes("go(n * 2)") && !t.includes("def double"),
  boxed: (t) => t.includes("calls.value = calls.value + 1") && t.includes("def go"),
  lifted: (t) => t.includes("def count_down$go(calls: Ref, k: int) -> object:"),
  wat: (t) => t.startsWith("(module") && t.includes("wasi_snapshot_preview1"),
  "closure-report": (t) => t.includes("closure strategy: auto") && t.includes("go") && t.includes("calls"),
};

for (const [stage, ok] of Object.entries(STAGES)) {
  await check(`stage ${stage}`, async () => {
    const values = await byTestId("stage").evaluate((s) => [...s.options].map((o) => o.value));
    assert(values.includes(stage), `the stage selector offers ${stage} (has ${values})`);
    await byTestId("stage").selectOption(stage);
    await waitText("stage-output", ok, `the ${stage} stage of the program`);
  });
}

await check("a type error is listed as line:col: message and marked in the editor", async () => {
  await setProgram('x: int = 1\ny: str = ""\ny = x + 1\nprint(y)\n');
  await waitText(
    "diagnostics",
    (t) => t.trim() === "3:1: Expected type `str`; got type `int`",
    `one diagnostic, \`3:1: Expected type \`str\`; got type \`int\`\` (editor: ${JSON.stringify(await editorText())})`,
  );
  await page.locator(".cm-lintRange-error").first().waitFor({ timeout: 5000 });
  const marked = await page.locator(".cm-lintRange-error").first().innerText();
  assert(marked.startsWith("y"), `the mark covers the statement: ${JSON.stringify(marked)}`);
  // Fixed, the diagnostics go away.
  await setProgram('x: int = 1\ny: str = "ok"\nprint(y)\n');
  await waitText("diagnostics", (t) => t.trim() === "", "no diagnostics");
});

await check("a runtime error prints its message and source line, with its exit code", async () => {
  await setProgram('print("before")\nprint(1 // 0)\n');
  const status = await run();
  assert(status === "exited with code 2", `status: ${status}`);
  const out = await text("output");
  assert(out.includes("before\nDivision by zero"), `output: ${out}`);
  assert(out.includes("main.py:2:7 (at top level): Division by zero"), `output: ${out}`);
});

await check("input() reads the Input box", async () => {
  await setProgram('name: str = ""\nname = input()\nprint("hello, " + name)\n');
  await byTestId("stdin").fill("Ada\n");
  await run();
  const out = await text("output");
  assert(out.trim() === "hello, Ada", `output: ${out}`);
  await byTestId("stdin").fill("");
});

await check("Stop ends an endless loop and the page stays responsive", async () => {
  await setProgram("i: int = 0\nwhile True:\n    i = i + 1\n");
  await run(/running/);
  await page.waitForTimeout(500);
  // The page's thread is free while the program runs.
  const alive = await page.evaluate(() => 1 + 1);
  assert(alive === 2, "the page answers");
  const stop = page.getByRole("button", { name: "Stop", exact: true });
  assert(await stop.isEnabled(), "Stop is enabled while running");
  await stop.click();
  const status = await page.locator("#status").innerText();
  assert(status === "stopped", `status: ${status}`);
  await waitText("output", (t) => t.includes("[stopped]"), "the output saying stopped");
  assert(await page.getByRole("button", { name: "Run", exact: true }).isEnabled(), "Run is enabled again");
});

await check("Stop ends a program printing without end; its output is capped", async () => {
  await setProgram('while True:\n    print("spam spam spam spam")\n');
  await run(/running/);
  try {
    await waitText("output", (t) => t.includes("[output truncated"), "the output cut at its limit");
    const alive = await page.evaluate(() => 1 + 1);
    assert(alive === 2, "the page answers");
  } finally {
    await page.getByRole("button", { name: "Stop", exact: true }).click();
  }
  const status = await page.locator("#status").innerText();
  assert(status === "stopped", `status: ${status}`);
  const out = await waitText("output", (t) => /\[stopped\]\n?$/.test(t), "[stopped] at the end");
  assert(out.length < 1.01 * (1 << 18), `output of ${out.length} characters`);
});

async function replEnter(entry) {
  const input = byTestId("repl-input");
  await input.click();
  for (const [i, line] of entry.split("\n").entries()) {
    if (i > 0) {
      // A continuation line: the input indents it, as Python's prompt would not;
      // type the line's own indentation only.
      await input.press("Shift+Enter");
      await input.evaluate((el) => {
        el.value = el.value.replace(/[ \t]+$/, "");
      });
    }
    await page.keyboard.insertText(line);
  }
  await input.press("Enter");
  if (entry.trimEnd().split("\n")[0].endsWith(":")) await input.press("Enter");
}

await check("REPL entries share a variable, each a module linked in the browser", async () => {
  await replEnter("x: int = 41");
  await waitText("repl-output", (t) => t.includes(">>> x: int = 41"), "the first entry echoed");
  await replEnter("print(x + 1)");
  await waitText("repl-output", (t) => t.includes("42"), "42 printed by the second entry");
  await replEnter("def bump() -> int:\n    global x\n    x = x + 10\n    return x");
  await replEnter("bump()");
  await waitText("repl-output", (t) => /\n51\n/.test(t), "51 echoed");
  await replEnter("x");
  await waitText("repl-output", (t) => /\n51\n>>> x\n51\n/.test(t), "x echoed as 51");
  await replEnter('x = "oops"');
  await waitText("repl-output", (t) => t.includes("1:1: Expected type `int`; got type `str`"), "the type error");
  await replEnter('s: str = "it\'s"');
  await replEnter("s");
  await waitText("repl-output", (t) => t.includes(`>>> s\n"it's"\n`), "a str echoed as repr");
  await replEnter('s + "!"');
  await waitText("repl-output", (t) => t.includes(`>>> s + "!"\n"it's!"\n`), "a new str echoed");
  // Lists and objects are shown by the entry's own `repr` (as CPython shows them).
  await replEnter('["it\'s", None, "a"]');
  await waitText("repl-output", (t) => t.includes(`\n["it's", None, 'a']\n`), "a list echoed as repr");
  await replEnter("o: object = None");
  await replEnter("o = [[True], []]");
  await replEnter("o");
  await waitText("repl-output", (t) => t.includes(">>> o\n[[True], []]\n"), "an object echoed by its dynamic type");
  await replEnter("print(x // 0)");
  await waitText("repl-output", (t) => t.includes("Division by zero"), "the runtime error");
  await replEnter("x");
  await waitText("repl-output", (t) => /Division by zero[\s\S]*>>> x\n51\n/.test(t), "the session goes on after it");
});

await check("Interrupt stops an endless REPL entry; the next entry starts a new session", async () => {
  await replEnter("while True:\n    pass");
  await page.waitForTimeout(500);
  await page.getByRole("button", { name: "Interrupt", exact: true }).click();
  await waitText("repl-output", (t) => t.includes("KeyboardInterrupt"), "KeyboardInterrupt");
  await replEnter("1 + 1");
  await waitText("repl-output", (t) => /KeyboardInterrupt[^\n]*\n>>> 1 \+ 1\n2\n$/.test(t), "2 echoed");
});

await check("Share puts the program in the URL, and the link opens it", async () => {
  await setProgram('print("shared")\n');
  await byTestId("strategy").selectOption("ref");
  await page.getByRole("button", { name: "Share", exact: true }).click();
  await page.waitForFunction(() => location.hash.includes("code="));
  const url = page.url();
  const other = await browser.newPage();
  other.on("request", (r) => {
    if (!r.url().startsWith(base)) foreign.push(r.url());
  });
  await other.goto(url);
  await other.locator('[data-testid="editor"] .cm-content').waitFor();
  const program = await other.evaluate(() =>
    [...document.querySelectorAll('[data-testid="editor"] .cm-line')].map((l) => l.textContent).join("\n"),
  );
  assert(program === 'print("shared")\n', `the shared page holds ${JSON.stringify(program)}`);
  const strategy = await other.getByTestId("strategy").inputValue();
  assert(strategy === "ref", `strategy ${strategy}`);
  await other.close();
  await byTestId("strategy").selectOption("auto");
});

await check("nothing is fetched from outside the server, and the page has no errors", async () => {
  assert(foreign.length === 0, `foreign requests: ${foreign.join(", ")}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join("; ")}`);
});

// The screenshot, kept as an artifact (README.md shows one): the program run, its
// lifted stage, a short REPL session.
await check("the screenshot's session", async () => {
  await page.getByRole("button", { name: "Reset", exact: true }).click();
  await replEnter("x: int = 41");
  await replEnter("def bump() -> int:\n    global x\n    x = x + 1\n    return x");
  await replEnter("bump()");
  await replEnter('"x is " + "big"');
  await waitText("repl-output", (t) => t.endsWith(">>> bump()\n42\n>>> \"x is \" + \"big\"\n'x is big'\n"), "the session");
  await setProgram(PROGRAM);
  await byTestId("stage").selectOption("lifted");
  await run();
});
const shot = join(artifacts, "playground.png");
await page.screenshot({ path: shot });
console.log(`screenshot: ${shot}`);

await browser.close();
server.kill();
if (failures.length) {
  console.log(`\n${failures.length} check(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("\nall checks passed");
