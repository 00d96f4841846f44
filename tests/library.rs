//! End-to-end behaviour through the public library API, on real indexes on disk.

mod common;

use baoxian::{Engine, Error, IndexOptions, Kind, SearchRequest};
use common::{copy_corpus, shipped_corpus, text_page};

fn shipped_engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::create(dir.path().join("index")).unwrap();
    let report = engine.index_paths(&[shipped_corpus()], &IndexOptions::default()).unwrap();
    assert_eq!(report.added, 6, "{report:?}");
    assert!(report.failed.is_empty() && report.skipped.is_empty(), "{report:?}");
    (dir, engine)
}

fn search(engine: &Engine, q: &str) -> baoxian::SearchResults {
    engine.search(&SearchRequest::new(q)).unwrap()
}

#[test]
fn question_in_a_section_answers_with_that_section() {
    let (_dir, engine) = shipped_engine();
    let r = search(&engine, "海东 网上缴费");
    let top = &r.hits[0];
    assert_eq!(top.title, "手机上更改医保参保地的详细步骤来了!(2025/07/31)");
    assert_eq!(top.section.as_deref(), Some("青海海东2025医保缴费怎么网上缴费呢?"));
    assert_eq!(top.kind, Kind::Article);
    assert_eq!(top.source.as_deref(), Some("社保网"));
    assert_eq!(top.date.map(|d| d.to_string()).as_deref(), Some("2025-07-31"));
    assert!(top.path.ends_with("手机上更改医保参保地的详细步骤来了.txt"), "{}", top.path);
    assert!(top.snippet.contains("网上缴费"), "{}", top.snippet);
}

#[test]
fn teaser_answers_when_only_a_related_list_has_it() {
    let (_dir, engine) = shipped_engine();
    let r = search(&engine, "医保卡余额有上限吗");
    assert_eq!(r.hits[0].title, "医保卡余额有上限吗");
    assert_eq!(r.hits[0].kind, Kind::Teaser);
    assert!(r.hits[0].snippet.contains("上限"));
}

#[test]
fn related_list_does_not_make_its_page_an_answer() {
    let (_dir, engine) = shipped_engine();
    let r = search(&engine, "宿州 葡萄膜炎");
    assert!(!r.hits.is_empty());
    for hit in &r.hits {
        assert_eq!(hit.kind, Kind::Teaser, "{} answered as an article", hit.title);
        assert!(hit.title.contains("宿州"), "{}", hit.title);
    }
    assert!(r.hits[0].title.contains("葡萄膜炎") && r.hits[1].title.contains("葡萄膜炎"));
}

#[test]
fn one_answer_per_article_and_paging_is_consistent() {
    let (_dir, engine) = shipped_engine();
    let all = engine.search(&SearchRequest { limit: 100, ..SearchRequest::new("医保") }).unwrap();
    assert_eq!(all.total, all.hits.len());
    let mut seen = std::collections::HashSet::new();
    for hit in all.hits.iter().filter(|h| h.kind == Kind::Article) {
        assert!(seen.insert(hit.path.clone()), "two answers from {}", hit.path);
    }
    assert!(all.hits.windows(2).all(|w| w[0].score >= w[1].score));
    let page = engine.search(&SearchRequest { limit: 3, offset: 2, ..SearchRequest::new("医保") }).unwrap();
    assert_eq!(page.total, all.total);
    let titles: Vec<_> = page.hits.iter().map(|h| (&h.title, h.rank)).collect();
    let expected: Vec<_> = all.hits[2..5].iter().map(|h| (&h.title, h.rank)).collect();
    assert_eq!(titles, expected);
}

