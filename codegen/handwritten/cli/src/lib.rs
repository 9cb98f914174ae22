//! `ngrok-ai`: a command-line tool for the ngrok.ai management API.
//!
//! The commands come from the OpenAPI description through `cargo xtask regen`
//! ([`commands`]: one group per tag, one action per operation, dispatched through the
//! typed client `ngrok-ai`); the rest is hand-written and tested once: the clap tree and
//! `main` ([`cli`]), argument and body handling ([`invocation`]), output ([`output`]),
//! exit codes ([`failure`]) and the `mock` subcommand ([`mock`]).

pub mod cli;
#[rustfmt::skip]
pub mod commands;
pub mod failure;
pub mod invocation;
pub mod mock;
pub mod output;
pub mod table;

pub use cli::{command, help_tree, main, run};
