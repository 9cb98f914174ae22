//! Scrubbing of server-supplied text before it reaches an error message.
//!
//! Everything here runs on the error path only. Error messages end up in logs
//! and terminals, so text that came from a server (error bodies, snippets,
//! `Location` headers, JSON keys in decode errors) is cleaned when an error is
//! built:
//!
//! - the client's own API key is replaced wherever it appears;
//! - the values of secret-named fields (`token`, `value`, `key`, `*apikey`,
//!   `*secret*`, `*password*`, `authorization`, ...) are replaced, found by a
//!   tolerant scan of the raw text, so JSON that does not parse, JSON quoted
//!   inside a JSON string, query strings and `name: value` lines are covered;
//! - `Bearer <credential>` is replaced;
//! - control characters other than `\n` and `\t` (ESC, BEL, NUL, CR, DEL, the
//!   C1 range) and Unicode bidirectional overrides are escaped as `\u{..}`,
//!   so a server cannot inject terminal or log control sequences.

use std::borrow::Cow;

/// What a redacted value is replaced with.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// The shortest API key that is searched for in text; shorter keys would
/// match ordinary words. Real ngrok.ai keys are far longer.
const MIN_KEY_LEN: usize = 6;

/// Whether a field or parameter name holds a secret: the API's one-time
/// `token`s, provider-key `value`s, and anything named like a credential.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    key == "value"
        || key == "key"
        || key.ends_with("apikey")
        || key.ends_with("secretkey")
        || key.ends_with("privatekey")
        || key.contains("token")
        || key.contains("secret")
        || key.contains("password")
        || key.contains("passwd")
        || key.contains("authorization")
        || key.contains("credential")
        || key.contains("cookie")
}

/// The full scrub: API key, secret-named values, bearer credentials, then
/// control characters. `api_key` is the client's key, if known.
pub(crate) fn scrub(text: &str, api_key: Option<&str>) -> String {
    let text = remove_api_key(text, api_key);
    let text = redact_bearer(&text);
    let text = redact_pairs(&text);
    escape_controls(&text).into_owned()
}

/// Replaces every occurrence of `api_key`.
pub(crate) fn remove_api_key<'t>(text: &'t str, api_key: Option<&str>) -> Cow<'t, str> {
    match api_key {
        Some(key) if key.len() >= MIN_KEY_LEN && text.contains(key) => {
            Cow::Owned(text.replace(key, REDACTED))
        }
        _ => Cow::Borrowed(text),
    }
}

/// Characters that never reach an error message unescaped: controls other
/// than `\n` and `\t`, and the bidirectional overrides and isolates.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes control characters as `\u{1b}`; `\r` becomes a space, since a
/// bare carriage return is only a line ending in disguise.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '\r' {
            out.push(' ');
        } else if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Replaces the credential after `Bearer` (any case), e.g. an
/// `Authorization` header echoed by an error page.
fn redact_bearer(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("bearer") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("bearer") {
        let word_end = from + found + "bearer".len();
        from = word_end;
        let mut start = word_end;
        // `Bearer x`, `Bearer%20x`, `Bearer+x`.
        loop {
            if start < bytes.len() && matches!(bytes[start], b' ' | b'\t' | b'+') {
                start += 1;
            } else if bytes[start..].starts_with(b"%20") {
                start += 3;
            } else {
                break;
            }
        }
        if start == word_end {
            continue;
        }
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| is_credential_byte(**b))
                .count();
        if end > start && !text[start..end].eq_ignore_ascii_case(REDACTED) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
            from = end;
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn is_credential_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
}

/// Quote sequences a value may be wrapped in, longest first: JSON quoted
/// twice, JSON quoted once inside a JSON string, JSON, and single quotes.
const QUOTES: [&str; 4] = ["\\\\\\\"", "\\\"", "\"", "'"];

/// Replaces the value of every `name: value` / `"name": "value"` /
/// `name=value` pair whose name is secret-like ([`is_secret_key`]),
/// whether or not the text is valid JSON. Quoted values lose their content
/// up to the closing quote (to the end when it is missing, as in a cut
/// snippet); `{...}` and `[...]` values lose the whole balanced structure;
/// bare values lose the run up to the next delimiter.
pub(crate) fn redact_pairs(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) || (i > 0 && is_name_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let name_end = i + bytes[i..].iter().take_while(|b| is_name_byte(**b)).count();
        let name = &text[i..name_end];
        i = name_end;
        if !is_secret_key(name) {
            continue;
        }
        // Closing quote of the name, blanks, the separator, blanks.
        let mut at = name_end;
        if let Some(quote) = QUOTES
            .iter()
            .find(|q| bytes[at..].starts_with(q.as_bytes()))
        {
            at += quote.len();
        }
        at = skip_blanks(bytes, at);
        if at >= bytes.len() || !matches!(bytes[at], b':' | b'=') {
            continue;
        }
        at = skip_blanks(bytes, at + 1);
        let Some((start, end)) = value_span(bytes, at) else {
            continue;
        };
        let buffer = out.get_or_insert_with(|| String::with_capacity(text.len()));
        buffer.push_str(&text[copied..start]);
        buffer.push_str(REDACTED);
        copied = end;
        i = end.max(name_end);
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buffer) => {
            buffer.push_str(&text[copied..]);
            Cow::Owned(buffer)
        }
    }
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n') {
        at += 1;
    }
    at
}

