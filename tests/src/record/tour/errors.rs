//! The deliberate errors (400, 401, 409, 404), so that the cassettes hold the API's error
//! bodies too. Each is recorded even when the error does not happen, with a warning; mod.rs
//! places each one where the state it needs exists.

use ngrok_ai::{types, Client, Nullable};

use super::Tour;

/// 400: an update of `access_key` with a name over the spec's 255 characters.
pub(super) async fn name_too_long(tour: &mut Tour<'_, '_>, access_key: &str) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        ..
    } = tour;
    r.call_expecting(
        "UpdateAIGatewayAccessKey",
        "bad-request",
        400,
        "PATCH with a name longer than the 255 characters the spec allows: 400 naming the field.",
        client
            .update_access_key()
            .id(access_key)
            .body(types::AiGatewayAccessKeyUpdate {
                name: Some(Nullable::Value("n".repeat(300))),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    Ok(())
}

/// 401: a call by `intruder`, a client with an invalid API key.
pub(super) async fn invalid_api_key(
    tour: &mut Tour<'_, '_>,
    intruder: &Client,
) -> Result<(), String> {
    tour.recorder
        .call_expecting(
            "GetCreditBalance",
            "unauthorized",
            401,
            "A call with an invalid API key: 401.",
            intruder.get_credit_balance().send(),
        )
        .await?;
    Ok(())
}

/// 409: a delete of `provider` while its key and the configuration still refer to it.
/// Should it succeed, the provider is gone, and its own delete step skips it.
pub(super) async fn delete_referenced_provider(
    tour: &mut Tour<'_, '_>,
    provider: &types::AiGatewayProvider,
) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        created,
        ..
    } = tour;
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
    Ok(())
}

/// 404: a get and a HEAD of `access_key` after its delete.
pub(super) async fn read_deleted_access_key(
    tour: &mut Tour<'_, '_>,
    access_key: &str,
) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        ..
    } = tour;
    r.call_expecting(
        "GetAIGatewayAccessKey",
        "not-found",
        404,
        "Get of the access key deleted above: 404.",
        client.get_access_key().id(access_key).send(),
    )
    .await?;
    r.call_expecting(
        "HeadAIGatewayAccessKey",
        "not-found",
        404,
        "HEAD of the access key deleted above: 404 without a body.",
        client.head_access_key().id(access_key).send(),
    )
    .await?;
    Ok(())
}
