//! `baoxian serve`: the index over HTTP. A JSON API (`/api/search`, `/api/stats`, `/healthz`)
//! whose documents are the command line's `--json` ones, and whose errors are JSON with a status
//! that fits.
//!
//! The server's own threads (tokio's) only read requests and write answers; each search or
//! statistics request runs on a blocking thread, from which the library spreads the search over
//! rayon's pool. At most [`IN_FLIGHT`] requests are worked on or waiting at once: beyond that a
//! request is answered 503 with `Retry-After` at once, so a burst never grows memory without
//! bound. The index is opened on the first request that needs it, and again after it failed
//! (missing at start, replaced by `index --full`): until then requests are answered 503.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baoxian::Sort;
use baoxian::{Engine, Error, SearchRequest};
use serde::Serialize;
use tokio::sync::Semaphore;

use super::page;

/// Most answers one request may ask for.
pub(crate) const MAX_LIMIT: usize = 100;
/// Deepest page: `offset` at most this.
pub(crate) const MAX_OFFSET: usize = 10_000;
/// Longest query, in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 500;
/// Longest query string, in bytes (percent-encoded), before it is decoded at all.
const MAX_QUERY_STRING: usize = 8 * 1024;
/// Requests being worked on or waiting for a thread, at most.
const IN_FLIGHT: usize = 64;
/// A request still unanswered after this is answered 503 (its search finishes on its own).
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// Serves the index in `index` on `addr` until SIGINT or SIGTERM; requests in flight are
/// answered before it stops.
pub(crate) fn serve(index: PathBuf, addr: SocketAddr) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("baoxian: error: cannot start the server's threads: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("baoxian: error: cannot listen on {addr}: {e} (give another address with --addr)");
                return ExitCode::from(2);
            }
        };
        let bound = listener.local_addr().unwrap_or(addr);
        let shared = Arc::new(Shared {
            index: index.clone(),
            engine: Mutex::new(None),
            slots: Arc::new(Semaphore::new(IN_FLIGHT)),
        });
        say!("baoxian: serving {} at http://{bound}/ (Ctrl-C stops)", index.display());
        match axum::serve(listener, app(shared)).with_graceful_shutdown(stop_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("baoxian: error: the server stopped: {e}");
                ExitCode::from(2)
            }
        }
    })
}

fn app(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(search_page).fallback(method_not_allowed))
        .route(page::STYLE_PATH, get(style).fallback(method_not_allowed))
        .route("/api/search", get(search).fallback(method_not_allowed))
        .route("/api/stats", get(stats).fallback(method_not_allowed))
        .route("/healthz", get(health).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure))
        .with_state(shared)
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    eprintln!("baoxian: stopping: answering the requests in flight");
}

/// What every request shares: the index, opened once it can be.
struct Shared {
    index: PathBuf,
    engine: Mutex<Option<Arc<Engine>>>,
    slots: Arc<Semaphore>,
}

impl Shared {
    /// The open index, opening it when it is not (yet, or any more).
    fn engine(&self) -> Result<Arc<Engine>, Failure> {
        let mut slot = self.engine.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(engine) = slot.as_ref() {
            return Ok(engine.clone());
        }
        let engine = Arc::new(Engine::open(&self.index).map_err(|e| Failure::unavailable(e.to_string()))?);
        *slot = Some(engine.clone());
        Ok(engine)
    }

    /// The failure a library error is to a client; an index that failed is opened anew by the
    /// next request.
    fn failure(&self, error: Error) -> Failure {
        match error {
            Error::EmptyQuery { .. } | Error::InvalidRequest { .. } => Failure::bad(error.to_string()),
            Error::IndexBusy { .. } => Failure::unavailable(error.to_string()),
            error => {
                *self.engine.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
                Failure::unavailable(error.to_string())
            }
        }
    }
}

/// An answer that is not the document asked for: a status and a sentence.
struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    fn bad(message: impl Into<String>) -> Failure {
        Failure { status: StatusCode::BAD_REQUEST, message: message.into() }
    }

    fn unavailable(message: impl Into<String>) -> Failure {
        Failure { status: StatusCode::SERVICE_UNAVAILABLE, message: message.into() }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message, "status": self.status.as_u16() });
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Runs `job` on the open index on a blocking thread, within the bound on requests in flight and
/// the time limit; its result as JSON.
async fn run<T: Serialize + Send + 'static>(
    shared: Arc<Shared>,
    job: impl FnOnce(&Engine) -> Result<T, Error> + Send + 'static,
) -> Response {
    match work(shared, job).await {
        Ok(value) => axum::Json(value).into_response(),
        Err(failure) => failure.into_response(),
    }
}

