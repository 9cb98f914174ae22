//! Full workflows of every resource through the generated client against the generated
//! mock (`ngrok-ai-mock`): create → get → list across pages (stream and send +
//! nextPageUri) → update (omit / null / value) → delete → 404, HEAD mirroring GET,
//! referential 409s, gateway settings and credits. Every test ends by checking that
//! every response the mock sent validated against the spec's response schemas.

use futures_util::TryStreamExt;
use ngrok_ai::{types, Client, Nullable};
use ngrok_ai_mock::MockServer;
use serde_json::{json, Value};

/// A plain HTTP client for raw requests (rustls needs its crypto provider first).
fn http() -> reqwest::Client {
    ngrok_ai::runtime::config::install_crypto_provider();
    reqwest::Client::new()
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("test body decodes into the client type")
}

/// The raw JSON of a GET, to see `null`s the typed client folds into `None`.
async fn raw_get(mock: &MockServer, path: &str) -> (u16, Value) {
    let response = http()
        .get(format!("{}{path}", mock.base_url()))
        .bearer_auth(mock.api_key())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn query_param(uri: &str, name: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn assert_spec_clean(mock: &MockServer) {
    let violations = mock.response_violations();
    assert!(violations.is_empty(), "responses off-spec: {violations:#?}");
    assert!(!mock.journal().is_empty());
}

/// Pages through a list both ways with limit 2 and checks the IDs against `expected`
/// (newest first): `stream()`, and `send()` following `nextPageUri` by hand.
macro_rules! check_paging {
    ($mock:expr, $client:expr, $list:ident, $items:ident, $expected:expr) => {{
        let expected: Vec<String> = $expected;
        let streamed: Vec<String> = $client
            .$list()
            .limit(2u32)
            .stream()
            .map_ok(|item| item.id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(streamed, expected, "stream()");

        let mut ids: Vec<String> = Vec::new();
        let mut before: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut request = $client.$list().limit(2u32);
            if let Some(before) = &before {
                request = request.before_id(before.clone());
            }
            let page = request.send().await.unwrap();
            pages += 1;
            assert!(page.uri.starts_with($mock.base_url()), "{}", page.uri);
            assert!(page.$items.len() <= 2);
            ids.extend(page.$items.iter().map(|item| item.id.clone()));
            match page.next_page_uri {
                Some(next) => {
                    assert!(next.starts_with($mock.base_url()), "{next}");
                    assert_eq!(query_param(&next, "limit").as_deref(), Some("2"));
                    before = query_param(&next, "beforeId");
                    assert_eq!(
                        before.as_ref(),
                        ids.last(),
                        "beforeId = last ID of the page"
                    );
                }
                None => break,
            }
        }
        assert_eq!(ids, expected, "send() + nextPageUri");
        assert_eq!(pages, expected.len().div_ceil(2).max(1));
    }};
}

#[tokio::test]
async fn access_key_workflow() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let config = client
        .create_access_key_configuration()
        .body(types::AiGatewayAccessKeyConfigurationCreate::builder().name("prod".to_string()))
        .send()
        .await
        .unwrap();

    let created = client
        .create_access_key()
        .body(
            types::AiGatewayAccessKeyCreate::builder()
                .name("bot".to_string())
                .description("support bot".to_string())
                .metadata(r#"{"team":"support"}"#.to_string())
                .access_key_configuration_id(config.id.clone()),
        )
        .send()
        .await
        .unwrap();
    assert!(created.id.starts_with("aigk_"), "{}", created.id);
    assert_eq!(
        created.uri,
        format!("{}/access-keys/{}", mock.base_url(), created.id)
    );
    let token = created
        .token
        .as_ref()
        .expect("token on create")
        .expose_secret();
    assert!(
        token.starts_with("ng-") && token.contains("-g1-"),
        "{token}"
    );
    assert!(created.key_redacted.starts_with("ng-") && created.key_redacted.contains("***"));
    assert!(!created.key_redacted.contains(&token[12..]));
    assert_eq!(created.created_at, created.updated_at);
    assert!(created.created_by.id.starts_with("aigak_"));
    assert_eq!(created.created_by, created.last_updated_by);
    let link = created.access_key_configuration.clone().unwrap();
    assert_eq!(
        (link.id.as_str(), link.name.as_str()),
        (config.id.as_str(), "prod")
    );

    let got = client
        .get_access_key()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    assert!(got.token.is_none(), "the token is returned once");
    assert_eq!(got.key_redacted, created.key_redacted);
    assert_eq!(got.name.as_deref(), Some("bot"));
    client
        .head_access_key()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    client.head_access_keys().send().await.unwrap();

    let mut expected = vec![created.id.clone()];
    for i in 0..5 {
        let key = client
            .create_access_key()
            .body(types::AiGatewayAccessKeyCreate::builder().name(format!("k{i}")))
            .send()
            .await
            .unwrap();
        expected.push(key.id);
    }
    expected.reverse();
    check_paging!(
        mock,
        client,
        list_access_keys,
        ai_gateway_access_keys,
        expected.clone()
    );
    let listed = client.list_access_keys().send().await.unwrap();
    assert!(listed
        .ai_gateway_access_keys
        .iter()
        .all(|k| k.token.is_none()));
    assert!(listed.next_page_uri.is_none());

    // PATCH: value (name), null (description, configuration), omitted (metadata).
    let updated = client
        .update_access_key()
        .id(&created.id)
        .body_map(|b| {
            b.name(Nullable::from("bot-v2"))
                .description(Nullable::Null)
                .access_key_configuration_id(Nullable::Null)
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("bot-v2"));
    assert_eq!(updated.description, None);
    assert_eq!(updated.metadata.as_deref(), Some(r#"{"team":"support"}"#));
    assert!(updated.access_key_configuration.is_none());
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(updated.created_at, created.created_at);
    let (status, raw) = raw_get(&mock, &format!("/access-keys/{}", created.id)).await;
    assert_eq!(status, 200);
    assert!(raw["accessKeyConfiguration"].is_null() && raw.get("accessKeyConfiguration").is_some());
    assert!(raw.get("description").is_none());
    assert!(raw.get("token").is_none());

    // An empty PATCH changes nothing but the stamps; a value re-links the configuration.
    let same = client
        .update_access_key()
        .id(&created.id)
        .body_map(|b| b)
        .send()
        .await
        .unwrap();
    assert_eq!((same.name, same.metadata), (updated.name, updated.metadata));
    let relinked = client
        .update_access_key()
        .id(&created.id)
        .body_map(|b| b.access_key_configuration_id(Nullable::from(config.id.clone())))
        .send()
        .await
        .unwrap();
    assert_eq!(relinked.access_key_configuration.unwrap().id, config.id);

    // Referential rules: the configuration is in use; an unknown one is a bad request.
    let err = client
        .delete_access_key_configuration()
        .id(&config.id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(
        err.api_error().unwrap().details()["referencedBy"],
        created.id
    );
    let err = client
        .create_access_key()
        .body(
            types::AiGatewayAccessKeyCreate::builder()
                .access_key_configuration_id("aigac_missing".to_string()),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.is_bad_request(), "{err}");
    assert_eq!(
        err.api_error().unwrap().details()["field"],
        "/accessKeyConfigurationId"
    );

    client
        .delete_access_key()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    let err = client
        .get_access_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client
        .head_access_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "HEAD mirrors GET: {err}");
    let err = client
        .delete_access_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    client
        .delete_access_key_configuration()
        .id(&config.id)
        .send()
        .await
        .unwrap();

    let deletes: Vec<_> = mock
        .journal()
        .into_iter()
        .filter(|e| e.operation.as_deref() == Some("DeleteAIGatewayAccessKey"))
        .map(|e| e.status)
        .collect();
    assert_eq!(deletes, [Some(204), Some(404)]);
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn access_key_configuration_workflow() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let primary = client
        .create_provider_api_key()
        .body(
            types::AiGatewayProviderApiKeyCreate::builder()
                .provider_id("openai".to_string())
                .name("openai-primary".to_string())
                .value(ngrok_ai::Secret::from("sk-proj-EXAMPLEonlyNotARealKey0000")),
        )
        .send()
        .await
        .unwrap();

    let body: types::AiGatewayAccessKeyConfigurationCreate = from_json(json!({
        "name": "support-bot-prod",
        "description": "OpenAI only",
        "metadata": "{\"env\":\"prod\"}",
        "access": {"providers": {"allow": ["openai"]}, "models": {"allow": []}},
        "router": {"rules": [{"provider": "openai", "steps": [
            {"type": "user", "keys": [
                {"id": primary.id},
                {"name": "openai-inline", "value": "sk-proj-EXAMPLEinlineKeyValue9999"}
            ], "keySelectionStrategy": "ordered"},
            {"type": "ngrok"}
        ]}]}
    }));
    let created = client
        .create_access_key_configuration()
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(created.id.starts_with("aigac_"));
    let (_, raw) = raw_get(&mock, &format!("/access-key-configurations/{}", created.id)).await;
    assert_eq!(
        raw["access"]["models"]["allow"],
        json!([]),
        "[] (nothing allowed) is kept"
    );
    let keys = &raw["router"]["rules"][0]["steps"][0]["keys"];
    assert_eq!(
        keys[0],
        json!({"id": primary.id, "name": "openai-primary", "keyRedacted": "sk-proj-EX***0000"})
    );
    assert_eq!(keys[1]["name"], "openai-inline");
    assert_eq!(keys[1]["keyRedacted"], "sk-proj-EX***9999");
    let inline_id = keys[1]["id"].as_str().unwrap().to_owned();
    assert!(inline_id.starts_with("aigpk_"));
    let inline = client
        .get_provider_api_key()
        .id(&inline_id)
        .send()
        .await
        .unwrap();
    assert_eq!(inline.provider_id, "openai");
    assert!(
        !raw.to_string().contains("EXAMPLEinline"),
        "secrets never come back"
    );

    // A missing key reference is a bad request naming the field.
    let bad: types::AiGatewayAccessKeyConfigurationCreate = from_json(json!({
        "name": "x",
        "router": {"rules": [{"provider": "openai", "steps": [{"type": "user", "keys": [{"id": "aigpk_nope"}]}]}]}
    }));
    let err = client
        .create_access_key_configuration()
        .body(bad)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_bad_request());
    assert_eq!(
        err.api_error().unwrap().details()["field"],
        "/router/rules/0/steps/0/keys/0/id"
    );

    let mut expected = vec![created.id.clone()];
    for i in 0..4 {
        let c = client
            .create_access_key_configuration()
            .body(types::AiGatewayAccessKeyConfigurationCreate::builder().name(format!("c{i}")))
            .send()
            .await
            .unwrap();
        expected.push(c.id);
    }
    expected.reverse();
    check_paging!(
        mock,
        client,
        list_access_key_configurations,
        ai_gateway_access_key_configurations,
        expected
    );

    // PATCH: router null clears it, access replaced, description null, name value,
    // metadata omitted.
    let updated = client
        .update_access_key_configuration()
        .id(&created.id)
        .body_map(|b| {
            b.name(Nullable::from("renamed"))
                .description(Nullable::Null)
                .router(Nullable::Null)
                .access(Nullable::Value(from_json::<types::AccessScope>(
                    json!({"providers": {"allow": ["anthropic"]}}),
                )))
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, "renamed");
    assert!(updated.description.is_none() && updated.router.is_none());
    assert_eq!(updated.metadata.as_deref(), Some("{\"env\":\"prod\"}"));
    let (_, raw) = raw_get(&mock, &format!("/access-key-configurations/{}", created.id)).await;
    assert_eq!(
        raw["access"],
        json!({"providers": {"allow": ["anthropic"]}})
    );
    assert!(raw.get("router").is_none());

    client
        .head_access_key_configuration()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    client
        .head_access_key_configurations()
        .send()
        .await
        .unwrap();
    client
        .delete_access_key_configuration()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    assert!(client
        .get_access_key_configuration()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert!(client
        .head_access_key_configuration()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn api_key_workflow() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let created = client
        .create_api_key()
        .body(
            types::AiGatewayApiKeyCreate::builder()
                .name("terraform".to_string())
                .metadata("m".to_string()),
        )
        .send()
        .await
        .unwrap();
    assert!(created.id.starts_with("aigak_"));
    let token = created.token.clone().expect("token on create");
    assert!(created.key_redacted.contains("***"));
    assert!(created.last_used.is_none());

    // The new key authenticates; what it changes is attributed to it.
    let as_new_key = Client::builder()
        .api_key(token.clone())
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let made = as_new_key
        .create_api_key()
        .body(types::AiGatewayApiKeyCreate::builder())
        .send()
        .await
        .unwrap();
    assert_eq!(made.created_by.id, created.id);
    assert_eq!(made.created_by.uri, created.uri);
    let got = client.get_api_key().id(&created.id).send().await.unwrap();
    assert!(got.token.is_none());
    assert!(
        got.last_used.is_some(),
        "lastUsed is set once the key is used"
    );

    let mut expected = vec![created.id.clone(), made.id.clone()];
    for _ in 0..3 {
        let k = client
            .create_api_key()
            .body(types::AiGatewayApiKeyCreate::builder())
            .send()
            .await
            .unwrap();
        expected.push(k.id);
    }
    expected.reverse();
    check_paging!(mock, client, list_api_keys, ai_gateway_api_keys, expected);

    let updated = client
        .update_api_key()
        .id(&created.id)
        .body_map(|b| b.metadata(Nullable::Null).description(Nullable::from("ci")))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.metadata, None);
    assert_eq!(updated.description.as_deref(), Some("ci"));
    assert_eq!(updated.name.as_deref(), Some("terraform"));

    client.head_api_key().id(&created.id).send().await.unwrap();
    client.head_api_keys().send().await.unwrap();
    client
        .delete_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    assert!(client
        .get_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert!(client
        .head_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    let err = as_new_key.get_credit_balance().send().await.unwrap_err();
    assert!(
        err.is_unauthorized(),
        "a deleted key no longer authenticates: {err}"
    );
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn provider_key_workflow() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let create = |provider: &str, name: &str, value: &str| {
        client.create_provider_api_key().body(
            types::AiGatewayProviderApiKeyCreate::builder()
                .provider_id(provider.to_string())
                .name(name.to_string())
                .value(ngrok_ai::Secret::from(value)),
        )
    };
    let created = create(
        "openai",
        "openai-primary",
        "sk-proj-EXAMPLEonlyNotARealKey0000",
    )
    .send()
    .await
    .unwrap();
    assert!(created.id.starts_with("aigpk_"));
    assert_eq!(created.key_redacted, "sk-proj-EX***0000");
    assert_eq!(created.provider_id, "openai");

    let mut all = vec![created.id.clone()];
    let mut openai = vec![created.id.clone()];
    for i in 0..5 {
        let provider = if i % 2 == 0 { "anthropic" } else { "openai" };
        let k = create(provider, &format!("k{i}"), "sk-ant-EXAMPLEvalue-0123456789")
            .send()
            .await
            .unwrap();
        all.push(k.id.clone());
        if provider == "openai" {
            openai.push(k.id);
        }
    }
    all.reverse();
    openai.reverse();
    check_paging!(
        mock,
        client,
        list_provider_api_keys,
        ai_gateway_provider_keys,
        all
    );
    let filtered: Vec<String> = client
        .list_provider_api_keys()
        .provider("openai")
        .limit(1u32)
        .stream()
        .map_ok(|k| k.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(filtered, openai);
    let page = client
        .list_provider_api_keys()
        .provider("openai")
        .limit(1u32)
        .send()
        .await
        .unwrap();
    let next = page.next_page_uri.unwrap();
    assert_eq!(
        query_param(&next, "provider").as_deref(),
        Some("openai"),
        "{next}"
    );

    let err = create("no-such-provider", "x", "v")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_bad_request());
    assert_eq!(err.api_error().unwrap().details()["field"], "/providerId");

    let updated = client
        .update_provider_api_key()
        .id(&created.id)
        .body_map(|b| {
            b.description(Nullable::from("main"))
                .metadata(Nullable::from("m"))
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("main"));
    assert_eq!(updated.name, "openai-primary");
    let cleared = client
        .update_provider_api_key()
        .id(&created.id)
        .body_map(|b| b.metadata(Nullable::Null))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (cleared.metadata, cleared.description.as_deref()),
        (None, Some("main"))
    );

    let rotated = client
        .rotate_provider_api_key()
        .id(&created.id)
        .body(
            types::AiGatewayProviderApiKeyRotate::builder()
                .name("openai-rotated".to_string())
                .value(ngrok_ai::Secret::from("sk-proj-EXAMPLErotatedKeyValue1111")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.id, created.id);
    assert_eq!(rotated.name, "openai-rotated");
    assert_eq!(rotated.key_redacted, "sk-proj-EX***1111");
    let err = client
        .rotate_provider_api_key()
        .id("aigpk_missing")
        .body(
            types::AiGatewayProviderApiKeyRotate::builder()
                .name("n".to_string())
                .value(ngrok_ai::Secret::from("v")),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());

    client
        .head_provider_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    client.head_provider_api_keys().send().await.unwrap();
    client
        .delete_provider_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    assert!(client
        .get_provider_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert!(client
        .head_provider_api_key()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn provider_workflow_and_references() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let body: types::AiGatewayProviderCreate = from_json(json!({
        "providerId": "internal-vllm",
        "name": "Internal vLLM",
        "baseUrl": "https://vllm.internal/v1",
        "metadata": "m",
        "supportedApiSurfaces": [{"format": "openai", "surface": "chat-completions", "supportedParams": [{"name": "stream"}]}],
        "models": [{"modelId": "llama-3.1-70b"}, {"modelId": "qwen2.5-coder"}]
    }));
    let created = client.create_provider().body(body).send().await.unwrap();
    assert!(created.id.starts_with("aigp_"));
    let (_, raw) = raw_get(&mock, &format!("/providers/{}", created.id)).await;
    let models = raw["models"].as_array().unwrap();
    assert_eq!(models.len(), 2);
    assert!(models
        .iter()
        .all(|m| m["id"].as_str().unwrap().starts_with("aigpm_")));
    let llama_id = models[0]["id"].clone();

    let duplicate: types::AiGatewayProviderCreate =
        from_json(json!({"providerId": "internal-vllm", "name": "again", "baseUrl": "https://x"}));
    assert!(client
        .create_provider()
        .body(duplicate)
        .send()
        .await
        .unwrap_err()
        .is_conflict());
    let built_in: types::AiGatewayProviderCreate =
        from_json(json!({"providerId": "openai", "name": "no", "baseUrl": "https://x"}));
    assert!(client
        .create_provider()
        .body(built_in)
        .send()
        .await
        .unwrap_err()
        .is_bad_request());

    let mut expected = vec![created.id.clone()];
    for i in 0..4 {
        let body: types::AiGatewayProviderCreate = from_json(
            json!({"providerId": format!("p{i}"), "name": "p", "baseUrl": "https://p.example/v1"}),
        );
        expected.push(client.create_provider().body(body).send().await.unwrap().id);
    }
    expected.reverse();
    check_paging!(mock, client, list_providers, ai_gateway_providers, expected);

    // models: a list replaces the set (a model that stays keeps its ID), [] clears it;
    // baseUrl changes; metadata null clears; name omitted stays.
    let models: Vec<types::AiGatewayProviderModelCreate> =
        from_json(json!([{"modelId": "llama-3.1-70b"}, {"modelId": "llama-3.3-70b"}]));
    client
        .update_provider()
        .id(&created.id)
        .body_map(|b| {
            b.base_url("https://vllm-2.internal/v1".to_string())
                .metadata(Nullable::Null)
                .models(Nullable::Value(models))
        })
        .send()
        .await
        .unwrap();
    let (_, raw) = raw_get(&mock, &format!("/providers/{}", created.id)).await;
    assert_eq!(raw["baseUrl"], "https://vllm-2.internal/v1");
    assert!(raw.get("metadata").is_none());
    assert_eq!(raw["name"], "Internal vLLM");
    assert_eq!(raw["models"][0]["id"], llama_id);
    assert_eq!(raw["models"][1]["modelId"], "llama-3.3-70b");
    let clear: types::AiGatewayProviderUpdate = from_json(json!({"models": []}));
    client
        .update_provider()
        .id(&created.id)
        .body(clear)
        .send()
        .await
        .unwrap();
    let (_, raw) = raw_get(&mock, &format!("/providers/{}", created.id)).await;
    assert!(raw.get("models").is_none_or(|m| m == &json!([])));
    assert!(raw.get("supportedApiSurfaces").is_some(), "omitted: kept");

    // A provider key and a configuration rule both reference it → 409 until removed.
    let key = client
        .create_provider_api_key()
        .body(
            types::AiGatewayProviderApiKeyCreate::builder()
                .provider_id("internal-vllm".to_string())
                .name("vllm".to_string())
                .value(ngrok_ai::Secret::from("token-EXAMPLE-000000")),
        )
        .send()
        .await
        .unwrap();
    let err = client
        .delete_provider()
        .id(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let details = err.api_error().unwrap().details();
    assert_eq!(details["referencedBy"], key.id);
    assert_eq!(details["providerId"], "internal-vllm");
    client
        .delete_provider_api_key()
        .id(&key.id)
        .send()
        .await
        .unwrap();
    let config: types::AiGatewayAccessKeyConfigurationCreate = from_json(json!({
        "name": "uses vllm",
        "router": {"rules": [{"provider": "internal-vllm", "steps": [{"type": "user"}]}]}
    }));
    let config = client
        .create_access_key_configuration()
        .body(config)
        .send()
        .await
        .unwrap();
    let err = client
        .delete_provider()
        .id(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(
        err.api_error().unwrap().details()["referencedBy"],
        config.id
    );
    client
        .delete_access_key_configuration()
        .id(&config.id)
        .send()
        .await
        .unwrap();

    client.head_provider().id(&created.id).send().await.unwrap();
    client.head_providers().send().await.unwrap();
    client
        .delete_provider()
        .id(&created.id)
        .send()
        .await
        .unwrap();
    assert!(client
        .get_provider()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert!(client
        .head_provider()
        .id(&created.id)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn gateway_config_get_and_update() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let config = client.get_gateway_config().send().await.unwrap();
    assert_eq!(
        (
            config.total_timeout.as_str(),
            config.per_request_timeout.as_str()
        ),
        ("120s", "60s")
    );
    assert!(config.account_id.starts_with("acct_"));
    assert_eq!(config.uri, format!("{}/gateway-config", mock.base_url()));
    let (_, raw) = raw_get(&mock, "/gateway-config").await;
    assert!(
        raw["maxInputTokens"].is_null()
            && raw["maxOutputTokens"].is_null()
            && raw["metadata"].is_null()
    );
    client.head_gateway_config().send().await.unwrap();

    let updated = client
        .update_gateway_config()
        .body_map(|b| {
            b.per_request_timeout("45s".to_string())
                .max_input_tokens(Nullable::Value(200_000))
                .max_output_tokens(Nullable::Null)
                .metadata(Nullable::from("tuned"))
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.per_request_timeout, "45s");
    assert_eq!(updated.total_timeout, "120s", "omitted: unchanged");
    assert_eq!(updated.max_input_tokens, Some(200_000));
    assert_eq!(updated.metadata.as_deref(), Some("tuned"));
    let cleared = client
        .update_gateway_config()
        .body_map(|b| b.max_input_tokens(Nullable::Null))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.max_input_tokens, None);
    assert_eq!(cleared.metadata.as_deref(), Some("tuned"));
    let (_, raw) = raw_get(&mock, "/gateway-config").await;
    assert!(raw["maxInputTokens"].is_null());

    let err = client
        .update_gateway_config()
        .body_map(|b| b.total_timeout("two minutes".to_string()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_bad_request());
    assert_eq!(err.api_error().unwrap().details()["field"], "/totalTimeout");
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn credits_balance_transactions_and_checkout() {
    let mock = MockServer::start().await;
    let client = mock.client();
    assert_eq!(
        client
            .get_credit_balance()
            .send()
            .await
            .unwrap()
            .balance_cents,
        0
    );
    mock.set_credit_balance(1888);
    let items: Vec<types::CreditTransactionItem> = from_json(json!([
        {"type": "credits", "amountCents": 500, "category": "promotional", "expiresAt": null, "createdAt": "2026-09-15T12:00:00Z"},
        {"type": "usageInvoicePreview", "createdAt": "2026-11-27T08:00:00Z", "periodStart": "2026-11-01T00:00:00Z",
         "periodEnd": "2026-12-01T00:00:00Z", "totalCents": 612, "appliedCreditsCents": 612, "amountDueCents": 0,
         "amountPaidCents": 0, "amountRemainingCents": 0},
        {"type": "credits", "amountCents": 2500, "category": "purchase", "expiresAt": "2027-11-02T09:14:27Z", "createdAt": "2026-11-02T09:14:27Z"}
    ]));
    mock.seed_credit_transactions(items).unwrap();
    let list = client.get_credit_transactions().send().await.unwrap();
    let (_, raw) = raw_get(&mock, "/credits/transactions").await;
    let times: Vec<&str> = raw["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["createdAt"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2026-11-27T08:00:00Z",
            "2026-11-02T09:14:27Z",
            "2026-09-15T12:00:00Z"
        ]
    );
    assert_eq!(list.items.len(), 3);

    let session = client
        .create_checkout_session()
        .body(types::CheckoutSessionCreate::builder().amount(2500))
        .send()
        .await
        .unwrap();
    assert!(session
        .session_url
        .starts_with("https://checkout.stripe.com/"));
    assert!(session.session_url.ends_with(&session.session_id));
    assert_eq!(mock.checkout_sessions()[0].amount_cents, 2500);
    assert_eq!(
        client
            .get_credit_balance()
            .send()
            .await
            .unwrap()
            .balance_cents,
        1888
    );
    // The client cannot even send amount 0 (NonZeroU64); the mock rejects it raw.
    let response = http()
        .post(format!("{}/credits/checkout-session", mock.base_url()))
        .bearer_auth(mock.api_key())
        .json(&json!({"amount": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["details"]["field"], "/amount");
    assert_spec_clean(&mock);
}

#[tokio::test]
async fn every_operation_is_served_and_on_spec() {
    // A smoke pass over the route table: no operation is left unimplemented (501).
    let mock = MockServer::start().await;
    let http = http();
    for route in ngrok_ai_mock::routes() {
        let path = route.path.replace("{id}", "x_missing");
        let mut url = format!("{}{path}", mock.base_url());
        if route.query.iter().any(|q| q.name == "startTime") {
            url.push_str("?startTime=2026-01-01T00:00:00Z");
        }
        let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes()).unwrap();
        let mut request = http.request(method, url).bearer_auth(mock.api_key());
        if route.request_body.is_some() {
            request = request.json(&json!({}));
        }
        let status = request.send().await.unwrap().status().as_u16();
        assert!(
            [200, 201, 204, 400, 404].contains(&status),
            "{} answered {status}",
            route.operation
        );
    }
    let operations: std::collections::BTreeSet<_> = mock
        .journal()
        .into_iter()
        .filter_map(|e| e.operation)
        .collect();
    assert_eq!(operations.len(), ngrok_ai_mock::routes().len());
    assert_spec_clean(&mock);
}
