//! The Rust example of every operation, written against the generated client and compiled:
//! each example is the body of one `async fn` in the `ngrok-ai-doc-snippets` crate
//! (`generated/docs/snippets`, a workspace member), and the Markdown shows that body.
//!
//! Values come from the spec's examples; their Rust spelling follows the real types of the
//! client ([`RustApi`]): typify builders for request bodies, struct literals for nested
//! models, `Nullable` for PATCH fields, `Secret` for credentials, open-enum variants.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use super::rust_api::{RustApi, Ty};
use super::DOCS_DIR;
use crate::generate::{format_owned, HASH_HEADER, PACKAGE_COMMON, RUST_HEADER};
use crate::model::{Api, Op};
use crate::normalise::type_name;

/// Directory and package name of the snippets crate.
pub const CRATE_DIR: &str = "snippets";
pub const PACKAGE: &str = "ngrok-ai-doc-snippets";

/// Signature every example lives in; the README explains it once.
pub const SIGNATURE: &str =
    "async fn example(client: &ngrok_ai::Client) -> Result<(), Box<dyn std::error::Error>>";

pub struct Snippet {
    /// Module of the snippets crate (the tag's page name in snake case).
    pub module: String,
    /// Function name (the client method's name).
    pub function: String,
    /// The function body as the Markdown shows it.
    pub body: String,
}

pub struct Snippets {
    /// By operationId.
    pub by_op: BTreeMap<String, Snippet>,
    pub files: Vec<(PathBuf, String)>,
}

/// What a snippet imports; each is added only when the code uses it.
#[derive(Default)]
struct Uses {
    items: BTreeSet<&'static str>,
}

impl Uses {
    fn add(&mut self, item: &'static str) {
        self.items.insert(item);
    }

    fn lines(&self) -> String {
        let mut out = String::new();
        if self.items.contains("DateTime") {
            out.push_str("use chrono::{DateTime, Utc};\n");
        }
        if self.items.contains("TryStreamExt") {
            out.push_str("use futures_util::TryStreamExt;\n");
        }
        let ours: Vec<&str> = ["types", "Nullable", "Secret"]
            .into_iter()
            .filter(|i| self.items.contains(i))
            .collect();
        match ours.as_slice() {
            [] => {}
            [one] => out.push_str(&format!("use ngrok_ai::{one};\n")),
            many => out.push_str(&format!("use ngrok_ai::{{{}}};\n", many.join(", "))),
        }
        out
    }
}

/// A Rust string literal; raw when the text has quotes or backslashes.
fn str_lit(s: &str) -> String {
    if !s.contains('"') && !s.contains('\\') {
        return format!("{s:?}");
    }
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

fn number(v: &Value, suffix: &str) -> Result<String, String> {
    match v {
        Value::Number(n) => Ok(format!("{n}_{suffix}")),
        other => Err(format!("expected a number, found {other}")),
    }
}

fn string(v: &Value) -> Result<&str, String> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, found {v}"))
}

/// Writes Rust expressions for example values.
struct Values<'r> {
    rust: &'r RustApi,
    uses: Uses,
}

