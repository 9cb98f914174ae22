//! Section `regen`: what `cargo xtask check` does (load, validate, generate, format,
//! compare with the files on disk) against the floor of parsing the spec and
//! pretty-printing the same Rust output.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use ngrok_ai_codegen::{generate_all, write, SPEC_PATH};

use crate::cpu::Probe;
use crate::report::{fmt_n, fmt_ratio, fmt_seconds, median, Noise, Row};
use crate::Settings;

/// Parses the spec as YAML straight into `openapiv3` and formats every generated `.rs`
/// file with `syn` + `prettyplease`: the work no generator of this output can skip.
fn floor(spec_path: &Path, rust_sources: &[&str]) -> Result<usize, String> {
    let text = std::fs::read_to_string(spec_path).map_err(|e| e.to_string())?;
    let spec: openapiv3::OpenAPI = serde_norway::from_str(&text).map_err(|e| e.to_string())?;
    black_box(&spec);
    let mut bytes = 0;
    for source in rust_sources {
        let file = syn::parse_file(source).map_err(|e| e.to_string())?;
        bytes += black_box(prettyplease::unparse(&file)).len();
    }
    Ok(bytes)
}

pub fn run(root: &Path, settings: &Settings) -> Result<Vec<Row>, String> {
    let runs = if settings.quick {
        2
    } else {
        settings.runs.unwrap_or(10)
    };
    // Untimed: the output whose Rust files the floor formats, and a warm-up of both.
    let output = generate_all(root).map_err(|e| e.to_string())?;
    let rust_sources: Vec<&str> = output
        .files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|(_, text)| text.as_str())
        .collect();
    let rust_bytes: usize = rust_sources.iter().map(|s| s.len()).sum();
    let stale = write::differences(root, &output)
        .map_err(|e| e.to_string())?
        .len();
    let spec_path = root.join(SPEC_PATH);
    floor(&spec_path, &rust_sources)?;

    let mut regen_times = Vec::with_capacity(runs);
    let mut floor_times = Vec::with_capacity(runs);
    let mut noise = Noise::default();
    for i in 0..runs {
        let probe = Probe::start();
        // Alternate the order so that drift in the machine's load hits both alike.
        for which in [i % 2, 1 - i % 2] {
            if which == 0 {
                let started = Instant::now();
                let output = generate_all(root).map_err(|e| e.to_string())?;
                let diffs = write::differences(root, &output).map_err(|e| e.to_string())?;
                black_box(diffs);
                regen_times.push(started.elapsed().as_secs_f64());
            } else {
                let started = Instant::now();
                floor(&spec_path, &rust_sources)?;
                floor_times.push(started.elapsed().as_secs_f64());
            }
        }
        noise.add(probe.others());
    }
    let ratios: Vec<f64> = regen_times
        .iter()
        .zip(&floor_times)
        .map(|(regen, floor)| regen / floor)
        .collect();
    eprintln!(
        "regen: {} files ({} .rs, {} KiB of Rust), {stale} differ from disk; runs: {regen_times:.3?} vs floor {floor_times:.3?}",
        output.files.len(),
        rust_sources.len(),
        rust_bytes / 1024
    );
    // On every run: the ratio, and the absolute time a developer waits.
    let met = !ratios.is_empty()
        && (ratios.iter().zip(&regen_times)).all(|(&ratio, &regen)| ratio <= 1.5 && regen < 0.5);
    Ok(vec![Row::new(
        format!(
            "regen: generate_all + compare with disk ({} files), median of {}",
            output.files.len(),
            fmt_n(runs, "run")
        ),
        fmt_seconds(median(&regen_times)),
    )
    .ratios(
        format!(
            "floor: YAML→openapiv3 + syn/prettyplease of the {} .rs files: {}",
            rust_sources.len(),
            fmt_seconds(median(&floor_times))
        ),
        ratios,
    )
    .target(format!("≤ {} and < 0.5 s", fmt_ratio(1.5)), met)
    .noise(noise)])
}
