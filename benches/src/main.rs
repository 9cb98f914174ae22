//! `cargo xtask bench`: measures the toolchain against baselines taken in the same run
//! and prints one Markdown table (figure | value | baseline | ratio (min / median / max) |
//! target | met? | noisy?) and notes that end with whether the figures may be quoted.
//!
//! ```text
//! ngrok-ai-benches [--only regen|client|mock|build|first-run[,…]] [--quick] [--runs N]
//!                  [--iterations N] [--tls-runs N] [--strict-quiet]
//! ```
//!
//! See BENCHMARKS.md at the repository root for the method and the latest figures.

mod alloc;
mod build;
mod client;
mod cpu;
mod first_run;
mod mock;
mod regen;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use report::{Noise, Row};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const USAGE: &str = "usage: cargo xtask bench [--only SECTION[,SECTION…]] [--quick] [--runs N] [--iterations N] [--tls-runs N] [--strict-quiet]

Sections (default: regen, client, mock, build, in this order):
  regen      generate_all + compare with disk, vs parsing the spec + prettyplease of the output
  client     generated client vs hand-written reqwest + serde_json (fixed-body local server):
             time and allocations per call; heap held by stream() over 100 pages vs one page
  mock       ngrok-ai-mock vs Prism (npm, benches/package.json): req/s, p50/p99, 64 connections
  build      `cargo build -p ngrok-ai` clean and incremental in a copy under /tmp; reqwest TLS choice
  first-run  only with --only (minutes): a fresh clone under /tmp, `cargo xtask regen`, then
             `cargo test --workspace --no-run --timings` with an empty target dir; slowest units

Each ratio is min / median / max over the runs, each run pairing the measurement with its
baseline; a target must hold on every run. Rows measured while other processes kept more
than 0.2 CPUs busy are flagged `noisy?`, and the run is then not quotable.

  --quick          a short smoke run (few iterations; no reqwest TLS builds)
  --runs N         runs of regen (default 10), client (5 rounds), mock (3) and build (3)
  --iterations N   sequential requests per operation, variant and round in `client` (default 10000)
  --tls-runs N     clean reqwest builds per TLS variant in `build` (default 1)
  --strict-quiet   exit with failure when the run is not quotable (a noisy machine)";

/// Command-line settings shared by the sections.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub quick: bool,
    pub runs: Option<usize>,
    pub iterations: Option<usize>,
    pub tls_runs: Option<usize>,
    pub strict_quiet: bool,
    pub sections: Vec<String>,
}

/// The default sections, in order.
const SECTIONS: [&str; 4] = ["regen", "client", "mock", "build"];
/// Sections that run only when named: they take minutes.
const OPT_IN: [&str; 1] = ["first-run"];

fn parse(args: &[String]) -> Result<Option<Settings>, String> {
    let mut settings = Settings::default();
    let mut args = args.iter();
    let number = |flag: &str, value: Option<&String>| -> Result<usize, String> {
        value
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| n > 0)
            .ok_or_else(|| format!("{flag} needs a positive number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quick" => settings.quick = true,
            "--strict-quiet" => settings.strict_quiet = true,
            "--runs" => settings.runs = Some(number("--runs", args.next())?),
            "--iterations" => settings.iterations = Some(number("--iterations", args.next())?),
            "--tls-runs" => settings.tls_runs = Some(number("--tls-runs", args.next())?),
            "--only" => {
                let list = args.next().ok_or("--only needs a section")?;
                for section in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !SECTIONS.contains(&section) && !OPT_IN.contains(&section) {
                        return Err(format!("unknown section `{section}`"));
                    }
                    settings.sections.push(section.to_owned());
                }
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if settings.sections.is_empty() {
        settings.sections = SECTIONS.iter().map(|s| (*s).to_owned()).collect();
    }
    Ok(Some(settings))
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn main() -> ExitCode {
    if let Ok(role) = std::env::var(client::ROLE_ENV) {
        return client::serve_fixtures(role == client::ROLE_FLOOR);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match parse(&args) {
        Ok(Some(settings)) => settings,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = repository_root();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut notes = vec![format!(
        "machine: {cpus} CPUs ({}); load average at start {}{}",
        cpu_model(),
        load_average(),
        if settings.quick {
            "; --quick: a smoke run, too short for the figures to mean much"
        } else {
            ""
        }
    )];
    let mut rows: Vec<Row> = Vec::new();
    let mut failed = false;
    for section in &settings.sections {
        let before = load_average();
        let probe = cpu::Probe::start();
        eprintln!("== {section}");
        let result = match section.as_str() {
            "regen" => regen::run(&root, &settings),
            "client" => client::run(&root, &settings),
            "mock" => mock::run(&root, &settings),
            "build" => build::run(&root, &settings),
            "first-run" => first_run::run(&root, &settings),
            _ => unreachable!("sections are checked by parse"),
        };
        let (others, seconds) = probe.others();
        let mut section_noise = Noise::default();
        section_noise.add((others, seconds));
        match result {
            Ok(section_rows) => rows.extend(section_rows.into_iter().map(|mut row| {
                // Rows the section did not probe run by run get the section's figure.
                row.noise = row.noise.or(section_noise.cpus());
                row
            })),
            Err(message) => {
                failed = true;
                eprintln!("error in section {section}: {message}");
                rows.push(
                    Row::new(
                        format!("{section}: not measured"),
                        message.replace('\n', " "),
                    )
                    .untimed(),
                );
            }
        }
        notes.push(format!(
            "{section}: {seconds:.0} s; other processes kept {:.2} of {cpus} CPUs busy on average; load average before {before}, after {}",
            others / seconds.max(1e-9),
            load_average()
        ));
    }
    println!("{}", report::table(&rows));
    let (quotable, verdict) = report::verdict(&rows);
    notes.push(verdict);
    for note in notes {
        println!("- {note}");
    }
    if failed || (settings.strict_quiet && !quotable) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
