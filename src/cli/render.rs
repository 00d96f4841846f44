//! Human-readable output: search answers, index summaries, statistics.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use baoxian::{IndexReport, Kind, Phase, Progress, SearchResults, Stats};

const BOLD: &str = "\x1b[1m";
const MARK: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// A character of a page or a query as a terminal may be given it: control characters
/// (escape sequences that would clear or rewrite the screen, carriage returns, bidi overrides)
/// written out as `\u{1b}`, line breaks and tabs as a space.
fn push_shown(out: &mut String, c: char) {
    match c {
        '\n' | '\t' => out.push(' '),
        c if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') => {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
        c => out.push(c),
    }
}

/// `text` safe to print on a terminal (see [`push_shown`]).
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    text.chars().for_each(|c| push_shown(&mut out, c));
    out
}

/// `snippet` with its highlights marked: ANSI colour, or 【】 when not colouring. Marks never
/// nest: a highlight inside a span the page itself writes between 【 and 】 is left as the
/// page writes it.
fn highlighted(snippet: &str, highlights: &[(usize, usize)], colour: bool) -> String {
    let (open, close) = if colour { (MARK, RESET) } else { ("【", "】") };
    let chars: Vec<char> = snippet.chars().collect();
    // whether each character stands between the page's own brackets
    let mut depth = 0usize;
    let inside: Vec<bool> = chars
        .iter()
        .map(|&c| {
            match c {
                '【' => depth += 1,
                '】' => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth > 0
        })
        .collect();
    let unmarked = |h: &&(usize, usize)| colour || !(h.0..h.1).any(|i| inside.get(i) == Some(&true));
    let mut out = String::with_capacity(snippet.len() + highlights.len() * 8);
    let mut next = highlights.iter().filter(unmarked).peekable();
    for (i, &c) in chars.iter().enumerate() {
        if next.peek().is_some_and(|h| h.0 == i) {
            out.push_str(open);
        }
        push_shown(&mut out, c);
        if next.peek().is_some_and(|h| h.1 == i + 1) {
            out.push_str(close);
            next.next();
        }
    }
    out
}

pub fn results(results: &SearchResults, offset: usize, colour: bool) {
    let paint = |style: &str, text: &str| {
        if colour { format!("{style}{text}{RESET}") } else { text.to_string() }
    };
    if results.hits.is_empty() {
        if results.total > 0 {
            say!("no answers past {offset} ({} in all)", results.total);
        } else {
            say!("no answers for {:?}", results.query); // (Debug escapes control characters)
        }
        return;
    }
    for hit in &results.hits {
        let kind = match hit.kind {
            Kind::Article => "",
            Kind::Teaser => "  [相关文章]",
        };
        let similar = if hit.similar > 0 { format!("  (+{} similar)", hit.similar) } else { String::new() };
        say!("{:>2}. {}{}{}", hit.rank, paint(BOLD, &shown(&hit.title)), kind, similar);
        if let Some(section) = &hit.section {
            say!("    问: {}", shown(section));
        }
        let mut facts: Vec<String> = Vec::new();
        if let Some(d) = hit.date {
            facts.push(d.to_string());
        }
        if let Some(s) = &hit.source {
            facts.push(s.clone());
        }
        if let Some(place) = hit.region.iter().max_by_key(|r| r.len()) {
            facts.push(place.rsplit('/').next().unwrap_or(place).to_string());
        }
        facts.push(hit.path.clone());
        say!("    {}", paint(DIM, &shown(&facts.join(" · "))));
        if !hit.snippet.is_empty() {
            say!("    {}", highlighted(&hit.snippet, &hit.highlights, colour));
        }
        if let Some(e) = &hit.explain {
            let parts: Vec<String> = e.parts.iter().take(8).map(|p| format!("{} {:.2}", p.why, p.score)).collect();
            let teaser = if hit.kind == Kind::Teaser { " (a teaser: ×0.6)" } else { "" };
            say!("    {}", paint(DIM, &format!("score {:.2}{teaser} = {}", e.score, parts.join(" + "))));
        }
        say!("");
    }
    let first = offset + 1;
    let last = offset + results.hits.len();
    let count = if results.total_exact {
        format!("{} answers", results.total)
    } else {
        format!("at least {} answers (--exact counts them all)", results.total)
    };
    say!("{count}; showing {first}–{last}");
}

pub fn report(r: &IndexReport, paths: &[PathBuf], index: &Path) {
    let from: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let secs = r.elapsed_ms as f64 / 1000.0;
    if r.dry_run {
        say!("dry run: indexing {} into {} would change this (nothing was written)", from.join(", "), index.display());
    } else {
        say!("indexed {} into {} in {secs:.1} s", from.join(", "), index.display());
    }
    say!(
        "  added {}, updated {}, removed {}, renamed {}, unchanged {}, duplicates {}, skipped {}, failed {}",
        r.added,
        r.updated,
        r.removed,
        r.renamed,
        r.unchanged,
        r.duplicates,
        r.skipped.len(),
        r.failed.len()
    );
    if r.parsed_files > 0 {
        let mb = r.parsed_bytes as f64 / 1e6;
        say!(
            "  parsed {} files ({mb:.1} MB) into {} passages and {} teasers: {:.0} files/s, {:.1} MB/s",
            r.parsed_files,
            r.passages,
            r.teasers,
            r.parsed_files as f64 / secs.max(1e-3),
            mb / secs.max(1e-3)
        );
    }
    if let Some(m) = r.merged {
        say!(
            "  merged {} small segments into {} ({:.1} s; `--no-merge` leaves them)",
            m.segments,
            m.into,
            m.elapsed_ms as f64 / 1e3
        );
    }
    if r.ignored > 0 {
        say!("  passed over {} files that are not article pages by name or content", r.ignored);
    }
    for d in &r.duplicate_files {
        say!("duplicate: {} (same content as {})", shown(&d.path), shown(&d.same_as));
    }
    for s in &r.skipped {
        say!("skipped: {}: {}", shown(&s.path), s.reason);
    }
    for f in &r.failed {
        say!("failed: {}: {}", shown(&f.path), shown(&f.reason));
    }
    for w in &r.warnings {
        eprintln!("baoxian: warning: {w}");
    }
}

/// The progress line of `index` on a terminal: phase, files done of total, rate, time left.
pub struct ProgressLine {
    phase_started: Instant,
    phase: Option<Phase>,
    last_drawn: Option<Instant>,
}

impl ProgressLine {
    pub fn new() -> Self {
        ProgressLine { phase_started: Instant::now(), phase: None, last_drawn: None }
    }

    pub fn update(&mut self, p: Progress) {
        if self.phase != Some(p.phase) {
            self.phase = Some(p.phase);
            self.phase_started = Instant::now();
        }
        let now = Instant::now();
        let due = self.last_drawn.is_none_or(|t| now.duration_since(t) >= Duration::from_millis(100));
        if !due && p.done < p.total {
            return;
        }
        self.last_drawn = Some(now);
        let secs = now.duration_since(self.phase_started).as_secs_f64().max(1e-3);
        let rate = p.done as f64 / secs;
        let line = match p.phase {
            Phase::Committing => "writing the index to disk…".to_string(),
            Phase::Merging => format!("merging small segments into large ones: {}/{} groups…", p.done, p.total),
            phase => {
                let verb = if phase == Phase::Checking { "checking" } else { "indexing" };
                let left = if rate > 0.0 && p.done < p.total {
                    format!(", about {:.0} s left", (p.total - p.done) as f64 / rate)
                } else {
                    String::new()
                };
                format!(
                    "{verb}: {}/{} files, {:.0} files/s, {:.1} MB/s{left}",
                    p.done,
                    p.total,
                    rate,
                    p.bytes as f64 / 1e6 / secs
                )
            }
        };
        eprint!("\r\x1b[2K{line}");
    }

    pub fn clear(self) {
        if self.last_drawn.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

pub fn stats(s: &Stats) {
    say!("index      {} ({:.1} KB)", s.index, s.index_bytes as f64 / 1024.0);
    say!("articles   {} (from {} files)", s.articles, s.files);
    say!("passages   {}", s.passages);
    say!("teasers    {}", s.teasers);
    match (s.earliest, s.latest) {
        (Some(a), Some(b)) => say!("dates      {a} to {b}"),
        _ => say!("dates      none known"),
    }
    if s.top_sources.is_empty() {
        say!("sources    none known");
    } else {
        let top: Vec<String> = s.top_sources.iter().map(|(name, n)| format!("{name} ({n})")).collect();
        say!("sources    {}", top.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_marked_by_character() {
        assert_eq!(highlighted("医保卡余额上限", &[(0, 3), (5, 7)], false), "【医保卡】余额【上限】");
        // the page's own brackets around a highlight: no second pair
        assert_eq!(highlighted("点击【医保钱包】专区", &[(3, 7)], false), "点击【医保钱包】专区");
        assert_eq!(highlighted("点击【医保钱包】专区", &[(3, 5), (8, 10)], false), "点击【医保钱包】【专区】");
        assert_eq!(highlighted("…ＡＰＰ", &[(1, 4)], true), format!("…{MARK}ＡＰＰ{RESET}"));
    }

    #[test]
    fn control_characters_of_pages_never_reach_the_terminal() {
        assert_eq!(shown("医保\u{1b}[2J卡\r"), "医保\\u{1b}[2J卡\\u{d}");
        assert_eq!(shown("a\u{202e}b\tc\nd"), "a\\u{202e}b c d");
        // in a snippet, the highlight still marks the right characters
        assert_eq!(highlighted("\u{1b}医保", &[(1, 3)], false), "\\u{1b}【医保】");
    }
}
