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

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use super::IndexHandle;
use super::facts::Facts;
use super::lock::UpdateLock;
use super::schema::{self, Fields, kind};
use crate::api::{Duplicate, FileIssue, IndexOptions, IndexReport, Phase, Progress};
use crate::article::Article;
use crate::error::Result;
use crate::ingest::walk::{self, path_text};
use crate::ingest::{self, PageProblem};

/// The file records of the index by path. Keyed by the path's bytes: hashing or comparing a
/// `Path` walks its components, which cost a fifth of a re-index of 100k unchanged files.
type Records = HashMap<OsString, Record>;

/// A file record of the index.
#[derive(Debug, Clone)]
struct Record {
    hash: ContentHash,
    size: u64,
    mtime: u64,
    /// Where the record is, in the batch's searcher it was read from.
    at: DocAddress,
}

/// A discovered file after checking it against the index.
struct Checked<'a> {
    path: &'a Path,
    size: u64,
    mtime: u64,
    /// Content hash, or why the file could not be read (the system's reason).
    hash: std::result::Result<ContentHash, String>,
    /// Size and time match the record, so the content was not read.
    same_stamp: bool,
}

/// What to do with one discovered file.
enum Plan {
    Unchanged,
    /// Same content, but the record's size/time are stale: rewrite the record only.
    Touched,
    Add,
    Update,
    Rename(PathBuf),
    Duplicate(PathBuf),
}

/// Files parsed per parallel chunk: enough to keep both cores busy, few enough to bound memory.
const CHUNK: usize = 256;

