//! Collecting matches into answers: one per article (its best passage), related-article teasers
//! weighed below full articles and dropped when their article matched too.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::index::schema::column;
use crate::index::simhash::{bands, near};

/// A teaser's score is multiplied by this: a full article with the same strength of match wins.
pub const TEASER_WEIGHT: f32 = 0.6;

/// The best passage of one article (or one teaser title).
#[derive(Debug, Clone, Copy)]
pub struct Group {
    pub score: Score,
    pub doc: DocAddress,
    pub teaser: bool,
    /// Publication date as `YYYYMMDD` (0 when unknown).
    pub date: u64,
    /// Near-duplicate fingerprint of the article.
    pub simhash: [u64; 2],
    /// Near-duplicates folded into this answer (set by [`rank`]).
    pub similar: usize,
    title_hash: u64,
}

/// Collects the best-scoring passage of every matching article.
pub struct BestPassagePerArticle;

/// Group keys are 64-bit hashes already (`schema::hash64`), so the map uses them as they are
/// instead of hashing them again: this map is touched once per matching passage.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The best passage of a group within one segment, as collected (the rest of [`Group`] is read
/// once per group at harvest, not once per matching passage).
#[derive(Clone, Copy)]
struct Best {
    score: Score,
    doc: DocId,
    teaser: bool,
}

pub struct SegmentGroups {
    segment: SegmentOrdinal,
    group: Column<u64>,
    title_hash: Column<u64>,
    is_teaser: Column<u64>,
    date: Column<u64>,
    simhash: [Column<u64>; 2],
    best: KeyMap<Best>,
}

fn better(a: (Score, DocAddress), b: (Score, DocAddress)) -> bool {
    (a.0, std::cmp::Reverse(a.1)) > (b.0, std::cmp::Reverse(b.1))
}

