//! `types.md`: every component schema with its description, fields, Rust type, and where
//! it is used.

use std::collections::BTreeMap;

use serde_json::Value;

use super::markdown::{
    cell, code, constraints, field_table, rust_type_of, table, type_anchor, type_label, type_link,
    Page,
};
use super::rust_api::RustApi;
use super::tag_page::TagPage;
use crate::model::{ref_name, Api};

/// Component names a schema refers to (properties, array items, inline objects, variants).
fn references<'a>(schema: &'a Value, out: &mut Vec<&'a str>) {
    if let Some(name) = ref_name(schema) {
        if !out.contains(&name) {
            out.push(name);
        }
        return;
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = schema.get(key).filter(|c| c.is_object()) {
            references(child, out);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for child in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            references(child, out);
        }
    }
    for child in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, c)| c)
    {
        references(child, out);
    }
}

pub fn render(api: &Api<'_>, rust: &RustApi, pages: &[TagPage]) -> Result<String, String> {
    // Where each schema is used: operations (request/response) and other schemas.
    let mut used_by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for op in &api.operations {
        let page = api
            .tag(op.tag)
            .and_then(|t| pages.iter().find(|p| p.file == format!("{}.md", t.slug)));
        let Some(page) = page else { continue };
        let link = format!("[{}]({}#{})", op.id, page.file, page.anchors[op.id]);
        for (body, role) in [(&op.body, "request"), (&op.response, "response")] {
            if let Some(name) = body.as_ref().and_then(|b| b.schema_name) {
                used_by
                    .entry(name)
                    .or_default()
                    .push(format!("{link} ({role})"));
            }
        }
    }
    for (name, schema) in &api.schemas {
        let mut refs = Vec::new();
        references(schema, &mut refs);
        for r in refs {
            if r != *name {
                used_by.entry(r).or_default().push(type_link(name, ""));
            }
        }
    }

    let mut page = Page::new();
    page.heading(1, "Types");
    page.para(&format!(
        "The {} component schemas of the [ngrok.ai management API](README.md), as JSON on the \
         wire and as Rust types of `ngrok_ai::types`. Field names are the wire names; the \
         \"Rust field\" column gives the struct field. `Option` fields may be absent; \
         **Secret** fields are held in `ngrok_ai::Secret`, which never prints its value.",
        api.schemas.len()
    ));
    let mut names: Vec<&str> = api.schemas.iter().map(|(n, _)| *n).collect();
    names.sort_by_key(|n| (n.to_lowercase(), *n));
    let index: Vec<String> = names.iter().map(|n| type_link(n, "")).collect();
    page.para(&format!("All types: {}.", index.join(", ")));

    for (name, schema) in &api.schemas {
        let anchor = page.heading(2, name);
        if anchor != type_anchor(name) {
            return Err(format!(
                "the heading of `{name}` gets the anchor `{anchor}`, not `{}`",
                type_anchor(name)
            ));
        }
        let schema = api.resolve(schema);
        page.para(
            schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let mut facts = Vec::new();
        let rust_name = rust_type_of(rust, name);
        if let Some(r) = &rust_name {
            facts.push(format!("Rust `ngrok_ai::types::{r}`"));
        }
        if let Some(prefix) = schema.get("x-ngrok-id-prefix").and_then(Value::as_str) {
            facts.push(format!(
                "IDs start with `{prefix}` (do not rely on it in code)"
            ));
        }
        if !facts.is_empty() {
            page.para(&format!("{}.", facts.join(" · ")));
        }
        if let Some(users) = used_by.get(name) {
            page.para(&format!("Used by: {}.", users.join(", ")));
        }

        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            let property = schema
                .pointer("/discriminator/propertyName")
                .and_then(Value::as_str);
            let mapping = schema
                .pointer("/discriminator/mapping")
                .and_then(Value::as_object);
            let enum_rust = rust_name.as_deref().and_then(|r| rust.enums.get(r));
            let mut rows = Vec::new();
            for v in variants {
                let variant = ref_name(v);
                let wire = mapping.and_then(|m| {
                    m.iter()
                        .find(|(_, target)| {
                            target.as_str().and_then(|t| t.rsplit('/').next()) == variant
                        })
                        .map(|(k, _)| k.as_str())
                });
                let rust_variant = wire
                    .and_then(|w| enum_rust.and_then(|e| e.variants.iter().find(|x| x.wire == w)))
                    .map(|x| {
                        code(&format!(
                            "{}::{}",
                            rust_name.as_deref().unwrap_or(""),
                            x.ident
                        ))
                    })
                    .unwrap_or_default();
                rows.push(vec![
                    wire.map(code).unwrap_or_default(),
                    type_label(api, v, ""),
                    rust_variant,
                ]);
            }
            let head = format!("`{}` value", property.unwrap_or("discriminator"));
            page.para(&format!(
                "One of the following, told apart by {}:",
                property.map_or("its shape".to_string(), code)
            ));
            page.raw(&table(&[head.as_str(), "Variant", "Rust variant"], &rows));
            if enum_rust.is_some_and(|e| e.variants.iter().any(|v| v.ident == "Unknown")) {
                page.para(&format!(
                    "A value of {} this client does not know decodes as the `Unknown` variant.",
                    property.map_or("the discriminator".to_string(), code)
                ));
            }
        } else if schema.get("properties").is_some() {
            page.raw(&field_table(api, rust, schema, rust_name.as_deref(), ""));
        } else {
            let mut text = format!("Type: {}.", type_label(api, schema, ""));
            for c in constraints(schema) {
                text.push(' ');
                text.push_str(&c);
            }
            page.para(&cell(&text));
        }
    }
    Ok(page.finish())
}