impl IndexHandle {
    /// Brings the index in step with the files under `roots`.
    pub fn index_paths(
        &self,
        roots: &[PathBuf],
        options: &IndexOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IndexReport> {
        let started = Instant::now();
        let _lock = if options.dry_run { None } else { Some(UpdateLock::acquire(&self.dir)?) };
        let left = if options.dry_run { (0, 0) } else { self.remove_leftovers()? };
        // The batch's bookkeeping (the files found, their records, the plan: about 0.27 KB a
        // file) is gone before the upkeep starts, and its memory handed back: the merges that
        // follow are the peak of a large build.
        let (mut report, bytes) = self.write_batch(roots, options, progress)?;
        if left.0 > 0 {
            report.warnings.push(format!(
                "removed {} files ({:.1} MB) that a batch which did not finish (a full disk, a kill) had left in the index",
                left.0,
                left.1 as f64 / 1e6
            ));
        }
        if !options.dry_run {
            self.after_commit(options, &mut report, &mut |done, total| {
                progress(Progress { phase: Phase::Merging, done, total, bytes });
            });
        }
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// Finds what changed under `roots` and writes it as one committed batch (or, for a dry
    /// run, only counts it): the report, and the bytes of the files parsed.
    fn write_batch(
        &self,
        roots: &[PathBuf],
        options: &IndexOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(IndexReport, u64)> {
        let tantivy = |e| super::tantivy_error(&self.dir, e);
        self.reader.reload().map_err(tantivy)?;

        let found = walk::discover(roots, options.max_file_size, options.follow_links)?;
        let mut report = IndexReport { dry_run: options.dry_run, ignored: found.ignored, ..IndexReport::default() };
        report.failed.extend(found.problems.iter().map(|(p, r)| issue(p, r)));
        report.skipped.extend(found.too_large.iter().map(|(p, size)| {
            issue(
                p,
                &format!(
                    "larger than the size limit ({size} bytes > {} bytes, --max-file-size)",
                    options.max_file_size
                ),
            )
        }));

        // one view of the index for the whole batch: the records' addresses point into it
        let searcher = self.reader.searcher();
        let existing = if options.full { HashMap::new() } else { self.file_records(&searcher)? };
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
        let touched: Vec<&Checked> =
            plans.iter().filter_map(|(c, p)| matches!(p, Plan::Touched).then_some(*c)).collect();
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

        let f = self.fields;
        let mut writer = self.writer(options.memory_mb)?;
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

        crate::analysis::expect_text(&self.features, todo.iter().map(|(c, _)| c.size).sum());
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
        self.commit(&mut writer)?;
        writer.wait_merging_threads().map_err(tantivy)?;
        Ok((report, bytes))
    }

    /// The upkeep that follows a committed batch (or finds an older index without it): the small
    /// segments merged ([`IndexHandle::compact`], unless `options` say not to; `progress` is told
    /// the groups done), then the stored maxima of the segments written. Neither can cost an
    /// article: a failure (disk full, say) is a warning of `report`, as the index is complete
    /// and answers correctly, only slower.
    fn after_commit(&self, options: &IndexOptions, report: &mut IndexReport, progress: &mut dyn FnMut(usize, usize)) {
        if options.merge {
            match self.compact(progress) {
                Ok(merged) => report.merged = merged,
                Err(e) => report.warnings.push(format!(
                    "the index is complete, but merging its small segments failed ({e}); searches stay correct, \
                     only slower; the next `index` run tries again"
                )),
            }
        }
        self.refresh_maxima(report);
    }

    /// Writes articles that come from elsewhere than files (the relevance benchmark's data sets),
    /// each under its key as its path, and commits.
    #[cfg(feature = "lab")]
    pub(crate) fn add_articles(&self, articles: &[(String, Article)]) -> Result<()> {
        let tantivy = |e| super::tantivy_error(&self.dir, e);
        let mut writer = self.writer(IndexOptions::default().memory_mb)?;
        for (key, article) in articles {
            let mut article = article.clone();
            crate::ingest::tag_regions(&mut article);
            let article = &article;
            let fingerprint = super::simhash::simhash(&article_text(article));
            for doc in documents(self.fields, Path::new(key), (0, 0), None, article, fingerprint) {
                writer.add_document(doc).map_err(tantivy)?;
            }
        }
        self.commit(&mut writer)?;
        writer.wait_merging_threads().map_err(tantivy)?;
        self.refresh_maxima(&mut IndexReport::default());
        Ok(())
    }

    /// Path → record of every file in the index, read from fast fields.
    fn file_records(&self, searcher: &Searcher) -> Result<Records> {
        let q = TermQuery::new(Term::from_field_text(self.fields.kind, kind::FILE), IndexRecordOption::Basic);
        let records = searcher.search(&q, &FileRecords).map_err(|e| super::tantivy_error(&self.dir, e))?;
        Ok(records.into_iter().collect())
    }
}

/// Threads that read and hash files in the check step, whatever the number of cores: reading
/// files that are not in the page cache waits on the disk more than it computes. Checking 100k
/// generated pages (449 MB) after the page cache was dropped took 6.1 s on 2 threads, 4.3 s on
/// 4 and 3.8 s on 8; with the files cached, 8 threads take the same 0.9 s as 2.
const READ_THREADS: usize = 8;

/// Step 2: compares every discovered file with its record, in parallel. Reads and hashes only
/// the files whose size or modification time differ from the record.
fn check<'a>(files: &'a [walk::Found], existing: &Records, progress: &mut dyn FnMut(Progress)) -> Vec<Checked<'a>> {
    let total = files.len();
    let mut out = Vec::with_capacity(total);
    let mut bytes = 0;
    progress(Progress { phase: Phase::Checking, done: 0, total, bytes });
    // a pool of reading threads, started by the first chunk with a file to read (never by a
    // re-index that finds every file unchanged); rayon's own threads if it cannot be started
    let readers: OnceCell<Option<rayon::ThreadPool>> = OnceCell::new();
    for chunk in files.chunks(4 * CHUNK) {
        // the record of each file whose size and time it still has
        let same: Vec<Option<&Record>> = chunk
            .iter()
            .map(|f| existing.get(f.path.as_os_str()).filter(|r| r.size == f.size && r.mtime == f.mtime))
            .collect();
        let check_chunk = || -> Vec<Checked<'a>> {
            chunk
                .par_iter()
                .zip(&same)
                .map(|(f, record)| match record {
                    Some(r) => {
                        Checked { path: &f.path, size: f.size, mtime: f.mtime, hash: Ok(r.hash), same_stamp: true }
                    }
                    None => {
                        let hash = std::fs::read(&f.path).map(|b| ContentHash::of(&b)).map_err(|e| e.to_string());
                        Checked { path: &f.path, size: f.size, mtime: f.mtime, hash, same_stamp: false }
                    }
                })
                .collect()
        };
        let pool = if same.iter().any(Option::is_none) {
            readers
                .get_or_init(|| {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(READ_THREADS);
                    pool.thread_name(|i| format!("baoxian-read-{i}")).build().ok()
                })
                .as_ref()
        } else {
            None
        };
        let checked = match pool {
            Some(pool) => pool.install(check_chunk),
            None => check_chunk(),
        };
        bytes += checked.iter().filter(|c| !c.same_stamp).map(|c| c.size).sum::<u64>();
        out.extend(checked);
        progress(Progress { phase: Phase::Checking, done: out.len(), total, bytes });
    }
    out
}

