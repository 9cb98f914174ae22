//! The API model: the spec read once, after validation, into what every emitter needs —
//! the client's post-processing and rustdoc, the Markdown docs and snippets, the mock's
//! route and resource tables, the httpmock crate and the contract tests.
//!
//! It holds tags, operations (parameters, bodies and responses resolved; Rust names;
//! success status; pagination: style, items key, item schema, how the next page is
//! found), component schemas, and the resources the spec's conventions describe
//! ([`resource`]). Everything borrows from [`Spec::raw`], in document order. A construct
//! the emitters cannot represent is an error naming its JSON pointer, never skipped.

pub mod cli;
mod resource;

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::error::{CodegenError, Problem, Result};
use crate::load::Spec;
use crate::pointer::{self, METHODS};

pub use resource::{Field, FieldRole, Resource};

/// The prefix every tag of this API carries; page names and titles drop it.
const TAG_PREFIX: &str = "AI Gateway ";

/// The whole API, as every emitter sees it.
pub struct Api<'a> {
    pub raw: &'a Value,
    pub title: &'a str,
    pub description: &'a str,
    /// The first server's URL; empty when the spec declares none.
    pub base_url: &'a str,
    /// `(name, description)` of each security scheme, in document order.
    pub security: Vec<(&'a str, &'a str)>,
    pub tags: Vec<Tag<'a>>,
    pub operations: Vec<Op<'a>>,
    /// `components.schemas`, in document order.
    pub schemas: Vec<(&'a str, &'a Value)>,
    /// Query parameters that select a page (`beforeId`, `cursor`): examples leave them to
    /// `stream()` / `nextPageUri`.
    pub pagination_params: BTreeSet<String>,
    /// Resources recognised from the spec's conventions, in order of their item schema.
    pub resources: Vec<Resource<'a>>,
}

pub struct Tag<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// The name without the "AI Gateway " prefix.
    pub title: String,
    /// File stem of the tag's page, e.g. `access-keys`.
    pub slug: String,
}

/// One operation.
pub struct Op<'a> {
    /// operationId as the spec has it (errors, tracing, docs, the mock's journal).
    pub id: &'a str,
    /// operationId as the generated code knows it: the product prefix dropped
    /// ([`rust_operation_id`]); progenitor derives method and builder names from it.
    pub rust_id: String,
    /// JSON pointer of the operation, e.g. `/paths/~1access-keys/get`.
    pub pointer: String,
    /// Lower case, as in the spec (`get`, `head`, ...).
    pub method: &'a str,
    pub path: &'a str,
    pub tag: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub params: Vec<Param<'a>>,
    pub body: Option<Body<'a>>,
    /// The one 2xx status the spec declares, as written.
    pub success_status: String,
    /// The same, as a number.
    pub status: u16,
    pub success_description: &'a str,
    /// The success response's JSON body, if it has one.
    pub response: Option<Body<'a>>,
    /// Explicit non-2xx responses other than `default`: `(status, description)`.
    pub declared_errors: Vec<(&'a str, &'a str)>,
    pub pagination: Option<Pagination<'a>>,
    /// Name of the generated client's method, e.g. `list_access_keys`.
    pub rust_method: String,
    /// Name of the operation as a Rust enum variant, e.g. `ListAccessKeys`.
    pub variant: String,
}

pub struct Param<'a> {
    pub name: &'a str,
    pub location: &'a str,
    pub required: bool,
    pub description: &'a str,
    pub schema: &'a Value,
    pub example: Option<&'a Value>,
}

/// A JSON request or response body.
pub struct Body<'a> {
    /// Component name when the schema is a `$ref`.
    pub schema_name: Option<&'a str>,
    pub schema: &'a Value,
    pub example: Option<&'a Value>,
    pub required: bool,
}

/// How a list operation pages (`x-ngrok-pagination`).
pub struct Pagination<'a> {
    /// `beforeId` or `cursor`; also the query parameter that selects the next page.
    pub style: &'a str,
    /// Array property of the response that holds the items.
    pub items: &'a str,
    /// Property of the response that links the next page (`nextPageUri`).
    pub next: &'a str,
    /// Component schema of the whole page.
    pub list_schema: &'a str,
    /// Component schema of one item.
    pub item_schema: &'a str,
    /// Whether the list schema requires `next` and does not allow it to be null (then
    /// the last page carries an empty link rather than none).
    pub next_required: bool,
}

/// The pagination styles the runtime and the mock implement.
pub const PAGE_STYLES: [&str; 2] = ["beforeId", "cursor"];

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Follows local `$ref`s (bounded, so a cycle cannot hang the generator).
pub fn resolve<'a>(raw: &'a Value, v: &'a Value) -> &'a Value {
    pointer::deref(raw, v)
}

