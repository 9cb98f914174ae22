//! Cassettes: recorded HTTP exchanges with the ngrok.ai API, stored as JSON under
//! `tests/recorded/` and replayed against the generated client.
//!
//! A cassette holds the exchanges of **one client call** of one operation: usually a single
//! request and its response; several when the call sent several requests (a list stream
//! following `nextPageUri`, or a retry). The format is documented in `tests/README.md`.
//!
//! This module has:
//!
//! * the serde model ([`Cassette`], [`Interaction`], [`Request`], [`Response`]) with
//!   [`Cassette::load`] / [`Cassette::save`] / [`load_dir`], whose errors name the file and the
//!   JSON path of the problem;
//! * redaction ([`Interaction::redact`]): what the recorder applies before anything is
//!   written, and what [`Cassette::check`] insists on when a cassette is loaded.
//!
//! What a cassette is checked against (the spec's operations and schemas, the comparison of
//! re-encoded bodies) is in [`crate::contract`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use ngrok_ai_codegen::pointer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::stub::{RecordedRequest, StubResponse};

/// What a request-body secret (`value`, `token`) is replaced with.
pub const REDACTED: &str = "[REDACTED]";
/// What a response `token` is replaced with: recognisably fake, shaped like a token.
pub const REDACTED_TOKEN: &str = "ng-REDACTED";
/// Request headers a cassette keeps; every other one (`authorization` first of all) is
/// dropped when the exchange is captured.
pub const REQUEST_HEADERS: [&str; 2] = ["accept", "content-type"];
/// Response headers a cassette keeps.
pub const RESPONSE_HEADERS: [&str; 3] = ["content-type", "location", "retry-after"];
/// Headers that must never appear in a cassette.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];
/// JSON keys whose string values are secrets in request bodies (provider-key `value`s; a
/// `token` is never sent, but would be one).
const REQUEST_SECRET_KEYS: [&str; 2] = ["value", "token"];
/// JSON key whose string values are secrets in response bodies (one-time tokens).
const RESPONSE_SECRET_KEY: &str = "token";

/// The repository root (the parent of `tests/`).
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// `tests/recorded/`, where the committed cassettes live.
pub fn recorded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("recorded")
}

/// `spec/ngrok-ai.yaml`.
pub fn spec_path() -> PathBuf {
    repository_root().join("spec").join("ngrok-ai.yaml")
}

// ---------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------

/// The recorded exchanges of one client call of one operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cassette {
    /// The operation called, e.g. `GetAIGatewayAccessKey`.
    pub operation_id: String,
    /// What the exchange shows, for the reader.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The requests the call sent, each with the response it got, in order.
    pub interactions: Vec<Interaction>,
}

/// One request and its response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interaction {
    /// What the client sent.
    pub request: Request,
    /// What the server answered.
    pub response: Response,
}

/// A recorded request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// `GET`, `HEAD`, `POST`, `PATCH` or `DELETE`.
    pub method: String,
    /// Path as sent (percent-encoded), without the query.
    pub path: String,
    /// Decoded query parameters as `[name, value]` pairs, in the order sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// The kept headers ([`REQUEST_HEADERS`]), names in lower case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The JSON body; `null` when the request had none.
    #[serde(default)]
    pub body: Option<Value>,
}

/// A recorded response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// The kept headers ([`RESPONSE_HEADERS`]), names in lower case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The JSON body (for a non-JSON content type: the raw text as a JSON string); `null`
    /// when the response had none.
    #[serde(default)]
    pub body: Option<Value>,
}

/// A cassette that cannot be used, naming the file and where in it the problem is.
#[derive(Clone, Debug, PartialEq)]
pub struct CassetteError {
    /// The cassette file.
    pub file: PathBuf,
    /// JSON path inside the file (e.g. `/interactions/0/response/status`), or a text location
    /// (`line 3 column 7`); empty when the problem concerns the whole file.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl CassetteError {
    fn new(file: &Path, location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.location,
                self.message
            )
        }
    }
}

impl std::error::Error for CassetteError {}

