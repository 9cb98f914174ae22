//! Lays out the `ngrok-ai-cli` crate (binary `ngrok-ai`): the hand-written part copied from
//! `codegen/handwritten/cli/src` (tested there as `ngrok-ai-cli-handwritten`), plus `src/commands.rs`
//! from the API model: the command table (groups, commands, arguments, named by
//! [`crate::model::cli`], the rule the docs use too) and `dispatch`, which calls the typed
//! client's builder of each operation with the types its setters take (read from the
//! client's syntax tree, so the CLI follows the client).
//!
//! `codegen/handwritten/cli/src/commands.rs` is a stand-in that `include!`s the generated file; it and
//! `main.rs` (which names the hand-written library) are the files not copied.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::ToTokens;
use syn::{GenericArgument, ImplItem, Item, PathArguments, TypeParamBound, WherePredicate};

use super::{
    format_owned, hand_written, ClientSyntax, Output, HASH_HEADER, PACKAGE_COMMON, RUST_HEADER,
};
use crate::error::{CodegenError, Result};
use crate::load::Spec;
use crate::model::cli::{self, ArgPlace, CliCommand};
use crate::model::Api;

/// Directory of the generated CLI crate, relative to the repository root.
pub const CLI_DIR: &str = "generated/ngrok-ai-cli";

/// Path dependencies of the hand-written crate, and what they become in `generated/`.
const DEPS: [(&str, &str); 2] = [
    (
        r#"path = "../../../generated/ngrok-ai-mock""#,
        r#"path = "../ngrok-ai-mock""#,
    ),
    (
        r#"path = "../../../generated/ngrok-ai""#,
        r#"path = "../ngrok-ai""#,
    ),
];

/// Files of `codegen/handwritten/cli/src` that are not copied (the generator writes its own).
const NOT_COPIED: [&str; 2] = ["commands.rs", "main.rs"];

const MAIN_RS: &str =
    "//! `ngrok-ai`: the command-line tool for the ngrok.ai management API. Run with `--help`.

fn main() -> std::process::ExitCode {
    ngrok_ai_cli::main()
}
";

fn cli_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("handwritten/cli")
}

/// Adds the CLI crate's files to `output`.
pub fn add(mut output: Output, spec: &Spec, api: &Api, client: &ClientSyntax) -> Result<Output> {
    let cli = files(spec, api, client)?;
    output.files.extend(cli.files);
    output.owned_dirs.extend(cli.owned_dirs);
    Ok(output)
}

/// Every file of the CLI crate.
pub fn files(spec: &Spec, api: &Api, client: &ClientSyntax) -> Result<Output> {
    let fail = |message: String| CodegenError::Generate {
        file: spec.path.clone(),
        message: format!("cli: {message}"),
    };
    let dir = PathBuf::from(CLI_DIR);
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    let hand = cli_dir();
    let manifest = hand_written::read(&hand.join("Cargo.toml"))?;
    out.files.insert(
        dir.join("Cargo.toml"),
        cargo_toml(&manifest, &crate::release::crate_version()?).map_err(fail)?,
    );
    for (name, text) in hand_written::rust_sources(&hand.join("src"))? {
        if !NOT_COPIED.contains(&name.as_str()) {
            out.files
                .insert(dir.join("src").join(&name), format!("{RUST_HEADER}{text}"));
        }
    }
    out.files
        .insert(dir.join("src/main.rs"), format!("{RUST_HEADER}{MAIN_RS}"));
    let commands = commands_rs(api, client).map_err(fail)?;
    out.files.insert(dir.join("src/commands.rs"), commands);
    Ok(out)
}

fn cargo_toml(hand_manifest: &str, version: &str) -> std::result::Result<String, String> {
    let mut deps = hand_written::toml_section(hand_manifest, "[dependencies]")
        .ok_or("codegen/handwritten/cli/Cargo.toml has no [dependencies]")?;
    for (from, to) in DEPS {
        if !deps.contains(from) {
            return Err(format!(
                "codegen/handwritten/cli/Cargo.toml must depend on `{from}`"
            ));
        }
        deps = deps.replace(from, to);
    }
    Ok(format!(
        r#"{HASH_HEADER}[package]
name = "ngrok-ai-cli"
version = "{version}"
{PACKAGE_COMMON}
description = "ngrok-ai: command-line tool for the ngrok.ai management API (access keys, providers, provider keys, usage, credits)"
keywords = ["ngrok", "ai-gateway", "cli"]
categories = ["command-line-utilities"]

[lib]
name = "ngrok_ai_cli"
path = "src/lib.rs"

[[bin]]
name = "ngrok-ai"
path = "src/main.rs"

[dependencies]
{}
"#,
        deps.trim_end()
    ))
}

