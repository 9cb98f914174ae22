//! Error conversion from in-memory responses and every progenitor variant.

use std::error::Error as _;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use ngrok_ai_client_handwritten::response::{from_progenitor, from_response};
use ngrok_ai_client_handwritten::{ClientBuilder, ClientConfig, Error, ErrorBody};
use progenitor_client::{Error as P, ResponseValue};

fn config() -> ClientConfig {
    ClientBuilder::new()
        .api_key("test-api-key-123")
        .build_parts()
        .unwrap()
        .2
}

fn response(status: u16, body: &'static str) -> reqwest::Response {
    reqwest::Response::from(
        http::Response::builder()
            .status(status)
            .header("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")
            .body(body)
            .unwrap(),
    )
}

#[tokio::test]
async fn unexpected_response_becomes_api_error() {
    let err: P<()> = P::UnexpectedResponse(response(
        409,
        r#"{"statusCode":409,"msg":"provider is referenced","details":{"by":"pk_1"}}"#,
    ));
    let error = from_progenitor(
        "DeleteAIGatewayProvider",
        StatusCode::NO_CONTENT,
        &config(),
        err,
    )
    .await;
    assert!(error.is_conflict());
    assert!(!error.is_retryable());
    let api = error.api_error().unwrap();
    assert_eq!(api.error_code(), None);
    assert_eq!(
        api.body(),
        Some(&ErrorBody {
            error_code: None,
            status_code: Some(409),
            msg: "provider is referenced".to_owned(),
            details: [("by".to_owned(), "pk_1".to_owned())].into(),
        })
    );
    // A date in the past means "retry now".
    assert_eq!(api.retry_after(), Some(std::time::Duration::ZERO));
    assert!(error.source().is_none());
}

#[tokio::test]
async fn unexpected_success_status_is_reported_as_unexpected() {
    let err: P<()> = P::UnexpectedResponse(response(204, ""));
    let error = from_progenitor("GetX", StatusCode::OK, &config(), err).await;
    assert_eq!(error.status(), Some(StatusCode::NO_CONTENT));
    assert_eq!(
        error.to_string(),
        "GetX failed: unexpected status 204 No Content (empty body)"
    );
}

#[tokio::test]
async fn non_json_bodies_never_panic() {
    for body in [
        "",
        "   ",
        "{",
        "null",
        "[1,2]",
        "\u{0}\u{1}",
        "{\"msg\":5}",
        "<html>",
    ] {
        let error = from_response("Op", &config(), response(500, body)).await;
        assert!(error.is_server_error(), "{body:?}");
        let _ = error.to_string();
    }
}

#[tokio::test]
async fn invalid_payload_becomes_decode_with_redacted_snippet() {
    let source = serde_json::from_str::<u32>("\"x\"").unwrap_err();
    let bytes = Bytes::from_static(br#"{"id":"ak_1","token":"ng-abc-g1-secret"}"#);
    let err: P<()> = P::InvalidResponsePayload(bytes, source);
    let error = from_progenitor(
        "CreateAIGatewayAccessKey",
        StatusCode::CREATED,
        &config(),
        err,
    )
    .await;
    let Error::Decode {
        operation,
        status,
        snippet,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "CreateAIGatewayAccessKey");
    assert_eq!(*status, StatusCode::CREATED);
    assert!(snippet.contains("ak_1"));
    assert!(!snippet.contains("secret"), "{snippet}");
    assert!(!format!("{error:?}").contains("ng-abc"));
    assert!(error.source().is_some());
    assert_eq!(
        error.to_string(),
        "CreateAIGatewayAccessKey failed: the 201 Created response body does not match the expected schema"
    );
}

#[tokio::test]
async fn request_errors_become_invalid_request() {
    for err in [
        P::<()>::InvalidRequest("bad id".into()),
        P::<()>::Custom("bad id".into()),
    ] {
        let error = from_progenitor("GetX", StatusCode::OK, &config(), err).await;
        assert!(matches!(
            &error,
            Error::InvalidRequest { operation: "GetX", message } if message == "bad id"
        ));
        assert_eq!(error.status(), None);
    }
}

#[tokio::test]
async fn error_response_becomes_api_error_without_body() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("3"));
    let value = ResponseValue::new((), StatusCode::SERVICE_UNAVAILABLE, headers);
    let error = from_progenitor("GetX", StatusCode::OK, &config(), P::ErrorResponse(value)).await;
    let api = error.api_error().unwrap();
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.body(), None);
    assert_eq!(api.retry_after(), Some(std::time::Duration::from_secs(3)));
}

#[tokio::test]
async fn communication_errors_become_transport() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://user:pw@{}/x?beforeId=secret-ish",
        listener.local_addr().unwrap()
    );
    drop(listener);
    ngrok_ai_client_handwritten::config::install_crypto_provider();
    let source = reqwest::get(&url).await.unwrap_err();
    let error = from_progenitor(
        "ListX",
        StatusCode::OK,
        &config(),
        P::<()>::CommunicationError(source),
    )
    .await;
    assert!(matches!(error, Error::Transport { .. }));
    assert!(!error.is_timeout());
    let debug = format!("{error:?}");
    assert!(
        !debug.contains("secret-ish") && !debug.contains("pw"),
        "{debug}"
    );
    let cause = error.source().unwrap().to_string();
    assert!(!cause.contains("secret-ish"), "{cause}");
}

#[test]
fn the_error_stays_small() {
    // Every `Result<T, Error>` carries this size; big parts are boxed.
    assert!(
        std::mem::size_of::<Error>() <= 80,
        "{}",
        std::mem::size_of::<Error>()
    );
}
