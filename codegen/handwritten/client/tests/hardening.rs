//! The client against a hostile server (issue 11): oversized bodies, redirects,
//! secrets and control characters in error text, and path IDs that would not stay
//! one segment. Each call goes through `execute` and `from_progenitor` the way the
//! generated `send()` does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ngrok_ai_client_handwritten::response::from_progenitor;
use ngrok_ai_client_handwritten::retry::execute;
use ngrok_ai_client_handwritten::{ClientBuilder, ClientConfig, Error, RetryPolicy};
use progenitor_client::{Error as P, ResponseValue};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const API_KEY: &str = "ngrok-api-key-SECRET-42";

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Sends this raw response and closes.
    Raw(String),
    /// Sends the head, then `chunks` chunks of `size` bytes (chunked encoding),
    /// then keeps the connection open without ending the body until the client
    /// closes it.
    Stream {
        head: String,
        size: usize,
        chunks: usize,
    },
    /// Sends this raw response, then keeps the connection open.
    Hold(String),
}

fn raw(status: &str, headers: &[&str], body: &str) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    Reply::Raw(text)
}

fn json(status: &str, body: &str) -> Reply {
    raw(status, &["content-type: application/json"], body)
}

/// Serves each connection with the next reply; counts connections.
async fn serve(replies: Vec<Reply>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        let mut replies = replies.into_iter();
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let reply = replies.next();
            tokio::spawn(async move {
                read_head(&mut socket).await;
                match reply {
                    None => {}
                    Some(Reply::Raw(text)) => {
                        let _ = socket.write_all(text.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                    Some(Reply::Hold(text)) => {
                        let _ = socket.write_all(text.as_bytes()).await;
                        hold(socket).await;
                    }
                    Some(Reply::Stream { head, size, chunks }) => {
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let chunk = format!("{size:x}\r\n{}\r\n", "x".repeat(size));
                        for _ in 0..chunks {
                            if socket.write_all(chunk.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                        hold(socket).await;
                    }
                }
            });
        }
    });
    (base, count)
}

async fn read_head(socket: &mut TcpStream) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

/// Waits until the client closes the connection (bounded, so a test that
/// fails cannot hang the suite).
async fn hold(mut socket: TcpStream) {
    let mut buf = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
    })
    .await;
}

fn builder(base: &str) -> ClientBuilder {
    ClientBuilder::new()
        .api_key(API_KEY)
        .base_url(base)
        .retry_policy(RetryPolicy::disabled())
        // Bounds a test that fails by waiting for a body that never ends.
        .timeout(Duration::from_secs(10))
}

/// What the generated `send()` of a GET returning `T` with status 200 does.
async fn call<T: serde::de::DeserializeOwned>(
    parts: &(String, reqwest::Client, ClientConfig),
    path: &str,
) -> Result<T, Error> {
    let (base, http, config) = parts;
    let request = http.get(format!("{base}{path}")).build().unwrap();
    let result: Result<T, P<()>> = match execute(http, config, request, "GetThing").await {
        Err(source) => Err(P::CommunicationError(source)),
        Ok(response) if response.status() == StatusCode::OK => {
            ResponseValue::<T>::from_response(response)
                .await
                .map(ResponseValue::into_inner)
        }
        Ok(response) => Err(P::UnexpectedResponse(response)),
    };
    match result {
        Ok(value) => Ok(value),
        Err(error) => Err(from_progenitor("GetThing", StatusCode::OK, config, error).await),
    }
}

