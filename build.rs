//! Builds the query-time dictionary (see `src/analysis/lookup.rs`): jieba's default dictionary
//! (`src/analysis/data/jieba-dict.txt`, the file jieba-rs embeds) with the domain dictionary
//! applied exactly as the index side applies it — each word added in turn, with the frequency
//! jieba suggests when the file gives none — written as an FST map from word to frequency, plus
//! the sum of all frequencies. A query then looks up only the words that occur in it instead of
//! loading 349,000 entries, and is segmented exactly as the full dictionary would segment it.
//!
//! Also writes the set of characters fast2s can change (traditional → simplified) as a bitmap,
//! so normalisation skips the conversion for the many texts that hold none of them.

use std::collections::BTreeMap;
use std::path::PathBuf;

const JIEBA_DICT: &str = "src/analysis/data/jieba-dict.txt";
const USER_DICT: &str = "src/analysis/data/userdict.txt";

fn main() {
    println!("cargo:rerun-if-changed={JIEBA_DICT}");
    println!("cargo:rerun-if-changed={USER_DICT}");
    println!("cargo:rerun-if-changed=build.rs");
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let (dict, user) = (read(JIEBA_DICT), read(USER_DICT));

    let mut freqs: BTreeMap<String, u64> = BTreeMap::new();
    for (n, line) in dict.lines().enumerate() {
        let mut parts = line.split_ascii_whitespace();
        let (Some(word), Some(freq)) = (parts.next(), parts.next()) else { continue };
        let freq = freq.parse().unwrap_or_else(|_| panic!("{JIEBA_DICT}:{}: bad frequency {freq:?}", n + 1));
        freqs.insert(word.to_string(), freq);
    }
    // The index side's jieba is `Jieba::new()` plus the user dictionary: replay that to learn
    // the frequency each domain word ends up with.
    let mut jieba = jieba_rs::Jieba::new();
    for line in user.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse().ok());
        let final_freq = jieba.add_word(word, freq, parts.next());
        freqs.insert(word.to_string(), final_freq as u64);
    }
    let total: u64 = freqs.values().sum();

    let mut builder = fst::MapBuilder::memory();
    for (word, freq) in &freqs {
        builder.insert(word, *freq).unwrap_or_else(|e| panic!("dictionary FST: {e}"));
    }
    let bytes = builder.into_inner().unwrap_or_else(|e| panic!("dictionary FST: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_else(|| panic!("OUT_DIR not set by cargo")));
    std::fs::write(out.join("query-dict.fst"), bytes).unwrap_or_else(|e| panic!("writing the dictionary FST: {e}"));
    let consts = format!(
        "/// Sum of the frequencies of the merged dictionary.\npub const TOTAL: u64 = {total};\n\
         /// Number of words.\npub const WORDS: usize = {};\n",
        freqs.len()
    );
    std::fs::write(out.join("query-dict.rs"), consts)
        .unwrap_or_else(|e| panic!("writing the dictionary constants: {e}"));
    t2s_bitmap(&out);
}

/// The characters fast2s may convert: it only looks at three-byte UTF-8 characters (U+0800 to
/// U+FFFF), converting each through its table, except for a few whose conversion depends on
/// their neighbours (listed in its special.rs; they are added whatever they do alone).
fn t2s_bitmap(out: &std::path::Path) {
    const IN_CONTEXT: [char; 7] = ['藉', '著', '苧', '闔', '鍾', '讎', '畫'];
    let mut bits = vec![0u64; 1024];
    for c in ('\u{800}'..='\u{FFFF}').filter(|c| c.len_utf8() == 3) {
        let alone = c.to_string();
        if fast2s::convert(&alone) != alone || IN_CONTEXT.contains(&c) {
            bits[c as usize >> 6] |= 1 << (c as usize & 63);
        }
    }
    let words: Vec<String> = bits.iter().map(|w| format!("{w:#x}")).collect();
    let code = format!(
        "/// Bit `c` is set when fast2s may turn character `c` into another.\n\
         pub static MAY_CHANGE: [u64; 1024] = [{}];\n",
        words.join(", ")
    );
    std::fs::write(out.join("t2s-bitmap.rs"), code).unwrap_or_else(|e| panic!("writing the t2s bitmap: {e}"));
}
