//! Cross-cutting behaviour of the generated client against the stub server:
//! PATCH null/omit semantics, pagination, errors, retries, forward
//! compatibility, secret hygiene and client construction.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai::types::{self, RouterStepKeySelectionStrategy as Strategy, RouterStepType};
use ngrok_ai::{Client, ClientBuilder, Error, Nullable, RetryPolicy};
use ngrok_ai_tests::fixtures::{self as fx, ts};
use ngrok_ai_tests::{
    assert_json_body, assert_sdk_headers, client_for, fast_retries, StubResponse, StubServer,
    API_KEY,
};
use serde_json::{json, Value};

async fn setup() -> (StubServer, Client) {
    let server = StubServer::start().await;
    let client = client_for(&server);
    (server, client)
}

/// An access key list item with this ID.
fn key_item(id: &str) -> Value {
    let mut key = fx::access_key();
    key["id"] = json!(id);
    key
}

fn keys_page(ids: &[&str], next: Option<&str>) -> StubResponse {
    let items = ids.iter().map(|id| key_item(id)).collect();
    StubResponse::json(200, fx::page("aiGatewayAccessKeys", items, next))
}

/// Asserts that neither `Display` nor `Debug` of `error` contains the API key.
fn assert_no_api_key(error: &Error) {
    let text = format!("{error} | {error:?}");
    assert!(!text.contains(API_KEY), "API key leaks: {text}");
    assert!(!text.contains("SECRETVALUE"), "API key leaks: {text}");
}

// ---- PATCH: omit / null / value --------------------------------------------

#[tokio::test]
async fn patch_access_key_sends_null_value_and_omits_none() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(200, fx::access_key()));
    client
        .update_access_key()
        .id(fx::ACCESS_KEY_ID)
        .body(types::AiGatewayAccessKeyUpdate {
            description: Some(Nullable::Null),
            name: Some(Nullable::Value("support-bot-v2".to_owned())),
            metadata: None,
            access_key_configuration_id: None,
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let request = server.single_request();
    assert_json_body(
        &request,
        &json!({"description": null, "name": "support-bot-v2"}),
    );
    // Exactly these two members, nothing else (no `metadata: null`).
    let text = request.body_text();
    assert!(
        !text.contains("metadata") && !text.contains("accessKeyConfigurationId"),
        "{text}"
    );
}

#[tokio::test]
async fn patch_access_key_through_body_map_builder() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(200, fx::access_key()));
    client
        .update_access_key()
        .id(fx::ACCESS_KEY_ID)
        .body_map(|b| {
            b.description(Some(Nullable::Null))
                .name(Some(Nullable::Value("support-bot-v2".to_owned())))
        })
        .send()
        .await
        .unwrap();
    assert_json_body(
        &server.single_request(),
        &json!({"description": null, "name": "support-bot-v2"}),
    );
}

#[tokio::test]
async fn patch_gateway_config_clears_max_output_tokens() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(200, fx::gateway_config()));
    client
        .update_gateway_config()
        .body(types::AiGatewayConfigUpdate {
            max_output_tokens: Some(Nullable::Null),
            max_input_tokens: Some(Nullable::Value(100_000)),
            metadata: None,
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_json_body(
        &server.single_request(),
        &json!({"maxOutputTokens": null, "maxInputTokens": 100000}),
    );
}

#[tokio::test]
async fn patch_with_nothing_set_sends_an_empty_object() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(200, fx::gateway_config()));
    client
        .update_gateway_config()
        .body(types::AiGatewayConfigUpdate::default())
        .send()
        .await
        .unwrap();
    assert_json_body(&server.single_request(), &json!({}));
}

/// The spec: `allow` absent = unrestricted, `[]` = nothing allowed. An empty
/// allow-list must reach the server as `[]`, not vanish (which would widen
/// access to everything).
#[tokio::test]
async fn empty_allow_list_is_sent_as_empty_array() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(201, fx::access_key_configuration()));
    client
        .create_access_key_configuration()
        .body(
            types::AiGatewayAccessKeyConfigurationCreate::builder()
                .name("locked-down".to_owned())
                .description(None)
                .metadata(None)
                .access(Some(types::AccessScope {
                    providers: Some(types::AccessDimension {
                        allow: Some(vec![]),
                        ..Default::default()
                    }),
                    models: None,
                    ..Default::default()
                }))
                .router(None),
        )
        .send()
        .await
        .unwrap();
    assert_json_body(
        &server.single_request(),
        &json!({"name": "locked-down", "access": {"providers": {"allow": []}}}),
    );
}

