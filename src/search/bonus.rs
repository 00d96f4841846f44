//! A query that adds a constant to the score of every document its inner query matches.
//!
//! The ranking gives a bonus for every query word an answer meets. Written with tantivy's own
//! parts that is `inner OR ConstScore(inner)`, which walks the inner query's postings twice;
//! this wrapper walks them once.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SeekDangerResult, SegmentReader, TantivyError, Term};

/// Matches what `query` matches, scoring `query`'s score plus `bonus`.
pub struct BonusQuery {
    query: Box<dyn Query>,
    bonus: Score,
}

impl BonusQuery {
    pub fn new(query: Box<dyn Query>, bonus: Score) -> Self {
        BonusQuery { query, bonus }
    }
}

impl Clone for BonusQuery {
    fn clone(&self) -> Self {
        BonusQuery { query: self.query.box_clone(), bonus: self.bonus }
    }
}

impl fmt::Debug for BonusQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Bonus(+{}, {:?})", self.bonus, self.query)
    }
}

impl Query for BonusQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() { Box::new(BonusWeight { inner, bonus: self.bonus }) } else { inner })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct BonusWeight {
    inner: Box<dyn Weight>,
    bonus: Score,
}

impl Weight for BonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BonusScorer { inner: self.inner.scorer(reader, boost)?, bonus: boost * self.bonus }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.inner.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document #{doc} does not match")));
        }
        let inner = self.inner.explain(reader, doc)?;
        let mut sum = Explanation::new("Sum of", inner.value() + self.bonus);
        sum.add_detail(inner);
        sum.add_detail(Explanation::new("Const", self.bonus));
        Ok(sum)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct BonusScorer {
    inner: Box<dyn Scorer>,
    bonus: Score,
}

impl DocSet for BonusScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.inner.seek_danger(target)
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        self.inner.fill_buffer(buffer)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for BonusScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.bonus
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument, doc};

    #[test]
    fn adds_the_bonus_to_matching_documents_only_and_explains_it() -> tantivy::Result<()> {
        let mut b = Schema::builder();
        let f = b.add_text_field("f", STRING);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        w.add_document(doc!(f => "a"))?;
        w.add_document(doc!(f => "b"))?;
        w.commit()?;
        let searcher = index.reader()?.searcher();
        let term = TermQuery::new(Term::from_field_text(f, "a"), IndexRecordOption::WithFreqs);
        let plain = searcher.search(&term, &TopDocs::with_limit(5).order_by_score())?;
        let bonus = BonusQuery::new(Box::new(term), 12.0);
        let top = searcher.search(&bonus, &TopDocs::with_limit(5).order_by_score())?;
        assert_eq!(top.len(), 1);
        assert!((top[0].0 - plain[0].0 - 12.0).abs() < 1e-4);
        let e = bonus.explain(&searcher, top[0].1)?;
        assert!((e.value() - top[0].0).abs() < 1e-4);
        Ok(())
    }
}
