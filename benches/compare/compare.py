"""Runs the speed comparison and prints the table of BENCHMARKS.md (called by run.sh).

Every engine indexes the same generated corpus and answers the same query file:

  baoxian   the product: `baoxian index` over the page files (walk, decode, parse HTML, analyse,
            index), `baoxian search` for cold queries, examples/querybench in process
  naive     benches/compare/naive.rs over the JSONL (tantivy + jieba-rs, title and body)
  whoosh, fts5, tantivy-py   benches/compare/peers.py over the JSONL

Build time and peak RSS come from the kernel's accounting of each child process (wait4), so no
external `time` program is needed. Medians over --runs builds; query latency percentiles over
every query of every round after a warm-up round; cold query = process start to printed answers,
median of --cold runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COLD_QUERY = "异地就医 备案 手续"


class Failure(Exception):
    pass


def raise_on(code, cmd, err):
    if code != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-5:] if err else []
        raise Failure(f"{' '.join(cmd)} exited with {code}:\n    " + "\n    ".join(tail))


def measured(cmd, env=None):
    """Runs cmd with its output to files (and `env` added to the environment); returns
    (seconds, peak RSS MB, stdout)."""
    out_path = os.path.join(ARGS.work, "out.txt")
    err_path = os.path.join(ARGS.work, "err.txt")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    with open(err_path, "rb") as f:
        raise_on(proc.returncode, cmd, f.read())
    with open(out_path, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    return seconds, usage.ru_maxrss / 1024, stdout


def size_mb(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total / 1e6


def text_mb(jsonl):
    total = 0
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                total += len(a["title"].encode()) + len(a["body"].encode())
    return total / 1e6


def last_json(stdout):
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise Failure(f"no JSON line in output: {stdout[-300:]!r}")


def cold(cmd):
    times = []
    for _ in range(ARGS.cold):
        seconds, _rss, out = measured(cmd)
        if not out.strip():
            raise Failure(f"{' '.join(cmd)} printed no answers")
        times.append(seconds * 1000)
    return statistics.median(times)


def engine_commands(name):
    """(build command for a fresh index dir, query-bench command, cold command, index dir)."""
    b = ARGS.bin_dir
    ix = os.path.join(ARGS.work, f"index-{name}")
    jsonl = os.path.join(ARGS.corpus, "articles.jsonl")
    queries = os.path.join(HERE, "queries.txt")
    rounds = str(ARGS.rounds)
    if name == "baoxian":
        exe = os.path.join(b, "baoxian")
        return (
            [exe, "index", "--quiet", "--index", ix, os.path.join(ARGS.corpus, "pages")],
            [os.path.join(b, "examples", "querybench"), "--index", ix, "--queries", queries, "--rounds", rounds],
            [exe, "search", "--index", ix, COLD_QUERY],
            ix,
        )
    if name == "naive":
        exe = os.path.join(b, "examples", "naive")
        return (
            [exe, "index", "--jsonl", jsonl, "--index", ix],
            [exe, "queries", "--index", ix, "--queries", queries, "--rounds", rounds],
            [exe, "search", "--index", ix, COLD_QUERY],
            ix,
        )
    peers = os.path.join(HERE, "peers.py")
    engine = {"tantivy-py": "tantivy"}.get(name, name)
    py = sys.executable
    return (
        [py, peers, "build", engine, jsonl, ix],
        [py, peers, "queries", engine, ix, queries, rounds],
        [py, peers, "search", engine, ix, COLD_QUERY],
        ix,
    )


def measure(name, text):
    build, bench, cold_cmd, ix = engine_commands(name)
    runs = ARGS.runs if name in ("baoxian", "naive") else ARGS.peer_runs
    secs, rss = [], []
    for i in range(runs):
        subprocess.run(["rm", "-rf", ix], check=True)
        s, r, _ = measured(build)
        secs.append(s)
        rss.append(r)
        progress(f"{name}: build {i + 1}/{runs} {s:.1f} s, peak {r:.0f} MB")
    row = {
        "engine": name,
        "build_s": statistics.median(secs),
        "builds": secs,
        "mb_per_s": text / statistics.median(secs),
        "peak_rss_mb": statistics.median(rss),
        "index_mb": size_mb(ix),
    }
    if name == "baoxian":
        again = []
        for _ in range(runs):
            s, _r, _ = measured(build)
            again.append(s)
        row["nochange_s"] = statistics.median(again)
    _s, _r, out = measured(bench)
    q = last_json(out)
    row.update(p50_ms=q["p50_ms"], p99_ms=q["p99_ms"], answered=q["answered"], asked=q["queries"] * q["rounds"])
    if "long_questions" in q:
        row["long"] = q["long_questions"]
    if name == "baoxian":
        # a search uses every core; the peers search on one: the same queries on one thread too
        _s, _r, out = measured(bench, env={"RAYON_NUM_THREADS": "1"})
        one = last_json(out)
        row.update(p50_1t_ms=one["p50_ms"], p99_1t_ms=one["p99_ms"])
        progress(f"{name} on one thread: p50 {one['p50_ms']:.2f} ms, p99 {one['p99_ms']:.2f} ms")
    row["cold_ms"] = cold(cold_cmd)
    progress(f"{name}: p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms, cold {row['cold_ms']:.0f} ms")
    return row


def ceiling(threads):
    exe = os.path.join(ARGS.bin_dir, "examples", "naive")
    _s, _r, out = measured([exe, "ceiling", "--jsonl", os.path.join(ARGS.corpus, "articles.jsonl"), "--threads", str(threads)])
    return last_json(out)["mb_per_s"]


def progress(message):
    print(f"compare: {message}", file=sys.stderr, flush=True)


def table(rows, text, n, ceilings):
    lines = [
        f"N = {n} articles, {text:.1f} MB of article text; {ARGS.runs} build(s) per Rust engine, "
        f"{ARGS.peer_runs} per Python peer (median), {ARGS.rounds} query round(s), cold = median of {ARGS.cold}.",
        "",
        "| engine | build s | MB/s of text | peak RSS MB | index MB (× text) | query p50 ms | query p99 ms | cold query ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['build_s']:.1f} | {r['mb_per_s']:.2f} | {r['peak_rss_mb']:.0f} | "
            f"{r['index_mb']:.1f} ({r['index_mb'] / text:.2f}×) | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cold_ms']:.0f} |"
        )
    lines.append("")
    if ceilings:
        lines.append(f"Segmentation ceiling (jieba-rs cut_for_search on the same text): "
                     f"{ceilings[1]:.1f} MB/s on 1 thread, {ceilings[2]:.1f} MB/s on 2.")
    base = next((r for r in rows if r["engine"] == "baoxian"), None)
    if base:
        if "nochange_s" in base:
            lines.append(f"baoxian re-index with nothing changed: {base['nochange_s']:.2f} s "
                         f"({100 * base['nochange_s'] / base['build_s']:.1f}% of a full build).")
        if "long" in base:
            lq = base["long"]
            lines.append(f"baoxian on the {lq['queries']} long questions alone (40-150 characters): "
                         f"p50 {lq['p50_ms']:.2f} ms, p99 {lq['p99_ms']:.2f} ms.")
        if "p50_1t_ms" in base:
            lines.append(f"baoxian queries on one thread (RAYON_NUM_THREADS=1; the table's searches use every core, "
                         f"the peers' one): p50 {base['p50_1t_ms']:.2f} ms, p99 {base['p99_1t_ms']:.2f} ms.")
        for r in rows:
            if r is not base:
                lines.append(
                    f"baoxian vs {r['engine']}: build speed {base['mb_per_s'] / r['mb_per_s']:.2f}×, "
                    f"peak RSS {base['peak_rss_mb'] / r['peak_rss_mb']:.2f}×, index size {base['index_mb'] / r['index_mb']:.2f}×, "
                    f"query p50 {base['p50_ms'] / r['p50_ms']:.2f}×, cold query {base['cold_ms'] / r['cold_ms']:.2f}×"
                )
    return "\n".join(lines) + "\n"


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", required=True, help="cargo's target/release (or target/debug for --smoke)")
    p.add_argument("--corpus", required=True, help="a gencorpus output: pages/ and articles.jsonl")
    p.add_argument("--work", required=True, help="where indexes and results go")
    p.add_argument("--engines", default="baoxian,naive,fts5,tantivy-py,whoosh")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--peer-runs", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cold", type=int, default=7)
    p.add_argument("--smoke", action="store_true", help="check that every step works; numbers mean nothing")
    ARGS = p.parse_args()
    os.makedirs(ARGS.work, exist_ok=True)
    jsonl = os.path.join(ARGS.corpus, "articles.jsonl")
    text = text_mb(jsonl)
    with open(jsonl, encoding="utf-8") as f:
        n = sum(1 for line in f if line.strip())

    rows, failures, passed = [], [], 0
    ceilings = {}
    try:
        ceilings = {t: ceiling(t) for t in (1, 2)}
        passed += 1
        progress(f"ceiling: {ceilings[1]:.1f} MB/s on 1 thread, {ceilings[2]:.1f} on 2")
    except (Failure, OSError) as e:
        failures.append(f"ceiling: {e}")
    for name in ARGS.engines.split(","):
        try:
            row = measure(name, text)
            if row["answered"] == 0:
                raise Failure("answered none of the queries")
            if row["index_mb"] <= 0:
                raise Failure("wrote an empty index")
            rows.append(row)
            passed += 1
        except (Failure, OSError) as e:
            failures.append(f"{name}: {e}")
            progress(f"{name} FAILED: {e}")

    report = table(rows, text, n, ceilings)
    print(report)
    if not ARGS.smoke:
        name = os.path.join(ARGS.work, f"results-{n}.md")
        with open(name, "w", encoding="utf-8") as f:
            f.write(report)
        with open(os.path.join(ARGS.work, f"results-{n}.json"), "w", encoding="utf-8") as f:
            json.dump({"n": n, "text_mb": text, "ceiling_mb_s": ceilings, "rows": rows}, f, indent=1)
        progress(f"results written to {name}")
    for f in failures:
        print(f"FAILED {f}", file=sys.stderr)
    print(f"compare: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
