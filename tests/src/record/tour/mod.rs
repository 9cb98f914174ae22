//! The scripted tour of today's API, one step per resource. The order of the steps is the
//! order of the cassettes (the `NN-` of their names), so it is kept in this one place:
//! a provider before what references it, the deletes only after every read and update,
//! and the referencing resources deleted before the provider.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

mod access_keys;
mod api_keys;
mod configurations;
mod credits;
mod errors;
mod gateway_config;
mod provider_keys;
mod providers;
mod usage;

use ngrok_ai::Client;

use super::recorder::Recorder;
use super::Created;

/// What every step works with.
struct Tour<'t, 'r> {
    client: &'t Client,
    recorder: &'t mut Recorder<'r>,
    /// Kept up to date by every create and delete, so that a tour stopped half-way is
    /// cleaned up by the caller.
    created: &'t mut Created,
    /// `sdk-record-<run>`, the start of every created name, so that a run's leftovers can
    /// be told from anything else in the account.
    prefix: String,
    /// Set on create and cleared on update, so that both are recorded.
    metadata: String,
}

pub(crate) async fn tour(
    client: &Client,
    intruder: &Client,
    recorder: &mut Recorder<'_>,
    created: &mut Created,
    run: &str,
) -> Result<(), String> {
    let mut t = Tour {
        client,
        recorder,
        created,
        prefix: format!("sdk-record-{run}"),
        metadata: r#"{"recordedBy":"ngrok-ai-rs xtask record"}"#.to_owned(),
    };
    gateway_config::read_and_write_back(&mut t).await?;
    let provider = providers::create_and_read(&mut t).await?;
    let provider_key = provider_keys::create_and_read(&mut t, &provider).await?;
    let configuration = configurations::create_and_read(&mut t, &provider, &provider_key).await?;
    let access_key = access_keys::create_and_read(&mut t, &configuration).await?;
    errors::name_too_long(&mut t, &access_key).await?;
    let api_key = api_keys::create_and_read(&mut t).await?;
    usage::read(&mut t).await?;
    credits::read_and_check_out(&mut t).await?;
    errors::invalid_api_key(&mut t, intruder).await?;
    errors::delete_referenced_provider(&mut t, &provider).await?;

    access_keys::delete(&mut t).await?;
    configurations::delete(&mut t, &configuration).await?;
    provider_keys::delete(&mut t, &provider_key).await?;
    api_keys::delete(&mut t, &api_key).await?;
    providers::delete(&mut t, &provider).await?;
    errors::read_deleted_access_key(&mut t, &access_key).await?;
    Ok(())
}
