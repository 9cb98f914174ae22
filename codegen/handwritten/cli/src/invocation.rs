//! One API command being run: its arguments read and converted, the body merged from
//! `--body` and the field flags, secrets read from stdin or a file, the answer printed.
//! The generated `dispatch` calls the typed client with what this hands it.

use std::io::{IsTerminal, Read};

use clap::ArgMatches;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::output::{self, Format};
use crate::table::{Command, Kind, Place};

/// Where the input comes from: the real stdin, or text (tests).
pub trait Input {
    /// All of stdin; called at most once per command.
    fn read_stdin(&mut self) -> Result<String, Failure>;
}

/// The process's stdin.
pub struct Stdin;

impl Input for Stdin {
    fn read_stdin(&mut self) -> Result<String, Failure> {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::local(format!("cannot read stdin: {e}")))?;
        Ok(text)
    }
}

impl Input for Option<String> {
    fn read_stdin(&mut self) -> Result<String, Failure> {
        self.take()
            .ok_or_else(|| Failure::usage("stdin can be read only once per command"))
    }
}

/// A secret as read from stdin or a file: one trailing line break dropped.
pub fn secret_text(mut text: String, from: &str) -> Result<String, Failure> {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.is_empty() {
        return Err(Failure::usage(format!("{from} is empty")));
    }
    Ok(text)
}

fn read_file(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::local(format!("cannot read {path}: {e}")))
}

/// A flag's text as the JSON value of `kind`.
pub fn json_value(kind: Kind, flag: &str, raw: &str) -> Result<Value, Failure> {
    let bad = |what: &str| Failure::usage(format!("--{flag}: `{raw}` is not {what}"));
    Ok(match kind {
        Kind::String => Value::String(raw.to_owned()),
        Kind::Integer => Value::Number(raw.parse::<i64>().map_err(|_| bad("an integer"))?.into()),
        Kind::Number => serde_json::Number::from_f64(raw.parse().map_err(|_| bad("a number"))?)
            .map(Value::Number)
            .ok_or_else(|| bad("a finite number"))?,
        Kind::Boolean => Value::Bool(match raw {
            "true" => true,
            "false" => false,
            _ => return Err(bad("true or false")),
        }),
    })
}

/// A parameter's text as the client's type `T` (a string, a number, a date-time, an enum).
pub fn typed<T: DeserializeOwned>(kind: Kind, flag: &str, raw: &str) -> Result<T, Failure> {
    let value = json_value(kind, flag, raw)?;
    serde_json::from_value(value)
        .map_err(|e| Failure::usage(format!("--{flag}: `{raw}` is not valid: {e}")))
}

/// The request body: `--body` (a file, `-` for stdin, or inline JSON), then each field
/// flag, `--clear-FIELD` (null) and secret (`--FIELD-stdin`, `--FIELD-file`) over it.
pub fn merge_body(
    command: &Command,
    matches: &ArgMatches,
    input: &mut dyn Input,
) -> Result<Value, Failure> {
    let mut stdin_used = None;
    let mut body = match matches.get_one::<String>("body").map(String::as_str) {
        None => Map::new(),
        Some(source) => {
            let text = if source == "-" {
                stdin_used = Some("--body -");
                input.read_stdin()?
            } else if source.trim_start().starts_with(['{', '[']) {
                source.to_owned()
            } else {
                read_file(source)?
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(Failure::usage("--body: the body must be a JSON object")),
                Err(e) => return Err(Failure::usage(format!("--body: not JSON: {e}"))),
            }
        }
    };
    for arg in command.args.iter().filter(|a| a.place == Place::Body) {
        if let Some((stdin_flag, file_flag)) = arg.secret {
            if matches.get_flag(stdin_flag) {
                if let Some(other) = stdin_used {
                    return Err(Failure::usage(format!(
                        "--{stdin_flag}: stdin is already read by {other}"
                    )));
                }
                stdin_used = Some(stdin_flag);
                let text = secret_text(input.read_stdin()?, "stdin")?;
                body.insert(arg.name.to_owned(), Value::String(text));
            } else if let Some(path) = matches.get_one::<String>(file_flag) {
                let text = secret_text(read_file(path)?, path)?;
                body.insert(arg.name.to_owned(), Value::String(text));
            }
            continue;
        }
        if arg.clear.is_some_and(|clear| matches.get_flag(clear)) {
            body.insert(arg.name.to_owned(), Value::Null);
        } else if let Some(raw) = matches.get_one::<String>(arg.flag) {
            body.insert(arg.name.to_owned(), json_value(arg.kind, arg.flag, raw)?);
        }
    }
    Ok(Value::Object(body))
}

