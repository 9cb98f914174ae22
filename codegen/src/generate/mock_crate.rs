//! Lays out the `ngrok-ai-mock` crate: the mock runtime copied from `codegen/mock/src`
//! (unit-tested there as `ngrok-ai-mock-runtime`), plus what comes from the spec:
//!
//! * `src/spec.rs`: the route table (method, path template, operationId, success status,
//!   request and response body schemas, query parameters with types and bounds,
//!   pagination) and the `x-ngrok-id-prefix` table;
//! * `src/schemas.json`: every component schema converted to one JSON Schema 2020-12
//!   document (`$defs`), so the mock validates bodies without parsing OpenAPI at run time.
//!
//! `codegen/mock/src/spec.rs` is a stand-in that `include!`s the generated `spec.rs`, so
//! the runtime crate tests exactly the table users get. It and `main.rs` (which names the
//! runtime's library) are the files not copied.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{format, hand_written, Output, HASH_HEADER, RUST_HEADER};
use crate::error::{CodegenError, Result};
use crate::json_schema::to_json_schema;
use crate::load::Spec;

/// Directory of the generated mock crate, relative to the repository root.
pub const MOCK_DIR: &str = "generated/ngrok-ai-mock";

/// The runtime's path dependency on the client, and what it becomes in `generated/`.
const CLIENT_DEP_RUNTIME: &str = r#"path = "../../generated/ngrok-ai""#;
const CLIENT_DEP_GENERATED: &str = r#"path = "../ngrok-ai""#;

/// Files of `codegen/mock/src` that are not copied (the generator writes its own).
const NOT_COPIED: [&str; 2] = ["spec.rs", "main.rs"];

/// The generated crate's binary: the runtime's `main.rs` names the runtime's library.
const MAIN_RS: &str =
    "//! `ngrok-ai-mock`: the fake ngrok.ai management API as a standalone server.
//! Run with `--help` for the options; see the library docs for the seed file format.

fn main() -> std::process::ExitCode {
    ngrok_ai_mock::cli::main()
}
";

const METHODS: [&str; 5] = ["get", "head", "post", "patch", "delete"];

fn mock_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mock")
}

/// Adds the mock crate's files to `output` (the client's files).
pub fn add(mut output: Output, spec: &Spec) -> Result<Output> {
    let mock = files(spec)?;
    output.files.extend(mock.files);
    output.owned_dirs.extend(mock.owned_dirs);
    Ok(output)
}

/// Every file of the mock crate.
pub fn files(spec: &Spec) -> Result<Output> {
    let dir = PathBuf::from(MOCK_DIR);
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    let fail = |message: String| CodegenError::Generate {
        file: spec.path.clone(),
        message,
    };
    let runtime = mock_dir();
    let manifest = hand_written::read(&runtime.join("Cargo.toml"))?;
    out.files
        .insert(dir.join("Cargo.toml"), cargo_toml(&manifest).map_err(fail)?);
    for (name, text) in hand_written::rust_sources(&runtime.join("src"))? {
        if !NOT_COPIED.contains(&name.as_str()) {
            out.files
                .insert(dir.join("src").join(&name), format!("{RUST_HEADER}{text}"));
        }
    }

    out.files
        .insert(dir.join("src/main.rs"), format!("{RUST_HEADER}{MAIN_RS}"));
    let routes = routes(&spec.raw).map_err(fail)?;
    let spec_rs = spec_rs(&routes, &id_prefixes(&spec.raw)).map_err(fail)?;
    out.files.insert(dir.join("src/spec.rs"), spec_rs);
    out.files
        .insert(dir.join("src/schemas.json"), schemas_json(&spec.raw));
    Ok(out)
}

/// The generated manifest: the runtime's `[dependencies]`, with the client dependency
/// pointed at the sibling `generated/ngrok-ai`.
fn cargo_toml(runtime_manifest: &str) -> std::result::Result<String, String> {
    let deps = hand_written::toml_section(runtime_manifest, "[dependencies]")
        .ok_or("codegen/mock/Cargo.toml has no [dependencies]")?;
    if !deps.contains(CLIENT_DEP_RUNTIME) {
        return Err(format!(
            "codegen/mock/Cargo.toml must depend on the client with `{CLIENT_DEP_RUNTIME}`"
        ));
    }
    let deps = deps.replace(CLIENT_DEP_RUNTIME, CLIENT_DEP_GENERATED);
    Ok(format!(
        r#"{HASH_HEADER}[package]
name = "ngrok-ai-mock"
version = "{version}"
edition = "2021"
rust-version = "1.88"
license = "Apache-2.0"
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
        version = super::client_crate::CRATE_VERSION,
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

fn id_prefixes(raw: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if let Some(prefix) = schema.get("x-ngrok-id-prefix").and_then(Value::as_str) {
                out.push((name.clone(), prefix.to_owned()));
            }
        }
    }
    out
}

/// One route as the generator sees it.
#[derive(Debug)]
struct RouteSpec {
    operation: String,
    method: String,
    path: String,
    success_status: u16,
    request_body: Option<String>,
    response_body: Option<String>,
    query: Vec<QuerySpec>,
    pagination: Option<(String, String)>,
}

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

fn schema_ref_name(schema: Option<&Value>, here: &str) -> std::result::Result<String, String> {
    let reference = schema
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{here}: the mock needs a `$ref` to a component schema"))?;
    reference
        .strip_prefix("#/components/schemas/")
        .map(str::to_owned)
        .ok_or_else(|| format!("{here}: `{reference}` is not a component schema"))
}

fn resolve<'a>(raw: &'a Value, value: &'a Value) -> std::result::Result<&'a Value, String> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("external reference `{reference}`"))?;
            raw.pointer(pointer)
                .ok_or_else(|| format!("dangling reference `{reference}`"))
        }
        None => Ok(value),
    }
}

