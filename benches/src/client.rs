//! Section `client`: typed calls through the generated client against a server that
//! answers with the spec's examples, versus the same calls written by hand with reqwest
//! and serde_json decoding into the same generated structs; and the heap held while
//! `stream()` walks many pages.
//!
//! The fixed-body server runs in a child process (this binary again, see
//! [`serve_fixtures`]) so that its allocations are not counted here.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

use std::convert::Infallible;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ngrok_ai::types;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use serde_json::Value;

use crate::alloc;
use crate::cpu::Probe;
use crate::report::{fmt_bytes, fmt_count, fmt_n, fmt_ratio, fmt_seconds, median, Noise, Row};
use crate::Settings;

/// Selects the role of a child process started from this binary.
pub const ROLE_ENV: &str = "NGROK_AI_BENCH_ROLE";
const ROLE_FIXTURES: &str = "fixture-server";
/// The same fixed-response server on a multi-threaded runtime: the loopback floor the
/// mock section compares the mock with (what any Rust HTTP server can do on this machine).
pub const ROLE_FLOOR: &str = "loopback-floor";
/// The spec the fixture server takes its bodies from.
pub const SPEC_VAR: &str = SPEC_ENV;
const SPEC_ENV: &str = "NGROK_AI_BENCH_SPEC";

const API_KEY: &str = "ngai_bench_key";
const KEY_ID: &str = "aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu";
const PAGE_SIZE: usize = 100;
/// The generated client's `User-Agent`, sent by the baseline too.
const USER_AGENT: &str = "ngrok-ai/0.1.0";

// ---------------------------------------------------------------------------------------
// The fixed-body server (child process).

/// Example bodies from the spec, and generated pages for the streaming test.
struct Fixtures {
    get: Bytes,
    list: Bytes,
    create: Bytes,
    item: Value,
    /// Pages of `PAGE_SIZE` items, by total page count, built on first use.
    paged: Mutex<Vec<(usize, Arc<Vec<Bytes>>)>>,
}

fn example(spec: &Value, pointer: &str) -> Result<Value, String> {
    spec.pointer(pointer)
        .cloned()
        .ok_or_else(|| format!("the spec has no example at {pointer}"))
}

impl Fixtures {
    fn load(spec_path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(spec_path).map_err(|e| e.to_string())?;
        let spec: Value = serde_norway::from_str(&text).map_err(|e| e.to_string())?;
        let json = "content/application~1json/example";
        let get = example(
            &spec,
            &format!("/paths/~1access-keys~1{{id}}/get/responses/200/{json}"),
        )?;
        let list = example(
            &spec,
            &format!("/paths/~1access-keys/get/responses/200/{json}"),
        )?;
        let create = example(
            &spec,
            &format!("/paths/~1access-keys/post/responses/201/{json}"),
        )?;
        let item = list
            .pointer("/aiGatewayAccessKeys/0")
            .cloned()
            .ok_or("the list example has no item")?;
        let bytes = |v: &Value| Bytes::from(serde_json::to_vec(v).unwrap_or_default());
        Ok(Self {
            get: bytes(&get),
            list: bytes(&list),
            create: bytes(&create),
            item,
            paged: Mutex::new(Vec::new()),
        })
    }

    /// Page `index` (0-based) of a list of `total` pages; `nextPageUri` is relative and
    /// carries the last item's ID as `beforeId`, like the API's.
    fn page(&self, total: usize, index: usize) -> Option<Bytes> {
        let mut cache = self.paged.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, pages)) = cache.iter().find(|(t, _)| *t == total) {
            return pages.get(index).cloned();
        }
        let pages: Vec<Bytes> = (0..total)
            .map(|p| {
                let items: Vec<Value> = (0..PAGE_SIZE)
                    .map(|i| {
                        let mut item = self.item.clone();
                        let id = format!("aigk_bench{p:04}{i:04}");
                        item["uri"] = Value::from(format!("https://api.ngrok.ai/access-keys/{id}"));
                        item["id"] = Value::from(id);
                        item
                    })
                    .collect();
                let next = if p + 1 < total {
                    Value::from(format!(
                        "/paged/{total}/access-keys?limit={PAGE_SIZE}&beforeId=aigk_bench{p:04}{:04}",
                        PAGE_SIZE - 1
                    ))
                } else {
                    Value::Null
                };
                let body = serde_json::json!({
                    "aiGatewayAccessKeys": items,
                    "uri": format!("https://api.ngrok.ai/access-keys?limit={PAGE_SIZE}"),
                    "nextPageUri": next,
                });
                Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
            })
            .collect();
        let pages = Arc::new(pages);
        cache.push((total, pages.clone()));
        pages.get(index).cloned()
    }
}

fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn respond(
    fixtures: Arc<Fixtures>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let method = request.method().clone();
    // Read the whole request body, as a real server would.
    let _ = request.into_body().collect().await;
    let not_found = || json_response(StatusCode::NOT_FOUND, Bytes::from_static(b"{}"));
    let response = if let Some(rest) = path.strip_prefix("/paged/") {
        let (total, rest) = rest.split_once('/').unwrap_or((rest, ""));
        let before = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("beforeId="))
            .and_then(|id| id.strip_prefix("aigk_bench"))
            .and_then(|digits| digits.get(..4))
            .and_then(|page| page.parse::<usize>().ok());
        let index = before.map_or(0, |page| page + 1);
        match (total.parse::<usize>(), rest) {
            (Ok(total), "access-keys") => fixtures
                .page(total, index)
                .map_or_else(not_found, |body| json_response(StatusCode::OK, body)),
            _ => not_found(),
        }
    } else if path == "/access-keys" && method == hyper::Method::POST {
        json_response(StatusCode::CREATED, fixtures.create.clone())
    } else if path == "/access-keys" {
        json_response(StatusCode::OK, fixtures.list.clone())
    } else if path.starts_with("/access-keys/") {
        json_response(StatusCode::OK, fixtures.get.clone())
    } else {
        not_found()
    };
    Ok(response)
}

/// The child process: serves the fixtures on 127.0.0.1, prints `port N`, and exits when
/// its standard input closes (the parent ended). `multi_thread`: the loopback floor of
/// the mock section (the mock itself runs on a multi-threaded runtime); otherwise one
/// thread, so the client measurements share the machine predictably.
pub fn serve_fixtures(multi_thread: bool) -> ExitCode {
    let spec = std::env::var_os(SPEC_ENV).unwrap_or_default();
    let fixtures = match Fixtures::load(Path::new(&spec)) {
        Ok(f) => Arc::new(f),
        Err(e) => {
            eprintln!("fixture server: {e}");
            return ExitCode::FAILURE;
        }
    };
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        std::process::exit(0);
    });
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fixture server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), String> = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("port {port}");
        let _ = std::io::stdout().flush();
        loop {
            let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let fixtures = fixtures.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| respond(fixtures.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    if let Err(e) = result {
        eprintln!("fixture server: {e}");
    }
    ExitCode::FAILURE
}

/// The running child; killed on drop.
struct FixtureServer {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
}

impl FixtureServer {
    fn spawn(root: &Path) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .env(ROLE_ENV, ROLE_FIXTURES)
            .env(SPEC_ENV, root.join(ngrok_ai_codegen::SPEC_PATH))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the fixture server: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok());
        let mut server = Self {
            child,
            stdin,
            port: 0,
        };
        server.port = port.ok_or_else(|| format!("fixture server said {line:?}"))?;
        Ok(server)
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// The measured calls.

#[derive(Clone, Copy, Debug)]
enum Op {
    Get,
    List,
    Create,
}

impl Op {
    fn label(self) -> &'static str {
        match self {
            Op::Get => "get one access key (GET /access-keys/{id})",
            Op::List => "list one page (GET /access-keys?limit=2)",
            Op::Create => "create (POST /access-keys)",
        }
    }
}

fn create_body() -> types::AiGatewayAccessKeyCreate {
    types::AiGatewayAccessKeyCreate {
        name: Some("support-bot".to_owned()),
        description: Some("Used by the support bot in production".to_owned()),
        ..Default::default()
    }
}

async fn client_call(client: &ngrok_ai::Client, op: Op) -> Result<(), String> {
    let e = |e: ngrok_ai::Error| e.to_string();
    match op {
        Op::Get => {
            black_box(client.get_access_key().id(KEY_ID).send().await.map_err(e)?);
        }
        Op::List => {
            black_box(
                client
                    .list_access_keys()
                    .limit(2u32)
                    .send()
                    .await
                    .map_err(e)?,
            );
        }
        Op::Create => {
            let key = client
                .create_access_key()
                .body(create_body())
                .send()
                .await
                .map_err(e)?;
            black_box(key);
        }
    }
    Ok(())
}

/// What a careful hand-written caller does: one reqwest client, the same headers, a
/// status check, and serde_json into the generated struct.
struct Baseline {
    http: reqwest::Client,
    base: String,
    authorization: HeaderValue,
}

