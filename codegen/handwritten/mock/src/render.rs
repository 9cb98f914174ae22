//! Responses built from the spec's tables: a stored record as its response schema shows
//! it, list pages with `uri` and `nextPageUri`, and an operation's example.

use serde_json::{Map, Value};

use crate::route::{Resource, Route};
use crate::state::{Input, State};
use crate::store::Record;

/// A record of `r` as the API returns it. `created` is true only for the create
/// response, the one place `returned_once` fields (tokens) appear.
///
/// In order: the stored response fields (never `write_only` ones); the fields a hook
/// derives at read time (`hooks::decorate`); then, for a field still without a
/// value, `null` if it is nullable (the spec's examples show unset nullable fields as
/// `null`), else the spec's example if it is required.
pub fn record(state: &State, r: &Resource, record: &Record, created: bool) -> Value {
    let mut out = Map::new();
    for field in r.fields.iter().filter(|f| f.in_response && !f.write_only) {
        if field.returned_once && !created {
            continue;
        }
        if let Some(value) = record.get(field.name) {
            out.insert(field.name.to_owned(), value.clone());
        }
    }
    crate::hooks::decorate(state, r, record, &mut out);
    for field in r.fields.iter().filter(|f| f.in_response && !f.write_only) {
        if out.contains_key(field.name) || field.returned_once {
            continue;
        }
        if field.nullable {
            out.insert(field.name.to_owned(), Value::Null);
        } else if field.required {
            if let Some(example) = field.example.and_then(example) {
                out.insert(field.name.to_owned(), example);
            }
        }
    }
    Value::Object(out)
}

/// A list response: the items under `items_key`, the request's `uri`, `nextPageUri`.
pub fn list(items_key: &str, items: Vec<Value>, uri: String, next: Option<String>) -> Value {
    let mut out = Map::new();
    out.insert(items_key.to_owned(), Value::Array(items));
    out.insert("uri".to_owned(), Value::String(uri));
    out.insert(
        "nextPageUri".to_owned(),
        next.map_or(Value::Null, Value::String),
    );
    Value::Object(out)
}

/// The `uri` of a list (or other read-only) response: the request as received.
pub fn request_uri(base_url: &str, input: &Input) -> String {
    match &input.raw_query {
        Some(q) if !q.is_empty() => format!("{base_url}{}?{q}", input.path),
        _ => format!("{base_url}{}", input.path),
    }
}

/// `nextPageUri`: the request with `param` set to `value` (first) and the other
/// parameters kept as received.
pub fn next_uri(base_url: &str, input: &Input, param: &str, value: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair(param, value);
    for (k, v) in &input.query_pairs {
        if k != param {
            query.append_pair(k, v);
        }
    }
    format!("{base_url}{}?{}", input.path, query.finish())
}

/// An example from the table (JSON text); `None` if it does not parse (a generator bug,
/// reported as a missing value rather than a panic).
pub fn example(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// The answer of an operation with neither a resource convention nor a hook: its
/// success status and the spec's example of its response.
pub fn example_of(route: &Route) -> (u16, Option<Value>) {
    (route.success_status, route.example.and_then(example))
}
