//! Runs the Rust example of every operation in `generated/docs` (the functions of
//! `ngrok-ai-doc-snippets`), each against a fresh mock server seeded with the resources
//! whose IDs the examples use, so the docs' examples are known to work, not just to
//! compile:
//!
//! * seeded: every example returns `Ok` and every answer is a 2xx;
//! * seeded with references: the delete examples that document a 409 meet it, and handle
//!   it;
//! * empty: every example that addresses a resource by ID meets the documented 404
//!   (the HEAD examples handle it, the others return it).
//!
//! The examples come from the crate's generated registry (`ALL`, checked against its
//! source), and together they must call every operation of the API (checked in the
//! journals).

use std::collections::{BTreeMap, BTreeSet};

use ngrok_ai_doc_snippets as s;
use ngrok_ai_mock::{MockServer, Seed};
use serde_json::{json, Value};

/// The snippets crate's source, to find the IDs its examples use.
const SOURCE: &str = include_str!("../../generated/docs/snippets/src/lib.rs");

/// Every example of the crate, from the registry the generator writes beside them.
fn snippets() -> impl Iterator<Item = (&'static str, &'static s::Example)> {
    s::ALL.iter().map(|example| (example.name, example))
}

/// The API model of the spec (built once; it borrows the loaded spec).
fn model() -> &'static ngrok_ai_codegen::model::Api<'static> {
    static SPEC: std::sync::OnceLock<ngrok_ai_codegen::load::Spec> = std::sync::OnceLock::new();
    static API: std::sync::OnceLock<ngrok_ai_codegen::model::Api<'static>> =
        std::sync::OnceLock::new();
    let spec = SPEC.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ngrok-ai.yaml");
        ngrok_ai_codegen::load::load_spec(&path).unwrap_or_else(|e| panic!("{e}"))
    });
    API.get_or_init(|| ngrok_ai_codegen::model::Api::build(spec).unwrap_or_else(|e| panic!("{e}")))
}

/// The API model's counts of what the examples must cover: DELETEs refused while
/// referenced, and operations addressing a resource by ID.
fn api_counts() -> (usize, usize) {
    let api = model();
    let conflicts = api
        .operations
        .iter()
        .filter(|op| op.conflict().is_some())
        .count();
    let by_id = api
        .operations
        .iter()
        .filter(|op| op.params.iter().any(|p| p.location == "path"))
        .count();
    (conflicts, by_id)
}

/// `module::function` → that function's source, for every example in the crate.
fn sources() -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    let mut module = "";
    for (i, line) in SOURCE.lines().enumerate() {
        if let Some(rest) = line.trim().strip_prefix("pub mod ") {
            module = rest.trim_end_matches(" {");
        }
        if let Some(rest) = line.trim().strip_prefix("pub async fn ") {
            let name = rest.split('(').next().unwrap_or_default();
            let start: usize = SOURCE.lines().take(i).map(|l| l.len() + 1).sum();
            let body = &SOURCE[start..];
            let after = body.find("pub async fn ").unwrap_or_default() + 1;
            let end = body[after..]
                .find("pub async fn ")
                .map_or(body.len(), |e| e + after);
            out.insert(format!("{module}::{name}"), &body[..end]);
        }
    }
    out
}

/// The resource IDs the examples use, by prefix (`aigk`, `aigpk`, …).
fn ids_in_examples() -> BTreeMap<String, BTreeSet<String>> {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for literal in SOURCE.split('"').skip(1).step_by(2) {
        let Some((prefix, rest)) = literal.split_once('_') else {
            continue;
        };
        let is_id = prefix.starts_with("aig")
            && prefix.chars().all(|c| c.is_ascii_lowercase())
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_alphanumeric());
        if is_id {
            ids.entry(prefix.to_string())
                .or_default()
                .insert(literal.to_string());
        }
    }
    ids
}

