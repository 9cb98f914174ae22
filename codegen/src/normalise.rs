//! Adapts a copy of the spec to what progenitor/typify handle well. The spec describes the
//! wire; everything here is about the generator, so none of it belongs in `spec/`.
//!
//! Each pass is one function over the JSON document, in the order [`normalise`] runs them.
//! What a pass decides for the generated code (which types to replace, which enums to
//! open) is collected in [`Plan`].

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{json, Map, Value};

use crate::error::{CodegenError, Result};
use crate::load::Spec;

/// The normalised document plus what the generator must add or replace.
#[derive(Debug)]
pub struct Plan {
    /// The adapted document, ready for progenitor.
    pub openapi: openapiv3::OpenAPI,
    /// Rust name typify gives a component → Rust type that replaces it (typify's
    /// `with_replacement` matches on the Rust name, not the schema name).
    pub replacements: BTreeMap<String, String>,
    /// String enums we generate ourselves as open enums: name → (doc, values).
    pub open_enums: BTreeMap<String, OpenEnum>,
    /// The operations, as the spec names them, with what the generator needs per call.
    pub operations: Vec<Operation>,
    /// Internally tagged unions (oneOf + discriminator) that get an `Unknown` variant.
    pub tagged_unions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OpenEnum {
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// What the generator needs to know about one operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId as the spec has it (used in errors, tracing and docs).
    pub spec_id: String,
    /// operationId given to progenitor (method and builder names derive from it).
    pub rust_id: String,
    pub method: String,
    pub path: String,
    /// The one success status the spec declares.
    pub success_status: u16,
    /// `Some` for list operations: how to reach the next page.
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Clone)]
pub struct Pagination {
    /// Query parameter that selects the next page (`beforeId` or `cursor`).
    pub param: String,
    /// Array property of the response that holds the items.
    pub items: String,
    /// Component schema of one item.
    pub item_schema: String,
}

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Runs every pass on a copy of `spec.raw`.
pub fn normalise(spec: &Spec) -> Result<Plan> {
    let mut doc = spec.raw.clone();
    let operations = collect_operations(spec)?;
    let mut replacements = BTreeMap::new();

    keep_only_success_responses(&mut doc);
    rename_operations(&mut doc, &operations);
    let request_schemas = request_body_schemas(&doc);
    route_secrets(&mut doc, &mut replacements);
    route_nullable_request_fields(&mut doc, &request_schemas, &mut replacements);
    let open_enums = hoist_string_enums(&mut doc, &mut replacements);
    let tagged_unions = inline_discriminated_unions(&mut doc);
    keep_empty_arrays_apart_from_absent(&mut doc);
    relax_for_forward_compatibility(&mut doc);

    let openapi = serde_json::from_value(doc).map_err(|e| CodegenError::Generate {
        file: spec.path.clone(),
        message: format!("normalised document no longer parses as OpenAPI: {e}"),
    })?;
    Ok(Plan {
        openapi,
        replacements,
        open_enums,
        operations,
        tagged_unions,
    })
}

fn generate_error(spec: &Spec, location: &str, message: impl Into<String>) -> CodegenError {
    CodegenError::Generate {
        file: spec.path.clone(),
        message: format!("at {location}: {}", message.into()),
    }
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn operations_mut(doc: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| {
            item.iter_mut()
                .filter(|(m, _)| HTTP_METHODS.contains(&m.as_str()))
                .filter_map(|(_, op)| op.as_object_mut())
        })
}

/// Reads what the generator needs from every operation of the (validated) spec.
fn collect_operations(spec: &Spec) -> Result<Vec<Operation>> {
    let mut out = Vec::new();
    let Some(paths) = spec.raw.get("paths").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let location = format!("/paths/{}/{method}", pointer_escape(path));
            let spec_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| generate_error(spec, &location, "operation has no operationId"))?
                .to_string();
            let successes: Vec<u16> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|r| r.keys())
                .filter_map(|k| k.parse::<u16>().ok())
                .filter(|s| (200..300).contains(s))
                .collect();
            let [success_status] = successes[..] else {
                return Err(generate_error(
                    spec,
                    &format!("{location}/responses"),
                    format!("expected exactly one 2xx response, found {successes:?}"),
                ));
            };
            let pagination = match op.get("x-ngrok-pagination") {
                None => None,
                Some(p) => Some(pagination_of(spec, &location, op, p)?),
            };
            out.push(Operation {
                rust_id: rust_operation_id(&spec_id),
                spec_id,
                method: method.clone(),
                path: path.clone(),
                success_status,
                pagination,
            });
        }
    }
    Ok(out)
}

