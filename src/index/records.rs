//! The file records of an index: one per indexed file, with its path, content hash and
//! `(size, mtime)` stamp, read back from fast columns to tell what changed since.

use std::collections::HashMap;
use std::ffi::OsString;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::IndexHandle;
use super::schema::{self, kind};
use crate::error::Result;

/// The file records of the index by path. Keyed by the path's bytes: hashing or comparing a
/// `Path` walks its components, which cost a fifth of a re-index of 100k unchanged files.
pub(super) type Records = HashMap<OsString, Record>;

/// A file record of the index.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub(super) hash: ContentHash,
    pub(super) size: u64,
    pub(super) mtime: u64,
    /// Where the record is, in the batch's searcher it was read from.
    pub(super) at: DocAddress,
}

/// Path → record of every file in the index, read from fast fields.
pub(super) fn file_records(handle: &IndexHandle, searcher: &Searcher) -> Result<Records> {
    let q = TermQuery::new(Term::from_field_text(handle.fields.kind, kind::FILE), IndexRecordOption::Basic);
    let records = searcher.search(&q, &FileRecords).map_err(|e| super::tantivy_error(&handle.dir, e))?;
    Ok(records.into_iter().collect())
}

/// Reads the file records (path, hash, size, mtime) from fast fields.
struct FileRecords;

struct SegmentFileRecords {
    segment: SegmentOrdinal,
    record: Option<StrColumn>,
    hash: Option<StrColumn>,
    size: Column<u64>,
    mtime: Column<u64>,
    /// Per record: the term numbers of its path and hash, its size and time, its document.
    found: Vec<(u64, u64, u64, u64, DocId)>,
}

impl Collector for FileRecords {
    type Fruit = Vec<(OsString, Record)>;
    type Child = SegmentFileRecords;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFileRecords> {
        let ff = reader.fast_fields();
        Ok(SegmentFileRecords {
            segment,
            record: ff.str(schema::column::RECORD)?,
            hash: ff.str(schema::column::HASH)?,
            size: ff.u64(schema::column::SIZE)?,
            mtime: ff.u64(schema::column::MTIME)?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(OsString, Record)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

/// The strings of a column's term numbers `ords` (sorted, each once), read in one pass over its
/// dictionary: looking each up on its own decodes a dictionary block from its start every time
/// (a quarter of a no-change re-index of 100k files). `None` where a term cannot be read.
fn strings_of(column: &StrColumn, ords: &[u64]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::with_capacity(ords.len());
    // on an error, the terms not read yet stay unknown
    let _ = column.dictionary().sorted_ords_to_term_cb(ords, |bytes| {
        out.push(std::str::from_utf8(bytes).ok().map(str::to_string));
    });
    out.resize(ords.len(), None);
    out
}

impl SegmentCollector for SegmentFileRecords {
    type Fruit = Vec<(OsString, Record)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let ord = |column: &Option<StrColumn>| column.as_ref().and_then(|c| c.term_ords(doc).next());
        if let (Some(path), Some(hash)) = (ord(&self.record), ord(&self.hash)) {
            let size = self.size.first(doc).unwrap_or(u64::MAX);
            let mtime = self.mtime.first(doc).unwrap_or(u64::MAX);
            self.found.push((path, hash, size, mtime, doc));
        }
    }

    /// The records whose path and hash could be read.
    fn harvest(self) -> Self::Fruit {
        let (Some(record), Some(hash)) = (&self.record, &self.hash) else {
            return Vec::new();
        };
        let sorted = |pick: fn(&(u64, u64, u64, u64, DocId)) -> u64| {
            let mut ords: Vec<u64> = self.found.iter().map(pick).collect();
            ords.sort_unstable();
            ords.dedup();
            ords
        };
        let (path_ords, hash_ords) = (sorted(|f| f.0), sorted(|f| f.1));
        let (paths, hashes) = (strings_of(record, &path_ords), strings_of(hash, &hash_ords));
        let string = |ords: &[u64], strings: &[Option<String>], ord| {
            ords.binary_search(&ord).ok().and_then(|i| strings.get(i).cloned().flatten())
        };
        self.found
            .iter()
            .filter_map(|&(path, hash, size, mtime, doc)| {
                let path = schema::key_path(&string(&path_ords, &paths, path)?)?;
                let hash = ContentHash::from_hex(&string(&hash_ords, &hashes, hash)?)?;
                let at = DocAddress::new(self.segment, doc);
                Some((path.into_os_string(), Record { hash, size, mtime, at }))
            })
            .collect()
    }
}

/// What tells a file's content from any other: the first 128 bits of its BLAKE3 hash (the
/// chance of two of a billion files colliding is below one in 10^20). Held as bytes, 16 a
/// file instead of a string of 32 characters on the heap (about 17 MB less for 300k files);
/// written to the index in hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct ContentHash([u8; 16]);

impl ContentHash {
    pub(super) fn of(content: &[u8]) -> Self {
        let mut first = [0u8; 16];
        first.copy_from_slice(&blake3::hash(content).as_bytes()[..16]);
        ContentHash(first)
    }

    /// Lower-case hex: the first 32 characters of BLAKE3's own hex.
    pub(super) fn hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(32);
        for b in self.0 {
            hex.push(char::from(DIGITS[usize::from(b >> 4)]));
            hex.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        hex
    }

    pub(super) fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 16];
        if text.len() != 32 || !text.is_ascii() {
            return None;
        }
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(ContentHash(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hashes_are_written_as_blake3_writes_them() {
        let h = ContentHash::of("医保断缴后再补缴多久能用".as_bytes());
        let blake = blake3::hash("医保断缴后再补缴多久能用".as_bytes()).to_hex();
        assert_eq!(h.hex(), &blake[..32]);
        assert_eq!(ContentHash::from_hex(&h.hex()), Some(h));
        assert_eq!(ContentHash::from_hex(&h.hex().to_uppercase()), Some(h));
        assert_eq!(ContentHash::from_hex(""), None);
        assert_eq!(ContentHash::from_hex(&"g".repeat(32)), None);
        assert_eq!(ContentHash::from_hex(&blake), None);
    }
}
