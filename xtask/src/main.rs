//! `cargo xtask regen` writes `generated/` from `spec/`; `cargo xtask check` fails with a
//! diff when `generated/` is stale; `cargo xtask diff` compares two descriptions of the
//! API; `cargo xtask release` versions the generated crate (`release.rs`); `cargo xtask
//! semver` checks that version with cargo-semver-checks (`semver.rs`); `cargo xtask
//! record` records cassettes (`record.rs`); `cargo xtask bench` runs the benchmarks
//! (`bench.rs`).

mod bench;
mod release;
mod semver;

#[cfg(feature = "record")]
mod record;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ngrok_ai_codegen::diff::{self, render, Class, Options, Source};
use ngrok_ai_codegen::write::{self, Difference};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    about = "The ngrok-ai-rs toolchain: spec/ngrok-ai.yaml → generated/",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate generated/ from spec/ngrok-ai.yaml (writes only changed files)
    Regen(SpecArgs),
    /// Fail with a diff if generated/ differs from what regen would write
    Check(SpecArgs),
    /// Compare two descriptions of the API and classify every change
    ///
    /// OLD and NEW are files or `git:REV` (the spec at a revision); by default `git:HEAD`
    /// against the working tree's spec/ngrok-ai.yaml.
    Diff(DiffArgs),
    /// Version the generated crate from the diff since the last release, write its
    /// changelog entry, and regenerate
    Release(ReleaseArgs),
    /// Run cargo-semver-checks on generated/ngrok-ai against the previous release
    Semver(semver::Args),
    /// Record a tour of the API as cassettes (cargo xtask record --help)
    #[command(disable_help_flag = true)]
    Record {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the benchmarks against same-run baselines (cargo xtask bench --help)
    #[command(disable_help_flag = true)]
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(clap::Args)]
struct SpecArgs {
    /// The description to generate from, relative to the current directory [default:
    /// spec/ngrok-ai.yaml of the repository]
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
}

impl SpecArgs {
    fn path(&self, root: &Path) -> PathBuf {
        self.spec
            .clone()
            .unwrap_or_else(|| root.join(ngrok_ai_codegen::SPEC_PATH))
    }
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The old description: a file or git:REV [default: git:HEAD]
    old: Option<String>,
    /// The new description: a file or git:REV [default: spec/ngrok-ai.yaml]
    new: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with status 1 when a change of this class (or a worse one) is found
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Compare wire facts only: ignore prose, examples, ordering, Rust names and
    /// extensions that are not wire facts
    #[arg(long)]
    wire: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Additive,
    Informational,
}

impl FailOn {
    fn class(self) -> Class {
        match self {
            FailOn::Breaking => Class::Breaking,
            FailOn::Additive => Class::Additive,
            FailOn::Informational => Class::Informational,
        }
    }
}

#[derive(clap::Args)]
struct ReleaseArgs {
    /// Print the next version and the changelog entry; write nothing
    #[arg(long)]
    dry_run: bool,
    /// The date of the changelog entry (YYYY-MM-DD) [default: today, UTC]
    #[arg(long)]
    date: Option<String>,
    /// Bump at least as for a change of this class, whatever the spec diff says: for a
    /// generator change that alters the crate's API (`cargo xtask semver` says so)
    #[arg(long, value_enum)]
    at_least: Option<FailOn>,
}

/// The repository the command is run in: the current directory or the nearest of its
/// ancestors that holds `spec/ngrok-ai.yaml` and a workspace `Cargo.toml`, found at run
/// time.
///
/// The generator inside this binary reads its templates (`codegen/handwritten/client`, `codegen/handwritten/mock`,
/// `codegen/handwritten/cli`, `release/`) from the checkout it was built in. With one
/// `CARGO_TARGET_DIR` shared by two checkouts, cargo can run the xtask built in the other
/// one (both link `target/debug/xtask`), which would write this checkout's `generated/`
/// from that checkout's templates: that is refused here, naming both.
fn repository_root() -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let root = find_root(&cwd).ok_or_else(|| {
        format!(
            "{} is not inside an ngrok-ai-rs checkout (no ancestor holds {} and a workspace Cargo.toml)",
            cwd.display(),
            ngrok_ai_codegen::SPEC_PATH
        )
    })?;
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if built_in.exists() && !same(&built_in, &root) {
        return Err(format!(
            "this xtask was built from the checkout at {}, not {} (a CARGO_TARGET_DIR shared by \
             two checkouts); give each checkout its own CARGO_TARGET_DIR, or rebuild this one's \
             with `touch xtask/src/main.rs`",
            built_in
                .canonicalize()
                .unwrap_or(built_in.clone())
                .display(),
            root.display()
        ));
    }
    Ok(root)
}

fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            dir.join(ngrok_ai_codegen::SPEC_PATH).is_file()
                && std::fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match repository_root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Regen(args) => regen(&root, &args.path(&root)),
        Command::Check(args) => check(&root, &args.path(&root)),
        Command::Diff(args) => diff(&root, &args),
        Command::Release(args) => release::run(
            &root,
            args.dry_run,
            args.date.as_deref(),
            args.at_least.map(FailOn::class),
        ),
        Command::Semver(args) => semver::run(&root, &args),
        Command::Record { args } => record(&root, &args),
        Command::Bench { args } => bench::run(&root, &args),
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

