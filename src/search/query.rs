//! From the words a person typed to a tantivy query.
//!
//! The query text is normalised and cut by jieba in precise mode (one token per word); question
//! words and particles (怎么, 多久, 吗 …) among other words are optional and looked for in titles
//! and headings only ([`Requirement::optional`]). Each word matches the
//! title, the question heading or the answer text (title and heading weigh more); a long word
//! also matches through the shorter dictionary words inside it, at a lower weight, so that text
//! jieba cut differently still answers. The query is built directly from terms: tantivy's
//! QueryParser would turn a word that splits into several tokens into an exact phrase.

use std::ops::Bound;
use std::sync::Arc;
use tantivy::Term;

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::bonus::BonusQuery;
use super::checked::boolean;
use super::collect::TEASER_WEIGHT;
use super::cover::TitleCoverQuery;
use super::known::{KnownTermQuery, KnownTerms};
use super::maxscore::{Requirements, TermSet, ValueRange, WeightedTerm};
use super::sum::SumQuery;
use super::syntax::{Filters, ParsedQuery};
use crate::analysis::synonyms::synonyms_of;
use crate::analysis::{Features, GramTokenizer, Granularity, ZhTokenizer, is_stopword};
use crate::index::Fields;

/// Weight of a match in the article title, relative to the answer text.
const TITLE_BOOST: f32 = 2.0;
/// Weight of a match in the question heading of a passage.
const SECTION_BOOST: f32 = 1.5;
/// Weight of a match through a shorter word inside a query word.
const PART_BOOST: f32 = 0.8;
/// Weight of a match of a query word's characters in sequence (the bigram field).
const GRAM_BOOST: f32 = 0.5;
/// Score of an article tagged with a place the query names (about one good word match).
const REGION_SCORE: f32 = 3.0;
/// Weight of a match through a synonym.
const SYNONYM_BOOST: f32 = 0.3;
/// The most an answer gains when the query says all of its title and heading, each pair of
/// characters as rare as can be ([`TitleCoverQuery`]); set on the relevance benchmark's weights
/// sets (BENCHMARKS.md, "Relevance").
const TITLE_SAID: f32 = 100.0;

/// The most telling words of a query whose guessed words also match through their dictionary
/// pieces (see [`pieces`]).
const SHORT_QUERY_WORDS: usize = 4;

/// One meaningful word of a query, with what else may stand for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub text: String,
    /// Dictionary words inside it (search mode), for a word of three characters or more; the
    /// dictionary's pieces of a word jieba guessed, in a short query.
    pub parts: Vec<String>,
    /// Domain synonyms, each as its words (precise mode).
    pub synonyms: Vec<Vec<String>>,
}

/// The meaningful words of a query, in order, each once.
#[cfg(test)]
fn query_words(query: &str, features: &Features) -> Vec<QueryWord> {
    let mut words = all_words(query, features);
    if features.stopwords && words.iter().any(|w| !is_stopword(&w.text)) {
        words.retain(|w| !is_stopword(&w.text));
    }
    words
}

