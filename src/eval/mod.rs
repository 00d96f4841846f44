//! The relevance benchmark: how well each analysis chain finds what people mean.
//!
//! Judged sets over public data sets in `shared/data` (research-only ones read where they are,
//! never copied into the repository):
//!
//! - **askers' questions** ([`baoxianzhidao_askers`]), **patients' questions**
//!   ([`medical_dialogue`]), **KUAKE-QTR dev** ([`kuake_qtr`]) and **short paraphrases**
//!   ([`paraphrases`] of AFQMC and LCQMC): queries real people wrote.
//! - **baoxianzhidao** and **社保/医保** ([`baoxianzhidao`], [`shebao`]): queries the team wrote,
//!   for debugging (`data/*.tsv`), over the baoxianzhidao pages.
//! - **for choosing weights** ([`medical_dialogue_training`], [`kuake_qtr_training`]): the asks
//!   the patients' set leaves out, and KUAKE-QTR's train split, where a ranking weight is
//!   chosen; never evaluation sets.
//!
//! Each chain is indexed in memory and every query answered through the same code the product
//! uses. Metrics at 10: MRR, nDCG (graded gains `2^label − 1`) and recall, where a page counts as
//! relevant for MRR and recall from label 2 (baoxianzhidao's answer pages have label 3).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::Value;

use crate::analysis::Features;
use crate::api::SearchRequest;
use crate::article::{Article, Section};
use crate::error::{Error, Result};
use crate::index::IndexHandle;

/// The judged queries of the baoxianzhidao set, compiled in.
pub const BAOXIANZHIDAO_QUERIES: &str = include_str!("data/baoxianzhidao_queries.tsv");

/// The judged social-insurance queries (社保, 医保, 新农合 …) over the same pages, compiled in.
pub const SHEBAO_QUERIES: &str = include_str!("data/shebao_queries.tsv");

/// Label from which a page counts as relevant for MRR and recall.
const RELEVANT: u8 = 2;

/// FNV-1a 64 of a title, as hex: how the judged queries name their pages.
pub fn title_hash(title: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in title.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A query and the graded relevance of pages (by key) to it.
#[derive(Debug, Clone)]
pub struct Judged {
    pub query: String,
    pub labels: HashMap<String, u8>,
}

impl Judged {
    /// The pages that count as answering it (label [`RELEVANT`] or more).
    pub fn answers(&self) -> impl Iterator<Item = &String> {
        self.labels.iter().filter(|(_, l)| **l >= RELEVANT).map(|(k, _)| k)
    }
}

/// The reciprocal rank of the first page of `ranked` that answers `judged` (0 without one in
/// the ten first).
pub fn reciprocal_rank(ranked: &[String], judged: &Judged) -> f64 {
    score(ranked, &judged.labels).0
}

/// Pages (key, article) and judged queries over them.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: &'static str,
    pub pages: Vec<(String, Article)>,
    pub queries: Vec<Judged>,
}

