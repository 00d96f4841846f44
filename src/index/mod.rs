//! The on-disk index: schema, opening and creating, incremental batch updates, statistics.

mod compact;
pub(crate) mod documents;
mod facts;
pub mod lock;
pub mod maxima;
mod plan;
mod readable;
mod records;
pub mod schema;
pub mod simhash;
pub mod stats;
pub mod sync;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::IndexSettings;
use tantivy::directory::error::LockError;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError};

use crate::analysis::{self, Features, GramTokenizer, Granularity, RepeatingTokenizer, ZhTokenizer};
use crate::error::{Error, Result};
pub use schema::Fields;

/// Segments with more documents than this are not merged further (see `writer`).
const MAX_DOCS_MERGED: usize = 50_000;

/// Written with every commit: what the index was built with.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    analyzer: String,
}

/// An open index with its reader.
pub struct IndexHandle {
    pub(crate) dir: PathBuf,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    /// The analysis chain of this index (all features, except in the relevance benchmark).
    pub(crate) features: Features,
    /// What the first pass of ranked searches learned of its terms' highest scores.
    pub(crate) learned: maxima::learned::LearnedMaxima,
    /// The highest scores of common terms stored beside each segment.
    pub(crate) maxima: maxima::Maxima,
    /// An index in memory (dry runs, the relevance benchmark): nothing of it is on disk.
    in_memory: bool,
}

pub(crate) fn tantivy_error(dir: &Path, source: TantivyError) -> Error {
    if let Some(full) = no_space(&source) {
        return Error::NoSpace { path: dir.to_path_buf(), source: full };
    }
    match source {
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::IndexBusy { path: dir.to_path_buf(), pid: None },
        source => Error::Tantivy { path: dir.to_path_buf(), source },
    }
}

/// The I/O error behind `error` when it says that the disk or the quota is full (ENOSPC,
/// EDQUOT, EFBIG on Linux).
fn no_space(error: &TantivyError) -> Option<std::io::Error> {
    use std::io::ErrorKind;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        let io = e.downcast_ref::<std::io::Error>().or_else(|| e.downcast_ref::<Arc<std::io::Error>>().map(|a| &**a));
        if let Some(io) = io
            && matches!(io.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge)
        {
            return Some(std::io::Error::new(io.kind(), io.to_string()));
        }
        // tantivy passes on some errors of its threads as text only
        #[cfg(unix)]
        for code in [28, 122, 27] {
            if e.to_string().contains(&format!("(os error {code})")) {
                return Some(std::io::Error::from_raw_os_error(code));
            }
        }
        cause = e.source();
    }
    None
}

/// The error of a writer whose indexing thread stopped. `add_document` only says that the
/// thread is gone; joining it, as preparing a commit does, gives the thread's own error (a full
/// disk, say).
pub(crate) fn writer_stopped(writer: &mut IndexWriter<TantivyDocument>, error: TantivyError) -> TantivyError {
    match writer.prepare_commit() {
        Err(cause) => cause,
        Ok(_) => error,
    }
}

/// The gist of a library error: tantivy quotes whole files (meta.json) in some messages.
fn brief(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    match first.char_indices().nth(240) {
        Some((at, _)) => format!("{}…", &first[..at]),
        None => first.to_string(),
    }
}

