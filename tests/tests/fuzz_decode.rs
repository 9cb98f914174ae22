//! Fuzzing (property-based, on stable) of the client's response decoding: every
//! operation's success type, from arbitrary bytes, arbitrary JSON and mutated spec
//! examples, decodes or fails with an error — never a panic or a stack overflow — and
//! through the client the failure is the typed `Error::Decode`.
//!
//! The list of types comes from the API model (`ngrok_ai_codegen::model::Api`), and each
//! is decoded through the generated mock's table of the client's types, so a success
//! type the spec gains is fuzzed with no edit here.
//! Cases per property: `PROPTEST_CASES` (default 64); see tests/README.md for long runs.

use std::collections::BTreeSet;

use ngrok_ai_codegen::model::Api;
use ngrok_ai_tests::{client_for, StubResponse, StubServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Cases per property: `PROPTEST_CASES`, else `default`.
fn runner(default: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Decodes `bytes` into the client's type for `schema` (the generated mock's table of
/// every success response type and `Error`, so a type the spec gains is covered too).
fn decode(schema: &str, bytes: &[u8]) -> Result<(), String> {
    ngrok_ai_mock::route::decode_with_client_type(schema, bytes)
        .unwrap_or_else(|| panic!("the mock has no client type for {schema}"))
        .map(drop)
}

/// What the fuzzing needs from the model: each success schema with its example, and
/// every property name the spec uses (so arbitrary JSON hits real fields).
struct Model {
    /// `(schema name, example)` of each operation's success response.
    responses: Vec<(String, Option<Value>)>,
    /// Property names found anywhere under `components/schemas`.
    names: Vec<String>,
}

fn model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        let spec = ngrok_ai_codegen::load::load_spec(&ngrok_ai_tests::cassette::spec_path())
            .unwrap_or_else(|e| panic!("{e}"));
        let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
        let mut responses: Vec<(String, Option<Value>)> = api
            .operations
            .iter()
            .filter_map(|op| op.response.as_ref())
            .map(|body| {
                let name = body
                    .schema_name
                    .unwrap_or_else(|| panic!("a success body without a component schema"));
                (name.to_owned(), body.example.cloned())
            })
            .collect();
        responses.push((
            "Error".to_owned(),
            spec.raw
                .pointer("/components/responses/Error/content/application~1json/example")
                .cloned(),
        ));
        let mut names = BTreeSet::new();
        collect_names(spec.raw.pointer("/components/schemas").unwrap(), &mut names);
        Model {
            responses,
            names: names.into_iter().collect(),
        }
    })
}

fn collect_names(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            map.values().for_each(|v| collect_names(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_names(v, names)),
        _ => {}
    }
}

