//! Forward compatibility of string enums in the real client: for every string enum a
//! response can carry — found by walking the spec from each operation's success response,
//! not listed by hand — a value the spec does not have decodes (as `Unknown(..)`) and is
//! re-encoded unchanged; for every tagged union, an unknown tag decodes.
//!
//! Each case is one response document: the response schema's `example` with the unseen
//! value put at the enum's position (missing objects, array items and union variants are
//! filled in from the examples of their own schemas), decoded into the operation's
//! response model.

use std::collections::BTreeMap;

use ngrok_ai::types;
use serde_json::{json, Map, Value};

/// A value no version of the spec would add.
const UNSEEN: &str = "__not-in-the-spec__";

/// Decodes `document` into the client's model for `schema` and encodes it again, through
/// the generated mock's table of the client's response types (so a response schema the
/// spec gains is checked with no edit here); `None` when `schema` has no client type.
fn decode_as(schema: &str, document: Value) -> Option<Result<Value, String>> {
    let bytes = serde_json::to_vec(&document).expect("a JSON value encodes");
    ngrok_ai_mock::route::decode_with_client_type(schema, &bytes)
}

fn spec() -> Value {
    let path = ngrok_ai_tests::cassette::spec_path();
    ngrok_ai_codegen::load::load_spec(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .raw
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

fn component<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no component schema {name}"))
}

/// `(operationId, schema name)` of every operation's success (2xx) JSON response.
fn success_responses(spec: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(schema) = response.pointer("/content/application~1json/schema") else {
                    continue;
                };
                let id = op["operationId"].as_str().unwrap_or("?").to_owned();
                let name = ref_name(schema)
                    .unwrap_or_else(|| panic!("{id}: the success response is not a $ref"));
                out.push((id, name.to_owned()));
            }
        }
    }
    out
}

/// One step from a schema to a schema inside it; each holds the inner schema, whose
/// example fills the position when the document does not have it.
#[derive(Clone, Debug)]
enum Step {
    Property(String, Value),
    Item(Value),
    /// The variant of a tagged union whose tag property has this value.
    Variant {
        tag: String,
        value: String,
        schema: Value,
    },
}

/// A string enum or a tagged union inside a response schema.
#[derive(Clone, Debug)]
struct Position {
    steps: Vec<Step>,
    /// The enum's values; empty for a tagged union.
    values: Vec<String>,
    /// For a tagged union: its tag property.
    tag: Option<String>,
}

impl Position {
    fn describe(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            match step {
                Step::Property(name, _) => out.push_str(&format!(".{name}")),
                Step::Item(_) => out.push_str("[]"),
                Step::Variant { tag, value, .. } => out.push_str(&format!("({tag}={value})")),
            }
        }
        match &self.tag {
            Some(tag) => format!("{out}.{tag} (tagged union)"),
            None => out,
        }
    }
}

/// The string enums and tagged unions reachable from `schema` (through `$ref`, `allOf`,
/// `oneOf`, `anyOf`, properties, array items and map values). `skip` is the tag property
/// of the union variant being walked: its one-value enum is the tag, not data.
fn collect(
    spec: &Value,
    schema: &Value,
    steps: &[Step],
    stack: &mut Vec<String>,
    skip: Option<&str>,
    out: &mut Vec<Position>,
) {
    if let Some(name) = ref_name(schema) {
        if stack.iter().any(|s| s == name) {
            return;
        }
        stack.push(name.to_owned());
        collect(spec, component(spec, name), steps, stack, skip, out);
        stack.pop();
        return;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if schema.get("type").is_none_or(|t| t == "string") {
            out.push(Position {
                steps: steps.to_vec(),
                values: values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                tag: None,
            });
        }
        return;
    }
    let discriminator = schema
        .pointer("/discriminator/propertyName")
        .and_then(Value::as_str);
    if let (Some(tag), Some(variants)) =
        (discriminator, schema.get("oneOf").and_then(Value::as_array))
    {
        out.push(Position {
            steps: steps.to_vec(),
            values: Vec::new(),
            tag: Some(tag.to_owned()),
        });
        for variant in variants {
            let resolved = ref_name(variant).map_or(variant, |n| component(spec, n));
            let value = resolved
                .pointer(&format!("/properties/{tag}/enum/0"))
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("a variant of a union on `{tag}` has no tag value"));
            let mut inner = steps.to_vec();
            inner.push(Step::Variant {
                tag: tag.to_owned(),
                value: value.to_owned(),
                schema: resolved.clone(),
            });
            collect(spec, variant, &inner, stack, Some(tag), out);
        }
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for member in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect(spec, member, steps, stack, skip, out);
        }
    }
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if Some(name.as_str()) == skip {
            continue;
        }
        let mut inner = steps.to_vec();
        inner.push(Step::Property(name.clone(), prop.clone()));
        collect(spec, prop, &inner, stack, None, out);
    }
    if let Some(items) = schema.get("items") {
        let mut inner = steps.to_vec();
        inner.push(Step::Item(items.clone()));
        collect(spec, items, &inner, stack, None, out);
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        let mut inner = steps.to_vec();
        inner.push(Step::Property("__any_key__".to_owned(), values.clone()));
        collect(spec, values, &inner, stack, None, out);
    }
}