fn routes(raw: &Value) -> std::result::Result<Vec<RouteSpec>, String> {
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no `paths`")?;
    let mut out = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let here = format!("{} {path}", method.to_uppercase());
            let operation = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{here}: no operationId"))?
                .to_owned();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{here}: no responses"))?;
            let (status, response) = responses
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .ok_or_else(|| format!("{here}: no success response"))?;
            let success_status: u16 = status
                .parse()
                .map_err(|_| format!("{here}: bad status `{status}`"))?;
            let response = resolve(raw, response)?;
            let response_body = match response.pointer("/content/application~1json/schema") {
                Some(schema) => Some(schema_ref_name(Some(schema), &here)?),
                None => None,
            };
            let request_body = match op.get("requestBody") {
                Some(body) => {
                    let body = resolve(raw, body)?;
                    Some(schema_ref_name(
                        body.pointer("/content/application~1json/schema"),
                        &format!("{here} request body"),
                    )?)
                }
                None => None,
            };
            let mut query = Vec::new();
            let parameters = op.get("parameters").and_then(Value::as_array);
            for parameter in parameters.into_iter().flatten() {
                let parameter = resolve(raw, parameter)?;
                if parameter.get("in").and_then(Value::as_str) != Some("query") {
                    continue;
                }
                query.push(query_spec(parameter, &here)?);
            }
            let pagination = op.get("x-ngrok-pagination").map(|p| {
                let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                (field("style"), field("items"))
            });
            out.push(RouteSpec {
                operation,
                method: method.to_owned(),
                path: path.clone(),
                success_status,
                request_body,
                response_body,
                query,
                pagination,
            });
        }
    }
    Ok(out)
}

fn query_spec(parameter: &Value, here: &str) -> std::result::Result<QuerySpec, String> {
    let name = parameter
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{here}: a parameter has no name"))?
        .to_owned();
    let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some("string") => "String",
        Some("integer") => "Integer",
        Some("boolean") => "Boolean",
        other => {
            return Err(format!(
                "{here}: query parameter `{name}` has type {other:?}"
            ))
        }
    };
    let text = |k: &str| schema.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(QuerySpec {
        required: parameter.get("required").and_then(Value::as_bool) == Some(true),
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

fn spec_rs(
    routes: &[RouteSpec],
    prefixes: &[(String, String)],
) -> std::result::Result<String, String> {
    let mut src = String::new();
    src.push_str(
        "use crate::route::{Method, PageStyle, Pagination, ParamType, QueryParam, Route};\n",
    );
    let _ = writeln!(
        src,
        "/// Every operation of the spec ({} in all), in spec order.",
        routes.len()
    );
    src.push_str("pub(crate) static ROUTES: &[Route] = &[\n");
    for r in routes {
        let method = match r.method.as_str() {
            "get" => "Get",
            "head" => "Head",
            "post" => "Post",
            "patch" => "Patch",
            "delete" => "Delete",
            other => return Err(format!("unsupported method {other}")),
        };
        let mut query = String::new();
        for q in &r.query {
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
        let pagination = match &r.pagination {
            Some((style, items)) => {
                let style = match style.as_str() {
                    "beforeId" => "BeforeId",
                    "cursor" => "Cursor",
                    other => return Err(format!("{}: pagination style {other}", r.operation)),
                };
                format!(
                    "Some(Pagination {{ style: PageStyle::{style}, items: {} }})",
                    lit(items)
                )
            }
            None => "None".into(),
        };
        let _ = writeln!(
            src,
            "Route {{ operation: {}, method: Method::{method}, path: {}, success_status: {}, request_body: {}, response_body: {}, query: &[{query}], pagination: {pagination} }},",
            lit(&r.operation),
            lit(&r.path),
            r.success_status,
            opt_lit(&r.request_body),
            opt_lit(&r.response_body),
        );
    }
    src.push_str("];\n");
    src.push_str("/// `x-ngrok-id-prefix` of each resource schema: (schema, prefix).\n");
    src.push_str("pub(crate) static ID_PREFIXES: &[(&str, &str)] = &[\n");
    for (schema, prefix) in prefixes {
        let _ = writeln!(src, "({}, {}),", lit(schema), lit(prefix));
    }
    src.push_str("];\n");
    src.push_str(
        "/// The spec's component schemas as one JSON Schema 2020-12 document (under `$defs`).\n",
    );
    src.push_str("pub(crate) static SCHEMAS_JSON: &str = include_str!(\"schemas.json\");\n");
    let file: syn::File =
        syn::parse_str(&src).map_err(|e| format!("generated spec.rs does not parse: {e}"))?;
    Ok(format!("{RUST_HEADER}{}", format(&file)))
}
