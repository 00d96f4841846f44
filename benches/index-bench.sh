#!/usr/bin/env bash
# Indexing benchmark: full build and no-change re-index of a generated corpus.
#
#   benches/index-bench.sh N [RUNS]     e.g. benches/index-bench.sh 100000 3
#
# Generates N pages with benches/gencorpus.rs (seed 42) under ${BENCH_DIR:-/tmp/baoxian-bench},
# then runs `baoxian index` RUNS times from scratch and RUNS times with nothing changed, under
# /usr/bin/time -v, and prints one line per run: seconds, files/s, MB/s (of page files), peak
# RSS and index size. Needs /usr/bin/time (Debian package `time`).
set -euo pipefail
n=${1:?usage: benches/index-bench.sh N [RUNS]}
runs=${2:-3}
dir=${BENCH_DIR:-/tmp/baoxian-bench}
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin baoxian --example gencorpus
corpus="$dir/corpus-$n"
if [ ! -f "$corpus/articles.jsonl" ]; then
  ./target/release/examples/gencorpus --seed 42 --count "$n" --out "$corpus"
fi
bytes=$(du -sb "$corpus/pages" | cut -f1)
files=$n
index="$dir/index-$n"
measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -v "$@" > "$dir/out.txt" 2> "$dir/time.txt"
  local secs rss size
  secs=$(awk -F': ' '/Elapsed/ {split($2, t, ":"); s = 0; for (i = 1; i <= length(t); i++) s = s * 60 + t[i]; print s}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$dir/time.txt")
  size=$(du -sb "$index" | cut -f1)
  awk -v l="$label" -v s="$secs" -v f="$files" -v b="$bytes" -v r="$rss" -v z="$size" 'BEGIN {
    printf "%-10s %8.2f s %9.0f files/s %7.1f MB/s   peak RSS %5d MB   index %7.1f MB\n", l, s, f / s, b / 1e6 / s, r, z / 1e6 }'
}
echo "corpus: $n pages, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of page files in $corpus/pages"
for i in $(seq "$runs"); do
  rm -rf "$index"
  measure "full #$i" ./target/release/baoxian index --quiet --index "$index" "$corpus/pages"
done
for i in $(seq "$runs"); do
  measure "no-change #$i" ./target/release/baoxian index --quiet --index "$index" "$corpus/pages"
done