/// Runs `job` on the open index on a blocking thread, within the bound on requests in flight and
/// the time limit.
async fn work<T: Send + 'static>(
    shared: Arc<Shared>,
    job: impl FnOnce(&Engine) -> Result<T, Error> + Send + 'static,
) -> Result<T, Failure> {
    let Ok(permit) = shared.slots.clone().try_acquire_owned() else {
        return Err(Failure::unavailable("the server is busy: try again in a moment"));
    };
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let engine = shared.engine()?;
        if let Some(pid) = engine.being_built() {
            let by = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
            return Err(Failure::unavailable(format!("the index is being built by another process{by}")));
        }
        job(&engine).map_err(|e| shared.failure(e))
    });
    match tokio::time::timeout(TIME_LIMIT, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(Failure { status: StatusCode::INTERNAL_SERVER_ERROR, message: "the request failed".into() }),
        Err(_) => Err(Failure::unavailable(format!("no answer within {} s", TIME_LIMIT.as_secs()))),
    }
}

/// The policy of the search page: its own style sheet and form, nothing else.
const PAGE_POLICY: &str =
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The search page: the form, and the answers when it was given a query.
async fn search_page(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let mut form = page::Form::default();
    let (status, body) = match parameters(raw.as_deref(), SEARCH_PARAMETERS) {
        Err(failure) => (failure.status, page::Body::Error(failure.message)),
        Ok(pairs) => {
            for (name, value) in pairs.iter().cloned() {
                match name.as_str() {
                    "q" => form.q = value,
                    "region" => form.region = value,
                    "since" => form.since = value,
                    "until" => form.until = value,
                    "sort" => form.sort_by_date = value == "date",
                    "limit" if !value.trim().is_empty() => form.limit = Some(value),
                    _ => {}
                }
            }
            if form.q.trim().is_empty() {
                (StatusCode::OK, page::Body::Empty)
            } else {
                match request_of(pairs) {
                    Err(failure) => (failure.status, page::Body::Error(failure.message)),
                    Ok(request) => {
                        let asked = request.clone();
                        match work(shared, move |engine| super::search(engine, &request)).await {
                            Ok(results) => (StatusCode::OK, page::Body::Results(results, asked)),
                            Err(failure) => (failure.status, page::Body::Error(failure.message)),
                        }
                    }
                }
            }
        }
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_POLICY)),
    ];
    (status, headers, page::page(&form, body)).into_response()
}

async fn style() -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
    ];
    (headers, page::STYLE).into_response()
}

async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    match search_request(raw.as_deref()) {
        Ok(request) => run(shared, move |engine| super::search(engine, &request)).await,
        Err(failure) => failure.into_response(),
    }
}

async fn stats(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    if let Err(failure) = parameters(raw.as_deref(), &[]) {
        return failure.into_response();
    }
    run(shared, |engine| engine.stats()).await
}

/// Whether the index is open and usable: its articles and when it was last committed.
#[derive(Serialize)]
struct Health {
    status: &'static str,
    index: String,
    articles: usize,
    /// Seconds since 1970 of the index's last commit (when `meta.json` was written).
    last_commit: Option<u64>,
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    let index = shared.index.clone();
    run(shared, move |engine| {
        Ok(Health {
            status: "ok",
            index: index.display().to_string(),
            articles: engine.articles()?,
            last_commit: committed(&index),
        })
    })
    .await
}

fn committed(index: &Path) -> Option<u64> {
    let modified = std::fs::metadata(index.join("meta.json")).and_then(|m| m.modified()).ok()?;
    modified.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs())
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let message =
        format!("nothing at {}: the search page is /, the API /api/search?q=…, /api/stats and /healthz", uri.path());
    Failure { status: StatusCode::NOT_FOUND, message }.into_response()
}