/// The read side of the same rule: `{"allow": []}` (nothing allowed) must
/// not decode to the same value as `{}` (unrestricted).
#[test]
fn empty_allow_list_is_distinguishable_from_absent_on_read() {
    let nothing: types::AccessDimension = serde_json::from_value(json!({"allow": []})).unwrap();
    let everything: types::AccessDimension = serde_json::from_value(json!({})).unwrap();
    assert_ne!(
        nothing, everything,
        "`allow: []` and absent `allow` decode the same"
    );
    assert_eq!(
        serde_json::to_value(&nothing).unwrap(),
        json!({"allow": []})
    );
}

// ---- pagination ----------------------------------------------------------------

#[tokio::test]
async fn stream_follows_before_id_across_pages() {
    let (server, client) = setup().await;
    let base = server.url();
    let next1 = format!("{base}/access-keys?beforeId=aigk_b&limit=2");
    let next2 = "https://api.ngrok.ai/access-keys?limit=2&beforeId=aigk_d";
    server.push(keys_page(&["aigk_a", "aigk_b"], Some(&next1)));
    server.push(keys_page(&["aigk_c", "aigk_d"], Some(next2)));
    server.push(keys_page(&["aigk_e"], None));

    let keys: Vec<types::AiGatewayAccessKey> = client
        .list_access_keys()
        .limit(2u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["aigk_a", "aigk_b", "aigk_c", "aigk_d", "aigk_e"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_sdk_headers(request);
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/access-keys");
        assert_eq!(request.query_param("limit").as_deref(), Some("2"));
    }
    assert_eq!(requests[0].query_param("beforeId"), None);
    assert_eq!(
        requests[1].query_param("beforeId").as_deref(),
        Some("aigk_b")
    );
    assert_eq!(
        requests[2].query_param("beforeId").as_deref(),
        Some("aigk_d")
    );
    assert_eq!(requests[2].query_map().len(), 2, "{:?}", requests[2].query);
}

#[tokio::test]
async fn stream_fetches_pages_lazily() {
    let (server, client) = setup().await;
    server.push(keys_page(
        &["aigk_a", "aigk_b"],
        Some("/access-keys?beforeId=aigk_b&limit=2"),
    ));
    server.push(keys_page(&["aigk_c"], None));

    let first_two: Vec<_> = client
        .list_access_keys()
        .limit(2u32)
        .stream()
        .take(2)
        .collect()
        .await;
    assert_eq!(first_two.len(), 2);
    assert!(first_two.iter().all(Result::is_ok));
    assert_eq!(
        server.requests().len(),
        1,
        "the second page must not be fetched"
    );

    // Dropping the stream before polling it sends nothing at all.
    drop(client.list_access_keys().stream());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn usage_stream_follows_cursor_from_relative_next_page_uri() {
    let (server, client) = setup().await;
    let mut first = fx::usage_list();
    first["nextPageUri"] = json!(format!(
        "/usage?startTime=2026-11-26T00%3A00%3A00Z&limit=2&cursor={}",
        fx::USAGE_CURSOR
    ));
    let mut last = fx::usage_list();
    last["aiGatewayUsage"].as_array_mut().unwrap().truncate(1);
    last["aiGatewayUsage"][0]["id"] = json!("aigue_2pZ9zOldest");
    last["nextPageUri"] = Value::Null;
    server.push(StubResponse::json(200, first));
    server.push(StubResponse::json(200, last));

    let events: Vec<types::AiGatewayUsageEvent> = client
        .list_usage()
        .start_time(ts("2026-11-26T00:00:00Z"))
        .limit(2u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aigue_2pZ9aQ1sW2eD3rF4tG5yH6uJ7iK",
            "aigue_2pZ9bR2tX3fE4sG5uH6vJ7wK8xL",
            "aigue_2pZ9zOldest"
        ]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].query_param("cursor"), None);
    assert_eq!(
        requests[1].query_param("cursor").as_deref(),
        Some(fx::USAGE_CURSOR)
    );
    for request in &requests {
        assert_eq!(request.path, "/usage");
        assert_eq!(
            request.query_param("startTime").as_deref(),
            Some("2026-11-26T00:00:00Z")
        );
        assert_eq!(request.query_param("limit").as_deref(), Some("2"));
    }
}

