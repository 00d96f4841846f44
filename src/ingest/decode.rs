//! Bytes to text: byte-order mark, then the charset the page declares, then detection.
//! GBK and GB2312 labels decode as GB18030 (its superset), as browsers do.

use std::sync::LazyLock;

use encoding_rs::{Encoding, GB18030, UTF_8};
use regex::bytes::Regex;

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeProblem {
    /// The bytes look like a binary file (NUL bytes or many control characters).
    Binary,
    /// No encoding decodes the bytes cleanly.
    Undecodable,
}

static META_CHARSET_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)"#).expect("static regex"));

/// Decoded text and the name of the encoding it was in.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Bytes that were not valid in that encoding, each replaced by U+FFFD (a stray byte, a
    /// last character cut in half).
    pub replaced: usize,
}

/// Decodes a file's bytes. `html` enables the `<meta charset>` / `http-equiv` look-up.
pub fn decode(bytes: &[u8], html: bool) -> Result<Decoded, DecodeProblem> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if !had_errors {
            return Ok(Decoded { text: text.into_owned(), encoding: enc.name(), replaced: 0 });
        }
    }
    if looks_binary(bytes) {
        return Err(DecodeProblem::Binary);
    }
    let head = &bytes[..bytes.len().min(4096)];
    if html
        && let Some(label) = META_CHARSET_RE.captures(head).and_then(|c| c.get(1))
        && let Some(enc) = Encoding::for_label(label.as_bytes())
    {
        let enc = if enc == encoding_rs::GBK { GB18030 } else { enc };
        if let Some(text) = clean(enc, bytes) {
            return Ok(Decoded { text, encoding: enc.name(), replaced: 0 });
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: text.to_string(), encoding: UTF_8.name(), replaced: 0 });
    }
    if let Some(decoded) = nearly_utf8(bytes) {
        return Ok(decoded);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    let guess = if guess == encoding_rs::GBK { GB18030 } else { guess };
    for enc in [guess, GB18030] {
        if let Some(text) = clean(enc, bytes) {
            return Ok(Decoded { text, encoding: enc.name(), replaced: 0 });
        }
    }
    // Last resort: a few bad bytes in an otherwise Chinese page are tolerated.
    let (text, _) = GB18030.decode_without_bom_handling(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    if bad * 200 <= text.chars().count() {
        return Ok(Decoded { text: text.into_owned(), encoding: GB18030.name(), replaced: bad });
    }
    Err(DecodeProblem::Undecodable)
}

/// UTF-8 text with a few bytes that are not (a stray byte, a character cut at the end of the
/// file), decoded with those bytes replaced: two, or at most one in 200 characters, and at least ten
/// well-formed characters of two or more bytes (CJK) for each, so that a page in GBK, which
/// is mostly invalid as UTF-8, is never taken for it.
fn nearly_utf8(bytes: &[u8]) -> Option<Decoded> {
    let (text, _) = UTF_8.decode_without_bom_handling(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    let wide = text.chars().filter(|&c| c >= '\u{0800}' && c != '\u{FFFD}').count();
    ((bad <= 2 || bad * 200 <= text.chars().count()) && wide >= 10 * bad).then(|| Decoded {
        text: text.into_owned(),
        encoding: UTF_8.name(),
        replaced: bad,
    })
}

fn clean(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes).map(|t| t.into_owned())
}

/// NUL bytes, or more than 10% control bytes other than white space, in the first 8 KiB.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    control * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "医保断缴后再补缴多久能用？参保地变更需要办理转移接续手续。";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(TEXT.as_bytes(), false).unwrap().text, TEXT);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(TEXT.as_bytes());
        assert_eq!(decode(&bom, false).unwrap().text, TEXT);
    }

    #[test]
    fn gbk_declared_undeclared_and_misdeclared() {
        let (gbk, _, _) = GB18030.encode(TEXT);
        let undeclared = decode(&gbk, true).unwrap();
        assert_eq!(undeclared.text, TEXT);
        let mut page = b"<html><head><meta charset=\"gb2312\"></head><body>".to_vec();
        page.extend_from_slice(&gbk);
        let declared = decode(&page, true).unwrap();
        assert_eq!(declared.encoding, "gb18030");
        assert!(declared.text.contains(TEXT));
        let mut wrong = b"<meta charset=\"utf-8\">".to_vec();
        wrong.extend_from_slice(&gbk);
        assert!(decode(&wrong, true).unwrap().text.contains(TEXT));
    }

    #[test]
    fn utf8_with_a_stray_byte_or_a_cut_last_character_is_read_with_a_replacement() {
        let page = TEXT.repeat(4);
        let mut stray = page.as_bytes().to_vec();
        stray.insert(30, 0xff);
        let d = decode(&stray, true).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
        assert!(d.text.contains("参保地变更"), "{}", d.text);
        let cut = &page.as_bytes()[..page.len() - 1];
        let d = decode(cut, true).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
        // GBK is not taken for damaged UTF-8
        let (gbk, _, _) = GB18030.encode(&page);
        assert_eq!(decode(&gbk, true).unwrap().encoding, "gb18030");
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", true).unwrap_err(), DecodeProblem::Binary);
    }
}
