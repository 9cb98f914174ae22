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
use crate::report::{fmt_bytes, fmt_count, fmt_seconds, median, Row};
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

/// Per-request nanoseconds of both variants, in alternating blocks.
async fn time_op(
    client: &ngrok_ai::Client,
    baseline: &Baseline,
    op: Op,
    iterations: usize,
    warmup: usize,
) -> Result<(Vec<u64>, Vec<u64>), String> {
    for _ in 0..warmup {
        client_call(client, op).await?;
        baseline.call(op).await?;
    }
    let block = 250.min(iterations.max(1));
    let mut ours = Vec::with_capacity(iterations);
    let mut theirs = Vec::with_capacity(iterations);
    let mut flip = false;
    while ours.len() < iterations {
        let n = block.min(iterations - ours.len());
        for generated in [flip, !flip] {
            for _ in 0..n {
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
        flip = !flip;
    }
    Ok((ours, theirs))
}

/// Heap figures of one streaming measurement, in bytes.
struct Memory {
    page_json: usize,
    page_decoded: usize,
    stream_peak: usize,
    stream_small_peak: usize,
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
        collect_peak,
        items,
    })
}

pub fn run(root: &Path, settings: &Settings) -> Result<Vec<Row>, String> {
    let server = FixtureServer::spawn(root)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let (iterations, warmup, pages, memory_runs) = if settings.quick {
        (300, 50, 10, 1)
    } else {
        (settings.iterations.unwrap_or(20_000), 1_000, 100, 3)
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
        let mut rows = Vec::new();
        for op in [Op::Get, Op::List, Op::Create] {
            let (mut ours, mut theirs) =
                time_op(&client, &baseline, op, iterations, warmup).await?;
            let (ours, theirs) = (median_ns(&mut ours), median_ns(&mut theirs));
            let ratio = ours / theirs;
            eprintln!("client {op:?}: {ours:.0} ns vs {theirs:.0} ns ({ratio:.3}×)");
            rows.push(
                Row::new(
                    format!(
                        "client: {}, median of {} sequential",
                        op.label(),
                        fmt_count(iterations as f64)
                    ),
                    fmt_seconds(ours * 1e-9),
                )
                .baseline(
                    format!(
                        "reqwest + serde_json into the same struct: {}",
                        fmt_seconds(theirs * 1e-9)
                    ),
                    ratio,
                )
                .target("≤ 1.05×", ratio <= 1.05),
            );
        }

        let mut runs = Vec::new();
        for _ in 0..memory_runs {
            runs.push(memory(&base, &baseline, pages).await?);
        }
        let pick = |f: fn(&Memory) -> usize| {
            let values: Vec<f64> = runs.iter().map(|m| f(m) as f64).collect();
            median(&values)
        };
        let decoded = pick(|m| m.page_decoded);
        let json = pick(|m| m.page_json);
        let streamed = pick(|m| m.stream_peak);
        let streamed_small = pick(|m| m.stream_small_peak);
        let collected = pick(|m| m.collect_peak);
        let items = runs.first().map_or(0, |m| m.items);
        let small_items = (pages / 10).max(1) * PAGE_SIZE;
        eprintln!(
            "client memory: page JSON {json} B, decoded {decoded} B, stream peak {streamed} B ({small_items} items: {streamed_small} B), collect peak {collected} B"
        );
        let one_page = format!(
            "one decoded page of {PAGE_SIZE} held: {} (its JSON: {})",
            fmt_bytes(decoded),
            fmt_bytes(json)
        );
        rows.push(
            Row::new(
                format!(
                    "client: stream() over {} items ({pages} pages), peak heap growth",
                    fmt_count(items as f64)
                ),
                fmt_bytes(streamed),
            )
            .baseline(one_page.clone(), streamed / decoded)
            .target(
                "about one page: ≤ 3× (body + decoded page in flight)",
                streamed / decoded <= 3.0,
            ),
        );
        rows.push(
            Row::new(
                format!(
                    "client: stream() peak, {} items vs {} items",
                    fmt_count(items as f64),
                    fmt_count(small_items as f64)
                ),
                fmt_bytes(streamed),
            )
            .baseline(
                format!(
                    "{} items: {}",
                    fmt_count(small_items as f64),
                    fmt_bytes(streamed_small)
                ),
                streamed / streamed_small,
            )
            .target(
                "≤ 1.10× (does not grow with the total)",
                streamed / streamed_small <= 1.10,
            ),
        );
        rows.push(
            Row::new(
                format!(
                    "client: try_collect() of all {} items, peak heap growth (comparison)",
                    fmt_count(items as f64)
                ),
                fmt_bytes(collected),
            )
            .baseline(one_page, collected / decoded)
            .info_target("— (grows with the total)"),
        );
        Ok(rows)
    })
}
