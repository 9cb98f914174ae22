//! The `ngrok-ai-mock` command line.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::seed::Seed;
use crate::server::{run_until, MockServer};

/// `--help` text.
pub const USAGE: &str = "\
usage: ngrok-ai-mock --api-key KEY [--port PORT] [--host HOST] [--seed FILE]

A stateful, validating fake of the ngrok.ai management API.

  --api-key KEY   the API key clients must send as `Authorization: Bearer KEY` (required;
                  NGROK_AI_MOCK_API_KEY is used when the flag is absent)
  --port PORT     port to listen on (default 8080; 0 picks a free port)
  --host HOST     address to listen on (default 127.0.0.1)
  --seed FILE     JSON file with the initial state (format: see the crate docs)
  -h, --help      this text

The server prints `ngrok-ai-mock listening on <base URL>` to stderr, then one line per
request (method, path, status, operation, latency), and stops on SIGINT or SIGTERM.";

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
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print [`USAGE`].
    Help,
    /// Serve.
    Run(Options),
}

/// Parses the arguments after the program name. `env_api_key` is the value of
/// `NGROK_AI_MOCK_API_KEY`, used when `--api-key` is absent.
pub fn parse_args(
    args: impl IntoIterator<Item = String>,
    env_api_key: Option<String>,
) -> Result<Command, String> {
    let mut host = "127.0.0.1".to_owned();
    let mut port: u16 = 8080;
    let mut api_key = None;
    let mut seed = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--host" => host = value("--host")?,
            "--port" => {
                let text = value("--port")?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port: `{text}` is not a port number"))?;
            }
            "--api-key" => api_key = Some(value("--api-key")?),
            "--seed" => seed = Some(PathBuf::from(value("--seed")?)),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let api_key = api_key
        .or(env_api_key)
        .filter(|k| !k.trim().is_empty())
        .ok_or("--api-key is required")?;
    Ok(Command::Run(Options {
        host,
        port,
        api_key,
        seed,
    }))
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
        .log_requests(true);
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
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(options)) => options,
        Err(message) => {
            eprintln!("ngrok-ai-mock: {message}\n\n{USAGE}");
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
            })
        );
        assert_eq!(parse_args(args(&["-h"]), None).unwrap(), Command::Help);
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
        ] {
            assert!(parse_args(args(bad), None).is_err(), "{bad:?}");
        }
    }
}
