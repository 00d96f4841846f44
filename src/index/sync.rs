//! Incremental batch indexing: find new, changed and removed files by content hash, parse the
//! new and changed ones in parallel, and apply everything in one commit. A file that fails never
//! aborts the batch; an interrupted run leaves the last committed index untouched.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::IndexHandle;
use super::schema::{self, Fields, kind};
use crate::article::Article;
use crate::error::Result;
use crate::ingest::{self, Problem, walk};

/// How to run an indexing batch.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Rebuild from scratch: the index afterwards holds exactly the files under the given paths.
    pub full: bool,
    /// Memory budget of tantivy's writer, in MB.
    pub memory_mb: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            full: false,
            memory_mb: 128,
        }
    }
}

/// A file and why it was not indexed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileIssue {
    pub path: String,
    pub reason: String,
}

/// A file whose content is already indexed under another name.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Duplicate {
    pub path: String,
    pub same_as: String,
}

/// What an indexing batch did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub duplicates: Vec<Duplicate>,
    /// Files that are not articles (empty, binary): reported, not errors.
    pub skipped: Vec<FileIssue>,
    /// Files that could not be read or parsed: errors.
    pub failed: Vec<FileIssue>,
    /// Files passed over for their extension (not .html/.htm/.shtml/.xhtml/.txt).
    pub ignored: usize,
    /// Passages and teasers written in this batch.
    pub passages: usize,
    pub teasers: usize,
    /// Bytes of the files parsed in this batch.
    pub bytes: u64,
    pub elapsed_ms: u64,
}

/// Progress of a batch, reported after each file is parsed.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// How one discovered file is to be treated.
enum Plan {
    Unchanged,
    Add,
    Update,
    Duplicate(PathBuf),
}

const CHUNK: usize = 64;

