//! Merging the segments a batch leaves behind into a few large ones, once the batch is
//! committed.
//!
//! A search pays for every segment: each query word is looked up, and its postings opened, in
//! each of them, in both passes. A 100k-article build left 14 segments; merged into 4, the same
//! 220 benchmark queries answer 6–20% sooner (the gain is in memory traffic and varies with the
//! machine's load); at 300k, 36 segments became 13 and the median fell 18% (BENCHMARKS.md, issue
//! 6). tantivy's own merge policy cannot do it during the batch without memory growing with the
//! corpus (merges of large segments ran beside indexing: 688 MB at 100k), so the batch merges
//! only small segments as it goes, and this step merges the rest after indexing has let go of
//! its memory (and the batch its bookkeeping), two groups at a time ([`IN_FLIGHT_DOCS`]).
//!
//! Which segments: those holding fewer than [`SMALL_DOCS`] documents (deleted ones not counted,
//! so a segment that lost many to updates is merged again), packed into groups of at most
//! [`TARGET_DOCS`], largest first. A group is started only when the documents do not fit the
//! groups before, which are then past [`SMALL_DOCS`]: of the segments one merge writes, at most
//! one is small again, and the others are not written again by the runs that follow. The few
//! documents of a small incremental run are merged with the other small segments only.

use tantivy::index::{SegmentId, SegmentMeta};

/// A merged segment holds at most this many documents (passages, teasers and file records;
/// 100k generated articles make about a million). The files of the segments being merged are
/// mapped while they are read, so the group's size bounds the memory this step adds: a group
/// of 250,000 documents (about 115 MB of index) took 167 MB in a process of its own.
pub(crate) const TARGET_DOCS: u64 = 300_000;

/// At most this many documents are being merged at once: two full groups, one per core of the
/// machine the project is measured on: about half the time of one at a time, for about 100 MB
/// more at the peak (BENCHMARKS.md). The batch's own bookkeeping is freed before merging.
pub(crate) const IN_FLIGHT_DOCS: u64 = 2 * TARGET_DOCS;

/// Segments with fewer documents than this are merged; larger ones are left as they are.
pub(crate) const SMALL_DOCS: u64 = TARGET_DOCS / 2;

/// The groups of segments to merge, each into one, with their documents, in the order to merge
/// them: segments under [`SMALL_DOCS`] packed first-fit, largest first, into groups of at most
/// [`TARGET_DOCS`] documents; a group of one segment is left out.
pub(crate) fn plan(segments: &[SegmentMeta]) -> Vec<(u64, Vec<SegmentId>)> {
    let mut small: Vec<(u64, SegmentId)> =
        segments.iter().map(|m| (u64::from(m.num_docs()), m.id())).filter(|&(docs, _)| docs < SMALL_DOCS).collect();
    small.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut groups: Vec<(u64, Vec<SegmentId>)> = Vec::new();
    for (docs, id) in small {
        match groups.iter_mut().find(|(held, _)| held + docs <= TARGET_DOCS) {
            Some((held, ids)) => {
                *held += docs;
                ids.push(id);
            }
            None => groups.push((docs, vec![id])),
        }
    }
    groups.into_iter().filter(|(_, ids)| ids.len() > 1).collect()
}

#[cfg(test)]
mod tests {
    use tantivy::Index;
    use tantivy::schema::{Schema, TEXT};

    use super::*;

    /// Segment metas with these document counts (an index in memory names them).
    fn metas(docs: &[u32]) -> Vec<SegmentMeta> {
        let mut b = Schema::builder();
        b.add_text_field("body", TEXT);
        let index = Index::create_in_ram(b.build());
        docs.iter().map(|&n| index.new_segment_meta(SegmentId::generate_random(), n)).collect()
    }

    /// The documents of each segment of each group; checks each group's total on the way.
    fn sizes(groups: &[(u64, Vec<SegmentId>)], metas: &[SegmentMeta]) -> Vec<Vec<u32>> {
        let docs = |id: &SegmentId| metas.iter().find(|m| m.id() == *id).map_or(0, |m| m.num_docs());
        groups
            .iter()
            .map(|(total, g)| {
                let sizes: Vec<u32> = g.iter().map(docs).collect();
                assert_eq!(*total, sizes.iter().map(|&d| u64::from(d)).sum::<u64>());
                sizes
            })
            .collect()
    }

    #[test]
    fn a_full_build_is_merged_into_a_few_large_segments() {
        // what a 100k build leaves: 14 segments of 70,000-80,000 documents
        let m = metas(&[74_000; 14]);
        let groups = plan(&m);
        assert_eq!(sizes(&groups, &m), vec![vec![74_000; 4], vec![74_000; 4], vec![74_000; 4], vec![74_000; 2]]);
    }

    #[test]
    fn large_segments_are_left_alone_and_small_ones_merged_among_themselves() {
        // four merged segments and what two small runs added since
        let m = metas(&[296_000, 296_000, 280_000, 150_000, 2_000, 500]);
        let groups = plan(&m);
        assert_eq!(sizes(&groups, &m), vec![vec![2_000, 500]]);
        // one small segment alone: nothing to do
        assert!(plan(&metas(&[296_000, 296_000, 2_000])).is_empty());
    }

    /// What a merge leaves is not merged again: a run with nothing new after a merge merges
    /// nothing (checked over many mixes of segment sizes).
    #[test]
    fn after_a_merge_there_is_nothing_left_to_merge() {
        let mut state = 12345u64;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for _ in 0..300 {
            let docs: Vec<u32> = (0..1 + next(40)).map(|_| 1 + next(2 * TARGET_DOCS) as u32).collect();
            let before = metas(&docs);
            let groups = plan(&before);
            let merged: Vec<&SegmentId> = groups.iter().flat_map(|(_, g)| g).collect();
            let mut after: Vec<u32> = groups.iter().map(|(total, _)| *total as u32).collect();
            after.extend(before.iter().filter(|m| !merged.contains(&&m.id())).map(|m| m.num_docs()));
            assert!(plan(&metas(&after)).is_empty(), "{docs:?} -> {after:?}");
        }
    }

    #[test]
    fn no_group_goes_over_the_target() {
        let m = metas(&[70_000, 60_000, 50_000, 40_000, 30_000, 20_000, 10_000, 74_999]);
        for group in sizes(&plan(&m), &m) {
            assert!(group.iter().map(|&d| u64::from(d)).sum::<u64>() <= TARGET_DOCS, "{group:?}");
            assert!(group.len() > 1);
        }
    }
}
