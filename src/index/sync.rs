//! Incremental batch indexing.
//!
//! A batch brings the index in step with the files under some roots:
//!
//! 1. **Discover** the article files under the roots (see [`walk`]).
//! 2. **Check** each one against its file record: the same size and modification time as when
//!    it was indexed means unchanged without reading it; otherwise it is read and hashed, and
//!    the hash decides. Files are then new, changed, unchanged, renamed (the content of a file
//!    that vanished, under a new name), or duplicates (content indexed under another name).
//! 3. **Parse** the new and changed files in parallel, in chunks, and hand their documents to
//!    tantivy's writer (which tokenises on its own threads within its memory budget).
//! 4. **Commit** once at the end. Until then the index on disk is the last committed one: a
//!    run that is killed leaves it whole, and the next run does the work again.
//!
//! A file that fails never aborts the batch; it is reported with its reason.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::schema::Value;
use tantivy::{DocAddress, Term};

use super::IndexHandle;
#[cfg(feature = "lab")]
use super::documents::article_text;
use super::documents::{Parsed, documents, file_record, file_term, parse};
use super::facts::Facts;
use super::lock::UpdateLock;
use super::plan::{Checked, Plan, check, is_under, plan};
use super::records::{ContentHash, file_records};
use super::schema::{self, kind};
use crate::api::{Duplicate, FileIssue, IndexOptions, IndexReport, Phase, Progress};
#[cfg(feature = "lab")]
use crate::article::Article;
use crate::error::Result;
use crate::ingest::PageProblem;
use crate::ingest::walk::{self, path_text};

/// Files parsed per parallel chunk: enough to keep both cores busy, few enough to bound memory.
pub(super) const CHUNK: usize = 256;

