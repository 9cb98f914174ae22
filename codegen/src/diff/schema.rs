//! Comparing two schemas keyword by keyword.
//!
//! A `$ref` to a component (bare, or `allOf: [$ref]` with siblings, which is how a
//! property gets its own description or `nullable`) is not followed here: the pair of
//! components is registered with the direction it is used in ([`Differ::register`]) and
//! compared once, under its own heading. A reference on one side and an inline schema on
//! the other is compared structurally. Maps are compared by key and sets (`enum`,
//! `required`) as sets, so order never counts as a wire change.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::rules::Rule;
use super::walk::{At, Differ, Side};
use crate::pointer;

/// Lower bounds: raising one (or adding it) narrows what is accepted.
const LOWER: [&str; 4] = ["minimum", "minLength", "minItems", "minProperties"];
/// Upper bounds: lowering one (or adding it) narrows what is accepted.
const UPPER: [&str; 4] = ["maximum", "maxLength", "maxItems", "maxProperties"];

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// The component a schema names, and whether it is an `allOf` wrapper of it.
fn split(v: &Value) -> (Option<&str>, bool) {
    let name = pointer::schema_name(v);
    let wrapper = name.is_some() && v.get("$ref").is_none();
    (name, wrapper)
}

fn obj(v: &Value) -> &Map<String, Value> {
    v.as_object().unwrap_or(&*EMPTY)
}

/// What a value looks like in a message.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn show_opt(v: Option<&Value>) -> String {
    v.map_or_else(|| "(none)".into(), show)
}

