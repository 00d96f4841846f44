//! The BM25 statistics of one search, each looked up once. A ranked search asks for a term's
//! document frequency three times: the first pass ([`super::maxscore`]) sums it over the
//! segments' term dictionaries, then tantivy asks again when it weighs the full query, and the
//! exhaustive fallback asks a third time. Every ask is a dictionary look-up per segment (14 on
//! 100k generated articles); the first pass's sums are kept here and handed back. So are the
//! places it found each term at in each segment, for the second pass's term queries
//! ([`super::known`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::postings::TermInfo;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::known::KnownTerms;

/// BM25's inverse document frequency of a term `df` of `n` documents hold, as tantivy computes
/// it.
pub(crate) fn idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// [`Bm25StatisticsProvider`] over a searcher that remembers what it was told or asked.
pub(crate) struct Statistics<'a> {
    searcher: &'a Searcher,
    total_docs: Cell<Option<u64>>,
    tokens: RefCell<HashMap<Field, u64>>,
    doc_freqs: RefCell<HashMap<Term, u64>>,
    places: RefCell<KnownTerms>,
}

impl<'a> Statistics<'a> {
    pub(crate) fn new(searcher: &'a Searcher) -> Self {
        Statistics {
            searcher,
            total_docs: Cell::new(None),
            tokens: RefCell::default(),
            doc_freqs: RefCell::default(),
            places: RefCell::new(KnownTerms::new(searcher)),
        }
    }

    /// Records where `term` is in each segment (in the searcher's order), found by the caller,
    /// and its document frequency over the whole index, which those places add up to (returned).
    pub(crate) fn remember_places(&self, term: &Term, per_segment: Vec<Option<TermInfo>>) -> u64 {
        let doc_freq = per_segment.iter().flatten().map(|i| u64::from(i.doc_freq)).sum();
        self.remember(term, doc_freq);
        self.places.borrow_mut().insert(term, per_segment);
        doc_freq
    }

    /// The places recorded so far, handed over (for [`super::known::KnownTermQuery`]).
    pub(crate) fn take_places(&self) -> Arc<KnownTerms> {
        let searcher = self.searcher;
        Arc::new(self.places.replace(KnownTerms::new(searcher)))
    }

    /// Records `term`'s document frequency over the whole index, found by the caller.
    pub(crate) fn remember(&self, term: &Term, doc_freq: u64) {
        self.doc_freqs.borrow_mut().insert(term.clone(), doc_freq);
    }

    /// What is held for `term`, without looking it up.
    #[cfg(test)]
    pub(crate) fn remembered(&self, term: &Term) -> Option<u64> {
        self.doc_freqs.borrow().get(term).copied()
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&n) = self.tokens.borrow().get(&field) {
            return Ok(n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        self.tokens.borrow_mut().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        if let Some(n) = self.total_docs.get() {
            return Ok(n);
        }
        let n = self.searcher.total_num_docs()?;
        self.total_docs.set(Some(n));
        Ok(n)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.remember(term, n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    #[test]
    fn answers_as_the_searcher_does_and_keeps_what_it_is_told() -> tantivy::Result<()> {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000)?;
        for text in ["a b", "a", "b c c"] {
            writer.add_document(doc!(body => text))?;
            writer.commit()?; // one segment each
        }
        let searcher = index.reader()?.searcher();
        let stats = Statistics::new(&searcher);
        for word in ["a", "b", "c", "d"] {
            let term = Term::from_field_text(body, word);
            assert_eq!(stats.doc_freq(&term)?, searcher.doc_freq(&term)?);
        }
        assert_eq!(stats.total_num_tokens(body)?, searcher.total_num_tokens(body)?);
        assert_eq!(stats.total_num_docs()?, 3);
        // what the first pass found is handed back as it was told
        let e = Term::from_field_text(body, "e");
        stats.remember(&e, 7);
        assert_eq!(stats.doc_freq(&e)?, 7);
        assert_eq!(stats.remembered(&Term::from_field_text(body, "a")), Some(2), "asked once, kept");
        Ok(())
    }
}
