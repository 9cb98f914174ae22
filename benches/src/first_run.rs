//! Section `first-run` (only when named with `--only`; it takes minutes): what a
//! contributor waits for after cloning. A fresh clone of HEAD under the temporary
//! directory, with an empty target directory inside it and the user's `CARGO_HOME` (so
//! the registry is already downloaded, as it is for anyone who has built once): the wall
//! time of `cargo xtask regen`, which first builds xtask and the generator, then of
//! `cargo test --workspace --no-run --timings`, everything `cargo test --workspace` still
//! has to build, and the units that took longest in it, from cargo's timing report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::cpu::Probe;
use crate::report::{fmt_seconds, Noise, Row};
use crate::Settings;

/// How many of the test build's units get a row.
const SLOWEST: usize = 10;
/// The regen target: on 2 cores, a first regen should not take more than a minute.
const REGEN_TARGET_SECONDS: f64 = 60.0;

/// The clone's directory; removed on drop, whatever happened.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            eprintln!("first-run: could not remove {}: {e}", self.0.display());
        }
    }
}

/// Runs a command to completion with its output captured; returns the wall time.
fn timed(command: &mut Command, what: &str) -> Result<f64, String> {
    eprintln!("first-run: {what}");
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        return Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(seconds)
}

/// One compilation unit of cargo's timing report.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// As cargo's own table names it: `syn v2.0.106`, `xtask v0.1.0 xtask "bin"`,
    /// `serde v1.0.228 build-script (run)`.
    pub label: String,
    pub seconds: f64,
}

