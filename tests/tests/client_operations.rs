//! One test per operation of the spec (44): the spec's example response is
//! scripted with the documented status, the operation is called with
//! realistic arguments (every query parameter it has), and both the request
//! on the wire and the decoded response are checked.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

use std::num::NonZeroU64;

use ngrok_ai::types::{self, RouterStepKeySelectionStrategy as Strategy, RouterStepType};
use ngrok_ai::{Client, Nullable};
use ngrok_ai_tests::fixtures::{self as fx, ts};
use ngrok_ai_tests::{
    assert_json_body, assert_request_line, assert_sdk_headers, client_for, RecordedRequest,
    StubResponse, StubServer,
};
use serde_json::{json, Value};

/// A stub server with one scripted response and a client pointed at it.
struct Case {
    server: StubServer,
    client: Client,
}

impl Case {
    async fn new(response: StubResponse) -> Self {
        let server = StubServer::start().await;
        server.push(response);
        let client = client_for(&server);
        Self { server, client }
    }

    async fn json(status: u16, body: Value) -> Self {
        Self::new(StubResponse::json(status, body)).await
    }

    /// Checks the only request: headers, method, path, exact query, and the
    /// exact JSON body (or an empty body when `body` is `None`).
    fn expect(&self, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) {
        let request: RecordedRequest = self.server.single_request();
        assert_sdk_headers(&request);
        assert_request_line(&request, method, path, query);
        match body {
            Some(body) => assert_json_body(&request, &body),
            None => assert!(
                request.body.is_empty(),
                "unexpected body {}",
                request.body_text()
            ),
        }
    }
}

const PAGE_QUERY: &[(&str, &str)] = &[("beforeId", "aigx_2pZ0before"), ("limit", "20")];

fn by_id(collection: &str, id: &str) -> String {
    format!("/{collection}/{id}")
}

// ---- decoded-response checks ----------------------------------------------

fn assert_actor(r: &types::Ref) {
    assert_eq!(r.id, fx::ACTOR_ID);
    assert_eq!(
        r.uri,
        format!("https://api.ngrok.ai/api-keys/{}", fx::ACTOR_ID)
    );
}

