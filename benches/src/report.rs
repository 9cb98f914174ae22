//! Statistics and the result table.

/// One line of the table. `ratio` is always `value / baseline`; the target says which
/// direction is good.
#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub value: String,
    pub baseline: String,
    pub ratio: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
}

impl Row {
    pub fn new(figure: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            figure: figure.into(),
            value: value.into(),
            baseline: "—".to_owned(),
            ratio: None,
            target: "—".to_owned(),
            met: None,
        }
    }

    pub fn baseline(mut self, baseline: impl Into<String>, ratio: f64) -> Self {
        self.baseline = baseline.into();
        self.ratio = Some(ratio);
        self
    }

    pub fn target(mut self, target: impl Into<String>, met: bool) -> Self {
        self.target = target.into();
        self.met = Some(met);
        self
    }

    pub fn info_target(mut self, target: impl Into<String>) -> Self {
        self.target = target.into();
        self
    }
}

/// The median (mean of the middle two for an even count); 0 for no samples.
pub fn median(samples: &[f64]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// The `q` quantile (0..=1) of sorted samples, nearest rank.
pub fn quantile_sorted(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// `0.123 s`, `45.6 ms`, `78.9 µs`, `512 ns`.
pub fn fmt_seconds(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

/// `12.3 KiB`, `4.56 MiB`.
pub fn fmt_bytes(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", bytes / 1024.0)
    }
}

/// `12,345`.
pub fn fmt_count(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn fmt_ratio(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 10.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.2}×")
    }
}

/// The Markdown table: figure | value | baseline | ratio | target | met?
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| figure | value | baseline | ratio | target | met? |\n|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let ratio = row.ratio.map_or_else(|| "—".to_owned(), fmt_ratio);
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.figure, row.value, row.baseline, ratio, row.target, met
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile_sorted(&sorted, 0.5), 50);
        assert_eq!(quantile_sorted(&sorted, 0.99), 99);
        assert_eq!(fmt_count(1234567.0), "1,234,567");
        assert_eq!(fmt_count(12.0), "12");
    }
}
