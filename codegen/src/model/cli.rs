//! How the `ngrok-ai` command line names the API: one command group per tag, one action
//! per operation, one flag per parameter and per top-level scalar body field. The CLI
//! generator (`generate/cli_crate.rs`) and the docs (each operation's CLI line) both read
//! these names from here, so they cannot disagree.
//!
//! The rules, general rather than a table of today's names:
//!
//! * **Group**: the first path segment every operation of the tag shares (`/gateway-config`
//!   → `gateway-config`, `/credits/balance` and `/credits/transactions` → `credits`), else
//!   the tag's page name (`access-keys`); the tag's page name is an alias when it differs.
//! * **Action**: the operation's method name (`rotate_provider_api_key`) minus the words
//!   that name the group's resource: the words (singular or plural) every operation of the
//!   group has in its name, and the words of the tag. What remains is the verb and any
//!   qualifier (`rotate`; `get_usage_overview` → `overview`); a `get` with a qualifier is
//!   just the qualifier (`get_credit_balance` → `balance`). When two operations of a group
//!   still share a name, the one on the collection (no path parameter) gets `-list`
//!   (`head_access_keys` → `head-list`, `head_access_key` → `head`); if that is not enough,
//!   each keeps its whole method name in kebab case.
//! * **Arguments**: path parameters are positional (`ngrok-ai access-keys get ID`); query
//!   parameters and top-level scalar body fields are `--kebab-case` flags; a nullable body
//!   field also has `--clear-FIELD` (sends `null`); a secret field (`x-ngrok-secret`) is
//!   read only with `--FIELD-stdin` or `--FIELD-file PATH`, never from the command line;
//!   other body fields go in `--body FILE|-|JSON`. A name that would take a flag every
//!   command has gets the group's singular in front (`baseUrl` of a provider:
//!   `--provider-base-url`, since `--base-url` points the CLI at a server).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToKebabCase, ToShoutySnakeCase};
use serde_json::Value;

use super::{resolve, Api, Op};

/// The binary's name.
pub const BINARY: &str = "ngrok-ai";

/// Subcommand names the CLI itself uses; no group may take them.
pub const RESERVED_GROUPS: [&str; 3] = ["mock", "completions", "help"];

/// Flags every command (or every body command) has; no parameter or field may take them.
pub const RESERVED_FLAGS: [&str; 6] = ["body", "all", "output", "base-url", "help", "version"];

/// One command group (a tag with operations).
pub struct CliGroup<'a> {
    pub name: String,
    /// The tag's page name when it differs from `name`.
    pub alias: Option<String>,
    pub tag: &'a str,
    pub about: String,
}

/// Where an argument comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgPlace {
    Path,
    Query,
    Body,
}

/// One argument of a command: a path or query parameter, or a top-level scalar body field.
pub struct CliArg<'a> {
    /// The name on the wire (`accessKeyId`).
    pub name: &'a str,
    /// The flag without dashes (`access-key-id`); path parameters are positional and use it
    /// as their value name.
    pub flag: String,
    pub place: ArgPlace,
    pub required: bool,
    /// A body field that may be sent as `null` (`--clear-FIELD`).
    pub nullable: bool,
    /// `x-ngrok-secret`: only `--FIELD-stdin` / `--FIELD-file`.
    pub secret: bool,
    /// `string`, `integer`, `number` or `boolean`.
    pub kind: &'a str,
    pub enum_values: Vec<&'a str>,
    /// What `--help` calls the value: `DATE-TIME`, `INTEGER`, `TEXT`, ...
    pub value_name: String,
    pub help: String,
}

/// One command: an operation.
pub struct CliCommand<'a> {
    pub op: &'a Op<'a>,
    pub group: String,
    pub action: String,
    pub args: Vec<CliArg<'a>>,
    /// The operation takes a JSON body (`--body`).
    pub body: bool,
    /// The operation is a paginated list (`--all`).
    pub paginated: bool,
}

/// Every group and command of the CLI.
pub struct Cli<'a> {
    pub groups: Vec<CliGroup<'a>>,
    /// In operation order.
    pub commands: Vec<CliCommand<'a>>,
}