fn assert_configuration(c: &types::AiGatewayAccessKeyConfiguration) {
    assert_eq!(c.id, fx::CONFIG_ID);
    assert_eq!(c.name, "support-bot-prod");
    assert_eq!(c.created_at, ts("2026-11-02T09:14:27Z"));
    assert_eq!(c.updated_at, ts("2026-11-20T16:03:51Z"));
    assert_actor(&c.created_by);
    assert_actor(&c.last_updated_by);
    assert_eq!(
        c.metadata.as_deref(),
        Some(r#"{"team":"support","env":"prod"}"#)
    );
    let access = c.access.as_ref().expect("access");
    assert_eq!(
        access.providers.as_ref().unwrap().allow.as_deref().unwrap(),
        ["openai", "anthropic"]
    );
    assert_eq!(
        access.models.as_ref().unwrap().allow.as_ref().unwrap()[1],
        "anthropic:anthropic/claude-sonnet-4-6"
    );
    let rule = &c
        .router
        .as_ref()
        .expect("router")
        .rules
        .as_ref()
        .expect("rules")[0];
    assert_eq!(rule.provider.as_deref(), Some("openai"));
    assert_eq!(rule.model, None);
    assert_eq!(rule.steps.len(), 2);
    assert_eq!(rule.steps[0].type_, RouterStepType::User);
    assert_eq!(
        rule.steps[0].key_selection_strategy,
        Some(Strategy::Ordered)
    );
    let keys = rule.steps[0].keys.as_ref().expect("keys");
    assert_eq!(keys[0].id, fx::PROVIDER_KEY_ID);
    assert_eq!(keys[1].name, "openai-backup");
    assert_eq!(keys[1].key_redacted, "sk-proj-Cd***4mWe");
    assert_eq!(rule.steps[1].type_, RouterStepType::Ngrok);
    // The ngrok step has no keys at all (absent, not an empty list).
    assert_eq!(rule.steps[1].keys, None);
}

fn assert_access_key(k: &types::AiGatewayAccessKey) {
    assert_eq!(k.id, fx::ACCESS_KEY_ID);
    assert_eq!(
        k.uri,
        format!("https://api.ngrok.ai/access-keys/{}", fx::ACCESS_KEY_ID)
    );
    assert_eq!(k.name.as_deref(), Some("support-bot"));
    assert_eq!(
        k.description.as_deref(),
        Some("Used by the support bot in production")
    );
    assert_eq!(k.key_redacted, "ng-2pZ5j***Ytq8");
    assert_eq!(k.created_at, ts("2026-11-02T09:14:27Z"));
    assert_eq!(k.last_used, Some(ts("2026-11-26T22:41:09Z")));
    assert_actor(&k.created_by);
    let linked = k
        .access_key_configuration
        .as_ref()
        .expect("linked configuration");
    assert_eq!(linked.id, fx::CONFIG_ID);
    assert_eq!(linked.name, "support-bot-prod");
    assert!(k.token.is_none());
}

fn assert_api_key(k: &types::AiGatewayApiKey) {
    assert_eq!(k.id, fx::API_KEY_ID);
    assert_eq!(k.name.as_deref(), Some("terraform"));
    assert_eq!(k.metadata.as_deref(), Some(r#"{"owner":"platform"}"#));
    assert_eq!(k.key_redacted, "ngai_2pZ6***h7Kq");
    assert_eq!(k.updated_at, ts("2026-11-02T09:14:27Z"));
    assert_eq!(k.last_used, None);
    assert_actor(&k.last_updated_by);
}

fn assert_provider_key(k: &types::AiGatewayProviderApiKeyDetail) {
    assert_eq!(k.id, fx::PROVIDER_KEY_ID);
    assert_eq!(k.provider_id, "openai");
    assert_eq!(k.name, "openai-primary");
    assert_eq!(k.description.as_deref(), Some("Primary OpenAI project key"));
    assert_eq!(k.created_at, ts("2026-11-02T09:14:27Z"));
    assert_actor(&k.created_by);
}

fn assert_provider(p: &types::AiGatewayProvider) {
    assert_eq!(p.id, fx::PROVIDER_ID);
    assert_eq!(p.provider_id, "internal-vllm");
    assert_eq!(p.name, "Internal vLLM cluster");
    assert_eq!(p.base_url, "https://vllm.internal/v1");
    assert_eq!(p.updated_at, ts("2026-11-20T16:03:51Z"));
    assert_actor(&p.created_by);
    let surface = &p.supported_api_surfaces.as_ref().expect("surfaces")[0];
    assert_eq!(surface.format, "openai");
    assert_eq!(surface.surface.as_deref(), Some("chat-completions"));
    let params: Vec<&str> = surface
        .supported_params
        .iter()
        .flatten()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, ["temperature", "max_tokens", "stream"]);
    let models = p.models.as_ref().expect("models");
    assert_eq!(models.len(), 2);
    assert_eq!(models[1].id, "aigpm_2pZ8xT5eG8hJ1kL4mA7yD0wC3oN");
    assert_eq!(models[1].model_id, "qwen2.5-coder-32b");
}

fn assert_gateway_config(c: &types::AiGatewayConfig) {
    assert_eq!(c.account_id, "acct_2nB8vC5xZ2lK9jH6gF3dS0aP7oIu");
    assert_eq!(c.uri, "https://api.ngrok.ai/gateway-config");
    assert_eq!(c.total_timeout, "120s");
    assert_eq!(c.per_request_timeout, "60s");
    assert_eq!(c.max_input_tokens, Some(200000));
    assert_eq!(c.max_output_tokens, None);
    assert_eq!(c.metadata, None);
}

// ---- access key configurations ---------------------------------------------

#[tokio::test]
async fn list_ai_gateway_access_key_configurations() {
    let next = format!(
        "https://api.ngrok.ai/access-key-configurations?beforeId={}&limit=1",
        fx::CONFIG_ID
    );
    let body = json!({
        "aiGatewayAccessKeyConfigurations": [fx::access_key_configuration()],
        "uri": "https://api.ngrok.ai/access-key-configurations?limit=1",
        "nextPageUri": next
    });
    let case = Case::json(200, body).await;
    let page = case
        .client
        .list_access_key_configurations()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("GET", "/access-key-configurations", PAGE_QUERY, None);
    assert_eq!(page.ai_gateway_access_key_configurations.len(), 1);
    assert_configuration(&page.ai_gateway_access_key_configurations[0]);
    assert_eq!(
        page.uri,
        "https://api.ngrok.ai/access-key-configurations?limit=1"
    );
    assert_eq!(page.next_page_uri.as_deref(), Some(next.as_str()));
}

#[tokio::test]
async fn head_ai_gateway_access_key_configurations() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_access_key_configurations()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", "/access-key-configurations", PAGE_QUERY, None);
}

#[tokio::test]
async fn create_ai_gateway_access_key_configuration() {
    let case = Case::json(201, fx::access_key_configuration()).await;
    let user_step = types::RouterStepWrite::try_from(
        types::RouterStepWrite::builder()
            .type_(RouterStepType::User)
            .keys(Some(vec![
                types::RouterStepKeyWrite {
                    id: Some(fx::PROVIDER_KEY_ID.to_owned()),
                    ..Default::default()
                },
                types::RouterStepKeyWrite {
                    name: Some("openai-backup".to_owned()),
                    value: Some("sk-proj-EXAMPLEonlyNotARealKey0000".into()),
                    ..Default::default()
                },
            ]))
            .key_selection_strategy(Some(Strategy::Ordered)),
    )
    .expect("a valid RouterStepWrite");
    let ngrok_step = types::RouterStepWrite::try_from(
        types::RouterStepWrite::builder()
            .type_(RouterStepType::Ngrok)
            .keys(None)
            .key_selection_strategy(None),
    )
    .expect("a valid RouterStepWrite");
    let body = types::AiGatewayAccessKeyConfigurationCreate::try_from(
        types::AiGatewayAccessKeyConfigurationCreate::builder()
            .name("support-bot-prod".to_owned())
            .description(Some(
                "OpenAI and Anthropic only; OpenAI keys fail over to ngrok inference".to_owned(),
            ))
            .metadata(Some(r#"{"team":"support","env":"prod"}"#.to_owned()))
            .access(Some(types::AccessScope {
                providers: Some(types::AccessDimension {
                    allow: Some(vec!["openai".to_owned(), "anthropic".to_owned()]),
                    ..Default::default()
                }),
                models: Some(types::AccessDimension {
                    allow: Some(vec![
                        "openai:openai/gpt-4o".to_owned(),
                        "anthropic:anthropic/claude-sonnet-4-6".to_owned(),
                    ]),
                    ..Default::default()
                }),
                ..Default::default()
            }))
            .router(Some(types::RouterWrite {
                rules: Some(vec![types::RouterRuleWrite::try_from(
                    types::RouterRuleWrite::builder()
                        .provider(Some("openai".to_owned()))
                        .model(None)
                        .steps(vec![user_step, ngrok_step]),
                )
                .expect("a valid RouterRuleWrite")]),
                ..Default::default()
            })),
    )
    .expect("a valid AiGatewayAccessKeyConfigurationCreate");
    let created = case
        .client
        .create_access_key_configuration()
        .body(body)
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        "/access-key-configurations",
        &[],
        Some(json!({
            "name": "support-bot-prod",
            "description": "OpenAI and Anthropic only; OpenAI keys fail over to ngrok inference",
            "metadata": "{\"team\":\"support\",\"env\":\"prod\"}",
            "access": {
                "providers": {"allow": ["openai", "anthropic"]},
                "models": {"allow": ["openai:openai/gpt-4o", "anthropic:anthropic/claude-sonnet-4-6"]}
            },
            "router": {"rules": [{
                "provider": "openai",
                "steps": [
                    {
                        "type": "user",
                        "keys": [
                            {"id": fx::PROVIDER_KEY_ID},
                            {"name": "openai-backup", "value": "sk-proj-EXAMPLEonlyNotARealKey0000"}
                        ],
                        "keySelectionStrategy": "ordered"
                    },
                    {"type": "ngrok"}
                ]
            }]}
        })),
    );
    assert_configuration(&created);
}

#[tokio::test]
async fn get_ai_gateway_access_key_configuration() {
    let case = Case::json(200, fx::access_key_configuration()).await;
    let config = case
        .client
        .get_access_key_configuration()
        .id(fx::CONFIG_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "GET",
        &by_id("access-key-configurations", fx::CONFIG_ID),
        &[],
        None,
    );
    assert_configuration(&config);
}

#[tokio::test]
async fn head_ai_gateway_access_key_configuration() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_access_key_configuration()
        .id(fx::CONFIG_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "HEAD",
        &by_id("access-key-configurations", fx::CONFIG_ID),
        &[],
        None,
    );
}

#[tokio::test]
async fn update_ai_gateway_access_key_configuration() {
    let case = Case::json(200, fx::access_key_configuration()).await;
    let body = types::AiGatewayAccessKeyConfigurationUpdate {
        description: Some(Nullable::Null),
        access: Some(Nullable::Value(types::AccessScope {
            providers: Some(types::AccessDimension {
                allow: Some(vec!["openai".to_owned()]),
                ..Default::default()
            }),
            models: None,
            ..Default::default()
        })),
        ..Default::default()
    };
    let config = case
        .client
        .update_access_key_configuration()
        .id(fx::CONFIG_ID)
        .body(body)
        .send()
        .await
        .unwrap();
    case.expect(
        "PATCH",
        &by_id("access-key-configurations", fx::CONFIG_ID),
        &[],
        Some(json!({"description": null, "access": {"providers": {"allow": ["openai"]}}})),
    );
    assert_configuration(&config);
}

#[tokio::test]
async fn delete_ai_gateway_access_key_configuration() {
    let case = Case::new(StubResponse::status(204)).await;
    case.client
        .delete_access_key_configuration()
        .id(fx::CONFIG_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "DELETE",
        &by_id("access-key-configurations", fx::CONFIG_ID),
        &[],
        None,
    );
}

// ---- access keys -------------------------------------------------------------

#[tokio::test]
async fn list_ai_gateway_access_keys() {
    let mut second = fx::access_key();
    second["id"] = json!("aigk_2pZ4fG7hJ0kL3zX5cV8bN2mQ6wEr");
    second["name"] = json!("ci-smoke-tests");
    second["lastUsed"] = Value::Null;
    second["accessKeyConfiguration"] = Value::Null;
    second.as_object_mut().unwrap().remove("description");
    let body = json!({
        "aiGatewayAccessKeys": [fx::access_key(), second],
        "uri": "https://api.ngrok.ai/access-keys?limit=2",
        "nextPageUri": null
    });
    let case = Case::json(200, body).await;
    let page = case
        .client
        .list_access_keys()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("GET", "/access-keys", PAGE_QUERY, None);
    assert_eq!(page.ai_gateway_access_keys.len(), 2);
    assert_access_key(&page.ai_gateway_access_keys[0]);
    let second = &page.ai_gateway_access_keys[1];
    assert_eq!(second.name.as_deref(), Some("ci-smoke-tests"));
    assert_eq!(second.description, None);
    assert_eq!(second.last_used, None);
    assert_eq!(second.access_key_configuration, None);
    assert_eq!(page.next_page_uri, None);
}

#[tokio::test]
async fn head_ai_gateway_access_keys() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_access_keys()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", "/access-keys", PAGE_QUERY, None);
}

