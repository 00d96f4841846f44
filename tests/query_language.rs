//! The query language as documented in the README: each operator and filter changes the
//! answers as it says, and nothing a user types makes the command crash.

mod common;

use std::path::Path;

use baoxian::Sort;
use baoxian::{Date, Engine, IndexOptions, SearchRequest, SearchResults};

fn page(title: &str, date: &str, source: &str, body: &str) -> String {
    format!("{title}\n\n{date} 10:00:00{source}\n\n{body}\n")
}

/// Five small articles with different dates and sources.
fn engine(dir: &Path) -> Engine {
    let c = dir.join("c");
    std::fs::create_dir_all(&c).unwrap();
    let pages = [
        (
            "a.txt",
            "异地就医备案怎么办理",
            "2025-07-01",
            "社保网",
            "异地就医备案可以在国家医保服务平台办理，备案后直接结算。",
        ),
        ("b.txt", "宿州异地就医怎么报销", "2025-03-15", "社保网", "在宿州异地就医的费用，没有备案的需要回参保地报销。"),
        ("c.txt", "医保卡网上缴费流程", "2024-11-20", "医保百科", "城乡居民医保可以网上缴费，打开支付宝搜索医保缴费。"),
        ("d.txt", "医保卡线上缴费方法", "2025-01-05", "快问医保", "职工医保不需要个人线上缴费，由单位代缴。"),
        ("e.txt", "备案就医的注意事项", "2023-06-30", "医保百科", "就医前请确认定点医院，异地备案后再就医。"),
    ];
    for (name, t, d, s, b) in pages {
        std::fs::write(c.join(name), page(t, d, s, b)).unwrap();
    }
    let engine = Engine::create(dir.join("i")).unwrap();
    let r = engine.index_paths(&[&c], &IndexOptions::default()).unwrap();
    assert_eq!(r.added, 5);
    engine
}

fn titles(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.title.as_str()).collect()
}

fn run(engine: &Engine, q: &str) -> SearchResults {
    engine.search(&SearchRequest { limit: 20, ..SearchRequest::new(q) }).unwrap()
}

#[test]
fn exact_phrase_wants_the_characters_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // words: both pages with 异地 … 备案; phrase: only the one with 异地就医备案 written out
    assert!(run(&e, "异地 备案").total >= 2);
    let r = run(&e, "\"异地就医备案\"");
    assert_eq!(titles(&r), vec!["异地就医备案怎么办理"]);
    let marked = common::marked(&r.hits[0]);
    assert!(marked.iter().any(|m| m.contains("异地就医备案")), "the phrase is not highlighted whole: {marked:?}");
    // 备案就医 is on a page; 就医备案 as a phrase is not there
    assert_eq!(run(&e, "\"就医备案\" 注意事项").total, 0);
    // a phrase with a word found on three pages: only the page holding both answers
    assert_eq!(run(&e, "医保").total, 3);
    assert_eq!(titles(&run(&e, "\"异地就医备案\" 医保")), vec!["异地就医备案怎么办理"]);
    assert_eq!(run(&e, "\"异地就医备案\" 宿州").total, 0);
}

#[test]
fn exclusion_leaves_out_answers_holding_the_word() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let with = run(&e, "异地就医");
    assert!(titles(&with).contains(&"宿州异地就医怎么报销"));
    let without = run(&e, "异地就医 -宿州");
    assert!(!titles(&without).contains(&"宿州异地就医怎么报销"), "{:?}", titles(&without));
    assert!(titles(&without).contains(&"异地就医备案怎么办理"));
}

#[test]
fn or_takes_either_side() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // the one page holding both words first (pages holding one of them fill the rest)
    assert_eq!(titles(&run(&e, "网上缴费")).first(), Some(&"医保卡网上缴费流程"));
    let either = run(&e, "网上缴费 OR 线上缴费");
    let mut t: Vec<&str> = titles(&either).into_iter().take(2).collect();
    t.sort();
    assert_eq!(t, vec!["医保卡线上缴费方法", "医保卡网上缴费流程"]);
}

