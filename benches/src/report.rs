//! Statistics and the result table.

/// Above this many CPUs kept busy by other processes during a measurement, its row is
/// flagged and the run is not quotable: on 2 cores, 0.2 CPUs is a tenth of the machine.
pub const NOISY_CPUS: f64 = 0.2;

/// Min, median and max of per-run values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(samples: &[f64]) -> Option<Self> {
        let min = samples.iter().copied().reduce(f64::min)?;
        let max = samples.iter().copied().reduce(f64::max)?;
        Some(Self {
            min,
            median: median(samples),
            max,
        })
    }
}

/// What other processes used of the machine over a row's runs.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Noise {
    other_cpu_seconds: f64,
    seconds: f64,
    worst_run: f64,
}

impl Noise {
    /// `/proc` counts CPU time in 10 ms ticks, so a shorter run's own figure could be off
    /// by a tenth of a CPU or more; such runs count only towards the average.
    const MIN_RUN_SECONDS: f64 = 1.0;

    /// One run: CPU-seconds other processes used during it, and its length in seconds.
    pub fn add(&mut self, (other_cpu_seconds, seconds): (f64, f64)) {
        self.other_cpu_seconds += other_cpu_seconds;
        self.seconds += seconds;
        if seconds >= Self::MIN_RUN_SECONDS {
            self.worst_run = self.worst_run.max(other_cpu_seconds / seconds);
        }
    }

    /// CPUs kept busy: the busiest run long enough to tell, or the average over all
    /// runs if that is higher. `None` before any run.
    pub fn cpus(&self) -> Option<f64> {
        (self.seconds > 0.0).then(|| (self.other_cpu_seconds / self.seconds).max(self.worst_run))
    }
}

/// One line of the table. Each ratio is `value / baseline` of one run; the target says
/// which direction is good and must hold on every run.
#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub value: String,
    pub baseline: String,
    pub ratios: Vec<f64>,
    pub target: String,
    pub met: Option<bool>,
    /// CPUs other processes kept busy while the row was measured.
    pub noise: Option<f64>,
    /// False for heap figures and counts, which other processes cannot move.
    pub timed: bool,
}

impl Row {
    pub fn new(figure: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            figure: figure.into(),
            value: value.into(),
            baseline: "—".to_owned(),
            ratios: Vec::new(),
            target: "—".to_owned(),
            met: None,
            noise: None,
            timed: true,
        }
    }

    /// The baseline's median and the ratio of each run.
    pub fn ratios(mut self, baseline: impl Into<String>, ratios: Vec<f64>) -> Self {
        self.baseline = baseline.into();
        self.ratios = ratios;
        self
    }

    pub fn target(mut self, target: impl Into<String>, met: bool) -> Self {
        self.target = target.into();
        self.met = Some(met);
        self
    }

    /// A target on the ratio, met only if every run meets it.
    pub fn target_each(self, target: impl Into<String>, holds: impl Fn(f64) -> bool) -> Self {
        let met = !self.ratios.is_empty() && self.ratios.iter().all(|&r| holds(r));
        self.target(target, met)
    }

    pub fn info_target(mut self, target: impl Into<String>) -> Self {
        self.target = target.into();
        self
    }

    pub fn noise(mut self, noise: Noise) -> Self {
        self.noise = noise.cpus();
        self
    }

    pub fn untimed(mut self) -> Self {
        self.timed = false;
        self
    }

    pub fn noisy(&self) -> bool {
        self.timed && self.noise.is_some_and(|cpus| cpus > NOISY_CPUS)
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

/// `1 run`, `3 runs`.
pub fn fmt_n(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
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

/// `1.01×` for one run, `0.98× / 1.01× / 1.03×` (min / median / max) for several.
pub fn fmt_ratios(ratios: &[f64]) -> String {
    match Spread::of(ratios) {
        None => "—".to_owned(),
        Some(s) if ratios.len() == 1 => fmt_ratio(s.median),
        Some(s) => format!(
            "{} / {} / {}",
            fmt_ratio(s.min),
            fmt_ratio(s.median),
            fmt_ratio(s.max)
        ),
    }
}

/// The Markdown table: figure | value | baseline | ratio | target | met? | noisy?
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| figure | value | baseline | ratio (min / median / max) | target | met? | noisy? |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let noisy = match row.noise {
            _ if !row.timed => "—".to_owned(),
            None => "?".to_owned(),
            Some(cpus) if row.noisy() => format!("**yes: {cpus:.2} CPUs**"),
            Some(cpus) => format!("no ({cpus:.2})"),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {met} | {noisy} |\n",
            row.figure,
            row.value,
            row.baseline,
            fmt_ratios(&row.ratios),
            row.target,
        ));
    }
    out
}

