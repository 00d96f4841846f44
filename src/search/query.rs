//! From the words a person typed to a tantivy query.
//!
//! The query text is normalised and cut by jieba in precise mode (one token per word); words
//! that carry no meaning (怎么, 吗, 的 …) are dropped when others remain. Each word matches the
//! title, the question heading or the answer text (title and heading weigh more); a long word
//! also matches through the shorter dictionary words inside it, at a lower weight, so that text
//! jieba cut differently still answers. The query is built directly from terms: tantivy's
//! QueryParser would turn a word that splits into several tokens into an exact phrase.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::analysis::synonyms::synonyms_of;
use crate::analysis::{Features, GramTokenizer, Granularity, ZhTokenizer, is_stopword};
use crate::index::Fields;

/// Weight of a match in the article title, relative to the answer text.
const TITLE_BOOST: f32 = 2.0;
/// Weight of a match in the question heading of a passage.
const SECTION_BOOST: f32 = 1.5;
/// Weight of a match through a shorter word inside a query word (tuned on the relevance
/// benchmark: 0.5 → 0.8 moved baoxianzhidao MRR@10 from 0.774 to 0.781).
const PART_BOOST: f32 = 0.8;
/// Weight of a match of a query word's characters in sequence (the bigram field).
const GRAM_BOOST: f32 = 0.5;
/// Weight of a match through a synonym.
const SYNONYM_BOOST: f32 = 0.3;

/// One meaningful word of a query, with what else may stand for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub text: String,
    /// Dictionary words inside it (search mode), for a word of three characters or more.
    pub parts: Vec<String>,
    /// Domain synonyms, each as its words (precise mode).
    pub synonyms: Vec<Vec<String>>,
}

/// The meaningful words of a query, in order, each once.
pub fn query_words(query: &str, features: &Features) -> Vec<QueryWord> {
    let mut words: Vec<String> = Vec::new();
    for t in ZhTokenizer::with_features(Granularity::Precise, *features).tokens(query) {
        if !words.contains(&t.text) {
            words.push(t.text);
        }
    }
    if features.stopwords && words.iter().any(|w| !is_stopword(w)) {
        words.retain(|w| !is_stopword(w));
    }
    let search = ZhTokenizer::with_features(Granularity::Search, *features);
    let precise = ZhTokenizer::with_features(Granularity::Precise, *features);
    words
        .into_iter()
        .map(|text| {
            let mut parts: Vec<String> = Vec::new();
            if text.chars().count() >= 3 {
                for t in search.tokens(&text) {
                    if t.text != text && !parts.contains(&t.text) && !(features.stopwords && is_stopword(&t.text)) {
                        parts.push(t.text);
                    }
                }
            }
            let synonyms = if features.synonyms {
                synonyms_of(&text).iter().map(|s| precise.tokens(s).into_iter().map(|t| t.text).collect()).collect()
            } else {
                Vec::new()
            };
            QueryWord { text, parts, synonyms }
        })
        .collect()
}

fn boosted(q: impl Query, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(q), boost))
}

fn field_terms(f: &Fields, word: &str, weight: f32) -> Vec<(Occur, Box<dyn Query>)> {
    [(f.title, TITLE_BOOST), (f.section, SECTION_BOOST), (f.body, 1.0)]
        .into_iter()
        .map(|(field, boost)| {
            let q = TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
            (Occur::Should, boosted(q, boost * weight))
        })
        .collect()
}

/// The characters of `text` in sequence, on the bigram field.
fn gram_sequence(f: &Fields, features: &Features, text: &str) -> Option<Box<dyn Query>> {
    let grams = GramTokenizer::new(*features).tokens(text);
    match grams.len() {
        0 => None,
        1 => {
            Some(Box::new(TermQuery::new(Term::from_field_text(f.grams, &grams[0].text), IndexRecordOption::WithFreqs)))
        }
        _ => {
            let first = grams[0].position;
            let terms = grams.iter().map(|g| (g.position - first, Term::from_field_text(f.grams, &g.text))).collect();
            Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, 0)))
        }
    }
}

/// Every word of `words` in any field, each at `weight`.
fn all_of(f: &Fields, words: &[String], weight: f32) -> Box<dyn Query> {
    let musts =
        words.iter().map(|w| (Occur::Must, Box::new(BooleanQuery::new(field_terms(f, w, weight))) as Box<dyn Query>));
    Box::new(BooleanQuery::new(musts.collect()))
}

/// A query matching passages that hold at least `minimum` of `words`.
pub fn build(f: &Fields, features: &Features, words: &[QueryWord], minimum: usize) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|w| {
            let mut alternatives = field_terms(f, &w.text, 1.0);
            for part in &w.parts {
                alternatives.extend(field_terms(f, part, PART_BOOST));
            }
            if features.bigrams
                && let Some(q) = gram_sequence(f, features, &w.text)
            {
                alternatives.push((Occur::Should, boosted_box(q, GRAM_BOOST)));
            }
            for synonym in &w.synonyms {
                alternatives.push((Occur::Should, all_of(f, synonym, SYNONYM_BOOST)));
                if features.bigrams
                    && let Some(q) = gram_sequence(f, features, &synonym.concat())
                {
                    alternatives.push((Occur::Should, boosted_box(q, GRAM_BOOST * SYNONYM_BOOST)));
                }
            }
            (Occur::Should, Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
        })
        .collect();
    Box::new(BooleanQuery::with_minimum_required_clauses(clauses, minimum.clamp(1, words.len().max(1))))
}

fn boosted_box(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// Every term a match may have been made through (for highlighting).
pub fn highlight_terms(words: &[QueryWord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let synonyms = w.synonyms.iter().flatten();
        for t in std::iter::once(&w.text).chain(&w.parts).chain(synonyms) {
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
        query_words(q, &Features::default()).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn question_words_do_not_count_unless_alone() {
        assert_eq!(texts("医保卡余额有上限吗"), vec!["医保卡", "余额", "上限"]);
        assert_eq!(texts("怎么 如何"), vec!["怎么", "如何"]);
        assert_eq!(texts("，。！"), Vec::<String>::new());
        assert_eq!(texts("医保卡 医保卡 ＡＰＰ"), vec!["医保卡", "app"]);
    }

    #[test]
    fn synonyms_come_along_only_when_switched_on() {
        let w = query_words("社保卡", &Features::default());
        assert!(w[0].synonyms.iter().any(|s| s.concat() == "社会保障卡"), "{w:?}");
        let off = Features { synonyms: false, ..Features::default() };
        assert!(query_words("社保卡", &off)[0].synonyms.is_empty());
        let keep = Features { stopwords: false, ..Features::default() };
        let texts: Vec<String> = query_words("医保卡余额有上限吗", &keep).into_iter().map(|w| w.text).collect();
        assert!(texts.contains(&"吗".to_string()));
    }

    #[test]
    fn long_words_bring_their_parts() {
        let w = query_words("中华人民共和国", &Features::default());
        assert_eq!(w[0].text, "中华人民共和国");
        assert!(w[0].parts.contains(&"中华".to_string()));
    }
}