/// The words of a query, in order, each once, question words included.
fn all_words(query: &str, features: &Features) -> Vec<QueryWord> {
    let mut words: Vec<String> = Vec::new();
    for t in ZhTokenizer::with_features(Granularity::Precise, *features).tokens(query) {
        if !words.contains(&t.text) {
            words.push(t.text);
        }
    }
    let search = ZhTokenizer::with_features(Granularity::Search, *features);
    let precise = ZhTokenizer::with_features(Granularity::Precise, *features);
    // a word jieba guessed (not in the dictionary) also matches through its pieces, in a short
    // query: in a long question the pieces (single characters, mostly) only add noise
    let short = words.iter().filter(|w| !is_stopword(w)).count() <= SHORT_QUERY_WORDS;
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
            if features.domain_dictionary && short {
                for piece in pieces(&text) {
                    if !(parts.contains(&piece) || features.stopwords && is_stopword(&piece)) {
                        parts.push(piece);
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

/// The pieces of a word that the dictionary does not hold (jieba's guess at an unknown word
/// from the characters around it: 能转, 区交): the text cut by the dictionary alone. No page may
/// hold the guessed word, while its pieces answer. Empty for a dictionary word.
fn pieces(text: &str) -> Vec<String> {
    if text.chars().count() < 2 || !text.chars().all(crate::analysis::is_han) {
        return Vec::new();
    }
    if crate::analysis::lookup::words_in(text).iter().any(|(w, _)| *w == text) {
        return Vec::new();
    }
    let Some(jieba) = crate::analysis::lookup::jieba_for(text) else { return Vec::new() };
    jieba.cut(text, false).into_iter().map(|t| t.word).filter(|p| *p != text).map(str::to_string).collect()
}

/// How the matches of a query will be read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Access<'a> {
    /// Every match in turn (an exhaustive search).
    Scan,
    /// A few chosen passages, far apart (the second pass of a pruned search), with where the
    /// first pass found its terms in each segment.
    Seek(&'a Arc<KnownTerms>),
}

/// What a query is built for: how its matches will be read, and the sides whose documents it
/// scores (a document of one side holds none of the other side's text fields, so a query
/// without them scores it the same, and opens fewer postings).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub access: Access<'a>,
    pub sides: &'a [Side],
}

impl Scope<'_> {
    /// Every match of both sides, in turn: an exhaustive search.
    pub(crate) const SCAN: Scope<'static> = Scope { access: Access::Scan, sides: &Side::BOTH };
}

/// Matches what any of `clauses` matches, scoring the sum of those that match: tantivy's union
/// for a scan (it walks dense matches a window at a time), [`SumQuery`] for seeks (tantivy's
/// union would score a whole window of 4,096 documents for each passage sought).
fn any_of(clauses: Vec<(Occur, Box<dyn Query>)>, scope: Scope) -> Box<dyn Query> {
    match scope.access {
        Access::Scan => boolean(clauses),
        Access::Seek(_) => Box::new(SumQuery::new(clauses.into_iter().map(|(_, q)| q).collect(), 1)),
    }
}

/// A term of a text field, scored with its frequencies; read from where the first pass found
/// it when that is known.
fn term_query(term: Term, scope: Scope) -> Box<dyn Query> {
    match scope.access {
        Access::Seek(known) => Box::new(KnownTermQuery::new(term, known.clone())),
        Access::Scan => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
    }
}

/// What a document of the index answers with, each in text fields of its own: a passage of an
/// article, or a teaser (ranked at [`TEASER_WEIGHT`] of its score). The first pass of a pruned
/// search ranks the two sides as separate sets of terms ([`candidates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Passages,
    Teasers,
}

impl Side {
    pub(crate) const BOTH: [Side; 2] = [Side::Passages, Side::Teasers];

    /// The text fields a word is looked for in, with their weights: an article's title,
    /// question heading and answer text; a teaser's title and summary.
    fn fields(self, f: &Fields) -> Vec<(Field, f32)> {
        match self {
            Side::Passages => vec![(f.title, TITLE_BOOST), (f.section, SECTION_BOOST), (f.body, 1.0)],
            Side::Teasers => vec![(f.teaser_title, TITLE_BOOST), (f.teaser_summary, 1.0)],
        }
    }

    /// The short fields that say what a document is about: an article's title and question
    /// heading, a teaser's title (where a question word is looked for: [`Requirement::optional`]).
    fn headings(self, f: &Fields) -> Vec<(Field, f32)> {
        match self {
            Side::Passages => vec![(f.title, TITLE_BOOST), (f.section, SECTION_BOOST)],
            Side::Teasers => vec![(f.teaser_title, TITLE_BOOST)],
        }
    }

    fn title(self, f: &Fields) -> Field {
        match self {
            Side::Passages => f.title,
            Side::Teasers => f.teaser_title,
        }
    }

    /// The running text, indexed with positions (for phrases).
    fn text(self, f: &Fields) -> Field {
        match self {
            Side::Passages => f.body,
            Side::Teasers => f.teaser_summary,
        }
    }

    /// What a score on this side counts for among the answers.
    fn weight(self) -> f32 {
        match self {
            Side::Passages => 1.0,
            Side::Teasers => TEASER_WEIGHT,
        }
    }
}

fn field_terms(f: &Fields, word: &str, weight: f32, scope: Scope) -> Vec<(Occur, Box<dyn Query>)> {
    scope
        .sides
        .iter()
        .flat_map(|side| side.fields(f))
        .map(|(field, boost)| {
            let q = term_query(Term::from_field_text(field, word), scope);
            (Occur::Should, boosted_box(q, boost * weight))
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
            Some(super::checked::phrase(terms))
        }
    }
}

/// Every word of `words` in any field, each at `weight`.
fn all_of(f: &Fields, words: &[String], weight: f32, scope: Scope) -> Box<dyn Query> {
    let musts = words.iter().map(|w| (Occur::Must, any_of(field_terms(f, w, weight, scope), scope)));
    boolean(musts.collect())
}

/// One way to satisfy a requirement of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alternative {
    /// A word (with its parts and synonyms).
    Word(QueryWord),
    /// Several words, all of them (one side of an `OR` that holds several words).
    AllOf(Vec<QueryWord>),
    /// An exact character sequence (normalised).
    Phrase(String),
}