/// Where the shared data sets are: `BAOXIAN_DATA`, else `../shared/data` beside the checkout.
pub fn data_dir() -> PathBuf {
    std::env::var_os("BAOXIAN_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn missing(path: &Path, source: std::io::Error) -> Error {
    Error::Input { path: path.to_path_buf(), source }
}

/// A minimal CSV reader for the baoxianzhidao file: quoted fields may hold commas, quotes
/// (doubled) and line breaks.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// The baoxianzhidao pages and the judged queries of [`BAOXIANZHIDAO_QUERIES`].
pub fn baoxianzhidao(data: &Path) -> Result<Dataset> {
    Ok(Dataset { name: "baoxianzhidao", pages: baoxianzhidao_pages(data)?, queries: judged(BAOXIANZHIDAO_QUERIES) })
}

/// The baoxianzhidao pages and the social-insurance queries of [`SHEBAO_QUERIES`]: how-to
/// questions about 社保 and 医保, where people write the same thing in several ways (医保 and
/// 医疗保险, 新农合 and 新型农村合作医疗) — the set that measures the domain synonyms.
pub fn shebao(data: &Path) -> Result<Dataset> {
    Ok(Dataset {
        name: "baoxianzhidao 社保/医保", pages: baoxianzhidao_pages(data)?, queries: judged(SHEBAO_QUERIES)
    })
}

/// One page per baoxianzhidao question (title; question and every reply as the answer), keyed
/// by the hash of its title.
fn baoxianzhidao_pages(data: &Path) -> Result<Vec<(String, Article)>> {
    let path = data.join("baoxianzhidao/baoxianzhidao_filter.utf8.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| missing(&path, e))?;
    let mut order: Vec<String> = Vec::new();
    let mut pages: HashMap<String, (String, Vec<String>)> = HashMap::new();
    for r in csv_records(&text).into_iter().skip(1) {
        let [title, question, reply, ..] = r.as_slice() else { continue };
        let entry = pages.entry(title.clone()).or_insert_with(|| {
            order.push(title.clone());
            (question.clone(), Vec::new())
        });
        entry.1.push(reply.clone());
    }
    Ok(order
        .into_iter()
        .filter_map(|title| {
            let (question, replies) = pages.remove(&title)?;
            let mut answer = replies.join("\n");
            if !question.trim().is_empty() {
                answer = format!("{question}\n{answer}");
            }
            let article = Article {
                title: title.clone(),
                sections: vec![Section { question: None, answer }],
                ..Article::default()
            };
            Some((title_hash(&title), article))
        })
        .collect())
}

/// The askers' own questions of baoxianzhidao (the CSV's `question` column, as people typed them
/// on the Q&A site: long, chatty, with context and thanks), each judged by the page it was asked
/// on. The pages hold the title and the replies only: the asker's text is not on them, so a
/// question finds its page through the words it shares with the title and the answers. Only
/// questions that say more than their title are kept (not empty, not the title again or a piece
/// of it). Nobody on the team wrote these queries.
pub fn baoxianzhidao_askers(data: &Path) -> Result<Dataset> {
    let path = data.join("baoxianzhidao/baoxianzhidao_filter.utf8.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| missing(&path, e))?;
    let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let mut order: Vec<String> = Vec::new();
    let mut pages: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for r in csv_records(&text).into_iter().skip(1) {
        let [title, question, reply, ..] = r.as_slice() else { continue };
        let entry = pages.entry(title.clone()).or_insert_with(|| {
            order.push(title.clone());
            Default::default()
        });
        let q = question.trim();
        let said = letters(q);
        if q.chars().count() >= 5
            && !said.is_empty()
            && !letters(title).contains(&said)
            && !entry.0.iter().any(|e| e == q)
        {
            entry.0.push(q.to_string());
        }
        entry.1.push(reply.clone());
    }
    let mut out = Dataset { name: "baoxianzhidao askers' questions", pages: Vec::new(), queries: Vec::new() };
    for title in order {
        let Some((questions, replies)) = pages.remove(&title) else { continue };
        let key = title_hash(&title);
        for q in questions {
            out.queries.push(Judged { query: q, labels: HashMap::from([(key.clone(), 3)]) });
        }
        let article = Article {
            title,
            sections: vec![Section { question: None, answer: replies.join("\n") }],
            ..Article::default()
        };
        out.pages.push((key, article));
    }
    Ok(out)
}

/// Patients' questions of the medical dialogue data (`toyhom_medical_dialogue`, GB18030 CSV of
/// `department,title,ask,answer`): each row is a page of its title and the doctor's answer, and
/// the patient's `ask` (not on the page) is a query. Every page with the same title answers it
/// too. One row in `stride` gives a query (all rows are pages), to keep the run short.
pub fn medical_dialogue(data: &Path, stride: usize) -> Result<Dataset> {
    medical_dialogue_rows(data, "medical dialogue patients' questions", |i| i.is_multiple_of(stride.max(1)))
}

/// The patients' questions of [`medical_dialogue`] that its evaluation set leaves out (rows not
/// a multiple of 4; every `stride`th of them), over the same pages: where a ranking weight may
/// be chosen without looking at the questions it is judged on.
pub fn medical_dialogue_training(data: &Path, stride: usize) -> Result<Dataset> {
    // row i is the (i - i/4 - 1)th of the rows the evaluation set leaves out
    medical_dialogue_rows(data, "medical dialogue training questions", |i| {
        !i.is_multiple_of(4) && (i - i / 4 - 1).is_multiple_of(stride.max(1))
    })
}

fn medical_dialogue_rows(data: &Path, name: &'static str, pick: impl Fn(usize) -> bool) -> Result<Dataset> {
    let dir = data.join("toyhom_medical_dialogue");
    let file = std::fs::read_dir(&dir)
        .map_err(|e| missing(&dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .ok_or_else(|| missing(&dir, std::io::Error::new(std::io::ErrorKind::NotFound, "no CSV file")))?;
    let bytes = std::fs::read(&file).map_err(|e| missing(&file, e))?;
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    let rows: Vec<Vec<String>> = csv_records(&text).into_iter().skip(1).filter(|r| r.len() >= 4).collect();
    let mut by_title: HashMap<&str, Vec<String>> = HashMap::new();
    let mut out = Dataset { name, pages: Vec::new(), queries: Vec::new() };
    for (i, r) in rows.iter().enumerate() {
        let key = format!("row{i}");
        by_title.entry(r[1].trim()).or_default().push(key.clone());
        let article = Article {
            title: r[1].clone(),
            sections: vec![Section { question: None, answer: r[3].clone() }],
            ..Article::default()
        };
        out.pages.push((key, article));
    }
    for (_, r) in rows.iter().enumerate().filter(|(i, _)| pick(*i)) {
        let ask = r[2].trim();
        if ask.chars().count() < 5 {
            continue;
        }
        let labels = by_title.get(r[1].trim()).into_iter().flatten().map(|k| (k.clone(), 3)).collect();
        out.queries.push(Judged { query: ask.to_string(), labels });
    }
    Ok(out)
}

/// Paraphrase pairs of real questions (`csts_pairs/<file>`, TSV `s1<TAB>s2<TAB>label`): every
/// second sentence of the file is a page (a title only), and the first sentence of each pair
/// labelled 1 is a query whose page is the second (a first sentence that is itself a page's
/// text is left out: it would find itself). Short questions as people typed them to a
/// customer-service bot (AFQMC) or on a Q&A site (LCQMC), to be matched to another person's
/// wording of the same question.
pub fn paraphrases(data: &Path, name: &'static str, file: &str) -> Result<Dataset> {
    let path = data.join("csts_pairs").join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| missing(&path, e))?;
    let pairs: Vec<(&str, &str, bool)> = text
        .lines()
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let (s1, s2, label) = (cols.next()?.trim(), cols.next()?.trim(), cols.next()?.trim());
            (!s1.is_empty() && !s2.is_empty()).then_some((s1, s2, label == "1"))
        })
        .collect();
    let mut out = Dataset { name, pages: Vec::new(), queries: Vec::new() };
    let mut pages: HashMap<&str, String> = HashMap::new();
    for &(_, s2, _) in &pairs {
        if !pages.contains_key(s2) {
            let key = title_hash(s2);
            let sections = vec![Section { question: None, answer: String::new() }];
            out.pages.push((key.clone(), Article { title: s2.to_string(), sections, ..Article::default() }));
            pages.insert(s2, key);
        }
    }
    for &(s1, s2, same) in &pairs {
        let Some(key) = pages.get(s2).filter(|_| same && !pages.contains_key(s1)) else { continue };
        out.queries.push(Judged { query: s1.to_string(), labels: HashMap::from([(key.clone(), 3)]) });
    }
    Ok(out)
}

/// Judged queries from `query<TAB>hash [hash …]` lines (`#` starts a comment): every page named
/// answers the query (label 3).
fn judged(text: &str) -> Vec<Judged> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(q, keys)| Judged {
            query: q.to_string(),
            labels: keys.split_whitespace().map(|k| (k.to_string(), 3)).collect(),
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct QtrPair {
    query: String,
    title: String,
    label: String,
}

/// KUAKE-QTR dev: one page per title, each query judged against its titles.
pub fn kuake_qtr(data: &Path) -> Result<Dataset> {
    kuake_qtr_split(data, "KUAKE-QTR dev", "KUAKE-QTR_dev.json")
}

/// KUAKE-QTR train, as [`kuake_qtr`]: short search queries where a ranking weight may be chosen
/// without looking at the dev queries it is judged on.
pub fn kuake_qtr_training(data: &Path) -> Result<Dataset> {
    kuake_qtr_split(data, "KUAKE-QTR training queries", "KUAKE-QTR_train.json")
}

fn kuake_qtr_split(data: &Path, name: &'static str, file: &str) -> Result<Dataset> {
    let path = data.join("cblue_kuake/KUAKE-QTR").join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| missing(&path, e))?;
    let pairs: Vec<QtrPair> = serde_json::from_str(&text)
        .map_err(|e| missing(&path, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    let mut pages: Vec<(String, Article)> = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut labels: HashMap<String, HashMap<String, u8>> = HashMap::new();
    for p in pairs {
        let key = title_hash(&p.title);
        if seen.insert(key.clone(), ()).is_none() {
            let article = Article {
                title: p.title.clone(),
                sections: vec![Section { question: None, answer: String::new() }],
                ..Article::default()
            };
            pages.push((key.clone(), article));
        }
        // 39 queries that hold a comma come wrapped in double quotes, as a CSV writer quotes a
        // field: the quotes are the file's, not the searcher's (to baoxian they would mean an
        // exact phrase)
        let query = match p.query.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
            Some(inner) if inner.contains(',') => inner.to_string(),
            _ => p.query,
        };
        if !labels.contains_key(&query) {
            order.push(query.clone());
        }
        labels.entry(query).or_default().insert(key, p.label.parse().unwrap_or(0));
    }
    let queries =
        order.into_iter().filter_map(|q| labels.remove(&q).map(|labels| Judged { query: q, labels })).collect();
    Ok(Dataset { name, pages, queries })
}

/// An analysis chain to measure.
#[derive(Debug, Clone, Copy)]
pub enum Chain {
    /// What a first program does: plain jieba (search mode, default dictionary), no
    /// normalisation, tantivy's QueryParser over title, heading and body.
    Naive,
    /// Plain BM25, the baseline every ranking change must beat: plain jieba (search mode, no
    /// normalisation) on title, heading and body, the query's jieba words ORed as terms over
    /// the three fields, no boosts, no extras.
    Bm25,
    /// baoxian's chain with these features.
    Baoxian(Features),
}

/// MRR, nDCG and recall at 10, averaged over the queries.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Metrics {
    pub mrr: f64,
    pub ndcg: f64,
    pub recall: f64,
    pub queries: usize,
}

fn score(ranked: &[String], labels: &HashMap<String, u8>) -> (f64, f64, f64) {
    let gain = |l: u8| f64::from((1u32 << l) - 1);
    let mut dcg = 0.0;
    let mut rr = 0.0;
    let mut found = 0;
    for (i, key) in ranked.iter().take(10).enumerate() {
        let l = labels.get(key).copied().unwrap_or(0);
        dcg += gain(l) / (i as f64 + 2.0).log2();
        if l >= RELEVANT {
            found += 1;
            if rr == 0.0 {
                rr = 1.0 / (i as f64 + 1.0);
            }
        }
    }
    let mut ideal: Vec<u8> = labels.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(10).enumerate().map(|(i, &l)| gain(l) / (i as f64 + 2.0).log2()).sum();
    let relevant = labels.values().filter(|&&l| l >= RELEVANT).count();
    let recall = if relevant == 0 { 0.0 } else { f64::from(found) / relevant as f64 };
    (rr, if idcg > 0.0 { dcg / idcg } else { 0.0 }, recall)
}

/// The naive chain's own index, as a first tantivy + jieba program would build it: title,
/// heading and body with positions (tantivy's QueryParser turns a word that splits into several
/// tokens into a phrase), cut by plain jieba in search mode with no dictionary and no
/// normalisation; one document per passage and per teaser, like baoxian's.
struct NaiveIndex {
    parser: QueryParser,
    searcher: tantivy::Searcher,
    file: tantivy::schema::Field,
    /// Title, heading and body.
    fields: [tantivy::schema::Field; 3],
}

impl NaiveIndex {
    fn build(dataset: &Dataset) -> tantivy::Result<NaiveIndex> {
        use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("naive")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let file = b.add_text_field("file", STRING | STORED);
        let (title, section, body) = (
            b.add_text_field("title", text.clone()),
            b.add_text_field("section", text.clone()),
            b.add_text_field("body", text),
        );
        let index = tantivy::Index::create_in_ram(b.build());
        let plain = crate::analysis::ZhTokenizer::with_features(crate::analysis::Granularity::Search, Features::none());
        index.tokenizers().register("naive", plain);
        let mut writer: tantivy::IndexWriter<TantivyDocument> = index.writer(50_000_000)?;
        for (key, article) in &dataset.pages {
            for s in &article.sections {
                writer.add_document(tantivy::doc!(file => key.as_str(), title => article.title.as_str(),
                    section => s.question.as_deref().unwrap_or(""), body => s.answer.as_str()))?;
            }
            for t in &article.teasers {
                writer.add_document(tantivy::doc!(file => key.as_str(), title => t.title.as_str(),
                    body => t.summary.as_deref().unwrap_or("")))?;
            }
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let parser = QueryParser::for_index(&index, vec![title, section, body]);
        Ok(NaiveIndex { parser, searcher, file, fields: [title, section, body] })
    }

    /// The query's jieba words (search mode, as the pages were cut), each a term ORed over the
    /// three text fields.
    fn or_of_words(&self, query: &str) -> Box<dyn tantivy::query::Query> {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        let plain = crate::analysis::ZhTokenizer::with_features(crate::analysis::Granularity::Search, Features::none());
        let mut words: Vec<String> = plain.tokens(query).into_iter().map(|t| t.text).collect();
        words.sort();
        words.dedup();
        let clauses = words
            .iter()
            .flat_map(|w| self.fields.iter().map(move |&f| tantivy::Term::from_field_text(f, w)))
            .map(|t| {
                let q: Box<dyn tantivy::query::Query> =
                    Box::new(TermQuery::new(t, tantivy::schema::IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// The files of the top ten documents for `query` (a file twice when two of its passages
    /// rank): through tantivy's QueryParser, or as an OR of the query's words (`or_words`).
    fn search(&self, query: &str, or_words: bool) -> tantivy::Result<Vec<String>> {
        let searcher = &self.searcher;
        let query = if or_words { self.or_of_words(query) } else { self.parser.parse_query_lenient(query).0 };
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
        Ok(top
            .into_iter()
            .filter_map(|(_, addr)| {
                let doc: TantivyDocument = searcher.doc(addr).ok()?;
                doc.get_first(self.file).and_then(|v| v.as_str()).map(str::to_string)
            })
            .collect())
    }
}

/// Indexes the dataset with `chain` (in memory) and measures it over the dataset's queries.
pub fn measure(dataset: &Dataset, chain: Chain) -> Result<Metrics> {
    measure_each(dataset, chain).map(|(m, _)| m)
}

/// [`measure`], with the reciprocal rank of each query (in the dataset's order, judged ones only).
pub fn measure_each(dataset: &Dataset, chain: Chain) -> Result<(Metrics, Vec<(String, f64)>)> {
    let mut each = Vec::new();
    let mut total = Metrics::default();
    for (judged, ranked) in rankings(dataset, chain)? {
        let (rr, ndcg, recall) = score(&ranked, &judged.labels);
        each.push((judged.query.clone(), rr));
        total.mrr += rr;
        total.ndcg += ndcg;
        total.recall += recall;
        total.queries += 1;
    }
    let n = total.queries.max(1) as f64;
    Ok((Metrics { mrr: total.mrr / n, ndcg: total.ndcg / n, recall: total.recall / n, ..total }, each))
}

/// Indexes the dataset with `chain` (in memory) and answers each judged query that has a
/// relevant page: the keys of its top ten answers, best first.
pub fn rankings(dataset: &Dataset, chain: Chain) -> Result<Vec<(&Judged, Vec<String>)>> {
    let place = PathBuf::from(format!("<{} in memory>", dataset.name));
    let tantivy = |e| crate::index::tantivy_error(&place, e);
    let (handle, naive) = match chain {
        Chain::Naive | Chain::Bm25 => (None, Some(NaiveIndex::build(dataset).map_err(tantivy)?)),
        Chain::Baoxian(features) => {
            let handle = IndexHandle::empty_in_memory(&place, features)?;
            crate::index::sync::add_articles(&handle, &dataset.pages)?;
            (Some(handle), None)
        }
    };
    let mut out = Vec::new();
    for judged in &dataset.queries {
        if judged.answers().next().is_none() {
            continue; // nothing to find: says nothing about ranking
        }
        let ranked: Vec<String> = match (&handle, &naive) {
            (_, Some(naive)) => naive.search(&judged.query, matches!(chain, Chain::Bm25)).map_err(tantivy)?,
            (Some(handle), _) => {
                match crate::search::search(handle, &SearchRequest { limit: 10, ..SearchRequest::new(&judged.query) }) {
                    Ok(r) => r.hits.into_iter().map(|h| h.path).collect(),
                    Err(Error::EmptyQuery { .. }) => Vec::new(),
                    Err(e) => return Err(e),
                }
            }
            (None, None) => Vec::new(),
        };
        out.push((judged, ranked));
    }
    Ok(out)
}

/// What one synonym group does on a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct GroupEffect {
    /// The group's members, as in `synonyms.txt`.
    pub group: String,
    /// Judged queries holding a member of the group (after normalisation).
    pub queries: usize,
    /// Queries whose reciprocal rank rose (fell) with synonyms on.
    pub better: usize,
    pub worse: usize,
    /// The group's share of the set's MRR@10: the change of those queries' reciprocal ranks
    /// (synonyms on minus off) divided by the number of judged queries in the set.
    pub mrr_gain: f64,
}

/// Each synonym group's effect on `dataset`: the full chain against the full chain without
/// synonyms, query by query, credited to the groups the query meets (a query meeting two
/// groups counts for both; none of the judged sets has one).
pub fn synonym_effects(dataset: &Dataset) -> Result<Vec<GroupEffect>> {
    use crate::analysis::normalize::normalize;
    let full = Features::default();
    let (_, on) = measure_each(dataset, Chain::Baoxian(full))?;
    let (_, off) = measure_each(dataset, Chain::Baoxian(Features { synonyms: false, ..full }))?;
    let n = on.len().max(1) as f64;
    let groups =
        crate::analysis::synonyms::SYNONYMS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    Ok(groups
        .map(|line| {
            let members: Vec<String> = line.split_whitespace().map(normalize).collect();
            let mut effect = GroupEffect { group: line.to_string(), queries: 0, better: 0, worse: 0, mrr_gain: 0.0 };
            for ((query, rr_on), (_, rr_off)) in on.iter().zip(&off) {
                let query = normalize(query);
                if members.iter().any(|m| query.contains(m.as_str())) {
                    effect.queries += 1;
                    effect.better += usize::from(rr_on > rr_off);
                    effect.worse += usize::from(rr_on < rr_off);
                    effect.mrr_gain += (rr_on - rr_off) / n;
                }
            }
            effect
        })
        .collect())
}

/// The chains of the ablation table: the full chain, the naive one, and the full chain with
/// each feature off in turn.
pub fn chains() -> Vec<(&'static str, Chain)> {
    let full = Features::default();
    vec![
        ("full chain", Chain::Baoxian(full)),
        ("plain BM25 (OR of the jieba words)", Chain::Bm25),
        ("naive (plain jieba + QueryParser)", Chain::Naive),
        ("without width/case folding", Chain::Baoxian(Features { fold_width_case: false, ..full })),
        ("without traditional→simplified", Chain::Baoxian(Features { traditional_to_simplified: false, ..full })),
        ("without domain dictionary", Chain::Baoxian(Features { domain_dictionary: false, ..full })),
        ("without stopwords", Chain::Baoxian(Features { stopwords: false, ..full })),
        ("without synonyms", Chain::Baoxian(Features { synonyms: false, ..full })),
        ("without bigrams", Chain::Baoxian(Features { bigrams: false, ..full })),
        ("baoxian chain, every feature off", Chain::Baoxian(Features::none())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_quotes_commas_and_newlines() {
        let r = csv_records("a,b\n\"x, \"\"y\"\"\nz\",2\n");
        assert_eq!(r, vec![vec!["a", "b"], vec!["x, \"y\"\nz", "2"]]);
    }

    #[test]
    fn metrics_by_hand() {
        let labels = HashMap::from([("a".to_string(), 3u8), ("b".to_string(), 1)]);
        let (rr, ndcg, recall) = score(&["x".into(), "a".into()], &labels);
        assert_eq!(rr, 0.5);
        assert_eq!(recall, 1.0);
        let ideal = 7.0 + 1.0 / 3f64.log2();
        assert!((ndcg - (7.0 / 3f64.log2()) / ideal).abs() < 1e-9);
        assert_eq!(score(&[], &labels), (0.0, 0.0, 0.0));
    }

    #[test]
    fn judged_lines_name_one_or_more_pages() {
        let j = judged("# comment\n社保 怎么交\taa bb\n\n医保\tcc\nno tab here\n");
        assert_eq!(j.len(), 2);
        assert_eq!(j[0].query, "社保 怎么交");
        assert_eq!(j[0].labels, HashMap::from([("aa".to_string(), 3), ("bb".to_string(), 3)]));
        assert_eq!(j[1].labels, HashMap::from([("cc".to_string(), 3)]));
    }

    #[test]
    fn shipped_query_sets_are_well_formed() {
        for (text, at_least) in [(BAOXIANZHIDAO_QUERIES, 80), (SHEBAO_QUERIES, 60)] {
            let j = judged(text);
            assert!(j.len() >= at_least, "{} queries", j.len());
            for q in &j {
                assert!(!q.labels.is_empty() && q.labels.keys().all(|k| k.len() == 16), "{q:?}");
            }
        }
    }

    #[test]
    fn title_hashes_are_fnv1a() {
        assert_eq!(title_hash(""), "cbf29ce484222325");
        assert_eq!(title_hash("a"), "af63dc4c8601ec8c");
    }
}
