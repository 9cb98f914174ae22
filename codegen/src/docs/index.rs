//! `README.md` of the docs: what the API is, how to call it (authentication, base URL,
//! pagination, errors, retries), and an index of resources, operations and types.

use super::curl::API_KEY_VAR;
use super::markdown::{cell, code, table, type_link, Page, TYPES_PAGE};
use super::snippets::SIGNATURE;
use super::tag_page::TagPage;
use crate::model::Api;

pub fn render(api: &Api<'_>, pages: &[TagPage]) -> String {
    let page_of = |tag: &str| {
        api.tag(tag)
            .and_then(|t| pages.iter().find(|p| p.file == format!("{}.md", t.slug)))
    };
    let mut page = Page::new();
    page.heading(1, "ngrok.ai management API");
    page.para(api.description);
    page.para(&format!(
        "This reference is generated from [the OpenAPI description](../../spec/ngrok-ai.yaml) \
         (\"{}\"): {} operations on {} resources, {} types. Every operation comes with a Rust \
         example for the generated `ngrok-ai` crate, the equivalent curl command, and the \
         `ngrok-ai` command line (crate `ngrok-ai-cli`).",
        api.title,
        api.operations.len(),
        api.tags.len(),
        api.schemas.len()
    ));

    page.heading(2, "Base URL");
    let servers: String = api
        .raw
        .get("servers")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| {
            let url = s.get("url").and_then(|u| u.as_str()).unwrap_or_default();
            let d = s
                .get("description")
                .and_then(|u| u.as_str())
                .unwrap_or_default();
            if d.is_empty() {
                format!("- `{url}`\n")
            } else {
                format!("- `{url}` ({d})\n")
            }
        })
        .collect();
    page.raw(&servers);
    page.raw("\n");
    page.para(
        "Paths on the resource pages are relative to it. The Rust client uses it unless \
         `NGROK_AI_BASE_URL` or `Client::builder().base_url(..)` says otherwise (for a mock \
         server, say).",
    );

    page.heading(2, "Authentication");
    for (name, description) in &api.security {
        page.para(&format!("Scheme `{name}`: {description}"));
    }
    page.para(&format!(
        "Every request carries `Authorization: Bearer <key>`. The curl examples read the key \
         from `${API_KEY_VAR}`; so does the Rust client's `Client::from_env()`. A missing or \
         wrong key gives `401 Unauthorized`."
    ));

    page.heading(2, "Rust client");
    page.code(
        "toml",
        "[dependencies]\n\
         ngrok-ai = { path = \"generated/ngrok-ai\" }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
         futures-util = \"0.3\"",
    );
    page.code(
        "rust",
        "let client = ngrok_ai::Client::from_env()?;\n\
         // or: ngrok_ai::Client::builder().api_key(key).build()?",
    );
    page.para(&format!(
        "Every call is a builder: `client.<operation>()`, one setter per parameter \
         (`.id(..)`, `.limit(..)`), `.body(..)` or `.body_map(..)` for the request body, then \
         `.send().await`, which returns the decoded response or an `ngrok_ai::Error`. Each \
         Rust example on the resource pages is the body of `{SIGNATURE}`. All of them are \
         functions of [the snippets crate](snippets/src/lib.rs), a workspace member, so \
         `cargo build --workspace` compiles every example against the generated client, \
         and `tests/tests/doc_snippets.rs` runs each one against the mock server."
    ));
    page.para(
        "Setters take anything that converts into the type the resource pages show: `&str` \
         for `String`, `20_u32` for `NonZeroU32`, a `types::…::builder()` for a body. \
         Models live in `ngrok_ai::types`; their JSON and Rust fields are listed on the \
         [types page](types.md).",
    );
    page.para(
        "PATCH bodies: a field left out keeps its stored value. Nullable fields are \
         `Option<Nullable<T>>` in Rust: `Nullable::Null` sends `null` (clear), a value sets \
         it, an uncalled setter leaves the field out.",
    );
    page.para(
        "Secrets (the API key, access-key and API-key `token`s, provider-key `value`s) are \
         `ngrok_ai::Secret` values, redacted in `Debug` output; `expose_secret()` reads one \
         deliberately. Tokens are returned once, by the create call.",
    );

    page.heading(2, "Pagination");
    let paginated: Vec<String> = api
        .operations
        .iter()
        .filter_map(|op| {
            let p = op.pagination.as_ref()?;
            let file = page_of(op.tag)?;
            Some(format!(
                "- [`{}`]({}#{}) (`GET {}`): `{}` style, items in `{}`\n",
                op.id, file.file, file.anchors[op.id], op.path, p.style, p.items
            ))
        })
        .collect();
    let limit = api
        .operations
        .iter()
        .flat_map(|op| &op.params)
        .find(|p| p.name == "limit")
        .map(|p| format!(" `limit` sets the page size: {}", p.description))
        .unwrap_or_default();
    page.para(&format!(
        "List operations return one page: an array of items, the list's `uri`, and \
         `nextPageUri`, which is null or absent on the last page.{limit}"
    ));
    page.para(
        "- `beforeId` style (resource lists): items come newest first, and `nextPageUri` \
         carries `beforeId=<ID of the page's last item>`.\n\
         - `cursor` style (usage events): `nextPageUri` carries an opaque `cursor`, passed \
         back unchanged.",
    );
    page.para(
        "In Rust, `stream()` on a list builder follows `nextPageUri` lazily and yields every \
         item (use `futures_util::TryStreamExt::try_next`); `send()` returns a single page. \
         The paginated operations:",
    );
    page.raw(&paginated.concat());
    page.raw("\n");

    page.heading(2, "Errors");
    page.para(&format!(
        "A non-2xx response has a JSON {} body (`errorCode` when one applies, `statusCode`, \
         `msg`, `details`). HEAD responses have no body, so only the status is known. In \
         Rust every failure is an `ngrok_ai::Error`; `Error::Api` carries the operation, the \
         status and the decoded body (`e.api_error()`), and a non-JSON body keeps the status \
         and a snippet.",
        type_link("Error", TYPES_PAGE)
    ));
    page.raw(&table(
        &["Status", "When", "Rust"],
        &[
            vec![
                "`400 Bad Request`".into(),
                "A parameter or body field is invalid.".into(),
                "`e.is_bad_request()`".into(),
            ],
            vec![
                "`401 Unauthorized`".into(),
                "The API key is missing, malformed or revoked.".into(),
                "`e.is_unauthorized()`".into(),
            ],
            vec![
                "`404 Not Found`".into(),
                "No resource with the `id` in the path.".into(),
                "`e.is_not_found()`".into(),
            ],
            vec![
                "`409 Conflict`".into(),
                "A delete refused while other resources reference the target.".into(),
                "`e.is_conflict()`".into(),
            ],
            vec![
                "`429 Too Many Requests`".into(),
                "Rate limited; retried (see below).".into(),
                "`e.is_rate_limited()`".into(),
            ],
            vec![
                "`5xx`".into(),
                "Server trouble; `500`, `502`, `503`, `504` are retried.".into(),
                "`e.is_server_error()`".into(),
            ],
        ],
    ));

    page.heading(2, "Retries");
    page.para(
        "The Rust client retries a request when the connection could not be established \
         (any method), and after a timeout or a `429`, `500`, `502`, `503` or `504` answer for \
         idempotent methods: GET, HEAD, PATCH (this API's PATCH bodies set absolute values) \
         and DELETE. By default it makes 3 attempts in all, waiting a random time up to \
         200 ms, then up to 400 ms (exponential backoff with full jitter, capped at 20 s), \
         and a `Retry-After` header replaces that wait. POST (create, rotate, checkout) is \
         retried only on request, since repeating one may act twice: \
         `client.with_retry_policy(RetryPolicy::default().with_retry_non_idempotent(true))`. \
         `RetryPolicy::disabled()` turns retries off.",
    );

    page.heading(2, "Resources");
    let rows: Vec<Vec<String>> = api
        .tags
        .iter()
        .map(|t| {
            let count = api.operations_of(t.name).count();
            vec![
                format!("[{}]({}.md)", cell(&t.title), t.slug),
                cell(t.description),
                count.to_string(),
            ]
        })
        .collect();
    page.raw(&table(&["Resource", "Description", "Operations"], &rows));

    page.heading(2, "Operations");
    let rows: Vec<Vec<String>> = api
        .operations
        .iter()
        .filter_map(|op| {
            let file = page_of(op.tag)?;
            Some(vec![
                format!(
                    "[{}]({}#{})",
                    cell(op.summary),
                    file.file,
                    file.anchors[op.id]
                ),
                code(&format!("{} {}", op.method.to_uppercase(), op.path)),
                code(op.id),
                code(&format!("client.{}()", op.rust_method)),
            ])
        })
        .collect();
    page.raw(&table(&["Operation", "HTTP", "operationId", "Rust"], &rows));

    page.heading(2, "Types");
    page.para(&format!(
        "[All {} types]({TYPES_PAGE}) (request bodies, resources, lists, errors) with their \
         fields, Rust types and enum values.",
        api.schemas.len()
    ));
    page.finish()
}
