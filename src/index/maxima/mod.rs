//! The highest score each common term can reach in each segment, computed once when a segment
//! is written and kept beside it in the index folder (`<segment>.bxmax`).
//!
//! The first pass of a ranked search ([`crate::search`]'s MaxScore) bounds what a term can add to
//! a document. Without more knowledge that bound is BM25's ceiling (any frequency in the shortest
//! text); a search that walks a term's postings from end to end learns the term's real maximum,
//! but only for the rest of that process, and the common words that are looked up rather than
//! walked are never learned. Their real maxima are 0.6–0.76 of the ceiling on the benchmark
//! corpus, and loose bounds keep more postings essential.
//!
//! BM25 grows with a term's frequency in a document and shrinks with the document's length,
//! whatever the index-wide statistics. So the highest score of a term over its postings is
//! reached at one of the (length, frequency) pairs that no other posting beats on both counts:
//! that *frontier* (a few pairs) is stored per term, and the exact maximum is computed from it at
//! search time with the statistics of the moment. Deleted documents stay in the frontier: the
//! bound stays safe.
//!
//! Only terms held by at least [`MIN_DOC_FREQ`] documents of a segment are kept: rarer ones
//! cost little to walk, and are learned when walked. A segment without its file (written by an
//! older version, or a write that failed) is searched with the bounds it had before: only the
//! speed differs.

pub(crate) mod learned;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, SegmentReader, Term};

/// Terms held by fewer documents of a segment are not kept.
pub const MIN_DOC_FREQ: u32 = 512;

const MAGIC: &[u8; 8] = b"BXMAX02\n";
/// Bytes of the checksum after the magic: the first 16 bytes of the BLAKE3 hash of the rest of
/// the file. A damaged file (a flipped bit, a cut) is then never read: the FST library trusts
/// its input and can panic on bytes it did not write.
const SUM_BYTES: usize = 16;
/// Bytes of one stored pair: the fieldnorm id, then the frequency (u32, little-endian).
const PAIR_BYTES: usize = 5;
/// The most pairs a stored frontier holds (its count is one byte). A frontier has at most one
/// pair per fieldnorm id, 256; a term whose frontier is longer than this is not kept (its bound
/// stays the ceiling), since a shortened frontier could bound too low.
const MAX_PAIRS: usize = 255;
const EXTENSION: &str = "bxmax";

/// A term's frontier: (fieldnorm id, term frequency) pairs, shortest first.
pub type Frontier = Vec<(u8, u32)>;

/// The frontier of every common term of `fields` in one segment, keyed by field id and term
/// bytes, in the order of the keys (the order an FST map is built in).
fn frontiers(reader: &SegmentReader, fields: &[Field]) -> io::Result<Vec<(Vec<u8>, Frontier)>> {
    let mut fields = fields.to_vec();
    fields.sort_by_key(|f| f.field_id());
    let mut out = Vec::new();
    for field in fields {
        let index = reader.inverted_index(field).map_err(io::Error::other)?;
        let norms = match reader.fieldnorms_readers().get_field(field).map_err(io::Error::other)? {
            Some(norms) => norms,
            None => continue, // no lengths: such a field is never scored by BM25 here
        };
        let mut stream = index.terms().stream()?;
        let mut best = [0u32; 256];
        while stream.advance() {
            let info = stream.value();
            if info.doc_freq < MIN_DOC_FREQ {
                continue;
            }
            best.fill(0);
            let mut postings = index.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
            let mut seen = 0u32;
            while seen < info.doc_freq && postings.block_len() > 0 {
                for (&doc, &tf) in postings.docs().iter().zip(postings.freqs()) {
                    let id = usize::from(norms.fieldnorm_id(doc));
                    best[id] = best[id].max(tf);
                }
                seen += postings.block_len() as u32;
                postings.advance();
            }
            let mut frontier = Frontier::new();
            let mut highest = 0;
            for (id, &tf) in best.iter().enumerate() {
                if tf > highest {
                    highest = tf;
                    frontier.push((id as u8, tf));
                }
            }
            if frontier.len() <= MAX_PAIRS {
                out.push((key(field, stream.key()), frontier));
            }
        }
    }
    Ok(out)
}

/// A term's key in a file: its field id, then its bytes as in the term dictionary.
fn key(field: Field, value_bytes: &[u8]) -> Vec<u8> {
    let mut key = field.field_id().to_be_bytes().to_vec();
    key.extend_from_slice(value_bytes);
    key
}

fn file_of(dir: &Path, segment: SegmentId) -> PathBuf {
    dir.join(format!("{}.{EXTENSION}", segment.uuid_string()))
}

