//! What an unlucky operator and a hostile crawl do to `baoxian index`, through the real binary:
//! nothing of the user's is deleted, no article is lost to an odd name or an unreadable folder,
//! and an index left unfinished is rebuilt instead of refused.

mod common;

use std::path::Path;

use common::{baoxian, baoxian_json, copy_corpus, generated_pages, text_page};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exact number of answers to `query` in the index `idx` under `cwd`.
fn total(cwd: &Path, query: &str) -> u64 {
    let (code, v) = baoxian_json(cwd, &["search", "--index", "idx", "--exact", "--no-collapse", query]);
    assert_eq!(code, Some(0), "{v}");
    v["total"].as_u64().unwrap()
}

#[test]
fn a_folder_that_is_not_an_index_is_never_written_into_or_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    std::fs::create_dir(d.join("p")).unwrap();
    std::fs::write(d.join("p/meta.json"), r#"{"name":"app"}"#).unwrap();
    std::fs::write(d.join("p/NOTES.txt"), "x").unwrap();
    for args in [&["index", "--full", "--index", "p", "corpus"][..], &["index", "--index", "p", "corpus"]] {
        let o = baoxian(d, args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("is not a baoxian index"), "{}", stderr(&o));
        assert!(!stderr(&o).contains("--full"), "the message must not advise a rebuild: {}", stderr(&o));
    }
    let o = baoxian(d, &["search", "--index", "p", "医保"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("--full"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(d.join("p/NOTES.txt")).unwrap(), "x");
    assert_eq!(std::fs::read_to_string(d.join("p/meta.json")).unwrap(), r#"{"name":"app"}"#);

    // files of the user's in a folder without meta.json: refused too
    std::fs::remove_file(d.join("p/meta.json")).unwrap();
    let o = baoxian(d, &["index", "--full", "--index", "p", "corpus"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("NOTES.txt"), "the message names what is in the way: {}", stderr(&o));
}

#[test]
fn a_rebuild_removes_only_the_files_of_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    assert_eq!(baoxian(d, &["index", "--index", "idx", "corpus"]).status.code(), Some(0));
    std::fs::write(d.join("idx/NOTES.txt"), "mine").unwrap();
    // an index another version of baoxian wrote (its analyzer differs)
    let meta = std::fs::read_to_string(d.join("idx/meta.json")).unwrap();
    let old = meta.replacen(r#"analyzer\":\""#, r#"analyzer\":\"old-"#, 1);
    assert_ne!(meta, old, "meta.json holds the analyzer: {meta}");
    std::fs::write(d.join("idx/meta.json"), old).unwrap();
    let o = baoxian(d, &["search", "--index", "idx", "医保"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--full"), "{}", stderr(&o));

    let o = baoxian(d, &["index", "--full", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(d.join("idx/NOTES.txt")).unwrap(), "mine");
    assert!(total(d, "医保") > 0);
    // and the user's file beside a working index does not stop it from being used
    assert_eq!(baoxian(d, &["index", "--index", "idx", "corpus"]).status.code(), Some(0));
}

#[test]
fn an_index_left_unfinished_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    // what a run killed before its first commit leaves: the lock, tantivy's list of files, an
    // atomic write in progress
    std::fs::create_dir(d.join("idx")).unwrap();
    for name in [".baoxian-update.lock", ".managed.json", ".tmpAbC123", ".tantivy-meta.lock"] {
        std::fs::write(d.join("idx").join(name), "").unwrap();
    }
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["added"], 6, "{v}");
    assert!(!d.join("idx/.tmpAbC123").exists());

    // a meta.json lost: `index --full` (and `index`) start again from the pages
    std::fs::remove_file(d.join("idx/meta.json")).unwrap();
    let o = baoxian(d, &["search", "--index", "idx", "医保"]);
    assert_eq!(o.status.code(), Some(2));
    let (code, v) = baoxian_json(d, &["index", "--full", "--index", "idx", "corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert!(total(d, "医保") > 0);

    // a segment file lost: the search says the index is damaged, `--full` rebuilds it
    let segment = std::fs::read_dir(d.join("idx"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    std::fs::remove_file(&segment).unwrap();
    let o = baoxian(d, &["search", "--index", "idx", "医保"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--full"), "{}", stderr(&o));
    let (code, v) = baoxian_json(d, &["index", "--full", "--index", "idx", "corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert!(total(d, "医保") > 0);
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_files_of_their_own() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pages = d.join("pages");
    std::fs::create_dir(&pages).unwrap();
    let name = |b: &[u8]| pages.join(std::ffi::OsStr::from_bytes(b));
    std::fs::write(name(b"\xff.txt"), text_page("生育津贴怎么领取", "2025-07-01", &["生育津贴由用人单位代为申领。"]))
        .unwrap();
    std::fs::write(name(b"\xfe.txt"), text_page("失业保险金怎么领", "2025-07-01", &["失业保险金可以在网上申领。"]))
        .unwrap();
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "pages"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["added"], 2, "{v}");
    assert_eq!(total(d, "生育津贴"), 1);
    assert_eq!(total(d, "失业保险金"), 1);
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "pages"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!((v["unchanged"].as_u64(), v["renamed"].as_u64(), v["removed"].as_u64()), (Some(2), Some(0), Some(0)));
    // shown with the byte escaped
    let (_, v) = baoxian_json(d, &["search", "--index", "idx", "生育津贴"]);
    assert!(v["hits"][0]["path"].as_str().unwrap().ends_with("\\xff.txt"), "{v}");
}

/// Runs `baoxian` as a user that permissions apply to (root reads every folder): as root, as
/// `nobody` through `setpriv`.
#[cfg(unix)]
fn baoxian_unprivileged(cwd: &Path, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::MetadataExt;
    // a file this process makes is owned by its effective user
    let root = std::fs::metadata(tempfile::NamedTempFile::new().unwrap().path()).unwrap().uid() == 0;
    let mut command = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_baoxian")]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_baoxian"))
    };
    command.args(args).current_dir(cwd).env_remove("BAOXIAN_INDEX").output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_listed_keeps_its_articles() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    for sub in ["pages/open", "pages/shut"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(d.join("pages/open/a.txt"), text_page("生育津贴怎么领取", "2025-07-01", &["由用人单位代为申领。"]))
        .unwrap();
    std::fs::write(d.join("pages/shut/b.txt"), text_page("失业保险金怎么领", "2025-07-01", &["可以在网上申领。"]))
        .unwrap();
    let chmod_all = |mode| {
        for p in ["pages", "pages/open", "pages/shut", "pages/open/a.txt", "pages/shut/b.txt"] {
            std::fs::set_permissions(d.join(p), std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    chmod_all(0o777);
    let o = baoxian_unprivileged(d, &["index", "--index", "idx", "pages"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    std::fs::set_permissions(d.join("pages/shut"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = baoxian_unprivileged(d, &["index", "--index", "idx", "--json", "pages"]);
    std::fs::set_permissions(d.join("pages/shut"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "the folder is reported as failed: {v}");
    assert_eq!(v["removed"], 0, "{v}");
    assert!(v["failed"].as_array().unwrap().iter().any(|f| f["path"].as_str().unwrap().ends_with("shut")), "{v}");
    let o = baoxian_unprivileged(d, &["search", "--index", "idx", "--json", "失业保险金"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 1, "the article under the folder is still found: {v}");
}

#[cfg(unix)]
#[test]
fn an_index_without_write_access_is_searched_and_refuses_updates_clearly() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy_corpus(&d.join("corpus"));
    let o = baoxian(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // read-only for everyone, as on a read-only mount or for a user who does not own it
    let chmod_index = |file, folder| {
        for entry in std::fs::read_dir(d.join("idx")).unwrap() {
            std::fs::set_permissions(entry.unwrap().path(), std::fs::Permissions::from_mode(file)).unwrap();
        }
        std::fs::set_permissions(d.join("idx"), std::fs::Permissions::from_mode(folder)).unwrap();
    };
    chmod_index(0o444, 0o555);
    let search = baoxian_unprivileged(d, &["search", "--index", "idx", "--json", "医保钱包"]);
    let stats = baoxian_unprivileged(d, &["stats", "--index", "idx"]);
    let dry = baoxian_unprivileged(d, &["index", "--dry-run", "--index", "idx", "--json", "corpus"]);
    let update = baoxian_unprivileged(d, &["index", "--index", "idx", "corpus"]);
    let full = baoxian_unprivileged(d, &["index", "--full", "--index", "idx", "corpus"]);
    chmod_index(0o644, 0o755);

    assert_eq!(search.status.code(), Some(0), "{}", stderr(&search));
    let v: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
    assert!(String::from_utf8_lossy(&stats.stdout).contains("articles"));
    // a dry run compares with the index as it is: nothing to add
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    let v: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!((v["added"].as_u64(), v["unchanged"].as_u64()), (Some(0), Some(6)), "{v}");
    for o in [&update, &full] {
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(o).contains("cannot be updated by this user"), "{}", stderr(o));
    }
    // nothing was changed: the owner updates as before
    let o = baoxian(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The bytes of every file in `dir`.
fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
}

fn index_bytes(d: &Path) -> u64 {
    let (code, v) = baoxian_json(d, &["stats", "--index", "idx"]);
    assert_eq!(code, Some(0), "{v}");
    v["index_bytes"].as_u64().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn what_a_batch_cut_short_wrote_is_removed_by_the_next_run_and_not_counted_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    generated_pages(&d.join("bulk"), 1500, 11);
    let o = baoxian(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = index_bytes(d);
    let answers = total(d, "医保");

    // a file size limit stops the batch in the middle of writing its segments (SIGXFSZ), as a
    // kill or a failing disk would
    let o = std::process::Command::new("prlimit")
        .args(["--fsize=150000", env!("CARGO_BIN_EXE_baoxian"), "index", "--index", "idx", "corpus", "bulk"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(folder_bytes(&d.join("idx")) > before + 100_000, "the batch wrote files before it stopped");
    // (tantivy's list of its files, `.managed.json`, names the new ones: a few hundred bytes)
    assert!(index_bytes(d) < before + 4096, "stats counts the committed index only");
    assert_eq!(total(d, "医保"), answers);

    let o = baoxian(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("did not finish"), "the clean-up is reported: {}", stderr(&o));
    assert_eq!(folder_bytes(&d.join("idx")), index_bytes(d), "nothing is left beside the committed index");
    assert_eq!(total(d, "医保"), answers);
}

/// A small file system of its own (tmpfs), where this process may mount one; unmounted on drop.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let o = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .ok()?;
        o.status.success().then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_said_plainly_and_the_next_run_frees_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    generated_pages(&d.join("bulk"), 3000, 12);
    let Some(_disk) = SmallDisk::mount(&d.join("disk"), "2M") else {
        eprintln!("SKIPPED a_full_disk_is_said_plainly_and_the_next_run_frees_it: this user cannot mount a tmpfs");
        return;
    };
    let o = baoxian(d, &["index", "--index", "disk/idx", "corpus", "bulk"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no space left"), "{}", stderr(&o));
    // the small batch fits once the failed one's files are gone
    let o = baoxian(d, &["index", "--full", "--index", "disk/idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (code, v) = baoxian_json(d, &["search", "--index", "disk/idx", "医保钱包"]);
    assert_eq!(code, Some(0), "{v}");
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
}

#[test]
fn pages_nested_thousands_deep_neither_abort_nor_stall_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    let lists = format!(
        "<html><head><title>深层列表</title></head><body><p>{}列表深处的医保文字{}</p></body></html>",
        "<ul><li>".repeat(5000),
        "</li></ul>".repeat(5000)
    );
    std::fs::write(d.join("corpus/lists.html"), lists).unwrap();
    let divs = format!(
        "<html><head><title>深层区块</title></head><body>{}区块深处的医保文字{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    std::fs::write(d.join("corpus/divs.html"), divs).unwrap();
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["added"], 8, "every page indexed: {v}");
    assert_eq!(total(d, "\"列表深处\""), 1);
    assert_eq!(total(d, "\"区块深处\""), 1);
}

#[test]
fn huge_numbers_are_refused_and_exclusions_typed_as_words_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    assert_eq!(baoxian(d, &["index", "--index", "idx", "corpus"]).status.code(), Some(0));
    for args in [
        &["--limit", "1000000000"][..],
        &["--offset", "1000000000000"],
        &["--limit", "18446744073709551616"],
        &["--snippet-len", "100000000"],
    ] {
        let mut all = vec!["search", "--index", "idx", "医保"];
        all.extend_from_slice(args);
        let o = baoxian(d, &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("out of range"), "{}", stderr(&o));
    }
    // the library refuses them too, with a typed error
    let engine = baoxian::Engine::open(d.join("idx")).unwrap();
    let request = baoxian::SearchRequest { offset: usize::MAX, ..baoxian::SearchRequest::new("医保") };
    assert!(matches!(engine.search(&request), Err(baoxian::Error::InvalidRequest { .. })));

    // `-钱包` after the first word is an exclusion, not an unknown option; options still work
    let with = total(d, "使用地");
    let (code, v) =
        baoxian_json(d, &["search", "--index", "idx", "--exact", "--no-collapse", "使用地", "-钱包", "-n", "1"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["query"], "使用地 -钱包");
    assert_eq!(v["total"].as_u64(), Some(total(d, "使用地 -钱包")), "as the exclusion typed inside the query");
    assert!(v["total"].as_u64().unwrap() < with, "{v}");
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn terminal_escapes_in_pages_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("c")).unwrap();
    let page = text_page("医保卡\u{1b}[2J清屏", "2025-01-01", &["医保卡\u{1b}[31m补办的内容\u{7}在这里。"]);
    std::fs::write(d.join("c/a.txt"), page).unwrap();
    assert_eq!(baoxian(d, &["index", "--index", "idx", "c"]).status.code(), Some(0));
    let o = baoxian(d, &["search", "--index", "idx", "--no-color", "医保卡"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}[2J"), "shown escaped: {out}");
    // the JSON document keeps the text as the page has it
    let (_, v) = baoxian_json(d, &["search", "--index", "idx", "医保卡"]);
    assert!(v["hits"][0]["title"].as_str().unwrap().contains('\u{1b}'), "{v}");
}

#[test]
fn a_stray_byte_costs_a_character_not_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("c")).unwrap();
    let page = text_page("生育津贴怎么领取", "2025-07-01", &["生育津贴由用人单位代为申领，审核通过后发放到个人账户。"]);
    let mut stray = page.clone().into_bytes();
    stray.insert(page.find("审核").unwrap(), 0xff);
    std::fs::write(d.join("c/stray.txt"), stray).unwrap();
    let cut = text_page("失业保险金怎么领", "2025-07-01", &["失业保险金可以在网上申领，一般次月到账。"]);
    std::fs::write(d.join("c/cut.txt"), &cut.as_bytes()[..cut.len() - 2]).unwrap();
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "c"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["added"], 2, "{v}");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "each page says a byte was replaced: {v}");
    assert!(warnings.iter().all(|w| w.as_str().unwrap().contains("replaced")), "{v}");
    assert_eq!(total(d, "审核通过"), 1);
    assert_eq!(total(d, "失业保险金"), 1);
}

#[test]
fn a_path_that_is_not_there_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = baoxian(d, &["index", "--index", "idx", "no-such-folder"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-folder"), "{}", stderr(&o));
    assert!(!d.join("idx").exists(), "an index folder was created for nothing");
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_read_says_why() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::create_dir(d.join("c")).unwrap();
    std::fs::set_permissions(d.join("c"), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::write(d.join("c/a.txt"), text_page("生育津贴怎么领取", "2025-07-01", &["由用人单位代为申领。"])).unwrap();
    std::fs::set_permissions(d.join("c/a.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = baoxian_unprivileged(d, &["index", "--index", "idx", "--json", "c"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "{v}");
    let reason = v["failed"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("cannot read the file") && reason.contains("ermission denied"), "{v}");
}

#[test]
fn a_search_during_the_first_build_waits_for_it_instead_of_answering_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::generated_pages(&d.join("corpus"), 3000, 5);
    let mut build = std::process::Command::new(env!("CARGO_BIN_EXE_baoxian"))
        .args(["index", "--index", "idx", "--quiet", "corpus"])
        .current_dir(d)
        .spawn()
        .unwrap();
    // the index exists (empty) as soon as the build has started
    let started = std::time::Instant::now();
    while !d.join("idx/meta.json").exists() {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the build never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let o = baoxian(d, &["search", "--index", "idx", "--json", "医保"]);
    let built = build.wait().unwrap();
    assert!(built.success());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0, "answered from the empty index of a build under way: {v}");
}

#[cfg(unix)]
#[test]
fn links_are_followed_only_inside_the_given_paths_and_never_into_proc() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("corpus/a")).unwrap();
    std::fs::create_dir_all(d.join("elsewhere")).unwrap();
    std::fs::write(d.join("corpus/a/in.txt"), text_page("生育津贴怎么领取", "2025-07-01", &["由用人单位代为申领。"]))
        .unwrap();
    std::fs::write(d.join("elsewhere/out.txt"), text_page("失业保险金怎么领", "2025-07-01", &["可以在网上申领。"]))
        .unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere"), d.join("corpus/to-elsewhere")).unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere/out.txt"), d.join("corpus/out-link.txt")).unwrap();
    std::os::unix::fs::symlink(d.join("corpus/a"), d.join("corpus/to-a")).unwrap();
    std::os::unix::fs::symlink("/proc", d.join("corpus/proc")).unwrap();
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["added"], 1, "only the page inside (the link to a, inside too, is the same page): {v}");
    assert_eq!(total(d, "失业保险金"), 0, "a link out of the PATH was followed");
    // asked to, links lead anywhere but the kernel's folders
    let (code, v) = baoxian_json(d, &["index", "--index", "idx", "--follow-links", "corpus"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["added"], 1, "{v}");
    assert_eq!(total(d, "失业保险金"), 1, "{v}");
    assert!(v["ignored"].as_u64().unwrap() < 10, "/proc was walked: {v}");
}
