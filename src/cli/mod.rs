//! Command-line interface: parse arguments, call the library, render, choose the exit code.
//!
//! Exit codes: 0 success; 1 some files failed to index (the rest were indexed); 2 usage error
//! or fatal error (bad arguments, empty query, missing or unreadable index).

/// `println!` for the command's output: when the reader has gone (`baoxian search … | head`),
/// the command ends quietly with success, as Unix tools do, instead of panicking; any other
/// failure to write is an error on stderr (exit code 2).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::cli::output_failed(e);
        }
    }};
}

mod page;
mod render;
mod serve;

/// Ends the process after a failed write to stdout (see [`say!`]).
pub(crate) fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("baoxian: error: cannot write the output: {e}");
    std::process::exit(2);
}

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use baoxian::{Date, Engine, Error, IndexOptions, IndexReport, SearchRequest, SearchResults, Sort};
use clap::{Args, Parser, Subcommand, ValueEnum};

const DEFAULT_INDEX: &str = "index";
const DEFAULT_CORPUS: &str = "corpus";

#[derive(Parser)]
#[command(
    name = "baoxian",
    version,
    about = "Search Chinese insurance (医保 / 社保) Q&A articles",
    long_about = "Search Chinese insurance (医保 / 社保) Q&A articles.\n\n\
        baoxian indexes article pages (HTML in UTF-8 or GBK/GB18030, or plain-text dumps of such \
        pages) and answers keyword queries with the best-matching passage of each article.",
    after_help = "Examples:\n  \
        baoxian search 医保钱包 使用地          search (builds index/ from corpus/ on first use)\n  \
        baoxian search --json 医保卡余额有上限吗  one JSON document for scripts\n  \
        baoxian index ~/crawl/shebao          add, update and remove what changed under a folder\n  \
        baoxian index --full corpus           rebuild the index from scratch\n  \
        baoxian stats                         what the index holds\n\n\
        Exit codes: 0 success, 1 some files failed to index, 2 usage or fatal error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct IndexDir {
    /// Index directory [default: index/ in the current directory]
    #[arg(long, value_name = "DIR", env = "BAOXIAN_INDEX", global = true)]
    index: Option<PathBuf>,
}

impl IndexDir {
    fn path(&self) -> PathBuf {
        self.index.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Index article files (incremental: only new, changed and removed files cost work)
    #[command(after_help = "Files ending in .html .htm .shtml .xhtml or .txt are read; hidden files and \
        folders are passed over. Unchanged files (same content hash) are not parsed again; files gone \
        from under PATH are removed from the index. A file that cannot be read or parsed is reported and \
        the rest are indexed (exit code 1).")]
    Index {
        /// Folders or files to index [default: corpus/]
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Rebuild from scratch: the index will hold exactly the files under PATH
        #[arg(long)]
        full: bool,
        /// Show what would change (added, updated, removed, renamed, duplicates) without parsing or writing
        #[arg(long)]
        dry_run: bool,
        /// Print the summary as one JSON document
        #[arg(long)]
        json: bool,
        /// Memory budget of the index writer, in MB. Peak memory does not grow with the corpus;
        /// a large build peaks in the merges that follow the batch, above this budget (see
        /// BENCHMARKS.md)
        #[arg(long, value_name = "MB", default_value_t = 128)]
        memory: usize,
        /// Skip files larger than this (bytes, or with a K, M or G suffix)
        #[arg(long, value_name = "SIZE", default_value = "8M", value_parser = parse_size)]
        max_file_size: u64,
        /// Leave the segments as the batch wrote them: by default the small segments are merged
        /// into a few large ones afterwards, which makes the run longer and searches faster
        #[arg(long)]
        no_merge: bool,
        /// Follow symbolic links wherever they lead (by default only links that lead to places
        /// inside the PATHs are followed; links into /proc, /sys and /dev never are)
        #[arg(long)]
        follow_links: bool,
        /// No progress line on stderr
        #[arg(long, short = 'q')]
        quiet: bool,
        #[command(flatten)]
        dir: IndexDir,
    },
    /// Search the index: ranked answers, the best passage of each article
    #[command(after_help = SEARCH_HELP)]
    Search {
        /// The query words
        #[arg(value_name = "QUERY", required = true, num_args = 1..)]
        query: Vec<String>,
        /// How many answers to show (up to 1000; 0 only counts them)
        #[arg(long, short = 'n', default_value_t = 10, value_name = "N", value_parser = at_most(0, SearchRequest::MAX_LIMIT))]
        limit: usize,
        /// How many of the best answers to pass over, for paging (up to 100000)
        #[arg(long, default_value_t = 0, value_name = "N", value_parser = at_most(0, SearchRequest::MAX_OFFSET))]
        offset: usize,
        /// Snippet length in characters (up to 10000)
        #[arg(long, default_value_t = baoxian::SearchRequest::DEFAULT_SNIPPET_CHARS, value_name = "CHARS",
              value_parser = at_most(1, SearchRequest::MAX_SNIPPET_CHARS))]
        snippet_len: usize,
        /// Only answers published on or after this day (2025-01-31, 2025/1/31, 2025年1月31日)
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<Date>,
        /// Only answers published on or before this day
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        until: Option<Date>,
        /// Order of the answers
        #[arg(long, value_enum, default_value_t = SortChoice::Relevance, value_name = "ORDER")]
        sort: SortChoice,
        /// Show near-duplicate articles (reposts, templated copies) each as its own answer
        #[arg(long)]
        no_collapse: bool,
        /// Only answers about this province or city (安徽, 宿州, 宿州市; also region: in the query)
        #[arg(long, value_name = "PLACE")]
        region: Option<String>,
        /// Say, for each answer, what its score is made of (matched words per field, bonuses)
        #[arg(long)]
        explain: bool,
        /// Count every answer exactly. Without it, a query of common words on a large index
        /// ranks only its most promising passages (much faster, same top answers in nearly all
        /// cases) and the count shown is a lower bound ("at least N answers")
        #[arg(long)]
        exact: bool,
        /// Print the answers as one JSON document
        #[arg(long)]
        json: bool,
        /// When to colour highlights
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
        color: ColorChoice,
        /// Never colour; mark highlights with 【】 (same as --color never)
        #[arg(long)]
        no_color: bool,
        #[command(flatten)]
        dir: IndexDir,
    },
    /// Serve the index over HTTP: a search page for people and a JSON API for programs
    #[command(after_help = SERVE_HELP)]
    Serve {
        /// Address to listen on (loopback by default; 0.0.0.0:7700 for every interface)
        #[arg(long, default_value = "127.0.0.1:7700", value_name = "HOST:PORT")]
        addr: std::net::SocketAddr,
        #[command(flatten)]
        dir: IndexDir,
    },
    /// What the index holds: articles, passages, teasers, size, dates, sources
    Stats {
        /// Print the statistics as one JSON document
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        dir: IndexDir,
    },
}

