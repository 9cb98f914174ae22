//! `cargo xtask bench [ARGS]`: builds the bench harness and the mock binary it measures
//! in release mode, then runs the harness (`benches/`, package `ngrok-ai-benches`) with
//! ARGS. The harness is a separate crate so that `regen` and `check` never depend on
//! the generated crates; `--help` lists its options, BENCHMARKS.md describes the method.

use std::path::Path;
use std::process::{Command, ExitCode};

/// Runs cargo; returns its exit code (1 if it has none).
fn cargo(root: &Path, args: &[&str], extra: &[String]) -> Result<u8, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(args)
        .args(extra)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(status
        .code()
        .map_or(1, |code| u8::try_from(code).unwrap_or(1)))
}

pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    // The mock section runs the real `ngrok-ai-mock` binary, a sibling of the harness.
    let built = cargo(
        root,
        &[
            "build",
            "--quiet",
            "--release",
            "--package",
            "ngrok-ai-benches",
            "--package",
            "ngrok-ai-mock",
        ],
        &[],
    )?;
    if built != 0 {
        return Ok(ExitCode::from(built));
    }
    let ran = cargo(
        root,
        &[
            "run",
            "--quiet",
            "--release",
            "--package",
            "ngrok-ai-benches",
            "--",
        ],
        args,
    )?;
    Ok(ExitCode::from(ran))
}
