//! The generator end to end: determinism, write-only-what-changed, stale detection, and
//! progenitor panics turned into errors.

use std::path::{Path, PathBuf};

use ngrok_ai_codegen::{generate, load, write, CodegenError};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn real_output() -> generate::Output {
    let spec = load::load_spec(&repository_root().join(ngrok_ai_codegen::SPEC_PATH))
        .unwrap_or_else(|e| panic!("{e}"));
    generate::generate(&spec).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ngrok-ai-codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn generating_twice_gives_identical_bytes() {
    assert_eq!(real_output(), real_output());
}

#[test]
fn second_write_touches_nothing_and_strays_are_removed() {
    let output = real_output();
    let dir = TempDir::new("write");
    let first = write::write(&dir.0, &output).expect("first write");
    assert_eq!(first.written.len(), output.files.len());
    assert!(write::differences(&dir.0, &output)
        .expect("diff")
        .is_empty());

    let second = write::write(&dir.0, &output).expect("second write");
    assert!(second.written.is_empty(), "rewrote {:?}", second.written);
    assert_eq!(second.unchanged, output.files.len());

    let stray = output.owned_dirs[0].join("src/leftover.rs");
    std::fs::write(dir.0.join(&stray), "// old").expect("write stray");
    let diffs = write::differences(&dir.0, &output).expect("diff");
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].path, stray);
    assert_eq!(diffs[0].expected, None);
    let third = write::write(&dir.0, &output).expect("third write");
    assert_eq!(third.removed, vec![stray.clone()]);
    assert!(!dir.0.join(&stray).exists());
}

#[test]
fn an_edited_file_is_reported_stale_with_both_contents() {
    let output = real_output();
    let dir = TempDir::new("stale");
    write::write(&dir.0, &output).expect("write");
    let (path, contents) = output.files.iter().next().expect("some file");
    std::fs::write(dir.0.join(path), format!("{contents}// hand edit\n")).expect("edit");
    let diffs = write::differences(&dir.0, &output).expect("diff");
    assert_eq!(diffs.len(), 1);
    assert_eq!(&diffs[0].path, path);
    assert_eq!(diffs[0].expected.as_deref(), Some(contents.as_str()));
    assert!(diffs[0]
        .actual
        .as_deref()
        .is_some_and(|a| a.ends_with("// hand edit\n")));
}

#[test]
fn progenitor_panic_becomes_an_error_naming_the_spec() {
    // progenitor asserts that path parameters are required; the generator must report
    // that, not abort.
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
tags: [{name: Things, description: Things.}]
paths:
  /things:
    get:
      operationId: ListThings
      tags: [Things]
      summary: List
      responses:
        '200': {description: ok}
  /things/{id}:
    get:
      operationId: GetAIGatewayThing
      tags: [Things]
      summary: Get
      parameters: [{name: id, in: path, required: false, schema: {type: string}}]
      responses:
        '200': {description: ok}
"#;
    let path = Path::new("fixtures/optional-path-param.yaml");
    let spec = load::parse_spec(path, text).unwrap_or_else(|e| panic!("{e}"));
    match generate::generate(&spec) {
        Err(CodegenError::Generate { file, message }) => {
            assert_eq!(file, path);
            assert!(message.contains("progenitor"), "{message}");
            // progenitor only knows the renamed id (`GetThing`); the error names the
            // spec's, and where it is.
            assert!(
                message.contains("`GetAIGatewayThing` at /paths/~1things~1{id}/get"),
                "{message}"
            );
        }
        other => panic!("expected a Generate error, got {other:?}"),
    }
}