#[test]
fn field_filters_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // title: the word must be in the title, not just the body
    assert!(run(&e, "备案").total >= 3);
    let mut t = titles(&run(&e, "title:备案")).into_iter().map(str::to_string).collect::<Vec<_>>();
    t.sort();
    assert_eq!(t, vec!["备案就医的注意事项", "异地就医备案怎么办理"]);
    // source: exact source
    let r = run(&e, "医保 source:医保百科");
    assert!(r.hits.iter().all(|h| h.source.as_deref() == Some("医保百科")) && !r.hits.is_empty());
    // after:/before: inclusive, and the same through the request
    let r = run(&e, "医保 after:2025-01-05");
    assert!(r.hits.iter().all(|h| h.date >= Date::new(2025, 1, 5)) && !r.hits.is_empty(), "{:?}", titles(&r));
    let r = run(&e, "就医 before:2024-12-31");
    assert_eq!(titles(&r), vec!["备案就医的注意事项"]);
    let req = SearchRequest {
        since: Date::new(2025, 3, 1),
        until: Date::new(2025, 7, 1),
        limit: 20,
        ..SearchRequest::new("就医")
    };
    let mut t = titles(&e.search(&req).unwrap()).into_iter().map(str::to_string).collect::<Vec<_>>();
    t.sort();
    assert_eq!(t, vec!["宿州异地就医怎么报销", "异地就医备案怎么办理"]);
    // filters alone list what they match, newest first
    let r = run(&e, "source:社保网");
    assert_eq!(titles(&r), vec!["异地就医备案怎么办理", "宿州异地就医怎么报销"]);
}

#[test]
fn sort_by_date_puts_the_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let req = SearchRequest { sort: Sort::Date, limit: 20, ..SearchRequest::new("医保") };
    let r = e.search(&req).unwrap();
    let dates: Vec<_> = r.hits.iter().map(|h| h.date).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert!(r.hits.len() >= 3);
}

#[test]
fn odd_syntax_is_searched_as_words_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let r = run(&e, "\"网上缴费");
    assert_eq!(titles(&r).first(), Some(&"医保卡网上缴费流程"));
    assert_eq!(r.notes.len(), 1);
    let r = run(&e, "社保:缴费");
    assert!(!r.hits.is_empty());
    assert!(r.notes[0].contains("no field"));
    assert!(run(&e, "网上缴费").notes.is_empty());
}

const HOSTILE: &[&str] = &[
    "\"",
    "\"\"",
    "\"医保",
    "-",
    "--",
    "-\"",
    "- -",
    "OR",
    "OR OR OR",
    "医保 OR",
    "OR 医保",
    ":",
    "title:",
    ":医保",
    "foo:bar",
    "source:",
    "after:",
    "after:notadate 医保",
    "before:9999-99-99",
    "after:2025-13-01 医保",
    "title:\"医保\"",
    "-title:医保",
    "(医保 OR 社保) AND 报销",
    "医保 && 报销 || !缴费",
    "*",
    "医?保*",
    "\\",
    "\\\"医保\\\"",
    "🙂🙂🙂",
    "医保🙂报销",
    "\u{7}\u{1b}[31m医保\u{1b}[0m",
    "\u{200b}\u{feff}",
    "ＡＰＰ：医保",
    "“医保”",
    "医保\t报销\n缴费",
    "𠀀𠀁𠀂",
    "e\u{301}\u{301}\u{301}",
];

#[test]
fn hostile_queries_never_crash_the_command() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_corpus(&dir.path().join("corpus"));
    let build = common::command(dir.path()).args(["index", "--index", "idx", "corpus"]).output().unwrap();
    assert!(build.status.success());
    let long = "医保断缴后再补缴多久能用".repeat(170); // over 2,000 characters
    let mut queries: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    queries.push(long);
    for q in &queries {
        for extra in [&[][..], &["--json"][..]] {
            let mut args = vec!["search", "--index", "idx"];
            args.extend_from_slice(extra);
            args.push("--");
            args.push(q);
            let o = common::command(dir.path()).args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(matches!(o.status.code(), Some(0 | 2)), "{q:?} exited {:?}: {err}", o.status.code());
            assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{q:?} panicked: {err}");
            if o.status.code() == Some(2) {
                assert!(err.starts_with("baoxian: error: "), "{q:?}: unclear error {err}");
            } else if extra == ["--json"] {
                serde_json::from_slice::<serde_json::Value>(&o.stdout)
                    .unwrap_or_else(|e| panic!("{q:?}: not JSON ({e})"));
            }
        }
    }
}

