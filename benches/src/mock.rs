//! Section `mock`: requests/s and latency of the `ngrok-ai-mock` binary under concurrent
//! keep-alive load on loopback, against Prism serving the same spec, measured in the
//! same run by the same load generator (hyper client, fixed concurrency, sorted samples).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;

use crate::cpu::Probe;
use crate::report::{fmt_count, fmt_n, fmt_seconds, median, quantile_sorted, Noise, Row};
use crate::Settings;

const API_KEY: &str = "ngai_bench_key";
const KEY_ID: &str = "aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu";
const CREATE_BODY: &str = r#"{"name":"bench-bot","description":"load test"}"#;
/// The pinned version in `benches/package.json`.
const PRISM: &str = "Prism 5.14.2";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Get,
    Create,
}

impl Op {
    fn method(self) -> Method {
        match self {
            Op::Get => Method::GET,
            Op::Create => Method::POST,
        }
    }

    fn path(self) -> String {
        match self {
            Op::Get => format!("/access-keys/{KEY_ID}"),
            Op::Create => "/access-keys".to_owned(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Op::Get => "GET /access-keys/{id} (seeded)",
            Op::Create => "POST /access-keys",
        }
    }
}

/// How hard and how long to push.
#[derive(Clone, Copy, Debug)]
struct Load {
    connections: usize,
    warmup: Duration,
    duration: Duration,
    max_requests: u64,
}

/// One measurement.
#[derive(Debug, Default, Clone)]
struct Outcome {
    requests: u64,
    errors: u64,
    seconds: f64,
    /// Sorted request latencies, nanoseconds.
    latencies: Vec<u64>,
    /// CPU time the server process used while measured (user + system), seconds.
    server_cpu: f64,
}

impl Outcome {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }

    fn per_cpu_second(&self) -> f64 {
        self.requests as f64 / self.server_cpu.max(1e-9)
    }
}

/// A server process we started; killed (by its PID) on drop.
struct Server {
    name: &'static str,
    child: Child,
    port: u16,
    /// Held open for a child that exits when its standard input closes.
    _stdin: Option<std::process::ChildStdin>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// User + system CPU seconds of the process so far (`/proc/PID/stat`, 100 ticks/s).
    fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // After the command name: state is field 0, utime 11, stime 12.
        (ticks(11) + ticks(12)) / 100.0
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Polls with a plain HTTP/1.1 GET until the server answers 200.
fn wait_ready(server: &mut Server, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {API_KEY}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        Op::Get.path(),
        server.port
    );
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("{} exited early ({status})", server.name));
        }
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", server.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut response = Vec::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_end(&mut response).is_ok()
                && response.starts_with(b"HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{} did not answer on port {} within {timeout:?}",
                server.name, server.port
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn mock_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("NGROK_AI_BENCH_MOCK_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.with_file_name("ngrok-ai-mock");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} not found: build it with `cargo build --release -p ngrok-ai-mock` (`cargo xtask bench` does)",
            path.display()
        ))
    }
}

fn start_mock(binary: &Path, seed: &Path) -> Result<Server, String> {
    let port = free_port()?;
    let child = Command::new(binary)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        // --quiet: a line per request on stderr is a write(2) per request, which is
        // neither what the mock is for nor what the loopback floor does. Prism logs
        // its own way; the ratio against it is the larger for it, and stays ≥ 20×
        // either way (see BENCHMARKS.md).
        .args(["--api-key", API_KEY, "--quiet", "--seed"])
        .arg(seed)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut server = Server {
        name: "ngrok-ai-mock",
        child,
        port,
        _stdin: None,
    };
    wait_ready(&mut server, Duration::from_secs(30))?;
    Ok(server)
}

/// The loopback floor: this harness's own fixed-response hyper server (the client
/// section's fixture server, on a multi-threaded runtime), answering GET and POST with
/// the spec's examples and doing nothing else.
fn start_floor(spec: &Path) -> Result<Server, String> {
    use std::io::BufRead;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .env(crate::client::ROLE_ENV, crate::client::ROLE_FLOOR)
        .env(crate::client::SPEC_VAR, spec)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the loopback floor server: {e}"))?;
    let stdin = child.stdin.take();
    let stdout = child
        .stdout
        .take()
        .ok_or("the floor server has no stdout")?;
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let port = line
        .trim()
        .strip_prefix("port ")
        .and_then(|p| p.parse().ok());
    let mut server = Server {
        name: "loopback floor",
        child,
        port: 0,
        _stdin: stdin,
    };
    server.port = port.ok_or_else(|| format!("the floor server said {line:?}"))?;
    Ok(server)
}

