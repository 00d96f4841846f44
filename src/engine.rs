//! The engine: one index directory, and everything the command line can do with it.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::index::IndexHandle;
use crate::index::stats::Stats;
use crate::index::sync::{IndexOptions, IndexReport, Progress};
use crate::search::{SearchRequest, SearchResults};

/// A baoxian index, opened for searching and updating.
pub struct Engine {
    handle: IndexHandle,
}

impl Engine {
    /// Opens the index in `dir`. Fails with [`crate::Error::IndexMissing`] when there is none,
    /// and [`crate::Error::IndexIncompatible`] when it was built by an incompatible version.
    pub fn open(dir: impl AsRef<Path>) -> Result<Engine> {
        Ok(Engine {
            handle: IndexHandle::open(dir.as_ref())?,
        })
    }

    /// Opens the index in `dir`, or creates an empty one when `dir` is missing or empty.
    pub fn create(dir: impl AsRef<Path>) -> Result<Engine> {
        let dir = dir.as_ref();
        match IndexHandle::open(dir) {
            Err(crate::Error::IndexMissing { .. }) => Ok(Engine {
                handle: IndexHandle::create(dir, false)?,
            }),
            other => Ok(Engine { handle: other? }),
        }
    }

    /// Creates an empty index in `dir`, replacing an index that is already there (whatever
    /// version built it). A folder that holds something other than an index is refused.
    pub fn recreate(dir: impl AsRef<Path>) -> Result<Engine> {
        Ok(Engine {
            handle: IndexHandle::create(dir.as_ref(), true)?,
        })
    }

    /// The index directory.
    pub fn path(&self) -> &Path {
        &self.handle.dir
    }

    /// Indexes the article files under `paths` (folders or files): new and changed files are
    /// parsed and written, files gone from under `paths` are removed, unchanged ones cost a hash.
    pub fn index_paths<P: AsRef<Path>>(
        &self,
        paths: &[P],
        options: &IndexOptions,
    ) -> Result<IndexReport> {
        self.index_paths_with_progress(paths, options, &mut |_| {})
    }

    /// [`Engine::index_paths`], calling `progress` as files are parsed.
    pub fn index_paths_with_progress<P: AsRef<Path>>(
        &self,
        paths: &[P],
        options: &IndexOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IndexReport> {
        let roots: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        self.handle.index_paths(&roots, options, progress)
    }

    /// Ranked answers to a query.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.handle.search(request)
    }

    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        self.handle.stats()
    }
}
