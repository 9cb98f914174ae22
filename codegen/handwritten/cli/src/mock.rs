//! `ngrok-ai mock`: the generated mock server (`ngrok-ai-mock`), so every command can be
//! tried with no account.

use clap::{Arg, ArgMatches};

use crate::failure::Failure;

/// The key the mock accepts when neither `--api-key` nor NGROK_AI_API_KEY says one.
pub const DEFAULT_KEY: &str = "test-key";

pub fn command() -> clap::Command {
    clap::Command::new("mock")
        .about("Run the mock ngrok.ai API (stateful, validating) until Ctrl-C.")
        .long_about(
            "Run the mock ngrok.ai API (stateful, validating) until Ctrl-C. Point the other \
             commands at it with NGROK_AI_BASE_URL=http://127.0.0.1:PORT (or --base-url) and \
             NGROK_AI_API_KEY set to its key.",
        )
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("PORT")
                .default_value("8080")
                .value_parser(clap::value_parser!(u16))
                .help("Port to listen on (0 picks a free one)."),
        )
        .arg(
            Arg::new("host")
                .long("host")
                .value_name("HOST")
                .default_value("127.0.0.1")
                .help("Address to listen on."),
        )
        .arg(
            Arg::new("api-key")
                .long("api-key")
                .value_name("KEY")
                .help("The key clients must send (default: NGROK_AI_API_KEY, else test-key)."),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("FILE")
                .help("JSON file with the initial state (see the ngrok-ai-mock docs)."),
        )
}

pub fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let api_key = matches
        .get_one::<String>("api-key")
        .cloned()
        .or_else(|| std::env::var(ngrok_ai::runtime::config::API_KEY_ENV).ok())
        .filter(|k| !k.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_KEY.to_owned());
    let options = ngrok_ai_mock::cli::Options {
        host: matches
            .get_one::<String>("host")
            .cloned()
            .unwrap_or_default(),
        port: matches.get_one::<u16>("port").copied().unwrap_or(8080),
        api_key: api_key.clone(),
        seed: matches.get_one::<String>("seed").map(Into::into),
        ..ngrok_ai_mock::cli::Options::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::local(format!("cannot start the runtime: {e}")))?;
    runtime
        .block_on(ngrok_ai_mock::cli::run(
            options,
            |url| {
                let shown = if api_key == DEFAULT_KEY {
                    DEFAULT_KEY
                } else {
                    "(the key you gave)"
                };
                eprintln!(
                    "ngrok-ai mock listening on {url}\n  NGROK_AI_BASE_URL={url} NGROK_AI_API_KEY={shown} ngrok-ai access-keys list"
                );
            },
            ngrok_ai_mock::cli::termination_signal(),
        ))
        .map_err(Failure::local)
}