pub use crate::pointer::schema_name as ref_name;

/// `ListAIGatewayAccessKeys` → `ListAccessKeys`: the product prefix repeats in every
/// name and makes methods like `list_ai_gateway_access_keys`; the gateway config keeps
/// "Gateway" so `get_gateway_config` still says what it reads.
pub fn rust_operation_id(spec_id: &str) -> String {
    if spec_id.contains("AIGatewayConfig") {
        spec_id.replacen("AIGatewayConfig", "GatewayConfig", 1)
    } else {
        spec_id.replacen("AIGateway", "", 1)
    }
}

/// `AI Gateway Access Keys` → (`Access Keys`, `access-keys`).
pub fn tag_title_and_slug(name: &str) -> (String, String) {
    let title = name.strip_prefix(TAG_PREFIX).unwrap_or(name).to_string();
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    (title, slug.trim_end_matches('-').to_string())
}

/// `ListAIGatewayAccessKeys` → `list_access_keys`, as progenitor names the method after
/// [`rust_operation_id`].
pub fn rust_method(operation_id: &str) -> String {
    rust_operation_id(operation_id).to_snake_case()
}

impl<'a> Api<'a> {
    /// Builds the model of a validated spec.
    ///
    /// # Errors
    /// [`CodegenError::Invalid`] listing every construct the emitters cannot represent,
    /// each at its JSON pointer.
    pub fn build(spec: &'a Spec) -> Result<Self> {
        Self::read(spec).map_err(|problems| CodegenError::Invalid {
            file: spec.path.clone(),
            problems,
        })
    }

    fn read(spec: &'a Spec) -> std::result::Result<Self, Vec<Problem>> {
        let raw = &spec.raw;
        let info = raw.get("info").unwrap_or(&Value::Null);
        let base_url = raw
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let security = raw
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, s)| (name.as_str(), str_at(s, "description")))
            .collect();
        let tags = raw
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|t| {
                let name = str_at(t, "name");
                let (title, slug) = tag_title_and_slug(name);
                Tag {
                    name,
                    description: str_at(t, "description"),
                    title,
                    slug,
                }
            })
            .collect::<Vec<_>>();
        let mut problems = Vec::new();
        let mut slugs = BTreeSet::new();
        for (i, tag) in tags.iter().enumerate() {
            if tag.slug.is_empty() || !slugs.insert(tag.slug.as_str()) {
                problems.push(Problem {
                    location: format!("/tags/{i}/name"),
                    message: format!(
                        "tag `{}` gives the page name `{}`, which is empty or taken",
                        tag.name, tag.slug
                    ),
                });
            }
        }
        let mut operations = Vec::new();
        for (path, item) in raw
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let shared = item.get("parameters");
            for (method, op) in item.as_object().into_iter().flatten() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                match read_operation(raw, path, method, op, shared) {
                    Ok(op) => operations.push(op),
                    Err(problem) => problems.push(problem),
                }
            }
        }
        for op in &operations {
            if !tags.iter().any(|t| t.name == op.tag) {
                problems.push(Problem {
                    location: format!("{}/tags/0", op.pointer),
                    message: format!("{} has the undeclared tag `{}`", op.id, op.tag),
                });
            }
        }
        let mut variants = BTreeSet::new();
        for op in &operations {
            if !variants.insert(op.variant.as_str()) {
                problems.push(Problem {
                    location: format!("{}/operationId", op.pointer),
                    message: format!(
                        "`{}` gives the Rust name `{}`, which another operation already has",
                        op.id, op.variant
                    ),
                });
            }
        }
        let schemas = raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, s)| (name.as_str(), s))
            .collect();
        let mut pagination_params: BTreeSet<String> = operations
            .iter()
            .filter_map(|o| o.pagination.as_ref())
            .map(|p| p.style.to_string())
            .collect();
        // The HEAD forms of the lists take `beforeId` too, without the extension.
        pagination_params.insert("beforeId".into());
        let resources = resource::recognise(raw, &operations);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Api {
            raw,
            title: str_at(info, "title"),
            description: str_at(info, "description"),
            base_url,
            security,
            tags,
            operations,
            schemas,
            pagination_params,
            resources,
        })
    }

    /// The operation with this (spec) operationId.
    pub fn operation(&self, id: &str) -> Option<&Op<'a>> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The operation on `path` with `method` (lower case).
    pub fn operation_at(&self, path: &str, method: &str) -> Option<&Op<'a>> {
        self.operations
            .iter()
            .find(|o| o.path == path && o.method == method)
    }

    /// A create body for `resource` from its create schema's example: the required fields
    /// (optional ones may name resources that do not exist), and for each field that
    /// references another resource (`x-ngrok-references`), the ID `id_of` gives for that
    /// resource's schema, if any. `None` when the resource has no create body.
    pub fn example_create_body(
        &self,
        resource: &Resource,
        id_of: impl Fn(&str) -> Option<String>,
    ) -> Option<serde_json::Map<String, Value>> {
        let schema = self.schema(resource.create_body?)?;
        let example = schema.get("example").and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut body = serde_json::Map::new();
        for (name, value) in example.into_iter().flatten() {
            let field = resource.fields.iter().find(|f| f.name == name);
            match field.and_then(|f| f.references) {
                Some(target) => {
                    if let Some(id) = id_of(target) {
                        body.insert(name.clone(), Value::String(id));
                    }
                }
                None if required.contains(&name.as_str()) => {
                    body.insert(name.clone(), value.clone());
                }
                None => {}
            }
        }
        Some(body)
    }

    /// The component schema `name`.
    pub fn schema(&self, name: &str) -> Option<&'a Value> {
        self.schemas
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }

    pub fn resolve(&self, v: &'a Value) -> &'a Value {
        resolve(self.raw, v)
    }

    pub fn tag(&self, name: &str) -> Option<&Tag<'a>> {
        self.tags.iter().find(|t| t.name == name)
    }

    pub fn operations_of(&self, tag: &str) -> impl Iterator<Item = &Op<'a>> {
        let tag = tag.to_string();
        self.operations.iter().filter(move |o| o.tag == tag)
    }
}

