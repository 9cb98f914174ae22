//! Lays out the `ngrok-ai` crate: manifest, `lib.rs`, progenitor's modules split into
//! files, and the runtime copied from `codegen/runtime/src`.

use std::path::{Path, PathBuf};

use syn::{Item, ItemMod};

use super::{format, hand_written, Output, HASH_HEADER, RUST_HEADER};
use crate::error::{CodegenError, Result};
use crate::load::Spec;
use crate::normalise::Plan;

/// Version of the generated crate (not the API's `info.version`).
pub const CRATE_VERSION: &str = "0.1.0";

/// Where a generated crate goes and how it is put together.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Directory of the crate, relative to the repository root.
    pub dir: PathBuf,
    /// Cargo package name.
    pub package: String,
    /// `true`: copy the runtime into the crate (what users get). `false`: point
    /// `mod runtime` at `codegen/runtime/src` with `#[path]` (snapshot crates, which
    /// only need to compile and should not repeat the runtime).
    pub copy_runtime: bool,
    /// Crate docs with a quick start that calls this API's operations.
    pub quick_start: bool,
}

impl Layout {
    /// The `ngrok-ai` crate under `generated/`.
    pub fn client() -> Self {
        Self {
            dir: PathBuf::from("generated/ngrok-ai"),
            package: "ngrok-ai".into(),
            copy_runtime: true,
            quick_start: true,
        }
    }
}

/// The runtime sources, read from the codegen crate's own tree so that the copy in
/// `generated/` is byte-for-byte what `cargo test -p ngrok-ai-runtime` tested.
fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime")
}

/// The client's API modules as syntax trees, before formatting: what the docs read, so
/// they need not parse the generated text again.
pub struct ClientSyntax {
    /// `src/api/types.rs`.
    pub types: syn::File,
    /// `src/api/builder.rs`.
    pub builder: syn::File,
    /// `src/api/mod.rs`.
    pub api_mod: syn::File,
}

pub fn files(spec: &Spec, plan: &Plan, api: syn::File, layout: &Layout) -> Result<Output> {
    files_and_syntax(spec, plan, api, layout).map(|(out, _)| out)
}

/// [`files`], also returning the syntax trees of the API modules.
pub fn files_and_syntax(
    spec: &Spec,
    plan: &Plan,
    mut api: syn::File,
    layout: &Layout,
) -> Result<(Output, ClientSyntax)> {
    let dir = layout.dir.clone();
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    let fail = |message: String| CodegenError::Generate {
        file: spec.path.clone(),
        message,
    };

    api.items
        .retain(|i| !matches!(i, Item::Mod(m) if m.ident == "prelude"));
    let module = |api: &mut syn::File, name: &str| -> Result<syn::File> {
        Ok(syn::File {
            shebang: None,
            attrs: vec![],
            items: take_module(api, name).map_err(fail)?,
        })
    };
    let syntax = ClientSyntax {
        types: module(&mut api, "types")?,
        builder: module(&mut api, "builder")?,
        api_mod: api,
    };
    for (name, file) in [
        ("types", &syntax.types),
        ("builder", &syntax.builder),
        ("mod", &syntax.api_mod),
    ] {
        out.files
            .insert(dir.join(format!("src/api/{name}.rs")), rust_file(file));
    }

    let runtime = runtime_dir();
    let manifest = hand_written::read(&runtime.join("Cargo.toml"))?;
    out.files.insert(
        dir.join("Cargo.toml"),
        cargo_toml(&manifest, layout).map_err(fail)?,
    );
    out.files
        .insert(dir.join("src/lib.rs"), lib_rs(spec, plan, layout));
    if !layout.copy_runtime {
        return Ok((out, syntax));
    }
    for (name, text) in hand_written::rust_sources(&runtime.join("src"))? {
        let target = if name == "lib.rs" { "mod.rs" } else { &name };
        out.files.insert(
            dir.join("src/runtime").join(target),
            format!("{RUST_HEADER}{text}"),
        );
    }
    Ok((out, syntax))
}

fn take_module(file: &mut syn::File, name: &str) -> std::result::Result<Vec<Item>, String> {
    for item in &mut file.items {
        if let Item::Mod(ItemMod {
            ident,
            content,
            semi,
            ..
        }) = item
        {
            if ident == name {
                let (_, items) = content
                    .take()
                    .ok_or_else(|| format!("`mod {name}` has no body"))?;
                *semi = Some(Default::default());
                return Ok(items);
            }
        }
    }
    Err(format!("progenitor output has no `mod {name}`"))
}

fn rust_file(file: &syn::File) -> String {
    format!("{RUST_HEADER}{}", format(file))
}

