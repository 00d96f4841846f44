//! The first pass of a ranked search: the `k` best documents for a union of weighted terms,
//! scored as the full query scores them apart from phrases, bigrams and region tags: the sum of
//! each matching term's BM25 times its weight (as tantivy scores a `BooleanQuery` of boosted
//! `TermQuery`s), plus the bonus of every query word met, among the documents that meet enough
//! of the words; found with the MaxScore algorithm (Turtle and Flood, 1995).
//!
//! - **Essential terms.** Terms are ordered by the most they can add to a score per document
//!   holding them. Once `k` documents are held, the longest run of terms from the start of that
//!   order whose maxima together cannot lift a document above the `k`-th best (or that cannot
//!   meet enough of the query's words on their own) are *non-essential*: documents are
//!   enumerated from the essential terms only, and the others are looked up (a seek) for those
//!   documents alone, and not even then when the document cannot make it. A whole question's
//!   words that are everywhere (医保, 办理, the parts of long words) soon become non-essential,
//!   and the pass walks the postings of its few rare words.
//! - **Windows.** Documents are taken a window at a time (4,096 document ids): the leading terms
//!   fill the window one after the other, then its documents are finished in order (as Lucene's
//!   MaxScore does), instead of finding the smallest document among 20–60 cursors for each one.
//!   A window is enumerated from the cheaper of the essential terms and the terms of one
//!   *required* requirement: a filter (region, source, a word required in the title), a quoted
//!   phrase, or a word without which nothing can beat the `k`-th score. A date range is checked
//!   on each document found, before any look-up.
//! - **Passages and teasers** are two sets of terms on fields of their own: a teaser ranks at
//!   [`super::collect::TEASER_WEIGHT`] of its score, so the teaser set is ranked after the
//!   passages, with its weights and bonus lowered accordingly and the floor the passages
//!   reached; teasers' short titles then rarely need walking.
//! - **Postings read directly** (no `Scorer` objects): one dictionary look-up per term and
//!   segment, and the BM25 weight computed here from the index's statistics exactly as
//!   `TermQuery` computes it.
//! - **Segments in parallel** on rayon's threads: each worker ranks its segments in increasing
//!   order into a top `k` of its own, and passes over what scores less than the `k`-th best
//!   score any worker holds (a shared floor); the workers' top `k` are merged at the end. A
//!   search answers the same on one thread or several.
//! - **Bounds.** A term's bound is its exact maximum in the segment when that is known: stored
//!   beside the segment for the terms 512 or more of its documents hold
//!   ([`crate::index::maxima`]), or learned by a search that walked the term's postings there
//!   from end to end ([`crate::index::maxima::learned`]). Otherwise it is BM25's ceiling (any
//!   frequency in the shortest text).
//!
//! What each of these is worth is in BENCHMARKS.md.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering as AtomicOrdering};

use rayon::prelude::*;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::stats::Statistics;
use crate::index::maxima::learned::LearnedMaxima;
use crate::index::maxima::{Maxima, SegmentMaxima};

/// A document and its score, ordered by score, then by address (the lower address wins a tie,
/// as with tantivy's `TopDocs`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hit {
    score: Score,
    doc: DocAddress,
}

impl Eq for Hit {}

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.doc.cmp(&self.doc))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What the first pass knows of the query's requirements (its words, each met through any of
/// several terms). Each term says which requirements it meets (a bit each); a document scores
/// the `bonus` of each requirement it meets, as in the full query, and only documents that
/// meet every `strict` requirement and at least `minimum` of the `flexible` ones are ranked.
/// The default (no requirements) ranks the plain union of the terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirements {
    /// The bonus of meeting each requirement, by its bit.
    pub bonus: [Score; 64],
    pub flexible: u64,
    pub strict: u64,
    /// Requirements that add their bonus when met but are never needed (question words).
    pub optional: u64,
    pub minimum: u32,
    /// Filters: met by every ranked document like strict requirements, but without a bonus
    /// (a region or source filter, a word required in the title).
    pub filters: u64,
    /// Only documents whose value of a fast u64 field lies in a range (a date filter).
    pub range: Option<ValueRange>,
}

impl Default for Requirements {
    fn default() -> Self {
        Requirements { bonus: [0.0; 64], flexible: 0, strict: 0, optional: 0, minimum: 0, filters: 0, range: None }
    }
}

/// Values `from..=to` of the fast u64 `field`; a document without a value is out of range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    pub field: Field,
    pub from: u64,
    pub to: u64,
}

impl Requirements {
    /// Whether a document meeting `met` can be ranked.
    fn possible(&self, met: u64) -> bool {
        let all = self.strict | self.filters;
        met & all == all && (met & self.flexible).count_ones() >= self.minimum
    }

    /// The bonus of the requirements in `met`.
    fn bonus_of(&self, met: u64) -> Score {
        let mut bits = met & (self.flexible | self.strict | self.optional);
        let mut sum = 0.0;
        while bits != 0 {
            sum += self.bonus[bits.trailing_zeros() as usize];
            bits &= bits - 1;
        }
        sum
    }
}

/// A term of the first pass: its weight, and the requirements a match of it meets.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedTerm {
    pub term: Term,
    pub weight: Score,
    pub meets: u64,
}

/// Terms ranked together, with what their documents must meet. The documents of two sets must
/// be apart (a set's terms never match another set's documents): passages and teasers, indexed
/// in fields of their own, are two sets, and a teaser's score is weighed down in its set's
/// weights and bonus.
#[derive(Debug, Clone, PartialEq)]
pub struct TermSet {
    pub terms: Vec<WeightedTerm>,
    pub requirements: Requirements,
}

/// One term's postings in a segment, scored as tantivy's `TermScorer` scores them (BM25 of the
/// frequency and the field length), times the term's weight.
struct Cursor<'a> {
    postings: SegmentPostings,
    doc: DocId,
    fieldnorms: FieldNormReader,
    bm25: &'a Bm25Weight,
    weight: Score,
    /// The most this term adds to a document's score.
    max: Score,
    meets: u64,
    /// How many documents of the segment hold the term.
    cost: u32,
    /// The term, by its place among the set's terms.
    term: usize,
    /// Whether every posting so far was scored (the cursor only advanced, never sought).
    whole: bool,
    /// The highest score of those postings.
    seen: Score,
}

