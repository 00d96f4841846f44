//! Micro-benchmarks of the analysis chain and of the query path (divan).
//!
//! ```sh
//! cargo bench --bench micro                 # everything
//! cargo bench --bench micro -- tokenize     # one group
//! ```
//!
//! The analysis benchmarks run on a shipped article (`corpus/医保钱包如何更改使用地.txt`) and report
//! bytes per second; the query benchmarks answer queries, exactly as the command line does
//! (ranking, one answer per article, snippets), over an index of 2,000 generated pages built
//! once in a temporary folder. Whole-program numbers (build speed, memory, query percentiles
//! over 100k articles, the peers) come from `benches/compare/run.sh`, not from here.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::OnceLock;

use baoxian::lab::{GramTokenizer, Granularity, ZhTokenizer, normalize};
use baoxian::{Engine, IndexOptions, SearchRequest};
use divan::counter::BytesCount;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// The answer text of a shipped article (plain text, about 1,500 characters).
const PAGE: &str = include_str!("../corpus/医保钱包如何更改使用地.txt");
const QUERY: &str = "医保断缴后再补缴多久能用";
const TITLE: &str = "手机上更改医保参保地的详细步骤来了";

mod tokenize {
    use super::*;

    /// Index side: search mode, every token with offsets into the original text.
    #[divan::bench]
    fn page_search_mode(b: Bencher) {
        baoxian::lab::jieba(); // the dictionary is built once per process, not measured
        let t = ZhTokenizer::new(Granularity::Search);
        b.counter(BytesCount::of_str(PAGE)).bench(|| t.tokens(black_box(PAGE)));
    }

    /// Query side: precise mode on a whole question.
    #[divan::bench]
    fn query_precise_mode(b: Bencher) {
        baoxian::lab::jieba();
        let t = ZhTokenizer::new(Granularity::Precise);
        b.counter(BytesCount::of_str(QUERY)).bench(|| t.tokens(black_box(QUERY)));
    }

    /// The character bigrams of a title.
    #[divan::bench]
    fn title_bigrams(b: Bencher) {
        let t = GramTokenizer::new(Default::default());
        b.counter(BytesCount::of_str(TITLE)).bench(|| t.tokens(black_box(TITLE)));
    }
}

mod text {
    use super::*;

    /// Traditional to simplified, width and case folding of a whole page.
    #[divan::bench]
    fn normalize_page(b: Bencher) {
        b.counter(BytesCount::of_str(PAGE)).bench(|| normalize(black_box(PAGE)));
    }

    /// The 128-bit near-duplicate fingerprint of a page.
    #[divan::bench]
    fn fingerprint_page(b: Bencher) {
        b.counter(BytesCount::of_str(PAGE)).bench(|| baoxian::lab::simhash(black_box(PAGE)));
    }
}

mod query {
    use super::*;

    /// An index of 2,000 generated pages (about 12,000 passages), built on first use.
    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
        &ENGINE
            .get_or_init(|| {
                let dir = tempfile::tempdir().expect("temporary folder");
                common::generated_pages(&dir.path().join("pages"), 2000, 7);
                let engine = Engine::create(dir.path().join("index")).expect("new index");
                engine.index_paths(&[dir.path().join("pages")], &IndexOptions::default()).expect("indexing");
                (dir, engine)
            })
            .1
    }

    /// Keywords, a whole question, a phrase, an exclusion, a filter.
    #[divan::bench(args = ["医保 异地就医", "医保断缴后再补缴多久能用", "\"参保地\" 变更", "医保卡 -补办", "region:安徽 医保"])]
    fn search(b: Bencher, query: &str) {
        let engine = engine();
        let request = SearchRequest::new(query);
        b.bench(|| engine.search(black_box(&request)).map(|r| r.hits.len()));
    }
}
