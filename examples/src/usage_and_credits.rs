//! Reading what the gateway was used for and what is left to spend: the credit balance
//! and its history, usage events (one per upstream attempt) page by page, and the daily
//! overview grouped by provider. Read-only: nothing is created.
//!
//! The mock starts empty, so [`seed`] gives it a week of usage and some credits first.

use chrono::{DateTime, Duration, Utc};
use futures_util::TryStreamExt;
use ngrok_ai::{types, Client};
use ngrok_ai_mock::MockServer;

use crate::{ensure, say, step, Result};

/// How far back the walkthrough reads.
pub const WINDOW_DAYS: i64 = 7;

/// At most this many events are printed (a real account may have many).
const PRINTED_EVENTS: usize = 10;

/// Puts a few days of usage, a balance and two credit grants into `mock`.
///
/// # Errors
/// The mock rejected the seed (a bug in this function).
pub fn seed(mock: &MockServer) -> Result {
    let now = Utc::now();
    let hours_ago = |h: i64| now - Duration::hours(h);
    // (when, access key, provider, model, attempt, final?, error?, cost)
    let attempts = [
        (
            50,
            "aigk_search",
            "openai",
            "gpt-4o-mini",
            1,
            true,
            false,
            "0.00043",
        ),
        (
            49,
            "aigk_support",
            "anthropic",
            "claude-sonnet-4-6",
            1,
            true,
            false,
            "0.02754",
        ),
        (
            26,
            "aigk_support",
            "openai",
            "gpt-4o",
            1,
            false,
            true,
            "0.00000",
        ),
        (
            26,
            "aigk_support",
            "openai",
            "gpt-4o",
            2,
            true,
            false,
            "0.01210",
        ),
        (
            25,
            "aigk_search",
            "openai",
            "gpt-4o-mini",
            1,
            true,
            false,
            "0.00051",
        ),
        (
            3,
            "aigk_billing",
            "anthropic",
            "claude-sonnet-4-6",
            1,
            true,
            true,
            "0.00000",
        ),
        (
            2,
            "aigk_billing",
            "anthropic",
            "claude-sonnet-4-6",
            1,
            true,
            false,
            "0.03120",
        ),
        (
            1,
            "aigk_search",
            "openai",
            "gpt-4o-mini",
            1,
            true,
            false,
            "0.00047",
        ),
    ];
    let mut events = Vec::new();
    for (n, (hours, key, provider, model, attempt, is_final, is_error, cost)) in
        attempts.into_iter().enumerate()
    {
        let (provider_name, model_name) = match provider {
            "openai" => ("OpenAI", model.replace("gpt", "GPT")),
            _ => ("Anthropic", "Claude Sonnet 4.6".to_string()),
        };
        events.push(
            types::AiGatewayUsageEvent::try_from(
                types::AiGatewayUsageEvent::builder()
                    .id(mock.new_usage_event_id())
                    .event_time(hours_ago(hours) + Duration::seconds(attempt.into()))
                    .request_id(format!(
                        "req_example_{}",
                        if attempt == 2 { n - 1 } else { n }
                    ))
                    .access_key_id(key.to_string())
                    .provider(provider.to_string())
                    .provider_display_name(provider_name.to_string())
                    .model(model.to_string())
                    .model_display_name(model_name)
                    .attempt_number(attempt)
                    .is_final_attempt(is_final)
                    .status_code(if is_error { 503 } else { 200 })
                    .timed_out(false)
                    .is_error(is_error)
                    .is_streaming(provider == "anthropic")
                    .stop_reason(if is_error { "error" } else { "stop" }.to_string())
                    .input_tokens(1200)
                    .output_tokens(if is_error { 0 } else { 300 })
                    .cache_read_tokens(0)
                    .reasoning_tokens(0)
                    .total_cost(cost.to_string())
                    .key_source("ngrok".to_string())
                    .provider_key_id(None)
                    .provider_key_display_name(None),
            )
            .expect("a valid AiGatewayUsageEvent"),
        );
    }
    mock.seed_usage_events(events)?;
    mock.set_credit_balance(1_888);
    mock.seed_credit_transactions(vec![
        types::CreditTransactionItem::Credits {
            amount_cents: 2_000,
            category: types::CreditTransactionCreditsCategory::Purchase,
            created_at: now - Duration::days(20),
            expires_at: None,
        },
        types::CreditTransactionItem::Credits {
            amount_cents: 500,
            category: types::CreditTransactionCreditsCategory::Promotional,
            created_at: now - Duration::days(30),
            expires_at: Some(now + Duration::days(60)),
        },
    ])?;
    Ok(())
}