#[tokio::test]
async fn next_page_uri_without_cursor_is_a_pagination_error() {
    let (server, client) = setup().await;
    // A beforeId list whose nextPageUri carries only `limit`.
    server.push(keys_page(
        &["aigk_a"],
        Some("https://api.ngrok.ai/access-keys?limit=2"),
    ));
    let results: Vec<_> = client.list_access_keys().stream().take(10).collect().await;
    assert!(results.len() <= 2, "{results:?}");
    let error = results.into_iter().last().unwrap().unwrap_err();
    assert!(matches!(error, Error::Pagination { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("ListAIGatewayAccessKeys"));
    assert!(error.to_string().contains("beforeId"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn next_page_uri_without_cursor_keeps_items_already_fetched() {
    // The items of a page are part of the answer even if its nextPageUri is
    // unusable: they should be yielded before the error rather than dropped
    // (a caller that logs and stops then still has every item it was sent).
    let (server, client) = setup().await;
    server.push(keys_page(
        &["aigk_a", "aigk_b"],
        Some("/access-keys?limit=2"),
    ));
    let results: Vec<_> = client.list_access_keys().stream().take(10).collect().await;
    let ok: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|k| k.id.clone())
        .collect();
    assert_eq!(ok, ["aigk_a", "aigk_b"], "{results:?}");
    assert!(
        matches!(results.last(), Some(Err(Error::Pagination { .. }))),
        "{results:?}"
    );
}

#[tokio::test]
async fn repeated_next_page_uri_is_an_error_not_a_loop() {
    let (server, client) = setup().await;
    let same = "https://api.ngrok.ai/access-keys?beforeId=aigk_b&limit=2";
    server.route(
        "GET",
        "/access-keys",
        keys_page(&["aigk_a", "aigk_b"], Some(same)),
    );
    let results: Vec<_> = client
        .list_access_keys()
        .limit(2u32)
        .stream()
        .take(50)
        .collect()
        .await;
    let last = results.last().expect("some results");
    assert!(matches!(last, Err(Error::Pagination { .. })), "{results:?}");
    assert!(
        results.len() < 10,
        "stream kept going: {} results",
        results.len()
    );
    assert!(
        server.requests().len() <= 3,
        "{} requests",
        server.requests().len()
    );
}

#[tokio::test]
async fn provider_filter_is_kept_on_every_page() {
    let (server, client) = setup().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let items = ids
            .iter()
            .map(|id| {
                let mut key = fx::provider_key();
                key["id"] = json!(id);
                key
            })
            .collect();
        StubResponse::json(200, fx::page("aiGatewayProviderKeys", items, next))
    };
    server.push(page(
        &["aigpk_a"],
        Some("/provider-keys?beforeId=aigpk_a&limit=1&provider=openai"),
    ));
    // A server that forgets the filter in its nextPageUri must not widen the listing.
    server.push(page(
        &["aigpk_b"],
        Some("/provider-keys?beforeId=aigpk_b&limit=1"),
    ));
    server.push(page(&["aigpk_c"], None));
    let keys: Vec<_> = client
        .list_provider_api_keys()
        .provider("openai")
        .limit(1u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys.len(), 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(
            request.query_param("provider").as_deref(),
            Some("openai"),
            "{:?}",
            request.query
        );
        assert_eq!(request.query_param("limit").as_deref(), Some("1"));
    }
    assert_eq!(
        requests[2].query_param("beforeId").as_deref(),
        Some("aigpk_b")
    );
}

#[tokio::test]
async fn stream_stops_at_the_first_error() {
    let (server, client) = setup().await;
    server.push(keys_page(&["aigk_a"], Some("/access-keys?beforeId=aigk_a")));
    server.push(StubResponse::json(
        404,
        fx::error_body(404, None, "The page is gone.", json!({})),
    ));
    let results: Vec<_> = client.list_access_keys().stream().take(10).collect().await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].is_ok());
    assert!(results[1].as_ref().unwrap_err().is_not_found());
}

// ---- errors ----------------------------------------------------------------

#[tokio::test]
async fn not_found_carries_the_error_body() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(
        404,
        fx::error_body(
            404,
            Some("ERR_NGROK_AI_404"),
            "The AI Gateway access key was not found.",
            json!({"id": fx::ACCESS_KEY_ID, "operation_id": "op_123"}),
        ),
    ));
    let error = client
        .get_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(!error.is_conflict() && !error.is_retryable());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.operation(), Some("GetAIGatewayAccessKey"));
    let api = error.api_error().expect("an API error");
    assert_eq!(api.operation(), "GetAIGatewayAccessKey");
    assert_eq!(api.error_code(), Some("ERR_NGROK_AI_404"));
    assert_eq!(api.msg(), Some("The AI Gateway access key was not found."));
    assert_eq!(
        api.details().get("id").map(String::as_str),
        Some(fx::ACCESS_KEY_ID)
    );
    assert_eq!(api.details().len(), 2);
    let text = error.to_string();
    assert!(
        text.contains("GetAIGatewayAccessKey") && text.contains("404"),
        "{text}"
    );
    assert!(
        text.contains("The AI Gateway access key was not found."),
        "{text}"
    );
    assert!(text.contains("ERR_NGROK_AI_404"), "{text}");
    assert_no_api_key(&error);
    assert_eq!(server.requests().len(), 1, "404 is not retried");
}