fn pagination_of(spec: &Spec, location: &str, op: &Value, p: &Value) -> Result<Pagination> {
    let here = format!("{location}/x-ngrok-pagination");
    let style = p.get("style").and_then(Value::as_str);
    let param = match style {
        Some("beforeId") => "beforeId",
        Some("cursor") => "cursor",
        other => {
            return Err(generate_error(
                spec,
                &here,
                format!("unknown style {other:?}"),
            ))
        }
    };
    let items = p
        .get("items")
        .and_then(Value::as_str)
        .ok_or_else(|| generate_error(spec, &here, "`items` is missing"))?;
    let list_ref = op
        .pointer("/responses/200/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            generate_error(
                spec,
                &here,
                "the 200 response is not a $ref to a list schema",
            )
        })?;
    let list_schema = spec
        .raw
        .pointer(&format!("/components/schemas/{}", ref_name(list_ref)))
        .ok_or_else(|| generate_error(spec, &here, format!("{list_ref} does not resolve")))?;
    let item_ref = list_schema
        .pointer(&format!("/properties/{}/items/$ref", pointer_escape(items)))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            generate_error(
                spec,
                &here,
                format!("`{items}` is not an array of $ref items"),
            )
        })?;
    Ok(Pagination {
        param: param.to_string(),
        items: items.to_string(),
        item_schema: ref_name(item_ref).to_string(),
    })
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// `ListAIGatewayAccessKeys` → `ListAccessKeys`: the product prefix repeats in every
/// name and makes methods like `list_ai_gateway_access_keys`; the gateway config keeps
/// "Gateway" so `get_gateway_config` still says what it reads.
pub fn rust_operation_id(spec_id: &str) -> String {
    if spec_id.contains("AIGatewayConfig") {
        spec_id.replacen("AIGatewayConfig", "GatewayConfig", 1)
    } else {
        spec_id.replacen("AIGateway", "", 1)
    }
}

fn rename_operations(doc: &mut Value, operations: &[Operation]) {
    for op in operations_mut(doc) {
        if let Some(Value::String(id)) = op.get_mut("operationId") {
            if let Some(o) = operations.iter().find(|o| &o.spec_id == id) {
                *id = o.rust_id.clone();
            }
        }
    }
}

/// progenitor treats `default` as a success type and decodes errors itself, losing the
/// status when a body is not JSON. Dropping every non-2xx response makes progenitor hand
/// us the raw response (`UnexpectedResponse`), which the runtime turns into a typed error.
fn keep_only_success_responses(doc: &mut Value) {
    for op in operations_mut(doc) {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            responses.retain(|status, _| status.starts_with('2'));
        }
    }
}

