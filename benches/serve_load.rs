//! Load on `baoxian serve`: searches per second and latency at several numbers of concurrent
//! clients on loopback, and the server's memory while under load.
//!
//! ```sh
//! cargo build --release && cargo run --release --example serve_load -- \
//!     --index /tmp/bx100k/idx --queries benches/compare/queries.txt --clients 1,8,64 --seconds 20
//! ```
//!
//! Starts the release binary (`target/release/baoxian serve --addr 127.0.0.1:0`), then for each
//! number of clients runs that many threads for the given time, each over one keep-alive
//! connection, sending the queries of the file in turn (each client from its own place in the
//! list) as `GET /api/search?q=…`. Prints one JSON line per level: searches per second, p50 /
//! p99 / max latency in ms, answers by status, and the server's resident memory (VmRSS) at the
//! start and end of the level and its highest sample (every 250 ms).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Parser)]
#[command(about = "Load on baoxian serve: searches per second, latency and memory by concurrent clients")]
struct Args {
    /// Index directory to serve
    #[arg(long)]
    index: PathBuf,
    /// Query file, one query per line
    #[arg(long)]
    queries: PathBuf,
    /// Numbers of concurrent clients, comma-separated
    #[arg(long, default_value = "1,8,64", value_delimiter = ',')]
    clients: Vec<usize>,
    /// Seconds per level
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// The baoxian binary
    #[arg(long, default_value = "target/release/baoxian")]
    binary: PathBuf,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let queries: Vec<String> = std::fs::read_to_string(&args.queries)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|q| percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string())
        .collect();
    let mut server = std::process::Command::new(&args.binary)
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(&args.index)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut banner = String::new();
    BufReader::new(server.stdout.take().ok_or("no stdout")?).read_line(&mut banner)?;
    let port: u16 = banner.trim().rsplit(':').next().and_then(|p| p.split('/').next()).ok_or("no port")?.parse()?;
    let pid = server.id();
    // warm-up: every query once
    let mut warm = Client::connect(port)?;
    for q in &queries {
        warm.get(&format!("/api/search?q={q}"))?;
    }
    for &clients in &args.clients {
        let level = run_level(port, pid, &queries, clients, Duration::from_secs(args.seconds))?;
        println!("{level}");
    }
    let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    server.wait()?;
    Ok(())
}

fn run_level(
    port: u16,
    pid: u32,
    queries: &[String],
    clients: usize,
    length: Duration,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let done = Arc::new(AtomicBool::new(false));
    let rss_start = rss_kb(pid);
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(rss_kb(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(250));
            }
            peak
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let done = done.clone();
            let queries = queries.to_vec();
            std::thread::spawn(move || -> (Vec<f64>, Vec<u16>) {
                let mut latencies = Vec::new();
                let mut statuses = Vec::new();
                let Ok(mut client) = Client::connect(port) else { return (latencies, vec![0]) };
                let mut i = c * 7;
                while !done.load(Ordering::Relaxed) {
                    let target = format!("/api/search?q={}", queries[i % queries.len()]);
                    let asked = Instant::now();
                    let status = client.get(&target).unwrap_or(0);
                    latencies.push(asked.elapsed().as_secs_f64() * 1e3);
                    statuses.push(status);
                    if status == 0 {
                        match Client::connect(port) {
                            Ok(again) => client = again,
                            Err(_) => break,
                        }
                    }
                    i += 1;
                }
                (latencies, statuses)
            })
        })
        .collect();
    std::thread::sleep(length);
    done.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for w in workers {
        let (l, s) = w.join().map_err(|_| "a client thread failed")?;
        latencies.extend(l);
        for status in s {
            *by_status.entry(status).or_default() += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.join().map_err(|_| "the sampler failed")?;
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    Ok(serde_json::json!({
        "clients": clients,
        "searches_per_s": (latencies.len() as f64 / elapsed * 10.0).round() / 10.0,
        "p50_ms": (at(0.5) * 100.0).round() / 100.0,
        "p99_ms": (at(0.99) * 100.0).round() / 100.0,
        "max_ms": (at(1.0) * 100.0).round() / 100.0,
        "statuses": by_status,
        "rss_mb_start": rss_start.map(|k| k / 1024),
        "rss_mb_end": rss_kb(pid).map(|k| k / 1024),
        "rss_mb_peak": peak / 1024,
    }))
}

/// The server's resident memory in KB (Linux).
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Client { reader: BufReader::new(stream.try_clone()?), writer: stream })
    }

    /// The status of a GET, its body read and dropped.
    fn get(&mut self, target: &str) -> std::io::Result<u16> {
        write!(self.writer, "GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok(status)
    }
}
