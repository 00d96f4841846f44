//! The relevance benchmark: MRR@10, nDCG@10 and Recall@10 of baoxian's ranking beside plain BM25
//! (the baseline to beat, measured in the same run), a naive chain, and the full chain with each
//! feature switched off in turn (see `src/eval/`). Every set is reported apart, and by query
//! length, and says whose queries it holds: real people's, or ours.
//!
//! ```sh
//! cargo run --release --example relevance              # data from ../shared/data, or BAOXIAN_DATA
//! cargo run --release --example relevance -- --quick   # baoxian and plain BM25 only
//! cargo run --release --example relevance -- --changed # also each query whose rank a feature changes
//! cargo run --release --example relevance -- --set askers  # only the sets whose name holds this
//! cargo run --release --example relevance -- --quick --dump /tmp/rel  # each query's answers, as TSV
//! ```

use baoxian::eval::{self, Chain, Dataset};

/// Query length buckets, in characters: (label, shortest, longest).
const BUCKETS: [(&str, usize, usize); 3] = [("≤ 10", 0, 10), ("11–30", 11, 30), ("> 30", 31, usize::MAX)];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let (changed, quick) = (flag("--changed"), flag("--quick"));
    let value = |f: &str| args.iter().position(|a| a == f).and_then(|i| args.get(i + 1));
    let only = value("--set");
    let dump = value("--dump").map(std::path::PathBuf::from);
    let data = eval::data_dir();
    // (set, whose queries)
    type Load<'a> = Box<dyn Fn() -> baoxian::Result<Dataset> + 'a>;
    let loaders: Vec<(&str, Load)> = vec![
        ("real: askers' own long questions", Box::new(|| eval::baoxianzhidao_askers(&data))),
        ("real: patients' own questions", Box::new(|| eval::medical_dialogue(&data, 4))),
        ("real: search-log queries", Box::new(|| eval::kuake_qtr(&data))),
        ("real: short paraphrases", Box::new(|| eval::paraphrases(&data, "AFQMC dev paraphrases", "AFQMC/dev.txt"))),
        ("real: short paraphrases", Box::new(|| eval::paraphrases(&data, "LCQMC test paraphrases", "LCQMC/test.txt"))),
        ("ours: written by the team", Box::new(|| eval::baoxianzhidao(&data))),
        ("ours: written by the team", Box::new(|| eval::shebao(&data))),
        (
            "real, for choosing weights: patients' questions the set above leaves out",
            Box::new(|| eval::medical_dialogue_training(&data, 4)),
        ),
        ("real, for choosing weights: KUAKE-QTR's train split", Box::new(|| eval::kuake_qtr_training(&data))),
    ];
    let mut any = false;
    for (whose, load) in loaders {
        let set = match load() {
            Ok(set) => set,
            Err(e) => {
                eprintln!("skipped a data set: {e}");
                continue;
            }
        };
        if only.is_some_and(|o| !set.name.contains(o.as_str())) {
            continue;
        }
        any = true;
        report(&set, whose, quick, changed);
        if let Some(dir) = &dump
            && let Err(e) = write_dump(&set, dir)
        {
            eprintln!("could not write the answers of {} under {}: {e}", set.name, dir.display());
            std::process::exit(1);
        }
    }
    if !any {
        eprintln!("no data sets under {}: set BAOXIAN_DATA to the shared data folder", data.display());
        std::process::exit(2);
    }
}

fn report(set: &Dataset, whose: &str, quick: bool, changed: bool) {
    println!("\n{} ({whose}): {} pages, {} queries", set.name, set.pages.len(), set.queries.len());
    println!("| chain | MRR@10 | nDCG@10 | Recall@10 | top 10 |");
    println!("|---|---|---|---|---|");
    let chains: Vec<(&str, Chain)> = if quick { eval::chains().into_iter().take(2).collect() } else { eval::chains() };
    let mut each = Vec::new();
    for (name, chain) in chains {
        match eval::measure_each(set, chain) {
            Ok((m, rr)) => {
                let found = rr.iter().filter(|(_, r)| *r > 0.0).count() as f64 / rr.len().max(1) as f64;
                println!("| {name} | {:.3} | {:.3} | {:.3} | {:.0}% |", m.mrr, m.ndcg, m.recall, 100.0 * found);
                each.push((name, rr));
            }
            Err(e) => println!("| {name} | error: {e} | | | |"),
        }
    }
    // by query length: baoxian beside plain BM25
    if let [(_, full), (_, bm25), ..] = each.as_slice() {
        println!("\nby query length (characters): MRR@10 of baoxian / plain BM25, queries");
        for (label, lo, hi) in BUCKETS {
            let pick = |rr: &[(String, f64)]| -> Vec<f64> {
                rr.iter().filter(|(q, _)| (lo..=hi).contains(&q.chars().count())).map(|(_, r)| *r).collect()
            };
            let (a, b) = (pick(full), pick(bm25));
            if a.is_empty() {
                continue;
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            println!("  {label}: {:.3} / {:.3} ({} queries)", mean(&a), mean(&b), a.len());
        }
    }
    if changed && let Some(((_, full), rest)) = each.split_first() {
        println!("\nqueries whose reciprocal rank differs from the full chain's (full → other):");
        for (name, rr) in rest {
            for ((query, on), (_, off)) in full.iter().zip(rr) {
                if on != off {
                    println!("  {name}: {query}  {on:.2} → {off:.2}");
                }
            }
        }
    }
    if quick || !set.name.starts_with("baoxianzhidao") {
        return;
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

/// Writes `DIR/<set>.tsv`: for each query, the reciprocal rank baoxian and plain BM25 give it,
/// the pages that answer it, and the three first answers of each (titles), to read where one
/// wins over the other.
fn write_dump(set: &Dataset, dir: &std::path::Path) -> baoxian::Result<()> {
    use std::collections::HashMap;
    use std::fmt::Write as _;
    let titles: HashMap<&str, &str> = set.pages.iter().map(|(k, a)| (k.as_str(), a.title.as_str())).collect();
    let full = eval::rankings(set, Chain::Baoxian(Default::default()))?;
    let bm25 = eval::rankings(set, Chain::Bm25)?;
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let top3 = |ranked: &[String]| {
        ranked
            .iter()
            .take(3)
            .map(|k| clean(titles.get(k.as_str()).copied().unwrap_or(k)))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let mut out = String::from("query\tbaoxian rr\tbm25 rr\tanswers\tbaoxian top 3\tbm25 top 3\n");
    for ((judged, a), (_, b)) in full.iter().zip(&bm25) {
        let rr = |ranked: &[String]| eval::reciprocal_rank(ranked, judged);
        let answers: Vec<String> =
            judged.answers().take(3).map(|k| clean(titles.get(k.as_str()).copied().unwrap_or(k))).collect();
        let _ = writeln!(
            out,
            "{}\t{:.3}\t{:.3}\t{}\t{}\t{}",
            clean(&judged.query),
            rr(a),
            rr(b),
            answers.join(" | "),
            top3(a),
            top3(b)
        );
    }
    let path = dir.join(format!("{}.tsv", set.name.replace(['/', ' ', '\''], "_")));
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&path, out))
        .map_err(|source| baoxian::Error::Input { path, source })
}