/// One requirement of the query: one of its alternatives must match. A query ranks passages by
/// how many requirements they meet, then by BM25.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub alternatives: Vec<Alternative>,
    /// What meeting it tells of an answer, from 0 to 1 (see [`weigh`]): the share of
    /// [`COVERAGE`] its bonus is.
    pub weight: f32,
    /// A question word among other words (怎么, 多久, 吗): it scores when met, but a passage is
    /// never required to meet it.
    pub optional: bool,
}

impl Requirement {
    /// A phrase-only requirement is never relaxed away: the user quoted it.
    fn strict(&self) -> bool {
        self.alternatives.iter().all(|a| matches!(a, Alternative::Phrase(_)))
    }
}

/// Everything the search needs from a parsed query.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub requirements: Vec<Requirement>,
    pub excluded: Vec<Alternative>,
    /// Resolved: title words as the index cuts them, places as region tags.
    pub filters: Filters,
    pub notes: Vec<String>,
    /// The character pairs of the words asked for (bigram field tokens), each once: what
    /// [`TitleCoverQuery`] measures an answer's title and heading against.
    pub grams: Vec<String>,
}

impl Plan {
    /// Requirements that may be relaxed (all but quoted phrases).
    pub fn flexible(&self) -> usize {
        self.requirements.iter().filter(|r| !r.strict() && !r.optional).count()
    }

    /// Whether there is nothing to look for at all (not even a filter).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && self.filters.is_empty()
    }
}

/// The most a requirement met adds to a passage's score on top of BM25 (each adds its
/// [`Requirement::weight`] of it): about what one strong word match scores, so that meeting
/// more of what the query asks weighs heavily without drowning a much better match.
pub const COVERAGE: f32 = 12.0;

/// Sets each requirement's [`Requirement::weight`]: its share of what the query's words tell,
/// doubled and at most 1. What a word tells is its inverse document frequency in the index (the
/// larger of its title's and its answer text's): 年, 以后, 自己 tell little, 医保卡 or 断缴 much.
/// In a query of one or two equally telling words each word met is worth the whole
/// [`COVERAGE`]; in a 40-word question the words together are worth about two of them, so that
/// the pleasantries and context of a long question weigh little and BM25 decides, as it should
/// for a verbose query. A phrase tells as much as the rarest word could.
pub(crate) fn weigh(plan: &mut Plan, f: &Fields, stats: &dyn tantivy::query::Bm25StatisticsProvider) {
    let Ok(n) = stats.total_num_docs() else { return };
    let n = n.max(1) as f32;
    let idf = |word: &str| -> f32 {
        let df = [f.title, f.body]
            .iter()
            .filter_map(|&field| stats.doc_freq(&Term::from_field_text(field, word)).ok())
            .max()
            .unwrap_or(0) as f32;
        super::stats::idf(n, df)
    };
    let rarest = super::stats::idf(n, 0.0);
    let told: Vec<f32> = plan
        .requirements
        .iter()
        .map(|r| {
            r.alternatives
                .iter()
                .map(|a| match a {
                    Alternative::Word(w) => idf(&w.text),
                    Alternative::AllOf(ws) => ws.iter().map(|w| idf(&w.text)).fold(0.0, f32::max),
                    Alternative::Phrase(_) => rarest,
                })
                .fold(0.0, f32::max)
        })
        .collect();
    let total: f32 = told.iter().sum();
    if total <= 0.0 {
        return;
    }
    for (r, told) in plan.requirements.iter_mut().zip(told) {
        r.weight = (2.0 * told / total).min(1.0);
    }
}