impl IndexHandle {
    /// Opens an existing index, checking it was built by a compatible version and analyzer.
    pub fn open(dir: &Path, features: Features) -> Result<IndexHandle> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::IndexMissing { path: dir.to_path_buf() });
        }
        if let Ok(text) = std::fs::read_to_string(dir.join("meta.json"))
            && meta_is_ours(&text) == Some(false)
        {
            return Err(Error::NotAnIndex { path: dir.to_path_buf(), reason: FOREIGN_META.into() });
        }
        let cannot_open = |e: &dyn std::fmt::Display| Error::IndexIncompatible {
            path: dir.to_path_buf(),
            reason: format!("cannot open it: {}", brief(&e.to_string())),
        };
        let folder = readable::ReadableDirectory::open(dir).map_err(|e| cannot_open(&e))?;
        let index = Index::open(folder).map_err(|e| cannot_open(&e))?;
        let (schema, fields) = schema::build();
        if serde_json::to_value(index.schema()).ok() != serde_json::to_value(&schema).ok() {
            return Err(Error::IndexIncompatible {
                path: dir.to_path_buf(),
                reason: "it was built by another version of baoxian with other fields".into(),
            });
        }
        let metas = index.load_metas().map_err(|e| tantivy_error(dir, e))?;
        if let Some(payload) = metas.payload.as_deref() {
            let built_with = serde_json::from_str::<Payload>(payload).map(|p| p.analyzer).unwrap_or_default();
            if built_with != analysis::fingerprint(&features) {
                return Err(Error::IndexIncompatible {
                    path: dir.to_path_buf(),
                    reason: format!(
                        "it was built with analyzer {built_with}, this baoxian segments text as {}",
                        analysis::fingerprint(&features)
                    ),
                });
            }
        }
        Self::with_index(dir, index, fields, features).map_err(|e| match e {
            // a segment file missing or damaged
            Error::Tantivy { source, .. } => Error::IndexIncompatible {
                path: dir.to_path_buf(),
                reason: format!("it is damaged: {}", brief(&source.to_string())),
            },
            e => e,
        })
    }

    /// Opens the index in `dir`, or creates an empty one when `dir` is missing, empty, or holds
    /// only what an index baoxian started and never finished left there (a run killed before
    /// its first commit; a `meta.json` deleted by hand). A folder holding files baoxian did not
    /// write is refused ([`Error::NotAnIndex`]).
    pub fn open_or_create(dir: &Path, features: Features) -> Result<IndexHandle> {
        match Self::open(dir, features) {
            Err(Error::IndexMissing { .. }) => {
                let io = |source| Error::Io { path: dir.to_path_buf(), source };
                if let Folder::Foreign(reason) = survey(dir).map_err(io)? {
                    return Err(Error::NotAnIndex { path: dir.to_path_buf(), reason });
                }
                std::fs::create_dir_all(dir).map_err(io)?;
                let _lock = lock::UpdateLock::acquire(dir)?;
                if dir.join("meta.json").is_file() {
                    return Self::open(dir, features); // another process created it meanwhile
                }
                remove_index_files(dir).map_err(io)?;
                Self::create_in(dir, features)
            }
            other => other,
        }
    }

    /// Opens the index in `dir` for a full rebuild. A compatible index is opened as it is (the
    /// rebuild replaces its content in one commit, so searches keep working meanwhile); an index
    /// an older or other version built, or a damaged one, is deleted and created anew (only the
    /// files baoxian writes are removed); a missing one is created.
    pub fn open_for_rebuild(dir: &Path, features: Features) -> Result<IndexHandle> {
        match Self::open(dir, features) {
            Err(Error::IndexIncompatible { .. }) if dir.join("meta.json").is_file() => {
                let _lock = lock::UpdateLock::acquire(dir)?;
                remove_index_files(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
                Self::create_in(dir, features)
            }
            Err(Error::IndexMissing { .. }) => Self::open_or_create(dir, features),
            other => other,
        }
    }

    /// An empty index in memory, standing in for a missing one (dry runs).
    pub fn empty_in_memory(dir: &Path, features: Features) -> Result<IndexHandle> {
        let (schema, fields) = schema::build();
        let handle = Self::with_index(dir, Index::create_in_ram(schema), fields, features)?;
        Ok(IndexHandle { in_memory: true, ..handle })
    }

    fn create_in(dir: &Path, features: Features) -> Result<IndexHandle> {
        let (schema, fields) = schema::build();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_dir(dir)
            .map_err(|e| tantivy_error(dir, e))?;
        Self::with_index(dir, index, fields, features)
    }

    fn with_index(dir: &Path, mut index: Index, fields: Fields, features: Features) -> Result<IndexHandle> {
        // searches that score every match (small indexes, `--exact`, `--sort date`) take the
        // segments on as many threads as the pruned ones do (see `search::maxscore::workers`)
        let threads = rayon::current_num_threads();
        if threads > 1 {
            index.set_multithread_executor(threads).map_err(|e| tantivy_error(dir, e))?;
        }
        register_tokenizers(&index, features);
        // a commit of another process (an `index` run from cron) is seen within about a second:
        // tantivy watches meta.json, which a commit replaces whole
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| tantivy_error(dir, e))?;
        Ok(IndexHandle {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            features,
            learned: Default::default(),
            maxima: maxima::Maxima::new(dir),
            in_memory: false,
        })
    }

    /// The index to write through: on disk, opened anew for each writer. tantivy keeps the list
    /// of the files it manages in memory, per opened index, and writes all of it back whenever
    /// it adds or removes a file; a list held since this handle was opened would drop the files
    /// other writers added since (the merged segments of [`Self::compact`]), which would then
    /// never be removed (a long-lived `Engine` would leave the merged segment of each batch
    /// behind). The handle's own index only reads.
    fn writing_index(&self) -> Result<Index> {
        if self.in_memory {
            return Ok(self.index.clone()); // one list, shared by the clones
        }
        let index = Index::open_in_dir(&self.dir).map_err(|e| tantivy_error(&self.dir, e))?;
        register_tokenizers(&index, self.features);
        Ok(index)
    }

    pub(crate) fn writer(&self, memory_mb: usize) -> Result<IndexWriter<TantivyDocument>> {
        batch_writer(&self.writing_index()?, memory_mb).map_err(|e| tantivy_error(&self.dir, e))
    }

    /// Merges the small segments of the index into a few large ones ([`compact`]), after a
    /// batch is committed and its writer is done. `progress` is told how many groups are done.
    /// Each merge is committed on its own: a failure or a crash leaves the index as the last
    /// merge left it, complete (the caller reports a failure as a warning).
    pub(crate) fn compact(&self, mut progress: impl FnMut(usize, usize)) -> Result<Option<crate::api::Merged>> {
        let tantivy = |e| tantivy_error(&self.dir, e);
        let started = std::time::Instant::now();
        let groups = compact::plan(&self.index.searchable_segment_metas().map_err(tantivy)?);
        if groups.is_empty() {
            return Ok(None);
        }
        let segments = groups.iter().map(|(_, g)| g.len()).sum();
        // Through an index opened for this alone ([`Self::writing_index`]), which also keeps the
        // merges' memory down: the files a merge reads are mapped, and the pages read stay
        // counted in the process's memory for as long as a mapping holds them. The mappings of
        // searches would hold every merged segment until the end (peak RSS of a 100k build
        // 637 MB); these go with each merge.
        release_free_memory();
        let index = self.writing_index()?;
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15 * 1024 * 1024).map_err(tantivy)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        progress(0, groups.len());
        // Merges run side by side (a merge is one thread's work, and this step comes after the
        // indexing threads are done), as long as the documents being merged stay within
        // [`compact::IN_FLIGHT_DOCS`], which bounds the files mapped at once: two large groups
        // at a time.
        type Merge = (u64, tantivy::FutureResult<Option<tantivy::index::SegmentMeta>>);
        let mut merging: std::collections::VecDeque<Merge> = Default::default();
        let (mut done, mut in_flight) = (0, 0);
        // waits for the oldest merge running (its documents no longer in flight)
        let mut finish = |(held, merge): Merge, in_flight: &mut u64| -> Result<()> {
            merge.wait().map_err(tantivy)?;
            *in_flight -= held;
            done += 1;
            progress(done, groups.len());
            Ok(())
        };
        for (docs, group) in &groups {
            while in_flight + docs > compact::IN_FLIGHT_DOCS || merging.len() >= rayon::current_num_threads() {
                let Some(oldest) = merging.pop_front() else { break };
                finish(oldest, &mut in_flight)?;
            }
            merging.push_back((*docs, writer.merge(group)));
            in_flight += docs;
        }
        while let Some(oldest) = merging.pop_front() {
            finish(oldest, &mut in_flight)?;
        }
        writer.garbage_collect_files().wait().map_err(tantivy)?;
        writer.wait_merging_threads().map_err(tantivy)?;
        self.reader.reload().map_err(tantivy)?;
        Ok(Some(crate::api::Merged { segments, into: groups.len(), elapsed_ms: started.elapsed().as_millis() as u64 }))
    }

    /// Writes the stored maxima of segments that have none and removes those of segments that
    /// are gone (see [`maxima`]), once a batch's merges are done. A failure only costs speed
    /// (searches use looser bounds where a file is missing): it is a warning of the batch's
    /// report, not an error of a batch that was committed.
    pub(crate) fn refresh_maxima(&self, report: &mut crate::api::IndexReport) {
        if self.in_memory {
            return; // nothing to store
        }
        let f = self.fields;
        let scored = [f.title, f.section, f.body, f.teaser_title, f.teaser_summary];
        let refreshed = match self.reader.reload() {
            Ok(()) => maxima::refresh(&self.dir, &scored),
            Err(e) => Err(std::io::Error::other(e)),
        };
        if let Err(e) = refreshed {
            report.warnings.push(format!(
                "the index is complete, but the highest scores of its common words could not be stored beside it \
                 in {} ({e}); searches stay correct, only slower; the next `index` run tries again",
                self.dir.display()
            ));
        }
    }

    /// Makes the last commit visible to searches now.
    /// Removes what failed or killed batches left in the folder ([`leftovers`]), before a batch
    /// writes: on a full disk, they would keep it full. Called with the update lock held.
    /// Returns the files and bytes removed.
    pub(crate) fn remove_leftovers(&self) -> Result<(usize, u64)> {
        if self.in_memory {
            return Ok((0, 0));
        }
        let found = leftovers(&self.dir, &self.index)?;
        let mut freed = 0;
        for (path, len) in &found {
            std::fs::remove_file(path).map_err(|source| Error::Io { path: path.clone(), source })?;
            freed += len;
        }
        Ok((found.len(), freed))
    }

    /// The size on disk of the index's committed files (not other files in the folder, nor
    /// what an unfinished batch left).
    pub(crate) fn size_on_disk(&self) -> Result<u64> {
        let io = |source| Error::Io { path: self.dir.clone(), source };
        let left: std::collections::HashSet<PathBuf> =
            leftovers(&self.dir, &self.index)?.into_iter().map(|(path, _)| path).collect();
        let mut bytes = 0;
        for entry in std::fs::read_dir(&self.dir).map_err(io)? {
            let Ok(entry) = entry else { continue };
            if is_index_file(&entry.file_name())
                && !left.contains(&entry.path())
                && let Ok(meta) = entry.metadata()
            {
                bytes += meta.len();
            }
        }
        Ok(bytes)
    }

    pub(crate) fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(|e| tantivy_error(&self.dir, e))
    }

    /// Commits `writer` with the analyzer payload and makes the result visible to searches.
    pub(crate) fn commit(&self, writer: &mut IndexWriter<TantivyDocument>) -> Result<()> {
        let payload =
            serde_json::to_string(&Payload { analyzer: analysis::fingerprint(&self.features) }).unwrap_or_default();
        let mut prepared = writer.prepare_commit().map_err(|e| tantivy_error(&self.dir, e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| tantivy_error(&self.dir, e))?;
        self.reader.reload().map_err(|e| tantivy_error(&self.dir, e))
    }
}

