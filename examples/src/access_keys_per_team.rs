//! One access key per team (or app), so each can be tracked in usage and revoked on its
//! own. The plaintext token is in the create response only: store it then.

use futures_util::TryStreamExt;
use ngrok_ai::{types, Client};

use crate::{ensure, say, step, with_cleanup, Cleanup, Created, Result};

/// The teams that get a key, with what they use it for.
pub const TEAMS: [(&str, &str); 3] = [
    ("search", "Semantic search over the help center"),
    ("support", "Support chat bot"),
    ("billing", "Invoice summaries"),
];

/// The walkthrough; deletes the keys it created at the end.
///
/// # Errors
/// A call failed, or the API did not behave as the walkthrough says.
pub async fn run(client: &Client) -> Result {
    with_cleanup(client, walkthrough).await
}

async fn walkthrough(client: &Client, cleanup: &mut Cleanup) -> Result {
    step(1, "Create one access key per team");
    let mut ids = Vec::new();
    for (team, purpose) in TEAMS {
        let key = client
            .create_access_key()
            .body(
                types::AiGatewayAccessKeyCreate::builder()
                    .name(format!("{team}-app"))
                    .description(purpose.to_string())
                    .metadata(format!(r#"{{"team":"{team}"}}"#)),
            )
            .send()
            .await?;
        cleanup.add(Created::AccessKey(key.id.clone()));
        let token = key
            .token
            .as_ref()
            .ok_or("the create response carries no token")?;
        ensure(!token.is_empty(), "a non-empty token")?;
        // `{:?}` of a Secret prints a placeholder, never the value.
        say(format!(
            "{team:<8} {}  token: {} characters, shown once ({token:?} in Debug output)",
            key.id,
            token.expose_secret().len()
        ));
        ids.push(key.id);
    }
    say("Hand each token to its team now: the API never returns it again.");

    step(2, "List the keys with stream(), which follows every page");
    // Small pages, to show that stream() fetches the next one when it needs it.
    let mut keys = client.list_access_keys().limit(2u32).stream();
    let mut listed = 0;
    while let Some(key) = keys.try_next().await? {
        if !ids.contains(&key.id) {
            continue; // another key of the account
        }
        ensure(key.token.is_none(), "no token in a listed key")?;
        say(format!(
            "{}  {:<13} {:<24} metadata {}",
            key.id,
            key.name.as_deref().unwrap_or("-"),
            format!("keyRedacted {}", key.key_redacted),
            key.metadata.as_deref().unwrap_or("-"),
        ));
        listed += 1;
    }
    ensure(listed == ids.len(), "every created key in the list")?;
    say("Listed keys carry `keyRedacted`, never the token.");

    step(3, "Fetch one key by ID");
    let key = client.get_access_key().id(&ids[0]).send().await?;
    ensure(key.token.is_none(), "no token in a fetched key")?;
    say(format!(
        "{} {:?}: token {:?}, keyRedacted {}, last used {:?}",
        key.id, key.name, key.token, key.key_redacted, key.last_used
    ));
    Ok(())
}