fn regen(root: &Path, spec: &Path) -> Result<ExitCode, String> {
    let output = ngrok_ai_codegen::generate_all_from(spec).map_err(|e| e.to_string())?;
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
    println!("{}", release::unreleased_summary(root));
    Ok(ExitCode::SUCCESS)
}

fn check(root: &Path, spec: &Path) -> Result<ExitCode, String> {
    let output = ngrok_ai_codegen::generate_all_from(spec).map_err(|e| e.to_string())?;
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

fn diff(root: &Path, args: &DiffArgs) -> Result<ExitCode, String> {
    let old = Source::parse(args.old.as_deref().unwrap_or("git:HEAD"));
    let new = args
        .new
        .as_deref()
        .map_or_else(|| Source::working_tree(root), Source::parse);
    let options = Options { wire: args.wire };
    let report = diff::diff(root, &old, &new, options).map_err(|e| e.to_string())?;
    match args.format {
        Format::Text => print!("{}", render::text(&report)),
        Format::Json => print!("{}", render::json(&report)),
    }
    let threshold = args.fail_on.map(FailOn::class);
    let failed = matches!((threshold, report.worst()), (Some(t), Some(w)) if w >= t);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("xtask").chain(args.iter().copied()))
    }

    #[test]
    fn record_and_bench_keep_their_own_arguments() {
        match parse(&["record", "--help"]).unwrap().command {
            Command::Record { args } => assert_eq!(args, ["--help"]),
            _ => panic!("not record"),
        }
        match parse(&["bench", "--quick", "x"]).unwrap().command {
            Command::Bench { args } => assert_eq!(args, ["--quick", "x"]),
            _ => panic!("not bench"),
        }
    }

    #[test]
    fn help_and_version() {
        for (args, kind) in [
            (&["--help"][..], clap::error::ErrorKind::DisplayHelp),
            (&["--version"], clap::error::ErrorKind::DisplayVersion),
            (&["regen", "--help"], clap::error::ErrorKind::DisplayHelp),
        ] {
            let Err(e) = parse(args) else {
                panic!("{args:?} parsed");
            };
            assert_eq!(e.kind(), kind, "{args:?}");
        }
        let help = parse(&["check", "--help"]).err().unwrap().to_string();
        assert!(help.contains("--spec <PATH>"), "{help}");
    }

    #[test]
    fn unknown_arguments_are_errors() {
        assert!(parse(&["regen", "--force"]).is_err());
        assert!(parse(&["check", "extra"]).is_err());
        assert!(parse(&["nonsense"]).is_err());
        assert!(parse(&["diff", "--format", "xml"]).is_err());
    }

    #[test]
    fn regen_and_check_take_a_spec() {
        for name in ["regen", "check"] {
            let cli = parse(&[name, "--spec", "other.yaml"]).unwrap();
            let (Command::Regen(args) | Command::Check(args)) = cli.command else {
                panic!("not {name}");
            };
            assert_eq!(args.spec.as_deref(), Some(Path::new("other.yaml")));
            assert_eq!(args.path(Path::new("/r")), Path::new("other.yaml"));
            let cli = parse(&[name]).unwrap();
            let (Command::Regen(args) | Command::Check(args)) = cli.command else {
                panic!("not {name}");
            };
            assert_eq!(
                args.path(Path::new("/r")),
                Path::new("/r/spec/ngrok-ai.yaml")
            );
            assert!(parse(&[name, "--spec"]).is_err());
        }
    }

    #[test]
    fn the_root_is_found_from_the_current_directory() {
        let scratch = std::env::temp_dir().join(format!("xtask-root-{}", std::process::id()));
        let nested = scratch.join("generated/ngrok-ai/src");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(scratch.join("spec")).unwrap();
        assert_eq!(
            find_root(&nested),
            None,
            "no spec, no workspace: not a root"
        );
        std::fs::write(scratch.join("spec/ngrok-ai.yaml"), "openapi: 3.0.3\n").unwrap();
        std::fs::write(scratch.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(find_root(&nested), None, "a package is not the workspace");
        std::fs::write(scratch.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        assert_eq!(find_root(&nested).as_deref(), Some(scratch.as_path()));
        assert_eq!(find_root(&scratch).as_deref(), Some(scratch.as_path()));
        let _ = std::fs::remove_dir_all(&scratch);
        // This checkout, from xtask/ (where `cargo test` runs it).
        let here = find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(here.join("xtask").is_dir());
    }

    #[test]
    fn diff_arguments() {
        let Command::Diff(d) = parse(&["diff", "git:HEAD~1", "--wire", "--fail-on", "breaking"])
            .unwrap()
            .command
        else {
            panic!("not diff");
        };
        assert_eq!(d.old.as_deref(), Some("git:HEAD~1"));
        assert!(d.new.is_none() && d.wire);
        assert!(matches!(d.fail_on, Some(FailOn::Breaking)));
    }
}