impl Collector for BestPassagePerArticle {
    type Fruit = Vec<Group>;
    type Child = SegmentGroups;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentGroups> {
        let ff = reader.fast_fields();
        Ok(SegmentGroups {
            segment,
            group: ff.u64(column::GROUP)?,
            title_hash: ff.u64(column::TITLE_HASH)?,
            is_teaser: ff.u64(column::IS_TEASER)?,
            date: ff.u64(column::DATE)?,
            simhash: [ff.u64(column::SIMHASH)?, ff.u64(column::SIMHASH2)?],
            best: KeyMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    /// Merges the segments' groups, then drops teasers whose article is among the answers.
    /// The groups come out in no particular order: [`rank`] orders what is shown.
    fn merge_fruits(&self, fruits: Vec<Vec<(u64, Group)>>) -> tantivy::Result<Vec<Group>> {
        let mut best: KeyMap<Group> = KeyMap::default();
        for (key, g) in fruits.into_iter().flatten() {
            best.entry(key)
                .and_modify(|b| {
                    if better((g.score, g.doc), (b.score, b.doc)) {
                        *b = g;
                    }
                })
                .or_insert(g);
        }
        let article_titles: HashSet<u64> = best.values().filter(|g| !g.teaser).map(|g| g.title_hash).collect();
        Ok(best.into_values().filter(|g| !(g.teaser && article_titles.contains(&g.title_hash))).collect())
    }
}

impl SegmentCollector for SegmentGroups {
    type Fruit = Vec<(u64, Group)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(key) = self.group.first(doc) else {
            return;
        };
        let teaser = self.is_teaser.first(doc) == Some(1);
        let score = if teaser { score * TEASER_WEIGHT } else { score };
        let candidate = Best { score, doc, teaser };
        self.best
            .entry(key)
            .and_modify(|b| {
                // Within a segment a lower doc id is the lower address.
                if (score, std::cmp::Reverse(doc)) > (b.score, std::cmp::Reverse(b.doc)) {
                    *b = candidate;
                }
            })
            .or_insert(candidate);
    }

    fn harvest(self) -> Self::Fruit {
        let read = |column: &Column<u64>, doc| column.first(doc).unwrap_or(0);
        self.best
            .into_iter()
            .map(|(key, b)| {
                let g = Group {
                    score: b.score,
                    date: read(&self.date, b.doc),
                    simhash: [read(&self.simhash[0], b.doc), read(&self.simhash[1], b.doc)],
                    similar: 0,
                    doc: DocAddress::new(self.segment, b.doc),
                    teaser: b.teaser,
                    title_hash: read(&self.title_hash, b.doc),
                };
                (key, g)
            })
            .collect()
    }
}

/// The best passage per article among `candidates` only, each scored by the full query of its
/// side: `passages` for passages, `teasers` for teasers (each leaves out the other side's
/// fields, which a document never holds). Candidates the query does not match are left out.
/// The second pass of a pruned search: the candidates come from a cheaper union of terms
/// ranked by MaxScore (`query::candidates`).
///
/// The teasers' query is built only when a candidate is a teaser: in 434 of 438 pruned searches
/// of the benchmark (220 queries over 100k articles), none is (teasers rank after passages, at
/// a lower weight), and building its weight looks every bigram of the query up in every
/// segment.
pub fn rescore(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    passages: &dyn Query,
    teasers: impl FnOnce() -> Box<dyn Query>,
    candidates: &[DocAddress],
) -> tantivy::Result<Vec<Group>> {
    let scoring = || EnableScoring::enabled_from_statistics_provider(stats, searcher);
    // per segment, its candidate passages and teasers
    let mut by_segment: Vec<[Vec<DocId>; 2]> = vec![Default::default(); searcher.segment_readers().len()];
    let mut is_teaser: Vec<Option<Column<u64>>> = vec![None; by_segment.len()];
    for a in candidates {
        let ord = a.segment_ord as usize;
        let (Some(sides), Some(column)) = (by_segment.get_mut(ord), is_teaser.get_mut(ord)) else { continue };
        let column = match column {
            Some(column) => column,
            None => column.insert(searcher.segment_reader(a.segment_ord).fast_fields().u64(column::IS_TEASER)?),
        };
        let side = usize::from(column.first(a.doc_id) == Some(1));
        sides[side].push(a.doc_id);
    }
    let passages = passages.weight(scoring())?;
    let teasers = by_segment.iter().any(|[_, t]| !t.is_empty()).then(|| teasers().weight(scoring())).transpose()?;
    let weights = [Some(&passages), teasers.as_ref()];
    // segment by segment, shared out among rayon's threads; the fruits stay in segment order
    let segments: Vec<(usize, [Vec<DocId>; 2])> =
        by_segment.into_iter().enumerate().filter(|(_, [p, t])| !p.is_empty() || !t.is_empty()).collect();
    let fruits = segments
        .into_par_iter()
        .map(|(ord, sides)| {
            let reader = searcher.segment_reader(ord as SegmentOrdinal);
            let mut groups = BestPassagePerArticle.for_segment(ord as SegmentOrdinal, reader)?;
            for (weight, mut docs) in weights.iter().zip(sides) {
                let Some(weight) = weight else { continue };
                if docs.is_empty() {
                    continue;
                }
                docs.sort_unstable();
                docs.dedup();
                let mut scorer = weight.scorer(reader, 1.0)?;
                for doc in docs {
                    let mut at = scorer.doc();
                    if at < doc {
                        at = scorer.seek(doc);
                    }
                    if at == TERMINATED {
                        break;
                    }
                    if at == doc {
                        groups.collect(doc, scorer.score());
                    }
                }
            }
            Ok(groups.harvest())
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    BestPassagePerArticle.merge_fruits(fruits)
}

/// The order answers are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Best score first.
    Score,
    /// Newest first, then best score.
    Date,
}

fn compare(order: Order) -> impl Fn(&Group, &Group) -> std::cmp::Ordering + Copy {
    move |a, b| {
        let by_score = b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc));
        match order {
            Order::Score => by_score,
            Order::Date => b.date.cmp(&a.date).then(by_score),
        }
    }
}

/// The first `needed` answers in `order`, and the number of answers in all.
///
/// With `collapse`, near-duplicates fold into the best-ranked of them: the answers are taken in
/// order, and each one either folds into the first answer kept before it that it is near (which
/// counts it in `similar`) or is kept. The total counts the answers kept. Both are worked out
/// over all the matches, whatever page is asked for: a page of answers is the same slice of one
/// list, and the last page is the end of the list the total counts.
pub fn rank(mut groups: Vec<Group>, order: Order, needed: usize, collapse: bool) -> (Vec<Group>, usize) {
    let cmp = compare(order);
    if !collapse {
        let total = groups.len();
        if needed < groups.len() {
            groups.select_nth_unstable_by(needed, cmp);
            groups.truncate(needed);
        }
        groups.sort_by(cmp);
        return (groups, total);
    }
    groups.sort_unstable_by(cmp);
    let mut folding = Folding::new(groups.len());
    for g in &groups {
        folding.place(*g);
    }
    let mut kept = folding.kept;
    let total = kept.len();
    kept.truncate(needed);
    (kept, total)
}

/// Answers kept so far, in rank order, looked up by the [`bands`] of their fingerprints: per
/// band value, a chain through the answers kept with it, newest first.
struct Folding {
    kept: Vec<Group>,
    /// Per answer kept, its links in the chains (a chain step reads one of these).
    links: Vec<Links>,
    heads: Heads,
}

/// An answer kept, in the chains of its bands.
struct Links {
    simhash: [u64; 2],
    /// Per band, the answer kept before it with the same band value ([`NONE`] ends the chain).
    before: [u32; 8],
}

const NONE: u32 = u32::MAX;

/// The newest answer kept per band value: a table of every value when many answers are folded
/// (2 MB, no hashing), a map when few are (most searches).
enum Heads {
    Map(KeyMap<u32>),
    Table(Vec<u32>),
}

impl Heads {
    /// Sets the head of `band`'s chain to `at`, returning the one before.
    fn push(&mut self, band: u32, at: u32) -> u32 {
        match self {
            Heads::Map(map) => map.insert(u64::from(band).wrapping_mul(0x9E37_79B9_7F4A_7C15), at).unwrap_or(NONE),
            Heads::Table(table) => std::mem::replace(&mut table[band as usize], at),
        }
    }

