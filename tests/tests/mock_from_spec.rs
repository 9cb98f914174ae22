//! The mock, checked against what the spec implies rather than against today's list of
//! operations: every operation of the API model is served on spec, and every resource the
//! model recognises goes through create → get → list → update → delete → 404 with bodies
//! built from the spec's own examples. An operation or resource added to the spec is
//! covered here with no edit to this file.

use std::path::Path;

use ngrok_ai_codegen::load::load_spec;
use ngrok_ai_codegen::model::{Api, Resource};
use ngrok_ai_codegen::pointer;
use ngrok_ai_mock::MockServer;
use serde_json::{Map, Value};

fn spec() -> ngrok_ai_codegen::load::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ngrok-ai.yaml");
    load_spec(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn http() -> reqwest::Client {
    ngrok_ai::runtime::config::install_crypto_provider();
    reqwest::Client::new()
}

/// Sends `method path` with an optional JSON body; returns status, headers and JSON body.
async fn send(
    mock: &MockServer,
    method: &str,
    path_and_query: &str,
    body: Option<&Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut request = http()
        .request(method, format!("{}{path_and_query}", mock.base_url()))
        .bearer_auth(mock.api_key());
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn every_operation_of_the_spec_is_served_on_spec() {
    let spec = spec();
    let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    let mock = MockServer::start().await;
    for op in &api.operations {
        let path = op.example_path_and_query();
        let body = op.body.as_ref().and_then(|b| b.example).cloned();
        let (status, _, response) = send(&mock, op.method, &path, body.as_ref()).await;
        // Example IDs name nothing in a fresh mock and example bodies may reference such
        // IDs, so 400/404/409 are answers too; anything else must be the spec's success.
        assert!(
            status == op.status || [400, 404, 409].contains(&status),
            "{} {path} ({}) answered {status}: {response}",
            op.method,
            op.id
        );
        // (HEAD answers carry no body, errors included.)
        if status >= 400 && op.method != "head" {
            assert!(
                response.get("msg").and_then(Value::as_str).is_some(),
                "{}: a {status} without an Error body: {response}",
                op.id
            );
        }
        // An operation that takes nothing from the caller has nothing to get wrong.
        if op.params.iter().all(|p| !p.required) && op.body.is_none() && op.method == "get" {
            assert_eq!(status, op.status, "{} answered {status}: {response}", op.id);
        }
    }
    let served: std::collections::BTreeSet<String> = mock
        .journal()
        .into_iter()
        .filter_map(|e| e.operation)
        .collect();
    for op in &api.operations {
        assert!(
            served.contains(op.id),
            "{} was not routed to its operation",
            op.id
        );
    }
    let violations = mock.response_violations();
    assert!(violations.is_empty(), "responses off-spec: {violations:#?}");
}

#[tokio::test]
async fn every_resource_of_the_spec_lives_and_dies_in_the_mock() {
    let spec = spec();
    let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !api.resources.is_empty() || !spec.raw.to_string().contains("x-ngrok-id-prefix"),
        "the spec has ID prefixes but the model recognised no resource"
    );
    let mock = MockServer::start().await;
    // Resources referenced by others first, so their IDs can be put in bodies.
    let mut order: Vec<&Resource> = api.resources.iter().collect();
    // (Stable sort: spec order among equals.)
    order.sort_by_key(|r| r.fields.iter().filter(|f| f.references.is_some()).count());
    let mut created = Map::new();
    for &resource in &order {
        let id_of = |schema: &str| {
            created
                .get(schema)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let (Some(_), Some(body)) = (resource.create, api.example_create_body(resource, id_of))
        else {
            continue;
        };
        let body = Value::Object(body);
        let collection = resource.collection_path;
        let (status, _, item) = send(&mock, "post", collection, Some(&body)).await;
        assert_eq!(
            status, 201,
            "create {} with {body}: {item}",
            resource.schema
        );
        let id = item["id"]
            .as_str()
            .expect("created item has an id")
            .to_string();
        assert!(
            id.starts_with(resource.id_prefix),
            "{id} lacks the prefix {}",
            resource.id_prefix
        );
        for field in resource
            .fields
            .iter()
            .filter(|f| f.in_create && f.in_response)
        {
            if let Some(sent) = body.get(field.name) {
                assert_eq!(
                    &item[field.name], sent,
                    "{}.{} stored",
                    resource.schema, field.name
                );
            }
        }
        created.insert(resource.schema.to_string(), Value::String(id.clone()));
        let item_path = format!("{collection}/{id}");

        // Returned-once fields only in the create response; write-only fields never.
        let (status, _, got) = send(&mock, "get", &item_path, None).await;
        assert_eq!(status, 200, "get {item_path}: {got}");
        for field in &resource.fields {
            if field.returned_once || field.write_only {
                assert!(
                    got.get(field.name).is_none(),
                    "{}.{} shown after create",
                    resource.schema,
                    field.name
                );
            }
        }

        if let (Some(_), Some(items)) = (resource.list, resource.items) {
            let (status, _, page) = send(&mock, "get", collection, None).await;
            assert_eq!(status, 200);
            let listed = page[items].as_array().expect("items array");
            assert!(
                listed.iter().any(|i| i["id"] == id.as_str()),
                "{id} not listed"
            );
        }

        if resource.update.is_some() {
            // Clear every nullable optional field the update accepts, then check it.
            let clearable: Vec<&str> = resource
                .fields
                .iter()
                .filter(|f| f.in_update && f.in_response && !f.required && f.references.is_none())
                .map(|f| f.name)
                .collect();
            let update_schema = resource.update_body.and_then(|n| api.schema(n));
            let nullable = |name: &str| {
                update_schema.and_then(|s| {
                    s.pointer(&format!("/properties/{}/nullable", pointer::escape(name)))
                }) == Some(&Value::Bool(true))
            };
            for name in clearable.into_iter().filter(|n| nullable(n)) {
                let body = Value::Object(Map::from_iter([(name.to_string(), Value::Null)]));
                let (status, _, after) = send(&mock, "patch", &item_path, Some(&body)).await;
                assert_eq!(status, 200, "clear {name}: {after}");
                assert!(
                    after.get(name).is_none_or(Value::is_null),
                    "{}.{name} not cleared: {after}",
                    resource.schema
                );
            }
        }
    }
    // Delete referencing resources first, then each is gone.
    for resource in order.iter().rev() {
        let (Some(_), Some(Value::String(id))) = (resource.delete, created.get(resource.schema))
        else {
            continue;
        };
        let item_path = format!("{}/{id}", resource.collection_path);
        let (status, _, body) = send(&mock, "delete", &item_path, None).await;
        assert_eq!(status, 204, "delete {item_path}: {body}");
        let (status, _, _) = send(&mock, "get", &item_path, None).await;
        assert_eq!(status, 404, "get {item_path} after delete");
        let (status, _, body) = send(&mock, "delete", &item_path, None).await;
        assert_eq!(status, 404, "delete {item_path} twice: {body}");
    }
    let violations = mock.response_violations();
    assert!(violations.is_empty(), "responses off-spec: {violations:#?}");
}