impl Values<'_> {
    /// An expression of exactly type `ty`.
    fn exact(&mut self, v: &Value, ty: &Ty) -> Result<String, String> {
        Ok(match ty {
            Ty::String => format!("{}.to_string()", str_lit(string(v)?)),
            Ty::Secret => {
                self.uses.add("Secret");
                format!("Secret::new({})", str_lit(string(v)?))
            }
            Ty::Bool => v
                .as_bool()
                .ok_or_else(|| format!("expected a boolean, found {v}"))?
                .to_string(),
            Ty::Prim(p) => number(v, p)?,
            Ty::NonZero(n) => {
                let base = n.trim_start_matches("NonZero").to_lowercase();
                format!("std::num::{n}::try_from({})?", number(v, &base)?)
            }
            Ty::DateTime => {
                self.uses.add("DateTime");
                format!("{}.parse::<DateTime<Utc>>()?", str_lit(string(v)?))
            }
            Ty::Option(_) if v.is_null() => "None".to_string(),
            Ty::Option(t) => format!("Some({})", self.exact(v, t)?),
            Ty::Nullable(_) if v.is_null() => {
                self.uses.add("Nullable");
                "Nullable::Null".to_string()
            }
            Ty::Nullable(t) if **t == Ty::String => {
                self.uses.add("Nullable");
                format!("Nullable::from({})", str_lit(string(v)?))
            }
            Ty::Nullable(t) => {
                self.uses.add("Nullable");
                format!("Nullable::Value({})", self.exact(v, t)?)
            }
            Ty::Vec(t) => {
                let items = v
                    .as_array()
                    .ok_or_else(|| format!("expected an array, found {v}"))?;
                if items.is_empty() {
                    "Vec::new()".to_string()
                } else {
                    let items = items
                        .iter()
                        .map(|i| self.exact(i, t))
                        .collect::<Result<Vec<_>, _>>()?;
                    // prettyplease leaves struct literals inside `vec![]` unformatted.
                    if matches!(&**t, Ty::Named(n) if self.rust.structs.contains_key(n)) {
                        format!("Vec::from([{}])", items.join(", "))
                    } else {
                        format!("vec![{}]", items.join(", "))
                    }
                }
            }
            Ty::Named(name) => self.named(v, name)?,
            Ty::Map(_) | Ty::Json | Ty::Other(_) => {
                return Err(format!("no Rust spelling for a value of type {ty}"))
            }
        })
    }

    /// A struct literal or an enum variant of `types`.
    fn named(&mut self, v: &Value, name: &str) -> Result<String, String> {
        self.uses.add("types");
        if let Some(e) = self.rust.enums.get(name) {
            let wire = string(v)?;
            let variant = e
                .variant(wire)
                .ok_or_else(|| format!("`{name}` has no variant for `{wire}`"))?;
            return Ok(format!("types::{name}::{}", variant.ident));
        }
        let s = self
            .rust
            .structs
            .get(name)
            .ok_or_else(|| format!("the client has no type `{name}`"))?;
        let object = v
            .as_object()
            .ok_or_else(|| format!("expected an object for `{name}`, found {v}"))?;
        let mut fields = Vec::new();
        for (key, value) in object {
            let field = s
                .field(key)
                .ok_or_else(|| format!("`{name}` has no field for `{key}`"))?;
            fields.push(format!(
                "{}: {}",
                field.ident,
                self.exact(value, &field.ty)?
            ));
        }
        let missing: Vec<_> = s
            .fields
            .iter()
            .filter(|f| !object.contains_key(&f.json))
            .collect();
        if !missing.is_empty() {
            if s.derives_default {
                fields.push("..Default::default()".to_string());
            } else {
                for f in missing {
                    let empty = match &f.ty {
                        Ty::Option(_) => "None",
                        Ty::Vec(_) => "Vec::new()",
                        _ => {
                            return Err(format!(
                                "the example of `{name}` lacks the required `{}`",
                                f.json
                            ))
                        }
                    };
                    fields.push(format!("{}: {empty}", f.ident));
                }
            }
        }
        Ok(format!("types::{name} {{ {} }}", fields.join(", ")))
    }

    /// An argument for a typify builder setter of a field of type `ty` (the setter takes
    /// anything that converts into `ty`); `None` when the setter is better left uncalled.
    fn setter_arg(&mut self, v: &Value, ty: &Ty) -> Result<Option<String>, String> {
        Ok(Some(match ty {
            Ty::Option(inner) => match &**inner {
                Ty::Nullable(_) => self.exact(v, inner)?,
                _ if v.is_null() => return Ok(None),
                _ => self.exact(v, inner)?,
            },
            Ty::NonZero(n) => number(v, &n.trim_start_matches("NonZero").to_lowercase())?,
            _ => self.exact(v, ty)?,
        }))
    }

    /// An argument for an operation builder's parameter setter.
    fn param_arg(&mut self, v: &Value, ty: &Ty) -> Result<String, String> {
        match ty {
            Ty::Option(inner) => self.param_arg(v, inner),
            Ty::String => Ok(str_lit(string(v)?)),
            Ty::NonZero(n) => number(v, &n.trim_start_matches("NonZero").to_lowercase()),
            _ => self.exact(v, ty),
        }
    }

    /// `types::X::builder().a(..).b(..)` for a request body.
    fn body(&mut self, example: Option<&Value>, struct_name: &str) -> Result<String, String> {
        self.uses.add("types");
        let s = self
            .rust
            .structs
            .get(struct_name)
            .ok_or_else(|| format!("the client has no body type `{struct_name}`"))?;
        let mut out = format!("types::{struct_name}::builder()");
        for (key, value) in example.and_then(Value::as_object).into_iter().flatten() {
            let field = s
                .field(key)
                .ok_or_else(|| format!("`{struct_name}` has no field for `{key}`"))?;
            if let Some(arg) = self.setter_arg(value, &field.ty)? {
                out.push_str(&format!(".{}({arg})", field.ident));
            }
        }
        Ok(out)
    }
}

/// `AIGatewayAccessKey` → `access_key`; `AIGatewayConfig` → `gateway_config`.
fn var_name(schema: &str) -> String {
    let base = crate::normalise::rust_operation_id(schema);
    let base = base.strip_suffix("Detail").unwrap_or(&base);
    base.to_snake_case()
}

