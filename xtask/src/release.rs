//! `cargo xtask release`: the generated crate's next version, from the API diff since the
//! last release (see README, "Releasing the generated crate").
//!
//! 1. diff the spec as released (`spec-blob` in `release/ngrok-ai.toml`) against the
//!    working tree's spec;
//! 2. bump the version as Cargo's semver rules require (0.x: breaking → minor, anything
//!    else → patch) and record the new spec blob in `release/ngrok-ai.toml`;
//! 3. put the change list on top of `release/CHANGELOG.md`;
//! 4. regenerate, which writes the version into the generated manifests and copies the
//!    changelog into `generated/ngrok-ai/CHANGELOG.md`.

use std::path::Path;
use std::process::{Command, ExitCode};

use ngrok_ai_codegen::diff::{self, render, version, Class, Options, Report, Source};
use ngrok_ai_codegen::release::{self, Release};

/// The release state and the changes since it.
fn since_release(root: &Path) -> Result<(Release, Report), String> {
    let state = Release::read(root).map_err(|e| e.to_string())?;
    let report = diff::diff(
        root,
        &Source::Git(state.spec_blob.clone()),
        &Source::working_tree(root),
        Options::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok((state, report))
}

/// What `regen` prints last: the changes since the last release and the version they
/// call for.
pub fn unreleased_summary(root: &Path) -> String {
    match since_release(root) {
        Ok((state, report)) if report.changes.is_empty() => format!(
            "API: no changes since release {} of generated/ngrok-ai",
            state.version
        ),
        Ok((state, report)) => {
            let next = version::next(&state.version, report.worst())
                .ok()
                .flatten()
                .unwrap_or_default();
            format!(
                "API since release {}: {}; `cargo xtask release` would make it {next} (details: `cargo xtask diff git:{}`)",
                state.version,
                report.summary(),
                state.spec_blob
            )
        }
        Err(e) => format!("note: cannot compare with the last release: {e}"),
    }
}

pub fn run(
    root: &Path,
    dry_run: bool,
    date: Option<&str>,
    at_least: Option<Class>,
) -> Result<ExitCode, String> {
    let (state, report) = since_release(root)?;
    let worst = report.worst().max(at_least);
    let Some(next) = version::next(&state.version, worst)? else {
        println!(
            "no API changes since release {}: nothing to release",
            state.version
        );
        return Ok(ExitCode::SUCCESS);
    };
    let date = match date {
        Some(d) => d.to_owned(),
        None => today(),
    };
    let mut entry = version::changelog_entry(&next, &date, &report);
    if at_least > report.worst() {
        let (heading, rest) = entry.split_once("\n\n").unwrap_or((&entry, ""));
        entry = format!(
            "{heading}\n\n### Generator\n\n- The generated client's API changed beyond the spec \
             (a generator change; `cargo xtask semver` has the details).\n\n{rest}"
        );
    }
    print!("{}", render::text(&report));
    println!("\nrelease {} → {next}\n\n{entry}", state.version);
    if dry_run {
        println!("(dry run: nothing written)");
        return Ok(ExitCode::SUCCESS);
    }
    let spec_blob = git(root, &["hash-object", "-w", ngrok_ai_codegen::SPEC_PATH])?;
    let new_state = Release {
        version: next.clone(),
        spec_blob,
    };
    write(&root.join(release::STATE_PATH), &new_state.render())?;
    let changelog_path = root.join(release::CHANGELOG_PATH);
    let changelog = std::fs::read_to_string(&changelog_path)
        .map_err(|e| format!("cannot read {}: {e}", changelog_path.display()))?;
    write(&changelog_path, &release::prepend_entry(&changelog, &entry))?;
    println!(
        "wrote   {}\nwrote   {}",
        release::STATE_PATH,
        release::CHANGELOG_PATH
    );
    let output = ngrok_ai_codegen::generate_all(root).map_err(|e| e.to_string())?;
    let written = ngrok_ai_codegen::write::write(root, &output).map_err(|e| e.to_string())?;
    for path in &written.written {
        println!("wrote   {}", path.display());
    }
    println!(
        "\nnext: review, run `cargo xtask semver`, and commit spec/, release/, generated/ and Cargo.lock together"
    );
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs git in `root`; its trimmed standard output.
pub fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Today's date in UTC, `YYYY-MM-DD` (civil-from-days, H. Hinnant's algorithm).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
