//! The query language, from what a person types to its parts.
//!
//! - Plain words: `医保钱包 使用地`, or a whole question.
//! - `"exact phrase"`: these characters in this order.
//! - `-word`, `-"phrase"`: answers holding it are left out.
//! - `A OR B`: either (binds the words or phrases on each side of `OR`; chains as `A OR B OR C`).
//! - Fields: `title:参保地` (the word in the title), `source:社保网` (that source exactly),
//!   `after:2025-01-01` / `before:2025-07-31` (publication date, inclusive; also
//!   `--since` / `--until`).
//!
//! Nothing a user types is an error here: a piece that does not parse (an unbalanced quote, a
//! stray `-`, an unknown field) is read as plain words, and a note says how it was read.

use crate::article::Date;

/// A plain piece of text or an exact phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Words(String),
    Phrase(String),
}

/// The parts of a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Each entry is one requirement; several terms in one entry are alternatives (`A OR B`).
    pub wanted: Vec<Vec<Term>>,
    /// Answers holding any of these are left out.
    pub excluded: Vec<Term>,
    /// What an answer must be, whatever it matches.
    pub filters: Filters,
    /// How odd pieces were read, for a note to the user.
    pub notes: Vec<String>,
}

/// What an answer must be to be shown, whatever it matches: from the query's fields and the
/// request's options, as typed; the plan carries them resolved (title words segmented, places
/// as region tags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// `title:` words: each must be in the title.
    pub in_title: Vec<String>,
    /// `source:` values: the answer's source must be one of them.
    pub sources: Vec<String>,
    /// `region:` values (安徽, 宿州市), or region tags in a plan: the answer must be about one
    /// of them.
    pub regions: Vec<String>,
    /// Published on or after this day.
    pub since: Option<Date>,
    /// Published on or before this day.
    pub until: Option<Date>,
}

impl Filters {
    /// Adds the request's own filters: its region among the query's, its dates where the query
    /// sets none.
    pub fn add_request(&mut self, request: &crate::api::SearchRequest) {
        self.regions.extend(request.region.clone());
        self.since = self.since.or(request.since);
        self.until = self.until.or(request.until);
    }

    /// The publication dates asked for, as inclusive `YYYYMMDD` numbers, when any bound is set.
    pub fn dates(&self) -> Option<(u64, u64)> {
        (self.since.is_some() || self.until.is_some())
            .then(|| (self.since.map_or(0, |d| d.as_number()), self.until.map_or(u64::MAX, |d| d.as_number())))
    }

    /// Whether no answer is filtered out.
    pub fn is_empty(&self) -> bool {
        self.in_title.is_empty()
            && self.sources.is_empty()
            && self.regions.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }
}

/// The longest query read; the rest is dropped with a note (a 2,000-character paste is fine).
const MAX_CHARS: usize = 1000;

/// One lexical piece of the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Quoted(String),
    Not(Box<Piece>),
    Or,
    Field(String, String),
}

/// The names of the query language's fields.
const FIELDS: [&str; 7] = ["title", "source", "region", "after", "since", "before", "until"];

fn lex(query: &str, notes: &mut Vec<String>) -> Vec<Piece> {
    let cleaned: String = query.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut text: String = cleaned.chars().take(MAX_CHARS).collect();
    if cleaned.chars().count() > MAX_CHARS {
        notes.push(format!("the query is long: only its first {MAX_CHARS} characters were searched"));
    }
    // full-width quotes and colons count as their ASCII forms
    text = text.replace(['“', '”', '＂'], "\"").replace('：', ":");
    let mut pieces = Vec::new();
    let mut rest = text.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let negated = rest.starts_with('-') && rest.len() > 1 && !rest[1..].starts_with(char::is_whitespace);
        let body = if negated { &rest[1..] } else { rest };
        let (piece, after) = if let Some(inner) = body.strip_prefix('"') {
            match inner.find('"') {
                Some(end) => (Piece::Quoted(inner[..end].to_string()), &inner[end + 1..]),
                None => {
                    notes.push("a quote is not closed: the words after it were searched as plain words".into());
                    (Piece::Text(inner.to_string()), "")
                }
            }
        } else {
            let end = body.find(char::is_whitespace).unwrap_or(body.len());
            let word = &body[..end];
            let piece = if word == "OR" && !negated {
                Piece::Or
            } else if let Some((name, value)) = word
                .split_once(':')
                .filter(|(n, v)| !n.is_empty() && (!v.is_empty() || FIELDS.contains(&n.to_ascii_lowercase().as_str())))
            {
                Piece::Field(name.to_ascii_lowercase(), value.to_string())
            } else {
                Piece::Text(word.trim_start_matches('-').to_string())
            };
            (piece, &body[end..])
        };
        pieces.push(if negated { Piece::Not(Box::new(piece)) } else { piece });
        rest = after;
    }
    pieces
}

fn term_of(piece: &Piece) -> Option<Term> {
    match piece {
        Piece::Text(t) if !t.trim().is_empty() => Some(Term::Words(t.clone())),
        Piece::Quoted(t) if !t.trim().is_empty() => Some(Term::Phrase(t.clone())),
        _ => None,
    }
}