/// Converts a `serde_path_to_error` path (`interactions[0].response.status`) into a JSON
/// pointer (`/interactions/0/response/status`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&pointer::escape(key)),
            Segment::Enum { variant } => out.push_str(&pointer::escape(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

impl Cassette {
    /// Reads, parses and [checks](Cassette::check) the cassette at `path`.
    ///
    /// # Errors
    /// A [`CassetteError`] naming `path` and the JSON path (or line and column) of the first
    /// problem: unreadable file, invalid JSON, a missing or misspelt field, a wrong type, an
    /// unredacted secret.
    pub fn load(path: &Path) -> Result<Self, CassetteError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CassetteError::new(path, "", format!("cannot read the cassette: {e}")))?;
        Self::parse(path, &text)
    }

    /// Parses and [checks](Cassette::check) cassette text; `path` is used in messages only.
    ///
    /// # Errors
    /// As [`Cassette::load`].
    pub fn parse(path: &Path, text: &str) -> Result<Self, CassetteError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let cassette: Cassette =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                let pointer = pointer_of(e.path());
                let inner = e.into_inner();
                let location = if pointer.is_empty() || pointer == "/?" {
                    format!("line {} column {}", inner.line(), inner.column())
                } else {
                    format!(
                        "{pointer} (line {} column {})",
                        inner.line(),
                        inner.column()
                    )
                };
                CassetteError::new(path, location, format!("malformed cassette: {inner}"))
            })?;
        deserializer.end().map_err(|e| {
            CassetteError::new(
                path,
                format!("line {} column {}", e.line(), e.column()),
                format!("trailing characters after the cassette: {e}"),
            )
        })?;
        if let Some((location, message)) = cassette.check().into_iter().next() {
            return Err(CassetteError::new(path, location, message));
        }
        Ok(cassette)
    }

    /// Structural checks that serde cannot express: a plausible operationId, at least one
    /// interaction, upper-case methods, absolute paths without a query, valid statuses,
    /// lower-case header names, no secret headers, and every secret redacted. Returns
    /// `(json pointer, message)` pairs; empty when the cassette is fine.
    pub fn check(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if self.operation_id.is_empty()
            || !self.operation_id.chars().all(|c| c.is_ascii_alphanumeric())
        {
            problems.push((
                "/operationId".to_owned(),
                format!("not an operationId: {:?}", self.operation_id),
            ));
        }
        if self.interactions.is_empty() {
            problems.push((
                "/interactions".to_owned(),
                "a cassette needs at least one interaction".to_owned(),
            ));
        }
        for (i, interaction) in self.interactions.iter().enumerate() {
            let at = format!("/interactions/{i}");
            let request = &interaction.request;
            if !["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
                .contains(&request.method.as_str())
            {
                problems.push((
                    format!("{at}/request/method"),
                    format!("not an upper-case HTTP method: {:?}", request.method),
                ));
            }
            if !request.path.starts_with('/') || request.path.contains(['?', '#']) {
                problems.push((
                    format!("{at}/request/path"),
                    format!(
                        "must be an absolute path without query or fragment: {:?}",
                        request.path
                    ),
                ));
            }
            for (j, (name, _)) in request.query.iter().enumerate() {
                if name.is_empty() {
                    problems.push((
                        format!("{at}/request/query/{j}"),
                        "empty query parameter name".to_owned(),
                    ));
                }
            }
            check_headers(&request.headers, &format!("{at}/request"), &mut problems);
            if !(100..=599).contains(&interaction.response.status) {
                problems.push((
                    format!("{at}/response/status"),
                    format!("not an HTTP status: {}", interaction.response.status),
                ));
            }
            check_headers(
                &interaction.response.headers,
                &format!("{at}/response"),
                &mut problems,
            );
            if let Some(body) = &request.body {
                find_unredacted(
                    body,
                    &format!("{at}/request/body"),
                    &REQUEST_SECRET_KEYS,
                    REDACTED,
                    &mut problems,
                );
            }
            if let Some(body) = &interaction.response.body {
                find_unredacted(
                    body,
                    &format!("{at}/response/body"),
                    &[RESPONSE_SECRET_KEY],
                    REDACTED_TOKEN,
                    &mut problems,
                );
            }
        }
        problems
    }

    /// The cassette as pretty-printed JSON with a final newline (the on-disk form).
    pub fn to_pretty_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // A Cassette holds only strings, numbers and JSON values: it always serialises.
            panic!("serialising a cassette cannot fail: {e}")
        });
        text.push('\n');
        text
    }

    /// Writes the cassette to `path` (creating parent directories), after
    /// [checking](Cassette::check) it, so that an unredacted secret is never written.
    ///
    /// # Errors
    /// A [`CassetteError`] naming `path` if the cassette fails its checks or cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), CassetteError> {
        if let Some((location, message)) = self.check().into_iter().next() {
            return Err(CassetteError::new(
                path,
                location,
                format!("refusing to write: {message}"),
            ));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                CassetteError::new(path, "", format!("cannot create the directory: {e}"))
            })?;
        }
        std::fs::write(path, self.to_pretty_json())
            .map_err(|e| CassetteError::new(path, "", format!("cannot write: {e}")))
    }

    /// Drops unkept headers and redacts the secrets of every interaction.
    pub fn redact(&mut self) {
        for interaction in &mut self.interactions {
            interaction.redact();
        }
    }

    /// Whether the call this cassette records ended in an error response.
    pub fn is_error(&self) -> bool {
        self.interactions
            .last()
            .is_some_and(|i| !(200..300).contains(&i.response.status))
    }
}