#[tokio::test]
async fn conflict_on_provider_delete() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(
        409,
        fx::error_body(
            409,
            None,
            "The provider is still referenced and cannot be deleted.",
            json!({"providerId": "internal-vllm", "referencedBy": fx::PROVIDER_KEY_ID}),
        ),
    ));
    let error = client
        .delete_provider()
        .id(fx::PROVIDER_ID)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_conflict(), "{error:?}");
    assert_eq!(error.operation(), Some("DeleteAIGatewayProvider"));
    let api = error.api_error().unwrap();
    assert_eq!(api.error_code(), None);
    assert_eq!(
        api.msg(),
        Some("The provider is still referenced and cannot be deleted.")
    );
    assert_eq!(api.details()["referencedBy"], fx::PROVIDER_KEY_ID);
    assert_no_api_key(&error);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unauthorized() {
    let (server, client) = setup().await;
    server.push(StubResponse::json(
        401,
        fx::error_body(
            401,
            Some("ERR_NGROK_AI_401"),
            "The API key is not valid.",
            json!({}),
        ),
    ));
    let error = client.list_api_keys().send().await.unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
    assert!(!error.is_not_found());
    assert_eq!(error.operation(), Some("ListAIGatewayAPIKeys"));
    assert_no_api_key(&error);
}

#[tokio::test]
async fn html_bad_gateway_keeps_status_and_snippet() {
    let (server, client) = setup().await;
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n";
    server.push(StubResponse::raw(502, "text/html", html));
    let error = client
        .with_retry_policy(RetryPolicy::disabled())
        .get_credit_balance()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.is_server_error() && error.is_retryable());
    let api = error.api_error().unwrap();
    assert_eq!(api.msg(), None);
    assert_eq!(api.error_code(), None);
    assert!(api.details().is_empty());
    let snippet = api.snippet().expect("a snippet of the HTML");
    assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
    let text = error.to_string();
    assert!(text.contains("502") && text.contains("nginx"), "{text}");
    assert!(!text.contains('\n'), "Display stays on one line: {text:?}");
    assert_no_api_key(&error);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_status_and_snippet() {
    let (server, client) = setup().await;
    server.push(StubResponse::raw(
        200,
        "application/json",
        r#"{"id":"aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu","uri":"https://api.ngrok.ai/acc"#,
    ));
    let error = client
        .get_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            operation,
            status,
            snippet,
            ..
        } => {
            assert_eq!(*operation, "GetAIGatewayAccessKey");
            assert_eq!(status.as_u16(), 200);
            assert!(
                snippet.contains("aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu"),
                "{snippet}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(!error.is_retryable());
    assert!(std::error::Error::source(&error).is_some());
    assert_no_api_key(&error);
    assert_eq!(server.requests().len(), 1, "decode errors are not retried");
}

#[tokio::test]
async fn decode_error_snippet_redacts_the_token() {
    let (server, client) = setup().await;
    // Valid JSON, wrong schema (`id` is a number), with a token in it.
    let mut body = fx::access_key_created();
    body["id"] = json!(5);
    server.push(StubResponse::json(201, body));
    let error = client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::default())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(fx::ACCESS_KEY_TOKEN), "token leaks: {text}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
}

#[tokio::test]
async fn wrong_success_status_is_an_api_error() {
    // The spec says 201 for creates; a 200 is unexpected but must not panic.
    let (server, client) = setup().await;
    server.push(StubResponse::json(200, fx::access_key_created()));
    let error = client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.operation(), Some("CreateAIGatewayAccessKey"));
    let text = format!("{error} {error:?}");
    assert!(!text.contains(fx::ACCESS_KEY_TOKEN), "token leaks: {text}");
}

#[tokio::test]
async fn empty_error_body() {
    let (server, client) = setup().await;
    server.push(StubResponse::status(403));
    let error = client.get_gateway_config().send().await.unwrap_err();
    assert!(error.is_forbidden(), "{error:?}");
    let api = error.api_error().unwrap();
    assert_eq!((api.msg(), api.snippet()), (None, None));
    assert!(error.to_string().contains("403"), "{error}");
}

