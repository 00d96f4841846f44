//! "Naive Rust": the first program a competent engineer writes for this job, kept as a peer in
//! the speed comparison (see `benches/compare/run.sh` and BENCHMARKS.md). tantivy with jieba-rs
//! as a plain tokenizer (search mode, HMM on), a title and a body field, tantivy's QueryParser,
//! top 10 by BM25, no snippets, no grouping. Also measures the segmentation ceiling: jieba-rs
//! `cut_for_search` alone over the same text.
//!
//! ```sh
//! naive index    --jsonl articles.jsonl --index DIR
//! naive queries  --index DIR --queries queries.txt   # in-process latency, JSON on stdout
//! naive search   --index DIR QUERY                   # one cold query, titles on stdout
//! naive ceiling  --jsonl articles.jsonl --threads 2  # cut_for_search throughput
//! ```

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use clap::{Parser, Subcommand};
use jieba_rs::Jieba;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value as _};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument, doc};

#[derive(Parser)]
#[command(about = "The naive tantivy + jieba-rs program of the speed comparison")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index a JSONL file of {"id","title","body"} lines
    Index {
        #[arg(long)]
        jsonl: PathBuf,
        #[arg(long)]
        index: PathBuf,
    },
    /// Run every query of a file (several rounds) and print latency percentiles as JSON
    Queries {
        #[arg(long)]
        index: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Search the segments on this many threads (tantivy's multi-thread executor); the
        /// comparison uses one, as a first program would
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
    /// One query, as a command-line user would run it
    Search {
        #[arg(long)]
        index: PathBuf,
        query: String,
    },
    /// jieba-rs cut_for_search throughput over the JSONL's text
    Ceiling {
        #[arg(long)]
        jsonl: PathBuf,
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
}

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

#[derive(Clone)]
struct JiebaTokenizer;

struct JiebaStream {
    tokens: Vec<Token>,
    index: usize,
}

impl TokenStream for JiebaStream {
    fn advance(&mut self) -> bool {
        self.index += 1;
        self.index <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaStream {
        let tokens = jieba()
            .tokenize(text, jieba_rs::TokenizeMode::Search, true)
            .into_iter()
            .enumerate()
            .map(|(i, t)| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position: i,
                text: t.word.to_string(),
                position_length: 1,
            })
            .collect();
        JiebaStream { tokens, index: 0 }
    }
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("jieba")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    b.add_text_field("title", text.clone());
    b.add_text_field("body", text);
    b.build()
}

fn open(dir: &Path) -> tantivy::Result<Index> {
    let index = Index::open_in_dir(dir)?;
    index.tokenizers().register("jieba", JiebaTokenizer);
    Ok(index)
}

#[derive(serde::Deserialize)]
struct Article {
    title: String,
    body: String,
}

fn articles(path: &Path) -> Result<Vec<Article>, Box<dyn std::error::Error>> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    for line in file.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            out.push(serde_json::from_str(&line)?);
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Args::parse().command {
        Command::Index { jsonl, index: dir } => {
            std::fs::create_dir_all(&dir)?;
            let schema = schema();
            let index = Index::create_in_dir(&dir, schema.clone())?;
            index.tokenizers().register("jieba", JiebaTokenizer);
            let (title, body) = (schema.get_field("title")?, schema.get_field("body")?);
            let mut writer = index.writer::<TantivyDocument>(100_000_000)?;
            let file = std::io::BufReader::new(std::fs::File::open(&jsonl)?);
            let mut n = 0;
            for line in file.lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let a: Article = serde_json::from_str(&line)?;
                writer.add_document(doc!(title => a.title, body => a.body))?;
                n += 1;
            }
            writer.commit()?;
            writer.wait_merging_threads()?;
            eprintln!("indexed {n} articles");
        }
        Command::Queries { index: dir, queries, rounds, threads } => {
            let mut index = open(&dir)?;
            if threads > 1 {
                index.set_multithread_executor(threads)?;
            }
            let schema = index.schema();
            let fields = vec![schema.get_field("title")?, schema.get_field("body")?];
            let searcher = index.reader()?.searcher();
            let parser = QueryParser::for_index(&index, fields.clone());
            let text = std::fs::read_to_string(&queries)?;
            let queries: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            jieba();
            let mut times = Vec::new();
            let mut hits = 0usize;
            for round in 0..=rounds {
                for q in &queries {
                    let start = Instant::now();
                    let query = parser.parse_query_lenient(q).0;
                    let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
                    let mut titles = Vec::with_capacity(top.len());
                    for (_, address) in &top {
                        let d: TantivyDocument = searcher.doc(*address)?;
                        titles.push(d.get_first(fields[0]).and_then(|v| v.as_str()).unwrap_or("").to_string());
                    }
                    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
                    // Round 0 warms the caches and is not counted.
                    if round > 0 {
                        times.push(elapsed);
                        hits += usize::from(!titles.is_empty());
                    }
                }
            }
            times.sort_by(f64::total_cmp);
            let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
            println!(
                "{}",
                serde_json::json!({"queries": queries.len(), "rounds": rounds, "answered": hits,
                    "p50_ms": pct(0.5), "p99_ms": pct(0.99), "mean_ms": times.iter().sum::<f64>() / times.len() as f64})
            );
        }
        Command::Search { index: dir, query } => {
            let index = open(&dir)?;
            let schema = index.schema();
            let fields = vec![schema.get_field("title")?, schema.get_field("body")?];
            let searcher = index.reader()?.searcher();
            let parsed = QueryParser::for_index(&index, fields.clone()).parse_query_lenient(&query).0;
            for (score, address) in searcher.search(&parsed, &TopDocs::with_limit(10).order_by_score())? {
                let d: TantivyDocument = searcher.doc(address)?;
                println!("{score:.3}\t{}", d.get_first(fields[0]).and_then(|v| v.as_str()).unwrap_or(""));
            }
        }
        Command::Ceiling { jsonl, threads } => {
            let texts: Vec<String> = articles(&jsonl)?.into_iter().map(|a| a.title + "\n" + &a.body).collect();
            let bytes: usize = texts.iter().map(String::len).sum();
            jieba();
            let start = Instant::now();
            let chunk = texts.len().div_ceil(threads.max(1));
            let tokens: usize = std::thread::scope(|s| {
                let handles: Vec<_> = texts
                    .chunks(chunk.max(1))
                    .map(|part| {
                        s.spawn(move || part.iter().map(|t| jieba().cut_for_search(t, true).len()).sum::<usize>())
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
            });
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{}",
                serde_json::json!({"threads": threads, "bytes": bytes, "tokens": tokens, "seconds": secs,
                    "mb_per_s": bytes as f64 / 1e6 / secs})
            );
        }
    }
    Ok(())
}
