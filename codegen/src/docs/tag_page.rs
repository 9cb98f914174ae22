//! One page per tag: every operation of the tag with its parameters, bodies, Rust and curl
//! examples, errors and pagination.

use std::collections::BTreeMap;

use super::curl;
use super::markdown::{
    cell, code, constraints, field_table, rust_type_of, status_text, table, type_label, type_link,
    Page, Slugger, TYPES_PAGE,
};
use super::rust_api::RustApi;
use super::snippets::Snippets;
use crate::model::cli::{self, Cli};
use crate::model::{Api, Conflict, Op, Tag};

pub struct TagPage {
    /// File name, e.g. `access-keys.md`.
    pub file: String,
    pub text: String,
    /// Anchor of each operation's section, by operationId.
    pub anchors: BTreeMap<String, String>,
}

pub fn render(
    api: &Api<'_>,
    rust: &RustApi,
    snippets: &Snippets,
    tag: &Tag<'_>,
) -> Result<TagPage, String> {
    let ops: Vec<&Op<'_>> = api.operations_of(tag.name).collect();
    let cli = cli::build(api)?;
    // Anchors first (same heading order as below), for the list of operations at the top.
    let mut slugger = Slugger::default();
    slugger.slug(&tag.title);
    let anchors: BTreeMap<String, String> = ops
        .iter()
        .map(|o| (o.id.to_string(), slugger.slug(o.summary)))
        .collect();

    let mut page = Page::new();
    page.heading(1, &tag.title);
    page.para(tag.description);
    page.para(&format!(
        "Tag `{}` of the [ngrok.ai management API](README.md). Types are described on the \
         [types page]({TYPES_PAGE}).",
        tag.name
    ));
    if ops.is_empty() {
        page.para("No operation carries this tag; see the [other resources](README.md#resources).");
    } else {
        let rows: Vec<Vec<String>> = ops
            .iter()
            .map(|o| {
                vec![
                    format!("[{}](#{})", cell(o.summary), anchors[o.id]),
                    code(&format!("{} {}", o.method.to_uppercase(), o.path)),
                    code(&format!("client.{}()", o.rust_method)),
                ]
            })
            .collect();
        page.raw(&table(&["Operation", "HTTP", "Rust"], &rows));
    }
    for op in &ops {
        let anchor = page.heading(2, op.summary);
        if anchor != anchors[op.id] {
            return Err(format!("anchor of {} changed while rendering", op.id));
        }
        operation(&mut page, api, rust, snippets, &cli, op)?;
    }
    Ok(TagPage {
        file: format!("{}.md", tag.slug),
        text: page.finish(),
        anchors,
    })
}

