//! The data model: what ingestion extracts from one page, independent of its format.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Serialize, Serializer};

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})
      | (?P<y2>\d{4})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日
      | (?:^|[^\d])(?P<y3>\d{2})\s*年\s*(?P<m3>\d{1,2})\s*月\s*(?P<d3>\d{1,2})\s*日",
    )
    .expect("static regex")
});

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

    /// The first valid date in `text`, in any of the forms 2025-07-31, 2025/07/31, 2025.07.31,
    /// 2025年7月31日 and 25年7月31日 (read as 2025).
    pub fn find(text: &str) -> Option<Date> {
        DATE_RE.captures_iter(text).find_map(|c| {
            let (y, m, d) = if let Some(y) = c.name("y") {
                (y.as_str().parse::<u16>().ok()?, c.name("m")?, c.name("d")?)
            } else if let Some(y) = c.name("y2") {
                (y.as_str().parse::<u16>().ok()?, c.name("m2")?, c.name("d2")?)
            } else {
                let y = c.name("y3")?.as_str().parse::<u16>().ok()?;
                (2000 + y, c.name("m3")?, c.name("d3")?)
            };
            Date::new(y, m.as_str().parse().ok()?, d.as_str().parse().ok()?)
        })
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
    /// Region tags (`安徽省`, `安徽省/宿州市`), the provinces and cities the text names.
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
    /// Region tags (`安徽省`, `安徽省/宿州市`), the provinces and cities the text names.
    pub regions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_form_people_write() {
        let d = Date::new(2025, 7, 31);
        assert_eq!(Date::find("2025-07-31 13:09:37社保网"), d);
        assert_eq!(Date::find("发布时间：2025/07/31"), d);
        assert_eq!(Date::find("2025年7月31日 来源：人社局"), d);
        assert_eq!(Date::find("(25年7月31日)"), d);
        assert_eq!(Date::find("2025.7.31"), d);
        assert_eq!(Date::find("电话 2025-13-45 不是日期"), None);
        assert_eq!(Date::find("缴费12333"), None);
    }

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