/// Installs Prism from `benches/package-lock.json` if needed.
fn prism_binary(root: &Path) -> Result<PathBuf, String> {
    let benches = root.join("benches");
    let prism = benches.join("node_modules/.bin/prism");
    if !prism.exists() {
        eprintln!("mock: installing Prism with `npm ci` in benches/");
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&benches)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run npm: {e}"))?;
        if !status.success() || !prism.exists() {
            return Err(format!("`npm ci` in benches/ failed ({status})"));
        }
    }
    Ok(prism)
}

fn start_prism(prism: &Path, spec: &Path) -> Result<Server, String> {
    let port = free_port()?;
    let child = Command::new(prism)
        .arg("mock")
        .arg(spec)
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
    let mut server = Server {
        name: "prism",
        child,
        port,
        _stdin: None,
    };
    wait_ready(&mut server, Duration::from_secs(120))?;
    Ok(server)
}

fn request(op: Op, host: &HeaderValue) -> Request<Full<Bytes>> {
    let body = match op {
        Op::Get => Bytes::new(),
        Op::Create => Bytes::from_static(CREATE_BODY.as_bytes()),
    };
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = op.method();
    *request.uri_mut() = op.path().parse().unwrap_or_default();
    let headers = request.headers_mut();
    headers.insert(HOST, host.clone());
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_static("Bearer ngai_bench_key"),
    );
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    if op == Op::Create {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    request
}

/// What one connection saw in the measured window.
#[derive(Default)]
struct Connection {
    latencies: Vec<u64>,
    errors: u64,
    last_done: Option<Instant>,
}

struct Window {
    measure_from: Instant,
    deadline: Instant,
    started: AtomicU64,
    max_requests: u64,
}

async fn drive(addr: SocketAddr, op: Op, window: Arc<Window>) -> Connection {
    let mut seen = Connection::default();
    let host =
        HeaderValue::from_str(&addr.to_string()).unwrap_or(HeaderValue::from_static("localhost"));
    'connect: loop {
        if Instant::now() >= window.deadline {
            break;
        }
        let stream = match tokio::net::TcpStream::connect(addr).await {
            Ok(stream) => stream,
            Err(_) => {
                seen.errors += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (mut sender, connection) =
            match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
                Ok(pair) => pair,
                Err(_) => {
                    seen.errors += 1;
                    continue;
                }
            };
        tokio::spawn(connection);
        loop {
            let now = Instant::now();
            if now >= window.deadline {
                break 'connect;
            }
            let measured = now >= window.measure_from;
            if measured && window.started.fetch_add(1, Relaxed) >= window.max_requests {
                break 'connect;
            }
            if sender.ready().await.is_err() {
                seen.errors += u64::from(measured);
                continue 'connect;
            }
            let started = Instant::now();
            let ok = match sender.send_request(request(op, &host)).await {
                Ok(response) => {
                    let success = response.status().is_success();
                    response.into_body().collect().await.is_ok() && success
                }
                Err(_) => {
                    seen.errors += u64::from(measured);
                    continue 'connect;
                }
            };
            if measured {
                let done = Instant::now();
                seen.latencies.push((done - started).as_nanos() as u64);
                seen.last_done = Some(done);
                seen.errors += u64::from(!ok);
            }
        }
    }
    seen
}

