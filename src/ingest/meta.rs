//! Page facts shared by the plain-text and HTML parsers: dates, titles, headings, and the
//! lines that are page chrome rather than article text.

use crate::article::Section;

/// Lines that are page chrome or disclaimers, never article text.
pub fn is_boilerplate(line: &str) -> bool {
    let t = line.trim();
    const STARTS: &[&str] = &[
        "提示:本内容不能代替面诊",
        "提示：本内容不能代替面诊",
        "温馨提示",
        "免责声明",
        "版权声明",
        "版权所有",
        "Copyright",
        "copyright",
        "©",
        "上一篇",
        "下一篇",
        "责任编辑",
        "分享到",
        "本文链接",
        "投诉",
        "举报",
        "返回顶部",
    ];
    if STARTS.iter().any(|s| t.starts_with(s)) {
        return true;
    }
    if t.contains("声明") && (t.contains("仅供参考") || t.contains("来源于网络") || t.contains("版权")) {
        return true;
    }
    matches!(t, "首页 顶部" | "首页" | "顶部" | "返回首页")
}

/// Headings that open a block of related-article teasers or a hot-search tag cloud.
pub fn is_teaser_marker(line: &str) -> bool {
    let t = line.trim().trim_end_matches([':', '：']);
    matches!(
        t,
        "大家都在搜"
            | "相关推荐"
            | "相关阅读"
            | "相关文章"
            | "相关问答"
            | "猜你喜欢"
            | "推荐阅读"
            | "热门推荐"
            | "热门文章"
            | "延伸阅读"
            | "最新文章"
            | "热门搜索"
    )
}

/// `title` without a trailing site name or channel (`…_医保知识_社保网`, `… - 快问医保`).
pub fn clean_title(title: &str) -> String {
    let mut t = title.trim();
    // Strip short trailing segments after a separator, one at a time.
    loop {
        let cut = ["_", " - ", " | ", "|", " — ", " – ", "——"]
            .iter()
            .filter_map(|sep| t.rfind(sep).map(|i| (i, sep.len())))
            .max_by_key(|&(i, _)| i);
        match cut {
            Some((i, len)) if i > 0 => {
                let tail = t[i + len..].trim();
                let head = t[..i].trim();
                if tail.chars().count() <= 12 && head.chars().count() >= 4 {
                    t = head;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    t.to_string()
}

/// The trailing segments [`clean_title`] removed, nearest first (channel, then site).
pub fn title_suffixes(title: &str) -> Vec<String> {
    let cleaned = clean_title(title);
    let rest = title.trim()[cleaned.len()..].trim();
    rest.split(['_', '|', '—', '–'])
        .flat_map(|s| s.split(" - "))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether a line reads like a question heading of a Q&A article (青海海东医保参保地怎么变更去哪里改,
/// 医保缴费怎么网上缴费呢?) rather than a sentence of the answer.
pub fn is_question_heading(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    if !(4..=50).contains(&n) {
        return false;
    }
    let last = t.chars().last().unwrap_or(' ');
    if matches!(last, '。' | '，' | ',' | '；' | ';' | '：' | ':' | '！' | '!' | '、' | '…') {
        return false;
    }
    if matches!(last, '?' | '？') {
        return true;
    }
    const ASKS: &[&str] =
        &["怎么", "如何", "哪些", "哪里", "哪个", "什么", "多久", "多少", "能否", "是否", "为什么", "怎样", "吗", "呢"];
    ASKS.iter().any(|w| t.contains(w))
}

/// A paragraph of a page with whether the page marks it as a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    pub heading: bool,
}

/// Groups paragraphs into sections: a heading opens a section, the paragraphs after it are its
/// answer. A heading with no paragraph after it stays in the text. Text before the first heading
/// is a section without a question.
pub fn sections_from_blocks(blocks: &[Block]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut question: Option<String> = None;
    let mut answer: Vec<&str> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let opens = b.heading && blocks.get(i + 1).is_some_and(|next| !next.heading);
        if opens {
            if question.is_some() || !answer.is_empty() {
                sections.push(Section { question: question.take(), answer: answer.join("\n") });
                answer.clear();
            }
            question = Some(b.text.clone());
        } else {
            answer.push(&b.text);
        }
    }
    if question.is_some() || !answer.is_empty() {
        sections.push(Section { question, answer: answer.join("\n") });
    }
    sections
}

/// Collapses runs of white space (including U+3000 and NBSP) into one space and trims; removes
/// zero-width characters.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        // most characters are Han or ASCII letters, neither space nor zero-width: no tables
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_ascii_graphic() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
            continue;
        }
        if matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}') {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffixes_come_off_titles() {
        assert_eq!(clean_title("医保钱包如何更改使用地_医保知识_社保网"), "医保钱包如何更改使用地");
        assert_eq!(clean_title("医保断缴后再补缴多久能用 - 快问医保"), "医保断缴后再补缴多久能用");
        assert_eq!(clean_title("A-B型医保"), "A-B型医保");
        assert_eq!(
            title_suffixes("医保钱包如何更改使用地_医保知识_社保网"),
            vec!["医保知识".to_string(), "社保网".to_string()]
        );
    }

    #[test]
    fn question_headings_are_told_from_answer_lines() {
        assert!(is_question_heading("青海海东医保参保地怎么变更去哪里改"));
        assert!(is_question_heading("青海海东2025医保缴费怎么网上缴费呢?"));
        assert!(is_question_heading("青海海东医疗保险报销范围包括哪些?"));
        assert!(!is_question_heading("医保网上缴费有多种方式:"));
        assert!(!is_question_heading("线上办理:"));
        assert!(!is_question_heading("部分地区支持线上直接变更，部分地区需结合线下流程。"));
        assert!(!is_question_heading(
            "离职后医疗保险断缴?新单位要求变更参保地?手把手教你通过医疗保险APP、微信/支付宝快速完成操作!"
        ));
    }

    #[test]
    fn chrome_lines_are_recognised() {
        assert!(is_boilerplate("提示:本内容不能代替面诊，如有不适请尽快就医。"));
        assert!(is_boilerplate("社保网声明:资讯来源于网络,属作者个人观点,仅供参考。投诉"));
        assert!(is_boilerplate("温馨提示:本数据源于网络,仅供参考!"));
        assert!(is_boilerplate("首页 顶部"));
        assert!(!is_boilerplate("特别提醒: 每年12月至次年1月为医保系统结算期"));
        assert!(is_teaser_marker("大家都在搜"));
        assert!(is_teaser_marker("相关推荐："));
    }

    #[test]
    fn headings_open_sections() {
        let b = |t: &str, h: bool| Block { text: t.into(), heading: h };
        let s =
            sections_from_blocks(&[b("intro", false), b("Q1?", true), b("a1", false), b("a2", false), b("Q2?", true)]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].question, None);
        assert_eq!(s[1].question.as_deref(), Some("Q1?"));
        assert_eq!(s[1].answer, "a1\na2\nQ2?");
    }
}