/// The units of a `cargo build --timings` HTML report, slowest first. The report embeds
/// them as `const UNIT_DATA = [{"name", "version", "target", "duration", …}, …];`
/// (cargo 1.95); anything else is an error naming what was not found.
pub fn units(html: &str) -> Result<Vec<Unit>, String> {
    const MARKER: &str = "const UNIT_DATA = ";
    let start = html.find(MARKER).ok_or(
        "cargo's timing report has no `const UNIT_DATA = [...]`: its format changed; update benches/src/first_run.rs",
    )?;
    let data = serde_json::Deserializer::from_str(&html[start + MARKER.len()..])
        .into_iter::<Vec<Value>>()
        .next()
        .ok_or("cargo's timing report: UNIT_DATA is empty")?
        .map_err(|e| format!("cargo's timing report: UNIT_DATA is not a JSON array: {e}"))?;
    let mut units = data
        .iter()
        .map(|unit| {
            let text = |key: &str| unit.get(key).and_then(Value::as_str);
            match (
                text("name"),
                text("version"),
                unit.get("duration").and_then(Value::as_f64),
            ) {
                (Some(name), Some(version), Some(seconds)) => Ok(Unit {
                    label: format!("{name} v{version}{}", text("target").unwrap_or("")),
                    seconds,
                }),
                _ => Err(format!(
                    "cargo's timing report: a unit without name, version or duration: {unit}"
                )),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    units.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    Ok(units)
}

fn head_commit(root: &Path) -> Result<String, String> {
    let output = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!("{} is not a git checkout", root.display()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

pub fn run(root: &Path, _settings: &Settings) -> Result<Vec<Row>, String> {
    let commit = head_commit(root)?;
    let scratch = Scratch(
        std::env::temp_dir().join(format!("ngrok-ai-bench-first-run-{}", std::process::id())),
    );
    let clone = scratch.0.join("ngrok-ai-rs");
    // Committed files only: what a contributor gets, not this checkout's edits.
    timed(
        Command::new("git")
            .args(["clone", "--quiet", "--no-hardlinks"])
            .arg(root)
            .arg(&clone),
        &format!("git clone of HEAD ({commit}) into {}", clone.display()),
    )?;
    let target = clone.join("target");
    let cargo = |args: &[&str]| {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .args(args)
            .current_dir(&clone)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_TERM_COLOR", "never");
        command
    };

    let mut regen_noise = Noise::default();
    let probe = Probe::start();
    // `cargo xtask regen` is the alias `run --quiet --package xtask -- regen`; spelled
    // out here to add `--timings`, which shows what the newcomer's first command builds.
    let regen = timed(
        &mut cargo(&[
            "run",
            "--timings",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "regen",
        ]),
        "`cargo xtask regen` (with --timings)",
    )?;
    regen_noise.add(probe.others());
    let report = target.join("cargo-timings/cargo-timing.html");
    let html = std::fs::read_to_string(&report)
        .map_err(|e| format!("cargo wrote no timing report at {}: {e}", report.display()))?;
    let regen_units = units(&html)?;
    let mut build_noise = Noise::default();
    let probe = Probe::start();
    let build = timed(
        &mut cargo(&["test", "--workspace", "--no-run", "--timings"]),
        "`cargo test --workspace --no-run --timings`",
    )?;
    build_noise.add(probe.others());
    let report = target.join("cargo-timings/cargo-timing.html");
    let html = std::fs::read_to_string(&report)
        .map_err(|e| format!("cargo wrote no timing report at {}: {e}", report.display()))?;
    let units = units(&html)?;
    let unit_seconds: f64 = units.iter().map(|u| u.seconds).sum();
    eprintln!(
        "first-run: regen {regen:.1} s, test build {build:.1} s ({} units, {unit_seconds:.1} unit-seconds)",
        units.len()
    );

    let regen_unit_seconds: f64 = regen_units.iter().map(|u| u.seconds).sum();
    let mut rows = vec![
        Row::new(
            format!("first-run: `cargo xtask regen` in a fresh clone of HEAD ({commit}), empty target dir, registry cached, 1 run"),
            fmt_seconds(regen),
        )
        .target(
            format!("≤ {REGEN_TARGET_SECONDS:.0} s (2 cores)"),
            regen <= REGEN_TARGET_SECONDS,
        )
        .noise(regen_noise),
        Row::new(
            "first-run: then `cargo test --workspace --no-run --timings` (what `cargo test --workspace` builds), 1 run",
            fmt_seconds(build),
        )
        .info_target("—")
        .noise(build_noise),
    ];
    let mut slowest = |what: &str, units: &[Unit], total: f64, noise: Noise| {
        let all = format!(
            "all {} units of the {what}: {}",
            units.len(),
            fmt_seconds(total)
        );
        for (rank, unit) in units.iter().take(SLOWEST).enumerate() {
            rows.push(
                Row::new(
                    format!(
                        "first-run: {what}, slowest unit {}: {}",
                        rank + 1,
                        unit.label
                    ),
                    fmt_seconds(unit.seconds),
                )
                .ratios(all.clone(), vec![unit.seconds / total.max(1e-9)])
                .info_target("— (share of the units' time)")
                .noise(noise),
            );
        }
    };
    slowest("regen build", &regen_units, regen_unit_seconds, regen_noise);
    slowest("test build", &units, unit_seconds, build_noise);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of cargo 1.95's report, trimmed.
    const REPORT: &str = r#"<html><script>
DURATION = 1;
const UNIT_DATA = [
  {"i": 1, "name": "probe", "version": "0.1.0", "mode": "todo", "target": " build-script",
   "features": [], "start": 0.11, "duration": 0.1, "unblocked_units": [2],
   "unblocked_rmeta_units": [], "sections": null},
  {"i": 2, "name": "syn", "version": "2.0.106", "mode": "todo", "target": "",
   "start": 0.21, "duration": 4.25, "unblocked_units": [0], "sections": null},
  {"i": 0, "name": "probe", "version": "0.1.0", "mode": "todo", "target": " probe \"bin\"",
   "start": 0.22, "duration": 0.13, "unblocked_units": [], "sections": null}
];
const CONCURRENCY_DATA = [{"t": 0.11, "active": 1}];
</script></html>"#;

    #[test]
    fn units_are_read_from_the_report_slowest_first() {
        let units = units(REPORT).unwrap();
        let labels: Vec<&str> = units.iter().map(|u| u.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "syn v2.0.106",
                "probe v0.1.0 probe \"bin\"",
                "probe v0.1.0 build-script"
            ]
        );
        assert_eq!(units[0].seconds, 4.25);
    }

    #[test]
    fn an_unknown_report_format_is_an_error_not_a_panic() {
        let missing = units("<html>no data</html>").unwrap_err();
        assert!(missing.contains("format changed"), "{missing}");
        let broken = units("const UNIT_DATA = {\"name\": 1};").unwrap_err();
        assert!(broken.contains("not a JSON array"), "{broken}");
        let partial = units(r#"const UNIT_DATA = [{"name": "x"}];"#).unwrap_err();
        assert!(
            partial.contains("without name, version or duration"),
            "{partial}"
        );
    }
}