#[tokio::test]
async fn missing_required_argument_is_an_invalid_request_not_a_panic() {
    let (server, client) = setup().await;
    let error = client.get_access_key().send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("GetAIGatewayAccessKey"));
    let error = client.list_usage().send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

/// A body builder missing a required field fails at `send()` in plain words naming the
/// body type and the field, and nothing is sent.
#[tokio::test]
async fn incomplete_body_is_an_invalid_request_naming_the_field() {
    let (server, client) = setup().await;
    let error = client
        .create_access_key_configuration()
        .body_map(|body| body)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest { message, .. } = &error else {
        panic!("{error:?}");
    };
    // The message names one of the body's required fields as the spec spells it, and
    // the body type.
    let spec = ngrok_ai_tests::contract::ContractSpec::repository();
    let op = spec
        .operation("CreateAIGatewayAccessKeyConfiguration")
        .unwrap();
    let body = spec.effective(op.body.as_ref().expect("a body").schema).0;
    let required: Vec<&str> = body["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let body_type = std::any::type_name::<types::AiGatewayAccessKeyConfigurationCreate>();
    let body_type = body_type.rsplit("::").next().unwrap_or(body_type);
    let named = |field: &&str| message.contains(&format!("`{field}` is required in `{body_type}`"));
    assert!(
        required.iter().any(named),
        "{message} (required: {required:?})"
    );
    assert!(server.requests().is_empty());
}

/// A page size outside the spec's `minimum`..`maximum` fails at `send()`, naming the
/// parameter and the range, and nothing is sent. The bounds are read from the spec.
#[tokio::test]
async fn out_of_range_limit_is_an_invalid_request_naming_the_bounds() {
    let bounds = ngrok_ai_tests::contract::query_bounds("ListAIGatewayAccessKeys", "limit");
    let (min, max) = (bounds.0.unwrap() as u32, bounds.1.unwrap() as u32);

    let (server, client) = setup().await;
    let error = client
        .list_access_keys()
        .limit(max + 1)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest { operation, message } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "ListAIGatewayAccessKeys");
    assert!(
        message.contains("`limit`") && message.contains(&format!("{min} and {max}")),
        "{message}"
    );
    assert!(server.requests().is_empty());

    server.push(keys_page(&[], None));
    client.list_access_keys().limit(max).send().await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn path_ids_are_percent_encoded() {
    let (server, client) = setup().await;
    server.push(StubResponse::status(204));
    client
        .delete_access_key()
        .id("aigk_a/../b c")
        .send()
        .await
        .unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/access-keys/aigk_a%2F..%2Fb%20c");
}

#[tokio::test]
async fn dropped_connection_on_post_is_a_transport_error() {
    let (server, client) = setup().await;
    server.push(StubResponse::drop_connection());
    let error = client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::default())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("CreateAIGatewayAccessKey"));
    assert_eq!(
        server.requests().len(),
        1,
        "a POST that may have arrived is not repeated"
    );
    assert_no_api_key(&error);
}

// ---- retries ---------------------------------------------------------------

fn unavailable() -> StubResponse {
    StubResponse::json(
        503,
        fx::error_body(503, None, "Service temporarily unavailable.", json!({})),
    )
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let (server, client) = setup().await;
    server.push(unavailable());
    server.push(StubResponse::json(200, json!({"balanceCents": 1888})));
    let balance = client.get_credit_balance().send().await.unwrap();
    assert_eq!(balance.balance_cents, 1888);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_sdk_headers(request);
        assert_eq!(request.path, "/credits/balance");
    }
}