/// Decides what to do with each checked file. The first file (in path order) to claim a content
/// hash is indexed; later files with the same content are duplicates of it. Files already
/// indexed and unchanged, and files of the index outside the roots, claim their hashes first.
fn plan<'a>(
    checked: &'a [Checked<'a>],
    existing: &Records,
    vanished: &HashMap<ContentHash, &Path>,
    under_roots: &dyn Fn(&Path) -> bool,
    report: &mut IndexReport,
) -> Vec<(&'a Checked<'a>, Plan)> {
    let mut claimed: HashMap<ContentHash, &Path> = HashMap::new();
    for (path, record) in existing {
        if !under_roots(Path::new(path)) {
            claimed.entry(record.hash).or_insert(Path::new(path));
        }
    }
    for c in checked {
        if let Ok(h) = c.hash.as_ref()
            && existing.get(c.path.as_os_str()).is_some_and(|r| r.hash == *h)
        {
            claimed.entry(*h).or_insert(c.path);
        }
    }
    let mut renamed: HashSet<&Path> = HashSet::new();
    let mut plans = Vec::with_capacity(checked.len());
    for c in checked {
        let hash = match &c.hash {
            Ok(hash) => *hash,
            Err(why) => {
                report.failed.push(issue(
                    c.path,
                    &format!("cannot read the file: {why} (the version indexed before, if any, is kept)"),
                ));
                continue;
            }
        };
        let record = existing.get(c.path.as_os_str());
        let plan = match (record, claimed.get(&hash)) {
            (Some(r), _) if r.hash == hash => {
                if c.same_stamp {
                    Plan::Unchanged
                } else {
                    Plan::Touched
                }
            }
            (_, Some(other)) if *other != c.path => Plan::Duplicate(other.to_path_buf()),
            _ => {
                claimed.insert(hash, c.path);
                match vanished.get(&hash).copied().filter(|from| record.is_none() && renamed.insert(*from)) {
                    Some(from) => Plan::Rename(from.to_path_buf()),
                    None if record.is_some() => Plan::Update,
                    None => Plan::Add,
                }
            }
        };
        plans.push((c, plan));
    }
    plans
}

/// Reads the file records (path, hash, size, mtime) from fast fields.
struct FileRecords;

struct SegmentFileRecords {
    segment: SegmentOrdinal,
    record: Option<StrColumn>,
    hash: Option<StrColumn>,
    size: Column<u64>,
    mtime: Column<u64>,
    /// Per record: the term numbers of its path and hash, its size and time, its document.
    found: Vec<(u64, u64, u64, u64, DocId)>,
}