/// The example of one operation: `use` lines and statements, without the final `Ok(())`.
fn operation_code(api: &Api<'_>, rust: &RustApi, op: &Op<'_>) -> Result<String, String> {
    if !rust.methods.contains(&op.rust_method) {
        return Err(format!(
            "the client has no method `{}` for {}",
            op.rust_method, op.id
        ));
    }
    let builder_name = op.rust_method.to_upper_camel_case();
    let setters = rust
        .builders
        .get(&builder_name)
        .ok_or_else(|| format!("the client has no builder `{builder_name}` for {}", op.id))?;
    let mut values = Values {
        rust,
        uses: Uses::default(),
    };
    let mut chain = format!("client.{}()", op.rust_method);
    for p in op.example_params(api) {
        let setter = p.name.to_snake_case();
        let ty = setters.get(&setter).ok_or_else(|| {
            format!(
                "the builder `{builder_name}` has no setter `{setter}` for {}",
                p.name
            )
        })?;
        let example = p.example.unwrap_or(&Value::Null);
        chain.push_str(&format!(".{setter}({})", values.param_arg(example, ty)?));
    }
    if let Some(body) = &op.body {
        let schema = body
            .schema_name
            .ok_or_else(|| format!("the body of {} is not a component schema", op.id))?;
        let expr = values.body(body.example, &type_name(schema))?;
        chain.push_str(&format!(".body({expr})"));
    }

    let statements = match &op.response {
        Some(response) if op.pagination.is_some() => {
            let items = op.pagination.as_ref().map(|p| p.items).unwrap_or_default();
            let list = type_name(response.schema_name.unwrap_or_default());
            let item_ty = rust
                .field(&list, items)
                .and_then(|f| super::markdown::named_inside(&f.ty))
                .ok_or_else(|| format!("`{list}` has no item list `{items}`"))?;
            let item_schema = api
                .schemas
                .iter()
                .map(|(n, _)| *n)
                .find(|n| type_name(n) == item_ty)
                .unwrap_or(item_ty);
            let item = var_name(item_schema);
            let mut stream = items.to_snake_case();
            stream = stream
                .strip_prefix("ai_gateway_")
                .unwrap_or(&stream)
                .to_string();
            if stream == item {
                stream.push_str("_stream");
            }
            values.uses.add("TryStreamExt");
            let print = if rust
                .field(item_ty, "id")
                .is_some_and(|f| f.ty == Ty::String)
            {
                format!("println!(\"{{}}\", {item}.id);")
            } else {
                format!("println!(\"{{{item}:?}}\");")
            };
            format!(
                "let mut {stream} = {chain}.stream();\n\
                 while let Some({item}) = {stream}.try_next().await? {{ {print} }}"
            )
        }
        Some(response) => {
            let schema = response.schema_name.unwrap_or("Response");
            let var = var_name(schema);
            let mut out = format!("let {var} = {chain}.send().await?;\n");
            let returned_once: Vec<String> = response
                .schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, p)| {
                    p.get("x-ngrok-returned-once").and_then(Value::as_bool) == Some(true)
                })
                .filter_map(|(name, _)| rust.field(&type_name(schema), name))
                .filter(|f| f.ty == Ty::Option(Box::new(Ty::Secret)))
                .map(|f| f.ident.clone())
                .collect();
            let has_id = rust
                .field(&type_name(schema), "id")
                .is_some_and(|f| f.ty == Ty::String);
            // Only a create (POST) response carries a returned-once secret.
            if returned_once.is_empty() || !has_id || op.method != "post" {
                out.push_str(&format!("println!(\"{{{var}:?}}\");"));
            } else {
                for field in &returned_once {
                    out.push_str(&format!(
                        "let {field}: Option<String> = {var}.{field}.as_ref().map(|s| s.expose_secret().to_owned());\n\
                         println!(\"created {{}}; {field} returned: {{}}\", {var}.id, {field}.is_some());\n"
                    ));
                }
            }
            out
        }
        None if op.method == "head" && op.has_path_id() => format!(
            "match {chain}.send().await {{\n\
                 Ok(()) => println!(\"it exists\"),\n\
                 Err(e) if e.is_not_found() => println!(\"no such resource\"),\n\
                 Err(e) => return Err(e.into()),\n\
             }}"
        ),
        None if op.method == "delete" && op.conflict().is_some() => format!(
            "match {chain}.send().await {{\n\
                 Ok(()) => println!(\"deleted\"),\n\
                 Err(e) if e.is_conflict() => println!(\"still referenced: {{e}}\"),\n\
                 Err(e) => return Err(e.into()),\n\
             }}"
        ),
        None => format!("{chain}.send().await?;"),
    };
    Ok(format!("{}{statements}", values.uses.lines()))
}

