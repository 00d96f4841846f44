//! A union that scores the sum of its matching clauses and may require several of them.
//!
//! tantivy's own unions are built for walking every match: the plain union scores a window of
//! 4,096 documents at a time (so each jump to a far document costs a whole window), and the
//! union with a minimum number of clauses keeps its clauses in a binary heap (a heap operation
//! per clause per document; 20% of query time on the 100k benchmark). Our unions are small —
//! a query's words, a word's fields — so this one keeps its clauses in a plain vector, looks at
//! each clause's current document, and with a minimum of `m` jumps straight to the `m`-th
//! smallest of them (no document before it can be matched by `m` clauses).

use std::fmt;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches the documents at least `minimum` of `clauses` match, scoring the sum of the
/// matching clauses' scores.
pub struct SumQuery {
    clauses: Vec<Box<dyn Query>>,
    minimum: usize,
}

impl SumQuery {
    pub fn new(clauses: Vec<Box<dyn Query>>, minimum: usize) -> Self {
        SumQuery { clauses, minimum: minimum.max(1) }
    }
}

impl Clone for SumQuery {
    fn clone(&self) -> Self {
        SumQuery { clauses: self.clauses.iter().map(|c| c.box_clone()).collect(), minimum: self.minimum }
    }
}

impl fmt::Debug for SumQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Sum(at least {} of {:?})", self.minimum, self.clauses)
    }
}

impl Query for SumQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self.clauses.iter().map(|c| c.weight(enable_scoring)).collect::<tantivy::Result<_>>()?;
        Ok(Box::new(SumWeight { weights, minimum: self.minimum }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for c in &self.clauses {
            c.query_terms(visitor);
        }
    }
}

struct SumWeight {
    weights: Vec<Box<dyn Weight>>,
    minimum: usize,
}

impl Weight for SumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut clauses = Vec::with_capacity(self.weights.len());
        for w in &self.weights {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                clauses.push(s);
            }
        }
        if clauses.len() < self.minimum {
            return Ok(Box::new(EmptyScorer));
        }
        if clauses.len() == 1 {
            return Ok(clauses.pop().unwrap_or_else(|| Box::new(EmptyScorer)));
        }
        let mut scorer = SumScorer { clauses, minimum: self.minimum, doc: 0, scratch: Vec::new() };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matching: Vec<Explanation> = self.weights.iter().filter_map(|w| w.explain(reader, doc).ok()).collect();
        if matching.len() < self.minimum {
            return Err(TantivyError::InvalidArgument(format!("document #{doc} does not match")));
        }
        let mut sum = Explanation::new("Sum of", matching.iter().map(Explanation::value).sum());
        for m in matching {
            sum.add_detail(m);
        }
        Ok(sum)
    }
}

struct SumScorer {
    clauses: Vec<Box<dyn Scorer>>,
    minimum: usize,
    doc: DocId,
    scratch: Vec<DocId>,
}

impl SumScorer {
    /// Moves to the first document, at or after the clauses' current ones, that at least
    /// `minimum` clauses match.
    fn settle(&mut self) -> DocId {
        loop {
            let target = if self.minimum == 1 {
                self.clauses.iter().map(|c| c.doc()).min().unwrap_or(TERMINATED)
            } else {
                self.scratch.clear();
                self.scratch.extend(self.clauses.iter().map(|c| c.doc()));
                if self.scratch.len() < self.minimum {
                    TERMINATED
                } else {
                    *self.scratch.select_nth_unstable(self.minimum - 1).1
                }
            };
            if target == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let mut at = 0;
            for c in &mut self.clauses {
                if c.doc() < target {
                    c.seek(target);
                }
                at += usize::from(c.doc() == target);
            }
            if at >= self.minimum {
                self.doc = target;
                return target;
            }
            // Fewer than `minimum` landed on the target: move those that did past it.
            for c in &mut self.clauses {
                if c.doc() == target {
                    c.advance();
                }
            }
        }
    }
}

impl DocSet for SumScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let doc = self.doc;
        for c in &mut self.clauses {
            if c.doc() == doc {
                c.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for c in &mut self.clauses {
            if c.doc() < target {
                c.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.clauses.iter().map(|c| c.size_hint()).fold(0u32, u32::saturating_add)
    }
}

impl Scorer for SumScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.clauses.iter_mut().filter(|c| c.doc() == doc).map(|c| c.score()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, doc};

    /// Same documents and scores as tantivy's BooleanQuery, for unions with and without a
    /// minimum, on an index where clauses overlap in every way.
    #[test]
    fn matches_and_scores_like_a_boolean_query() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let id = builder.add_text_field("id", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer(15_000_000).unwrap();
        let words = ["a", "b", "c", "d"];
        for n in 0..300u32 {
            // every subset of the four words, in varying amounts
            let body: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|&(i, _)| (n >> i) & 1 == 1 || n % (i as u32 + 5) == 0)
                .map(|(_, w)| *w)
                .collect();
            let repeated = body.iter().map(|w| w.repeat(1 + (n as usize % 3))).collect::<Vec<_>>().join(" ");
            writer.add_document(doc!(text => format!("{} {}", body.join(" "), repeated), id => n.to_string())).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(text, w), IndexRecordOption::WithFreqs))
        };
        for minimum in 1..=4 {
            let ours = SumQuery::new(words.iter().map(|w| term(w)).collect(), minimum);
            let theirs = BooleanQuery::with_minimum_required_clauses(
                words.iter().map(|w| (Occur::Should, term(w))).collect(),
                minimum,
            );
            let top = |q: &dyn Query| -> Vec<(DocAddress, i64)> {
                let mut hits: Vec<_> = searcher
                    .search(q, &TopDocs::with_limit(1000).order_by_score())
                    .unwrap()
                    .into_iter()
                    .map(|(s, a)| (a, (s * 1000.0).round() as i64))
                    .collect();
                hits.sort();
                hits
            };
            let (a, b) = (top(&ours), top(&theirs));
            assert!(!a.is_empty(), "minimum {minimum}: no matches");
            assert_eq!(a, b, "minimum {minimum}");
            // explanations agree with the scores
            for (address, score) in a.iter().take(20) {
                let e = ours.explain(&searcher, *address).unwrap();
                assert_eq!((e.value() * 1000.0).round() as i64, *score);
            }
        }
        // seeking lands on matches only
        let ours = SumQuery::new(words.iter().map(|w| term(w)).collect(), 3);
        let weight = ours.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
        let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0).unwrap();
        let mut seen = Vec::new();
        for target in (0..300).step_by(7) {
            if scorer.doc() < target {
                scorer.seek(target);
            }
            if scorer.doc() == TERMINATED {
                break;
            }
            assert!(scorer.doc() >= target);
            seen.push(scorer.doc());
        }
        let all = {
            let theirs = BooleanQuery::with_minimum_required_clauses(
                words.iter().map(|w| (Occur::Should, term(w))).collect(),
                3,
            );
            let mut hits: Vec<u32> = searcher
                .search(&theirs, &TopDocs::with_limit(1000).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(_, a)| a.doc_id)
                .collect();
            hits.sort();
            hits
        };
        assert!(!seen.is_empty());
        for d in seen {
            assert!(all.contains(&d), "{d} does not match");
        }
    }
}
