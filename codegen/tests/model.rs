//! The API model on small specs: what it reads, what it recognises as a resource, and the
//! constructs it refuses (with the JSON pointer of the offending place).

use std::path::Path;

use ngrok_ai_codegen::load::{parse_spec, Spec};
use ngrok_ai_codegen::model::{Api, FieldRole};
use ngrok_ai_codegen::CodegenError;
use serde_json::{json, Value};

const MINIMAL: &str = include_str!("fixtures/minimal.yaml");

/// The minimal fixture with `edit` applied to its JSON form.
fn spec_with(edit: impl FnOnce(&mut Value)) -> Spec {
    let mut doc: Value = serde_norway::from_str(MINIMAL).expect("fixture parses");
    edit(&mut doc);
    let text = serde_json::to_string(&doc).expect("serialises");
    parse_spec(Path::new("test.yaml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(spec: &Spec) -> Vec<(String, String)> {
    match Api::build(spec) {
        Ok(_) => Vec::new(),
        Err(CodegenError::Invalid { problems, .. }) => problems
            .into_iter()
            .map(|p| (p.location, p.message))
            .collect(),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

/// Adds `POST /things` creating a `Thing` from a `ThingCreate`, and `DELETE /things/{id}`.
fn with_create_and_delete(doc: &mut Value) {
    doc["paths"]["/things"]["post"] = json!({
        "operationId": "CreateThing", "tags": ["Things"], "summary": "Create a thing",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}}},
        "responses": {"201": {"description": "Created.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
    });
    doc["paths"]["/things/{id}"]["delete"] = json!({
        "operationId": "DeleteThing", "tags": ["Things"], "summary": "Delete a thing",
        "responses": {"204": {"description": "Deleted."}}
    });
    doc["components"]["schemas"]["ThingCreate"] = json!({
        "type": "object", "description": "New thing.",
        "properties": {
            "name": {"type": "string", "description": "Name."},
            "secret": {"type": "string", "description": "Secret.", "x-ngrok-secret": true, "x-ngrok-write-only": true}
        }
    });
    let thing = &mut doc["components"]["schemas"]["Thing"]["properties"];
    thing["name"] = json!({"type": "string", "description": "Name."});
    thing["createdAt"] =
        json!({"type": "string", "format": "date-time", "description": "Created."});
}

#[test]
fn reads_operations_with_rust_names_and_pagination() {
    let spec = spec_with(|_| {});
    let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    let list = api.operation("ListThings").expect("ListThings");
    assert_eq!(list.rust_method, "list_things");
    assert_eq!(list.variant, "ListThings");
    assert_eq!(list.pointer, "/paths/~1things/get");
    assert_eq!(list.status, 200);
    let page = list.pagination.as_ref().expect("paged");
    assert_eq!(
        (page.style, page.items, page.list_schema, page.item_schema),
        ("beforeId", "things", "ThingList", "Thing")
    );
    let get = api.operation("GetThing").expect("GetThing");
    assert!(get
        .params
        .iter()
        .any(|p| p.name == "id" && p.location == "path"));
}

#[test]
fn recognises_a_conventional_resource_and_its_fields() {
    let spec = spec_with(with_create_and_delete);
    let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    let [thing] = &api.resources[..] else {
        panic!("expected one resource, got {}", api.resources.len());
    };
    assert_eq!(
        (
            thing.schema,
            thing.id_prefix,
            thing.collection_path,
            thing.item_path
        ),
        ("Thing", "thg_", "/things", "/things/{id}")
    );
    assert_eq!(thing.items, Some("things"));
    assert_eq!(thing.list, Some("ListThings"));
    assert_eq!(thing.create, Some("CreateThing"));
    assert_eq!(thing.delete, Some("DeleteThing"));
    assert_eq!(thing.update, None);
    assert_eq!(thing.create_body, Some("ThingCreate"));
    let field = |name: &str| {
        thing
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    };
    assert_eq!(field("id").role, Some(FieldRole::Id));
    assert_eq!(field("createdAt").role, Some(FieldRole::CreatedAt));
    assert_eq!(
        field("name").role,
        None,
        "a field the caller sends is not server-managed"
    );
    assert!(field("name").in_create && field("name").in_response);
    let secret = field("secret");
    assert!(secret.write_only && secret.secret && !secret.in_response);
}

#[test]
fn a_schema_without_an_id_prefix_is_no_resource() {
    let spec = spec_with(|doc| {
        with_create_and_delete(doc);
        doc["components"]["schemas"]["Thing"]
            .as_object_mut()
            .unwrap()
            .remove("x-ngrok-id-prefix");
    });
    let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(api.resources.is_empty());
}

#[test]
fn every_method_is_read_put_included() {
    let spec = spec_with(|doc| {
        doc["paths"]["/things/{id}"]["put"] = json!({
            "operationId": "ReplaceThing", "tags": ["Things"], "summary": "Replace a thing",
            "responses": {"204": {"description": "Replaced."}}
        });
    });
    let api = Api::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    let put = api
        .operation("ReplaceThing")
        .expect("PUT is read, not skipped");
    assert_eq!((put.method, put.status), ("put", 204));
}

#[test]
fn a_second_media_type_is_an_error_naming_the_operation_and_pointer() {
    let spec = spec_with(|doc| {
        with_create_and_delete(doc);
        doc["paths"]["/things"]["post"]["requestBody"]["content"]
            ["application/x-www-form-urlencoded"] =
            json!({"schema": {"$ref": "#/components/schemas/ThingCreate"}});
    });
    let problems = problems(&spec);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let (location, message) = &problems[0];
    assert_eq!(
        location,
        "/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded"
    );
    assert!(message.contains("CreateThing"), "{message}");
}

#[test]
fn two_success_responses_are_an_error() {
    let spec = spec_with(|doc| {
        doc["paths"]["/things/{id}"]["get"]["responses"]["203"] = json!({"description": "Also."});
    });
    let problems = problems(&spec);
    assert!(
        problems
            .iter()
            .any(|(at, m)| at == "/paths/~1things~1{id}/get/responses" && m.contains("GetThing")),
        "{problems:?}"
    );
}

#[test]
fn an_unknown_page_style_is_an_error_at_the_extension() {
    let spec = spec_with(|doc| {
        doc["paths"]["/things"]["get"]["x-ngrok-pagination"]["style"] = json!("offset");
    });
    let problems = problems(&spec);
    assert!(
        problems
            .iter()
            .any(|(at, m)| at == "/paths/~1things/get/x-ngrok-pagination" && m.contains("offset")),
        "{problems:?}"
    );
}

#[test]
fn operation_ids_that_give_one_rust_name_are_an_error() {
    let spec = spec_with(|doc| {
        // `AIGateway` is dropped from Rust names, so these two collide as `GetThing`.
        doc["paths"]["/things/{id}"]["head"] = json!({
            "operationId": "GetAIGatewayThing", "tags": ["Things"], "summary": "Head",
            "responses": {"200": {"description": "Exists."}}
        });
    });
    let problems = problems(&spec);
    assert!(
        problems
            .iter()
            .any(|(_, m)| m.contains("GetAIGatewayThing")),
        "{problems:?}"
    );
}
