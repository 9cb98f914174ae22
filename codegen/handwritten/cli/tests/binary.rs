//! The `ngrok-ai` binary (this crate's build of it, `ngrok-ai-cli-handwritten`, compiled from
//! the same sources and the same generated `commands.rs`) run as a process against the
//! in-process mock server:
//!
//! * every command of the generated table (one per operation of the API model, checked
//!   against the mock's route table) runs its documented example and reaches its
//!   operation with a 2xx;
//! * PATCH's three states, `--all` across pages, bad input (exit code and message), a
//!   secret that never appears in output or on the command line, the token shown once;
//! * the `--help` tree matches `tests/snapshots/help.txt` (`UPDATE_SNAPSHOTS=1` rewrites it).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

use ngrok_ai_cli_handwritten::commands::COMMANDS;
use ngrok_ai_cli_handwritten::table::{self, Place};
use ngrok_ai_mock::MockServer;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ngrok-ai-cli-handwritten");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs the binary with `args` against `mock`, writing `stdin` to its stdin.
fn run(mock: &MockServer, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NGROK_AI_BASE_URL", mock.base_url())
        .env("NGROK_AI_API_KEY", mock.api_key())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("the binary ends");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `aigk_…`-like literals in `text`: (start, end, prefix).
fn id_literals(text: &str) -> Vec<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = text[i..].find("aig").map(|a| a + i) {
        let boundary = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let mut j = at;
        while j < bytes.len() && bytes[j].is_ascii_lowercase() {
            j += 1;
        }
        if boundary && j < bytes.len() && bytes[j] == b'_' {
            let mut k = j + 1;
            while k < bytes.len() && bytes[k].is_ascii_alphanumeric() {
                k += 1;
            }
            if k > j + 1 {
                out.push((at, k, text[at..=j].to_string()));
                i = k;
                continue;
            }
        }
        i = at + 3;
    }
    out
}

/// Which group's resources carry an ID prefix: from the examples of the commands that
/// take an ID (`access-keys get aigk_…` → `aigk_` is `access-keys`).
fn groups_by_prefix() -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    for c in COMMANDS {
        if c.args.iter().any(|a| a.place == Place::Path) {
            if let Some(id) = c.example_args.get(2) {
                if let Some((_, _, prefix)) = id_literals(id).first() {
                    out.insert(prefix.clone(), c.group);
                }
            }
        }
    }
    out
}

/// The example's arguments with every resource ID replaced by one that exists in `mock`,
/// created through the CLI with its group's create example (recursively, once per ID).
fn resolve(
    mock: &MockServer,
    args: &[&str],
    created: &mut BTreeMap<String, String>,
) -> Vec<String> {
    let prefixes = groups_by_prefix();
    args.iter()
        .map(|arg| {
            let mut text = arg.to_string();
            for (start, end, prefix) in id_literals(arg).into_iter().rev() {
                let literal = &arg[start..end];
                let Some(group) = prefixes.get(&prefix) else {
                    continue;
                };
                if !created.contains_key(literal) {
                    let create = COMMANDS
                        .iter()
                        .find(|c| {
                            c.group == *group
                                && c.method == "POST"
                                && c.args.iter().all(|a| a.place != Place::Path)
                        })
                        .unwrap_or_else(|| panic!("group {group} has no create command"));
                    let create_args = resolve(mock, create.example_args, created);
                    let create_args: Vec<&str> = create_args.iter().map(String::as_str).collect();
                    let r = run(mock, &create_args, create.example_stdin);
                    assert_eq!(r.code, 0, "{}: {}", create.example, r.stderr);
                    let id = r.json()["id"].as_str().expect("an id").to_string();
                    created.insert(literal.to_string(), id);
                }
                text.replace_range(start..end, &created[literal]);
            }
            text
        })
        .collect()
}

#[test]
fn the_table_has_one_command_per_operation_of_the_mock() {
    let routes: BTreeSet<&str> = ngrok_ai_mock::routes()
        .iter()
        .map(|r| r.operation)
        .collect();
    let commands: BTreeSet<&str> = COMMANDS.iter().map(|c| c.operation).collect();
    assert_eq!(routes, commands);
    assert_eq!(
        commands.len(),
        COMMANDS.len(),
        "an operation has two commands"
    );
    let names: BTreeSet<(&str, &str)> = COMMANDS.iter().map(|c| (c.group, c.action)).collect();
    assert_eq!(names.len(), COMMANDS.len(), "two commands share a name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_runs_its_example_against_the_mock() {
    for c in COMMANDS {
        let mock = MockServer::start().await;
        let mut created = BTreeMap::new();
        let args = resolve(&mock, c.example_args, &mut created);
        mock.clear_journal();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&mock, &args, c.example_stdin);
        assert_eq!(
            r.code, 0,
            "{} ({:?}) failed: {}",
            c.operation, args, r.stderr
        );
        let journal = mock.journal();
        assert!(
            journal
                .iter()
                .any(|e| e.operation.as_deref() == Some(c.operation)
                    && e.status.is_some_and(|s| (200..300).contains(&s))),
            "{}: {:?} did not reach the operation: {journal:?}",
            c.operation,
            args
        );
        if c.method == "HEAD" || c.method == "DELETE" {
            assert!(r.stdout.is_empty(), "{}: {}", c.operation, r.stdout);
        } else {
            let _ = r.json();
        }
        assert!(mock.response_violations().is_empty());
    }
}

