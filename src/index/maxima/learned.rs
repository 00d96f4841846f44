//! The highest score each term reaches in each segment, learned from the postings the first
//! pass of a ranked search (`search::maxscore`) walks from end to end.
//!
//! MaxScore bounds what a term can add to a document by BM25's ceiling: any frequency in the
//! shortest text. For the common words of a whole question the real highest score in a segment
//! is half of that or less, and the loose bounds keep their postings essential (walked in full)
//! where exact bounds would leave them to be looked up for the few documents that can still
//! make it. tantivy keeps no per-term maximum that can be read without decoding the postings.
//! But a term that leads the first pass is walked in full anyway, every posting scored: the
//! highest score seen then is the exact maximum, at no cost. It is remembered here, as a
//! fraction of the ceiling (which does not depend on the term's document frequency), for the
//! searches that follow in the same process; segments never change, and the fraction depends
//! on nothing else but the field's average length, which is kept with it.
//!
//! The common words, which are looked up more often than walked, have their maxima stored
//! beside each segment when it is written ([`super`]); what is learned here serves the rarer
//! ones.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::Term;
use tantivy::index::SegmentId;

/// How many (segment, term) pairs are remembered at most (about 100 bytes each); past that
/// the memory starts again empty.
const CAPACITY: usize = 100_000;

/// A safety margin on a learned fraction: scores computed again later may differ in the last
/// bit.
const MARGIN: f32 = 1.0 + 1e-5;

/// Learned maxima, shared by the searches of one open index.
#[derive(Debug, Default)]
pub struct LearnedMaxima {
    known: Mutex<Known>,
}

#[derive(Debug, Default)]
struct Known {
    by_term: HashMap<Term, Vec<(SegmentId, Learned)>>,
    pairs: usize,
}

/// What part of BM25's ceiling a term reaches in a segment, and the field's statistics it was
/// measured with (its number of tokens and the index's number of documents: the average length).
#[derive(Debug, Clone, Copy)]
struct Learned {
    fraction: f32,
    lengths: (u64, u64),
}

impl LearnedMaxima {
    /// The segments where `term` is known to reach at most a fraction of BM25's ceiling, with
    /// that fraction, as learned with the same average field length (`lengths`: the field's
    /// tokens and the index's documents).
    pub(crate) fn fractions(&self, term: &Term, lengths: (u64, u64)) -> Vec<(SegmentId, f32)> {
        let Ok(known) = self.known.lock() else { return Vec::new() };
        known.by_term.get(term).map_or_else(Vec::new, |segments| {
            segments
                .iter()
                .filter(|(_, l)| l.lengths == lengths)
                .map(|(segment, l)| (*segment, (l.fraction * MARGIN).min(1.0)))
                .collect()
        })
    }

    /// Remembers that `term` reaches `fraction` of BM25's ceiling at most in `segment`.
    pub(crate) fn learn(&self, segment: SegmentId, term: &Term, lengths: (u64, u64), fraction: f32) {
        if !(0.0..=1.0).contains(&fraction) {
            return;
        }
        let Ok(mut known) = self.known.lock() else { return };
        if known.pairs >= CAPACITY {
            *known = Known::default();
        }
        let learned = Learned { fraction, lengths };
        let segments = known.by_term.entry(term.clone()).or_default();
        match segments.iter_mut().find(|(s, _)| *s == segment) {
            Some(entry) => entry.1 = learned,
            None => {
                segments.push((segment, learned));
                known.pairs += 1;
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.known.lock().map_or(0, |k| k.pairs)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Field;

    use super::*;

    fn term(text: &str) -> Term {
        Term::from_field_text(Field::from_field_id(0), text)
    }

    #[test]
    fn a_fraction_holds_for_its_segment_and_average_length_only() {
        let learned = LearnedMaxima::default();
        let (s1, s2) = (SegmentId::generate_random(), SegmentId::generate_random());
        learned.learn(s1, &term("医保"), (1000, 10), 0.4);
        learned.learn(s2, &term("医保"), (1000, 10), 0.7);
        learned.learn(s2, &term("医保"), (1000, 10), 0.5); // learned again: replaced
        learned.learn(s1, &term("报销"), (1000, 10), 1.5); // not a fraction: ignored
        assert_eq!(learned.len(), 2);
        let mut got = learned.fractions(&term("医保"), (1000, 10));
        got.sort_by(|a, b| a.1.total_cmp(&b.1));
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![s1, s2]);
        // a hair above what was seen, never below
        assert!(got[0].1 >= 0.4 && got[0].1 < 0.4001 && got[1].1 >= 0.5 && got[1].1 < 0.5001, "{got:?}");
        assert!(learned.fractions(&term("医保"), (1001, 10)).is_empty(), "another average length");
        assert!(learned.fractions(&term("报销"), (1000, 10)).is_empty());
    }

    #[test]
    fn memory_starts_again_when_full() {
        let learned = LearnedMaxima::default();
        let segment = SegmentId::generate_random();
        for i in 0..CAPACITY {
            learned.learn(segment, &term(&i.to_string()), (1, 1), 0.5);
        }
        assert_eq!(learned.len(), CAPACITY);
        learned.learn(segment, &term("one more"), (1, 1), 0.5);
        assert_eq!(learned.len(), 1);
        assert_eq!(learned.fractions(&term("one more"), (1, 1)).len(), 1);
        assert!(learned.fractions(&term("0"), (1, 1)).is_empty());
    }
}
