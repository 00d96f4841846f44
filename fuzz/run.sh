#!/usr/bin/env bash
# Coverage-guided fuzzing of baoxian with libFuzzer, on the stable toolchain: the coverage
# instrumentation cargo-fuzz asks of nightly is passed as plain codegen flags (no sanitizer:
# safe Rust needs none to find panics, aborts, overflows and hangs).
#
#   bash fuzz/run.sh                    every target for 60 s each
#   bash fuzz/run.sh --smoke            every target for 15 s each (CI)
#   bash fuzz/run.sh query -runs=10000000   one target, any libFuzzer options
#   bash fuzz/run.sh --fast ...         without comparison tracing: about three times as many
#                                       runs a second, for long runs over a grown corpus
#
# Targets: parse_page (bytes as .html/.txt pages), query (the query language and options
# against a small real index), snippet (snippets and highlights). Each grows its corpus in
# fuzz/corpus/TARGET (not committed); a crash or a run over 1 s (-timeout=1) stops it with the
# input in fuzz/artifacts/TARGET; keep it as a regression in fuzz/regressions/TARGET/ (tests/
# fuzz_regressions.rs replays those in `cargo test`).
set -euo pipefail
cd "$(dirname "$0")"

targets=(parse_page query snippet)
seconds=60
cmp="-Cllvm-args=-sanitizer-coverage-trace-compares "
build=target
chosen=()
extra=()
for arg in "$@"; do
    case "$arg" in
        --smoke) seconds=15 ;;
        --fast) cmp="" build=target-fast ;;
        -*) extra+=("$arg") ;;
        *) chosen+=("$arg") ;;
    esac
done
[ ${#chosen[@]} -gt 0 ] && targets=("${chosen[@]}")

export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
${cmp}-Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR="$PWD/$build"
# an explicit target keeps the flags off build scripts and proc-macros (which run on the host)
host=$(rustc -vV | sed -n 's/^host: //p')
echo "fuzz: building ${targets[*]}" >&2
cargo build --locked --release --bins --target "$host" >&2
bin="$build/$host/release"

# seeds: the shipped pages for the page parser, the README's queries for the query language
seed() {
    local target=$1 dir=corpus/$1
    mkdir -p "$dir" "artifacts/$target"
    [ -n "$(ls -A "$dir")" ] && return
    case "$target" in
        parse_page)
            for f in ../corpus/*.html ../corpus/*.txt; do
                { printf '\000'; cat "$f"; } >"$dir/$(basename "$f").0"
                { printf '\001'; cat "$f"; } >"$dir/$(basename "$f").1"
            done ;;
        query)
            i=0
            for q in '医保钱包 使用地' '"医保钱包" -宿州' 'title:断缴 补缴' 'region:安徽 异地就医' \
                     'after:2025-01 医保' '医保断缴后再补缴多久能用' 'OR 社保 AND'; do
                printf '\003%s' "$q" >"$dir/q$i"; i=$((i + 1))
            done ;;
        snippet)
            printf '\036医保参保地的变更可通过线上或线下方式办理。\000医保\000线上' >"$dir/s0" ;;
    esac
}

for target in "${targets[@]}"; do
    seed "$target"
    # regressions first, as seeds, so the fuzzer starts from what once broke
    inputs=("corpus/$target")
    [ -d "regressions/$target" ] && inputs+=("regressions/$target")
    echo "fuzz: $target for ${seconds} s" >&2
    "$bin/$target" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=4096 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="artifacts/$target/" "${extra[@]}" "${inputs[@]}"
done
echo "fuzz: ${#targets[@]} targets, no crash" >&2
