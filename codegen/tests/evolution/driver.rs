//! Driver of the evolution test (`codegen/tests/spec_evolution.rs`): built in a workspace
//! generated from the *evolved* spec, never in the repository's own. Everything it calls
//! on the new resource exists only because the generator followed the spec change: the
//! client's builders and types, the mock's routes and validation, the docs' snippets and
//! the httpmock expectations.

#![cfg(test)]

use futures_util::TryStreamExt;
use ngrok_ai::{types, Client, Nullable};
use ngrok_ai_mock::MockServer;
use serde_json::{json, Value};

fn webhook_body(i: usize) -> types::builder::AiGatewayWebhookCreate {
    types::AiGatewayWebhookCreate::builder()
        .url(format!("https://hooks.example.com/{i}"))
        .description(format!("hook {i}"))
        .metadata(r#"{"team":"platform"}"#.to_string())
        .events(vec!["accessKey.created".to_string()])
        .max_retries(3)
}

/// The `beforeId` query parameter of a `nextPageUri`.
fn before_id(uri: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("beforeId="))
        .map(str::to_owned)
}

/// A raw request (what the typed client cannot send); returns the status and JSON body.
async fn raw(mock: &MockServer, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    ngrok_ai::runtime::config::install_crypto_provider();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", mock.base_url()))
        .bearer_auth(mock.api_key());
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn assert_no_violations(mock: &MockServer) {
    let violations = mock.response_violations();
    assert!(
        violations.is_empty(),
        "the mock answered outside the spec: {violations:#?}"
    );
}

#[tokio::test]
async fn the_new_resource_works_end_to_end() {
    let mock = MockServer::start().await;
    let client = mock.client();

    // Create, then get and HEAD it.
    let created = client
        .create_webhook()
        .body(webhook_body(0))
        .send()
        .await
        .unwrap();
    assert!(created.id.starts_with("aigwh_"), "{}", created.id);
    assert!(created.uri.ends_with(&format!("/webhooks/{}", created.id)));
    assert_eq!(created.url, "https://hooks.example.com/0");
    assert_eq!(created.description.as_deref(), Some("hook 0"));
    assert_eq!(created.metadata.as_deref(), Some(r#"{"team":"platform"}"#));
    assert_eq!(created.events, Some(vec!["accessKey.created".to_string()]));
    assert_eq!(created.max_retries, Some(3));
    let got = client.get_webhook().id(&created.id).send().await.unwrap();
    assert_eq!(got, created);
    client.head_webhook().id(&created.id).send().await.unwrap();
    client.head_webhooks().send().await.unwrap();

    // Five in all, two per page: three pages, followed by stream() and by hand.
    let mut ids = vec![created.id.clone()];
    for i in 1..5 {
        let webhook = client
            .create_webhook()
            .body(webhook_body(i))
            .send()
            .await
            .unwrap();
        ids.push(webhook.id);
    }
    let streamed: Vec<String> = client
        .list_webhooks()
        .limit(2u32)
        .stream()
        .map_ok(|w| w.id)
        .try_collect()
        .await
        .unwrap();
    let mut sorted = streamed.clone();
    sorted.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(sorted, expected, "stream() yields every webhook once");

    let mut by_hand = Vec::new();
    let mut pages = 0;
    let mut next: Option<String> = None;
    loop {
        let mut call = client.list_webhooks().limit(2u32);
        if let Some(before) = &next {
            call = call.before_id(before.clone());
        }
        let page = call.send().await.unwrap();
        pages += 1;
        assert!(page.ai_gateway_webhooks.len() <= 2, "limit is honoured");
        by_hand.extend(page.ai_gateway_webhooks.iter().map(|w| w.id.clone()));
        match page.next_page_uri.as_deref() {
            Some(uri) => {
                let before = before_id(uri).unwrap_or_else(|| panic!("no beforeId in {uri}"));
                assert_eq!(
                    Some(&before),
                    by_hand.last(),
                    "beforeId is the page's last ID"
                );
                next = Some(before);
            }
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(by_hand, streamed, "pages by hand = stream()");

    // PATCH: null clears, a value sets, an omitted field is left alone.
    let id = &created.id;
    let cleared = client
        .update_webhook()
        .id(id)
        .body_map(|b| b.description(Nullable::Null).max_retries(Nullable::from(7)))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.description, None);
    assert_eq!(cleared.max_retries, Some(7));
    assert_eq!(cleared.url, created.url);
    assert_eq!(cleared.metadata, created.metadata);
    let got = client.get_webhook().id(id).send().await.unwrap();
    assert_eq!(got.description, None);
    assert_eq!(got.max_retries, Some(7));
    assert_eq!(got.metadata, created.metadata);

    let set = client
        .update_webhook()
        .id(id)
        .body_map(|b| {
            b.description(Nullable::from("moved"))
                .url("https://hooks.example.com/moved".to_string())
                .max_retries(Nullable::Null)
        })
        .send()
        .await
        .unwrap();
    assert_eq!(set.description.as_deref(), Some("moved"));
    assert_eq!(set.url, "https://hooks.example.com/moved");
    assert_eq!(set.max_retries, None);
    let got = client.get_webhook().id(id).send().await.unwrap();
    assert_eq!(got, set);

    // A nullable array: null clears it (the mock; the client: see the next test).
    let (status, body) = raw(
        &mock,
        "PATCH",
        &format!("/webhooks/{id}"),
        Some(json!({"events": null})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("events"), None, "{body}");
    assert_eq!(
        client.get_webhook().id(id).send().await.unwrap().events,
        None
    );
    // (From JSON: the builder's `events` takes a `Vec` today and a `Nullable<Vec>` once
    // the generator routes nullable arrays of strings like other nullable PATCH fields.)
    let update: types::AiGatewayWebhookUpdate =
        serde_json::from_value(json!({"events": ["credits.low"]})).unwrap();
    let set = client
        .update_webhook()
        .id(id)
        .body(update)
        .send()
        .await
        .unwrap();
    assert_eq!(set.events, Some(vec!["credits.low".to_string()]));

    // Delete: then get and HEAD are 404.
    client.delete_webhook().id(id).send().await.unwrap();
    let error = client.get_webhook().id(id).send().await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    let error = client.head_webhook().id(id).send().await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    let left: Vec<_> = client.list_webhooks().stream().try_collect().await.unwrap();
    assert_eq!(left.len(), 4);

    assert_no_violations(&mock);
}

/// The client side of a nullable PATCH array: the body is decoded from JSON (as from a
/// config file or a recording), so this compiles whatever type the generator chose, and
/// fails if that type cannot hold the explicit null.
#[tokio::test]
async fn a_patch_model_keeps_the_null_of_a_nullable_array() {
    let update: types::AiGatewayWebhookUpdate =
        serde_json::from_value(json!({"events": null})).unwrap();
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"events": null}),
        "the client's PATCH model loses the explicit null of a nullable array \
         (AIGatewayWebhookUpdate.events should be Option<Nullable<Vec<String>>>)"
    );
    let mock = MockServer::start().await;
    let client = mock.client();
    let created = client
        .create_webhook()
        .body(webhook_body(0))
        .send()
        .await
        .unwrap();
    let cleared = client
        .update_webhook()
        .id(&created.id)
        .body(update)
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.events, None);
    assert_no_violations(&mock);
}

#[tokio::test]
async fn the_new_resource_references_an_access_key() {
    let mock = MockServer::start().await;
    let client = mock.client();

    // `x-ngrok-references`: a missing access key is a 400 naming the field.
    let error = client
        .create_webhook()
        .body(webhook_body(0).access_key_id("aigk_missing".to_string()))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_bad_request(), "{error}");
    assert!(error.to_string().contains("accessKeyId"), "{error}");

    let key = client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate::builder().name("hooked".to_string()))
        .send()
        .await
        .unwrap();
    let webhook = client
        .create_webhook()
        .body(webhook_body(0).access_key_id(key.id.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.access_key_id.as_deref(), Some(key.id.as_str()));

    // Still referenced: the access key cannot go (409); unlinked, it can.
    let error = client
        .delete_access_key()
        .id(&key.id)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_conflict(), "{error}");
    let webhook = client
        .update_webhook()
        .id(&webhook.id)
        .body_map(|b| b.access_key_id(Nullable::Null))
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.access_key_id, None);
    client.delete_access_key().id(&key.id).send().await.unwrap();
    assert_no_violations(&mock);
}

