//! The custom provider that the provider key, the configuration and the deliberate 409
//! refer to, hence created first and deleted last.

use ngrok_ai::{types, Nullable};

use super::Tour;

/// Creates the provider with one API surface and one model, then reads and updates it.
pub(super) async fn create_and_read(
    tour: &mut Tour<'_, '_>,
) -> Result<types::AiGatewayProvider, String> {
    let Tour {
        client,
        recorder: r,
        created,
        prefix,
        metadata,
    } = tour;
    let provider = r
        .call(
            "CreateAIGatewayProvider",
            "",
            "Creates a custom provider with one API surface and one model.",
            client
                .create_provider()
                .body(
                    types::AiGatewayProviderCreate::builder()
                        .provider_id(prefix.clone())
                        .name(format!("{prefix} provider"))
                        .base_url("https://llm.example.com/v1".to_owned())
                        .metadata(Some(metadata.clone()))
                        .supported_api_surfaces(Some(vec![types::SupportedApiSurface::try_from(
                            types::SupportedApiSurface::builder()
                                .format("openai".to_owned())
                                .surface(Some("chat-completions".to_owned()))
                                .supported_params(Some(vec![
                                    types::SupportedApiSurfaceParam::try_from(
                                        types::SupportedApiSurfaceParam::builder()
                                            .name("temperature".to_owned()),
                                    )
                                    .expect("a valid SupportedApiSurfaceParam"),
                                ])),
                        )
                        .expect("a valid SupportedApiSurface")]))
                        .models(Some(vec![types::AiGatewayProviderModelCreate::try_from(
                            types::AiGatewayProviderModelCreate::builder()
                                .model_id("example-model-1".to_owned()),
                        )
                        .expect("a valid AiGatewayProviderModelCreate")])),
                )
                .send(),
        )
        .await?;
    created.provider = Some(provider.id.clone());
    r.call(
        "ListAIGatewayProviders",
        "",
        "One page of custom providers.",
        client.list_providers().limit(100u32).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProviders",
        "",
        "HEAD of the provider list.",
        client.head_providers().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayProvider",
        "",
        "Gets the provider.",
        client.get_provider().id(&provider.id).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProvider",
        "",
        "HEAD of the provider.",
        client.head_provider().id(&provider.id).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayProvider",
        "",
        "PATCH renaming the provider, clearing its metadata and replacing its models.",
        client
            .update_provider()
            .id(&provider.id)
            .body(types::AiGatewayProviderUpdate {
                name: Some(Nullable::Value(format!("{prefix} provider (renamed)"))),
                metadata: Some(Nullable::Null),
                models: Some(Nullable::Value(vec![
                    types::AiGatewayProviderModelCreate::try_from(
                        types::AiGatewayProviderModelCreate::builder()
                            .model_id("example-model-1".to_owned()),
                    )
                    .expect("a valid AiGatewayProviderModelCreate"),
                    types::AiGatewayProviderModelCreate::try_from(
                        types::AiGatewayProviderModelCreate::builder()
                            .model_id("example-model-2".to_owned()),
                    )
                    .expect("a valid AiGatewayProviderModelCreate"),
                ])),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    Ok(provider)
}

/// Deletes the provider, unless the 409 step already did (it then left a warning).
pub(super) async fn delete(
    tour: &mut Tour<'_, '_>,
    provider: &types::AiGatewayProvider,
) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        created,
        ..
    } = tour;
    if created.provider.is_some() {
        r.call(
            "DeleteAIGatewayProvider",
            "",
            "Deletes the now unreferenced provider: 204.",
            client.delete_provider().id(&provider.id).send(),
        )
        .await?;
        created.provider = None;
    }
    Ok(())
}