#[test]
fn near_duplicates_fold_the_same_whatever_page_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    common::generated_pages(&pages, 150, 5);
    // a repost of every third page: the same text and one more sentence (a near-duplicate,
    // not a copy)
    for i in (0..150).step_by(3) {
        let text = std::fs::read_to_string(pages.join(format!("page{i:05}.txt"))).unwrap();
        std::fs::write(pages.join(format!("repost{i:05}.txt")), format!("{text}\n转载请注明出处。\n")).unwrap();
    }
    let engine = Engine::create(dir.path().join("index")).unwrap();
    engine.index_paths(&[&pages], &IndexOptions::default()).unwrap();
    let ask = |limit, offset| {
        engine.search(&SearchRequest { limit, offset, exact: true, ..SearchRequest::new("医保 办理") }).unwrap()
    };
    let all = ask(1000, 0);
    assert!(all.total > 40, "{}", all.total);
    assert_eq!(all.total, all.hits.len(), "every answer counted is one that can be shown");
    assert!(all.hits.iter().any(|h| h.similar > 0), "the reposts fold");
    for hit in all.hits.iter().filter(|h| h.path.contains("repost")) {
        let original = hit.path.replace("repost", "page");
        assert!(all.hits.iter().all(|h| h.path != original), "{original} and its repost both shown");
    }
    for limit in [1, 7, 30] {
        assert_eq!(ask(limit, 0).total, all.total, "the total with --limit {limit}");
    }
    // page by page, the same list, to its last answer
    let mut paged = Vec::new();
    for offset in (0..all.total + 7).step_by(7) {
        let page = ask(7, offset);
        assert_eq!(page.total, all.total);
        paged.extend(page.hits.into_iter().map(|h| (h.path, h.similar)));
    }
    let whole: Vec<_> = all.hits.into_iter().map(|h| (h.path, h.similar)).collect();
    assert_eq!(paged, whole);
}

#[test]
fn words_apart_in_the_text_still_match() {
    // tantivy's QueryParser would turn 医保报销 into the exact phrase [医保, 报销]
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        text_page("门诊费用怎么处理", "2025-03-01", &["参加医保的人员在定点医院门诊看病，费用可以按比例报销。"]),
    )
    .unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    let r = search(&engine, "医保报销");
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].title, "门诊费用怎么处理");
}

#[test]
fn teaser_gives_way_to_its_full_article() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    let listing = "医保钱包能转给谁\n\n2025-07-01 10:00:00社保网\n\n职工医保个人账户可以通过医保钱包转给近亲属。\n\n相关推荐\n\n医保卡余额有上限吗\n\n医保卡余额有年度支付上限。\n\n健康新闻 2025-05-16\n";
    std::fs::write(corpus.join("listing.txt"), listing).unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!(search(&engine, "余额 上限").hits[0].kind, Kind::Teaser);

    std::fs::write(
        corpus.join("full.txt"),
        text_page("医保卡余额有上限吗", "2025-05-16", &["医保卡余额本身没有上限，但统筹基金有年度支付限额。"]),
    )
    .unwrap();
    let report = engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!((report.added, report.unchanged), (1, 1));
    let r = search(&engine, "余额 上限");
    assert_eq!(r.total, 1, "{:?}", r.hits.iter().map(|h| (&h.title, h.kind)).collect::<Vec<_>>());
    assert_eq!(r.hits[0].kind, Kind::Article);
    assert!(r.hits[0].path.ends_with("full.txt"));
}

#[test]
fn answers_meeting_more_words_rank_first_and_a_missing_word_never_empties_the_list() {
    let (_dir, engine) = shipped_engine();
    // 火星 is on no page: the answers meet three of the four words, the best one all three
    let r = search(&engine, "海东 网上缴费 火星");
    assert_eq!(r.hits[0].section.as_deref(), Some("青海海东2025医保缴费怎么网上缴费呢?"));
    // a long question whose every word no page holds still answers
    let long = search(&engine, "医保断缴了三个月以后再补缴多久才能报销");
    assert!(!long.hits.is_empty());
    assert!(long.hits[0].title.contains("断缴"), "{}", long.hits[0].title);
    // two words, one on no page: all were required first, then fewer, and the note says so
    let r = search(&engine, "海东 火星");
    assert!(r.relaxed.is_some());
    assert!(r.hits.iter().all(|h| h.title.contains("海东")
        || h.section.as_deref().unwrap_or("").contains("海东")
        || h.snippet.contains("海东")));
    // one answer holds two of the three words (海东 网上 缴费): a page of one is full, and no note
    // is needed; a page of ten goes on with answers holding fewer, below it
    let one = engine.search(&SearchRequest { limit: 1, ..SearchRequest::new("海东 网上缴费") }).unwrap();
    assert!(one.relaxed.is_none(), "{:?}", one.relaxed);
    let ten = search(&engine, "海东 网上缴费");
    assert!(ten.relaxed.is_some() && ten.hits.len() > 1, "{:?}", ten.relaxed);
    assert_eq!(ten.hits[0].title, one.hits[0].title);
}

