//! Usage: read-only, so it records whatever the account has.

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai::types;

use super::Tour;

/// Lists the last 30 days' usage over at most two pages, and the last 7 days' overview.
pub(super) async fn read(tour: &mut Tour<'_, '_>) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        ..
    } = tour;
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
    Ok(())
}

/// `time` without its fraction of a second, so that the recorded windows read like the
/// spec's examples.
fn whole_seconds(time: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(time.timestamp(), 0).unwrap_or(time)
}
