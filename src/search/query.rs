//! From the words a person typed to a tantivy query.
//!
//! The query text is normalised and cut by jieba in precise mode (one token per word); words
//! that carry no meaning (怎么, 吗, 的 …) are dropped when others remain. Each word matches the
//! title, the question heading or the answer text (title and heading weigh more); a long word
//! also matches through the shorter dictionary words inside it, at a lower weight, so that text
//! jieba cut differently still answers. The query is built directly from terms: tantivy's
//! QueryParser would turn a word that splits into several tokens into an exact phrase.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::analysis::{Granularity, ZhTokenizer, is_stopword};
use crate::index::Fields;

/// Weight of a match in the article title, relative to the answer text.
const TITLE_BOOST: f32 = 2.0;
/// Weight of a match in the question heading of a passage.
const SECTION_BOOST: f32 = 1.5;
/// Weight of a match through a shorter word inside a query word.
const PART_BOOST: f32 = 0.5;

/// One meaningful word of a query, with the dictionary words inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub text: String,
    pub parts: Vec<String>,
}

/// The meaningful words of a query, in order, each once.
pub fn query_words(query: &str) -> Vec<QueryWord> {
    let mut words: Vec<String> = Vec::new();
    for t in ZhTokenizer::new(Granularity::Precise).tokens(query) {
        if !words.contains(&t.text) {
            words.push(t.text);
        }
    }
    if words.iter().any(|w| !is_stopword(w)) {
        words.retain(|w| !is_stopword(w));
    }
    let search = ZhTokenizer::new(Granularity::Search);
    words
        .into_iter()
        .map(|text| {
            let mut parts: Vec<String> = Vec::new();
            if text.chars().count() >= 3 {
                for t in search.tokens(&text) {
                    if t.text != text && !parts.contains(&t.text) && !is_stopword(&t.text) {
                        parts.push(t.text);
                    }
                }
            }
            QueryWord { text, parts }
        })
        .collect()
}

fn field_terms(f: &Fields, word: &str, weight: f32) -> Vec<(Occur, Box<dyn Query>)> {
    [(f.title, TITLE_BOOST), (f.section, SECTION_BOOST), (f.body, 1.0)]
        .into_iter()
        .map(|(field, boost)| {
            let q = TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost * weight)) as Box<dyn Query>)
        })
        .collect()
}

/// A query matching passages that hold at least `minimum` of `words`.
pub fn build(f: &Fields, words: &[QueryWord], minimum: usize) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|w| {
            let mut alternatives = field_terms(f, &w.text, 1.0);
            for part in &w.parts {
                alternatives.extend(field_terms(f, part, PART_BOOST));
            }
            (Occur::Should, Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
        })
        .collect();
    Box::new(BooleanQuery::with_minimum_required_clauses(clauses, minimum.clamp(1, words.len().max(1))))
}

/// Every term a match may have been made through (for highlighting).
pub fn highlight_terms(words: &[QueryWord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        for t in std::iter::once(&w.text).chain(&w.parts) {
            if !out.contains(t) {
                out.push(t.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &str) -> Vec<String> {
        query_words(q).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn question_words_do_not_count_unless_alone() {
        assert_eq!(texts("医保卡余额有上限吗"), vec!["医保卡", "余额", "上限"]);
        assert_eq!(texts("怎么 如何"), vec!["怎么", "如何"]);
        assert_eq!(texts("，。！"), Vec::<String>::new());
        assert_eq!(texts("医保卡 医保卡 ＡＰＰ"), vec!["医保卡", "app"]);
    }

    #[test]
    fn long_words_bring_their_parts() {
        let w = query_words("中华人民共和国");
        assert_eq!(w[0].text, "中华人民共和国");
        assert!(w[0].parts.contains(&"中华".to_string()));
    }
}
