//! Normalisation before segmentation: traditional to simplified Chinese (醫保卡遺失 → 医保卡遗失,
//! by the fast2s crate, whose table comes from simplet2s and converts character for character,
//! looking at neighbours for the few ambiguous ones), full-width forms to half-width (ＡＰＰ → APP,
//! １２３３３ → 12333, U+3000 → space) and lower case. The normalised text keeps a map back to the
//! original byte offsets, so tokens and highlights always point at the characters the page
//! really has.

use std::borrow::Cow;

/// The normalised form of one character, appended to `out`.
fn push_normalized(c: char, out: &mut String) {
    if super::is_han(c) {
        out.push(c);
        return;
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

fn changes(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    !super::is_han(c) && (matches!(c as u32, 0xFF01..=0xFF5E | 0x3000) || c.is_uppercase())
}

/// Which normalisations to apply (all, in the product; the relevance benchmark switches them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalizer {
    /// Full-width forms to half-width, and lower case.
    pub fold_width_case: bool,
    /// Traditional to simplified Chinese.
    pub traditional_to_simplified: bool,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer { fold_width_case: true, traditional_to_simplified: true }
    }
}

mod generated {
    include!(concat!(env!("OUT_DIR"), "/t2s-bitmap.rs"));
}

/// Whether fast2s may change `c` (the bitmap is computed from fast2s itself by build.rs).
fn may_change(c: char) -> bool {
    let u = c as usize;
    u < 0x10000 && (generated::MAY_CHANGE[u >> 6] >> (u & 63)) & 1 == 1
}

/// `text` in simplified characters, when that changes it and keeps one character per character.
/// Most texts are simplified already: a look at each character in a bitmap says so without
/// running the conversion (a hash-table look-up and a push per character).
fn simplified(text: &str) -> Option<String> {
    if text.is_ascii() || !text.chars().any(may_change) {
        return None;
    }
    let s = fast2s::convert(text);
    (s != text && s.chars().count() == text.chars().count()).then_some(s)
}

/// Text after normalisation, with the way back to the original.
pub struct Normalized<'a> {
    original: &'a str,
    text: Cow<'a, str>,
    /// For each byte of `text` (and one past the end), the original byte offset of the character
    /// it came from. Empty when `text` is the original.
    origin: Vec<u32>,
}

/// What normalisation does to a text: its simplified form (when that differs), and whether
/// width and case folding change anything.
fn plan(original: &str, normalizer: Normalizer) -> (Option<String>, bool) {
    let simple = if normalizer.traditional_to_simplified { simplified(original) } else { None };
    let fold = normalizer.fold_width_case && simple.as_deref().unwrap_or(original).chars().any(changes);
    (simple, fold)
}

/// The normalised text alone, without the map back to the original (fingerprints, query
/// words): the same text as [`Normalized::text`], with no per-byte offset table to build.
pub fn normalized_text(original: &str, normalizer: Normalizer) -> Cow<'_, str> {
    match plan(original, normalizer) {
        (None, false) => Cow::Borrowed(original),
        (Some(simple), false) => Cow::Owned(simple),
        (simple, true) => {
            let mut text = String::with_capacity(original.len());
            simple.as_deref().unwrap_or(original).chars().for_each(|c| push_normalized(c, &mut text));
            Cow::Owned(text)
        }
    }
}

