//! What each fuzz target checks of one input, shared by the fuzz targets (`fuzz_targets/`) and
//! the replay of the inputs that once failed (`tests/fuzz_regressions.rs` in the main package).

use std::path::Path;
use std::sync::OnceLock;

use baoxian::Sort;
use baoxian::lab::Features;
use baoxian::{Engine, IndexOptions, SearchRequest};

/// Arbitrary bytes as a saved page: the first byte picks the file name (`.html`, `.txt`, no
/// extension), the rest is the file. Parsing returns an article or says why not; it never
/// panics, and an article it returns has a title.
pub fn parse_page(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let name = match pick % 3 {
        0 => "page.html",
        1 => "page.txt",
        _ => "page",
    };
    if let Ok(article) = baoxian::parse_file(Path::new(name), bytes) {
        assert!(!article.title.trim().is_empty(), "an article without a title");
    }
}

/// Snippets and highlights over arbitrary text and words: the passage, then the query's words,
/// separated by NUL bytes; the first byte sets the snippet length. Highlights lie inside the
/// snippet, in order, without overlapping.
pub fn snippet(data: &[u8]) {
    let Some((&length, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let passage = parts.next().unwrap_or_default();
    let terms: Vec<String> = parts.filter(|t| !t.is_empty()).map(str::to_string).collect();
    let snippet = baoxian::lab::snippet(passage, &terms, usize::from(length) * 4, &Features::default());
    let chars = snippet.text.chars().count();
    let mut end = 0;
    for &(s, e) in &snippet.highlights {
        assert!(s < e && e <= chars, "highlight {s}..{e} outside a snippet of {chars} characters");
        assert!(s >= end, "highlights overlap or are out of order: {:?}", snippet.highlights);
        end = e;
    }
}

/// A small real index of the shipped corpus, built once per process.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let engine = Engine::create(dir.path().join("index")).expect("an index");
            let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            let corpus = if corpus.is_dir() { corpus } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus") };
            engine.index_paths(&[corpus], &IndexOptions::default()).expect("the shipped corpus indexed");
            (dir, engine)
        })
        .1
}

/// Builds the small index and answers one query, before fuzzing starts: the first search of a
/// process would otherwise count the index's build against the time limit of one input.
pub fn warm_up() {
    query(b"\x03\xe5\x8c\xbb\xe4\xbf\x9d");
}

/// Arbitrary queries (the query language: quotes, `-word`, `title:`, `region:`, dates) and
/// options against the small index: the first byte sets limit, offset, sort, explain and exact.
/// A search answers or gives a typed error; it never panics, and its answers are consistent: at
/// most `limit`, ranked from `offset + 1`, each highlight inside its snippet.
pub fn query(data: &[u8]) {
    let Some((&options, rest)) = data.split_first() else { return };
    let request = SearchRequest {
        limit: 1 + usize::from(options & 0x0f),
        offset: usize::from(options >> 6) * 3,
        sort: if options & 0x10 != 0 { Sort::Date } else { Sort::Relevance },
        explain: options & 0x20 != 0,
        exact: options & 0x30 == 0x30,
        ..SearchRequest::new(String::from_utf8_lossy(rest).into_owned())
    };
    let Ok(results) = engine().search(&request) else { return };
    assert!(results.hits.len() <= request.limit);
    for (i, hit) in results.hits.iter().enumerate() {
        assert_eq!(hit.rank, request.offset + i + 1);
        let chars = hit.snippet.chars().count();
        assert!(hit.highlights.iter().all(|&(s, e)| s < e && e <= chars), "{hit:?}");
    }
}