impl Collector for FileRecords {
    type Fruit = Vec<(OsString, Record)>;
    type Child = SegmentFileRecords;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFileRecords> {
        let ff = reader.fast_fields();
        Ok(SegmentFileRecords {
            segment,
            record: ff.str(schema::column::RECORD)?,
            hash: ff.str(schema::column::HASH)?,
            size: ff.u64(schema::column::SIZE)?,
            mtime: ff.u64(schema::column::MTIME)?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(OsString, Record)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

/// The strings of a column's term numbers `ords` (sorted, each once), read in one pass over its
/// dictionary: looking each up on its own decodes a dictionary block from its start every time
/// (a quarter of a no-change re-index of 100k files). `None` where a term cannot be read.
fn strings_of(column: &StrColumn, ords: &[u64]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::with_capacity(ords.len());
    // on an error, the terms not read yet stay unknown
    let _ = column.dictionary().sorted_ords_to_term_cb(ords, |bytes| {
        out.push(std::str::from_utf8(bytes).ok().map(str::to_string));
    });
    out.resize(ords.len(), None);
    out
}

impl SegmentCollector for SegmentFileRecords {
    type Fruit = Vec<(OsString, Record)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let ord = |column: &Option<StrColumn>| column.as_ref().and_then(|c| c.term_ords(doc).next());
        if let (Some(path), Some(hash)) = (ord(&self.record), ord(&self.hash)) {
            let size = self.size.first(doc).unwrap_or(u64::MAX);
            let mtime = self.mtime.first(doc).unwrap_or(u64::MAX);
            self.found.push((path, hash, size, mtime, doc));
        }
    }

    /// The records whose path and hash could be read.
    fn harvest(self) -> Self::Fruit {
        let (Some(record), Some(hash)) = (&self.record, &self.hash) else {
            return Vec::new();
        };
        let sorted = |pick: fn(&(u64, u64, u64, u64, DocId)) -> u64| {
            let mut ords: Vec<u64> = self.found.iter().map(pick).collect();
            ords.sort_unstable();
            ords.dedup();
            ords
        };
        let (path_ords, hash_ords) = (sorted(|f| f.0), sorted(|f| f.1));
        let (paths, hashes) = (strings_of(record, &path_ords), strings_of(hash, &hash_ords));
        let string = |ords: &[u64], strings: &[Option<String>], ord| {
            ords.binary_search(&ord).ok().and_then(|i| strings.get(i).cloned().flatten())
        };
        self.found
            .iter()
            .filter_map(|&(path, hash, size, mtime, doc)| {
                let path = schema::key_path(&string(&path_ords, &paths, path)?)?;
                let hash = ContentHash::from_hex(&string(&hash_ords, &hashes, hash)?)?;
                let at = DocAddress::new(self.segment, doc);
                Some((path.into_os_string(), Record { hash, size, mtime, at }))
            })
            .collect()
    }
}

/// What tells a file's content from any other: the first 128 bits of its BLAKE3 hash (the
/// chance of two of a billion files colliding is below one in 10^20). Held as bytes, 16 a
/// file instead of a string of 32 characters on the heap (about 17 MB less for 300k files);
/// written to the index in hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ContentHash([u8; 16]);

impl ContentHash {
    fn of(content: &[u8]) -> Self {
        let mut first = [0u8; 16];
        first.copy_from_slice(&blake3::hash(content).as_bytes()[..16]);
        ContentHash(first)
    }

    /// Lower-case hex: the first 32 characters of BLAKE3's own hex.
    fn hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(32);
        for b in self.0 {
            hex.push(char::from(DIGITS[usize::from(b >> 4)]));
            hex.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        hex
    }

    fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 16];
        if text.len() != 32 || !text.is_ascii() {
            return None;
        }
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(ContentHash(bytes))
    }
}

/// Whether `path` is `root` or lies below it, compared as bytes (both absolute and canonical,
/// as the walk and the file records give them): `Path::starts_with` compares component by
/// component.
fn is_under(path: &Path, root: &Path) -> bool {
    let (p, r) = (path.as_os_str().as_encoded_bytes(), root.as_os_str().as_encoded_bytes());
    p.starts_with(r)
        && (p.len() == r.len()
            || r.last().is_some_and(|&b| std::path::is_separator(b as char))
            || std::path::is_separator(p[r.len()] as char))
}

fn file_term(f: Fields, path: &Path) -> Term {
    Term::from_field_text(f.file, &schema::path_key(path))
}

fn issue(path: &Path, reason: &str) -> FileIssue {
    FileIssue { path: path_text(path), reason: reason.to_string() }
}

/// The record of one indexed file: its content hash and `(size, mtime)` stamp, and the
/// article's date and source for statistics.
fn file_record(
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

fn parse(path: &Path, content: &[u8]) -> std::result::Result<Parsed, PageProblem> {
    let hash = ContentHash::of(content);
    ingest::parse_file_noting(path, content).map(|(article, note)| {
        let fingerprint = super::simhash::simhash(&article_text(&article));
        Parsed { article, hash, len: content.len() as u64, fingerprint, note }
    })
}

/// What a batch makes of a file's content: the article, the content's hash, its length, the
/// article's near-duplicate fingerprint, and a note for the user (bytes replaced).
struct Parsed {
    article: Article,
    hash: ContentHash,
    len: u64,
    fingerprint: [u64; 2],
    note: Option<String>,
}

/// The tantivy documents a batch writes for a file's content (its passages, its teasers and its
/// file record, the record with a modification time of 0), or why it writes none. For
/// benchmarks that time the parts of a build on their own (`benches/compare/floor.rs`).
#[doc(hidden)]
#[cfg(feature = "lab")]
pub fn file_documents(f: Fields, path: &Path, content: &[u8]) -> std::result::Result<Vec<TantivyDocument>, String> {
    let p = parse(path, content).map_err(|(PageProblem::Skipped(why) | PageProblem::Failed(why))| why)?;
    Ok(documents(f, path, (p.len, 0), Some(&p.hash), &p.article, p.fingerprint))
}

/// The text an article's near-duplicate fingerprint is taken over: title, headings, answers.
fn article_text(article: &Article) -> String {
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
fn documents(
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
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, kind::PASSAGE);
        doc.add_text(f.file, &file);
        doc.add_text(f.title, &article.title);
        doc.add_text(f.section, section.question.as_deref().unwrap_or(""));
        doc.add_text(f.body, &section.answer);
        doc.add_text(f.grams, &article.title);
        if let Some(q) = &section.question {
            doc.add_text(f.grams, q);
        }
        if let Some(url) = &article.url {
            doc.add_text(f.url, url);
        }
        if let Some(s) = &article.source {
            doc.add_text(f.source, s);
        }
        if let Some(cat) = &article.category {
            doc.add_text(f.category, cat);
        }
        if let Some(d) = article.date {
            doc.add_u64(f.date, d.as_number());
        }
        for r in &article.regions {
            doc.add_text(f.region, r);
        }
        doc.add_u64(f.section_no, i as u64);
        doc.add_u64(f.group, schema::hash64(identity));
        doc.add_u64(f.title_hash, title_hash);
        doc.add_u64(f.is_teaser, 0);
        doc.add_u64(f.simhash, fingerprint[0]);
        doc.add_u64(f.simhash2, fingerprint[1]);
        docs.push(doc);
    }
    for teaser in &article.teasers {
        let key = schema::title_key(&teaser.title);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, kind::TEASER);
        doc.add_text(f.file, &file);
        doc.add_text(f.teaser_title, &teaser.title);
        doc.add_text(f.teaser_summary, teaser.summary.as_deref().unwrap_or(""));
        doc.add_text(f.grams, &teaser.title);
        if let Some(url) = &teaser.url {
            doc.add_text(f.url, url);
        }
        if let Some(s) = &article.source {
            doc.add_text(f.source, s);
        }
        if let Some(cat) = &teaser.category {
            doc.add_text(f.category, cat);
        }
        if let Some(d) = teaser.date {
            doc.add_u64(f.date, d.as_number());
        }
        doc.add_u64(f.group, schema::hash64(&format!("teaser:{key}")));
        doc.add_u64(f.title_hash, schema::hash64(&key));
        for r in &teaser.regions {
            doc.add_text(f.region, r);
        }
        doc.add_u64(f.is_teaser, 1);
        let summary = teaser.summary.as_deref().unwrap_or("");
        let [h0, h1] = super::simhash::simhash(&format!("{}\n{summary}", teaser.title));
        doc.add_u64(f.simhash, h0);
        doc.add_u64(f.simhash2, h1);
        docs.push(doc);
    }
    docs.push(file_record(f, path, stamp, hash, &Facts::of(article)));
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hashes_are_written_as_blake3_writes_them() {
        let h = ContentHash::of("医保断缴后再补缴多久能用".as_bytes());
        let blake = blake3::hash("医保断缴后再补缴多久能用".as_bytes()).to_hex();
        assert_eq!(h.hex(), &blake[..32]);
        assert_eq!(ContentHash::from_hex(&h.hex()), Some(h));
        assert_eq!(ContentHash::from_hex(&h.hex().to_uppercase()), Some(h));
        assert_eq!(ContentHash::from_hex(""), None);
        assert_eq!(ContentHash::from_hex(&"g".repeat(32)), None);
        assert_eq!(ContentHash::from_hex(&blake), None);
    }

    #[test]
    fn a_path_is_under_its_folders_only() {
        let under = |p: &str, r: &str| is_under(Path::new(p), Path::new(r));
        assert!(under("/data/crawl/a.html", "/data/crawl"));
        assert!(under("/data/crawl", "/data/crawl"));
        assert!(under("/data/crawl/a.html", "/"));
        assert!(!under("/data/crawl2/a.html", "/data/crawl"));
        assert!(!under("/data/craw", "/data/crawl"));
        assert!(!under("/data/other/a.html", "/data/crawl"));
    }
}
