//! Lays out the `ngrok-ai-mock` crate: the mock's hand-written part copied from `codegen/handwritten/mock/src`
//! (unit-tested there as `ngrok-ai-mock-handwritten`), plus what comes from the spec:
//!
//! * `src/spec.rs`: the route table (method, path template, operationId, success status,
//!   request and response body schemas, query parameters with types and bounds,
//!   pagination) and the `x-ngrok-id-prefix` table;
//! * `src/schemas.json`: every component schema converted to one JSON Schema 2020-12
//!   document (`$defs`), so the mock validates bodies without parsing OpenAPI at run time.
//!
//! `codegen/handwritten/mock/src/spec.rs` is a stand-in that `include!`s the generated `spec.rs`, so
//! the hand-written crate tests exactly the table users get. It and `main.rs` (which names the
//! hand-written crate's library) are the files not copied.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use heck::ToUpperCamelCase;
use serde_json::{json, Value};

use super::{format_owned, hand_written, Output, HASH_HEADER, PACKAGE_COMMON, RUST_HEADER};
use crate::error::{CodegenError, Result};
use crate::json_schema::to_json_schema;
use crate::load::Spec;
use crate::model::{Api, Body, Op, Param};

/// Directory of the generated mock crate, relative to the repository root.
pub const MOCK_DIR: &str = "generated/ngrok-ai-mock";

/// The hand-written crate's path dependency on the client, and what it becomes in `generated/`.
const CLIENT_DEP_HANDWRITTEN: &str = r#"path = "../../../generated/ngrok-ai""#;
const CLIENT_DEP_GENERATED: &str = r#"path = "../ngrok-ai""#;

/// Files of `codegen/handwritten/mock/src` that are not copied (the generator writes its own).
const NOT_COPIED: [&str; 2] = ["spec.rs", "main.rs"];

/// The generated crate's binary: the hand-written `main.rs` names the hand-written library.
const MAIN_RS: &str =
    "//! `ngrok-ai-mock`: the fake ngrok.ai management API as a standalone server.
//! Run with `--help` for the options; see the library docs for the seed file format.

fn main() -> std::process::ExitCode {
    ngrok_ai_mock::cli::main()
}
";

fn mock_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("handwritten/mock")
}

/// Adds the mock crate's files to `output` (the client's files).
pub fn add(mut output: Output, spec: &Spec, api: &Api) -> Result<Output> {
    let mock = files(spec, api)?;
    output.files.extend(mock.files);
    output.owned_dirs.extend(mock.owned_dirs);
    output.notes.extend(mock.notes);
    Ok(output)
}

/// Every file of the mock crate.
pub fn files(spec: &Spec, api: &Api) -> Result<Output> {
    let dir = PathBuf::from(MOCK_DIR);
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    let fail = |message: String| CodegenError::Generate {
        file: spec.path.clone(),
        message,
    };
    let hand = mock_dir();
    let manifest = hand_written::read(&hand.join("Cargo.toml"))?;
    out.files.insert(
        dir.join("Cargo.toml"),
        cargo_toml(&manifest, &crate::release::crate_version()?).map_err(fail)?,
    );
    let sources = hand_written::rust_sources(&hand.join("src"))?;
    let handled = operations_named(&sources);
    let covered = |op: &Op| {
        handled.contains(&op.variant)
            || api
                .resources
                .iter()
                .any(|r| r.operations().contains(&Some(op.id)))
    };
    // The mock answers a HEAD the way it answers the GET on the same path.
    let example_only: Vec<&str> = api
        .operations
        .iter()
        .filter(|op| {
            let get = (op.method == "head")
                .then(|| api.operation_at(op.path, "get"))
                .flatten();
            !covered(op) && !get.is_some_and(&covered)
        })
        .map(|op| op.id)
        .collect();
    if !example_only.is_empty() {
        out.notes.push(format!(
            "the mock answers these operations with their spec example (no resource convention or hook covers them; see spec/README.md \"Conventions\"): {}",
            example_only.join(", ")
        ));
    }
    for (name, text) in sources {
        if !NOT_COPIED.contains(&name.as_str()) {
            out.files
                .insert(dir.join("src").join(&name), format!("{RUST_HEADER}{text}"));
        }
    }

    out.files
        .insert(dir.join("src/main.rs"), format!("{RUST_HEADER}{MAIN_RS}"));
    let spec_rs = spec_rs(api).map_err(fail)?;
    out.files.insert(dir.join("src/spec.rs"), spec_rs);
    out.files
        .insert(dir.join("src/schemas.json"), schemas_json(&spec.raw));
    Ok(out)
}

