//! `cargo xtask regen` writes `generated/` from `spec/`; `cargo xtask check` fails with a
//! diff when `generated/` is stale; `cargo xtask record` records cassettes (`record.rs`);
//! `cargo xtask bench` runs the benchmarks (`bench.rs`).

mod bench;

#[cfg(feature = "record")]
mod record;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ngrok_ai_codegen::write::{self, Difference};

const USAGE: &str = "usage: cargo xtask <regen|check|record|bench>
  regen   generate generated/ from spec/ngrok-ai.yaml (writes only changed files)
  check   fail with a diff if generated/ differs from what regen would write
  record  record a tour of the API as cassettes (cargo xtask record --help)
  bench   run the benchmarks against same-run baselines (cargo xtask bench --help)";

fn repository_root() -> PathBuf {
    // xtask lives one level below the root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repository_root();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen(&root),
        Some("check") => check(&root),
        Some("record") => record(&root, &args[1..]),
        Some("bench") => bench::run(&root, &args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "record")]
fn record(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    record::run(root, args)
}

/// `record` needs the generated client, which `regen` and `check` must not depend on (they
/// have to work while it is stale or broken): re-run this xtask with the `record` feature.
#[cfg(not(feature = "record"))]
fn record(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--features",
            "record",
        ])
        .args(["--", "record"])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn regen(root: &Path) -> Result<ExitCode, String> {
    let output = ngrok_ai_codegen::generate_all(root).map_err(|e| e.to_string())?;
    let report = write::write(root, &output).map_err(|e| e.to_string())?;
    for path in &report.written {
        println!("wrote   {}", path.display());
    }
    for path in &report.removed {
        println!("removed {}", path.display());
    }
    println!(
        "{} written, {} removed, {} unchanged",
        report.written.len(),
        report.removed.len(),
        report.unchanged
    );
    for note in &output.notes {
        println!("note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

fn check(root: &Path) -> Result<ExitCode, String> {
    let output = ngrok_ai_codegen::generate_all(root).map_err(|e| e.to_string())?;
    let diffs = write::differences(root, &output).map_err(|e| e.to_string())?;
    if diffs.is_empty() {
        println!("generated/ is up to date ({} files)", output.files.len());
        return Ok(ExitCode::SUCCESS);
    }
    for diff in &diffs {
        print_diff(diff);
    }
    eprintln!(
        "error: {} generated file(s) are stale; run `cargo xtask regen` and commit the result",
        diffs.len()
    );
    Ok(ExitCode::FAILURE)
}

fn print_diff(diff: &Difference) {
    let path = diff.path.display().to_string();
    let old = diff.actual.as_deref().unwrap_or("");
    let new = diff.expected.as_deref().unwrap_or("");
    let text = similar::TextDiff::from_lines(old, new);
    print!(
        "{}",
        text.unified_diff().context_radius(3).header(
            &format!("a/{path} (on disk)"),
            &format!("b/{path} (generated)")
        )
    );
}
