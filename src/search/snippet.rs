//! Snippets: a window of the answer text, counted in characters, cut on sentence ends where it
//! can be, chosen to show the most distinct query words, with every match marked.
//!
//! Matches are found by running the index tokenizer over the text and keeping the tokens equal
//! to a query term, so a highlight marks exactly the characters the page has (full-width forms
//! included) and never splits a character.

use std::collections::HashSet;

use serde::Serialize;

use crate::analysis::normalize::Normalized;
use crate::analysis::{Features, Granularity, ZhTokenizer};

const ELLIPSIS: char = '…';

/// How much of a passage a snippet looks at, in characters (at least four snippets' worth).
const SCANNED_CHARS: usize = 20_000;

/// A piece of text with the character ranges `[start, end)` that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Character ranges of `text` that match one of `terms` (normalised), merged where they overlap,
/// each with the index of the term it matched. A term of two or more Han characters matches
/// wherever its characters stand in sequence (as the bigram field does); other terms match
/// whole tokens, so that `app` does not light up inside `happy`.
fn matches(text: &str, terms: &[String], features: &Features) -> Vec<(usize, usize, usize)> {
    let sequence = |t: &String| t.chars().count() >= 2 && !t.chars().any(|c| c.is_ascii());
    // Letters and digits: jieba keeps a run of them as one token, so a whole run is a match.
    let ascii_word = |t: &String| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric());
    // Only the other terms (a single Han character, mixed forms) need the text segmented; the
    // rest are found without building jieba's dictionary.
    let by_token = |t: &String| !sequence(t) && !ascii_word(t);
    let mut byte_ranges: Vec<(usize, usize, usize)> = Vec::new();
    if terms.iter().any(by_token) {
        byte_ranges = ZhTokenizer::with_features(Granularity::Search, *features)
            .tokens(text)
            .into_iter()
            .filter_map(|t| {
                terms.iter().position(|q| *q == t.text && by_token(q)).map(|i| (t.offset_from, t.offset_to, i))
            })
            .collect();
    }
    if !terms.iter().all(by_token) {
        let normalized = Normalized::new(text, features.normalizer());
        let n = normalized.text();
        let alnum_at = |at: usize| n.as_bytes().get(at).is_some_and(u8::is_ascii_alphanumeric);
        for (i, term) in terms.iter().enumerate() {
            if by_token(term) {
                continue;
            }
            let whole_run = ascii_word(term);
            for (at, _) in n.match_indices(term.as_str()) {
                let end = at + term.len();
                if whole_run && ((at > 0 && alnum_at(at - 1)) || alnum_at(end)) {
                    continue;
                }
                byte_ranges.push((normalized.original_start(at), normalized.original_end(end), i));
            }
        }
    }
    byte_ranges.sort_unstable();
    let mut merged: Vec<(usize, usize, usize)> = Vec::new();
    for (s, e, i) in byte_ranges {
        match merged.last_mut() {
            Some(last) if s < last.1 => {
                if e > last.1 {
                    last.1 = e;
                }
                // the merged range counts for the longer (more specific) term
                if terms[i].len() > terms[last.2].len() {
                    last.2 = i;
                }
            }
            _ => merged.push((s, e, i)),
        }
    }
    // byte offsets to character offsets
    let mut char_of = vec![0usize; text.len() + 1];
    let mut n = 0;
    for (b, _) in text.char_indices() {
        char_of[b] = n;
        n += 1;
    }
    char_of[text.len()] = n;
    merged.into_iter().map(|(s, e, i)| (char_of[s], char_of[e], i)).collect()
}

/// Character positions just after each sentence end (。！？；!?; and line breaks).
fn sentence_starts(chars: &[char]) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n') && i + 1 < chars.len() {
            starts.push(i + 1);
        }
    }
    starts
}

