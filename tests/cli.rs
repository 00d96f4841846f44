//! End-to-end behaviour of the `baoxian` binary: output, JSON shape, exit codes.

mod common;

use std::path::Path;
use std::process::Output;

use common::{baoxian, command, copy_corpus, text_page};
use serde_json::Value;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn first_search_builds_the_default_index_and_later_ones_reuse_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let first = baoxian(dir.path(), &["search", "医保钱包", "使用地"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stderr(&first).lines().count(), 1, "{}", stderr(&first));
    assert!(stderr(&first).contains("building index/ from corpus/"));
    assert!(stdout(&first).starts_with(" 1. 医保钱包如何更改使用地\n"), "{}", stdout(&first));
    assert!(dir.path().join("index/meta.json").is_file());

    let second = baoxian(dir.path(), &["search", "医保钱包", "使用地"]);
    assert!(second.status.success());
    assert_eq!(stderr(&second), "");
    assert_eq!(stdout(&second), stdout(&first));
}

#[test]
fn a_default_index_from_another_version_is_rebuilt_but_a_named_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    // an index with other fields, as another version of baoxian would leave (every version has
    // had `kind` and `file`; an index without them is another program's, never rebuilt)
    let mut schema = tantivy::schema::Schema::builder();
    schema.add_text_field("kind", tantivy::schema::STRING);
    schema.add_text_field("file", tantivy::schema::STRING);
    schema.add_text_field("text", tantivy::schema::TEXT);
    let schema = schema.build();
    for name in ["index", "other"] {
        std::fs::create_dir_all(dir.path().join(name)).unwrap();
        tantivy::Index::create_in_dir(dir.path().join(name), schema.clone()).unwrap();
    }
    let named = baoxian(dir.path(), &["search", "医保钱包", "--index", "other"]);
    assert_eq!(named.status.code(), Some(2), "{}", stderr(&named));
    assert!(stderr(&named).contains("rebuild it with `baoxian index --full"), "{}", stderr(&named));

    let default = baoxian(dir.path(), &["search", "医保钱包", "使用地"]);
    assert!(default.status.success(), "{}", stderr(&default));
    assert!(stderr(&default).contains("rebuilding it from corpus/"), "{}", stderr(&default));
    assert!(stdout(&default).starts_with(" 1. 医保钱包如何更改使用地\n"), "{}", stdout(&default));
    let again = baoxian(dir.path(), &["search", "医保钱包", "使用地"]);
    assert_eq!(stderr(&again), "");
    assert_eq!(stdout(&again), stdout(&default));
}

#[test]
fn piped_output_marks_highlights_with_brackets() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let o = baoxian(dir.path(), &["search", "海东", "网上缴费", "--limit", "1"]);
    let out = stdout(&o);
    assert!(out.contains("问: 青海海东2025医保缴费怎么网上缴费呢?"), "{out}");
    assert!(out.contains("2025-07-31 · 社保网 · 海东市 · corpus/手机上更改医保参保地的详细步骤来了.txt"), "{out}");
    assert!(out.contains("【网上缴费】"), "{out}");
    assert!(!out.contains('\x1b'));
    let coloured = baoxian(dir.path(), &["search", "海东", "网上缴费", "--color", "always"]);
    assert!(stdout(&coloured).contains("\x1b[1;31m网上缴费\x1b[0m"));
    let plain = baoxian(dir.path(), &["search", "海东", "网上缴费", "--color", "always", "--no-color"]);
    assert!(!stdout(&plain).contains('\x1b'));
}

#[test]
fn search_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let o = baoxian(dir.path(), &["search", "--json", "医保卡余额有上限吗", "--limit", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["query"], "医保卡余额有上限吗");
    assert!(v["total"].as_u64().unwrap() >= 1);
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    for (i, hit) in hits.iter().enumerate() {
        let keys: Vec<&str> = hit.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec![
            "rank",
            "score",
            "kind",
            "title",
            "section",
            "snippet",
            "highlights",
            "date",
            "source",
            "path",
            "url",
            "similar",
            "region",
        ];
        expected.sort();
        let mut keys = keys.clone();
        keys.sort();
        assert_eq!(keys, expected);
        assert_eq!(hit["rank"], i as u64 + 1);
        assert!(hit["score"].is_f64());
        assert!(matches!(hit["kind"].as_str(), Some("article" | "teaser")));
        assert!(hit["section"].is_null() || hit["section"].is_string());
        assert!(hit["date"].is_null() || hit["date"].as_str().unwrap().len() == 10);
        let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
        for h in hit["highlights"].as_array().unwrap() {
            let (s, e) = (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize);
            assert!(s < e && e <= snippet.len(), "highlight {s}..{e} outside a snippet of {} chars", snippet.len());
            let marked: String = snippet[s..e].iter().collect();
            // highlights mark query words (side-by-side words read as one highlight)
            assert!(marked.chars().count() >= 2, "highlighted {marked:?}");
            assert!(marked.chars().all(|c| "医保卡余额上限".contains(c)), "highlighted {marked:?}");
        }
    }
    assert_eq!(hits[0]["title"], "医保卡余额有上限吗");
    assert_eq!(hits[0]["kind"], "teaser");
    assert_eq!(hits[0]["date"], "2025-05-16");
}