/// Writes the file of a segment: the magic, the checksum, the length of the pairs, the pairs of
/// every frontier one after the other ([`PAIR_BYTES`] each), then an FST map from key to
/// `first pair << 8 | pairs`.
fn write(path: &Path, entries: &[(Vec<u8>, Frontier)]) -> io::Result<()> {
    let mut pairs = Vec::new();
    let mut map = fst::MapBuilder::memory();
    for (key, frontier) in entries {
        let value = ((pairs.len() / PAIR_BYTES) as u64) << 8 | frontier.len() as u64;
        for &(id, tf) in frontier {
            pairs.push(id);
            pairs.extend_from_slice(&tf.to_le_bytes());
        }
        map.insert(key, value).map_err(io::Error::other)?;
    }
    let map = map.into_inner().map_err(io::Error::other)?;
    let mut body = Vec::with_capacity(8 + pairs.len() + map.len());
    body.extend_from_slice(&(pairs.len() as u64).to_le_bytes());
    body.extend_from_slice(&pairs);
    body.extend_from_slice(&map);
    let mut bytes = Vec::with_capacity(MAGIC.len() + SUM_BYTES + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&blake3::hash(&body).as_bytes()[..SUM_BYTES]);
    bytes.extend_from_slice(&body);
    // written whole under another name, then renamed: a search never reads half a file
    let partial = path.with_extension("bxmax-partial");
    std::fs::write(&partial, &bytes)?;
    std::fs::rename(&partial, path)
}

