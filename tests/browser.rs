//! The search page in a real browser: headless Chromium (Debian's `chromium`, driven through
//! `chromedriver` over WebDriver) loads the page of the real server, types a question, submits
//! the form, and the answers are read from the DOM; a screenshot is kept in
//! `target/browser/search.png`. `scripts/install-browser.sh` installs both where missing.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One WebDriver command: its `value`.
fn webdriver(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // chromedriver keeps the connection open: read the headers, then Content-Length bytes
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut json = vec![0; length];
    reader.read_exact(&mut json).unwrap();
    let v: Value =
        serde_json::from_slice(&json).unwrap_or_else(|_| panic!("{method} {path}: {}", String::from_utf8_lossy(&json)));
    v["value"].clone()
}

fn find(port: u16, session: &str, css: &str) -> Vec<String> {
    let found = webdriver(
        port,
        "POST",
        &format!("/session/{session}/elements"),
        Some(json!({"using": "css selector", "value": css})),
    );
    found
        .as_array()
        .map(|all| all.iter().filter_map(|e| e.as_object()?.values().next()?.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> =
        text.bytes().filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|q| {
            let n = q.iter().enumerate().fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(q.len().saturating_sub(1))
        })
        .collect()
}

#[test]
fn a_question_typed_into_the_search_page_lists_its_answers() {
    for tool in ["chromium", "chromedriver"] {
        let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().unwrap();
        assert!(
            found.status.success(),
            "{tool} is missing: run `bash scripts/install-browser.sh` (Debian's chromium and chromium-driver)"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    common::copy_corpus(&dir.path().join("corpus"));
    let o = common::baoxian(dir.path(), &["index", "--index", "idx", "corpus"]);
    assert_eq!(o.status.code(), Some(0));

    let mut server = common::command(dir.path())
        .args(["serve", "--index", "idx", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut banner).unwrap();
    let _server = Running(server);
    let site = banner.split("at ").nth(1).unwrap().split(' ').next().unwrap().to_string();

    let port = free_port();
    let driver = Running(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let capabilities = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"]
    }}}});
    let session = webdriver(port, "POST", "/session", Some(capabilities));
    let id = session["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {session}")).to_string();
    let at = |path: &str| format!("/session/{id}{path}");

    webdriver(port, "POST", &at("/url"), Some(json!({"url": site})));
    let input = find(port, &id, "input[name=q]");
    assert_eq!(input.len(), 1, "the page has one query box");
    webdriver(
        port,
        "POST",
        &at(&format!("/element/{}/value", input[0])),
        Some(json!({"text": "医保钱包怎么更改使用地"})),
    );
    let button = find(port, &id, "button[type=submit]");
    webdriver(port, "POST", &at(&format!("/element/{}/click", button[0])), Some(json!({})));

    let started = Instant::now();
    let answers = loop {
        let answers = find(port, &id, "#answers li h2");
        if !answers.is_empty() || started.elapsed() > Duration::from_secs(20) {
            break answers;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!answers.is_empty(), "no answers in the DOM");
    let first = webdriver(port, "GET", &at(&format!("/element/{}/text", answers[0])), None);
    assert_eq!(first, "医保钱包如何更改使用地");
    let url = webdriver(port, "GET", &at("/url"), None);
    assert!(url.as_str().unwrap().contains("q="), "the form was submitted by GET: {url}");
    let marks = find(port, &id, "#answers mark");
    assert!(!marks.is_empty(), "the matched words are marked");
    let count = find(port, &id, "#count");
    let count = webdriver(port, "GET", &at(&format!("/element/{}/text", count[0])), None);
    assert!(count.as_str().unwrap().starts_with('共'), "{count}");

    let shot = webdriver(port, "GET", &at("/screenshot"), None);
    let png = base64(shot.as_str().unwrap());
    assert_eq!(&png[..4], b"\x89PNG");
    let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::write(keep.join("search.png"), png).unwrap();
    webdriver(port, "DELETE", &at(""), None);
    drop(driver);
}