#[test]
fn empty_and_punctuation_only_queries_are_errors() {
    let (_dir, engine) = shipped_engine();
    for q in ["", "   ", "？！。", "🙂"] {
        match engine.search(&SearchRequest::new(q)) {
            Err(Error::EmptyQuery { .. }) => {}
            other => panic!("{q:?} gave {other:?}"),
        }
    }
    // a query made only of question words still searches
    assert!(engine.search(&SearchRequest::new("怎么")).is_ok());
}

#[test]
fn the_request_filters_are_the_query_fields() {
    // --since / --until / --region narrow a search as after: / before: / region: do, with or
    // without words to look for
    let (_dir, engine) = shipped_engine();
    let paths = |r: baoxian::SearchResults| r.hits.into_iter().map(|h| (h.path, h.section)).collect::<Vec<_>>();
    let by_field = paths(search(&engine, "after:2025-07-01 before:2025-12-31 region:四川"));
    let since = baoxian::Date::new(2025, 7, 1);
    let until = baoxian::Date::new(2025, 12, 31);
    let by_request = paths(
        engine.search(&SearchRequest { since, until, region: Some("四川".into()), ..SearchRequest::new("") }).unwrap(),
    );
    assert!(!by_field.is_empty());
    assert_eq!(by_field, by_request);
    let with_words = |request: SearchRequest| paths(engine.search(&request).unwrap());
    assert_eq!(
        with_words(SearchRequest::new("医保 after:2025-07-01")),
        with_words(SearchRequest { since, ..SearchRequest::new("医保") })
    );
    assert_eq!(
        with_words(SearchRequest::new("after:2025-07-31")),
        with_words(SearchRequest { since: baoxian::Date::new(2025, 7, 31), ..SearchRequest::new("") })
    );
}

#[test]
fn full_width_query_finds_half_width_text() {
    let (_dir, engine) = shipped_engine();
    let r = search(&engine, "１２３３３");
    assert!(r.hits.iter().any(|h| h.snippet.contains("12333")), "{:?}", r.hits);
    let hit = r.hits.iter().find(|h| h.snippet.contains("12333")).unwrap();
    let chars: Vec<char> = hit.snippet.chars().collect();
    assert!(hit.highlights.iter().any(|&(s, e)| chars[s..e].iter().collect::<String>() == "12333"));
}

#[test]
fn open_reports_a_missing_index() {
    let dir = tempfile::tempdir().unwrap();
    match Engine::open(dir.path().join("nothing-here")) {
        Err(Error::IndexMissing { path }) => assert!(path.ends_with("nothing-here")),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("opened a missing index"),
    }
}

#[test]
fn refuses_to_write_an_index_into_a_folder_of_other_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    assert!(matches!(Engine::create(dir.path()), Err(Error::NotAnIndex { .. })));
    assert!(matches!(Engine::open_for_rebuild(dir.path()), Err(Error::NotAnIndex { .. })));
    assert!(dir.path().join("notes.txt").exists());
}

#[test]
fn bad_files_never_abort_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    copy_corpus(&corpus);
    std::fs::write(corpus.join("empty.txt"), "").unwrap();
    std::fs::write(corpus.join("image.html"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    std::fs::write(corpus.join("nothing.html"), "<html><body><script>track()</script></body></html>").unwrap();
    std::fs::write(corpus.join("notes.pdf"), "not an article type").unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    let report = engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!(report.added, 6);
    assert_eq!(report.ignored, 1);
    let mut skipped: Vec<_> =
        report.skipped.iter().map(|s| (s.path.rsplit('/').next().unwrap(), s.reason.as_str())).collect();
    skipped.sort();
    assert_eq!(skipped, vec![("empty.txt", "empty file"), ("image.html", "binary file, not text")]);
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].path.ends_with("nothing.html"));
    assert!(report.failed[0].reason.contains("no article text"));
    assert_eq!(engine.stats().unwrap().articles, 6);
}

#[test]
fn a_file_that_turns_bad_keeps_its_last_good_version() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    let page = corpus.join("a.html");
    std::fs::write(&page, "<html><head><title>生育津贴怎么领取</title></head><body><p>生育津贴由用人单位代为申领，按月发放。</p></body></html>").unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    std::fs::write(&page, "<html><body><script>broken()</script></body></html>").unwrap();
    let report = engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].reason.contains("kept"), "{}", report.failed[0].reason);
    assert_eq!(search(&engine, "生育津贴").total, 1);
}

