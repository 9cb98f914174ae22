//! OpenAPI 3.0 Schema Objects → JSON Schema (draft 2020-12).
//!
//! OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4/5 with a few differences; this
//! module bridges them so that any JSON value (a spec example, a recorded response, a mock
//! body) can be checked with the [`jsonschema`] crate:
//!
//! * `nullable: true` admits `null`: `type: t` becomes `type: [t, "null"]` (and an `enum`
//!   gains `null`); a schema without `type` (`$ref`, `allOf`/`oneOf`/`anyOf`/`not`) becomes
//!   `anyOf: [<schema>, {type: "null"}]`.
//! * Boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric 2020-12 forms.
//! * OpenAPI-only keywords are dropped: `nullable`, `example`, `discriminator`, `xml`,
//!   `externalDocs`, `deprecated`, `readOnly`, `writeOnly` and every `x-*` extension.
//!   (Property *names* are never touched, so a property called `example` survives.)
//! * `#/components/schemas/X…` references become `#/$defs/X…`, and every component schema
//!   (converted) is embedded under the root's `$defs`, so references resolve offline.
//! * `format` is kept as an annotation. [`validator`] asserts only `date-time` (RFC 3339).

use serde_json::{Map, Value};

/// The `$schema` URI of the documents produced here.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

const COMPONENT_SCHEMAS_PREFIX: &str = "#/components/schemas/";
const DEFS_PREFIX: &str = "#/$defs/";

/// OpenAPI-only keywords that have no JSON Schema meaning and are dropped.
const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Formats that JSON Schema 2020-12 defines and `jsonschema` would otherwise assert; the
/// validators built by [`validator`] treat all of them as annotations.
const ANNOTATION_ONLY_FORMATS: [&str; 19] = [
    "date",
    "duration",
    "email",
    "hostname",
    "idn-email",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "iri",
    "iri-reference",
    "json-pointer",
    "regex",
    "relative-json-pointer",
    "time",
    "uri",
    "uri-reference",
    "uri-template",
    "uuid",
    "byte",
];

/// Converts one OpenAPI 3.0 Schema Object into a self-contained JSON Schema 2020-12 document.
///
/// * `components` is the spec's raw `/components/schemas` map (anything else, e.g. `null`,
///   is treated as "no component schemas"); every entry is converted and embedded under
///   `$defs`, so `#/components/schemas/X` references in `schema` (rewritten to `#/$defs/X`)
///   resolve without any external lookup.
/// * `schema` is the OpenAPI schema to convert (it may itself be a bare `$ref`).
///
/// The result carries `$schema: https://json-schema.org/draft/2020-12/schema`. The function
/// never fails: values that are not schemas are copied through and left for the validator to
/// reject when it compiles the result.
#[must_use]
pub fn to_json_schema(components: &Value, schema: &Value) -> Value {
    with_defs(&convert_components(components), schema)
}

/// Every component schema converted, by name: the `$defs` of [`to_json_schema`]. Convert
/// once and call [`with_defs`] per schema when checking many schemas of one document.
#[must_use]
pub fn convert_components(components: &Value) -> Map<String, Value> {
    components
        .as_object()
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, s)| (name.clone(), convert(s)))
                .collect()
        })
        .unwrap_or_default()
}

/// [`to_json_schema`] with the components already converted by [`convert_components`].
#[must_use]
pub fn with_defs(defs: &Map<String, Value>, schema: &Value) -> Value {
    let mut root = root(schema);
    if !defs.is_empty() {
        root.insert("$defs".to_owned(), Value::Object(defs.clone()));
    }
    Value::Object(root)
}

/// [`with_defs`] with only the definitions `schema` can reach: what checking one value
/// against one schema needs. Copying and compiling all of them for every example's
/// schema was most of the spec's validation time.
#[must_use]
pub fn with_reachable_defs(defs: &Map<String, Value>, schema: &Value) -> Value {
    let mut root = root(schema);
    let reachable = reachable_defs(defs, &root);
    if !reachable.is_empty() {
        root.insert("$defs".to_owned(), Value::Object(reachable));
    }
    Value::Object(root)
}

/// `schema` converted, as the root of a 2020-12 document without `$defs`.
fn root(schema: &Value) -> Map<String, Value> {
    let mut root = Map::new();
    root.insert(
        "$schema".to_owned(),
        Value::String(DRAFT_2020_12.to_owned()),
    );
    match convert(schema) {
        Value::Object(converted) => {
            for (key, value) in converted {
                // `$schema`/`$defs` are not OpenAPI 3.0 keywords; ours win.
                if key != "$schema" && key != "$defs" {
                    root.insert(key, value);
                }
            }
        }
        other => {
            root.insert("allOf".to_owned(), Value::Array(vec![other]));
        }
    }
    root
}

/// The entries of `defs` that `schema` refers to (`#/$defs/X…`), directly or through
/// other entries, in `defs`' order.
fn reachable_defs(defs: &Map<String, Value>, schema: &Map<String, Value>) -> Map<String, Value> {
    fn refs_in(map: &Map<String, Value>, out: &mut Vec<String>) {
        for (key, value) in map {
            match (key.as_str(), value) {
                ("$ref", Value::String(target)) if target.starts_with(DEFS_PREFIX) => {
                    // `#/$defs/A~1B/properties/x` → `A/B`: the first token after `$defs`,
                    // percent-decoded, then JSON-pointer unescaped.
                    if let Some(pointer) = crate::pointer::ref_pointer(target) {
                        if let Some(token) = pointer.split('/').nth(2) {
                            out.push(crate::pointer::unescape(token));
                        }
                    }
                }
                _ => refs(value, out),
            }
        }
    }
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => refs_in(map, out),
            Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
            _ => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut pending = Vec::new();
    refs_in(schema, &mut pending);
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(def) = defs.get(&name) {
                refs(def, &mut pending);
            }
        }
    }
    defs.iter()
        .filter(|(name, _)| seen.contains(*name))
        .map(|(name, def)| (name.clone(), def.clone()))
        .collect()
}