#[tokio::test]
async fn create_ai_gateway_access_key() {
    let case = Case::json(201, fx::access_key_created()).await;
    let key = case
        .client
        .create_access_key()
        .body(types::AiGatewayAccessKeyCreate {
            name: Some("support-bot".to_owned()),
            description: Some("Used by the support bot in production".to_owned()),
            metadata: Some(r#"{"team":"support"}"#.to_owned()),
            access_key_configuration_id: Some(fx::CONFIG_ID.to_owned()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        "/access-keys",
        &[],
        Some(json!({
            "name": "support-bot",
            "description": "Used by the support bot in production",
            "metadata": "{\"team\":\"support\"}",
            "accessKeyConfigurationId": fx::CONFIG_ID
        })),
    );
    assert_eq!(key.id, fx::ACCESS_KEY_ID);
    assert_eq!(key.key_redacted, "ng-2pZ5j***Ytq8");
    assert_eq!(key.last_used, None);
    let token = key.token.as_ref().expect("create returns the token");
    assert_eq!(token.expose_secret(), fx::ACCESS_KEY_TOKEN);
    let debug = format!("{key:?} {key:#?}");
    assert!(
        !debug.contains(fx::ACCESS_KEY_TOKEN),
        "token leaks through Debug: {debug}"
    );
    assert!(debug.contains("REDACTED"), "{debug}");
}

#[tokio::test]
async fn get_ai_gateway_access_key() {
    let case = Case::json(200, fx::access_key()).await;
    let key = case
        .client
        .get_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect("GET", &by_id("access-keys", fx::ACCESS_KEY_ID), &[], None);
    assert_access_key(&key);
}

#[tokio::test]
async fn head_ai_gateway_access_key() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", &by_id("access-keys", fx::ACCESS_KEY_ID), &[], None);
}

#[tokio::test]
async fn update_ai_gateway_access_key() {
    let mut updated = fx::access_key();
    updated["name"] = json!("support-bot-v2");
    updated["updatedAt"] = json!("2026-11-27T08:30:00Z");
    updated["accessKeyConfiguration"] = Value::Null;
    let case = Case::json(200, updated).await;
    let key = case
        .client
        .update_access_key()
        .id(fx::ACCESS_KEY_ID)
        .body(types::AiGatewayAccessKeyUpdate {
            name: Some(Nullable::Value("support-bot-v2".to_owned())),
            access_key_configuration_id: Some(Nullable::Null),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "PATCH",
        &by_id("access-keys", fx::ACCESS_KEY_ID),
        &[],
        Some(json!({"name": "support-bot-v2", "accessKeyConfigurationId": null})),
    );
    assert_eq!(key.name.as_deref(), Some("support-bot-v2"));
    assert_eq!(key.updated_at, ts("2026-11-27T08:30:00Z"));
    assert_eq!(key.access_key_configuration, None);
    assert_eq!(key.last_used, Some(ts("2026-11-26T22:41:09Z")));
}

#[tokio::test]
async fn delete_ai_gateway_access_key() {
    let case = Case::new(StubResponse::status(204)).await;
    case.client
        .delete_access_key()
        .id(fx::ACCESS_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "DELETE",
        &by_id("access-keys", fx::ACCESS_KEY_ID),
        &[],
        None,
    );
}

// ---- API keys ----------------------------------------------------------------

#[tokio::test]
async fn list_ai_gateway_api_keys() {
    let next = format!(
        "https://api.ngrok.ai/api-keys?beforeId={}&limit=1",
        fx::API_KEY_ID
    );
    let body = json!({
        "aiGatewayApiKeys": [fx::api_key()],
        "uri": "https://api.ngrok.ai/api-keys?limit=1",
        "nextPageUri": next
    });
    let case = Case::json(200, body).await;
    let page = case
        .client
        .list_api_keys()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("GET", "/api-keys", PAGE_QUERY, None);
    assert_api_key(&page.ai_gateway_api_keys[0]);
    assert_eq!(page.next_page_uri.as_deref(), Some(next.as_str()));
}

#[tokio::test]
async fn head_ai_gateway_api_keys() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_api_keys()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", "/api-keys", PAGE_QUERY, None);
}

#[tokio::test]
async fn create_ai_gateway_api_key() {
    let case = Case::json(201, fx::api_key_created()).await;
    let key = case
        .client
        .create_api_key()
        .body(types::AiGatewayApiKeyCreate {
            name: Some("terraform".to_owned()),
            description: Some("Provisions access keys from CI".to_owned()),
            metadata: Some(r#"{"owner":"platform"}"#.to_owned()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        "/api-keys",
        &[],
        Some(json!({
            "name": "terraform",
            "description": "Provisions access keys from CI",
            "metadata": "{\"owner\":\"platform\"}"
        })),
    );
    assert_api_key(&key);
    let token = key.token.as_ref().expect("create returns the token");
    assert_eq!(token.expose_secret(), fx::API_KEY_TOKEN);
    let debug = format!("{key:?} {key:#?} {token:?}");
    assert!(
        !debug.contains(fx::API_KEY_TOKEN),
        "token leaks through Debug: {debug}"
    );
}

#[tokio::test]
async fn get_ai_gateway_api_key() {
    let case = Case::json(200, fx::api_key()).await;
    let key = case
        .client
        .get_api_key()
        .id(fx::API_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect("GET", &by_id("api-keys", fx::API_KEY_ID), &[], None);
    assert_api_key(&key);
    assert!(key.token.is_none());
}

#[tokio::test]
async fn head_ai_gateway_api_key() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_api_key()
        .id(fx::API_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", &by_id("api-keys", fx::API_KEY_ID), &[], None);
}

#[tokio::test]
async fn update_ai_gateway_api_key() {
    let case = Case::json(200, fx::api_key()).await;
    let key = case
        .client
        .update_api_key()
        .id(fx::API_KEY_ID)
        .body(types::AiGatewayApiKeyUpdate {
            description: Some(Nullable::Value(
                "Provisions access keys from the deploy pipeline".to_owned(),
            )),
            metadata: Some(Nullable::Null),
            name: None,
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "PATCH",
        &by_id("api-keys", fx::API_KEY_ID),
        &[],
        Some(json!({
            "description": "Provisions access keys from the deploy pipeline",
            "metadata": null
        })),
    );
    assert_api_key(&key);
}

#[tokio::test]
async fn delete_ai_gateway_api_key() {
    let case = Case::new(StubResponse::status(204)).await;
    case.client
        .delete_api_key()
        .id(fx::API_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect("DELETE", &by_id("api-keys", fx::API_KEY_ID), &[], None);
}

// ---- provider keys -----------------------------------------------------------

#[tokio::test]
async fn list_ai_gateway_provider_api_keys() {
    let next = format!(
        "https://api.ngrok.ai/provider-keys?beforeId={}&limit=1&provider=openai",
        fx::PROVIDER_KEY_ID
    );
    let body = json!({
        "aiGatewayProviderKeys": [fx::provider_key()],
        "uri": "https://api.ngrok.ai/provider-keys?limit=1&provider=openai",
        "nextPageUri": next
    });
    let case = Case::json(200, body).await;
    let page = case
        .client
        .list_provider_api_keys()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .provider("openai")
        .send()
        .await
        .unwrap();
    case.expect(
        "GET",
        "/provider-keys",
        &[
            ("beforeId", "aigx_2pZ0before"),
            ("limit", "20"),
            ("provider", "openai"),
        ],
        None,
    );
    let key = &page.ai_gateway_provider_keys[0];
    assert_provider_key(key);
    assert_eq!(key.key_redacted, "sk-proj-Ab***9xQz");
    assert_eq!(key.last_used, Some(ts("2026-11-26T22:41:09Z")));
    assert_eq!(page.next_page_uri.as_deref(), Some(next.as_str()));
}

#[tokio::test]
async fn head_ai_gateway_provider_api_keys() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_provider_api_keys()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", "/provider-keys", PAGE_QUERY, None);
}

#[tokio::test]
async fn create_ai_gateway_provider_api_key() {
    let mut created = fx::provider_key();
    created["updatedAt"] = json!("2026-11-02T09:14:27Z");
    created["keyRedacted"] = json!("sk-proj-EX***0000");
    created["lastUsed"] = Value::Null;
    let case = Case::json(201, created).await;
    let body = types::AiGatewayProviderApiKeyCreate::try_from(
        types::AiGatewayProviderApiKeyCreate::builder()
            .provider_id("openai".to_owned())
            .value(ngrok_ai::Secret::from("sk-proj-EXAMPLEonlyNotARealKey0000"))
            .name("openai-primary".to_owned())
            .description(Some("Primary OpenAI project key".to_owned()))
            .metadata(Some(r#"{"project":"support"}"#.to_owned())),
    )
    .expect("a valid AiGatewayProviderApiKeyCreate");
    let debug = format!("{body:?}");
    assert!(
        !debug.contains("sk-proj-EXAMPLEonly"),
        "value leaks through Debug: {debug}"
    );
    let key = case
        .client
        .create_provider_api_key()
        .body(body)
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        "/provider-keys",
        &[],
        Some(json!({
            "providerId": "openai",
            "value": "sk-proj-EXAMPLEonlyNotARealKey0000",
            "name": "openai-primary",
            "description": "Primary OpenAI project key",
            "metadata": "{\"project\":\"support\"}"
        })),
    );
    assert_provider_key(&key);
    assert_eq!(key.key_redacted, "sk-proj-EX***0000");
    assert_eq!(key.last_used, None);
}

#[tokio::test]
async fn get_ai_gateway_provider_api_key() {
    let case = Case::json(200, fx::provider_key()).await;
    let key = case
        .client
        .get_provider_api_key()
        .id(fx::PROVIDER_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "GET",
        &by_id("provider-keys", fx::PROVIDER_KEY_ID),
        &[],
        None,
    );
    assert_provider_key(&key);
    assert_eq!(key.updated_at, ts("2026-11-20T16:03:51Z"));
    assert_eq!(key.metadata.as_deref(), Some(r#"{"project":"support"}"#));
}

#[tokio::test]
async fn head_ai_gateway_provider_api_key() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_provider_api_key()
        .id(fx::PROVIDER_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "HEAD",
        &by_id("provider-keys", fx::PROVIDER_KEY_ID),
        &[],
        None,
    );
}

#[tokio::test]
async fn update_ai_gateway_provider_api_key() {
    let case = Case::json(200, fx::provider_key()).await;
    let key = case
        .client
        .update_provider_api_key()
        .id(fx::PROVIDER_KEY_ID)
        .body(types::AiGatewayProviderApiKeyUpdate {
            name: Some(Nullable::Value("openai-primary-2026".to_owned())),
            description: Some(Nullable::Null),
            metadata: None,
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "PATCH",
        &by_id("provider-keys", fx::PROVIDER_KEY_ID),
        &[],
        Some(json!({"name": "openai-primary-2026", "description": null})),
    );
    assert_provider_key(&key);
}

#[tokio::test]
async fn delete_ai_gateway_provider_api_key() {
    let case = Case::new(StubResponse::status(204)).await;
    case.client
        .delete_provider_api_key()
        .id(fx::PROVIDER_KEY_ID)
        .send()
        .await
        .unwrap();
    case.expect(
        "DELETE",
        &by_id("provider-keys", fx::PROVIDER_KEY_ID),
        &[],
        None,
    );
}

#[tokio::test]
async fn rotate_ai_gateway_provider_api_key() {
    let mut rotated = fx::provider_key();
    rotated["updatedAt"] = json!("2026-11-27T08:30:00Z");
    rotated["keyRedacted"] = json!("sk-proj-EX***ey11");
    rotated["lastUsed"] = Value::Null;
    let case = Case::json(200, rotated).await;
    let key = case
        .client
        .rotate_provider_api_key()
        .id(fx::PROVIDER_KEY_ID)
        .body(
            types::AiGatewayProviderApiKeyRotate::builder()
                .value(ngrok_ai::Secret::from(
                    "sk-proj-EXAMPLErotatedNotARealKey11",
                ))
                .name("openai-primary".to_owned()),
        )
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        &format!("/provider-keys/{}/rotate", fx::PROVIDER_KEY_ID),
        &[],
        Some(json!({"value": "sk-proj-EXAMPLErotatedNotARealKey11", "name": "openai-primary"})),
    );
    assert_provider_key(&key);
    assert_eq!(key.key_redacted, "sk-proj-EX***ey11");
    assert_eq!(key.updated_at, ts("2026-11-27T08:30:00Z"));
}

// ---- providers -----------------------------------------------------------------

#[tokio::test]
async fn list_ai_gateway_providers() {
    let body = json!({
        "aiGatewayProviders": [fx::provider()],
        "uri": "https://api.ngrok.ai/providers",
        "nextPageUri": null
    });
    let case = Case::json(200, body).await;
    let page = case
        .client
        .list_providers()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("GET", "/providers", PAGE_QUERY, None);
    assert_provider(&page.ai_gateway_providers[0]);
    assert_eq!(page.uri, "https://api.ngrok.ai/providers");
    assert_eq!(page.next_page_uri, None);
}

#[tokio::test]
async fn head_ai_gateway_providers() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_providers()
        .before_id("aigx_2pZ0before")
        .limit(20u32)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", "/providers", PAGE_QUERY, None);
}

#[tokio::test]
async fn create_ai_gateway_provider() {
    let case = Case::json(201, fx::provider()).await;
    let param = |name: &str| {
        types::SupportedApiSurfaceParam::try_from(
            types::SupportedApiSurfaceParam::builder().name(name.to_owned()),
        )
        .expect("a valid SupportedApiSurfaceParam")
    };
    let model = |id: &str| {
        types::AiGatewayProviderModelCreate::try_from(
            types::AiGatewayProviderModelCreate::builder().model_id(id.to_owned()),
        )
        .expect("a valid AiGatewayProviderModelCreate")
    };
    let provider = case
        .client
        .create_provider()
        .body(
            types::AiGatewayProviderCreate::builder()
                .provider_id("internal-vllm".to_owned())
                .name("Internal vLLM cluster".to_owned())
                .base_url("https://vllm.internal/v1".to_owned())
                .metadata(Some(r#"{"owner":"ml-platform"}"#.to_owned()))
                .supported_api_surfaces(Some(vec![types::SupportedApiSurface::try_from(
                    types::SupportedApiSurface::builder()
                        .format("openai".to_owned())
                        .surface(Some("chat-completions".to_owned()))
                        .supported_params(Some(vec![
                            param("temperature"),
                            param("max_tokens"),
                            param("stream"),
                        ])),
                )
                .expect("a valid SupportedApiSurface")]))
                .models(Some(vec![
                    model("llama-3.1-70b-instruct"),
                    model("qwen2.5-coder-32b"),
                ])),
        )
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        "/providers",
        &[],
        Some(json!({
            "providerId": "internal-vllm",
            "name": "Internal vLLM cluster",
            "baseUrl": "https://vllm.internal/v1",
            "metadata": "{\"owner\":\"ml-platform\"}",
            "supportedApiSurfaces": [{
                "format": "openai",
                "surface": "chat-completions",
                "supportedParams": [{"name": "temperature"}, {"name": "max_tokens"}, {"name": "stream"}]
            }],
            "models": [{"modelId": "llama-3.1-70b-instruct"}, {"modelId": "qwen2.5-coder-32b"}]
        })),
    );
    assert_provider(&provider);
}

#[tokio::test]
async fn get_ai_gateway_provider() {
    let case = Case::json(200, fx::provider()).await;
    let provider = case
        .client
        .get_provider()
        .id(fx::PROVIDER_ID)
        .send()
        .await
        .unwrap();
    case.expect("GET", &by_id("providers", fx::PROVIDER_ID), &[], None);
    assert_provider(&provider);
}

#[tokio::test]
async fn head_ai_gateway_provider() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client
        .head_provider()
        .id(fx::PROVIDER_ID)
        .send()
        .await
        .unwrap();
    case.expect("HEAD", &by_id("providers", fx::PROVIDER_ID), &[], None);
}

#[tokio::test]
async fn update_ai_gateway_provider() {
    let case = Case::json(200, fx::provider()).await;
    let provider = case
        .client
        .update_provider()
        .id(fx::PROVIDER_ID)
        .body(types::AiGatewayProviderUpdate {
            base_url: Some("https://vllm-2.internal/v1".to_owned()),
            metadata: Some(Nullable::Null),
            models: Some(Nullable::Value(vec![
                types::AiGatewayProviderModelCreate::try_from(
                    types::AiGatewayProviderModelCreate::builder()
                        .model_id("llama-3.3-70b-instruct".to_owned()),
                )
                .expect("a valid AiGatewayProviderModelCreate"),
            ])),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "PATCH",
        &by_id("providers", fx::PROVIDER_ID),
        &[],
        Some(json!({
            "baseUrl": "https://vllm-2.internal/v1",
            "metadata": null,
            "models": [{"modelId": "llama-3.3-70b-instruct"}]
        })),
    );
    assert_provider(&provider);
}

#[tokio::test]
async fn delete_ai_gateway_provider() {
    let case = Case::new(StubResponse::status(204)).await;
    case.client
        .delete_provider()
        .id(fx::PROVIDER_ID)
        .send()
        .await
        .unwrap();
    case.expect("DELETE", &by_id("providers", fx::PROVIDER_ID), &[], None);
}

// ---- credits -----------------------------------------------------------------

#[tokio::test]
async fn get_credit_transactions() {
    let case = Case::json(200, fx::credit_transactions()).await;
    let list = case.client.get_credit_transactions().send().await.unwrap();
    case.expect("GET", "/credits/transactions", &[], None);
    assert_eq!(list.items.len(), 4);
    match &list.items[0] {
        types::CreditTransactionItem::UsageInvoicePreview {
            total_cents,
            applied_credits_cents,
            period_start,
            period_end,
            ..
        } => {
            assert_eq!((*total_cents, *applied_credits_cents), (612, 612));
            assert_eq!(*period_start, ts("2026-11-01T00:00:00Z"));
            assert_eq!(*period_end, ts("2026-12-01T00:00:00Z"));
        }
        other => panic!("expected a usage invoice preview, got {other:?}"),
    }
    match &list.items[1] {
        types::CreditTransactionItem::Credits {
            amount_cents,
            category,
            expires_at,
            created_at,
        } => {
            assert_eq!(*amount_cents, 2500);
            assert_eq!(*category, types::CreditTransactionCreditsCategory::Purchase);
            assert_eq!(*expires_at, Some(ts("2027-11-02T09:14:27Z")));
            assert_eq!(*created_at, ts("2026-11-02T09:14:27Z"));
        }
        other => panic!("expected credits, got {other:?}"),
    }
    match &list.items[2] {
        types::CreditTransactionItem::UsageInvoice {
            invoice_url,
            total_cents,
            amount_due_cents,
            ..
        } => {
            assert_eq!(
                invoice_url.as_deref(),
                Some("https://invoice.stripe.com/i/acct_1NgrokAI/test_YWNjdF8xTmdyb2tBSQ")
            );
            assert_eq!((*total_cents, *amount_due_cents), (1843, 0));
        }
        other => panic!("expected a usage invoice, got {other:?}"),
    }
    match &list.items[3] {
        types::CreditTransactionItem::Credits {
            category,
            expires_at,
            ..
        } => {
            assert_eq!(
                *category,
                types::CreditTransactionCreditsCategory::Promotional
            );
            assert_eq!(*expires_at, None);
        }
        other => panic!("expected credits, got {other:?}"),
    }
}

#[tokio::test]
async fn get_credit_balance() {
    let case = Case::json(200, json!({"balanceCents": 1888})).await;
    let balance = case.client.get_credit_balance().send().await.unwrap();
    case.expect("GET", "/credits/balance", &[], None);
    assert_eq!(balance.balance_cents, 1888);
}

#[tokio::test]
async fn create_checkout_session() {
    let case = Case::json(
        200,
        json!({
            "sessionId": "cs_live_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV",
            "sessionUrl": "https://checkout.stripe.com/c/pay/cs_live_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV"
        }),
    )
    .await;
    let session = case
        .client
        .create_checkout_session()
        .body(types::CheckoutSessionCreate::builder().amount(NonZeroU64::new(2500).unwrap()))
        .send()
        .await
        .unwrap();
    case.expect(
        "POST",
        "/credits/checkout-session",
        &[],
        Some(json!({"amount": 2500})),
    );
    assert_eq!(
        session.session_id,
        "cs_live_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV"
    );
    assert_eq!(
        session.session_url,
        "https://checkout.stripe.com/c/pay/cs_live_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV"
    );
}

// ---- gateway configuration ---------------------------------------------------

#[tokio::test]
async fn get_ai_gateway_config() {
    let case = Case::json(200, fx::gateway_config()).await;
    let config = case.client.get_gateway_config().send().await.unwrap();
    case.expect("GET", "/gateway-config", &[], None);
    assert_gateway_config(&config);
}

#[tokio::test]
async fn head_ai_gateway_config() {
    let case = Case::new(StubResponse::status(200)).await;
    case.client.head_gateway_config().send().await.unwrap();
    case.expect("HEAD", "/gateway-config", &[], None);
}

#[tokio::test]
async fn update_ai_gateway_config() {
    let case = Case::json(200, fx::gateway_config()).await;
    let config = case
        .client
        .update_gateway_config()
        .body(types::AiGatewayConfigUpdate {
            per_request_timeout: Some("45s".to_owned()),
            max_input_tokens: Some(Nullable::Value(200000)),
            max_output_tokens: Some(Nullable::Null),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    case.expect(
        "PATCH",
        "/gateway-config",
        &[],
        Some(
            json!({"perRequestTimeout": "45s", "maxInputTokens": 200000, "maxOutputTokens": null}),
        ),
    );
    assert_gateway_config(&config);
}

// ---- usage -------------------------------------------------------------------

#[tokio::test]
async fn list_ai_gateway_usage() {
    let case = Case::json(200, fx::usage_list()).await;
    let page = case
        .client
        .list_usage()
        .start_time(ts("2026-11-26T00:00:00Z"))
        .end_time(ts("2026-11-27T00:00:00Z"))
        .access_key_id(fx::ACCESS_KEY_ID)
        .include_retries(true)
        .cursor(fx::USAGE_CURSOR)
        .limit(2u32)
        .send()
        .await
        .unwrap();
    case.expect(
        "GET",
        "/usage",
        &[
            ("startTime", "2026-11-26T00:00:00Z"),
            ("endTime", "2026-11-27T00:00:00Z"),
            ("accessKeyId", fx::ACCESS_KEY_ID),
            ("includeRetries", "true"),
            ("cursor", fx::USAGE_CURSOR),
            ("limit", "2"),
        ],
        None,
    );
    assert_eq!(page.ai_gateway_usage.len(), 2);
    let first = &page.ai_gateway_usage[0];
    assert_eq!(first.id, "aigue_2pZ9aQ1sW2eD3rF4tG5yH6uJ7iK");
    assert_eq!(first.event_time, ts("2026-11-26T22:41:09Z"));
    assert_eq!(first.provider, "openai");
    assert_eq!(first.model_display_name, "GPT-4o mini");
    assert_eq!(
        (
            first.input_tokens,
            first.output_tokens,
            first.cache_read_tokens
        ),
        (1342, 287, 1024)
    );
    assert!(first.is_final_attempt && first.is_streaming && !first.is_error);
    assert_eq!(first.total_cost, "0.00043");
    assert_eq!(first.key_source, "user");
    assert_eq!(first.provider_key_id.as_deref(), Some(fx::PROVIDER_KEY_ID));
    let second = &page.ai_gateway_usage[1];
    assert_eq!(second.stop_reason, "end_turn");
    assert_eq!(second.key_source, "ngrok");
    assert_eq!(second.provider_key_id, None);
    assert_eq!(second.provider_key_display_name, None);
    assert!(page.next_page_uri.unwrap().ends_with(fx::USAGE_CURSOR));
}

#[tokio::test]
async fn get_ai_gateway_usage_overview() {
    let case = Case::json(200, fx::usage_overview()).await;
    let overview = case
        .client
        .get_usage_overview()
        .start_time(ts("2026-11-25T00:00:00Z"))
        .end_time(ts("2026-11-27T00:00:00Z"))
        .group_by(types::GetUsageOverviewGroupBy::AccessKey)
        .send()
        .await
        .unwrap();
    case.expect(
        "GET",
        "/usage/overview",
        &[
            ("startTime", "2026-11-25T00:00:00Z"),
            ("endTime", "2026-11-27T00:00:00Z"),
            ("groupBy", "accessKey"),
        ],
        None,
    );
    assert_eq!(overview.buckets.len(), 3);
    assert_eq!(overview.buckets[1].bucket_start, ts("2026-11-25T00:00:00Z"));
    assert_eq!(overview.buckets[1].group_key, "anthropic");
    assert_eq!(overview.buckets[1].cost, "0.88120");
    assert_eq!(
        (overview.buckets[2].requests, overview.buckets[2].errors),
        (1190, 4)
    );
    assert_eq!(overview.totals.cost, "2.97145");
    assert_eq!(
        (overview.totals.requests, overview.totals.errors),
        (5012, 21)
    );
}
