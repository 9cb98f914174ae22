//! The spec side of the contract tests: what a cassette is checked against.
//!
//! Operations, parameters, bodies, success statuses, pagination and `$ref`s come from the
//! generator's one API model ([`ngrok_ai_codegen::model::Api`]) and its pointer helpers
//! ([`ngrok_ai_codegen::pointer`]); nothing here walks the raw document on its own, except
//! to read the error responses (`default`, `4XX`, `409`) that the model keeps only as
//! `(status, description)`: those are read at the operation's pointer.
//!
//! What is the checker's own: JSON Schema validation of recorded bodies and query values
//! ([`ContractSpec::validate_cassette`], with the `jsonschema` crate), the schema-aware
//! comparison of a recorded body with the re-encoded typed model
//! ([`ContractSpec::compare_reencoded`]), matching a recorded path against a template
//! ([`match_path`]) and typing query-string values ([`typed_query_value`]).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use ngrok_ai_codegen::load::{self, Spec};
use ngrok_ai_codegen::model::{Api, Op, Param};
use ngrok_ai_codegen::pointer;
use serde_json::{Map, Value};

use crate::cassette::{self, Cassette};

static NO_SCHEMA: Value = Value::Null;

/// The spec's API model with what the cassette checks add: the component schemas converted
/// to JSON Schema once, and a cache of compiled validators. Borrows the loaded [`Spec`], as
/// the model does; [`ContractSpec::repository`] is the repository's spec, loaded once.
pub struct ContractSpec<'a> {
    api: Api<'a>,
    /// `components.schemas` as JSON Schema `$defs`.
    defs: Map<String, Value>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl fmt::Debug for ContractSpec<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContractSpec")
            .field("operations", &self.api.operations.len())
            .finish_non_exhaustive()
    }
}

/// Loads a spec with the generator's loader.
///
/// # Errors
/// The loader's error (naming the file and the place in it) as text.
pub fn load_spec(path: &Path) -> Result<Spec, String> {
    load::load_spec(path).map_err(|e| e.to_string())
}

impl<'a> ContractSpec<'a> {
    /// Builds the API model of `spec` and indexes it for cassettes.
    ///
    /// # Errors
    /// The model's error (every construct it cannot represent, at its JSON pointer) as text.
    pub fn new(spec: &'a Spec) -> Result<Self, String> {
        let api = Api::build(spec).map_err(|e| e.to_string())?;
        let defs = ngrok_ai_codegen::json_schema::convert_components(
            spec.raw
                .pointer("/components/schemas")
                .unwrap_or(&NO_SCHEMA),
        );
        Ok(Self {
            api,
            defs,
            validators: Mutex::new(HashMap::new()),
        })
    }

