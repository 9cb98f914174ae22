//! The spec, indexed for the documentation passes: schemas by Rust name, operations by
//! progenitor's names, parameters and body descriptions.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::model::{Api, Op};
use crate::normalise::{type_name, Plan};

// ---------------------------------------------------------------------------------------
// The spec, indexed for look-ups.

pub(super) struct SpecDocs<'s> {
    pub(super) raw: &'s Value,
    /// The normalised document: it also has the component schemas the generator hoisted.
    pub(super) normalised: Value,
    /// Rust type name → component schema name.
    pub(super) schema_names: BTreeMap<String, String>,
    pub(super) operations: &'s [Op<'s>],
    /// Rust model name → the `Client` methods that take it as their request body.
    pub(super) body_models: BTreeMap<String, Vec<String>>,
}

/// One parameter of an operation, as the docs need it.
pub(super) struct Param {
    pub(super) name: String,
    pub(super) location: String,
    pub(super) required: bool,
    pub(super) description: Option<String>,
    pub(super) example: Option<String>,
}

/// The parameter a generated setter sets (setters are the snake_case parameter names).
pub(super) fn param_for_setter<'p>(
    params: &'p [Param],
    owner: &str,
    setter: &str,
    op: &Op,
) -> Result<&'p Param, String> {
    params
        .iter()
        .find(|p| p.name.to_snake_case() == setter)
        .ok_or_else(|| format!("{owner}::{setter} matches no parameter of {}", op.id))
}

impl<'s> SpecDocs<'s> {
    pub(super) fn new(api: &'s Api<'s>, plan: &'s Plan) -> Result<Self, String> {
        let normalised = serde_json::to_value(&plan.openapi)
            .map_err(|e| format!("normalised document does not serialise: {e}"))?;
        let mut schema_names = BTreeMap::new();
        for doc in [&normalised, api.raw] {
            let schemas = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object);
            for name in schemas.into_iter().flat_map(|s| s.keys()) {
                schema_names.insert(type_name(name), name.clone());
            }
        }
        let mut body_models: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for op in &api.operations {
            if let Some(schema) = op.body.as_ref().and_then(|b| b.schema_name) {
                body_models
                    .entry(type_name(schema))
                    .or_default()
                    .push(op.rust_method.clone());
            }
        }
        Ok(Self {
            raw: api.raw,
            normalised,
            schema_names,
            operations: &api.operations,
            body_models,
        })
    }

    /// The component schema typify named `rust`, from the spec as written if it is there.
    pub(super) fn schema(&self, rust: &str) -> Option<&Value> {
        let name = self.schema_names.get(rust)?;
        let pointer = format!("/components/schemas/{}", crate::pointer::escape(name));
        self.raw
            .pointer(&pointer)
            .or_else(|| self.normalised.pointer(&pointer))
    }

    pub(super) fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|p| self.raw.pointer(p).or_else(|| self.normalised.pointer(p)))
                .unwrap_or(value),
            None => value,
        }
    }

    /// The properties of a schema, including those of its `allOf` members.
    pub(super) fn property<'v>(&'v self, schema: &'v Value, json: &str) -> Option<&'v Value> {
        let schema = self.resolve(schema);
        if let Some(p) = schema.get("properties").and_then(|p| p.get(json)) {
            return Some(p);
        }
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|member| self.property(member, json))
    }

    /// A description for a schema: its own, or that of the schema it refers to (directly,
    /// through a one-member `allOf`/`oneOf`/`anyOf`, or as the items of an array).
    pub(super) fn describe(&self, schema: &Value) -> Option<String> {
        if let Some(d) = schema.get("description").and_then(Value::as_str) {
            return Some(d.trim().to_string());
        }
        if schema.get("$ref").is_some() {
            let target = self.resolve(schema);
            if !std::ptr::eq(target, schema) {
                return self.describe(target);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some([only]) = schema.get(key).and_then(Value::as_array).map(Vec::as_slice) {
                return self.describe(only);
            }
        }
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            return schema
                .get("items")
                .and_then(|items| self.describe(items))
                .map(|d| format!("A list; each item: {d}"));
        }
        None
    }

    /// The description of property `json` of the schema typify named `rust`.
    pub(super) fn property_doc(&self, rust: &str, json: &str) -> Option<String> {
        let schema = self.schema(rust)?;
        let property = self.property(schema, json)?;
        self.describe(property)
    }

    pub(super) fn schema_doc(&self, rust: &str) -> Option<String> {
        self.schema(rust).and_then(|s| self.describe(s))
    }

    /// The operation whose progenitor names (method `list_api_keys`, builder
    /// `ListApiKeys`) have this snake-case form.
    pub(super) fn operation_by_snake(&self, snake: &str) -> Result<&'s Op<'s>, String> {
        self.operations
            .iter()
            .find(|o| o.rust_method == snake)
            .ok_or_else(|| format!("no spec operation for progenitor's `{snake}`"))
    }

    pub(super) fn operation_json(&self, op: &Op) -> Option<&'s Value> {
        self.raw.pointer(&op.pointer)
    }

    pub(super) fn operation_text(&self, op: &Op, key: &str) -> Option<String> {
        let text = match key {
            "summary" => op.summary,
            _ => op.description,
        };
        Some(text.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// Every parameter of `op`, path-level ones included, `$ref`s resolved.
    pub(super) fn parameters(&self, op: &Op) -> Vec<Param> {
        op.params
            .iter()
            .map(|p| Param {
                name: p.name.to_string(),
                location: p.location.to_string(),
                required: p.required,
                description: Some(p.description.trim().to_string())
                    .filter(|d| !d.is_empty())
                    .or_else(|| self.describe(p.schema)),
                example: p.example.map(|e| match e {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            })
            .collect()
    }

    pub(super) fn request_body_doc(&self, op: &Op) -> Option<String> {
        let body = self.resolve(self.operation_json(op)?.get("requestBody")?);
        body.get("description")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .or_else(|| {
                body.pointer("/content/application~1json/schema")
                    .and_then(|s| self.describe(s))
            })
    }
}
