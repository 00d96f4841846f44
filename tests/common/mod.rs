//! Helpers shared by the end-to-end tests: temporary corpora on disk.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The shipped corpus folder.
pub fn shipped_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Copies the article files of the shipped corpus into `dest` (created).
pub fn copy_corpus(dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for entry in std::fs::read_dir(shipped_corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "md") {
            std::fs::copy(&path, dest.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The highlighted pieces of an answer's snippet, as text.
pub fn marked(hit: &baoxian::Answer) -> Vec<String> {
    let chars: Vec<char> = hit.snippet.chars().collect();
    hit.highlights.iter().map(|&(s, e)| chars[s..e].iter().collect()).collect()
}

/// A plain-text page in the seeds' shape.
pub fn text_page(title: &str, date: &str, paragraphs: &[&str]) -> String {
    format!("{title}\n\n{date} 13:09:37社保网\n\n{}\n", paragraphs.join("\n\n"))
}

/// Writes `n` plain-text article pages (about 2 KB each) into `dir`, made of sentences of the
/// shipped corpus picked by a fixed pseudo-random sequence: varied, real Chinese text.
pub fn generated_pages(dir: &Path, n: usize, seed: u64) {
    generated_pages_in(dir, n, seed, &[]);
}

/// [`generated_pages`] with titles naming `places` in turn (none when empty).
pub fn generated_pages_in(dir: &Path, n: usize, seed: u64, places: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut sentences: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(shipped_corpus()).unwrap() {
        let path = entry.unwrap().path();
        if !path.extension().is_some_and(|e| e == "txt" || e == "html" || e == "htm") {
            continue;
        }
        let Ok(article) = baoxian::parse_file(&path, &std::fs::read(&path).unwrap()) else { continue };
        for section in &article.sections {
            let answer = section.answer.replace('\n', "。");
            sentences.extend(
                answer.split('。').map(str::trim).filter(|s| s.chars().count() >= 12).map(|s| format!("{s}。")),
            );
        }
    }
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = |m: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    for i in 0..n {
        let place = if places.is_empty() { "" } else { places[i % places.len()] };
        let title = format!(
            "{place}第{i}号问答：{}怎么办理?",
            sentences[next(sentences.len())].chars().take(10).collect::<String>()
        );
        let paragraphs: Vec<String> =
            (0..6).map(|_| (0..3).map(|_| sentences[next(sentences.len())].clone()).collect::<String>()).collect();
        let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        // one year in twelve: 2014 to 2025
        let date = format!("{}-06-01", 2014 + i % 12);
        std::fs::write(dir.join(format!("page{i:05}.txt")), text_page(&title, &date, &refs)).unwrap();
    }
}

/// The real `baoxian` binary, to be run in `cwd` with no index or colour setting from the
/// environment (for runs that need more than [`baoxian`]: a child to signal, an environment).
pub fn command(cwd: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_baoxian"));
    command.current_dir(cwd).env_remove("BAOXIAN_INDEX").env_remove("NO_COLOR");
    command
}

/// Runs the real `baoxian` binary in `cwd` (see [`command`]) and waits for it.
pub fn baoxian(cwd: &Path, args: &[&str]) -> std::process::Output {
    command(cwd).args(args).output().unwrap()
}

/// `baoxian ARGS… --json` in `cwd`: exit code and the JSON document printed (panics, showing
/// both streams, when stdout is not JSON).
pub fn baoxian_json(cwd: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let o = baoxian(cwd, &all);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    });
    (o.status.code(), v)
}
