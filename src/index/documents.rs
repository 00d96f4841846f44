//! What a batch writes for one file: the article's passages and teasers as tantivy documents,
//! and the file's record. The one place where the model meets the schema.

use std::path::Path;

use tantivy::{TantivyDocument, Term};

use super::facts::Facts;
use super::records::ContentHash;
use super::schema::{self, Fields, kind};
use crate::article::{Article, Date};
use crate::ingest::{self, PageProblem};

pub(super) fn file_term(f: Fields, path: &Path) -> Term {
    Term::from_field_text(f.file, &schema::path_key(path))
}

/// The record of one indexed file: its content hash and `(size, mtime)` stamp, and the
/// article's date and source for statistics.
pub(super) fn file_record(
    f: Fields,
    path: &Path,
    stamp: (u64, u64),
    hash: Option<&ContentHash>,
    facts: &Facts,
) -> TantivyDocument {
    let path = schema::path_key(path);
    let mut record = TantivyDocument::default();
    record.add_text(f.kind, kind::FILE);
    record.add_text(f.file, &path);
    record.add_text(f.record, &path);
    record.add_text(f.hash, hash.map(ContentHash::hex).unwrap_or_default());
    record.add_u64(f.size, stamp.0);
    record.add_u64(f.mtime, stamp.1);
    if let Some(s) = &facts.source {
        record.add_text(f.source, s);
    }
    if let Some(d) = facts.date {
        record.add_u64(f.date, d);
    }
    record
}

pub(super) fn parse(path: &Path, content: &[u8]) -> std::result::Result<Parsed, PageProblem> {
    let hash = ContentHash::of(content);
    ingest::parse_file_noting(path, content).map(|(article, note)| {
        let fingerprint = super::simhash::simhash(&article_text(&article));
        Parsed { article, hash, len: content.len() as u64, fingerprint, note }
    })
}

/// What a batch makes of a file's content: the article, the content's hash, its length, the
/// article's near-duplicate fingerprint, and a note for the user (bytes replaced).
pub(super) struct Parsed {
    pub(super) article: Article,
    pub(super) hash: ContentHash,
    pub(super) len: u64,
    pub(super) fingerprint: [u64; 2],
    pub(super) note: Option<String>,
}

/// The tantivy documents a batch writes for a file's content (its passages, its teasers and its
/// file record, the record with a modification time of 0), or why it writes none. For
/// benchmarks that time the parts of a build on their own (`benches/compare/floor.rs`).
#[cfg(feature = "lab")]
pub fn file_documents(f: Fields, path: &Path, content: &[u8]) -> std::result::Result<Vec<TantivyDocument>, String> {
    let p = parse(path, content).map_err(|(PageProblem::Skipped(why) | PageProblem::Failed(why))| why)?;
    Ok(documents(f, path, (p.len, 0), Some(&p.hash), &p.article, p.fingerprint))
}

/// The text an article's near-duplicate fingerprint is taken over: title, headings, answers.
pub(super) fn article_text(article: &Article) -> String {
    let mut text = article.title.clone();
    for s in &article.sections {
        text.push('\n');
        text.push_str(s.question.as_deref().unwrap_or(""));
        text.push('\n');
        text.push_str(&s.answer);
    }
    text
}

/// The tantivy documents of one article file: its passages, its teasers and its file record.
pub(super) fn documents(
    f: Fields,
    path: &Path,
    stamp: (u64, u64),
    hash: Option<&ContentHash>,
    article: &Article,
    fingerprint: [u64; 2],
) -> Vec<TantivyDocument> {
    let file = schema::path_key(path);
    let identity = article.url.as_deref().unwrap_or(&file);
    let title_hash = schema::hash64(&schema::title_key(&article.title));
    let mut docs = Vec::with_capacity(article.sections.len() + article.teasers.len() + 1);
    for (i, section) in article.sections.iter().enumerate() {
        let mut doc = document(
            f,
            &Shared {
                file: &file,
                url: article.url.as_deref(),
                source: article.source.as_deref(),
                category: article.category.as_deref(),
                date: article.date,
                regions: &article.regions,
                group: schema::hash64(identity),
                title_hash,
                teaser: false,
                fingerprint,
            },
        );
        doc.add_text(f.title, &article.title);
        doc.add_text(f.section, section.question.as_deref().unwrap_or(""));
        doc.add_text(f.body, &section.answer);
        doc.add_text(f.grams, &article.title);
        if let Some(q) = &section.question {
            doc.add_text(f.grams, q);
        }
        doc.add_u64(f.section_no, i as u64);
        docs.push(doc);
    }
    for teaser in &article.teasers {
        let key = schema::title_key(&teaser.title);
        let summary = teaser.summary.as_deref().unwrap_or("");
        let mut doc = document(
            f,
            &Shared {
                file: &file,
                url: teaser.url.as_deref(),
                source: article.source.as_deref(),
                category: teaser.category.as_deref(),
                date: teaser.date,
                regions: &teaser.regions,
                group: schema::hash64(&format!("teaser:{key}")),
                title_hash: schema::hash64(&key),
                teaser: true,
                fingerprint: super::simhash::simhash(&format!("{}\n{summary}", teaser.title)),
            },
        );
        doc.add_text(f.teaser_title, &teaser.title);
        doc.add_text(f.teaser_summary, summary);
        doc.add_text(f.grams, &teaser.title);
        docs.push(doc);
    }
    docs.push(file_record(f, path, stamp, hash, &Facts::of(article)));
    docs
}

/// What a passage and a teaser both carry: where they come from, what they are about, which
/// answer they group under and their near-duplicate fingerprint.
struct Shared<'a> {
    file: &'a str,
    url: Option<&'a str>,
    source: Option<&'a str>,
    category: Option<&'a str>,
    date: Option<Date>,
    regions: &'a [String],
    group: u64,
    title_hash: u64,
    teaser: bool,
    fingerprint: [u64; 2],
}

/// A document with the fields of `shared`; the caller adds the passage's or teaser's text.
fn document(f: Fields, shared: &Shared) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.kind, if shared.teaser { kind::TEASER } else { kind::PASSAGE });
    doc.add_text(f.file, shared.file);
    for (field, value) in [(f.url, shared.url), (f.source, shared.source), (f.category, shared.category)] {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }
    if let Some(d) = shared.date {
        doc.add_u64(f.date, d.as_number());
    }
    for r in shared.regions {
        doc.add_text(f.region, r);
    }
    doc.add_u64(f.group, shared.group);
    doc.add_u64(f.title_hash, shared.title_hash);
    doc.add_u64(f.is_teaser, u64::from(shared.teaser));
    doc.add_u64(f.simhash, shared.fingerprint[0]);
    doc.add_u64(f.simhash2, shared.fingerprint[1]);
    doc
}
