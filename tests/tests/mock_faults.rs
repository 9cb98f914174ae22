//! Fault injection: the client's retries against injected failures, and what it sees
//! when retries are off.

use std::time::{Duration, Instant};

use ngrok_ai::{types, RetryPolicy};
use ngrok_ai_mock::{Fault, MockServer};

async fn with_key(mock: &MockServer) -> String {
    mock.client()
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::builder().name("k".to_string()))
        .send()
        .await
        .unwrap()
        .id
}

fn statuses(mock: &MockServer, operation: &str) -> Vec<Option<u16>> {
    mock.journal()
        .into_iter()
        .filter(|e| e.operation.as_deref() == Some(operation))
        .map(|e| e.status)
        .collect()
}

#[tokio::test]
async fn client_retries_past_injected_503s() {
    let mock = MockServer::start().await;
    let id = with_key(&mock).await;
    mock.inject(Fault::status("GetAIGatewayAccessKey", 503).times(2));
    let key = mock.client().get_access_key().id(&id).send().await.unwrap();
    assert_eq!(key.id, id);
    assert_eq!(
        statuses(&mock, "GetAIGatewayAccessKey"),
        [Some(503), Some(503), Some(200)]
    );
    let faulted: Vec<bool> = mock
        .journal()
        .into_iter()
        .filter(|e| e.operation.as_deref() == Some("GetAIGatewayAccessKey"))
        .map(|e| e.faulted)
        .collect();
    assert_eq!(faulted, [true, true, false]);

    // Without retries the injected status is what the caller sees, with an Error body.
    mock.inject(Fault::status("GetAIGatewayAccessKey", 503));
    let err = mock
        .client_with(RetryPolicy::disabled())
        .get_access_key()
        .id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_server_error(), "{err}");
    assert!(err.api_error().unwrap().msg().unwrap().contains("injected"));
    // POST is not retried by default.
    mock.inject(Fault::status("CreateAIGatewayAccessKey", 500));
    let err = mock
        .client()
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::builder())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(mock.response_violations().is_empty());
}

#[tokio::test]
async fn rate_limit_with_retry_after_is_honoured() {
    let mock = MockServer::start().await;
    mock.inject(Fault::status("GetCreditBalance", 429).retry_after(1));
    let started = Instant::now();
    mock.client().get_credit_balance().send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(statuses(&mock, "GetCreditBalance"), [Some(429), Some(200)]);

    mock.inject(Fault::status("GetCreditBalance", 429).retry_after(1));
    let err = mock
        .client_with(RetryPolicy::disabled())
        .get_credit_balance()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(
        err.api_error().unwrap().retry_after(),
        Some(Duration::from_secs(1))
    );
}

#[tokio::test]
async fn dropped_connection_is_a_transport_error_without_retries() {
    let mock = MockServer::start().await;
    let id = with_key(&mock).await;
    mock.inject(Fault::drop_connection("GetAIGatewayAccessKey"));
    let err = mock
        .client_with(RetryPolicy::disabled())
        .get_access_key()
        .id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none(), "no HTTP status: {err}");
    assert!(err.api_error().is_none());
    assert!(matches!(err, ngrok_ai::Error::Transport { .. }), "{err:?}");
    assert_eq!(statuses(&mock, "GetAIGatewayAccessKey"), [None]);

    // With retries a GET gets through on the next attempt; the server still serves.
    mock.inject(Fault::drop_connection("GetAIGatewayAccessKey"));
    assert_eq!(
        mock.client()
            .get_access_key()
            .id(&id)
            .send()
            .await
            .unwrap()
            .id,
        id
    );
    assert_eq!(
        statuses(&mock, "GetAIGatewayAccessKey"),
        [None, None, Some(200)]
    );
}

#[tokio::test]
async fn latency_and_wildcards() {
    let mock = MockServer::start().await;
    mock.inject(Fault::latency("*", Duration::from_millis(150)));
    let started = Instant::now();
    mock.client().get_gateway_config().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    mock.inject(Fault::status("*", 503).times(5));
    mock.clear_faults();
    mock.client().get_gateway_config().send().await.unwrap();
    assert_eq!(
        statuses(&mock, "GetAIGatewayConfig"),
        [Some(200), Some(200)]
    );
}