/// Whether the figures may be quoted, and the closing line that says so.
pub fn verdict(rows: &[Row]) -> (bool, String) {
    let timed = rows.iter().filter(|r| r.timed).count();
    let noisy: Vec<&str> = rows
        .iter()
        .filter(|r| r.noisy())
        .map(|r| r.figure.split(':').next().unwrap_or(""))
        .collect();
    if noisy.is_empty() {
        return (
            true,
            format!(
                "quiet: other processes kept at most {NOISY_CPUS} CPUs busy during every timed row"
            ),
        );
    }
    let mut sections = noisy.clone();
    sections.dedup();
    (
        false,
        format!(
            "**not quotable**: other processes kept more than {NOISY_CPUS} CPUs busy during {} of {timed} timed rows ({}); re-run on a quiet machine",
            noisy.len(),
            sections.join(", ")
        ),
    )
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
        assert_eq!(fmt_n(1, "run"), "1 run");
        assert_eq!(fmt_n(3, "round"), "3 rounds");
    }

    #[test]
    fn spread_of_per_run_ratios() {
        assert_eq!(Spread::of(&[]), None);
        let spread = Spread::of(&[1.03, 0.98, 1.01, 1.00]).unwrap();
        assert_eq!((spread.min, spread.max), (0.98, 1.03));
        assert!((spread.median - 1.005).abs() < 1e-12);
        assert_eq!(fmt_ratios(&[]), "—");
        assert_eq!(fmt_ratios(&[1.0]), "1.00×");
        assert_eq!(fmt_ratios(&[1.03, 0.98, 1.01]), "0.98× / 1.01× / 1.03×");
    }

    #[test]
    fn a_target_must_hold_on_every_run() {
        let row = |ratios: Vec<f64>| Row::new("f", "v").ratios("b", ratios);
        // The median meets it, the worst run does not.
        let missed = row(vec![1.00, 1.01, 1.07]).target_each("≤ 1.05×", |r| r <= 1.05);
        assert_eq!(missed.met, Some(false));
        let met = row(vec![1.00, 1.01, 1.05]).target_each("≤ 1.05×", |r| r <= 1.05);
        assert_eq!(met.met, Some(true));
        // For a floor, the minimum decides.
        let floor = row(vec![19.5, 30.0, 31.0]).target_each("≥ 20×", |r| r >= 20.0);
        assert_eq!(floor.met, Some(false));
        assert_eq!(row(vec![]).target_each("≤ 1×", |_| true).met, Some(false));
    }

    #[test]
    fn noise_takes_the_busiest_run_long_enough_to_tell() {
        assert_eq!(Noise::default().cpus(), None);
        let mut noise = Noise::default();
        noise.add((0.1, 2.0)); // 0.05 CPUs
        noise.add((1.0, 2.0)); // 0.5 CPUs
        noise.add((0.0, 4.0));
        assert_eq!(noise.cpus(), Some(0.5));
        // Short runs are only averaged: one 10 ms tick in 20 ms is not half a CPU.
        let mut short = Noise::default();
        short.add((0.01, 0.02));
        short.add((0.0, 0.98));
        assert!((short.cpus().unwrap() - 0.01).abs() < 1e-12);
    }

    #[test]
    fn noisy_rows_are_flagged_and_make_the_run_unquotable() {
        let with = |figure: &str, other_cpu_seconds: f64| {
            let mut noise = Noise::default();
            noise.add((other_cpu_seconds, 1.0));
            Row::new(figure, "1 s").noise(noise)
        };
        let quiet = vec![with("regen: x", 0.05), with("client: get", 0.2)];
        assert!(verdict(&quiet).0);
        let table_text = table(&quiet);
        assert!(table_text.contains("| no (0.05) |"), "{table_text}");

        let mut rows = quiet.clone();
        rows.push(with("client: list", 0.41));
        rows.push(with("client: create", 0.3));
        // Heap figures are not timed: noise cannot move them.
        rows.push(with("client: stream() peak", 0.9).untimed());
        let (quotable, line) = verdict(&rows);
        assert!(!quotable);
        assert!(line.contains("during 2 of 4 timed rows (client)"), "{line}");
        let table_text = table(&rows);
        assert!(
            table_text.contains("| **yes: 0.41 CPUs** |"),
            "{table_text}"
        );
        assert!(table_text.ends_with("| — | — |\n"), "{table_text}");
    }
}
