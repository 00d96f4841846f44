//! Chinese text analysis, shared by the index and the query side: normalisation, jieba
//! segmentation with a domain dictionary, and the query-word rules.

pub mod grams;
pub mod lookup;
pub mod normalize;
pub mod region;
pub mod synonyms;
pub mod tokenizer;

use std::sync::OnceLock;

use jieba_rs::Jieba;

pub use grams::GramTokenizer;
pub use normalize::Normalizer;
pub use tokenizer::{Granularity, RepeatingTokenizer, ZhTokenizer};

/// Whether `c` is a Han character (CJK unified ideographs, their extensions, compatibility
/// ideographs): letters without case or width forms, the bulk of every text here, so the
/// analysis checks this range before asking Unicode's tables.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Whether `c` is a letter or digit, answering for the CJK unified ideographs (all assigned,
/// all letters) without Unicode's tables: `char::is_alphanumeric`, faster on Chinese text.
pub(crate) fn is_letter_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// The domain dictionary compiled into the binary (jieba user-dictionary format).
pub const USER_DICT: &str = include_str!("data/userdict.txt");
/// Words that do not decide the ranking of a query (question words, particles).
pub const STOPWORDS: &str = include_str!("data/stopwords.txt");

/// Bump when segmentation or normalisation changes in a way that changes index terms.
const ANALYZER_VERSION: u32 = 2;

/// Name of the index-side word tokenizer in tantivy's tokenizer manager.
pub const INDEX_TOKENIZER: &str = "zh_search";
/// Name of the character-bigram tokenizer.
pub const GRAM_TOKENIZER: &str = "zh_grams";

/// The parts of the analysis chain. The product uses them all ([`Features::default`]); the
/// relevance benchmark switches each off in turn to measure what it brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Features {
    /// Full-width forms to half-width, and lower case (index and query).
    pub fold_width_case: bool,
    /// Traditional to simplified Chinese (index and query).
    pub traditional_to_simplified: bool,
    /// The domain dictionary added to jieba's (index and query).
    pub domain_dictionary: bool,
    /// Question words and particles do not count in queries.
    pub stopwords: bool,
    /// Query words also match their domain synonyms.
    pub synonyms: bool,
    /// Query words also match as character sequences (the bigram field), at a lower weight, and
    /// an answer scores for how much of its title and heading the query says (on the same field).
    pub bigrams: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            fold_width_case: true,
            traditional_to_simplified: true,
            domain_dictionary: true,
            stopwords: true,
            synonyms: true,
            bigrams: true,
        }
    }
}

impl Features {
    /// Everything off.
    pub fn none() -> Self {
        Features {
            fold_width_case: false,
            traditional_to_simplified: false,
            domain_dictionary: false,
            stopwords: false,
            synonyms: false,
            bigrams: false,
        }
    }

    pub fn normalizer(&self) -> Normalizer {
        Normalizer { fold_width_case: self.fold_width_case, traditional_to_simplified: self.traditional_to_simplified }
    }

    /// The jieba to segment with.
    pub fn jieba(&self) -> &'static Jieba {
        if self.domain_dictionary { jieba() } else { plain_jieba() }
    }

    /// Segments `text` (normalised) with the jieba of these features. While a process has
    /// segmented little text (a command-line query and its snippets), each text is segmented
    /// with a dictionary of its own words: the same tokens, without the 0.15 s build of the full
    /// dictionary.
    pub fn segment<'a>(&self, text: &'a str, mode: jieba_rs::TokenizeMode) -> Vec<jieba_rs::Token<'a>> {
        if self.domain_dictionary
            && FULL_JIEBA.get().is_none()
            && within_lookup_budget(text)
            && let Some(small) = lookup::jieba_for(text)
        {
            return small.tokenize(text, mode, true);
        }
        self.jieba().tokenize(text, mode, true)
    }
}

static FULL_JIEBA: OnceLock<Jieba> = OnceLock::new();

/// Segmenting with a dictionary of just the text's own words ([`lookup`]) runs at about
/// 6 MB/s; building the full dictionary once takes about 0.15 s. So a process segments by
/// look-up until it has segmented this many bytes that way (a query and the passages of its
/// answers fit many times over), and builds the full dictionary after that (indexing).
const LOOKUP_BUDGET_BYTES: usize = 1 << 20;

/// A process that has segmented this much by look-up is not a one-off command (one search and
/// its snippets segment a few kilobytes) but one that keeps searching, such as a server on the
/// library's `Engine`: the full dictionary is then built on a thread of its own, while searches
/// go on by look-up until it is ready: the snippets of a whole question, whose single-character
/// words need the passages segmented, take less than half the time with the full dictionary.
const PREPARE_FULL_BYTES: usize = 64 << 10;

fn within_lookup_budget(text: &str) -> bool {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static USED: AtomicUsize = AtomicUsize::new(0);
    let before = USED.fetch_add(text.len(), Ordering::Relaxed);
    let after = before + text.len();
    if before < PREPARE_FULL_BYTES && after >= PREPARE_FULL_BYTES {
        // if no thread can be started, the dictionary is built when the budget runs out
        let _ = std::thread::Builder::new().name("jieba-dictionary".into()).spawn(|| {
            jieba();
        });
    }
    text.len() <= LOOKUP_BUDGET_BYTES && after <= LOOKUP_BUDGET_BYTES
}

/// Builds the full dictionary now when about `bytes` of text are to be segmented (indexing):
/// beyond the look-up budget the look-up path only costs extra, about 0.17 s per MB.
pub fn expect_text(features: &Features, bytes: u64) {
    if bytes > LOOKUP_BUDGET_BYTES as u64 {
        features.jieba();
    }
}

/// The process-wide jieba, built on first use (about 0.2 s): the default dictionary plus
/// [`USER_DICT`]. Commands that never segment text (such as `stats`) never pay for it.
pub fn jieba() -> &'static Jieba {
    FULL_JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        for (word, freq, tag) in dictionary_entries(USER_DICT) {
            jieba.add_word(word, freq, tag);
        }
        jieba
    })
}

/// jieba with its default dictionary only (for measuring what the domain dictionary brings).
pub fn plain_jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// The entries of a user dictionary: `word [freq] [tag]`, `#` comments and blank lines skipped.
fn dictionary_entries(text: &str) -> impl Iterator<Item = (&str, Option<usize>, Option<&str>)> {
    text.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        let freq = parts.next().and_then(|f| f.parse().ok());
        Some((word, freq, parts.next()))
    })
}

/// Identifies the analyzer an index was built with: the code version, the dictionary and the
/// index-side features. An index built with another fingerprint must be rebuilt.
pub fn fingerprint(features: &Features) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&ANALYZER_VERSION.to_le_bytes());
    h.update(USER_DICT.as_bytes());
    h.update(&[
        u8::from(features.fold_width_case),
        u8::from(features.traditional_to_simplified),
        u8::from(features.domain_dictionary),
    ]);
    h.finalize().to_hex()[..16].to_string()
}

/// Whether `word` (normalised) is a stopword of queries.
pub fn is_stopword(word: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
        .contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_parses_and_stopwords_load() {
        let entries: Vec<_> = dictionary_entries("# c\n医保钱包\n参保地 300 n\n\n").collect();
        assert_eq!(entries, vec![("医保钱包", None, None), ("参保地", Some(300), Some("n"))]);
        assert!(is_stopword("怎么"));
        assert!(!is_stopword("医保"));
        assert!(USER_DICT.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count() >= 50);
    }
}