#[test]
fn usage_errors_exit_2_with_a_helpful_message() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let none = baoxian(dir.path(), &["search"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("QUERY"));

    let empty = baoxian(dir.path(), &["search", "  ", "？"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("no searchable words"), "{}", stderr(&empty));
    assert!(!stderr(&empty).contains("panicked"));

    let missing = baoxian(dir.path(), &["search", "--index", "elsewhere", "医保"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no index at elsewhere"), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("baoxian index --index elsewhere"));

    let bad_flag = baoxian(dir.path(), &["search", "--limit", "many", "医保"]);
    assert_eq!(bad_flag.status.code(), Some(2));

    let no_root = baoxian(dir.path(), &["index", "no-such-folder"]);
    assert_eq!(no_root.status.code(), Some(2));
    assert!(stderr(&no_root).contains("no-such-folder"));
}

#[test]
fn index_reports_changes_and_exit_code_1_for_failed_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let crawl = d.join("crawl");
    std::fs::create_dir_all(&crawl).unwrap();
    let page = |t: &str, p: &str| text_page(t, "2025-07-01", &[p]);
    std::fs::write(crawl.join("a.txt"), page("生育津贴怎么领取", "生育津贴由用人单位代为申领。")).unwrap();
    std::fs::write(crawl.join("b.txt"), page("失业保险金怎么领", "失业保险金可以在网上申领。")).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["index", "crawl", "--index", "idx", "--json"];
        all.extend_from_slice(args);
        let o = baoxian(d, &all);
        (o.status.code(), json(&o))
    };

    let (code, v) = run(&[]);
    assert_eq!(code, Some(0));
    assert_eq!((v["added"].as_u64(), v["unchanged"].as_u64()), (Some(2), Some(0)));
    for key in ["added", "updated", "removed", "unchanged", "elapsed_ms"] {
        assert!(v[key].is_u64(), "{key} missing: {v}");
    }
    for key in ["added", "updated", "removed", "unchanged", "duplicates"] {
        assert!(v[key].is_u64(), "{key} is not a count: {v}");
    }
    for key in ["duplicate_files", "skipped", "failed"] {
        assert!(v[key].is_array(), "{key} missing: {v}");
    }

    let (_, v) = run(&[]);
    assert_eq!((v["added"].as_u64(), v["unchanged"].as_u64()), (Some(0), Some(2)));

    std::fs::write(crawl.join("a.txt"), page("生育津贴怎么领取", "生育津贴可以由本人在网上申领。")).unwrap();
    std::fs::remove_file(crawl.join("b.txt")).unwrap();
    std::fs::write(crawl.join("copy.txt"), page("生育津贴怎么领取", "生育津贴可以由本人在网上申领。")).unwrap();
    std::fs::write(crawl.join("broken.html"), "<html><body><div class=nav>首页</div></body></html>").unwrap();
    let (code, v) = run(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(v["updated"], 1);
    assert_eq!(v["removed"], 1);
    assert_eq!(v["added"], 0);
    assert_eq!(v["duplicates"], 1);
    assert!(v["duplicate_files"][0]["path"].as_str().unwrap().ends_with("copy.txt"));
    assert_eq!(v["failed"].as_array().unwrap().len(), 1);
    assert!(v["failed"][0]["path"].as_str().unwrap().ends_with("broken.html"));
    assert!(v["failed"][0]["reason"].is_string());

    let found = baoxian(d, &["search", "--index", "idx", "--json", "网上申领"]);
    let hits = json(&found);
    assert_eq!(hits["total"], 1, "{hits}");
    assert!(hits["hits"][0]["path"].as_str().unwrap().ends_with("a.txt"));
    let gone = json(&baoxian(d, &["search", "--index", "idx", "--json", "失业保险金"]));
    assert_eq!(gone["total"], 0);

    let human = baoxian(d, &["index", "crawl", "--index", "idx"]);
    let out = stdout(&human);
    assert!(out.contains("unchanged 1"), "{out}");
    assert!(out.contains("failed: crawl/broken.html: no article text found"), "{out}");
    assert!(out.contains("duplicate: crawl/copy.txt (same content as crawl/a.txt)"), "{out}");
}

#[test]
fn full_rebuild_keeps_only_the_given_paths() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (folder, title) in [("one", "生育津贴怎么领取"), ("two", "失业保险金怎么领")] {
        std::fs::create_dir_all(d.join(folder)).unwrap();
        std::fs::write(d.join(folder).join("p.txt"), text_page(title, "2025-07-01", &["正文内容在这里。"])).unwrap();
    }
    assert!(baoxian(d, &["index", "one", "two", "--index", "idx"]).status.success());
    let stats = json(&baoxian(d, &["stats", "--index", "idx", "--json"]));
    assert_eq!(stats["articles"], 2);
    assert!(baoxian(d, &["index", "--full", "one", "--index", "idx"]).status.success());
    let stats = json(&baoxian(d, &["stats", "--index", "idx", "--json"]));
    assert_eq!(stats["articles"], 1);
    for key in ["passages", "teasers", "files", "index_bytes", "earliest", "latest", "top_sources"] {
        assert!(!stats[key].is_null(), "{key} missing: {stats}");
    }
}

#[test]
fn index_dir_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let o = command(dir.path()).args(["index", "corpus"]).env("BAOXIAN_INDEX", "from-env").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("from-env/meta.json").is_file());
    assert!(!dir.path().join("index").exists());
}