#[test]
fn stats_describe_the_index() {
    let (_dir, engine) = shipped_engine();
    let s = engine.stats().unwrap();
    assert_eq!((s.articles, s.files), (6, 6));
    assert_eq!(s.passages, 1 + 4 + 4 + 4 + 4 + 3);
    assert_eq!(s.teasers, 20 + 23 + 3 + 2);
    assert_eq!(s.earliest.map(|d| d.to_string()).as_deref(), Some("2025-01-10"));
    assert_eq!(s.latest.map(|d| d.to_string()).as_deref(), Some("2025-07-31"));
    assert_eq!(s.top_sources[0], ("社保网".to_string(), 2));
    assert!(s.index_bytes > 0);
    assert_eq!(engine.articles().unwrap(), 6);
}

#[test]
fn the_article_count_follows_removals() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    copy_corpus(&corpus);
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!(engine.articles().unwrap(), 6);
    // a removed file's record is deleted, not yet merged away: it is not counted
    let gone = std::fs::read_dir(&corpus).unwrap().next().unwrap().unwrap().path();
    std::fs::remove_file(gone).unwrap();
    let options = IndexOptions { merge: false, ..IndexOptions::default() };
    assert_eq!(engine.index_paths(&[&corpus], &options).unwrap().removed, 1);
    engine.reload().unwrap();
    assert_eq!(engine.articles().unwrap(), 5);
    assert_eq!(engine.stats().unwrap().articles, 5);
}

#[test]
fn touched_files_keep_their_dates_and_sources_in_stats() {
    // a copy or a checkout gives every file a new time and the same content: the run reads
    // and hashes them, finds them unchanged and renews their records, which must still say
    // when and where each article was published
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    copy_corpus(&corpus);
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(&corpus).unwrap() {
        std::fs::File::options().write(true).open(entry.unwrap().path()).unwrap().set_modified(later).unwrap();
    }
    let report = engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!((report.unchanged, report.parsed_files), (6, 0), "{report:?}");
    let s = engine.stats().unwrap();
    assert_eq!(s.earliest.map(|d| d.to_string()).as_deref(), Some("2025-01-10"));
    assert_eq!(s.latest.map(|d| d.to_string()).as_deref(), Some("2025-07-31"));
    assert_eq!(s.top_sources[0], ("社保网".to_string(), 2));
    assert_eq!(s.top_sources.len(), 4, "{:?}", s.top_sources);
}

#[test]
fn traditional_and_simplified_find_each_other_and_highlights_keep_the_page_form() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("hk.txt"),
        text_page("醫保卡遺失怎麼辦", "2025-03-01", &["醫保卡遺失後請先掛失，再到服務網點補辦。"]),
    )
    .unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    let r = search(&engine, "医保卡遗失");
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].title, "醫保卡遺失怎麼辦");
    let marked = common::marked(&r.hits[0]);
    assert!(marked.iter().any(|m| m.contains("醫保卡")), "{marked:?}");

    let (_d2, shipped) = shipped_engine();
    let r = search(&shipped, "參保地 變更");
    assert!(
        r.hits.iter().take(3).any(|h| h.title.contains("参保地")),
        "{:?}",
        r.hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
}

#[test]
fn a_question_finds_the_answer_holding_half_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    let pages = [
        ("a.txt", "建筑公司退场，工伤保险可以退吗", "工伤保险不存在退保的问题，由用人单位缴纳。"),
        ("b.txt", "工程款结算需要哪些材料", "工程竣工后按合同结算工程款。"),
    ];
    for (file, title, body) in pages {
        std::fs::write(corpus.join(file), text_page(title, "2025-03-01", &[body])).unwrap();
    }
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    // four meaningful words (工伤保险 工程 结束 退); the answer holds two of them and ranks first;
    // the page holding only one of them (工程) follows, as too few answers hold two, and the
    // note says so
    let r = search(&engine, "工伤保险 工程结束 能退吗");
    assert_eq!(
        r.hits.iter().map(|h| h.title.as_str()).collect::<Vec<_>>(),
        ["建筑公司退场，工伤保险可以退吗", "工程款结算需要哪些材料"]
    );
    let note = r.relaxed.unwrap_or_default();
    assert!(note.starts_with("only 1 answer holds 2 of the 4 words"), "{note}");
    // sorted by date, the answers are those holding two words only
    let r = engine
        .search(&SearchRequest {
            sort: baoxian::Sort::Date, ..SearchRequest::new("工伤保险 工程结束 能退吗")
        });
    let r = r.unwrap();
    assert_eq!(r.hits.len(), 1, "{:?}", r.hits);
    assert!(r.relaxed.is_none(), "{:?}", r.relaxed);
}

