//! The corpus of `cargo xtask diff`: edits applied to a frozen copy of the real spec
//! (parsed, so they stay valid), each with the rules it must trigger, their class, and how many changes
//! `--wire` must find. One edit per rule at least, plus no-op rewrites; the wire-only
//! test rewrites the whole spec in other words and order and expects no difference.
//!
//! Most edits start from the spec without its examples (an edit that adds a required
//! field would otherwise leave examples that no longer validate); the example edits
//! start from the spec as it is.

use std::collections::BTreeSet;
use std::path::Path;

use ngrok_ai_codegen::diff::{compare, Class, Options, Report, Rule};
use ngrok_ai_codegen::load::{load_spec, parse_spec};
use ngrok_ai_codegen::model::Api;
use ngrok_ai_codegen::validate::validate;
use serde_json::{json, Value};

/// The corpus's base: a frozen copy of the real spec (`fixtures/diff-base.yaml`). The
/// corpus tests the diff engine, so its input must not move when the API does: edits
/// like "remove the last enum value" would otherwise change meaning with the spec.
fn spec() -> Value {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    load_spec(&fixtures.join("diff-base.yaml")).unwrap().raw
}

/// The spec with every `example` removed (example data only, never a property named
/// `example`: properties live under `properties`).
fn without_examples(mut v: Value) -> Value {
    fn strip(v: &mut Value, parent: Option<&str>) {
        match v {
            Value::Object(map) => {
                if parent != Some("properties") {
                    map.remove("example");
                    map.remove("examples");
                }
                for (k, child) in map.iter_mut() {
                    strip(child, Some(k));
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| strip(i, None)),
            _ => {}
        }
    }
    strip(&mut v, None);
    v
}

fn at<'v>(v: &'v mut Value, pointer: &str) -> &'v mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

fn obj<'v>(v: &'v mut Value, pointer: &str) -> &'v mut serde_json::Map<String, Value> {
    at(v, pointer).as_object_mut().unwrap()
}

fn schema(name: &str) -> String {
    format!("/components/schemas/{name}")
}

fn prop(schema_name: &str, p: &str) -> String {
    format!("/components/schemas/{schema_name}/properties/{p}")
}

fn op(path: &str, method: &str) -> String {
    format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    )
}

fn set_required(v: &mut Value, schema_name: &str, name: &str, required: bool) {
    let s = obj(v, &schema(schema_name));
    let list = s.entry("required").or_insert_with(|| json!([]));
    let list = list.as_array_mut().unwrap();
    list.retain(|x| x != name);
    if required {
        list.push(json!(name));
    }
    if list.is_empty() {
        s.remove("required");
    }
}

/// Both descriptions through load → validate → model, as `cargo xtask diff` reads them;
/// the normal report and the `--wire` one.
fn run(old: &Value, new: &Value) -> (Report, Report) {
    let load = |name: &str, v: &Value| {
        let text = serde_json::to_string_pretty(v).unwrap();
        let spec = parse_spec(Path::new(name), &text).unwrap_or_else(|e| panic!("{e}"));
        validate(&spec).unwrap_or_else(|e| panic!("{e}"));
        spec
    };
    let (old, new) = (load("old.json", old), load("new.json", new));
    let (old, new) = (Api::build(&old).unwrap(), Api::build(&new).unwrap());
    let report = |wire| Report {
        old: "old.json".into(),
        new: "new.json".into(),
        wire,
        changes: compare(&old, &new, Options { wire }),
    };
    (report(false), report(true))
}

/// One edit of the corpus.
struct Case {
    name: &'static str,
    /// Start from the spec with its examples (for the example edits).
    with_examples: bool,
    /// Applied to the old side only (a fixture for removals); `edit` is applied to the
    /// new side only.
    before: fn(&mut Value),
    edit: fn(&mut Value),
    /// Every rule the normal diff must report, and the class each of its changes gets.
    expect: &'static [(Rule, Class)],
    /// How many changes `--wire` must find.
    wire: usize,
}

fn nothing(_: &mut Value) {}

const fn case(
    name: &'static str,
    edit: fn(&mut Value),
    expect: &'static [(Rule, Class)],
    wire: usize,
) -> Case {
    Case {
        name,
        with_examples: false,
        before: nothing,
        edit,
        expect,
        wire,
    }
}

use Class::{Additive as A, Breaking as B, Informational as I};

