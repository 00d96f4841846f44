//! The relevance benchmark: MRR@10, nDCG@10 and Recall@10 of the full analysis chain, of a naive
//! chain, and of the full chain with each feature switched off in turn (see `src/eval/`).
//!
//! ```sh
//! cargo run --release --example relevance            # data from ../shared/data, or BAOXIAN_DATA
//! ```

use baoxian::eval::{self, Dataset};

fn main() {
    let data = eval::data_dir();
    let sets: Vec<Dataset> = [eval::baoxianzhidao(&data), eval::kuake_qtr(&data)]
        .into_iter()
        .filter_map(|d| d.map_err(|e| eprintln!("skipped a data set: {e}")).ok())
        .collect();
    if sets.is_empty() {
        eprintln!("no data sets under {}: set BAOXIAN_DATA to the shared data folder", data.display());
        std::process::exit(2);
    }
    for set in &sets {
        println!("\n{}: {} pages, {} queries", set.name, set.pages.len(), set.queries.len());
        println!("| chain | MRR@10 | nDCG@10 | Recall@10 |");
        println!("|---|---|---|---|");
        for (name, chain) in eval::chains() {
            match eval::measure(set, chain) {
                Ok(m) => println!("| {name} | {:.3} | {:.3} | {:.3} |", m.mrr, m.ndcg, m.recall),
                Err(e) => println!("| {name} | error: {e} | | |"),
            }
        }
    }
}
