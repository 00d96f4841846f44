//! The data model: what ingestion extracts from one page, independent of its format.

use std::fmt;

use serde::{Serialize, Serializer};

/// A calendar date (the publication day of an article or teaser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A checked date: `None` when the month or day is out of range.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=days).contains(&day) && (1900..=2200).contains(&year)).then_some(Date { year, month, day })
    }

    /// The date as the number `YYYYMMDD`, which sorts like the date (how the index stores it).
    pub fn as_number(self) -> u64 {
        u64::from(self.year) * 10_000 + u64::from(self.month) * 100 + u64::from(self.day)
    }

    /// Inverse of [`Date::as_number`].
    pub fn from_number(n: u64) -> Option<Date> {
        let year = u16::try_from(n / 10_000).ok()?;
        Date::new(year, ((n / 100) % 100) as u8, (n % 100) as u8)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One question of an article and its answer text. The part of a page before its first
/// question heading is a section without a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub question: Option<String>,
    pub answer: String,
}

/// A related-article teaser found on a page (a title, maybe a short summary and a date).
/// Teasers are indexed as their own light documents, never as part of the page's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Teaser {
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<Date>,
    pub category: Option<String>,
    pub url: Option<String>,
    /// Region tags (`安徽省`, `安徽省/宿州市`), see [`crate::ingest::region`].
    pub regions: Vec<String>,
}

/// Everything extracted from one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Article {
    pub title: String,
    pub url: Option<String>,
    pub date: Option<Date>,
    pub source: Option<String>,
    pub category: Option<String>,
    pub sections: Vec<Section>,
    pub teasers: Vec<Teaser>,
    /// Region tags (`安徽省`, `安徽省/宿州市`), see [`crate::ingest::region`].
    pub regions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_and_round_trip() {
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2025, 13, 1).is_none());
        let d = Date::new(2025, 7, 31).unwrap();
        assert_eq!(d.to_string(), "2025-07-31");
        assert_eq!(d.as_number(), 20250731);
        assert_eq!(Date::from_number(20250731), Some(d));
    }
}
