//! Recording cassettes: a scripted tour of the whole API through the generated client,
//! each exchange kept as it was on the wire (see `tests/README.md`). `cargo xtask
//! record` runs it against a base URL; `tests/tests/contract_replay.rs` runs it against
//! the mock and replays the result.
//!
//! The client talks to a recording reverse proxy on `127.0.0.1` ([`proxy`]), which
//! forwards every request upstream and keeps each request/response pair. After each
//! client call the pairs it produced become one cassette ([`recorder`]), redacted
//! (`Authorization` dropped, request `value`s and response `token`s replaced) before
//! anything is written.
//!
//! The tour ([`tour`]) creates its own resources (named `sdk-record-<run>`), exercises
//! every operation of today's API plus a few deliberate errors (401, 400, 409, 404), and
//! deletes everything it created, also when a step fails. Operations the scripted tour
//! does not know (the spec gained them) are recorded by generic steps derived from the
//! API model ([`generic`]).

mod generic;
mod proxy;
mod recorder;
mod tour;

use std::path::Path;

use ngrok_ai::{Client, RetryPolicy};

pub use proxy::Proxy;
use recorder::Recorder;
pub use recorder::Report;

/// IDs of what the tour created, for the deletes and for cleanup after a failure.
#[derive(Debug, Default)]
pub(crate) struct Created {
    pub(crate) provider: Option<String>,
    pub(crate) provider_key: Option<String>,
    pub(crate) configuration: Option<String>,
    pub(crate) access_keys: Vec<String>,
    pub(crate) api_key: Option<String>,
    /// Item paths created by the generic steps for resources the tour does not script.
    pub(crate) others: Vec<String>,
}

/// Records the tour against `base_url` with `api_key` into `out` (which must exist).
///
/// # Errors
/// When the proxy cannot start, a cassette cannot be written, or a step that must
/// succeed fails; whatever the tour created is deleted before returning.
pub async fn record_tour(base_url: &str, api_key: &str, out: &Path) -> Result<Report, String> {
    let proxy = Proxy::start(base_url).await?;
    let client = Client::builder()
        .api_key(api_key)
        .base_url(proxy.url())
        .build()
        .map_err(|e| e.to_string())?;
    let intruder = Client::builder()
        .api_key("ngai_record_tour_not_a_valid_key")
        .base_url(proxy.url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| e.to_string())?;
    let mut recorder = Recorder {
        proxy: &proxy,
        out: out.to_path_buf(),
        report: Report::default(),
        recorded: Default::default(),
    };
    let mut created = Created::default();
    let run = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
    let mut result = tour::tour(&client, &intruder, &mut recorder, &mut created, &run).await;
    if result.is_ok() {
        result = generic::untoured(&mut recorder, api_key, &mut created).await;
    }

    // Whatever is left (after a failure) is deleted directly, without recording.
    let direct = Client::builder()
        .api_key(api_key)
        .base_url(base_url)
        .build()
        .map_err(|e| e.to_string())?;
    let mut report = recorder.report;
    cleanup(&direct, (base_url, api_key), &created, &mut report.warnings).await;
    match result {
        Ok(()) => Ok(report),
        Err(error) => Err(format!(
            "the tour stopped: {error}\n{} cassette(s) written before it stopped{}",
            report.written.len(),
            report
                .warnings
                .iter()
                .map(|w| format!("\n{w}"))
                .collect::<String>()
        )),
    }
}

async fn cleanup(
    client: &Client,
    (base_url, api_key): (&str, &str),
    created: &Created,
    warnings: &mut Vec<String>,
) {
    let mut note = |what: &str, result: Result<(), ngrok_ai::Error>| match result {
        Ok(()) => warnings.push(format!("cleanup: deleted {what}")),
        Err(e) if e.is_not_found() => {}
        Err(e) => warnings.push(format!("cleanup: could not delete {what}: {e}")),
    };
    for id in &created.access_keys {
        note(id, client.delete_access_key().id(id).send().await);
    }
    if let Some(id) = &created.configuration {
        note(
            id,
            client.delete_access_key_configuration().id(id).send().await,
        );
    }
    if let Some(id) = &created.api_key {
        note(id, client.delete_api_key().id(id).send().await);
    }
    if let Some(id) = &created.provider_key {
        note(id, client.delete_provider_api_key().id(id).send().await);
    }
    if let Some(id) = &created.provider {
        note(id, client.delete_provider().id(id).send().await);
    }
    if !created.others.is_empty() {
        let http = reqwest::Client::new();
        for path in created.others.iter().rev() {
            let response = http
                .delete(format!("{}{path}", base_url.trim_end_matches('/')))
                .bearer_auth(api_key)
                .send()
                .await;
            match response.map(|r| r.status().as_u16()) {
                Ok(204) => warnings.push(format!("cleanup: deleted {path}")),
                Ok(404) => {}
                Ok(status) => warnings.push(format!("cleanup: could not delete {path}: {status}")),
                Err(e) => warnings.push(format!("cleanup: could not delete {path}: {e}")),
            }
        }
    }
}
