//! HTML article pages: title, date, source and category from the page's metadata and header,
//! the answer text from its main content (without navigation, ads, tag clouds, disclaimers and
//! footers), sections from headings and bold question paragraphs, and related-article lists as
//! teasers.

use std::sync::LazyLock;

use ego_tree::NodeRef;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};

use super::meta::{self, Block};
use crate::article::{Article, Date, Teaser};

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("static selector")
}

static SOURCE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"来源\s*[:：]\s*([^\s|｜/<>　,，]{1,24})").expect("static regex"));

/// Class or id words of page chrome, matched against each `-`/`_`-separated part.
const CHROME_WORDS: &[&str] = &[
    "nav", "navbar", "menu", "header", "footer", "foot", "breadcrumb", "crumb", "crumbs", "share", "social", "ad",
    "ads", "advert", "advertisement", "banner", "comment", "comments", "sidebar", "aside", "copyright",
    "disclaimer", "statement", "login", "search", "pagination", "pager", "toolbar", "hot", "hotsearch", "tag",
    "tags", "keyword", "keywords", "topbar", "gotop", "backtop", "qrcode",
];
/// Class or id words of related-article lists.
const RELATED_WORDS: &[&str] =
    &["related", "relate", "relative", "recommend", "tuijian", "xgwz", "xiangguan", "xgtj", "xgyd", "guess"];
/// Class or id words of elements that carry the date / source line.
const INFO_WORDS: &[&str] =
    &["date", "time", "pubtime", "publish", "pubdate", "info", "meta", "source", "author", "from", "laiyuan"];

/// Tags whose content is never article text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "button",
    "select", "svg", "canvas", "object", "embed", "video", "audio", "head", "title", "input", "textarea",
];
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "section", "article", "main", "ul", "ol", "li", "table", "tbody", "thead", "tr", "td", "th",
    "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption", "hr", "center", "h1", "h2", "h3", "h4", "h5",
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

fn meta_content(doc: &Html, css: &str) -> Option<String> {
    doc.select(&selector(css))
        .filter_map(|e| e.value().attr("content"))
        .map(meta::tidy)
        .find(|s| !s.is_empty())
}

