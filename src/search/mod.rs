//! Searching: query words → tantivy query → best passage per article → snippets.

pub mod collect;
pub mod query;
pub mod snippet;

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
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest { query: query.into(), limit: 10, offset: 0, snippet_chars: snippet::DEFAULT_CHARS }
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
}

impl IndexHandle {
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let words = query::query_words(&request.query, &self.features);
        if words.is_empty() {
            return Err(Error::EmptyQuery { query: request.query.clone() });
        }
        let searcher = self.reader.searcher();
        let tantivy = |e| crate::index::tantivy_error(&self.dir, e);
        let mut minimum = words.len();
        let mut relaxed = None;
        let groups = loop {
            let q = query::build(&self.fields, &self.features, &words, minimum);
            let groups = searcher.search(&*q, &collect::BestPassagePerArticle).map_err(tantivy)?;
            if !groups.is_empty() || minimum <= 1 {
                break groups;
            }
            minimum = if minimum > 2 { minimum.div_ceil(2) } else { 1 };
            relaxed = Some(format!(
                "no answer holds all {} words; showing answers with at least {minimum} of them",
                words.len()
            ));
        };
        let terms = query::highlight_terms(&words);
        let f = self.fields;
        let mut hits = Vec::new();
        for (i, g) in groups.iter().enumerate().skip(request.offset).take(request.limit) {
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
            });
        }
        Ok(SearchResults { query: request.query.clone(), total: groups.len(), hits, relaxed })
    }
}
