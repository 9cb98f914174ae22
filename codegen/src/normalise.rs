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
use crate::model::Api;

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
    /// Internally tagged unions (oneOf + discriminator) that get an `Unknown` variant.
    pub tagged_unions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OpenEnum {
    pub description: Option<String>,
    pub values: Vec<String>,
}

use crate::pointer::METHODS as HTTP_METHODS;

/// Runs every pass on a copy of `spec.raw`.
pub fn normalise(spec: &Spec, api: &Api) -> Result<Plan> {
    let mut doc = spec.raw.clone();
    let mut replacements = BTreeMap::new();

    keep_only_success_responses(&mut doc);
    rename_operations(&mut doc, api);
    let request_schemas = request_body_schemas(&doc);
    route_secrets(&mut doc, &mut replacements);
    route_nullable_request_fields(&mut doc, &request_schemas, &mut replacements).map_err(
        |message| CodegenError::Generate {
            file: spec.path.clone(),
            message,
        },
    )?;
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
        tagged_unions,
    })
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

pub use crate::model::rust_operation_id;

/// `#/components/schemas/Ref` → `Ref`.
fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

fn rename_operations(doc: &mut Value, api: &Api) {
    for op in operations_mut(doc) {
        if let Some(Value::String(id)) = op.get_mut("operationId") {
            if let Some(o) = api.operation(id) {
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
) -> std::result::Result<(), String> {
    let mut added: Vec<(String, Value)> = Vec::new();
    let Some(schemas) = schemas_mut(doc) else {
        return Ok(());
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
            // Left as it is, the field would silently lose its null (PATCH could not clear
            // it), so a shape we cannot name is an error, not a skip.
            let inner = rust_type_of(prop).ok_or_else(|| {
                format!(
                    "at /components/schemas/{}/properties/{}: a nullable request field of this \
                     shape cannot be given its three PATCH states (absent / null / value); \
                     use a string, integer, number, boolean, an array of those or of a \
                     `$ref`, or `allOf: [$ref]`",
                    crate::pointer::escape(name),
                    crate::pointer::escape(prop_name)
                )
            })?;
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
    Ok(())
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
        "number" => Some("f64".into()),
        "array" => {
            let items = prop.get("items")?;
            let item = match items.get("$ref").and_then(Value::as_str) {
                Some(r) => format!("crate::types::{}", type_name(ref_name(r))),
                None => rust_type_of(items)?,
            };
            Some(format!("::std::vec::Vec<{item}>"))
        }
        _ => None,
    }
}

/// The name typify gives a component schema.
pub fn type_name(schema: &str) -> String {
    schema.to_upper_camel_case()
}

/// Closed enums break old clients on the first new value, so every string enum (other
/// than the tags of tagged-union variants) becomes an open enum we generate, which keeps
/// unknown values: a component that is a string enum keeps its name; an inline one,
/// wherever it sits in a component (property, array items, map values, `allOf`/`oneOf`/
/// `anyOf` member), is hoisted to a named component first. typify sees each as replaced.
fn hoist_string_enums(
    doc: &mut Value,
    replacements: &mut BTreeMap<String, String>,
) -> BTreeMap<String, OpenEnum> {
    let mut enums: BTreeMap<String, OpenEnum> = BTreeMap::new();
    let mut nullable_components: Vec<String> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    if let Some(schemas) = schemas_mut(doc) {
        taken = schemas.keys().cloned().collect();
        for (name, schema) in schemas.iter_mut() {
            // Components already routed elsewhere (nullable PATCH fields) stay as they are.
            if replacements.contains_key(&type_name(name)) {
                continue;
            }
            let Some(values) = string_enum_values(schema) else {
                continue;
            };
            if let Some(o) = schema.as_object_mut() {
                // The replacement stands for the whole component, so `null` cannot be one
                // of its values: nullability moves to every place that uses it.
                if o.remove("nullable") == Some(Value::Bool(true)) {
                    nullable_components.push(name.clone());
                }
                o.insert("enum".into(), json!(values));
            }
            enums.insert(
                name.clone(),
                OpenEnum {
                    description: schema
                        .get("description")
                        .and_then(Value::as_str)
                        .map(String::from),
                    values,
                },
            );
        }
    }
    if !nullable_components.is_empty() {
        mark_uses_nullable(doc, &nullable_components);
    }

    let discriminated = discriminated_variants(doc);
    let mut hoisted: Vec<String> = Vec::new();
    if let Some(schemas) = schemas_mut(doc) {
        for (schema_name, schema) in schemas.iter_mut() {
            if enums.contains_key(schema_name) {
                continue;
            }
            let tags_allowed = discriminated.contains(schema_name);
            visit_inline_schemas(schema, "", &mut |context, node| {
                let Some(values) = string_enum_values(node) else {
                    return;
                };
                if tags_allowed && values.len() == 1 {
                    return; // the tag of a tagged-union variant
                }
                let existing = enums
                    .iter()
                    .find(|(_, e)| e.values == values)
                    .map(|(n, _)| n.clone());
                let name = existing.unwrap_or_else(|| {
                    let base = format!("{schema_name}{context}");
                    let mut name = base.clone();
                    let mut n = 1;
                    while taken.contains(&name) {
                        n += 1;
                        name = format!("{base}{n}");
                    }
                    taken.push(name.clone());
                    hoisted.push(name.clone());
                    name
                });
                let description = node.get("description").cloned();
                enums.entry(name.clone()).or_insert_with(|| OpenEnum {
                    description: description
                        .as_ref()
                        .and_then(Value::as_str)
                        .map(String::from),
                    values,
                });
                let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
                let nullable = node.get("nullable").and_then(Value::as_bool) == Some(true);
                *node = if nullable {
                    json!({ "allOf": [reference], "nullable": true })
                } else {
                    reference
                };
                if let Some(d) = description {
                    // Kept for the docs pass; typify ignores siblings of $ref.
                    node["description"] = d;
                }
            });
        }
        for name in &hoisted {
            let values = &enums[name].values;
            schemas.insert(name.clone(), json!({ "type": "string", "enum": values }));
        }
    }
    for name in enums.keys() {
        replacements.insert(
            type_name(name),
            format!("crate::types::{}", type_name(name)),
        );
    }
    enums
}

/// The string values of a string enum schema (`null`, allowed in a nullable enum, is not
/// one); `None` for any other schema.
fn string_enum_values(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum").and_then(Value::as_array)?;
    let is_string = match schema.get("type") {
        Some(t) => t.as_str() == Some("string"),
        None => values.iter().any(Value::is_string),
    };
    if !is_string {
        return None;
    }
    Some(
        values
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
    )
}

/// Calls `f(context, node)` for every inline schema below `schema` (post-order, not
/// `schema` itself), where `context` names the position in UpperCamelCase: the property
/// name, then `Item` for array items and `Value` for map values.
fn visit_inline_schemas(schema: &mut Value, context: &str, f: &mut dyn FnMut(&str, &mut Value)) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let mut visit = |child: &mut Value, context: String| {
        visit_inline_schemas(child, &context, f);
        f(&context, child);
    };
    if let Some(props) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, prop) in props.iter_mut() {
            visit(prop, name.to_upper_camel_case());
        }
    }
    if let Some(items) = object.get_mut("items") {
        visit(items, format!("{context}Item"));
    }
    if let Some(values) = object
        .get_mut("additionalProperties")
        .filter(|v| v.is_object())
    {
        visit(values, format!("{context}Value"));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = object.get_mut(key).and_then(Value::as_array_mut) {
            for member in members {
                visit(member, context.to_string());
            }
        }
    }
}

