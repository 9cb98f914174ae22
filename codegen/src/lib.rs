//! ngrok-ai-codegen: turns `spec/ngrok-ai.yaml` into the crates under `generated/`.
//!
//! Pipeline: [`load`] (YAML → openapiv3, errors with JSON paths) → [`validate`] (our rules)
//! → [`model`] (the API as every emitter reads it) → [`normalise`] (adapt a copy for
//! progenitor) → [`generate`] (progenitor + our own items, formatted with prettyplease)
//! → [`write`] (only files whose bytes changed).
//!
//! Beside it: [`diff`] compares two descriptions through the same model (`cargo xtask
//! diff`), and [`release`] holds the generated crate's version and changelog
//! (`cargo xtask release`).

pub mod diff;
pub mod docs;
pub mod error;
pub mod generate;
pub mod json_schema;
pub mod load;
pub mod model;
pub mod normalise;
pub mod pointer;
pub mod release;
mod syntax;
pub mod validate;
pub mod write;

use std::path::Path;

pub use error::{CodegenError, Problem, Result};
pub use generate::Output;

/// The spec, relative to the repository root.
pub const SPEC_PATH: &str = "spec/ngrok-ai.yaml";

/// Loads, validates and generates everything from the spec under `root`, in memory.
pub fn generate_all(root: &Path) -> Result<Output> {
    generate_all_from(&root.join(SPEC_PATH))
}

/// [`generate_all`] from the spec at `spec_path` (`cargo xtask regen --spec PATH`); the
/// output's paths are relative to the repository root all the same.
pub fn generate_all_from(spec_path: &Path) -> Result<Output> {
    let spec = load::load_spec(spec_path)?;
    validate::validate(&spec)?;
    let api = model::Api::build(&spec)?;
    let (client, syntax) = generate::generate_with_syntax(&spec, &api)?;
    let docs = docs::generate_from(&spec, &api, &syntax)?;
    let mut output = generate::mock_crate::add(client, &spec, &api)?;
    output = generate::cli_crate::add(output, &spec, &api, &syntax)?;
    output.files.extend(docs.files);
    output.owned_dirs.extend(docs.owned_dirs);
    Ok(output)
}
