//! The search page of `baoxian serve`: a GET form and the answers as HTML, readable on a phone,
//! working without JavaScript. Everything that comes from pages or from the query is escaped.

use baoxian::{Answer, Kind, SearchRequest, SearchResults};

/// The style sheet, served at [`STYLE_PATH`] (a Content-Security-Policy that allows no inline
/// style keeps it a file of its own).
pub(crate) const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0 auto;max-width:46rem;padding:1rem;font:16px/1.6 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d1d1f;background:#fff}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
h1 a{color:inherit;text-decoration:none}
form{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid #bbb;border-radius:6px}
input[name=q]{flex:1 1 16rem}
fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem;width:100%}
fieldset input{flex:1 1 8rem}
button{background:#0b57d0;color:#fff;border-color:#0b57d0;cursor:pointer}
.count,.note{color:#555;font-size:.9rem}
.error{color:#b3261e}
ol{list-style:none;padding:0}
li{margin:0 0 1.4rem}
li h2{font-size:1.05rem;margin:0}
li h2 a{color:#0b57d0}
.section{margin:.1rem 0;color:#333}
.meta{color:#287a3e;font-size:.85rem}
.snippet{margin:.25rem 0 0}
mark{background:#fde293;color:inherit;padding:0 .1em}
.similar,.teaser{color:#666;font-size:.85rem}
nav{display:flex;gap:1rem;margin:1rem 0}
"#;

pub(crate) const STYLE_PATH: &str = "/static/style.css";

/// Text as HTML text or attribute value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A value for a URL's query string.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// What the form was given, to fill it in again and to link the other pages.
#[derive(Default)]
pub(crate) struct Form {
    pub q: String,
    pub region: String,
    pub since: String,
    pub until: String,
    pub sort_by_date: bool,
    /// Answers per page, when not the default.
    pub limit: Option<String>,
}

impl Form {
    fn link(&self, offset: usize) -> String {
        let mut link = format!("/?q={}", encode(&self.q));
        for (name, value) in [("region", &self.region), ("since", &self.since), ("until", &self.until)] {
            if !value.is_empty() {
                link.push_str(&format!("&{name}={}", encode(value)));
            }
        }
        if self.sort_by_date {
            link.push_str("&sort=date");
        }
        if let Some(limit) = &self.limit {
            link.push_str(&format!("&limit={}", encode(limit)));
        }
        if offset > 0 {
            link.push_str(&format!("&offset={offset}"));
        }
        link
    }
}

/// The whole page: the form, then the answers, an error, or nothing (no query yet).
pub(crate) fn page(form: &Form, body: Body) -> String {
    let title =
        if form.q.is_empty() { "保险问答搜索".to_string() } else { format!("{} - 保险问答搜索", form.q) };
    let selected = |date: bool| if form.sort_by_date == date { " selected" } else { "" };
    let mut html = format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{STYLE_PATH}">
</head>
<body>
<h1><a href="/">保险问答搜索</a></h1>
<form method="get" action="/" role="search">
<input type="search" name="q" value="{q}" placeholder="输入问题或关键词，如：医保钱包 使用地" aria-label="搜索" autofocus>
<button type="submit">搜索</button>
<fieldset>
<input name="region" value="{region}" placeholder="地区，如：安徽、宿州" aria-label="地区">
<input type="date" name="since" value="{since}" aria-label="起始日期">
<input type="date" name="until" value="{until}" aria-label="截止日期">
<select name="sort" aria-label="排序"><option value="relevance"{by_score}>按相关度</option><option value="date"{by_date}>按日期</option></select>
</fieldset>
</form>
"#,
        title = escape(&title),
        q = escape(&form.q),
        region = escape(&form.region),
        since = escape(&form.since),
        until = escape(&form.until),
        by_score = selected(false),
        by_date = selected(true),
    );
    match body {
        Body::Empty => html.push_str(
            "<p class=\"note\">可以直接输入问题（医保断缴后再补缴多久能用），也可以输入关键词；\
             加引号搜索整句（\"异地就医备案\"），在词前加减号排除（-宿州）。</p>\n",
        ),
        Body::Error(message) => html.push_str(&format!("<p class=\"error\">{}</p>\n", escape(&message))),
        Body::Results(results, request) => answers(&mut html, form, &results, &request),
    }
    html.push_str("</body>\n</html>\n");
    html
}

pub(crate) enum Body {
    Empty,
    Error(String),
    Results(SearchResults, SearchRequest),
}

fn answers(html: &mut String, form: &Form, results: &SearchResults, request: &SearchRequest) {
    let shown = results.hits.len();
    let total = if results.total_exact { format!("{}", results.total) } else { format!("至少 {}", results.total) };
    if shown == 0 {
        html.push_str(&format!("<p class=\"count\" id=\"count\">没有找到答案（共 {total} 条）。</p>\n"));
    } else {
        html.push_str(&format!(
            "<p class=\"count\" id=\"count\">共 {total} 条答案，第 {}–{} 条</p>\n",
            request.offset + 1,
            request.offset + shown
        ));
    }
    for note in results.notes.iter().chain(&results.relaxed) {
        html.push_str(&format!("<p class=\"note\">{}</p>\n", escape(note)));
    }
    html.push_str("<ol id=\"answers\">\n");
    for hit in &results.hits {
        answer(html, hit);
    }
    html.push_str("</ol>\n<nav>");
    if request.offset > 0 {
        let back = request.offset.saturating_sub(request.limit);
        html.push_str(&format!("<a href=\"{}\" rel=\"prev\">上一页</a>", escape(&form.link(back))));
    }
    if request.offset + shown < results.total && shown == request.limit {
        html.push_str(&format!("<a href=\"{}\" rel=\"next\">下一页</a>", escape(&form.link(request.offset + shown))));
    }
    html.push_str("</nav>\n");
}

fn answer(html: &mut String, hit: &Answer) {
    let title = escape(&hit.title);
    let heading = match hit.url.as_deref().filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
        Some(url) => format!("<a href=\"{}\" rel=\"noopener noreferrer\">{title}</a>", escape(url)),
        None => title,
    };
    html.push_str(&format!("<li value=\"{}\">\n<h2>{heading}</h2>\n", hit.rank));
    if let Some(section) = &hit.section {
        html.push_str(&format!("<p class=\"section\">问：{}</p>\n", escape(section)));
    }
    let mut meta: Vec<String> = Vec::new();
    if let Some(date) = hit.date {
        meta.push(date.to_string());
    }
    if let Some(source) = &hit.source {
        meta.push(escape(source));
    }
    if let Some(place) = hit.region.last() {
        meta.push(escape(place.rsplit('/').next().unwrap_or(place)));
    }
    if hit.kind == Kind::Teaser {
        meta.push("<span class=\"teaser\">相关文章</span>".into());
    }
    if !meta.is_empty() {
        html.push_str(&format!("<p class=\"meta\">{}</p>\n", meta.join(" · ")));
    }
    html.push_str(&format!("<p class=\"snippet\">{}</p>\n", marked(&hit.snippet, &hit.highlights)));
    if hit.similar > 0 {
        html.push_str(&format!("<p class=\"similar\">另有 {} 篇相似文章已合并</p>\n", hit.similar));
    }
    html.push_str("</li>\n");
}

/// The snippet with its highlights (character ranges) in `<mark>`, escaped.
fn marked(snippet: &str, highlights: &[(usize, usize)]) -> String {
    let chars: Vec<char> = snippet.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in highlights {
        let (start, end) = (start.clamp(at, chars.len()), end.min(chars.len()));
        if start >= end {
            continue;
        }
        out.push_str(&escape(&chars[at..start].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[start..end].iter().collect::<String>()));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_pages_is_shown_never_run() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(
            marked("医保<b>钱包</b>", &[(0, 2), (5, 7)]),
            "<mark>医保</mark>&lt;b&gt;<mark>钱包</mark>&lt;/b&gt;"
        );
        // ranges out of order or past the end are clamped, never a panic
        assert_eq!(marked("医保", &[(1, 9), (0, 1)]), "医<mark>保</mark>");
    }
}