/// A seed with one resource per ID the examples use. `referenced`: also a provider key
/// naming each custom provider and access keys linked to a configuration, so the delete
/// examples meet their 409.
fn seed(referenced: bool) -> Seed {
    let ids = ids_in_examples();
    // The resources below get tailored seeds (providers the keys name, references for the
    // 409s); any other resource whose IDs the examples use is seeded from its create
    // body's example, so a resource the spec gains needs no edit here.
    let tailored = ["aigac", "aigak", "aigk", "aigp", "aigpk"];
    let mut generic: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let model = model();
    for (prefix, examples) in &ids {
        if tailored.contains(&prefix.as_str()) {
            continue;
        }
        let resource = model
            .resources
            .iter()
            .find(|r| r.id_prefix.trim_end_matches('_') == prefix)
            .unwrap_or_else(|| {
                panic!("the examples use `{prefix}_` IDs but no resource has that prefix")
            });
        // Fields naming other resources are left out: those may not exist.
        let body = model
            .example_create_body(resource, |_| None)
            .unwrap_or_default();
        for id in examples {
            let mut entry = body.clone();
            entry.insert("id".into(), json!(id));
            generic
                .entry(resource.schema.to_string())
                .or_default()
                .push(Value::Object(entry));
        }
    }
    let of = |prefix: &str| ids.get(prefix).cloned().unwrap_or_default();
    let mut providers = Vec::new();
    let mut provider_keys = Vec::new();
    for (i, id) in of("aigp").iter().enumerate() {
        // Not `internal-vllm`: the create example registers that one.
        let provider_id = format!("example-vllm-{i}");
        providers.push(json!({
            "id": id, "providerId": provider_id, "name": "Example vLLM",
            "baseUrl": "https://vllm.example.com/v1", "models": [{"modelId": "llama-3"}]
        }));
        if referenced {
            provider_keys.push(json!({
                "providerId": provider_id, "name": "vllm-token", "value": "vllm-EXAMPLE-0000"
            }));
        }
    }
    for (i, id) in of("aigpk").iter().enumerate() {
        provider_keys.push(json!({
            "id": id, "providerId": "openai", "name": format!("openai-{i}"),
            "value": "sk-proj-EXAMPLEonlyNotARealKey0000"
        }));
    }
    let configurations: Vec<Value> = of("aigac")
        .iter()
        .map(|id| json!({"id": id, "name": "support-bot-prod"}))
        .collect();
    let first_configuration = of("aigac").into_iter().next();
    let access_keys: Vec<Value> = of("aigk")
        .iter()
        .map(|id| match (&first_configuration, referenced) {
            (Some(config), true) => {
                json!({"id": id, "name": "support-bot", "accessKeyConfigurationId": config})
            }
            _ => json!({"id": id, "name": "support-bot"}),
        })
        .collect();
    let api_keys: Vec<Value> = of("aigak")
        .iter()
        .map(|id| json!({"id": id, "name": "terraform"}))
        .collect();
    // One usage event per access key, inside the usage examples' windows.
    let usage_events: Vec<Value> = of("aigk")
        .iter()
        .enumerate()
        .map(|(i, key)| {
            json!({
                "id": format!("aigue_example{i}"), "eventTime": "2026-11-26T10:00:00Z",
                "requestId": format!("req_{i}"), "accessKeyId": key, "provider": "openai",
                "providerDisplayName": "OpenAI", "model": "gpt-4o-mini",
                "modelDisplayName": "GPT-4o mini", "attemptNumber": 1, "isFinalAttempt": true,
                "statusCode": 200, "timedOut": false, "isError": false, "isStreaming": false,
                "stopReason": "stop", "inputTokens": 10, "outputTokens": 20,
                "cacheReadTokens": 0, "reasoningTokens": 0, "totalCost": "0.00043",
                "keySource": "ngrok"
            })
        })
        .collect();
    let seed = json!({
        "creditBalanceCents": 1888,
        "providers": providers,
        "providerKeys": provider_keys,
        "accessKeyConfigurations": configurations,
        "accessKeys": access_keys,
        "apiKeys": api_keys,
        "usageEvents": usage_events,
        "resources": generic,
    });
    Seed::from_json(&seed.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

async fn mock_with(seed: Option<Seed>) -> MockServer {
    let mut builder = MockServer::builder();
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    builder.start().await.unwrap_or_else(|e| panic!("{e}"))
}

/// Statuses the mock answered, in order.
fn statuses(mock: &MockServer) -> Vec<Option<u16>> {
    mock.journal().iter().map(|e| e.status).collect()
}

#[test]
fn the_registry_names_every_example_of_the_crate() {
    let listed: BTreeSet<String> = snippets().map(|(n, _)| n.to_string()).collect();
    let in_source: BTreeSet<String> = sources().into_keys().collect();
    assert_eq!(
        listed, in_source,
        "snippets::ALL must list exactly the functions of generated/docs/snippets"
    );
    assert_eq!(listed.len(), s::ALL.len(), "an example is listed twice");
}

#[tokio::test]
async fn every_example_succeeds_against_a_seeded_mock() {
    let mut called = BTreeSet::new();
    for (name, snippet) in snippets() {
        let mock = mock_with(Some(seed(false))).await;
        let client = mock.client();
        if let Err(e) = (snippet.run)(&client).await {
            panic!("{name} failed: {e}");
        }
        let journal = mock.journal();
        assert!(!journal.is_empty(), "{name} sent no request");
        for entry in &journal {
            let status = entry.status.unwrap_or_default();
            assert!(
                (200..300).contains(&status),
                "{name}: {} {} answered {status}",
                entry.method,
                entry.path
            );
            called.extend(entry.operation.clone());
        }
        assert!(
            mock.response_violations().is_empty(),
            "{name}: {:?}",
            mock.response_violations()
        );
    }
    let all: BTreeSet<String> = ngrok_ai_mock::routes()
        .iter()
        .map(|r| r.operation.to_string())
        .collect();
    let missed: Vec<&String> = all.difference(&called).collect();
    assert!(missed.is_empty(), "no example calls {missed:?}");
}

#[tokio::test]
async fn the_delete_examples_handle_the_documented_409() {
    let sources = sources();
    let mut conflicts = 0;
    for (name, snippet) in snippets() {
        if !sources[name].contains("is_conflict()") {
            continue;
        }
        let mock = mock_with(Some(seed(true))).await;
        (snippet.run)(&mock.client())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(statuses(&mock), [Some(409)], "{name}");
        conflicts += 1;
    }
    // Every DELETE the spec says is refused while referenced has an example meeting it.
    assert_eq!(conflicts, api_counts().0);
}

#[tokio::test]
async fn examples_addressing_a_missing_resource_meet_the_documented_404() {
    let sources = sources();
    let mut checked = 0;
    for (name, snippet) in snippets() {
        if !sources[name].contains(".id(\"") {
            continue;
        }
        let mock = mock_with(None).await;
        match (snippet.run)(&mock.client()).await {
            // HEAD examples print "no such resource" and return Ok.
            Ok(()) => assert!(sources[name].contains("is_not_found()"), "{name}"),
            Err(e) => {
                let error = e
                    .downcast_ref::<ngrok_ai::Error>()
                    .unwrap_or_else(|| panic!("{name}: {e}"));
                assert!(error.is_not_found(), "{name}: {error}");
            }
        }
        assert_eq!(statuses(&mock), [Some(404)], "{name}");
        checked += 1;
    }
    // Every operation addressing a resource by ID.
    assert_eq!(checked, api_counts().1);
}