fn operation(
    page: &mut Page,
    api: &Api<'_>,
    rust: &RustApi,
    snippets: &Snippets,
    cli: &Cli<'_>,
    op: &Op<'_>,
) -> Result<(), String> {
    let command = cli
        .command(op.id)
        .ok_or_else(|| format!("no CLI command for {}", op.id))?;
    page.para(&format!(
        "`{} {}` · operationId `{}` · Rust `client.{}()` · CLI `{} {} {}`",
        op.method.to_uppercase(),
        op.path,
        op.id,
        op.rust_method,
        cli::BINARY,
        command.group,
        command.action
    ));
    page.para(op.description);

    page.para("**Parameters**");
    if op.params.is_empty() {
        page.para("None.");
    } else {
        let builder = rust
            .builders
            .get(&heck::ToUpperCamelCase::to_upper_camel_case(
                op.rust_method.as_str(),
            ));
        let rows: Vec<Vec<String>> = op
            .params
            .iter()
            .map(|p| {
                let setter = heck::ToSnakeCase::to_snake_case(p.name);
                let rust_cell = builder
                    .and_then(|b| b.get(&setter))
                    .map(|ty| {
                        let ty = match ty {
                            super::rust_api::Ty::Option(inner) => inner.to_string(),
                            other => other.to_string(),
                        };
                        code(&format!(".{setter}({ty})"))
                    })
                    .unwrap_or_default();
                vec![
                    code(p.name),
                    p.location.to_string(),
                    type_label(api, p.schema, TYPES_PAGE),
                    if p.required { "yes" } else { "no" }.to_string(),
                    cell(&constraints(p.schema).join(" ")),
                    rust_cell,
                    cell(p.description),
                ]
            })
            .collect();
        page.raw(&table(
            &[
                "Name",
                "In",
                "Type",
                "Required",
                "Constraints",
                "Rust setter",
                "Description",
            ],
            &rows,
        ));
    }

    if let Some(body) = &op.body {
        page.para("**Request body**");
        let required = if body.required {
            "required"
        } else {
            "optional"
        };
        match body.schema_name {
            Some(name) => {
                let rust_name = rust_type_of(rust, name);
                let rust_note = rust_name
                    .as_deref()
                    .map(|n| format!(", Rust `types::{n}`"))
                    .unwrap_or_default();
                page.para(&format!(
                    "JSON {} ({required}{rust_note}):",
                    type_link(name, TYPES_PAGE)
                ));
                page.raw(&field_table(
                    api,
                    rust,
                    body.schema,
                    rust_name.as_deref(),
                    TYPES_PAGE,
                ));
            }
            None => page.para(&format!(
                "JSON {} ({required}).",
                type_label(api, body.schema, TYPES_PAGE)
            )),
        }
        if op.method == "patch" {
            page.para(
                "PATCH semantics: a field left out keeps its stored value. In Rust, nullable \
                 fields are `Option<Nullable<T>>`: leave the setter uncalled to keep the value, \
                 pass `Nullable::Null` to clear it (sent as `null`), or a value to set it. \
                 `.body_map(|b| b.name(Nullable::from(\"new\")))` edits a default body in place.",
            );
        }
    }

    page.para("**Response**");
    match &op.response {
        None => page.para(&format!(
            "`{}`, no body. {}",
            status_text(&op.success_status),
            op.success_description
        )),
        Some(response) => {
            let name = response.schema_name;
            let rust_name = name.and_then(|n| rust_type_of(rust, n));
            let link = name.map_or_else(
                || type_label(api, response.schema, TYPES_PAGE),
                |n| type_link(n, TYPES_PAGE),
            );
            let rust_note = rust_name
                .as_deref()
                .map(|n| format!(" (Rust `types::{n}`)"))
                .unwrap_or_default();
            page.para(&format!(
                "`{}` with JSON {link}{rust_note}: {}",
                status_text(&op.success_status),
                op.success_description
            ));
            page.raw(&field_table(
                api,
                rust,
                response.schema,
                rust_name.as_deref(),
                TYPES_PAGE,
            ));
            if let Some(example) = response.example {
                page.para("Example response:");
                page.code(
                    "json",
                    &serde_json::to_string_pretty(example).unwrap_or_default(),
                );
            }
        }
    }

    let snippet = snippets
        .by_op
        .get(op.id)
        .ok_or_else(|| format!("no Rust example for {}", op.id))?;
    page.para(&format!(
        "**Rust** (compiled as `{}::{}` in [the snippets crate](snippets/src/lib.rs)):",
        snippet.module, snippet.function
    ));
    page.code("rust", &snippet.body);
    page.para("**curl**");
    page.code("sh", &curl::command(api, op));
    page.para(&format!(
        "**CLI** (`{}`; `{} {} {} --help` lists every flag):",
        cli::BINARY,
        cli::BINARY,
        command.group,
        command.action
    ));
    page.code("sh", &cli::shell_line(&cli::example(api, command)));

    page.para("**Errors**");
    let mut errors = vec![
        "`401 Unauthorized`: the API key is missing, malformed or revoked \
                           (`e.is_unauthorized()`)."
            .to_string(),
    ];
    let has_query = op.params.iter().any(|p| p.location == "query");
    if op.body.is_some() || has_query {
        errors.push(
            "`400 Bad Request`: a parameter or body field is invalid (type, bounds, length, \
             missing required field); `details` says which (`e.is_bad_request()`)."
                .to_string(),
        );
    }
    if op.has_path_id() {
        let mut text = "`404 Not Found`: no resource with this `id` in the account \
                        (`e.is_not_found()`)."
            .to_string();
        if op.method == "delete" {
            text.push_str(" A retried DELETE whose first attempt succeeded also ends here.");
        }
        errors.push(text);
    }
    match op.conflict() {
        Some(Conflict::Declared(description)) => errors.push(format!(
            "`409 Conflict` (declared by the spec): {} (`e.is_conflict()`).",
            description.trim_end_matches('.')
        )),
        Some(Conflict::Described) => errors.push(
            "`409 Conflict`: the delete is refused while another resource still references \
             this one, as the description says; the spec declares no status for it, a \
             conflict is expected (`e.is_conflict()`)."
                .to_string(),
        ),
        None => {}
    }
    let idempotent = !matches!(op.method, "post");
    errors.push(if idempotent {
        format!(
            "`429 Too Many Requests`, `500`, `502`, `503`, `504` and connection failures: \
             retried by the client ({} is idempotent) up to 3 attempts in all, with \
             exponential backoff, full jitter and `Retry-After`; if every attempt fails the \
             last error is returned (`e.is_rate_limited()`, `e.is_server_error()`).",
            op.method.to_uppercase()
        )
    } else {
        "`429 Too Many Requests`, `500`, `502`, `503`, `504`: not retried by default, \
         because a repeated POST may act twice (only a connection that never reached the \
         server is retried); opt in with \
         `client.with_retry_policy(RetryPolicy::default().with_retry_non_idempotent(true))` \
         (`e.is_rate_limited()`, `e.is_server_error()`)."
            .to_string()
    });
    let error_body = if op.method == "head" {
        "HEAD responses have no body, so these errors carry only the status.".to_string()
    } else {
        format!(
            "Error bodies are {} objects (`errorCode`, `statusCode`, `msg`, `details`); \
             `e.api_error()` exposes them.",
            type_link("Error", TYPES_PAGE)
        )
    };
    let list: String = errors.iter().map(|e| format!("- {e}\n")).collect();
    page.raw(&list);
    page.raw("\n");
    page.para(&error_body);

    if let (Some(p), Some(response)) = (&op.pagination, &op.response) {
        page.para("**Pagination**");
        let list_rust = response.schema_name.and_then(|n| rust_type_of(rust, n));
        let items_field = list_rust
            .as_deref()
            .and_then(|l| rust.field(l, p.items))
            .map(|f| f.ident.clone())
            .unwrap_or_else(|| p.items.to_string());
        let next_field = list_rust
            .as_deref()
            .and_then(|l| rust.field(l, p.next))
            .map(|f| f.ident.clone())
            .unwrap_or_else(|| p.next.to_string());
        let how = match p.style {
            "cursor" => format!(
                "`{}` carries an opaque `cursor`; the next page is requested with that \
                 `cursor` and the same other parameters. Do not build or parse cursors.",
                p.next
            ),
            _ => format!(
                "Items come newest first. `{}` carries `beforeId` (the ID of the page's last \
                 item); the next page is requested with that `beforeId` and the same other \
                 parameters.",
                p.next
            ),
        };
        page.para(&format!(
            "Each page holds up to `limit` items in `{}`; `{}` is null or absent on the last \
             page. {how} In Rust, `stream()` follows `{}` lazily and yields every item of every \
             page (one page in memory at a time); `send()` returns one page \
             (`{items_field}`, `{next_field}`), and `.{}(..)` asks for a given page.",
            p.items,
            p.next,
            p.next,
            heck::ToSnakeCase::to_snake_case(p.style),
        ));
    }
    Ok(())
}