const SEARCH_HELP: &str = "\
Query language:
  医保钱包 使用地          plain words (or a whole question); answers meeting more words rank first
  \"异地就医备案\"          these characters in this order (punctuation inside as on the page)
  -宿州  -\"葡萄膜炎\"      leave out answers holding it
  网上缴费 OR 线上缴费     either (binds the words on each side of OR)
  title:参保地             the word must be in the title
  source:社保网            only answers from that source
  region:安徽              only answers about that province or city (also --region); a place among
                           the words also favours answers about it
  after:2025-01-01         published on or after (also --since); before:2025-07-31 (also --until)

Question words (怎么, 多久, 吗 …) are never required; met in a title or heading they count a little. Each answer is the best-matching passage \
of one article; teasers (related-article titles seen on other pages) rank below full articles. An \
answer holds all the words of a one- or two-word query, two of three or four, and one of a longer \
question; answers holding more of the telling words rank higher. When too few answers hold that \
many to fill the page, answers holding fewer follow (sorted by date: only when none does) and a \
note says so on stderr; so does a note when part of the query could not be read as written (an \
unclosed quote, an unknown field) and was searched as plain words.

With --json the output is one document: {\"query\", \"total\", \"total_exact\", \"hits\": [{\"rank\", \"score\", \"kind\", \
\"title\", \"section\", \"snippet\", \"highlights\", \"date\", \"source\", \"path\", \"url\", \"similar\", \"region\"}]}; highlights are [start, end) character offsets into snippet; \
similar counts the near-duplicates (reposts, templated copies) folded into the answer (--no-collapse \
shows them all). total is exact when total_exact is true, else a lower bound (see --exact).";

const SERVE_HELP: &str = "\
Endpoints (GET):
  /                              the search page (a form; works without JavaScript)
  /api/search?q=医保钱包+使用地    the answers, as `search --json` prints them; also limit (up to 100),
                                 offset (up to 10000), since, until, region, source, sort=date,
                                 explain, no_collapse, exact
  /api/stats                     what the index holds, as `stats --json` prints it
  /healthz                       {\"status\": \"ok\", \"articles\", \"last_commit\"} while the index can be searched

Errors are JSON, {\"error\", \"status\"}: 400 for a bad parameter (the command line's message), 404, \
405, 414 for a query over 500 characters, 503 (with Retry-After) while no index can be opened or \
the server is busy. A commit of `baoxian index` (from cron, say) is searched within a second or \
two, without a restart. SIGINT or SIGTERM stops the server once the requests in flight are \
answered.";

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum SortChoice {
    /// Best match first
    Relevance,
    /// Newest first
    Date,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse_from(shield_exclusions(std::env::args_os()));
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("baoxian: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Index { paths, full, dry_run, json, memory, max_file_size, no_merge, follow_links, quiet, dir } => {
            let paths = if paths.is_empty() { vec![PathBuf::from(DEFAULT_CORPUS)] } else { paths };
            // a PATH that is not there is an error before anything is created
            for path in &paths {
                std::fs::metadata(path).map_err(|source| Error::Input { path: path.clone(), source })?;
            }
            let index = dir.path();
            let engine = if dry_run {
                Engine::open_for_dry_run(&index)?
            } else if full {
                Engine::open_for_rebuild(&index)?
            } else {
                Engine::create(&index)?
            };
            let options =
                IndexOptions { full, dry_run, memory_mb: memory, max_file_size, merge: !no_merge, follow_links };
            let report = build(&engine, &paths, &options, quiet)?;
            if json {
                say!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            } else {
                render::report(&report, &paths, &index);
            }
            Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Search {
            query,
            limit,
            offset,
            snippet_len,
            since,
            until,
            sort,
            no_collapse,
            region,
            explain,
            exact,
            json,
            color,
            no_color,
            dir,
        } => {
            let engine = open_or_build_default(&dir)?;
            wait_for_first_build(&engine)?;
            let sort = match sort {
                SortChoice::Relevance => Sort::Relevance,
                SortChoice::Date => Sort::Date,
            };
            let request = SearchRequest {
                query: query.iter().map(|w| unshield(w)).collect::<Vec<_>>().join(" "),
                limit,
                offset,
                snippet_chars: snippet_len,
                since,
                until,
                sort,
                collapse: !no_collapse,
                region,
                explain,
                exact,
            };
            let results = search(&engine, &request)?;
            for note in results.notes.iter().chain(&results.relaxed) {
                eprintln!("baoxian: note: {note}");
            }
            if json {
                say!("{}", serde_json::to_string_pretty(&results).unwrap_or_default());
            } else {
                let colour = match (no_color, color) {
                    (true, _) | (_, ColorChoice::Never) => false,
                    (_, ColorChoice::Always) => true,
                    (_, ColorChoice::Auto) => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                };
                render::results(&results, offset, colour);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { addr, dir } => Ok(serve::serve(dir.path(), addr)),
        Command::Stats { json, dir } => {
            let stats = Engine::open(dir.path())?.stats()?;
            if json {
                say!("{}", serde_json::to_string_pretty(&stats).unwrap_or_default());
            } else {
                render::stats(&stats);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs an indexing batch, with a progress line on stderr when it is a terminal.
fn build(engine: &Engine, paths: &[PathBuf], options: &IndexOptions, quiet: bool) -> Result<IndexReport, Error> {
    let mut line = (!quiet && std::io::stderr().is_terminal()).then(render::ProgressLine::new);
    let report = engine.index_paths_with_progress(paths, options, &mut |p| {
        if let Some(line) = line.as_mut() {
            line.update(p);
        }
    });
    if let Some(line) = line {
        line.clear();
    }
    let mut report = report?;
    let relative = relative_to_cwd();
    for d in &mut report.duplicate_files {
        d.path = relative(&d.path);
        d.same_as = relative(&d.same_as);
    }
    for issue in report.skipped.iter_mut().chain(&mut report.failed) {
        issue.path = relative(&issue.path);
    }
    for warning in &mut report.warnings {
        *warning = relative(warning);
    }
    Ok(report)
}

/// Ranked answers, their paths shown as every path of the command line is ([`relative_to_cwd`]).
pub(crate) fn search(engine: &Engine, request: &SearchRequest) -> Result<SearchResults, Error> {
    let mut results = engine.search(request)?;
    let relative = relative_to_cwd();
    for hit in &mut results.hits {
        hit.path = relative(&hit.path);
    }
    Ok(results)
}

/// Shows a path the library reports (absolute), or a message that starts with one, as people
/// typed it: relative to the working directory (read once) when it lies below it.
fn relative_to_cwd() -> impl Fn(&str) -> String {
    let cwd = std::env::current_dir().ok().and_then(|d| d.to_str().map(|d| d.trim_end_matches('/').to_string()));
    move |text: &str| {
        let below = cwd.as_deref().and_then(|cwd| text.strip_prefix(cwd)?.strip_prefix('/'));
        below.unwrap_or(text).to_string()
    }
}

/// A calendar day in the forms pages use.
fn parse_date(text: &str) -> Result<Date, String> {
    baoxian::Date::find(text).ok_or_else(|| format!("{text:?} is not a date: write it as 2025-01-31"))
}

/// `8M`, `512K`, `1G` or a number of bytes.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 =
        digits.parse().map_err(|_| format!("{text:?} is not a size: write bytes, or a number with K, M or G"))?;
    let factor = match unit.trim().to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("{text:?} is not a size: write bytes, or a number with K, M or G")),
    };
    n.checked_mul(factor).ok_or_else(|| format!("{text:?} is too large"))
}

/// Stands in for the `-` of an exclusion while clap reads the arguments (a private-use
/// character no one types).
const SHIELD: char = '\u{F8FF}';

/// The arguments with the `-` of each exclusion typed as a word (`-宿州`, `-"葡萄膜炎"`: a hyphen
/// followed by anything but an ASCII letter, digit or hyphen) shielded from clap, which would
/// read it as a cluster of short options; options (`-n`, `--limit`) are left as they are.
fn shield_exclusions(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut searching = false;
    args.map(|arg| {
        let Some(text) = arg.to_str() else { return arg };
        searching |= text == "search";
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some('-'), Some(c)) if searching && !(c.is_ascii_alphanumeric() || c == '-') => {
                format!("{SHIELD}{}", &text[1..]).into()
            }
            _ => arg,
        }
    })
    .collect()
}

/// A query word as typed: the shield of [`shield_exclusions`] back to `-`.
fn unshield(word: &str) -> String {
    match word.strip_prefix(SHIELD) {
        Some(rest) => format!("-{rest}"),
        None => word.to_string(),
    }
}

/// A parser of whole numbers from `min` to `max`, whose error says the range.
fn at_most(min: usize, max: usize) -> impl Fn(&str) -> Result<usize, String> + Clone {
    move |text: &str| {
        let n: u128 = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number"))?;
        match usize::try_from(n) {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("{text} is out of range: give a number from {min} to {max}")),
        }
    }
}

/// How long a search waits for another process's first build of the index before giving up.
const FIRST_BUILD_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Waits, saying so on stderr, while another process builds the index for the first time
/// (searching it now would answer nothing); the build's commit is then searched.
fn wait_for_first_build(engine: &Engine) -> Result<(), Error> {
    let Some(pid) = engine.being_built() else { return Ok(()) };
    let by = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
    eprintln!("baoxian: the index is being built by another process{by}: waiting for it to finish");
    let started = std::time::Instant::now();
    while engine.being_built().is_some() {
        if started.elapsed() > FIRST_BUILD_WAIT {
            return Err(Error::IndexBusy { path: engine.path().to_path_buf(), pid });
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    engine.reload()
}

/// Opens the index; the default index is built from the default corpus on first use, and built
/// again when another version of baoxian made it (it holds nothing but what the corpus gives it).
fn open_or_build_default(dir: &IndexDir) -> Result<Engine, Error> {
    let path = dir.path();
    let default = dir.index.is_none() && Path::new(DEFAULT_CORPUS).is_dir();
    match Engine::open(&path) {
        Err(e @ (Error::IndexMissing { .. } | Error::IndexIncompatible { .. })) if default => {
            if let Error::IndexIncompatible { reason, .. } = &e {
                eprintln!(
                    "baoxian: {DEFAULT_INDEX}/ cannot be used as it is ({reason}): rebuilding it from {DEFAULT_CORPUS}/"
                );
            } else {
                eprintln!(
                    "baoxian: no index yet: building {DEFAULT_INDEX}/ from {DEFAULT_CORPUS}/ (first run; later searches reuse it)"
                );
            }
            let engine = Engine::open_for_rebuild(&path)?;
            let options = IndexOptions { full: true, ..IndexOptions::default() };
            let report = build(&engine, &[PathBuf::from(DEFAULT_CORPUS)], &options, false)?;
            for f in &report.failed {
                eprintln!("baoxian: failed: {}: {}", f.path, f.reason);
            }
            for w in &report.warnings {
                eprintln!("baoxian: warning: {w}");
            }
            Ok(engine)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_typed_as_words_are_query_words_and_options_stay_options() {
        let args = ["baoxian", "search", "异地就医", "-宿州", "-\"葡萄膜炎\"", "-n", "3", "--json"];
        let cli = Cli::parse_from(shield_exclusions(args.iter().map(std::ffi::OsString::from)));
        let Command::Search { query, limit, json, .. } = cli.command else { panic!("not a search") };
        let words: Vec<String> = query.iter().map(|w| unshield(w)).collect();
        assert_eq!(words, ["异地就医", "-宿州", "-\"葡萄膜炎\""]);
        assert_eq!((limit, json), (3, true));
        // outside a search, nothing changes
        let other: Vec<std::ffi::OsString> = ["baoxian", "index", "-宿州"].iter().map(Into::into).collect();
        assert_eq!(shield_exclusions(other.clone().into_iter()), other);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("big").is_err());
        assert!(parse_size("8T").is_err());
    }
}
