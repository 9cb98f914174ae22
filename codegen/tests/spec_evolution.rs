//! The evolution test: an additive API change needs no edit outside `spec/` and
//! `generated/`.
//!
//! It copies `spec/ngrok-ai.yaml`, applies the kinds of change the API makes (see
//! [`evolve`]: a new paged resource, a new optional field on an existing one, new enum
//! values, a new query parameter, a removed operation), generates everything from the
//! copy with [`ngrok_ai_codegen::generate_all`] into a workspace of its own, builds every
//! generated crate there (`cargo build --workspace`) and runs a driver
//! (`codegen/tests/evolution/driver.rs`) with a nested `cargo test`: the driver uses the
//! new resource through the generated client against the generated mock server, and
//! through the generated docs' snippets, httpmock expectations and CLI.
//!
//! The workspace lives at a stable path under the target directory
//! (`<target>/evolution/workspace`, built into `<target>/evolution/target`: the outer
//! `cargo test` holds the lock of its own target directory), and only files whose bytes
//! changed are written, so a re-run rebuilds only what changed. The first run builds the
//! dependencies once more (1.5 to 3 minutes on two shared cores, about 800 MB).
//!
//! `NGROK_AI_SKIP_EVOLUTION=1` skips it locally (never when `CI` is set);
//! `NGROK_AI_EVOLUTION_TIMEOUT_SECS` changes the nested build's time limit (1200 s).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const SKIP_VAR: &str = "NGROK_AI_SKIP_EVOLUTION";
const TIMEOUT_VAR: &str = "NGROK_AI_EVOLUTION_TIMEOUT_SECS";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);
const DRIVER_PACKAGE: &str = "ngrok-ai-evolution-driver";

/// The repository root (this crate is `codegen/`).
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ has a parent")
        .to_path_buf()
}

/// `<target>/evolution`: the outer build's target directory is the parent of
/// `CARGO_TARGET_TMPDIR` (`<target>/tmp`), wherever `CARGO_TARGET_DIR` put it.
fn evolution_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .join("evolution")
}

fn skipped() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    let skip = std::env::var(SKIP_VAR).is_ok_and(|v| !v.is_empty() && v != "0");
    if skip && !ci {
        eprintln!("spec_evolution: skipped ({SKIP_VAR} is set and CI is not)");
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------
// The spec edits.

/// The value at a JSON pointer, which must exist.
fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the spec has nothing at {pointer}"))
}

/// Inserts `key` into the object at `pointer`; the key must be new.
fn insert_new(doc: &mut Value, pointer: &str, key: &str, value: Value) {
    let map = at(doc, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("{pointer} is not an object"));
    assert!(
        map.insert(key.to_owned(), value).is_none(),
        "{pointer}/{key} already exists in spec/ngrok-ai.yaml: pick another name for the evolution test"
    );
}

/// Appends `value` to the array at `pointer`.
fn push(doc: &mut Value, pointer: &str, value: Value) {
    at(doc, pointer)
        .as_array_mut()
        .unwrap_or_else(|| panic!("{pointer} is not an array"))
        .push(value);
}

