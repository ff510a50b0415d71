#!/usr/bin/env bash
# Runtime benchmark (report: benches/runtime.md).
#
# 1. The five pa3 benchmarks scaled up (benches/programs/{exp,prime,sieve,stdlib,tree}.py):
#    `chocopy run` (our compiler, wasmtime's JIT and the run, all included) against
#    `python3` on the same program.
# 2. The integer-only benchmarks at a larger scale (prime.py and exp.py with the `n` of
#    benches/c/*.c) against the same algorithm in C compiled with `gcc -O2`.
#
# Wall times are hyperfine's medians; every program's output is first checked against
# CPython's (or the C program's).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
command -v hyperfine >/dev/null || apt-get install -y hyperfine
cargo build --release --bin chocopy
chocopy=target/release/chocopy
runs=${RUNS:-5}

for p in exp prime sieve stdlib tree; do
  src=benches/programs/$p.py
  cmp <("$chocopy" run "$src") <(python3 "$src") || { echo "$p: output differs from CPython" >&2; exit 1; }
  hyperfine -N -w 1 -r "$runs" --export-json "$out/$p.json" \
    -n python3 "python3 $src" -n chocopy "$chocopy run $src" >/dev/null
done

for p in prime exp; do
  # The C program's n, put into the Python program.
  n=$(sed -n 's/^    int n = \([0-9]*\);$/\1/p' "benches/c/$p.c")
  src=$out/c_$p.py
  sed "s/^n:int = [0-9]*$/n:int = $n/" "benches/programs/$p.py" > "$src"
  gcc -O2 -o "$out/c_$p" "benches/c/$p.c"
  cmp <("$chocopy" run "$src") <("$out/c_$p") || { echo "c_$p: output differs from C" >&2; exit 1; }
  hyperfine -N -w 1 -r "$runs" --export-json "$out/c_$p.json" \
    -n gcc "$out/c_$p" -n chocopy "$chocopy run $src" >/dev/null
done

python3 benches/report.py "$out" > benches/runtime.md
cat benches/runtime.md