/// Builds the snippet of `text` for `terms`, at most `max_chars` characters of text (plus an
/// ellipsis at each end where text was cut). Line breaks become spaces.
pub fn snippet(text: &str, terms: &[String], max_chars: usize, features: &Features) -> Snippet {
    let max_chars = max_chars.max(10);
    // the window is chosen within the passage's first characters: the cost of a snippet is
    // bounded whatever the length of the passage
    let scanned = SCANNED_CHARS.max(4 * max_chars);
    let (text, cut) = match text.char_indices().nth(scanned) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    };
    let chars: Vec<char> = text.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    let raw: Vec<char> = text.chars().collect();
    let found = matches(text, terms, features);
    let n = chars.len();

    let (start, end) = if n <= max_chars {
        (0, n)
    } else {
        let starts = sentence_starts(&raw);
        let sentence_of = |pos: usize| starts[starts.partition_point(|&s| s <= pos).saturating_sub(1)];
        let mut candidates: Vec<usize> = starts.clone();
        for &(s, _, _) in &found {
            let sentence = sentence_of(s);
            candidates.push(if s - sentence < max_chars / 2 { sentence } else { s.saturating_sub(max_chars / 4) });
        }
        let mut best = (0usize, 0usize, false, std::cmp::Reverse(0usize));
        let mut best_window = (0, max_chars.min(n));
        for c in candidates {
            let mut e = (c + max_chars).min(n);
            if e < n {
                // end on a sentence end inside the window when that keeps most of it
                if let Some(&cut) = starts.iter().rev().find(|&&s| s > c + max_chars / 2 && s <= e) {
                    e = cut;
                }
            }
            let inside: Vec<&(usize, usize, usize)> = found.iter().filter(|(s, t, _)| *s >= c && *t <= e).collect();
            let distinct = inside.iter().map(|m| m.2).collect::<HashSet<_>>().len();
            let key = (distinct, inside.len(), starts.binary_search(&c).is_ok(), std::cmp::Reverse(c));
            if key > best {
                best = key;
                best_window = (c, e);
            }
        }
        best_window
    };

    // trim white space at the window's edges
    let (mut start, mut end) = (start, end);
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    let mut out = String::new();
    let lead = usize::from(start > 0);
    if start > 0 {
        out.push(ELLIPSIS);
    }
    out.extend(&chars[start..end]);
    if end < n || cut {
        out.push(ELLIPSIS);
    }
    // matches side by side (网上 + 缴费) read as one highlight
    let mut highlights: Vec<(usize, usize)> = Vec::new();
    for &(s, e, _) in found.iter().filter(|(s, e, _)| *s >= start && *e <= end) {
        let (s, e) = (s - start + lead, e - start + lead);
        match highlights.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => highlights.push((s, e)),
        }
    }
    Snippet { text: out, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_passage_gives_a_snippet_from_its_start_and_says_it_goes_on() {
        let sentence = "参保人可以在网上办理医保缴费业务。";
        let huge = sentence.repeat(100_000); // 1.7 M characters, one passage
        let s = snippet(&huge, &terms(&["医保", "缴费"]), 120, &Features::default());
        assert!(s.text.ends_with(ELLIPSIS), "{}", s.text);
        assert!(s.text.chars().count() <= 122);
        assert!(!s.highlights.is_empty());
    }

    fn terms(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    fn marked(s: &Snippet) -> String {
        let chars: Vec<char> = s.text.chars().collect();
        let mut out = String::new();
        let mut last = 0;
        for &(a, b) in &s.highlights {
            out.extend(&chars[last..a]);
            out.push('【');
            out.extend(&chars[a..b]);
            out.push('】');
            last = b;
        }
        out.extend(&chars[last..]);
        out
    }

    #[test]
    fn short_text_is_whole_with_matches_marked() {
        let s = snippet("医保卡余额存在年度支付上限。", &terms(&["上限", "医保卡"]), 120, &Features::default());
        assert_eq!(marked(&s), "【医保卡】余额存在年度支付【上限】。");
    }

    #[test]
    fn window_goes_to_the_sentence_with_the_most_query_words() {
        let filler = "这是一段与问题无关的说明文字。".repeat(20);
        let text = format!("{filler}网上缴费可以通过支付宝完成。{filler}");
        let s = snippet(&text, &terms(&["网上", "缴费", "支付宝"]), 60, &Features::default());
        assert!(s.text.chars().count() <= 62, "{}", s.text);
        assert!(s.text.contains("网上缴费可以通过支付宝完成。"), "{}", s.text);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(s.highlights.len(), 2);
        assert!(marked(&s).contains("【网上缴费】可以通过【支付宝】"));
    }

    #[test]
    fn highlights_are_character_offsets_of_the_original_form() {
        let s = snippet("下载ＡＰＰ后登录", &terms(&["app"]), 120, &Features::default());
        let chars: Vec<char> = s.text.chars().collect();
        let (a, b) = s.highlights[0];
        assert_eq!(chars[a..b].iter().collect::<String>(), "ＡＰＰ");
    }

    #[test]
    fn letters_match_whole_runs_only() {
        let s = snippet("happy的APP，下载ＡＰＰ或app2", &terms(&["app"]), 120, &Features::default());
        assert_eq!(marked(&s), "happy的【APP】，下载【ＡＰＰ】或app2");
    }

    #[test]
    fn no_match_gives_the_start_of_the_text() {
        let text = "第一句话。".repeat(40);
        let s = snippet(&text, &terms(&["无关"]), 30, &Features::default());
        assert!(s.text.starts_with("第一句话。"));
        assert!(s.highlights.is_empty());
        assert!(s.text.chars().count() <= 31);
        assert_eq!(snippet("", &terms(&["x"]), 30, &Features::default()).text, "");
    }
}
