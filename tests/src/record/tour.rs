//! The scripted tour of today's API.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai::{types, Client, Nullable};

use super::recorder::Recorder;
use super::Created;

pub(crate) async fn tour(
    client: &Client,
    intruder: &Client,
    r: &mut Recorder<'_>,
    created: &mut Created,
    run: &str,
) -> Result<(), String> {
    let prefix = format!("sdk-record-{run}");
    let metadata = r#"{"recordedBy":"ngrok-ai-rs xtask record"}"#.to_owned();

    // ---- gateway configuration: read, and write back the same timeouts (no change).
    let config = r
        .call(
            "GetAIGatewayConfig",
            "",
            "The account's gateway settings.",
            client.get_gateway_config().send(),
        )
        .await?;
    r.call(
        "HeadAIGatewayConfig",
        "",
        "HEAD of the gateway settings.",
        client.head_gateway_config().send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayConfig",
        "",
        "PATCH writing back the current timeouts (changes nothing).",
        client
            .update_gateway_config()
            .body(types::AiGatewayConfigUpdate {
                total_timeout: Some(config.total_timeout.clone()),
                per_request_timeout: Some(config.per_request_timeout.clone()),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- a custom provider.
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

    // ---- a provider key for it.
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

    // ---- an access key configuration routing the provider through its key.
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

    // ---- three access keys, listed one per page.
    for (n, linked) in [(1, true), (2, false), (3, false)] {
        let body = types::AiGatewayAccessKeyCreate {
            name: Some(format!("{prefix}-access-{n}")),
            access_key_configuration_id: linked.then(|| configuration.id.clone()),
            metadata: (n == 1).then(|| metadata.clone()),
            description: None,
            ..Default::default()
        };
        let access_key = r
            .call(
                "CreateAIGatewayAccessKey",
                &format!("key-{n}"),
                "Creates an access key; the one-time token is redacted.",
                client.create_access_key().body(body).send(),
            )
            .await?;
        created.access_keys.push(access_key.id);
    }
    r.call(
        "ListAIGatewayAccessKeys",
        "three-pages",
        "stream() with limit=1 over the first three pages, chained by beforeId.",
        client
            .list_access_keys()
            .limit(1u32)
            .stream()
            .take(3)
            .try_collect::<Vec<_>>(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKeys",
        "",
        "HEAD of the access key list.",
        client.head_access_keys().limit(1u32).send(),
    )
    .await?;
    let first = created.access_keys[0].clone();
    r.call(
        "GetAIGatewayAccessKey",
        "",
        "Gets an access key (no token on reads).",
        client.get_access_key().id(&first).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKey",
        "",
        "HEAD of an access key.",
        client.head_access_key().id(&first).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayAccessKey",
        "",
        "PATCH renaming the key and unlinking its configuration (explicit null).",
        client
            .update_access_key()
            .id(&first)
            .body(types::AiGatewayAccessKeyUpdate {
                name: Some(Nullable::Value(format!("{prefix}-access-1-renamed"))),
                access_key_configuration_id: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    r.call_expecting(
        "UpdateAIGatewayAccessKey",
        "bad-request",
        400,
        "PATCH with a name longer than the 255 characters the spec allows: 400 naming the field.",
        client
            .update_access_key()
            .id(&first)
            .body(types::AiGatewayAccessKeyUpdate {
                name: Some(Nullable::Value("n".repeat(300))),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- a management API key.
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

    // ---- usage (read-only; whatever the account has).
    let now = chrono::Utc::now();
    let start = whole_seconds(now - chrono::Duration::days(30));
    r.call(
        "ListAIGatewayUsage",
        "pages",
        "stream() with limit=2 over at most two pages of the last 30 days' usage, chained by cursor.",
        client
            .list_usage()
            .start_time(start)
            .limit(2u32)
            .stream()
            .take(4)
            .try_collect::<Vec<_>>(),
    )
    .await?;
    r.call(
        "GetAIGatewayUsageOverview",
        "",
        "Daily usage buckets of the last 7 days grouped by provider.",
        client
            .get_usage_overview()
            .start_time(whole_seconds(now - chrono::Duration::days(7)))
            .end_time(whole_seconds(now))
            .group_by(types::GetUsageOverviewGroupBy::Provider)
            .send(),
    )
    .await?;

    // ---- credits (checkout creates a Stripe session only; nothing is bought).
    r.call(
        "GetCreditBalance",
        "",
        "The credit balance.",
        client.get_credit_balance().send(),
    )
    .await?;
    r.call(
        "GetCreditTransactions",
        "",
        "The credit history.",
        client.get_credit_transactions().send(),
    )
    .await?;
    r.call(
        "CreateCheckoutSession",
        "",
        "Starts a checkout for USD 5.00 (a session only; nothing is charged).",
        client
            .create_checkout_session()
            .body(
                types::CheckoutSessionCreate::builder()
                    .amount(std::num::NonZeroU64::new(500).ok_or("500 is not zero")?),
            )
            .send(),
    )
    .await?;

    // ---- deliberate errors.
    r.call_expecting(
        "GetCreditBalance",
        "unauthorized",
        401,
        "A call with an invalid API key: 401.",
        intruder.get_credit_balance().send(),
    )
    .await?;
    if r.call_expecting(
        "DeleteAIGatewayProvider",
        "conflict",
        409,
        "Delete of the provider while its key and the configuration still reference it: 409.",
        client.delete_provider().id(&provider.id).send(),
    )
    .await?
    .is_some()
    {
        created.provider = None;
    }

    // ---- deletes, then reads of a deleted key.
    for (n, id) in created.access_keys.clone().iter().enumerate() {
        r.call(
            "DeleteAIGatewayAccessKey",
            &format!("key-{}", n + 1),
            "Deletes an access key: 204.",
            client.delete_access_key().id(id).send(),
        )
        .await?;
    }
    created.access_keys.clear();
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
    r.call(
        "DeleteAIGatewayProviderAPIKey",
        "",
        "Deletes the provider key: 204.",
        client.delete_provider_api_key().id(&key.id).send(),
    )
    .await?;
    created.provider_key = None;
    r.call(
        "DeleteAIGatewayAPIKey",
        "",
        "Deletes the API key: 204.",
        client.delete_api_key().id(&api_key.id).send(),
    )
    .await?;
    created.api_key = None;
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
    r.call_expecting(
        "GetAIGatewayAccessKey",
        "not-found",
        404,
        "Get of the access key deleted above: 404.",
        client.get_access_key().id(&first).send(),
    )
    .await?;
    r.call_expecting(
        "HeadAIGatewayAccessKey",
        "not-found",
        404,
        "HEAD of the access key deleted above: 404 without a body.",
        client.head_access_key().id(&first).send(),
    )
    .await?;
    Ok(())
}

fn whole_seconds(time: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(time.timestamp(), 0).unwrap_or(time)
}