/// The settings of the indexes baoxian creates: stored text in zstd blocks of 32 KB. zstd is
/// smaller than lz4; each answer shown decompresses its block, and 32 KB blocks answer sooner
/// than 64 KB ones for a slightly larger index (BENCHMARKS.md). Existing indexes keep the size
/// they have.
pub fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor { compression_level: Some(3) }),
        docstore_blocksize: 32_768,
        ..IndexSettings::default()
    }
}

/// The writer of a batch: one indexing thread per core (at most 8) sharing `memory_mb`.
pub fn batch_writer(index: &Index, memory_mb: usize) -> tantivy::Result<IndexWriter<TantivyDocument>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let budget = memory_mb.max(15 * threads) * 1024 * 1024;
    let writer = index.writer_with_num_threads(threads, budget)?;
    // Merging large segments holds them all in memory at once: peak memory then grows with the
    // corpus (several times the writer's budget). Only the
    // small segments that incremental runs leave behind are merged.
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_DOCS_MERGED);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

/// Registers baoxian's tokenizers with `index`.
pub fn register_tokenizers(index: &Index, features: Features) {
    index.tokenizers().register(
        analysis::INDEX_TOKENIZER,
        RepeatingTokenizer::new(ZhTokenizer::with_features(Granularity::Search, features)),
    );
    index.tokenizers().register(analysis::GRAM_TOKENIZER, GramTokenizer::new(features));
}