#[test]
fn every_success_example_decodes_into_its_client_type() {
    // Every example decodes (the table maps each name to the right type).
    for (name, example) in &model().responses {
        if let Some(example) = example {
            let bytes = serde_json::to_vec(example).unwrap();
            decode(name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

/// Arbitrary JSON: scalars of every kind, strings that look like the API's (dates,
/// decimals, IDs), arrays and objects keyed by the spec's property names, nested deep.
fn arb_json() -> impl Strategy<Value = Value> {
    let names = model().names.clone();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        prop_oneof![
            Just("2026-11-25T10:00:00Z"),
            Just("2026-13-45T99:00:00Z"),
            Just("0.00043"),
            Just("-1e400"),
            Just("30s"),
            Just(""),
            Just("aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let key = prop_oneof![
        3 => proptest::sample::select(names),
        1 => any::<String>(),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..12)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A spec example with one node replaced by arbitrary JSON (or removed).
fn mutated_example() -> impl Strategy<Value = (String, Value)> {
    let examples: Vec<(String, Value)> = model()
        .responses
        .iter()
        .filter_map(|(n, e)| Some((n.clone(), e.clone()?)))
        .collect();
    (
        proptest::sample::select(examples),
        any::<prop::sample::Index>(),
        proptest::option::of(arb_json()),
    )
        .prop_map(|((name, mut example), index, replacement)| {
            let mut pointers = Vec::new();
            pointers_of(&example, String::new(), &mut pointers);
            let pointer = index.get(&pointers).clone();
            replace(&mut example, &pointer, replacement);
            (name, example)
        })
}

fn pointers_of(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers_of(
                    v,
                    format!("{at}/{}", ngrok_ai_codegen::pointer::escape(k)),
                    out,
                )
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers_of(v, format!("{at}/{i}"), out)
            }
        }
        _ => {}
    }
}

fn replace(root: &mut Value, pointer: &str, replacement: Option<Value>) {
    match replacement {
        Some(v) => {
            if let Some(slot) = root.pointer_mut(pointer) {
                *slot = v;
            }
        }
        None => {
            let Some((parent, last)) = pointer.rsplit_once('/') else {
                *root = Value::Null;
                return;
            };
            let last = last.replace("~1", "/").replace("~0", "~");
            match root.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Every decoder on `bytes`: an error is fine, a panic fails the case.
fn decode_all(bytes: &[u8]) {
    for (schema, _) in &model().responses {
        let _ = decode(schema, bytes);
    }
    let _ = decode("Error", bytes);
}

#[test]
fn arbitrary_bytes_never_panic() {
    runner(256)
        .run(&proptest::collection::vec(any::<u8>(), 0..512), |bytes| {
            decode_all(&bytes);
            Ok(())
        })
        .unwrap();
    // Deep nesting is refused by serde_json's recursion limit, not the stack.
    for open in [b'[', b'{'] {
        let deep: Vec<u8> = std::iter::repeat_n(open, 100_000).collect();
        decode_all(&deep);
        let deep_field = "{\"data\":".repeat(50_000);
        decode_all(deep_field.as_bytes());
    }
}

#[test]
fn arbitrary_json_never_panics() {
    runner(128)
        .run(&arb_json(), |value| {
            decode_all(&serde_json::to_vec(&value).unwrap());
            Ok(())
        })
        .unwrap();
}

#[test]
fn mutated_examples_decode_or_fail_cleanly() {
    runner(256)
        .run(&mutated_example(), |(name, value)| {
            let _ = decode(&name, &serde_json::to_vec(&value).unwrap());
            Ok(())
        })
        .unwrap();
}

/// Through the client: a 200 with any body is a value or `Error::Decode`, for an
/// operation of each response shape (object, paged list, cursor list, aggregate).
#[test]
fn the_client_reports_undecodable_bodies_as_decode_errors() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(StubServer::start());
    let client = client_for(&server).with_retry_policy(ngrok_ai::RetryPolicy::disabled());
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        arb_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        mutated_example().prop_map(|(_, v)| serde_json::to_vec(&v).unwrap()),
    ];
    runner(64)
        .run(&body, |body| {
            runtime.block_on(async {
                let answer = || StubResponse::raw(200, "application/json", body.clone());
                let check = |what: &str, result: Result<(), ngrok_ai::Error>| match result {
                    Ok(()) | Err(ngrok_ai::Error::Decode { .. }) => Ok(()),
                    Err(other) => Err(TestCaseError::fail(format!("{what}: {other:?}"))),
                };
                server.route("GET", "/credits/balance", answer());
                check(
                    "GetCreditBalance",
                    client.get_credit_balance().send().await.map(drop),
                )?;
                server.route("GET", "/access-keys", answer());
                check(
                    "ListAIGatewayAccessKeys",
                    client.list_access_keys().send().await.map(drop),
                )?;
                server.route("GET", "/usage", answer());
                let start: chrono::DateTime<chrono::Utc> = "2026-11-25T00:00:00Z".parse().unwrap();
                check(
                    "ListAIGatewayUsage",
                    client.list_usage().start_time(start).send().await.map(drop),
                )?;
                server.route("GET", "/usage/overview", answer());
                check(
                    "GetAIGatewayUsageOverview",
                    client
                        .get_usage_overview()
                        .start_time(start)
                        .send()
                        .await
                        .map(drop),
                )?;
                server.route("GET", "/gateway-config", answer());
                check(
                    "GetAIGatewayConfig",
                    client.get_gateway_config().send().await.map(drop),
                )
            })
        })
        .unwrap();
}
