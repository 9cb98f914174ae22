//! An access key configuration: which providers and models a key may call (scope), and
//! which credentials serve its requests (routing): the team's own OpenAI keys in order,
//! then ngrok's inference as the last resort. Access keys link to it.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

use ngrok_ai::{types, Client, Nullable, Secret};

use crate::{ensure, say, step, unique_suffix, with_cleanup, Cleanup, Created, Result};

/// The walkthrough; deletes what it created at the end.
///
/// # Errors
/// A call failed, or the API did not behave as the walkthrough says.
pub async fn run(client: &Client) -> Result {
    with_cleanup(client, walkthrough).await
}

async fn walkthrough(client: &Client, cleanup: &mut Cleanup) -> Result {
    let suffix = unique_suffix();

    step(1, "Store two OpenAI keys (bring your own key)");
    let mut keys = Vec::new();
    for (role, value) in [
        ("primary", "sk-proj-EXAMPLEprimaryNotARealKey00"),
        ("backup", "sk-proj-EXAMPLEbackupNotARealKey000"),
    ] {
        let key = client
            .create_provider_api_key()
            .body(
                types::AiGatewayProviderApiKeyCreate::builder()
                    .provider_id("openai".to_string())
                    .name(format!("openai-{role}-{suffix}"))
                    .value(Secret::new(value)),
            )
            .send()
            .await?;
        cleanup.add(Created::ProviderKey(key.id.clone()));
        say(format!("{role:<7} {} ({})", key.id, key.key_redacted));
        keys.push(key.id);
    }

    step(2, "Create the configuration: scope plus ordered failover");
    let scope = types::AccessScope {
        providers: Some(allow(&["openai", "anthropic"])),
        models: Some(allow(&[
            "openai:openai/gpt-4o",
            "openai:openai/gpt-4o-mini",
            "anthropic:anthropic/claude-sonnet-4-6",
        ])),
        ..Default::default()
    };
    let config = client
        .create_access_key_configuration()
        .body(
            types::AiGatewayAccessKeyConfigurationCreate::builder()
                .name(format!("support-prod-{suffix}"))
                .description(
                    "OpenAI through our keys, then ngrok; Anthropic through ngrok".to_string(),
                )
                .access(scope)
                .router(openai_failover(&keys)),
        )
        .send()
        .await?;
    cleanup.add(Created::Configuration(config.id.clone()));
    say(format!("{} {:?}", config.id, config.name));
    print_configuration(&config);

    step(3, "Attach it to an access key");
    let key = client
        .create_access_key()
        .body(
            types::AiGatewayAccessKeyCreate::builder()
                .name(format!("support-bot-{suffix}"))
                .access_key_configuration_id(config.id.clone()),
        )
        .send()
        .await?;
    cleanup.add(Created::AccessKey(key.id.clone()));
    let linked = key
        .access_key_configuration
        .as_ref()
        .ok_or("the key shows no linked configuration")?;
    ensure(
        linked.id == config.id,
        "the key linked to the configuration",
    )?;
    say(format!(
        "{} now uses configuration {} ({})",
        key.id, linked.id, linked.name
    ));

    step(
        4,
        "Update the configuration: backup key first, and a narrower model list",
    );
    let reordered: Vec<String> = keys.iter().rev().cloned().collect();
    let config = client
        .update_access_key_configuration()
        .id(&config.id)
        .body_map(|b| {
            b.router(Nullable::Value(openai_failover(&reordered)))
                .access(Nullable::Value(types::AccessScope {
                    providers: Some(allow(&["openai"])),
                    models: Some(allow(&["openai:openai/gpt-4o-mini"])),
                    ..Default::default()
                }))
                .description(Nullable::Null) // null clears a field; an unset one is kept
        })
        .send()
        .await?;
    ensure(config.description.is_none(), "the description cleared")?;
    print_configuration(&config);
    let first_key = config
        .router
        .as_ref()
        .and_then(|r| r.rules.as_ref())
        .and_then(|rules| rules.first())
        .and_then(|rule| rule.steps.first())
        .and_then(|s| s.keys.as_ref())
        .and_then(|k| k.first())
        .map(|k| k.id.clone());
    ensure(
        first_key.as_deref() == Some(keys[1].as_str()),
        "the backup key first",
    )?;
    let key = client.get_access_key().id(&key.id).send().await?;
    say(format!(
        "{} still links to {}: the change applies to every key that uses it",
        key.id,
        key.access_key_configuration
            .as_ref()
            .map(|c| c.id.as_str())
            .unwrap_or("-")
    ));
    Ok(())
}

fn allow(entries: &[&str]) -> types::AccessDimension {
    types::AccessDimension {
        allow: Some(entries.iter().map(|e| e.to_string()).collect()),
        ..Default::default()
    }
}

/// One rule for OpenAI: the given provider keys in order, then ngrok's inference.
fn openai_failover(key_ids: &[String]) -> types::RouterWrite {
    let keys = key_ids
        .iter()
        .map(|id| types::RouterStepKeyWrite {
            id: Some(id.clone()),
            ..Default::default()
        })
        .collect();
    types::RouterWrite {
        rules: Some(vec![types::RouterRuleWrite::try_from(
            types::RouterRuleWrite::builder()
                .provider(Some("openai".to_string()))
                .model(None)
                .steps(vec![
                    types::RouterStepWrite::try_from(
                        types::RouterStepWrite::builder()
                            .type_(types::RouterStepType::User)
                            .keys(Some(keys))
                            .key_selection_strategy(Some(
                                types::RouterStepKeySelectionStrategy::Ordered,
                            )),
                    )
                    .expect("a valid RouterStepWrite"),
                    types::RouterStepWrite::try_from(
                        types::RouterStepWrite::builder()
                            .type_(types::RouterStepType::Ngrok)
                            .keys(None)
                            .key_selection_strategy(None),
                    )
                    .expect("a valid RouterStepWrite"),
                ]),
        )
        .expect("a valid RouterRuleWrite")]),
        ..Default::default()
    }
}

fn print_configuration(config: &types::AiGatewayAccessKeyConfiguration) {
    let dimension = |d: Option<&types::AccessDimension>| match d.and_then(|d| d.allow.as_ref()) {
        Some(entries) => entries.join(", "),
        None => "any".to_string(),
    };
    let access = config.access.as_ref();
    say(format!(
        "scope: providers [{}], models [{}]",
        dimension(access.and_then(|a| a.providers.as_ref())),
        dimension(access.and_then(|a| a.models.as_ref()))
    ));
    let rules = config
        .router
        .as_ref()
        .and_then(|r| r.rules.as_deref())
        .unwrap_or_default();
    for rule in rules {
        let target = rule
            .provider
            .as_deref()
            .or(rule.model.as_deref())
            .unwrap_or("*");
        say(format!("route for {target}:"));
        for (n, s) in rule.steps.iter().enumerate() {
            let keys: Vec<String> = s
                .keys
                .iter()
                .flatten()
                .map(|k| format!("{} ({})", k.name, k.key_redacted))
                .collect();
            let detail = if keys.is_empty() {
                String::new()
            } else {
                format!(": {}", keys.join(" then "))
            };
            say(format!("  step {} `{}`{detail}", n + 1, s.type_));
        }
    }
}
