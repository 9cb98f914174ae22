//! Usage through the client against seeded events: cursor paging, filters, and the
//! overview checked against hand-computed numbers.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use ngrok_ai::types;
use ngrok_ai_mock::{MockServer, Seed};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[allow(clippy::too_many_arguments)]
fn event(
    id: &str,
    time: &str,
    key: &str,
    provider: &str,
    request: &str,
    attempt: i32,
    is_final: bool,
    is_error: bool,
    cost: &str,
) -> types::AiGatewayUsageEvent {
    // Built from JSON rather than a struct literal, so a field the spec adds to usage
    // events does not break this test's build.
    serde_json::from_value(serde_json::json!({
        "id": id,
        "eventTime": time,
        "requestId": request,
        "accessKeyId": key,
        "provider": provider,
        "providerDisplayName": provider,
        "model": "gpt-4o-mini",
        "modelDisplayName": "GPT-4o mini",
        "attemptNumber": attempt,
        "isFinalAttempt": is_final,
        "statusCode": if is_error { 500 } else { 200 },
        "timedOut": false,
        "isError": is_error,
        "isStreaming": false,
        "stopReason": "stop",
        "inputTokens": 100,
        "outputTokens": 20,
        "cacheReadTokens": 0,
        "reasoningTokens": 0,
        "totalCost": cost,
        "keySource": "ngrok",
    }))
    .expect("a usage event")
}

/// e0 is before the window; e2 is a non-final (retried) attempt of r2.
fn events() -> Vec<types::AiGatewayUsageEvent> {
    vec![
        event(
            "aigue_e0",
            "2026-11-24T23:59:59Z",
            "aigk_one",
            "openai",
            "r0",
            1,
            true,
            false,
            "5.00000",
        ),
        event(
            "aigue_e1",
            "2026-11-25T10:00:00Z",
            "aigk_one",
            "openai",
            "r1",
            1,
            true,
            false,
            "0.00100",
        ),
        event(
            "aigue_e2",
            "2026-11-25T11:00:00Z",
            "aigk_one",
            "openai",
            "r2",
            1,
            false,
            true,
            "0.00010",
        ),
        event(
            "aigue_e3",
            "2026-11-25T11:00:05Z",
            "aigk_one",
            "openai",
            "r2",
            2,
            true,
            false,
            "0.00200",
        ),
        event(
            "aigue_e4",
            "2026-11-25T12:00:00Z",
            "aigk_two",
            "anthropic",
            "r3",
            1,
            true,
            true,
            "0.00050",
        ),
        event(
            "aigue_e5",
            "2026-11-26T09:00:00Z",
            "aigk_two",
            "openai",
            "r4",
            1,
            true,
            false,
            "0.12345",
        ),
        event(
            "aigue_e6",
            "2026-11-26T23:59:59Z",
            "aigk_one",
            "anthropic",
            "r5",
            1,
            true,
            false,
            "0.00001",
        ),
        event(
            "aigue_e7",
            "2026-11-27T00:00:00Z",
            "aigk_two",
            "anthropic",
            "r6",
            1,
            true,
            true,
            "1.00000",
        ),
    ]
}

const START: &str = "2026-11-25T00:00:00Z";
const END: &str = "2026-11-27T00:00:00Z";

async fn seeded() -> MockServer {
    let mock = MockServer::start().await;
    mock.seed_usage_events(events()).unwrap();
    mock
}