impl Cursor<'_> {
    fn score(&self) -> Score {
        if self.weight == 0.0 {
            // a filter: its field may have no lengths and no frequencies
            return 0.0;
        }
        self.weight * self.bm25.score(self.fieldnorms.fieldnorm_id(self.doc), self.postings.term_freq())
    }

    fn advance(&mut self) {
        self.doc = self.postings.advance();
    }

    fn seek(&mut self, target: DocId) {
        self.whole = false;
        self.doc = self.postings.seek(target);
    }

    /// The highest score of the term in the segment, once every posting was scored.
    fn highest(&self) -> Option<Score> {
        (self.whole && self.doc == TERMINATED).then_some(self.seen)
    }
}

/// Which terms of a segment a window is enumerated from (the *leading* ones) and which are only
/// looked up for the documents found, given the score a document must beat.
struct Plan {
    /// The floor the plan was made for.
    floor: Score,
    lead: Vec<usize>,
    /// The other cursors, in the order of the cursors (see [`per_posting`]); for each, what it and the
    /// ones before it add at most together, and the requirements they meet.
    probe: Vec<usize>,
    sums: Vec<Score>,
    meets: Vec<u64>,
}

impl Plan {
    /// The cheapest of two ways to enumerate, in documents to walk: MaxScore's essential terms
    /// (`cursors` are in the order of [`per_posting`]: the longest prefix that cannot make a document beat
    /// `floor` on its own is left out), or the terms of one *required* requirement (without
    /// it, everything else together cannot beat the floor or meet enough words; a strict
    /// requirement always is one). A question naming a rare place enumerates that place's
    /// postings instead of those of every word whose maximum is high.
    fn new(cursors: &[Cursor], floor: Score, req: &Requirements) -> Plan {
        let (mut sum, mut met) = (0.0, 0u64);
        let mut essential = 0;
        for c in cursors {
            sum += c.max;
            met |= c.meets;
            if sum + req.bonus_of(met) <= floor || !req.possible(met) {
                essential += 1;
            } else {
                break;
            }
        }
        let mut best_cost: u64 = cursors[essential..].iter().map(|c| u64::from(c.cost)).sum();
        let mut required = None;
        let mut bits = req.strict | req.flexible | req.filters;
        while bits != 0 {
            let bit = bits & bits.wrapping_neg();
            bits &= bits - 1;
            // what a document without this requirement could reach, and what its terms cost
            let (mut without, mut met_without, mut cost) = (0.0, 0u64, 0u64);
            for c in cursors {
                if c.meets & bit == 0 {
                    without += c.max;
                    met_without |= c.meets;
                } else {
                    cost += u64::from(c.cost);
                }
            }
            let needed = without + req.bonus_of(met_without) <= floor || !req.possible(met_without);
            if needed && cost < best_cost {
                best_cost = cost;
                required = Some(bit);
            }
        }
        let leads = |i: usize| match required {
            Some(bit) => cursors[i].meets & bit != 0,
            None => i >= essential,
        };
        let (lead, probe): (Vec<usize>, Vec<usize>) = (0..cursors.len()).partition(|&i| leads(i));
        let (mut sums, mut meets) = (Vec::with_capacity(probe.len()), Vec::with_capacity(probe.len()));
        let (mut sum, mut met) = (0.0, 0u64);
        for &i in &probe {
            sum += cursors[i].max;
            met |= cursors[i].meets;
            sums.push(sum);
            meets.push(met);
        }
        Plan { floor, lead, probe, sums, meets }
    }
}

/// What the leading terms give each document of a window of consecutive documents: filled
/// term after term, emptied in document order.
struct Window {
    scores: Vec<Score>,
    met: Vec<u64>,
    /// a bit per document holding anything
    marks: Vec<u64>,
    /// the word of `marks` being emptied
    word: usize,
}

impl Window {
    fn new(len: usize) -> Self {
        let words = len.div_ceil(64).max(1);
        Window { scores: vec![0.0; words * 64], met: vec![0; words * 64], marks: vec![0; words], word: 0 }
    }

    fn len(&self) -> usize {
        self.scores.len()
    }

    fn add(&mut self, offset: usize, score: Score, meets: u64) {
        self.scores[offset] += score;
        self.met[offset] |= meets;
        self.marks[offset / 64] |= 1 << (offset % 64);
    }

    /// The next document holding anything (its offset, score and requirements met), cleared;
    /// `None` once the window is empty, which makes it ready to be filled again.
    fn take_next(&mut self) -> Option<(usize, Score, u64)> {
        while let Some(bits) = self.marks.get_mut(self.word) {
            if *bits != 0 {
                let offset = self.word * 64 + bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                return Some((offset, std::mem::take(&mut self.scores[offset]), std::mem::take(&mut self.met[offset])));
            }
            self.word += 1;
        }
        self.word = 0;
        None
    }
}

/// A safety margin on a bound computed from stored maxima.
const STORED_MARGIN: Score = 1.0 + 1e-5;

/// Where a term comes in the order of a segment's cursors (least first), given the most it adds
/// to a document's score (`max`) and how many documents of the segment hold it: the most it
/// adds per posting. MaxScore leaves out of the enumeration the longest run of terms from the
/// start of this order that cannot make a document on their own, and looks them up instead.
/// Ordered by their maxima alone, as MaxScore first was, the common words of a whole question
/// came last when their highest scores in the segment were known and low, and stayed
/// essential; the rarer words, whose bounds were still BM25's ceiling, were left out. The
/// words left out are now those with the most postings for what they can add: a whole
/// question walks and examines far fewer postings.
fn per_posting(max: Score, doc_freq: u32) -> Score {
    max / doc_freq.max(1) as Score
}

/// Documents looked at together: the leading terms fill a window term after term, then its
/// documents are finished (the other terms, requirements, the top k) in order.
const WINDOW: usize = 4096;

/// The `k` best documents of the union of each set's terms, scored as the sum of each matching
/// term's BM25 times its weight plus the bonus of the requirements met, among the documents that
/// can meet their set's requirements; best first. The sets are ranked one after the other into
/// the same top `k`, so a later set starts from the score the earlier ones reached.
///
/// The segments are shared out among the threads of rayon's pool ([`workers`]); the answers do
/// not depend on how many there are.
///
/// The document frequencies summed here, and where each term is in each segment, are handed to
/// `stats` for the passes that follow.
pub fn top_k(
    searcher: &Searcher,
    stats: &Statistics,
    maxima: Known,
    sets: &[TermSet],
    k: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    top_k_in_windows(searcher, stats, maxima, sets, k, WINDOW, workers(searcher))
}