/// The byte range to replace for the value starting at `at`, or `None` when
/// there is nothing to hide (`null`, an empty value, already redacted).
fn value_span(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let rest = bytes.get(at..)?;
    if let Some(quote) = QUOTES.iter().find(|q| rest.starts_with(q.as_bytes())) {
        let start = at + quote.len();
        let end = closing_quote(bytes, start, quote.as_bytes());
        if end == start || bytes[start..end] == *REDACTED.as_bytes() {
            return None;
        }
        return Some((start, end));
    }
    match rest.first()? {
        b'{' | b'[' => Some((at, balanced_end(bytes, at))),
        _ => {
            let mut start = at;
            let run = |from: usize| {
                from + bytes[from..]
                    .iter()
                    .take_while(|b| {
                        !b.is_ascii_whitespace()
                            && !matches!(b, b',' | b';' | b'&' | b'}' | b']' | b'<' | b'>')
                            && !matches!(b, b'"' | b'\'' | b'\\')
                    })
                    .count()
            };
            let mut end = run(start);
            // `Authorization: Bearer x`: the scheme stays, the credential goes.
            let word = &bytes[start..end];
            if ["bearer", "basic", "token"]
                .iter()
                .any(|scheme| word.eq_ignore_ascii_case(scheme.as_bytes()))
            {
                start = skip_blanks(bytes, end);
                end = run(start);
            }
            let value = &bytes[start..end];
            if value.is_empty()
                || value == b"null"
                || bytes[start..].starts_with(REDACTED.as_bytes())
            {
                None
            } else {
                Some((start, end))
            }
        }
    }
}

/// End of a quoted value that starts at `start`: the next unescaped `quote`,
/// or the end of the text.
fn closing_quote(bytes: &[u8], start: usize, quote: &[u8]) -> usize {
    let mut at = start;
    while at < bytes.len() {
        if quote == b"\"" && bytes[at] == b'\\' {
            at += 2;
            continue;
        }
        if bytes[at..].starts_with(quote) {
            return at;
        }
        at += 1;
    }
    bytes.len()
}

/// End (exclusive) of the bracketed structure starting at `start`, or the
/// end of the text when it is not closed. Brackets inside strings count too:
/// over-redacting a broken structure is the safe side.
fn balanced_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if in_string => at += 1,
            b'"' => in_string = !in_string,
            b'{' | b'[' if !in_string => depth += 1,
            b'}' | b']' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// Replaces secret-named values in parsed JSON, at any depth.
pub(crate) fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_key(key) && !item.is_null() {
                    *item = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(item);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_any_notation() {
        for (input, hidden) in [
            (r#"{"token":"ng-1"}"#, "ng-1"),
            (r#"{"token" : "ng-1", "id": "x"} trailing"#, "ng-1"),
            (r#"{"a":{"b":[{"value":"sk-1"}]}}"#, "sk-1"),
            (r#"{"details":"{\"value\":\"sk-1\"}"}"#, "sk-1"),
            (r#"{"token":"ng-1"#, "ng-1"),
            ("token=ng-1&x=2", "ng-1"),
            ("api_key: sk-1\n", "sk-1"),
            ("X-Api-Key: sk-1", "sk-1"),
            ("Authorization: Bearer sk-1", "sk-1"),
            (r#"{"token":{"nested":"sk-1"}}"#, "sk-1"),
            (r#"{"password":12345}"#, "12345"),
            ("<input name=\"x\" value=\"sk-1\">", "sk-1"),
        ] {
            let out = scrub(input, None);
            assert!(!out.contains(hidden), "{input} -> {out}");
            assert!(out.contains(REDACTED), "{input} -> {out}");
        }
        let out = scrub(r#"{"id":"ak_1","keyRedacted":"ng-***","token":null}"#, None);
        assert_eq!(out, r#"{"id":"ak_1","keyRedacted":"ng-***","token":null}"#);
        assert_eq!(
            scrub("the value must be set", None),
            "the value must be set"
        );
    }

    #[test]
    fn bearer_and_api_key() {
        assert_eq!(
            scrub("echo: authorization=BEARER abc.def-1", None),
            "echo: authorization=BEARER [REDACTED]"
        );
        assert_eq!(scrub("Bearer%20abc", None), "Bearer%20[REDACTED]");
        assert_eq!(
            scrub("your key my-api-key-1 is bad", Some("my-api-key-1")),
            "your key [REDACTED] is bad"
        );
        assert_eq!(scrub("short k", Some("k")), "short k");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(
            scrub("a\u{1b}[31mb\u{7}c\u{0}d\r\n\te\u{9b}f\u{202e}", None),
            "a\\u{1b}[31mb\\u{7}c\\u{0}d \n\te\\u{9b}f\\u{202e}"
        );
    }
}
