//! The recording reverse proxy.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request as HttpRequest, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response as HttpResponse;

use crate::cassette::{Interaction, Request, Response};

/// Request headers forwarded upstream.
const FORWARDED_REQUEST_HEADERS: [&str; 4] =
    ["authorization", "accept", "content-type", "user-agent"];
/// Response headers not copied back to the client (hop-by-hop, or recomputed).
const DROPPED_RESPONSE_HEADERS: [&str; 4] = [
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];
/// Largest body the proxy reads.
const BODY_LIMIT: usize = 16 * 1024 * 1024;
// ---------------------------------------------------------------------------------------
// The recording proxy
// ---------------------------------------------------------------------------------------

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    exchanges: Arc<Mutex<Vec<Interaction>>>,
}

/// A reverse proxy on `127.0.0.1:0` that forwards to the upstream base URL and records
/// every exchange; it stops when dropped.
pub struct Proxy {
    addr: SocketAddr,
    exchanges: Arc<Mutex<Vec<Interaction>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts forwarding to `upstream` (a base URL; a path prefix is kept).
    ///
    /// # Errors
    /// When the HTTP client cannot be built or the port cannot be bound.
    pub async fn start(upstream: &str) -> Result<Self, String> {
        ngrok_ai::runtime::config::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the forwarding HTTP client: {e}"))?;
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http,
            exchanges: exchanges.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot bind the recording proxy: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("recording proxy address: {e}"))?;
        let app = axum::Router::new().fallback(forward).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            exchanges,
            task,
        })
    }

    /// The proxy's base URL, for the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The exchanges recorded since the last call, in order.
    pub fn take(&self) -> Vec<Interaction> {
        std::mem::take(&mut *self.exchanges.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn header_pairs(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|value| (name.as_str().to_owned(), value.to_owned()))
        })
        .collect()
}

async fn forward(State(state): State<ProxyState>, request: HttpRequest) -> HttpResponse {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let url = match &query {
        Some(query) => format!("{}{path}?{query}", state.upstream),
        None => format!("{}{path}", state.upstream),
    };
    let mut upstream = state.http.request(parts.method.clone(), url);
    for name in FORWARDED_REQUEST_HEADERS {
        for value in parts.headers.get_all(name) {
            upstream = upstream.header(name, value.clone());
        }
    }
    if !body.is_empty() {
        upstream = upstream.body(body.clone());
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(error) => {
            // Not recorded: nothing came back. The client sees a 502 and the tour reports it.
            let message = format!("recording proxy: the upstream request failed: {error}");
            let mut response = HttpResponse::new(Body::from(
                serde_json::json!({"statusCode": 502, "msg": message, "details": {}}).to_string(),
            ));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            return response;
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes: Bytes = answer.bytes().await.unwrap_or_default();

    let interaction = Interaction {
        request: Request::capture(
            parts.method.as_str(),
            &path,
            query.as_deref(),
            header_pairs(&parts.headers),
            &body,
        ),
        response: Response::capture(status.as_u16(), header_pairs(&headers), &bytes),
    };
    state
        .exchanges
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(interaction);

    let mut response = HttpResponse::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !DROPPED_RESPONSE_HEADERS.contains(&name.as_str()) {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_str().as_bytes()),
                HeaderValue::from_bytes(value.as_bytes()),
            ) {
                response.headers_mut().append(name, value);
            }
        }
    }
    response
}