/// The spec after the changes, parsed from `spec/ngrok-ai.yaml` and edited as a document:
///
/// * (a) a new conventional resource, webhooks (`codegen/tests/evolution/webhooks.yaml`: tag,
///   `/webhooks` and `/webhooks/{id}` with list/head/create/get/head/update/delete, the
///   `AIGatewayWebhook*` schemas, ID prefix `aigwh_`, `beforeId` pagination, an
///   `accessKeyId` with `x-ngrok-references`, a nullable array in the PATCH body);
/// * (b) an optional `owner` on access keys: the resource, its create and (nullable)
///   update bodies;
/// * (c) a new value in an enum of a component schema (`CreditTransactionCredits.category`
///   gains `referral`) and in an inline one (`groupBy` of `GetAIGatewayUsageOverview`
///   gains `model`);
/// * (d) a new optional query parameter on an existing list (`accessKeyConfigurationId`
///   on `ListAIGatewayAccessKeys`);
/// * (e) a removed operation: `HeadAIGatewayProviderAPIKeys` (`HEAD /provider-keys`).
fn evolve(spec_yaml: &str, additions_yaml: &str) -> Value {
    let mut doc: Value = serde_norway::from_str(spec_yaml).expect("spec/ngrok-ai.yaml parses");
    let additions: Value = serde_norway::from_str(additions_yaml)
        .expect("codegen/tests/evolution/webhooks.yaml parses");

    // (a) the new resource.
    push(&mut doc, "/tags", additions["tag"].clone());
    for (section, pointer) in [
        ("paths", "/paths"),
        ("parameters", "/components/parameters"),
        ("schemas", "/components/schemas"),
    ] {
        let entries = additions[section]
            .as_object()
            .unwrap_or_else(|| panic!("webhooks.yaml: `{section}` is not a map"));
        for (key, value) in entries {
            insert_new(&mut doc, pointer, key, value.clone());
        }
    }

    // (b) an optional field on an existing resource, its create and its update body.
    let owner = "Team or person responsible for the key.";
    insert_new(
        &mut doc,
        "/components/schemas/AIGatewayAccessKey/properties",
        "owner",
        json!({"type": "string", "description": owner}),
    );
    insert_new(
        &mut doc,
        "/components/schemas/AIGatewayAccessKey/example",
        "owner",
        json!("support-team"),
    );
    insert_new(
        &mut doc,
        "/components/schemas/AIGatewayAccessKeyCreate/properties",
        "owner",
        json!({"type": "string", "maxLength": 255, "description": owner}),
    );
    insert_new(
        &mut doc,
        "/components/schemas/AIGatewayAccessKeyCreate/example",
        "owner",
        json!("support-team"),
    );
    insert_new(
        &mut doc,
        "/components/schemas/AIGatewayAccessKeyUpdate/properties",
        "owner",
        json!({
            "type": "string",
            "nullable": true,
            "maxLength": 255,
            "description": format!("{owner} null clears it."),
        }),
    );

    // (c) new enum values: in a component schema, and inline in an operation.
    push(
        &mut doc,
        "/components/schemas/CreditTransactionCredits/properties/category/enum",
        json!("referral"),
    );
    let overview = at(&mut doc, "/paths/~1usage~1overview/get/parameters")
        .as_array_mut()
        .expect("GetAIGatewayUsageOverview has parameters");
    let group_by = overview
        .iter_mut()
        .find(|p| p["name"] == "groupBy")
        .expect("GetAIGatewayUsageOverview has groupBy");
    push(group_by, "/schema/enum", json!("model"));

    // (d) a new optional query parameter on an existing list.
    push(
        &mut doc,
        "/paths/~1access-keys/get/parameters",
        json!({
            "name": "accessKeyConfigurationId",
            "in": "query",
            "required": false,
            "description": "Return only the access keys linked to this access key configuration.",
            "schema": {"type": "string"},
            "example": "aigac_2pZ3hB6nX1qW9eR4tY7uI0oPa5Sd",
        }),
    );

    // (e) a removed operation: the HEAD of a list (a convention the mock serves without a
    // hook; an operation with a hook in codegen/handwritten/mock/src/hooks.rs is, by design, a
    // compile error there when the spec drops it).
    let provider_keys = at(&mut doc, "/paths/~1provider-keys")
        .as_object_mut()
        .expect("/provider-keys is an object");
    assert!(
        provider_keys.remove("head").is_some(),
        "HEAD /provider-keys is gone from spec/ngrok-ai.yaml: pick another operation to remove"
    );
    doc
}

// ---------------------------------------------------------------------------------------
// The workspace.

