//! The relevance benchmark as a guard: the full analysis chain must stay well ahead of the naive
//! chain and above floors set from measurements (BENCHMARKS.md). The data sets are research-only
//! and live outside the repository (`../shared/data`, or `BAOXIAN_DATA`): without them this test
//! says so and checks nothing.

use baoxian::eval::{self, Chain, Dataset};

fn load(name: &str, loaded: baoxian::Result<Dataset>) -> Option<Dataset> {
    match loaded {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!(
                "SKIPPED relevance check on {name}: data set not available ({e}); set BAOXIAN_DATA to the shared data folder"
            );
            None
        }
    }
}

#[test]
fn full_chain_beats_naive_and_stays_above_its_floors() {
    let data = eval::data_dir();
    // (data set, floor for MRR@10, floor for nDCG@10): measured 0.855/0.868 and 0.865/0.859.
    let sets = [
        (load("baoxianzhidao", eval::baoxianzhidao(&data)), 0.80, 0.82),
        (load("KUAKE-QTR", eval::kuake_qtr(&data)), 0.84, 0.83),
    ];
    for (set, mrr_floor, ndcg_floor) in sets {
        let Some(set) = set else { continue };
        let full = eval::measure(&set, Chain::Baoxian(Default::default())).unwrap();
        let naive = eval::measure(&set, Chain::Naive).unwrap();
        eprintln!("{}: full {full:?}, naive {naive:?}", set.name);
        assert!(full.queries >= 80, "{}: only {} judged queries", set.name, full.queries);
        assert!(
            full.mrr >= naive.mrr + 0.3,
            "{}: full MRR {:.3} not clearly above naive {:.3}",
            set.name,
            full.mrr,
            naive.mrr
        );
        assert!(full.ndcg >= naive.ndcg + 0.3, "{}: full nDCG {:.3} vs naive {:.3}", set.name, full.ndcg, naive.ndcg);
        assert!(full.mrr >= mrr_floor, "{}: MRR@10 {:.3} fell below {mrr_floor}", set.name, full.mrr);
        assert!(full.ndcg >= ndcg_floor, "{}: nDCG@10 {:.3} fell below {ndcg_floor}", set.name, full.ndcg);
    }
}