    /// The API model.
    pub fn api(&self) -> &Api<'a> {
        &self.api
    }

    /// Every operationId of the spec.
    pub fn operation_ids(&self) -> BTreeSet<String> {
        self.api
            .operations
            .iter()
            .map(|op| op.id.to_owned())
            .collect()
    }

    /// The operation with this operationId.
    pub fn operation(&self, operation_id: &str) -> Option<&Op<'a>> {
        self.api.operation(operation_id)
    }

    /// The JSON schema of the response `op` declares for `status`: for a 2xx, the success
    /// response when `status` is the success status; otherwise the exact status, else its
    /// range (`4XX`), else `default` (in this spec always the `Error` response). `None`
    /// when the spec declares none of them; `Some(None)` when the response has no body.
    /// Schemas are resolved (`$ref` followed).
    pub fn response_schema(&self, op: &Op<'a>, status: u16) -> Option<Option<&'a Value>> {
        if (200..300).contains(&status) {
            return (status == op.status).then(|| op.response.as_ref().map(|body| body.schema));
        }
        let raw = self.api.raw;
        let responses = raw.pointer(&op.pointer).and_then(|o| o.get("responses"))?;
        let range = format!("{}XX", status / 100);
        let response = [status.to_string(), range, "default".to_owned()]
            .iter()
            .find_map(|key| responses.get(key.as_str()))?;
        Some(
            pointer::deref(raw, response)
                .pointer("/content/application~1json/schema")
                .map(|schema| pointer::deref(raw, schema)),
        )
    }

    /// The component schema of one item of a paged list operation.
    pub fn item_schema(&self, op: &Op<'a>) -> Option<&'a Value> {
        op.pagination
            .as_ref()
            .and_then(|p| self.api.schema(p.item_schema))
    }

    fn validator(&self, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let key = schema.to_string();
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(validator) = cache.get(&key) {
            return Ok(validator.clone());
        }
        let document = ngrok_ai_codegen::json_schema::with_defs(&self.defs, schema);
        let validator = Arc::new(
            ngrok_ai_codegen::json_schema::validator(&document)
                .map_err(|e| format!("the schema {key} does not compile: {e}"))?,
        );
        cache.insert(key, validator.clone());
        Ok(validator)
    }

    /// Validates `value` against an OpenAPI `schema` (converted to JSON Schema 2020-12).
    /// Returns `(json pointer inside value, message)` pairs; empty when valid.
    pub fn validate_value(&self, schema: &Value, value: &Value) -> Vec<(String, String)> {
        match self.validator(schema) {
            Err(message) => vec![(String::new(), message)],
            Ok(validator) => validator
                .iter_errors(value)
                .map(|e| (e.instance_path().to_string(), e.to_string()))
                .collect(),
        }
    }

    /// Checks a cassette against the spec; returns one message per problem, each naming
    /// `file` and the JSON path inside it (empty when the cassette agrees with the spec):
    ///
    /// * the operationId exists, and every request has its method and path;
    /// * query parameters are parameters of the operation; on successful calls their values
    ///   fit their schemas and required ones are present;
    /// * request bodies appear exactly when the operation takes one, and on successful calls
    ///   validate against the request-body schema (a request answered with an error may be
    ///   deliberately invalid);
    /// * every response status is declared (explicitly, by range or by `default`), and the
    ///   body is present exactly when that response has content (never for `HEAD`), with a
    ///   JSON content type, and validates against the response schema (`Error` for errors).
    pub fn validate_cassette(&self, file: &Path, cassette: &Cassette) -> Vec<String> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let Some(op) = self.operation(&cassette.operation_id) else {
            return vec![format!(
                "{}: /operationId: unknown operationId {:?}",
                file.display(),
                cassette.operation_id
            )];
        };
        let method = op.method.to_ascii_uppercase();
        for (i, interaction) in cassette.interactions.iter().enumerate() {
            let at = format!("/interactions/{i}");
            let request = &interaction.request;
            let response = &interaction.response;
            let success = (200..300).contains(&response.status);
            if request.method != method {
                problems.push((
                    format!("{at}/request/method"),
                    format!("{} is {method} {}, not {}", op.id, op.path, request.method),
                ));
            }
            if let Err(message) = match_path(op.path, &request.path) {
                problems.push((format!("{at}/request/path"), message));
            }
            self.check_query(op, request, success, &at, &mut problems);
            match (&op.body, &request.body) {
                (None, Some(_)) => problems.push((
                    format!("{at}/request/body"),
                    format!("{} takes no request body", op.id),
                )),
                (Some(_), None) if success => problems.push((
                    format!("{at}/request/body"),
                    format!("{} takes a request body; none recorded", op.id),
                )),
                (Some(schema), Some(body)) if success => {
                    for (pointer, message) in self.validate_value(schema.schema, body) {
                        problems.push((format!("{at}/request/body{pointer}"), message));
                    }
                }
                _ => {}
            }
            self.check_response(op, response, &at, &mut problems);
        }
        problems
            .into_iter()
            .map(|(pointer, message)| format!("{}: {pointer}: {message}", file.display()))
            .collect()
    }

    fn check_query(
        &self,
        op: &Op<'a>,
        request: &cassette::Request,
        success: bool,
        at: &str,
        problems: &mut Vec<(String, String)>,
    ) {
        for (j, (name, value)) in request.query.iter().enumerate() {
            let location = format!("{at}/request/query/{j}");
            match query_parameter(op, name) {
                None => problems.push((
                    location,
                    format!("{} has no query parameter {name:?}", op.id),
                )),
                Some(parameter) if success => {
                    let typed = typed_query_value(parameter.schema, value);
                    for (_, message) in self.validate_value(parameter.schema, &typed) {
                        problems.push((format!("{location}/1"), message));
                    }
                }
                Some(_) => {}
            }
        }
        if success {
            for parameter in op.params.iter().filter(|p| p.required) {
                if parameter.location == "query" && request.query_param(parameter.name).is_none() {
                    problems.push((
                        format!("{at}/request/query"),
                        format!("required query parameter {:?} is missing", parameter.name),
                    ));
                }
            }
        }
    }

    fn check_response(
        &self,
        op: &Op<'a>,
        response: &cassette::Response,
        at: &str,
        problems: &mut Vec<(String, String)>,
    ) {
        let body_at = format!("{at}/response/body");
        match self.response_schema(op, response.status) {
            None => problems.push((
                format!("{at}/response/status"),
                format!(
                    "{} declares no response {} (its success status is {})",
                    op.id, response.status, op.status
                ),
            )),
            Some(_) if op.method == "head" => {
                if response.body.is_some() {
                    problems.push((body_at, "a HEAD response has no body".to_owned()));
                }
            }
            Some(None) => {
                if response.body.is_some() {
                    problems.push((
                        body_at,
                        format!(
                            "the spec declares no body for {} {}",
                            op.id, response.status
                        ),
                    ));
                }
            }
            Some(Some(schema)) => match &response.body {
                None => problems.push((
                    body_at,
                    format!(
                        "the spec declares a body for {} {}; none recorded",
                        op.id, response.status
                    ),
                )),
                Some(body) => {
                    let content_type = response.headers.get("content-type");
                    if !content_type.is_some_and(|ct| ct.contains("application/json")) {
                        problems.push((
                            format!("{at}/response/headers"),
                            format!(
                                "a JSON body needs content-type application/json, got {content_type:?}"
                            ),
                        ));
                    }
                    for (pointer, message) in self.validate_value(schema, body) {
                        problems.push((format!("{body_at}{pointer}"), message));
                    }
                }
            },
        }
    }

    /// Resolves `$ref`s and single-member `allOf` wrappers; returns the schema that
    /// describes the value and whether any layer on the way said `nullable: true`.
    pub fn effective<'s>(&'s self, schema: &'s Value) -> (&'s Value, bool) {
        let mut nullable = false;
        let mut current = schema;
        for _ in 0..32 {
            nullable |= current.get("nullable") == Some(&Value::Bool(true));
            if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
                current = pointer::resolve_ref(self.api.raw, reference).unwrap_or(&NO_SCHEMA);
                continue;
            }
            if let Some([only]) = current
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                current = only;
                continue;
            }
            break;
        }
        (current, nullable)
    }

    /// Compares a recorded body with the re-encoded typed model, guided by `schema`: every
    /// recorded field must come back with the same value and nothing may be added. A
    /// recorded `null` may come back absent (and vice versa) only for a property that is
    /// `nullable` and not `required`; `date-time` strings compare as instants (a server's
    /// `.120Z` and the client's `.12Z` are the same time). Returns
    /// `(json pointer, message)` pairs; empty when they agree.
    pub fn compare_reencoded(
        &self,
        schema: &Value,
        recorded: &Value,
        reencoded: &Value,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.compare_at(schema, recorded, reencoded, "", &mut out);
        out
    }

    fn compare_at(
        &self,
        schema: &Value,
        recorded: &Value,
        reencoded: &Value,
        at: &str,
        out: &mut Vec<(String, String)>,
    ) {
        if recorded == reencoded {
            return;
        }
        let (schema, _) = self.effective(schema);
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            let chosen = variants
                .iter()
                .find(|variant| {
                    let (variant, _) = self.effective(variant);
                    match (
                        variant.pointer("/properties/type/enum"),
                        recorded.get("type"),
                    ) {
                        (Some(Value::Array(values)), Some(tag)) => values.contains(tag),
                        _ => false,
                    }
                })
                .or_else(|| variants.first());
            if let Some(variant) = chosen {
                self.compare_at(variant, recorded, reencoded, at, out);
                return;
            }
        }
        match (recorded, reencoded) {
            (Value::Object(recorded), Value::Object(reencoded)) => {
                let required: BTreeSet<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let keys: BTreeSet<&String> = recorded.keys().chain(reencoded.keys()).collect();
                for key in keys {
                    let property = schema
                        .get("properties")
                        .and_then(|p| p.get(key.as_str()))
                        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
                        .unwrap_or(&NO_SCHEMA);
                    let (_, nullable) = self.effective(property);
                    let may_drop_null = nullable && !required.contains(key.as_str());
                    let child_at = format!("{at}/{}", pointer::escape(key));
                    match (recorded.get(key), reencoded.get(key)) {
                        (Some(r), Some(e)) => self.compare_at(property, r, e, &child_at, out),
                        (Some(Value::Null), None) | (None, Some(Value::Null)) if may_drop_null => {}
                        (Some(r), None) => {
                            out.push((child_at, format!("lost on re-encoding (recorded {r})")))
                        }
                        (None, Some(e)) => {
                            out.push((child_at, format!("added on re-encoding (re-encoded {e})")))
                        }
                        (None, None) => {}
                    }
                }
            }
            (Value::Array(recorded), Value::Array(reencoded)) => {
                if recorded.len() != reencoded.len() {
                    out.push((
                        at.to_owned(),
                        format!(
                            "{} items recorded, {} re-encoded",
                            recorded.len(),
                            reencoded.len()
                        ),
                    ));
                    return;
                }
                let items = schema.get("items").unwrap_or(&NO_SCHEMA);
                for (i, (r, e)) in recorded.iter().zip(reencoded).enumerate() {
                    self.compare_at(items, r, e, &format!("{at}/{i}"), out);
                }
            }
            (Value::String(r), Value::String(e))
                if schema.get("format").and_then(Value::as_str) == Some("date-time")
                    && same_instant(r, e) => {}
            (r, e) => out.push((at.to_owned(), format!("recorded {r}, re-encoded {e}"))),
        }
    }
}

