//! Section `build`: the compile cost of the generated client, in a copy under the
//! temporary directory (its own target directory, so the shared one is never cleaned
//! and the workspace's files are never touched), and the clean build of reqwest with
//! the client's TLS choice against reqwest's default TLS.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cpu::Probe;
use crate::report::{fmt_count, fmt_seconds, median, Noise, Row};
use crate::Settings;

fn cargo_command() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs cargo in `dir` with `target` as its target directory; returns the wall time.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<f64, String> {
    let started = Instant::now();
    let output = cargo_command()
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` in {} failed:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(seconds)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The `[profile.*]` sections of the workspace manifest, so that the copies build with
/// the same settings as the workspace.
fn profiles(root: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            inside = trimmed.starts_with("[profile");
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

fn rust_lines(dir: &Path) -> Result<usize, String> {
    let mut lines = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            lines += rust_lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            lines += std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())?
                .lines()
                .count();
        }
    }
    Ok(lines)
}

fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| e.to_string())?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| e.to_string())
}

/// A one-file binary crate depending on reqwest with the given dependency lines.
fn tls_project(
    dir: &Path,
    root: &Path,
    dependencies: &str,
    main: &str,
    profiles: &str,
) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"tls-probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}\n[workspace]\n\n{profiles}"
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
    // The workspace's lock file: the same reqwest, hyper, rustls… versions.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

pub fn run(root: &Path, settings: &Settings) -> Result<Vec<Row>, String> {
    let runs = if settings.quick {
        1
    } else {
        settings.runs.unwrap_or(3)
    };
    let work: PathBuf = std::env::temp_dir().join("ngrok-ai-bench-build");
    let target = work.join("target");
    let ws = work.join("ws");
    let _ = std::fs::remove_dir_all(&ws);
    for name in ["ngrok-ai", "ngrok-ai-mock"] {
        // The mock is copied only because the client names it as a dev-dependency.
        copy_dir(&root.join("generated").join(name), &ws.join(name))?;
    }
    let profiles = profiles(root)?;
    std::fs::write(
        ws.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\"ngrok-ai\", \"ngrok-ai-mock\"]\n\n{profiles}"),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).map_err(|e| e.to_string())?;

    eprintln!(
        "build: building the client's dependencies in {} (untimed)",
        target.display()
    );
    cargo(&ws, &target, &["build", "-p", "ngrok-ai"])?;
    let mut clean = Vec::new();
    let mut incremental = Vec::new();
    let mut noise = Noise::default();
    for _ in 0..runs {
        let probe = Probe::start();
        cargo(&ws, &target, &["clean", "-p", "ngrok-ai"])?;
        clean.push(cargo(&ws, &target, &["build", "-p", "ngrok-ai"])?);
        touch(&ws.join("ngrok-ai/src/lib.rs"))?;
        incremental.push(cargo(&ws, &target, &["build", "-p", "ngrok-ai"])?);
        noise.add(probe.others());
    }
    eprintln!("build: clean {clean:.1?} s, incremental {incremental:.1?} s");
    let lines = rust_lines(&root.join("generated/ngrok-ai/src"))?;
    let mut rows = vec![
        Row::new(
            format!("build: `cargo build -p ngrok-ai`, crate clean, deps prebuilt (dev), median of {runs}"),
            fmt_seconds(median(&clean)),
        )
        .info_target("—")
        .noise(noise),
        Row::new(
            format!("build: `cargo build -p ngrok-ai` after `touch src/lib.rs` (dev, incremental), median of {runs}"),
            fmt_seconds(median(&incremental)),
        )
        .info_target("—")
        .noise(noise),
        Row::new("build: generated/ngrok-ai/src, lines of Rust", fmt_count(lines as f64)).untimed(),
    ];

    if settings.quick {
        return Ok(rows);
    }
    // Clean builds of reqwest alone: our TLS (rustls-no-provider + rustls/ring) against
    // reqwest's default (rustls with aws-lc-rs). One run each: a full clean build.
    let ours_dir = work.join("tls-ours");
    let default_dir = work.join("tls-default");
    tls_project(
        &ours_dir,
        root,
        "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"rustls-no-provider\", \"http2\"] }\nrustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\", \"logging\"] }\n",
        "fn main() {\n    let _ = rustls::crypto::ring::default_provider().install_default();\n    let _ = reqwest::Client::builder().build();\n}\n",
        &profiles,
    )?;
    tls_project(
        &default_dir,
        root,
        "reqwest = { version = \"0.13\", features = [\"json\", \"query\"] }\n",
        "fn main() {\n    let _ = reqwest::Client::builder().build();\n}\n",
        &profiles,
    )?;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut tls_noise = Noise::default();
    let tls_runs = settings.tls_runs.unwrap_or(1);
    for _ in 0..tls_runs {
        for (dir, times) in [(&ours_dir, &mut ours), (&default_dir, &mut theirs)] {
            let tls_target = dir.join("target");
            let _ = std::fs::remove_dir_all(&tls_target);
            cargo(dir, &tls_target, &["fetch"])?;
            let probe = Probe::start();
            times.push(cargo(dir, &tls_target, &["build"])?);
            tls_noise.add(probe.others());
        }
    }
    eprintln!("build: reqwest clean, ours {ours:.1?} s, default TLS {theirs:.1?} s");
    let ratios = ours.iter().zip(&theirs).map(|(o, t)| o / t).collect();
    rows.push(
        Row::new(
            format!("build: clean `cargo build` of reqwest 0.13 + rustls/ring (the client's TLS), median of {tls_runs}"),
            fmt_seconds(median(&ours)),
        )
        .ratios(
            format!(
                "reqwest 0.13 default features (rustls + aws-lc-rs): {}",
                fmt_seconds(median(&theirs))
            ),
            ratios,
        )
        .info_target("— (lower is better)")
        .noise(tls_noise),
    );
    let _ = std::fs::remove_dir_all(ours_dir.join("target"));
    let _ = std::fs::remove_dir_all(default_dir.join("target"));
    Ok(rows)
}
