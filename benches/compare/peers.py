"""The Python peers of the speed comparison (see benches/compare/run.sh and BENCHMARKS.md).

Three recipes people use today for Chinese full-text search, each written the way the
tutorials write it:

  whoosh   jieba's own ChineseAnalyzer in a Whoosh schema (title, body)
  fts5     jieba.cut_for_search joined with spaces, SQLite FTS5, ranked by bm25()
  tantivy  jieba.cut_for_search joined with spaces, the official tantivy bindings,
           whitespace tokenizer, title and body fields

  python peers.py build   ENGINE ARTICLES.jsonl DIR
  python peers.py queries ENGINE DIR QUERIES.txt [ROUNDS]   # latency percentiles, JSON
  python peers.py search  ENGINE DIR QUERY                  # one cold query
"""
import json
import logging
import os
import re
import sys
import time

import jieba

jieba.setLogLevel(logging.WARNING)

# The peers get the words of baoxian's query language only: operators and filters dropped.
OPERATOR = re.compile(r'(?:region|after|before|source|title):\S*|(?<!\S)-\S+|\bOR\b|"')


def words_of(query):
    text = OPERATOR.sub(" ", query)
    return [w for w in jieba.cut_for_search(text) if w.strip() and re.search(r"\w", w)]


def articles(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def segmented(text):
    return " ".join(w for w in jieba.cut_for_search(text) if w.strip())


# ---- whoosh -------------------------------------------------------------------------------
def whoosh_build(jsonl, out):
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.index import create_in

    analyzer = ChineseAnalyzer()
    schema = Schema(id=ID(stored=True), title=TEXT(stored=True, analyzer=analyzer), body=TEXT(stored=True, analyzer=analyzer))
    os.makedirs(out, exist_ok=True)
    ix = create_in(out, schema)
    writer = ix.writer(limitmb=128)
    for a in articles(jsonl):
        writer.add_document(id=str(a["id"]), title=a["title"], body=a["body"])
    writer.commit()


def whoosh_open(out):
    from whoosh.index import open_dir
    from whoosh.qparser import MultifieldParser

    ix = open_dir(out)
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema=ix.schema)
    from whoosh.qparser import OrGroup

    parser.group = OrGroup

    def search(query):
        q = parser.parse(" ".join(words_of(query)))
        return [hit["title"] for hit in searcher.search(q, limit=10)]

    return search


# ---- SQLite FTS5 --------------------------------------------------------------------------
def fts5_build(jsonl, out):
    import sqlite3

    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "fts5.db")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, raw_title UNINDEXED, tokenize='unicode61')")
    db.executemany(
        "INSERT INTO docs(title, body, raw_title) VALUES (?, ?, ?)",
        ((segmented(a["title"]), segmented(a["body"]), a["title"]) for a in articles(jsonl)),
    )
    db.commit()
    db.close()


def fts5_open(out):
    import sqlite3

    db = sqlite3.connect(os.path.join(out, "fts5.db"))

    def search(query):
        words = words_of(query)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = db.execute("SELECT raw_title FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", (match,))
        return [r[0] for r in rows]

    return search


# ---- tantivy (Python bindings) ------------------------------------------------------------
def tantivy_schema():
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("title", tokenizer_name="whitespace")
    b.add_text_field("body", tokenizer_name="whitespace")
    b.add_text_field("raw_title", stored=True, index_option="basic", tokenizer_name="raw")
    return b.build()


def tantivy_build(jsonl, out):
    import tantivy

    os.makedirs(out, exist_ok=True)
    index = tantivy.Index(tantivy_schema(), path=out)
    writer = index.writer(heap_size=128_000_000)
    for a in articles(jsonl):
        writer.add_document(tantivy.Document(title=segmented(a["title"]), body=segmented(a["body"]), raw_title=a["title"]))
    writer.commit()
    writer.wait_merging_threads()


def tantivy_open(out):
    import tantivy

    index = tantivy.Index.open(out)
    searcher = index.searcher()

    def search(query):
        words = words_of(query)
        if not words:
            return []
        q, _errors = index.parse_query_lenient(" ".join(words), ["title", "body"])
        hits = searcher.search(q, 10).hits
        return [searcher.doc(address)["raw_title"][0] for _, address in hits]

    return search


ENGINES = {
    "whoosh": (whoosh_build, whoosh_open),
    "fts5": (fts5_build, fts5_open),
    "tantivy": (tantivy_build, tantivy_open),
}


def main(argv):
    if len(argv) < 4 or argv[1] not in ("build", "queries", "search") or argv[2] not in ENGINES:
        sys.exit(__doc__)
    command, engine = argv[1], argv[2]
    build, open_ = ENGINES[engine]
    if command == "build":
        start = time.perf_counter()
        build(argv[3], argv[4])
        print(json.dumps({"engine": engine, "seconds": time.perf_counter() - start}))
    elif command == "queries":
        search = open_(argv[3])
        with open(argv[4], encoding="utf-8") as f:
            queries = [q.strip() for q in f if q.strip()]
        rounds = int(argv[5]) if len(argv) > 5 else 3
        times, answered = [], 0
        for r in range(rounds + 1):  # round 0 warms up and is not counted
            for q in queries:
                start = time.perf_counter()
                titles = search(q)
                elapsed = (time.perf_counter() - start) * 1000
                if r > 0:
                    times.append(elapsed)
                    answered += bool(titles)
        times.sort()

        def pct(p):
            return times[round((len(times) - 1) * p)]

        print(json.dumps({"engine": engine, "queries": len(queries), "rounds": rounds, "answered": answered,
                          "p50_ms": pct(0.5), "p99_ms": pct(0.99), "mean_ms": sum(times) / len(times)}))
    else:
        for title in open_(argv[3])(argv[4]):
            print(title)


if __name__ == "__main__":
    main(sys.argv)