impl ContractSpec<'static> {
    /// The repository's spec (`spec/ngrok-ai.yaml`), loaded and indexed once per process.
    ///
    /// # Panics
    /// When the spec cannot be loaded or modelled, with the loader's or the model's error.
    pub fn repository() -> &'static Self {
        static LOADED: OnceLock<Spec> = OnceLock::new();
        static INDEXED: OnceLock<ContractSpec<'static>> = OnceLock::new();
        INDEXED.get_or_init(|| {
            let spec = LOADED.get_or_init(|| {
                load_spec(&cassette::spec_path()).unwrap_or_else(|e| panic!("{e}"))
            });
            ContractSpec::new(spec).unwrap_or_else(|e| panic!("{e}"))
        })
    }
}

/// The `minimum` and `maximum` the spec gives query parameter `name` of operation
/// `operation_id` (`None` for a bound it does not set, or an unknown parameter).
pub fn query_bounds(operation_id: &str, name: &str) -> (Option<u64>, Option<u64>) {
    let spec = ContractSpec::repository();
    let Some(param) = spec
        .operation(operation_id)
        .and_then(|op| query_parameter(op, name))
    else {
        return (None, None);
    };
    let schema = spec.effective(param.schema).0;
    let bound = |key: &str| schema.get(key).and_then(Value::as_u64);
    (bound("minimum"), bound("maximum"))
}

