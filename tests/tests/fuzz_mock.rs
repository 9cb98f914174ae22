//! Fuzzing (property-based, on stable) of the mock server's request handling: requests
//! to every route of the generated table — and to unknown paths and methods — with
//! arbitrary path IDs, query strings (declared parameters with arbitrary values, and raw
//! junk), bodies (bytes, arbitrary JSON, mutated spec examples) and credentials. Every
//! answer comes within the timeout, is a 2xx or a 4xx (never a 5xx), and every body is
//! JSON (an error body being the spec's `Error` for its status); every success body the
//! mock sent matched the spec.
//!
//! Cases: `PROPTEST_CASES` (default 192); see tests/README.md for long runs.

use std::time::Duration;

use ngrok_ai_codegen::model::Api;
use ngrok_ai_mock::{routes, MockServer};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

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

/// Request examples by operationId, and property names, from the API model.
struct Model {
    examples: Vec<(String, Value)>,
    names: Vec<String>,
}

fn model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        let spec = ngrok_ai_codegen::load::load_spec(&ngrok_ai_tests::cassette::spec_path())
            .unwrap_or_else(|e| panic!("{e}"));
        let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
        let examples = api
            .operations
            .iter()
            .filter_map(|op| Some((op.id.to_owned(), op.body.as_ref()?.example?.clone())))
            .collect();
        let mut names = std::collections::BTreeSet::new();
        let schemas = spec.raw.pointer("/components/schemas").unwrap();
        collect_names(schemas, &mut names);
        Model {
            examples,
            names: names.into_iter().collect(),
        }
    })
}