#[tokio::test]
async fn the_mock_validates_the_new_schemas() {
    let mock = MockServer::start().await;
    for (body, field) in [
        // A wrong type.
        (
            json!({"url": "https://hooks.example.com/x", "maxRetries": "three"}),
            "maxRetries",
        ),
        // Out of bounds.
        (
            json!({"url": "https://hooks.example.com/x", "maxRetries": 11}),
            "maxRetries",
        ),
        // A required field missing.
        (json!({"description": "no url"}), "url"),
    ] {
        let (status, error) = raw(&mock, "POST", "/webhooks", Some(body.clone())).await;
        assert_eq!(status, 400, "{body} → {error}");
        let msg = error["msg"].as_str().unwrap_or_default();
        assert!(msg.contains(field), "{body}: msg {msg:?} names {field}");
    }
    let webhooks = mock.client().list_webhooks().send().await.unwrap();
    assert!(
        webhooks.ai_gateway_webhooks.is_empty(),
        "nothing was stored"
    );

    // A PATCH with a wrong type is rejected too.
    let created = mock
        .client()
        .create_webhook()
        .body(webhook_body(0))
        .send()
        .await
        .unwrap();
    let (status, error) = raw(
        &mock,
        "PATCH",
        &format!("/webhooks/{}", created.id),
        Some(json!({"events": "accessKey.created"})),
    )
    .await;
    assert_eq!(status, 400, "{error}");
    let msg = error["msg"].as_str().unwrap_or_default();
    assert!(msg.contains("events"), "msg {msg:?} names events");
    assert_no_violations(&mock);
}

