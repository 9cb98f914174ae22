//! `cargo xtask record --base-url URL [--out DIR] [--overwrite]`: runs the recorder of
//! the tests crate (`ngrok_ai_tests::record`) against URL and writes its cassettes. The
//! API key comes from `NGROK_AI_API_KEY`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ngrok_ai_tests::record::record_tour;

/// Usage text of the subcommand.
pub const USAGE: &str = "usage: cargo xtask record --base-url URL [--out DIR] [--overwrite]
  Records a scripted tour of every operation against URL (e.g. https://api.ngrok.ai or a
  mock server) as redacted cassettes in DIR (default tests/recorded/live). The API key is
  read from NGROK_AI_API_KEY. Against the real API this creates and deletes real resources.";

/// `cargo xtask record …`: parses `args` (after `record`) and runs the tour.
///
/// # Errors
/// A message for bad arguments, a missing API key, or a failed tour.
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let mut base_url = None;
    let mut out = root.join("tests").join("recorded").join("live");
    let mut overwrite = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => base_url = Some(args.next().ok_or("--base-url needs a value")?.clone()),
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a value")?),
            "--overwrite" => overwrite = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let base_url = base_url.ok_or_else(|| format!("--base-url is required\n{USAGE}"))?;
    let api_key = std::env::var("NGROK_AI_API_KEY")
        .ok()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .ok_or("NGROK_AI_API_KEY is not set (the API key to record with)")?;
    prepare_out_dir(&out, overwrite)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let report = runtime.block_on(record_tour(&base_url, &api_key, &out))?;
    for file in &report.written {
        println!("wrote   {}", file.display());
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    println!(
        "{} cassettes written to {}, {} warning(s)",
        report.written.len(),
        out.display(),
        report.warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn prepare_out_dir(out: &Path, overwrite: bool) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let existing: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| format!("cannot list {}: {e}", out.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    if !overwrite {
        return Err(format!(
            "{} already holds {} cassette(s); pass --overwrite to replace them or choose another --out",
            out.display(),
            existing.len()
        ));
    }
    for path in existing {
        std::fs::remove_file(&path)
            .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    Ok(())
}
