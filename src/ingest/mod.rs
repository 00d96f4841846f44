//! Ingestion: discover files, decode their bytes, and parse them into [`Article`]s.
//!
//! Pages come in two kinds: plain-text dumps of article pages (see [`text`]) and HTML pages
//! (see [`html`]), in UTF-8 or GBK/GB18030. The kind is told by the file's content first
//! (a page that starts like HTML is HTML whatever its name), then by its extension.

pub mod decode;
pub mod html;
pub mod meta;
pub mod text;
pub mod walk;

use std::path::Path;

use crate::article::Article;

/// Why a file gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageProblem {
    /// Not an article at all (empty, binary): reported, but not an error.
    #[error("skipped: {0}")]
    Skipped(String),
    /// Looked like an article but could not be read: an error.
    #[error("failed: {0}")]
    Failed(String),
}

/// Parses one file's bytes into an article. `path` is used for the format and as the title of
/// last resort.
pub fn parse_file(path: &Path, bytes: &[u8]) -> Result<Article, PageProblem> {
    parse_file_noting(path, bytes).map(|(article, _)| article)
}

/// [`parse_file`], with what a user should know of a page that was read all the same (bytes
/// that were not valid text, replaced).
pub(crate) fn parse_file_noting(path: &Path, bytes: &[u8]) -> Result<(Article, Option<String>), PageProblem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(PageProblem::Skipped("empty file".into()));
    }
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm" | "shtml" | "xhtml"));
    let decoded = decode::decode(bytes, true).map_err(|p| match p {
        decode::DecodeProblem::Binary => PageProblem::Skipped("binary file, not text".into()),
        decode::DecodeProblem::Undecodable => {
            PageProblem::Failed("cannot decode the text (not UTF-8, GBK/GB18030 or another known encoding)".into())
        }
    })?;
    let is_html = by_name || looks_like_html(&decoded.text);
    // a page that trips a bug of the parsers fails alone: it never takes the batch down with it
    let page: &str = decoded.text.as_ref();
    let parsed =
        std::panic::catch_unwind(|| if is_html { html::parse(page) } else { text::parse(page) }).map_err(|_| {
            PageProblem::Failed("baoxian failed to read this page (a bug in baoxian: please report it)".into())
        })?;
    let mut article = parsed.ok_or_else(|| PageProblem::Failed("no article text found".into()))?;
    if article.sections.iter().all(|s| s.answer.trim().is_empty()) {
        return Err(PageProblem::Failed("no article text found (no paragraphs in the page's main content)".into()));
    }
    if article.title.is_empty() {
        article.title = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    }
    tag_regions(&mut article);
    let note = (decoded.replaced > 0).then(|| {
        format!(
            "{} byte(s) not valid {} replaced by U+FFFD; the rest of the page is indexed",
            decoded.replaced, decoded.encoding
        )
    });
    Ok((article, note))
}

/// Tags the article and its teasers with the regions they are about.
pub fn tag_regions(article: &mut Article) {
    let headings: Vec<&str> = article.sections.iter().filter_map(|s| s.question.as_deref()).collect();
    let body: String = article.sections.iter().map(|s| s.answer.as_str()).collect::<Vec<_>>().join("\n");
    article.regions = crate::analysis::region::tag(&article.title, &headings, &body);
    for t in &mut article.teasers {
        t.regions = crate::analysis::region::tag(&t.title, &[], t.summary.as_deref().unwrap_or(""));
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(200).collect::<String>().to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_binary_and_textless_files_are_told_apart() {
        let p = Path::new("x.html");
        assert_eq!(parse_file(p, b"").unwrap_err(), PageProblem::Skipped("empty file".into()));
        assert_eq!(parse_file(p, b" \n\t ").unwrap_err(), PageProblem::Skipped("empty file".into()));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
        assert_eq!(parse_file(p, png).unwrap_err(), PageProblem::Skipped("binary file, not text".into()));
        assert!(matches!(
            parse_file(p, b"<html><body><script>x()</script></body></html>"),
            Err(PageProblem::Failed(_))
        ));
    }

    #[test]
    fn html_is_recognised_by_content_whatever_the_name() {
        let page = "<!DOCTYPE html><html><head><title>医保卡怎么激活</title></head><body><article><p>携带身份证到银行网点激活医保卡，也可以在手机银行激活。</p></article></body></html>";
        let a = parse_file(Path::new("saved.txt"), page.as_bytes()).unwrap();
        assert_eq!(a.title, "医保卡怎么激活");
        assert!(!a.sections[0].answer.contains('<'));
    }

    #[test]
    fn a_page_without_title_is_named_after_its_file() {
        let a = parse_file(Path::new("dir/医保问答.txt"), "\n\n".as_bytes());
        assert!(a.is_err());
        let a = parse_file(Path::new("dir/医保问答.html"), "<p>只有正文的一段话，没有标题。</p>".as_bytes()).unwrap();
        assert_eq!(a.title, "医保问答");
    }
}
