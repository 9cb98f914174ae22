//! The curl equivalent of an operation, with the spec's example values.

use serde_json::Value;

use crate::model::{Api, Op};

/// Environment variable the curl commands read the API key from (the client's too).
pub const API_KEY_VAR: &str = "NGROK_AI_API_KEY";

/// Percent-encodes everything but RFC 3986 unreserved characters and `:` (harmless in
/// paths and queries, and keeps timestamps readable).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Quotes `text` for a POSIX shell in single quotes.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The URL an example calls: path parameters filled in, example query parameters appended
/// (the same parameters the Rust example sets).
pub fn example_url(api: &Api<'_>, op: &Op<'_>) -> String {
    let mut path = op.path.to_string();
    let mut query = Vec::new();
    for p in op.example_params(api) {
        let value = plain(p.example.unwrap_or(&Value::Null));
        if p.location == "path" {
            path = path.replace(&format!("{{{}}}", p.name), &encode(&value));
        } else if p.location == "query" {
            query.push(format!("{}={}", encode(p.name), encode(&value)));
        }
    }
    let mut url = format!("{}{path}", api.base_url.trim_end_matches('/'));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

/// The command, one option per line. HEAD uses `--head` (with `-X HEAD` curl would wait
/// for a body that never comes).
pub fn command(api: &Api<'_>, op: &Op<'_>) -> String {
    let url = shell_quote(&example_url(api, op));
    let mut lines = vec![if op.method == "head" {
        format!("curl --head {url}")
    } else {
        format!("curl -X {} {url}", op.method.to_uppercase())
    }];
    lines.push(format!("  -H \"Authorization: Bearer ${API_KEY_VAR}\""));
    if let Some(body) = &op.body {
        let json = body
            .example
            .map(|e| serde_json::to_string_pretty(e).unwrap_or_default())
            .unwrap_or_else(|| "{}".to_string());
        // JSON ignores the indentation added to its continuation lines.
        let json = json.replace('\n', "\n  ");
        lines.push("  -H 'Content-Type: application/json'".to_string());
        lines.push(format!("  -d {}", shell_quote(&json)));
    }
    lines.join(" \\\n")
}
