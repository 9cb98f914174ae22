//! `cargo xtask semver`: runs cargo-semver-checks on `generated/ngrok-ai` against the
//! previous release, so the version `cargo xtask release` chose from the spec diff is
//! checked against the crate's real public API.
//!
//! The baseline is a git commit: the one that introduced the previous version in
//! `release/ngrok-ai.toml` (the newest version in history that differs from the working
//! tree's). Before the first bump there is none, and the commit that introduced the
//! current version is used instead: the version has not moved, so the changes since are
//! checked against the bump the spec diff calls for (what the next `cargo xtask release`
//! will make), which catches both an API break the diff calls additive and a generator
//! change that alters the API with no spec change at all.

use std::path::Path;
use std::process::{Command, ExitCode};

use ngrok_ai_codegen::diff::{self, Class, Options, Source};
use ngrok_ai_codegen::release::{self, Release};

use crate::release::git;

#[derive(clap::Args)]
pub struct Args {
    /// Compare with the crate at this git revision instead of the previous release
    #[arg(long)]
    baseline_rev: Option<String>,
    /// Only tell whether the check has anything to do: exit 0 when generated/ngrok-ai
    /// differs from the baseline, 3 when it does not (or there is no baseline yet). CI
    /// installs cargo-semver-checks only when it does.
    #[arg(long)]
    needed: bool,
}

/// `--needed`'s exit code when there is nothing to check.
const NOT_NEEDED: u8 = 3;

/// The generated crate, relative to the repository root.
const CRATE_DIR: &str = "generated/ngrok-ai";

pub fn run(root: &Path, args: &Args) -> Result<ExitCode, String> {
    let current = Release::read(root).map_err(|e| e.to_string())?;
    let not_needed = || {
        Ok(if args.needed {
            ExitCode::from(NOT_NEEDED)
        } else {
            ExitCode::SUCCESS
        })
    };
    let baseline = match &args.baseline_rev {
        Some(rev) => Baseline::Given(rev.clone()),
        None => {
            match previous_release(root, &current.version)? {
                Some(baseline) => baseline,
                None => {
                    println!("no release of generated/ngrok-ai is committed yet: nothing to compare with");
                    return not_needed();
                }
            }
        }
    };
    let commit = match &baseline {
        Baseline::Given(commit)
        | Baseline::Previous { commit, .. }
        | Baseline::Current { commit } => commit.clone(),
    };
    // `git diff BASE -- DIR` compares the commit with the working tree.
    let unchanged = Command::new("git")
        .current_dir(root)
        .args(["diff", "--quiet", &commit, "--", CRATE_DIR])
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?
        .success();
    if unchanged {
        println!("{CRATE_DIR} is as in the baseline ({commit}): nothing to check");
        return not_needed();
    }
    if args.needed {
        println!("{CRATE_DIR} changed since the baseline ({commit}): the check is needed");
        return Ok(ExitCode::SUCCESS);
    }
    let release_type = match &baseline {
        Baseline::Given(_) => None,
        Baseline::Previous { version, .. } => {
            println!(
                "baseline: release {version} (commit {commit}); this tree claims {}",
                current.version
            );
            None
        }
        Baseline::Current { .. } => {
            // The version has not moved: check the unreleased changes against the bump
            // the spec diff calls for.
            let report = diff::diff(
                root,
                &Source::Git(current.spec_blob.clone()),
                &Source::working_tree(root),
                Options::default(),
            )
            .map_err(|e| e.to_string())?;
            let kind = release_type(&current.version, report.worst());
            println!(
                "baseline: release {} (commit {commit}); unreleased spec changes: {} → checked as a {kind} release",
                current.version,
                report.summary()
            );
            Some(kind)
        }
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let installed = Command::new(&cargo)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Err(
            "cargo-semver-checks is not installed (`cargo install --locked cargo-semver-checks@0.51.0`)"
                .into(),
        );
    }
    let mut command = Command::new(&cargo);
    command.current_dir(root).args([
        "semver-checks",
        "check-release",
        "--package",
        "ngrok-ai",
        "--baseline-rev",
        &commit,
    ]);
    if let Some(kind) = release_type {
        command.args(["--release-type", kind]);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    if status.success() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: the public API of generated/ngrok-ai changed more than its version says; \
             see above, `cargo xtask diff git:{commit}`, and `cargo xtask release` \
             (`--at-least breaking` for a generator change)"
        );
        Ok(ExitCode::FAILURE)
    }
}