/// The missing required fields of `body`, as flags, for the error message.
fn missing(command: &Command, body: &Value) -> Vec<String> {
    command
        .args
        .iter()
        .filter(|a| a.place == Place::Body && a.required && body.get(a.name).is_none())
        .map(|a| match a.secret {
            Some((stdin, file)) => format!("--{stdin} or --{file}"),
            None => format!("--{}", a.flag),
        })
        .collect()
}

/// One API command with its parsed arguments.
pub struct Invocation<'m> {
    pub command: &'static Command,
    pub matches: &'m ArgMatches,
    pub client: ngrok_ai::Client,
    pub format: Format,
    pub input: Box<dyn Input>,
}

impl Invocation<'_> {
    /// The spec's operationId of the command.
    pub fn operation(&self) -> &'static str {
        self.command.operation
    }

    /// The value of the parameter `name` (wire spelling), as the client's type.
    pub fn value<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Failure> {
        let arg = self
            .command
            .arg(name)
            .ok_or_else(|| Failure::usage(format!("no argument `{name}`")))?;
        match self.matches.get_one::<String>(arg.flag) {
            None => Ok(None),
            Some(raw) => typed(arg.kind, arg.flag, raw).map(Some),
        }
    }

    /// The value of a required parameter (clap has checked it is present).
    pub fn required<T: DeserializeOwned>(&self, name: &str) -> Result<T, Failure> {
        self.value(name)?
            .ok_or_else(|| Failure::usage(format!("`{name}` is required")))
    }

    /// `--all`.
    pub fn all(&self) -> bool {
        self.command.items.is_some() && self.matches.get_flag("all")
    }

    /// The request body as the client's body type: validation is the type's.
    pub fn body<T: DeserializeOwned>(&mut self) -> Result<T, Failure> {
        let body = merge_body(self.command, self.matches, self.input.as_mut())?;
        serde_json::from_value(body.clone()).map_err(|e| {
            let missing = missing(self.command, &body);
            let hint = if missing.is_empty() {
                String::new()
            } else {
                format!(" (required: {})", missing.join(", "))
            };
            Failure::usage(format!(
                "{} {}: the request body is not valid: {e}{hint}",
                self.command.group, self.command.action
            ))
        })
    }

    /// Prints a response.
    pub fn print<T: Serialize>(&self, response: &T) -> Result<(), Failure> {
        let value = serde_json::to_value(response)
            .map_err(|e| Failure::local(format!("cannot encode the response: {e}")))?;
        output::print(&value, self.format, self.command.items)
    }

    /// A response without a body (HEAD, DELETE): nothing to print; the exit code says it.
    pub fn done(&self) -> Result<(), Failure> {
        Ok(())
    }

    /// `--all`: every item of every page, one JSON line each as it arrives (a table is
    /// printed at the end), with a count on stderr when stderr is a terminal.
    pub async fn stream<T, S>(&self, stream: S) -> Result<(), Failure>
    where
        T: Serialize,
        S: Stream<Item = Result<T, ngrok_ai::Error>>,
    {
        let progress = std::io::stderr().is_terminal();
        let mut stream = std::pin::pin!(stream);
        let mut rows = Vec::new();
        let mut count = 0u64;
        while let Some(item) = stream.next().await {
            let value = serde_json::to_value(item?)
                .map_err(|e| Failure::local(format!("cannot encode an item: {e}")))?;
            count += 1;
            if self.format == Format::Table {
                rows.push(value);
            } else {
                output::print_line(&value)?;
            }
            if progress {
                eprint!("\r{count} items");
            }
        }
        if progress {
            eprint!("\r\x1b[K");
        }
        if self.format == Format::Table {
            print!("{}", output::table(&rows));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Arg;
    use serde_json::json;

    static ARGS: &[Arg] = &[
        Arg {
            name: "name",
            flag: "name",
            place: Place::Body,
            required: true,
            clear: Some("clear-name"),
            secret: None,
            kind: Kind::String,
            enum_values: &[],
            value_name: "TEXT",
            help: "",
        },
        Arg {
            name: "maxTokens",
            flag: "max-tokens",
            place: Place::Body,
            required: false,
            clear: None,
            secret: None,
            kind: Kind::Integer,
            enum_values: &[],
            value_name: "INTEGER",
            help: "",
        },
        Arg {
            name: "value",
            flag: "value",
            place: Place::Body,
            required: true,
            clear: None,
            secret: Some(("value-stdin", "value-file")),
            kind: Kind::String,
            enum_values: &[],
            value_name: "TEXT",
            help: "",
        },
    ];

    static COMMAND: Command = Command {
        operation: "Op",
        group: "things",
        action: "update",
        method: "PATCH",
        path: "/things/{id}",
        summary: "",
        description: "",
        args: ARGS,
        body: true,
        items: None,
        example: "",
        example_args: &[],
        example_stdin: None,
    };

    fn parse(args: &[&str]) -> ArgMatches {
        let cmd = clap::Command::new("t")
            .arg(clap::Arg::new("body").long("body"))
            .arg(clap::Arg::new("name").long("name"))
            .arg(
                clap::Arg::new("clear-name")
                    .long("clear-name")
                    .action(clap::ArgAction::SetTrue),
            )
            .arg(clap::Arg::new("max-tokens").long("max-tokens"))
            .arg(
                clap::Arg::new("value-stdin")
                    .long("value-stdin")
                    .action(clap::ArgAction::SetTrue),
            )
            .arg(clap::Arg::new("value-file").long("value-file"));
        cmd.try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .unwrap()
    }

    fn merged(args: &[&str], stdin: Option<&str>) -> Result<Value, Failure> {
        let mut input = stdin.map(str::to_owned);
        merge_body(&COMMAND, &parse(args), &mut input)
    }

    #[test]
    fn body_three_states_and_overrides() {
        assert_eq!(merged(&[], None).unwrap(), json!({}));
        assert_eq!(
            merged(&["--name", "a"], None).unwrap(),
            json!({"name": "a"})
        );
        assert_eq!(
            merged(&["--clear-name"], None).unwrap(),
            json!({"name": null})
        );
        assert_eq!(
            merged(
                &["--body", r#"{"name":"b","x":[1]}"#, "--max-tokens", "7"],
                None
            )
            .unwrap(),
            json!({"name": "b", "x": [1], "maxTokens": 7})
        );
        assert_eq!(
            merged(
                &["--body", "-", "--name", "flag"],
                Some(r#"{"name":"stdin"}"#)
            )
            .unwrap(),
            json!({"name": "flag"})
        );
        assert_eq!(merged(&["--max-tokens", "x"], None).unwrap_err().code, 2);
        assert_eq!(merged(&["--body", "[1]"], None).unwrap_err().code, 2);
        assert_eq!(
            merged(&["--body", "/no/such/file"], None).unwrap_err().code,
            1
        );
    }

    #[test]
    fn secrets_from_stdin_once() {
        assert_eq!(
            merged(&["--value-stdin"], Some("sk-1\r\n")).unwrap(),
            json!({"value": "sk-1"})
        );
        assert_eq!(merged(&["--value-stdin"], Some("\n")).unwrap_err().code, 2);
        let twice = merged(&["--body", "-", "--value-stdin"], Some("{}")).unwrap_err();
        assert!(twice.message.contains("already read"), "{twice}");
        assert_eq!(
            missing(&COMMAND, &json!({})),
            ["--name", "--value-stdin or --value-file"]
        );
    }

    #[test]
    fn parameter_values() {
        assert_eq!(typed::<u32>(Kind::Integer, "limit", "5").unwrap(), 5);
        assert!(typed::<std::num::NonZeroU32>(Kind::Integer, "limit", "0").is_err());
        assert!(typed::<bool>(Kind::Boolean, "b", "true").unwrap());
        let when: chrono::DateTime<chrono::Utc> =
            typed(Kind::String, "t", "2026-11-01T00:00:00Z").unwrap();
        assert_eq!(when.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let bad = typed::<chrono::DateTime<chrono::Utc>>(Kind::String, "start-time", "yesterday")
            .unwrap_err();
        assert!(bad.message.starts_with("--start-time"), "{bad}");
    }
}