/// How many threads rank the segments of a search: one per thread of rayon's pool (one per
/// core unless `RAYON_NUM_THREADS` says otherwise), at most one per segment.
fn workers(searcher: &Searcher) -> usize {
    rayon::current_num_threads().min(searcher.segment_readers().len()).max(1)
}

/// [`top_k`] with windows of `window` documents (rounded up to a multiple of 64), the segments
/// ranked by `workers` threads.
fn top_k_in_windows(
    searcher: &Searcher,
    stats: &Statistics,
    maxima: Known,
    sets: &[TermSet],
    k: usize,
    window: usize,
    workers: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    if k == 0 {
        return Ok(Vec::new());
    }
    let floor = SharedFloor::default();
    // the k best of the sets ranked so far, best first
    let mut best: Vec<Hit> = Vec::with_capacity(k);
    for set in sets.iter().filter(|s| !s.terms.is_empty()) {
        let ranked = RankedSet::new(searcher, stats, maxima, &set.terms, set.requirements)?;
        let segments = searcher.segment_readers().len();
        // worker `w` starts with segment `w`, then takes the next segment not taken until none
        // is left (so each works in increasing order, into a top k of its own, and none waits
        // for the others to start)
        let next = AtomicUsize::new(workers);
        let work = |w: usize| -> tantivy::Result<Vec<Hit>> {
            let mut window = Window::new(window);
            let mut local: BinaryHeap<Reverse<Hit>> = BinaryHeap::with_capacity(k + 1);
            let mut ord = w;
            while ord < segments {
                ranked.rank_segment(searcher, ord, k, &mut window, &mut local, &floor)?;
                ord = next.fetch_add(1, AtomicOrdering::Relaxed);
            }
            Ok(local.into_iter().map(|r| r.0).collect())
        };
        let found: Vec<Vec<Hit>> = if workers <= 1 {
            vec![work(0)?]
        } else {
            (0..workers).into_par_iter().map(work).collect::<tantivy::Result<_>>()?
        };
        best.extend(found.into_iter().flatten());
        best.sort_unstable_by(|a, b| b.cmp(a));
        best.truncate(k);
        if let Some(kth) = best.get(k - 1) {
            floor.raise(kth.score);
        }
    }
    Ok(best.into_iter().map(|h| (h.score, h.doc)).collect())
}

/// The k-th best score any worker holds: a document scoring less cannot be among the k best
/// of the whole search. A document scoring exactly as much still can (the lower address wins a
/// tie, and the worker holding that score may have found it in a later segment), so other
/// workers pass over only what scores *less*.
#[derive(Debug)]
struct SharedFloor(AtomicU32);

impl Default for SharedFloor {
    fn default() -> Self {
        SharedFloor(AtomicU32::new(Score::NEG_INFINITY.to_bits()))
    }
}

impl SharedFloor {
    fn raise(&self, score: Score) {
        let _ = self.0.fetch_update(AtomicOrdering::Relaxed, AtomicOrdering::Relaxed, |bits| {
            (score > Score::from_bits(bits)).then_some(score.to_bits())
        });
    }

    /// The highest score a document may have and still be passed over: the largest score below
    /// the floor (the pruning compares with `<=`).
    fn below(&self) -> Score {
        Score::from_bits(self.0.load(AtomicOrdering::Relaxed)).next_down()
    }
}

/// What is known of the highest scores of terms, besides BM25's ceiling: what earlier searches
/// learned, and what is stored beside the segments.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    pub learned: &'a LearnedMaxima,
    pub stored: &'a Maxima,
}

/// A term's BM25 weight and what bounds its score.
struct TermBounds {
    bm25: Bm25Weight,
    /// BM25's ceiling times the term's weight.
    ceiling: Score,
    /// The segments where the term's highest score is known, as fractions of the ceiling.
    fractions: Vec<(tantivy::index::SegmentId, f32)>,
    /// The field's tokens and the index's documents (the average length the fractions hold for).
    lengths: (u64, u64),
}

impl TermBounds {
    /// The most `term` adds to a document's score in `segment`: learned there, or computed from
    /// the maxima stored beside it, or else BM25's ceiling.
    fn max_in(&self, segment: tantivy::index::SegmentId, term: &WeightedTerm, stored: Option<&SegmentMaxima>) -> Score {
        if let Some((_, fraction)) = self.fractions.iter().find(|(s, _)| *s == segment) {
            return self.ceiling * fraction;
        }
        let frontier = if self.ceiling > 0.0 { stored.and_then(|s| s.frontier(&term.term)) } else { None };
        match frontier {
            // the same product as a cursor's score, with a margin for the last bit
            Some(pairs) => pairs
                .iter()
                .map(|&(id, tf)| term.weight * self.bm25.score(id, tf) * STORED_MARGIN)
                .fold(0.0, Score::max)
                .min(self.ceiling),
            None => self.ceiling,
        }
    }
}

/// One set of terms, looked up in every segment, ready to be ranked a segment at a time.
struct RankedSet<'a> {
    terms: &'a [WeightedTerm],
    req: Requirements,
    learned: &'a LearnedMaxima,
    /// The maxima stored beside the segments (for the terms not learned).
    stored: &'a Maxima,
    bounds: Vec<TermBounds>,
    /// where each term's postings are in each segment
    infos: Vec<Vec<Option<TermInfo>>>,
}

impl<'a> RankedSet<'a> {
    /// Where each term's postings are in each segment (one dictionary look-up each), and its
    /// BM25 weight from the statistics of the whole index, as tantivy's `TermQuery` computes it.
    fn new(
        searcher: &Searcher,
        stats: &Statistics,
        Known { learned, stored }: Known<'a>,
        terms: &'a [WeightedTerm],
        req: Requirements,
    ) -> tantivy::Result<Self> {
        let readers = searcher.segment_readers();
        let total_docs = stats.total_num_docs()?;
        // each segment's dictionaries on a thread of their own
        let by_segment = readers
            .par_iter()
            .map(|reader| {
                terms.iter().map(|t| Ok(reader.inverted_index(t.term.field())?.get_term_info(&t.term)?)).collect()
            })
            .collect::<tantivy::Result<Vec<Vec<Option<TermInfo>>>>>()?;
        let mut bounds = Vec::with_capacity(terms.len());
        let mut infos = Vec::with_capacity(terms.len());
        for (n, t) in terms.iter().enumerate() {
            let per_segment: Vec<Option<TermInfo>> = by_segment.iter().map(|infos| infos[n].clone()).collect();
            let doc_freq = stats.remember_places(&t.term, per_segment.clone());
            let tokens = stats.total_num_tokens(t.term.field())?;
            let bm25 = Bm25Weight::for_one_term(doc_freq, total_docs, tokens as Score / total_docs.max(1) as Score);
            // the most this term can add: any frequency in the shortest text, or what it was
            // seen to reach in a segment
            let ceiling = if t.weight == 0.0 { 0.0 } else { bm25.max_score() * t.weight };
            let lengths = (tokens, total_docs);
            let fractions = if ceiling > 0.0 { learned.fractions(&t.term, lengths) } else { Vec::new() };
            bounds.push(TermBounds { bm25, ceiling, fractions, lengths });
            infos.push(per_segment);
        }
        Ok(RankedSet { terms, req, learned, stored, bounds, infos })
    }

