//! The mock rejects what the spec rejects: each kind of invalid request answers 400 with
//! an `Error` body whose `msg` and `details` name the field; bad credentials answer 401;
//! unknown paths 404 and wrong methods 405.

use ngrok_ai::{types, Client};
use ngrok_ai_mock::MockServer;
use serde_json::{json, Value};

/// A plain HTTP client for raw requests (rustls needs its crypto provider first).
fn http() -> reqwest::Client {
    ngrok_ai::runtime::config::install_crypto_provider();
    reqwest::Client::new()
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn send(
    mock: &MockServer,
    method: &str,
    path: &str,
    body: Option<&str>,
    key: Option<&str>,
) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http().request(method, format!("{}{path}", mock.base_url()));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// Asserts a well-formed 400 `Error` naming `field` in `msg` and `details`.
fn assert_bad_request(answer: &Answer, field: &str, reason_part: &str) {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["statusCode"], 400);
    assert_eq!(answer.body["details"]["field"], field, "{}", answer.body);
    let msg = answer.body["msg"].as_str().unwrap();
    assert!(msg.contains(field), "msg {msg:?} names {field}");
    let reason = answer.body["details"]["reason"].as_str().unwrap();
    assert!(
        reason.contains(reason_part),
        "reason {reason:?} ∌ {reason_part:?}"
    );
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let mock = MockServer::start().await;
    let key = Some(mock.api_key());
    let long = "x".repeat(256);
    let cases: Vec<(&str, &str, String, &str, &str)> = vec![
        // missing required
        (
            "POST",
            "/provider-keys",
            json!({"name": "n", "value": "v"}).to_string(),
            "/providerId",
            "is required",
        ),
        (
            "POST",
            "/access-key-configurations",
            json!({}).to_string(),
            "/name",
            "is required",
        ),
        // wrong type
        (
            "POST",
            "/access-keys",
            json!({"name": 5}).to_string(),
            "/name",
            "must be of type string",
        ),
        (
            "PATCH",
            "/gateway-config",
            json!({"maxInputTokens": "many"}).to_string(),
            "/maxInputTokens",
            "must be of type",
        ),
        // too long
        (
            "POST",
            "/api-keys",
            json!({"name": long}).to_string(),
            "/name",
            "at most 255",
        ),
        // too short
        (
            "POST",
            "/providers",
            json!({"providerId": "", "name": "n", "baseUrl": "b"}).to_string(),
            "/providerId",
            "at least 1",
        ),
        // bad enum, nested
        (
            "POST",
            "/access-key-configurations",
            json!({"name": "n", "router": {"rules": [{"steps": [{"type": "robot"}]}]}}).to_string(),
            "/router/rules/0/steps/0/type",
            "must be one of",
        ),
        // unknown field (additionalProperties: false), also inside a nullable wrapper
        (
            "POST",
            "/access-keys",
            json!({"nmae": "typo"}).to_string(),
            "/nmae",
            "is not a known field",
        ),
        (
            "PATCH",
            "/gateway-config",
            json!({"totalTimeout": "1m", "colour": "blue"}).to_string(),
            "/colour",
            "is not a known field",
        ),
        // not nullable
        (
            "PATCH",
            "/gateway-config",
            json!({"totalTimeout": null}).to_string(),
            "/totalTimeout",
            "must be of type string",
        ),
        // below minimum
        (
            "POST",
            "/credits/checkout-session",
            json!({"amount": 0}).to_string(),
            "/amount",
            "at least 1",
        ),
        // JSON syntax, empty body, not an object
        (
            "POST",
            "/api-keys",
            "{\"name\": ".to_owned(),
            "",
            "not valid JSON",
        ),
        ("POST", "/api-keys", String::new(), "", "required"),
        (
            "POST",
            "/api-keys",
            "[]".to_owned(),
            "",
            "must be of type object",
        ),
    ];
    for (method, path, body, field, reason) in cases {
        let answer = send(&mock, method, path, Some(&body), key).await;
        if field.is_empty() {
            assert_eq!(answer.status, 400, "{method} {path} {body}");
            assert_eq!(answer.body["details"]["field"], "");
            assert!(
                answer.body["details"]["reason"]
                    .as_str()
                    .unwrap()
                    .contains(reason),
                "{}",
                answer.body
            );
        } else {
            assert_bad_request(&answer, field, reason);
        }
    }
    // A nullable object whose inner value is wrong names the inner field.
    let id = send(
        &mock,
        "POST",
        "/access-key-configurations",
        Some(r#"{"name":"n"}"#),
        key,
    )
    .await
    .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = send(
        &mock,
        "PATCH",
        &format!("/access-key-configurations/{id}"),
        Some(r#"{"access":{"providers":{"allow":[1]}}}"#),
        key,
    )
    .await;
    assert_bad_request(
        &answer,
        "/access/providers/allow/0",
        "must be of type string",
    );
    // Secrets are never echoed in errors.
    let answer = send(
        &mock,
        "POST",
        "/provider-keys",
        Some(r#"{"providerId":"openai","name":"n","value":"sk-SECRET","extra":1}"#),
        key,
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(!answer.body.to_string().contains("sk-SECRET"));
    // A non-JSON content type is refused.
    let response = http()
        .post(format!("{}/api-keys", mock.base_url()))
        .bearer_auth(mock.api_key())
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    assert!(
        mock.response_violations().is_empty(),
        "{:#?}",
        mock.response_violations()
    );
}

#[tokio::test]
async fn invalid_query_parameters_name_the_parameter() {
    let mock = MockServer::start().await;
    let key = Some(mock.api_key());
    // The page size's bounds, as the spec gives them.
    let (min, max) = ngrok_ai_tests::contract::query_bounds("ListAIGatewayAccessKeys", "limit");
    let (min, max) = (min.unwrap(), max.unwrap());
    let below = format!("/access-keys?limit={}", min - 1);
    let above = format!("/access-keys?limit={}", max + 1);
    let (at_least, at_most) = (format!("at least {min}"), format!("at most {max}"));
    let cases = [
        (below.as_str(), "limit", at_least.as_str()),
        (above.as_str(), "limit", at_most.as_str()),
        ("/providers?limit=ten", "limit", "integer"),
        ("/usage", "startTime", "is required"),
        ("/usage?startTime=yesterday", "startTime", "RFC 3339"),
        (
            "/usage?startTime=2026-11-25T00:00:00Z&endTime=2026-13-01T00:00:00Z",
            "endTime",
            "RFC 3339",
        ),
        (
            "/usage?startTime=2026-11-25T00:00:00Z&includeRetries=maybe",
            "includeRetries",
            "true",
        ),
        (
            "/usage?startTime=2026-11-25T00:00:00Z&cursor=nonsense",
            "cursor",
            "cursor",
        ),
        ("/usage/overview", "startTime", "is required"),
        (
            "/usage/overview?startTime=2026-11-25T00:00:00Z&groupBy=__not-in-the-spec__",
            "groupBy",
            "must be one of",
        ),
    ];
    for (path, field, reason) in cases {
        let answer = send(&mock, "GET", path, None, key).await;
        assert_bad_request(&answer, field, reason);
        assert_eq!(answer.body["details"]["in"], "query");
    }
    // Unknown parameters are ignored.
    assert_eq!(
        send(&mock, "GET", "/access-keys?colour=blue", None, key)
            .await
            .status,
        200
    );
    // HEAD answers the same status without a body.
    let head = send(&mock, "HEAD", &below, None, key).await;
    assert_eq!((head.status, head.body), (400, Value::Null));

    // The typed client checks the spec's bounds itself: the value never reaches the mock.
    let before = mock.journal().len();
    let err = mock
        .client()
        .list_access_keys()
        .limit(max as u32 + 1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, ngrok_ai::Error::InvalidRequest { .. }) && err.to_string().contains("limit"),
        "{err}"
    );
    assert_eq!(mock.journal().len(), before);
    assert!(mock.response_violations().is_empty());
}

#[tokio::test]
async fn authentication_and_routing_errors() {
    let mock = MockServer::start().await;
    for (key, why) in [(None, "missing"), (Some("wrong-key"), "invalid")] {
        let answer = send(&mock, "GET", "/access-keys", None, key).await;
        assert_eq!(answer.status, 401);
        assert_eq!(answer.body["statusCode"], 401);
        assert!(
            answer.body["msg"].as_str().unwrap().contains(why),
            "{}",
            answer.body
        );
        assert!(answer.body["details"].is_object());
        assert_eq!(answer.headers["www-authenticate"], "Bearer");
    }
    let basic = http()
        .get(format!("{}/access-keys", mock.base_url()))
        .basic_auth("user", Some(mock.api_key()))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status().as_u16(), 401);
    // Authentication comes before routing.
    assert_eq!(send(&mock, "GET", "/nope", None, None).await.status, 401);

    let stranger = Client::builder()
        .api_key("ngai_not_a_key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let err = stranger.get_credit_balance().send().await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    let err = stranger
        .create_api_key()
        .body(types::AiGatewayApiKeyCreate::builder())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());

    let key = Some(mock.api_key());
    let answer = send(&mock, "GET", "/access-keys/x/y", None, key).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body["statusCode"], 404);
    let answer = send(&mock, "PUT", "/access-keys", Some("{}"), key).await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.headers["allow"], "GET, HEAD, POST");
    // GET-only paths have no HEAD in the spec.
    assert_eq!(
        send(&mock, "HEAD", "/credits/balance", None, key)
            .await
            .status,
        405
    );
    assert_eq!(
        send(&mock, "DELETE", "/gateway-config", None, key)
            .await
            .status,
        405
    );
    assert!(mock.response_violations().is_empty());
}
