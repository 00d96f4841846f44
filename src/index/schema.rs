//! The index schema. One tantivy document per answer passage (a question section of an article,
//! with the article's title and facts), one per related-article teaser, and one record per
//! indexed file (its content hash, for incremental updates).

use tantivy::schema::{FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions};

use crate::analysis::{GRAM_TOKENIZER, INDEX_TOKENIZER};

/// The names of the fast columns, as searches and batches open them (`fast_fields().u64(…)`).
pub(crate) mod column {
    pub(crate) const RECORD: &str = "record";
    pub(crate) const HASH: &str = "hash";
    pub(crate) const MTIME: &str = "mtime";
    pub(crate) const SIZE: &str = "size";
    pub(crate) const DATE: &str = "date";
    pub(crate) const GROUP: &str = "group";
    pub(crate) const TITLE_HASH: &str = "title_hash";
    pub(crate) const IS_TEASER: &str = "is_teaser";
    pub(crate) const SIMHASH: &str = "simhash";
    pub(crate) const SIMHASH2: &str = "simhash2";
}

/// Values of the `kind` field.
pub mod kind {
    pub const PASSAGE: &str = "article";
    pub const TEASER: &str = "teaser";
    pub const FILE: &str = "file";
}

/// The fields of the schema, looked up once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// `article`, `teaser` or `file`.
    pub kind: Field,
    /// The absolute path of the file a document came from (all kinds): what updates delete by.
    pub file: Field,
    /// The file's path again, on its file record only: what refreshing a record deletes by.
    pub record: Field,
    /// Content hash of the file (file records only).
    pub hash: Field,
    /// Modification time (ns since the epoch) and size of the file when it was indexed (file
    /// records only): an unchanged pair lets a re-index skip hashing the file.
    pub mtime: Field,
    pub size: Field,
    /// The title of an article (every passage of it).
    pub title: Field,
    /// The question heading of a passage (empty for the part before the first question).
    pub section: Field,
    /// The answer text of a passage.
    pub body: Field,
    /// The title and summary of a teaser: fields of their own, so that the first pass of ranking
    /// walks passages and teasers as two sets of postings, the teasers' weighed down as their
    /// answers are (see `search::maxscore`). Stored, as the title and body are.
    pub teaser_title: Field,
    pub teaser_summary: Field,
    /// Title and question heading again as character bigrams (not stored): a weaker signal
    /// that matches character sequences however jieba cut them. Bodies are left out: they
    /// doubled the index and the build time for 0.005 MRR@10 (BENCHMARKS.md).
    pub grams: Field,
    pub url: Field,
    pub source: Field,
    pub category: Field,
    /// Region tags, several per document (`安徽省`, `安徽省/宿州市`).
    pub region: Field,
    /// Publication date as `YYYYMMDD`.
    pub date: Field,
    /// Number of the passage within its article (0-based).
    pub section_no: Field,
    /// Hash of the article identity (URL or file): all passages of one article share it.
    pub group: Field,
    /// Hash of the normalised title: a teaser whose article is found too is dropped.
    pub title_hash: Field,
    /// 1 for teasers, 0 otherwise (a fast field, read while collecting).
    pub is_teaser: Field,
    /// SimHash of the article's text, two halves (see `simhash`): near-duplicates fold into one
    /// answer.
    pub simhash: Field,
    pub simhash2: Field,
}