/// The snippets crate and the Markdown form of every example.
pub fn build(api: &Api<'_>, rust: &RustApi) -> Result<Snippets, String> {
    let mut modules: Vec<(String, Vec<String>)> = Vec::new();
    let mut by_op = BTreeMap::new();
    let mut registry = String::new();
    for tag in &api.tags {
        let module = tag.slug.replace('-', "_");
        let mut functions = Vec::new();
        for op in api.operations_of(tag.name) {
            let code = operation_code(api, rust, op).map_err(|e| format!("{}: {e}", op.id))?;
            functions.push(format!(
                "/// `{}`: {} (`{} {}`).\n\
                 pub async fn {}(client: &ngrok_ai::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
                 {code}\nOk(())\n}}\n",
                op.id,
                op.summary,
                op.method.to_uppercase(),
                op.path,
                op.rust_method,
            ));
            registry.push_str(&format!(
                "Example {{ operation: {:?}, name: \"{module}::{function}\", run: |client| Box::pin({module}::{function}(client)) }},\n",
                op.id,
                function = op.rust_method,
            ));
            by_op.insert(
                op.id.to_string(),
                Snippet {
                    module: module.clone(),
                    function: op.rust_method.clone(),
                    body: String::new(),
                },
            );
        }
        if !functions.is_empty() {
            modules.push((module, functions));
        }
    }
    let mut source = String::from(
        "//! The Rust example of every operation in `generated/docs`, one function per\n\
         //! operation, so that `cargo build --workspace` compiles every example the docs show.\n\
         //! `tests/tests/doc_snippets.rs` also runs each one against the mock server, seeded\n\
         //! with the resources whose IDs the examples use.\n",
    );
    for (module, functions) in &modules {
        source.push_str(&format!(
            "#[rustfmt::skip]\npub mod {module} {{\n{}}}\n",
            functions.concat()
        ));
    }
    source.push_str(&format!(
        "/// What an example returns.\n\
         pub type Outcome = Result<(), Box<dyn std::error::Error>>;\n\
         /// One example, for tests that run them all without naming each.\n\
         #[rustfmt::skip]\n\
         pub struct Example {{\n\
         /// The operationId it calls.\n\
         pub operation: &'static str,\n\
         /// `module::function` in this crate.\n\
         pub name: &'static str,\n\
         /// Runs it with `client`.\n\
         pub run: for<'c> fn(&'c ngrok_ai::Client) -> futures_util::future::LocalBoxFuture<'c, Outcome>,\n\
         }}\n\
         /// Every example, in the order of the docs.\n\
         #[rustfmt::skip]\n\
         pub static ALL: &[Example] = &[\n{registry}];\n"
    ));
    let file: syn::File = syn::parse_str(&source)
        .map_err(|e| format!("the snippets do not parse as Rust: {e}\n{source}"))?;
    let formatted = format_owned(file);
    for snippet in by_op.values_mut() {
        snippet.body = function_body(&formatted, &snippet.function)
            .ok_or_else(|| format!("cannot find `fn {}` in the snippets", snippet.function))?;
    }

    let dir = PathBuf::from(DOCS_DIR).join(CRATE_DIR);
    let manifest = format!(
        r#"{HASH_HEADER}[package]
name = "{PACKAGE}"
version = "0.0.0"
{PACKAGE_COMMON}
publish = false
description = "The Rust examples of generated/docs, compiled so that they stay correct"

[lib]
doctest = false

[dependencies]
ngrok-ai = {{ path = "../../ngrok-ai" }}
chrono = {{ version = "0.4", default-features = false, features = ["std"] }}
futures-util = {{ version = "0.3", default-features = false, features = ["std"] }}
"#
    );
    Ok(Snippets {
        by_op,
        files: vec![
            (dir.join("Cargo.toml"), manifest),
            (dir.join("src/lib.rs"), format!("{RUST_HEADER}{formatted}")),
        ],
    })
}

/// The body of `pub async fn {name}` in prettyplease output, dedented, without the final
/// `Ok(())`, and with a blank line after the `use` block.
fn function_body(formatted: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = formatted.lines().collect();
    let needle = format!("pub async fn {name}(");
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&needle))?;
    let indent = lines[start].len() - lines[start].trim_start().len();
    let open = (start..lines.len()).find(|&i| lines[i].trim_end().ends_with('{'))?;
    let close_line = format!("{}}}", " ".repeat(indent));
    let end = (open + 1..lines.len()).find(|&i| lines[i] == close_line)?;
    let mut body: Vec<String> = lines[open + 1..end]
        .iter()
        .map(|l| {
            l.get(indent + 4..)
                .unwrap_or_else(|| l.trim_start())
                .to_string()
        })
        .collect();
    while body
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim() == "Ok(())")
    {
        body.pop();
    }
    if let Some(last_use) = body.iter().rposition(|l| l.starts_with("use ")) {
        if last_use + 1 < body.len() {
            body.insert(last_use + 1, String::new());
        }
    }
    Some(body.join("\n"))
}