async fn method_not_allowed() -> Response {
    let message = "only GET (and HEAD) requests are answered here";
    let mut response = Failure { status: StatusCode::METHOD_NOT_ALLOWED, message: message.into() }.into_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// The headers every answer carries: nothing it sends may run as a page or be framed.
async fn secure(mut response: Response) -> Response {
    let headers: &mut HeaderMap = response.headers_mut();
    let set = [
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    response
}

/// The parameters of a query string, decoded strictly (`+` is a space; percent-encoded bytes
/// must make UTF-8), each named in `known`.
fn parameters(raw: Option<&str>, known: &[&str]) -> Result<Vec<(String, String)>, Failure> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_STRING {
        return Err(Failure {
            status: StatusCode::URI_TOO_LONG,
            message: format!("the query string is over {MAX_QUERY_STRING} bytes"),
        });
    }
    let mut out = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(&text.replace('+', " "))
                .decode_utf8()
                .map(|t| t.into_owned())
                .map_err(|_| Failure::bad(format!("the parameter {name:?} is not valid UTF-8 once decoded")))
        };
        let (name, value) = (decode(name)?, decode(value)?);
        if !known.contains(&name.as_str()) {
            let expected = if known.is_empty() { "none".to_string() } else { known.join(", ") };
            return Err(Failure::bad(format!("unknown parameter {name:?}: the parameters here are {expected}")));
        }
        out.push((name, value));
    }
    Ok(out)
}

const SEARCH_PARAMETERS: &[&str] =
    &["q", "limit", "offset", "since", "until", "region", "source", "sort", "explain", "no_collapse", "exact"];

/// A search request from the query string of `/api/search`; the messages are the command
/// line's.
fn search_request(raw: Option<&str>) -> Result<SearchRequest, Failure> {
    request_of(parameters(raw, SEARCH_PARAMETERS)?)
}

/// A search request from the decoded parameters of `/api/search` or the search page.
fn request_of(pairs: Vec<(String, String)>) -> Result<SearchRequest, Failure> {
    let mut request = SearchRequest { limit: 10, ..SearchRequest::new("") };
    let mut query = None;
    let mut source = None;
    for (name, value) in pairs {
        if name != "q" && value.trim().is_empty() {
            continue; // a field of the search page left empty
        }
        let number = |max: usize| {
            value
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| Failure::bad(format!("{name}={value:?}: give a whole number from 0 to {max}")))
        };
        let switch = || match value.as_str() {
            "" | "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(Failure::bad(format!("{name}={value:?}: give true or false"))),
        };
        let date = || super::parse_date(&value).map(Some).map_err(|e| Failure::bad(format!("{name}: {e}")));
        match name.as_str() {
            "q" => query = Some(value.clone()),
            "limit" => request.limit = number(MAX_LIMIT)?,
            "offset" => request.offset = number(MAX_OFFSET)?,
            "since" => request.since = date()?,
            "until" => request.until = date()?,
            "region" => request.region = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "source" => source = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "sort" => {
                request.sort = match value.as_str() {
                    "relevance" | "" => Sort::Relevance,
                    "date" => Sort::Date,
                    _ => return Err(Failure::bad(format!("sort={value:?}: give relevance or date"))),
                }
            }
            "explain" => request.explain = switch()?,
            "no_collapse" => request.collapse = !switch()?,
            _ => request.exact = switch()?,
        }
    }
    let Some(query) = query.filter(|q| !q.trim().is_empty()) else {
        return Err(Failure::bad("no query: give the words to search for as q, e.g. /api/search?q=医保钱包+使用地"));
    };
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Failure {
            status: StatusCode::URI_TOO_LONG,
            message: format!("the query is over {MAX_QUERY_CHARS} characters"),
        });
    }
    request.query = match source {
        // as the query language writes it, quoted so that the name stays one
        Some(source) => format!("{query} source:\"{}\"", source.replace('"', "")),
        None => query,
    };
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_strictly_and_say_what_is_wrong() {
        let r = search_request(Some(
            "q=%E5%8C%BB%E4%BF%9D+%E9%92%B1%E5%8C%85&limit=5&sort=date&source=%E7%A4%BE%E4%BF%9D%E7%BD%91",
        ))
        .ok()
        .unwrap();
        assert_eq!(r.query, "医保 钱包 source:\"社保网\"");
        assert_eq!((r.limit, r.sort), (5, Sort::Date));
        let status = |q: &str| search_request(Some(q)).err().map(|f| (f.status, f.message));
        let (code, message) = status("q=%FF%FE").unwrap();
        assert_eq!(code, StatusCode::BAD_REQUEST);
        assert!(message.contains("UTF-8"), "{message}");
        for bad in ["q=a&limit=-1", "q=a&limit=101", "q=a&since=2025-13-40", "q=a&sort=up", "q=a&colour=red", "limit=3"]
        {
            assert_eq!(status(bad).map(|s| s.0), Some(StatusCode::BAD_REQUEST), "{bad}");
        }
        assert_eq!(status(&format!("q={}", "保".repeat(501))).map(|s| s.0), Some(StatusCode::URI_TOO_LONG));
    }
}
