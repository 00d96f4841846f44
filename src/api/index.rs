//! What an indexing batch is asked to do and what it reports; what an index holds.

use serde::Serialize;

use crate::article::Date;

/// Default for [`IndexOptions::max_file_size`]: 8 MiB, far above any article page.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// How to run an indexing batch.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Rebuild from scratch: the index afterwards holds exactly the files under the given paths.
    pub full: bool,
    /// Work out and report what would change, without parsing or writing anything.
    pub dry_run: bool,
    /// Memory budget of tantivy's writer, in MB (split among its threads).
    pub memory_mb: usize,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Once the batch is committed, merge the small segments of the index into a few large
    /// ones (searches open every segment: fewer answer sooner). Off, the run ends sooner and
    /// leaves the segments as they are.
    pub merge: bool,
    /// Follow symbolic links wherever they lead. By default a link is followed only when it
    /// leads to a place inside the given paths (as ripgrep and fd stay inside theirs); links
    /// into `/proc`, `/sys` and `/dev` are never followed.
    pub follow_links: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            full: false,
            dry_run: false,
            memory_mb: 128,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            merge: true,
            follow_links: false,
        }
    }
}

/// A file and why it was not indexed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileIssue {
    /// The file, absolute (as [`crate::Answer::path`]).
    pub path: String,
    pub reason: String,
}

/// A file whose content is already indexed under another name.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Duplicate {
    pub path: String,
    pub same_as: String,
}

/// What an indexing batch did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    pub dry_run: bool,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Files whose content was indexed under a name that is gone: moved, not added and removed.
    pub renamed: usize,
    pub unchanged: usize,
    /// Number of duplicates: files whose content is indexed under another name.
    pub duplicates: usize,
    /// The duplicates, each with the file whose content it repeats.
    pub duplicate_files: Vec<Duplicate>,
    /// Files that are not articles (empty, too large, binary): reported, not errors.
    pub skipped: Vec<FileIssue>,
    /// Files that could not be read or parsed: errors.
    pub failed: Vec<FileIssue>,
    /// Files passed over for their name (see names that are not `.html`, `.htm`, `.shtml`, `.xhtml`, `.txt` or `.md`, nor HTML without an extension).
    pub ignored: usize,
    /// Passages and teasers written in this batch.
    pub passages: usize,
    pub teasers: usize,
    /// Files and bytes parsed in this batch.
    pub parsed_files: usize,
    pub parsed_bytes: u64,
    pub elapsed_ms: u64,
    /// The merge of small segments that followed the batch ([`IndexOptions::merge`]), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<Merged>,
    /// What went wrong after the batch was committed, costing no article (the index is whole
    /// and searchable): the stored maxima of its segments could not be written, say.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Segments merged after a batch: `segments` of them into `into`, in `elapsed_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub segments: usize,
    pub into: usize,
    pub elapsed_ms: u64,
}

/// Where a batch is, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Comparing files with the index (reading and hashing the ones that look changed).
    Checking,
    /// Parsing and indexing new and changed files.
    Indexing,
    /// Writing the batch to disk.
    Committing,
    /// Merging small segments into large ones (`done` of `total` groups of segments).
    Merging,
}

/// Progress of a batch: `done` of `total` files in the current phase, `bytes` read so far in it.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
    pub bytes: u64,
}

/// Summary of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub index: String,
    /// Articles (one per indexed file).
    pub articles: usize,
    /// Answer passages (question sections) of all articles.
    pub passages: usize,
    /// Related-article teasers.
    pub teasers: usize,
    pub files: usize,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
    pub earliest: Option<Date>,
    pub latest: Option<Date>,
    /// Sources with their article counts, most articles first (at most 10).
    pub top_sources: Vec<(String, usize)>,
}
