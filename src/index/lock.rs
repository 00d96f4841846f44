//! The update lock: one process at a time may change an index. It is an OS file lock on
//! `DIR/.baoxian-update.lock`, released by the OS when the process ends however it ends (so a
//! killed run never leaves a stale lock), and the file names the holder's pid for the message
//! the next process prints. Searches take no lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Name of the lock file inside the index folder.
pub const LOCK_FILE: &str = ".baoxian-update.lock";

/// Held while an index is being changed; dropping it releases the lock.
#[derive(Debug)]
pub struct UpdateLock {
    _file: File,
}

impl UpdateLock {
    /// Takes the lock of the index in `dir` (which must exist), or fails at once with
    /// [`Error::IndexBusy`] naming the process that holds it.
    pub fn acquire(dir: &Path) -> Result<UpdateLock> {
        let path = dir.join(LOCK_FILE);
        let io = |source| Error::Io { path: path.clone(), source };
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(|source| {
                match source.kind() {
                    ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                        Error::IndexReadOnly { path: dir.to_path_buf(), source }
                    }
                    _ => io(source),
                }
            })?;
        let mut attempts = 0;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let pid = holder(&mut file);
                    // Held by this very process: a lock just released can linger for a moment in
                    // a child that another thread is starting (fork copies open files until exec).
                    // Another process's lock fails at once, as it should.
                    if pid == Some(std::process::id()) && attempts < 100 {
                        attempts += 1;
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        continue;
                    }
                    return Err(Error::IndexBusy { path: dir.to_path_buf(), pid });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(UpdateLock { _file: file })
    }
}

/// The pid the holder of the lock wrote into the lock file, when it can be read.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Whether another process holds the update lock of the index in `dir`, and its pid when it
/// says. Looks without taking the lock for long and without creating the file (a read-only
/// index is read as it is).
pub fn held_by_other(dir: &Path) -> Option<Option<u32>> {
    let mut file = OpenOptions::new().read(true).open(dir.join(LOCK_FILE)).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(TryLockError::WouldBlock) => {
            let pid = holder(&mut file);
            (pid != Some(std::process::id())).then_some(pid)
        }
        Err(TryLockError::Error(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_with_the_pid_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = UpdateLock::acquire(dir.path()).unwrap();
        // a holder in this process is waited for (about 2 s) before giving up
        let started = std::time::Instant::now();
        match UpdateLock::acquire(dir.path()) {
            Err(Error::IndexBusy { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected IndexBusy, got {other:?}"),
        }
        assert!(started.elapsed() >= std::time::Duration::from_secs(1));
        drop(first);
        assert!(UpdateLock::acquire(dir.path()).is_ok());
        assert_eq!(held_by_other(dir.path()), None);
    }
}
