//! Test support for `ngrok-ai`: a local HTTP server that scripts and records
//! exchanges ([`StubServer`]), and helpers to point a client at it and check
//! what the client sent.

pub mod cassette;
pub mod contract;
pub mod fixtures;
pub mod record;
pub mod stub;

/// The README's Rust example, compiled by `cargo test` so the newcomer's path cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExample;

use std::time::Duration;

pub use stub::{RecordedRequest, StubResponse, StubServer};

use ngrok_ai::{Client, RetryPolicy};

/// The API key every test client sends.
pub const API_KEY: &str = "ngai_test_2pZ6wE9rT2yU5iO8pA1sD4fG7hJk_SECRETVALUE";

/// The default retry policy with 1 ms backoffs, so retry tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
}

/// A client for `server` authenticated with [`API_KEY`], using [`fast_retries`].
pub fn client_for(server: &StubServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .retry_policy(fast_retries())
        .build()
        .expect("client for the stub server")
}

/// Asserts the headers this SDK must send on every request: `Authorization:
/// Bearer <API_KEY>`, a `User-Agent` starting with `ngrok-ai/`, and no
/// `api-version`.
pub fn assert_sdk_headers(request: &RecordedRequest) {
    let expected = format!("Bearer {API_KEY}");
    assert_eq!(
        request.header("authorization"),
        Some(expected.as_str()),
        "authorization of {} {}",
        request.method,
        request.path
    );
    assert_eq!(
        request.headers.get_all("authorization").iter().count(),
        1,
        "exactly one authorization header"
    );
    let agent = request.header("user-agent").unwrap_or_default();
    assert!(agent.starts_with("ngrok-ai/"), "user-agent {agent:?}");
    assert!(
        request.headers.get("api-version").is_none(),
        "api-version header must not be sent: {:?}",
        request.headers
    );
}

/// Asserts method, path and the exact set of decoded query parameters.
pub fn assert_request_line(
    request: &RecordedRequest,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
) {
    assert_eq!(
        request.method.as_str(),
        method,
        "method of {}",
        request.path
    );
    assert_eq!(request.path, path, "path");
    let mut expected: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    expected.sort();
    let mut actual = request.query_pairs();
    actual.sort();
    assert_eq!(
        actual, expected,
        "query of {method} {path}: {:?}",
        request.query
    );
}

/// Asserts `content-type: application/json` and that the body is exactly
/// `expected` as JSON (so omitted fields must really be omitted).
pub fn assert_json_body(request: &RecordedRequest, expected: &serde_json::Value) {
    assert_eq!(
        request.header("content-type"),
        Some("application/json"),
        "content-type of {} {}",
        request.method,
        request.path
    );
    assert_eq!(
        &request.json(),
        expected,
        "body of {} {}",
        request.method,
        request.path
    );
}
