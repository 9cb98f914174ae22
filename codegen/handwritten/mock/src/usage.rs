//! Usage: exact cost arithmetic, the opaque list cursor and the daily overview.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, SecondsFormat, Utc};
use ngrok_ai::types;
use serde_json::{json, Map, Value};

/// A USD amount in integer units of 1e-5 (the precision of `totalCost`), so sums are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cost(pub i128);

impl Cost {
    /// Parses a decimal string with at most 5 fractional digits (`"0.00043"`, `"12"`,
    /// `"-1.5"`); anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 5 {
            return None;
        }
        if digits.contains('.') && fraction.is_empty() {
            return None;
        }
        let whole: i128 = whole.parse().ok()?;
        let mut frac: i128 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().ok()?
        };
        for _ in fraction.len()..5 {
            frac *= 10;
        }
        let units = whole.checked_mul(100_000)?.checked_add(frac)?;
        Some(Cost(if negative { -units } else { units }))
    }

    /// The amount with exactly 5 fractional digits, e.g. `"1.24310"`.
    pub fn format(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let units = self.0.unsigned_abs();
        format!("{sign}{}.{:05}", units / 100_000, units % 100_000)
    }
}

impl std::ops::AddAssign for Cost {
    fn add_assign(&mut self, other: Cost) {
        self.0 = self.0.saturating_add(other.0);
    }
}

/// The cursor for the page after the event with this (eventTime, id) key: hex of
/// `<RFC 3339 time>|<id>`, opaque to clients.
pub fn encode_cursor(key: &(DateTime<Utc>, String)) -> String {
    let text = format!(
        "{}|{}",
        key.0.to_rfc3339_opts(SecondsFormat::Nanos, true),
        key.1
    );
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The key a cursor from [`encode_cursor`] stands for; `None` for anything else.
pub fn decode_cursor(cursor: &str) -> Option<(DateTime<Utc>, String)> {
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (time, id) = text.split_once('|')?;
    let time = DateTime::parse_from_rfc3339(time).ok()?.with_timezone(&Utc);
    Some((time, id.to_owned()))
}

#[derive(Default)]
struct Sums {
    cost: Cost,
    requests: i64,
    errors: i64,
}

impl Sums {
    /// `cost`, `requests` and `errors`, as buckets and totals show them.
    fn render(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("cost".into(), Value::String(self.cost.format()));
        out.insert("requests".into(), json!(self.requests));
        out.insert("errors".into(), json!(self.errors));
        out
    }

    fn add(&mut self, event: &types::AiGatewayUsageEvent, cost: Cost) {
        self.cost += cost;
        if event.is_final_attempt {
            self.requests += 1;
            if event.is_error {
                self.errors += 1;
            }
        }
    }
}

/// The overview of `events` (already limited to the window): one bucket per UTC day and
/// group key (`group_key` of the event: its provider, its access key…), ordered by day
/// then key. Cost sums every attempt; requests and errors count final attempts only.
/// Rendered as the spec's `AIGatewayUsageOverview` JSON.
pub fn overview<'a>(
    events: impl Iterator<Item = &'a (types::AiGatewayUsageEvent, Cost)>,
    group_key: impl Fn(&types::AiGatewayUsageEvent) -> &str,
    uri: String,
) -> Value {
    let mut buckets: BTreeMap<(DateTime<Utc>, String), Sums> = BTreeMap::new();
    let mut totals = Sums::default();
    for (event, cost) in events {
        let day = event
            .event_time
            .date_naive()
            .and_time(NaiveTime::MIN)
            .and_utc();
        let key = group_key(event).to_owned();
        buckets.entry((day, key)).or_default().add(event, *cost);
        totals.add(event, *cost);
    }
    let buckets: Vec<Value> = buckets
        .into_iter()
        .map(|((day, key), sums)| {
            let mut bucket = sums.render();
            bucket.insert("bucketStart".into(), crate::store::timestamp(day));
            bucket.insert("groupKey".into(), Value::String(key));
            Value::Object(bucket)
        })
        .collect();
    json!({
        "buckets": buckets,
        "totals": Value::Object(totals.render()),
        "uri": uri,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_are_exact() {
        assert_eq!(Cost::parse("0.00043"), Some(Cost(43)));
        assert_eq!(Cost::parse("1.2431"), Some(Cost(124_310)));
        assert_eq!(Cost::parse("12"), Some(Cost(1_200_000)));
        assert_eq!(Cost::parse("-0.5"), Some(Cost(-50_000)));
        for bad in ["", ".5", "1.", "1.000001", "abc", "1e3", "--1", "+1"] {
            assert_eq!(Cost::parse(bad), None, "{bad}");
        }
        let mut sum = Cost::default();
        for _ in 0..10 {
            sum += Cost::parse("0.10000").unwrap();
        }
        assert_eq!(sum.format(), "1.00000");
        assert_eq!(Cost(-43).format(), "-0.00043");
        assert_eq!(Cost(0).format(), "0.00000");
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let key = (
            DateTime::parse_from_rfc3339("2026-11-25T10:00:00.5Z")
                .unwrap()
                .with_timezone(&Utc),
            "aigue_x".to_owned(),
        );
        let cursor = encode_cursor(&key);
        assert_eq!(decode_cursor(&cursor), Some(key));
        for junk in ["", "zz", "abc", "00", "é0"] {
            assert_eq!(decode_cursor(junk), None, "{junk}");
        }
    }
}
