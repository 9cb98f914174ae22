//! The Markdown reference under `generated/docs/`, generated from the spec:
//!
//! * `README.md` ([`index`]): the API, authentication, base URL, pagination, errors,
//!   retries, and an index of resources, operations and types;
//! * one page per tag ([`tag_page`]), e.g. `access-keys.md`: every operation with its
//!   parameters, bodies, responses, errors, a Rust example and the curl equivalent;
//! * `types.md` ([`types_page`]): every component schema;
//! * `snippets/` ([`snippets`]): a crate holding every Rust example as a function, a
//!   workspace member, so the examples are compiled against the generated client.
//!
//! The Rust examples follow the client as generated ([`rust_api`] reads the syntax trees
//! the client generator formatted, without parsing its text again), not as the docs guess
//! it.

mod curl;
mod index;
mod markdown;
mod rust_api;
mod snippets;
mod tag_page;
mod types_page;

use std::path::PathBuf;

use crate::error::{CodegenError, Result};
use crate::generate::{ClientSyntax, Output};
use crate::load::Spec;
use crate::model::Api;

pub use markdown::{slug, HEADER};
pub use snippets::PACKAGE as SNIPPETS_PACKAGE;

/// Directory of the docs, relative to the repository root.
pub const DOCS_DIR: &str = "generated/docs";

/// Generates the docs (and the snippets crate) for `spec`.
pub fn generate(spec: &Spec) -> Result<Output> {
    let api = Api::build(spec)?;
    let (_, client) = crate::generate::generate_with_syntax(spec, &api)?;
    generate_from(spec, &api, &client)
}

/// Generates the docs for `spec` given its model and the client crate already generated
/// from it.
pub fn generate_from(spec: &Spec, api: &Api, client: &ClientSyntax) -> Result<Output> {
    render(api, client).map_err(|message| CodegenError::Generate {
        file: spec.path.clone(),
        message: format!("docs: {message}"),
    })
}

fn render(api: &Api, client: &ClientSyntax) -> std::result::Result<Output, String> {
    if api.base_url.is_empty() {
        return Err("the spec declares no server URL (`/servers/0/url`)".into());
    }
    let rust = rust_api::RustApi::read(client)?;
    let snippets = snippets::build(api, &rust)?;
    let pages = api
        .tags
        .iter()
        .map(|tag| tag_page::render(api, &rust, &snippets, tag))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let types = types_page::render(api, &rust, &pages)?;
    let index = index::render(api, &pages);

    let dir = PathBuf::from(DOCS_DIR);
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    out.files.insert(dir.join("README.md"), index);
    out.files.insert(dir.join(markdown::TYPES_PAGE), types);
    for page in pages {
        out.files.insert(dir.join(&page.file), page.text);
    }
    for (path, text) in snippets.files {
        out.files.insert(path, text);
    }
    for (path, text) in out.files.iter_mut() {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if path.extension().is_some_and(|e| e == "md") && !text.starts_with(HEADER) {
            return Err(format!(
                "{} lacks the generated-file header",
                path.display()
            ));
        }
    }
    Ok(out)
}