impl Baseline {
    fn new(base: &str) -> Result<Self, String> {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| e.to_string())?;
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {API_KEY}")).map_err(|e| e.to_string())?;
        authorization.set_sensitive(true);
        Ok(Self {
            http,
            base: base.to_owned(),
            authorization,
        })
    }

    async fn decode<T: serde::de::DeserializeOwned>(
        request: reqwest::RequestBuilder,
    ) -> Result<T, String> {
        let response = request.send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
    }

    async fn call(&self, op: Op) -> Result<(), String> {
        match op {
            Op::Get => {
                let url = format!("{}/access-keys/{KEY_ID}", self.base);
                black_box(Self::decode::<types::AiGatewayAccessKey>(self.get(url)).await?);
            }
            Op::List => {
                let request = self
                    .get(format!("{}/access-keys", self.base))
                    .query(&[("limit", 2u32)]);
                black_box(Self::decode::<types::AiGatewayAccessKeyList>(request).await?);
            }
            Op::Create => {
                let request = self
                    .http
                    .post(format!("{}/access-keys", self.base))
                    .header(AUTHORIZATION, self.authorization.clone())
                    .header(ACCEPT, "application/json")
                    .json(&create_body());
                black_box(Self::decode::<types::AiGatewayAccessKey>(request).await?);
            }
        }
        Ok(())
    }
}

fn median_ns(samples: &mut [u64]) -> f64 {
    samples.sort_unstable();
    let values: Vec<f64> = samples.iter().map(|&n| n as f64).collect();
    median(&values)
}

/// Median nanoseconds per request of both variants (generated, baseline) over one
/// round, alternating call by call (in blocks, drift in the machine's state within a
/// block spread the per-round ratio over ±3%); `generated_first` alternates between
/// rounds too.
async fn time_op(
    client: &ngrok_ai::Client,
    baseline: &Baseline,
    op: Op,
    iterations: usize,
    generated_first: bool,
) -> Result<(f64, f64), String> {
    let mut ours = Vec::with_capacity(iterations);
    let mut theirs = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        for generated in [generated_first, !generated_first] {
            let started = Instant::now();
            if generated {
                client_call(client, op).await?;
                ours.push(started.elapsed().as_nanos() as u64);
            } else {
                baseline.call(op).await?;
                theirs.push(started.elapsed().as_nanos() as u64);
            }
        }
    }
    Ok((median_ns(&mut ours), median_ns(&mut theirs)))
}

/// Allocation calls and bytes allocated per request.
#[derive(Clone, Copy)]
struct PerCall {
    allocations: f64,
    bytes: f64,
}

/// Counted outside the timed loops, which then pay nothing for it.
async fn count_allocations<F: std::future::Future<Output = Result<(), String>>>(
    calls: usize,
    mut call: impl FnMut() -> F,
) -> Result<PerCall, String> {
    alloc::start_counting();
    let mut result = Ok(());
    for _ in 0..calls {
        result = call().await;
        if result.is_err() {
            break;
        }
    }
    let counts = alloc::stop_counting();
    result.map(|()| PerCall {
        allocations: counts.calls as f64 / calls as f64,
        bytes: counts.bytes as f64 / calls as f64,
    })
}

/// Heap figures of one streaming measurement, in bytes.
struct Memory {
    page_json: usize,
    page_decoded: usize,
    stream_peak: usize,
    stream_small_peak: usize,
    hand_fetch_peak: usize,
    collect_peak: usize,
    items: usize,
}

async fn stream_peak(client: &ngrok_ai::Client) -> Result<(usize, usize), String> {
    let base = alloc::reset_peak();
    let mut stream = client.list_access_keys().limit(PAGE_SIZE as u32).stream();
    let mut count = 0;
    while let Some(item) = stream.try_next().await.map_err(|e| e.to_string())? {
        black_box(&item);
        count += 1;
    }
    drop(stream);
    Ok((alloc::peak().saturating_sub(base), count))
}