#[test]
fn regions_filter_and_favour_answers_about_a_place() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // the page names 宿州 in its title: tagged 安徽省 and 安徽省/宿州市
    let r = run(&e, "异地就医 region:安徽");
    assert_eq!(titles(&r), vec!["宿州异地就医怎么报销"]);
    assert_eq!(r.hits[0].region, vec!["安徽省", "安徽省/宿州市"]);
    let req = SearchRequest { region: Some("宿州市".into()), limit: 20, ..SearchRequest::new("就医") };
    assert_eq!(titles(&e.search(&req).unwrap()), vec!["宿州异地就医怎么报销"]);
    assert!(run(&e, "就医 region:青海").hits.is_empty());
    // 安徽 is nowhere in the text, yet the page about a city of 安徽 answers first
    let r = run(&e, "安徽 异地就医");
    assert_eq!(r.hits[0].title, "宿州异地就医怎么报销");
    let r = run(&e, "就医 region:火星");
    assert!(r.notes.iter().any(|n| n.contains("火星")), "{:?}", r.notes);
}

/// Every prefecture-level city of an independent public list (china-division, in the shared
/// data folder) is recognised by its full name and tagged under its province.
#[test]
fn gazetteer_covers_an_independent_list_of_cities() {
    let base = baoxian::eval::data_dir().join("gazetteer/china-division-2.7.0");
    let (Ok(provinces), Ok(cities)) =
        (std::fs::read_to_string(base.join("provinces.csv")), std::fs::read_to_string(base.join("cities.csv")))
    else {
        eprintln!("SKIPPED gazetteer cross-check: {} not available", base.display());
        return;
    };
    let province_of: std::collections::HashMap<String, String> = provinces
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split(',').map(|x| x.trim_matches('"'));
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect();
    let mut checked = 0;
    let mut missing = Vec::new();
    for line in cities.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(|x| x.trim_matches('"')).collect();
        let [_, name, province_code] = f.as_slice() else { continue };
        if name.contains("辖") || name.contains("直") || *name == "县" {
            continue;
        }
        let Some(province) = province_of.get(*province_code) else { continue };
        checked += 1;
        let tags = baoxian::lab::region_tags(&format!("{name}医保怎么报销"), &[], "");
        if !tags.iter().any(|t| t.starts_with(province.as_str()) && t.ends_with(name)) {
            missing.push(format!("{province} {name}: {tags:?}"));
        }
    }
    assert!(checked > 300, "only {checked} cities read");
    assert!(missing.is_empty(), "{} of {checked} cities not tagged: {missing:?}", missing.len());
}

#[test]
fn a_phrase_copied_from_a_page_finds_it_punctuation_and_all() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // in the body (a full-width comma on the page, a half-width one in the query) and in a title
    for q in ["\"可以网上缴费,打开支付宝\"", "“城乡居民医保可以网上缴费，打开支付宝搜索”", "\"就医的注意事项\""]
    {
        let r = run(&e, q);
        assert_eq!(r.hits.len(), 1, "{q}: {:?}", titles(&r));
    }
    assert_eq!(titles(&run(&e, "\"可以网上缴费,打开支付宝\"")), vec!["医保卡网上缴费流程"]);
    // the punctuation stands where it stood: the same words run together are another text
    assert!(run(&e, "\"网上缴费打开支付宝\"").hits.is_empty());
    // spaces between Chinese words do not count
    assert_eq!(titles(&run(&e, "\"医保卡 网上 缴费\"")), vec!["医保卡网上缴费流程"]);
}
