//! The request path: the accept loop and its connections (with the head and body
//! timeouts), routing from the generated route table, and what every request goes
//! through — authentication first (also for unknown paths and the journal control
//! endpoint), then injected faults, query parameters, the JSON body, the operation, and a
//! response checked against the spec — with the journal and the request log written
//! around it.
//!
//! Kept apart from the handle (`server.rs`) because a user of the mock calls none of it,
//! and so that every answer the router gives, each error with the spec's `Error` body,
//! is decided in one file. The handle starts it with [`spawn`] and shares [`Shared`]
//! with it; nothing here knows the handle.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State as Shared_};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::failure::Failure;
use crate::fault::{self, Fault, FaultKind};
use crate::journal::{Journal, JournalEntry, UNAUTHENTICATED_TEXT_LIMIT};
use crate::route::{routes, Method, Route};
use crate::schema::{self, FieldError};
use crate::state::{Actor, Input, State};
use crate::wire::JsonErrors;

/// The path of the journal control endpoint: `GET` lists the journal as JSON, `DELETE`
/// empties it (both with the API key; neither is journaled).
pub const JOURNAL_CONTROL_PATH: &str = "/_mock/journal";

/// What the request handlers share.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) journal: Mutex<Journal>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) log_requests: bool,
    pub(crate) max_body_bytes: usize,
    pub(crate) body_read_timeout: Duration,
}

/// Locks a mutex; a panic elsewhere while holding it does not make this one panic.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a handler tells the outer layer about a response.
#[derive(Clone, Debug, Default)]
struct Meta {
    operation: Option<&'static str>,
    /// The request presented a valid API key (otherwise its path and query are cut).
    authenticated: bool,
    /// A request to the control endpoint (not journaled).
    control: bool,
    drop_connection: bool,
    faulted: bool,
    response_problem: Option<String>,
}

/// Serves `listener` on the current Tokio runtime until `stop` fires; the task ends when
/// the connections in flight have finished (at most 5 s later).
pub(crate) fn spawn(
    listener: TcpListener,
    shared: Arc<Shared>,
    header_read_timeout: Duration,
    stop: oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(serve(
        listener,
        router(shared.clone()),
        shared,
        header_read_timeout,
        stop,
    ))
}

/// The accept loop: one HTTP/1.1 connection task per client, ended gracefully on stop.
async fn serve(
    listener: TcpListener,
    router: Router,
    shared: Arc<Shared>,
    header_read_timeout: Duration,
    mut stop: oneshot::Receiver<()>,
) {
    let (closing_tx, closing_rx) = watch::channel(false);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let shared = shared.clone();
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    handle(shared.clone(), router.clone(), req)
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .serve_connection(TokioIo::new(JsonErrors::new(stream)), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    drop(closing_rx);
    let _ = closing_tx.send(true);
    // Every connection task holds a receiver; wait for them to finish.
    let _ = tokio::time::timeout(Duration::from_secs(5), closing_tx.closed()).await;
}

/// Returned to hyper to close a connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Wraps the router: journal, request log, dropped connections.
async fn handle(
    shared: Arc<Shared>,
    router: Router,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<Response, DropConnection> {
    use tower_service::Service as _;
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let mut router = router;
    let response = match router.call(req).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let meta = response
        .extensions()
        .get::<Meta>()
        .cloned()
        .unwrap_or_default();
    let status = (!meta.drop_connection).then(|| response.status().as_u16());
    if meta.control {
        return Ok(response);
    }
    let (path, query) = if meta.authenticated {
        (path, query)
    } else {
        let cut = |text: &str| crate::journal::truncate(text, UNAUTHENTICATED_TEXT_LIMIT);
        (cut(&path), query.as_deref().map(cut))
    };
    if shared.log_requests {
        let shown_query = query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let status_text = status.map_or("dropped".to_owned(), |s| s.to_string());
        eprintln!(
            "ngrok-ai-mock: {method} {path}{shown_query} -> {status_text} {} {:.1}ms",
            meta.operation.unwrap_or("-"),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    lock(&shared.journal).push(JournalEntry {
        operation: meta.operation.map(str::to_owned),
        method,
        path,
        query,
        status,
        faulted: meta.faulted,
        response_problem: meta.response_problem,
    });
    if meta.drop_connection {
        return Err(DropConnection);
    }
    Ok(response)
}

fn method_filter(method: Method) -> MethodFilter {
    match method {
        Method::Get => MethodFilter::GET,
        Method::Head => MethodFilter::HEAD,
        Method::Post => MethodFilter::POST,
        Method::Patch => MethodFilter::PATCH,
        Method::Delete => MethodFilter::DELETE,
        Method::Put => MethodFilter::PUT,
        Method::Options => MethodFilter::OPTIONS,
        Method::Trace => MethodFilter::TRACE,
    }
}

/// One axum route per path of the generated table; methods the spec does not list for
/// a path (including HEAD where only GET exists) answer 405.
fn router(shared: Arc<Shared>) -> Router {
    let mut by_path: BTreeMap<&'static str, Vec<&'static Route>> = BTreeMap::new();
    for route in routes() {
        by_path.entry(route.path).or_default().push(route);
    }
    let mut router: Router<Arc<Shared>> = Router::new();
    for (path, routes) in by_path {
        let allow: Vec<&'static str> = routes.iter().map(|r| r.method.as_str()).collect();
        let allow = allow.join(", ");
        let mut methods: MethodRouter<Arc<Shared>> = MethodRouter::new();
        for route in &routes {
            let route: &'static Route = route;
            methods = methods.on(
                method_filter(route.method),
                move |Shared_(shared): Shared_<Arc<Shared>>, req: Request| {
                    operation(shared, route, req)
                },
            );
        }
        let has = |m: Method| routes.iter().any(|r| r.method == m);
        if has(Method::Get) && !has(Method::Head) {
            let allow = allow.clone();
            methods = methods.on(
                MethodFilter::HEAD,
                move |Shared_(shared): Shared_<Arc<Shared>>, req: Request| {
                    not_allowed(shared, allow.clone(), req)
                },
            );
        }
        methods = methods.fallback(move |Shared_(shared): Shared_<Arc<Shared>>, req: Request| {
            not_allowed(shared, allow.clone(), req)
        });
        router = router.route(path, methods);
    }
    router = router.route(
        JOURNAL_CONTROL_PATH,
        axum::routing::any(|Shared_(shared): Shared_<Arc<Shared>>, req: Request| {
            journal_control(shared, req)
        }),
    );
    router
        .fallback(|Shared_(shared): Shared_<Arc<Shared>>, req: Request| not_found(shared, req))
        .with_state(shared)
}

/// Checks `Authorization: Bearer <key>`.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Actor, Failure> {
    let unauthorized = |msg: &str| Failure::new(401, msg).header("www-authenticate", "Bearer");
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        unauthorized("missing Authorization header; send `Authorization: Bearer <API key>`")
    })?;
    let text = value
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not valid text"))?;
    let (scheme, token) = text.trim().split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(unauthorized(
            "the Authorization header must be `Bearer <API key>`",
        ));
    }
    lock(&shared.state)
        .authenticate(token.trim())
        .ok_or_else(|| unauthorized("invalid API key"))
}

