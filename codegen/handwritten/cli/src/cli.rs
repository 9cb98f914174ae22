//! The clap tree, built from the generated command table, and `main`.

use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches};

use crate::failure::{exit, Failure, EXIT_CODES_HELP};
use crate::invocation::{Invocation, Stdin};
use crate::output::Format;
use crate::table::{self, Kind, Place};
use crate::{commands, mock};

/// The binary's name.
pub const BINARY: &str = "ngrok-ai";

fn with_values(mut arg: Arg, a: &table::Arg) -> Arg {
    if !a.enum_values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(a.enum_values.iter().copied()));
    }
    if a.kind == Kind::Boolean {
        // `--flag` is `--flag=true`; `--flag=false` says false (PATCH: absent is neither).
        arg = arg
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_parser(["true", "false"]);
    }
    arg
}

/// One action of a group: an operation.
fn action(c: &'static table::Command) -> clap::Command {
    let mut long = format!("{}.", c.summary.trim_end_matches('.'));
    if !c.description.is_empty() {
        long.push_str("\n\n");
        long.push_str(c.description);
    }
    long.push_str(&format!(
        "\n\n{} {} (operationId {})",
        c.method, c.path, c.operation
    ));
    let mut cmd = clap::Command::new(c.action)
        .about(c.summary)
        .long_about(long)
        .after_help(format!("Example:\n  {}", c.example));
    for a in c.args {
        let help = if a.help.is_empty() { a.name } else { a.help };
        match a.place {
            Place::Path => {
                cmd = cmd.arg(
                    Arg::new(a.flag)
                        .value_name(a.value_name)
                        .required(true)
                        .help(help),
                );
            }
            Place::Query => {
                let arg = Arg::new(a.flag)
                    .long(a.flag)
                    .value_name(a.value_name)
                    .required(a.required)
                    .help(help);
                cmd = cmd.arg(with_values(arg, a));
            }
            Place::Body => {
                if let Some((stdin, file)) = a.secret {
                    cmd = cmd
                        .arg(
                            Arg::new(stdin)
                                .long(stdin)
                                .action(ArgAction::SetTrue)
                                .conflicts_with(file)
                                .help(format!(
                                    "{help} Secret: read from stdin (never from the command line)."
                                )),
                        )
                        .arg(
                            Arg::new(file)
                                .long(file)
                                .value_name("PATH")
                                .help(format!("{help} Secret: read from the file PATH.")),
                        );
                    continue;
                }
                let required = if a.required {
                    " Required (here or in --body)."
                } else {
                    ""
                };
                let arg = Arg::new(a.flag)
                    .long(a.flag)
                    .value_name(a.value_name)
                    .help(format!("{help}{required}"));
                cmd = cmd.arg(with_values(arg, a));
                if let Some(clear) = a.clear {
                    cmd = cmd.arg(
                        Arg::new(clear)
                            .long(clear)
                            .action(ArgAction::SetTrue)
                            .conflicts_with(a.flag)
                            .help(format!("Send `{}: null` (clears it).", a.name)),
                    );
                }
            }
        }
    }
    if c.body {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-|JSON")
                .help("The whole JSON body: a file, - for stdin, or inline JSON; flags override its fields."),
        );
    }
    if c.items.is_some() {
        cmd = cmd.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help(
            "Follow nextPageUri through every page, writing one JSON line per item as it arrives.",
        ));
    }
    cmd
}

/// The whole command tree.
pub fn command() -> clap::Command {
    let mut root = clap::Command::new(BINARY)
        .bin_name(BINARY)
        .about("Command-line tool for the ngrok.ai management API, generated from its OpenAPI description.")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(EXIT_CODES_HELP)
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .help_heading("Global options")
                .value_name("URL")
                .help("API base URL (default: NGROK_AI_BASE_URL, else https://api.ngrok.ai)."),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .help_heading("Global options")
                .value_name("FORMAT")
                .value_parser(Format::NAMES)
                .help("json (pretty on a terminal, compact otherwise), jsonl, or table."),
        );
    for group in commands::GROUPS {
        let mut g = clap::Command::new(group.name)
            .about(group.about)
            .subcommand_required(true)
            .arg_required_else_help(true);
        if let Some(alias) = group.alias {
            g = g.visible_alias(alias);
        }
        for c in commands::COMMANDS.iter().filter(|c| c.group == group.name) {
            g = g.subcommand(action(c));
        }
        root = root.subcommand(g);
    }
    root.subcommand(mock::command()).subcommand(
        clap::Command::new("completions")
            .about("Print a shell completion script.")
            .arg(Arg::new("shell").required(true).value_parser([
                "bash",
                "zsh",
                "fish",
                "elvish",
                "powershell",
            ])),
    )
}