/// Builds the schema and its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(INDEX_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let no_positions = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(INDEX_TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    // Exact-value fields (paths, hashes, names) are only ever matched whole and never scored
    // by length: no field norms (a byte per document each otherwise).
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    use column::*;
    let fields = Fields {
        kind: b.add_text_field("kind", exact.clone().set_stored()),
        file: b.add_text_field("file", exact.clone().set_stored()),
        record: b.add_text_field(RECORD, exact.clone().set_fast("raw")),
        // read per file record from its column, never searched: not indexed
        hash: b.add_text_field(HASH, TextOptions::default().set_fast("raw")),
        mtime: b.add_u64_field(MTIME, FAST),
        size: b.add_u64_field(SIZE, FAST),
        // Title and heading need no positions: an exact sequence there is found on `grams`.
        title: b.add_text_field("title", no_positions.clone()),
        section: b.add_text_field("section", no_positions.clone()),
        body: b.add_text_field("body", text.clone()),
        teaser_title: b.add_text_field("teaser_title", no_positions),
        teaser_summary: b.add_text_field("teaser_summary", text),
        grams: b.add_text_field(
            "grams",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(GRAM_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
        url: b.add_text_field("url", exact.clone().set_stored()),
        source: b.add_text_field("source", exact.clone().set_stored()),
        category: b.add_text_field("category", exact.clone().set_stored()),
        region: b.add_text_field("region", exact.clone().set_stored()),
        // searched by range, never scored: no field norms
        date: b.add_u64_field(DATE, NumericOptions::default().set_indexed().set_fast().set_stored()),
        section_no: b.add_u64_field("section_no", STORED),
        group: b.add_u64_field(GROUP, FAST),
        title_hash: b.add_u64_field(TITLE_HASH, FAST),
        is_teaser: b.add_u64_field(IS_TEASER, FAST),
        simhash: b.add_u64_field(SIMHASH, FAST),
        simhash2: b.add_u64_field(SIMHASH2, FAST),
    };
    (b.build(), fields)
}

/// A 64-bit hash for the grouping fast fields.
pub fn hash64(text: &str) -> u64 {
    let h = blake3::hash(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

/// The title as compared between a teaser and an article: normalised, letters and digits only.
pub fn title_key(title: &str) -> String {
    crate::analysis::normalize::normalize(title).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Prefix of a path key that holds a path's bytes in hex: a path that is not valid UTF-8. No
/// path a walk gives starts with it (they are absolute), so the two kinds of key never meet.
const BYTES_KEY: &str = "bytes:";

/// How a file's path is written to the index (the `file` and `record` fields): the path itself
/// when it is UTF-8, else its bytes in hex behind [`BYTES_KEY`], so that two names differing
/// only in bytes that are not UTF-8 stay two files, and a path read back is the path written.
pub(crate) fn path_key(path: &std::path::Path) -> std::borrow::Cow<'_, str> {
    let bytes = path.as_os_str().as_encoded_bytes();
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.starts_with(BYTES_KEY) => std::borrow::Cow::Borrowed(text),
        _ => {
            let mut key = String::with_capacity(BYTES_KEY.len() + 2 * bytes.len());
            key.push_str(BYTES_KEY);
            for b in bytes {
                key.push_str(&format!("{b:02x}"));
            }
            std::borrow::Cow::Owned(key)
        }
    }
}

/// The path a [`path_key`] was made of (`None` for a key no version of it writes).
pub(crate) fn key_path(key: &str) -> Option<std::path::PathBuf> {
    let Some(hex) = key.strip_prefix(BYTES_KEY) else {
        return Some(std::path::PathBuf::from(key));
    };
    if hex.len() % 2 != 0 || !hex.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect();
    path_of_bytes(bytes?)
}

#[cfg(unix)]
fn path_of_bytes(bytes: Vec<u8>) -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(std::path::PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn path_of_bytes(bytes: Vec<u8>) -> Option<std::path::PathBuf> {
    String::from_utf8(bytes).ok().map(std::path::PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn path_keys_give_back_the_path_written() {
        for p in ["/corpus/医保.html", "/a/bytes:x.html", "bytes:relative"] {
            assert_eq!(key_path(&path_key(Path::new(p))).as_deref(), Some(Path::new(p)));
        }
        assert_eq!(path_key(Path::new("/corpus/医保.html")), "/corpus/医保.html");
    }

    #[cfg(unix)]
    #[test]
    fn paths_that_are_not_utf8_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (
            Path::new(std::ffi::OsStr::from_bytes(b"/c/\xff.txt")),
            Path::new(std::ffi::OsStr::from_bytes(b"/c/\xfe.txt")),
        );
        assert_ne!(path_key(a), path_key(b), "two names that differ in bytes that are not UTF-8 are two keys");
        assert_eq!(key_path(&path_key(a)).as_deref(), Some(a));
        assert_eq!(key_path("bytes:zz"), None);
    }
}
