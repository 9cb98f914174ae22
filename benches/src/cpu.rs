//! How many CPUs other processes kept busy while something was measured.
//!
//! The whole machine's busy time (`/proc/stat`) minus that of this process and all its
//! descendants, live or waited for. Live descendants count too: the client's fixture
//! server, Prism and the loopback floor run through whole sections, and their CPU time
//! reaches this process's `cutime` only when they are reaped.

use std::collections::HashMap;
use std::time::Instant;

/// Clock ticks per second of `/proc` (`USER_HZ`, 100 on every Linux this runs on).
const TICKS: f64 = 100.0;

#[derive(Clone, Copy)]
struct Snapshot {
    machine_busy: f64,
    ours: f64,
}

fn fields_after_name(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect()
}

fn number(fields: &[&str], i: usize) -> f64 {
    fields.get(i).and_then(|f| f.parse().ok()).unwrap_or(0.0)
}

/// utime + stime + cutime + cstime of one `/proc/PID/stat`, in ticks.
fn process_ticks(fields: &[&str]) -> f64 {
    // After the command name: state is field 0, ppid 1, utime 11 … cstime 14.
    (11..=14).map(|i| number(fields, i)).sum()
}

/// This process and its live descendants, in ticks.
fn our_ticks() -> f64 {
    let own = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let mut total = process_ticks(&fields_after_name(&own));
    let mut children: HashMap<u32, Vec<(u32, f64)>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let fields = fields_after_name(&stat);
        let ppid = number(&fields, 1) as u32;
        children
            .entry(ppid)
            .or_default()
            .push((pid, process_ticks(&fields)));
    }
    let mut pending = vec![std::process::id()];
    while let Some(parent) = pending.pop() {
        for &(pid, ticks) in children.get(&parent).into_iter().flatten() {
            total += ticks;
            pending.push(pid);
        }
    }
    total
}

impl Snapshot {
    fn take() -> Self {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let machine = stat.lines().next().unwrap_or("");
        let values: Vec<&str> = machine
            .strip_prefix("cpu")
            .unwrap_or("")
            .split_whitespace()
            .collect();
        Self {
            // user nice system idle iowait irq softirq steal: all but idle and iowait.
            machine_busy: [0, 1, 2, 5, 6, 7].iter().map(|&i| number(&values, i)).sum(),
            ours: our_ticks(),
        }
    }
}

/// Started before a measurement; read after it.
#[derive(Clone, Copy)]
pub struct Probe {
    snapshot: Snapshot,
    started: Instant,
}

impl Probe {
    pub fn start() -> Self {
        Self {
            snapshot: Snapshot::take(),
            started: Instant::now(),
        }
    }

    /// CPU-seconds other processes used since the start, and the seconds elapsed.
    pub fn others(&self) -> (f64, f64) {
        let now = Snapshot::take();
        let others =
            (now.machine_busy - self.snapshot.machine_busy) - (now.ours - self.snapshot.ours);
        (
            (others / TICKS).max(0.0),
            self.started.elapsed().as_secs_f64(),
        )
    }
}
