//! Searching: query words → tantivy query → best passage per article → snippets.

mod bonus;
pub mod collect;
pub mod explain;
pub mod query;
pub mod snippet;
pub mod syntax;

use std::path::Path;

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::Value;

use crate::article::Date;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::index::sync::display;

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The words typed, as one string (words separated by spaces or not at all).
    pub query: String,
    /// How many answers to return.
    pub limit: usize,
    /// How many of the best answers to pass over first (for paging).
    pub offset: usize,
    /// Snippet length in characters.
    pub snippet_chars: usize,
    /// Only answers published on or after this day (also `after:` in the query).
    pub since: Option<Date>,
    /// Only answers published on or before this day (also `before:` in the query).
    pub until: Option<Date>,
    /// Order of the answers.
    pub sort: Sort,
    /// Fold near-duplicate articles (reposts, templated copies) into one answer.
    pub collapse: bool,
    /// Only answers about this province or city (also `region:` in the query).
    pub region: Option<String>,
    /// Say, for each answer, what its score is made of.
    pub explain: bool,
}

/// Order of the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (the words met, then BM25).
    #[default]
    Relevance,
    /// Newest first (answers without a date last), then best match.
    Date,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            snippet_chars: snippet::DEFAULT_CHARS,
            since: None,
            until: None,
            sort: Sort::Relevance,
            collapse: true,
            region: None,
            explain: false,
        }
    }
}

/// Whether an answer is a full article or a related-article teaser seen on some page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Article,
    Teaser,
}

/// One answer: the best passage of one article.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub rank: usize,
    pub score: f32,
    pub kind: Kind,
    pub title: String,
    /// The question heading of the passage, if it has one.
    pub section: Option<String>,
    pub snippet: String,
    /// Character offsets `[start, end)` of the matched words in `snippet`.
    pub highlights: Vec<(usize, usize)>,
    pub date: Option<Date>,
    pub source: Option<String>,
    pub path: String,
    pub url: Option<String>,
    /// Near-duplicates of this answer (reposts, templated copies) hidden behind it.
    pub similar: usize,
    /// Provinces and cities the answer is about (`安徽省`, `安徽省/宿州市`).
    pub region: Vec<String>,
    /// What the score is made of (with `explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<explain::Explanation>,
}

/// The answers to a query.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// Number of answers (articles and teasers) matching, over all pages.
    pub total: usize,
    pub hits: Vec<Answer>,
    /// Set when no answer holds all the query's words and fewer were required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<String>,
    /// How parts of the query that do not parse were read (an unclosed quote, an unknown field).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How many of `n` flexible requirements a passage must meet at first: all of one or two,
/// two thirds of more. Requiring all of them cost 0.055 MRR@10 on baoxianzhidao (paraphrased
/// questions rarely share every word with their answer).
fn initial_minimum(n: usize) -> usize {
    if n <= 2 { n } else { (2 * n).div_ceil(3) }
}

impl IndexHandle {
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let mut parsed = syntax::parse(&request.query);
        parsed.regions.extend(request.region.clone());
        let mut plan = query::plan(&parsed, &self.features);
        if plan.is_empty() {
            return Err(Error::EmptyQuery { query: request.query.clone() });
        }
        plan.since = plan.since.or(request.since);
        plan.until = plan.until.or(request.until);
        let searcher = self.reader.searcher();
        let tantivy = |e| crate::index::tantivy_error(&self.dir, e);
        let flexible = plan.flexible();
        let mut minimum = initial_minimum(flexible);
        let mut relaxed = None;
        let (groups, q) = loop {
            let q = query::build(&self.fields, &self.features, &plan, minimum);
            let groups = searcher.search(&*q, &collect::BestPassagePerArticle).map_err(tantivy)?;
            if !groups.is_empty() || minimum <= 1 {
                break (groups, q);
            }
            minimum = if minimum > 2 { minimum.div_ceil(2) } else { 1 };
            relaxed =
                Some(format!("no answer holds all {flexible} words; showing answers with at least {minimum} of them"));
        };
        let order = if request.sort == Sort::Date || plan.requirements.is_empty() {
            collect::Order::Date
        } else {
            collect::Order::Score
        };
        let needed = request.offset.saturating_add(request.limit);
        let (groups, total) = collect::rank(groups, order, needed, request.collapse);
        let terms = query::highlight_terms(&plan);
        let f = self.fields;
        let mut hits = Vec::new();
        for (i, g) in groups.iter().enumerate().skip(request.offset) {
            let doc: TantivyDocument = searcher.doc(g.doc).map_err(tantivy)?;
            let text =
                |field| doc.get_first(field).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
            let body = text(f.body).unwrap_or_default();
            let snip = snippet::snippet(&body, &terms, request.snippet_chars, &self.features);
            hits.push(Answer {
                rank: i + 1,
                score: g.score,
                kind: if g.teaser { Kind::Teaser } else { Kind::Article },
                title: text(f.title).unwrap_or_default(),
                section: text(f.section),
                snippet: snip.text,
                highlights: snip.highlights,
                date: doc.get_first(f.date).and_then(|v| v.as_u64()).and_then(Date::from_number),
                source: text(f.source),
                path: text(f.file).map(|p| display(Path::new(&p))).unwrap_or_default(),
                url: text(f.url),
                similar: g.similar,
                region: doc.get_all(f.region).filter_map(|v| v.as_str()).map(str::to_string).collect(),
                explain: if request.explain {
                    let weight = if g.teaser { collect::TEASER_WEIGHT } else { 1.0 };
                    let e = q.explain(&searcher, g.doc).map_err(tantivy)?;
                    Some(explain::explain(&e, &self.index.schema(), weight))
                } else {
                    None
                },
            });
        }
        Ok(SearchResults { query: request.query.clone(), total, hits, relaxed, notes: plan.notes })
    }
}