/// The client: API key from NGROK_AI_API_KEY, base URL from `--base-url`, else
/// NGROK_AI_BASE_URL, else the default.
fn client(matches: &ArgMatches) -> Result<ngrok_ai::Client, Failure> {
    let key = std::env::var(ngrok_ai::runtime::config::API_KEY_ENV)
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            Failure::usage(format!(
                "set {} to your ngrok.ai API key (or to the mock's key)",
                ngrok_ai::runtime::config::API_KEY_ENV
            ))
        })?;
    let base_url = matches
        .get_one::<String>("base-url")
        .cloned()
        .or_else(|| std::env::var(ngrok_ai::runtime::config::BASE_URL_ENV).ok())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| ngrok_ai::runtime::config::DEFAULT_BASE_URL.to_owned());
    ngrok_ai::ClientBuilder::new()
        .api_key(key)
        .base_url(base_url)
        .build()
        .map_err(Failure::from)
}

fn completions(matches: &ArgMatches) -> Result<(), Failure> {
    use clap_complete::Shell;
    let shell = match matches.get_one::<String>("shell").map(String::as_str) {
        Some("zsh") => Shell::Zsh,
        Some("fish") => Shell::Fish,
        Some("elvish") => Shell::Elvish,
        Some("powershell") => Shell::PowerShell,
        _ => Shell::Bash,
    };
    clap_complete::generate(shell, &mut command(), BINARY, &mut std::io::stdout());
    Ok(())
}

async fn run_api(
    command: &'static table::Command,
    matches: &ArgMatches,
    root: &ArgMatches,
) -> Result<(), Failure> {
    let format = root
        .get_one::<String>("output")
        .or_else(|| matches.get_one::<String>("output"))
        .and_then(|f| Format::parse(f))
        .unwrap_or(Format::Json);
    let mut invocation = Invocation {
        command,
        matches,
        client: client(matches)?,
        format,
        input: Box::new(Stdin),
    };
    commands::dispatch(&mut invocation).await
}

/// Runs the command line `args` (the program name first); returns the exit code.
pub fn run(args: impl IntoIterator<Item = String>) -> u8 {
    let root = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    let result = match root.subcommand() {
        Some(("mock", m)) => mock::run(m),
        Some(("completions", m)) => completions(m),
        Some((group, g)) => match g.subcommand() {
            Some((action, m)) => match table::find(group, action) {
                Some(command) => tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .map_err(|e| Failure::local(format!("cannot start the runtime: {e}")))
                    .and_then(|rt| rt.block_on(run_api(command, m, &root))),
                None => Err(Failure::usage(format!(
                    "unknown command `{group} {action}`"
                ))),
            },
            None => Err(Failure::usage(format!("`{group}` needs an action"))),
        },
        None => Err(Failure::usage("a command is required")),
    };
    match result {
        Ok(()) => exit::OK,
        Err(failure) => {
            eprintln!("{BINARY}: {failure}");
            failure.code
        }
    }
}

/// The binary's `main`.
pub fn main() -> ExitCode {
    ExitCode::from(run(std::env::args()))
}

/// Every command's `--help`, in tree order, for the reviewed snapshot.
pub fn help_tree() -> String {
    fn walk(cmd: &mut clap::Command, path: &str, out: &mut String) {
        out.push_str(&format!("=== {path} --help\n"));
        out.push_str(&cmd.render_long_help().to_string());
        out.push('\n');
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .filter(|name| name != "help")
            .collect();
        for name in names {
            if let Some(sub) = cmd.find_subcommand_mut(&name) {
                walk(sub, &format!("{path} {name}"), out);
            }
        }
    }
    let mut cmd = command().term_width(100);
    cmd.build();
    let mut out = String::new();
    walk(&mut cmd, BINARY, &mut out);
    out
}
