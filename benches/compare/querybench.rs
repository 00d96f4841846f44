//! In-process query latency of baoxian, for the speed comparison (benches/compare/run.sh):
//! every query of a file through [`baoxian::Engine::search`] exactly as the CLI runs it (query
//! language, ranking, one answer per article, near-duplicate folding, snippets with
//! highlights), several rounds after one warm-up round, percentiles as JSON.
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
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Do not fold near-duplicates (as `baoxian search --no-collapse`)
    #[arg(long)]
    no_collapse: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let engine = Engine::open(&args.index)?;
    let text = std::fs::read_to_string(&args.queries)?;
    let queries: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut times = Vec::new();
    let mut answered = 0usize;
    for round in 0..=args.rounds {
        for q in &queries {
            let start = Instant::now();
            let mut request = SearchRequest::new(*q);
            request.collapse = !args.no_collapse;
            let results = engine.search(&request)?;
            let elapsed = start.elapsed().as_secs_f64() * 1000.0;
            // Round 0 warms the caches (and builds the dictionary) and is not counted.
            if round > 0 {
                times.push(elapsed);
                answered += usize::from(!results.hits.is_empty());
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{}",
        serde_json::json!({"queries": queries.len(), "rounds": args.rounds, "answered": answered,
            "p50_ms": pct(0.5), "p99_ms": pct(0.99), "mean_ms": times.iter().sum::<f64>() / times.len() as f64})
    );
    Ok(())
}