#[test]
fn synonyms_widen_a_query() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        text_page("医疗保险怎么激活", "2025-03-01", &["携带身份证到银行网点激活医疗保险电子凭证。"]),
    )
    .unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    let r = search(&engine, "医保 激活");
    assert_eq!(r.total, 1);
    let marked = common::marked(&r.hits[0]);
    // side-by-side matches read as one highlight: 激活 + 医疗保险
    assert!(marked.iter().any(|m| m.contains("医疗保险")), "the synonym is not highlighted: {marked:?}");
    assert!(marked.iter().any(|m| m.contains("激活")), "{marked:?}");
}

#[test]
fn templated_copies_and_reposts_fold_into_one_answer() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    let body = "医保参保地的变更可通过线上或线下方式办理。线上办理：下载并登录医保服务平台APP，点击首页医疗保险电子凭证，进入详情页后选择参保地，切换至目标参保地。若原参保地未停保，需先通过APP或联系原参保地医疗保险部门办理停保手续。线下办理：携带身份证、户口簿或居住证原件及复印件，前往新参保地医保经办机构提交材料，工作人员审核后办理变更手续。办理时限：线上办理一般即时生效，线下办理15个工作日内完成转移接续。";
    for (file, city, date) in
        [("a.txt", "益阳", "2025-07-31"), ("b.txt", "长沙", "2025-07-30"), ("c.txt", "海东", "2025-07-29")]
    {
        let text = text_page(
            &format!("{city}医保参保地怎么变更"),
            date,
            &[&body.replace("医保服务平台", &format!("{city}医保服务平台"))],
        );
        std::fs::write(corpus.join(file), text).unwrap();
    }
    // a repost of a.txt under another date line: not byte-identical, so not a duplicate file
    let repost =
        text_page("益阳医保参保地怎么变更", "2025-08-02", &[&body.replace("医保服务平台", "益阳医保服务平台")]);
    std::fs::write(corpus.join("a-repost.txt"), repost).unwrap();
    std::fs::write(
        corpus.join("other.txt"),
        text_page(
            "医保参保地变更后个人账户怎么办",
            "2025-07-01",
            &["参保地变更后，职工医保个人账户余额随医疗保险关系转移，转入地医保部门同步接收，缴费年限累计计算。"],
        ),
    )
    .unwrap();
    let engine = Engine::create(dir.path().join("i")).unwrap();
    assert_eq!(engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap().added, 5);

    let folded = search(&engine, "参保地 变更");
    assert_eq!(folded.total, 2, "{:?}", folded.hits.iter().map(|h| (&h.title, h.similar)).collect::<Vec<_>>());
    let templated = folded.hits.iter().find(|h| h.title.ends_with("医保参保地怎么变更")).unwrap();
    assert_eq!(templated.similar, 3);
    let other = folded.hits.iter().find(|h| h.title.contains("个人账户")).unwrap();
    assert_eq!(other.similar, 0);

    let all = engine.search(&SearchRequest { collapse: false, ..SearchRequest::new("参保地 变更") }).unwrap();
    assert_eq!(all.total, 5);
    assert!(all.hits.iter().all(|h| h.similar == 0));
}

