//! HTML article pages: title, date, source and category from the page's metadata and header,
//! the answer text from its main content (without navigation, ads, tag clouds, disclaimers and
//! footers), sections from headings and bold question paragraphs, and related-article lists as
//! teasers.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use ego_tree::NodeRef;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};

use super::meta::{self, Block};
use crate::article::{Article, Date, Teaser};

/// A selector written in this file, parsed once per process (each page used to parse two dozen).
fn selector(css: &'static str) -> &'static Selector {
    static PARSED: LazyLock<Mutex<HashMap<&'static str, &'static Selector>>> = LazyLock::new(Default::default);
    let mut parsed = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
    parsed.entry(css).or_insert_with(|| Box::leak(Box::new(Selector::parse(css).expect("static selector"))))
}

static SOURCE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"来源\s*[:：]\s*([^\s|｜/<>　,，]{1,24})").expect("static regex"));

/// Class or id words of page chrome, matched against each `-`/`_`-separated part.
const CHROME_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "header",
    "footer",
    "foot",
    "breadcrumb",
    "crumb",
    "crumbs",
    "share",
    "social",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "banner",
    "comment",
    "comments",
    "sidebar",
    "aside",
    "copyright",
    "disclaimer",
    "statement",
    "login",
    "search",
    "pagination",
    "pager",
    "toolbar",
    "hot",
    "hotsearch",
    "tag",
    "tags",
    "keyword",
    "keywords",
    "topbar",
    "gotop",
    "backtop",
    "qrcode",
];
/// Class or id words of related-article lists.
const RELATED_WORDS: &[&str] =
    &["related", "relate", "relative", "recommend", "tuijian", "xgwz", "xiangguan", "xgtj", "xgyd", "guess"];
/// Class or id words of elements that carry the date / source line.
const INFO_WORDS: &[&str] =
    &["date", "time", "pubtime", "publish", "pubdate", "info", "meta", "source", "author", "from", "laiyuan", "byline"];

/// Tags whose content is never article text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "button",
    "select", "svg", "canvas", "object", "embed", "video", "audio", "head", "title", "input", "textarea",
];
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "li",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "hr",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

fn has_word(el: &ElementRef<'_>, words: &[&str]) -> bool {
    let v = el.value();
    v.classes()
        .chain(v.id())
        .flat_map(|name| name.split(['-', '_']))
        .any(|part| words.iter().any(|w| part.eq_ignore_ascii_case(w)))
}

fn text_of(el: &ElementRef<'_>) -> String {
    meta::tidy(&el.text().collect::<String>())
}

/// [`text_of`] for an element holding at most a line of text (200 bytes before tidying), else
/// `None` without gathering the rest.
fn short_text_of(el: &ElementRef<'_>) -> Option<String> {
    let mut raw = String::new();
    for t in el.text() {
        if raw.len() + t.len() > 200 {
            return None;
        }
        raw.push_str(t);
    }
    Some(meta::tidy(&raw))
}

fn meta_content(doc: &Html, css: &'static str) -> Option<String> {
    doc.select(selector(css)).filter_map(|e| e.value().attr("content")).map(meta::tidy).find(|s| !s.is_empty())
}