/// Hands the memory the allocator holds free back to the system. After indexing, glibc keeps
/// what the writer's buffers took (about 240 MB at 100k articles, counted in the process's
/// memory), and the merges that follow would add to it.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator's heaps to the system; it
    // touches nothing that is allocated.
    unsafe {
        libc::malloc_trim(0);
    }
}

const FOREIGN_META: &str = "its meta.json is not a baoxian index's";

/// What an index folder holds, as far as baoxian can tell from its files' names and `meta.json`.
enum Folder {
    /// A baoxian index (whatever else the folder holds), or nothing but files baoxian (and
    /// tantivy for it) writes, with a `meta.json` too damaged to say whose it is or none.
    Ours,
    /// Something baoxian did not write: what it is.
    Foreign(String),
}

/// Whether `name` is a file that baoxian or tantivy writes into an index folder: the index's
/// metadata and locks, tantivy's atomic writes in progress (`.tmp…`), segment files
/// (`<32 hex digits>.<ext>`, deletes as `<segment>.<opstamp>.del`) and the stored maxima beside
/// them (`<segment>.bxmax`).
fn is_index_file(name: &std::ffi::OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    let fixed = ["meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock", lock::LOCK_FILE];
    if fixed.contains(&name) || name.starts_with(".tmp") {
        return true;
    }
    let (segment, rest) = name.split_at(name.find('.').unwrap_or(name.len()));
    segment.len() == 32 && segment.bytes().all(|b| b.is_ascii_hexdigit()) && rest.len() > 1
}

