//! `baoxian serve` over real sockets: the real binary on a free port, spoken to in plain
//! HTTP/1.1 (so that malformed requests can be sent as they are).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{baoxian, copy_corpus, text_page};

/// A running server, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(cwd: &Path, index: &str) -> Server {
        let mut child = common::command(cwd)
            .args(["serve", "--index", index, "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // the banner names the address the server listens on
        let mut banner = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut banner).unwrap();
        let port = banner.trim().rsplit(':').next().unwrap().split('/').next().unwrap().parse().unwrap();
        Server { child, port }
    }

    /// Sends `request` as it is and returns the status, the headers (lower-cased names) and the body.
    fn raw(&self, request: &[u8]) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, head.to_lowercase(), body.to_string())
    }

    fn get(&self, target: &str) -> (u16, String, serde_json::Value) {
        let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let (status, head, body) = self.raw(request.as_bytes());
        let json = serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON ({status}): {body}"));
        (status, head, json)
    }

    /// Asks until `ready` holds of the answer, for up to 10 s.
    fn until(&self, target: &str, ready: impl Fn(u16, &serde_json::Value) -> bool) -> (u16, serde_json::Value) {
        let started = Instant::now();
        loop {
            let (status, _, json) = self.get(target);
            if ready(status, &json) || started.elapsed() > Duration::from_secs(10) {
                return (status, json);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(&mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a page into `d/corpus` and indexes the folder into `d/idx`, as a cron job would.
fn publish(d: &Path, file: &str, title: &str, answer: &str) {
    std::fs::write(d.join("corpus").join(file), text_page(title, "2025-08-01", &[answer])).unwrap();
    let o = baoxian(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A copy of an index folder, as rsync makes on another machine.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

fn indexed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let o = baoxian(dir.path(), &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

#[test]
fn the_api_answers_as_the_command_line_does_and_errors_say_what_is_wrong() {
    let dir = indexed();
    let server = Server::start(dir.path(), "idx");

    let (status, head, json) =
        server.get("/api/search?q=%E5%8C%BB%E4%BF%9D%E9%92%B1%E5%8C%85+%E4%BD%BF%E7%94%A8%E5%9C%B0&limit=3");
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["hits"][0]["title"], "医保钱包如何更改使用地", "{json}");
    assert!(json["hits"].as_array().unwrap().len() <= 3);
    for h in ["content-type: application/json", "x-content-type-options: nosniff", "content-security-policy:"] {
        assert!(head.contains(h), "{h} missing in {head}");
    }
    // the same document as `search --json`
    let o = baoxian(dir.path(), &["search", "--index", "idx", "--json", "-n", "3", "医保钱包", "使用地"]);
    let cli: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(cli["total"], json["total"]);
    assert_eq!(cli["hits"][0]["snippet"], json["hits"][0]["snippet"]);

    let (status, _, json) = server.get("/api/stats");
    assert_eq!((status, json["articles"].as_u64()), (200, Some(6)), "{json}");
    let (status, _, json) = server.get("/healthz");
    assert_eq!((status, json["status"].as_str(), json["articles"].as_u64()), (200, Some("ok"), Some(6)), "{json}");
    assert!(json["last_commit"].as_u64().is_some(), "{json}");

    for (target, want, says) in [
        ("/api/search?q=%FF%FE", 400, "UTF-8"),
        ("/api/search?q=%E5%8C%BB&limit=-1", 400, "from 0 to 100"),
        ("/api/search?q=%E5%8C%BB&limit=1000", 400, "from 0 to 100"),
        ("/api/search?q=%E5%8C%BB&since=2025-13-40", 400, "not a date"),
        ("/api/search?q=%E5%8C%BB&colour=red", 400, "unknown parameter"),
        ("/api/search", 400, "no query"),
        ("/api/search?q=%3F%21", 400, "no searchable words"),
        ("/nothing/here", 404, "/api/search"),
    ] {
        let (status, _, json) = server.get(target);
        assert_eq!(status, want, "{target}: {json}");
        assert!(json["error"].as_str().unwrap().contains(says), "{target}: {json}");
        assert_eq!(json["status"], want);
    }
    let long = format!("/api/search?q={}", "%E5%8C%BB".repeat(600));
    assert_eq!(server.get(&long).0, 414);
    let (status, head, _) = server
        .raw(b"POST /api/search?q=x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 405);
    assert!(head.contains("allow: get, head"), "{head}");
    // not HTTP at all: answered 400 by the HTTP layer, and the server carries on
    let (status, _, _) = server.raw(b"\x16\x03\x01 hello\r\n\r\n");
    assert_eq!(status, 400);
    assert_eq!(server.get("/healthz").0, 200);
}

#[test]
fn an_index_that_appears_or_changes_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_corpus(&d.join("corpus"));
    let mut server = Server::start(d, "idx");
    // no index yet: 503 with Retry-After, on every endpoint
    let (status, head, json) = server.get("/api/search?q=%E5%8C%BB%E4%BF%9D");
    assert_eq!(status, 503, "{json}");
    assert!(head.contains("retry-after:"), "{head}");
    assert!(json["error"].as_str().unwrap().contains("no index"), "{json}");
    assert_eq!(server.get("/healthz").0, 503);

    let o = baoxian(d, &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0));
    let (status, json) = server.until("/healthz", |s, _| s == 200);
    assert_eq!((status, json["articles"].as_u64()), (200, Some(6)), "{json}");

    // a commit of another process is searched within a second or two
    publish(d, "new.txt", "生育津贴申领指南", "生育津贴由用人单位代为申领。");
    let started = Instant::now();
    let (status, json) = server
        .until("/api/search?q=%E7%94%9F%E8%82%B2%E6%B4%A5%E8%B4%B4", |s, j| s == 200 && j["total"].as_u64() > Some(0));
    assert_eq!(json["hits"][0]["title"], "生育津贴申领指南", "{status} {json}");
    assert!(started.elapsed() < Duration::from_secs(5), "seen after {:?}", started.elapsed());

    // stopped by SIGTERM: exit 0
    let code = server.stop();
    assert!(code.success(), "{code:?}");
}

#[test]
fn the_search_page_works_without_javascript_and_shows_page_text_as_text() {
    let dir = indexed();
    let d = dir.path();
    std::fs::create_dir(d.join("evil")).unwrap();
    std::fs::write(
        d.join("evil/evil.html"),
        "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;医保钱包攻击</title></head><body>\
         <p>医保钱包 &lt;img src=x onerror=alert(2)&gt; 可以使用。</p></body></html>",
    )
    .unwrap();
    let o = baoxian(d, &["index", "--index", "idx", "corpus", "evil"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let server = Server::start(d, "idx");
    let get = |target: &str| {
        let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        server.raw(request.as_bytes())
    };

    let (status, head, html) = get("/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(head.contains("content-security-policy: default-src 'none'; style-src 'self'"), "{head}");
    assert!(html.contains("<form method=\"get\" action=\"/\"") && html.contains("name=\"q\""), "{html}");

    // as the form sends it: empty fields included
    let (status, _, html) =
        get("/?q=%E5%8C%BB%E4%BF%9D%E9%92%B1%E5%8C%85&region=&since=&until=&sort=relevance&limit=2");
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;医保钱包攻击"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"), "{html}");
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    assert!(html.contains("<mark>医保钱包</mark>"), "{html}");
    assert!(html.contains("value=\"医保钱包\""), "the form keeps the query: {html}");
    assert!(html.contains("rel=\"next\"") && html.contains("limit=2&amp;offset=2"), "{html}");

    let (status, _, html) = get("/?q=%E5%8C%BB&since=2025-13-40");
    assert_eq!(status, 400);
    assert!(html.contains("class=\"error\"") && html.contains("not a date"), "{html}");
    let (status, head, css) = get("/static/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css") && css.contains("mark"), "{head}");
}

#[test]
fn two_servers_over_one_folder_answer_from_the_same_new_commit() {
    let dir = indexed();
    let d = dir.path();
    let servers = [Server::start(d, "idx"), Server::start(d, "idx")];
    let asked = "/api/search?q=%E5%90%AC%E8%AF%81%E4%BC%9A"; // 听证会
    for server in &servers {
        assert_eq!(server.get(asked).2["total"], 0);
    }
    publish(d, "new.txt", "工伤认定听证会怎么申请", "对工伤认定有异议的，可以申请听证会。");
    for server in &servers {
        let (status, json) = server.until(asked, |s, j| s == 200 && j["total"].as_u64() > Some(0));
        assert_eq!((status, &json["hits"][0]["title"]), (200, &serde_json::json!("工伤认定听证会怎么申请")), "{json}");
    }
    // a copy of the folder (as rsync makes on another machine) is served the same
    copy_folder(&d.join("idx"), &d.join("copy"));
    let third = Server::start(d, "copy");
    assert_eq!(third.get(asked).2["hits"][0]["title"], "工伤认定听证会怎么申请");
    // the next copy replaces it whole (renamed into place): served without a restart
    publish(d, "more.txt", "听证会的通知书多久送达", "听证会举行七日前送达。");
    copy_folder(&d.join("idx"), &d.join("copy.new"));
    std::fs::rename(d.join("copy"), d.join("copy.old")).unwrap();
    std::fs::rename(d.join("copy.new"), d.join("copy")).unwrap();
    let (status, json) = third.until(asked, |s, j| s == 200 && j["total"].as_u64() == Some(2));
    assert_eq!((status, json["total"].as_u64()), (200, Some(2)), "{json}");
}

#[test]
fn a_stop_lets_the_searches_in_flight_finish() {
    // 400 pages, and searches that score every passage and explain each answer: slow enough
    // that most of 12 are still being worked out when the first is answered
    let dir = tempfile::tempdir().unwrap();
    common::generated_pages(&dir.path().join("corpus"), 400, 7);
    let o = baoxian(dir.path(), &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let mut server = Server::start(dir.path(), "idx");
    let port = server.port;
    let (sent, requests_sent) = std::sync::mpsc::channel();
    let clients: Vec<_> = (0..12)
        .map(|i| {
            let sent = sent.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                let q = "%E5%8C%BB%E4%BF%9D%20%E7%A4%BE%E4%BF%9D%20%E5%8A%9E%E7%90%86%20%E6%80%8E%E4%B9%88%20%E6%9D%90%E6%96%99";
                let request = format!(
                    "GET /api/search?q={q}&exact=true&explain=true&limit=100&offset={i} HTTP/1.1\r\nHost: \
                     localhost\r\nConnection: close\r\n\r\n"
                );
                stream.write_all(request.as_bytes()).unwrap();
                sent.send(()).unwrap();
                let mut answer = Vec::new();
                stream.read_to_end(&mut answer).unwrap();
                (String::from_utf8_lossy(&answer).into_owned(), Instant::now())
            })
        })
        .collect();
    for _ in 0..12 {
        requests_sent.recv().unwrap();
    }
    // a request on a connection made after theirs is answered: the server has taken theirs in
    let (status, _, _) = server.get("/healthz");
    assert_eq!(status, 200);
    let stopping = Instant::now();
    let code = server.stop();
    let stopped = Instant::now();
    assert!(code.success(), "{code:?}");
    let mut last_answered = stopping;
    for client in clients {
        let (answer, at) = client.join().unwrap();
        // each request sent before the stop is answered in full
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("cut off: {answer:?}"));
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert!(json["total"].as_u64() > Some(0), "{json}");
        last_answered = last_answered.max(at);
    }
    // … and some were still being worked out when the stop came: the server waited for them
    assert!(last_answered > stopping, "every search was done before the stop: the test proves nothing");
    assert!(stopped >= last_answered - Duration::from_millis(50), "the server was gone before its last answer");
}