/// Writes the file of every segment of the index committed in `dir` that has none, and
/// removes the files of segments that are gone. Called after each batch, once merges are done.
///
/// The segments are read through an index opened for this alone, one segment at a time: the
/// postings read are mapped into memory, and a mapping only goes (with the memory it counts
/// for) once nothing holds the segment. Read through the searcher of the batch, they raised
/// the peak memory of a 100k build from 256 to 395 MB.
pub fn refresh(dir: &Path, fields: &[Field]) -> io::Result<()> {
    let index = Index::open_in_dir(dir).map_err(io::Error::other)?;
    let mut current = Vec::new();
    for segment in index.searchable_segments().map_err(io::Error::other)? {
        let path = file_of(dir, segment.id());
        // a file that is missing, damaged or of an older format is written anew
        if SegmentMaxima::read(&path).is_none() {
            let reader = SegmentReader::open(&segment).map_err(io::Error::other)?;
            write(&path, &frontiers(&reader, fields)?)?;
        }
        current.push(path);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ours = path.extension().is_some_and(|e| e == EXTENSION || e == "bxmax-partial");
        if ours && !current.contains(&path) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The stored frontiers of one segment.
pub struct SegmentMaxima {
    pairs: Vec<u8>,
    map: fst::Map<Vec<u8>>,
}

impl SegmentMaxima {
    fn read(path: &Path) -> Option<SegmentMaxima> {
        let mut bytes = std::fs::read(path).ok()?;
        let (sum, body) = bytes.strip_prefix(MAGIC.as_slice())?.split_at_checked(SUM_BYTES)?;
        if blake3::hash(body).as_bytes()[..SUM_BYTES] != *sum {
            return None;
        }
        let header = MAGIC.len() + SUM_BYTES + 8;
        let len = body.first_chunk::<8>().map(|l| u64::from_le_bytes(*l))?;
        let end = usize::try_from(len).ok()?.checked_add(header)?;
        if bytes.len() < end || len % PAIR_BYTES as u64 != 0 {
            return None;
        }
        // the file's own buffer, split in place: the map's bytes, then the pairs
        let map = fst::Map::new(bytes.split_off(end)).ok()?;
        bytes.drain(..header);
        Some(SegmentMaxima { pairs: bytes, map })
    }

    /// The frontier of `term`, if the segment's file keeps it.
    pub fn frontier(&self, term: &Term) -> Option<Frontier> {
        let value = self.map.get(key(term.field(), term.serialized_value_bytes()))?;
        let (start, count) = ((value >> 8) as usize * PAIR_BYTES, (value & 0xff) as usize);
        let bytes = self.pairs.get(start..start + count * PAIR_BYTES)?;
        Some(bytes.chunks_exact(PAIR_BYTES).map(|p| (p[0], u32::from_le_bytes([p[1], p[2], p[3], p[4]]))).collect())
    }
}

/// The files of an index's segments, read when a search first needs them.
#[derive(Default)]
pub struct Maxima {
    dir: PathBuf,
    loaded: Mutex<HashMap<SegmentId, Option<Arc<SegmentMaxima>>>>,
}

impl Maxima {
    pub fn new(dir: &Path) -> Self {
        Maxima { dir: dir.to_path_buf(), loaded: Mutex::default() }
    }

    /// The stored frontiers of `segment`, `None` when it has no readable file.
    pub fn of(&self, segment: SegmentId) -> Option<Arc<SegmentMaxima>> {
        let mut loaded = self.loaded.lock().ok()?;
        loaded.entry(segment).or_insert_with(|| SegmentMaxima::read(&file_of(&self.dir, segment)).map(Arc::new)).clone()
    }
}

impl std::fmt::Debug for Maxima {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Maxima({})", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::Bm25Weight;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{IndexWriter, TantivyDocument, doc};

    use super::*;

    type Made = (tempfile::TempDir, Index, Field, IndexWriter<TantivyDocument>);

    /// An empty index with one text field, in a folder of its own, and its writer.
    fn body_index() -> Result<Made, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut b = Schema::builder();
        let body = b.add_text_field("body", TEXT);
        let index = Index::create_in_dir(dir.path(), b.build())?;
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        Ok((dir, index, body, writer))
    }

    /// Over documents of many lengths and frequencies, the best score of the stored frontier is
    /// the best score of any posting, whatever the average length the index has when searched.
    #[test]
    fn the_frontier_holds_the_highest_score_under_any_statistics() -> Result<(), Box<dyn std::error::Error>> {
        let (dir, index, body, mut writer) = body_index()?;
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(6) {
                text.push_str("common ");
            }
            for _ in 0..1 + next(300) {
                text.push_str("filler ");
            }
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        refresh(dir.path(), &[body])?;
        let maxima = Maxima::new(dir.path());
        let reader = &searcher.segment_readers()[0];
        let stored = maxima.of(reader.segment_id()).ok_or("no file")?;
        let term = Term::from_field_text(body, "common");
        let frontier = stored.frontier(&term).ok_or("term not kept")?;
        assert!(frontier.len() > 1, "{frontier:?}");
        assert!(stored.frontier(&Term::from_field_text(body, "absent")).is_none());
        let norms = reader.get_fieldnorms_reader(body)?;
        for average in [2.0, 40.0, 150.0, 1000.0] {
            let bm25 = Bm25Weight::for_one_term(1000, 3000, average);
            let mut postings = reader
                .inverted_index(body)?
                .read_postings(&term, IndexRecordOption::WithFreqs)?
                .ok_or("no postings")?;
            let mut highest: f32 = 0.0;
            use tantivy::DocSet;
            use tantivy::postings::Postings;
            while postings.doc() != tantivy::TERMINATED {
                highest = highest.max(bm25.score(norms.fieldnorm_id(postings.doc()), postings.term_freq()));
                postings.advance();
            }
            let from_frontier = frontier.iter().map(|&(id, tf)| bm25.score(id, tf)).fold(0.0, f32::max);
            assert_eq!(from_frontier, highest, "average length {average}");
        }
        Ok(())
    }

    #[test]
    fn files_of_gone_segments_are_removed_and_damaged_files_ignored() -> Result<(), Box<dyn std::error::Error>> {
        let (dir, index, body, mut writer) = body_index()?;
        for _ in 0..2 {
            for _ in 0..600 {
                writer.add_document(doc!(body => "common word"))?;
            }
            writer.commit()?;
        }
        let reader = index.reader()?;
        refresh(dir.path(), &[body])?;
        let count = || -> io::Result<usize> {
            Ok(std::fs::read_dir(dir.path())?
                .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == EXTENSION)))
                .count())
        };
        assert_eq!(count()?, 2);
        let ids = index.searchable_segment_ids()?;
        writer.merge(&ids).wait()?;
        writer.wait_merging_threads()?;
        reader.reload()?;
        let searcher = reader.searcher();
        refresh(dir.path(), &[body])?;
        assert_eq!(count()?, 1, "the merged segments' files are gone");
        let segment = searcher.segment_readers()[0].segment_id();
        let term = Term::from_field_text(body, "common");
        assert_eq!(Maxima::new(dir.path()).of(segment).ok_or("no file")?.frontier(&term), Some(vec![(2, 1)]));
        std::fs::write(file_of(dir.path(), segment), b"BXMAX02\n\xff\xff")?;
        assert!(Maxima::new(dir.path()).of(segment).is_none(), "a damaged file is not used");
        // every single flipped bit of a good file is caught, never read (the FST would panic)
        refresh(dir.path(), &[body])?;
        let good = std::fs::read(file_of(dir.path(), segment))?;
        assert!(Maxima::new(dir.path()).of(segment).is_some(), "a damaged file is written anew");
        for at in (0..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            std::fs::write(file_of(dir.path(), segment), &bad)?;
            assert!(Maxima::new(dir.path()).of(segment).is_none(), "a bit flipped at byte {at} was not caught");
        }
        Ok(())
    }
}