#[test]
fn a_common_word_on_a_large_index_ranks_as_exhaustive_search_and_counts_at_least() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    common::generated_pages(&corpus, 600, 3);
    let engine = Engine::create(dir.path().join("i")).unwrap();
    assert_eq!(engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap().added, 600);

    let fast = search(&engine, "医保");
    let exact = engine.search(&SearchRequest { exact: true, ..SearchRequest::new("医保") }).unwrap();
    // the two-pass search ran (it only does when the word is common enough) …
    assert!(!fast.total_exact, "the pruned search did not run: {} answers", fast.total);
    assert!(exact.total_exact);
    // … and showed the same answers in the same order, with a total that is a lower bound
    let shown = |r: &baoxian::SearchResults| -> Vec<(String, Option<String>, i64)> {
        r.hits.iter().map(|h| (h.path.clone(), h.section.clone(), (h.score * 1000.0).round() as i64)).collect()
    };
    assert_eq!(fast.hits.len(), 10);
    assert_eq!(shown(&fast), shown(&exact));
    assert!(fast.total >= 10 && fast.total <= exact.total, "{} vs {}", fast.total, exact.total);
    // a filter nothing meets: too few candidates, and exhaustive ranking says so exactly
    let filtered = search(&engine, "医保 source:nowhere");
    assert!(filtered.total_exact && filtered.hits.is_empty());
}

#[test]
fn region_title_and_date_filters_on_a_large_index_rank_as_exhaustive_search() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    // one page in twelve is about 益阳: the best passages of the whole index hold too few of
    // them for ten answers
    let places = [
        "益阳市",
        "宿州市",
        "西宁市",
        "合肥市",
        "南京市",
        "杭州市",
        "广州市",
        "成都市",
        "武汉市",
        "郑州市",
        "济南市",
        "福州市",
    ];
    common::generated_pages_in(&corpus, 1500, 5, &places);
    let engine = Engine::create(dir.path().join("i")).unwrap();
    assert_eq!(engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap().added, 1500);

    for q in ["region:湖南 医保", "医保 参保 title:益阳市"] {
        let fast = search(&engine, q);
        let exact = engine.search(&SearchRequest { exact: true, ..SearchRequest::new(q) }).unwrap();
        // the first pass applies the filter itself: ten answers from the pruned search, no
        // fallback to exhaustive ranking …
        assert!(!fast.total_exact, "{q}: the pruned search did not run: {} answers", fast.total);
        assert_eq!(fast.hits.len(), 10, "{q}");
        // … the same ones, in the same order, all from the place asked for
        let shown = |r: &baoxian::SearchResults| -> Vec<(String, Option<String>, i64)> {
            r.hits.iter().map(|h| (h.path.clone(), h.section.clone(), (h.score * 1000.0).round() as i64)).collect()
        };
        assert_eq!(shown(&fast), shown(&exact), "{q}");
        assert!(fast.hits.iter().all(|h| h.title.starts_with("益阳市")), "{q}");
    }
    // one page in twelve is from 2025: the same for a date filter
    let q = "after:2025-01-01 医保";
    let fast = search(&engine, q);
    let exact = engine.search(&SearchRequest { exact: true, ..SearchRequest::new(q) }).unwrap();
    assert!(!fast.total_exact, "{q}: the pruned search did not run: {} answers", fast.total);
    assert_eq!(fast.hits.len(), 10, "{q}");
    let shown = |r: &baoxian::SearchResults| -> Vec<(String, i64)> {
        r.hits.iter().map(|h| (h.path.clone(), (h.score * 1000.0).round() as i64)).collect()
    };
    assert_eq!(shown(&fast), shown(&exact), "{q}");
    assert!(fast.hits.iter().all(|h| h.date.is_some_and(|d| d.to_string().as_str() >= "2025-01-01")), "{q}");
}