/// Converts one schema (recursively) without embedding `$defs`: the building block of
/// [`to_json_schema`], useful when the caller assembles `$defs` itself.
#[must_use]
pub fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::with_capacity(map.len());
    for (key, value) in map {
        if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "$ref" => {
                let rewritten = match value {
                    Value::String(r) => Value::String(rewrite_ref(r)),
                    other => other.clone(),
                };
                out.insert(key.clone(), rewritten);
            }
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                let converted = match value {
                    Value::Object(props) => Value::Object(
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), convert(s)))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                out.insert(key.clone(), converted);
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(value));
            }
            "allOf" | "oneOf" | "anyOf" => {
                let converted = match value {
                    Value::Array(members) => Value::Array(members.iter().map(convert).collect()),
                    other => other.clone(),
                };
                out.insert(key.clone(), converted);
            }
            // OpenAPI 3.0 (draft 4 style): a boolean that modifies `minimum`/`maximum`.
            "minimum" | "maximum" => {
                let exclusive = if key == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                if map.get(exclusive) == Some(&Value::Bool(true)) {
                    out.insert(exclusive.to_owned(), value.clone());
                } else {
                    out.insert(key.clone(), value.clone());
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }

    add_integer_format_bounds(&mut out);
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return make_nullable(out);
    }
    Value::Object(out)
}

/// OpenAPI's `int32`/`int64` formats bound the value (a Go server rejects
/// 9223372036854775808 for an int64); JSON Schema only knows them as annotations, so the
/// bounds are made explicit where the schema does not set tighter ones.
fn add_integer_format_bounds(out: &mut Map<String, Value>) {
    if out.get("type") != Some(&Value::String("integer".to_owned())) {
        return;
    }
    let (min, max): (Value, Value) = match out.get("format").and_then(Value::as_str) {
        Some("int32") => (i32::MIN.into(), i32::MAX.into()),
        Some("int64") => (i64::MIN.into(), i64::MAX.into()),
        _ => return,
    };
    if !out.contains_key("minimum") && !out.contains_key("exclusiveMinimum") {
        out.insert("minimum".to_owned(), min);
    }
    if !out.contains_key("maximum") && !out.contains_key("exclusiveMaximum") {
        out.insert("maximum".to_owned(), max);
    }
}

/// Makes a converted schema admit `null`.
fn make_nullable(mut out: Map<String, Value>) -> Value {
    let composed = ["$ref", "allOf", "oneOf", "anyOf", "not"]
        .iter()
        .any(|k| out.contains_key(*k));
    if composed {
        let mut wrapper = Map::new();
        wrapper.insert(
            "anyOf".to_owned(),
            Value::Array(vec![
                Value::Object(out),
                serde_json::json!({ "type": "null" }),
            ]),
        );
        return Value::Object(wrapper);
    }
    match out.get_mut("type") {
        Some(Value::String(t)) if t != "null" => {
            let t = std::mem::take(t);
            out.insert(
                "type".to_owned(),
                Value::Array(vec![Value::String(t), Value::String("null".to_owned())]),
            );
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(Value::String("null".to_owned()));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        if !values.iter().any(Value::is_null) {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

fn rewrite_ref(reference: &str) -> String {
    match reference.strip_prefix(COMPONENT_SCHEMAS_PREFIX) {
        Some(rest) => format!("{DEFS_PREFIX}{rest}"),
        None => reference.to_owned(),
    }
}

/// Compiles a JSON Schema produced by [`to_json_schema`] into a validator.
///
/// Draft 2020-12; `format: date-time` is asserted (RFC 3339), every other format is an
/// annotation (`uri`/… constrain nothing here; `int32`/`int64` are turned into explicit
/// bounds by [`convert`]). No references are
/// fetched from the network or the file system.
///
/// # Errors
/// The compiler's error if the document is not a valid schema (e.g. a `$ref` that does not
/// resolve, a malformed `pattern`).
pub fn validator(
    json_schema: &Value,
) -> Result<jsonschema::Validator, jsonschema::ValidationError<'static>> {
    let mut options = jsonschema::draft202012::options().should_validate_formats(true);
    for format in ANNOTATION_ONLY_FORMATS {
        options = options.with_format(format, |_: &str| true);
    }
    options.build(json_schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachable_defs_follow_references_and_leave_the_rest() {
        let defs = serde_json::json!({
            "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
            "B": {"type": "array", "items": {"$ref": "#/$defs/C~1D"}},
            "C/D": {"type": "string"},
            "Unrelated": {"type": "integer"}
        });
        let defs = defs.as_object().cloned().unwrap_or_default();
        let doc = with_reachable_defs(&defs, &serde_json::json!({"$ref": "#/$defs/A"}));
        let names: Vec<&String> = doc["$defs"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["A", "B", "C/D"]);
        let checker = validator(&doc).unwrap();
        assert!(checker.is_valid(&serde_json::json!({"b": ["x"]})));
        assert!(!checker.is_valid(&serde_json::json!({"b": [1]})));
        let alone = with_reachable_defs(&defs, &serde_json::json!({"type": "string"}));
        assert!(alone.get("$defs").is_none());
    }
}