/// From a parsed query to the plan: words analysed, question words dropped across the whole
/// query (when it has other words).
pub fn plan(parsed: &ParsedQuery, features: &Features) -> Plan {
    use super::syntax::Term;
    let normalized = |t: &str| crate::analysis::normalize::normalized_text(t, features.normalizer()).into_owned();
    let phrase = |t: &str| {
        let n = phrase_text(&normalized(t));
        (!n.is_empty()).then_some(Alternative::Phrase(n))
    };
    let mut requirements: Vec<Requirement> = Vec::new();
    let mut grams: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let gram_tokenizer = GramTokenizer::new(*features);
    for t in parsed.wanted.iter().flatten() {
        let (Term::Words(text) | Term::Phrase(text)) = t;
        for g in gram_tokenizer.tokens(text) {
            if seen.insert(g.text.clone()) {
                grams.push(g.text);
            }
        }
    }
    for group in &parsed.wanted {
        if let [Term::Words(text)] = group.as_slice() {
            for w in all_words(text, features) {
                if !requirements.iter().any(|r| r.alternatives == [Alternative::Word(w.clone())]) {
                    requirements.push(Requirement {
                        alternatives: vec![Alternative::Word(w)],
                        weight: 1.0,
                        optional: false,
                    });
                }
            }
            continue;
        }
        let alternatives: Vec<Alternative> = group
            .iter()
            .filter_map(|t| match t {
                Term::Phrase(p) => phrase(p),
                Term::Words(w) => {
                    let mut words = all_words(w, features);
                    match words.len() {
                        0 => None,
                        1 => words.pop().map(Alternative::Word),
                        _ => Some(Alternative::AllOf(words)),
                    }
                }
            })
            .collect();
        if !alternatives.is_empty() {
            requirements.push(Requirement { alternatives, weight: 1.0, optional: false });
        }
    }
    let is_question_word =
        |r: &Requirement| matches!(r.alternatives.as_slice(), [Alternative::Word(w)] if is_stopword(&w.text));
    if features.stopwords && requirements.iter().any(|r| !is_question_word(r)) {
        for r in requirements.iter_mut().filter(|r| is_question_word(r)) {
            r.optional = true;
        }
    }
    let excluded = parsed
        .excluded
        .iter()
        .filter_map(|t| match t {
            Term::Phrase(p) => phrase(p),
            Term::Words(w) => {
                let words: Vec<QueryWord> = all_words(w, features)
                    .into_iter()
                    .map(|w| QueryWord { parts: Vec::new(), synonyms: Vec::new(), ..w })
                    .collect();
                (!words.is_empty()).then_some(Alternative::AllOf(words))
            }
        })
        .collect();
    let in_title = parsed.filters.in_title.iter().flat_map(|t| all_words(t, features)).map(|w| w.text).collect();
    let mut notes = parsed.notes.clone();
    let regions = parsed
        .filters
        .regions
        .iter()
        .filter_map(|r| {
            let tag = crate::analysis::region::lookup(&normalized(r));
            if tag.is_none() {
                notes.push(format!("region:{r} names no province or city known to baoxian: left out"));
            }
            tag
        })
        .collect();
    Plan {
        requirements,
        excluded,
        filters: Filters {
            in_title,
            sources: parsed.filters.sources.clone(),
            regions,
            since: parsed.filters.since,
            until: parsed.filters.until,
        },
        notes,
        grams,
    }
}

