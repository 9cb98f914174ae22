//! The `ngrok-ai-mock` command line.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::journal::DEFAULT_JOURNAL_CAPACITY;
use crate::seed::Seed;
use crate::server::{run_until, MockServer, MAX_BODY_BYTES};

/// The command line, as clap parses it.
#[derive(Parser, Debug)]
#[command(
    name = "ngrok-ai-mock",
    version,
    about = "A stateful, validating fake of the ngrok.ai management API.",
    after_help = "The server prints `ngrok-ai-mock listening on <base URL>` to stderr, then one line per \
request (method, path, status, operation, latency) unless --quiet, and stops on SIGINT or SIGTERM.\n\n\
Journal: `GET /_mock/journal` lists the requests received (JSON), `DELETE /_mock/journal` \
empties it; both need the API key."
)]
struct Args {
    /// The API key clients must send as `Authorization: Bearer KEY` (required;
    /// NGROK_AI_MOCK_API_KEY is used when the flag is absent)
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
    /// Port to listen on (0 picks a free port)
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    port: u16,
    /// Address to listen on
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    host: String,
    /// JSON file with the initial state (format: see the crate docs)
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Requests the journal keeps, oldest dropped first (0: none)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_JOURNAL_CAPACITY)]
    journal_capacity: usize,
    /// Time allowed to send a request head, and the longest idle keep-alive (a Go
    /// duration: 30s, 500ms, 2m)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    header_read_timeout: Duration,
    /// Time allowed to send a request body before the answer is 408 (a Go duration)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    body_read_timeout: Duration,
    /// Largest request body accepted, in bytes (413 above)
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Print no line per request (the journal still records them)
    #[arg(long)]
    quiet: bool,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::duration::parse_go_duration(text)
        .filter(|nanos| *nanos > 0.0 && nanos.is_finite())
        .map(|nanos| Duration::from_nanos(nanos as u64))
        .ok_or_else(|| format!("`{text}` is not a positive Go duration (e.g. 30s, 500ms)"))
}

/// Parsed command-line options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Address to listen on.
    pub host: String,
    /// Port to listen on.
    pub port: u16,
    /// API key clients must present.
    pub api_key: String,
    /// Seed file.
    pub seed: Option<PathBuf>,
    /// Requests the journal keeps.
    pub journal_capacity: usize,
    /// Time allowed to send a request head.
    pub header_read_timeout: Duration,
    /// Time allowed to send a request body.
    pub body_read_timeout: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// No line per request on stderr.
    pub quiet: bool,
}

/// The defaults of every flag; `api_key` is empty (the command line requires one).
impl Default for Options {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 8080,
            api_key: String::new(),
            seed: None,
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            header_read_timeout: crate::server::DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: crate::server::DEFAULT_BODY_READ_TIMEOUT,
            max_body_bytes: MAX_BODY_BYTES,
            quiet: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print this help text (`-h`, `--help`).
    Help(String),
    /// Print this version text (`-V`, `--version`).
    Version(String),
    /// Serve.
    Run(Options),
}

/// Parses the arguments after the program name. `env_api_key` is the value of
/// `NGROK_AI_MOCK_API_KEY`, used when `--api-key` is absent. Unknown arguments are
/// errors; the error text ends with the usage line.
pub fn parse_args(
    args: impl IntoIterator<Item = String>,
    env_api_key: Option<String>,
) -> Result<Command, String> {
    let argv = std::iter::once("ngrok-ai-mock".to_owned()).chain(args);
    let args = match Args::try_parse_from(argv) {
        Ok(args) => args,
        Err(e) => {
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp => Ok(Command::Help(e.to_string())),
                clap::error::ErrorKind::DisplayVersion => Ok(Command::Version(e.to_string())),
                _ => Err(e.to_string()),
            }
        }
    };
    let api_key = args
        .api_key
        .or(env_api_key)
        .filter(|k| !k.trim().is_empty())
        .ok_or("--api-key is required (or set NGROK_AI_MOCK_API_KEY)")?;
    Ok(Command::Run(Options {
        host: args.host,
        port: args.port,
        api_key,
        seed: args.seed,
        journal_capacity: args.journal_capacity,
        header_read_timeout: args.header_read_timeout,
        body_read_timeout: args.body_read_timeout,
        max_body_bytes: args.max_body_bytes,
        quiet: args.quiet,
    }))
}

/// The `--help` text.
pub fn usage() -> String {
    use clap::CommandFactory;
    Args::command().render_help().to_string()
}

