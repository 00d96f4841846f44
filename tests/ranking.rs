//! Ranking as people ask, through the library API on a real index on disk: a long question
//! written with context and pleasantries finds the page about its matter, not the long page
//! that happens to hold most of its common words; question words count where a title asks them
//! and are never required; a page whose title the question says outranks one that merely holds
//! many of its words.

mod common;

use baoxian::{Engine, IndexOptions, SearchRequest};
use common::{copy_corpus, text_page};

/// The shipped corpus, 250 forum pages on other matters written with the
/// everyday words of a long question (so that those words are common, as they are), and a long
/// generic page of many replies full of everyday words.
fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    copy_corpus(&corpus);
    let chatter = "一周前自己去问了，今天才发现没有这方面的规定，具体怎么办也不太懂，想问问大家，谢谢。\
                   我自己以前也没有办过，去年的事情，以后再说吧，有没有了解的朋友，多谢！";
    let replies: Vec<String> = (0..12).map(|i| format!("第{i}楼：{chatter}车险理赔要先报案，再定损。")).collect();
    let replies: Vec<&str> = replies.iter().map(String::as_str).collect();
    std::fs::write(corpus.join("faq.txt"), text_page("车险理赔常见问题汇总", "2025-06-01", &replies)).unwrap();
    // the everyday words are everyday: forum pages on other matters hold them too
    for (i, matter) in
        ["养老保险转移", "失业金申领", "车险续保", "公积金提取", "生育津贴发放"].iter().cycle().take(250).enumerate()
    {
        let reply = format!("{chatter}{matter}可以在网上办理。");
        std::fs::write(
            corpus.join(format!("forum{i}.txt")),
            text_page(&format!("{matter}问题{i}"), "2025-06-01", &[&reply]),
        )
        .unwrap();
    }
    // two pages on one matter: one whose title asks how long
    let (how, how_long) = (
        "失业金领取流程：携带身份证到经办机构申请失业金，审核通过后失业金按月发放，一般当月到账。",
        "审核通过后按月发放，到账时间一般为次月。",
    );
    std::fs::write(corpus.join("a.txt"), text_page("失业金怎么领取", "2025-06-01", &[how])).unwrap();
    std::fs::write(corpus.join("b.txt"), text_page("失业金多久发放", "2025-06-01", &[how_long])).unwrap();
    let engine = Engine::create(dir.path().join("idx")).unwrap();
    let report = engine.index_paths(&[corpus], &IndexOptions::default()).unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    (dir, engine)
}

fn titles(engine: &Engine, q: &str) -> Vec<String> {
    engine.search(&SearchRequest::new(q)).unwrap().hits.into_iter().map(|h| h.title).collect()
}

#[test]
fn a_long_chatty_question_finds_the_page_about_its_matter() {
    let (_dir, engine) = engine();
    let q = "一周前去药店买药，今天才发现医保卡不见了，自己也没有办法，这方面不太懂，想问问具体怎么办，谢谢大家！";
    let top = titles(&engine, q);
    assert_eq!(top.first().map(String::as_str), Some("医保卡丢了怎么补办"), "{top:?}");
}

#[test]
fn question_words_count_in_titles_and_are_never_required() {
    let (_dir, engine) = engine();
    // no page holds 多久 with 医保卡 and 补办: the words that tell still find the page
    let top = titles(&engine, "医保卡补办多久能拿到");
    assert_eq!(top.first().map(String::as_str), Some("医保卡丢了怎么补办"), "{top:?}");
    // a title that asks what the query asks ranks above one that only shares the matter
    let top = titles(&engine, "失业金多久能到账");
    assert_eq!(top.first().map(String::as_str), Some("失业金多久发放"), "{top:?}");
}

#[test]
fn a_page_whose_title_the_question_says_outranks_one_that_merely_holds_its_words() {
    let (dir, engine) = engine();
    let corpus = dir.path().join("c");
    std::fs::write(
        corpus.join("said.txt"),
        text_page("强制险标志怎么看是哪家公司的", "2025-06-01", &["标志背面印有承保公司的名称和保单号。"]),
    )
    .unwrap();
    std::fs::write(
        corpus.join("holds.txt"),
        text_page(
            "新车强制险标志贴哪里",
            "2025-06-01",
            &[
                "新买的车上牌前先买强制险，前挡要贴检验标志和强制险标志。",
                "洗车时别把标志撕了，撕了一半的标志也要去补，交警查到会罚款。",
                "昨天我也问了，标志是保险公司给的，哪家公司承保就找哪家。",
            ],
        ),
    )
    .unwrap();
    engine.index_paths(&[corpus], &IndexOptions::default()).unwrap();
    let q = "昨天新买的车，今天洗车时发现前挡的强制险标志撕了一半，想问问这个标志怎么看是哪家公司的？谢谢";
    let top = titles(&engine, q);
    assert_eq!(top.first().map(String::as_str), Some("强制险标志怎么看是哪家公司的"), "{top:?}");
    // and --explain says so
    let r = engine.search(&SearchRequest { explain: true, ..SearchRequest::new(q) }).unwrap();
    let parts = r.hits.first().and_then(|h| h.explain.as_ref()).map(|e| e.parts.clone()).unwrap_or_default();
    let said = parts.iter().find(|p| p.why == "the query says its title and heading");
    assert!(said.is_some_and(|p| p.score > 0.0), "{parts:?}");
}