/// The dev-dependencies of a crate with the quick start: its doctest runs against the
/// in-process mock, which depends on the client in turn (a dev-dependency cycle, which
/// cargo allows: the doctest and the mock link the same `ngrok-ai`).
const QUICK_START_DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
# The crate docs' quick start runs against the generated fake of the API.
ngrok-ai-mock = { path = "../ngrok-ai-mock" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

/// The generated crate depends on exactly what the runtime crate depends on, so the
/// versions and features tested there are the ones users get.
fn cargo_toml(runtime_manifest: &str, layout: &Layout) -> std::result::Result<String, String> {
    let package = &layout.package;
    let deps = hand_written::toml_section(runtime_manifest, "[dependencies]")
        .ok_or("codegen/runtime/Cargo.toml has no [dependencies]")?;
    let deps = format!("{}\n", deps.trim_end());
    let dev_deps = if layout.quick_start {
        QUICK_START_DEV_DEPENDENCIES
    } else {
        ""
    };
    Ok(format!(
        r#"{HASH_HEADER}[package]
name = "{package}"
version = "{CRATE_VERSION}"
edition = "2021"
rust-version = "1.88"
license = "Apache-2.0"
description = "Typed client for the ngrok.ai management API (access keys, providers, provider keys, usage, credits)"
keywords = ["ngrok", "ai-gateway", "api", "client", "sdk"]
categories = ["api-bindings", "web-programming::http-client"]

[dependencies]
{deps}{dev_deps}"#
    ))
}

fn lib_rs(spec: &Spec, plan: &Plan, layout: &Layout) -> String {
    let title = spec.openapi.info.title.as_str();
    let api_version = spec.openapi.info.version.as_str();
    let operations = plan.operations.len();
    // Public so users reach its less common pieces (environment variable names,
    // `install_crypto_provider`, pagination helpers); the usual types are re-exported.
    let runtime_doc =
        "/// Support code of the generated client: configuration, errors, retries, pagination.";
    let runtime_mod = if layout.copy_runtime {
        format!("{runtime_doc}\npub mod runtime;")
    } else {
        let depth = layout.dir.components().count() + 1;
        format!(
            "{runtime_doc}\n#[path = \"{}codegen/runtime/src/lib.rs\"]\npub mod runtime;",
            "../".repeat(depth)
        )
    };
    let docs = if layout.quick_start {
        quick_start(title, api_version, operations)
    } else {
        format!("//! Snapshot of the generator's output for a focused test spec ({title}).\n")
    };
    format!(
        r#"{RUST_HEADER}{docs}#![deny(missing_docs)]

// progenitor's output is formatted by prettyplease, not rustfmt; `cargo fmt` leaves it be.
#[rustfmt::skip]
mod api;
{runtime_mod}

pub use api::{{builder, types, Client}};
pub use runtime::{{
    ApiError, ClientBuilder, ClientConfig, Error, ErrorBody, Nullable, RetryPolicy, Secret,
}};
"#
    )
}

fn quick_start(title: &str, api_version: &str, operations: usize) -> String {
    format!(
        r#"//! Typed client for the ngrok.ai management API ("{title}", version {api_version}):
//! access keys, access key configurations, providers, provider keys, API keys, gateway
//! settings, credits and usage — {operations} operations, generated from the project's
//! OpenAPI description.
//!
//! # Quick start
//!
//! ```
//! use futures_util::TryStreamExt;
//! use ngrok_ai::{{types, Client, Nullable}};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), ngrok_ai::Error> {{
//! # // The example runs against the in-process fake of the API (crate `ngrok-ai-mock`).
//! # let mock = ngrok_ai_mock::MockServer::start().await;
//! # std::env::set_var("NGROK_AI_API_KEY", mock.api_key());
//! # std::env::set_var("NGROK_AI_BASE_URL", mock.base_url());
//! // NGROK_AI_API_KEY (required) and NGROK_AI_BASE_URL (optional) configure the client.
//! let client = Client::from_env()?;
//!
//! // Create: the token is in this response only, and redacted in Debug output.
//! let key = client
//!     .create_access_key()
//!     .body(types::AiGatewayAccessKeyCreate::builder().name("support-bot".to_string()))
//!     .send()
//!     .await?;
//! let token = key.token.as_ref().expect("a create response carries the token");
//! assert!(!format!("{{token:?}}").contains(token.expose_secret()));
//!
//! // One page with `send()`, or every item of every page with `stream()`.
//! let page = client.list_access_keys().limit(10u32).send().await?;
//! assert_eq!(page.ai_gateway_access_keys.len(), 1);
//! let mut keys = client.list_access_keys().stream();
//! while let Some(listed) = keys.try_next().await? {{
//!     assert!(listed.token.is_none()); // lists never carry tokens
//!     println!("{{}} {{}}", listed.id, listed.key_redacted);
//! }}
//!
//! // PATCH: an unset field is left alone, `Nullable::Null` clears it, a value sets it.
//! let key = client
//!     .update_access_key()
//!     .id(&key.id)
//!     .body_map(|b| b.name(Nullable::from("support-bot-v2")).description(Nullable::Null))
//!     .send()
//!     .await?;
//! assert_eq!(key.name.as_deref(), Some("support-bot-v2"));
//!
//! // Errors carry the operation, the status and the API's error body.
//! client.delete_access_key().id(&key.id).send().await?;
//! match client.get_access_key().id(&key.id).send().await {{
//!     Err(e) if e.is_not_found() => println!("gone: {{e}}"),
//!     other => panic!("expected a 404, got {{other:?}}"),
//! }}
//! # Ok(())
//! # }}
//! ```
//!
//! * Every call is a builder ending in `send()`, which returns the decoded body or an
//!   [`Error`] naming the operation, the HTTP status and the API's `errorCode`/`msg`.
//! * List calls also offer `stream()`, which follows `nextPageUri` lazily.
//! * PATCH bodies take `Option<Nullable<T>>` per nullable field: `None` leaves the field
//!   unchanged, `Some(Nullable::Null)` clears it, `Some(Nullable::Value(v))` sets it.
//! * Idempotent calls (GET, HEAD, PATCH, DELETE) are retried on connection errors, 429 and
//!   5xx with exponential backoff and jitter, honouring `Retry-After`; see [`RetryPolicy`].
//! * Credentials are held in [`Secret`], which never prints its value.
//! * Tests of code using this crate can run against `ngrok-ai-mock`, a stateful fake of
//!   the API generated from the same description, as this example does.
"#
    )
}
