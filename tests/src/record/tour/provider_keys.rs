//! A key for the custom provider, which the configuration routes through. Its values are
//! fake and redacted from the cassettes all the same.

use ngrok_ai::{types, Nullable};

use super::Tour;

/// Creates the key, reads and updates it, and rotates it to a second value.
pub(super) async fn create_and_read(
    tour: &mut Tour<'_, '_>,
    provider: &types::AiGatewayProvider,
) -> Result<types::AiGatewayProviderApiKeyDetail, String> {
    let Tour {
        client,
        recorder: r,
        created,
        prefix,
        metadata,
    } = tour;
    let key = r
        .call(
            "CreateAIGatewayProviderAPIKey",
            "",
            "Stores a (fake) key for the provider; the value is redacted.",
            client
                .create_provider_api_key()
                .body(
                    types::AiGatewayProviderApiKeyCreate::builder()
                        .provider_id(provider.provider_id.clone())
                        .value(ngrok_ai::Secret::from(
                            "sk-EXAMPLE-recording-not-a-real-key-0001",
                        ))
                        .name(format!("{prefix}-key"))
                        .description(Some("Recorded by cargo xtask record".to_owned()))
                        .metadata(Some(metadata.clone())),
                )
                .send(),
        )
        .await?;
    created.provider_key = Some(key.id.clone());
    r.call(
        "ListAIGatewayProviderAPIKeys",
        "",
        "The provider's keys (provider filter).",
        client
            .list_provider_api_keys()
            .provider(provider.provider_id.clone())
            .limit(100u32)
            .send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProviderAPIKeys",
        "",
        "HEAD of the provider key list.",
        client.head_provider_api_keys().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayProviderAPIKey",
        "",
        "Gets the provider key (redacted).",
        client.get_provider_api_key().id(&key.id).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProviderAPIKey",
        "",
        "HEAD of the provider key.",
        client.head_provider_api_key().id(&key.id).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayProviderAPIKey",
        "",
        "PATCH changing the description and clearing the metadata.",
        client
            .update_provider_api_key()
            .id(&key.id)
            .body(types::AiGatewayProviderApiKeyUpdate {
                description: Some(Nullable::Value("Recorded, then updated".to_owned())),
                metadata: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    r.call(
        "RotateAIGatewayProviderAPIKey",
        "",
        "Rotates the key to a new (fake) value.",
        client
            .rotate_provider_api_key()
            .id(&key.id)
            .body(
                types::AiGatewayProviderApiKeyRotate::builder()
                    .name(format!("{prefix}-key"))
                    .value(ngrok_ai::Secret::from(
                        "sk-EXAMPLE-recording-not-a-real-key-0002",
                    )),
            )
            .send(),
    )
    .await?;
    Ok(key)
}

pub(super) async fn delete(
    tour: &mut Tour<'_, '_>,
    key: &types::AiGatewayProviderApiKeyDetail,
) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        created,
        ..
    } = tour;
    r.call(
        "DeleteAIGatewayProviderAPIKey",
        "",
        "Deletes the provider key: 204.",
        client.delete_provider_api_key().id(&key.id).send(),
    )
    .await?;
    created.provider_key = None;
    Ok(())
}