    fn get(&self, band: u32) -> u32 {
        match self {
            Heads::Map(map) => map.get(&u64::from(band).wrapping_mul(0x9E37_79B9_7F4A_7C15)).copied().unwrap_or(NONE),
            Heads::Table(table) => table[band as usize],
        }
    }
}

impl Folding {
    fn new(answers: usize) -> Folding {
        let heads = if answers > 16_384 {
            Heads::Table(vec![NONE; 8 << 16])
        } else {
            Heads::Map(KeyMap::with_capacity_and_hasher(answers * 8, Default::default()))
        };
        Folding { kept: Vec::new(), links: Vec::new(), heads }
    }

    fn place(&mut self, g: Group) {
        let bands = bands(g.simhash);
        // the first answer kept that `g` is near, over the chains of its bands
        let mut first = NONE;
        for (i, &band) in bands.iter().enumerate() {
            let mut at = self.heads.get(band);
            while at != NONE {
                let links = &self.links[at as usize];
                if at < first && near(links.simhash, g.simhash) {
                    first = at;
                }
                at = links.before[i];
            }
        }
        if first != NONE {
            self.kept[first as usize].similar += 1;
            return;
        }
        let at = self.kept.len() as u32;
        self.kept.push(g);
        let before = bands.map(|band| self.heads.push(band, at));
        self.links.push(Links { simhash: g.simhash, before });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(score: Score, doc: u32, simhash: [u64; 2]) -> Group {
        Group {
            score,
            doc: DocAddress::new(0, doc),
            teaser: false,
            date: 0,
            simhash,
            similar: 0,
            title_hash: u64::from(doc),
        }
    }

    /// Folding as first written: each answer compared with every answer kept before it.
    fn reference(mut groups: Vec<Group>) -> Vec<Group> {
        groups.sort_by(compare(Order::Score));
        let mut kept: Vec<Group> = Vec::new();
        for g in groups {
            match kept.iter_mut().find(|k| near(k.simhash, g.simhash)) {
                Some(k) => k.similar += 1,
                None => kept.push(g),
            }
        }
        kept
    }

    proptest::proptest! {
        /// Any page of answers is the same slice of one folded list, and the total is its length.
        #[test]
        fn pages_and_totals_do_not_depend_on_the_page_asked_for(
            seeds in proptest::collection::vec((0u16..40, 0u64..6, 0u32..128), 1..120),
            needed in 1usize..150,
        ) {
            // a few families of fingerprints, each member a few bits from its family's
            let family = |f: u64| [f.wrapping_mul(0x9E37_79B9_7F4A_7C15), f.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)];
            let groups: Vec<Group> = seeds
                .iter()
                .enumerate()
                .map(|(i, &(score, f, flips))| {
                    let [a, b] = family(f);
                    let simhash = [a ^ (u64::from(flips) * 0x0101_0101), b ^ (u64::from(flips % 7) << 40)];
                    group(Score::from(score), i as u32, simhash)
                })
                .collect();
            let all = reference(groups.clone());
            let (page, total) = rank(groups, Order::Score, needed, true);
            proptest::prop_assert_eq!(total, all.len());
            let want: Vec<(u32, usize)> = all.iter().take(needed).map(|g| (g.doc.doc_id, g.similar)).collect();
            let got: Vec<(u32, usize)> = page.iter().map(|g| (g.doc.doc_id, g.similar)).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
