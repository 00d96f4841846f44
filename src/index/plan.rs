//! What a batch does with each file found: checked against its record (read and hashed only
//! when its stamp differs), then new, changed, unchanged, renamed or a duplicate.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::records::{ContentHash, Record, Records};
use super::sync::{CHUNK, issue};
use crate::api::{IndexReport, Phase, Progress};
use crate::ingest::walk;

/// A discovered file after checking it against the index.
pub(super) struct Checked<'a> {
    pub(super) path: &'a Path,
    pub(super) size: u64,
    pub(super) mtime: u64,
    /// Content hash, or why the file could not be read (the system's reason).
    pub(super) hash: std::result::Result<ContentHash, String>,
    /// Size and time match the record, so the content was not read.
    pub(super) same_stamp: bool,
}

/// What to do with one discovered file.
pub(super) enum Plan {
    Unchanged,
    /// Same content, but the record's size/time are stale: rewrite the record only.
    Touched,
    Add,
    Update,
    Rename(PathBuf),
    Duplicate(PathBuf),
}

/// Threads that read and hash files in the check step, whatever the number of cores: reading
/// files that are not in the page cache waits on the disk more than it computes. Checking 100k
/// generated pages (449 MB) after the page cache was dropped took 6.1 s on 2 threads, 4.3 s on
/// 4 and 3.8 s on 8; with the files cached, 8 threads take the same 0.9 s as 2.
const READ_THREADS: usize = 8;

/// Step 2: compares every discovered file with its record, in parallel. Reads and hashes only
/// the files whose size or modification time differ from the record.
pub(super) fn check<'a>(
    files: &'a [walk::Found],
    existing: &Records,
    progress: &mut dyn FnMut(Progress),
) -> Vec<Checked<'a>> {
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
pub(super) fn plan<'a>(
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

/// Whether `path` is `root` or lies below it, compared as bytes (both absolute and canonical,
/// as the walk and the file records give them): `Path::starts_with` compares component by
/// component.
pub(super) fn is_under(path: &Path, root: &Path) -> bool {
    let (p, r) = (path.as_os_str().as_encoded_bytes(), root.as_os_str().as_encoded_bytes());
    p.starts_with(r)
        && (p.len() == r.len()
            || r.last().is_some_and(|&b| std::path::is_separator(b as char))
            || std::path::is_separator(p[r.len()] as char))
}

#[cfg(test)]
mod tests {
    use super::*;

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