fn check_headers(
    headers: &BTreeMap<String, String>,
    at: &str,
    problems: &mut Vec<(String, String)>,
) {
    for name in headers.keys() {
        let location = format!("{at}/headers/{}", pointer::escape(name));
        if SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            problems.push((
                location,
                format!("secret header {name:?} must not be recorded"),
            ));
        } else if name.is_empty() || name.chars().any(|c| c.is_ascii_uppercase()) {
            problems.push((location, format!("header names are lower case: {name:?}")));
        }
    }
}

fn find_unredacted(
    value: &Value,
    at: &str,
    keys: &[&str],
    placeholder: &str,
    problems: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = format!("{at}/{}", pointer::escape(key));
                if keys.contains(&key.as_str()) {
                    if let Value::String(text) = child {
                        if text != placeholder {
                            problems.push((
                                child_at.clone(),
                                format!(
                                    "secret `{key}` is not redacted (expected {placeholder:?})"
                                ),
                            ));
                        }
                    }
                }
                find_unredacted(child, &child_at, keys, placeholder, problems);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_unredacted(item, &format!("{at}/{i}"), keys, placeholder, problems);
            }
        }
        _ => {}
    }
}

fn redact_keys(value: &mut Value, keys: &[&str], placeholder: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if keys.contains(&key.as_str()) && child.is_string() {
                    *child = Value::String(placeholder.to_owned());
                } else {
                    redact_keys(child, keys, placeholder);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_keys(item, keys, placeholder);
            }
        }
        _ => {}
    }
}

/// Replaces every string `value` and `token` in a request body, at any depth, with
/// [`REDACTED`].
pub fn redact_request_body(body: &mut Value) {
    redact_keys(body, &REQUEST_SECRET_KEYS, REDACTED);
}

/// Replaces every string `token` in a response body, at any depth, with [`REDACTED_TOKEN`].
pub fn redact_response_body(body: &mut Value) {
    redact_keys(body, &[RESPONSE_SECRET_KEY], REDACTED_TOKEN);
}

fn kept_headers<I, K, V>(headers: I, keep: &[&str]) -> BTreeMap<String, String>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut kept = BTreeMap::new();
    for (name, value) in headers {
        let name = name.as_ref().to_ascii_lowercase();
        if keep.contains(&name.as_str()) && !SECRET_HEADERS.contains(&name.as_str()) {
            kept.entry(name)
                .or_insert_with(|| value.as_ref().to_owned());
        }
    }
    kept
}

/// A body as a cassette stores it: `None` when empty, the parsed JSON when it is JSON, the
/// text as a JSON string otherwise.
fn body_value(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
    )
}