async fn memory(base: &str, baseline: &Baseline, pages: usize) -> Result<Memory, String> {
    let small_pages = (pages / 10).max(1);
    let big = ngrok_ai::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("{base}/paged/{pages}"))
        .build()
        .map_err(|e| e.to_string())?;
    let small = ngrok_ai::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("{base}/paged/{small_pages}"))
        .build()
        .map_err(|e| e.to_string())?;
    // One decoded page: the heap a `Vec` of 100 decoded items (and the list) holds.
    let body = baseline
        .get(format!(
            "{base}/paged/{pages}/access-keys?limit={PAGE_SIZE}"
        ))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| e.to_string())?
        .bytes()
        .await
        .map_err(|e| e.to_string())?;
    let before = alloc::live();
    let page: types::AiGatewayAccessKeyList =
        serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let page_decoded = alloc::live().saturating_sub(before);
    drop(page);

    // Untimed warm-up, so that connection buffers have their steady size before.
    stream_peak(&big).await?;
    stream_peak(&small).await?;

    let (stream_small_peak, _) = stream_peak(&small).await?;
    let (stream_peak, items) = stream_peak(&big).await?;
    // The same page fetched and decoded once by hand (reqwest + serde_json): the least
    // any client holds for a page in flight (the body, the decoded page, hyper's
    // buffers), for comparison with the stream's peak.
    let before = alloc::reset_peak();
    let page: types::AiGatewayAccessKeyList = Baseline::decode(baseline.get(format!(
        "{base}/paged/{pages}/access-keys?limit={PAGE_SIZE}"
    )))
    .await?;
    let hand_fetch_peak = alloc::peak().saturating_sub(before);
    drop(page);
    let base_live = alloc::reset_peak();
    let all: Vec<types::AiGatewayAccessKey> = big
        .list_access_keys()
        .limit(PAGE_SIZE as u32)
        .stream()
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    let collect_peak = alloc::peak().saturating_sub(base_live);
    drop(all);
    Ok(Memory {
        page_json: body.len(),
        page_decoded,
        stream_peak,
        stream_small_peak,
        hand_fetch_peak,
        collect_peak,
        items,
    })
}

const OPS: [Op; 3] = [Op::Get, Op::List, Op::Create];

/// Median of one field over the runs.
fn median_of<T>(runs: &[T], field: impl Fn(&T) -> f64) -> f64 {
    median(&runs.iter().map(field).collect::<Vec<_>>())
}

/// Per run, one field of the measurement over the same field of the baseline.
fn ratios_of<T>(runs: &[(T, T)], field: impl Fn(&T) -> f64) -> Vec<f64> {
    runs.iter()
        .map(|(ours, theirs)| field(ours) / field(theirs))
        .collect()
}

fn timing_rows(
    timed: &[Vec<(f64, f64)>],
    noise: &[Noise],
    iterations: usize,
    rounds: usize,
) -> Vec<Row> {
    let rows = OPS
        .into_iter()
        .zip(timed.iter().zip(noise))
        .map(|(op, (timed, &noise))| {
            Row::new(
                format!(
                    "client: {}, median of {} sequential calls, {}",
                    op.label(),
                    fmt_count(iterations as f64),
                    fmt_n(rounds, "round")
                ),
                fmt_seconds(median_of(timed, |t| t.0) * 1e-9),
            )
            .ratios(
                format!(
                    "reqwest + serde_json into the same struct: {}",
                    fmt_seconds(median_of(timed, |t| t.1) * 1e-9)
                ),
                ratios_of(timed, |&ns| ns),
            )
            .target_each("≤ 1.03×", |ratio| ratio <= 1.03)
            .noise(noise)
        });
    rows.collect()
}

fn allocation_rows(allocated: &[Vec<(PerCall, PerCall)>]) -> Vec<Row> {
    let per_call = |runs: &[(PerCall, PerCall)], pick: fn(&(PerCall, PerCall)) -> &PerCall| {
        format!(
            "{:.1} allocations, {}",
            median_of(runs, |r| pick(r).allocations),
            fmt_bytes(median_of(runs, |r| pick(r).bytes))
        )
    };
    let rows = OPS.into_iter().zip(allocated).map(|(op, runs)| {
        let bytes = median(&ratios_of(runs, |c| c.bytes));
        Row::new(
            format!(
                "client: {}, heap allocations and bytes allocated per call (ratio of allocations)",
                op.label()
            ),
            per_call(runs, |r| &r.0),
        )
        .ratios(
            format!("reqwest + serde_json: {}", per_call(runs, |r| &r.1)),
            ratios_of(runs, |c| c.allocations),
        )
        .info_target(format!("— (for information; bytes {})", fmt_ratio(bytes)))
        .untimed()
    });
    rows.collect()
}

