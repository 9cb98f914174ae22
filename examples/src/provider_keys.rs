//! A provider key (bring your own key): ngrok stores an upstream credential and uses it
//! when routing requests. The value is write-only: every response shows `keyRedacted`.

use futures_util::TryStreamExt;
use ngrok_ai::{types, Client, Secret};

use crate::{ensure, say, step, unique_suffix, with_cleanup, Cleanup, Created, Result};

/// A made-up OpenAI key (the shape of one, not a working credential).
pub const FIRST_VALUE: &str = "sk-proj-EXAMPLEonlyNotARealKey0000";
/// The value the key is rotated to.
pub const ROTATED_VALUE: &str = "sk-proj-EXAMPLErotatedNotARealKey11";

/// The walkthrough; deletes the key it created at the end.
///
/// # Errors
/// A call failed, or the API did not behave as the walkthrough says.
pub async fn run(client: &Client) -> Result {
    with_cleanup(client, walkthrough).await
}

async fn walkthrough(client: &Client, cleanup: &mut Cleanup) -> Result {
    let name = format!("openai-primary-{}", unique_suffix());

    step(1, "Add an OpenAI key");
    let key = client
        .create_provider_api_key()
        .body(
            types::AiGatewayProviderApiKeyCreate::builder()
                .provider_id("openai".to_string())
                .name(name.clone())
                .value(Secret::new(FIRST_VALUE))
                .description("Primary OpenAI project key".to_string()),
        )
        .send()
        .await?;
    cleanup.add(Created::ProviderKey(key.id.clone()));
    say(format!(
        "{} for `{}`: keyRedacted {}",
        key.id, key.provider_id, key.key_redacted
    ));
    let fields = response_fields(&key)?;
    ensure(!fields.contains(&"value".to_string()), "no `value` field")?;
    ensure(
        !serde_json::to_string(&key)?.contains(FIRST_VALUE),
        "the value nowhere in the response",
    )?;
    say(format!("the response's fields: {}", fields.join(", ")));
    say("The value itself is never returned; the response type has no field for it.");

    step(2, "Rotate it: same key ID, new value");
    let before = key.key_redacted.clone();
    let rotated = client
        .rotate_provider_api_key()
        .id(&key.id)
        .body(
            types::AiGatewayProviderApiKeyRotate::builder()
                .name(name.clone())
                .value(Secret::new(ROTATED_VALUE)),
        )
        .send()
        .await?;
    ensure(rotated.id == key.id, "the same ID after rotation")?;
    say(format!(
        "{}: keyRedacted {before} -> {}",
        rotated.id, rotated.key_redacted
    ));
    say("Configurations that route through this key refer to it by ID: they need no change.");

    step(3, "Read it back");
    let fetched = client.get_provider_api_key().id(&key.id).send().await?;
    ensure(
        fetched.key_redacted == rotated.key_redacted,
        "the rotated keyRedacted",
    )?;
    say(format!(
        "GET {}: keyRedacted {}, updated {}",
        fetched.id, fetched.key_redacted, fetched.updated_at
    ));
    let mut keys = client.list_provider_api_keys().provider("openai").stream();
    while let Some(listed) = keys.try_next().await? {
        if listed.id == key.id {
            say(format!(
                "in the list of OpenAI keys: {} {} {}",
                listed.id, listed.name, listed.key_redacted
            ));
        }
    }
    Ok(())
}

/// The JSON field names of a response, as the API sent them.
fn response_fields(value: &impl serde::Serialize) -> Result<Vec<String>> {
    let json = serde_json::to_value(value)?;
    Ok(json
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default())
}
