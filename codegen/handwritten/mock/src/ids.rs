//! IDs, tokens and redaction.
//!
//! An ID is `<prefix><10 base62 digits of a counter><16 random base62 characters>`, e.g.
//! `aigk_0Ul3Xq9Pb2vC6xZ9qW1eR3tYuAbCd`. The counter starts at the server's start time in
//! microseconds and grows by one per ID, and the base62 alphabet is in ASCII order, so
//! IDs of one server sort (as strings) in creation order — which is what descending-ID
//! pagination needs — and look like time-ordered IDs.

use std::sync::atomic::{AtomicU64, Ordering};

/// Digits in ASCII order, so fixed-width encodings compare like the numbers.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const COUNTER_WIDTH: usize = 10;
const RANDOM_WIDTH: usize = 16;

/// Mints IDs that sort in creation order.
#[derive(Debug)]
pub struct IdGen {
    counter: AtomicU64,
}

impl Default for IdGen {
    fn default() -> Self {
        Self::new()
    }
}

impl IdGen {
    /// A generator whose counter starts at the current time in microseconds.
    pub fn new() -> Self {
        let start = chrono::Utc::now().timestamp_micros().max(0) as u64;
        Self::starting_at(start)
    }

    /// A generator whose first ID encodes `start`.
    pub fn starting_at(start: u64) -> Self {
        Self {
            counter: AtomicU64::new(start),
        }
    }

    /// The next ID with `prefix` (e.g. `aigk_`).
    pub fn next(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut id = String::with_capacity(prefix.len() + COUNTER_WIDTH + RANDOM_WIDTH);
        id.push_str(prefix);
        id.push_str(&base62_fixed(n, COUNTER_WIDTH));
        id.push_str(&random_base62(RANDOM_WIDTH));
        id
    }
}

/// `n` in base62, left-padded with `0` to `width` digits (more if it does not fit).
pub fn base62_fixed(mut n: u64, width: usize) -> String {
    let mut digits = Vec::with_capacity(width);
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// `len` random base62 characters.
pub fn random_base62(len: usize) -> String {
    (0..len)
        .map(|_| BASE62[fastrand::usize(..BASE62.len())] as char)
        .collect()
}

/// An access-key token in the documented shape `ng-<id part>-g1-<random>`.
pub fn access_key_token(id: &str) -> String {
    let tail = id.split_once('_').map(|(_, t)| t).unwrap_or(id);
    format!("ng-{tail}-g1-{}", random_base62(32))
}

/// A management API-key token, `ngai_<id part>_<random>` (the real format is undocumented).
pub fn api_key_token(id: &str) -> String {
    let tail = id.split_once('_').map(|(_, t)| t).unwrap_or(id);
    format!("ngai_{tail}_{}", random_base62(32))
}

/// `keep` leading characters, `***`, and the last four: the form the API shows for
/// tokens (`ng-2pZ5j***Ytq8`). Short values reveal less.
pub fn redact_token(token: &str, keep: usize) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < keep + 8 {
        return redact_provider_key(token);
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}***{tail}")
}

/// The documented provider-key redaction `first10***last4`; values shorter than 15
/// characters show only `***` and at most their last quarter.
pub fn redact_provider_key(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() >= 15 {
        let head: String = chars[..10].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        return format!("{head}***{tail}");
    }
    let shown = chars.len() / 4;
    let tail: String = chars[chars.len() - shown..].iter().collect();
    format!("***{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_in_creation_order() {
        let ids = IdGen::starting_at(61);
        let minted: Vec<String> = (0..200).map(|_| ids.next("aigk_")).collect();
        let mut sorted = minted.clone();
        sorted.sort();
        assert_eq!(minted, sorted);
        assert!(minted
            .iter()
            .all(|id| id.starts_with("aigk_") && id.len() == 5 + 26));
        assert!(minted[0].starts_with("aigk_000000000z"));
        assert!(minted[1].starts_with("aigk_0000000010"));
    }

    #[test]
    fn base62_is_fixed_width_and_ordered() {
        assert_eq!(base62_fixed(0, 3), "000");
        assert_eq!(base62_fixed(61, 3), "00z");
        assert_eq!(base62_fixed(62, 3), "010");
        assert!(base62_fixed(u64::MAX, 10).len() >= 10);
        let now = IdGen::new().next("x_");
        assert_eq!(now.len(), 2 + 26);
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact_provider_key("sk-proj-EXAMPLEonlyNotARealKey0000"),
            "sk-proj-EX***0000"
        );
        assert_eq!(redact_provider_key("short-key"), "***ey");
        assert_eq!(redact_provider_key(""), "***");
        let token = access_key_token("aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu");
        assert!(token.starts_with("ng-2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu-g1-"));
        let redacted = redact_token(&token, 8);
        assert!(redacted.starts_with("ng-2pZ5j***"));
        assert_eq!(redacted.len(), 8 + 3 + 4);
        assert!(api_key_token("aigak_abc").starts_with("ngai_abc_"));
        assert_eq!(redact_token("ab", 8), "***");
    }
}
