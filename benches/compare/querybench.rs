//! In-process query latency of baoxian, for the speed comparison (benches/compare/run.sh):
//! every query of a file through [`baoxian::Engine::search`] exactly as the CLI runs it (query
//! language, ranking, one answer per article, near-duplicate folding, snippets with
//! highlights), several rounds after one warm-up round, percentiles as JSON (and apart for the
//! long questions, 40 characters or more, as `long_questions`).
//!
//! ```sh
//! cargo run --release --example querybench -- --index DIR --queries benches/compare/queries.txt
//! ```

use std::path::PathBuf;
use std::time::Instant;

use baoxian::{Engine, SearchRequest};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Query latency of baoxian over a query file")]
struct Args {
    #[arg(long)]
    index: PathBuf,
    #[arg(long)]
    queries: PathBuf,
    /// Timed rounds after the warm-up round (at least 1)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    rounds: u64,
    /// Do not fold near-duplicates (as `baoxian search --no-collapse`)
    #[arg(long)]
    no_collapse: bool,
    /// Rank exhaustively (as `baoxian search --exact`)
    #[arg(long)]
    exact: bool,
    /// Instead of timing, compare each query's top 10 with and without --exact: how many
    /// queries get the same answers in the same order, and the mean overlap
    #[arg(long)]
    agreement: bool,
    /// Also print each query's best time and answer count, slowest first, on stderr
    #[arg(long)]
    per_query: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let engine = Engine::open(&args.index)?;
    let text = std::fs::read_to_string(&args.queries)?;
    let queries: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if queries.is_empty() {
        return Err(format!("{}: no queries (one per line expected)", args.queries.display()).into());
    }
    if args.agreement {
        return agreement(&engine, &queries, !args.no_collapse);
    }
    // the long questions (40 characters or more) are also timed apart: a row of their own
    let long = |q: &str| q.chars().count() >= 40;
    let (mut times, mut long_times) = (Vec::new(), Vec::new());
    let mut best = vec![(f64::INFINITY, 0usize); queries.len()];
    let mut answered = 0usize;
    for round in 0..=args.rounds {
        for (i, q) in queries.iter().enumerate() {
            let start = Instant::now();
            let mut request = SearchRequest::new(*q);
            request.collapse = !args.no_collapse;
            request.exact = args.exact;
            let results = engine.search(&request)?;
            let elapsed = start.elapsed().as_secs_f64() * 1000.0;
            // Round 0 warms the caches (and builds the dictionary) and is not counted.
            if round > 0 {
                times.push(elapsed);
                if long(q) {
                    long_times.push(elapsed);
                }
                answered += usize::from(!results.hits.is_empty());
                best[i] = (best[i].0.min(elapsed), results.total);
            }
        }
    }
    if args.per_query {
        let mut order: Vec<usize> = (0..queries.len()).collect();
        order.sort_by(|&a, &b| best[b].0.total_cmp(&best[a].0));
        for i in order {
            eprintln!("{:8.2} ms {:7} answers  {}", best[i].0, best[i].1, queries[i]);
        }
    }
    times.sort_by(f64::total_cmp);
    long_times.sort_by(f64::total_cmp);
    let pct = |times: &[f64], p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    let mut report = serde_json::json!({"queries": queries.len(), "rounds": args.rounds, "answered": answered,
        "p50_ms": pct(&times, 0.5), "p99_ms": pct(&times, 0.99),
        "mean_ms": times.iter().sum::<f64>() / times.len() as f64});
    if !long_times.is_empty() {
        report["long_questions"] = serde_json::json!({"queries": long_times.len() as u64 / args.rounds,
            "p50_ms": pct(&long_times, 0.5), "p99_ms": pct(&long_times, 0.99)});
    }
    println!("{report}");
    Ok(())
}

fn agreement(engine: &Engine, queries: &[&str], collapse: bool) -> Result<(), Box<dyn std::error::Error>> {
    let top = |q: &str, exact: bool| -> Result<Vec<(String, Option<String>)>, baoxian::Error> {
        let mut request = SearchRequest::new(q);
        request.collapse = collapse;
        request.exact = exact;
        Ok(engine.search(&request)?.hits.into_iter().map(|h| (h.path, h.section)).collect())
    };
    let (mut same, mut overlap) = (0usize, 0.0f64);
    for q in queries {
        let (fast, exact) = (top(q, false)?, top(q, true)?);
        if fast == exact {
            same += 1;
        } else {
            eprintln!("differs: {q}");
        }
        let shared = fast.iter().filter(|h| exact.contains(h)).count();
        overlap += if exact.is_empty() { 1.0 } else { shared as f64 / exact.len() as f64 };
    }
    println!(
        "{}",
        serde_json::json!({"queries": queries.len(), "same_top10": same,
            "mean_overlap_at_10": overlap / queries.len().max(1) as f64})
    );
    Ok(())
}