/// The type each builder setter takes: (builder, setter) → type, from
/// `V: TryInto<TYPE>` in the client's `builder` module.
fn setter_types(client: &ClientSyntax) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for item in &client.builder.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(builder) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        for member in &imp.items {
            let ImplItem::Fn(f) = member else { continue };
            let Some(clause) = &f.sig.generics.where_clause else {
                continue;
            };
            let target = clause.predicates.iter().find_map(|p| {
                let WherePredicate::Type(t) = p else {
                    return None;
                };
                if t.bounded_ty.to_token_stream().to_string() != "V" {
                    return None;
                }
                t.bounds.iter().find_map(|b| {
                    let TypeParamBound::Trait(tr) = b else {
                        return None;
                    };
                    let last = tr.path.segments.last()?;
                    if last.ident != "TryInto" {
                        return None;
                    }
                    let PathArguments::AngleBracketed(args) = &last.arguments else {
                        return None;
                    };
                    args.args.iter().find_map(|a| match a {
                        GenericArgument::Type(ty) => Some(ty.to_token_stream().to_string()),
                        _ => None,
                    })
                })
            });
            if let Some(ty) = target {
                out.insert(
                    (builder.clone(), f.sig.ident.to_string()),
                    ty.replace("crate ::", "ngrok_ai ::"),
                );
            }
        }
    }
    out
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt_lit(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

fn kind(k: &str) -> &'static str {
    match k {
        "integer" => "Kind::Integer",
        "number" => "Kind::Number",
        "boolean" => "Kind::Boolean",
        _ => "Kind::String",
    }
}

fn table_entry(api: &Api, c: &CliCommand) -> String {
    let op = c.op;
    let mut args = String::new();
    for a in &c.args {
        let place = match a.place {
            ArgPlace::Path => "Place::Path",
            ArgPlace::Query => "Place::Query",
            ArgPlace::Body => "Place::Body",
        };
        let clear = (a.nullable && !a.secret).then(|| format!("clear-{}", a.flag));
        let secret = if a.secret {
            format!(
                "Some(({}, {}))",
                lit(&format!("{}-stdin", a.flag)),
                lit(&format!("{}-file", a.flag))
            )
        } else {
            "None".into()
        };
        let values: Vec<String> = a.enum_values.iter().map(|v| lit(v)).collect();
        let _ = write!(
            args,
            "Arg {{ name: {}, flag: {}, place: {place}, required: {}, clear: {}, secret: {secret}, kind: {}, enum_values: &[{}], value_name: {}, help: {} }},",
            lit(a.name),
            lit(&a.flag),
            a.required,
            opt_lit(clear.as_deref()),
            kind(a.kind),
            values.join(", "),
            lit(&a.value_name),
            lit(&a.help),
        );
    }
    let example = cli::example(api, c);
    let example_args: Vec<String> = example.args.iter().map(|a| lit(a)).collect();
    format!(
        "Command {{ operation: {}, group: {}, action: {}, method: {}, path: {}, summary: {}, description: {}, args: &[{args}], body: {}, items: {}, example: {}, example_args: &[{}], example_stdin: {} }},\n",
        lit(op.id),
        lit(&c.group),
        lit(&c.action),
        lit(&op.method.to_uppercase()),
        lit(op.path),
        lit(op.summary),
        lit(&op.description.split_whitespace().collect::<Vec<_>>().join(" ")),
        c.body,
        opt_lit(op.pagination.as_ref().map(|p| p.items)),
        lit(&cli::shell_line(&example)),
        example_args.join(", "),
        opt_lit(example.stdin.as_ref().map(|(_, v)| v.as_str())),
    )
}

