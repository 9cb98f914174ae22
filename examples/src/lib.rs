//! Runnable walkthroughs of the `ngrok-ai` client, one per common workflow:
//!
//! | example | what it shows |
//! |---|---|
//! | [`access_keys_per_team`] | an access key per team, listed with `stream()`; the token is only in the create response |
//! | [`provider_keys`] | a provider key (BYOK) added and rotated; only `keyRedacted` ever comes back |
//! | [`routing_config`] | an access-key configuration with a scope and ordered failover (user keys, then ngrok), attached to a key and updated |
//! | [`custom_provider`] | a custom OpenAI-compatible provider with models; the 409 when deleting it while referenced |
//! | [`usage_and_credits`] | usage events page by page, the overview grouped by provider, the credit balance |
//!
//! Run one with `cargo run -p ngrok-ai-examples --example NAME`. Without
//! `NGROK_AI_API_KEY` it talks to an in-process [`MockServer`] (seeded where the example
//! reads data); with it, to the real API (`NGROK_AI_BASE_URL` optional), creating real
//! resources and deleting them at the end.
//!
//! Each module's `run(&client)` is the whole walkthrough; the example binaries only
//! [`connect`] and call it, and `tests/run_examples.rs` calls every `run` against a fresh
//! mock.

use std::fmt::Display;
use std::process::ExitCode;

use ngrok_ai::Client;
use ngrok_ai_mock::MockServer;

pub mod access_keys_per_team;
pub mod custom_provider;
pub mod provider_keys;
pub mod routing_config;
pub mod usage_and_credits;

/// What the walkthroughs return: any error, printed by [`finish`].
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A client for the real API when `NGROK_AI_API_KEY` is set (with a warning that real
/// resources are created), else for a fresh in-process mock, returned alongside so it
/// lives as long as the client is used.
///
/// # Errors
/// The client cannot be configured from the environment (e.g. a bad `NGROK_AI_BASE_URL`).
pub async fn connect() -> std::result::Result<(Client, Option<MockServer>), ngrok_ai::Error> {
    use ngrok_ai::runtime::config::{API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
    let key_set = std::env::var(API_KEY_ENV).is_ok_and(|key| !key.trim().is_empty());
    if key_set {
        let client = Client::from_env()?;
        let base_url = std::env::var(BASE_URL_ENV)
            .ok()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        eprintln!(
            "warning: {API_KEY_ENV} is set, so this example runs against the real API at \
             {base_url}.\nwarning: it creates real resources in that account and deletes them \
             at the end."
        );
        Ok((client, None))
    } else {
        let mock = MockServer::start().await;
        println!(
            "Using the in-process mock of the API at {} (set {API_KEY_ENV} to use the real API).",
            mock.base_url()
        );
        Ok((mock.client(), Some(mock)))
    }
}

/// The exit code of an example: prints the error, if any.
pub fn finish(result: Result) -> ExitCode {
    match result {
        Ok(()) => {
            println!("\nDone.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nerror: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the heading of one step of a walkthrough.
pub fn step(number: u32, title: &str) {
    println!("\n{number}. {title}");
}

/// Prints one line of a step.
pub fn say(line: impl Display) {
    println!("   {line}");
}

/// An error unless `condition` holds: the walkthroughs check what they claim.
///
/// # Errors
/// `condition` is false; the error says what was expected.
pub fn ensure(condition: bool, expected: &str) -> Result {
    if condition {
        Ok(())
    } else {
        Err(format!("expected {expected}").into())
    }
}

/// A short suffix that keeps names unique between runs against the same account
/// (provider IDs must be unique), e.g. `k3x9q1`.
pub fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut n = (nanos / 1_000) as u64;
    let mut out = String::new();
    for _ in 0..6 {
        let digit = (n % 36) as u32;
        out.push(char::from_digit(digit, 36).unwrap_or('0'));
        n /= 36;
    }
    out
}

/// One resource a walkthrough created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// An access key (`aigk_…`).
    AccessKey(String),
    /// An access key configuration (`aigac_…`).
    Configuration(String),
    /// A provider key (`aigpk_…`).
    ProviderKey(String),
    /// A custom provider (`aigp_…`).
    Provider(String),
}

/// What a walkthrough created, deleted at the end newest first (so that a key goes
/// before the configuration it links to), whether the walkthrough succeeded or not.
#[derive(Debug, Default)]
pub struct Cleanup {
    created: Vec<Created>,
}

impl Cleanup {
    /// Remembers a resource to delete.
    pub fn add(&mut self, resource: Created) {
        self.created.push(resource);
    }

    /// Forgets a resource the walkthrough deleted itself.
    pub fn forget(&mut self, id: &str) {
        self.created.retain(|c| c.id() != id);
    }

    /// Deletes everything remembered, newest first; a resource already gone is fine.
    ///
    /// # Errors
    /// The first deletion that failed otherwise (the others are still attempted).
    pub async fn run(self, client: &Client) -> Result {
        if self.created.is_empty() {
            return Ok(());
        }
        println!("\nCleaning up");
        let mut first_error: Option<ngrok_ai::Error> = None;
        for resource in self.created.into_iter().rev() {
            let result = match &resource {
                Created::AccessKey(id) => client.delete_access_key().id(id).send().await,
                Created::Configuration(id) => {
                    client.delete_access_key_configuration().id(id).send().await
                }
                Created::ProviderKey(id) => client.delete_provider_api_key().id(id).send().await,
                Created::Provider(id) => client.delete_provider().id(id).send().await,
            };
            match result {
                Ok(()) => say(format!("deleted {}", resource.id())),
                Err(e) if e.is_not_found() => say(format!("{} was already gone", resource.id())),
                Err(e) => {
                    say(format!("could not delete {}: {e}", resource.id()));
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            None => Ok(()),
            Some(e) => Err(e.into()),
        }
    }
}

impl Created {
    /// The resource's ID.
    pub fn id(&self) -> &str {
        match self {
            Self::AccessKey(id)
            | Self::Configuration(id)
            | Self::ProviderKey(id)
            | Self::Provider(id) => id,
        }
    }
}

/// Runs `walkthrough`, then the cleanup of what it created, and returns the first error.
pub async fn with_cleanup<'c, F>(client: &'c Client, walkthrough: F) -> Result
where
    F: AsyncFnOnce(&'c Client, &mut Cleanup) -> Result,
{
    let mut cleanup = Cleanup::default();
    let outcome = walkthrough(client, &mut cleanup).await;
    let cleaned = cleanup.run(client).await;
    outcome.and(cleaned)
}
