//! Batch re-indexing as a nightly job sees it, through the real binary: changes found by
//! content, renames, duplicates, dry runs, size limits, a run killed mid-way, two runs at once.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{baoxian, command, generated_pages, text_page};
use serde_json::Value;

/// `baoxian index --json ARGS…` with the index in `idx`: exit code and summary.
fn index(cwd: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["index", "--index", "idx", "--json"];
    all.extend_from_slice(args);
    let o = baoxian(cwd, &all);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    });
    (o.status.code(), v)
}

fn counts(v: &Value) -> [u64; 5] {
    ["added", "updated", "removed", "renamed", "unchanged"]
        .map(|k| v[k].as_u64().unwrap_or_else(|| panic!("{k} missing: {v}")))
}

/// The exact number of answers (`--exact`: a common word over thousands of pages would
/// otherwise be counted from the best passages only).
fn total(cwd: &Path, query: &str) -> u64 {
    let o = baoxian(cwd, &["search", "--index", "idx", "--json", "--exact", query]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<Value>(&o.stdout).unwrap()["total"].as_u64().unwrap()
}

fn page(title: &str, body: &str) -> String {
    text_page(title, "2025-07-01", &[body])
}

#[test]
fn moves_touches_duplicates_and_several_roots() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["crawl/a", "crawl/b", "other"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(d.join("crawl/a/x.txt"), page("生育津贴怎么领取", "生育津贴由用人单位代为申领。")).unwrap();
    std::fs::write(d.join("crawl/a/y.txt"), page("失业保险金怎么领", "失业保险金可以在网上申领。")).unwrap();
    std::fs::write(d.join("other/z.txt"), page("工伤认定去哪里申请", "工伤认定向人社部门申请。")).unwrap();
    let (code, v) = index(d, &["crawl", "other"]);
    assert_eq!(code, Some(0));
    assert_eq!(counts(&v), [3, 0, 0, 0, 0]);

    // a file moves to another folder: one copy, under its new name
    std::fs::rename(d.join("crawl/a/x.txt"), d.join("crawl/b/x-moved.txt")).unwrap();
    // a file is touched without changing its content
    std::fs::write(d.join("crawl/a/y.txt"), page("失业保险金怎么领", "失业保险金可以在网上申领。")).unwrap();
    let (_, v) = index(d, &["crawl", "other"]);
    assert_eq!(counts(&v), [0, 0, 0, 1, 2]);
    assert_eq!(total(d, "生育津贴"), 1);
    let o = baoxian(d, &["search", "--index", "idx", "--json", "生育津贴"]);
    let hit: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(hit["hits"][0]["path"].as_str().unwrap().ends_with("crawl/b/x-moved.txt"), "{hit}");

    // the same page saved twice under two names is indexed once
    std::fs::copy(d.join("crawl/a/y.txt"), d.join("crawl/b/y-again.txt")).unwrap();
    let (_, v) = index(d, &["crawl"]);
    assert_eq!(counts(&v), [0, 0, 0, 0, 2]);
    assert_eq!(v["duplicates"], 1);
    assert_eq!(v["duplicate_files"][0]["same_as"].as_str().map(|p| p.ends_with("crawl/a/y.txt")), Some(true), "{v}");
    assert_eq!(total(d, "失业保险金"), 1);

    // indexing one root leaves the files of another root alone
    assert_eq!(total(d, "工伤认定"), 1);
}

#[test]
fn new_files_are_told_apart_by_content_however_far_apart_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 300 new pages, parsed 256 at a time: the copy of the first page (named to come last) is
    // parsed long after the page it repeats
    generated_pages(&d.join("crawl/bulk"), 300, 5);
    std::fs::copy(d.join("crawl/bulk/page00000.txt"), d.join("crawl/zz-copy.txt")).unwrap();
    // two new copies read side by side: the first in path order is indexed
    let twin = page("鸭嘴兽补贴怎么领取", "鸭嘴兽补贴由动物园代为申领。");
    std::fs::write(d.join("crawl/a-twin.txt"), &twin).unwrap();
    std::fs::write(d.join("crawl/b-twin.txt"), &twin).unwrap();
    let (code, v) = index(d, &["crawl"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(counts(&v), [301, 0, 0, 0, 0]);
    assert_eq!(v["duplicates"], 2, "{v}");
    assert!(same_as_in(&v, "zz-copy.txt").ends_with("crawl/bulk/page00000.txt"), "{v}");
    assert!(same_as_in(&v, "b-twin.txt").ends_with("crawl/a-twin.txt"), "{v}");
    assert_eq!(total(d, "鸭嘴兽"), 1);
    assert_eq!(total(d, "\"第0号问答\""), 1);

    // one file moved, one deleted, one copy of an indexed page added, one page added: the
    // moved file keeps its answers, the deleted one's are gone
    std::fs::rename(d.join("crawl/bulk/page00001.txt"), d.join("crawl/moved.txt")).unwrap();
    std::fs::remove_file(d.join("crawl/bulk/page00002.txt")).unwrap();
    std::fs::copy(d.join("crawl/bulk/page00003.txt"), d.join("crawl/again.txt")).unwrap();
    std::fs::write(d.join("crawl/new.txt"), page("医保卡怎么激活", "到银行网点激活。")).unwrap();
    let (_, v) = index(d, &["crawl"]);
    assert_eq!(counts(&v), [1, 0, 1, 1, 299], "{v}");
    assert_eq!(v["duplicates"], 3, "{v}");
    assert_eq!(total(d, "\"第1号问答\""), 1);
    assert_eq!(total(d, "\"第2号问答\""), 0);
    assert_eq!(total(d, "\"第3号问答\""), 1);
    assert_eq!(total(d, "激活"), 1);
    let stats: Value = serde_json::from_slice(&baoxian(d, &["stats", "--index", "idx", "--json"]).stdout).unwrap();
    assert_eq!(stats["articles"], 301);
}

/// The file a reported duplicate repeats.
fn same_as_in(v: &Value, name: &str) -> String {
    let dups = v["duplicate_files"].as_array().unwrap();
    let dup = dups.iter().find(|x| x["path"].as_str().unwrap().ends_with(name)).unwrap_or_else(|| panic!("{v}"));
    dup["same_as"].as_str().unwrap().to_string()
}

#[test]
fn dry_run_reports_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("crawl")).unwrap();
    std::fs::write(d.join("crawl/x.txt"), page("生育津贴怎么领取", "生育津贴由用人单位代为申领。")).unwrap();
    let (code, v) = index(d, &["crawl", "--dry-run"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["dry_run"], true);
    assert_eq!(counts(&v), [1, 0, 0, 0, 0]);
    assert!(!d.join("idx").exists(), "a dry run created the index");

    index(d, &["crawl"]);
    std::fs::write(d.join("crawl/x.txt"), page("生育津贴怎么领取", "生育津贴可以本人申领。")).unwrap();
    std::fs::write(d.join("crawl/new.txt"), page("医保卡怎么激活", "到银行网点激活。")).unwrap();
    let (_, v) = index(d, &["crawl", "--dry-run"]);
    assert_eq!(counts(&v), [1, 1, 0, 0, 0]);
    assert_eq!(total(d, "激活"), 0, "a dry run wrote to the index");
    assert_eq!(total(d, "用人单位"), 1);
}

#[test]
fn size_limit_and_skipped_files_do_not_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("crawl")).unwrap();
    std::fs::write(d.join("crawl/ok.txt"), page("生育津贴怎么领取", "生育津贴由用人单位代为申领。")).unwrap();
    std::fs::write(d.join("crawl/huge.html"), format!("<html><body><p>{}</p></body></html>", "医保".repeat(2000)))
        .unwrap();
    std::fs::write(d.join("crawl/empty.txt"), "").unwrap();
    let (code, v) = index(d, &["crawl", "--max-file-size", "4K"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(counts(&v)[0], 1);
    let skipped = v["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{v}");
    let huge = skipped.iter().find(|s| s["path"].as_str().unwrap().ends_with("huge.html")).unwrap();
    assert!(huge["reason"].as_str().unwrap().contains("size limit"), "{huge}");
    let bad = baoxian(d, &["index", "crawl", "--index", "idx", "--max-file-size", "lots"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// Starts `baoxian index` on `corpus` into `idx` and waits until its work is well under way.
fn start_long_run(d: &Path) -> std::process::Child {
    let child = command(d)
        .args(["index", "corpus", "--index", "idx", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    child
}

#[cfg(unix)]
#[test]
fn a_run_killed_mid_way_leaves_the_last_commit_and_the_next_run_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("corpus")).unwrap();
    std::fs::write(d.join("corpus/first.txt"), page("生育津贴怎么领取", "生育津贴由用人单位代为申领。")).unwrap();
    assert_eq!(counts(&index(d, &["corpus"]).1), [1, 0, 0, 0, 0]);

    generated_pages(&d.join("corpus/bulk"), 8000, 7);
    let mut child = start_long_run(d);
    assert!(child.try_wait().unwrap().is_none(), "the run finished before it could be killed: make the corpus larger");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // the index opens and answers from its last commit
    assert_eq!(total(d, "生育津贴"), 1);
    assert_eq!(total(d, "问答"), 0);
    let stats: Value = serde_json::from_slice(&baoxian(d, &["stats", "--index", "idx", "--json"]).stdout).unwrap();
    assert_eq!(stats["articles"], 1);

    // the next run does the whole batch
    let (code, v) = index(d, &["corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(counts(&v), [8000, 0, 0, 0, 1]);
    assert_eq!(total(d, "问答"), 8000);
    let stats: Value = serde_json::from_slice(&baoxian(d, &["stats", "--index", "idx", "--json"]).stdout).unwrap();
    assert_eq!(stats["articles"], 8001);
}

#[test]
fn a_second_run_on_the_same_index_is_refused_at_once_while_searches_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("corpus")).unwrap();
    std::fs::write(d.join("corpus/first.txt"), page("生育津贴怎么领取", "生育津贴由用人单位代为申领。")).unwrap();
    index(d, &["corpus"]);
    generated_pages(&d.join("corpus/bulk"), 8000, 11);
    let mut first = start_long_run(d);
    assert!(first.try_wait().unwrap().is_none(), "the first run finished too soon: make the corpus larger");

    let started = Instant::now();
    let second = baoxian(d, &["index", "corpus", "--index", "idx"]);
    assert!(started.elapsed() < Duration::from_secs(5), "the second run waited instead of failing at once");
    assert_eq!(second.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&second.stderr);
    assert!(msg.contains("is being updated by another process (pid "), "{msg}");
    assert!(msg.contains(&first.id().to_string()), "{msg}");

    // searching works while the first run goes on
    assert_eq!(total(d, "生育津贴"), 1);

    let out = first.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&v), [8000, 0, 0, 0, 1]);
}