/// Makes every use of the given (formerly nullable) components nullable at the use site:
/// `{$ref}` becomes `{allOf: [{$ref}], nullable: true}`, an `allOf` holding the `$ref`
/// gets `nullable: true`. Example data and parameters are left alone.
fn mark_uses_nullable(doc: &mut Value, components: &[String]) {
    fn is_target(v: &Value, targets: &[String]) -> bool {
        v.get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| targets.iter().any(|t| t == r))
    }
    fn walk(v: &mut Value, targets: &[String]) {
        match v {
            Value::Object(o) => {
                let in_all_of = o
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|m| m.iter().any(|m| is_target(m, targets)));
                let direct = o
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| targets.iter().any(|t| t == r));
                if in_all_of {
                    o.insert("nullable".into(), Value::Bool(true));
                } else if direct {
                    let reference = o.remove("$ref").expect("checked");
                    o.insert("allOf".into(), json!([{ "$ref": reference }]));
                    o.insert("nullable".into(), Value::Bool(true));
                }
                for (key, child) in o.iter_mut() {
                    match key.as_str() {
                        // Example data; parameters, which the client sends (never null).
                        "example" | "examples" | "default" | "enum" | "parameters" => {}
                        // Its `$ref` members were handled with the object that holds them.
                        "allOf" => {
                            if let Value::Array(members) = child {
                                for m in members.iter_mut().filter(|m| !is_target(m, targets)) {
                                    walk(m, targets);
                                }
                            }
                        }
                        _ => walk(child, targets),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, targets)),
            _ => {}
        }
    }
    let targets: Vec<String> = components
        .iter()
        .map(|c| format!("#/components/schemas/{c}"))
        .collect();
    walk(doc, &targets);
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