/// Every `Operation::Variant` the hand-written crate names outside comments: the
/// operations a hook handles (the hand-written code matches on the generated enum, never on
/// operationId strings). A text scan: parsing the hand-written code with syn for this cost more
/// than the rest of the mock's generation.
fn operations_named(sources: &[(String, String)]) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for (name, text) in sources {
        if NOT_COPIED.contains(&name.as_str()) {
            continue;
        }
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (at, _) in code.match_indices("Operation::") {
                let rest = &code[at + "Operation::".len()..];
                let variant: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let preceded = code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                if !variant.is_empty() && !preceded {
                    named.insert(variant);
                }
            }
        }
    }
    named
}

/// The generated manifest: the hand-written crate's `[dependencies]`, with the client dependency
/// pointed at the sibling `generated/ngrok-ai`.
fn cargo_toml(hand_manifest: &str, version: &str) -> std::result::Result<String, String> {
    let deps = hand_written::toml_section(hand_manifest, "[dependencies]")
        .ok_or("codegen/handwritten/mock/Cargo.toml has no [dependencies]")?;
    if !deps.contains(CLIENT_DEP_HANDWRITTEN) {
        return Err(format!(
            "codegen/handwritten/mock/Cargo.toml must depend on the client with `{CLIENT_DEP_HANDWRITTEN}`"
        ));
    }
    let deps = deps.replace(CLIENT_DEP_HANDWRITTEN, CLIENT_DEP_GENERATED);
    Ok(format!(
        r#"{HASH_HEADER}[package]
name = "ngrok-ai-mock"
version = "{version}"
{PACKAGE_COMMON}
description = "Stateful, validating fake of the ngrok.ai management API, for tests of code that uses the ngrok-ai client"
keywords = ["ngrok", "ai-gateway", "mock", "testing"]
categories = ["development-tools::testing"]

[lib]
name = "ngrok_ai_mock"
path = "src/lib.rs"

[[bin]]
name = "ngrok-ai-mock"
path = "src/main.rs"

[dependencies]
{deps}"#,
    ))
}

