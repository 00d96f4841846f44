//! Discovery: the article files under the paths given to `index`.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, Result};

/// File name endings read as article pages.
pub const ARTICLE_EXTENSIONS: &[&str] = &["html", "htm", "shtml", "xhtml", "txt"];

/// What a walk over the roots found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Article files, as absolute paths, sorted, each once.
    pub files: Vec<PathBuf>,
    /// Entries that could not be read while walking (permissions, symlink loops), with reasons.
    pub problems: Vec<(PathBuf, String)>,
    /// Files passed over because their name does not end in an article extension.
    pub ignored: usize,
}

/// Walks each root (a folder or a single file). Hidden files and folders (name starting with
/// `.`) are passed over; symbolic links are followed, and a link back into its own ancestry is
/// reported instead of walked forever. A root that does not exist is an error.
pub fn discover(roots: &[PathBuf]) -> Result<Discovery> {
    let mut found = Discovery::default();
    for root in roots {
        let abs = std::fs::canonicalize(root).map_err(|source| Error::Input {
            path: root.clone(),
            source,
        })?;
        let walker = WalkDir::new(&abs)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if has_article_extension(e.path()) {
                        found.files.push(e.into_path());
                    } else {
                        found.ignored += 1;
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| abs.clone());
                    let reason = if err.loop_ancestor().is_some() {
                        "symbolic link loop, not followed".to_string()
                    } else {
                        err.io_error()
                            .map_or_else(|| err.to_string(), |io| io.to_string())
                    };
                    found.problems.push((path, reason));
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    Ok(found)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn has_article_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_articles_skips_hidden_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/.git")).unwrap();
        std::fs::write(d.join("a/one.html"), "x").unwrap();
        std::fs::write(d.join("a/TWO.TXT"), "x").unwrap();
        std::fs::write(d.join("a/.hidden.txt"), "x").unwrap();
        std::fs::write(d.join("a/.git/x.txt"), "x").unwrap();
        std::fs::write(d.join("a/pic.png"), "x").unwrap();
        let found = discover(&[d.join("a"), d.join("a/one.html")]).unwrap();
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(names, vec!["TWO.TXT", "one.html"]);
        assert_eq!(found.ignored, 1);
        assert!(matches!(
            discover(&[d.join("missing")]),
            Err(Error::Input { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_do_not_hang() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::write(d.join("a/b/x.txt"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("a"), d.join("a/b/loop")).unwrap();
        let found = discover(&[d.join("a")]).unwrap();
        assert_eq!(found.files.len(), 1);
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].1.contains("loop"));
    }
}
