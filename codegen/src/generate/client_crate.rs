//! Lays out the `ngrok-ai` crate: manifest, `lib.rs`, progenitor's modules split into
//! files, and the runtime copied from `codegen/runtime/src`.

use std::path::{Path, PathBuf};

use syn::{Item, ItemMod};

use super::{format, Output, HASH_HEADER, RUST_HEADER};
use crate::error::{CodegenError, Result};
use crate::load::Spec;
use crate::normalise::Plan;

/// Where the client crate lives, relative to the repository root.
pub const CRATE_DIR: &str = "generated/ngrok-ai";
/// Version of the generated crate (not the API's `info.version`).
pub const CRATE_VERSION: &str = "0.1.0";

/// The runtime sources, read from the codegen crate's own tree so that the copy in
/// `generated/` is byte-for-byte what `cargo test -p ngrok-ai-runtime` tested.
fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime")
}

pub fn files(spec: &Spec, plan: &Plan, mut api: syn::File) -> Result<Output> {
    let dir = PathBuf::from(CRATE_DIR);
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
    for name in ["types", "builder"] {
        let body = take_module(&mut api, name).map_err(fail)?;
        out.files.insert(
            dir.join(format!("src/api/{name}.rs")),
            rust_file(&syn::File {
                shebang: None,
                attrs: vec![],
                items: body,
            }),
        );
    }
    out.files.insert(dir.join("src/api/mod.rs"), rust_file(&api));

    let runtime = runtime_dir();
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| CodegenError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(runtime.join("src"))
        .map_err(|source| CodegenError::Io {
            path: runtime.join("src"),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let target = if name == "lib.rs" { "mod.rs" } else { name };
        let text = read(&path)?;
        out.files.insert(dir.join("src/runtime").join(target), format!("{RUST_HEADER}{text}"));
    }

    let manifest = read(&runtime.join("Cargo.toml"))?;
    out.files.insert(dir.join("Cargo.toml"), cargo_toml(&manifest).map_err(fail)?);
    out.files.insert(dir.join("src/lib.rs"), lib_rs(spec, plan));
    Ok(out)
}

fn take_module(file: &mut syn::File, name: &str) -> std::result::Result<Vec<Item>, String> {
    for item in &mut file.items {
        if let Item::Mod(ItemMod { ident, content, semi, .. }) = item {
            if ident == name {
                let (_, items) = content.take().ok_or_else(|| format!("`mod {name}` has no body"))?;
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

/// The generated crate depends on exactly what the runtime crate depends on, so the
/// versions and features tested there are the ones users get.
fn cargo_toml(runtime_manifest: &str) -> std::result::Result<String, String> {
    let deps = section(runtime_manifest, "[dependencies]")
        .ok_or("codegen/runtime/Cargo.toml has no [dependencies]")?;
    Ok(format!(
        r#"{HASH_HEADER}[package]
name = "ngrok-ai"
version = "{CRATE_VERSION}"
edition = "2021"
rust-version = "1.88"
license = "Apache-2.0"
description = "Typed client for the ngrok.ai management API (access keys, providers, provider keys, usage, credits)"
keywords = ["ngrok", "ai-gateway", "api", "client", "sdk"]
categories = ["api-bindings", "web-programming::http-client"]

[dependencies]
{deps}"#
    ))
}

/// The lines of one TOML section, without its header.
fn section(manifest: &str, header: &str) -> Option<String> {
    let start = manifest.find(header)? + header.len();
    let rest = &manifest[start..];
    let end = rest.find("\n[").map(|i| i + 1).unwrap_or(rest.len());
    Some(rest[..end].trim_start_matches('\n').to_string())
}

fn lib_rs(spec: &Spec, plan: &Plan) -> String {
    let title = spec.openapi.info.title.as_str();
    let api_version = spec.openapi.info.version.as_str();
    let operations = plan.operations.len();
    format!(
        r#"{RUST_HEADER}//! Typed client for the ngrok.ai management API ("{title}", version {api_version}):
//! access keys, access key configurations, providers, provider keys, API keys, gateway
//! settings, credits and usage — {operations} operations, generated from the project's
//! OpenAPI description.
//!
//! ```no_run
//! # async fn example() -> Result<(), ngrok_ai::Error> {{
//! use futures_util::TryStreamExt;
//!
//! // NGROK_AI_API_KEY (required) and NGROK_AI_BASE_URL (optional) configure the client.
//! let client = ngrok_ai::Client::from_env()?;
//! let key = client
//!     .create_access_key()
//!     .body(ngrok_ai::types::AiGatewayAccessKeyCreate::builder().name("support-bot".to_string()))
//!     .send()
//!     .await?;
//! println!("{{}} {{:?}}", key.id, key.token); // the token is redacted in Debug output
//!
//! let mut keys = client.list_access_keys().limit(50u32).stream();
//! while let Some(key) = keys.try_next().await? {{
//!     println!("{{}}", key.id);
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

mod api;
mod runtime;

pub use api::{{builder, types, Client}};
pub use runtime::{{ApiError, ClientBuilder, ClientConfig, Error, ErrorBody, Nullable, RetryPolicy, Secret}};
"#
    )
}
