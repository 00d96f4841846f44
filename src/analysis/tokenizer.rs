//! The jieba tokenizer registered with tantivy.
//!
//! Text is normalised (see [`super::normalize`]), segmented by jieba-rs, and every token keeps
//! byte offsets into the *original* text. Tokens without a letter or digit (spaces,
//! punctuation, emoji) are dropped. Positions are character offsets of the token start, so the
//! overlapping words of search mode (医保 / 医保卡) can still take part in phrase queries; a
//! phrase's slop therefore counts characters, not words.

use std::borrow::Cow;

use jieba_rs::TokenizeMode;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::Features;
use super::normalize::Normalized;

/// Longest token kept, in characters (longer runs are URLs or garbage, not words).
const MAX_TOKEN_CHARS: usize = 40;

/// How finely to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// jieba search mode: each word and the dictionary words inside it (index side).
    Search,
    /// jieba precise mode: each word once (query side).
    Precise,
}

/// A tantivy tokenizer over a process-wide jieba dictionary ([`super::jieba`]). Cloning it
/// copies no dictionary (tantivy clones tokenizers for every field, query and snippet).
#[derive(Clone, Copy, Debug)]
pub struct ZhTokenizer {
    granularity: Granularity,
    features: Features,
}

impl ZhTokenizer {
    /// The tokenizer of the product (every feature on).
    #[cfg(any(test, feature = "lab"))]
    pub fn new(granularity: Granularity) -> Self {
        Self::with_features(granularity, Features::default())
    }

    pub fn with_features(granularity: Granularity, features: Features) -> Self {
        ZhTokenizer { granularity, features }
    }

    /// The tokens of `text`, with offsets into `text`.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut stream = self.stream(text);
        let mut tokens = Vec::with_capacity(stream.spans.len());
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    }

    /// Normalises and segments `text`; the stream hands out one token at a time, reusing one
    /// token's buffer (tantivy copies what it needs), so indexing allocates nothing per token.
    fn stream<'a>(&self, text: &'a str) -> ZhTokenStream<'a> {
        let normalized = Normalized::new(text, self.features.normalizer());
        let mode = match self.granularity {
            Granularity::Search => TokenizeMode::Search,
            Granularity::Precise => TokenizeMode::Default,
        };
        let spans = self
            .features
            .segment(normalized.text(), mode)
            .into_iter()
            .filter(|w| w.end - w.start <= MAX_TOKEN_CHARS && w.word.chars().any(super::is_letter_or_digit))
            .map(|w| Span {
                start: w.byte_start,
                end: w.byte_end,
                offset_from: normalized.original_start(w.byte_start),
                offset_to: normalized.original_end(w.byte_end),
                position: w.start,
                chars: w.end - w.start,
            })
            .collect();
        ZhTokenStream { text: normalized.into_text(), spans: Cow::Owned(spans), next: 0, token: Token::default() }
    }
}

/// The index side's tokenizer: [`ZhTokenizer`] remembering the last text it cut. tantivy keeps
/// one tokenizer per field and indexing thread, and every passage of an article carries the
/// article's title, added one after the other: the title field of a thread mostly sees the
/// same title several times in a row, and cuts it once (10k-page build: 29% of the title,
/// heading and body texts are repeats; 1k-page build 4.80 G -> 4.76 G instructions).
#[derive(Clone, Debug)]
pub struct RepeatingTokenizer {
    inner: ZhTokenizer,
    /// the last text, its normalised form and its tokens
    text: String,
    normalized: String,
    spans: Vec<Span>,
}

impl RepeatingTokenizer {
    pub fn new(inner: ZhTokenizer) -> Self {
        RepeatingTokenizer { inner, text: String::new(), normalized: String::new(), spans: Vec::new() }
    }
}

impl Tokenizer for RepeatingTokenizer {
    type TokenStream<'a> = ZhTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream<'a> {
        if text != self.text {
            let stream = self.inner.stream(text);
            self.normalized.clear();
            self.normalized.push_str(&stream.text);
            self.spans = stream.spans.into_owned();
            self.text.clear();
            self.text.push_str(text);
        }
        ZhTokenStream {
            text: Cow::Borrowed(&self.normalized),
            spans: Cow::Borrowed(&self.spans),
            next: 0,
            token: Token::default(),
        }
    }
}

/// Where a token lies: bytes of the normalised text, bytes of the original, characters.
#[derive(Clone, Debug)]
struct Span {
    start: usize,
    end: usize,
    offset_from: usize,
    offset_to: usize,
    position: usize,
    chars: usize,
}

/// The tokens of one text for tantivy, written one at a time into the same [`Token`].
pub struct ZhTokenStream<'a> {
    text: Cow<'a, str>,
    spans: Cow<'a, [Span]>,
    next: usize,
    token: Token,
}