impl<'a> Normalized<'a> {
    pub fn new(original: &'a str, normalizer: Normalizer) -> Self {
        let (simple, fold) = plan(original, normalizer);
        if simple.is_none() && !fold {
            return Normalized { original, text: Cow::Borrowed(original), origin: Vec::new() };
        }
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len() + 1);
        let source = simple.as_deref().unwrap_or(original);
        for ((i, _), c) in original.char_indices().zip(source.chars()) {
            let before = text.len();
            if fold {
                push_normalized(c, &mut text);
            } else {
                text.push(c);
            }
            origin.extend(std::iter::repeat_n(i as u32, text.len() - before));
        }
        origin.push(original.len() as u32);
        Normalized { original, text: Cow::Owned(text), origin }
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The normalised text, giving up the map back to the original.
    pub fn into_text(self) -> Cow<'a, str> {
        self.text
    }

    /// The original byte offset where normalised byte `b` (a token start) begins.
    pub fn original_start(&self, b: usize) -> usize {
        if self.origin.is_empty() { b } else { self.origin[b] as usize }
    }

    /// The original byte offset where a token ending at normalised byte `e` ends: the end of
    /// the original character that produced byte `e - 1`.
    pub fn original_end(&self, e: usize) -> usize {
        if self.origin.is_empty() {
            return e;
        }
        if e == 0 {
            return 0;
        }
        let from = self.origin[e - 1];
        self.origin[e..].iter().copied().find(|&o| o != from).map_or(self.original.len(), |o| o as usize)
    }
}

/// The normalised form of a whole string, with every normalisation (no offset map).
pub fn normalize(text: &str) -> String {
    normalized_text(text, Normalizer::default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(normalize("ＡＰＰ下载，拨打１２３３３"), "app下载,拨打12333");
        assert_eq!(normalize("国家医保服务平台APP"), "国家医保服务平台app");
        assert_eq!(normalize("a\u{3000}b"), "a b");
    }

    #[test]
    fn traditional_becomes_simplified_character_for_character() {
        assert_eq!(normalize("醫保卡遺失怎麼補辦"), "医保卡遗失怎么补办");
        assert_eq!(normalize("醫療保險ＡＰＰ"), "医疗保险app");
        let original = "參保地變更";
        let n = Normalized::new(original, Normalizer::default());
        assert_eq!(n.text(), "参保地变更");
        assert_eq!(&original[n.original_start(0)..n.original_end(9)], "參保地");
        let off = Normalizer { traditional_to_simplified: false, ..Normalizer::default() };
        assert_eq!(Normalized::new("醫保ＡＰＰ", off).text(), "醫保app");
    }

    #[test]
    fn characters_outside_the_bitmap_never_change() {
        let unchanged: String = ('\u{800}'..='\u{FFFF}').filter(|&c| !may_change(c)).collect();
        assert_eq!(fast2s::convert(&unchanged), unchanged);
        assert!(may_change('醫') && may_change('著') && !may_change('医') && !may_change('a'));
        // conversions that depend on the neighbours still happen as fast2s makes them
        for t in ["看著 藉口 計畫 闔家 乾隆 乾淨", "医保卡遗失 著"] {
            assert_eq!(normalize(t), fast2s::convert(t), "{t}");
        }
        assert_eq!(normalize("看著 計畫"), "看着 计划");
        assert_eq!(normalize("医保卡遗失"), "医保卡遗失");
    }

    #[test]
    fn text_alone_is_the_text_of_the_mapped_form() {
        let every = [Normalizer::default(), Normalizer { fold_width_case: false, ..Normalizer::default() }];
        let every = every.into_iter().chain([Normalizer { traditional_to_simplified: false, ..Normalizer::default() }]);
        for n in every {
            for t in ["醫保ＡＰＰ下載", "医保卡", "ABC　ｄｅｆ", "", "參保地變更 ＡＰＰ"] {
                assert_eq!(normalized_text(t, n), Normalized::new(t, n).text(), "{t} {n:?}");
            }
        }
    }

    #[test]
    fn offsets_map_back_to_original_characters() {
        let original = "拨打１２３３３热线";
        let n = Normalized::new(original, Normalizer::default());
        assert_eq!(n.text(), "拨打12333热线");
        let start = n.text().find("12333").unwrap();
        let end = start + "12333".len();
        assert_eq!(&original[n.original_start(start)..n.original_end(end)], "１２３３３");
        let plain = Normalized::new("医保", Normalizer::default());
        assert_eq!(plain.original_end(3), 3);
    }
}
