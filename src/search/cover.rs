//! How much of an answer's own question the query says: the share of the character pairs of
//! its title and question heading (a teaser's title) that the query holds too, each pair
//! weighed by how rare it is.
//!
//! A page's title is the question it answers, written short. An asker who writes a long
//! question ("昨天新买了一辆车，前挡的保险标志撕了一半……") says most of what a right page's title says
//! ("强制保险标志…"), and much that no title says; a page that merely meets many of the question's
//! common words says little of it in its title. BM25 and the bonus of the words met measure how
//! much of the query an answer holds; this measures the other way round, how much of the
//! answer's question the query holds, on the bigram field (title and heading as character
//! pairs, however jieba cut them).
//!
//! Scored for a document the rest of the query matches; never a match of its own: the share of
//! the document's pairs on the field that are pairs of the query, each counted at
//! `idf(pair) / idf(a pair no document holds)`, times the most it may add.

use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use super::stats::idf;

/// The description of the explanation's node, as `--explain` finds it.
pub(crate) const EXPLAINED: &str = "Title said by the query";

/// Scores how much of a document's text on `field` (the bigram field) the query's `grams` say,
/// at most `most`.
#[derive(Clone)]
pub struct TitleCoverQuery {
    field: Field,
    grams: Vec<String>,
    most: Score,
}

impl TitleCoverQuery {
    pub fn new(field: Field, grams: Vec<String>, most: Score) -> Self {
        TitleCoverQuery { field, grams, most }
    }
}

impl fmt::Debug for TitleCoverQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "TitleCover(+{} at most, {} pairs)", self.most, self.grams.len())
    }
}

/// What a pair of the query counts for in a document's share: its inverse document frequency
/// over that of a pair no document holds (BM25's, as tantivy computes it), in (0, 1].
fn rareness(stats: &dyn Bm25StatisticsProvider, term: &Term) -> tantivy::Result<Score> {
    let n = stats.total_num_docs()?.max(1) as f32;
    let df = stats.doc_freq(term)? as f32;
    Ok(idf(n, df) / idf(n, 0.0))
}

impl Query for TitleCoverQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled { statistics_provider, .. } = enable_scoring else {
            return Ok(Box::new(TitleCoverWeight { field: self.field, grams: Vec::new(), most: 0.0 }));
        };
        let mut grams = Vec::with_capacity(self.grams.len());
        for g in &self.grams {
            let term = Term::from_field_text(self.field, g);
            let weight = rareness(statistics_provider, &term)?;
            grams.push((term, weight));
        }
        Ok(Box::new(TitleCoverWeight { field: self.field, grams, most: self.most }))
    }

    fn query_terms<'a>(&'a self, _visitor: &mut dyn FnMut(&'a Term, bool)) {
        // not a match of its own: nothing to highlight
    }
}

struct TitleCoverWeight {
    field: Field,
    grams: Vec<(Term, Score)>,
    most: Score,
}

impl TitleCoverWeight {
    fn cover_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<TitleCoverScorer>> {
        if self.grams.is_empty() || self.most <= 0.0 {
            return Ok(None);
        }
        let index = reader.inverted_index(self.field)?;
        let mut postings = Vec::with_capacity(self.grams.len());
        for (term, weight) in &self.grams {
            if let Some(p) = index.read_postings(term, IndexRecordOption::WithFreqs)? {
                postings.push((p, *weight));
            }
        }
        if postings.is_empty() {
            return Ok(None);
        }
        let norms = reader.get_fieldnorms_reader(self.field)?;
        let mut scorer = TitleCoverScorer { postings, norms, most: self.most * boost, doc: 0 };
        scorer.doc = scorer.first();
        Ok(Some(scorer))
    }
}

impl Weight for TitleCoverWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.cover_scorer(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.cover_scorer(reader, 1.0)?;
        let found = scorer.as_mut().is_some_and(|s| (if s.doc() < doc { s.seek(doc) } else { s.doc() }) == doc);
        let (true, Some(s)) = (found, scorer) else {
            return Err(TantivyError::InvalidArgument(format!("document #{doc} does not match")));
        };
        let share = s.share();
        let mut e = Explanation::new(EXPLAINED, share * self.most);
        e.add_const("share of the pairs of its title and heading in the query, by rareness", share);
        Ok(e)
    }
}

/// A title shorter than this many characters says too little of any question for a query to
/// be known by saying all of it (哪部动漫, 关于怪物猎人): its share counts less, in proportion.
const SHORT_TITLE: Score = 8.0;
/// What a share loses at the shortest.
const SHORT_DISCOUNT: Score = 0.75;