/// Reads a query string. Never fails: see the module documentation.
pub fn parse(query: &str) -> ParsedQuery {
    let mut q = ParsedQuery::default();
    let pieces = lex(query, &mut q.notes);
    let mut pending_or = false;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Or => {
                let joinable = !q.wanted.is_empty() && pieces.get(i + 1).is_some_and(|p| term_of(p).is_some());
                if joinable {
                    pending_or = true;
                } else {
                    q.notes.push("OR needs words on both sides: it was left out".into());
                }
            }
            Piece::Not(inner) => match inner.as_ref() {
                Piece::Field(name, value) => {
                    q.notes.push(format!("-{name}:{value} cannot be excluded: searched {value} as words"));
                    q.wanted.push(vec![Term::Words(value.clone())]);
                }
                other => match term_of(other) {
                    Some(t) => q.excluded.push(t),
                    None => q.notes.push("a lone '-' was left out".into()),
                },
            },
            Piece::Field(name, value) => field(&mut q, name, value),
            other => {
                if let Some(t) = term_of(other) {
                    match (pending_or, q.wanted.last_mut()) {
                        (true, Some(last)) => last.push(t),
                        _ => q.wanted.push(vec![t]),
                    }
                }
                pending_or = false;
            }
        }
    }
    q
}

fn field(q: &mut ParsedQuery, name: &str, value: &str) {
    let date = || Date::find(value).or_else(|| Date::find(&format!("{value}-01-01")));
    if value.trim().is_empty() && FIELDS.contains(&name) {
        q.notes.push(format!("{name}: has no value (write {name}:WORD, with no space after the colon): left out"));
        return;
    }
    match name {
        "title" => q.filters.in_title.push(value.to_string()),
        "source" => q.filters.sources.push(value.to_string()),
        "region" => q.filters.regions.push(value.to_string()),
        "after" | "since" => match date() {
            Some(d) => q.filters.since = Some(d),
            None => q.notes.push(format!("{name}:{value} is not a date (write 2025-01-31): left out")),
        },
        "before" | "until" => match date() {
            Some(d) => q.filters.until = Some(d),
            None => q.notes.push(format!("{name}:{value} is not a date (write 2025-01-31): left out")),
        },
        _ => {
            q.notes.push(format!(
                "there is no field {name:?} (fields: title, source, region, after, before): searched {name} {value} as words"
            ));
            q.wanted.push(vec![Term::Words(format!("{name} {value}"))]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Term {
        Term::Words(t.into())
    }

    #[test]
    fn plain_words_phrases_exclusions_and_alternatives() {
        let q = parse("医保钱包 \"使用地\" -宿州 网上 OR 线上 -\"葡萄膜炎\"");
        assert_eq!(
            q.wanted,
            vec![vec![words("医保钱包")], vec![Term::Phrase("使用地".into())], vec![words("网上"), words("线上")]]
        );
        assert_eq!(q.excluded, vec![words("宿州"), Term::Phrase("葡萄膜炎".into())]);
        assert!(q.notes.is_empty());
    }

    #[test]
    fn fields_and_dates() {
        let q = parse("title:参保地 source:社保网 after:2025-01-01 before:2025年7月31日 变更");
        assert_eq!(q.filters.in_title, vec!["参保地"]);
        assert_eq!(q.filters.sources, vec!["社保网"]);
        assert_eq!(q.filters.since, Date::new(2025, 1, 1));
        assert_eq!(q.filters.until, Date::new(2025, 7, 31));
        assert_eq!(q.wanted, vec![vec![words("变更")]]);
        assert_eq!(parse("after:2024").filters.since, Date::new(2024, 1, 1));
    }

    #[test]
    fn odd_syntax_is_read_as_words_with_a_note() {
        let q = parse("\"医保 报销");
        assert_eq!(q.wanted, vec![vec![words("医保 报销")]]);
        assert_eq!(q.notes.len(), 1);
        let q = parse("社保:缴费");
        assert_eq!(q.wanted, vec![vec![words("社保 缴费")]]);
        assert!(q.notes[0].contains("no field"));
        let q = parse("- 医保 OR");
        assert_eq!(q.wanted, vec![vec![words("医保")]]);
        assert_eq!(q.notes.len(), 1, "{:?}", q.notes);
        let q = parse("after:昨天 医保");
        assert_eq!(q.filters.since, None);
        assert_eq!(q.notes.len(), 1);
        assert_eq!(parse("“参保地”").wanted, vec![vec![Term::Phrase("参保地".into())]]);
    }

    #[test]
    fn hostile_input_never_panics() {
        let long = "医保".repeat(1500);
        for q in [
            "",
            "\"",
            "\"\"",
            "-",
            "--",
            "-\"",
            "OR",
            "OR OR",
            ":",
            "a:",
            ":b",
            "title:",
            "\u{0}\u{7}医保\u{1b}[31m",
            "🙂🙂",
            long.as_str(),
            "-title:x",
            "(医保) [报销]",
        ] {
            let _ = parse(q);
        }
        assert_eq!(parse(&long).notes.len(), 1);
    }

    #[test]
    fn a_field_with_no_value_is_left_out_and_said_so() {
        for f in ["title:", "region:", "after:", "source:"] {
            let q = parse(&format!("医保 {f}"));
            assert!(q.filters.is_empty(), "{f}");
            assert!(q.notes.iter().any(|n| n.contains("has no value")), "{f}: {:?}", q.notes);
        }
    }
}