fn command(group: &str, action: &str) -> &'static table::Command {
    table::find(group, action).unwrap_or_else(|| panic!("no command {group} {action}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_keeps_sets_or_clears_a_field() {
    let mock = MockServer::start().await;
    let created = run(
        &mock,
        &[
            "access-keys",
            "create",
            "--name",
            "bot",
            "--description",
            "first",
        ],
        None,
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let id = created.json()["id"].as_str().unwrap().to_string();

    // Absent: the field is not sent and keeps its value.
    let kept = run(
        &mock,
        &["access-keys", "update", &id, "--name", "bot-2"],
        None,
    );
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    assert_eq!(kept.json()["description"], "first");
    assert_eq!(kept.json()["name"], "bot-2");
    // A value sets it.
    let set = run(
        &mock,
        &["access-keys", "update", &id, "--description", "second"],
        None,
    );
    assert_eq!(set.json()["description"], "second");
    // --clear-FIELD sends null.
    let cleared = run(
        &mock,
        &["access-keys", "update", &id, "--clear-description"],
        None,
    );
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    assert!(cleared.json().get("description").is_none_or(Value::is_null));
    assert_eq!(cleared.json()["name"], "bot-2");
    // Both at once is a usage error.
    let both = run(
        &mock,
        &[
            "access-keys",
            "update",
            &id,
            "--description",
            "x",
            "--clear-description",
        ],
        None,
    );
    assert_eq!(both.code, 2);
    // Flags override fields of --body.
    let merged = run(
        &mock,
        &[
            "access-keys",
            "update",
            &id,
            "--body",
            r#"{"name":"from-body","description":"d"}"#,
            "--name",
            "from-flag",
        ],
        None,
    );
    assert_eq!(merged.json()["name"], "from-flag");
    assert_eq!(merged.json()["description"], "d");
    assert!(command("access-keys", "update")
        .arg("description")
        .unwrap()
        .clear
        .is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_follows_every_page_as_json_lines() {
    let mock = MockServer::start().await;
    for i in 0..5 {
        let r = run(
            &mock,
            &["access-keys", "create", "--name", &format!("k{i}")],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    mock.clear_journal();
    let r = run(
        &mock,
        &["access-keys", "list", "--all", "--limit", "2"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 5);
    let ids: BTreeSet<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids.len(), 5);
    assert!(lines.iter().all(|l| l.get("token").is_none()));
    assert_eq!(mock.journal().len(), 3, "three pages of two");

    // One page without --all; jsonl writes its items one per line; table has a header.
    let page = run(
        &mock,
        &["access-keys", "list", "--limit", "2", "--output", "jsonl"],
        None,
    );
    assert_eq!(page.stdout.lines().count(), 2);
    let table = run(&mock, &["access-keys", "list", "-o", "table"], None);
    assert!(table.stdout.lines().next().unwrap().contains("id"));
    assert_eq!(table.stdout.lines().count(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_with_the_documented_codes() {
    let mock = MockServer::start().await;
    let cases: [(&[&str], i32, &str); 7] = [
        (&["access-keys", "get"], 2, "<ID>"),
        (&["access-keys", "list", "--limit", "0"], 2, "--limit"),
        (&["access-keys", "frobnicate"], 2, "frobnicate"),
        (
            &["provider-keys", "create", "--name", "k"],
            2,
            "--value-stdin",
        ),
        (
            &["access-keys", "create", "--body", "{not json"],
            2,
            "--body",
        ),
        (&["access-keys", "get", "aigk_missing"], 3, "404"),
        (
            &["usage", "overview", "--start-time", "yesterday"],
            2,
            "--start-time",
        ),
    ];
    for (args, code, needle) in cases {
        let r = run(&mock, args, None);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    // The API's errorCode/msg reach stderr.
    let r = run(&mock, &["access-keys", "get", "aigk_missing"], None);
    assert!(r.stderr.contains("GetAIGatewayAccessKey"), "{}", r.stderr);
    // No API key: a usage error naming the variable.
    let out = Command::new(BIN)
        .args(["credits", "balance"])
        .env_remove("NGROK_AI_API_KEY")
        .env("NGROK_AI_BASE_URL", mock.base_url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NGROK_AI_API_KEY"));
    // A server that is not there: 4, after retries.
    let out = Command::new(BIN)
        .args(["credits", "balance", "--base-url", "http://127.0.0.1:9"])
        .env("NGROK_AI_API_KEY", "k")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_come_from_stdin_or_a_file_and_never_show() {
    let mock = MockServer::start().await;
    let secret = "sk-proj-CLIsecretNeverShown4242";
    let r = run(
        &mock,
        &[
            "provider-keys",
            "create",
            "--provider-id",
            "openai",
            "--name",
            "k",
            "--value-stdin",
        ],
        Some(&format!("{secret}\n")),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    let key = r.json();
    // It reached the API: the redacted form ends like the secret.
    assert!(
        key["keyRedacted"].as_str().unwrap().ends_with("4242"),
        "{key}"
    );
    let id = key["id"].as_str().unwrap();

    let dir = std::env::temp_dir().join(format!("ngrok-ai-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rotated.txt");
    std::fs::write(&file, "sk-proj-rotatedFromAFile9999\n").unwrap();
    let r = run(
        &mock,
        &[
            "provider-keys",
            "rotate",
            id,
            "--name",
            "k",
            "--value-file",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("rotatedFromAFile"));
    assert!(r.json()["keyRedacted"].as_str().unwrap().ends_with("9999"));
    std::fs::remove_dir_all(&dir).ok();

    // While the process waits for the secret on stdin, its argument list does not hold it.
    #[cfg(target_os = "linux")]
    {
        let mut child = Command::new(BIN)
            .args([
                "provider-keys",
                "create",
                "--provider-id",
                "openai",
                "--name",
                "p",
                "--value-stdin",
            ])
            .env("NGROK_AI_BASE_URL", mock.base_url())
            .env("NGROK_AI_API_KEY", mock.api_key())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        assert!(
            cmdline.contains("--value-stdin") && !cmdline.contains(secret),
            "{cmdline}"
        );
        child
            .stdin
            .take()
            .unwrap()
            .write_all(secret.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
    }

    // The command line cannot carry a secret: `--value SECRET` is refused, and not echoed.
    let r = run(
        &mock,
        &[
            "provider-keys",
            "create",
            "--provider-id",
            "openai",
            "--value",
            secret,
        ],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains(secret), "{}", r.stderr);
    // No command has a flag taking a secret's value.
    let mut tree = ngrok_ai_cli_handwritten::command();
    tree.build();
    for c in COMMANDS {
        let sub = tree
            .find_subcommand(c.group)
            .and_then(|g| g.find_subcommand(c.action))
            .unwrap();
        for a in c.args.iter().filter(|a| a.secret.is_some()) {
            assert!(
                sub.get_arguments().all(|x| x.get_long() != Some(a.flag)),
                "{} --{}",
                c.operation,
                a.flag
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_printed_once() {
    let mock = MockServer::start().await;
    let created = run(
        &mock,
        &["api-keys", "create", "--body", r#"{"description":"ci"}"#],
        None,
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let token = created.json()["token"]
        .as_str()
        .expect("the create response's token")
        .to_string();
    let id = created.json()["id"].as_str().unwrap().to_string();
    let got = run(&mock, &["api-keys", "get", &id], None);
    assert_eq!(got.code, 0, "{}", got.stderr);
    assert!(!got.stdout.contains(&token));
}

#[test]
fn completions_and_help() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("access-keys"));
    }
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exit codes"));
}

/// FNV-1a of the spec text: which spec a help snapshot was taken from.
fn spec_fingerprint() -> String {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../spec/ngrok-ai.yaml");
    let text = std::fs::read(&spec).unwrap_or_default();
    let hash = text.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("spec fingerprint: {hash:016x}")
}

/// The `--help` tree is checked in so that a change to the CLI's own code is reviewed.
/// A change of the spec changes it too (new commands, new flags) and is reviewed in the
/// regenerated `commands.rs` and docs; the snapshot records the spec it was taken from,
/// so after a spec change this test only reports that the snapshot is stale instead of
/// failing an additive API change.
#[test]
fn the_help_tree_matches_the_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help.txt");
    let actual = format!(
        "{}\n{}",
        spec_fingerprint(),
        ngrok_ai_cli_handwritten::help_tree()
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected.lines().next() != actual.lines().next() {
        eprintln!(
            "the --help snapshot was taken from another version of the spec; review the new \
             tree with UPDATE_SNAPSHOTS=1 cargo test -p ngrok-ai-cli-handwritten --test binary"
        );
        return;
    }
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "the --help tree changed (first difference at line {}); review it and run \
             UPDATE_SNAPSHOTS=1 cargo test -p ngrok-ai-cli-handwritten --test binary",
            first + 1
        );
    }
}
