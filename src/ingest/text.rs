//! Plain-text article pages, as saved from Q&A sites: the title on the first line, an optional
//! `2025-07-31 13:09:37社保网` line with date and source, the answer paragraphs with question
//! headings, then related-article blocks and run-on link lists.

use std::sync::LazyLock;

use regex::Regex;

use super::meta::{self, Block};
use crate::article::{Article, Date, Teaser};

/// `2025-07-31 13:09:37社保网`, `2025年7月31日 来源：人社局`: a date line, with the source after it.
static DATE_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:发布时间[:：]\s*)?(\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:(?:来源|作者)[:：]\s*)?(?P<src>\S{0,20})$",
    )
    .expect("static regex")
});

/// One entry of a run-on link list: `title 2025-07-31 09:00医保知识`.
static LINK_ITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<title>\S.*?)\s+(?P<date>\d{4}-\d{1,2}-\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?(?P<cat>[^\s\d][^\s]{0,9})?(?:\s+|$)")
        .expect("static regex")
});

/// The line closing a teaser block: `健康新闻 2025-05-16` (category, date) or a bare date.
static TEASER_END_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?P<cat>[^\s\d]\S{0,11})\s+)?(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$",
    )
    .expect("static regex")
});

/// Parses a plain-text page. Returns `None` when the page has no title and no text.
pub fn parse(text: &str) -> Option<Article> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let (title, rest) = lines.split_first()?;
    let mut article = Article { title: meta::tidy(title.trim_start_matches('#')), ..Article::default() };

    let mut body_start = 0;
    for (i, line) in rest.iter().enumerate().take(4) {
        if let Some(c) = DATE_LINE_RE.captures(line) {
            article.date = Date::find(line);
            let src = c.name("src").map(|m| m.as_str().trim()).unwrap_or("");
            if !src.is_empty() {
                article.source = Some(src.to_string());
            }
            body_start = i + 1;
            break;
        }
    }

    let rest = &rest[body_start..];
    // the answer ends at a teaser marker or at the first run-on link list, whose entries are
    // kept for the teasers (reading a link list is most of the cost of a plain-text page)
    let mut links = None;
    let end = rest
        .iter()
        .position(|l| {
            meta::is_teaser_marker(l) || {
                links = run_on_links(l);
                links.is_some()
            }
        })
        .unwrap_or(rest.len());
    let blocks: Vec<Block> = rest[..end]
        .iter()
        .filter(|l| !meta::is_boilerplate(l))
        .map(|l| match markdown_heading(l) {
            Some(h) => Block { text: meta::tidy(h), heading: true },
            None => Block { text: meta::tidy(l), heading: meta::is_question_heading(l) },
        })
        .collect();
    article.sections = meta::sections_from_blocks(&blocks);
    article.teasers = teasers(&rest[end..], links);
    Some(article)
}

/// The text of a Markdown heading line (`## 如何挂失`), for pages saved as Markdown.
fn markdown_heading(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('#')?.trim_start_matches('#');
    rest.starts_with(' ').then(|| rest.trim())
}

/// The entries of a run-on link list line, when the line is one (the entries cover it).
fn run_on_links(line: &str) -> Option<Vec<Teaser>> {
    let mut covered = 0;
    let mut items = Vec::new();
    for c in LINK_ITEM_RE.captures_iter(line) {
        covered += c.get(0).map_or(0, |m| m.len());
        let title = c.name("title").map_or("", |m| m.as_str()).trim();
        items.push(Teaser {
            title: meta::tidy(title),
            summary: None,
            date: c.name("date").and_then(|m| Date::find(m.as_str())),
            category: c.name("cat").map(|m| m.as_str().to_string()),
            url: None,
            regions: Vec::new(),
        });
    }
    (!items.is_empty() && covered * 10 >= line.len() * 9).then_some(items)
}