    /// Ranks the documents of segment `ord` into `best`, passing over those that cannot beat
    /// `best`'s k-th score or the floor `shared` with the other workers.
    ///
    /// Invariants: every document before `position` is done (ranked or passed over for good);
    /// the leading cursors never stand before `position`; `floor` only rises, and a document
    /// at or below it cannot enter the top k.
    fn rank_segment(
        &self,
        searcher: &Searcher,
        ord: usize,
        k: usize,
        window: &mut Window,
        best: &mut BinaryHeap<Reverse<Hit>>,
        shared: &SharedFloor,
    ) -> tantivy::Result<()> {
        let req = &self.req;
        let mut top = TopK { best, k, shared };
        let reader = searcher.segment_reader(ord as u32);
        let Some(mut cursors) = self.open_cursors(reader, ord, top.threshold())? else {
            return Ok(());
        };
        let alive = reader.alive_bitset();
        let range = match req.range {
            Some(r) => Some((reader.fast_fields().u64(searcher.schema().get_field_name(r.field))?, r.from..=r.to)),
            None => None,
        };
        let mut floor = top.threshold();
        let mut plan = Plan::new(&cursors, floor, req);
        let mut position: DocId = 0;
        loop {
            // the other workers may have raised the floor
            floor = top.threshold();
            if plan.floor != floor {
                plan = Plan::new(&cursors, floor, req);
                // a cursor that was probed may lag behind: what it holds there is done
                for &i in &plan.lead {
                    if cursors[i].doc < position {
                        cursors[i].seek(position);
                    }
                }
            }
            // the next window of documents, from the first document of a leading term
            let base = plan.lead.iter().map(|&i| cursors[i].doc).min().unwrap_or(TERMINATED);
            if base == TERMINATED {
                break;
            }
            debug_assert!(base >= position, "a leading cursor behind the windows done: documents seen twice");
            let end = base.saturating_add(window.len() as u32);
            fill_window(&plan, &mut cursors, window, base, end);
            // the documents found, in order. The plan stays as it is until the window is done:
            // the leading cursors have left it already.
            while let Some((offset, score, met)) = window.take_next() {
                let doc = base + offset as DocId;
                if let Some((column, range)) = &range
                    && !column.values_for_doc(doc).any(|v| range.contains(&v))
                {
                    continue;
                }
                let Some(score) = finish(&plan, &mut cursors, req, doc, (score, met), floor) else { continue };
                if alive.is_some_and(|a| a.is_deleted(doc)) || score <= floor {
                    continue;
                }
                if top.offer(Hit { score, doc: DocAddress::new(ord as u32, doc) }) {
                    floor = top.threshold();
                }
            }
            position = end;
        }
        self.learn_from(reader.segment_id(), &cursors);
        Ok(())
    }

    /// The cursors of the set's terms present in segment `ord`, in the order of [`per_posting`]
    /// (a cursor holds its decoded block: moving it costs a kilobyte, so they are made in
    /// order). `None` when nothing in the segment can beat `floor`: its postings are then not
    /// even opened (the teasers of a query whose passages match well end here).
    fn open_cursors(
        &self,
        reader: &SegmentReader,
        ord: usize,
        floor: Score,
    ) -> tantivy::Result<Option<Vec<Cursor<'_>>>> {
        let (req, terms) = (&self.req, self.terms);
        let segment = reader.segment_id();
        let stored = self.stored.of(segment);
        let mut order: Vec<(Score, u32, usize)> = Vec::with_capacity(self.bounds.len());
        for (n, (bounds, per_segment)) in self.bounds.iter().zip(&self.infos).enumerate() {
            if let Some(info) = &per_segment[ord] {
                order.push((bounds.max_in(segment, &terms[n], stored.as_deref()), info.doc_freq, n));
            }
        }
        let (all, met) = order.iter().fold((0.0, 0u64), |(sum, met), &(max, _, n)| (sum + max, met | terms[n].meets));
        if all + req.bonus_of(met) <= floor || !req.possible(met) {
            return Ok(None);
        }
        order.sort_by(|a, b| per_posting(a.0, a.1).total_cmp(&per_posting(b.0, b.1)));
        let mut cursors = Vec::with_capacity(order.len());
        for (max, _, n) in order {
            let (t, bm25) = (&terms[n], &self.bounds[n].bm25);
            let Some(info) = &self.infos[n][ord] else { continue };
            let field = t.term.field();
            let postings =
                reader.inverted_index(field)?.read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
            let doc = postings.doc();
            if doc != TERMINATED {
                let fieldnorms = if t.weight == 0.0 {
                    FieldNormReader::constant(reader.max_doc(), 1)
                } else {
                    reader.get_fieldnorms_reader(field)?
                };
                cursors.push(Cursor {
                    postings,
                    doc,
                    fieldnorms,
                    bm25,
                    weight: t.weight,
                    max,
                    meets: t.meets,
                    cost: info.doc_freq,
                    term: n,
                    whole: true,
                    seen: 0.0,
                });
            }
        }
        Ok(Some(cursors))
    }

    /// Remembers what the terms walked from end to end were seen to reach in `segment`, for the
    /// searches to come.
    fn learn_from(&self, segment: tantivy::index::SegmentId, cursors: &[Cursor]) {
        for c in cursors {
            let b = &self.bounds[c.term];
            if let Some(highest) = c.highest()
                && b.ceiling > 0.0
            {
                self.learned.learn(segment, &self.terms[c.term].term, b.lengths, highest / b.ceiling);
            }
        }
    }
}

/// The leading terms, one after the other, over the window `base..end`: what each document
/// scores and meets from them. Afterwards no leading cursor stands before `end`.
#[inline]
fn fill_window(plan: &Plan, cursors: &mut [Cursor], window: &mut Window, base: DocId, end: DocId) {
    for &i in &plan.lead {
        let c = &mut cursors[i];
        while c.doc < end {
            let score = c.score();
            c.seen = c.seen.max(score);
            window.add((c.doc - base) as usize, score, c.meets);
            c.advance();
        }
    }
}

