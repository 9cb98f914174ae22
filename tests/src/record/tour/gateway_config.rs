//! The account's gateway settings. The only write changes nothing, because the tour also
//! runs against real accounts.

use ngrok_ai::types;

use super::Tour;

/// Reads the settings and writes the same timeouts back.
pub(super) async fn read_and_write_back(tour: &mut Tour<'_, '_>) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        ..
    } = tour;
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
    Ok(())
}