/// A quoted phrase as it is looked for: without the punctuation around it, and without spaces
/// except one between two letters or digits (`"医保 钱包"` is 医保钱包, `"app store"` two words);
/// punctuation inside stays, as it stands in the text the phrase was copied from (登录平台:登录…),
/// a character apart. Empty when nothing is left to look for.
fn phrase_text(text: &str) -> String {
    let latin = |c: char| c.is_alphanumeric() && !crate::analysis::is_han(c);
    let mut out = String::new();
    for piece in text.split_whitespace() {
        if out.chars().next_back().is_some_and(latin) && piece.chars().next().is_some_and(latin) {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// The character sequence `text` (normalised) in title, heading or body: on the bigram field for
/// title and heading (they are indexed without positions), as adjacent words in the body; a
/// sequence of one word is that word in any of the three.
fn phrase_query(f: &Fields, features: &Features, text: &str, scope: Scope) -> Box<dyn Query> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(q) = gram_sequence(f, features, text) {
        alternatives.push((Occur::Should, boosted_box(q, TITLE_BOOST)));
    }
    let tokens = ZhTokenizer::with_features(Granularity::Precise, *features).tokens(text);
    if let [one] = tokens.as_slice() {
        alternatives.extend(field_terms(f, &one.text, 1.0, scope));
    } else if let Some(first) = tokens.first().map(|t| t.position) {
        for field in scope.sides.iter().map(|side| side.text(f)) {
            let terms = tokens.iter().map(|t| (t.position - first, Term::from_field_text(field, &t.text))).collect();
            alternatives.push((Occur::Should, super::checked::phrase(terms)));
        }
    }
    // Always the union that seeks: a quoted phrase is a required clause, and the search is led
    // by cheaper clauses (a place name) that seek it document by document. tantivy's union
    // would check the phrase's positions in every document of a 4,096-document window around
    // each one sought.
    Box::new(SumQuery::new(alternatives.into_iter().map(|(_, q)| q).collect(), 1))
}

/// A query word's two forms: its full query, and the words the first pass of ranking looks
/// for in its place. What one matches through, the other must count with the same weight.
impl QueryWord {
    /// The full query: the word, its dictionary parts, its character sequence and its synonyms
    /// in title, heading and body, and articles about the place it names.
    fn query(&self, f: &Fields, features: &Features, scope: Scope) -> Box<dyn Query> {
        let mut alternatives = field_terms(f, &self.text, 1.0, scope);
        if let Some(tag) = crate::analysis::region::lookup(&self.text) {
            // a place in the query also matches articles about that place
            let q = TermQuery::new(Term::from_field_text(f.region, &tag), IndexRecordOption::Basic);
            alternatives.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(q), REGION_SCORE))));
        }
        for part in &self.parts {
            alternatives.extend(field_terms(f, part, PART_BOOST, scope));
        }
        if features.bigrams
            && let Some(q) = gram_sequence(f, features, &self.text)
        {
            alternatives.push((Occur::Should, boosted_box(q, GRAM_BOOST)));
        }
        for synonym in &self.synonyms {
            alternatives.push((Occur::Should, all_of(f, synonym, SYNONYM_BOOST, scope)));
            if features.bigrams
                && let Some(q) = gram_sequence(f, features, &synonym.concat())
            {
                alternatives.push((Occur::Should, boosted_box(q, GRAM_BOOST * SYNONYM_BOOST)));
            }
        }
        any_of(alternatives, scope)
    }

    /// The first pass's words: the word, its parts and its synonyms' words, with the weights
    /// the full query gives their matches (the character sequence and the place are left to
    /// the full query).
    fn first_pass_words(&self) -> Vec<(&str, f32)> {
        let mut words = vec![(self.text.as_str(), 1.0)];
        words.extend(self.parts.iter().map(|p| (p.as_str(), PART_BOOST)));
        words.extend(self.synonyms.iter().flatten().map(|s| (s.as_str(), SYNONYM_BOOST)));
        words
    }
}

/// An alternative's two forms, as for [`QueryWord`].
impl Alternative {
    /// The full query: the word; every word of a group; the phrase's characters in order.
    fn query(&self, f: &Fields, features: &Features, scope: Scope) -> Box<dyn Query> {
        match self {
            Alternative::Word(w) => w.query(f, features, scope),
            Alternative::AllOf(words) => {
                boolean(words.iter().map(|w| (Occur::Must, w.query(f, features, scope))).collect())
            }
            Alternative::Phrase(p) => phrase_query(f, features, p, scope),
        }
    }

    /// The first pass's words: those of the word or of each word of the group; a phrase's
    /// words in any order (the order is checked by the full query).
    fn first_pass_words(&self, features: &Features) -> Vec<(String, f32)> {
        let owned = |words: Vec<(&str, f32)>| words.into_iter().map(|(w, weight)| (w.to_string(), weight)).collect();
        match self {
            Alternative::Word(w) => owned(w.first_pass_words()),
            Alternative::AllOf(words) => owned(words.iter().flat_map(QueryWord::first_pass_words).collect()),
            Alternative::Phrase(p) => ZhTokenizer::with_features(Granularity::Precise, *features)
                .tokens(p)
                .into_iter()
                .map(|t| (t.text, 1.0))
                .collect(),
        }
    }
}

/// A question word among other words ([`Requirement::optional`]): the word in the titles and
/// headings only. Matched there it tells that the answer is to the question asked (多久, 多少钱);
/// in the answer text a word like 可以 or 在 stands everywhere, and reading its postings would
/// cost more than the rest of the query.
fn asked_query(f: &Fields, r: &Requirement, scope: Scope) -> Box<dyn Query> {
    let clauses = asked_words(r)
        .flat_map(|w| {
            scope.sides.iter().flat_map(|side| side.headings(f)).map(move |(field, boost)| {
                (Occur::Should, boosted_box(term_query(Term::from_field_text(field, w), scope), boost))
            })
        })
        .collect();
    any_of(clauses, scope)
}

/// The words of an optional requirement.
fn asked_words(r: &Requirement) -> impl Iterator<Item = &str> {
    r.alternatives.iter().filter_map(|a| match a {
        Alternative::Word(w) => Some(w.text.as_str()),
        _ => None,
    })
}

