//! Terms whose place in each segment is already known. The first pass of a ranked search
//! ([`super::maxscore`]) looks every term of the query up in every segment's term dictionary;
//! the second pass scores the same terms again with the full query, and tantivy's `TermQuery`
//! would look each of them up again (on 100k generated articles: 14 segments, 20–40 terms,
//! a few hundred look-ups in the term dictionaries' FSTs per pass). [`KnownTermQuery`] reads
//! the postings from where the first pass found them instead.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

/// Where terms are in each segment of one searcher: `None` for a segment that does not hold
/// the term.
#[derive(Debug, Default)]
pub(crate) struct KnownTerms {
    segments: Vec<SegmentId>,
    infos: HashMap<Term, Vec<Option<TermInfo>>>,
}

impl KnownTerms {
    pub(crate) fn new(searcher: &Searcher) -> Self {
        KnownTerms {
            segments: searcher.segment_readers().iter().map(|r| r.segment_id()).collect(),
            infos: HashMap::new(),
        }
    }

    /// Records where `term` is in each segment, in the searcher's order of segments.
    pub(crate) fn insert(&mut self, term: &Term, per_segment: Vec<Option<TermInfo>>) {
        if per_segment.len() == self.segments.len() {
            self.infos.insert(term.clone(), per_segment);
        }
    }

    /// Where `term` is in `segment`: `None` when that is not known, `Some(None)` when the
    /// segment does not hold the term.
    pub(crate) fn get(&self, term: &Term, segment: SegmentId) -> Option<Option<&TermInfo>> {
        let ord = self.segments.iter().position(|&s| s == segment)?;
        self.infos.get(term).map(|per_segment| per_segment[ord].as_ref())
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.infos.len()
    }
}

/// A term scored as tantivy's `TermQuery` with frequencies scores it (BM25, boosts applied),
/// its postings read from `known` where the term is known there.
#[derive(Clone)]
pub struct KnownTermQuery {
    term: Term,
    known: Arc<KnownTerms>,
}

impl KnownTermQuery {
    pub(crate) fn new(term: Term, known: Arc<KnownTerms>) -> Self {
        KnownTermQuery { term, known }
    }
}

impl fmt::Debug for KnownTermQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "KnownTermQuery({:?})", self.term)
    }
}

impl Query for KnownTermQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let plain = TermQuery::new(self.term.clone(), IndexRecordOption::WithFreqs).weight(enable_scoring)?;
        Ok(match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                let bm25 = Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(&self.term))?;
                Box::new(KnownTermWeight { term: self.term.clone(), known: self.known.clone(), bm25, plain })
            }
            EnableScoring::Disabled { .. } => plain,
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct KnownTermWeight {
    term: Term,
    known: Arc<KnownTerms>,
    bm25: Bm25Weight,
    /// tantivy's own weight of the term: for segments the term is not known in, and for
    /// explanations.
    plain: Box<dyn Weight>,
}

impl Weight for KnownTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let info = match self.known.get(&self.term, reader.segment_id()) {
            None => return self.plain.scorer(reader, boost),
            Some(None) => return Ok(Box::new(EmptyScorer)),
            Some(Some(info)) => info,
        };
        let field = self.term.field();
        let postings = reader.inverted_index(field)?.read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
        let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
            Some(norms) => norms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        Ok(Box::new(KnownTermScorer { postings, fieldnorms, bm25: self.bm25.boost_by(boost) }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.plain.explain(reader, doc)
    }
}

/// A term's postings in one segment, scored as tantivy's `TermScorer` scores them (which
/// tantivy does not let other crates build from postings of their own).
struct KnownTermScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

impl DocSet for KnownTermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for KnownTermScorer {
    fn score(&mut self) -> Score {
        self.bm25.score(self.fieldnorms.fieldnorm_id(self.postings.doc()), self.postings.term_freq())
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    /// Terms looked up by hand, as the first pass does.
    fn look_up(searcher: &Searcher, terms: &[Term]) -> tantivy::Result<KnownTerms> {
        let mut known = KnownTerms::new(searcher);
        for t in terms {
            let mut per_segment = Vec::new();
            for r in searcher.segment_readers() {
                per_segment.push(r.inverted_index(t.field())?.get_term_info(t)?);
            }
            known.insert(t, per_segment);
        }
        Ok(known)
    }

    #[test]
    fn scores_and_explains_as_term_queries_do_in_every_segment() -> tantivy::Result<()> {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000)?;
        let pages = [("a b", "a a c"), ("b", "c d"), ("a", "b b b b a"), ("d", "d a"), ("c c", "b")];
        for (i, (t, b)) in pages.iter().enumerate() {
            writer.add_document(doc!(title => *t, body => *b))?;
            if i % 2 == 1 {
                writer.commit()?; // several segments, some without a term
            }
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        assert!(searcher.segment_readers().len() >= 3);
        let a_title = Term::from_field_text(title, "a");
        let b_body = Term::from_field_text(body, "b");
        let d_body = Term::from_field_text(body, "d");
        // "d" in the body is left unknown: tantivy looks it up
        let known = Arc::new(look_up(&searcher, &[a_title.clone(), b_body.clone()])?);
        assert_eq!(known.len(), 2);
        let query = |make: &dyn Fn(Term) -> Box<dyn Query>| -> Box<dyn Query> {
            let clauses = [(a_title.clone(), 2.0), (b_body.clone(), 1.0), (d_body.clone(), 0.5)]
                .into_iter()
                .map(|(t, boost)| -> (Occur, Box<dyn Query>) {
                    (Occur::Should, Box::new(BoostQuery::new(make(t), boost)))
                })
                .collect();
            Box::new(BooleanQuery::new(clauses))
        };
        let plain = query(&|t| Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)));
        let from_known = query(&|t| Box::new(KnownTermQuery::new(t, known.clone())));
        let top = TopDocs::with_limit(10).order_by_score();
        let expected: Vec<(Score, DocAddress)> = searcher.search(&*plain, &top)?;
        let found: Vec<(Score, DocAddress)> = searcher.search(&*from_known, &top)?;
        assert_eq!(expected.len(), 5, "every page holds one of the terms");
        assert_eq!(found.len(), expected.len());
        for ((s1, d1), (s2, d2)) in expected.iter().zip(&found) {
            assert_eq!(d1, d2);
            assert!((s1 - s2).abs() < 1e-5, "{s1} vs {s2}");
            let e = from_known.explain(&searcher, *d2)?;
            assert!((e.value() - s2).abs() < 1e-4, "the explanation adds up to the score");
        }
        // what is known is believed, not looked up again: told that no segment holds "d" in
        // the body, the two pages matching by it alone are not found
        let mut told = look_up(&searcher, &[a_title.clone(), b_body.clone()])?;
        told.insert(&d_body, vec![None; searcher.segment_readers().len()]);
        let told = Arc::new(told);
        let without_d = query(&|t| Box::new(KnownTermQuery::new(t, told.clone())));
        assert_eq!(searcher.search(&*without_d, &top)?.len(), 3);
        Ok(())
    }
}