fn measure(server: &Server, op: Op, load: Load) -> Result<Outcome, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let addr: SocketAddr = ([127, 0, 0, 1], server.port).into();
    let start = Instant::now();
    let window = Arc::new(Window {
        measure_from: start + load.warmup,
        deadline: start + load.warmup + load.duration,
        started: AtomicU64::new(0),
        max_requests: load.max_requests,
    });
    let mut cpu_at_start = None;
    let connections = runtime.block_on(async {
        let tasks: Vec<_> = (0..load.connections)
            .map(|_| tokio::spawn(drive(addr, op, window.clone())))
            .collect();
        tokio::time::sleep_until(window.measure_from.into()).await;
        cpu_at_start = Some(server.cpu_seconds());
        let mut all = Vec::new();
        for task in tasks {
            all.push(task.await.unwrap_or_default());
        }
        all
    });
    let server_cpu = server.cpu_seconds() - cpu_at_start.unwrap_or(0.0);
    let mut latencies: Vec<u64> = connections
        .iter()
        .flat_map(|c| c.latencies.iter().copied())
        .collect();
    latencies.sort_unstable();
    let end = connections
        .iter()
        .filter_map(|c| c.last_done)
        .max()
        .unwrap_or(window.measure_from);
    Ok(Outcome {
        requests: latencies.len() as u64,
        errors: connections.iter().map(|c| c.errors).sum(),
        seconds: (end - window.measure_from).as_secs_f64(),
        latencies,
        server_cpu,
    })
}

/// Medians over the runs, for the value and baseline columns.
struct Summary {
    rps: f64,
    p50: f64,
    p99: f64,
    efficiency: f64,
    errors: u64,
    requests: u64,
}

fn p50(outcome: &Outcome) -> f64 {
    quantile_sorted(&outcome.latencies, 0.50) as f64 * 1e-9
}

fn p99(outcome: &Outcome) -> f64 {
    quantile_sorted(&outcome.latencies, 0.99) as f64 * 1e-9
}

fn summary(outcomes: &[Outcome]) -> Summary {
    let pick = |f: fn(&Outcome) -> f64| median(&outcomes.iter().map(f).collect::<Vec<_>>());
    Summary {
        rps: pick(Outcome::rps),
        p50: pick(p50),
        p99: pick(p99),
        efficiency: pick(Outcome::per_cpu_second),
        errors: outcomes.iter().map(|o| o.errors).sum(),
        requests: outcomes.iter().map(|o| o.requests).sum(),
    }
}

/// Per run, a figure of the mock over the same figure of the baseline measured with it.
fn ratios(ours: &[Outcome], theirs: &[Outcome], figure: fn(&Outcome) -> f64) -> Vec<f64> {
    ours.iter()
        .zip(theirs)
        .map(|(ours, theirs)| figure(ours) / figure(theirs))
        .collect()
}