/// Brings the index in step with the files under `roots`.
pub fn index_paths(
    handle: &IndexHandle,
    roots: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<IndexReport> {
    let started = Instant::now();
    let _lock = if options.dry_run { None } else { Some(UpdateLock::acquire(&handle.dir)?) };
    let left = if options.dry_run { (0, 0) } else { handle.remove_leftovers()? };
    // The batch's bookkeeping (the files found, their records, the plan: about 0.27 KB a
    // file) is gone before the upkeep starts, and its memory handed back: the merges that
    // follow are the peak of a large build.
    let (mut report, bytes) = write_batch(handle, roots, options, progress)?;
    if left.0 > 0 {
        report.warnings.push(format!(
            "removed {} files ({:.1} MB) that a batch which did not finish (a full disk, a kill) had left in the index",
            left.0,
            left.1 as f64 / 1e6
        ));
    }
    if !options.dry_run {
        after_commit(handle, options, &mut report, &mut |done, total| {
            progress(Progress { phase: Phase::Merging, done, total, bytes });
        });
    }
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Finds what changed under `roots` and writes it as one committed batch (or, for a dry
/// run, only counts it): the report, and the bytes of the files parsed.
fn write_batch(
    handle: &IndexHandle,
    roots: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(IndexReport, u64)> {
    let tantivy = |e| super::tantivy_error(&handle.dir, e);
    handle.reader.reload().map_err(tantivy)?;

    let found = walk::discover(roots, options.max_file_size, options.follow_links)?;
    let mut report = IndexReport { dry_run: options.dry_run, ignored: found.ignored, ..IndexReport::default() };
    report.failed.extend(found.problems.iter().map(|(p, r)| issue(p, r)));
    report.skipped.extend(found.too_large.iter().map(|(p, size)| {
        issue(
            p,
            &format!("larger than the size limit ({size} bytes > {} bytes, --max-file-size)", options.max_file_size),
        )
    }));

    // one view of the index for the whole batch: the records' addresses point into it
    let searcher = handle.reader.searcher();
    let existing = if options.full { HashMap::new() } else { file_records(handle, &searcher)? };
    let checked = check(&found.files, &existing, progress);
    let roots: Vec<PathBuf> = roots.iter().filter_map(|r| std::fs::canonicalize(r).ok()).collect();
    let under_roots = |p: &Path| roots.iter().any(|r| is_under(p, r));
    // (a full build has no records to compare)
    let present: HashSet<&OsStr> =
        if existing.is_empty() { HashSet::new() } else { checked.iter().map(|c| c.path.as_os_str()).collect() };
    // What the walk could not look into (a folder it may not list, a file it may not stat)
    // may still hold its files: their records stay as they are.
    let unseen: Vec<&Path> = found.problems.iter().map(|(p, _)| p.as_path()).collect();
    let unseen = |p: &Path| unseen.iter().any(|u| is_under(p, u));
    // Files of the index under the roots that are gone (unless a file seen but unreadable).
    let mut vanished: HashMap<ContentHash, &Path> = HashMap::new();
    for (path, record) in &existing {
        let p = Path::new(path);
        if under_roots(p) && !present.contains(path.as_os_str()) && !unseen(p) {
            vanished.insert(record.hash, p);
        }
    }
    let plans = plan(&checked, &existing, &vanished, &under_roots, &mut report);
    let renamed_from: HashSet<&Path> = plans
        .iter()
        .filter_map(|(_, p)| if let Plan::Rename(from) = p { Some(from.as_path()) } else { None })
        .collect();
    let removed: Vec<&Path> = vanished.values().copied().filter(|p| !renamed_from.contains(p)).collect();
    report.removed = removed.len();
    for (c, p) in &plans {
        match p {
            Plan::Unchanged | Plan::Touched => report.unchanged += 1,
            Plan::Duplicate(other) => {
                report.duplicates += 1;
                report.duplicate_files.push(Duplicate { path: path_text(c.path), same_as: path_text(other) })
            }
            _ => {}
        }
    }
    let todo: Vec<&(&Checked, Plan)> =
        plans.iter().filter(|(_, p)| matches!(p, Plan::Add | Plan::Update | Plan::Rename(_))).collect();
    let touched: Vec<&Checked> = plans.iter().filter_map(|(c, p)| matches!(p, Plan::Touched).then_some(*c)).collect();
    let stale: Vec<&Path> = plans
        .iter()
        .filter_map(|(c, p)| {
            (matches!(p, Plan::Duplicate(_)) && existing.contains_key(c.path.as_os_str())).then_some(c.path)
        })
        .collect();

    if options.dry_run {
        for (_, p) in &todo {
            match p {
                Plan::Add => report.added += 1,
                Plan::Update => report.updated += 1,
                _ => report.renamed += 1,
            }
        }
        return Ok((report, 0));
    }
    let nothing_to_do =
        todo.is_empty() && touched.is_empty() && stale.is_empty() && removed.is_empty() && !options.full;
    if nothing_to_do {
        // the upkeep still runs: an index written by a version that did not merge after a
        // batch, or without stored maxima, gets them now (once: afterwards there is nothing
        // to merge and no file missing)
        return Ok((report, 0));
    }

    let f = handle.fields;
    let mut writer = handle.writer(options.memory_mb)?;
    if options.full {
        writer.delete_all_documents().map_err(tantivy)?;
    }
    for path in removed.iter().chain(&stale) {
        writer.delete_term(file_term(f, path));
    }
    if !touched.is_empty() {
        // the new time, and what the record said of the article (its date and source, which
        // `stats` reads): the article itself is not parsed again
        let records: Vec<Option<DocAddress>> =
            touched.iter().map(|c| existing.get(c.path.as_os_str()).map(|r| r.at)).collect();
        let facts = Facts::of_records(&searcher, f, &records).map_err(tantivy)?;
        for (c, facts) in touched.iter().zip(facts) {
            if let Ok(hash) = &c.hash {
                writer.delete_term(Term::from_field_text(f.record, &schema::path_key(c.path)));
                let record = file_record(f, c.path, (c.size, c.mtime), Some(hash), &facts);
                writer.add_document(record).map_err(tantivy)?;
            }
        }
    }

    crate::analysis::expect_text(&handle.features, todo.iter().map(|(c, _)| c.size).sum());
    let total = todo.len();
    let mut done = 0;
    let mut bytes = 0;
    progress(Progress { phase: Phase::Indexing, done, total, bytes });
    for chunk in todo.chunks(CHUNK) {
        let parsed: Vec<_> = chunk
            .par_iter()
            .map(|(c, plan)| {
                let outcome = std::fs::read(c.path)
                    .map_err(|e| PageProblem::Failed(format!("cannot read: {e}")))
                    .and_then(|content| parse(c.path, &content));
                (*c, plan, outcome)
            })
            .collect();
        for (c, plan, outcome) in parsed {
            let replaces = match plan {
                Plan::Update => Some(c.path),
                Plan::Rename(from) => Some(from.as_path()),
                _ => None,
            };
            match outcome {
                Ok(Parsed { article, hash, len, fingerprint, note }) => {
                    if let Some(note) = note {
                        report.warnings.push(format!("{}: {note}", path_text(c.path)));
                    }
                    if let Some(old) = replaces {
                        writer.delete_term(file_term(f, old));
                    }
                    match plan {
                        Plan::Update => report.updated += 1,
                        Plan::Rename(_) => report.renamed += 1,
                        _ => report.added += 1,
                    }
                    report.parsed_files += 1;
                    report.parsed_bytes += len;
                    bytes += len;
                    // one at a time: tantivy bounds its queue in batches, so an article's
                    // documents as one batch let ten times more text wait in memory (peak
                    // RSS of a 10k build 170 -> 185-200 MB) for a few more repeated titles
                    for doc in documents(f, c.path, (len, c.mtime), Some(&hash), &article, fingerprint) {
                        match doc.get_first(f.kind).and_then(|v| v.as_str()) {
                            Some(kind::PASSAGE) => report.passages += 1,
                            Some(kind::TEASER) => report.teasers += 1,
                            _ => {}
                        }
                        if let Err(e) = writer.add_document(doc) {
                            return Err(tantivy(super::writer_stopped(&mut writer, e)));
                        }
                    }
                }
                Err(PageProblem::Skipped(reason)) => {
                    if let Some(old) = replaces {
                        writer.delete_term(file_term(f, old));
                    }
                    report.skipped.push(issue(c.path, &reason));
                }
                Err(PageProblem::Failed(reason)) => {
                    let reason = match plan {
                        Plan::Update => format!("{reason} (the version indexed before is kept)"),
                        _ => reason,
                    };
                    report.failed.push(issue(c.path, &reason));
                }
            }
            done += 1;
        }
        progress(Progress { phase: Phase::Indexing, done, total, bytes });
    }
    progress(Progress { phase: Phase::Committing, done, total, bytes });
    handle.commit(&mut writer)?;
    writer.wait_merging_threads().map_err(tantivy)?;
    Ok((report, bytes))
}

/// The upkeep that follows a committed batch (or finds an older index without it): the small
/// segments merged ([`IndexHandle::compact`], unless `options` say not to; `progress` is told
/// the groups done), then the stored maxima of the segments written. Neither can cost an
/// article: a failure (disk full, say) is a warning of `report`, as the index is complete
/// and answers correctly, only slower.
fn after_commit(
    handle: &IndexHandle,
    options: &IndexOptions,
    report: &mut IndexReport,
    progress: &mut dyn FnMut(usize, usize),
) {
    if options.merge {
        match handle.compact(progress) {
            Ok(merged) => report.merged = merged,
            Err(e) => report.warnings.push(format!(
                "the index is complete, but merging its small segments failed ({e}); searches stay correct, \
                 only slower; the next `index` run tries again"
            )),
        }
    }
    handle.refresh_maxima(report);
}

/// Writes articles that come from elsewhere than files (the relevance benchmark's data sets),
/// each under its key as its path, and commits.
#[cfg(feature = "lab")]
pub(crate) fn add_articles(handle: &IndexHandle, articles: &[(String, Article)]) -> Result<()> {
    let tantivy = |e| super::tantivy_error(&handle.dir, e);
    let mut writer = handle.writer(IndexOptions::default().memory_mb)?;
    for (key, article) in articles {
        let mut article = article.clone();
        crate::ingest::tag_regions(&mut article);
        let article = &article;
        let fingerprint = super::simhash::simhash(&article_text(article));
        for doc in documents(handle.fields, Path::new(key), (0, 0), None, article, fingerprint) {
            writer.add_document(doc).map_err(tantivy)?;
        }
    }
    handle.commit(&mut writer)?;
    writer.wait_merging_threads().map_err(tantivy)?;
    handle.refresh_maxima(&mut IndexReport::default());
    Ok(())
}

pub(super) fn issue(path: &Path, reason: &str) -> FileIssue {
    FileIssue { path: path_text(path), reason: reason.to_string() }
}
