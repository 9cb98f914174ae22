//! What the docs need from the spec, read once from [`Spec::raw`] in document order:
//! tags, operations (with their parameters, bodies and responses resolved), component
//! schemas, and the few top-level facts (server, security).

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::load::Spec;
use crate::normalise::rust_operation_id;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The prefix every tag of this API carries; page names and titles drop it.
const TAG_PREFIX: &str = "AI Gateway ";

pub struct Api<'a> {
    pub raw: &'a Value,
    pub title: &'a str,
    pub description: &'a str,
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
}

pub struct Tag<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// The name without the "AI Gateway " prefix.
    pub title: String,
    /// File stem of the tag's page, e.g. `access-keys`.
    pub slug: String,
}

pub struct Op<'a> {
    pub id: &'a str,
    /// Lower case, as in the spec (`get`, `head`, ...).
    pub method: &'a str,
    pub path: &'a str,
    pub tag: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub params: Vec<Param<'a>>,
    pub body: Option<Body<'a>>,
    pub success_status: String,
    pub success_description: &'a str,
    /// The success response's JSON body, if it has one.
    pub response: Option<Body<'a>>,
    /// Explicit non-2xx responses other than `default`: `(status, description)`.
    pub declared_errors: Vec<(&'a str, &'a str)>,
    pub pagination: Option<Pagination<'a>>,
    /// Name of the generated client's method, e.g. `list_access_keys`.
    pub rust_method: String,
}

pub struct Param<'a> {
    pub name: &'a str,
    pub location: &'a str,
    pub required: bool,
    pub description: &'a str,
    pub schema: &'a Value,
    pub example: Option<&'a Value>,
}

pub struct Body<'a> {
    /// Component name when the schema is a `$ref`.
    pub schema_name: Option<&'a str>,
    pub schema: &'a Value,
    pub example: Option<&'a Value>,
    pub required: bool,
}

pub struct Pagination<'a> {
    pub style: &'a str,
    pub items: &'a str,
    pub next: &'a str,
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Follows local `$ref`s (bounded, so a cycle cannot hang the generator).
pub fn resolve<'a>(raw: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        match r.strip_prefix('#').and_then(|p| raw.pointer(p)) {
            Some(target) => v = target,
            None => return v,
        }
    }
    v
}

/// The component a schema names: a bare `$ref`, or `allOf: [$ref]` (how a property gets its
/// own description or `nullable`).
pub fn ref_name(schema: &Value) -> Option<&str> {
    let r = schema.get("$ref").and_then(Value::as_str).or_else(|| {
        match schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only.get("$ref").and_then(Value::as_str),
            _ => None,
        }
    })?;
    r.strip_prefix("#/components/schemas/")
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
    pub fn read(spec: &'a Spec) -> Result<Self, String> {
        let raw = &spec.raw;
        let info = raw.get("info").unwrap_or(&Value::Null);
        let base_url = raw
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .ok_or("the spec declares no server URL")?;
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
        let mut slugs = BTreeSet::new();
        for tag in &tags {
            if tag.slug.is_empty() || !slugs.insert(tag.slug.as_str()) {
                return Err(format!(
                    "tag `{}` gives the page name `{}`, which is empty or taken",
                    tag.name, tag.slug
                ));
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
                operations.push(read_operation(raw, path, method, op, shared)?);
            }
        }
        for op in &operations {
            if !tags.iter().any(|t| t.name == op.tag) {
                return Err(format!("{} has the undeclared tag `{}`", op.id, op.tag));
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
        })
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
) -> Result<Op<'a>, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{method} {path} has no operationId"))?;
    let tag = op
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{id} has no tag"))?;
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
    let body = op.get("requestBody").map(|b| {
        let b = resolve(raw, b);
        let mut body = media_body(raw, b);
        body.required = b.get("required").and_then(Value::as_bool) == Some(true);
        body
    });
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{id} has no responses"))?;
    let (success_status, success) = responses
        .iter()
        .find(|(s, _)| s.starts_with('2'))
        .ok_or_else(|| format!("{id} has no 2xx response"))?;
    let success = resolve(raw, success);
    let response = success
        .pointer("/content/application~1json")
        .map(|_| media_body(raw, success));
    let declared_errors = responses
        .iter()
        .filter(|(s, _)| !s.starts_with('2') && s.as_str() != "default")
        .map(|(s, r)| (s.as_str(), str_at(resolve(raw, r), "description")))
        .collect();
    let pagination = op.get("x-ngrok-pagination").map(|p| Pagination {
        style: str_at(p, "style"),
        items: str_at(p, "items"),
        next: str_at(p, "next"),
    });
    Ok(Op {
        id,
        method,
        path,
        tag,
        summary: str_at(op, "summary"),
        description: str_at(op, "description"),
        params,
        body,
        success_status: success_status.clone(),
        success_description: str_at(success, "description"),
        response,
        declared_errors,
        pagination,
        rust_method: rust_method(id),
    })
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
