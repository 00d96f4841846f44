//! The index folder as tantivy reads it, readable without write access: a search needs to read
//! the index only, so an index on a read-only mount, or owned by the user who runs `index` from
//! cron and searched by another, must open.
//!
//! tantivy's reader takes its meta lock (`.tantivy-meta.lock`) while it loads a commit, so that a
//! writer's clean-up does not remove the files being loaded. It opens that file for writing, which
//! fails without write access. This folder takes the same lock through a read-only handle
//! instead (an OS file lock needs no write access), so a reader still waits for a writer that
//! another user runs; where the lock file does not exist and cannot be made, no writer can be at
//! work in the folder either, and the load goes ahead unlocked.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, FileSlice, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// An index folder on disk (tantivy's memory-mapped folder) whose locks can also be taken
/// without write access.
#[derive(Clone, Debug)]
pub(crate) struct ReadableDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl ReadableDirectory {
    pub(crate) fn open(dir: &Path) -> Result<ReadableDirectory, OpenDirectoryError> {
        Ok(ReadableDirectory { inner: MmapDirectory::open(dir)?, root: dir.to_path_buf() })
    }
}

/// Whether an error means "this process may not write here" (as opposed to a failure).
fn no_write_access(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

/// A lock held through a read-only handle; closing the file releases it.
struct ReadOnlyLock {
    _file: Option<File>,
}

impl Directory for ReadableDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn open_read(&self, path: &Path) -> Result<FileSlice, OpenReadError> {
        self.inner.open_read(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(error)) if no_write_access(&error) => {
                let file = match OpenOptions::new().read(true).open(self.root.join(&lock.filepath)) {
                    Ok(file) => file,
                    // no lock file, and none can be made: nobody can be writing here
                    Err(_) => return Ok(DirectoryLock::from(Box::new(ReadOnlyLock { _file: None }))),
                };
                if lock.is_blocking {
                    file.lock().map_err(LockError::wrap_io_error)?;
                } else if file.try_lock().is_err() {
                    return Err(LockError::LockBusy);
                }
                Ok(DirectoryLock::from(Box::new(ReadOnlyLock { _file: Some(file) })))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