fn dispatch_arm(
    c: &CliCommand,
    setters: &BTreeMap<(String, String), String>,
) -> std::result::Result<String, String> {
    let op = c.op;
    let builder = op.rust_method.to_upper_camel_case();
    let setter_type = |setter: &str| {
        setters
            .get(&(builder.clone(), setter.to_string()))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the client's builder `{builder}` has no setter `{setter}` (operation {})",
                    op.id
                )
            })
    };
    let mut arm = format!("{} => {{\n", lit(op.id));
    if c.body {
        let _ = writeln!(arm, "let body: {} = inv.body()?;", setter_type("body")?);
    }
    let sets = c.body || c.args.iter().any(|a| a.place != ArgPlace::Body);
    let binding = if sets { "let mut call" } else { "let call" };
    let _ = writeln!(arm, "{binding} = client.{}();", op.rust_method);
    if c.body {
        arm.push_str("call = call.body(body);\n");
    }
    for a in c.args.iter().filter(|a| a.place != ArgPlace::Body) {
        let setter = a.name.to_snake_case();
        let ty = setter_type(&setter)?;
        if a.place == ArgPlace::Path {
            let _ = writeln!(
                arm,
                "call = call.{setter}(inv.required::<{ty}>({})?);",
                lit(a.name)
            );
        } else {
            let _ = writeln!(
                arm,
                "if let Some(v) = inv.value::<{ty}>({})? {{ call = call.{setter}(v); }}",
                lit(a.name)
            );
        }
    }
    if c.paginated {
        arm.push_str("if inv.all() { return inv.stream(call.stream()).await; }\n");
    }
    if op.response.is_some() {
        arm.push_str("let response = call.send().await?;\ninv.print(&response)\n");
    } else {
        arm.push_str("call.send().await?;\ninv.done()\n");
    }
    arm.push_str("}\n");
    Ok(arm)
}

fn commands_rs(api: &Api, client: &ClientSyntax) -> std::result::Result<String, String> {
    let names = cli::build(api)?;
    if names.commands.len() != api.operations.len() {
        return Err(format!(
            "{} operations but {} commands: every operation needs a tag with a group",
            api.operations.len(),
            names.commands.len()
        ));
    }
    let setters = setter_types(client);
    let mut src = String::new();
    src.push_str("use ngrok_ai::types;\n");
    src.push_str("use crate::failure::Failure;\nuse crate::invocation::Invocation;\n");
    src.push_str("use crate::table::{Arg, Command, Group, Kind, Place};\n");
    let _ = writeln!(
        src,
        "/// One group per tag with operations ({} in all).",
        names.groups.len()
    );
    src.push_str("pub static GROUPS: &[Group] = &[\n");
    for g in &names.groups {
        let _ = writeln!(
            src,
            "Group {{ name: {}, alias: {}, about: {} }},",
            lit(&g.name),
            opt_lit(g.alias.as_deref()),
            lit(&g.about)
        );
    }
    src.push_str("];\n");
    let _ = writeln!(
        src,
        "/// One command per operation ({} in all), in spec order.",
        names.commands.len()
    );
    src.push_str("pub static COMMANDS: &[Command] = &[\n");
    for c in &names.commands {
        src.push_str(&table_entry(api, c));
    }
    src.push_str("];\n");
    src.push_str(
        "/// Runs the command through the typed client: each operation's builder, its setters \
         given the parsed arguments, the body as the client's body type.\n",
    );
    src.push_str(
        "pub async fn dispatch(inv: &mut Invocation<'_>) -> Result<(), Failure> {\nlet client = inv.client.clone();\nmatch inv.operation() {\n",
    );
    for c in &names.commands {
        src.push_str(&dispatch_arm(c, &setters)?);
    }
    src.push_str(
        "other => Err(Failure::usage(format!(\"no command for operation {other}\"))),\n}\n}\n",
    );
    let file: syn::File =
        syn::parse_str(&src).map_err(|e| format!("generated commands.rs does not parse: {e}"))?;
    // Plain comments only: the hand-written crate `include!`s this file.
    Ok(format!(
        "{RUST_HEADER}// The ngrok-ai command table and dispatch, from the API model (codegen/src/model/cli.rs).\n{}",
        format_owned(file)
    ))
}