fn add_unused_schema(v: &mut Value) {
    obj(v, "/components/schemas").insert(
        "Unused".into(),
        json!({"type": "object", "description": "Not used.", "additionalProperties": false,
               "properties": {"x": {"type": "string", "description": "x"}}}),
    );
}

fn add_operation(v: &mut Value) {
    obj(v, "/paths").insert(
        "/access-keys/{id}/disable".into(),
        json!({"post": {
            "operationId": "DisableAIGatewayAccessKey",
            "tags": ["AI Gateway Access Keys"],
            "summary": "Disable an access key",
            "description": "Disables the key.",
            "parameters": [{"$ref": "#/components/parameters/AIGatewayAccessKeyID"}],
            "responses": {
                "200": {"description": "The key.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AIGatewayAccessKey"}}}},
                "default": {"$ref": "#/components/responses/Error"}
            }
        }}),
    );
}

fn query_param(name: &str, required: bool) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": "A filter.", "schema": {"type": "string"}})
}

fn params<'v>(v: &'v mut Value, path: &str, method: &str) -> &'v mut Vec<Value> {
    at(v, &format!("{}/parameters", op(path, method)))
        .as_array_mut()
        .unwrap()
}

fn usage_param<'v>(v: &'v mut Value, name: &str) -> &'v mut Value {
    params(v, "/usage", "get")
        .iter_mut()
        .find(|p| p["name"] == name)
        .unwrap()
}

fn body(v: &mut Value, required: bool) {
    obj(v, &op("/access-keys/{id}", "delete")).insert(
        "requestBody".into(),
        json!({"required": required, "description": "Why.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckoutSessionCreate"}}}}),
    );
}

fn credit_variant(v: &mut Value) {
    obj(v, "/components/schemas").insert(
        "CreditTransactionRefund".into(),
        json!({"type": "object", "description": "A refund.", "additionalProperties": false, "required": ["type"],
               "properties": {"type": {"type": "string", "enum": ["refund"], "description": "Always `refund`."}}}),
    );
    let item = at(v, &schema("CreditTransactionItem"));
    item["oneOf"]
        .as_array_mut()
        .unwrap()
        .push(json!({"$ref": "#/components/schemas/CreditTransactionRefund"}));
    item["discriminator"]["mapping"]["refund"] =
        json!("#/components/schemas/CreditTransactionRefund");
}

fn rename_schema(v: &mut Value, from: &str, to: &str) {
    fn walk(v: &mut Value, from: &str, to: &str) {
        match v {
            Value::String(s) if s == from => *s = to.to_owned(),
            Value::Object(map) => map.values_mut().for_each(|c| walk(c, from, to)),
            Value::Array(items) => items.iter_mut().for_each(|c| walk(c, from, to)),
            _ => {}
        }
    }
    let schemas = obj(v, "/components/schemas");
    let body = schemas.shift_remove(from).unwrap();
    schemas.insert(to.to_owned(), body);
    walk(
        v,
        &format!("#/components/schemas/{from}"),
        &format!("#/components/schemas/{to}"),
    );
    walk(v, from, to); // x-ngrok-references names the schema
}