#[tokio::test]
async fn usage_list_pages_by_cursor_and_filters() {
    let mock = seeded().await;
    let client = mock.client();
    let ids = |list: Vec<types::AiGatewayUsageEvent>| -> Vec<String> {
        list.into_iter()
            .map(|e| e.id.trim_start_matches("aigue_").to_owned())
            .collect()
    };

    let streamed: Vec<_> = client
        .list_usage()
        .start_time(at(START))
        .end_time(at(END))
        .limit(2u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids(streamed),
        ["e7", "e6", "e5", "e4", "e3", "e1"],
        "final attempts, newest first"
    );

    // By hand: nextPageUri carries the cursor and the original filters.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = client
            .list_usage()
            .start_time(at(START))
            .end_time(at(END))
            .limit(2u32);
        if let Some(c) = &cursor {
            request = request.cursor(c.clone());
        }
        let page = request.send().await.unwrap();
        pages += 1;
        seen.extend(ids(page.ai_gateway_usage));
        match page.next_page_uri {
            Some(next) => {
                assert!(
                    next.starts_with(&format!("{}/usage?cursor=", mock.base_url())),
                    "{next}"
                );
                assert!(
                    next.contains("startTime=")
                        && next.contains("endTime=")
                        && next.contains("limit=2"),
                    "{next}"
                );
                let query = next.split_once('?').unwrap().1;
                cursor = form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "cursor")
                    .map(|(_, v)| v.into_owned());
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["e7", "e6", "e5", "e4", "e3", "e1"]);

    let with_retries: Vec<_> = client
        .list_usage()
        .start_time(at(START))
        .end_time(at(END))
        .include_retries(true)
        .limit(3u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids(with_retries),
        ["e7", "e6", "e5", "e4", "e3", "e2", "e1"]
    );

    let one_key: Vec<_> = client
        .list_usage()
        .start_time(at(START))
        .access_key_id("aigk_one")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(one_key), ["e6", "e3", "e1"], "endTime defaults to now");

    let first_day = client
        .list_usage()
        .start_time(at(START))
        .end_time(at("2026-11-25T23:59:59Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(ids(first_day.ai_gateway_usage), ["e4", "e3", "e1"]);
    assert!(first_day.next_page_uri.is_none());
    assert!(
        mock.response_violations().is_empty(),
        "{:#?}",
        mock.response_violations()
    );
}

#[tokio::test]
async fn usage_overview_matches_hand_computed_numbers() {
    let mock = seeded().await;
    let client = mock.client();
    let rows = |o: &types::AiGatewayUsageOverview| -> Vec<(String, String, String, i64, i64)> {
        o.buckets
            .iter()
            .map(|b| {
                (
                    b.bucket_start.format("%d").to_string(),
                    b.group_key.clone(),
                    b.cost.clone(),
                    b.requests,
                    b.errors,
                )
            })
            .collect()
    };
    let row = |d: &str, k: &str, c: &str, r: i64, e: i64| {
        (d.to_owned(), k.to_owned(), c.to_owned(), r, e)
    };

    let by_provider = client
        .get_usage_overview()
        .start_time(at(START))
        .end_time(at(END))
        .send()
        .await
        .unwrap();
    assert_eq!(
        rows(&by_provider),
        [
            row("25", "anthropic", "0.00050", 1, 1),
            row("25", "openai", "0.00310", 2, 0),
            row("26", "anthropic", "0.00001", 1, 0),
            row("26", "openai", "0.12345", 1, 0),
            row("27", "anthropic", "1.00000", 1, 1),
        ]
    );
    assert!(by_provider
        .buckets
        .iter()
        .all(|b| b.bucket_start.format("%H:%M:%S").to_string() == "00:00:00"));
    assert_eq!(
        (
            by_provider.totals.cost.as_str(),
            by_provider.totals.requests,
            by_provider.totals.errors
        ),
        ("1.12706", 6, 2)
    );
    assert!(by_provider
        .uri
        .starts_with(&format!("{}/usage/overview?", mock.base_url())));

    let by_key = client
        .get_usage_overview()
        .start_time(at(START))
        .end_time(at(END))
        .group_by(types::GetUsageOverviewGroupBy::AccessKey)
        .send()
        .await
        .unwrap();
    assert_eq!(
        rows(&by_key),
        [
            row("25", "aigk_one", "0.00310", 2, 0),
            row("25", "aigk_two", "0.00050", 1, 1),
            row("26", "aigk_one", "0.00001", 1, 0),
            row("26", "aigk_two", "0.12345", 1, 0),
            row("27", "aigk_two", "1.00000", 1, 1),
        ]
    );
    assert_eq!(by_key.totals, by_provider.totals);

    let empty = client
        .get_usage_overview()
        .start_time(at("2030-01-01T00:00:00Z"))
        .end_time(at("2030-01-02T00:00:00Z"))
        .send()
        .await
        .unwrap();
    assert!(empty.buckets.is_empty());
    assert_eq!(
        (empty.totals.cost.as_str(), empty.totals.requests),
        ("0.00000", 0)
    );
    assert!(mock.response_violations().is_empty());
}

#[tokio::test]
async fn usage_seeds_are_checked_and_work_from_a_seed_file() {
    let mock = MockServer::start().await;
    let mut bad = events();
    bad[0].total_cost = "0.000001".into();
    assert!(mock
        .seed_usage_events(bad)
        .unwrap_err()
        .to_string()
        .contains("totalCost"));
    let mut duplicate = events();
    duplicate[1].id = "aigue_e0".into();
    assert!(mock.seed_usage_events(duplicate).is_err());
    let fresh = mock.new_usage_event_id();
    assert!(fresh.starts_with("aigue_"));

    let text = serde_json::json!({
        "creditBalanceCents": 1888,
        "usageEvents": serde_json::to_value(events()).unwrap(),
        "providerKeys": [{"id": "aigpk_primary", "providerId": "openai", "name": "p", "value": "sk-EXAMPLE-000000000000"}],
        "accessKeyConfigurations": [{"id": "aigac_prod", "name": "prod",
            "router": {"rules": [{"provider": "openai", "steps": [{"type": "user", "keys": [{"id": "aigpk_primary"}]}]}]}}],
        "accessKeys": [{"name": "bot", "accessKeyConfigurationId": "aigac_prod"}],
        "apiKeys": [{"name": "ci", "token": "ngai_ci_token"}]
    })
    .to_string();
    let seeded = MockServer::builder()
        .seed(Seed::from_json(&text).unwrap())
        .start()
        .await
        .unwrap();
    let client = seeded.client();
    assert_eq!(
        client
            .get_credit_balance()
            .send()
            .await
            .unwrap()
            .balance_cents,
        1888
    );
    let overview = client
        .get_usage_overview()
        .start_time(at(START))
        .end_time(at(END))
        .send()
        .await
        .unwrap();
    assert_eq!(overview.totals.cost, "1.12706");
    let keys = client.list_access_keys().send().await.unwrap();
    assert_eq!(
        keys.ai_gateway_access_keys[0]
            .access_key_configuration
            .as_ref()
            .unwrap()
            .id,
        "aigac_prod"
    );
    let ci = ngrok_ai::Client::builder()
        .api_key("ngai_ci_token")
        .base_url(seeded.base_url())
        .build()
        .unwrap();
    assert_eq!(
        ci.get_credit_balance().send().await.unwrap().balance_cents,
        1888
    );

    let err = Seed::from_json(r#"{"usageEvents": [{"id": "x"}]}"#).unwrap_err();
    assert!(err.to_string().contains("/usageEvents/0/"), "{err}");
    assert!(Seed::from_json(r#"{"bogus": 1}"#).is_err());
}
