//! JSON pointers and local `$ref`s into the spec: the one escaper and the one resolver
//! every pass uses, so a location printed in an error can be pasted into `jq` and found.

use serde_json::Value;

/// Every method an OpenAPI 3.0 path item may hold, in the order the specification lists
/// them. Anything that walks operations walks all of these: an emitter that cannot serve
/// one says so with an error, it never skips it.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes one segment of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`] for one reference token (`~1` → `/`, then `~0` → `~`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Renders a sequence of unescaped reference tokens as a JSON pointer.
pub fn join<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.push_str(&escape(segment.as_ref()));
    }
    out
}

/// The JSON pointer a local `$ref` names (`#/a%20b` → `/a b`), if it is local.
pub fn ref_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(percent_decode(fragment).unwrap_or_else(|| fragment.to_owned()))
}

/// `/paths/~1access-keys/get`: the pointer of an operation.
pub fn operation(path: &str, method: &str) -> String {
    format!("/paths/{}/{method}", escape(path))
}

/// Resolves a local reference (`#/…`) in `raw`, percent-decoding the fragment. `None`
/// for an external or dangling reference (validation reports those with their location).
pub fn resolve_ref<'v>(raw: &'v Value, reference: &str) -> Option<&'v Value> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment)?;
    if decoded.is_empty() {
        return Some(raw);
    }
    if !decoded.starts_with('/') {
        return None;
    }
    raw.pointer(&decoded)
}

/// Follows `$ref`s from `value` until it reaches an object without one. Bounded, so a
/// reference cycle (which validation rejects) cannot hang a caller; a dangling reference
/// stops at the object holding it.
pub fn deref<'v>(raw: &'v Value, mut value: &'v Value) -> &'v Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        match resolve_ref(raw, reference) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

/// The component schema a schema names: a bare `$ref`, or `allOf: [$ref]` (how a property
/// gets its own description or `nullable`).
pub fn schema_name(schema: &Value) -> Option<&str> {
    let reference = schema.get("$ref").and_then(Value::as_str).or_else(|| {
        match schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only.get("$ref").and_then(Value::as_str),
            _ => None,
        }
    })?;
    reference.strip_prefix("#/components/schemas/")
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_resolves() {
        assert_eq!(escape("/a~b/{id}"), "~1a~0b~1{id}");
        assert_eq!(unescape("~1a~0b~1{id}"), "/a~b/{id}");
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(operation("/keys/{id}", "get"), "/paths/~1keys~1{id}/get");
        let raw = json!({"components": {"schemas": {"A B": {"type": "string"}, "C": {"$ref": "#/components/schemas/A%20B"}}}});
        let c = &raw["components"]["schemas"]["C"];
        assert_eq!(deref(&raw, c), &json!({"type": "string"}));
        assert!(resolve_ref(&raw, "#/nowhere").is_none());
        assert!(resolve_ref(&raw, "other.yaml#/x").is_none());
        let cycle = json!({"a": {"$ref": "#/a"}});
        assert_eq!(deref(&cycle, &cycle["a"]), &json!({"$ref": "#/a"}));
        assert_eq!(
            schema_name(&json!({"allOf": [{"$ref": "#/components/schemas/Ref"}]})),
            Some("Ref")
        );
    }
}
