//! What a search is asked and what it answers.

use serde::Serialize;

use crate::article::Date;
use crate::error::{Error, Result};

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The words typed, as one string (words separated by spaces or not at all).
    pub query: String,
    /// How many answers to return (at most [`SearchRequest::MAX_LIMIT`]).
    pub limit: usize,
    /// How many of the best answers to pass over first, for paging (at most
    /// [`SearchRequest::MAX_OFFSET`]).
    pub offset: usize,
    /// Snippet length in characters (at most [`SearchRequest::MAX_SNIPPET_CHARS`]).
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
    /// Score every matching passage, for an exact `total` (slower on large indexes; see
    /// [`SearchResults::total_exact`]).
    pub exact: bool,
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
    /// The most answers one search returns.
    pub const MAX_LIMIT: usize = 1_000;
    /// The furthest a search pages: past the best 100,000 answers no one reads on.
    pub const MAX_OFFSET: usize = 100_000;
    /// The longest snippet.
    pub const MAX_SNIPPET_CHARS: usize = 10_000;
    /// Snippet length when none is asked for.
    pub const DEFAULT_SNIPPET_CHARS: usize = 120;

    /// Checks the request's numbers against their limits.
    pub(crate) fn check(&self) -> Result<()> {
        let over = |what: &str, value: usize, max: usize| {
            Err(Error::InvalidRequest { reason: format!("{what} {value} is more than the {max} allowed") })
        };
        if self.limit > Self::MAX_LIMIT {
            return over("limit", self.limit, Self::MAX_LIMIT);
        }
        if self.offset > Self::MAX_OFFSET {
            return over("offset", self.offset, Self::MAX_OFFSET);
        }
        if self.snippet_chars > Self::MAX_SNIPPET_CHARS {
            return over("snippet length", self.snippet_chars, Self::MAX_SNIPPET_CHARS);
        }
        Ok(())
    }

    /// A search for `query` as the command line runs it by default: the best 10 answers,
    /// snippets of [`SearchRequest::DEFAULT_SNIPPET_CHARS`], near-duplicates folded, no filter.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            snippet_chars: Self::DEFAULT_SNIPPET_CHARS,
            since: None,
            until: None,
            sort: Sort::Relevance,
            collapse: true,
            region: None,
            explain: false,
            exact: false,
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
    /// The article's file, absolute (bytes of a name that are not UTF-8 written `\xNN`).
    pub path: String,
    pub url: Option<String>,
    /// Near-duplicates of this answer (reposts, templated copies) hidden behind it.
    pub similar: usize,
    /// Provinces and cities the answer is about (`安徽省`, `安徽省/宿州市`).
    pub region: Vec<String>,
    /// What the score is made of (with `explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explanation>,
}

/// The answers to a query.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// Number of answers (articles and teasers) matching, over all pages; a lower bound when
    /// `total_exact` is false.
    pub total: usize,
    /// False when the search ranked only the most promising passages (a query of common words
    /// on a large index): the answers shown are the best ones, but `total` counts only the
    /// answers found among those passages. `exact` in the request makes it always true.
    pub total_exact: bool,
    pub hits: Vec<Answer>,
    /// Set when no answer holds the words first required (all of one or two, two of three or four, one of more)
    /// and fewer were required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<String>,
    /// How parts of the query that do not parse were read (an unclosed quote, an unknown field).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One part of an answer's score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Part {
    /// What matched: `title:医保`, `body:报销`, `teaser_title:余额`, `grams:参保` (a character
    /// sequence), `words met`, …
    pub why: String,
    pub score: f32,
}

/// The parts of a score, largest first, and the total they add up to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub score: f32,
    pub parts: Vec<Part>,
}