fn read_operation<'a>(
    raw: &'a Value,
    path: &'a str,
    method: &'a str,
    op: &'a Value,
    shared: Option<&'a Value>,
) -> std::result::Result<Op<'a>, Problem> {
    let at = pointer::operation(path, method);
    let problem = |location: String, message: String| Problem { location, message };
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| problem(at.clone(), format!("{method} {path} has no operationId")))?;
    let tag = op
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .ok_or_else(|| problem(format!("{at}/tags"), format!("{id} has no tag")))?;
    let mut params: Vec<Param<'a>> = Vec::new();
    for p in shared
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
    {
        let p = resolve(raw, p);
        let name = str_at(p, "name");
        let location = str_at(p, "in");
        // An operation-level parameter replaces a path-level one of the same name and place.
        params.retain(|q| !(q.name == name && q.location == location));
        let schema = resolve(raw, p.get("schema").unwrap_or(&Value::Null));
        params.push(Param {
            name,
            location,
            required: p.get("required").and_then(Value::as_bool) == Some(true),
            description: str_at(p, "description"),
            schema,
            example: p.get("example").or_else(|| schema.get("example")),
        });
    }
    let body = match op.get("requestBody") {
        Some(b) => {
            let b = resolve(raw, b);
            only_json(b, &format!("{at}/requestBody"), id)?;
            let mut body = media_body(raw, b);
            body.required = b.get("required").and_then(Value::as_bool) == Some(true);
            Some(body)
        }
        None => None,
    };
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| problem(format!("{at}/responses"), format!("{id} has no responses")))?;
    let successes: Vec<_> = responses
        .iter()
        .filter(|(s, _)| s.starts_with('2'))
        .collect();
    let [(success_status, success)] = successes[..] else {
        return Err(problem(
            format!("{at}/responses"),
            format!(
                "{id}: expected exactly one 2xx response, found {:?}",
                successes.iter().map(|(s, _)| s).collect::<Vec<_>>()
            ),
        ));
    };
    let status: u16 = success_status
        .parse()
        .ok()
        .filter(|s| (200..300).contains(s))
        .ok_or_else(|| {
            problem(
                format!("{at}/responses/{}", pointer::escape(success_status)),
                format!("{id}: the success status must be a number, not `{success_status}`"),
            )
        })?;
    let success = resolve(raw, success);
    let success_at = format!("{at}/responses/{success_status}");
    only_json(success, &success_at, id)?;
    let response = success
        .pointer("/content/application~1json")
        .map(|_| media_body(raw, success));
    let declared_errors = responses
        .iter()
        .filter(|(s, _)| !s.starts_with('2') && s.as_str() != "default")
        .map(|(s, r)| (s.as_str(), str_at(resolve(raw, r), "description")))
        .collect();
    let pagination = match op.get("x-ngrok-pagination") {
        Some(p) => Some(pagination(raw, p, response.as_ref(), &at, id)?),
        None => None,
    };
    let rust_id = rust_operation_id(id);
    Ok(Op {
        id,
        variant: rust_id.to_upper_camel_case(),
        rust_id,
        pointer: at,
        method,
        path,
        tag,
        summary: str_at(op, "summary"),
        description: str_at(op, "description"),
        params,
        body,
        success_status: success_status.clone(),
        status,
        success_description: str_at(success, "description"),
        response,
        declared_errors,
        pagination,
        rust_method: rust_method(id),
    })
}