#[tokio::test]
async fn get_is_retried_after_dropped_connection() {
    let (server, client) = setup().await;
    server.push(StubResponse::drop_connection());
    server.push(StubResponse::json(200, fx::access_key()));
    let key = client
        .get_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(key.id, fx::ACCESS_KEY_ID);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limited_with_retry_after_zero_is_retried() {
    let (server, client) = setup().await;
    server.push(
        StubResponse::json(
            429,
            fx::error_body(429, None, "Too many requests.", json!({})),
        )
        .header("retry-after", "0"),
    );
    server.push(StubResponse::json(200, fx::gateway_config()));
    client.get_gateway_config().send().await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_max_backoff_returns_at_once() {
    let (server, client) = setup().await;
    server.push(
        StubResponse::json(
            429,
            fx::error_body(429, None, "Too many requests.", json!({})),
        )
        .header("retry-after", "120"),
    );
    let error = client.get_gateway_config().send().await.unwrap_err();
    assert!(error.is_rate_limited(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(
        error.api_error().unwrap().retry_after(),
        Some(Duration::from_secs(120))
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let (server, client) = setup().await;
    server.push(unavailable());
    server.push(StubResponse::json(201, fx::access_key_created()));
    let error = client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_when_opted_in() {
    let (server, client) = setup().await;
    server.push(unavailable());
    server.push(StubResponse::json(201, fx::access_key_created()));
    let retrying = client.with_retry_policy(fast_retries().with_retry_non_idempotent(true));
    let key = retrying
        .create_access_key()
        .body_map(|b| b.name("support-bot".to_owned()))
        .send()
        .await
        .unwrap();
    assert_eq!(key.id, fx::ACCESS_KEY_ID);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_sdk_headers(request);
        assert_json_body(request, &json!({"name": "support-bot"}));
    }
    // The original client keeps its policy.
    server.push(unavailable());
    assert!(client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::default())
        .send()
        .await
        .is_err());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn disabled_retries_send_once() {
    let (server, client) = setup().await;
    server.push(unavailable());
    server.push(StubResponse::json(200, json!({"balanceCents": 1})));
    let error = client
        .with_retry_policy(RetryPolicy::disabled())
        .get_credit_balance()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn attempts_are_bounded_by_max_attempts() {
    let (server, client) = setup().await;
    server.route("GET", "/credits/balance", unavailable());
    let error = client.get_credit_balance().send().await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "default policy: 3 attempts");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        error.api_error().unwrap().msg(),
        Some("Service temporarily unavailable.")
    );

    let five = client.with_retry_policy(fast_retries().with_max_attempts(5));
    five.get_credit_balance().send().await.unwrap_err();
    assert_eq!(server.requests().len(), 3 + 5);
}

#[tokio::test]
async fn delete_and_patch_are_retried() {
    let (server, client) = setup().await;
    server.push(unavailable());
    server.push(StubResponse::status(204));
    server.push(StubResponse::json(
        500,
        fx::error_body(500, None, "Internal error.", json!({})),
    ));
    server.push(StubResponse::json(200, fx::gateway_config()));
    client
        .delete_api_key()
        .id(fx::API_KEY_ID)
        .send()
        .await
        .unwrap();
    client
        .update_gateway_config()
        .body(types::AiGatewayConfigUpdate {
            total_timeout: Some("90s".to_owned()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_json_body(&requests[3], &json!({"totalTimeout": "90s"}));
}

// ---- forward compatibility --------------------------------------------------

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let (server, client) = setup().await;
    let mut key = fx::access_key();
    key["expiresAt"] = json!("2027-01-01T00:00:00Z");
    key["createdBy"]["kind"] = json!("apiKey");
    key["accessKeyConfiguration"]["version"] = json!(3);
    server.push(StubResponse::json(200, key));
    let mut list = fx::page("aiGatewayProviders", vec![fx::provider()], None);
    list["totalCount"] = json!(1);
    list["aiGatewayProviders"][0]["models"][0]["contextWindow"] = json!(131072);
    server.push(StubResponse::json(200, list));
    let key = client
        .get_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(key.id, fx::ACCESS_KEY_ID);
    assert_eq!(key.created_by.id, fx::ACTOR_ID);
    let providers = client.list_providers().send().await.unwrap();
    assert_eq!(
        providers.ai_gateway_providers[0].models.as_ref().unwrap()[0].model_id,
        "llama-3.1-70b-instruct"
    );
}

#[tokio::test]
async fn unknown_enum_values_decode_as_unknown_and_round_trip() {
    let (server, client) = setup().await;
    let mut config = fx::access_key_configuration();
    config["router"]["rules"][0]["steps"][0]["keySelectionStrategy"] = json!("random");
    config["router"]["rules"][0]["steps"][1]["type"] = json!("quantum");
    server.push(StubResponse::json(200, config));
    let config = client
        .get_access_key_configuration()
        .id(fx::CONFIG_ID)
        .send()
        .await
        .unwrap();
    let steps = &config.router.as_ref().unwrap().rules.as_ref().unwrap()[0].steps;
    assert_eq!(steps[0].type_, RouterStepType::User);
    assert_eq!(
        steps[0].key_selection_strategy,
        Some(Strategy::Unknown("random".to_owned()))
    );
    assert_eq!(
        steps[1].type_,
        RouterStepType::Unknown("quantum".to_owned())
    );
    assert_eq!(steps[1].type_.as_str(), "quantum");
    assert_eq!(steps[1].type_.to_string(), "quantum");
    let step0 = serde_json::to_value(&steps[0]).unwrap();
    assert_eq!(step0["keySelectionStrategy"], "random");
    assert_eq!(step0["type"], "user");
    assert_eq!(
        serde_json::to_value(&steps[1]).unwrap(),
        json!({"type": "quantum"})
    );
    // And an unknown value can be sent back, e.g. in a write-side step.
    let write = types::RouterStepWrite::try_from(
        types::RouterStepWrite::builder()
            .type_(steps[1].type_.clone())
            .keys(None)
            .key_selection_strategy(steps[0].key_selection_strategy.clone()),
    )
    .expect("a valid RouterStepWrite");
    assert_eq!(
        serde_json::to_value(&write).unwrap(),
        json!({"type": "quantum", "keySelectionStrategy": "random"})
    );
}

#[tokio::test]
async fn unknown_credit_transaction_type_decodes_as_unknown() {
    let (server, client) = setup().await;
    let mut list = fx::credit_transactions();
    let items = list["items"].as_array_mut().unwrap();
    items.insert(
        1,
        json!({"type": "refund", "createdAt": "2026-11-20T10:00:00Z", "amountCents": 300, "reason": "duplicate"}),
    );
    items[2]["category"] = json!("__not-in-the-spec__");
    server.push(StubResponse::json(200, list));
    let list = client.get_credit_transactions().send().await.unwrap();
    assert_eq!(list.items.len(), 5);
    assert_eq!(list.items[1], types::CreditTransactionItem::Unknown);
    match &list.items[2] {
        types::CreditTransactionItem::Credits {
            category,
            amount_cents,
            ..
        } => {
            assert_eq!(
                *category,
                types::CreditTransactionCreditsCategory::Unknown("__not-in-the-spec__".to_owned())
            );
            assert_eq!(category.as_str(), "__not-in-the-spec__");
            assert_eq!(*amount_cents, 2500);
        }
        other => panic!("expected credits, got {other:?}"),
    }
    assert!(matches!(
        list.items[3],
        types::CreditTransactionItem::UsageInvoice { .. }
    ));
}

// ---- secrets ----------------------------------------------------------------

#[tokio::test]
async fn client_and_builder_debug_hide_the_api_key() {
    let server = StubServer::start().await;
    let builder = Client::builder().api_key(API_KEY).base_url(server.url());
    let builder_debug = format!("{builder:?} {builder:#?}");
    assert!(!builder_debug.contains(API_KEY), "{builder_debug}");
    assert!(!builder_debug.contains("SECRETVALUE"), "{builder_debug}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?} {client:#?} {:?}", client.config());
    assert!(!client_debug.contains(API_KEY), "{client_debug}");
    assert!(!client_debug.contains("SECRETVALUE"), "{client_debug}");
    let retrying = client.with_retry_policy(RetryPolicy::disabled());
    assert!(!format!("{retrying:?}").contains("SECRETVALUE"));
}

#[test]
fn write_side_secrets_are_hidden_in_debug() {
    let key: types::RouterStepKeyWrite = serde_json::from_value(
        json!({"name": "openai-backup", "value": "sk-proj-EXAMPLEonlyNotARealKey0000"}),
    )
    .unwrap();
    let debug = format!("{key:?} {key:#?}");
    assert!(!debug.contains("EXAMPLEonly"), "{debug}");
    assert_eq!(
        key.value.as_ref().unwrap().expose_secret(),
        "sk-proj-EXAMPLEonlyNotARealKey0000"
    );
    // It is still sent as the plain value.
    assert_eq!(
        serde_json::to_value(&key).unwrap()["value"],
        "sk-proj-EXAMPLEonlyNotARealKey0000"
    );

    let create: types::AiGatewayProviderApiKeyCreate = serde_json::from_value(json!({
        "providerId": "openai",
        "value": "sk-proj-EXAMPLEonlyNotARealKey0000",
        "name": "openai-primary"
    }))
    .unwrap();
    let debug = format!("{create:?}");
    assert!(!debug.contains("EXAMPLEonly"), "{debug}");

    let rotate = types::AiGatewayProviderApiKeyRotate::try_from(
        types::AiGatewayProviderApiKeyRotate::builder()
            .value(ngrok_ai::Secret::from(
                "sk-proj-EXAMPLErotatedNotARealKey11",
            ))
            .name("openai-primary".to_owned()),
    )
    .expect("a valid AiGatewayProviderApiKeyRotate");
    assert!(!format!("{rotate:?}").contains("EXAMPLErotated"));
}

#[tokio::test]
async fn request_builders_debug_hide_secrets() {
    let (_server, client) = setup().await;
    let builder = client
        .rotate_provider_api_key()
        .id(fx::PROVIDER_KEY_ID)
        .body(
            types::AiGatewayProviderApiKeyRotate::builder()
                .value(ngrok_ai::Secret::from(
                    "sk-proj-EXAMPLErotatedNotARealKey11",
                ))
                .name("openai-primary".to_owned()),
        );
    let debug = format!("{builder:?}");
    assert!(!debug.contains("EXAMPLErotated"), "{debug}");
    assert!(!debug.contains("SECRETVALUE"), "{debug}");
}

// ---- construction -----------------------------------------------------------

#[test]
fn missing_api_key_is_a_config_error() {
    let error = Client::builder().build().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("NGROK_AI_API_KEY") || text.contains("API key"),
        "{text}"
    );
    assert_eq!(error.operation(), None);

    let error = Client::builder().api_key("").build().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
}

#[test]
fn bad_base_urls_are_config_errors_naming_the_value() {
    for bad in [
        "not a url",
        "ftp://api.ngrok.ai",
        "https://api.ngrok.ai/?x=1",
        "api.ngrok.ai",
    ] {
        let error = Client::builder()
            .api_key(API_KEY)
            .base_url(bad)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{bad}: {error:?}");
        let text = error.to_string();
        assert!(text.contains(bad), "{bad}: {text}");
        assert!(!text.contains("SECRETVALUE"), "{text}");
    }
    // Credentials in the URL are refused without echoing them.
    let error = Client::builder()
        .api_key(API_KEY)
        .base_url("https://user:hunter2@api.ngrok.ai")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[test]
fn api_key_with_invalid_header_characters_is_a_config_error() {
    let error = Client::builder()
        .api_key("line\nbreak-SECRETVALUE")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(!error.to_string().contains("SECRETVALUE"), "{error}");
}

#[tokio::test]
async fn base_url_trailing_slash_and_path_prefix() {
    let server = StubServer::start().await;
    server.push(StubResponse::json(200, json!({"balanceCents": 1})));
    server.push(StubResponse::json(200, json!({"balanceCents": 2})));
    let with_slash = ClientBuilder::new()
        .api_key(API_KEY)
        .base_url(format!("{}/", server.url()))
        .build()
        .unwrap();
    with_slash.get_credit_balance().send().await.unwrap();
    let prefixed = ClientBuilder::new()
        .api_key(API_KEY)
        .base_url(format!("{}/ngrok-ai/", server.url()))
        .build()
        .unwrap();
    prefixed.get_credit_balance().send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].path, "/credits/balance");
    assert_eq!(requests[1].path, "/ngrok-ai/credits/balance");
}

#[tokio::test]
async fn user_agent_suffix_is_appended() {
    let server = StubServer::start().await;
    server.push(StubResponse::json(200, json!({"balanceCents": 1})));
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .user_agent_suffix("billing-sync/2.1")
        .build()
        .unwrap();
    client.get_credit_balance().send().await.unwrap();
    let request = server.single_request();
    assert_sdk_headers(&request);
    let agent = request.header("user-agent").unwrap();
    assert!(agent.ends_with(" billing-sync/2.1"), "{agent}");
    assert_eq!(client.config().user_agent(), agent);
}

// ---- hardening (issue 11) ----------------------------------------------------

#[tokio::test]
async fn dot_path_ids_are_rejected_before_anything_is_sent() {
    let (server, client) = setup().await;
    for id in ["", ".", ".."] {
        let error = client.delete_access_key().id(id).send().await.unwrap_err();
        assert!(
            matches!(
                &error,
                Error::InvalidRequest { operation: "DeleteAIGatewayAccessKey", message }
                    if message.contains("`id`")
            ),
            "{id:?}: {error:?}"
        );
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // Anything else is still one percent-encoded segment.
    server.push(StubResponse::json(200, fx::access_key()));
    client.get_access_key().id("../x").send().await.unwrap();
    assert_eq!(server.single_request().path, "/access-keys/..%2Fx");
}

#[tokio::test]
async fn alternating_cursors_end_the_stream() {
    let (server, client) = setup().await;
    for _ in 0..20 {
        server.push(keys_page(&["aigk_a"], Some("/access-keys?beforeId=A")));
        server.push(keys_page(&["aigk_b"], Some("/access-keys?beforeId=B")));
    }
    let results: Vec<_> = client.list_access_keys().stream().take(40).collect().await;
    let last = results.last().expect("some results");
    assert!(matches!(last, Err(Error::Pagination { .. })), "{results:?}");
    assert_eq!(server.requests().len(), 3, "A, B, then A again is a repeat");
}