impl IndexHandle {
    /// Brings the index in step with the files under `roots`.
    pub fn index_paths(
        &self,
        roots: &[PathBuf],
        options: &IndexOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IndexReport> {
        let started = Instant::now();
        let found = walk::discover(roots)?;
        let roots: Vec<PathBuf> = roots
            .iter()
            .filter_map(|r| std::fs::canonicalize(r).ok())
            .collect();
        let mut report = IndexReport {
            ignored: found.ignored,
            ..IndexReport::default()
        };
        report
            .failed
            .extend(found.problems.iter().map(|(p, r)| issue(p, r)));

        let existing = if options.full {
            HashMap::new()
        } else {
            self.file_records()?
        };

        // Pass 1: hash every file (cheap) to classify it.
        let hashed: Vec<(PathBuf, std::io::Result<String>)> = found
            .files
            .par_iter()
            .map(|p| {
                (
                    p.clone(),
                    std::fs::read(p).map(|b| blake3::hash(&b).to_hex().to_string()),
                )
            })
            .collect();
        let mut claimed: HashMap<String, PathBuf> = HashMap::new();
        let mut present: HashSet<PathBuf> = HashSet::new();
        for (path, hash) in &existing {
            let under_roots = roots.iter().any(|r| path.starts_with(r));
            if !under_roots {
                claimed.entry(hash.clone()).or_insert_with(|| path.clone());
            }
        }
        for (path, hash) in &hashed {
            present.insert(path.clone());
            if let Ok(h) = hash
                && existing.get(path) == Some(h)
            {
                claimed.entry(h.clone()).or_insert_with(|| path.clone());
            }
        }
        let mut plans: Vec<(PathBuf, Plan)> = Vec::new();
        for (path, hash) in hashed {
            match hash {
                Err(e) => report
                    .failed
                    .push(issue(&path, &format!("cannot read: {e}"))),
                Ok(h) => {
                    let plan = match (existing.get(&path), claimed.get(&h)) {
                        (Some(old), _) if *old == h => Plan::Unchanged,
                        (_, Some(other)) if *other != path => Plan::Duplicate(other.clone()),
                        (old, _) => {
                            claimed.insert(h, path.clone());
                            if old.is_some() {
                                Plan::Update
                            } else {
                                Plan::Add
                            }
                        }
                    };
                    plans.push((path, plan));
                }
            }
        }

        let mut writer = self.writer(options.memory_mb)?;
        let f = self.fields;
        let tantivy = |e| super::tantivy_error(&self.dir, e);
        if options.full {
            writer.delete_all_documents().map_err(tantivy)?;
        }
        for path in existing.keys() {
            let under_roots = roots.iter().any(|r| path.starts_with(r));
            if under_roots && !present.contains(path) {
                writer.delete_term(file_term(f, path));
                report.removed += 1;
            }
        }

        // Pass 2: parse what is new or changed, in parallel chunks, and write it.
        let todo: Vec<(&PathBuf, bool)> = plans
            .iter()
            .filter_map(|(p, plan)| match plan {
                Plan::Add => Some((p, false)),
                Plan::Update => Some((p, true)),
                Plan::Unchanged => {
                    report.unchanged += 1;
                    None
                }
                Plan::Duplicate(other) => {
                    if existing.contains_key(p) {
                        writer.delete_term(file_term(f, p));
                    }
                    report.duplicates.push(Duplicate {
                        path: display(p),
                        same_as: display(other),
                    });
                    None
                }
            })
            .collect();
        let total = todo.len();
        let mut done = 0;
        progress(Progress { done, total });
        for chunk in todo.chunks(CHUNK) {
            let parsed: Vec<_> = chunk
                .par_iter()
                .map(|(path, update)| {
                    let outcome = std::fs::read(path)
                        .map_err(|e| Problem::Failed(format!("cannot read: {e}")))
                        .and_then(|bytes| {
                            let len = bytes.len() as u64;
                            let hash = blake3::hash(&bytes).to_hex().to_string();
                            ingest::parse_file(path, &bytes).map(|a| (a, hash, len))
                        });
                    (*path, *update, outcome)
                })
                .collect();
            for (path, update, outcome) in parsed {
                match outcome {
                    Ok((article, hash, len)) => {
                        if update {
                            writer.delete_term(file_term(f, path));
                            report.updated += 1;
                        } else {
                            report.added += 1;
                        }
                        report.bytes += len;
                        for doc in documents(f, path, &hash, &article) {
                            let k = doc
                                .get_first(f.kind)
                                .and_then(|v| v.as_str())
                                .unwrap_or_default();
                            match k {
                                kind::PASSAGE => report.passages += 1,
                                kind::TEASER => report.teasers += 1,
                                _ => {}
                            }
                            writer.add_document(doc).map_err(tantivy)?;
                        }
                    }
                    Err(Problem::Skipped(reason)) => {
                        if update {
                            writer.delete_term(file_term(f, path));
                        }
                        report.skipped.push(issue(path, &reason));
                    }
                    Err(Problem::Failed(reason)) => {
                        let reason = if update {
                            format!("{reason} (the version indexed before is kept)")
                        } else {
                            reason
                        };
                        report.failed.push(issue(path, &reason));
                    }
                }
                done += 1;
            }
            progress(Progress { done, total });
        }
        self.commit(&mut writer)?;
        writer.wait_merging_threads().map_err(tantivy)?;
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// Path → content hash of every file in the index.
    fn file_records(&self) -> Result<HashMap<PathBuf, String>> {
        let searcher = self.reader.searcher();
        let f = self.fields;
        let q = TermQuery::new(
            Term::from_field_text(f.kind, kind::FILE),
            IndexRecordOption::Basic,
        );
        let docs = searcher
            .search(&q, &DocSetCollector)
            .map_err(|e| super::tantivy_error(&self.dir, e))?;
        let mut out = HashMap::with_capacity(docs.len());
        for addr in docs {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .map_err(|e| super::tantivy_error(&self.dir, e))?;
            let path = doc.get_first(f.file).and_then(|v| v.as_str());
            let hash = doc.get_first(f.hash).and_then(|v| v.as_str());
            if let (Some(p), Some(h)) = (path, hash) {
                out.insert(PathBuf::from(p), h.to_string());
            }
        }
        Ok(out)
    }
}

fn file_term(f: Fields, path: &Path) -> Term {
    Term::from_field_text(f.file, &path.to_string_lossy())
}

/// A path as shown to people: relative to the working directory when it is below it.
pub fn display(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn issue(path: &Path, reason: &str) -> FileIssue {
    FileIssue {
        path: display(path),
        reason: reason.to_string(),
    }
}

/// The tantivy documents of one article file: its passages, its teasers and its file record.
fn documents(f: Fields, path: &Path, hash: &str, article: &Article) -> Vec<TantivyDocument> {
    let file = path.to_string_lossy();
    let identity = article.url.as_deref().unwrap_or(&file);
    let title_hash = schema::hash64(&schema::title_key(&article.title));
    let mut docs = Vec::with_capacity(article.sections.len() + article.teasers.len() + 1);
    let common = |doc: &mut TantivyDocument, kind: &str| {
        doc.add_text(f.kind, kind);
        doc.add_text(f.file, &file);
    };
    for (i, section) in article.sections.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        common(&mut doc, kind::PASSAGE);
        doc.add_text(f.title, &article.title);
        doc.add_text(f.section, section.question.as_deref().unwrap_or(""));
        doc.add_text(f.body, &section.answer);
        if let Some(url) = &article.url {
            doc.add_text(f.url, url);
        }
        if let Some(s) = &article.source {
            doc.add_text(f.source, s);
        }
        if let Some(c) = &article.category {
            doc.add_text(f.category, c);
        }
        if let Some(d) = article.date {
            doc.add_u64(f.date, d.as_number());
        }
        doc.add_u64(f.section_no, i as u64);
        doc.add_u64(f.group, schema::hash64(identity));
        doc.add_u64(f.title_hash, title_hash);
        doc.add_u64(f.is_teaser, 0);
        docs.push(doc);
    }
    for teaser in &article.teasers {
        let key = schema::title_key(&teaser.title);
        let mut doc = TantivyDocument::default();
        common(&mut doc, kind::TEASER);
        doc.add_text(f.title, &teaser.title);
        doc.add_text(f.body, teaser.summary.as_deref().unwrap_or(""));
        if let Some(url) = &teaser.url {
            doc.add_text(f.url, url);
        }
        if let Some(s) = &article.source {
            doc.add_text(f.source, s);
        }
        if let Some(c) = &teaser.category {
            doc.add_text(f.category, c);
        }
        if let Some(d) = teaser.date {
            doc.add_u64(f.date, d.as_number());
        }
        doc.add_u64(f.group, schema::hash64(&format!("teaser:{key}")));
        doc.add_u64(f.title_hash, schema::hash64(&key));
        doc.add_u64(f.is_teaser, 1);
        docs.push(doc);
    }
    let mut record = TantivyDocument::default();
    common(&mut record, kind::FILE);
    record.add_text(f.hash, hash);
    if let Some(s) = &article.source {
        record.add_text(f.source, s);
    }
    if let Some(d) = article.date {
        record.add_u64(f.date, d.as_number());
    }
    docs.push(record);
    docs
}
