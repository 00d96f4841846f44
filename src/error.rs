//! Typed errors of the library. Every variant says what went wrong, where, and what to do.

use std::path::PathBuf;

/// Errors returned by the baoxian library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// There is no index at the given place.
    #[error(
        "no index at {}: build one with `baoxian index --index {} PATH...`",
        path.display(),
        path.display()
    )]
    IndexMissing { path: PathBuf },

    /// The directory exists but does not hold a baoxian index (or holds one this version cannot read).
    #[error("{} is not a usable baoxian index ({reason}): rebuild it with `baoxian index --full --index {} PATH...`", path.display(), path.display())]
    IndexIncompatible { path: PathBuf, reason: String },

    /// The folder given as an index holds files that baoxian did not write: it is never
    /// written into, and a rebuild does not touch it.
    #[error(
        "{} is not a baoxian index ({reason}); baoxian writes only into an empty folder or one of its own: \
         give another folder with --index (a new one is created)",
        path.display()
    )]
    NotAnIndex { path: PathBuf, reason: String },

    /// Another process is updating the index.
    #[error(
        "index {} is being updated by another process{}: wait for it to finish and try again (searches keep working meanwhile)",
        path.display(),
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    IndexBusy { path: PathBuf, pid: Option<u32> },

    /// The index can be read but this process may not write to it (a read-only mount, or a
    /// folder another user owns): it can be searched, not updated.
    #[error(
        "index {} cannot be updated by this user: no write access ({source}); it can still be searched. \
         Update it as the user who owns it, or give another folder with --index",
        path.display()
    )]
    IndexReadOnly {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The disk (or the user's quota) holding the index is full. The batch was not committed:
    /// the index is as before, and the files the batch wrote are removed by the next update.
    #[error(
        "index {}: no space left on its disk ({source}); nothing of this batch was committed, the index is as \
         it was. Free some space and run `baoxian index` again (it first removes what this batch wrote)",
        path.display()
    )]
    NoSpace {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A path given to index does not exist or cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Input {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The query holds nothing that can be searched for.
    #[error("the query {query:?} has no searchable words: type one or more words, e.g. `医保钱包 使用地`")]
    EmptyQuery { query: String },

    /// A search request asks for more than a search gives (a limit, an offset or a snippet
    /// length over its maximum).
    #[error("invalid search request: {reason}")]
    InvalidRequest { reason: String },

    /// A filesystem error on the index directory.
    #[error("index {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An error inside tantivy while reading or writing the index.
    #[error("index {}: {source}", path.display())]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
}

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
