//! What an index holds: counts, size on disk, date range, top sources.

use std::collections::HashMap;

use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::IndexHandle;
use super::facts::Facts;
use super::schema::kind;
use crate::api::Stats;
use crate::article::Date;
use crate::error::Result;

/// How many articles the index holds (one per indexed file): one count over the file records,
/// without the rest of [`stats`].
pub fn articles(handle: &IndexHandle) -> Result<usize> {
    let q = TermQuery::new(Term::from_field_text(handle.fields.kind, kind::FILE), IndexRecordOption::Basic);
    handle.reader.searcher().search(&q, &Count).map_err(|e| super::tantivy_error(&handle.dir, e))
}

pub fn stats(handle: &IndexHandle) -> Result<Stats> {
    let searcher = handle.reader.searcher();
    let f = handle.fields;
    let tantivy = |e| super::tantivy_error(&handle.dir, e);
    let count = |k: &str| {
        let q = TermQuery::new(Term::from_field_text(f.kind, k), IndexRecordOption::Basic);
        searcher.search(&q, &Count).map_err(tantivy)
    };
    let files_q = TermQuery::new(Term::from_field_text(f.kind, kind::FILE), IndexRecordOption::Basic);
    let file_docs = searcher.search(&files_q, &DocSetCollector).map_err(tantivy)?;
    let mut sources: HashMap<String, usize> = HashMap::new();
    let (mut earliest, mut latest): (Option<Date>, Option<Date>) = (None, None);
    let records: Vec<Option<DocAddress>> = file_docs.iter().copied().map(Some).collect();
    for facts in Facts::of_records(&searcher, f, &records).map_err(tantivy)? {
        if let Some(s) = facts.source {
            *sources.entry(s).or_default() += 1;
        }
        if let Some(d) = facts.date.and_then(Date::from_number) {
            earliest = Some(earliest.map_or(d, |e| e.min(d)));
            latest = Some(latest.map_or(d, |l| l.max(d)));
        }
    }
    let mut top_sources: Vec<(String, usize)> = sources.into_iter().collect();
    top_sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top_sources.truncate(10);
    let index_bytes = handle.size_on_disk()?;
    Ok(Stats {
        index: handle.dir.display().to_string(),
        articles: file_docs.len(),
        passages: count(kind::PASSAGE)?,
        teasers: count(kind::TEASER)?,
        files: file_docs.len(),
        index_bytes,
        earliest,
        latest,
        top_sources,
    })
}