/// The score of `doc` (its bonus included), from what the leading terms gave it (`found`) and
/// the other terms looked up, most valuable first, as long as it can still beat `floor` and
/// meet the requirements; `None` as soon as it cannot.
#[inline]
fn finish(
    plan: &Plan,
    cursors: &mut [Cursor],
    req: &Requirements,
    doc: DocId,
    found: (Score, u64),
    floor: Score,
) -> Option<Score> {
    let (mut score, mut met) = found;
    for (j, &i) in plan.probe.iter().enumerate().rev() {
        let could = met | plan.meets[j];
        if score + plan.sums[j] + req.bonus_of(could) <= floor || !req.possible(could) {
            return None;
        }
        let c = &mut cursors[i];
        if c.doc < doc {
            c.seek(doc);
        }
        if c.doc == doc {
            score += c.score();
            met |= c.meets;
        }
    }
    req.possible(met).then(|| score + req.bonus_of(met))
}

/// One worker's best `k` documents so far, and the floor it shares with the other workers.
struct TopK<'a> {
    best: &'a mut BinaryHeap<Reverse<Hit>>,
    k: usize,
    shared: &'a SharedFloor,
}

impl TopK<'_> {
    /// The k-th best score of this worker, once it holds k documents.
    fn kth(&self) -> Option<Score> {
        self.best.peek().filter(|_| self.best.len() >= self.k).map(|h| h.0.score)
    }

    /// Documents scoring this much or less cannot make it: those of this worker's top k come
    /// from earlier segments or earlier in this one, and win a tie.
    fn threshold(&self) -> Score {
        self.kth().unwrap_or(Score::NEG_INFINITY).max(self.shared.below())
    }

    /// Keeps `hit` if it is among the best `k` so far, raising the shared floor; whether it
    /// was kept.
    fn offer(&mut self, hit: Hit) -> bool {
        if self.best.len() < self.k {
            self.best.push(Reverse(hit));
        } else if self.best.peek().is_some_and(|worst| hit > worst.0) {
            self.best.pop();
            self.best.push(Reverse(hit));
        } else {
            return false;
        }
        if let Some(score) = self.kth() {
            self.shared.raise(score);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
    use tantivy::schema::{FAST, INDEXED, Schema, TEXT, TextFieldIndexing, TextOptions};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    /// An index of `n` documents over a small vocabulary with very different frequencies, in
    /// three segments, some documents deleted.
    fn index(n: u32) -> (Index, Field, Field, Field, Field) {
        index_made_by(n, Index::create_in_ram)
    }

    /// [`index`], in a folder, with the maxima of its segments stored beside them.
    fn index_on_disk(n: u32) -> (tempfile::TempDir, Index, Field, Field) {
        let dir = tempfile::tempdir().unwrap();
        let (index, title, body, _, _) = index_made_by(n, |schema| Index::create_in_dir(dir.path(), schema).unwrap());
        crate::index::maxima::refresh(dir.path(), &[title, body]).unwrap();
        (dir, index, title, body)
    }

    fn index_made_by(n: u32, create: impl FnOnce(Schema) -> Index) -> (Index, Field, Field, Field, Field) {
        index_seeded(n, 17, 700, create)
    }

    /// [`index`] of `n` documents drawn from `seed`, committed every `every` documents.
    fn index_seeded(
        n: u32,
        seed: u64,
        every: u32,
        create: impl FnOnce(Schema) -> Index,
    ) -> (Index, Field, Field, Field, Field) {
        let mut b = Schema::builder();
        let (title, body) = (b.add_text_field("title", TEXT), b.add_text_field("body", TEXT));
        // an exact value without lengths or frequencies, as baoxian's region and source fields
        let exact = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let tag = b.add_text_field("tag", exact);
        // a number per document (as baoxian's dates), some documents without
        let number = b.add_u64_field("number", INDEXED | FAST);
        let index = create(b.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        let words = ["common", "often", "sometimes", "rare", "rarer", "unique"];
        let mut state = seed;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for i in 0..n {
            let mut text = String::new();
            for (j, w) in words.iter().enumerate() {
                // word j appears in about one document in 2^j, a few times
                for _ in 0..next(4) {
                    if next(1 << j) == 0 {
                        text.push_str(w);
                        text.push(' ');
                    }
                }
            }
            let t = if next(5) == 0 { words[next(6) as usize] } else { "" };
            let mut d = doc!(title => t, body => text, tag => if i % 7 == 0 { "a" } else { "b" });
            if i % 11 != 0 {
                d.add_u64(number, u64::from(i % 100));
            }
            writer.add_document(d).unwrap();
            if i % every == every - 1 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        writer.delete_term(Term::from_field_text(title, "unique"));
        writer.commit().unwrap();
        (index, title, body, tag, number)
    }

    #[test]
    fn same_documents_and_scores_as_a_boolean_union_ranked_by_tantivy() {
        let (dir, index, title, body) = index_on_disk(2000);
        let searcher = index.reader().unwrap().searcher();
        // the bounds of common terms from the maxima stored beside the segments, or not
        let stored = Maxima::new(dir.path());
        let common = Term::from_field_text(body, "common");
        let kept = searcher.segment_readers().iter().filter_map(|r| stored.of(r.segment_id())?.frontier(&common));
        assert!(kept.count() > 0, "no segment keeps the maxima of a common term: the test would not use them");
        let none = Maxima::default();
        let term_sets: Vec<Vec<(Term, Score)>> = vec![
            vec![(Term::from_field_text(body, "common"), 1.0)],
            vec![(Term::from_field_text(body, "common"), 1.0), (Term::from_field_text(body, "rare"), 1.0)],
            ["common", "often", "sometimes", "rare", "rarer", "unique"]
                .iter()
                .flat_map(|w| [(Term::from_field_text(title, w), 2.5), (Term::from_field_text(body, w), 0.8)])
                .collect(),
            vec![(Term::from_field_text(body, "absent"), 1.0), (Term::from_field_text(body, "rarer"), 0.3)],
        ];
        for terms in &term_sets {
            let union = BooleanQuery::new(
                terms
                    .iter()
                    .map(|(t, w)| {
                        let q: Box<dyn Query> = Box::new(BoostQuery::new(
                            Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
                            *w,
                        ));
                        (Occur::Should, q)
                    })
                    .collect(),
            );
            // the maxima learned by one search bound the next ones: the answers stay exact
            let learned = LearnedMaxima::default();
            // small windows as well as the shipped size: documents cross window edges
            // and the segments ranked by one thread, or shared out among several
            let cases = [1, 7, 50, 400, 5000]
                .into_iter()
                .flat_map(|k| [(k, 64), (k, 320), (k, WINDOW)])
                .flat_map(|(k, window)| [1, 2, 3].map(|workers| (k, window, workers)))
                .flat_map(|case| [(case, &none), (case, &stored)]);
            for ((k, window, workers), maxima) in cases {
                let expected = searcher.search(&union, &TopDocs::with_limit(k).order_by_score()).unwrap();
                let weighted: Vec<WeightedTerm> = terms
                    .iter()
                    .map(|(term, weight)| WeightedTerm { term: term.clone(), weight: *weight, meets: 0 })
                    .collect();
                let stats = Statistics::new(&searcher);
                // with stored maxima, nothing learned: the stored bounds are the ones used
                let unlearned = LearnedMaxima::default();
                let got = top_k_in_windows(
                    &searcher,
                    &stats,
                    Known {
                        learned: if std::ptr::eq(maxima, &stored) { &unlearned } else { &learned },
                        stored: maxima,
                    },
                    &[TermSet { terms: weighted, requirements: Requirements::default() }],
                    k,
                    window,
                    workers,
                )
                .unwrap();
                let case = format!("k = {k}, window {window}, {workers} workers");
                assert_eq!(got.len(), expected.len(), "{case}");
                // what the second pass is handed, without looking up again: the frequencies
                // tantivy would find itself
                let places = stats.take_places();
                for (term, _) in terms {
                    assert_eq!(stats.remembered(term), Some(searcher.doc_freq(term).unwrap()), "{term:?}");
                    // and where the term is in each segment, as the dictionaries say
                    for r in searcher.segment_readers() {
                        let info = r.inverted_index(term.field()).unwrap().get_term_info(term).unwrap();
                        assert_eq!(places.get(term, r.segment_id()), Some(info.as_ref()), "{term:?}");
                    }
                }
                for ((gs, gd), (es, ed)) in got.iter().zip(&expected) {
                    assert!((gs - es).abs() < 1e-4, "{case}: score {gs} vs {es}");
                    // equal scores may come in another order; the scores decide
                    if (gs - es).abs() > 1e-6 {
                        assert_eq!(gd, ed);
                    }
                }
                // the same set of documents, apart from ties at the k-th score
                let last = expected.last().map_or(0.0, |e| e.0);
                let above = |v: &[(Score, DocAddress)]| {
                    let mut d: Vec<DocAddress> = v.iter().filter(|(s, _)| *s > last + 1e-4).map(|x| x.1).collect();
                    d.sort();
                    d
                };
                assert_eq!(above(&got), above(&expected), "{case}");
            }
        }
        assert!(
            top_k(
                &searcher,
                &Statistics::new(&searcher),
                Known { learned: &LearnedMaxima::default(), stored: &Maxima::default() },
                &[],
                10
            )
            .unwrap()
            .is_empty()
        );
    }

    /// The same top k as the full query's shape over the same terms: requirements as unions
    /// of their terms with the bonus, all strict ones and at least `minimum` flexible ones, and
    /// filters (met, no bonus: an exact value scored nothing, a word scored in the title).
    #[test]
    fn same_documents_and_scores_as_requirements_with_a_bonus_and_a_minimum() {
        use crate::search::bonus::BonusQuery;
        use crate::search::sum::SumQuery;
        let (index, title, body, tag, number) = index(3000);
        let searcher = index.reader().unwrap().searcher();
        // requirement → its terms (disjoint, so that each term is counted once either way)
        let requirements: Vec<Vec<(Term, Score)>> = vec![
            vec![(Term::from_field_text(title, "common"), 2.0), (Term::from_field_text(body, "common"), 1.0)],
            vec![(Term::from_field_text(body, "rare"), 1.0), (Term::from_field_text(title, "rare"), 2.0)],
            vec![(Term::from_field_text(body, "often"), 1.0), (Term::from_field_text(body, "sometimes"), 0.8)],
            vec![(Term::from_field_text(body, "rarer"), 1.0), (Term::from_field_text(body, "absent"), 1.0)],
            vec![(Term::from_field_text(title, "unique"), 2.0), (Term::from_field_text(body, "unique"), 1.0)],
        ];
        let union = |terms: &[(Term, Score)]| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                terms
                    .iter()
                    .map(|(t, w)| {
                        let q: Box<dyn Query> = Box::new(BoostQuery::new(
                            Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
                            *w,
                        ));
                        (Occur::Should, q)
                    })
                    .collect(),
            ))
        };
        let filters =
            [None, Some((Term::from_field_text(tag, "a"), 0.0)), Some((Term::from_field_text(title, "often"), 2.5))];
        let ranges = [None, Some((10u64, 40u64)), Some((95, u64::MAX))];
        // (strict requirements, minimum of the others, filter, range of numbers)
        let cases = [(vec![], 1), (vec![], 2), (vec![], 3), (vec![0], 1), (vec![1], 2), (vec![2, 3], 1)]
            .into_iter()
            .flat_map(|(strict, minimum)| filters.clone().map(|f| (strict.clone(), minimum, f)))
            .flat_map(|(strict, minimum, f)| ranges.map(|r| (strict.clone(), minimum, f.clone(), r)));
        for (strict, minimum, filter, range) in cases {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut flexible: Vec<Box<dyn Query>> = Vec::new();
            let mut req = Requirements { bonus: [12.0; 64], ..Requirements::default() };
            let mut weighted = Vec::new();
            for (i, terms) in requirements.iter().enumerate() {
                let counted: Box<dyn Query> = Box::new(BonusQuery::new(union(terms), 12.0));
                if strict.contains(&i) {
                    req.strict |= 1 << i;
                    clauses.push((Occur::Must, counted));
                } else {
                    req.flexible |= 1 << i;
                    flexible.push(counted);
                }
                weighted.extend(terms.iter().map(|(t, w)| WeightedTerm { term: t.clone(), weight: *w, meets: 1 << i }));
            }
            req.minimum = minimum;
            clauses.push((Occur::Must, Box::new(SumQuery::new(flexible, minimum as usize))));
            if let Some((term, weight)) = &filter {
                let q = Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
                let q: Box<dyn Query> = if *weight == 0.0 {
                    Box::new(ConstScoreQuery::new(q, 0.0))
                } else {
                    Box::new(BoostQuery::new(q, *weight))
                };
                clauses.push((Occur::Must, q));
                req.filters |= 1 << 63;
                weighted.push(WeightedTerm { term: term.clone(), weight: *weight, meets: 1 << 63 });
            }
            if let Some((from, to)) = range {
                let (lo, hi) = (Term::from_field_u64(number, from), Term::from_field_u64(number, to));
                let q = RangeQuery::new(std::ops::Bound::Included(lo), std::ops::Bound::Included(hi));
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(q), 0.0))));
                req.range = Some(ValueRange { field: number, from, to });
            }
            let full = BooleanQuery::new(clauses);
            let learned = LearnedMaxima::default();
            let cases = [1, 10, 100, 1000, 5000]
                .into_iter()
                .flat_map(|k| [(k, 64, 1), (k, WINDOW, 1), (k, 64, 2), (k, WINDOW, 3)]);
            for (k, window, workers) in cases {
                let expected = searcher.search(&full, &TopDocs::with_limit(k).order_by_score()).unwrap();
                let got = top_k_in_windows(
                    &searcher,
                    &Statistics::new(&searcher),
                    Known { learned: &learned, stored: &Maxima::default() },
                    &[TermSet { terms: weighted.clone(), requirements: req }],
                    k,
                    window,
                    workers,
                )
                .unwrap();
                let case = format!(
                    "strict {strict:?}, minimum {minimum}, filter {filter:?}, range {range:?}, k = {k}, window \
                     {window}, {workers} workers"
                );
                assert_eq!(got.len(), expected.len(), "{case}");
                for ((gs, _), (es, _)) in got.iter().zip(&expected) {
                    assert!((gs - es).abs() < 1e-3, "{case}: score {gs} vs {es}");
                }
                let last = expected.last().map_or(0.0, |e| e.0);
                let above = |v: &[(Score, DocAddress)]| {
                    let mut d: Vec<DocAddress> = v.iter().filter(|(s, _)| *s > last + 1e-3).map(|x| x.1).collect();
                    d.sort();
                    d
                };
                assert_eq!(above(&got), above(&expected), "{case}");
            }
        }
    }

    #[test]
    fn a_term_walked_whole_is_learned_with_its_highest_score_and_bounds_the_next_search() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0..300 {
            // lengths and frequencies vary; no document reaches BM25's ceiling
            let text = format!("{} {}", "a ".repeat(1 + i % 3), "filler ".repeat(2 + i % 17));
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let a = Term::from_field_text(body, "a");
        let set = [TermSet {
            terms: vec![WeightedTerm { term: a.clone(), weight: 1.0, meets: 0 }],
            requirements: Requirements::default(),
        }];
        let expected = searcher
            .search(&TermQuery::new(a.clone(), IndexRecordOption::WithFreqs), &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        let learned = LearnedMaxima::default();
        let stats = Statistics::new(&searcher);
        let first =
            top_k(&searcher, &stats, Known { learned: &learned, stored: &Maxima::default() }, &set, 10).unwrap();
        let lengths = (stats.total_num_tokens(body).unwrap(), stats.total_num_docs().unwrap());
        let fractions = learned.fractions(&a, lengths);
        assert_eq!(fractions.len(), 1, "one segment, its term walked from end to end");
        let bm25 = Bm25Weight::for_terms(&searcher, std::slice::from_ref(&a)).unwrap();
        let highest = fractions[0].1 * bm25.max_score();
        assert!(
            (highest - expected[0].0).abs() < 1e-4 * expected[0].0,
            "learned {highest}, highest score {}",
            expected[0].0
        );
        assert!(fractions[0].1 < 0.9, "well below the ceiling: {}", fractions[0].1);
        // the next search starts from the learned bound, and ranks the same
        let second = top_k(
            &searcher,
            &Statistics::new(&searcher),
            Known { learned: &learned, stored: &Maxima::default() },
            &set,
            10,
        )
        .unwrap();
        for got in [first, second] {
            assert_eq!(got.len(), expected.len());
            for ((gs, _), (es, _)) in got.iter().zip(&expected) {
                assert!((gs - es).abs() < 1e-5, "score {gs} vs {es}");
            }
        }
        // another average length (the index changed): not used
        assert!(learned.fractions(&a, (lengths.0 + 1, lengths.1)).is_empty());
        // a learned bound is believed, not checked: told far too little, the search stops
        // walking after the first window that gives it ten documents, and misses better ones
        let told = LearnedMaxima::default();
        told.learn(searcher.segment_readers()[0].segment_id(), &a, lengths, 0.001);
        let misled = top_k_in_windows(
            &searcher,
            &Statistics::new(&searcher),
            Known { learned: &told, stored: &Maxima::default() },
            &set,
            10,
            64,
            1,
        )
        .unwrap();
        let docs = |hits: &[(Score, DocAddress)]| hits.iter().map(|h| h.1).collect::<Vec<_>>();
        assert_ne!(docs(&misled), docs(&expected));
    }

    #[test]
    fn sets_of_disjoint_documents_rank_into_one_top_k() {
        // two kinds of documents with fields of their own, as passages and teasers
        let mut b = Schema::builder();
        let fields = [
            b.add_text_field("title", TEXT),
            b.add_text_field("body", TEXT),
            b.add_text_field("teaser_title", TEXT),
            b.add_text_field("teaser_summary", TEXT),
        ];
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        let words = ["common", "often", "sometimes", "rare"];
        let mut state = 5u64;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for i in 0..3000u64 {
            let teaser = next(3) == 0;
            let mut doc = TantivyDocument::default();
            for f in if teaser { &fields[2..] } else { &fields[..2] } {
                let text: Vec<&str> =
                    words.iter().enumerate().filter(|(j, _)| next(1 << j) == 0).map(|(_, w)| *w).collect();
                doc.add_text(*f, text.join(" "));
            }
            writer.add_document(doc).unwrap();
            if i % 1000 == 999 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for query in [&words[..], &words[1..2], &words[2..]] {
            let (mut sets, mut clauses) = (Vec::new(), Vec::new());
            for (kind, factor) in [(&fields[..2], 1.0), (&fields[2..], 0.6)] {
                let mut terms = Vec::new();
                for w in query {
                    for (n, field) in kind.iter().enumerate() {
                        let weight = factor * if n == 0 { 2.0 } else { 1.0 };
                        let term = Term::from_field_text(*field, w);
                        let q = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), weight)) as Box<dyn Query>));
                        terms.push(WeightedTerm { term, weight, meets: 0 });
                    }
                }
                sets.push(TermSet { terms, requirements: Requirements::default() });
            }
            let union = BooleanQuery::new(clauses);
            let learned = LearnedMaxima::default();
            for (k, workers) in [1, 10, 100, 2000].into_iter().flat_map(|k| [(k, 1), (k, 2)]) {
                let expected = searcher.search(&union, &TopDocs::with_limit(k).order_by_score()).unwrap();
                let got = top_k_in_windows(
                    &searcher,
                    &Statistics::new(&searcher),
                    Known { learned: &learned, stored: &Maxima::default() },
                    &sets,
                    k,
                    64,
                    workers,
                )
                .unwrap();
                assert_eq!(got.len(), expected.len(), "{query:?}, k = {k}, {workers} workers");
                for ((gs, _), (es, _)) in got.iter().zip(&expected) {
                    assert!((gs - es).abs() < 1e-4, "{query:?}, k = {k}, {workers} workers: score {gs} vs {es}");
                }
            }
        }
    }

    /// One requirement of a random query: its terms (field 0 title or 1 body, word, weight).
    type RandomRequirement = Vec<(usize, usize, Score)>;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]

        /// Over random corpora (sizes, segments, words) and random queries (requirements
        /// strict, flexible or optional, a minimum, a filter, a range of values, any k, window
        /// and number of workers), the first pass returns the top k that tantivy finds by scoring
        /// every document with the full query's shape.
        #[test]
        fn the_first_pass_ranks_as_exhaustive_scoring(
            seed in 0u64..1_000_000,
            n in 50u32..1_500,
            every in 40u32..800,
            // each of the 12 (field, word) terms goes to one requirement (0..5) or none (5+)
            owners in proptest::collection::vec((0usize..8, 0usize..4), 12),
            kinds in proptest::collection::vec(0u8..3, 5),
            minimum in 1usize..4,
            filter in 0usize..3,
            range in 0usize..3,
            k in 1usize..60,
            window in proptest::sample::select(vec![64usize, 320, WINDOW]),
            workers in 1usize..4,
        ) {
            let (index, title, body, tag, number) = index_seeded(n, seed, every, Index::create_in_ram);
            let searcher = index.reader().unwrap().searcher();
            let words = ["common", "often", "sometimes", "rare", "rarer", "unique"];
            let weights = [0.3, 0.8, 1.0, 2.5];
            let mut requirements: Vec<RandomRequirement> = vec![Vec::new(); 5];
            for (t, &(owner, w)) in owners.iter().enumerate() {
                if owner < 5 {
                    requirements[owner].push((t / 6, t % 6, weights[w]));
                }
            }
            let field = |f: usize| if f == 0 { title } else { body };
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut flexible: Vec<Box<dyn Query>> = Vec::new();
            let mut req = Requirements::default();
            let mut weighted = Vec::new();
            for (i, terms) in requirements.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                let union: Box<dyn Query> = Box::new(BooleanQuery::new(
                    terms
                        .iter()
                        .map(|&(f, w, weight)| {
                            let q = TermQuery::new(Term::from_field_text(field(f), words[w]), IndexRecordOption::WithFreqs);
                            let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(q), weight));
                            (Occur::Should, q)
                        })
                        .collect(),
                ));
                let bonus = 4.0 + 3.0 * i as Score;
                req.bonus[i] = bonus;
                let counted: Box<dyn Query> = Box::new(crate::search::bonus::BonusQuery::new(union, bonus));
                match kinds[i] {
                    0 => {
                        req.strict |= 1 << i;
                        clauses.push((Occur::Must, counted));
                    }
                    1 => {
                        req.optional |= 1 << i;
                        clauses.push((Occur::Should, counted));
                    }
                    _ => {
                        req.flexible |= 1 << i;
                        flexible.push(counted);
                    }
                }
                weighted.extend(terms.iter().map(|&(f, w, weight)| WeightedTerm {
                    term: Term::from_field_text(field(f), words[w]),
                    weight,
                    meets: 1 << i,
                }));
            }
            proptest::prop_assume!(req.strict != 0 || !flexible.is_empty());
            if !flexible.is_empty() {
                let minimum = minimum.min(flexible.len());
                req.minimum = minimum as u32;
                clauses.push((Occur::Must, Box::new(crate::search::sum::SumQuery::new(flexible, minimum))));
            }
            let filter = [None, Some((Term::from_field_text(tag, "a"), 0.0)), Some((Term::from_field_text(title, "often"), 2.5))]
                [filter].clone();
            if let Some((term, weight)) = &filter {
                let q = Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
                let q: Box<dyn Query> =
                    if *weight == 0.0 { Box::new(ConstScoreQuery::new(q, 0.0)) } else { Box::new(BoostQuery::new(q, *weight)) };
                clauses.push((Occur::Must, q));
                req.filters |= 1 << 63;
                weighted.push(WeightedTerm { term: term.clone(), weight: *weight, meets: 1 << 63 });
            }
            if let Some((from, to)) = [None, Some((10u64, 40u64)), Some((95, u64::MAX))][range] {
                let (lo, hi) = (Term::from_field_u64(number, from), Term::from_field_u64(number, to));
                let q = RangeQuery::new(std::ops::Bound::Included(lo), std::ops::Bound::Included(hi));
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(q), 0.0))));
                req.range = Some(ValueRange { field: number, from, to });
            }
            let expected = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(k).order_by_score()).unwrap();
            let got = top_k_in_windows(
                &searcher,
                &Statistics::new(&searcher),
                Known { learned: &LearnedMaxima::default(), stored: &Maxima::default() },
                &[TermSet { terms: weighted, requirements: req }],
                k,
                window,
                workers,
            )
            .unwrap();
            proptest::prop_assert_eq!(got.len(), expected.len());
            for ((gs, _), (es, _)) in got.iter().zip(&expected) {
                proptest::prop_assert!((gs - es).abs() < 1e-3, "score {} vs {}", gs, es);
            }
            // the same documents, apart from ties at the k-th score
            let last = expected.last().map_or(0.0, |e| e.0);
            let above = |v: &[(Score, DocAddress)]| {
                let mut d: Vec<DocAddress> = v.iter().filter(|(s, _)| *s > last + 1e-3).map(|x| x.1).collect();
                d.sort();
                d
            };
            proptest::prop_assert_eq!(above(&got), above(&expected));
        }
    }
}