fn is_json_content_type(content_type: Option<&String>) -> bool {
    content_type.is_none_or(|ct| ct.to_ascii_lowercase().contains("json"))
}

impl Request {
    /// Captures a request as seen on the wire, keeping only [`REQUEST_HEADERS`]. Bodies are
    /// not redacted here; see [`Interaction::redact`].
    pub fn capture<I, K, V>(
        method: &str,
        path: &str,
        raw_query: Option<&str>,
        headers: I,
        body: &[u8],
    ) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query: form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: kept_headers(headers, &REQUEST_HEADERS),
            body: body_value(body),
        }
    }

    /// The value of query parameter `name` (first one).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Differences between this recorded request and one the client `sent`: method, path,
    /// query pairs (as a multiset: the order is kept in the file for the reader, but it is
    /// not part of the contract), every recorded header, and the JSON body exactly. Empty
    /// when they match.
    pub fn differences(&self, sent: &RecordedRequest) -> Vec<String> {
        let mut out = Vec::new();
        if sent.method.as_str() != self.method {
            out.push(format!(
                "method: recorded {}, sent {}",
                self.method, sent.method
            ));
        }
        if sent.path != self.path {
            out.push(format!("path: recorded {}, sent {}", self.path, sent.path));
        }
        let mut recorded_query = self.query.clone();
        recorded_query.sort();
        let mut sent_query = sent.query_pairs();
        sent_query.sort();
        if recorded_query != sent_query {
            out.push(format!(
                "query: recorded {recorded_query:?}, sent {sent_query:?}"
            ));
        }
        for (name, value) in &self.headers {
            let got = sent.header(name);
            if got != Some(value.as_str()) {
                out.push(format!("header {name}: recorded {value:?}, sent {got:?}"));
            }
        }
        match (&self.body, sent.body.is_empty()) {
            (None, true) => {}
            (None, false) => out.push(format!("body: recorded none, sent {}", sent.body_text())),
            (Some(recorded), _) => match serde_json::from_slice::<Value>(&sent.body) {
                Ok(body) if &body == recorded => {}
                Ok(body) => out.push(format!("body: recorded {recorded}, sent {body}")),
                Err(_) => out.push(format!(
                    "body: recorded {recorded}, sent non-JSON {:?}",
                    sent.body_text()
                )),
            },
        }
        out
    }
}

impl Response {
    /// Captures a response as seen on the wire, keeping only [`RESPONSE_HEADERS`]. Bodies
    /// are not redacted here; see [`Interaction::redact`].
    pub fn capture<I, K, V>(status: u16, headers: I, body: &[u8]) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        Self {
            status,
            headers: kept_headers(headers, &RESPONSE_HEADERS),
            body: body_value(body),
        }
    }

    /// The response as the stub server should serve it: the recorded status and headers,
    /// and the body as JSON text (or raw text for a non-JSON content type). A body without a
    /// recorded content type is served as `application/json`.
    pub fn to_stub(&self) -> StubResponse {
        let mut stub = StubResponse::status(self.status);
        for (name, value) in &self.headers {
            stub = stub.header(name, value);
        }
        let content_type = self.headers.get("content-type");
        match &self.body {
            None => stub,
            Some(Value::String(text)) if !is_json_content_type(content_type) => {
                stub.body(text.clone())
            }
            Some(body) => {
                if content_type.is_none() {
                    stub = stub.header("content-type", "application/json");
                }
                stub.body(body.to_string())
            }
        }
    }
}

impl Interaction {
    /// Drops every header that is not kept and redacts the secrets: request-body `value`s
    /// and `token`s become [`REDACTED`], response-body `token`s become [`REDACTED_TOKEN`].
    pub fn redact(&mut self) {
        self.request.headers =
            kept_headers(std::mem::take(&mut self.request.headers), &REQUEST_HEADERS);
        self.response.headers = kept_headers(
            std::mem::take(&mut self.response.headers),
            &RESPONSE_HEADERS,
        );
        if let Some(body) = &mut self.request.body {
            redact_request_body(body);
        }
        if let Some(body) = &mut self.response.body {
            redact_response_body(body);
        }
    }
}