fn request_body_schemas(doc: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(r) = op
                .pointer("/requestBody/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
            {
                names.push(ref_name(r).to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
}

/// Properties marked `x-ngrok-secret` become [`Secret`](crate) so `Debug` never shows them.
fn route_secrets(doc: &mut Value, replacements: &mut BTreeMap<String, String>) {
    let mut found = false;
    visit_properties(doc, &mut |_, _, prop| {
        if prop.get("x-ngrok-secret").and_then(Value::as_bool) == Some(true) {
            *prop = json!({ "$ref": "#/components/schemas/SecretString" });
            found = true;
        }
    });
    if found {
        if let Some(schemas) = schemas_mut(doc) {
            schemas.insert("SecretString".into(), json!({ "type": "string" }));
        }
        replacements.insert("SecretString".into(), "crate::runtime::Secret".into());
    }
}

/// In request bodies a nullable optional field has three states (omit = keep, null =
/// clear, value = set). typify would fold null and absent into one `None`, so each such
/// field is routed to a component replaced by `Nullable<T>`; the field becomes
/// `Option<Nullable<T>>` where `None` leaves the field unchanged.
fn route_nullable_request_fields(
    doc: &mut Value,
    request_schemas: &[String],
    replacements: &mut BTreeMap<String, String>,
) {
    let mut added: Vec<(String, Value)> = Vec::new();
    let Some(schemas) = schemas_mut(doc) else {
        return;
    };
    for name in request_schemas {
        let Some(props) = schemas
            .get_mut(name)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (prop_name, prop) in props.iter_mut() {
            if prop.get("nullable").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let Some(inner) = rust_type_of(prop) else {
                continue;
            };
            let component = format!("{name}{}Patch", prop_name.to_upper_camel_case());
            let mut original = prop.clone();
            if let Some(o) = original.as_object_mut() {
                o.remove("nullable");
            }
            added.push((component.clone(), original));
            replacements.insert(
                type_name(&component),
                format!("crate::runtime::Nullable<{inner}>"),
            );
            let description = prop.get("description").cloned();
            *prop = json!({ "$ref": format!("#/components/schemas/{component}") });
            if let Some(d) = description {
                // Kept for the docs pass; typify ignores siblings of $ref.
                prop["description"] = d;
            }
        }
    }
    schemas.extend(added);
}

/// The Rust type a replaced property holds, for the shapes our request bodies use.
fn rust_type_of(prop: &Value) -> Option<String> {
    if let Some(r) = prop
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
    {
        return Some(format!("crate::types::{}", type_name(ref_name(r))));
    }
    match prop.get("type").and_then(Value::as_str)? {
        "string" => Some("::std::string::String".into()),
        "integer" => Some(match prop.get("format").and_then(Value::as_str) {
            Some("int32") => "i32".into(),
            _ => "i64".into(),
        }),
        "boolean" => Some("bool".into()),
        "array" => {
            let item = prop.pointer("/items/$ref").and_then(Value::as_str)?;
            Some(format!(
                "::std::vec::Vec<crate::types::{}>",
                type_name(ref_name(item))
            ))
        }
        _ => None,
    }
}

/// The name typify gives a component schema.
pub fn type_name(schema: &str) -> String {
    schema.to_upper_camel_case()
}

/// Closed enums break old clients on the first new value. Every string enum property
/// (other than the discriminators of tagged unions) is hoisted to a named component and
/// replaced by an open enum we generate, which keeps unknown values.
fn hoist_string_enums(
    doc: &mut Value,
    replacements: &mut BTreeMap<String, String>,
) -> BTreeMap<String, OpenEnum> {
    let mut enums: BTreeMap<String, OpenEnum> = BTreeMap::new();
    let discriminated = discriminated_variants(doc);
    visit_properties(doc, &mut |schema, prop_name, prop| {
        let Some(values) = prop.get("enum").and_then(Value::as_array) else {
            return;
        };
        if discriminated.contains(&schema.to_string()) && values.len() == 1 {
            return; // the tag of a tagged-union variant
        }
        let values: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let existing = enums
            .iter()
            .find(|(_, e)| e.values == values)
            .map(|(n, _)| n.clone());
        let name =
            existing.unwrap_or_else(|| format!("{schema}{}", prop_name.to_upper_camel_case()));
        enums.entry(name.clone()).or_insert_with(|| OpenEnum {
            description: prop
                .get("description")
                .and_then(Value::as_str)
                .map(String::from),
            values,
        });
        let description = prop.get("description").cloned();
        *prop = json!({ "$ref": format!("#/components/schemas/{name}") });
        if let Some(d) = description {
            prop["description"] = d;
        }
    });
    if let Some(schemas) = schemas_mut(doc) {
        for (name, e) in &enums {
            schemas.insert(name.clone(), json!({ "type": "string", "enum": e.values }));
            replacements.insert(
                type_name(name),
                format!("crate::types::{}", type_name(name)),
            );
        }
    }
    enums
}

fn discriminated_variants(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for schema in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|s| s.values())
    {
        if schema.get("discriminator").is_some() {
            for v in schema
                .get("oneOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = v.get("$ref").and_then(Value::as_str) {
                    out.push(ref_name(r).to_string());
                }
            }
        }
    }
    out
}

/// typify turns `$ref` oneOf variants into an untagged enum and ignores `discriminator`;
/// with the variants inlined it emits `#[serde(tag = "…")]`.
fn inline_discriminated_unions(doc: &mut Value) -> Vec<String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return Vec::new();
    };
    let mut unions = Vec::new();
    let target = schemas_mut(doc).expect("checked above");
    for (name, schema) in &schemas {
        if schema.get("discriminator").is_none() {
            continue;
        }
        let Some(variants) = schema.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let inlined: Vec<Value> = variants
            .iter()
            .map(|v| match v.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let mut body = schemas
                        .get(ref_name(r))
                        .cloned()
                        .unwrap_or_else(|| v.clone());
                    if let Some(o) = body.as_object_mut() {
                        o.insert("title".into(), Value::String(ref_name(r).to_string()));
                        o.remove("example");
                    }
                    body
                }
                None => v.clone(),
            })
            .collect();
        let s = target
            .get_mut(name)
            .and_then(Value::as_object_mut)
            .expect("exists");
        s.insert("oneOf".into(), Value::Array(inlined));
        s.remove("discriminator");
        unions.push(name.clone());
    }
    unions
}