#[tokio::test]
async fn the_docs_examples_of_the_new_resource_run() {
    let mock = MockServer::start().await;
    let client = mock.client();
    ngrok_ai_doc_snippets::webhooks::create_webhook(&client)
        .await
        .unwrap();
    ngrok_ai_doc_snippets::webhooks::list_webhooks(&client)
        .await
        .unwrap();
    let page = client.list_webhooks().send().await.unwrap();
    assert_eq!(page.ai_gateway_webhooks.len(), 1);
    assert_no_violations(&mock);
}

#[tokio::test]
async fn an_existing_resource_gains_a_field_and_a_filter() {
    let mock = MockServer::start().await;
    let client = mock.client();

    let key = client
        .create_access_key()
        .body(
            types::AiGatewayAccessKeyCreate::builder()
                .name("evolution".to_string())
                .owner("platform-team".to_string()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(key.owner.as_deref(), Some("platform-team"));
    let got = client.get_access_key().id(&key.id).send().await.unwrap();
    assert_eq!(got.owner.as_deref(), Some("platform-team"));

    let cleared = client
        .update_access_key()
        .id(&key.id)
        .body_map(|b| b.owner(Nullable::Null))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.owner, None);
    assert_eq!(cleared.name.as_deref(), Some("evolution"));
    let got = client.get_access_key().id(&key.id).send().await.unwrap();
    assert_eq!(got.owner, None);
    client
        .update_access_key()
        .id(&key.id)
        .body_map(|b| b.owner(Nullable::from("search-team")))
        .send()
        .await
        .unwrap();
    let got = client.get_access_key().id(&key.id).send().await.unwrap();
    assert_eq!(got.owner.as_deref(), Some("search-team"));

    // The new query parameter is sent and accepted.
    client
        .list_access_keys()
        .access_key_configuration_id("aigac_2pZ3hB6nX1qW9eR4tY7uI0oPa5Sd")
        .send()
        .await
        .unwrap();
    let journal = mock.journal();
    let last = journal.last().unwrap();
    assert_eq!(last.operation.as_deref(), Some("ListAIGatewayAccessKeys"));
    assert!(
        last.query
            .as_deref()
            .unwrap_or_default()
            .contains("accessKeyConfigurationId=aigac_2pZ3hB6nX1qW9eR4tY7uI0oPa5Sd"),
        "{last:?}"
    );
    assert_no_violations(&mock);
}

#[tokio::test]
async fn the_removed_operation_is_not_served() {
    let mock = MockServer::start().await;
    let (status, _) = raw(&mock, "HEAD", "/provider-keys", None).await;
    assert_eq!(status, 405, "HEAD /provider-keys is no longer an operation");
    // Its siblings still are.
    mock.client().list_provider_api_keys().send().await.unwrap();
    let (status, _) = raw(&mock, "HEAD", "/access-keys", None).await;
    assert_eq!(status, 200);
}

#[test]
fn the_new_enum_values_decode() {
    // In a component schema (a response enum: open, with `Unknown` for values it does
    // not know; the new one is known).
    let credits: types::CreditTransactionCredits = serde_json::from_value(json!({
        "type": "credits",
        "amountCents": 500,
        "category": "referral",
        "createdAt": "2026-11-02T09:14:27Z",
    }))
    .unwrap();
    assert_eq!(
        credits.category,
        types::CreditTransactionCreditsCategory::Referral
    );
    assert_eq!(credits.category.as_str(), "referral");
    // Inline in an operation (a query parameter).
    let group_by: types::GetUsageOverviewGroupBy = serde_json::from_value(json!("model")).unwrap();
    assert_eq!(group_by, types::GetUsageOverviewGroupBy::Model);
    assert_eq!(group_by.to_string(), "model");
}

#[tokio::test]
async fn the_new_query_enum_value_reaches_the_mock() {
    let mock = MockServer::start().await;
    let start: chrono::DateTime<chrono::Utc> = "2026-11-25T00:00:00Z".parse().unwrap();
    let result = mock
        .client()
        .get_usage_overview()
        .start_time(start)
        .group_by(types::GetUsageOverviewGroupBy::Model)
        .send()
        .await;
    let last = mock.journal().pop().unwrap();
    assert!(
        last.query
            .as_deref()
            .unwrap_or_default()
            .contains("groupBy=model"),
        "{last:?}"
    );
    // The overview is a hook (codegen/handwritten/mock/src/hooks.rs): grouping is behaviour the spec
    // cannot state, so a value the hook does not know is a 400 naming the parameter,
    // never a 5xx or an answer outside the spec.
    if let Err(error) = result {
        assert!(error.is_bad_request(), "{error}");
        assert!(error.to_string().contains("groupBy"), "{error}");
    }
    assert_no_violations(&mock);
}

#[test]
fn the_httpmock_expectations_follow() {
    use ngrok_ai_httpmock::MockServerExt as _;

    let webhook: types::AiGatewayWebhook = serde_json::from_value(json!({
        "id": "aigwh_2qA1bC3dE5fG7hJ9kL2mN4pQ6rSt",
        "uri": "https://api.ngrok.ai/webhooks/aigwh_2qA1bC3dE5fG7hJ9kL2mN4pQ6rSt",
        "url": "https://hooks.example.com/ngrok-ai",
        "createdAt": "2026-11-02T09:14:27Z",
        "updatedAt": "2026-11-02T09:14:27Z",
        "createdBy": {"id": "aigak_1", "uri": "https://api.ngrok.ai/api-keys/aigak_1"},
        "lastUpdatedBy": {"id": "aigak_1", "uri": "https://api.ngrok.ai/api-keys/aigak_1"},
    }))
    .unwrap();
    let server = httpmock::MockServer::start();
    let expectation = server.get_webhook(|when, then| {
        when.id("aigwh_2qA1bC3dE5fG7hJ9kL2mN4pQ6rSt");
        then.ok(&webhook);
    });
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = runtime
        .block_on(client.get_webhook().id(&webhook.id).send())
        .unwrap();
    assert_eq!(got, webhook);
    expectation.assert();
}

/// Runs the generated CLI (`generated/ngrok-ai-cli`'s `ngrok-ai` binary, built by the
/// evolution test's `cargo build --workspace`) against `mock`.
fn cli(mock: &MockServer, args: &[&str]) -> (i32, String, String) {
    let dir = std::env::var_os("NGROK_AI_EVOLUTION_BIN_DIR")
        .expect("NGROK_AI_EVOLUTION_BIN_DIR is set by codegen/tests/spec_evolution.rs");
    let output = std::process::Command::new(std::path::Path::new(&dir).join("ngrok-ai"))
        .args(args)
        .env("NGROK_AI_BASE_URL", mock.base_url())
        .env("NGROK_AI_API_KEY", mock.api_key())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the generated CLI runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The CLI gains a `webhooks` group: create, list, get and delete through the binary.
/// (Multi-threaded: the mock keeps serving while this thread waits for the process.)
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_follows() {
    let mock = MockServer::start().await;
    let (code, stdout, stderr) = cli(
        &mock,
        &[
            "webhooks",
            "create",
            "--url",
            "https://hooks.example.com/cli",
            "--max-retries",
            "2",
        ],
    );
    assert_eq!(code, 0, "create: {stderr}");
    let created: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert!(id.starts_with("aigwh_"), "{stdout}");
    assert_eq!(created["maxRetries"], 2, "{stdout}");

    let (code, stdout, stderr) = cli(&mock, &["webhooks", "list", "--limit", "20"]);
    assert_eq!(code, 0, "list: {stderr}");
    assert!(stdout.contains(&id), "{stdout}");
    let (code, _, stderr) = cli(&mock, &["webhooks", "delete", &id]);
    assert_eq!(code, 0, "delete: {stderr}");
    let (code, _, _) = cli(&mock, &["webhooks", "get", &id]);
    assert_ne!(code, 0, "get after delete");
    let webhooks = mock.client().list_webhooks().send().await.unwrap();
    assert!(webhooks.ai_gateway_webhooks.is_empty());
    assert_no_violations(&mock);
}
