//! `cargo xtask diff`: what changed between two descriptions of the API, and what it
//! means for the callers of the generated client.
//!
//! Both descriptions go through the same pipeline as `regen` ([`crate::load`] →
//! [`crate::validate`] → [`crate::model::Api::build`]), so an input `regen` would refuse
//! is refused with the same message. The two models are then walked side by side
//! ([`walk`] for the API, operations, parameters, bodies, responses and pagination;
//! [`schema`] for schemas, keyword by keyword), and every difference becomes a
//! [`Change`]: a JSON pointer, a [`Rule`], its [`Class`] (breaking, additive,
//! informational; [`rules`] says which and why) and a sentence. [`render`] prints a
//! report as text or JSON; [`version`] turns it into the crate's next version and a
//! changelog entry.
//!
//! With [`Options::wire`], only wire facts are compared: names, types, formats,
//! `required`, `nullable`, enums, bounds, defaults, parameters, status codes, pagination
//! and ID prefixes. Prose, examples, ordering, Rust names (operationIds, component
//! names, path-parameter names), tags and client-side extensions are ignored, and
//! operations are matched by method and path instead of operationId.

mod change;
mod input;
pub mod render;
mod rules;
mod schema;
pub mod version;
mod walk;

use std::path::Path;

pub use change::{Change, Group, Report};
pub use input::{git_show, Source};
pub use rules::{Class, Dir, Rule};

use crate::error::Result;
use crate::model::Api;

/// How to compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Wire facts only (`--wire`).
    pub wire: bool,
}

/// Every change from `old` to `new`, sorted by group (the API, operations, schemas) and
/// JSON pointer.
pub fn compare<'a>(old: &'a Api<'a>, new: &'a Api<'a>, options: Options) -> Vec<Change> {
    walk::Differ::new(old, new, options.wire).run()
}

/// Loads both sources (relative to the repository `root`) and compares them.
///
/// # Errors
/// What `regen` reports for a spec it cannot read, validate or model, naming the source.
pub fn diff(root: &Path, old: &Source, new: &Source, options: Options) -> Result<Report> {
    let old_spec = old.load_with(root, options.wire)?;
    let new_spec = new.load_with(root, options.wire)?;
    let old_api = Api::build(&old_spec)?;
    let new_api = Api::build(&new_spec)?;
    Ok(Report {
        old: old.to_string(),
        new: new.to_string(),
        wire: options.wire,
        changes: compare(&old_api, &new_api, options),
    })
}

/// Compares two spec texts (YAML or JSON); `old_name` and `new_name` appear in messages.
///
/// # Errors
/// As [`diff`].
pub fn diff_texts(
    old_name: &str,
    old: &str,
    new_name: &str,
    new: &str,
    options: Options,
) -> Result<Report> {
    let parse = if options.wire {
        input::parse_for_wire
    } else {
        input::parse
    };
    let old_spec = parse(Path::new(old_name), old)?;
    let new_spec = parse(Path::new(new_name), new)?;
    let old_api = Api::build(&old_spec)?;
    let new_api = Api::build(&new_spec)?;
    Ok(Report {
        old: old_name.to_owned(),
        new: new_name.to_owned(),
        wire: options.wire,
        changes: compare(&old_api, &new_api, options),
    })
}