/// A valid instance of `schema`: its example (or its `$ref`'s, or its `allOf` member's),
/// else one built from the examples of its required properties.
fn example_of(spec: &Value, schema: &Value) -> Value {
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(name) = ref_name(schema) {
        return example_of(spec, component(spec, name));
    }
    if let Some(first) = schema
        .get("allOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
        .and_then(|m| m.first())
    {
        return example_of(spec, first);
    }
    if let Some(first) = schema.pointer("/enum/0") {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => json!([]),
        Some("string") => json!("example"),
        Some("integer") | Some("number") => json!(0),
        Some("boolean") => json!(false),
        _ => {
            let mut object = Map::new();
            let props = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(prop) = props.and_then(|p| p.get(name)) {
                    object.insert(name.to_owned(), example_of(spec, prop));
                }
            }
            Value::Object(object)
        }
    }
}

/// Puts `value` at the position in `document`, filling in what is missing; returns the
/// JSON pointer of where it went.
fn put(spec: &Value, document: &mut Value, steps: &[Step], value: &Value) -> String {
    let Some((step, rest)) = steps.split_first() else {
        *document = value.clone();
        return String::new();
    };
    match step {
        Step::Property(name, schema) => {
            if !document.is_object() {
                *document = json!({});
            }
            let slot = document
                .as_object_mut()
                .expect("an object")
                .entry(name.clone())
                .or_insert(Value::Null);
            if slot.is_null() {
                *slot = example_of(spec, schema);
            }
            let escaped = ngrok_ai_codegen::pointer::escape(name);
            format!("/{escaped}{}", put(spec, slot, rest, value))
        }
        Step::Item(schema) => {
            if !document.is_array() {
                *document = json!([]);
            }
            let items = document.as_array_mut().expect("an array");
            // Prefer an item that already is the variant the next step asks for.
            let wanted = match rest.first() {
                Some(Step::Variant { tag, value, .. }) => Some((tag, value)),
                _ => None,
            };
            let index = items
                .iter()
                .position(|item| wanted.is_none_or(|(t, v)| item.get(t) == Some(&json!(v))))
                .unwrap_or_else(|| {
                    items.push(example_of(spec, schema));
                    items.len() - 1
                });
            format!("/{index}{}", put(spec, &mut items[index], rest, value))
        }
        Step::Variant {
            tag,
            value: tag_value,
            schema,
        } => {
            if document.get(tag) != Some(&json!(tag_value)) {
                *document = example_of(spec, schema);
                document[tag] = json!(tag_value);
            }
            put(spec, document, rest, value)
        }
    }
}

/// Every enum and tagged union reachable from each success response, by schema name.
fn positions_by_response(spec: &Value) -> BTreeMap<String, Vec<Position>> {
    let mut out = BTreeMap::new();
    for (_, name) in success_responses(spec) {
        out.entry(name.clone()).or_insert_with(|| {
            let mut positions = Vec::new();
            let root = json!({ "$ref": format!("#/components/schemas/{name}") });
            collect(spec, &root, &[], &mut Vec::new(), None, &mut positions);
            positions
        });
    }
    out
}

#[test]
fn an_unseen_value_of_every_response_enum_decodes_and_round_trips() {
    let spec = spec();
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for (response, positions) in positions_by_response(&spec) {
        let decode = |document: Value| {
            decode_as(&response, document)
                .unwrap_or_else(|| panic!("the client has no type for response {response}"))
        };
        let example = example_of(&spec, component(&spec, &response));
        for position in positions.iter().filter(|p| p.tag.is_none()) {
            let at = format!("{response}{}", position.describe());
            // The document with a known value decodes: the case itself is sound.
            let mut known = example.clone();
            put(
                &spec,
                &mut known,
                &position.steps,
                &json!(position.values[0]),
            );
            if let Err(e) = decode(known) {
                problems.push(format!("{at}: the document with a known value fails: {e}"));
                continue;
            }
            let mut document = example.clone();
            let pointer = put(&spec, &mut document, &position.steps, &json!(UNSEEN));
            match decode(document) {
                Err(e) => problems.push(format!("{at}: {UNSEEN:?} does not decode: {e}")),
                Ok(reencoded) => {
                    let back = reencoded.pointer(&pointer);
                    if back != Some(&json!(UNSEEN)) {
                        problems.push(format!("{at}: re-encoded as {back:?}"));
                    }
                }
            }
            checked.push(at);
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // A walk that finds nothing would pass vacuously; today's spec has string enums in
    // responses (routing steps, credit grants).
    assert!(!checked.is_empty(), "no string enum found in any response");
    println!("checked: {checked:#?}");
}

#[test]
fn an_unknown_tag_of_every_response_union_decodes() {
    let spec = spec();
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for (response, positions) in positions_by_response(&spec) {
        let decode = |document: Value| {
            decode_as(&response, document)
                .unwrap_or_else(|| panic!("the client has no type for response {response}"))
        };
        let example = example_of(&spec, component(&spec, &response));
        for position in positions.iter() {
            let Some(tag) = &position.tag else { continue };
            let at = format!("{response}{}", position.describe());
            let mut document = example.clone();
            let mut steps = position.steps.clone();
            steps.push(Step::Property(tag.clone(), json!({"type": "string"})));
            put(&spec, &mut document, &steps, &json!(UNSEEN));
            if let Err(e) = decode(document) {
                problems.push(format!("{at}: an unknown tag does not decode: {e}"));
            }
            checked.push(at);
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    println!("checked: {checked:#?}");
}

#[test]
fn an_unknown_credit_transaction_is_the_unknown_variant() {
    let item: types::CreditTransactionItem = serde_json::from_value(json!({
        "type": UNSEEN,
        "createdAt": "2026-11-02T09:14:27Z",
        "somethingNew": 1,
    }))
    .expect("an unknown transaction type decodes");
    assert!(matches!(item, types::CreditTransactionItem::Unknown));
}
