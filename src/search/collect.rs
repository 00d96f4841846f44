//! Collecting matches into answers: one per article (its best passage), related-article teasers
//! weighed below full articles and dropped when their article matched too.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::simhash::{NEAR, near};

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
    /// Near-duplicates folded into this answer (set by [`fold_near_duplicates`]).
    pub similar: usize,
    title_hash: u64,
}

/// Collects the best-scoring passage of every matching article.
pub struct BestPassagePerArticle;

pub struct SegmentGroups {
    segment: SegmentOrdinal,
    group: Column<u64>,
    title_hash: Column<u64>,
    is_teaser: Column<u64>,
    date: Column<u64>,
    simhash: [Column<u64>; 2],
    best: HashMap<u64, Group>,
}

fn keep_best(best: &mut HashMap<u64, Group>, key: u64, candidate: Group) {
    best.entry(key)
        .and_modify(|g| {
            if (candidate.score, std::cmp::Reverse(candidate.doc)) > (g.score, std::cmp::Reverse(g.doc)) {
                *g = candidate;
            }
        })
        .or_insert(candidate);
}

impl Collector for BestPassagePerArticle {
    type Fruit = Vec<Group>;
    type Child = SegmentGroups;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentGroups> {
        let ff = reader.fast_fields();
        Ok(SegmentGroups {
            segment,
            group: ff.u64("group")?,
            title_hash: ff.u64("title_hash")?,
            is_teaser: ff.u64("is_teaser")?,
            date: ff.u64("date")?,
            simhash: [ff.u64("simhash")?, ff.u64("simhash2")?],
            best: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    /// Merges the segments' groups, then drops teasers whose article is among the answers.
    fn merge_fruits(&self, fruits: Vec<HashMap<u64, Group>>) -> tantivy::Result<Vec<Group>> {
        let mut best: HashMap<u64, Group> = HashMap::new();
        for fruit in fruits {
            for (key, g) in fruit {
                keep_best(&mut best, key, g);
            }
        }
        let article_titles: HashSet<u64> = best.values().filter(|g| !g.teaser).map(|g| g.title_hash).collect();
        let mut groups: Vec<Group> =
            best.into_values().filter(|g| !(g.teaser && article_titles.contains(&g.title_hash))).collect();
        groups.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        Ok(groups)
    }
}

impl SegmentCollector for SegmentGroups {
    type Fruit = HashMap<u64, Group>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(key) = self.group.first(doc) else {
            return;
        };
        let teaser = self.is_teaser.first(doc) == Some(1);
        let score = if teaser { score * TEASER_WEIGHT } else { score };
        let g = Group {
            score,
            date: self.date.first(doc).unwrap_or(0),
            simhash: [self.simhash[0].first(doc).unwrap_or(0), self.simhash[1].first(doc).unwrap_or(0)],
            similar: 0,
            doc: DocAddress::new(self.segment, doc),
            teaser,
            title_hash: self.title_hash.first(doc).unwrap_or(0),
        };
        keep_best(&mut self.best, key, g);
    }

    fn harvest(self) -> Self::Fruit {
        self.best
    }
}

/// Folds near-duplicates into the best-ranked of them: `groups` in rank order in, the answers
/// kept out, each with the number of near-duplicates it hides. Fingerprints within
/// [`NEAR`] bits share at least one of `NEAR + 1` bands exactly (pigeonhole), so candidates
/// are found by band look-ups, not by comparing every pair.
pub fn fold_near_duplicates(groups: Vec<Group>) -> Vec<Group> {
    const BANDS: u32 = NEAR + 1;
    let band = |h: [u64; 2], i: u32| {
        let bits = u128::from(h[0]) | (u128::from(h[1]) << 64);
        let width = 128 / BANDS;
        let shift = i * width;
        let len = if i + 1 == BANDS { 128 - shift } else { width };
        (i, ((bits >> shift) & ((1u128 << len) - 1)) as u64)
    };
    let mut kept: Vec<Group> = Vec::with_capacity(groups.len());
    let mut index: HashMap<(u32, u64), Vec<usize>> = HashMap::new();
    for g in groups {
        let twin = (0..BANDS)
            .filter_map(|i| index.get(&band(g.simhash, i)))
            .flatten()
            .copied()
            .find(|&k| near(kept[k].simhash, g.simhash));
        match twin {
            Some(k) => kept[k].similar += 1,
            None => {
                for i in 0..BANDS {
                    index.entry(band(g.simhash, i)).or_default().push(kept.len());
                }
                kept.push(g);
            }
        }
    }
    kept
}