/// Serves `options` until `shutdown` completes. `on_start` receives the base URL.
pub async fn run(
    options: Options,
    on_start: impl FnOnce(&str),
    shutdown: impl Future<Output = ()>,
) -> Result<(), String> {
    let mut builder = MockServer::builder()
        .host(options.host)
        .port(options.port)
        .api_key(options.api_key)
        .journal_capacity(options.journal_capacity)
        .header_read_timeout(options.header_read_timeout)
        .body_read_timeout(options.body_read_timeout)
        .max_body_bytes(options.max_body_bytes)
        .log_requests(!options.quiet);
    if let Some(path) = &options.seed {
        builder = builder.seed(Seed::from_file(path).map_err(|e| e.to_string())?);
    }
    run_until(builder, |server| on_start(server.base_url()), shutdown)
        .await
        .map_err(|e| e.to_string())
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn termination_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The binary's `main`: parse, serve until a signal, exit 0 (2 on bad arguments, 1 on
/// failure).
pub fn main() -> ExitCode {
    let env_api_key = std::env::var("NGROK_AI_MOCK_API_KEY").ok();
    let options = match parse_args(std::env::args().skip(1), env_api_key) {
        Ok(Command::Help(text) | Command::Version(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(options)) => options,
        Err(message) => {
            eprintln!("ngrok-ai-mock: {}", message.trim_end());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ngrok-ai-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(
        options,
        |base_url| eprintln!("ngrok-ai-mock listening on {base_url}"),
        termination_signal(),
    ));
    match result {
        Ok(()) => {
            eprintln!("ngrok-ai-mock: stopped");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("ngrok-ai-mock: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::JOURNAL_CONTROL_PATH;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags() {
        let cmd = parse_args(
            args(&[
                "--port",
                "0",
                "--api-key=k",
                "--seed",
                "s.json",
                "--host",
                "::1",
            ]),
            None,
        )
        .unwrap();
        assert_eq!(
            cmd,
            Command::Run(Options {
                host: "::1".into(),
                port: 0,
                api_key: "k".into(),
                seed: Some("s.json".into()),
                journal_capacity: DEFAULT_JOURNAL_CAPACITY,
                header_read_timeout: Duration::from_secs(30),
                body_read_timeout: Duration::from_secs(30),
                max_body_bytes: MAX_BODY_BYTES,
                quiet: false,
            })
        );
        let Command::Help(help) = parse_args(args(&["-h"]), None).unwrap() else {
            panic!("not help");
        };
        for flag in [
            "--api-key <KEY>",
            "--seed <FILE>",
            "--journal-capacity <N>",
            "--header-read-timeout <DURATION>",
            "--body-read-timeout <DURATION>",
            "--max-body-bytes <BYTES>",
            "--quiet",
            "--version",
            JOURNAL_CONTROL_PATH,
        ] {
            assert!(help.contains(flag), "{flag}: {help}");
        }
        assert_eq!(help, usage());
        let Command::Version(version) = parse_args(args(&["--version"]), None).unwrap() else {
            panic!("not version");
        };
        assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
        let Command::Run(limits) = parse_args(
            args(&[
                "--api-key",
                "k",
                "--journal-capacity",
                "5",
                "--header-read-timeout",
                "500ms",
                "--body-read-timeout=2s",
                "--max-body-bytes",
                "10",
                "--quiet",
            ]),
            None,
        )
        .unwrap() else {
            panic!("not run");
        };
        assert_eq!(limits.journal_capacity, 5);
        assert_eq!(limits.header_read_timeout, Duration::from_millis(500));
        assert_eq!(limits.body_read_timeout, Duration::from_secs(2));
        assert_eq!(limits.max_body_bytes, 10);
        assert!(limits.quiet);
        let Command::Run(defaults) = parse_args(args(&["--api-key", "k"]), None).unwrap() else {
            panic!("not run");
        };
        assert_eq!(
            defaults,
            Options {
                api_key: "k".into(),
                ..Options::default()
            }
        );
        let from_env = parse_args(args(&[]), Some("env-key".into())).unwrap();
        assert!(matches!(from_env, Command::Run(o) if o.api_key == "env-key" && o.port == 8080));
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in [
            &["--port", "x", "--api-key", "k"][..],
            &["--port", "70000", "--api-key", "k"],
            &["--api-key"],
            &["--bogus"],
            &[],
            &["--api-key", " "],
            &["--api-key", "k", "extra"],
            &["--api-key", "k", "--header-read-timeout", "0"],
            &["--api-key", "k", "--body-read-timeout", "soon"],
            &["--api-key", "k", "--journal-capacity", "-1"],
        ] {
            assert!(parse_args(args(bad), None).is_err(), "{bad:?}");
        }
    }
}
