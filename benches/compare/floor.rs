//! The floor of a baoxian build: how long tantivy alone takes to index the documents a build
//! writes, with everything before it (walking, reading, decoding, parsing, fingerprints) done in
//! advance and, with `--tokens given`, the analysis too.
//!
//! The pages are read and turned into the batch's own documents (`file_documents`: passages,
//! teasers, file records) first, untimed by the indexing figure. Then a fresh index is written
//! with the build's settings (writer threads, memory budget, merge policy, stored-text blocks):
//!
//! - `--tokens analyzer`: the documents as the build hands them to tantivy, analysed by
//!   baoxian's tokenizers on tantivy's indexing threads (the build minus the page side);
//! - `--tokens given`: every analysed text replaced by its tokens joined with spaces, indexed by
//!   tantivy's whitespace tokenizer (the same terms, the same counts; positions count tokens
//!   instead of characters), the original text stored beside it as the build stores it. What
//!   is left is tantivy's own work: no build of these documents on this machine can be faster.
//!
//! Afterwards it checks that the index holds every document added and, with the tokens given,
//! exactly the tokens given (exit status 1 otherwise), so that the smoke run of CI fails when the
//! floor measures something else.
//!
//! ```sh
//! cargo run --release --example floor -- --pages /tmp/baoxian-compare/corpus-100000/pages --out /tmp/floor --tokens given
//! ```
//!
//! Holds every document in memory (about 3 GB at 100,000 pages): a benchmark, not a product path.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use baoxian::lab::schema;
use baoxian::lab::{Features, GramTokenizer, Granularity, ZhTokenizer};
use clap::{Parser, ValueEnum};
use rayon::prelude::*;
use tantivy::schema::{Field, FieldEntry, FieldType, OwnedValue, STORED, Schema, Value};
use tantivy::{Index, TantivyDocument};