/// What a share counts for on a text of `pairs` character pairs (about one character more).
fn brevity(pairs: Score) -> Score {
    1.0 - SHORT_DISCOUNT * (1.0 - (pairs + 1.0) / SHORT_TITLE).max(0.0)
}

/// The union of the query's pairs' postings; a document's score is its share times `most`.
struct TitleCoverScorer {
    postings: Vec<(SegmentPostings, Score)>,
    norms: FieldNormReader,
    most: Score,
    doc: DocId,
}

impl TitleCoverScorer {
    fn first(&self) -> DocId {
        self.postings.iter().map(|(p, _)| p.doc()).min().unwrap_or(TERMINATED)
    }

    /// The current document's share, 0 to 1, less for a title of a few characters.
    fn share(&self) -> Score {
        let pairs = self.norms.fieldnorm(self.doc).max(1) as Score;
        let said: Score =
            self.postings.iter().filter(|(p, _)| p.doc() == self.doc).map(|(p, w)| w * p.term_freq() as Score).sum();
        (said / pairs).min(1.0) * brevity(pairs)
    }
}

impl DocSet for TitleCoverScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for (p, _) in &mut self.postings {
            if p.doc() == doc {
                p.advance();
            }
        }
        self.doc = self.first();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for (p, _) in &mut self.postings {
            if p.doc() < target {
                p.seek(target);
            }
        }
        self.doc = self.first();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings.iter().map(|(p, _)| p.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for TitleCoverScorer {
    fn score(&mut self) -> Score {
        self.share() * self.most
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{STRING, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, doc};

    /// Documents of pairs (whitespace tokens, as the bigram field holds them), and the score the
    /// query `[Must(id), Should(cover)]` gives each, by id.
    fn scores(docs: &[&str], grams: &[&str], most: Score) -> tantivy::Result<Vec<(String, Score)>> {
        let mut b = Schema::builder();
        let (id, pairs) = (b.add_text_field("id", STRING | tantivy::schema::STORED), b.add_text_field("p", TEXT));
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        for (i, d) in docs.iter().enumerate() {
            w.add_document(doc!(id => i.to_string(), pairs => *d))?;
        }
        w.commit()?;
        let searcher = index.reader()?.searcher();
        let mut out = Vec::new();
        for i in 0..docs.len() {
            let own: Box<dyn Query> =
                Box::new(TermQuery::new(Term::from_field_text(id, &i.to_string()), IndexRecordOption::Basic));
            let cover = TitleCoverQuery::new(pairs, grams.iter().map(|g| g.to_string()).collect(), most);
            let q = BooleanQuery::new(vec![(Occur::Must, own), (Occur::Should, Box::new(cover))]);
            for (score, _) in searcher.search(&q, &TopDocs::with_limit(1).order_by_score())? {
                out.push((i.to_string(), score));
            }
        }
        Ok(out)
    }

    #[test]
    fn the_share_of_a_documents_pairs_that_the_query_says_weighed_by_rareness() -> tantivy::Result<()> {
        let docs = ["aa bb", "aa bb cc dd", "cc dd", "aa ee", "ee ff", "ff gg"];
        let got = scores(&docs, &["aa", "bb", "zz"], 10.0)?;
        // by hand: n = 6; aa in 3 documents, bb in 2; a pair no document holds has idf(0)
        let idf = |df: f32| (1.0f32 + (6.0 - df + 0.5) / (df + 0.5)).ln();
        let (aa, bb) = (idf(3.0) / idf(0.0), idf(2.0) / idf(0.0));
        // 0: every pair said; 1: half of them; 2: none (the cover adds nothing, never matches);
        // texts this short count for less: of two pairs 1 − 0.75 × 5/8, of four 1 − 0.75 × 3/8
        let (two, four) = (1.0 - 0.75 * 5.0 / 8.0, 1.0 - 0.75 * 3.0 / 8.0);
        let expected = [(aa + bb) / 2.0 * two, (aa + bb) / 4.0 * four, 0.0, aa / 2.0 * two, 0.0, 0.0];
        for ((i, score), want) in got.iter().zip(expected) {
            // the id term scores too: take it off through the uncovered documents' score
            let base = got[2].1;
            assert!((score - base - 10.0 * want).abs() < 1e-4, "document {i}: {score} vs {}", base + 10.0 * want);
        }
        assert_eq!(got.len(), docs.len(), "the cover never takes a document away");
        Ok(())
    }

    #[test]
    fn a_title_of_eight_characters_or_more_counts_in_full() {
        assert!((brevity(7.0) - 1.0).abs() < 1e-6);
        assert!((brevity(30.0) - 1.0).abs() < 1e-6);
        assert!(brevity(3.0) < brevity(5.0) && brevity(5.0) < 1.0);
    }
}