/// The tantivy query of a plan: passages meeting at least `minimum` of the flexible
/// requirements (and every quoted phrase), none of the exclusions, all filters; for the
/// documents of `scope`'s sides.
pub(crate) fn build(f: &Fields, features: &Features, plan: &Plan, minimum: usize, scope: Scope) -> Box<dyn Query> {
    let mut flexible: Vec<Box<dyn Query>> = Vec::new();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // what adds to a score without being needed: question words, the title said by the query
    let mut optional: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if features.bigrams && !plan.grams.is_empty() {
        optional.push((Occur::Should, Box::new(TitleCoverQuery::new(f.grams, plan.grams.clone(), TITLE_SAID))));
    }
    for r in &plan.requirements {
        let any = if r.optional {
            asked_query(f, r, scope)
        } else {
            any_of(r.alternatives.iter().map(|a| (Occur::Should, a.query(f, features, scope))).collect(), scope)
        };
        let counted: Box<dyn Query> = Box::new(BonusQuery::new(any, COVERAGE * r.weight));
        if r.optional {
            optional.push((Occur::Should, counted));
        } else if r.strict() {
            clauses.push((Occur::Must, counted));
        } else {
            flexible.push(counted);
        }
    }
    if !optional.is_empty() {
        clauses.push((Occur::Should, any_of(optional, scope)));
    }
    if !flexible.is_empty() {
        let minimum = minimum.clamp(1, flexible.len());
        clauses.push((Occur::Must, Box::new(SumQuery::new(flexible, minimum))));
    }
    for a in &plan.excluded {
        clauses.push((Occur::MustNot, a.query(f, features, scope)));
    }
    for filter in filters(f, plan) {
        clauses.push((Occur::Must, filter.query(scope)));
    }
    if let Some((from, to)) = plan.filters.dates() {
        let (from, to) = (Term::from_field_u64(f.date, from), Term::from_field_u64(f.date, to));
        let range = RangeQuery::new(Bound::Included(from), Bound::Included(to));
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(range), 0.0))));
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        // only exclusions: everything but them
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))));
    }
    boolean(clauses)
}

/// The cheap first pass of a ranked search ([`super::IndexHandle::search`]): every word of the
/// plan (with its parts and synonyms, and the words of quoted phrases) as a plain term on title,
/// heading and body, with the weights [`build`] gives them, to be ranked as a union
/// ([`super::maxscore`]), which can skip the postings that cannot reach the current top k
/// instead of scoring every matching passage. Region, source and date filters and words required
/// in the title are met here too (a narrow filter would otherwise leave too few candidates);
/// exclusions and phrase order are left to the second pass, which runs the full query on the
/// passages found. `None` for a plan without words (filters only).
pub(crate) fn candidates(f: &Fields, features: &Features, plan: &Plan, minimum: usize) -> Option<Vec<TermSet>> {
    /// A word, its weight and the requirements it meets.
    type Words = Vec<(String, f32, u64)>;
    fn add(terms: &mut Words, word: &str, weight: f32, meets: u64) {
        match terms.iter_mut().find(|(w, _, _)| w == word) {
            Some(t) => {
                t.1 = t.1.max(weight);
                t.2 |= meets;
            }
            None => terms.push((word.to_string(), weight, meets)),
        }
    }
    let filters = filters(f, plan);
    // a bit per requirement, then one per filter, from the top; with too many, the words
    // rank as a plain union and the second pass applies the filters
    let counted = plan.requirements.len() + filters.len() <= 64;
    let mut terms: Words = Vec::new();
    let mut requirements = Requirements::default();
    // question words, looked for in titles and headings only (see `asked_query`)
    let mut asked: Vec<(String, u64)> = Vec::new();
    for (i, r) in plan.requirements.iter().enumerate() {
        let bit = if counted { 1u64 << i } else { 0 };
        if counted {
            requirements.bonus[i] = COVERAGE * r.weight;
        }
        if r.optional {
            requirements.optional |= bit;
            asked.extend(asked_words(r).map(|w| (w.to_string(), bit)));
            continue;
        } else if r.strict() {
            requirements.strict |= bit;
        } else {
            requirements.flexible |= bit;
        }
        for (word, weight) in r.alternatives.iter().flat_map(|a| a.first_pass_words(features)) {
            add(&mut terms, &word, weight, bit);
        }
    }
    if terms.is_empty() {
        return None;
    }
    if !counted {
        requirements = Requirements::default();
    } else if requirements.flexible != 0 {
        requirements.minimum = minimum.clamp(1, requirements.flexible.count_ones() as usize) as u32;
    }
    requirements.range = plan.filters.dates().map(|(from, to)| ValueRange { field: f.date, from, to });
    let filters: Vec<(u64, Filter)> = if counted {
        filters.into_iter().enumerate().map(|(n, filter)| (1u64 << (63 - n), filter)).collect()
    } else {
        Vec::new()
    };
    requirements.filters = filters.iter().fold(0, |all, (bit, _)| all | bit);
    // passages and teasers apart, each with the weights of its own fields and scaled as its
    // answers are (a teaser's bonus too)
    let sets = Side::BOTH.map(|side| {
        let (factor, fields) = (side.weight(), side.fields(f));
        let mut set = Vec::new();
        for (w, weight, meets) in &terms {
            for &(field, boost) in &fields {
                let term = Term::from_field_text(field, w);
                set.push(WeightedTerm { term, weight: factor * boost * weight, meets: *meets });
            }
        }
        for (w, meets) in &asked {
            for (field, boost) in side.headings(f) {
                let term = Term::from_field_text(field, w);
                set.push(WeightedTerm { term, weight: factor * boost, meets: *meets });
            }
        }
        for (bit, filter) in &filters {
            for (term, weight) in filter.weighted_terms(side) {
                set.push(WeightedTerm { term, weight: factor * weight, meets: *bit });
            }
        }
        TermSet {
            terms: set,
            requirements: Requirements { bonus: requirements.bonus.map(|b| factor * b), ..requirements },
        }
    });
    Some(sets.into())
}