/// The query parameter `name` of `op`.
pub fn query_parameter<'o, 'a>(op: &'o Op<'a>, name: &str) -> Option<&'o Param<'a>> {
    op.params
        .iter()
        .find(|p| p.name == name && p.location == "query")
}

/// Matches a recorded `path` against a path `template` (`/access-keys/{id}`): `Ok(Some(id))`
/// (percent-decoded) for a template with a parameter, `Ok(None)` for a fixed path, `Err`
/// when the path is not the template's.
pub fn match_path(template: &str, path: &str) -> Result<Option<String>, String> {
    let segments: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    if segments.len() != actual.len() {
        return Err(format!("{path} does not match {template}"));
    }
    let mut id = None;
    for (t, a) in segments.iter().zip(&actual) {
        if t.starts_with('{') && t.ends_with('}') {
            if a.is_empty() {
                return Err(format!("{path}: empty {t} in {template}"));
            }
            id = Some(
                percent_encoding::percent_decode_str(a)
                    .decode_utf8_lossy()
                    .into_owned(),
            );
        } else if t != a {
            return Err(format!("{path} does not match {template}"));
        }
    }
    Ok(id)
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A query-string value as the JSON value its schema describes (`"20"` → `20` for an
/// integer, `"false"` → `false` for a boolean), so that it can be validated; values that do
/// not parse stay strings and fail validation.
pub fn typed_query_value(schema: &Value, value: &str) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(value.to_owned())),
        Some("number") => value
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(value.to_owned())),
        Some("boolean") => match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(value.to_owned()),
        },
        _ => Value::String(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_match_their_templates() {
        assert_eq!(match_path("/credits/balance", "/credits/balance"), Ok(None));
        assert_eq!(
            match_path("/access-keys/{id}", "/access-keys/aigk%5F1"),
            Ok(Some("aigk_1".to_owned()))
        );
        assert!(match_path("/access-keys/{id}", "/access-keys/").is_err());
        assert!(match_path("/access-keys/{id}", "/providers/p_1").is_err());
        assert!(match_path("/access-keys", "/access-keys/x").is_err());
    }

    #[test]
    fn query_values_are_typed_by_their_schema() {
        let integer = json!({"type": "integer"});
        assert_eq!(typed_query_value(&integer, "20"), json!(20));
        assert_eq!(typed_query_value(&integer, "x"), json!("x"));
        let boolean = json!({"type": "boolean"});
        assert_eq!(typed_query_value(&boolean, "false"), json!(false));
        assert_eq!(typed_query_value(&json!({}), "20"), json!("20"));
    }
}
