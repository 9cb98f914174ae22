//! A custom provider: a self-hosted, OpenAI-compatible endpoint (vLLM here) registered
//! with the models it serves, so access keys can route to it like to a built-in one.
//! While a provider key or a configuration refers to it, deleting it is refused (409).

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
    // The provider ID prefixes model strings (`internal-vllm-…:llama-3.1-70b-instruct`)
    // and is unique per account.
    let provider_id = format!("internal-vllm-{}", unique_suffix());

    step(1, "Register the provider with its models");
    let provider = client
        .create_provider()
        .body(
            types::AiGatewayProviderCreate::builder()
                .provider_id(provider_id.clone())
                .name("Internal vLLM cluster".to_string())
                .base_url("https://vllm.internal.example.com/v1".to_string())
                .supported_api_surfaces(vec![types::SupportedApiSurface::try_from(
                    types::SupportedApiSurface::builder()
                        .format("openai".to_string())
                        .surface(Some("chat-completions".to_string()))
                        .supported_params(None),
                )
                .expect("a valid SupportedApiSurface")])
                .models(models(&["llama-3.1-70b-instruct", "qwen2.5-coder-32b"])),
        )
        .send()
        .await?;
    cleanup.add(Created::Provider(provider.id.clone()));
    say(format!(
        "{} `{}` at {}",
        provider.id, provider.provider_id, provider.base_url
    ));
    print_models(&provider);

    step(2, "Replace its model list (PATCH replaces the whole set)");
    let provider = client
        .update_provider()
        .id(&provider.id)
        .body_map(|b| {
            b.models(Nullable::Value(models(&[
                "llama-3.3-70b-instruct",
                "qwen2.5-coder-32b",
            ])))
        })
        .send()
        .await?;
    print_models(&provider);
    let model_ids: Vec<&str> = provider
        .models
        .iter()
        .flatten()
        .map(|m| m.model_id.as_str())
        .collect();
    ensure(
        model_ids == ["llama-3.3-70b-instruct", "qwen2.5-coder-32b"],
        "the new model list",
    )?;

    step(3, "Store a credential for it");
    let key = client
        .create_provider_api_key()
        .body(
            types::AiGatewayProviderApiKeyCreate::builder()
                .provider_id(provider_id.clone())
                .name(format!("{provider_id}-token"))
                .value(Secret::new("vllm-EXAMPLE-token-0000")),
        )
        .send()
        .await?;
    cleanup.add(Created::ProviderKey(key.id.clone()));
    say(format!(
        "{} for `{}` ({})",
        key.id, key.provider_id, key.key_redacted
    ));

    step(4, "Try to delete the provider while the key refers to it");
    match client.delete_provider().id(&provider.id).send().await {
        Err(e) if e.is_conflict() => {
            say(format!("refused, as expected: {e}"));
            if let Some(api) = e.api_error() {
                say(format!("details: {:?}", api.details()));
            }
        }
        Err(e) => return Err(e.into()),
        Ok(()) => {
            cleanup.forget(&provider.id);
            return Err("expected 409 Conflict, but the provider was deleted".into());
        }
    }

    step(5, "Delete the key, then the provider");
    client.delete_provider_api_key().id(&key.id).send().await?;
    cleanup.forget(&key.id);
    say(format!("deleted {}", key.id));
    client.delete_provider().id(&provider.id).send().await?;
    cleanup.forget(&provider.id);
    say(format!("deleted {}", provider.id));
    match client.get_provider().id(&provider.id).send().await {
        Err(e) if e.is_not_found() => say(format!("and it is gone: {e}")),
        other => return Err(format!("expected 404 Not Found, got {other:?}").into()),
    }
    Ok(())
}

fn models(ids: &[&str]) -> Vec<types::AiGatewayProviderModelCreate> {
    ids.iter()
        .map(|id| {
            types::AiGatewayProviderModelCreate::try_from(
                types::AiGatewayProviderModelCreate::builder().model_id(id.to_string()),
            )
            .expect("a valid AiGatewayProviderModelCreate")
        })
        .collect()
}

fn print_models(provider: &types::AiGatewayProvider) {
    for model in provider.models.iter().flatten() {
        say(format!(
            "model {:<24} (record {})",
            model.model_id, model.id
        ));
    }
}