/// Teasers in the tail of a page: blocks of title, summary lines and a closing
/// `category date` line, and run-on link lists. Anything else there (tag clouds, footers) is dropped.
/// `first_links`: the entries of the first line, when it is a run-on link list already read.
fn teasers(lines: &[&str], mut first_links: Option<Vec<Teaser>>) -> Vec<Teaser> {
    let mut out = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    for line in lines {
        if let Some(items) = first_links.take().or_else(|| run_on_links(line)) {
            out.extend(items);
            pending.clear();
        } else if let Some(c) = TEASER_END_RE.captures(line) {
            if let Some((title, summary)) = pending.split_first() {
                let summary = meta::tidy(&summary.join(" "));
                out.push(Teaser {
                    title: meta::tidy(title),
                    summary: (!summary.is_empty()).then_some(summary),
                    date: c.name("date").and_then(|m| Date::find(m.as_str())),
                    category: c.name("cat").map(|m| m.as_str().to_string()),
                    url: None,
                    regions: Vec::new(),
                });
            }
            pending.clear();
        } else if meta::is_teaser_marker(line) || meta::is_boilerplate(line) {
            pending.clear();
        } else {
            pending.push(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Date;

    fn seed(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn seed_000_wallet_article() {
        let a = parse(&seed("医保钱包如何更改使用地.txt")).unwrap();
        assert_eq!(a.title, "医保钱包如何更改使用地");
        assert_eq!(a.date, None);
        assert_eq!(a.source, None);
        // No question headings: the whole answer is one passage answering the title.
        assert_eq!(a.sections.len(), 1);
        let body = &a.sections[0].answer;
        assert!(body.starts_with("医保钱包使用地更改可通过线上服务平台"));
        assert!(body.contains("特别提醒"));
        for chrome in ["本内容不能代替面诊", "大家都在搜", "相关推荐", "葡萄膜炎", "首页 顶部"]
        {
            assert!(!body.contains(chrome), "answer text holds page chrome {chrome:?}");
        }
        let titles: Vec<&str> = a.teasers.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles.len(), 20, "{titles:?}");
        assert_eq!(titles[0], "安徽宿州治疗结核性葡萄膜炎的医院排名");
        assert!(titles.contains(&"医保卡余额有上限吗"));
        assert_eq!(titles[19], "医保卡消费后会有通知吗");
        let t = &a.teasers[0];
        assert_eq!(t.category.as_deref(), Some("健康新闻"));
        assert_eq!(t.date, Date::new(2025, 5, 16));
        assert!(t.summary.as_deref().unwrap_or("").starts_with("安徽宿州治疗结核性葡萄膜炎的医院排名中"));
    }

    #[test]
    fn seed_001_three_questions() {
        let a = parse(&seed("手机上更改医保参保地的详细步骤来了.txt")).unwrap();
        assert_eq!(a.title, "手机上更改医保参保地的详细步骤来了!(2025/07/31)");
        assert_eq!(a.date, Date::new(2025, 7, 31));
        assert_eq!(a.source.as_deref(), Some("社保网"));
        let questions: Vec<Option<&str>> = a.sections.iter().map(|s| s.question.as_deref()).collect();
        assert_eq!(
            questions,
            vec![
                None,
                Some("青海海东医保参保地怎么变更去哪里改"),
                Some("青海海东2025医保缴费怎么网上缴费呢?"),
                Some("青海海东医疗保险报销范围包括哪些?"),
            ]
        );
        assert!(a.sections[0].answer.starts_with("医疗保险参保地变更指"));
        let last = &a.sections[3].answer;
        assert!(last.ends_with("咨询当地的医保经办机构或相关部门。"), "{last}");
        assert!(!last.contains("温馨提示") && !last.contains("声明") && !last.contains("投诉"));
        assert_eq!(a.teasers.len(), 23);
        assert_eq!(a.teasers[0].title, "怎么看医保卡里的钱有多少钱?西安医保卡里的钱可以取吗,要怎么用?(07/31)");
        assert_eq!(a.teasers[0].category.as_deref(), Some("医保知识"));
        assert_eq!(a.teasers[0].date, Date::new(2025, 7, 31));
        assert_eq!(a.teasers[22].title, "医保卡余额能取出来吗?成都医疗保险断交怎么补缴?(07/30)");
        assert!(
            a.teasers.iter().all(|t| !t.title.contains("医保知识") && !t.title.contains(":")),
            "date or category leaked into a title"
        );
    }

    #[test]
    fn markdown_pages_give_title_and_headings() {
        let a =
            parse("# 医保卡丢了怎么补办\n\n先挂失再补办。\n\n## 如何挂失\n\n拨打12333热线挂失。\n\n#话题 不是标题\n")
                .unwrap();
        assert_eq!(a.title, "医保卡丢了怎么补办");
        let q: Vec<_> = a.sections.iter().map(|s| s.question.as_deref()).collect();
        assert_eq!(q, vec![None, Some("如何挂失")]);
        assert!(a.sections[1].answer.ends_with("#话题 不是标题"));
    }

    #[test]
    fn page_without_date_line_or_tail() {
        let a = parse("标题怎么写?\n\n正文第一段。\n\n正文第二段。").unwrap();
        assert_eq!(a.title, "标题怎么写?");
        assert_eq!(a.sections.len(), 1);
        assert_eq!(a.sections[0].answer, "正文第一段。\n正文第二段。");
        assert!(a.teasers.is_empty());
        assert!(parse("  \n\n ").is_none());
    }
}
