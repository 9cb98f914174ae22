//! Snapshot tests: each focused spec in `tests/specs/` is generated into a crate under
//! `tests/snapshots/<name>/`, checked in. The crates are workspace members, so the
//! snapshots are compiled (and linted) by every `cargo build`/`cargo clippy --workspace`.
//!
//! After an intended change to the generator: `UPDATE_SNAPSHOTS=1 cargo test -p
//! ngrok-ai-codegen --test snapshots`, then review the diff.

use std::path::{Path, PathBuf};

use ngrok_ai_codegen::generate::{generate_crate, Layout};
use ngrok_ai_codegen::{load, validate, write};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check_snapshot(name: &str) {
    let root = repository_root();
    let spec_path = root.join(format!("codegen/tests/specs/{name}.yaml"));
    let spec = load::load_spec(&spec_path).unwrap_or_else(|e| panic!("{e}"));
    validate::validate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let layout = Layout {
        dir: PathBuf::from(format!("codegen/tests/snapshots/{name}")),
        package: format!("snapshot-{}", name.replace('_', "-")),
        copy_runtime: false,
        quick_start: false,
    };
    let output = generate_crate(&spec, &layout).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        write::write(&root, &output).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let stale = write::differences(&root, &output).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = stale.iter().map(|d| d.path.display().to_string()).collect();
    assert!(
        stale.is_empty(),
        "snapshot `{name}` differs from the generator's output in {names:?}; \
         run `UPDATE_SNAPSHOTS=1 cargo test -p ngrok-ai-codegen --test snapshots` and review the diff"
    );
}

#[test]
fn errors_and_bodyless() {
    check_snapshot("errors_and_bodyless");
}

#[test]
fn patch_and_secrets() {
    check_snapshot("patch_and_secrets");
}

#[test]
fn enums_and_unions() {
    check_snapshot("enums_and_unions");
}

#[test]
fn pagination() {
    check_snapshot("pagination");
}