impl<'a> Cli<'a> {
    /// The command of operation `id` (spec spelling).
    pub fn command(&self, id: &str) -> Option<&CliCommand<'a>> {
        self.commands.iter().find(|c| c.op.id == id)
    }
}

/// An example invocation: the arguments after the binary's name, and what goes to stdin.
pub struct CliExample {
    pub args: Vec<String>,
    /// `(field, value)` of the secret read with `--FIELD-stdin`.
    pub stdin: Option<(String, String)>,
}

fn singular(word: &str) -> String {
    if word.ends_with("ss") {
        word.to_string()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_string()
    }
}

/// The first path segment, e.g. `credits` of `/credits/balance`.
fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

/// Builds the names. Errors name what collides.
pub fn build<'a>(api: &'a Api<'a>) -> Result<Cli<'a>, String> {
    let mut groups = Vec::new();
    let mut by_tag: BTreeMap<&str, String> = BTreeMap::new();
    for tag in &api.tags {
        let ops: Vec<&Op> = api.operations_of(tag.name).collect();
        let Some(first) = ops.first() else { continue };
        let segment = first_segment(first.path);
        let shared = !segment.is_empty()
            && !segment.contains('{')
            && ops.iter().all(|o| first_segment(o.path) == segment);
        let name = if shared {
            segment.to_kebab_case()
        } else {
            tag.slug.clone()
        };
        if RESERVED_GROUPS.contains(&name.as_str())
            || groups.iter().any(|g: &CliGroup| g.name == name)
        {
            return Err(format!(
                "tag `{}` gives the CLI group `{name}`, which is reserved or taken",
                tag.name
            ));
        }
        by_tag.insert(tag.name, name.clone());
        groups.push(CliGroup {
            alias: (tag.slug != name).then(|| tag.slug.clone()),
            name,
            tag: tag.name,
            about: if tag.description.is_empty() {
                tag.title.clone()
            } else {
                one_paragraph(tag.description)
            },
        });
    }
    let mut commands = Vec::new();
    for group in &groups {
        let ops: Vec<&Op> = api.operations_of(group.tag).collect();
        let nouns = |op: &Op| -> Vec<String> {
            op.rust_method
                .split('_')
                .skip(1)
                .map(str::to_string)
                .collect()
        };
        let mut common: Option<BTreeSet<String>> = None;
        for op in &ops {
            let words: BTreeSet<String> = nouns(op).iter().map(|w| singular(w)).collect();
            common = Some(match common {
                None => words,
                Some(c) => c.intersection(&words).cloned().collect(),
            });
        }
        let mut resource_words = common.unwrap_or_default();
        let tag_words = api
            .tag(group.tag)
            .map(|t| t.slug.clone())
            .unwrap_or_default();
        for w in tag_words.split('-').chain(group.name.split('-')) {
            resource_words.insert(singular(w));
        }
        let mut named: Vec<(&Op, String)> = ops
            .iter()
            .map(|op| {
                let verb = op.rust_method.split('_').next().unwrap_or_default();
                let rest: Vec<String> = nouns(op)
                    .into_iter()
                    .filter(|w| !resource_words.contains(&singular(w)))
                    .collect();
                let action = if verb == "get" && !rest.is_empty() {
                    rest.join("-")
                } else {
                    std::iter::once(verb.to_string())
                        .chain(rest)
                        .collect::<Vec<_>>()
                        .join("-")
                };
                (*op, action)
            })
            .collect();
        for round in 0..2 {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for (_, a) in &named {
                *counts.entry(a.clone()).or_default() += 1;
            }
            for (op, action) in named.iter_mut() {
                if counts[action.as_str()] > 1 || action == "help" {
                    if round == 0 && !op.has_path_id() {
                        action.push_str("-list");
                    } else if round == 1 {
                        *action = op.rust_method.to_kebab_case();
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (op, action) in named {
            if !seen.insert(action.clone()) {
                return Err(format!(
                    "{} gives the CLI action `{} {action}` twice",
                    op.id, group.name
                ));
            }
            commands.push((op, group.name.clone(), action));
        }
    }
    let mut out = Vec::new();
    for op in &api.operations {
        let Some((_, group, action)) = commands.iter().find(|(o, _, _)| o.id == op.id) else {
            continue;
        };
        out.push(CliCommand {
            op,
            group: group.clone(),
            action: action.clone(),
            args: args(api, op, group)?,
            body: op.body.is_some(),
            paginated: op.pagination.is_some(),
        });
    }
    Ok(Cli {
        groups,
        commands: out,
    })
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn scalar_kind(schema: &Value) -> Option<&str> {
    match schema.get("type").and_then(Value::as_str) {
        Some(k @ ("string" | "integer" | "number" | "boolean")) => Some(k),
        _ => None,
    }
}

/// `date-time` → `DATE-TIME`; otherwise by type (`TEXT`, `INTEGER`, `NUMBER`, `BOOL`);
/// an ID path parameter is `ID`.
fn value_name(name: &str, schema: &Value) -> String {
    if name == "id" {
        return "ID".into();
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        if format.contains("date") {
            return format.to_shouty_snake_case().replace('_', "-");
        }
    }
    match scalar_kind(schema) {
        Some("integer") => "INTEGER",
        Some("number") => "NUMBER",
        Some("boolean") => "BOOL",
        _ => "TEXT",
    }
    .into()
}

fn enum_values(schema: &Value) -> Vec<&str> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `base-url` → `provider-base-url` in group `providers`: a parameter or field named like
/// a flag every command has is prefixed with the group's singular.
fn flag_for(name: &str, group: &str) -> String {
    let flag = name.to_kebab_case();
    if RESERVED_FLAGS.contains(&flag.as_str()) {
        format!("{}-{flag}", singular(group))
    } else {
        flag
    }
}

fn args<'a>(api: &'a Api<'a>, op: &'a Op<'a>, group: &str) -> Result<Vec<CliArg<'a>>, String> {
    let mut out: Vec<CliArg> = Vec::new();
    for p in &op.params {
        let place = match p.location {
            "path" => ArgPlace::Path,
            "query" => ArgPlace::Query,
            _ => continue,
        };
        out.push(CliArg {
            name: p.name,
            flag: flag_for(p.name, group),
            place,
            required: p.required,
            nullable: false,
            secret: false,
            kind: scalar_kind(p.schema).unwrap_or("string"),
            enum_values: enum_values(p.schema),
            value_name: value_name(p.name, p.schema),
            help: one_paragraph(p.description),
        });
    }
    if let Some(body) = &op.body {
        let schema = api.resolve(body.schema);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let resolved = resolve(api.raw, prop);
            let Some(kind) = scalar_kind(resolved) else {
                continue;
            };
            let flag = |key: &str| {
                [prop, resolved]
                    .iter()
                    .any(|s| s.get(key).and_then(Value::as_bool) == Some(true))
            };
            out.push(CliArg {
                name,
                flag: flag_for(name, group),
                place: ArgPlace::Body,
                required: required.contains(&name.as_str()),
                nullable: flag("nullable"),
                secret: flag("x-ngrok-secret"),
                kind,
                enum_values: enum_values(resolved),
                value_name: value_name("", resolved),
                help: one_paragraph(
                    prop.get("description")
                        .or_else(|| resolved.get("description"))
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ),
            });
        }
    }
    let mut flags = BTreeSet::new();
    for a in &out {
        let mut taken = vec![a.flag.clone()];
        if a.nullable {
            taken.push(format!("clear-{}", a.flag));
        }
        if a.secret {
            taken.push(format!("{}-stdin", a.flag));
            taken.push(format!("{}-file", a.flag));
        }
        for f in taken {
            if RESERVED_FLAGS.contains(&f.as_str()) || !flags.insert(f.clone()) {
                return Err(format!(
                    "{}: `{}` gives the CLI flag `--{f}`, which is reserved or taken",
                    op.id, a.name
                ));
            }
        }
    }
    Ok(out)
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The example invocation of `command`, from the spec's examples: the path and query
/// parameters the Rust and curl examples set, the body example's scalar fields as flags
/// (`null` as `--clear-FIELD`, a secret through stdin), its other fields in `--body`.
pub fn example(api: &Api<'_>, command: &CliCommand<'_>) -> CliExample {
    let op = command.op;
    let mut args = vec![command.group.clone(), command.action.clone()];
    let mut stdin = None;
    let with_example: Vec<&str> = op.example_params(api).map(|p| p.name).collect();
    for p in &op.params {
        if !with_example.contains(&p.name) {
            continue;
        }
        let value = p.example.map(plain).unwrap_or_default();
        let Some(arg) = command.args.iter().find(|a| a.name == p.name) else {
            continue;
        };
        match arg.place {
            ArgPlace::Path => args.push(value),
            _ if arg.kind == "boolean" => args.push(format!("--{}={value}", arg.flag)),
            _ => {
                args.push(format!("--{}", arg.flag));
                args.push(value);
            }
        }
    }
    if let Some(body) = op
        .body
        .as_ref()
        .and_then(|b| b.example)
        .and_then(Value::as_object)
    {
        let mut rest = serde_json::Map::new();
        for (name, value) in body {
            let arg = command
                .args
                .iter()
                .find(|a| a.place == ArgPlace::Body && a.name == name);
            match arg {
                Some(a) if value.is_null() && a.nullable => {
                    args.push(format!("--clear-{}", a.flag))
                }
                Some(a) if a.secret && !value.is_null() => {
                    args.push(format!("--{}-stdin", a.flag));
                    stdin = Some((name.clone(), plain(value)));
                }
                Some(a) if !value.is_null() => {
                    if a.kind == "boolean" {
                        args.push(format!("--{}={}", a.flag, plain(value)));
                    } else {
                        args.push(format!("--{}", a.flag));
                        args.push(plain(value));
                    }
                }
                _ => {
                    rest.insert(name.clone(), value.clone());
                }
            }
        }
        if !rest.is_empty() {
            args.push("--body".into());
            args.push(Value::Object(rest).to_string());
        }
    }
    CliExample { args, stdin }
}

/// Quotes `word` for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The example as one shell line: `ngrok-ai access-keys get aigk_…`; a secret read from
/// stdin comes from an environment variable named after its field (`$VALUE`).
pub fn shell_line(example: &CliExample) -> String {
    let command = std::iter::once(BINARY.to_string())
        .chain(example.args.iter().map(|a| shell_word(a)))
        .collect::<Vec<_>>()
        .join(" ");
    match &example.stdin {
        Some((field, _)) => format!(
            "printf '%s' \"${}\" | {command}",
            field.to_shouty_snake_case()
        ),
        None => command,
    }
}

#[cfg(test)]
mod tests {
    use super::{shell_word, singular};

    #[test]
    fn words() {
        assert_eq!(singular("keys"), "key");
        assert_eq!(singular("access"), "access");
        assert_eq!(singular("usage"), "usage");
        assert_eq!(shell_word("aigk_1"), "aigk_1");
        assert_eq!(shell_word("{\"a\":1}"), "'{\"a\":1}'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}

/// The rule applied to the project's spec: the names the issue and README promise.
#[cfg(test)]
mod spec_tests {
    use std::path::Path;

    #[test]
    fn names_of_the_real_api() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec = crate::load::load_spec(&root.join(crate::SPEC_PATH)).unwrap();
        let api = crate::model::Api::build(&spec).unwrap();
        let cli = super::build(&api).unwrap();
        let name = |id: &str| {
            let c = cli.command(id).unwrap();
            format!("{} {}", c.group, c.action)
        };
        assert_eq!(name("ListAIGatewayAccessKeys"), "access-keys list");
        assert_eq!(name("HeadAIGatewayAccessKeys"), "access-keys head-list");
        assert_eq!(name("HeadAIGatewayAccessKey"), "access-keys head");
        assert_eq!(
            name("RotateAIGatewayProviderAPIKey"),
            "provider-keys rotate"
        );
        assert_eq!(name("GetAIGatewayUsageOverview"), "usage overview");
        assert_eq!(name("UpdateAIGatewayConfig"), "gateway-config update");
        assert_eq!(name("GetCreditBalance"), "credits balance");
        assert_eq!(
            name("CreateCheckoutSession"),
            "credits create-checkout-session"
        );
        assert_eq!(cli.commands.len(), api.operations.len());
        let provider = cli.command("CreateAIGatewayProvider").unwrap();
        assert!(provider.args.iter().any(|a| a.flag == "provider-base-url"));
        let rotate = cli.command("RotateAIGatewayProviderAPIKey").unwrap();
        assert!(rotate.args.iter().any(|a| a.name == "value" && a.secret));
    }
}