pub fn run(root: &Path, settings: &Settings) -> Result<Vec<Row>, String> {
    let (load, runs) = if settings.quick {
        let load = Load {
            connections: 8,
            warmup: Duration::from_millis(300),
            duration: Duration::from_secs(1),
            max_requests: 5_000,
        };
        (load, 1)
    } else {
        let load = Load {
            connections: 64,
            warmup: Duration::from_secs(2),
            duration: Duration::from_secs(10),
            max_requests: 200_000,
        };
        (load, settings.runs.unwrap_or(3))
    };
    let spec = root.join(ngrok_ai_codegen::SPEC_PATH);
    let mock = mock_binary()?;
    let seed =
        std::env::temp_dir().join(format!("ngrok-ai-bench-seed-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        format!(r#"{{"accessKeys": [{{"id": "{KEY_ID}", "name": "support-bot"}}]}}"#),
    )
    .map_err(|e| e.to_string())?;
    let prism = prism_binary(root).and_then(|bin| start_prism(&bin, &spec));
    if let Err(e) = &prism {
        eprintln!("mock: Prism is not measured: {e}");
    }
    let floor = start_floor(&spec);
    if let Err(e) = &floor {
        eprintln!("mock: the loopback floor is not measured: {e}");
    }
    let mut ours = [Vec::new(), Vec::new()];
    let mut theirs = [Vec::new(), Vec::new()];
    let mut floors = [Vec::new(), Vec::new()];
    let mut noise = [Noise::default(); 2];
    for run in 0..runs {
        for (i, op) in [Op::Get, Op::Create].into_iter().enumerate() {
            let probe = Probe::start();
            // A fresh mock per measurement: POST starts from the same (seeded) state.
            let server = start_mock(&mock, &seed)?;
            let outcome = measure(&server, op, load)?;
            eprintln!(
                "mock run {run} {op:?}: {:.0} req/s, {} requests, {} errors, {:.2} CPU s",
                outcome.rps(),
                outcome.requests,
                outcome.errors,
                outcome.server_cpu
            );
            ours[i].push(outcome);
            drop(server);
            if let Ok(floor) = &floor {
                let outcome = measure(floor, op, load)?;
                eprintln!(
                    "floor run {run} {op:?}: {:.0} req/s, {} requests, {} errors, {:.2} CPU s",
                    outcome.rps(),
                    outcome.requests,
                    outcome.errors,
                    outcome.server_cpu
                );
                floors[i].push(outcome);
            }
            if let Ok(prism) = &prism {
                let outcome = measure(prism, op, load)?;
                eprintln!(
                    "prism run {run} {op:?}: {:.0} req/s, {} requests, {} errors, {:.2} CPU s",
                    outcome.rps(),
                    outcome.requests,
                    outcome.errors,
                    outcome.server_cpu
                );
                theirs[i].push(outcome);
            }
            noise[i].add(probe.others());
        }
    }
    drop(prism);
    drop(floor);
    let _ = std::fs::remove_file(&seed);

    let mut rows = Vec::new();
    let shape = format!(
        "{} conns, ≤ {} s or {} req, median of {}",
        load.connections,
        load.duration.as_secs_f64(),
        fmt_count(load.max_requests as f64),
        fmt_n(runs, "run")
    );
    let errors_note = |summary: &Summary| {
        if summary.errors > 0 {
            format!(" ({} errors in {})", summary.errors, summary.requests)
        } else {
            String::new()
        }
    };
    for (i, op) in [Op::Get, Op::Create].into_iter().enumerate() {
        let mock = summary(&ours[i]);
        let mut throughput = Row::new(
            format!("mock: {} throughput ({shape})", op.label()),
            format!("{} req/s{}", fmt_count(mock.rps), errors_note(&mock)),
        );
        let mut latency = Row::new(
            format!("mock: {} p50 / p99 latency (ratio of p99)", op.label()),
            format!("{} / {}", fmt_seconds(mock.p50), fmt_seconds(mock.p99)),
        );
        let mut efficiency = Row::new(
            format!("mock: {} requests per server CPU-second", op.label()),
            fmt_count(mock.efficiency),
        );
        if theirs[i].is_empty() {
            throughput = throughput.info_target("≥ 20× Prism (Prism not run)");
        } else {
            let prism = summary(&theirs[i]);
            throughput = throughput
                .ratios(
                    format!(
                        "{PRISM}: {} req/s{}",
                        fmt_count(prism.rps),
                        errors_note(&prism)
                    ),
                    ratios(&ours[i], &theirs[i], Outcome::rps),
                )
                .target_each("≥ 20×", |ratio| ratio >= 20.0);
            latency = latency
                .ratios(
                    format!(
                        "{PRISM}: {} / {}",
                        fmt_seconds(prism.p50),
                        fmt_seconds(prism.p99)
                    ),
                    ratios(&ours[i], &theirs[i], p99),
                )
                .info_target("— (lower is better)");
            efficiency = efficiency
                .ratios(
                    format!("{PRISM}: {}", fmt_count(prism.efficiency)),
                    ratios(&ours[i], &theirs[i], Outcome::per_cpu_second),
                )
                .info_target("— (higher is better; robust to load)");
        }
        rows.extend([throughput, latency, efficiency].map(|row| row.noise(noise[i])));
        if !floors[i].is_empty() {
            let floor = summary(&floors[i]);
            let row = Row::new(
                format!(
                    "mock: {} throughput against the loopback floor ({shape})",
                    op.label()
                ),
                format!("{} req/s", fmt_count(mock.rps)),
            )
            .ratios(
                format!(
                    "fixed-response hyper server, same load: {} req/s{}",
                    fmt_count(floor.rps),
                    errors_note(&floor)
                ),
                ratios(&ours[i], &floors[i], Outcome::rps),
            )
            .noise(noise[i]);
            // The mock authenticates, routes, validates, keeps state and encodes JSON;
            // half of what a server doing none of that manages is the bar for reads.
            rows.push(match op {
                Op::Get => row.target_each("≥ 0.50×", |ratio| ratio >= 0.5),
                Op::Create => row.info_target("— (for information)"),
            });
        }
    }
    Ok(rows)
}
