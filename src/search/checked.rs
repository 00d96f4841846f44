//! Queries explained safely. tantivy's boolean and phrase queries explain a document by seeking
//! a new scorer to it, but such a scorer already stands on the first document it matches, and
//! seeking backwards breaks a docset's contract (a debug assertion in tantivy fails). tantivy's term and constant-score queries check first; these
//! wrappers do the same for the others: a document before the first match does not match.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// The words of `terms` at their offsets, with no words between them.
pub(crate) fn phrase(terms: Vec<(usize, Term)>) -> Box<dyn Query> {
    Box::new(Checked(Box::new(PhraseQuery::new_with_offset_and_slop(terms, 0))))
}

/// tantivy's boolean query of `clauses`.
pub(crate) fn boolean(clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    Box::new(Checked(Box::new(BooleanQuery::new(clauses))))
}

#[derive(Debug)]
struct Checked(Box<dyn Query>);

impl Clone for Checked {
    fn clone(&self) -> Self {
        Checked(self.0.box_clone())
    }
}

impl Query for Checked {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CheckedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct CheckedWeight(Box<dyn Weight>);

impl Weight for CheckedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.0.scorer(reader, 1.0)?;
        let at = if scorer.doc() >= doc { scorer.doc() } else { scorer.seek(doc) };
        if at != doc {
            return Err(TantivyError::InvalidArgument(format!("document #{doc} does not match")));
        }
        self.0.explain(reader, doc)
    }

    // the rest as the query itself does it (tantivy's boolean query walks its matches its own way)
    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }

    fn for_each(&self, reader: &SegmentReader, callback: &mut dyn FnMut(DocId, Score)) -> tantivy::Result<()> {
        self.0.for_each(reader, callback)
    }

    fn for_each_no_score(&self, reader: &SegmentReader, callback: &mut dyn FnMut(&[DocId])) -> tantivy::Result<()> {
        self.0.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.0.for_each_pruning(threshold, reader, callback)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, doc};

    use super::*;

    #[test]
    fn a_document_before_the_first_match_is_explained_as_not_matching() -> tantivy::Result<()> {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        writer.add_document(doc!(body => "beta alpha"))?;
        writer.add_document(doc!(body => "alpha beta"))?;
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let q = phrase(vec![(0, Term::from_field_text(body, "alpha")), (1, Term::from_field_text(body, "beta"))]);
        let first = tantivy::DocAddress::new(0, 0);
        assert!(q.explain(&searcher, first).is_err(), "doc 0 holds both words, not the phrase");
        assert!(q.explain(&searcher, tantivy::DocAddress::new(0, 1))?.value() > 0.0);
        // a union whose first match is after the document asked about
        let either = boolean(vec![(Occur::Should, q.box_clone()), (Occur::Should, q)]);
        assert!(either.explain(&searcher, first).is_err());
        Ok(())
    }
}