/// A filter of the plan as terms, as both the full query ([`build`]) and the first pass
/// ([`candidates`]) apply it.
enum Filter {
    /// A word the title must hold (`title:`), scored as a title match: its term in the title
    /// field of each side, in the order of [`Side::BOTH`].
    InTitle([Term; 2]),
    /// An exact value (`source:`, `region:`): one of these terms, no score.
    OneOf(Vec<Term>),
}

impl Filter {
    fn query(&self, scope: Scope) -> Box<dyn Query> {
        match self {
            Filter::InTitle(_) => any_of(
                scope
                    .sides
                    .iter()
                    .flat_map(|&side| self.weighted_terms(side))
                    .map(|(t, weight)| (Occur::Should, boosted_box(term_query(t, scope), weight)))
                    .collect(),
                scope,
            ),
            Filter::OneOf(terms) => {
                let any = terms
                    .iter()
                    .map(|t| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect();
                Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))
            }
        }
    }

    /// The terms documents of `side` meet it through, each with the weight a match adds to the
    /// score.
    fn weighted_terms(&self, side: Side) -> Vec<(Term, f32)> {
        match self {
            Filter::InTitle(terms) => Side::BOTH
                .iter()
                .zip(terms)
                .filter(|(s, _)| **s == side)
                .map(|(_, t)| (t.clone(), TITLE_BOOST))
                .collect(),
            Filter::OneOf(terms) => terms.iter().map(|t| (t.clone(), 0.0)).collect(),
        }
    }
}

/// The filters of `plan` that are terms (dates are a range: [`Filters::dates`]).
fn filters(f: &Fields, plan: &Plan) -> Vec<Filter> {
    let mut out: Vec<Filter> = plan
        .filters
        .in_title
        .iter()
        .map(|w| Filter::InTitle(Side::BOTH.map(|side| Term::from_field_text(side.title(f), w))))
        .collect();
    for (field, values) in [(f.source, &plan.filters.sources), (f.region, &plan.filters.regions)] {
        if !values.is_empty() {
            out.push(Filter::OneOf(values.iter().map(|v| Term::from_field_text(field, v)).collect()));
        }
    }
    out
}

