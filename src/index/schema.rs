//! The index schema. One tantivy document per answer passage (a question section of an article,
//! with the article's title and facts), one per related-article teaser, and one record per
//! indexed file (its content hash, for incremental updates).

use tantivy::schema::{FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions};

use crate::analysis::{GRAM_TOKENIZER, INDEX_TOKENIZER};

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
    let fields = Fields {
        kind: b.add_text_field("kind", exact.clone().set_stored()),
        file: b.add_text_field("file", exact.clone().set_stored()),
        record: b.add_text_field("record", exact.clone().set_fast("raw")),
        // read per file record from its column, never searched: not indexed
        hash: b.add_text_field("hash", TextOptions::default().set_fast("raw")),
        mtime: b.add_u64_field("mtime", FAST),
        size: b.add_u64_field("size", FAST),
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
        date: b.add_u64_field("date", NumericOptions::default().set_indexed().set_fast().set_stored()),
        section_no: b.add_u64_field("section_no", STORED),
        group: b.add_u64_field("group", FAST),
        title_hash: b.add_u64_field("title_hash", FAST),
        is_teaser: b.add_u64_field("is_teaser", FAST),
        simhash: b.add_u64_field("simhash", FAST),
        simhash2: b.add_u64_field("simhash2", FAST),
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