/// The files in `dir` that no committed segment owns: what a batch that failed (a full disk) or
/// was killed wrote before its commit, and tantivy's atomic writes it never finished. A commit
/// names all its segments in `meta.json`, so only an update holding the lock may remove these;
/// a search never reads them.
fn leftovers(dir: &Path, index: &Index) -> Result<Vec<(PathBuf, u64)>> {
    let metas = index.load_metas().map_err(|e| tantivy_error(dir, e))?;
    let living: std::collections::HashSet<String> = metas.segments.iter().map(|s| s.id().uuid_string()).collect();
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if !is_index_file(&name) || !entry.file_type().map_err(io)?.is_file() {
            continue;
        }
        let name = name.to_string_lossy();
        let segment = name.split('.').next().unwrap_or_default();
        let orphan = segment.len() == 32 && !living.contains(segment);
        if orphan || name.starts_with(".tmp") {
            found.push((entry.path(), entry.metadata().map(|m| m.len()).unwrap_or(0)));
        }
    }
    Ok(found)
}

/// Whether a `meta.json` is a baoxian index's: tantivy's metadata, with baoxian's payload or
/// the fields every version of baoxian has. `None` when it cannot be read as JSON at all.
fn meta_is_ours(text: &str) -> Option<bool> {
    let meta: serde_json::Value = serde_json::from_str(text).ok()?;
    let names: Vec<&str> = meta["schema"]
        .as_array()
        .map(|fields| fields.iter().filter_map(|f| f["name"].as_str()).collect())
        .unwrap_or_default();
    let payload_ours = meta["payload"].as_str().is_some_and(|p| serde_json::from_str::<Payload>(p).is_ok());
    Some(meta["segments"].is_array() && (payload_ours || (names.contains(&"kind") && names.contains(&"file"))))
}

/// Looks at what `dir` holds (a folder that does not exist holds nothing).
fn survey(dir: &Path) -> std::io::Result<Folder> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Folder::Ours),
        Err(e) => return Err(e),
    };
    match std::fs::read_to_string(dir.join("meta.json")).ok().and_then(|text| meta_is_ours(&text)) {
        Some(true) => return Ok(Folder::Ours), // other files beside an index are the user's
        Some(false) => return Ok(Folder::Foreign(FOREIGN_META.into())),
        None => {}
    }
    let mut others = Vec::new();
    for entry in entries {
        let entry = entry?;
        if !is_index_file(&entry.file_name()) || !entry.file_type()?.is_file() {
            others.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    if others.is_empty() {
        return Ok(Folder::Ours);
    }
    others.sort();
    let more = if others.len() > 3 { format!(" and {} more", others.len() - 3) } else { String::new() };
    others.truncate(3);
    Ok(Folder::Foreign(format!("it holds files baoxian did not write: {}{more}", others.join(", "))))
}

/// Removes the files of an index from `dir` (those [`is_index_file`] names, but the update
/// lock, which the caller holds), leaving whatever else is there.
fn remove_index_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if is_index_file(&name) && name != lock::LOCK_FILE && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
