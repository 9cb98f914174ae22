//! An access key configuration that uses both the provider and its key, so that the
//! recorded create carries an access scope and a router rule.

use ngrok_ai::{types, Nullable};

use super::Tour;

/// Creates the configuration (the provider allowed, routed through `key`), then reads and
/// updates it.
pub(super) async fn create_and_read(
    tour: &mut Tour<'_, '_>,
    provider: &types::AiGatewayProvider,
    key: &types::AiGatewayProviderApiKeyDetail,
) -> Result<types::AiGatewayAccessKeyConfiguration, String> {
    let Tour {
        client,
        recorder: r,
        created,
        prefix,
        metadata,
    } = tour;
    let configuration = r
        .call(
            "CreateAIGatewayAccessKeyConfiguration",
            "",
            "Creates a configuration allowing the provider and routing it through its key.",
            client
                .create_access_key_configuration()
                .body(
                    types::AiGatewayAccessKeyConfigurationCreate::builder()
                        .name(format!("{prefix}-config"))
                        .description(Some("Recorded by cargo xtask record".to_owned()))
                        .metadata(Some(metadata.clone()))
                        .access(Some(types::AccessScope {
                            providers: Some(types::AccessDimension {
                                allow: Some(vec![provider.provider_id.clone()]),
                                ..Default::default()
                            }),
                            models: None,
                            ..Default::default()
                        }))
                        .router(Some(types::RouterWrite {
                            rules: Some(vec![types::RouterRuleWrite::try_from(
                                types::RouterRuleWrite::builder()
                                    .provider(Some(provider.provider_id.clone()))
                                    .model(None)
                                    .steps(vec![types::RouterStepWrite::try_from(
                                        types::RouterStepWrite::builder()
                                            .type_(types::RouterStepType::User)
                                            .keys(Some(vec![types::RouterStepKeyWrite {
                                                id: Some(key.id.clone()),
                                                ..Default::default()
                                            }]))
                                            .key_selection_strategy(Some(
                                                types::RouterStepKeySelectionStrategy::Ordered,
                                            )),
                                    )
                                    .expect("a valid RouterStepWrite")]),
                            )
                            .expect("a valid RouterRuleWrite")]),
                            ..Default::default()
                        })),
                )
                .send(),
        )
        .await?;
    created.configuration = Some(configuration.id.clone());
    r.call(
        "ListAIGatewayAccessKeyConfigurations",
        "",
        "One page of configurations.",
        client.list_access_key_configurations().limit(100u32).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKeyConfigurations",
        "",
        "HEAD of the configuration list.",
        client.head_access_key_configurations().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayAccessKeyConfiguration",
        "",
        "Gets the configuration.",
        client
            .get_access_key_configuration()
            .id(&configuration.id)
            .send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKeyConfiguration",
        "",
        "HEAD of the configuration.",
        client
            .head_access_key_configuration()
            .id(&configuration.id)
            .send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayAccessKeyConfiguration",
        "",
        "PATCH changing the description and clearing the metadata.",
        client
            .update_access_key_configuration()
            .id(&configuration.id)
            .body(types::AiGatewayAccessKeyConfigurationUpdate {
                description: Some(Nullable::Value("Recorded, then updated".to_owned())),
                metadata: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    Ok(configuration)
}

pub(super) async fn delete(
    tour: &mut Tour<'_, '_>,
    configuration: &types::AiGatewayAccessKeyConfiguration,
) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        created,
        ..
    } = tour;
    r.call(
        "DeleteAIGatewayAccessKeyConfiguration",
        "",
        "Deletes the configuration: 204.",
        client
            .delete_access_key_configuration()
            .id(&configuration.id)
            .send(),
    )
    .await?;
    created.configuration = None;
    Ok(())
}
