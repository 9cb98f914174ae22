//! The executor against a hand-rolled HTTP/1.1 server: retries, headers, and
//! error conversion of real responses.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ngrok_ai_client_handwritten::config::ClientBuilder;
use ngrok_ai_client_handwritten::error::Error;
use ngrok_ai_client_handwritten::response::from_response;
use ngrok_ai_client_handwritten::retry::{execute, RetryPolicy};
use ngrok_ai_client_handwritten::ClientConfig;
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Sends this raw response and closes.
    Raw(String),
    /// Closes without answering, which the client sees as a transport error.
    Hangup,
}

fn reply(status: &str, headers: &[&str], body: &str) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    Reply::Raw(text)
}

struct Server {
    base: String,
    /// Request heads, lower-cased, in arrival order.
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// Answers each connection with the next reply; 500 once they run out.
async fn serve(replies: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut replies = replies.into_iter();
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let head = read_request(&mut socket).await;
            log.lock().unwrap().push(head);
            match replies
                .next()
                .unwrap_or_else(|| reply("500 Internal Server Error", &[], "out of replies"))
            {
                Reply::Raw(text) => {
                    let _ = socket.write_all(text.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
                Reply::Hangup => drop(socket),
            }
        }
    });
    Server { base, seen }
}

/// Reads the head and the Content-Length body; returns the head lower-cased.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => data.extend_from_slice(&buf[..n]),
                }
            }
            return head;
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&data).to_lowercase(),
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(20))
}

fn client(base: &str, retry: RetryPolicy) -> (String, reqwest::Client, ClientConfig) {
    ClientBuilder::new()
        .api_key("test-key-123")
        .base_url(base)
        .user_agent_suffix("tests/1")
        .retry_policy(retry)
        .build_parts()
        .unwrap()
}