#[test]
fn teasers_answer_title_filters_and_phrases_with_or_without_pruned_ranking() {
    // 150 pages: enough that a ten-answer search ranks in two passes (pruned)
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    for i in 0..150 {
        let page = format!(
            "第{i}号 医保卡余额怎么查询\n\n2025-07-01 10:00:00社保网\n\n医保卡余额可以在国家医保服务平台查询，个人账户余额本身没有上限。\n\n\
             相关推荐\n\n{i}号问答 医保卡余额有上限吗\n\n医保卡余额有年度支付上限，超出部分按政策执行。\n\n健康新闻 2025-05-16\n"
        );
        std::fs::write(corpus.join(format!("p{i}.txt")), page).unwrap();
    }
    let engine = Engine::create(dir.path().join("i")).unwrap();
    let report = engine.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!(report.added, 150, "{report:?}");
    let answers = |q: &str, exact: bool| {
        // the pages are templated copies of each other: keep them apart
        let r = engine.search(&SearchRequest { exact, collapse: false, ..SearchRequest::new(q) }).unwrap();
        let hits: Vec<(String, Kind)> = r.hits.iter().map(|h| (h.title.clone(), h.kind)).collect();
        (hits, r.total_exact)
    };
    let mut pruned_runs = 0;
    for q in ["title:上限 余额", "\"年度支付上限\"", "余额 上限", "医保卡余额有上限吗"] {
        let (exact, _) = answers(q, true);
        let (pruned, total_exact) = answers(q, false);
        assert!(!exact.is_empty(), "{q}: no answer");
        assert_eq!(pruned, exact, "{q}: ranked in two passes, the answers differ");
        // the bounds learned by the searches before do not change the answers
        assert_eq!(answers(q, false).0, pruned, "{q}: asked again, the answers differ");
        pruned_runs += usize::from(!total_exact);
    }
    assert!(pruned_runs > 0, "no query was ranked in two passes: the test no longer covers them");
    // a pruned search scores passages and teasers each with its own side's query: both kinds
    // answer pruned searches here, and each explanation adds up to the score shown
    let mut kinds_pruned = Vec::new();
    for q in ["title:上限 余额", "\"年度支付上限\"", "余额 上限", "医保卡余额有上限吗"] {
        let r = engine.search(&SearchRequest { collapse: false, explain: true, ..SearchRequest::new(q) }).unwrap();
        if !r.total_exact {
            kinds_pruned.extend(r.hits.iter().map(|h| h.kind));
        }
        for h in &r.hits {
            let e = h.explain.as_ref().unwrap();
            assert!(
                (e.score - h.score).abs() < 1e-3 * h.score,
                "{q}: {} explained {} vs {}",
                h.title,
                e.score,
                h.score
            );
        }
    }
    for kind in [Kind::Article, Kind::Teaser] {
        assert!(kinds_pruned.contains(&kind), "no {kind:?} answered a pruned search: {kinds_pruned:?}");
    }
    // only teasers hold the words of these two, in their title and in their summary
    for q in ["title:上限 余额", "\"年度支付上限\""] {
        let (hits, _) = answers(q, false);
        assert!(hits.iter().all(|(title, kind)| *kind == Kind::Teaser && title.contains("有上限吗")), "{q}: {hits:?}");
    }
}

/// A search shares the segments of the index out among rayon's threads (ranking, rescoring,
/// snippets): on one thread or on four, the same answers in the same order, with the same
/// snippets and counts, whether the search is pruned or exhaustive.
#[test]
fn one_thread_or_several_give_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    let engine = Engine::create(dir.path().join("i")).unwrap();
    // three runs, two segments each (one per indexing thread), not merged
    for seed in 11..14 {
        common::generated_pages(&corpus.join(format!("part{seed}")), 200, seed);
        engine.index_paths(&[&corpus], &IndexOptions { merge: false, ..IndexOptions::default() }).unwrap();
    }
    let index = tantivy::Index::open_in_dir(dir.path().join("i")).unwrap();
    let segments = index.searchable_segment_ids().unwrap().len();
    assert!(segments >= 3, "{segments} segments");
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
    let (one, four) = (pool(1), pool(4));
    let shown = |r: &baoxian::SearchResults| {
        let hits: Vec<_> = r
            .hits
            .iter()
            .map(|h| (h.rank, h.path.clone(), h.section.clone(), (h.score * 1000.0).round() as i64, h.snippet.clone()))
            .collect();
        // a pruned search counts the answers among its candidates only, and the first pass may
        // add a candidate's scores up in another order on several threads: templated pages tied
        // at the last candidate's score can swap, and the count with them
        (hits, r.total_exact.then_some(r.total), r.total_exact)
    };
    let mut pruned = 0;
    for q in ["医保", "医保 参保 缴费", "医保 报销 -住院", "\"医保\" 缴费 OR 报销"] {
        for exact in [false, true] {
            let request = SearchRequest { exact, ..SearchRequest::new(q) };
            let alone = one.install(|| engine.search(&request)).unwrap();
            let shared = four.install(|| engine.search(&request)).unwrap();
            assert!(!alone.hits.is_empty(), "{q}");
            assert_eq!(shown(&alone), shown(&shared), "{q}, exact: {exact}");
            pruned += usize::from(!alone.total_exact);
        }
    }
    assert!(pruned > 0, "no search ran pruned");
}