impl TokenStream for ZhTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(s) = self.spans.get(self.next) else { return false };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[s.start..s.end]);
        self.token.offset_from = s.offset_from;
        self.token.offset_to = s.offset_to;
        self.token.position = s.position;
        self.token.position_length = s.chars;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The tokens of one text, computed up front and handed to tantivy one at a time (the bigram
/// tokenizer's stream).
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    pub fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream<'a> {
        self.stream(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(g: Granularity, text: &str) -> Vec<String> {
        ZhTokenizer::new(g).tokens(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn search_mode_keeps_words_and_their_parts() {
        let w = words(Granularity::Search, "中华人民共和国的医保卡");
        for expected in ["中华", "人民", "共和国", "中华人民共和国", "医保卡"] {
            assert!(w.contains(&expected.to_string()), "{expected} missing from {w:?}");
        }
        let p = words(Granularity::Precise, "中华人民共和国的医保卡");
        assert_eq!(p, vec!["中华人民共和国", "的", "医保卡"]);
    }

    #[test]
    fn punctuation_and_spaces_are_not_tokens_and_case_is_folded() {
        let w = words(Granularity::Search, "下载 ＡＰＰ，拨打１２３３３！🙂");
        assert_eq!(w, vec!["下载", "app", "拨打", "12333"]);
    }

    #[test]
    fn traditional_and_simplified_give_the_same_tokens_over_the_original_characters() {
        let text = "醫保卡遺失怎麼辦";
        let toks = ZhTokenizer::new(Granularity::Precise).tokens(text);
        let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, words_of("医保卡遗失怎么办"));
        assert_eq!(&text[toks[0].offset_from..toks[0].offset_to], "醫保卡");
    }

    fn words_of(text: &str) -> Vec<&'static str> {
        let toks = ZhTokenizer::new(Granularity::Precise).tokens(text);
        toks.into_iter().map(|t| &*Box::leak(t.text.into_boxed_str())).collect()
    }

    /// Texts repeated, alternating, empty, or differing in one character: each gets its own
    /// tokens, as the plain tokenizer gives them.
    #[test]
    fn the_repeating_tokenizer_gives_every_text_its_own_tokens() {
        let plain = ZhTokenizer::new(Granularity::Search);
        let mut repeating = RepeatingTokenizer::new(plain);
        let texts = [
            "青海海东医保怎么缴费",
            "青海海东医保怎么缴费",
            "",
            "",
            "線上辦理医保",
            "青海海东医保怎么缴费",
            "青海海东医保怎么交费",
        ];
        for text in texts {
            let mut stream = repeating.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            let expected: Vec<_> =
                plain.tokens(text).into_iter().map(|t| (t.text, t.offset_from, t.offset_to, t.position)).collect();
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn domain_terms_stay_whole() {
        for term in ["医保钱包", "异地就医备案", "医保电子凭证", "门诊慢特病", "家庭共济"] {
            let p = words(Granularity::Precise, &format!("关于{term}的规定"));
            assert!(p.contains(&term.to_string()), "{term} cut into {p:?}");
        }
    }

    #[test]
    fn every_dictionary_term_is_one_token_alone_and_in_a_sentence() {
        let terms: Vec<&str> = crate::analysis::USER_DICT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(terms.len() >= 300, "only {} terms", terms.len());
        let mut split = Vec::new();
        for term in &terms {
            let alone = words(Granularity::Precise, term);
            let framed = words(Granularity::Precise, &format!("请问{term}怎么办理"));
            if alone != vec![term.to_string()] || !framed.contains(&term.to_string()) {
                split.push(format!("{term}: {alone:?} / {framed:?}"));
            }
        }
        assert!(split.is_empty(), "terms cut apart:\n{}", split.join("\n"));
    }

    #[test]
    fn stream_yields_every_token_once() {
        let mut t = ZhTokenizer::new(Granularity::Precise);
        let mut s = t.token_stream("医保卡余额");
        let mut seen = Vec::new();
        while let Some(tok) = s.next() {
            seen.push(tok.text.clone());
        }
        assert_eq!(seen, vec!["医保卡", "余额"]);
    }

    fn mixed_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "医保",
            "钱包",
            "参保地",
            "怎么",
            "变更",
            "。",
            "，",
            "？",
            " ",
            "\n",
            "ＡＰＰ",
            "ａｂｃ",
            "１２３",
            "APP",
            "Abc",
            "12333",
            "🙂",
            "👨‍👩‍👧",
            "e\u{301}",
            "\u{3000}",
            "𠀀",
            "İ",
            "ß",
            "Σ",
            "中华人民共和国",
            "WES-5.4.5",
            "\u{200B}",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn offsets_are_char_boundaries_into_the_original(text in mixed_text()) {
            for g in [Granularity::Search, Granularity::Precise] {
                for tok in ZhTokenizer::new(g).tokens(&text) {
                    prop_assert!(tok.offset_from < tok.offset_to && tok.offset_to <= text.len());
                    prop_assert!(text.is_char_boundary(tok.offset_from) && text.is_char_boundary(tok.offset_to));
                    let slice = &text[tok.offset_from..tok.offset_to];
                    // the token is the normalised slice (or, where one character normalises to
                    // several such as İ → i̇, part of it)
                    prop_assert!(crate::analysis::normalize::normalize(slice).contains(&tok.text), "{:?} vs {:?}", slice, tok.text);
                }
            }
        }
    }
}