/// All component schemas as one JSON Schema document; validators point a `$ref` at
/// `#/$defs/<name>`.
fn schemas_json(raw: &Value) -> String {
    let components = raw.pointer("/components/schemas").unwrap_or(&Value::Null);
    let doc = to_json_schema(components, &json!({}));
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn id_prefixes(api: &Api) -> Vec<(String, String)> {
    api.schemas
        .iter()
        .filter_map(|(name, schema)| {
            let prefix = schema.get("x-ngrok-id-prefix")?.as_str()?;
            Some((name.to_string(), prefix.to_owned()))
        })
        .collect()
}

/// One query parameter as the mock's table states it.
#[derive(Debug)]
struct QuerySpec {
    name: String,
    required: bool,
    ty: String,
    format: Option<String>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    enum_values: Vec<String>,
    default: Option<String>,
}

/// A body the mock validates must be a component schema: its validator points a `$ref`
/// into `schemas.json`.
fn component(
    body: Option<&Body>,
    op: &Op,
    what: &str,
) -> std::result::Result<Option<String>, String> {
    match body {
        None => Ok(None),
        Some(body) => body.schema_name.map(|n| Some(n.to_owned())).ok_or_else(|| {
            format!(
                "at {}: the mock needs the {what} of {} to be a `$ref` to a component schema",
                op.pointer, op.id
            )
        }),
    }
}

fn query_spec(param: &Param, op: &Op) -> std::result::Result<QuerySpec, String> {
    let name = param.name.to_owned();
    let schema = param.schema;
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some("string") => "String",
        Some("integer") => "Integer",
        Some("boolean") => "Boolean",
        other => {
            return Err(format!(
                "at {}: query parameter `{name}` of {} has type {other:?}; the mock serves string, integer and boolean parameters",
                op.pointer, op.id
            ))
        }
    };
    let text = |k: &str| schema.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(QuerySpec {
        required: param.required,
        ty: ty.to_owned(),
        format: text("format"),
        minimum: schema.get("minimum").and_then(Value::as_i64),
        maximum: schema.get("maximum").and_then(Value::as_i64),
        enum_values: schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        default: schema.get("default").map(|d| match d {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        name,
    })
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt_lit(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

fn opt_num(n: Option<i64>) -> String {
    match n {
        Some(n) => format!("Some({n})"),
        None => "None".into(),
    }
}

fn spec_rs(api: &Api) -> std::result::Result<String, String> {
    let mut src = String::new();
    src.push_str(
        "use crate::route::{Field, FieldRole, Method, PageStyle, Pagination, ParamType, QueryParam, Resource, Route};\n",
    );
    operation_enum(&mut src, api);
    let _ = writeln!(
        src,
        "/// Every operation of the spec ({} in all), in spec order.",
        api.operations.len()
    );
    src.push_str("pub(crate) static ROUTES: &[Route] = &[\n");
    for op in &api.operations {
        let method = op.method.to_upper_camel_case();
        let mut query = String::new();
        for param in op.params.iter().filter(|p| p.location == "query") {
            let q = query_spec(param, op)?;
            let enums: Vec<String> = q.enum_values.iter().map(|e| lit(e)).collect();
            let _ = write!(
                query,
                "QueryParam {{ name: {}, required: {}, ty: ParamType::{}, format: {}, minimum: {}, maximum: {}, enum_values: &[{}], default: {} }},",
                lit(&q.name),
                q.required,
                q.ty,
                opt_lit(&q.format),
                opt_num(q.minimum),
                opt_num(q.maximum),
                enums.join(", "),
                opt_lit(&q.default),
            );
        }
        let pagination = match &op.pagination {
            Some(p) => format!(
                "Some(Pagination {{ style: PageStyle::{}, items: {} }})",
                p.style.to_upper_camel_case(),
                lit(p.items)
            ),
            None => "None".into(),
        };
        let example = op
            .response
            .as_ref()
            .and_then(|r| r.example)
            .map(|e| serde_json::to_string(e).unwrap_or_default());
        let _ = writeln!(
            src,
            "Route {{ op: Operation::{}, operation: {}, method: Method::{method}, path: {}, success_status: {}, request_body: {}, response_body: {}, query: &[{query}], pagination: {pagination}, example: {} }},",
            op.variant,
            lit(op.id),
            lit(op.path),
            op.status,
            opt_lit(&component(op.body.as_ref(), op, "request body")?),
            opt_lit(&component(op.response.as_ref(), op, "response body")?),
            opt_lit(&example),
        );
    }
    src.push_str("];\n");
    resources(&mut src, api);
    decoders(&mut src, api);
    src.push_str("/// `x-ngrok-id-prefix` of each resource schema: (schema, prefix).\n");
    src.push_str("pub(crate) static ID_PREFIXES: &[(&str, &str)] = &[\n");
    for (schema, prefix) in id_prefixes(api) {
        let _ = writeln!(src, "({}, {}),", lit(&schema), lit(&prefix));
    }
    src.push_str("];\n");
    src.push_str(
        "/// The spec's component schemas as one JSON Schema 2020-12 document (under `$defs`).\n",
    );
    src.push_str("pub(crate) static SCHEMAS_JSON: &str = include_str!(\"schemas.json\");\n");
    let file: syn::File =
        syn::parse_str(&src).map_err(|e| format!("generated spec.rs does not parse: {e}"))?;
    Ok(format!("{RUST_HEADER}{}", format_owned(file)))
}

/// `pub enum Operation`: hooks match on it, so a removed operation is a compile error
/// where a hook handles it, and a typo cannot silently never match.
fn operation_enum(src: &mut String, api: &Api) {
    src.push_str("/// Every operation of the API.\n");
    src.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Operation {\n");
    for op in &api.operations {
        let _ = writeln!(
            src,
            "/// `{} {}` ({}): {}\n{},",
            op.method.to_uppercase(),
            op.path,
            op.id,
            doc_line(op.summary),
            op.variant
        );
    }
    src.push_str("}\n");
    src.push_str("impl Operation {\n/// The spec's operationId.\npub fn spec_id(self) -> &'static str {\nmatch self {\n");
    for op in &api.operations {
        let _ = writeln!(src, "Operation::{} => {},", op.variant, lit(op.id));
    }
    src.push_str("}\n}\n}\n");
}

fn doc_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `decode_with_client_type`: the client's type of every success response schema and of
/// `Error`, by schema name (Rust cannot look a type up by name at run time).
fn decoders(src: &mut String, api: &Api) {
    let mut names: Vec<&str> = api
        .operations
        .iter()
        .filter_map(|op| op.response.as_ref().and_then(|r| r.schema_name))
        .collect();
    if api.schema("Error").is_some() {
        names.push("Error");
    }
    names.sort_unstable();
    names.dedup();
    src.push_str("/// See [`crate::route::decode_with_client_type`].\npub(crate) fn decode_with_client_type(schema: &str, body: &[u8]) -> Option<Result<serde_json::Value, String>> {\nmatch schema {\n");
    for name in names {
        let _ = writeln!(
            src,
            "{} => Some(crate::route::round_trip::<ngrok_ai::types::{}>(body)),",
            lit(name),
            crate::normalise::type_name(name)
        );
    }
    src.push_str("_ => None,\n}\n}\n");
}

/// `RESOURCES`: what the model recognised from the spec's conventions.
fn resources(src: &mut String, api: &Api) {
    let variant = |id: Option<&str>| match id.and_then(|id| api.operation(id)) {
        Some(op) => format!("Some(Operation::{})", op.variant),
        None => "None".into(),
    };
    let _ = writeln!(
        src,
        "/// Resources recognised from the spec's conventions ({} in all).",
        api.resources.len()
    );
    src.push_str("pub(crate) static RESOURCES: &[Resource] = &[\n");
    for r in &api.resources {
        let mut fields = String::new();
        for f in &r.fields {
            let role = match f.role {
                Some(role) => format!("Some(FieldRole::{})", role.name()),
                None => "None".into(),
            };
            let example = f
                .example
                .map(|e| serde_json::to_string(e).unwrap_or_default());
            let _ = write!(
                fields,
                "Field {{ name: {}, in_response: {}, required: {}, nullable: {}, in_create: {}, in_update: {}, role: {role}, secret: {}, returned_once: {}, write_only: {}, references: {}, example: {} }},",
                lit(f.name),
                f.in_response,
                f.required,
                f.nullable,
                f.in_create,
                f.in_update,
                f.secret,
                f.returned_once,
                f.write_only,
                opt_lit(&f.references.map(str::to_owned)),
                opt_lit(&example),
            );
        }
        let _ = writeln!(
            src,
            "Resource {{ schema: {}, id_prefix: {}, collection_path: {}, item_path: {}, items: {}, list: {}, head_list: {}, create: {}, get: {}, head: {}, update: {}, delete: {}, create_body: {}, update_body: {}, fields: &[{fields}] }},",
            lit(r.schema),
            lit(r.id_prefix),
            lit(r.collection_path),
            lit(r.item_path),
            opt_lit(&r.items.map(str::to_owned)),
            variant(r.list),
            variant(r.head_list),
            variant(r.create),
            variant(r.get),
            variant(r.head),
            variant(r.update),
            variant(r.delete),
            opt_lit(&r.create_body.map(str::to_owned)),
            opt_lit(&r.update_body.map(str::to_owned)),
        );
    }
    src.push_str("];\n");
}
