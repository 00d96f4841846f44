//! Segmenting short texts (queries) without building jieba's whole dictionary.
//!
//! Building the full dictionary takes about 0.15 s — most of a command-line query. But jieba's
//! segmentation of a text only ever consults the dictionary about substrings of that text (the
//! words starting at each character, and the two- and three-character pieces of long words in
//! search mode), and the frequency total. So a jieba holding just the dictionary words that
//! occur in the text, with their frequencies, plus one filler entry that brings the total to the
//! full dictionary's, segments that text exactly as the full one does. The words are found in an
//! FST of the merged dictionary that `build.rs` compiles into the binary (jieba's default
//! dictionary with the domain dictionary applied as the index side applies it).

use std::sync::OnceLock;

use jieba_rs::Jieba;

mod generated {
    // the word count is there for the tests to check the dictionary against
    #![cfg_attr(not(test), allow(dead_code))]
    include!(concat!(env!("OUT_DIR"), "/query-dict.rs"));
}
pub use generated::TOTAL;

static FST_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/query-dict.fst"));

/// A word no text holds (two private-use characters); it carries the frequency mass of every
/// dictionary word the text does not contain.
const FILLER: &str = "\u{10FFFD}\u{10FFFD}";

fn dictionary() -> Option<&'static fst::raw::Fst<&'static [u8]>> {
    static FST: OnceLock<Option<fst::raw::Fst<&'static [u8]>>> = OnceLock::new();
    FST.get_or_init(|| fst::raw::Fst::new(FST_BYTES).ok()).as_ref()
}

/// The dictionary words occurring in `text`, each once, with their frequencies.
pub fn words_in(text: &str) -> Vec<(&str, u64)> {
    let Some(fst) = dictionary() else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let mut found: Vec<(&str, u64)> = Vec::new();
    for (start, _) in text.char_indices() {
        let mut node = fst.root();
        let mut out = fst::raw::Output::zero();
        for (i, &b) in bytes[start..].iter().enumerate() {
            let Some(at) = node.find_input(b) else { break };
            let t = node.transition(at);
            out = out.cat(t.out);
            node = fst.node(t.addr);
            let end = start + i + 1;
            if node.is_final() && text.is_char_boundary(end) {
                found.push((&text[start..end], out.cat(node.final_output()).value()));
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// A jieba that segments `text` exactly as the full dictionary ([`super::jieba`]) does, built
/// from the words of `text` alone. `None` when `text` holds the filler's characters (the
/// caller then uses the full dictionary).
pub fn jieba_for(text: &str) -> Option<Jieba> {
    if text.contains('\u{10FFFD}') || dictionary().is_none() {
        return None;
    }
    let mut jieba = Jieba::empty();
    let mut sum = 0u64;
    for (word, freq) in words_in(text) {
        jieba.add_word(word, Some(freq as usize), None);
        sum += freq;
    }
    jieba.add_word(FILLER, Some(TOTAL.saturating_sub(sum) as usize), None);
    Some(jieba)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::jieba;
    use jieba_rs::TokenizeMode;

    fn same_segmentation(text: &str) {
        let small = jieba_for(text).unwrap();
        for (mode, hmm) in [(TokenizeMode::Search, true), (TokenizeMode::Default, true), (TokenizeMode::Default, false)]
        {
            let full: Vec<_> = jieba().tokenize(text, mode, hmm).into_iter().map(|t| (t.word, t.start)).collect();
            let part: Vec<_> = small.tokenize(text, mode, hmm).into_iter().map(|t| (t.word, t.start)).collect();
            assert_eq!(part, full, "{text:?} in {mode:?} hmm={hmm}");
        }
    }

    #[test]
    fn the_compiled_dictionary_is_jiebas_with_the_domain_words() {
        let fst = dictionary().unwrap();
        assert_eq!(fst.len(), generated::WORDS);
        assert!(fst.len() > 349_000, "{} words", fst.len());
        let words: Vec<&str> = words_in("医保钱包怎么开通").into_iter().map(|(w, _)| w).collect();
        for w in ["医保钱包", "医保", "钱包", "怎么", "开通"] {
            assert!(words.contains(&w), "{w} not in {words:?}");
        }
        // every domain word is in it, and the frequency total is jieba's
        for line in crate::analysis::USER_DICT.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let word = line.split_whitespace().next().unwrap();
            assert!(words_in(word).iter().any(|(w, _)| *w == word), "{word}");
        }
    }

    #[test]
    fn short_texts_segment_exactly_as_with_the_full_dictionary() {
        for text in [
            "医保钱包如何更改使用地",
            "医保断缴后再补缴多久能用",
            "青海海东城乡居民医保网上缴费怎么操作",
            "中华人民共和国社会保险法第二十三条",
            "异地就医直接结算需要备案吗？拨打12393咨询",
            "app下载后登录国家医保服务平台，点击医保电子凭证",
            "宿州葡萄膜炎门诊慢特病申请材料",
            "灵活就业人员参保缴费基数怎么选择比较划算",
            "我想问一下生育津贴和产假工资能不能同时领取",
            "醫保卡遺失怎麼辦",
            "",
            "a",
        ] {
            same_segmentation(text);
        }
    }

    #[test]
    fn whole_pages_segment_exactly_as_with_the_full_dictionary() {
        // Long texts too (snippets segment whole passages): every line of both shipped seed
        // pages, and each page as one text.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut lines = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let page = std::fs::read_to_string(&path).unwrap();
                same_segmentation(&page);
                for line in page.lines() {
                    same_segmentation(line);
                    lines += 1;
                }
            }
        }
        assert!(lines > 50, "{lines} lines read from {}", dir.display());
    }
}