/// typify makes an optional array a `Vec` that is skipped when empty, so `[]` and
/// "absent" become the same value — but the API gives them different meanings
/// (`AccessDimension.allow`: absent = unrestricted, `[]` = nothing allowed). Marking
/// optional arrays nullable makes them `Option<Vec<T>>`: `None` is omitted, `Some(vec![])`
/// is sent as `[]`, and decoding keeps the difference.
fn keep_empty_arrays_apart_from_absent(doc: &mut Value) {
    fn walk(schema: &mut Value) {
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let required: Vec<String> = object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        if let Some(props) = object.get_mut("properties").and_then(Value::as_object_mut) {
            for (name, prop) in props.iter_mut() {
                let optional_array = prop.get("type").and_then(Value::as_str) == Some("array")
                    && !required.contains(name);
                if optional_array {
                    prop["nullable"] = Value::Bool(true);
                }
                walk(prop);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = object.get_mut(key) {
                walk(child);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(variants) = object.get_mut(key).and_then(Value::as_array_mut) {
                variants.iter_mut().for_each(walk);
            }
        }
    }
    if let Some(schemas) = schemas_mut(doc) {
        schemas.values_mut().for_each(walk);
    }
}

/// Unknown fields must decode (`additionalProperties: false` makes typify deny them) and
/// length limits are the server's to enforce (typify would wrap every bounded string in
/// a newtype, making `.name("x")` impossible).
fn relax_for_forward_compatibility(doc: &mut Value) {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if o.get("additionalProperties") == Some(&Value::Bool(false)) {
                    o.remove("additionalProperties");
                }
                if o.contains_key("type") || o.contains_key("properties") {
                    o.remove("minLength");
                    o.remove("maxLength");
                }
                for (k, child) in o.iter_mut() {
                    if k != "example" {
                        walk(child);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
}

/// Calls `f(schema_name, property_name, property)` for every property of every component
/// schema, including inline objects nested in properties (reported with the top schema).
fn visit_properties(doc: &mut Value, f: &mut dyn FnMut(&str, &str, &mut Value)) {
    fn walk(schema_name: &str, schema: &mut Value, f: &mut dyn FnMut(&str, &str, &mut Value)) {
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (name, prop) in props.iter_mut() {
                walk(schema_name, prop, f);
                f(schema_name, name, prop);
            }
        }
        if let Some(items) = schema.get_mut("items") {
            walk(schema_name, items, f);
        }
    }
    if let Some(schemas) = schemas_mut(doc) {
        for (name, schema) in schemas.iter_mut() {
            walk(name, schema, f);
        }
    }
}
