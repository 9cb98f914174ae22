//! The shape of the command table the generator writes (`commands.rs`): one [`Group`]
//! per tag, one [`Command`] per operation, one [`Arg`] per parameter or top-level scalar
//! body field. The clap tree ([`crate::cli`]) is built from it.

/// One command group: a tag of the API.
#[derive(Debug)]
pub struct Group {
    /// `access-keys`.
    pub name: &'static str,
    /// The tag's page name in the docs, when it differs from `name`.
    pub alias: Option<&'static str>,
    /// The tag's description.
    pub about: &'static str,
}

/// Where an argument goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A path parameter: positional.
    Path,
    /// A query parameter: `--flag VALUE`.
    Query,
    /// A top-level scalar field of the JSON body: `--flag VALUE`.
    Body,
}

/// The JSON type of an argument's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
}

/// One argument.
#[derive(Debug)]
pub struct Arg {
    /// The name on the wire (`accessKeyId`).
    pub name: &'static str,
    /// `access-key-id`: the flag (or, for a path parameter, the value name).
    pub flag: &'static str,
    pub place: Place,
    /// Required by the spec (a required body field may also come from `--body`).
    pub required: bool,
    /// `--clear-FIELD`, sending `null`, for a nullable body field.
    pub clear: Option<&'static str>,
    /// `(--FIELD-stdin, --FIELD-file)` for a secret: never a value on the command line.
    pub secret: Option<(&'static str, &'static str)>,
    pub kind: Kind,
    pub enum_values: &'static [&'static str],
    /// What `--help` calls the value (`DATE-TIME`, `INTEGER`, `ID`, ...).
    pub value_name: &'static str,
    pub help: &'static str,
}

/// One command: an operation of the API.
#[derive(Debug)]
pub struct Command {
    /// operationId as the spec spells it.
    pub operation: &'static str,
    pub group: &'static str,
    pub action: &'static str,
    /// `GET`, `POST`, ...
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub args: &'static [Arg],
    /// Takes a JSON body (`--body`).
    pub body: bool,
    /// A paginated list (`--all`); the response's array property.
    pub items: Option<&'static str>,
    /// The example invocation, as the docs show it.
    pub example: &'static str,
    /// The same as arguments after the binary's name (the spec's example values).
    pub example_args: &'static [&'static str],
    /// What the example writes to stdin (a secret's example value).
    pub example_stdin: Option<&'static str>,
}

impl Command {
    /// The argument whose wire name is `name`.
    pub fn arg(&self, name: &str) -> Option<&'static Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// The command of `group action`.
pub fn find(group: &str, action: &str) -> Option<&'static Command> {
    crate::commands::COMMANDS
        .iter()
        .find(|c| c.group == group && c.action == action)
}