/// Parses an HTML page. Returns `None` when it has neither a title nor any text.
pub fn parse(html: &str) -> Option<Article> {
    let doc = Html::parse_document(&shallow(html));
    let title_tag = doc.select(selector("title")).next().map(|e| text_of(&e)).unwrap_or_default();
    let h1 = doc.select(selector("h1")).map(|e| text_of(&e)).find(|t| !t.is_empty());
    let title =
        meta_content(&doc, r#"meta[property="og:title"]"#).or_else(|| h1.clone()).unwrap_or_else(|| title_tag.clone());
    let title = meta::clean_title(&title);

    // every element of the body, in the order selectors visit them (looked through four times)
    let body: Vec<ElementRef<'_>> = doc.select(selector("body *")).collect();
    let root = content_root(&doc, &body);
    let mut walker = Walker { title: &title, blocks: Vec::new(), buf: String::new(), zone: Zone::Answer };
    if let Some(root) = root {
        for child in root.children() {
            walker.walk(child, 0);
        }
        walker.flush();
    }
    let sections = meta::sections_from_blocks(&walker.blocks);
    if title.is_empty() && sections.is_empty() {
        return None;
    }

    let suffixes = meta::title_suffixes(&title_tag);
    let header = header_text(&doc, &body);
    let article = Article {
        url: meta_content(&doc, r#"link[rel="canonical"]"#)
            .or_else(|| {
                doc.select(selector(r#"link[rel="canonical"]"#))
                    .find_map(|e| e.value().attr("href").map(str::to_string))
            })
            .or_else(|| meta_content(&doc, r#"meta[property="og:url"]"#)),
        date: page_date(&doc, &header),
        source: SOURCE_RE
            .captures(&header)
            .map(|c| c[1].to_string())
            .or_else(|| meta_content(&doc, r#"meta[property="og:site_name"]"#))
            .or_else(|| suffixes.last().cloned()),
        category: meta_content(&doc, r#"meta[property="article:section"]"#)
            .or_else(|| breadcrumb_category(&body, &title))
            .or_else(|| (suffixes.len() >= 2).then(|| suffixes[0].clone())),
        title,
        sections,
        teasers: teasers(&body),
        regions: Vec::new(),
    };
    let mut article = article;
    if let Some(base) = article.url.as_deref().and_then(site_root) {
        for t in &mut article.teasers {
            if let Some(u) = t.url.as_mut().filter(|u| u.starts_with('/') && !u.starts_with("//")) {
                *u = format!("{base}{u}");
            }
        }
    }
    Some(article)
}

/// `https://host` of an absolute URL.
fn site_root(url: &str) -> Option<&str> {
    let after_scheme = url.find("://")? + 3;
    let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
    Some(&url[..end])
}

/// The element holding the article text: a known content container, else the element whose
/// direct `<p>` children hold the most text, else `<body>`.
fn content_root<'a>(doc: &'a Html, body: &[ElementRef<'a>]) -> Option<ElementRef<'a>> {
    /// Known containers, the most telling first.
    const KNOWN: &[&str] = &[
        r#"[itemprop="articleBody"]"#,
        ".article-content",
        ".article_content",
        ".articleContent",
        ".content-text",
        ".post-content",
        ".entry-content",
        "#article-content",
        ".art-content",
        ".detail-content",
        ".answer-content",
        "article",
        ".article",
        "#content",
        ".content",
        "main",
    ];
    for css in KNOWN {
        if let Some(el) =
            doc.select(selector(css)).find(|e| e.text().map(|t| t.trim().chars().count()).sum::<usize>() >= 40)
        {
            return Some(el);
        }
    }
    let p = selector("p");
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    for el in body {
        let score: usize = el
            .child_elements()
            .filter(|c| p.matches(c))
            .map(|c| c.text().map(|t| t.chars().count()).sum::<usize>())
            .sum();
        if score > best.map_or(0, |(s, _)| s) {
            best = Some((score, *el));
        }
    }
    best.map(|(_, el)| el).or_else(|| doc.select(selector("body")).next())
}

/// Text around the title (the h1's parent) and of elements that look like a date/source line.
fn header_text(doc: &Html, body: &[ElementRef<'_>]) -> String {
    let mut out = String::new();
    if let Some(parent) = doc.select(selector("h1")).next().and_then(|h| h.parent()).and_then(ElementRef::wrap) {
        let t = text_of(&parent);
        if t.chars().count() < 400 {
            out.push_str(&t);
            out.push(' ');
        }
    }
    for el in body {
        if has_word(el, INFO_WORDS) {
            let t = text_of(el);
            if t.chars().count() < 200 {
                out.push_str(&t);
                out.push(' ');
            }
        }
    }
    out
}

fn page_date(doc: &Html, header: &str) -> Option<Date> {
    const METAS: &[&str] = &[
        r#"meta[property="article:published_time"]"#,
        r#"meta[itemprop="datePublished"]"#,
        r#"meta[name="pubdate"]"#,
        r#"meta[name="publishdate"]"#,
        r#"meta[name="PubDate"]"#,
    ];
    METAS
        .iter()
        .find_map(|css| meta_content(doc, css).and_then(|c| Date::find(&c)))
        .or_else(|| {
            doc.select(selector("time"))
                .find_map(|t| t.value().attr("datetime").and_then(Date::find).or_else(|| Date::find(&text_of(&t))))
        })
        .or_else(|| Date::find(header))
}

fn breadcrumb_category(body: &[ElementRef<'_>], title: &str) -> Option<String> {
    let crumbs =
        body.iter().find(|e| has_word(e, &["breadcrumb", "crumb", "crumbs", "position", "location", "weizhi"]))?;
    crumbs
        .select(selector("a"))
        .map(|a| text_of(&a))
        .filter(|t| !t.is_empty() && t != title && !matches!(t.as_str(), "首页" | "主页" | "网站首页"))
        .last()
}

/// Related-article lists anywhere on the page, as teasers (deduplicated by title).
fn teasers<'a>(body: &[ElementRef<'a>]) -> Vec<Teaser> {
    let mut containers: Vec<ElementRef<'a>> = Vec::new();
    for &el in body {
        // a list right after a marker such as 相关推荐 (looked at only for list-like elements:
        // the text of a large previous sibling is not gathered for every element of the page)
        let after_marker = || {
            matches!(el.value().name(), "ul" | "ol" | "div" | "dl")
                && el.prev_siblings().find_map(ElementRef::wrap).and_then(|prev| short_text_of(&prev)).is_some_and(
                    |text| meta::is_teaser_marker(&text) && !matches!(text.as_str(), "大家都在搜" | "热门搜索"),
                )
        };
        if (has_word(&el, RELATED_WORDS) || after_marker())
            && !containers.iter().any(|c| el.ancestors().any(|a| a.id() == c.id()))
        {
            containers.push(el);
        }
    }
    let mut out: Vec<Teaser> = Vec::new();
    for container in containers {
        for item in teaser_items(container) {
            if !out.iter().any(|t| t.title == item.title) {
                out.push(item);
            }
        }
    }
    out
}

fn teaser_items(container: ElementRef<'_>) -> Vec<Teaser> {
    let li = selector("li");
    let items: Vec<ElementRef<'_>> = {
        let lis: Vec<_> = container.select(li).collect();
        if lis.is_empty() { container.child_elements().collect() } else { lis }
    };
    let link = selector("a");
    let heading = selector("h2, h3, h4, h5, .title");
    let para = selector("p, .summary, .desc, .intro");
    items
        .into_iter()
        .filter_map(|item| {
            let a = item.select(link).find(|a| text_of(a).chars().count() >= 4);
            let title = item
                .select(heading)
                .map(|h| text_of(&h))
                .find(|t| t.chars().count() >= 4)
                .or_else(|| a.map(|a| text_of(&a)))?;
            let title = meta::clean_title(&title);
            if title.chars().count() < 4 || meta::is_teaser_marker(&title) {
                return None;
            }
            let summary = item.select(para).map(|p| text_of(&p)).find(|p| p.chars().count() >= 10 && *p != title);
            Some(Teaser {
                date: Date::find(&text_of(&item)),
                url: a.and_then(|a| a.value().attr("href")).map(str::to_string),
                title,
                summary,
                category: None,
                regions: Vec::new(),
            })
        })
        .collect()
}

#[derive(PartialEq)]
enum Zone {
    Answer,
    /// After a "相关推荐" / "大家都在搜" heading inside the content: not answer text.
    Tail,
}

/// Walks the content element in document order and cuts it into paragraphs.
struct Walker<'t> {
    title: &'t str,
    blocks: Vec<Block>,
    buf: String,
    zone: Zone,
}

/// How deeply nested the markup given to the HTML parser may be. Parsing and selector matching
/// cost time in proportion to the depth for every element (the parser checks which elements are
/// open, a selector walks up the ancestors), quadratic in all for a hostile page of 100,000
/// nested `<div>`s; real pages nest a few dozen levels.
const MAX_MARKUP_DEPTH: usize = 256;

/// Elements whose end tag pages often leave out (the parser closes them itself): not counted as
/// nesting.
const IMPLIED_END: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rt", "rp"];

/// `html` with the tags nested deeper than [`MAX_MARKUP_DEPTH`] left out (their text stays),
/// by a look at the tags alone. A page within the depth comes back as it is.
fn shallow(html: &str) -> std::borrow::Cow<'_, str> {
    // (start, end) of each tag to leave out
    let mut cut: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(open) = html[at..].find('<').map(|i| at + i) {
        let Some(close) = html[open..].find('>').map(|i| open + i + 1) else { break };
        let tag = &bytes[open + 1..close - 1];
        let (closing, name_start) = if tag.first() == Some(&b'/') { (true, 1) } else { (false, 0) };
        let rest = &tag[name_start..];
        let name = &rest[..rest.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(rest.len())];
        at = close;
        if !name.first().is_some_and(u8::is_ascii_alphabetic) {
            continue; // a comment, a doctype, a stray `<`
        }
        let listed = |list: &[&str]| list.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name));
        let counted = !listed(VOID_TAGS) && !listed(IMPLIED_END);
        if !counted || (!closing && tag.last() == Some(&b'/')) {
            continue;
        }
        if closing {
            if depth > MAX_MARKUP_DEPTH {
                cut.push((open, close));
            }
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_MARKUP_DEPTH {
                cut.push((open, close));
            }
        }
    }
    if cut.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (start, end) in cut {
        out.push_str(&html[from..start]);
        from = end;
    }
    out.push_str(&html[from..]);
    std::borrow::Cow::Owned(out)
}

/// Elements that have no end tag.
const VOID_TAGS: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// How deep the walk reads a page's structure. Below this depth (real pages nest a few dozen
/// levels; a hostile one nests thousands, which would overflow the stack of a recursive walk
/// and cost time quadratic in the depth) the text of an element is read as one run of text.
const MAX_DEPTH: usize = 128;

impl Walker<'_> {
    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        if depth >= MAX_DEPTH {
            if self.zone == Zone::Answer {
                // an iterative traversal: no recursion, each node once
                for d in node.descendants() {
                    if let Node::Text(t) = d.value() {
                        self.buf.push_str(t);
                    }
                }
            }
            return;
        }
        match node.value() {
            Node::Text(t) if self.zone == Zone::Answer => self.buf.push_str(t),
            Node::Element(e) => {
                let Some(el) = ElementRef::wrap(node) else {
                    return;
                };
                let name = e.name();
                if SKIP_TAGS.contains(&name) || has_word(&el, CHROME_WORDS) || has_word(&el, RELATED_WORDS) {
                    return;
                }
                if has_word(&el, INFO_WORDS) && {
                    let t = text_of(&el);
                    t.chars().count() < 120 && (Date::find(&t).is_some() || t.contains("来源"))
                } {
                    return; // the date / source line, read by `header_text`
                }
                if name == "br" {
                    self.flush();
                    return;
                }
                if !BLOCK_TAGS.contains(&name) {
                    for c in node.children() {
                        self.walk(c, depth + 1);
                    }
                    return;
                }
                self.flush();
                let leaf = !el.descendent_elements().skip(1).any(|d| BLOCK_TAGS.contains(&d.value().name()));
                if leaf || name.starts_with('h') && name.len() == 2 {
                    let text = text_of(&el);
                    if meta::is_teaser_marker(&text) {
                        self.zone = Zone::Tail;
                    } else if matches!(name, "h2" | "h3" | "h4") && self.zone == Zone::Tail {
                        // a new heading after a related block: back in the answer only if it is a question
                        if meta::is_question_heading(&text) {
                            self.zone = Zone::Answer;
                            self.push(text, true);
                        }
                    } else if self.zone == Zone::Answer && !(name == "h1" && text == self.title) {
                        let heading = matches!(name, "h1" | "h2" | "h3" | "h4") || bold_only(&el, &text);
                        self.push(text, heading);
                    }
                    return;
                }
                for c in node.children() {
                    self.walk(c, depth + 1);
                }
                self.flush();
            }
            _ => {}
        }
    }

    fn push(&mut self, text: String, heading: bool) {
        if !text.is_empty() && !meta::is_boilerplate(&text) {
            self.blocks.push(Block { text, heading });
        }
    }

    fn flush(&mut self) {
        let text = meta::tidy(&self.buf);
        self.buf.clear();
        if meta::is_teaser_marker(&text) {
            self.zone = Zone::Tail;
        } else if self.zone == Zone::Answer {
            self.push(text, false);
        }
    }
}

/// A short paragraph whose whole text is bold: a heading in all but markup.
fn bold_only(el: &ElementRef<'_>, text: &str) -> bool {
    let n = text.chars().count();
    if n == 0 || n > 50 {
        return false;
    }
    // parsed once per process, not once per paragraph
    let bold: String = el.select(selector("strong, b")).map(|b| b.text().collect::<String>()).collect();
    meta::tidy(&bold).chars().filter(|c| !c.is_whitespace()).eq(text.chars().filter(|c| !c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parse_file;
    use std::path::Path;

    fn fixture(name: &str) -> Article {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        parse_file(&path, &bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
    }

    fn questions(a: &Article) -> Vec<Option<&str>> {
        a.sections.iter().map(|s| s.question.as_deref()).collect()
    }

    fn all_text(a: &Article) -> String {
        a.sections.iter().map(|s| format!("{:?} {}", s.question, s.answer)).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn site_page_utf8_with_nav_related_hot_tags_and_footer() {
        let a = fixture("医保断缴后再补缴多久能用.html");
        assert_eq!(a.title, "医保断缴后再补缴多久能用？以山西太原为例");
        assert_eq!(a.date, Date::new(2025, 7, 31));
        assert_eq!(a.source.as_deref(), Some("社保网"));
        assert_eq!(a.category.as_deref(), Some("医保知识"));
        assert_eq!(a.url.as_deref(), Some("https://www.shebao.example.cn/yibao/20250731/8841.html"));
        assert_eq!(
            questions(&a),
            vec![
                None,
                Some("太原职工医保断缴后补缴多久能用？"),
                Some("太原城乡居民医保断缴后怎么补缴？"),
                Some("补缴需要准备哪些材料？")
            ]
        );
        assert!(a.sections[3].answer.contains("灵活就业人员补缴需先办理灵活就业登记"));
        let text = all_text(&a);
        for chrome in [
            "首页",
            "搜索",
            "温馨提示",
            "分享到",
            "上一篇",
            "相关推荐",
            "大家都在搜",
            "养老金计算",
            "版权所有",
            "阅读 1203",
            "_hmt",
            "广告",
        ] {
            assert!(!text.contains(chrome), "answer text holds page chrome {chrome:?}:\n{text}");
        }
        let teasers: Vec<&str> = a.teasers.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(
            teasers,
            vec![
                "医保断缴几年后又补缴，多久才能正常报销？以甘肃定西为例",
                "灵活就业人员医保断缴了怎么办",
                "医保卡余额能取出来吗？成都医疗保险断交怎么补缴？"
            ]
        );
        assert_eq!(a.teasers[1].date, Date::new(2025, 7, 30));
        assert_eq!(a.teasers[1].url.as_deref(), Some("https://www.shebao.example.cn/yibao/20250730/8801.html"));
    }

    #[test]
    fn qa_site_gbk_declared_with_bold_questions() {
        let bytes =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/异地就医备案怎么办理.html")).unwrap();
        assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must stay GBK-encoded");
        let a = fixture("异地就医备案怎么办理.html");
        assert_eq!(a.title, "异地就医备案怎么办理？手机上几分钟搞定");
        assert_eq!(a.date, Date::new(2025, 6, 12));
        assert_eq!(a.source.as_deref(), Some("快问医保"));
        assert_eq!(
            questions(&a),
            vec![
                None,
                Some("一、哪些人需要办理异地就医备案？"),
                Some("二、手机上怎么办理备案？"),
                Some("三、备案后多久生效，有效期多长？")
            ]
        );
        let text = all_text(&a);
        for chrome in ["百万医疗险", "免责声明", "我要提问", "网站地图", "相关问答"] {
            assert!(!text.contains(chrome), "answer text holds {chrome:?}");
        }
        assert_eq!(a.teasers.len(), 2);
        assert_eq!(a.teasers[0].title, "异地就医直接结算报销比例是多少？");
        assert!(a.teasers[0].summary.as_deref().unwrap_or("").starts_with("跨省异地就医直接结算执行就医地"));
        assert_eq!(a.teasers[1].date, Date::new(2025, 6, 8));
    }

    #[test]
    fn government_page_gbk_without_declared_charset() {
        let bytes =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/城乡居民医保缴费标准.htm")).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).to_ascii_lowercase().contains("charset"));
        let a = fixture("城乡居民医保缴费标准.htm");
        assert_eq!(a.title, "2025年城乡居民医保缴费标准是多少");
        assert_eq!(a.date, Date::new(2025, 1, 10));
        assert_eq!(a.source.as_deref(), Some("某市医疗保障局"));
        assert_eq!(a.category.as_deref(), Some("政策解读"));
        assert_eq!(
            questions(&a)[1..],
            [Some("缴费时间是什么时候？"), Some("可以通过哪些渠道缴费？"), Some("困难群众有没有缴费资助？")]
        );
        assert!(a.sections[0].answer.starts_with("根据国家医保局"));
        let text = all_text(&a);
        for chrome in ["网站首页", "发布日期", "字体", "主办单位", "12393"] {
            assert!(!text.contains(chrome), "answer text holds {chrome:?}");
        }
    }

    #[test]
    fn utf8_bom_page_with_short_year_date_and_tag_cloud() {
        let a = fixture("医保卡丢了怎么补办.html");
        assert_eq!(a.title, "医保卡丢了怎么补办");
        assert_eq!(a.date, Date::new(2025, 5, 8));
        assert_eq!(questions(&a), vec![None, Some("如何挂失"), Some("补办需要多长时间")]);
        let text = all_text(&a);
        assert!(!text.contains("大家都在搜") && !text.contains("社保卡激活") && !text.contains("编辑部"), "{text}");
    }

    #[test]
    fn broken_and_truncated_html_still_gives_the_text() {
        let page = "<html><head><title>医保报销比例是多少_社保网</title></head><body><div class=content><h1>医保报销比例是多少</h1><p>职工医保在三级医院住院报销比例一般为85%左右<p>居民医保住院报销比例一般在60%到70%之间，具体";
        let a = parse(page).unwrap();
        assert_eq!(a.title, "医保报销比例是多少");
        assert_eq!(a.sections.len(), 1);
        assert!(a.sections[0].answer.contains("85%"));
        assert!(a.sections[0].answer.ends_with("之间，具体"));
    }

    #[test]
    fn markup_nested_too_deep_is_read_flat_and_other_pages_as_they_are() {
        for name in [
            "异地就医备案怎么办理.html",
            "医保卡丢了怎么补办.html",
            "医保断缴后再补缴多久能用.html",
            "城乡居民医保缴费标准.htm",
        ] {
            let page = fixture_html(name);
            assert!(matches!(shallow(&page), std::borrow::Cow::Borrowed(_)), "{name} is left as it is");
        }
        let deep = format!("<p>{}医保{}</p><br/><img src=x>", "<div>".repeat(1000), "</div>".repeat(1000));
        let flat = shallow(&deep);
        assert_eq!(flat.matches("<div>").count(), MAX_MARKUP_DEPTH, "{}", &flat[..200]);
        assert_eq!(flat.matches("</div>").count(), MAX_MARKUP_DEPTH);
        assert!(flat.contains("医保") && flat.ends_with("</p><br/><img src=x>"));
        // thousands of nested lists: parsed, the text kept, no stack overflow
        let lists = format!(
            "<html><body><div class=content><p>医保卡丢了怎么补办</p>{}深处的文字{}</div></body></html>",
            "<ul><li>".repeat(5000),
            "</li></ul>".repeat(5000)
        );
        let article = parse(&lists).expect("an article");
        assert!(all_text(&article).contains("深处的文字"), "{}", all_text(&article));
    }

    fn fixture_html(name: &str) -> String {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name)).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn site_root_of_urls() {
        assert_eq!(site_root("https://a.example.cn/x/y.html"), Some("https://a.example.cn"));
        assert_eq!(site_root("https://a.example.cn"), Some("https://a.example.cn"));
        assert_eq!(site_root("/x"), None);
    }
}