/// Writes `contents` to `path` unless it already holds exactly those bytes (so cargo's
/// fingerprints see no change); returns whether it wrote.
fn write_if_changed(path: &Path, contents: &[u8]) -> bool {
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return false;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    let temporary = path.with_extension("evolution-tmp");
    std::fs::write(&temporary, contents)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", temporary.display()));
    std::fs::rename(&temporary, path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    true
}

/// The `[profile.*]` sections of the repository's manifest, so that the copy builds with
/// the same settings.
fn profiles(root_manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in root_manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            inside = trimmed.starts_with("[profile");
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Every crate the generator produced (a directory with a generated `Cargo.toml`), so a
/// crate it starts producing is built here too.
fn generated_crates(output: &ngrok_ai_codegen::Output) -> Vec<String> {
    output
        .files
        .keys()
        .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml"))
        .filter_map(|p| p.parent())
        .map(|dir| dir.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn workspace_manifest(root: &Path, crates: &[String]) -> String {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let members: Vec<String> = crates
        .iter()
        .map(String::as_str)
        .chain(["driver"])
        .map(|m| format!("\"{m}\""))
        .collect();
    format!(
        "# Written by codegen/tests/spec_evolution.rs.\n\
         [workspace]\n\
         resolver = \"2\"\n\
         members = [{}]\n\n\
         {}",
        members.join(", "),
        profiles(&manifest)
    )
}

/// The driver's manifest: the generated crates, and what the driver itself uses, in
/// versions the copied `Cargo.lock` already holds.
const DRIVER_MANIFEST: &str = r#"# Written by codegen/tests/spec_evolution.rs.
[package]
name = "ngrok-ai-evolution-driver"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "driver.rs"
doctest = false

[dependencies]
ngrok-ai = { path = "../generated/ngrok-ai" }
ngrok-ai-mock = { path = "../generated/ngrok-ai-mock" }
ngrok-ai-httpmock = { path = "../generated/ngrok-ai-httpmock" }
ngrok-ai-doc-snippets = { path = "../generated/docs/snippets" }
chrono = { version = "0.4", default-features = false, features = ["std"] }
httpmock = { version = "0.9", default-features = false }
futures-util = { version = "0.3", default-features = false, features = ["std"] }
reqwest = { version = "0.13", default-features = false }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

/// Sets up `<evolution>/workspace` from the evolved spec; returns its path.
fn prepare_workspace(root: &Path, evolution: &Path) -> PathBuf {
    let ws = evolution.join("workspace");
    let spec = std::fs::read_to_string(root.join(ngrok_ai_codegen::SPEC_PATH))
        .expect("spec/ngrok-ai.yaml");
    let additions = std::fs::read_to_string(root.join("codegen/tests/evolution/webhooks.yaml"))
        .expect("codegen/tests/evolution/webhooks.yaml");
    let evolved = evolve(&spec, &additions);
    let yaml = serde_norway::to_string(&evolved).expect("the evolved spec serialises");
    let yaml = format!(
        "# spec/ngrok-ai.yaml with the edits of codegen/tests/spec_evolution.rs (`evolve`).\n{yaml}"
    );
    let spec_path = ws.join(ngrok_ai_codegen::SPEC_PATH);
    write_if_changed(&spec_path, yaml.as_bytes());
    third_party_validation(root, &spec_path);

    let output = ngrok_ai_codegen::generate_all(&ws)
        .unwrap_or_else(|e| panic!("the generator rejects the evolved spec:\n{e}"));
    check_output(&output);
    let report = ngrok_ai_codegen::write::write(&ws, &output)
        .unwrap_or_else(|e| panic!("cannot write the generated files: {e}"));
    eprintln!(
        "spec_evolution: generated {} files into {} ({} written, {} removed)",
        output.files.len(),
        ws.display(),
        report.written.len(),
        report.removed.len()
    );

    let crates = generated_crates(&output);
    write_if_changed(
        &ws.join("Cargo.toml"),
        workspace_manifest(root, &crates).as_bytes(),
    );
    write_if_changed(&ws.join("driver/Cargo.toml"), DRIVER_MANIFEST.as_bytes());
    let driver = std::fs::read(root.join("codegen/tests/evolution/driver.rs")).expect("driver.rs");
    write_if_changed(&ws.join("driver/driver.rs"), &driver);

    // The repository's lock file, so that nothing new is resolved or downloaded. Cargo
    // rewrites the copy (it adds the driver, drops the rest), so it is copied again only
    // when the repository's changed.
    let lock = std::fs::read(root.join("Cargo.lock")).expect("Cargo.lock");
    if write_if_changed(&evolution.join("Cargo.lock.source"), &lock)
        || !ws.join("Cargo.lock").exists()
    {
        write_if_changed(&ws.join("Cargo.lock"), &lock);
    }
    ws
}

/// The evolved spec through the third-party validator that CI installs (`.ci/run`), when
/// it is installed: the edits must keep the document valid OpenAPI, not just valid for us.
fn third_party_validation(root: &Path, spec: &Path) {
    let validator = root.join(".ci/.venv/bin/openapi-spec-validator");
    if !validator.exists() {
        eprintln!(
            "spec_evolution: {} is not installed (.ci/run installs it); not run",
            validator.display()
        );
        return;
    }
    let output = Command::new(&validator)
        .arg(spec)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", validator.display()));
    assert!(
        output.status.success(),
        "openapi-spec-validator rejects the evolved spec {}:\n{}{}",
        spec.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("spec_evolution: openapi-spec-validator accepts the evolved spec");
}

/// What the generator produced, checked before anything is compiled.
fn check_output(output: &ngrok_ai_codegen::Output) {
    let outside: Vec<_> = output
        .files
        .keys()
        .filter(|p| !p.starts_with("generated"))
        .collect();
    assert!(
        outside.is_empty(),
        "the generator writes outside generated/: {outside:?}"
    );
    let file = |path: &str| -> &str {
        output
            .files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("the generator produced no {path}"))
    };
    for (path, needle) in [
        (
            "generated/ngrok-ai/src/api/builder.rs",
            "ListAIGatewayWebhooks",
        ),
        (
            "generated/ngrok-ai-mock/src/spec.rs",
            "ListAIGatewayWebhooks",
        ),
        ("generated/ngrok-ai-mock/src/spec.rs", "aigwh_"),
        ("generated/docs/README.md", "ebhook"),
    ] {
        assert!(
            file(path).contains(needle),
            "{path} does not mention {needle}"
        );
    }
    assert!(
        output
            .files
            .iter()
            .any(|(path, text)| path.starts_with("generated/docs")
                && path.extension().is_some_and(|e| e == "md")
                && text.contains("UpdateAIGatewayWebhook")),
        "no page of generated/docs documents UpdateAIGatewayWebhook"
    );
    // The removed operation is gone everywhere: client, mock, expectations, docs.
    for (path, text) in &output.files {
        for gone in [
            "HeadAIGatewayProviderAPIKeys",
            "HeadProviderApiKeys",
            "head_provider_api_keys",
        ] {
            assert!(
                !text.contains(gone),
                "{} still mentions the removed operation ({gone})",
                path.display()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The nested build.

fn timeout() -> Duration {
    std::env::var(TIMEOUT_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Kills the nested cargo and everything it started (its own process group).
fn kill_tree(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// In the evolution workspace, with its own target directory: `cargo build --workspace`
/// (every generated crate, binaries included) and `cargo test` of the driver, both
/// within [`timeout`]. Panics with cargo's output on failure.
fn run_driver(ws: &Path, evolution: &Path) {
    let log_path = evolution.join("cargo.log");
    let log = std::fs::File::create(&log_path).expect("cargo.log");
    let started = Instant::now();
    let deadline = started + timeout();
    let steps: [&[&str]; 2] = [
        &["build", "--workspace"],
        &[
            "test",
            "--package",
            DRIVER_PACKAGE,
            "--lib",
            "--",
            "--nocapture",
        ],
    ];
    for args in steps {
        let status = run_cargo(ws, evolution, args, &log, deadline);
        let mut output = String::new();
        if let Ok(mut file) = std::fs::File::open(&log_path) {
            let _ = file.read_to_string(&mut output);
        }
        let elapsed = started.elapsed().as_secs_f64();
        let what = format!("`cargo {}` in {}", args.join(" "), ws.display());
        match status {
            None => panic!(
                "the nested {what} was killed after {elapsed:.1} s, past the limit of {} s \
                 (set {TIMEOUT_VAR} to allow more); its output so far:\n{}",
                timeout().as_secs(),
                tail(&output, 200)
            ),
            Some(status) if !status.success() => panic!(
                "the nested {what} failed ({status}) after {elapsed:.1} s; its output \
                 (all of it in {}):\n{}",
                log_path.display(),
                tail(&output, 400)
            ),
            Some(_) => eprintln!("spec_evolution: nested {what}: ok after {elapsed:.1} s"),
        }
    }
    let mut output = String::new();
    if let Ok(mut file) = std::fs::File::open(&log_path) {
        let _ = file.read_to_string(&mut output);
    }
    eprintln!("{}", tail(&output, 40));
}

/// Runs one nested cargo command, appending to `log`; `None` when it was killed at
/// `deadline`.
fn run_cargo(
    ws: &Path,
    evolution: &Path,
    args: &[&str],
    log: &std::fs::File,
    deadline: Instant,
) -> Option<std::process::ExitStatus> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let (command_args, test_args) = match args.iter().position(|a| *a == "--") {
        Some(i) => (&args[..i], &args[i..]),
        None => (args, &[][..]),
    };
    let mut command = Command::new(cargo);
    command
        .current_dir(ws)
        .args(command_args)
        .arg("--offline")
        .arg("--target-dir")
        .arg(evolution.join("target"))
        // The generated crates must compile without warnings (the repository's CI runs
        // clippy with -D warnings on them); registry dependencies stay capped.
        .args(["--config", "build.rustflags=[\"-Dwarnings\"]"])
        .args(test_args)
        .env("CARGO_TERM_COLOR", "never")
        // Where the driver finds the binaries `cargo build --workspace` made (the CLI).
        .env(
            "NGROK_AI_EVOLUTION_BIN_DIR",
            evolution.join("target").join("debug"),
        )
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("cargo.log"))
        .stderr(log.try_clone().expect("cargo.log"));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    let mut child = command.spawn().expect("cannot start the nested cargo");
    loop {
        match child.try_wait().expect("waiting for the nested cargo") {
            Some(status) => return Some(status),
            None if Instant::now() > deadline => {
                kill_tree(&mut child);
                return None;
            }
            None => std::thread::sleep(Duration::from_millis(250)),
        }
    }
}

/// Held while a run uses `<target>/evolution`: two `cargo test`s sharing a target
/// directory (several people in one checkout) would otherwise rewrite each other's
/// workspace and log. A directory, because creating one is atomic; it names the owner's
/// process ID, so a lock left by a killed run is taken over.
struct RunLock(PathBuf);

impl RunLock {
    fn acquire(evolution: &Path, limit: Duration) -> RunLock {
        std::fs::create_dir_all(evolution)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", evolution.display()));
        let dir = evolution.join("run.lock");
        let started = Instant::now();
        let mut told = false;
        loop {
            match std::fs::create_dir(&dir) {
                Ok(()) => {
                    let _ = std::fs::write(dir.join("pid"), std::process::id().to_string());
                    return RunLock(dir);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(dir.join("pid")).ok();
                    let alive = owner
                        .as_deref()
                        .map(|pid| Path::new("/proc").join(pid.trim()).exists());
                    // No /proc (not Linux): wait for the limit, then take over.
                    if alive == Some(false) || started.elapsed() > limit {
                        let _ = std::fs::remove_dir_all(&dir);
                        continue;
                    }
                    if !told {
                        eprintln!(
                            "spec_evolution: waiting for another run ({})",
                            dir.display()
                        );
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("cannot create {}: {e}", dir.display()),
            }
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn an_additive_api_change_needs_no_edit_outside_spec_and_generated() {
    if skipped() {
        return;
    }
    let started = Instant::now();
    let root = repository_root();
    let evolution = evolution_dir();
    let _lock = RunLock::acquire(&evolution, timeout());
    let _ = std::fs::remove_file(evolution.join("cargo.log"));
    let ws = prepare_workspace(&root, &evolution);
    eprintln!(
        "spec_evolution: workspace ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    run_driver(&ws, &evolution);
    eprintln!(
        "spec_evolution: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