fn memory_rows(runs: &[Memory], pages: usize) -> Vec<Row> {
    let size = |field: fn(&Memory) -> usize| median_of(runs, |m| field(m) as f64);
    let ratios = |over: fn(&Memory) -> usize, under: fn(&Memory) -> usize| -> Vec<f64> {
        runs.iter()
            .map(|m| over(m) as f64 / under(m) as f64)
            .collect()
    };
    let items = runs.first().map_or(0, |m| m.items);
    let small_items = (pages / 10).max(1) * PAGE_SIZE;
    eprintln!(
        "client memory: page JSON {} B, decoded {} B, stream peak {} B ({small_items} items: {} B), collect peak {} B",
        size(|m| m.page_json),
        size(|m| m.page_decoded),
        size(|m| m.stream_peak),
        size(|m| m.stream_small_peak),
        size(|m| m.collect_peak)
    );
    let one_page = format!(
        "one decoded page of {PAGE_SIZE} held: {} (its JSON: {})",
        fmt_bytes(size(|m| m.page_decoded)),
        fmt_bytes(size(|m| m.page_json))
    );
    vec![
        Row::new(
            format!(
                "client: stream() over {} items ({pages} pages), peak heap growth",
                fmt_count(items as f64)
            ),
            fmt_bytes(size(|m| m.stream_peak)),
        )
        .ratios(
            one_page.clone(),
            ratios(|m| m.stream_peak, |m| m.page_decoded),
        )
        .target_each(
            "about one page: ≤ 2.5× (body + decoded page in flight)",
            |ratio| ratio <= 2.5,
        )
        .untimed(),
        Row::new(
            format!(
                "client: stream() over {} items, peak heap growth, against fetching one page by hand",
                fmt_count(items as f64)
            ),
            fmt_bytes(size(|m| m.stream_peak)),
        )
        .ratios(
            format!(
                "reqwest + serde_json, one page fetched and decoded: {}",
                fmt_bytes(size(|m| m.hand_fetch_peak))
            ),
            ratios(|m| m.stream_peak, |m| m.hand_fetch_peak),
        )
        .info_target("— (what the stream adds to the least a page in flight costs)")
        .untimed(),
        Row::new(
            format!(
                "client: stream() peak, {} items vs {} items",
                fmt_count(items as f64),
                fmt_count(small_items as f64)
            ),
            fmt_bytes(size(|m| m.stream_peak)),
        )
        .ratios(
            format!(
                "{} items: {}",
                fmt_count(small_items as f64),
                fmt_bytes(size(|m| m.stream_small_peak))
            ),
            ratios(|m| m.stream_peak, |m| m.stream_small_peak),
        )
        .target_each("≤ 1.10× (does not grow with the total)", |ratio| {
            ratio <= 1.10
        })
        .untimed(),
        Row::new(
            format!(
                "client: try_collect() of all {} items, peak heap growth (comparison)",
                fmt_count(items as f64)
            ),
            fmt_bytes(size(|m| m.collect_peak)),
        )
        .ratios(one_page, ratios(|m| m.collect_peak, |m| m.page_decoded))
        .info_target("— (grows with the total)")
        .untimed(),
    ]
}

pub fn run(root: &Path, settings: &Settings) -> Result<Vec<Row>, String> {
    let server = FixtureServer::spawn(root)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    // (rounds, timed calls per round, warm-up calls, pages streamed, calls counted)
    let (rounds, iterations, warmup, pages, counted) = if settings.quick {
        (2, 300, 50, 10, 20)
    } else {
        (
            settings.runs.unwrap_or(5),
            settings.iterations.unwrap_or(10_000),
            1_000,
            100,
            200,
        )
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = ngrok_ai::Client::builder()
            .api_key(API_KEY)
            .base_url(&base)
            .build()
            .map_err(|e| e.to_string())?;
        let baseline = Baseline::new(&base)?;
        for op in OPS {
            for _ in 0..warmup {
                client_call(&client, op).await?;
                baseline.call(op).await?;
            }
        }
        // Per operation and round: median ns (generated, baseline), allocations per call.
        let mut timed = vec![Vec::new(); OPS.len()];
        let mut allocated = vec![Vec::new(); OPS.len()];
        let mut noise = vec![Noise::default(); OPS.len()];
        for round in 0..rounds {
            for (i, op) in OPS.into_iter().enumerate() {
                let probe = Probe::start();
                let (ours, theirs) =
                    time_op(&client, &baseline, op, iterations, round % 2 == 0).await?;
                noise[i].add(probe.others());
                eprintln!(
                    "client round {round} {op:?}: {ours:.0} ns vs {theirs:.0} ns ({:.3}×)",
                    ours / theirs
                );
                timed[i].push((ours, theirs));
                let ours = count_allocations(counted, || client_call(&client, op)).await?;
                let theirs = count_allocations(counted, || baseline.call(op)).await?;
                allocated[i].push((ours, theirs));
            }
        }
        let mut memory_runs = Vec::new();
        for _ in 0..rounds {
            memory_runs.push(memory(&base, &baseline, pages).await?);
        }
        let mut rows = timing_rows(&timed, &noise, iterations, rounds);
        rows.extend(allocation_rows(&allocated));
        rows.extend(memory_rows(&memory_runs, pages));
        Ok(rows)
    })
}