/// Parses an HTML page. Returns `None` when it has neither a title nor any text.
pub fn parse(html: &str) -> Option<Article> {
    let doc = Html::parse_document(html);
    let title_tag = doc.select(&selector("title")).next().map(|e| text_of(&e)).unwrap_or_default();
    let h1 = doc.select(&selector("h1")).map(|e| text_of(&e)).find(|t| !t.is_empty());
    let title = meta_content(&doc, r#"meta[property="og:title"]"#)
        .or_else(|| h1.clone())
        .unwrap_or_else(|| title_tag.clone());
    let title = meta::clean_title(&title);

    let root = content_root(&doc);
    let mut walker = Walker { title: &title, blocks: Vec::new(), buf: String::new(), zone: Zone::Answer };
    if let Some(root) = root {
        for child in root.children() {
            walker.walk(child);
        }
        walker.flush();
    }
    let sections = meta::sections_from_blocks(&walker.blocks);
    if title.is_empty() && sections.is_empty() {
        return None;
    }

    let suffixes = meta::title_suffixes(&title_tag);
    let header = header_text(&doc);
    let article = Article {
        url: meta_content(&doc, r#"link[rel="canonical"]"#)
            .or_else(|| doc.select(&selector(r#"link[rel="canonical"]"#)).find_map(|e| e.value().attr("href").map(str::to_string)))
            .or_else(|| meta_content(&doc, r#"meta[property="og:url"]"#)),
        date: page_date(&doc, &header),
        source: SOURCE_RE
            .captures(&header)
            .map(|c| c[1].to_string())
            .or_else(|| meta_content(&doc, r#"meta[property="og:site_name"]"#))
            .or_else(|| suffixes.last().cloned()),
        category: meta_content(&doc, r#"meta[property="article:section"]"#)
            .or_else(|| breadcrumb_category(&doc, &title))
            .or_else(|| (suffixes.len() >= 2).then(|| suffixes[0].clone())),
        title,
        sections,
        teasers: teasers(&doc),
    };
    Some(article)
}

/// The element holding the article text: a known content container, else the element whose
/// direct `<p>` children hold the most text, else `<body>`.
fn content_root(doc: &Html) -> Option<ElementRef<'_>> {
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
        if let Some(el) = doc.select(&selector(css)).find(|e| e.text().map(|t| t.trim().chars().count()).sum::<usize>() >= 40) {
            return Some(el);
        }
    }
    let p = selector("p");
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    for el in doc.select(&selector("body *")) {
        let score: usize = el.child_elements().filter(|c| p.matches(c)).map(|c| c.text().map(|t| t.chars().count()).sum::<usize>()).sum();
        if score > best.map_or(0, |(s, _)| s) {
            best = Some((score, el));
        }
    }
    best.map(|(_, el)| el).or_else(|| doc.select(&selector("body")).next())
}

/// Text around the title (the h1's parent) and of elements that look like a date/source line.
fn header_text(doc: &Html) -> String {
    let mut out = String::new();
    if let Some(parent) = doc.select(&selector("h1")).next().and_then(|h| h.parent()).and_then(ElementRef::wrap) {
        let t = text_of(&parent);
        if t.chars().count() < 400 {
            out.push_str(&t);
            out.push(' ');
        }
    }
    for el in doc.select(&selector("body *")) {
        if has_word(&el, INFO_WORDS) {
            let t = text_of(&el);
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
        .find_map(|css| meta_content(doc, css).and_then(|c| meta::find_date(&c)))
        .or_else(|| {
            doc.select(&selector("time")).find_map(|t| {
                t.value().attr("datetime").and_then(meta::find_date).or_else(|| meta::find_date(&text_of(&t)))
            })
        })
        .or_else(|| meta::find_date(header))
}

fn breadcrumb_category(doc: &Html, title: &str) -> Option<String> {
    let crumbs = doc.select(&selector("body *")).find(|e| has_word(e, &["breadcrumb", "crumb", "crumbs", "position", "location", "weizhi"]))?;
    crumbs
        .select(&selector("a"))
        .map(|a| text_of(&a))
        .filter(|t| !t.is_empty() && t != title && !matches!(t.as_str(), "首页" | "主页" | "网站首页"))
        .last()
}

/// Related-article lists anywhere on the page, as teasers (deduplicated by title).
fn teasers(doc: &Html) -> Vec<Teaser> {
    let mut containers: Vec<ElementRef<'_>> = Vec::new();
    for el in doc.select(&selector("body *")) {
        let marked = has_word(&el, RELATED_WORDS);
        let after_marker = el
            .prev_siblings()
            .find_map(ElementRef::wrap)
            .is_some_and(|prev| meta::is_teaser_marker(&text_of(&prev)) && !matches!(text_of(&prev).as_str(), "大家都在搜" | "热门搜索"));
        if (marked || (after_marker && matches!(el.value().name(), "ul" | "ol" | "div" | "dl")))
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
        let lis: Vec<_> = container.select(&li).collect();
        if lis.is_empty() { container.child_elements().collect() } else { lis }
    };
    let link = selector("a");
    let heading = selector("h2, h3, h4, h5, .title");
    let para = selector("p, .summary, .desc, .intro");
    items
        .into_iter()
        .filter_map(|item| {
            let a = item.select(&link).find(|a| text_of(a).chars().count() >= 4);
            let title = item.select(&heading).map(|h| text_of(&h)).find(|t| t.chars().count() >= 4).or_else(|| a.map(|a| text_of(&a)))?;
            let title = meta::clean_title(&title);
            if title.chars().count() < 4 || meta::is_teaser_marker(&title) {
                return None;
            }
            let summary = item.select(&para).map(|p| text_of(&p)).find(|p| p.chars().count() >= 10 && *p != title);
            Some(Teaser {
                date: meta::find_date(&text_of(&item)),
                url: a.and_then(|a| a.value().attr("href")).map(str::to_string),
                title,
                summary,
                category: None,
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

impl Walker<'_> {
    fn walk(&mut self, node: NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(t) => {
                if self.zone == Zone::Answer {
                    self.buf.push_str(t);
                }
            }
            Node::Element(e) => {
                let Some(el) = ElementRef::wrap(node) else { return };
                let name = e.name();
                if SKIP_TAGS.contains(&name) || has_word(&el, CHROME_WORDS) || has_word(&el, RELATED_WORDS) {
                    return;
                }
                if has_word(&el, INFO_WORDS) && {
                    let t = text_of(&el);
                    t.chars().count() < 120 && (meta::find_date(&t).is_some() || t.contains("来源"))
                } {
                    return; // the date / source line, read by `header_text`
                }
                if name == "br" {
                    self.flush();
                    return;
                }
                if !BLOCK_TAGS.contains(&name) {
                    for c in node.children() {
                        self.walk(c);
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
                    self.walk(c);
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
    let bold: String = el.select(&selector("strong, b")).map(|b| b.text().collect::<String>()).collect();
    meta::tidy(&bold).chars().filter(|c| !c.is_whitespace()).eq(text.chars().filter(|c| !c.is_whitespace()))
}
