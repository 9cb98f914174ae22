//! The mock's limits under hostile input (issue 11, points 7 and 8): a bounded journal
//! that keeps little of unauthenticated requests and can be cleared, header-read and
//! body-read timeouts, an oversized `Content-Length` answered 413 before reading, and the
//! JSON `Error` body on every error status, hyper's own (400, 414, 431) included.

use std::time::{Duration, Instant};

use ngrok_ai_mock_handwritten::journal::UNAUTHENTICATED_TEXT_LIMIT;
use ngrok_ai_mock_handwritten::MockServer;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response read off the wire.
#[derive(Debug)]
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        assert!(
            self.head
                .to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{}",
            self.head
        );
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts the spec's `Error` body for `status`.
    fn assert_error(&self, status: u16) {
        assert_eq!(self.status, status, "{}", self.head);
        let body = self.json();
        assert_eq!(body["statusCode"], status, "{body}");
        assert!(
            body["msg"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert!(body["details"].is_object(), "{body}");
    }
}

/// Sends `request` (then, when `close_write`, shuts the write side) and reads one
/// response, within `within`.
async fn exchange(mock: &MockServer, request: &[u8], within: Duration) -> Raw {
    let mut stream = TcpStream::connect(mock.address()).await.unwrap();
    stream.write_all(request).await.unwrap();
    read_response(&mut stream, within).await
}

async fn read_response(stream: &mut TcpStream, within: Duration) -> Raw {
    let mut buf = Vec::new();
    let deadline = Instant::now() + within;
    loop {
        let mut chunk = [0u8; 8192];
        let left = deadline.saturating_duration_since(Instant::now());
        let n = match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Ok(Ok(n)) => n,
            Ok(Err(e)) => panic!("read failed after {} bytes: {e}", buf.len()),
            Err(_) => panic!(
                "no complete response within {within:?}: {:?}",
                String::from_utf8_lossy(&buf)
            ),
        };
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let status = head[9..12].parse().unwrap();
                let body = buf[end + 4..end + 4 + length].to_vec();
                return Raw { status, head, body };
            }
        }
        assert!(n > 0, "closed early: {:?}", String::from_utf8_lossy(&buf));
    }
}

fn authorized(mock: &MockServer, method: &str, target: &str, extra: &str) -> Vec<u8> {
    format!(
        "{method} {target} HTTP/1.1\r\nhost: mock\r\nauthorization: Bearer {}\r\n{extra}\r\n",
        mock.api_key()
    )
    .into_bytes()
}

#[tokio::test]
async fn the_journal_is_a_ring_buffer_and_clears() {
    let mock = MockServer::builder()
        .journal_capacity(5)
        .start()
        .await
        .unwrap();
    let client = mock.client();
    for cents in 0..8 {
        mock.set_credit_balance(cents);
        client.get_credit_balance().send().await.unwrap();
    }
    assert_eq!(mock.journal().len(), 5);
    assert_eq!(mock.journal_dropped(), 3);
    mock.clear_journal();
    assert!(mock.journal().is_empty());
    client.get_credit_balance().send().await.unwrap();
    assert_eq!(mock.journal().len(), 1);

    // The default keeps 10,000.
    let mock = MockServer::start().await;
    let request = format!(
        "GET /credits/balance HTTP/1.1\r\nhost: m\r\nauthorization: Bearer {}\r\n\r\n",
        mock.api_key()
    );
    let mut stream = TcpStream::connect(mock.address()).await.unwrap();
    for _ in 0..10_050 {
        stream.write_all(request.as_bytes()).await.unwrap();
        let raw = read_response(&mut stream, Duration::from_secs(10)).await;
        assert_eq!(raw.status, 200);
    }
    assert_eq!(mock.journal().len(), 10_000);
    assert_eq!(mock.journal_dropped(), 50);
}

