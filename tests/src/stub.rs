//! A scriptable, recording HTTP/1.1 server on `127.0.0.1:0`.
//!
//! Responses are scripted up front and served in order: per route
//! ([`StubServer::route`], keyed by method and path, the last one repeating)
//! or from one global queue ([`StubServer::push`]). Every request that reaches
//! the server is recorded, whether or not a response was scripted for it.
//! A request with nothing scripted gets `501` (not retryable, so a missing
//! script shows up as one failed call rather than a series of retries).
//!
//! ```no_run
//! # async fn demo() {
//! use ngrok_ai_tests::{StubResponse, StubServer};
//! let server = StubServer::start().await;
//! server.push(StubResponse::json(200, serde_json::json!({"balanceCents": 1888})));
//! // ... point a client at server.url() and call it ...
//! let requests = server.requests();
//! assert_eq!(requests[0].path, "/credits/balance");
//! # }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct StubResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers, in order (repeated names allowed).
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Bytes,
    /// Close the connection without sending anything instead of answering.
    pub drop_connection: bool,
}

impl StubResponse {
    /// A response with `status`, no headers and an empty body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            drop_connection: false,
        }
    }

    /// A JSON response (`content-type: application/json`).
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::raw(status, "application/json", value.to_string())
    }

    /// A response with the given content type and body bytes, e.g. HTML or
    /// deliberately broken JSON.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self::status(status)
            .header("content-type", content_type)
            .body(body)
    }

    /// The connection is closed as soon as the request has been read, without
    /// any response bytes (a crashed server or a dropped connection).
    pub fn drop_connection() -> Self {
        Self {
            drop_connection: true,
            ..Self::status(0)
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status)
            .unwrap_or_else(|_| panic!("stub: invalid status {}", self.status));
        for (name, value) in self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .unwrap_or_else(|_| panic!("stub: invalid header name {name:?}"));
            let value = HeaderValue::from_str(&value)
                .unwrap_or_else(|_| panic!("stub: invalid header value {value:?}"));
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: Method,
    /// Path, still percent-encoded as sent.
    pub path: String,
    /// Raw query string without `?`, if the URI had one.
    pub query: Option<String>,
    /// All request headers.
    pub headers: HeaderMap,
    /// Raw body bytes.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The value of header `name` (first one), if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Decoded query pairs in the order sent.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// Decoded query parameters by name; panics if a name is repeated.
    pub fn query_map(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (name, value) in self.query_pairs() {
            if let Some(old) = map.insert(name.clone(), value) {
                panic!("query parameter {name} repeated (first value {old:?})");
            }
        }
        map
    }

    /// The decoded query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The body as UTF-8 text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON; panics if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", self.body_text()))
    }
}

#[derive(Default)]
struct Script {
    queue: VecDeque<StubResponse>,
    routes: HashMap<(Method, String), VecDeque<StubResponse>>,
    requests: Vec<RecordedRequest>,
}

impl Script {
    fn next_for(&mut self, method: &Method, path: &str) -> StubResponse {
        if let Some(queue) = self.routes.get_mut(&(method.clone(), path.to_owned())) {
            let next = if queue.len() > 1 {
                queue.pop_front()
            } else {
                queue.front().cloned()
            };
            if let Some(next) = next {
                return next;
            }
        }
        self.queue.pop_front().unwrap_or_else(|| {
            StubResponse::json(
                501,
                serde_json::json!({
                    "statusCode": 501,
                    "msg": format!("stub server: no response scripted for {method} {path}"),
                    "details": {}
                }),
            )
        })
    }
}

#[derive(Clone)]
struct Connection {
    script: Arc<Mutex<Script>>,
    kill: Arc<Notify>,
}

/// The server; it stops accepting connections when dropped.
pub struct StubServer {
    addr: SocketAddr,
    script: Arc<Mutex<Script>>,
    accept: JoinHandle<()>,
}

impl StubServer {
    /// Binds `127.0.0.1:0` and starts serving on the current Tokio runtime.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("stub: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("stub: local address");
        let script = Arc::new(Mutex::new(Script::default()));
        let accept = tokio::spawn(accept_loop(listener, script.clone()));
        Self {
            addr,
            script,
            accept,
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Appends a response to the global queue, used by requests that match no
    /// route with a scripted response.
    pub fn push(&self, response: StubResponse) -> &Self {
        self.lock().queue.push_back(response);
        self
    }

    /// Appends a response for requests with this method and path (no query);
    /// a route's responses are served in order and its last one repeats.
    pub fn route(&self, method: &str, path: &str, response: StubResponse) -> &Self {
        let method = Method::from_bytes(method.as_bytes()).expect("stub: method");
        self.lock()
            .routes
            .entry((method, path.to_owned()))
            .or_default()
            .push_back(response);
        self
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The only request received; panics unless exactly one arrived.
    pub fn single_request(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.into_iter().next().expect("one request")
    }

    /// Number of scripted responses still queued in the global queue.
    pub fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        // A panicking test thread must not hide the recorded requests.
        self.script.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, script: Arc<Mutex<Script>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let connection = Connection {
            script: script.clone(),
            kill: Arc::new(Notify::new()),
        };
        tokio::spawn(async move {
            let kill = connection.kill.clone();
            let app = Router::new().fallback(handle).with_state(connection);
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
            // Dropping the connection future closes the socket at once.
            tokio::select! {
                _ = served => {}
                _ = kill.notified() => {}
            }
        });
    }
}

async fn handle(State(connection): State<Connection>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let response = {
        let mut script = connection.script.lock().unwrap_or_else(|e| e.into_inner());
        script.requests.push(RecordedRequest {
            method: parts.method,
            path: path.clone(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
        });
        script.next_for(&method, &path)
    };
    if response.drop_connection {
        connection.kill.notify_one();
        match std::future::pending::<Infallible>().await {}
    }
    response.into_response()
}
