//! The character-bigram representation, a weaker signal beside the jieba words: each run of Han
//! characters becomes its overlapping bigrams (医保钱包 → 医保 保钱 钱包; a lone character stays
//! a unigram), each run of letters and digits stays one token. Positions count characters, so
//! the bigrams of a query word, as a phrase, match exactly that character sequence wherever it
//! stands in the text, however jieba cut it there.

use tantivy::tokenizer::{Token, Tokenizer};

use super::normalize::Normalized;
use super::tokenizer::VecTokenStream;
use super::{Features, is_han};

/// A tantivy tokenizer emitting character bigrams of Han runs and whole alphanumeric runs.
#[derive(Clone, Copy, Debug)]
pub struct GramTokenizer {
    features: Features,
}

impl GramTokenizer {
    pub fn new(features: Features) -> Self {
        GramTokenizer { features }
    }

    /// The gram tokens of `text`, with offsets into `text` and character positions.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let normalized = Normalized::new(text, self.features.normalizer());
        let norm = normalized.text();
        let chars: Vec<(usize, char)> = norm.char_indices().collect();
        let end_of = |i: usize| chars.get(i + 1).map_or(norm.len(), |&(b, _)| b);
        let mut out = Vec::new();
        let mut push = |from: usize, to: usize, position: usize, len: usize| {
            out.push(Token {
                offset_from: normalized.original_start(from),
                offset_to: normalized.original_end(to),
                position,
                text: norm[from..to].to_string(),
                position_length: len,
            });
        };
        let mut i = 0;
        while i < chars.len() {
            let (b, c) = chars[i];
            if is_han(c) {
                let start = i;
                while i < chars.len() && is_han(chars[i].1) {
                    i += 1;
                }
                if i - start == 1 {
                    push(b, end_of(start), start, 1);
                } else {
                    for (k, &(from, _)) in chars.iter().enumerate().take(i - 1).skip(start) {
                        push(from, end_of(k + 1), k, 2);
                    }
                }
            } else if c.is_alphanumeric() {
                let start = i;
                while i < chars.len() && chars[i].1.is_alphanumeric() && !is_han(chars[i].1) {
                    i += 1;
                }
                if i - start <= 40 {
                    push(b, end_of(i - 1), start, i - start);
                }
            } else {
                i += 1;
            }
        }
        out
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(self.tokens(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<(String, usize)> {
        GramTokenizer::new(Features::default()).tokens(text).into_iter().map(|t| (t.text, t.position)).collect()
    }

    #[test]
    fn han_runs_become_overlapping_bigrams_and_words_stay_whole() {
        let g = grams("医保钱包，ＡＰＰ 12333卡");
        let texts: Vec<&str> = g.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, vec!["医保", "保钱", "钱包", "app", "12333", "卡"]);
        assert_eq!(g[1].1, 1);
        assert_eq!(g[2].1, 2);
    }

    #[test]
    fn offsets_point_at_the_original_characters() {
        let text = "醫保卡";
        let toks = GramTokenizer::new(Features::default()).tokens(text);
        assert_eq!(toks[0].text, "医保");
        assert_eq!(&text[toks[0].offset_from..toks[0].offset_to], "醫保");
        assert_eq!(&text[toks[1].offset_from..toks[1].offset_to], "保卡");
    }
}