#[test]
fn help_teaches_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let o = baoxian(dir.path(), &["--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for word in ["index", "search", "stats", "Exit codes"] {
        assert!(out.contains(word), "--help lacks {word}");
    }
    let search_help = stdout(&baoxian(dir.path(), &["search", "--help"]));
    assert!(search_help.contains("highlights"), "{search_help}");
}

#[test]
fn explain_says_what_each_score_is_made_of() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_corpus(&dir.path().join("corpus"));
    let o = baoxian(dir.path(), &["search", "--json", "--explain", "海东", "网上缴费", "--limit", "2"]);
    let v = json(&o);
    let hit = &v["hits"][0];
    let e = &hit["explain"];
    let parts = e["parts"].as_array().unwrap();
    let whys: Vec<&str> = parts.iter().map(|p| p["why"].as_str().unwrap()).collect();
    assert!(whys.contains(&"section:网上") && whys.contains(&"body:缴费"), "{whys:?}");
    let sum: f64 = parts.iter().map(|p| p["score"].as_f64().unwrap()).sum();
    assert!((sum - e["score"].as_f64().unwrap()).abs() < 0.05, "{sum} vs {e}");
    assert!((e["score"].as_f64().unwrap() - hit["score"].as_f64().unwrap()).abs() < 0.05);
    let human = stdout(&baoxian(dir.path(), &["search", "--explain", "海东", "网上缴费"]));
    assert!(human.contains("score ") && human.contains("section:网上"), "{human}");
    let plain = json(&baoxian(dir.path(), &["search", "--json", "海东", "网上缴费"]));
    assert!(plain["hits"][0].get("explain").is_none());
}

#[test]
fn a_pruned_count_says_at_least_and_exact_counts_them_all() {
    let dir = tempfile::tempdir().unwrap();
    common::generated_pages(&dir.path().join("c"), 600, 3);
    let built = baoxian(dir.path(), &["index", "--quiet", "--index", "i", "c"]);
    assert!(built.status.success(), "{}", stderr(&built));

    let fast = baoxian(dir.path(), &["search", "--index", "i", "--no-color", "医保"]);
    assert!(fast.status.success(), "{}", stderr(&fast));
    let last = stdout(&fast).lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("at least ") && last.contains("--exact"), "{last}");

    let exact = baoxian(dir.path(), &["search", "--index", "i", "--json", "--exact", "医保"]);
    let v = json(&exact);
    assert_eq!(v["total_exact"], true);
    let fast = json(&baoxian(dir.path(), &["search", "--index", "i", "--json", "医保"]));
    assert_eq!(fast["total_exact"], false);
    assert!(fast["total"].as_u64() <= v["total"].as_u64());
    assert_eq!(fast["hits"], v["hits"]);
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // `baoxian search … | head -1`: the reader goes before the answers are written
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    assert!(baoxian(dir.path(), &["index"]).status.success());
    for args in [&["search", "--limit", "50", "医保"][..], &["search", "--json", "医保"], &["stats"]] {
        let mut child = command(dir.path()).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}: {:?} {}", out.status, stderr(&out));
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
    }
}

/// The segments of the index in `dir`, by the names their files start with.
fn segment_names(dir: &Path) -> Vec<String> {
    let meta: Value = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).expect("meta.json")).expect("JSON");
    meta["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .map(|s| s["segment_id"].as_str().expect("id").replace('-', ""))
        .collect()
}

#[test]
fn indexing_stores_the_maxima_of_every_segment_and_a_failure_to_is_only_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let built = baoxian(dir.path(), &["index", "--quiet", "--index", "ix", "corpus"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let ix = dir.path().join("ix");
    let segments = segment_names(&ix);
    assert!(!segments.is_empty());
    for s in &segments {
        assert!(ix.join(format!("{s}.bxmax")).is_file(), "no stored maxima for segment {s}");
    }
    // something in the way of the files' upkeep (a folder where a leftover file would be
    // removed): the run still succeeds, says what went wrong, and searches still answer
    std::fs::create_dir(ix.join("stray.bxmax-partial")).unwrap();
    let again = baoxian(dir.path(), &["index", "--quiet", "--index", "ix", "corpus"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let warned = stderr(&again);
    assert!(
        warned.contains("baoxian: warning: the index is complete, but the highest scores of its common words"),
        "{warned}"
    );
    let found = baoxian(dir.path(), &["search", "--index", "ix", "医保钱包"]);
    assert!(found.status.success(), "{}", stderr(&found));
    assert!(stdout(&found).contains("医保钱包如何更改使用地"), "{}", stdout(&found));
}