fn collect_names(value: &Value, names: &mut std::collections::BTreeSet<String>) {
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

fn arb_json() -> impl Strategy<Value = Value> {
    let names = model().names.clone();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        prop_oneof![
            Just("openai"),
            Just("aigpk_missing"),
            Just("30s"),
            Just("1h2m3.5s"),
            Just("2026-11-25T10:00:00Z"),
            Just(""),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let key = prop_oneof![3 => proptest::sample::select(names), 1 => any::<String>()];
    leaf.prop_recursive(5, 48, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..10)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A request example of the spec with one top-level field replaced, added or removed.
fn mutated_example() -> impl Strategy<Value = Value> {
    let examples: Vec<Value> = model().examples.iter().map(|(_, e)| e.clone()).collect();
    let names = model().names.clone();
    (
        proptest::sample::select(examples),
        proptest::sample::select(names),
        proptest::option::of(arb_json()),
    )
        .prop_map(|(mut example, field, value)| {
            if let Value::Object(map) = &mut example {
                match value {
                    Some(v) => {
                        map.insert(field, v);
                    }
                    None => {
                        map.remove(&field);
                    }
                }
            }
            example
        })
}

#[derive(Debug, Clone)]
enum Auth {
    Valid,
    Missing,
    Wrong(String),
}

#[derive(Debug, Clone)]
struct Case {
    route: usize,
    /// Another method than the route's, for 405s.
    method: Option<&'static str>,
    /// An unknown path instead of the route's.
    unknown_path: Option<String>,
    id: String,
    query: Vec<(String, String)>,
    raw_query: Option<String>,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
    auth: Auth,
}

fn arb_case() -> impl Strategy<Value = Case> {
    let table = routes();
    let mut param_names: Vec<String> = table
        .iter()
        .flat_map(|r| r.query.iter().map(|q| q.name.to_owned()))
        .collect();
    param_names.sort();
    param_names.dedup();
    let query_value = prop_oneof![
        any::<String>(),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("true".to_owned()),
        Just("2026-11-25T10:00:00Z".to_owned()),
        Just("".to_owned()),
        Just("openai".to_owned()),
    ];
    let pair = (
        prop_oneof![4 => proptest::sample::select(param_names), 1 => any::<String>()],
        query_value,
    );
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        arb_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        mutated_example().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        mutated_example().prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ];
    let auth = prop_oneof![
        8 => Just(Auth::Valid),
        1 => Just(Auth::Missing),
        1 => "[ -~]{0,40}".prop_map(Auth::Wrong),
    ];
    let id = prop_oneof![
        Just("aigk_missing".to_owned()),
        any::<String>(),
        "[a-z]{2,6}_[A-Za-z0-9]{0,30}",
    ];
    (
        (
            0..table.len(),
            proptest::option::weighted(
                0.1,
                proptest::sample::select(vec![
                    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
                ]),
            ),
            proptest::option::weighted(0.05, "/[a-z/_-]{0,30}"),
            id,
        ),
        proptest::collection::vec(pair, 0..5),
        proptest::option::weighted(0.2, "[ -~]{0,200}"),
        proptest::option::of(proptest::sample::select(vec![
            "application/json",
            "application/merge-patch+json",
            "text/plain",
            "application/json; charset=utf-8",
        ])),
        proptest::option::weighted(0.9, body),
        auth,
    )
        .prop_map(
            |((route, method, unknown_path, id), query, raw_query, content_type, body, auth)| {
                Case {
                    route,
                    method,
                    unknown_path,
                    id,
                    query,
                    raw_query,
                    content_type,
                    body,
                    auth,
                }
            },
        )
}

/// Path characters left as they are: `%` among them, so malformed escapes get through.
const PATH_RAW: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'%')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');
/// Raw query junk: only what a URL cannot carry is escaped (`&`, `=`, `%` stay).
const QUERY_RAW: &AsciiSet = &CONTROLS.add(b' ').add(b'#').add(b'"').add(b'<').add(b'>');

async fn run_case(mock: &MockServer, http: &reqwest::Client, case: &Case) -> Result<(), String> {
    let route = &routes()[case.route];
    let method = case.method.unwrap_or(route.method.as_str());
    let path = match &case.unknown_path {
        Some(path) => path.clone(),
        None => route
            .path
            .replace("{id}", &utf8_percent_encode(&case.id, PATH_RAW).to_string()),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &case.query {
        query.append_pair(k, v);
    }
    let mut query = query.finish();
    if let Some(raw) = &case.raw_query {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&utf8_percent_encode(raw, QUERY_RAW).to_string());
    }
    let mut url = format!("{}{path}", mock.base_url());
    if !query.is_empty() {
        url = format!("{url}?{query}");
    }
    let Ok(parsed) = reqwest::Url::parse(&url) else {
        return Ok(()); // not a URL a client could send
    };
    let mut request = http.request(method.parse().unwrap(), parsed);
    match &case.auth {
        Auth::Valid => request = request.bearer_auth(mock.api_key()),
        Auth::Missing => {}
        Auth::Wrong(key) => request = request.header("authorization", key.as_str()),
    }
    if let Some(content_type) = case.content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(body) = &case.body {
        request = request.body(body.clone());
    }
    let response = match tokio::time::timeout(Duration::from_secs(10), request.send()).await {
        Err(_) => return Err(format!("no answer within 10 s: {method} {url}")),
        Ok(Err(e)) => return Err(format!("{method} {url}: {e}")),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("{method} {url}: body: {e}"))?;
    if !(200..300).contains(&status) && !(400..500).contains(&status) {
        return Err(format!(
            "{method} {url} → {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    if method == "HEAD" || status == 204 {
        return Ok(());
    }
    if content_type != "application/json" {
        return Err(format!(
            "{method} {url} → {status} with content-type {content_type:?}"
        ));
    }
    let body: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{method} {url} → {status}: not JSON ({e})"))?;
    if status >= 400 && (body["statusCode"] != status || !body["msg"].is_string()) {
        return Err(format!(
            "{method} {url} → {status}: not an Error body: {body}"
        ));
    }
    Ok(())
}

#[test]
fn the_mock_answers_every_request_with_json_and_never_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = runtime.block_on(MockServer::start());
    ngrok_ai::runtime::config::install_crypto_provider();
    let http = reqwest::Client::new();
    runner(192)
        .run(&arb_case(), |case| {
            runtime
                .block_on(run_case(&mock, &http, &case))
                .map_err(TestCaseError::fail)
        })
        .unwrap();
    let violations = mock.response_violations();
    assert!(violations.is_empty(), "{violations:#?}");
}