/// Loads every `*.json` cassette under `dir` (recursively), sorted by path.
///
/// # Errors
/// The first [`CassetteError`] met, naming its file; or one naming `dir` when it cannot be
/// read.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Cassette)>, CassetteError> {
    let mut files = Vec::new();
    collect_json_files(dir, &mut files)?;
    files.sort();
    files
        .into_iter()
        .map(|file| Cassette::load(&file).map(|cassette| (file, cassette)))
        .collect()
}

fn collect_json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CassetteError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CassetteError::new(dir, "", format!("cannot list the directory: {e}")))?;
    for entry in entries {
        let path = entry
            .map_err(|e| CassetteError::new(dir, "", format!("cannot list the directory: {e}")))?
            .path();
        if path.is_dir() {
            collect_json_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn malformed_cassettes_name_the_file_and_the_path() {
        let file = Path::new("tests/recorded/Broken.json");
        let err = Cassette::parse(
            file,
            r#"{"operationId": "GetCreditBalance", "interactions": [
                {"request": {"method": "GET", "path": "/credits/balance"},
                 "response": {"status": "200"}}]}"#,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("tests/recorded/Broken.json: "), "{text}");
        assert!(text.contains("/interactions/0/response/status"), "{text}");

        let err = Cassette::parse(
            file,
            r#"{"operationId": "X", "interactions": [], "extra": 1}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("extra"), "{err}");
        let err = Cassette::parse(file, "{").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let err = Cassette::parse(file, r#"{"operationId": "X", "interactions": []}"#).unwrap_err();
        assert_eq!(err.location, "/interactions");
    }

    #[test]
    fn secrets_are_refused_and_redacted() {
        let file = Path::new("c.json");
        let text = json!({
            "operationId": "CreateAIGatewayProviderAPIKey",
            "interactions": [{
                "request": {"method": "POST", "path": "/provider-keys",
                            "headers": {"authorization": "Bearer x"},
                            "body": {"value": "sk-live"}},
                "response": {"status": 201, "body": {"token": "ng-real"}}
            }]
        })
        .to_string();
        let err = Cassette::parse(file, &text).unwrap_err();
        assert!(err.to_string().contains("authorization"), "{err}");

        let mut cassette: Cassette = serde_json::from_str(&text).unwrap();
        let problems = cassette.check();
        assert!(problems
            .iter()
            .any(|(p, _)| p == "/interactions/0/request/body/value"));
        assert!(problems
            .iter()
            .any(|(p, _)| p == "/interactions/0/response/body/token"));
        cassette.redact();
        assert!(cassette.check().is_empty(), "{:?}", cassette.check());
        let interaction = &cassette.interactions[0];
        assert!(interaction.request.headers.is_empty());
        assert_eq!(interaction.request.body, Some(json!({"value": REDACTED})));
        assert_eq!(
            interaction.response.body,
            Some(json!({"token": REDACTED_TOKEN}))
        );
    }

    #[test]
    fn capture_keeps_only_harmless_headers() {
        let request = Request::capture(
            "get",
            "/access-keys",
            Some("limit=2&beforeId=aigk_1"),
            [
                ("Authorization", "Bearer secret"),
                ("Accept", "application/json"),
                ("User-Agent", "ngrok-ai/0.1.0"),
            ],
            b"",
        );
        assert_eq!(request.method, "GET");
        assert_eq!(
            request.query,
            vec![
                ("limit".to_owned(), "2".to_owned()),
                ("beforeId".to_owned(), "aigk_1".to_owned())
            ]
        );
        assert_eq!(request.headers.keys().collect::<Vec<_>>(), vec!["accept"]);
        assert_eq!(request.body, None);
        let response = Response::capture(
            502,
            [("Content-Type", "text/html"), ("Set-Cookie", "s=1")],
            b"<html>bad gateway</html>",
        );
        assert_eq!(response.body, Some(json!("<html>bad gateway</html>")));
        assert_eq!(response.headers.len(), 1);
    }
}