fn corpus() -> Vec<Case> {
    vec![
        // Operations.
        case(
            "operation removed",
            |v| {
                obj(v, "/paths/~1access-keys~1{id}").remove("delete");
            },
            &[(Rule::OperationRemoved, B)],
            1,
        ),
        case(
            "operation added",
            add_operation,
            &[(Rule::OperationAdded, A)],
            1,
        ),
        case(
            "operation renamed",
            |v| at(v, &op("/credits/balance", "get"))["operationId"] = json!("GetCreditBalanceNow"),
            &[(Rule::OperationRenamed, B)],
            0,
        ),
        case(
            "operation moved",
            |v| {
                let paths = obj(v, "/paths");
                let item = paths.shift_remove("/credits/balance").unwrap();
                paths.insert("/credits/current-balance".into(), item);
            },
            &[(Rule::OperationMoved, B)],
            2, // on the wire: one route gone, one new
        ),
        case(
            "operation tag changed",
            |v| at(v, &op("/credits/balance", "get"))["tags"] = json!(["AI Gateway Usage"]),
            &[(Rule::OperationTagChanged, I)],
            0,
        ),
        case(
            "operation summary changed",
            |v| at(v, &op("/credits/balance", "get"))["summary"] = json!("Read the balance"),
            &[(Rule::DescriptionChanged, I)],
            0,
        ),
        // Parameters.
        case(
            "optional parameter added",
            |v| params(v, "/usage", "get").push(query_param("model", false)),
            &[(Rule::OptionalParameterAdded, A)],
            1,
        ),
        case(
            "required parameter added",
            |v| params(v, "/usage", "get").push(query_param("model", true)),
            &[(Rule::RequiredParameterAdded, B)],
            1,
        ),
        case(
            "parameter removed",
            |v| params(v, "/usage", "get").retain(|p| p["name"] != "accessKeyId"),
            &[(Rule::ParameterRemoved, B)],
            1,
        ),
        case(
            "parameter made required",
            |v| usage_param(v, "endTime")["required"] = json!(true),
            &[(Rule::ParameterRequired, B)],
            1,
        ),
        case(
            "parameter made optional",
            |v| usage_param(v, "startTime")["required"] = json!(false),
            &[(Rule::ParameterOptional, A)],
            1,
        ),
        case(
            "path parameter renamed",
            |v| {
                at(v, "/components/parameters/AIGatewayAccessKeyID")["name"] = json!("keyId");
                let paths = obj(v, "/paths");
                let item = paths.shift_remove("/access-keys/{id}").unwrap();
                paths.insert("/access-keys/{keyId}".into(), item);
            },
            // The route is the same on the wire (`/access-keys/{}`): not a move.
            &[(Rule::PathParameterRenamed, B)],
            0,
        ),
        case(
            "shared parameter bound tightened (found once)",
            |v| at(v, "/components/parameters/Limit/schema")["maximum"] = json!(50),
            &[(Rule::BoundTightened, B)],
            1,
        ),
        case(
            "parameter default changed",
            |v| usage_param(v, "includeRetries")["schema"]["default"] = json!(true),
            &[(Rule::DefaultChanged, I)],
            1,
        ),
        case(
            "parameter type changed",
            |v| usage_param(v, "includeRetries")["schema"] = json!({"type": "string"}),
            &[(Rule::TypeChanged, B), (Rule::DefaultChanged, I)],
            2,
        ),
        // Request bodies.
        case(
            "optional request body added",
            |v| body(v, false),
            &[(Rule::OptionalRequestBodyAdded, A)],
            1,
        ),
        case(
            "required request body added",
            |v| body(v, true),
            &[(Rule::RequiredRequestBodyAdded, B)],
            1,
        ),
        Case {
            name: "request body removed",
            before: |v| body(v, false),
            ..case("", nothing, &[(Rule::RequestBodyRemoved, B)], 1)
        },
        Case {
            name: "request body made required",
            before: |v| body(v, false),
            ..case("", |v| body(v, true), &[(Rule::RequestBodyRequired, B)], 1)
        },
        Case {
            name: "request body made optional",
            before: |v| body(v, true),
            ..case("", |v| body(v, false), &[(Rule::RequestBodyOptional, A)], 1)
        },
        // Responses.
        case(
            "success status changed",
            |v| {
                let r = obj(
                    v,
                    &format!("{}/responses", op("/access-keys/{id}", "delete")),
                );
                let ok = r.shift_remove("204").unwrap();
                r.insert("200".into(), ok);
            },
            &[(Rule::SuccessStatusChanged, B)],
            1,
        ),
        case(
            "response body removed",
            |v| {
                obj(
                    v,
                    &format!("{}/responses/200", op("/credits/balance", "get")),
                )
                .remove("content");
            },
            &[(Rule::ResponseBodyChanged, B)],
            1,
        ),
        case(
            "error response added",
            |v| {
                obj(v, &format!("{}/responses", op("/access-keys/{id}", "delete"))).insert(
                    "409".into(),
                    json!({"description": "Still referenced.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
                );
            },
            &[(Rule::ResponseAdded, A)],
            1,
        ),
        case(
            "error response removed",
            |v| {
                obj(v, &format!("{}/responses", op("/providers/{id}", "delete"))).remove("409");
            },
            &[(Rule::ResponseRemoved, I)],
            1,
        ),
        // Pagination.
        case(
            "pagination removed",
            |v| {
                obj(v, &op("/api-keys", "get")).remove("x-ngrok-pagination");
            },
            &[(Rule::PaginationRemoved, B)],
            1,
        ),
        Case {
            name: "pagination added",
            before: |v| {
                obj(v, &op("/api-keys", "get")).remove("x-ngrok-pagination");
            },
            ..case("", nothing, &[(Rule::PaginationAdded, A)], 1)
        },
        case(
            "pagination changed",
            |v| {
                at(v, &op("/api-keys", "get"))["x-ngrok-pagination"]["style"] = json!("cursor");
                params(v, "/api-keys", "get").push(query_param("cursor", false));
            },
            &[
                (Rule::PaginationChanged, B),
                (Rule::OptionalParameterAdded, A),
            ],
            2,
        ),
        // Schemas.
        case(
            "schema added",
            add_unused_schema,
            &[(Rule::SchemaAdded, A)],
            0,
        ),
        Case {
            name: "schema removed",
            before: add_unused_schema,
            ..case("", nothing, &[(Rule::SchemaRemoved, B)], 0)
        },
        case(
            "schema renamed",
            |v| rename_schema(v, "Ref", "Reference"),
            &[
                (Rule::TypeRenamed, B),
                (Rule::SchemaAdded, A),
                (Rule::SchemaRemoved, B),
            ],
            0,
        ),
        case(
            "response field added",
            |v| {
                obj(v, &format!("{}/properties", schema("AIGatewayAccessKey"))).insert(
                    "team".into(),
                    json!({"type": "string", "description": "Team."}),
                );
            },
            &[(Rule::OptionalPropertyAdded, A)],
            1,
        ),
        case(
            "required response field added",
            |v| {
                obj(v, &format!("{}/properties", schema("AIGatewayAccessKey"))).insert(
                    "team".into(),
                    json!({"type": "string", "description": "Team."}),
                );
                set_required(v, "AIGatewayAccessKey", "team", true);
            },
            &[(Rule::RequiredPropertyAdded, A)],
            1,
        ),
        case(
            "optional request field added",
            |v| {
                obj(
                    v,
                    &format!("{}/properties", schema("AIGatewayAccessKeyCreate")),
                )
                .insert(
                    "team".into(),
                    json!({"type": "string", "description": "Team."}),
                );
            },
            &[(Rule::OptionalPropertyAdded, A)],
            1,
        ),
        case(
            "required request field added",
            |v| {
                obj(
                    v,
                    &format!("{}/properties", schema("AIGatewayAccessKeyCreate")),
                )
                .insert(
                    "team".into(),
                    json!({"type": "string", "description": "Team."}),
                );
                set_required(v, "AIGatewayAccessKeyCreate", "team", true);
            },
            &[(Rule::RequiredPropertyAdded, B)],
            1,
        ),
        case(
            "response field removed",
            |v| {
                obj(v, &format!("{}/properties", schema("AIGatewayUsageEvent")))
                    .remove("providerKeyDisplayName");
            },
            &[(Rule::PropertyRemoved, B)],
            1,
        ),
        case(
            "request field removed",
            |v| {
                obj(
                    v,
                    &format!("{}/properties", schema("AIGatewayAccessKeyCreate")),
                )
                .remove("metadata");
            },
            &[(Rule::PropertyRemoved, B)],
            1,
        ),
        case(
            "request field made required",
            |v| set_required(v, "AIGatewayAccessKeyCreate", "name", true),
            &[(Rule::PropertyRequired, B)],
            1,
        ),
        case(
            "request field made optional",
            |v| set_required(v, "AIGatewayProviderCreate", "baseUrl", false),
            &[(Rule::PropertyOptional, A)],
            1,
        ),
        case(
            "response field made optional",
            |v| set_required(v, "AIGatewayAccessKey", "keyRedacted", false),
            &[(Rule::PropertyOptional, B)],
            1,
        ),
        case(
            "response field made required",
            |v| set_required(v, "AIGatewayAccessKey", "name", true),
            &[(Rule::PropertyRequired, B)],
            1,
        ),
        case(
            "response field made nullable",
            |v| at(v, &prop("AIGatewayAccessKey", "name"))["nullable"] = json!(true),
            &[(Rule::NullableAdded, B)],
            1,
        ),
        case(
            "request field made nullable",
            |v| at(v, &prop("AIGatewayAccessKeyCreate", "description"))["nullable"] = json!(true),
            &[(Rule::NullableAdded, A)],
            1,
        ),
        case(
            "request field made non-nullable",
            |v| {
                obj(v, &prop("AIGatewayAccessKeyUpdate", "name")).remove("nullable");
            },
            &[(Rule::NullableRemoved, B)],
            1,
        ),
        case(
            "type changed",
            |v| {
                let p = obj(v, &prop("CreditBalance", "balanceCents"));
                p.insert("type".into(), json!("string"));
                p.remove("format");
            },
            &[(Rule::TypeChanged, B), (Rule::FormatChanged, B)],
            2,
        ),
        case(
            "format changed",
            |v| at(v, &prop("CreditBalance", "balanceCents"))["format"] = json!("int32"),
            &[(Rule::FormatChanged, B)],
            1,
        ),
        case(
            "response enum value added",
            |v| {
                at(v, &prop("RouterStep", "type"))["enum"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("custom"))
            },
            &[(Rule::EnumValueAdded, A)],
            1,
        ),
        case(
            "request enum value added",
            |v| {
                at(v, &prop("RouterStepWrite", "type"))["enum"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("custom"))
            },
            &[(Rule::EnumValueAdded, A)],
            1,
        ),
        case(
            "request enum value removed",
            |v| at(v, &prop("RouterStepWrite", "type"))["enum"] = json!(["user"]),
            &[(Rule::EnumValueRemoved, B)],
            1,
        ),
        case(
            "response enum value removed",
            |v| at(v, &prop("CreditTransactionCredits", "category"))["enum"] = json!(["purchase"]),
            &[(Rule::EnumValueRemoved, B)],
            1,
        ),
        case(
            "request bound tightened",
            |v| at(v, &prop("AIGatewayAccessKeyCreate", "name"))["maxLength"] = json!(128),
            &[(Rule::BoundTightened, B)],
            1,
        ),
        case(
            "request bound loosened",
            |v| at(v, &prop("AIGatewayAccessKeyCreate", "name"))["maxLength"] = json!(512),
            &[(Rule::BoundLoosened, A)],
            1,
        ),
        case(
            "response bound added",
            |v| at(v, &prop("AIGatewayUsageEvent", "model"))["maxLength"] = json!(64),
            &[(Rule::BoundTightened, I)],
            1,
        ),
        case(
            "request object opened",
            |v| at(v, &schema("AIGatewayAccessKeyCreate"))["additionalProperties"] = json!(true),
            &[(Rule::AdditionalPropertiesLoosened, A)],
            1,
        ),
        Case {
            name: "request object closed",
            before: |v| {
                at(v, &schema("AIGatewayAccessKeyCreate"))["additionalProperties"] = json!(true)
            },
            ..case(
                "",
                |v| {
                    at(v, &schema("AIGatewayAccessKeyCreate"))["additionalProperties"] =
                        json!(false)
                },
                &[(Rule::AdditionalPropertiesTightened, B)],
                1,
            )
        },
        case(
            "response object opened",
            |v| at(v, &schema("AIGatewayAccessKey"))["additionalProperties"] = json!(true),
            &[(Rule::AdditionalPropertiesLoosened, I)],
            1,
        ),
        case(
            "union variant added",
            credit_variant,
            &[(Rule::VariantAdded, A), (Rule::SchemaAdded, A)],
            1,
        ),
        case(
            "union variant removed",
            |v| {
                let item = at(v, &schema("CreditTransactionItem"));
                item["oneOf"].as_array_mut().unwrap().retain(|r| {
                    r["$ref"] != "#/components/schemas/CreditTransactionUsageInvoicePreview"
                });
                item["discriminator"]["mapping"]
                    .as_object_mut()
                    .unwrap()
                    .remove("usageInvoicePreview");
            },
            &[(Rule::VariantRemoved, B)],
            1,
        ),
        case(
            "ID prefix changed",
            |v| at(v, &schema("AIGatewayAccessKey"))["x-ngrok-id-prefix"] = json!("aik_"),
            &[(Rule::IdPrefixChanged, B)],
            1,
        ),
        case(
            "ID prefix stated",
            |v| {
                at(v, &schema("AIGatewayAccessKeyConfigurationCreate"))["x-ngrok-id-prefix"] =
                    json!("aigacc_")
            },
            &[(Rule::IdPrefixAdded, I)],
            1,
        ),
        case(
            "ID prefix dropped",
            |v| {
                obj(v, &schema("AIGatewayUsageEvent")).remove("x-ngrok-id-prefix");
            },
            &[(Rule::IdPrefixRemoved, I)],
            1,
        ),
        case(
            "secret flag removed",
            |v| {
                obj(v, &prop("RouterStepKeyWrite", "value")).remove("x-ngrok-secret");
            },
            &[(Rule::SecretChanged, B)],
            0,
        ),
        case(
            "behaviour extension removed",
            |v| {
                obj(v, &prop("AIGatewayAPIKey", "token")).remove("x-ngrok-returned-once");
            },
            &[(Rule::ExtensionChanged, I)],
            0,
        ),
        case(
            "unmodelled keyword added",
            |v| at(v, &prop("AIGatewayAccessKeyCreate", "name"))["pattern"] = json!("^[a-z]"),
            &[(Rule::KeywordChanged, B)],
            1,
        ),
        // The API as a whole.
        case(
            "server changed",
            |v| at(v, "/servers/0")["url"] = json!("https://api.eu.ngrok.ai"),
            &[(Rule::ServerChanged, B)],
            1,
        ),
        case(
            "security scheme added",
            |v| {
                obj(v, "/components/securitySchemes").insert(
                    "basic".into(),
                    json!({"type": "http", "scheme": "basic", "description": "Basic."}),
                );
            },
            &[(Rule::SecurityChanged, B)],
            1,
        ),
        case(
            "info version changed",
            |v| at(v, "/info")["version"] = json!("0.2.0"),
            &[(Rule::InfoChanged, I)],
            0,
        ),
        case(
            "tag description changed",
            |v| at(v, "/tags/0")["description"] = json!("Other words."),
            &[(Rule::TagChanged, I)],
            0,
        ),
        case(
            "property description changed",
            |v| at(v, &prop("AIGatewayAccessKey", "name"))["description"] = json!("Other words."),
            &[(Rule::DescriptionChanged, I)],
            0,
        ),
        case(
            "properties reordered",
            |v| {
                let props = obj(v, &format!("{}/properties", schema("Ref")));
                let id = props.shift_remove("id").unwrap();
                props.insert("id".into(), id);
            },
            &[(Rule::OrderChanged, I)],
            0,
        ),
        case(
            "enum values reordered",
            |v| at(v, &prop("RouterStep", "type"))["enum"] = json!(["ngrok", "user"]),
            &[(Rule::OrderChanged, I)],
            0,
        ),
        Case {
            name: "parameter example changed",
            with_examples: true,
            ..case(
                "",
                |v| at(v, "/components/parameters/Limit")["example"] = json!(30),
                &[(Rule::ExampleChanged, I)],
                0,
            )
        },
        Case {
            name: "schema example changed",
            with_examples: true,
            ..case(
                "",
                |v| at(v, &schema("CreditBalance"))["example"] = json!({"balanceCents": 1}),
                &[(Rule::ExampleChanged, I)],
                0,
            )
        },
        // No-op rewrites: nothing at all, even outside wire mode.
        case("no-op: nothing changed", nothing, &[], 0),
        case(
            "wire no-op: a bare $ref wrapped in allOf with its own description",
            |v| {
                *at(v, &prop("AIGatewayAccessKey", "createdBy")) = json!({
                    "allOf": [{"$ref": "#/components/schemas/Ref"}],
                    "description": "Who created the key."
                })
            },
            &[(Rule::DescriptionChanged, I)],
            0,
        ),
        case(
            "no-op: required names reordered",
            |v| {
                let list = at(v, &schema("AIGatewayAccessKey"))["required"]
                    .as_array_mut()
                    .unwrap();
                list.reverse();
            },
            &[],
            0,
        ),
        case(
            "no-op: paths reordered",
            |v| {
                let paths = obj(v, "/paths");
                let first = paths.shift_remove("/access-key-configurations").unwrap();
                paths.insert("/access-key-configurations".into(), first);
            },
            &[],
            0,
        ),
        case(
            "no-op: schemas reordered",
            |v| {
                let schemas = obj(v, "/components/schemas");
                let first = schemas.shift_remove("Error").unwrap();
                schemas.insert("Error".into(), first);
            },
            &[],
            0,
        ),
    ]
}

#[test]
fn corpus_is_classified() {
    let base = spec();
    let stripped = without_examples(base.clone());
    let cases = corpus();
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for case in &cases {
        let mut old = if case.with_examples {
            base.clone()
        } else {
            stripped.clone()
        };
        let mut new = old.clone();
        (case.before)(&mut old);
        (case.edit)(&mut new);
        let (report, wire) = run(&old, &new);
        let found: BTreeSet<Rule> = report.changes.iter().map(|c| c.rule).collect();
        let expected: BTreeSet<Rule> = case.expect.iter().map(|(r, _)| *r).collect();
        covered.extend(found.iter().copied());
        let wrong_class: Vec<_> = report
            .changes
            .iter()
            .filter(|c| {
                case.expect
                    .iter()
                    .any(|(r, class)| *r == c.rule && *class != c.class)
            })
            .collect();
        if found != expected || !wrong_class.is_empty() || wire.changes.len() != case.wire {
            failures.push(format!(
                "{}: expected {:?} with {} wire change(s); got {:?}, wire {}:\n{}\nwire:\n{}",
                case.name,
                case.expect,
                case.wire,
                report
                    .changes
                    .iter()
                    .map(|c| (c.rule, c.class))
                    .collect::<Vec<_>>(),
                wire.changes.len(),
                ngrok_ai_codegen::diff::render::text(&report),
                ngrok_ai_codegen::diff::render::text(&wire),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(cases.len() >= 30, "the corpus has {} edits", cases.len());
    let uncovered: Vec<_> = Rule::ALL
        .iter()
        .filter(|r| !covered.contains(r))
        .map(|r| r.id())
        .collect();
    assert!(
        uncovered.is_empty(),
        "rules no edit triggers: {uncovered:?}"
    );
}

/// Our spec in other words and another order, with the same wire facts: prose reworded,
/// examples dropped, every map and list reversed, components, shared parameters, tags,
/// operationIds and path parameters renamed, bare `$ref`s wrapped in `allOf`, client-side
/// extensions dropped and a foreign one added.
fn rewrite(v: &Value) -> Value {
    fn walk(v: &mut Value, parent: Option<&str>) {
        match v {
            Value::Object(map) => {
                let is_properties = parent == Some("properties");
                let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().rev().collect();
                for (k, mut child) in entries {
                    if !is_properties {
                        match k.as_str() {
                            "example"
                            | "examples"
                            | "x-ngrok-secret"
                            | "x-ngrok-returned-once"
                            | "x-ngrok-write-only"
                            | "x-ngrok-references" => continue,
                            "description" | "summary" => {
                                if let Value::String(s) = &mut child {
                                    *s = format!("In other words: {}", s.to_lowercase());
                                }
                            }
                            "$ref" => {
                                if let Value::String(s) = &mut child {
                                    *s = renamed_ref(s);
                                }
                            }
                            "operationId" => {
                                if let Value::String(s) = &mut child {
                                    s.push_str("Reworded");
                                }
                            }
                            _ => {}
                        }
                    }
                    if is_properties && child.get("$ref").is_some() {
                        // A bare `$ref` gets a wrapper with its own description.
                        let reference = child["$ref"].clone();
                        child =
                            json!({"description": "A reference.", "allOf": [{"$ref": reference}]});
                    }
                    walk(&mut child, Some(&k));
                    map.insert(k, child);
                }
            }
            Value::Array(items) => {
                // `allOf`/`oneOf` variants keep their order (matched by discriminator or
                // position); every other list is reversed.
                if !matches!(parent, Some("allOf" | "oneOf" | "anyOf" | "servers")) {
                    items.reverse();
                }
                for item in items.iter_mut() {
                    walk(item, parent.filter(|p| *p == "tags"));
                }
            }
            Value::String(s) if parent == Some("tags") => *s = format!("{s} (reworded)"),
            _ => {}
        }
    }
    fn renamed_ref(s: &str) -> String {
        for section in ["schemas", "parameters"] {
            let prefix = format!("#/components/{section}/");
            if let Some(name) = s.strip_prefix(&prefix) {
                return format!("{prefix}Wire{name}");
            }
        }
        s.to_owned()
    }
    let mut out = v.clone();
    walk(&mut out, None);
    // Component names, discriminator mappings, path parameters, tags.
    for section in ["schemas", "parameters"] {
        let map = obj(&mut out, &format!("/components/{section}"));
        let entries: Vec<_> = std::mem::take(map).into_iter().collect();
        for (k, v) in entries {
            map.insert(format!("Wire{k}"), v);
        }
    }
    let mapping = at(
        &mut out,
        "/components/schemas/WireCreditTransactionItem/discriminator/mapping",
    );
    for value in mapping.as_object_mut().unwrap().values_mut() {
        *value = json!(renamed_ref(value.as_str().unwrap()));
    }
    for p in obj(&mut out, "/components/parameters").values_mut() {
        if p["in"] == "path" {
            p["name"] = json!("key");
        }
    }
    let paths = obj(&mut out, "/paths");
    let entries: Vec<_> = std::mem::take(paths).into_iter().collect();
    for (k, v) in entries {
        paths.insert(k.replace("{id}", "{key}"), v);
    }
    for tag in at(&mut out, "/tags").as_array_mut().unwrap() {
        let name = format!("{} (reworded)", tag["name"].as_str().unwrap());
        tag["name"] = json!(name);
    }
    at(&mut out, "/components/schemas/WireCreditBalance")["x-go-type"] = json!("int64");
    out
}

#[test]
fn wire_mode_sees_through_a_rewrite() {
    let base = spec();
    let rewritten = rewrite(&base);
    let (normal, wire) = run(&base, &rewritten);
    assert!(
        wire.changes.is_empty(),
        "a rewrite with the same wire facts shows differences:\n{}",
        ngrok_ai_codegen::diff::render::text(&wire)
    );
    // The rewrite did change everything that is not a wire fact.
    let rules: BTreeSet<Rule> = normal.changes.iter().map(|c| c.rule).collect();
    for rule in [
        Rule::DescriptionChanged,
        Rule::ExampleChanged,
        Rule::OrderChanged,
        Rule::TypeRenamed,
        Rule::OperationRenamed,
        Rule::OperationTagChanged,
        Rule::PathParameterRenamed,
        Rule::SecretChanged,
        Rule::ExtensionChanged,
        Rule::TagChanged,
        Rule::SchemaAdded,
        Rule::SchemaRemoved,
    ] {
        assert!(rules.contains(&rule), "the rewrite made no {rule} change");
    }

    // Each single-fact edit of the corpus is found once through the rewrite (examples
    // dropped first: they cost validation time and the rewrite drops them anyway).
    let base = without_examples(base);
    let mut failures = Vec::new();
    for case in corpus().iter().filter(|c| c.wire == 1 && !c.with_examples) {
        let mut old = base.clone();
        let mut new = base.clone();
        (case.before)(&mut old);
        (case.edit)(&mut new);
        let (_, wire) = run(&old, &rewrite(&new));
        if wire.changes.len() != 1 {
            failures.push(format!(
                "{}:\n{}",
                case.name,
                ngrok_ai_codegen::diff::render::text(&wire)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reports_render_and_inputs_fail_as_regen_fails() {
    let old = without_examples(spec());
    let mut new = old.clone();
    at(&mut new, &prop("RouterStep", "type"))["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("custom"));
    let (report, _) = run(&old, &new);
    let text = ngrok_ai_codegen::diff::render::text(&report);
    assert!(text.contains("schema RouterStep"), "{text}");
    assert!(
        text.contains("/components/schemas/RouterStep/properties/type/enum/2"),
        "{text}"
    );
    assert!(
        text.contains("Unknown"),
        "the text says why a new enum value is additive"
    );
    let json: Value = serde_json::from_str(&ngrok_ai_codegen::diff::render::json(&report)).unwrap();
    assert_eq!(json["summary"]["worst"], "additive");
    assert_eq!(json["changes"][0]["rule"], "enum-value-added");
    assert_eq!(
        json["changes"][0]["group"],
        json!({"kind": "schema", "name": "RouterStep"})
    );

    // A broken input: the error regen would print, naming the file and the pointer.
    obj(&mut new, &prop("RouterStep", "type")).remove("description");
    let text = |v: &Value| serde_json::to_string(v).unwrap();
    let err = ngrok_ai_codegen::diff::diff_texts(
        "old.json",
        &text(&old),
        "new.json",
        &text(&new),
        Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("new.json: 1 problem(s):")
            && err.contains("/components/schemas/RouterStep/properties/type"),
        "{err}"
    );
    // With --wire, a missing description (an authoring rule) does not stop the comparison.
    let wire = ngrok_ai_codegen::diff::diff_texts(
        "old.json",
        &text(&old),
        "new.json",
        &text(&new),
        Options { wire: true },
    )
    .unwrap();
    assert_eq!(wire.changes.len(), 1, "{wire:?}");
    // A structural problem still does.
    at(&mut new, &prop("RouterStep", "keys"))["items"] =
        json!({"$ref": "#/components/schemas/Nowhere"});
    let err = ngrok_ai_codegen::diff::diff_texts(
        "old.json",
        &text(&old),
        "new.json",
        &text(&new),
        Options { wire: true },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("Nowhere"), "{err}");
}
