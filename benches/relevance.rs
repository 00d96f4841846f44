//! The relevance benchmark: MRR@10, nDCG@10 and Recall@10 of the full analysis chain, of a naive
//! chain, and of the full chain with each feature switched off in turn (see `src/eval/`).
//!
//! ```sh
//! cargo run --release --example relevance            # data from ../shared/data, or BAOXIAN_DATA
//! cargo run --release --example relevance -- --changed  # also each query whose rank a feature changes
//! ```

use baoxian::eval::{self, Dataset};

fn main() {
    let changed = std::env::args().any(|a| a == "--changed");
    let data = eval::data_dir();
    let sets: Vec<Dataset> = [eval::baoxianzhidao(&data), eval::shebao(&data), eval::kuake_qtr(&data)]
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
        let mut each = Vec::new();
        for (name, chain) in eval::chains() {
            match eval::measure_each(set, chain) {
                Ok((m, rr)) => {
                    println!("| {name} | {:.3} | {:.3} | {:.3} |", m.mrr, m.ndcg, m.recall);
                    each.push((name, rr));
                }
                Err(e) => println!("| {name} | error: {e} | | |"),
            }
        }
        if changed && let Some(((_, full), rest)) = each.split_first() {
            println!("\nqueries whose reciprocal rank changes when a feature is off (full → off):");
            for (name, rr) in rest {
                for ((query, on), (_, off)) in full.iter().zip(rr) {
                    if on != off {
                        println!("  {name}: {query}  {on:.2} → {off:.2}");
                    }
                }
            }
        }
        match eval::synonym_effects(set) {
            Ok(effects) => {
                println!("\nsynonym groups on {} (queries meeting the group; MRR@10 share, on minus off):", set.name);
                println!("| group | queries | better | worse | MRR@10 |");
                println!("|---|---|---|---|---|");
                for e in effects {
                    println!("| {} | {} | {} | {} | {:+.4} |", e.group, e.queries, e.better, e.worse, e.mrr_gain);
                }
            }
            Err(e) => println!("synonym groups: error: {e}"),
        }
    }
}