#[tokio::test]
async fn unauthenticated_requests_keep_only_a_cut_path_and_query() {
    let mock = MockServer::start().await;
    let query = "q=".to_owned() + &"x".repeat(60_000);
    let path = "/".to_owned() + &"p".repeat(3_000);
    let raw = exchange(
        &mock,
        format!("GET {path}?{query} HTTP/1.1\r\nhost: m\r\nconnection: close\r\n\r\n").as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    raw.assert_error(401);
    let journal = mock.journal();
    let entry = journal.last().unwrap();
    assert_eq!(entry.status, Some(401));
    assert!(
        entry.path.len() <= UNAUTHENTICATED_TEXT_LIMIT + 3,
        "{}",
        entry.path.len()
    );
    let kept = entry.query.as_deref().unwrap();
    assert!(kept.len() <= UNAUTHENTICATED_TEXT_LIMIT + 3 && kept.starts_with("q=xxx"));
    // An authenticated request keeps its query whole.
    let raw = exchange(
        &mock,
        &authorized(
            &mock,
            "GET",
            &format!("/credits/balance?{query}"),
            "connection: close\r\n",
        ),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(raw.status, 200);
    assert_eq!(
        mock.journal().last().unwrap().query.as_deref(),
        Some(query.as_str())
    );
}

#[tokio::test]
async fn the_journal_control_endpoint_lists_and_clears() {
    let mock = MockServer::start().await;
    mock.client().get_credit_balance().send().await.unwrap();
    let close = "connection: close\r\n";
    let listed = exchange(
        &mock,
        &authorized(&mock, "GET", "/_mock/journal", close),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(listed.status, 200);
    let body = listed.json();
    assert_eq!(body["capacity"], 10_000);
    assert_eq!(body["entries"][0]["operation"], "GetCreditBalance");
    assert_eq!(body["entries"].as_array().unwrap().len(), 1, "{body}");
    let stranger = exchange(
        &mock,
        b"DELETE /_mock/journal HTTP/1.1\r\nhost: m\r\nconnection: close\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    stranger.assert_error(401);
    assert_eq!(
        mock.journal().len(),
        1,
        "control requests are not journaled"
    );
    let cleared = exchange(
        &mock,
        &authorized(&mock, "DELETE", "/_mock/journal", close),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(cleared.status, 204);
    assert!(mock.journal().is_empty());
    exchange(
        &mock,
        &authorized(&mock, "PUT", "/_mock/journal", close),
        Duration::from_secs(5),
    )
    .await
    .assert_error(405);
}

#[tokio::test]
async fn an_announced_oversized_body_is_answered_413_before_reading() {
    let mock = MockServer::start().await;
    let started = Instant::now();
    let raw = exchange(
        &mock,
        &authorized(
            &mock,
            "POST",
            "/access-keys",
            "content-type: application/json\r\ncontent-length: 52428800\r\n",
        ),
        Duration::from_secs(5),
    )
    .await;
    raw.assert_error(413);
    assert!(started.elapsed() < Duration::from_secs(2));
    // A chunked body over the limit as well.
    let small = MockServer::builder()
        .max_body_bytes(64)
        .start()
        .await
        .unwrap();
    let mut request = authorized(
        &small,
        "POST",
        "/access-keys",
        "content-type: application/json\r\ntransfer-encoding: chunked\r\n",
    );
    let chunk = format!("{{\"name\": \"{}\"}}", "n".repeat(100));
    request.extend_from_slice(format!("{:x}\r\n{chunk}\r\n0\r\n\r\n", chunk.len()).as_bytes());
    exchange(&small, &request, Duration::from_secs(5))
        .await
        .assert_error(413);
}

#[tokio::test]
async fn a_stalled_body_is_answered_408() {
    let mock = MockServer::builder()
        .body_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut request = authorized(
        &mock,
        "POST",
        "/access-keys",
        "content-type: application/json\r\ncontent-length: 100\r\n",
    );
    request.extend_from_slice(b"{\"name\":");
    let started = Instant::now();
    let raw = exchange(&mock, &request, Duration::from_secs(5)).await;
    raw.assert_error(408);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_stalled_head_closes_the_connection() {
    let mock = MockServer::builder()
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(mock.address()).await.unwrap();
    stream
        .write_all(b"GET /credits/balance HTTP/1.1\r\nhost: m\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    assert!(closed.is_ok(), "the connection is still open");
}

#[tokio::test]
async fn hyper_errors_have_the_json_error_body() {
    let mock = MockServer::start().await;
    // 431: more than 100 headers.
    let mut many = String::from("GET /credits/balance HTTP/1.1\r\nhost: m\r\n");
    for i in 0..120 {
        many.push_str(&format!("x-h{i}: v\r\n"));
    }
    many.push_str("\r\n");
    exchange(&mock, many.as_bytes(), Duration::from_secs(5))
        .await
        .assert_error(431);
    // 414: a URI over 65,534 bytes.
    let long = format!(
        "GET /credits/balance?q={} HTTP/1.1\r\nhost: m\r\n\r\n",
        "x".repeat(70_000)
    );
    exchange(&mock, long.as_bytes(), Duration::from_secs(5))
        .await
        .assert_error(414);
    // 400: not HTTP.
    exchange(
        &mock,
        b"GET / HTTP/1.1\r\nbad header\r\n\r\n",
        Duration::from_secs(5),
    )
    .await
    .assert_error(400);
    // The server still answers.
    mock.client().get_credit_balance().send().await.unwrap();
}
