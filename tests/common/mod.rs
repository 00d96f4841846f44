//! Helpers shared by the end-to-end tests: temporary corpora on disk.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The shipped corpus folder.
pub fn shipped_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Copies the article files of the shipped corpus into `dest` (created).
pub fn copy_corpus(dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for entry in std::fs::read_dir(shipped_corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "md") {
            std::fs::copy(&path, dest.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// A plain-text page in the seeds' shape.
pub fn text_page(title: &str, date: &str, paragraphs: &[&str]) -> String {
    format!("{title}\n\n{date} 13:09:37社保网\n\n{}\n", paragraphs.join("\n\n"))
}
