//! Normalisation before segmentation: traditional to simplified Chinese (醫保卡遺失 → 医保卡遗失,
//! by the fast2s crate, whose table comes from simplet2s and converts character for character,
//! looking at neighbours for the few ambiguous ones), full-width forms to half-width (ＡＰＰ → APP,
//! １２３３３ → 12333, U+3000 → space) and lower case. The normalised text keeps a map back to the
//! original byte offsets, so tokens and highlights always point at the characters the page
//! really has.

use std::borrow::Cow;

/// The normalised form of one character (width and case folded), handed to `f`: one
/// character, or several where lower case has several (İ → i̇).
fn fold_char(c: char, f: &mut impl FnMut(char)) {
    if super::is_han(c) {
        return f(c);
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        f(c.to_ascii_lowercase());
    } else {
        c.to_lowercase().for_each(f);
    }
}

/// The normalised form of one character, appended to `out`.
fn push_normalized(c: char, out: &mut String) {
    fold_char(c, &mut |c| out.push(c));
}

/// Hands `f` each character of `text` as every normalisation leaves it: the characters of
/// [`normalized_text`] with the default normaliser, without building that text.
pub fn for_each_normalized_char(text: &str, mut f: impl FnMut(char)) {
    let simple = simplified(text);
    simple.as_deref().unwrap_or(text).chars().for_each(|c| fold_char(c, &mut f));
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
///
/// fast2s decides each character from the character itself and its two neighbours, so only
/// the characters of the bitmap are converted, each within its neighbours, and the rest of the
/// text is copied as it is: the same result as converting the whole text.
fn simplified(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already in `out`
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if may_change(c) {
            let next = chars.peek().map(|&(_, n)| n);
            let window: String = prev.into_iter().chain([c]).chain(next).collect();
            let converted = fast2s::convert(&window).chars().nth(usize::from(prev.is_some())).unwrap_or(c);
            if converted != c {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push(converted);
                copied = i + c.len_utf8();
            }
        }
        prev = Some(c);
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(o)
}

/// Text after normalisation, with the way back to the original.
pub struct Normalized<'a> {
    original: &'a str,
    text: Cow<'a, str>,
    /// For each byte of `text` (and one past the end), the original byte offset of the character
    /// it came from. Empty when every byte maps to itself (every character kept its length).
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
        // Most texts keep every character's byte length (case folding of ASCII, simplified
        // characters): their bytes map to themselves and no table is needed. The table is
        // built from the first character whose length changes (a full-width letter).
        let mut origin: Vec<u32> = Vec::new();
        let source = simple.as_deref().unwrap_or(original);
        for ((i, o), c) in original.char_indices().zip(source.chars()) {
            let before = text.len();
            if fold {
                push_normalized(c, &mut text);
            } else {
                text.push(c);
            }
            let len = text.len() - before;
            if origin.is_empty() && len == o.len_utf8() {
                continue;
            }
            if origin.is_empty() {
                origin.reserve(original.len() + 1);
                for (j, p) in text[..before].char_indices() {
                    origin.extend(std::iter::repeat_n(j as u32, p.len_utf8()));
                }
            }
            origin.extend(std::iter::repeat_n(i as u32, len));
        }
        if !origin.is_empty() {
            origin.push(original.len() as u32);
        }
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
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn converting_only_the_bitmap_characters_is_converting_everything(
            t in "[醫保著乾藉計畫闔家口看麻苧隆坤卦校讎定仇鍾書兒寬覆答批回夥甚瞭望麽幺於樊a-z 医保卡]{0,24}"
        ) {
            prop_assert_eq!(simplified(&t).unwrap_or_else(|| t.clone()), fast2s::convert(&t));
        }
    }

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
        for t in
            ["看著 藉口 計畫 闔家 乾隆 乾淨", "医保卡遗失 著", "著", "乾", "醫", "a醫b", "計畫", "畫", "乾乾淨淨的乾卦"]
        {
            assert_eq!(simplified(t).unwrap_or_else(|| t.to_string()), fast2s::convert(t), "{t}");
        }
        assert_eq!(normalize("看著 計畫"), "看着 计划");
        assert_eq!(normalize("医保卡遗失"), "医保卡遗失");
    }

    #[test]
    fn characters_one_by_one_are_the_normalised_text() {
        for t in ["醫保ＡＰＰ下載", "İstanbul　ＡＢＣ", "", "參保地變更"] {
            let mut chars = String::new();
            for_each_normalized_char(t, |c| chars.push(c));
            assert_eq!(chars, normalize(t), "{t}");
        }
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
        // lengths kept at first (case, simplified), then a full-width run: both map back
        let original = "APP醫保ＡＰＰ";
        let n = Normalized::new(original, Normalizer::default());
        assert_eq!(n.text(), "app医保app");
        assert_eq!(&original[n.original_start(0)..n.original_end(3)], "APP");
        assert_eq!(&original[n.original_start(3)..n.original_end(9)], "醫保");
        assert_eq!(&original[n.original_start(9)..n.original_end(12)], "ＡＰＰ");
    }
}
