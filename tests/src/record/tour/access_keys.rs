//! Three access keys: enough for a list chained over three pages, one of them linked to
//! the configuration so that the update can unlink it.

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai::{types, Nullable};

use super::Tour;

/// Creates the three keys, lists them one per page, and reads and updates the first.
/// Returns the first key's ID, which the deliberate 400 and 404s use.
pub(super) async fn create_and_read(
    tour: &mut Tour<'_, '_>,
    configuration: &types::AiGatewayAccessKeyConfiguration,
) -> Result<String, String> {
    let Tour {
        client,
        recorder: r,
        created,
        prefix,
        metadata,
    } = tour;
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
    Ok(first)
}

/// Deletes every access key, labelled in creation order like their creates.
pub(super) async fn delete(tour: &mut Tour<'_, '_>) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        created,
        ..
    } = tour;
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
    Ok(())
}