enum Baseline {
    /// `--baseline-rev`.
    Given(String),
    /// The commit that introduced the previous version.
    Previous { commit: String, version: String },
    /// No earlier version: the commit that introduced the current one.
    Current { commit: String },
}

/// Walks the history of `release/ngrok-ai.toml`, newest first.
fn previous_release(root: &Path, current: &str) -> Result<Option<Baseline>, String> {
    let log = git(root, &["log", "--format=%H", "--", release::STATE_PATH])?;
    let mut history = Vec::new();
    for commit in log.lines() {
        let text = git(
            root,
            &["show", &format!("{commit}:{}", release::STATE_PATH)],
        )?;
        let state =
            Release::parse(Path::new(release::STATE_PATH), &text).map_err(|e| e.to_string())?;
        history.push((commit.to_owned(), state.version));
    }
    Ok(pick(&history, current))
}

/// The baseline in a history of `(commit, version)`, newest first: the commit that
/// introduced the newest version other than `current`, else the one that introduced
/// `current`.
fn pick(history: &[(String, String)], current: &str) -> Option<Baseline> {
    // The oldest commit of the run of commits with the version at `from`.
    let introduced = |from: usize| -> (String, String) {
        let version = &history[from].1;
        let mut i = from;
        while i + 1 < history.len() && &history[i + 1].1 == version {
            i += 1;
        }
        history[i].clone()
    };
    if let Some(from) = history.iter().position(|(_, v)| v != current) {
        let (commit, version) = introduced(from);
        return Some(Baseline::Previous { commit, version });
    }
    (!history.is_empty()).then(|| Baseline::Current {
        commit: introduced(0).0,
    })
}

/// cargo-semver-checks' release type for the bump `cargo xtask release` would make.
/// Before 1.0 Cargo treats a minor bump as breaking and a patch bump as compatible, so
/// they are checked as `major` and `minor`.
fn release_type(current: &str, worst: Option<Class>) -> &'static str {
    let pre_1 = current.starts_with("0.");
    match (pre_1, worst) {
        (_, Some(Class::Breaking)) => "major",
        (true, _) | (false, Some(Class::Additive)) => "minor",
        (false, _) => "patch",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries
            .iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect()
    }

    fn commit(b: Option<Baseline>) -> Option<(String, bool)> {
        b.map(|b| match b {
            Baseline::Previous { commit, .. } => (commit, true),
            Baseline::Current { commit } => (commit, false),
            Baseline::Given(commit) => (commit, true),
        })
    }

    #[test]
    fn baselines() {
        // Newest first: c4 and c3 carry 0.2.0 (c3 released it), c2 and c1 0.1.0.
        let h = history(&[
            ("c4", "0.2.0"),
            ("c3", "0.2.0"),
            ("c2", "0.1.0"),
            ("c1", "0.1.0"),
        ]);
        // Committed bump: compare with the release of 0.1.0.
        assert_eq!(commit(pick(&h, "0.2.0")), Some(("c1".into(), true)));
        // An uncommitted bump to 0.3.0: compare with the release of 0.2.0.
        assert_eq!(commit(pick(&h, "0.3.0")), Some(("c3".into(), true)));
        // Only one version so far: its own release, checked against the diff's bump.
        let h = history(&[("c2", "0.1.0"), ("c1", "0.1.0")]);
        assert_eq!(commit(pick(&h, "0.1.0")), Some(("c1".into(), false)));
        assert_eq!(commit(pick(&[], "0.1.0")), None);
    }

    #[test]
    fn release_types() {
        assert_eq!(release_type("0.1.0", Some(Class::Breaking)), "major");
        assert_eq!(release_type("0.1.0", Some(Class::Additive)), "minor");
        assert_eq!(release_type("0.1.0", None), "minor");
        assert_eq!(release_type("1.1.0", Some(Class::Additive)), "minor");
        assert_eq!(release_type("1.1.0", Some(Class::Informational)), "patch");
    }
}