/// Builds a response and records what the outer layer needs.
fn respond(
    status: u16,
    body: Option<&Value>,
    head: bool,
    headers: &[(&'static str, String)],
    mut meta: Meta,
    schema_name: Option<&str>,
) -> Response {
    if let (Some(body), Some(schema_name)) = (body, schema_name) {
        if let Err(problem) = schema::validate(schema_name, body) {
            meta.response_problem = Some(format!("{schema_name} {problem}"));
        }
    }
    let bytes = match (body, head) {
        (Some(body), false) => serde_json::to_vec(body).unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if body.is_some() {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, value);
        }
    }
    response.extensions_mut().insert(meta);
    response
}

fn fail(failure: &Failure, head: bool, meta: Meta) -> Response {
    let body = failure.body();
    respond(
        failure.status,
        Some(&body),
        head,
        &failure.headers,
        meta,
        Some("Error"),
    )
}

async fn not_found(shared: Arc<Shared>, req: Request) -> Response {
    let head = req.method() == axum::http::Method::HEAD;
    if let Err(failure) = authenticate(&shared, req.headers()) {
        return fail(&failure, head, Meta::default());
    }
    let failure = Failure::new(404, format!("no such path: {}", req.uri().path()))
        .detail("path", req.uri().path());
    fail(&failure, head, authenticated())
}

async fn not_allowed(shared: Arc<Shared>, allow: String, req: Request) -> Response {
    let head = req.method() == axum::http::Method::HEAD;
    if let Err(failure) = authenticate(&shared, req.headers()) {
        return fail(&failure, head, Meta::default());
    }
    let failure = Failure::new(
        405,
        format!(
            "{} is not allowed on {}; allowed: {allow}",
            req.method(),
            req.uri().path()
        ),
    )
    .detail("method", req.method().as_str())
    .header("allow", allow);
    fail(&failure, head, authenticated())
}

fn authenticated() -> Meta {
    Meta {
        authenticated: true,
        ..Meta::default()
    }
}

/// `GET /_mock/journal` (the journal as JSON) and `DELETE /_mock/journal` (empty it),
/// with the API key.
async fn journal_control(shared: Arc<Shared>, req: Request) -> Response {
    let meta = Meta {
        control: true,
        ..Meta::default()
    };
    let head = req.method() == axum::http::Method::HEAD;
    if let Err(failure) = authenticate(&shared, req.headers()) {
        return fail(&failure, head, meta);
    }
    match req.method().as_str() {
        "GET" => {
            let journal = lock(&shared.journal);
            let body = serde_json::json!({
                "capacity": journal.capacity(),
                "dropped": journal.dropped(),
                "entries": journal.entries().map(JournalEntry::to_json).collect::<Vec<_>>(),
            });
            drop(journal);
            respond(200, Some(&body), false, &[], meta, None)
        }
        "DELETE" => {
            lock(&shared.journal).clear();
            respond(204, None, false, &[], meta, None)
        }
        other => {
            let failure = Failure::new(
                405,
                format!("{other} is not allowed on {JOURNAL_CONTROL_PATH}; allowed: GET, DELETE"),
            )
            .detail("method", other)
            .header("allow", "GET, DELETE".to_owned());
            fail(&failure, head, meta)
        }
    }
}

/// The `{id}` segment of `path` for a template ending in `/{id}` or `/{id}/<verb>`.
fn path_id(template: &str, path: &str) -> Option<String> {
    let template: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    let index = template.iter().position(|s| *s == "{id}")?;
    let raw = actual.get(index)?;
    Some(percent_decode(raw))
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.len() > 5 && essence[essence.len() - 5..].eq_ignore_ascii_case("+json"))
}