/// The walkthrough (read-only).
///
/// # Errors
/// A call failed, or the API did not behave as the walkthrough says.
pub async fn run(client: &Client) -> Result {
    let end = Utc::now();
    let start = end - Duration::days(WINDOW_DAYS);

    step(1, "Credit balance and history");
    let balance = client.get_credit_balance().send().await?;
    say(format!("balance: {}", dollars(balance.balance_cents)));
    let history = client.get_credit_transactions().send().await?;
    for item in &history.items {
        say(describe_transaction(item));
    }

    step(
        2,
        format!("Usage events of the last {WINDOW_DAYS} days, one page with send()").as_str(),
    );
    let page = client
        .list_usage()
        .start_time(start)
        .end_time(end)
        .limit(3u32)
        .send()
        .await?;
    say(format!(
        "{} events on the first page; {}",
        page.ai_gateway_usage.len(),
        if page.next_page_uri.is_some() {
            "nextPageUri points at the next one"
        } else {
            "no nextPageUri: that was all"
        }
    ));

    step(3, "Every event with stream(), which follows nextPageUri");
    let mut events = client
        .list_usage()
        .start_time(start)
        .end_time(end)
        .limit(3u32)
        .stream();
    let (mut count, mut cost, mut tokens) = (0usize, 0f64, 0i64);
    while let Some(event) = events.try_next().await? {
        if count < PRINTED_EVENTS {
            say(describe_event(&event));
        }
        count += 1;
        cost += event.total_cost.parse::<f64>().unwrap_or_default();
        tokens += event.input_tokens + event.output_tokens;
    }
    if count > PRINTED_EVENTS {
        say(format!("… and {} more", count - PRINTED_EVENTS));
    }
    say(format!(
        "{count} requests, {tokens} tokens, ${cost:.5} (final attempts only)"
    ));
    let with_retries = client
        .list_usage()
        .start_time(start)
        .end_time(end)
        .include_retries(true)
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await?;
    ensure(
        with_retries >= count,
        "at least as many attempts as requests",
    )?;
    say(format!(
        "with includeRetries=true: {with_retries} attempts (a retried request has one event per attempt)"
    ));

    step(4, "Daily overview, grouped by provider");
    let overview = client
        .get_usage_overview()
        .start_time(start)
        .end_time(end)
        .group_by(types::GetUsageOverviewGroupBy::Provider)
        .send()
        .await?;
    for bucket in &overview.buckets {
        say(format!(
            "{} {:<10} {:>4} requests {:>3} errors  ${}",
            day(bucket.bucket_start),
            bucket.group_key,
            bucket.requests,
            bucket.errors,
            bucket.cost
        ));
    }
    say(format!(
        "total: {} requests, {} errors, ${}",
        overview.totals.requests, overview.totals.errors, overview.totals.cost
    ));
    ensure(
        usize::try_from(overview.totals.requests).ok() == Some(count),
        "the overview to count the listed requests",
    )?;
    Ok(())
}

fn dollars(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents.rem_euclid(100))
}

fn day(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d").to_string()
}

fn describe_transaction(item: &types::CreditTransactionItem) -> String {
    use types::CreditTransactionItem as Item;
    match item {
        Item::Credits {
            amount_cents,
            category,
            created_at,
            expires_at,
        } => format!(
            "{} {category} credits {}{}",
            day(*created_at),
            dollars(*amount_cents),
            expires_at
                .map(|e| format!(", expiring {}", day(e)))
                .unwrap_or_default()
        ),
        Item::UsageInvoice {
            period_start,
            period_end,
            total_cents,
            applied_credits_cents,
            ..
        } => format!(
            "{}..{} usage invoice {} ({} paid with credits)",
            day(*period_start),
            day(*period_end),
            dollars(*total_cents),
            dollars(*applied_credits_cents)
        ),
        Item::UsageInvoicePreview {
            period_start,
            total_cents,
            ..
        } => format!(
            "{}..now   usage so far {}",
            day(*period_start),
            dollars(*total_cents)
        ),
        Item::Unknown => "a kind of transaction this client does not know".to_string(),
    }
}

fn describe_event(event: &types::AiGatewayUsageEvent) -> String {
    format!(
        "{} {:<12} {:<10} {:<18} {} {:>5} tokens ${}",
        event.event_time.format("%m-%d %H:%M"),
        event.access_key_id,
        event.provider,
        event.model,
        if event.is_error { "error" } else { "ok   " },
        event.input_tokens + event.output_tokens,
        event.total_cost
    )
}