/// Once a batch is committed its small segments are merged (searches open every segment): the
/// answers are those of the same pages left in several segments, and no file of a segment
/// merged away stays on disk.
#[test]
fn a_batch_merges_its_segments_with_the_same_answers_and_no_file_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    let merged = Engine::create(dir.path().join("merged")).unwrap();
    let apart = Engine::create(dir.path().join("apart")).unwrap();
    for seed in 21..24 {
        common::generated_pages(&corpus.join(format!("part{seed}")), 150, seed);
        let report = merged.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
        let m = report.merged.expect("nothing merged");
        assert!(m.segments >= 2 && m.into == 1, "{m:?}");
        let report = apart.index_paths(&[&corpus], &IndexOptions { merge: false, ..IndexOptions::default() }).unwrap();
        assert_eq!(report.merged, None);
    }
    let segments = |name: &str| {
        let index = tantivy::Index::open_in_dir(dir.path().join(name)).unwrap();
        index.searchable_segment_ids().unwrap().iter().map(|id| id.uuid_string()).collect::<Vec<_>>()
    };
    let kept = segments("merged");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(segments("apart").len() >= 3);
    for entry in std::fs::read_dir(dir.path().join("merged")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or_default();
        assert!(
            name.starts_with('.') || name == "meta.json" || kept.iter().any(|id| id == stem),
            "{name} left behind by a merged-away segment"
        );
    }
    let all = |engine: &Engine, q: &str| {
        // every answer, a page of the most a search returns at a time
        let mut hits = Vec::new();
        let total = loop {
            let limit = SearchRequest::MAX_LIMIT;
            let request =
                SearchRequest { exact: true, collapse: false, limit, offset: hits.len(), ..SearchRequest::new(q) };
            let r = engine.search(&request).unwrap();
            let n = r.hits.len();
            hits.extend(r.hits.iter().map(|h| (h.path.clone(), h.section.clone(), (h.score * 1000.0).round() as i64)));
            if n < limit {
                break r.total;
            }
        };
        hits.sort();
        (total, hits)
    };
    for q in ["医保", "医保 参保 缴费", "异地就医 -备案", "\"医保\" 报销"] {
        let (total, hits) = all(&merged, q);
        assert!(total > 0, "{q}");
        assert_eq!((total, hits), all(&apart, q), "{q}");
    }
    // a merge that cannot be done (another writer holds the index) is a warning of a run whose
    // index is complete, not an error
    {
        let index = tantivy::Index::open_in_dir(dir.path().join("apart")).unwrap();
        let _other: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let report = apart.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
        assert_eq!(report.merged, None);
        assert!(report.warnings.iter().any(|w| w.contains("merging its small segments failed")), "{report:?}");
        assert!(all(&apart, "医保").0 > 0);
    }
    // a dry run writes nothing, not even the merge that is waiting
    let left = segments("apart");
    let report = apart.index_paths(&[&corpus], &IndexOptions { dry_run: true, ..IndexOptions::default() }).unwrap();
    assert_eq!(report.merged, None);
    assert_eq!(segments("apart"), left);
    // segments left apart (by --no-merge, or by a version that did not merge) are merged by the
    // next run, even one with nothing to index; after that there is nothing left to merge
    let report = apart.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    assert_eq!((report.added, report.updated, report.removed), (0, 0, 0));
    assert!(report.merged.is_some());
    assert_eq!(segments("apart").len(), 1);
    assert_eq!(apart.index_paths(&[&corpus], &IndexOptions::default()).unwrap().merged, None);
}

#[test]
fn an_engine_sees_the_commits_of_another_writer_within_seconds() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    copy_corpus(&corpus);
    let writer = Engine::create(dir.path().join("index")).unwrap();
    writer.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    let reader = Engine::open(dir.path().join("index")).unwrap();
    assert_eq!(search(&reader, "生育津贴").total, 0);
    std::fs::write(
        corpus.join("new.txt"),
        text_page("生育津贴怎么领取", "2025-07-01", &["生育津贴由用人单位代为申领。"]),
    )
    .unwrap();
    writer.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    let started = std::time::Instant::now();
    while search(&reader, "生育津贴").total == 0 {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the new commit was not seen in 10 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // and at once on asking
    std::fs::remove_file(corpus.join("new.txt")).unwrap();
    writer.index_paths(&[&corpus], &IndexOptions::default()).unwrap();
    reader.reload().unwrap();
    assert_eq!(search(&reader, "生育津贴").total, 0);
}