/// Auth → faults → query → body → operation → response (validated against the spec).
async fn operation(shared: Arc<Shared>, route: &'static Route, req: Request) -> Response {
    let head = route.method == Method::Head;
    let mut meta = Meta {
        operation: Some(route.operation),
        ..Meta::default()
    };
    let (parts, body) = req.into_parts();

    let actor = match authenticate(&shared, &parts.headers) {
        Ok(actor) => actor,
        Err(failure) => return fail(&failure, head, meta),
    };
    meta.authenticated = true;

    let injected = fault::take(&mut lock(&shared.faults), route.operation);
    if let Some(fault) = injected {
        meta.faulted = true;
        match fault.kind {
            FaultKind::Latency(delay) => tokio::time::sleep(delay).await,
            FaultKind::DropConnection => {
                meta.drop_connection = true;
                return respond(500, None, true, &[], meta, None);
            }
            FaultKind::Status(status) => {
                let mut failure = Failure::new(status, format!("injected fault: {status}"))
                    .detail("fault", "injected");
                if let Some(seconds) = fault.retry_after {
                    failure = failure.header("retry-after", seconds.to_string());
                }
                return fail(&failure, head, meta);
            }
        }
    }

    let raw_query = parts.uri.query().map(str::to_owned);
    let query_pairs = crate::query::pairs(raw_query.as_deref());
    if let Err(failure) = crate::query::check(route, &query_pairs) {
        return fail(&failure, head, meta);
    }

    let mut json_body = None;
    if let Some(schema_name) = route.request_body {
        match read_body(&shared, schema_name, &parts.headers, body).await {
            Ok(value) => json_body = Some(value),
            Err(failure) => return fail(&failure, head, meta),
        }
    }

    let input = Input {
        id: path_id(route.path, parts.uri.path()),
        query_pairs,
        raw_query,
        body: json_body,
        path: parts.uri.path().to_owned(),
    };
    let result = lock(&shared.state).dispatch(route.op, &actor, &input);
    match result {
        Ok(output) => {
            let schema_name = if output.status == route.success_status {
                route.response_body
            } else {
                None
            };
            respond(
                output.status,
                output.body.as_ref(),
                head,
                &output.headers,
                meta,
                schema_name,
            )
        }
        Err(failure) => fail(&failure, head, meta),
    }
}

/// Reads, parses and validates a JSON request body: 413 before reading when
/// `Content-Length` is over the limit, 408 when the body takes too long.
async fn read_body(
    shared: &Shared,
    schema_name: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Value, Failure> {
    let limit = shared.max_body_bytes;
    let too_large = || {
        Failure::new(
            413,
            format!("the request body is larger than {limit} bytes"),
        )
        .detail("in", "body")
        .detail("limit", limit.to_string())
    };
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        let text = content_type.to_str().unwrap_or("");
        if !is_json(text) {
            return Err(
                Failure::new(415, "the request body must be application/json")
                    .detail("in", "header")
                    .detail("field", "Content-Type"),
            );
        }
    }
    if let Some(length) = headers.get(header::CONTENT_LENGTH) {
        let announced = length
            .to_str()
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok());
        if announced.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
    }
    let timeout = shared.body_read_timeout;
    let bytes = match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        // `Limited`'s error; anything else is a body that could not be read.
        Ok(Err(e)) if e.to_string().contains("length limit exceeded") => return Err(too_large()),
        Ok(Err(e)) => {
            return Err(
                Failure::new(400, format!("the request body could not be read: {e}"))
                    .detail("in", "body"),
            )
        }
        Err(_) => {
            return Err(Failure::new(
                408,
                format!(
                    "the request body was not received within {} ms",
                    timeout.as_millis()
                ),
            )
            .detail("in", "body")
            .header("connection", "close".to_owned()))
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::invalid_body(&FieldError::new(
            "",
            "a JSON request body is required",
        )));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::invalid_body(&FieldError::new("", format!("is not valid JSON ({e})")))
    })?;
    schema::validate(schema_name, &value).map_err(|e| Failure::invalid_body(&e))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_paths() {
        assert_eq!(
            path_id(
                "/provider-keys/{id}/rotate",
                "/provider-keys/aigpk_1/rotate"
            )
            .as_deref(),
            Some("aigpk_1")
        );
        assert_eq!(
            path_id("/providers/{id}", "/providers/a%20b").as_deref(),
            Some("a b")
        );
        assert_eq!(path_id("/providers", "/providers"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%é%41"), "%éA");
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json(""));
    }
}