fn boosted_box(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// Every term a match may have been made through (for highlighting).
pub fn highlight_terms(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |t: &String| {
        if !out.contains(t) {
            out.push(t.clone());
        }
    };
    let mut words = |w: &QueryWord| {
        add(&w.text);
        w.parts.iter().for_each(&mut add);
        w.synonyms.iter().flatten().for_each(&mut add);
    };
    // (question words are not marked: they would light up every answer)
    for r in plan.requirements.iter().filter(|r| !r.optional) {
        for a in &r.alternatives {
            match a {
                Alternative::Word(w) => words(w),
                Alternative::AllOf(ws) => ws.iter().for_each(&mut words),
                Alternative::Phrase(p) => {
                    words(&QueryWord { text: p.clone(), parts: Vec::new(), synonyms: Vec::new() })
                }
            }
        }
    }
    for w in &plan.filters.in_title {
        words(&QueryWord { text: w.clone(), parts: Vec::new(), synonyms: Vec::new() });
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
        let w = query_words("医保", &Features::default());
        assert!(w[0].synonyms.iter().any(|s| s.concat() == "医疗保险"), "{w:?}");
        let off = Features { synonyms: false, ..Features::default() };
        assert!(query_words("医保", &off)[0].synonyms.is_empty());
        let keep = Features { stopwords: false, ..Features::default() };
        let texts: Vec<String> = query_words("医保卡余额有上限吗", &keep).into_iter().map(|w| w.text).collect();
        assert!(texts.contains(&"吗".to_string()));
    }

    #[test]
    fn guessed_words_bring_their_dictionary_pieces_in_short_queries() {
        assert_eq!(pieces("区交"), vec!["区", "交"]);
        assert!(pieces("医保卡").is_empty(), "a dictionary word");
        assert!(pieces("app").is_empty());
        // jieba guesses 区交 from 在外区交社保; pages write 区 and 交 apart
        let words = query_words("在外区交社保", &Features::default());
        let guessed = words.iter().find(|w| w.text == "区交").expect("jieba still guesses 区交");
        assert_eq!(guessed.parts, vec!["区", "交"]);
        // not in a long question
        let long = query_words(
            "在外区交社保，单位不给办，自己去交又说不行，到底应该怎么处理才对，请问谁知道",
            &Features::default(),
        );
        assert!(long.iter().filter(|w| w.text == "区交").all(|w| w.parts.is_empty()), "{long:?}");
    }

    #[test]
    fn a_phrase_keeps_its_inner_punctuation_and_loses_spaces_between_chinese_words() {
        assert_eq!(phrase_text("「登录平台:登录当地医保局网站」"), "登录平台:登录当地医保局网站");
        assert_eq!(phrase_text(" 医保  钱包 "), "医保钱包");
        assert_eq!(phrase_text("app   store"), "app store");
        assert_eq!(phrase_text("医保 app"), "医保app");
        assert_eq!(phrase_text("，。！"), "");
    }

    #[test]
    fn long_words_bring_their_parts() {
        let w = query_words("中华人民共和国", &Features::default());
        assert_eq!(w[0].text, "中华人民共和国");
        assert!(w[0].parts.contains(&"中华".to_string()));
    }

    #[test]
    fn the_first_pass_ranks_teasers_apart_at_the_weight_of_their_answers() {
        let (_, f) = crate::index::schema::build();
        let features = Features::default();
        let plan = plan(&crate::search::syntax::parse("title:余额 医保 上限 region:安徽"), &features);
        let sets = candidates(&f, &features, &plan, 2).expect("the plan has words");
        let [passages, teasers] = sets.as_slice() else { panic!("two sets: {sets:?}") };
        let in_fields =
            |set: &TermSet, fields: &[Field]| set.terms.iter().filter(|t| fields.contains(&t.term.field())).count();
        let (passage_text, teaser_text) = ([f.title, f.section, f.body], [f.teaser_title, f.teaser_summary]);
        // each side only on its own text fields (and the shared region field)
        assert_eq!(in_fields(passages, &teaser_text), 0, "{passages:?}");
        assert_eq!(in_fields(teasers, &passage_text), 0, "{teasers:?}");
        assert_eq!(in_fields(passages, &[f.region]), 1);
        assert_eq!(in_fields(teasers, &[f.region]), 1);
        // a word in a teaser's title weighs what it weighs in an article's, times the teaser weight
        for t in passages.terms.iter().filter(|t| t.term.field() == f.title) {
            let value = t.term.value();
            let text = value.as_str().unwrap_or_default();
            let teaser = Term::from_field_text(f.teaser_title, text);
            let same = teasers.terms.iter().find(|u| u.term == teaser).unwrap_or_else(|| panic!("{text} missing"));
            assert!((same.weight - t.weight * TEASER_WEIGHT).abs() < 1e-6, "{text}: {} vs {}", same.weight, t.weight);
            assert_eq!(same.meets, t.meets, "{text}");
        }
        for (t, p) in teasers.requirements.bonus.iter().zip(passages.requirements.bonus) {
            assert!((t - p * TEASER_WEIGHT).abs() < 1e-6);
        }
        assert_eq!(teasers.requirements.filters, passages.requirements.filters);
        assert_eq!(passages.requirements.filters.count_ones(), 2, "title and region filters");
    }
}
