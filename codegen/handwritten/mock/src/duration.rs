//! Go durations (`300ms`, `1.5h`, `2h45m`), the format of the gateway timeouts.

/// Parses a Go duration (`300ms`, `1.5h`, `2h45m`, `0`) into nanoseconds; `None` for
/// anything Go's `time.ParseDuration` would reject.
pub fn parse_go_duration(text: &str) -> Option<f64> {
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    if s == "0" {
        return Some(0.0);
    }
    if s.is_empty() {
        return None;
    }
    let mut rest = s;
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * unit;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        for ok in [
            "120s", "60s", "1m30s", "2h45m", "1.5h", "300ms", "0", "10us",
        ] {
            assert!(parse_go_duration(ok).is_some(), "{ok}");
        }
        for bad in ["", "banana", "10", "s", "1x", "1..5s"] {
            assert!(parse_go_duration(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_go_duration("1m30s"), Some(90e9));
    }
}