/// Reads `x-ngrok-pagination` (validation has checked its keys) and finds the item schema
/// through the list schema.
fn pagination<'a>(
    raw: &'a Value,
    p: &'a Value,
    response: Option<&Body<'a>>,
    at: &str,
    id: &str,
) -> std::result::Result<Pagination<'a>, Problem> {
    let here = format!("{at}/x-ngrok-pagination");
    let fail = |message: String| Problem {
        location: here.clone(),
        message: format!("{id}: {message}"),
    };
    let style = str_at(p, "style");
    if !PAGE_STYLES.contains(&style) {
        return Err(fail(format!(
            "unknown style `{style}`; known: {}",
            PAGE_STYLES.join(", ")
        )));
    }
    let items = str_at(p, "items");
    let list_schema = response
        .and_then(|r| r.schema_name)
        .ok_or_else(|| fail("the success response is not a $ref to a list schema".into()))?;
    let list = resolve(raw, response.map_or(&Value::Null, |r| r.schema));
    let item_schema = list
        .pointer(&format!("/properties/{}/items", pointer::escape(items)))
        .and_then(ref_name)
        .ok_or_else(|| {
            fail(format!(
                "`{items}` is not an array of $ref items in {list_schema}"
            ))
        })?;
    let next = str_at(p, "next");
    let required = list
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|names| names.iter().any(|name| name.as_str() == Some(next)));
    let nullable = list
        .pointer(&format!("/properties/{}", pointer::escape(next)))
        .map(|property| resolve(raw, property))
        .and_then(|property| property.get("nullable"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Pagination {
        style,
        items,
        next,
        list_schema,
        item_schema,
        next_required: required && !nullable,
    })
}

/// The generator speaks JSON only: a body or response offering another media type (even
/// beside `application/json`) is refused here, naming the operation, rather than left to
/// panic inside progenitor.
fn only_json(holder: &Value, at: &str, id: &str) -> std::result::Result<(), Problem> {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return Ok(());
    };
    match content.keys().find(|k| k.as_str() != "application/json") {
        Some(other) => Err(Problem {
            location: format!("{at}/content/{}", pointer::escape(other)),
            message: format!(
                "{id}: media type `{other}` is not supported; bodies are `application/json` only"
            ),
        }),
        None => Ok(()),
    }
}

/// The `application/json` body of a request body or response object.
fn media_body<'a>(raw: &'a Value, holder: &'a Value) -> Body<'a> {
    let media = holder
        .pointer("/content/application~1json")
        .unwrap_or(&Value::Null);
    let schema_ref = media.get("schema").unwrap_or(&Value::Null);
    let schema = resolve(raw, schema_ref);
    Body {
        schema_name: ref_name(schema_ref),
        schema,
        example: media.get("example").or_else(|| schema.get("example")),
        required: false,
    }
}

impl Op<'_> {
    /// The path and query an example-minded caller sends: each path parameter's example
    /// (or `missing`), and the required query parameters that have one, percent-encoded.
    pub fn example_path_and_query(&self) -> String {
        let encode = |text: &str| {
            text.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut path = self.path.to_string();
        let mut query = Vec::new();
        for param in &self.params {
            match param.location {
                "path" => {
                    let value = param.example.map_or_else(|| "missing".to_owned(), text);
                    path = path.replace(&format!("{{{}}}", param.name), &encode(&value));
                }
                "query" if param.required => {
                    if let Some(example) = param.example {
                        query.push(format!("{}={}", param.name, encode(&text(example))));
                    }
                }
                _ => {}
            }
        }
        if query.is_empty() {
            path
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }

    /// Whether the path addresses one resource (`/access-keys/{id}`).
    pub fn has_path_id(&self) -> bool {
        self.params.iter().any(|p| p.location == "path")
    }

    /// Parameters an example sets: those with an example value, minus the page selectors.
    pub fn example_params<'s>(&'s self, api: &'s Api<'_>) -> impl Iterator<Item = &'s Param<'s>> {
        self.params.iter().filter(move |p| {
            p.example.is_some() && (p.location == "path" || !api.pagination_params.contains(p.name))
        })
    }

    /// A DELETE that the API refuses while other resources still reference the target:
    /// declared as `409`, or described so in the operation's text.
    pub fn conflict(&self) -> Option<Conflict<'_>> {
        if let Some((_, description)) = self.declared_errors.iter().find(|(s, _)| *s == "409") {
            return Some(Conflict::Declared(description));
        }
        (self.method == "delete" && self.description.to_ascii_lowercase().contains("referenc"))
            .then_some(Conflict::Described)
    }
}

pub enum Conflict<'a> {
    /// The spec has an explicit `409` response with this description.
    Declared(&'a str),
    /// The description says the delete is refused while referenced; no status is declared.
    Described,
}