#[derive(Parser)]
#[command(about = "Time tantivy alone on the documents of a baoxian build")]
struct Args {
    /// Folder of article pages (as the build walks them)
    #[arg(long)]
    pages: PathBuf,
    /// Folder to write the index into (emptied first)
    #[arg(long)]
    out: PathBuf,
    /// Who analyses the text: baoxian's tokenizers inside tantivy, or nobody (tokens given)
    #[arg(long, value_enum, default_value_t = Tokens::Given)]
    tokens: Tokens,
    /// Writer memory budget in MB, as `baoxian index --memory`
    #[arg(long, default_value_t = 128)]
    memory: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Tokens {
    Analyzer,
    Given,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let (real, f) = schema::build();
    let features = Features::default();
    baoxian::lab::expect_text(&features, u64::MAX);

    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&args.pages)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    if paths.is_empty() {
        return Err(format!("{}: no files to index (is it a folder of article pages?)", args.pages.display()).into());
    }
    paths.sort();
    let started = Instant::now();
    let parsed: Vec<(u64, Vec<TantivyDocument>)> = paths
        .par_iter()
        .filter_map(|p| {
            let content = std::fs::read(p).ok()?;
            let docs = baoxian::lab::file_documents(f, p, &content).ok()?;
            Some((content.len() as u64, docs))
        })
        .collect();
    let bytes: u64 = parsed.iter().map(|(n, _)| n).sum();
    let count: usize = parsed.iter().map(|(_, d)| d.len()).sum();
    eprintln!(
        "pages read and parsed: {} of {} files, {:.1} MB, {count} documents, {:.2} s",
        parsed.len(),
        paths.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // the analysed fields, and how each is cut
    let zh = ZhTokenizer::with_features(Granularity::Search, features);
    let grams = GramTokenizer::new(features);
    let analysed = [f.title, f.section, f.body, f.teaser_title, f.teaser_summary, f.grams];
    let mut text_bytes = [0usize; 6];
    for doc in parsed.iter().flat_map(|(_, d)| d) {
        for (field, value) in doc.field_values() {
            if let (Some(i), Some(text)) = (analysed.iter().position(|a| *a == field), value.as_str()) {
                text_bytes[i] += text.len();
            }
        }
    }
    let listed: Vec<String> = analysed
        .iter()
        .zip(text_bytes)
        .map(|(field, b)| format!("{} {:.1}", real.get_field_name(*field), b as f64 / 1e6))
        .collect();
    eprintln!("text analysed: {:.1} MB ({} MB)", text_bytes.iter().sum::<usize>() as f64 / 1e6, listed.join(", "));
    let (schema, twins) = match args.tokens {
        Tokens::Analyzer => (real.clone(), HashMap::new()),
        Tokens::Given => given_schema(&real, &analysed),
    };
    let started = Instant::now();
    // the tokens given, to check that the index holds exactly them
    let given_tokens = AtomicU64::new(0);
    let docs: Vec<TantivyDocument> = match args.tokens {
        Tokens::Analyzer => parsed.into_iter().flat_map(|(_, d)| d).collect(),
        Tokens::Given => parsed
            .into_par_iter()
            .flat_map_iter(|(_, d)| d)
            .map(|doc| {
                let mut given = TantivyDocument::default();
                for (field, value) in doc.field_values() {
                    match value.as_str() {
                        Some(text) if analysed.contains(&field) => {
                            let tokens = if field == f.grams { grams.tokens(text) } else { zh.tokens(text) };
                            given_tokens.fetch_add(tokens.len() as u64, Ordering::Relaxed);
                            let joined: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
                            given.add_text(field, joined.join(" "));
                            if let Some(stored) = twins.get(&field) {
                                given.add_text(*stored, text);
                            }
                        }
                        _ => given.add_field_value(field, &OwnedValue::from(value)),
                    }
                }
                given
            })
            .collect(),
    };
    if args.tokens == Tokens::Given {
        eprintln!("texts analysed in advance: {:.2} s", started.elapsed().as_secs_f64());
    }

    let _ = std::fs::remove_dir_all(&args.out);
    std::fs::create_dir_all(&args.out)?;
    // the build's settings, tokenizers and writer (threads, budget, merge policy)
    let index = Index::builder().schema(schema).settings(baoxian::lab::settings()).create_in_dir(&args.out)?;
    baoxian::lab::register_tokenizers(&index, features);
    let started = Instant::now();
    let mut writer = baoxian::lab::batch_writer(&index, args.memory)?;
    for doc in docs {
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let seconds = started.elapsed().as_secs_f64();
    let segments = index.searchable_segment_metas()?.len();
    eprintln!(
        "tantivy indexing ({}): {seconds:.2} s, {segments} segments, {:.1} MB of files per second",
        match args.tokens {
            Tokens::Analyzer => "baoxian's tokenizers on its threads",
            Tokens::Given => "tokens given",
        },
        bytes as f64 / 1e6 / seconds
    );
    // what was measured is what was meant: every document, and (tokens given) every token, which
    // a token holding a space would break
    let searcher = index.reader()?.searcher();
    if searcher.num_docs() != count as u64 {
        return Err(format!("the index holds {} documents, {count} were added", searcher.num_docs()).into());
    }
    if args.tokens == Tokens::Given {
        let mut indexed = 0;
        for segment in searcher.segment_readers() {
            for field in analysed {
                indexed += segment.inverted_index(field)?.total_num_tokens();
            }
        }
        let given = given_tokens.into_inner();
        if indexed != given {
            return Err(format!("the index holds {indexed} tokens of the analysed fields, {given} were given").into());
        }
        eprintln!("checked: {count} documents, {given} tokens of the analysed fields");
    }
    Ok(())
}

/// The build's schema with the analysed fields indexed from given tokens (tantivy's whitespace
/// tokenizer) and not stored; a stored-only field of the same name plus `#stored` takes the
/// original text of each field the build stores. Every field keeps its number (the twins come
/// last). Returns the schema and the stored twin of each analysed field the build stores.
fn given_schema(real: &Schema, analysed: &[Field]) -> (Schema, HashMap<Field, Field>) {
    let mut b = Schema::builder();
    let mut stored = Vec::new();
    for (field, entry) in real.fields() {
        match entry.field_type() {
            FieldType::Str(options) if analysed.contains(&field) => {
                let indexing = options.get_indexing_options().cloned().map(|i| i.set_tokenizer("whitespace"));
                let mut given = tantivy::schema::TextOptions::default();
                if let Some(indexing) = indexing {
                    given = given.set_indexing_options(indexing);
                }
                b.add_field(FieldEntry::new_text(entry.name().to_string(), given));
                if options.is_stored() {
                    stored.push((field, format!("{}#stored", entry.name())));
                }
            }
            _ => {
                b.add_field(entry.clone());
            }
        }
    }
    let twins = stored.into_iter().map(|(field, name)| (field, b.add_text_field(&name, STORED))).collect();
    (b.build(), twins)
}
