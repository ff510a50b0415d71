// Builds the playground's bundles: src/app.js and src/worker.js with their npm
// dependencies (CodeMirror 6, the WASI shim) into dist/, which is committed and
// embedded in the `chocopy` binary (crates/driver/src/serve.rs), so that building
// the compiler needs no npm.
//
//   npm run build     rebuild dist/ (after `npm ci`)
//   npm run check     fail when dist/ is not what the sources build to
//
// dist/STAMP records the SHA-256 of the inputs (this file, package.json,
// package-lock.json, src/): the Rust test `playground_bundle_is_fresh`
// (crates/driver/tests/serve.rs) recomputes it, so a source changed without a
// rebuild fails `cargo test`, with no npm needed.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes("--check");

function files(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );
}

// The inputs, sorted by path; each hashed as `path\n`, its byte length, `\n`, its
// bytes.
export function stamp() {
  const inputs = ["build.mjs", "package.json", "package-lock.json", ...files("src")].sort();
  const hash = createHash("sha256");
  for (const path of inputs) {
    const bytes = readFileSync(join(root, path));
    hash.update(`${path}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return `${hash.digest("hex")}\n`;
}

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: "src/app.js", worker: "src/worker.js" },
  bundle: true,
  format: "iife",
  minify: true,
  legalComments: "eof",
  target: ["chrome120", "firefox120", "safari17"],
  outdir: "dist",
  write: false,
  logLevel: "warning",
});

const outputs = [...result.outputFiles.map((f) => [f.path, f.contents]), [join(root, "dist/STAMP"), new TextEncoder().encode(stamp())]];
if (check) {
  const stale = outputs.filter(([path, bytes]) => {
    try {
      return !Buffer.from(readFileSync(path)).equals(Buffer.from(bytes));
    } catch (_) {
      return true;
    }
  });
  if (stale.length) {
    console.error(`stale: ${stale.map(([p]) => p).join(", ")}: run \`npm run build\` in web/`);
    process.exit(1);
  }
  console.log("dist/ is up to date");
} else {
  mkdirSync(join(root, "dist"), { recursive: true });
  for (const [path, bytes] of outputs) writeFileSync(path, bytes);
  console.log(`built ${outputs.map(([p]) => p.slice(root.length + 1)).join(", ")}`);
}