/// Every text the error reports: Display, Debug, and the source chain.
fn all_text(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n{error:#?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    text
}

fn assert_clean(error: &Error, secrets: &[&str]) {
    let text = all_text(error);
    for secret in secrets.iter().chain([&API_KEY]) {
        assert!(!text.contains(secret), "{secret:?} leaks: {text}");
    }
    for c in text.chars() {
        assert!(
            !c.is_control() || c == '\n' || c == '\t',
            "control character {c:?} in: {text:?}"
        );
    }
}

// ---- 1. response body size ----

#[tokio::test]
async fn the_default_limit_is_16_mib() {
    let (_, _, config) = ClientBuilder::new().api_key("k").build_parts().unwrap();
    assert_eq!(config.max_response_bytes(), 16 * 1024 * 1024);
}

#[tokio::test]
async fn an_oversized_content_length_fails_before_the_body_is_read() {
    // 17 MiB announced, nothing sent: reading would wait for the timeout.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17825792\r\n\r\n{\"id\":";
    let (base, _) = serve(vec![Reply::Hold(head.to_owned())]).await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                operation: "GetThing",
                status: StatusCode::OK,
                limit: 16_777_216,
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert!(!error.is_timeout() && !error.is_retryable());
    let text = error.to_string();
    assert!(
        text.contains("GetThing") && text.contains("16777216") && !text.contains("\"id\""),
        "{text}"
    );
}

#[tokio::test]
async fn a_chunked_body_fails_once_it_passes_the_limit() {
    // 64 MiB on offer in 64 KiB chunks, and the body never ends; the limit is 1 MiB.
    let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned();
    let (base, _) = serve(vec![Reply::Stream {
        head,
        size: 64 * 1024,
        chunks: 1024,
    }])
    .await;
    let parts = builder(&base)
        .max_response_bytes(1024 * 1024)
        .build_parts()
        .unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn bodies_within_the_limit_still_decode() {
    let body = r#"{"id":"aigk_1"}"#;
    let chunked = format!(
        "HTTP/1.1 200 OK\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let (base, _) = serve(vec![json("200 OK", body), Reply::Raw(chunked)]).await;
    let parts = builder(&base)
        .max_response_bytes(body.len() as u64)
        .build_parts()
        .unwrap();
    for _ in 0..2 {
        let value: serde_json::Value = call(&parts, "/x").await.unwrap();
        assert_eq!(value["id"], "aigk_1");
    }
}

#[tokio::test]
async fn an_endless_error_body_is_read_only_as_far_as_the_snippet_needs() {
    // A 502 whose chunked body never ends: reading it all would hit the timeout.
    let head = "HTTP/1.1 502 Bad Gateway\r\ntransfer-encoding: chunked\r\n\r\n".to_owned();
    let (base, _) = serve(vec![Reply::Stream {
        head,
        size: 16 * 1024,
        chunks: 64,
    }])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    assert!(error.is_server_error(), "{error:?}");
    let snippet = error.api_error().unwrap().snippet().unwrap();
    assert!(
        snippet.starts_with("xxxx") && snippet.ends_with('…'),
        "{snippet}"
    );
    assert!(snippet.len() <= 512 + '…'.len_utf8());
}

// ---- 3. redirects ----

#[tokio::test]
async fn redirects_are_errors_and_never_followed() {
    let (elsewhere, visits) = serve(vec![json("200 OK", "{}")]).await;
    let location = format!("location: {elsewhere}/steal?token=tok-SECRET-1#frag");
    let (base, _) = serve(vec![raw("307 Temporary Redirect", &[&location], "")]).await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    let Error::Redirect {
        operation,
        status,
        location,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "GetThing");
    assert_eq!(*status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        location.as_deref(),
        Some(format!("{elsewhere}/steal").as_str())
    );
    assert_eq!(error.status(), Some(StatusCode::TEMPORARY_REDIRECT));
    let text = error.to_string();
    assert!(text.contains("307") && text.contains("/steal"), "{text}");
    assert_clean(&error, &["tok-SECRET-1"]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        visits.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_relative_redirect_is_named_too() {
    let (base, _) = serve(vec![raw(
        "301 Moved Permanently",
        &["location: /other?x=1"],
        "",
    )])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    assert!(matches!(error, Error::Redirect { .. }), "{error:?}");
    assert!(error.to_string().contains("/other"), "{error}");
    assert_clean(&error, &[]);
}

// ---- 4. secrets in error text ----

#[tokio::test]
async fn api_error_bodies_echoing_secrets_are_scrubbed() {
    let body = format!(
        r#"{{"errorCode":"ERR_1","msg":"bad header Authorization: Bearer {API_KEY}; key was {API_KEY}","details":{{"value":"sk-provider-SECRET","request":{{"provider":{{"token":"tok-SECRET-2"}}}},"echo":"{{\"apiKey\":\"ak-SECRET-3\"}}"}}}}"#
    );
    let (base, _) = serve(vec![json("400 Bad Request", &body)]).await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    assert!(error.is_bad_request());
    let api = error.api_error().unwrap();
    assert_eq!(api.error_code(), Some("ERR_1"));
    assert_eq!(api.details()["value"], "[REDACTED]");
    assert!(api
        .msg()
        .unwrap()
        .starts_with("bad header Authorization: Bearer [REDACTED]"));
    assert_clean(
        &error,
        &["sk-provider-SECRET", "tok-SECRET-2", "ak-SECRET-3"],
    );
}

#[tokio::test]
async fn non_json_error_pages_are_scrubbed() {
    let page = format!(
        "<html><pre>GET /x\nAuthorization: Bearer {API_KEY}\nbody: {{\"token\": \"tok-SECRET-4\", \"value\": \"sk-SECRET-5\"</pre>"
    );
    let (base, _) = serve(vec![raw(
        "500 Internal Server Error",
        &["content-type: text/html"],
        &page,
    )])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<serde_json::Value>(&parts, "/x").await.unwrap_err();
    assert!(error.api_error().unwrap().snippet().is_some());
    assert_clean(&error, &["tok-SECRET-4", "sk-SECRET-5"]);
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Key {
    id: String,
    token: Option<String>,
    count: Option<u32>,
}

#[tokio::test]
async fn a_token_in_a_body_with_trailing_garbage_is_scrubbed() {
    let (base, _) = serve(vec![json(
        "200 OK",
        r#"{"id":"aigk_1","token":"tok-SECRET-6"} <!-- garbage -->"#,
    )])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<Key>(&parts, "/x").await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_clean(&error, &["tok-SECRET-6"]);
}

#[tokio::test]
async fn decode_errors_name_the_path_not_the_value() {
    let (base, _) = serve(vec![
        json("200 OK", r#"{"id":"aigk_1","count":"tok-SECRET-7"}"#),
        json("200 OK", r#"{"id":7,"token":"tok-SECRET-8"}"#),
    ])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<Key>(&parts, "/x").await.unwrap_err();
    let Error::Decode { source, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(source.path(), "$.count");
    assert_eq!(source.message(), "invalid type: string, expected u32");
    // serde's own message quotes the value; the source the client reports does not.
    let cause = std::error::Error::source(&error).unwrap();
    let cause = format!("{cause} {cause:?}");
    assert!(!cause.contains("tok-SECRET-7"), "{cause}");
    assert!(cause.contains("$.count"), "{cause}");

    // A token next to a wrongly typed field: neither the snippet nor the source shows it.
    let error = call::<Key>(&parts, "/x").await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_clean(&error, &["tok-SECRET-8"]);
}

#[tokio::test]
async fn the_api_key_is_scrubbed_from_any_snippet() {
    let (base, _) = serve(vec![raw(
        "403 Forbidden",
        &[],
        &format!("key {API_KEY} is not allowed"),
    )])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    let error = call::<Key>(&parts, "/x").await.unwrap_err();
    assert!(error.is_forbidden());
    assert!(
        error.to_string().contains("key [REDACTED] is not allowed"),
        "{error}"
    );
    assert_clean(&error, &[]);
}

// ---- 5. control characters ----

#[tokio::test]
async fn control_characters_never_reach_the_message() {
    let body = r#"{"errorCode":"E\u0007","msg":"red \u001b[31malert\u0000 \u009b2J","details":{"k\u001b":"v\u0007"}}"#;
    let html = "<p>\u{1b}]0;owned\u{7}\r\u{1b}[2Kfake log line</p>";
    let (base, _) = serve(vec![
        json("409 Conflict", body),
        raw("502 Bad Gateway", &[], html),
    ])
    .await;
    let parts = builder(&base).build_parts().unwrap();
    for _ in 0..2 {
        let error = call::<Key>(&parts, "/x").await.unwrap_err();
        assert!(matches!(error, Error::Api(_)), "{error:?}");
        assert_clean(&error, &[]);
        assert!(error.to_string().contains("\\u{1b}"), "{error}");
    }
}

// ---- 6. path IDs ----

#[tokio::test]
async fn dot_segments_are_rejected_before_sending() {
    use ngrok_ai_client_handwritten::path::check_segment;
    let (_, _, config) = builder("http://127.0.0.1:9").build_parts().unwrap();
    for id in ["", ".", ".."] {
        // What the generated builder does with a path parameter.
        let error = check_segment("id", id)
            .map_err(P::<()>::InvalidRequest)
            .unwrap_err();
        let error = from_progenitor(
            "DeleteAIGatewayAccessKey",
            StatusCode::NO_CONTENT,
            &config,
            error,
        )
        .await;
        assert!(
            matches!(
                error,
                Error::InvalidRequest {
                    operation: "DeleteAIGatewayAccessKey",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("`id`"), "{error}");
    }
    assert_eq!(
        progenitor_client::encode_path(check_segment("id", "../a b").unwrap()),
        "..%2Fa%20b"
    );
}
