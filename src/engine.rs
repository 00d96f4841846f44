//! The engine: one index directory, and everything the command line can do with it.

use std::path::{Path, PathBuf};

use crate::analysis::Features;
use crate::api::{IndexOptions, IndexReport, Progress, SearchRequest, SearchResults, Stats};
use crate::error::Result;
use crate::index::IndexHandle;

/// A baoxian index, opened for searching and updating.
///
/// An `Engine` is `Send + Sync`: one can be shared by the threads of a server. Its searches see
/// the commits of other processes (an `index` run from cron) within about a second, never a
/// half-written one; [`Engine::reload`] makes the last commit visible at once.
pub struct Engine {
    handle: IndexHandle,
}

impl Engine {
    /// Opens the index in `dir`. Fails with [`crate::Error::IndexMissing`] when there is none,
    /// and [`crate::Error::IndexIncompatible`] when it was built by an incompatible version.
    pub fn open(dir: impl AsRef<Path>) -> Result<Engine> {
        Ok(Engine { handle: IndexHandle::open(dir.as_ref(), Features::default())? })
    }

    /// Opens the index in `dir`, or creates an empty one when `dir` is missing, empty or holds
    /// an index that was never finished. A folder that holds files baoxian did not write is
    /// refused ([`crate::Error::NotAnIndex`]) and left as it is.
    pub fn create(dir: impl AsRef<Path>) -> Result<Engine> {
        Ok(Engine { handle: IndexHandle::open_or_create(dir.as_ref(), Features::default())? })
    }

    /// [`Engine::create`] with an analysis chain other than the product's (for measuring what each
    /// feature brings; an index is always searched with the features it was built with).
    pub fn create_with_features(dir: impl AsRef<Path>, features: Features) -> Result<Engine> {
        Ok(Engine { handle: IndexHandle::open_or_create(dir.as_ref(), features)? })
    }

    /// Opens the index in `dir` for a full rebuild (`IndexOptions { full: true, .. }`): a
    /// compatible index is opened as it is, and the rebuild replaces its content in one commit,
    /// so searches keep working meanwhile; an index that another version of baoxian built, or a
    /// damaged one, is deleted and created anew (only the files an index is made of: anything
    /// else in the folder stays). A folder that is not a baoxian index is refused
    /// ([`crate::Error::NotAnIndex`]).
    pub fn open_for_rebuild(dir: impl AsRef<Path>) -> Result<Engine> {
        Ok(Engine { handle: IndexHandle::open_for_rebuild(dir.as_ref(), Features::default())? })
    }

    /// Opens the index in `dir` for a dry run: as it is when it can be opened, else an empty
    /// index in memory (nothing is created or changed on disk).
    pub fn open_for_dry_run(dir: impl AsRef<Path>) -> Result<Engine> {
        let dir = dir.as_ref();
        match IndexHandle::open(dir, Features::default()) {
            Err(crate::Error::IndexMissing { .. } | crate::Error::IndexIncompatible { .. }) => {
                Ok(Engine { handle: IndexHandle::empty_in_memory(dir, Features::default())? })
            }
            other => Ok(Engine { handle: other? }),
        }
    }

    /// The index directory.
    pub fn path(&self) -> &Path {
        &self.handle.dir
    }

    /// Indexes the article files under `paths` (folders or files): new and changed files are
    /// parsed and written, files gone from under `paths` are removed, unchanged ones cost a hash.
    pub fn index_paths<P: AsRef<Path>>(&self, paths: &[P], options: &IndexOptions) -> Result<IndexReport> {
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
        crate::index::sync::index_paths(&self.handle, &roots, options, progress)
    }

    /// While the index is being built for the first time by another process (it holds no
    /// document yet, and that process holds the update lock): `Some`, with that process's pid
    /// when known. A search then would find nothing only because the build is not done.
    pub fn being_built(&self) -> Option<Option<u32>> {
        if self.handle.reader.searcher().num_docs() > 0 {
            return None;
        }
        crate::index::lock::held_by_other(&self.handle.dir)
    }

    /// Makes the index's last commit visible to the searches that follow, at once (they see it
    /// within about a second anyway).
    pub fn reload(&self) -> Result<()> {
        self.handle.reload()
    }

    /// Ranked answers to a query.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        crate::search::search(&self.handle, request)
    }

    /// How many articles the index holds: [`Stats::articles`] alone, cheap enough for a health
    /// check.
    pub fn articles(&self) -> Result<usize> {
        crate::index::stats::articles(&self.handle)
    }

    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        crate::index::stats::stats(&self.handle)
    }
}
