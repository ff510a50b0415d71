#!/usr/bin/env bash
# Runtime benchmark (report: benches/runtime.md).
#
# 1. The five pa3 benchmarks scaled up (benches/programs/{exp,prime,sieve,stdlib,tree}.py):
#    `chocopy run` (our compiler, wasmtime's JIT and the run, all included) against
#    `python3` on the same program.
# 2. The integer-only benchmarks at a larger scale (prime.py and exp.py with the `n` of
#    benches/c/*.c) against the same algorithm in C compiled with `gcc -O2`.
# 3. Allocation-heavy programs (benches/alloc/*.py: string building, dropped cyclic
#    structures, list growth by concatenation, binary trees) against `python3`: wall
#    time, and the peak resident set size of each whole process (`/usr/bin/time -f %M`).
#
# Wall times are hyperfine's medians; every program's output is first checked against
# CPython's (or the C program's).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
command -v hyperfine >/dev/null || apt-get install -y hyperfine
test -x /usr/bin/time || apt-get install -y time
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

for p in strings rings concat binary_trees; do
  src=benches/alloc/$p.py
  cmp <("$chocopy" run "$src") <(python3 "$src") || { echo "$p: output differs from CPython" >&2; exit 1; }
  hyperfine -N -w 1 -r "${ALLOC_RUNS:-3}" --export-json "$out/alloc_$p.json" \
    -n python3 "python3 $src" -n chocopy "$chocopy run $src" >/dev/null
  # Peak RSS in KiB: python3's, then ours.
  for cmd in "python3 $src" "$chocopy run $src"; do
    /usr/bin/time -f %M $cmd 2>&1 >/dev/null | tail -1
  done > "$out/alloc_$p.rss"
done

python3 benches/report.py "$out" > benches/runtime.md
cat benches/runtime.md
