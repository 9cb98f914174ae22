//! A management API key of the tour's own, created and deleted here, so that the key the
//! tour runs with is never changed.

use ngrok_ai::{types, Nullable};

use super::Tour;

/// Creates the API key, then reads and updates it.
pub(super) async fn create_and_read(
    tour: &mut Tour<'_, '_>,
) -> Result<types::AiGatewayApiKey, String> {
    let Tour {
        client,
        recorder: r,
        created,
        prefix,
        metadata,
    } = tour;
    let api_key = r
        .call(
            "CreateAIGatewayAPIKey",
            "",
            "Creates an API key; the one-time token is redacted.",
            client
                .create_api_key()
                .body(types::AiGatewayApiKeyCreate {
                    name: Some(format!("{prefix}-api-key")),
                    description: Some("Recorded by cargo xtask record".to_owned()),
                    metadata: Some(metadata.clone()),
                    ..Default::default()
                })
                .send(),
        )
        .await?;
    created.api_key = Some(api_key.id.clone());
    r.call(
        "ListAIGatewayAPIKeys",
        "",
        "One page of API keys.",
        client.list_api_keys().limit(100u32).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAPIKeys",
        "",
        "HEAD of the API key list.",
        client.head_api_keys().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayAPIKey",
        "",
        "Gets the API key.",
        client.get_api_key().id(&api_key.id).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAPIKey",
        "",
        "HEAD of the API key.",
        client.head_api_key().id(&api_key.id).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayAPIKey",
        "",
        "PATCH changing the description and clearing the metadata.",
        client
            .update_api_key()
            .id(&api_key.id)
            .body(types::AiGatewayApiKeyUpdate {
                description: Some(Nullable::Value("Recorded, then updated".to_owned())),
                metadata: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    Ok(api_key)
}

pub(super) async fn delete(
    tour: &mut Tour<'_, '_>,
    api_key: &types::AiGatewayApiKey,
) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        created,
        ..
    } = tour;
    r.call(
        "DeleteAIGatewayAPIKey",
        "",
        "Deletes the API key: 204.",
        client.delete_api_key().id(&api_key.id).send(),
    )
    .await?;
    created.api_key = None;
    Ok(())
}
