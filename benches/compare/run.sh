#!/usr/bin/env bash
# The speed comparison of BENCHMARKS.md in one command.
#
#   bash benches/compare/run.sh N [RUNS]   e.g. bash benches/compare/run.sh 100000 3
#   bash benches/compare/run.sh --smoke    tiny corpus, one run each: checks that every step works
#                                          (and the build's floor, benches/compare/floor.rs)
#
# What it does, all under ${BENCH_DIR:-/tmp/baoxian-compare}:
#   1. a Python venv with the pinned peers (benches/compare/requirements.txt), made once;
#   2. release builds of baoxian, the corpus generator, the naive Rust program and the query bench;
#   3. N generated pages (seed 42) as files plus a JSONL of the same text (made once per N);
#   4. every engine builds its index RUNS times (the Python peers once, PEER_RUNS to change it),
#      answers benches/compare/queries.txt in process, and answers one query cold from a new
#      process; then the table is printed and saved as results-N.md / results-N.json.
# ENGINES=baoxian,naive limits the engines (default: baoxian,naive,fts5,tantivy-py,whoosh).
# Exit status: 0 when every engine ran, 1 when one failed (its error is printed), 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benches/compare
dir=${BENCH_DIR:-/tmp/baoxian-compare}
smoke=
if [ "${1:-}" = "--smoke" ]; then
  smoke=1 n=300 runs=1 peer_runs=1 rounds=1 cold=2
else
  n=${1:-}
  if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ]; then
    echo "usage: bash benches/compare/run.sh N [RUNS]   or   bash benches/compare/run.sh --smoke" >&2
    exit 2
  fi
  runs=${2:-3} peer_runs=${PEER_RUNS:-1} rounds=${ROUNDS:-3} cold=${COLD:-7}
fi
mkdir -p "$dir"

venv="$dir/venv"
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
  echo "compare: setting up the Python peers in $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi

# Release builds even for the smoke run: tantivy 0.27 trips one of its own debug assertions on
# the naive peer's phrase queries (quickwit-oss/tantivy#2811, a backward seek release builds
# tolerate), and the smoke run should exercise the programs that are measured.
cargo build --locked --release --quiet --bin baoxian --example gencorpus --example naive --example querybench \
  --example floor
bin=target/release

corpus="$dir/corpus-$n"
if [ ! -f "$corpus/articles.jsonl" ]; then
  rm -rf "$corpus"
  "$bin/examples/gencorpus" --seed 42 --count "$n" --out "$corpus" >&2
fi

if [ -n "$smoke" ]; then
  # the build's floor (BENCHMARKS.md): tantivy alone on the build's documents, both ways
  for tokens in analyzer given; do
    "$bin/examples/floor" --pages "$corpus/pages" --out "$dir/work-$n/floor" --tokens "$tokens" >&2
  done
fi

args=(--bin-dir "$bin" --corpus "$corpus" --work "$dir/work-$n" --runs "$runs" --peer-runs "$peer_runs"
  --rounds "$rounds" --cold "$cold")
[ -n "${ENGINES:-}" ] && args+=(--engines "$ENGINES")
[ -n "$smoke" ] && args+=(--smoke)
exec "$venv/bin/python" "$here/compare.py" "${args[@]}"