async fn send(
    base: &str,
    retry: RetryPolicy,
    method: Method,
    path: &str,
) -> reqwest::Result<reqwest::Response> {
    let (base, http, config) = client(base, retry);
    let request = http
        .request(method, format!("{base}{path}"))
        .body("{}")
        .build()
        .unwrap();
    execute(&http, &config, request, "TestOperation").await
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let server = serve(vec![
        reply("503 Service Unavailable", &[], "busy"),
        reply("200 OK", &[], "{}"),
    ])
    .await;
    let response = send(&server.base, fast_retries(), Method::GET, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limit_with_retry_after_zero_is_retried() {
    let server = serve(vec![
        reply("429 Too Many Requests", &["retry-after: 0"], ""),
        reply("200 OK", &[], "{}"),
    ])
    .await;
    let response = send(&server.base, fast_retries(), Method::GET, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_max_backoff_returns_the_response() {
    let server = serve(vec![reply(
        "429 Too Many Requests",
        &["retry-after: 3600"],
        "",
    )])
    .await;
    let response = send(&server.base, fast_retries(), Method::GET, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_last_response() {
    let server = serve(vec![
        reply("502 Bad Gateway", &[], ""),
        reply("503 Service Unavailable", &[], ""),
        reply("504 Gateway Timeout", &[], ""),
        reply("200 OK", &[], ""),
    ])
    .await;
    let response = send(&server.base, fast_retries(), Method::DELETE, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = serve(vec![
        reply("503 Service Unavailable", &[], ""),
        reply("200 OK", &[], "{}"),
    ])
    .await;
    let response = send(&server.base, fast_retries(), Method::POST, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_when_allowed() {
    let server = serve(vec![
        reply("503 Service Unavailable", &[], ""),
        reply("201 Created", &[], "{}"),
    ])
    .await;
    let policy = fast_retries().with_retry_non_idempotent(true);
    let response = send(&server.base, policy, Method::POST, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The body is re-sent on the retry.
    assert!(requests[1].contains("content-length: 2"), "{}", requests[1]);
}

#[tokio::test]
async fn disabled_policy_sends_once() {
    let server = serve(vec![reply("503 Service Unavailable", &[], "")]).await;
    let response = send(&server.base, RetryPolicy::disabled(), Method::GET, "/x")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn dropped_connection_is_retried_for_get_only() {
    let server = serve(vec![Reply::Hangup, Reply::Hangup, Reply::Hangup]).await;
    let error = send(&server.base, fast_retries(), Method::GET, "/x")
        .await
        .unwrap_err();
    assert!(!error.is_connect());
    assert_eq!(server.requests().len(), 3);

    let server = serve(vec![Reply::Hangup, reply("201 Created", &[], "")]).await;
    send(&server.base, fast_retries(), Method::POST, "/x")
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    for method in [Method::GET, Method::POST] {
        let error = send(&base, fast_retries(), method, "/x?beforeId=b")
            .await
            .unwrap_err();
        assert!(error.is_connect(), "{error:?}");
        let error = Error::transport("TestOperation", error);
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "TestOperation failed: could not connect to the server"
        );
        assert!(!format!("{error:?}").contains("beforeId"));
        assert!(std::error::Error::source(&error).is_some());
    }
}

#[tokio::test]
async fn sets_auth_and_user_agent_and_drops_api_version() {
    let server = serve(vec![reply("200 OK", &[], "")]).await;
    send(&server.base, fast_retries(), Method::GET, "/x")
        .await
        .unwrap();
    let head = &server.requests()[0];
    assert!(head.starts_with("get /x http/1.1"), "{head}");
    assert!(
        head.contains("authorization: bearer test-key-123"),
        "{head}"
    );
    assert!(
        head.contains(concat!(
            "user-agent: ngrok-ai-client-handwritten/",
            env!("CARGO_PKG_VERSION"),
            " tests/1"
        )),
        "{head}"
    );
}

#[tokio::test]
async fn user_supplied_client_is_authenticated_too() {
    let server = serve(vec![reply("200 OK", &[], "")]).await;
    ngrok_ai_client_handwritten::config::install_crypto_provider();
    let (base, http, config) = ClientBuilder::new()
        .api_key("custom-key")
        .base_url(&server.base)
        .http_client(reqwest::Client::new())
        .build_parts()
        .unwrap();
    let request = http.get(format!("{base}/y")).build().unwrap();
    execute(&http, &config, request, "Op").await.unwrap();
    assert!(server.requests()[0].contains("authorization: bearer custom-key"));
}

#[tokio::test]
async fn execute_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let (base, http, config) = client("http://127.0.0.1:9", RetryPolicy::disabled());
    let request = http.get(base).build().unwrap();
    let future = execute(&http, &config, request, "Op");
    assert_send(&future);
}

async fn error_for(reply_: Reply) -> Error {
    let server = serve(vec![reply_]).await;
    let response = send(&server.base, RetryPolicy::disabled(), Method::GET, "/x")
        .await
        .unwrap();
    let (_, _, config) = client(&server.base, RetryPolicy::disabled());
    from_response("GetAIGatewayAccessKey", &config, response).await
}

#[tokio::test]
async fn from_response_decodes_an_api_error() {
    let error = error_for(reply(
        "404 Not Found",
        &["content-type: application/json"],
        r#"{"errorCode":"ERR_X","statusCode":404,"msg":"The access key was not found","details":{"id":"ak_1"}}"#,
    ))
    .await;
    assert!(error.is_not_found());
    let api = error.api_error().unwrap();
    assert_eq!(api.operation(), "GetAIGatewayAccessKey");
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.error_code(), Some("ERR_X"));
    assert_eq!(api.msg(), Some("The access key was not found"));
    assert_eq!(api.details().get("id").map(String::as_str), Some("ak_1"));
    assert_eq!(api.snippet(), None);
    assert_eq!(
        error.to_string(),
        "GetAIGatewayAccessKey failed: 404 Not Found: The access key was not found (errorCode ERR_X)"
    );
}

#[tokio::test]
async fn from_response_keeps_a_snippet_of_html() {
    let html = format!("<html><body>{}</body></html>", "bad gateway ".repeat(100));
    let error = error_for(reply(
        "502 Bad Gateway",
        &["content-type: text/html", "retry-after: 7"],
        &html,
    ))
    .await;
    assert!(error.is_server_error() && error.is_retryable());
    let api = error.api_error().unwrap();
    assert_eq!(api.body(), None);
    assert_eq!(api.msg(), None);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(7)));
    let snippet = api.snippet().unwrap();
    assert!(snippet.starts_with("<html><body>bad gateway"));
    assert!(snippet.ends_with('…'));
    assert!(snippet.len() <= 512 + '…'.len_utf8());
}

#[tokio::test]
async fn from_response_handles_an_empty_body() {
    let error = error_for(reply("401 Unauthorized", &[], "")).await;
    assert!(error.is_unauthorized());
    let api = error.api_error().unwrap();
    assert_eq!(api.body(), None);
    assert_eq!(api.snippet(), None);
    assert_eq!(
        error.to_string(),
        "GetAIGatewayAccessKey failed: 401 Unauthorized (empty body)"
    );
}

#[tokio::test]
async fn from_response_reports_a_truncated_body_as_transport() {
    // Promises 100 bytes, sends 10, then closes.
    let raw = "HTTP/1.1 500 Internal Server Error\r\nconnection: close\r\ncontent-length: 100\r\n\r\n{\"msg\":\"tr";
    let error = error_for(Reply::Raw(raw.to_owned())).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("GetAIGatewayAccessKey"));
}

/// A `transfer-encoding: chunked` answer whose body is `pieces`, one chunk each.
fn chunked(pieces: &[&str]) -> Reply {
    let mut text = String::from(
        "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
    );
    for piece in pieces {
        text.push_str(&format!("{:x}\r\n{piece}\r\n", piece.len()));
    }
    text.push_str("0\r\n\r\n");
    Reply::Raw(text)
}

#[tokio::test]
async fn a_success_body_in_pieces_decodes_as_one() {
    use ngrok_ai_client_handwritten::decode::success;
    let pieces = [r#"{"items":[1,2"#, r#",3],"next"#, r#"":"a\u00e9b"}"#];
    let server = serve(vec![
        chunked(&pieces),
        chunked(&[r#"{"items":[1,"#, "oops]}"]),
    ])
    .await;

    let response = send(&server.base, RetryPolicy::disabled(), Method::GET, "/x")
        .await
        .unwrap();
    let value = success::<serde_json::Value, ()>(response).await.unwrap();
    assert_eq!(value.status(), reqwest::StatusCode::OK);
    assert_eq!(value.headers()["content-type"], "application/json");
    assert_eq!(
        value.into_inner(),
        serde_json::json!({"items": [1, 2, 3], "next": "a\u{e9}b"})
    );

    // A bad body is progenitor's InvalidResponsePayload, carrying the whole body.
    let response = send(&server.base, RetryPolicy::disabled(), Method::GET, "/x")
        .await
        .unwrap();
    match success::<serde_json::Value, ()>(response).await {
        Err(progenitor_client::Error::InvalidResponsePayload(body, _)) => {
            assert_eq!(&body[..], br#"{"items":[1,oops]}"#)
        }
        other => panic!("{other:?}"),
    }
}
