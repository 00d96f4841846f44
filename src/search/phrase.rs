//! Phrases: tantivy's phrase query, explained safely. tantivy's phrase explanation seeks a new
//! scorer to the document asked about, but that scorer already stands on the first document
//! where the phrase occurs, and seeking backwards breaks a docset's contract (a debug assertion
//! fails; found by the `query` fuzz target with `--explain` on a quoted phrase). The document is
//! first checked against a scorer of its own: one before the first match does not match.

use tantivy::query::{EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// The words of `terms` at their offsets, with no words between them.
pub(crate) fn phrase(terms: Vec<(usize, Term)>) -> Box<dyn Query> {
    Box::new(Phrase(PhraseQuery::new_with_offset_and_slop(terms, 0)))
}

#[derive(Clone, Debug)]
struct Phrase(PhraseQuery);

impl Query for Phrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(PhraseWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct PhraseWeight(Box<dyn Weight>);

impl Weight for PhraseWeight {
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
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000)?;
        writer.add_document(doc!(body => "beta alpha"))?;
        writer.add_document(doc!(body => "alpha beta"))?;
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let q = phrase(vec![(0, Term::from_field_text(body, "alpha")), (1, Term::from_field_text(body, "beta"))]);
        let first = tantivy::DocAddress::new(0, 0);
        assert!(q.explain(&searcher, first).is_err(), "doc 0 holds both words, not the phrase");
        assert!(q.explain(&searcher, tantivy::DocAddress::new(0, 1))?.value() > 0.0);
        Ok(())
    }
}