impl Differ<'_> {
    /// Compares the schemas `old` and `new` found at `at`.
    pub(super) fn schema(&mut self, at: &At, old: &Value, new: &Value) {
        let (old_name, old_wrapper) = split(old);
        let (new_name, new_wrapper) = split(new);
        match (old_name, new_name) {
            (Some(a), Some(b)) => {
                if a != b {
                    self.push(
                        at,
                        Rule::TypeRenamed,
                        Side::New,
                        format!("the schema names `{b}` instead of `{a}`"),
                    );
                }
                self.register(a, b, at.dir);
                self.keywords(at, obj(old), obj(new), old_wrapper || new_wrapper);
            }
            (None, None) => self.keywords(at, obj(old), obj(new), false),
            _ => {
                // One side names a component, the other spells the schema out.
                let (a, b) = (
                    old_name.unwrap_or("(inline)"),
                    new_name.unwrap_or("(inline)"),
                );
                self.push(
                    at,
                    Rule::TypeRenamed,
                    Side::New,
                    format!("the schema is now {b} instead of {a}"),
                );
                if self.depth > 32 {
                    return;
                }
                self.depth += 1;
                let old = self.inline(old, true);
                let new = self.inline(new, false);
                self.keywords(at, &old, &new, false);
                self.depth -= 1;
            }
        }
    }

    /// A schema with its reference replaced by the referenced schema (siblings win).
    fn inline(&self, v: &Value, old: bool) -> Map<String, Value> {
        let Some(name) = pointer::schema_name(v) else {
            return obj(v).clone();
        };
        let api = if old { self.old } else { self.new };
        let mut out = api.schema(name).map(obj).cloned().unwrap_or_default();
        for (k, val) in obj(v) {
            if k != "$ref" && k != "allOf" {
                out.insert(k.clone(), val.clone());
            }
        }
        out
    }

    /// Compares the keywords of two schema objects. `wrapped`: the `$ref`/`allOf` that
    /// name a component were handled by the caller.
    fn keywords(&mut self, at: &At, o: &Map<String, Value>, n: &Map<String, Value>, wrapped: bool) {
        let keys: BTreeSet<&str> = o.keys().chain(n.keys()).map(String::as_str).collect();
        let mut object_done = false;
        for key in keys {
            let (ov, nv) = (o.get(key), n.get(key));
            if ov == nv
                && !matches!(
                    key,
                    "properties"
                        | "required"
                        | "items"
                        | "oneOf"
                        | "anyOf"
                        | "allOf"
                        | "additionalProperties"
                )
            {
                continue;
            }
            let here = at.child(key);
            match key {
                "$ref" => {}
                "allOf" if wrapped => {}
                "description" | "title" => self.push(
                    &here,
                    Rule::DescriptionChanged,
                    Side::New,
                    format!("{key} changed"),
                ),
                "example" | "examples" => self.push(
                    &here,
                    Rule::ExampleChanged,
                    Side::New,
                    format!("{key} changed"),
                ),
                "type" => self.push(
                    &here,
                    Rule::TypeChanged,
                    Side::New,
                    format!("type changed from {} to {}", show_opt(ov), show_opt(nv)),
                ),
                "format" => self.push(
                    &here,
                    Rule::FormatChanged,
                    Side::New,
                    format!("format changed from {} to {}", show_opt(ov), show_opt(nv)),
                ),
                "nullable" => {
                    let was = ov.and_then(Value::as_bool).unwrap_or(false);
                    let is = nv.and_then(Value::as_bool).unwrap_or(false);
                    if was != is {
                        let (rule, what) = if is {
                            (Rule::NullableAdded, "may now be null")
                        } else {
                            (Rule::NullableRemoved, "may no longer be null")
                        };
                        self.push(&here, rule, Side::New, format!("the value {what}"));
                    }
                }
                "enum" => self.enums(&here, ov, nv),
                "default" => self.push(
                    &here,
                    Rule::DefaultChanged,
                    Side::New,
                    format!("default changed from {} to {}", show_opt(ov), show_opt(nv)),
                ),
                "exclusiveMinimum" | "exclusiveMaximum" => {
                    let was = ov.and_then(Value::as_bool).unwrap_or(false);
                    let is = nv.and_then(Value::as_bool).unwrap_or(false);
                    if was != is {
                        let rule = if is {
                            Rule::BoundTightened
                        } else {
                            Rule::BoundLoosened
                        };
                        self.push(&here, rule, Side::New, format!("`{key}` is now {is}"));
                    }
                }
                k if LOWER.contains(&k) || UPPER.contains(&k) => {
                    let lower = LOWER.contains(&k);
                    let (a, b) = (ov.and_then(Value::as_f64), nv.and_then(Value::as_f64));
                    let tighter = match (a, b) {
                        (None, Some(_)) => true,
                        (Some(_), None) => false,
                        (Some(a), Some(b)) => (b > a) == lower,
                        (None, None) => continue,
                    };
                    let rule = if tighter {
                        Rule::BoundTightened
                    } else {
                        Rule::BoundLoosened
                    };
                    self.push(
                        &here,
                        rule,
                        Side::New,
                        format!("`{k}` changed from {} to {}", show_opt(ov), show_opt(nv)),
                    );
                }
                "properties" | "required" => {
                    if !object_done {
                        object_done = true;
                        self.object(at, o, n);
                    }
                }
                "additionalProperties" => self.additional(&here, ov, nv),
                "items" => match (ov, nv) {
                    (Some(a), Some(b)) => self.schema(&here, a, b),
                    _ => self.push(
                        &here,
                        Rule::TypeChanged,
                        Side::New,
                        "`items` added or removed".into(),
                    ),
                },
                "oneOf" | "anyOf" | "allOf" => self.variants(at, key, o, n),
                "discriminator" => {
                    let a = ov.and_then(|d| d.get("propertyName"));
                    let b = nv.and_then(|d| d.get("propertyName"));
                    if a != b {
                        self.push(
                            &here,
                            Rule::TypeChanged,
                            Side::New,
                            format!(
                                "discriminator changed from {} to {}",
                                show_opt(a),
                                show_opt(b)
                            ),
                        );
                    }
                    // The mapping is compared with the variants.
                }
                "x-ngrok-id-prefix" => {
                    let rule = match (ov, nv) {
                        (None, _) => Rule::IdPrefixAdded,
                        (_, None) => Rule::IdPrefixRemoved,
                        _ => Rule::IdPrefixChanged,
                    };
                    self.push(
                        &here,
                        rule,
                        Side::New,
                        format!(
                            "ID prefix changed from {} to {}",
                            show_opt(ov),
                            show_opt(nv)
                        ),
                    )
                }
                "x-ngrok-secret" => self.push(
                    &here,
                    Rule::SecretChanged,
                    Side::New,
                    format!(
                        "`x-ngrok-secret` changed from {} to {}",
                        show_opt(ov),
                        show_opt(nv)
                    ),
                ),
                k if k.starts_with("x-") => self.push(
                    &here,
                    Rule::ExtensionChanged,
                    Side::New,
                    format!("`{k}` changed from {} to {}", show_opt(ov), show_opt(nv)),
                ),
                k => self.push(
                    &here,
                    Rule::KeywordChanged,
                    Side::New,
                    format!("`{k}` changed from {} to {}", show_opt(ov), show_opt(nv)),
                ),
            }
        }
    }

    fn enums(&mut self, at: &At, ov: Option<&Value>, nv: Option<&Value>) {
        let list = |v: Option<&Value>| -> Vec<Value> {
            v.and_then(Value::as_array).cloned().unwrap_or_default()
        };
        let (a, b) = (list(ov), list(nv));
        if ov.is_none() || nv.is_none() {
            // An enum appearing narrows the type; one disappearing widens it.
            let (rule, what) = if nv.is_some() {
                (
                    Rule::EnumValueRemoved,
                    "the value is now restricted to an enum",
                )
            } else {
                (
                    Rule::EnumValueAdded,
                    "the value is no longer restricted to an enum",
                )
            };
            self.push(at, rule, Side::New, what.into());
            return;
        }
        for (i, v) in b.iter().enumerate().filter(|(_, v)| !a.contains(v)) {
            self.push(
                &at.child(&i.to_string()),
                Rule::EnumValueAdded,
                Side::New,
                format!("enum value {} added", show(v)),
            );
        }
        for (i, v) in a.iter().enumerate().filter(|(_, v)| !b.contains(v)) {
            self.push(
                &at.child(&i.to_string()),
                Rule::EnumValueRemoved,
                Side::Old,
                format!("enum value {} removed", show(v)),
            );
        }
        let common_a: Vec<_> = a.iter().filter(|v| b.contains(v)).collect();
        let common_b: Vec<_> = b.iter().filter(|v| a.contains(v)).collect();
        if common_a != common_b {
            self.push(
                at,
                Rule::OrderChanged,
                Side::New,
                "enum values reordered".into(),
            );
        }
    }

    fn object(&mut self, at: &At, o: &Map<String, Value>, n: &Map<String, Value>) {
        fn props(m: &Map<String, Value>) -> &Map<String, Value> {
            m.get("properties").map_or(&*EMPTY, obj)
        }
        let required = |m: &Map<String, Value>| -> BTreeSet<String> {
            m.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let (op, np) = (props(o), props(n));
        let (or, nr) = (required(o), required(n));
        let word = field_word(at);
        let properties = at.child("properties");
        for (name, ns) in np {
            let here = properties.child(name);
            match op.get(name) {
                None => {
                    let (rule, req) = if nr.contains(name) {
                        (Rule::RequiredPropertyAdded, "required")
                    } else {
                        (Rule::OptionalPropertyAdded, "optional")
                    };
                    self.push(
                        &here,
                        rule,
                        Side::New,
                        format!("{req} {word} `{name}` added"),
                    );
                }
                Some(os) => {
                    match (or.contains(name), nr.contains(name)) {
                        (false, true) => self.push(
                            &here,
                            Rule::PropertyRequired,
                            Side::New,
                            format!("{word} `{name}` is now required"),
                        ),
                        (true, false) => self.push(
                            &here,
                            Rule::PropertyOptional,
                            Side::New,
                            format!("{word} `{name}` is now optional"),
                        ),
                        _ => {}
                    }
                    self.schema(&here, os, ns);
                }
            }
        }
        for name in op.keys().filter(|k| !np.contains_key(*k)) {
            self.push(
                &properties.child(name),
                Rule::PropertyRemoved,
                Side::Old,
                format!("{word} `{name}` removed"),
            );
        }
        // Required names that are not properties (allowed by OpenAPI) still count.
        for name in nr.difference(&or).filter(|n| !np.contains_key(*n)) {
            self.push(
                &at.child("required"),
                Rule::PropertyRequired,
                Side::New,
                format!("`{name}` is now required"),
            );
        }
        let common_o: Vec<_> = op.keys().filter(|k| np.contains_key(*k)).collect();
        let common_n: Vec<_> = np.keys().filter(|k| op.contains_key(*k)).collect();
        if common_o != common_n {
            self.push(
                &properties,
                Rule::OrderChanged,
                Side::New,
                "properties reordered".into(),
            );
        }
    }

    fn additional(&mut self, at: &At, ov: Option<&Value>, nv: Option<&Value>) {
        // false is the strictest; absent, true and a schema allow more.
        let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
        match (closed(ov), closed(nv)) {
            (false, true) => self.push(
                at,
                Rule::AdditionalPropertiesTightened,
                Side::New,
                "unknown properties are no longer allowed".into(),
            ),
            (true, false) => self.push(
                at,
                Rule::AdditionalPropertiesLoosened,
                Side::New,
                "unknown properties are now allowed".into(),
            ),
            _ => {
                if let (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) = (ov, nv) {
                    self.schema(at, a, b);
                } else if ov != nv {
                    self.push(
                        at,
                        Rule::TypeChanged,
                        Side::New,
                        "`additionalProperties` changed".into(),
                    );
                }
            }
        }
    }

    /// `oneOf` / `anyOf` / `allOf`: matched through the discriminator's mapping when both
    /// sides have one, else by the component each variant names, else by position.
    fn variants(&mut self, at: &At, key: &str, o: &Map<String, Value>, n: &Map<String, Value>) {
        let list = |m: &Map<String, Value>| -> Vec<Value> {
            m.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (a, b) = (list(o), list(n));
        let mapping = |m: &Map<String, Value>| -> Option<Vec<(String, String)>> {
            let map = m.get("discriminator")?.get("mapping")?.as_object()?;
            Some(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect(),
            )
        };
        let here = at.child(key);
        let position = |list: &[Value], reference: &str| {
            list.iter()
                .position(|v| v.get("$ref").and_then(Value::as_str) == Some(reference))
        };
        let mut pairs: Vec<(Option<usize>, Option<usize>, String)> = Vec::new();
        if let (Some(ma), Some(mb)) = (mapping(o), mapping(n)) {
            for (k, rb) in &mb {
                let ra = ma.iter().find(|(ka, _)| ka == k).map(|(_, r)| r.as_str());
                pairs.push((
                    ra.and_then(|r| position(&a, r)),
                    position(&b, rb),
                    format!("`{k}`"),
                ));
            }
            for (k, ra) in ma.iter().filter(|(k, _)| !mb.iter().any(|(kb, _)| kb == k)) {
                pairs.push((position(&a, ra), None, format!("`{k}`")));
            }
        } else if !self.wire && a.iter().chain(&b).all(|v| v.get("$ref").is_some()) {
            for (j, v) in b.iter().enumerate() {
                let r = v["$ref"].as_str().unwrap_or_default();
                pairs.push((position(&a, r), Some(j), format!("`{r}`")));
            }
            for (i, v) in a.iter().enumerate() {
                let r = v["$ref"].as_str().unwrap_or_default();
                if position(&b, r).is_none() {
                    pairs.push((Some(i), None, format!("`{r}`")));
                }
            }
        } else {
            for i in 0..a.len().max(b.len()) {
                pairs.push((
                    (i < a.len()).then_some(i),
                    (i < b.len()).then_some(i),
                    format!("#{i}"),
                ));
            }
        }
        for (i, j, label) in pairs {
            match (i, j) {
                (Some(i), Some(j)) => {
                    let mut child = here.child(&j.to_string());
                    child.old = format!("{}/{key}/{i}", at.old);
                    self.schema(&child, &a[i], &b[j]);
                }
                (None, Some(j)) => self.push(
                    &here.child(&j.to_string()),
                    Rule::VariantAdded,
                    Side::New,
                    format!("{key} variant {label} added"),
                ),
                (Some(i), None) => self.push(
                    &here.child(&i.to_string()),
                    Rule::VariantRemoved,
                    Side::Old,
                    format!("{key} variant {label} removed"),
                ),
                (None, None) => self.push(
                    &here,
                    Rule::VariantRemoved,
                    Side::Old,
                    format!("{key} variant {label} lost its schema"),
                ),
            }
        }
    }
}

/// "request field", "response field" or "field", by the direction the schema is used in.
fn field_word(at: &At) -> &'static str {
    match (at.dir.request, at.dir.response) {
        (true, false) => "request field",
        (false, true) => "response field",
        _ => "field",
    }
}
