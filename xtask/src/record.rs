//! `cargo xtask record --base-url URL [--out DIR] [--overwrite]`: a scripted tour of the
//! whole API through the generated client, recorded as cassettes (see `tests/README.md`).
//!
//! The client talks to a recording reverse proxy on `127.0.0.1`, which forwards every
//! request to `--base-url` and keeps each request/response pair as it was on the wire.
//! After each client call the pairs it produced become one cassette, redacted
//! (`Authorization` dropped, request `value`s and response `token`s replaced) before
//! anything is written. The API key comes from `NGROK_AI_API_KEY`.
//!
//! The tour creates its own resources (named `sdk-record-<run>`), exercises every
//! operation of today's API plus a few deliberate errors (401, 400, 409, 404), and
//! deletes everything it created, also when a step fails. Operations the scripted tour
//! does not know (the spec gained them) are recorded by generic steps derived from the
//! API model. This file is also compiled into
//! `tests/tests/contract_replay.rs`, which records against the mock server and replays the
//! result.

// Struct literals of the generated models end in `..Default::default()` even when they
// name every field today, so a field the spec adds later needs no edit here.
#![allow(clippy::needless_update)]

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request as HttpRequest, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response as HttpResponse;
use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai::{types, Client, Nullable, RetryPolicy};
use ngrok_ai_tests::cassette::{Cassette, Interaction, Request, Response};

/// Usage text of the subcommand.
pub const USAGE: &str = "usage: cargo xtask record --base-url URL [--out DIR] [--overwrite]
  Records a scripted tour of every operation against URL (e.g. https://api.ngrok.ai or a
  mock server) as redacted cassettes in DIR (default tests/recorded/live). The API key is
  read from NGROK_AI_API_KEY. Against the real API this creates and deletes real resources.";

/// Request headers forwarded upstream.
const FORWARDED_REQUEST_HEADERS: [&str; 4] =
    ["authorization", "accept", "content-type", "user-agent"];
/// Response headers not copied back to the client (hop-by-hop, or recomputed).
const DROPPED_RESPONSE_HEADERS: [&str; 4] = [
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];
/// Largest body the proxy reads.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// `cargo xtask record …`: parses `args` (after `record`) and runs the tour.
///
/// # Errors
/// A message for bad arguments, a missing API key, or a failed tour.
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let mut base_url = None;
    let mut out = root.join("tests").join("recorded").join("live");
    let mut overwrite = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => base_url = Some(args.next().ok_or("--base-url needs a value")?.clone()),
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a value")?),
            "--overwrite" => overwrite = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let base_url = base_url.ok_or_else(|| format!("--base-url is required\n{USAGE}"))?;
    let api_key = std::env::var("NGROK_AI_API_KEY")
        .ok()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .ok_or("NGROK_AI_API_KEY is not set (the API key to record with)")?;
    prepare_out_dir(&out, overwrite)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let report = runtime.block_on(record_tour(&base_url, &api_key, &out))?;
    for file in &report.written {
        println!("wrote   {}", file.display());
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    println!(
        "{} cassettes written to {}, {} warning(s)",
        report.written.len(),
        out.display(),
        report.warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn prepare_out_dir(out: &Path, overwrite: bool) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let existing: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| format!("cannot list {}: {e}", out.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    if !overwrite {
        return Err(format!(
            "{} already holds {} cassette(s); pass --overwrite to replace them or choose another --out",
            out.display(),
            existing.len()
        ));
    }
    for path in existing {
        std::fs::remove_file(&path)
            .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The recording proxy
// ---------------------------------------------------------------------------------------

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    exchanges: Arc<Mutex<Vec<Interaction>>>,
}

/// A reverse proxy on `127.0.0.1:0` that forwards to the upstream base URL and records
/// every exchange; it stops when dropped.
pub struct Proxy {
    addr: SocketAddr,
    exchanges: Arc<Mutex<Vec<Interaction>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts forwarding to `upstream` (a base URL; a path prefix is kept).
    ///
    /// # Errors
    /// When the HTTP client cannot be built or the port cannot be bound.
    pub async fn start(upstream: &str) -> Result<Self, String> {
        ngrok_ai::runtime::config::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the forwarding HTTP client: {e}"))?;
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http,
            exchanges: exchanges.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot bind the recording proxy: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("recording proxy address: {e}"))?;
        let app = axum::Router::new().fallback(forward).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            exchanges,
            task,
        })
    }

    /// The proxy's base URL, for the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The exchanges recorded since the last call, in order.
    pub fn take(&self) -> Vec<Interaction> {
        std::mem::take(&mut *self.exchanges.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn header_pairs(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|value| (name.as_str().to_owned(), value.to_owned()))
        })
        .collect()
}

async fn forward(State(state): State<ProxyState>, request: HttpRequest) -> HttpResponse {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let url = match &query {
        Some(query) => format!("{}{path}?{query}", state.upstream),
        None => format!("{}{path}", state.upstream),
    };
    let mut upstream = state.http.request(parts.method.clone(), url);
    for name in FORWARDED_REQUEST_HEADERS {
        for value in parts.headers.get_all(name) {
            upstream = upstream.header(name, value.clone());
        }
    }
    if !body.is_empty() {
        upstream = upstream.body(body.clone());
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(error) => {
            // Not recorded: nothing came back. The client sees a 502 and the tour reports it.
            let message = format!("recording proxy: the upstream request failed: {error}");
            let mut response = HttpResponse::new(Body::from(
                serde_json::json!({"statusCode": 502, "msg": message, "details": {}}).to_string(),
            ));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            return response;
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes: Bytes = answer.bytes().await.unwrap_or_default();

    let interaction = Interaction {
        request: Request::capture(
            parts.method.as_str(),
            &path,
            query.as_deref(),
            header_pairs(&parts.headers),
            &body,
        ),
        response: Response::capture(status.as_u16(), header_pairs(&headers), &bytes),
    };
    state
        .exchanges
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(interaction);

    let mut response = HttpResponse::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !DROPPED_RESPONSE_HEADERS.contains(&name.as_str()) {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_str().as_bytes()),
                HeaderValue::from_bytes(value.as_bytes()),
            ) {
                response.headers_mut().append(name, value);
            }
        }
    }
    response
}

// ---------------------------------------------------------------------------------------
// Writing cassettes
// ---------------------------------------------------------------------------------------

/// What a recording produced.
#[derive(Debug, Default)]
pub struct Report {
    /// The cassettes written, in tour order.
    pub written: Vec<PathBuf>,
    /// Steps whose outcome was not the expected one (recorded anyway), and cleanup problems.
    pub warnings: Vec<String>,
}

struct Recorder<'a> {
    proxy: &'a Proxy,
    out: PathBuf,
    report: Report,
    /// operationIds with at least one cassette.
    recorded: std::collections::BTreeSet<String>,
}

impl Recorder<'_> {
    /// Runs one client call and writes what it sent and received as a cassette
    /// `NN-<operationId>[.<label>].json`.
    async fn call<T>(
        &mut self,
        operation_id: &str,
        label: &str,
        description: &str,
        call: impl Future<Output = Result<T, ngrok_ai::Error>>,
    ) -> Result<T, String> {
        let result = call.await;
        self.write(operation_id, label, description)?;
        result.map_err(|e| format!("{operation_id}: {e}"))
    }

    /// Like [`Recorder::call`] for a deliberate error: anything but an error with `status`
    /// is recorded too, with a warning.
    async fn call_expecting<T>(
        &mut self,
        operation_id: &str,
        label: &str,
        status: u16,
        description: &str,
        call: impl Future<Output = Result<T, ngrok_ai::Error>>,
    ) -> Result<Option<T>, String> {
        let result = call.await;
        self.write(operation_id, label, description)?;
        match result {
            Err(error) if error.status().map(|s| s.as_u16()) == Some(status) => Ok(None),
            Err(error) => {
                self.report.warnings.push(format!(
                    "{operation_id} ({label}): expected {status}, got error {error}"
                ));
                Ok(None)
            }
            Ok(value) => {
                self.report.warnings.push(format!(
                    "{operation_id} ({label}): expected {status}, but the call succeeded"
                ));
                Ok(Some(value))
            }
        }
    }

    fn write(&mut self, operation_id: &str, label: &str, description: &str) -> Result<(), String> {
        let interactions = self.proxy.take();
        if interactions.is_empty() {
            self.report.warnings.push(format!(
                "{operation_id} ({label}): the client sent nothing, no cassette"
            ));
            return Ok(());
        }
        let mut cassette = Cassette {
            operation_id: operation_id.to_owned(),
            description: description.to_owned(),
            interactions,
        };
        cassette.redact();
        let step = self.report.written.len() + 1;
        let name = if label.is_empty() {
            format!("{step:02}-{operation_id}.json")
        } else {
            format!("{step:02}-{operation_id}.{label}.json")
        };
        let path = self.out.join(name);
        cassette.save(&path).map_err(|e| e.to_string())?;
        self.report.written.push(path);
        self.recorded.insert(operation_id.to_owned());
        Ok(())
    }

    /// Sends one raw request through the proxy (for operations the scripted tour does
    /// not know) and records it; returns the status and the JSON body.
    async fn raw(
        &mut self,
        http: &reqwest::Client,
        api_key: &str,
        (method, path_and_query): (&str, &str),
        body: Option<&serde_json::Value>,
        (operation_id, label, description): (&str, &str, &str),
    ) -> Result<(u16, serde_json::Value), String> {
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
            .map_err(|e| format!("{operation_id}: {e}"))?;
        let mut request = http
            .request(method, format!("{}{path_and_query}", self.proxy.url()))
            .bearer_auth(api_key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{operation_id}: {e}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        self.write(operation_id, label, description)?;
        Ok((status, serde_json::from_str(&text).unwrap_or_default()))
    }
}

// ---------------------------------------------------------------------------------------
// The tour
// ---------------------------------------------------------------------------------------

/// IDs of what the tour created, for the deletes and for cleanup after a failure.
#[derive(Debug, Default)]
struct Created {
    provider: Option<String>,
    provider_key: Option<String>,
    configuration: Option<String>,
    access_keys: Vec<String>,
    api_key: Option<String>,
    /// Item paths created by the generic steps for resources the tour does not script.
    others: Vec<String>,
}

/// Records the tour against `base_url` with `api_key` into `out` (which must exist).
///
/// # Errors
/// When the proxy cannot start, a cassette cannot be written, or a step that must
/// succeed fails; whatever the tour created is deleted before returning.
pub async fn record_tour(base_url: &str, api_key: &str, out: &Path) -> Result<Report, String> {
    let proxy = Proxy::start(base_url).await?;
    let client = Client::builder()
        .api_key(api_key)
        .base_url(proxy.url())
        .build()
        .map_err(|e| e.to_string())?;
    let intruder = Client::builder()
        .api_key("ngai_record_tour_not_a_valid_key")
        .base_url(proxy.url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| e.to_string())?;
    let mut recorder = Recorder {
        proxy: &proxy,
        out: out.to_path_buf(),
        report: Report::default(),
        recorded: Default::default(),
    };
    let mut created = Created::default();
    let run = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
    let mut result = tour(&client, &intruder, &mut recorder, &mut created, &run).await;
    if result.is_ok() {
        result = untoured(&mut recorder, api_key, &mut created).await;
    }

    // Whatever is left (after a failure) is deleted directly, without recording.
    let direct = Client::builder()
        .api_key(api_key)
        .base_url(base_url)
        .build()
        .map_err(|e| e.to_string())?;
    let mut report = recorder.report;
    cleanup(&direct, (base_url, api_key), &created, &mut report.warnings).await;
    match result {
        Ok(()) => Ok(report),
        Err(error) => Err(format!(
            "the tour stopped: {error}\n{} cassette(s) written before it stopped{}",
            report.written.len(),
            report
                .warnings
                .iter()
                .map(|w| format!("\n{w}"))
                .collect::<String>()
        )),
    }
}

async fn cleanup(
    client: &Client,
    (base_url, api_key): (&str, &str),
    created: &Created,
    warnings: &mut Vec<String>,
) {
    let mut note = |what: &str, result: Result<(), ngrok_ai::Error>| match result {
        Ok(()) => warnings.push(format!("cleanup: deleted {what}")),
        Err(e) if e.is_not_found() => {}
        Err(e) => warnings.push(format!("cleanup: could not delete {what}: {e}")),
    };
    for id in &created.access_keys {
        note(id, client.delete_access_key().id(id).send().await);
    }
    if let Some(id) = &created.configuration {
        note(
            id,
            client.delete_access_key_configuration().id(id).send().await,
        );
    }
    if let Some(id) = &created.api_key {
        note(id, client.delete_api_key().id(id).send().await);
    }
    if let Some(id) = &created.provider_key {
        note(id, client.delete_provider_api_key().id(id).send().await);
    }
    if let Some(id) = &created.provider {
        note(id, client.delete_provider().id(id).send().await);
    }
    if !created.others.is_empty() {
        let http = reqwest::Client::new();
        for path in created.others.iter().rev() {
            let response = http
                .delete(format!("{}{path}", base_url.trim_end_matches('/')))
                .bearer_auth(api_key)
                .send()
                .await;
            match response.map(|r| r.status().as_u16()) {
                Ok(204) => warnings.push(format!("cleanup: deleted {path}")),
                Ok(404) => {}
                Ok(status) => warnings.push(format!("cleanup: could not delete {path}: {status}")),
                Err(e) => warnings.push(format!("cleanup: could not delete {path}: {e}")),
            }
        }
    }
}

/// After the scripted tour: every operation it did not record, found in the API model.
/// A resource the spec's conventions describe goes through create → get → head → list →
/// update → delete → get (404) with bodies from its examples; any other operation is
/// sent its example request. So an operation or resource the spec gains is recorded with
/// no change to the tour.
async fn untoured(
    r: &mut Recorder<'_>,
    api_key: &str,
    created: &mut Created,
) -> Result<(), String> {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ngrok-ai.yaml");
    let spec = ngrok_ai_codegen::load::load_spec(&spec_path).map_err(|e| e.to_string())?;
    let api = ngrok_ai_codegen::model::Api::build(&spec).map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let mut ids: std::collections::BTreeMap<String, String> = Default::default();
    for resource in &api.resources {
        let missing = resource
            .operations()
            .iter()
            .flatten()
            .any(|op| !r.recorded.contains(*op));
        let (true, Some(create)) = (missing, resource.create) else {
            continue;
        };
        let Some(body) = api.example_create_body(resource, |schema| ids.get(schema).cloned())
        else {
            continue;
        };
        let body = serde_json::Value::Object(body);
        let (status, item) = r
            .raw(
                &http,
                api_key,
                ("post", resource.collection_path),
                Some(&body),
                (
                    create,
                    "",
                    "Create from the create schema's example (generic step).",
                ),
            )
            .await?;
        let Some(id) = item
            .get("id")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
        else {
            return Err(format!("{create} answered {status} without an id: {item}"));
        };
        let item_path = format!("{}/{id}", resource.collection_path);
        created.others.push(item_path.clone());
        ids.insert(resource.schema.to_owned(), id.clone());
        let steps = [
            (
                resource.get,
                "get",
                item_path.as_str(),
                "Get of the item created above (generic step).",
            ),
            (
                resource.head,
                "head",
                item_path.as_str(),
                "HEAD of the item created above (generic step).",
            ),
            (
                resource.list,
                "get",
                resource.collection_path,
                "List including the item created above (generic step).",
            ),
            (
                resource.head_list,
                "head",
                resource.collection_path,
                "HEAD of the list (generic step).",
            ),
        ];
        for (op, method, path, description) in steps {
            if let Some(op) = op {
                r.raw(&http, api_key, (method, path), None, (op, "", description))
                    .await?;
            }
        }
        if let Some(update) = resource.update {
            let example = resource
                .update_body
                .and_then(|name| api.schema(name))
                .and_then(|schema| schema.get("example"))
                .and_then(serde_json::Value::as_object)
                .map(|example| {
                    example
                        .iter()
                        .filter(|(name, _)| {
                            resource
                                .fields
                                .iter()
                                .all(|f| f.name != *name || f.references.is_none())
                        })
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<serde_json::Map<_, _>>()
                })
                .unwrap_or_default();
            r.raw(
                &http,
                api_key,
                ("patch", &item_path),
                Some(&serde_json::Value::Object(example)),
                (
                    update,
                    "",
                    "Update with the update schema's example (generic step).",
                ),
            )
            .await?;
        }
        if let Some(delete) = resource.delete {
            r.raw(
                &http,
                api_key,
                ("delete", &item_path),
                None,
                (delete, "", "Delete (generic step)."),
            )
            .await?;
            created.others.retain(|p| p != &item_path);
            if let Some(get) = resource.get {
                r.raw(
                    &http,
                    api_key,
                    ("get", &item_path),
                    None,
                    (
                        get,
                        "not-found",
                        "Get of the item deleted above: 404 (generic step).",
                    ),
                )
                .await?;
            }
        }
    }
    for op in &api.operations {
        if r.recorded.contains(op.id) {
            continue;
        }
        let body = op.body.as_ref().and_then(|b| b.example);
        let (status, _) = r
            .raw(
                &http,
                api_key,
                (op.method, &op.example_path_and_query()),
                body,
                (
                    op.id,
                    "example",
                    "The operation's example request (generic step).",
                ),
            )
            .await?;
        if status != op.status {
            r.report.warnings.push(format!(
                "{} (example): answered {status}, the spec's success is {}",
                op.id, op.status
            ));
        }
    }
    Ok(())
}

async fn tour(
    client: &Client,
    intruder: &Client,
    r: &mut Recorder<'_>,
    created: &mut Created,
    run: &str,
) -> Result<(), String> {
    let prefix = format!("sdk-record-{run}");
    let metadata = r#"{"recordedBy":"ngrok-ai-rs xtask record"}"#.to_owned();

    // ---- gateway configuration: read, and write back the same timeouts (no change).
    let config = r
        .call(
            "GetAIGatewayConfig",
            "",
            "The account's gateway settings.",
            client.get_gateway_config().send(),
        )
        .await?;
    r.call(
        "HeadAIGatewayConfig",
        "",
        "HEAD of the gateway settings.",
        client.head_gateway_config().send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayConfig",
        "",
        "PATCH writing back the current timeouts (changes nothing).",
        client
            .update_gateway_config()
            .body(types::AiGatewayConfigUpdate {
                total_timeout: Some(config.total_timeout.clone()),
                per_request_timeout: Some(config.per_request_timeout.clone()),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- a custom provider.
    let provider = r
        .call(
            "CreateAIGatewayProvider",
            "",
            "Creates a custom provider with one API surface and one model.",
            client
                .create_provider()
                .body(
                    types::AiGatewayProviderCreate::builder()
                        .provider_id(prefix.clone())
                        .name(format!("{prefix} provider"))
                        .base_url("https://llm.example.com/v1".to_owned())
                        .metadata(Some(metadata.clone()))
                        .supported_api_surfaces(Some(vec![types::SupportedApiSurface::try_from(
                            types::SupportedApiSurface::builder()
                                .format("openai".to_owned())
                                .surface(Some("chat-completions".to_owned()))
                                .supported_params(Some(vec![
                                    types::SupportedApiSurfaceParam::try_from(
                                        types::SupportedApiSurfaceParam::builder()
                                            .name("temperature".to_owned()),
                                    )
                                    .expect("a valid SupportedApiSurfaceParam"),
                                ])),
                        )
                        .expect("a valid SupportedApiSurface")]))
                        .models(Some(vec![types::AiGatewayProviderModelCreate::try_from(
                            types::AiGatewayProviderModelCreate::builder()
                                .model_id("example-model-1".to_owned()),
                        )
                        .expect("a valid AiGatewayProviderModelCreate")])),
                )
                .send(),
        )
        .await?;
    created.provider = Some(provider.id.clone());
    r.call(
        "ListAIGatewayProviders",
        "",
        "One page of custom providers.",
        client.list_providers().limit(100u32).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProviders",
        "",
        "HEAD of the provider list.",
        client.head_providers().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayProvider",
        "",
        "Gets the provider.",
        client.get_provider().id(&provider.id).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProvider",
        "",
        "HEAD of the provider.",
        client.head_provider().id(&provider.id).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayProvider",
        "",
        "PATCH renaming the provider, clearing its metadata and replacing its models.",
        client
            .update_provider()
            .id(&provider.id)
            .body(types::AiGatewayProviderUpdate {
                name: Some(Nullable::Value(format!("{prefix} provider (renamed)"))),
                metadata: Some(Nullable::Null),
                models: Some(Nullable::Value(vec![
                    types::AiGatewayProviderModelCreate::try_from(
                        types::AiGatewayProviderModelCreate::builder()
                            .model_id("example-model-1".to_owned()),
                    )
                    .expect("a valid AiGatewayProviderModelCreate"),
                    types::AiGatewayProviderModelCreate::try_from(
                        types::AiGatewayProviderModelCreate::builder()
                            .model_id("example-model-2".to_owned()),
                    )
                    .expect("a valid AiGatewayProviderModelCreate"),
                ])),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- a provider key for it.
    let key = r
        .call(
            "CreateAIGatewayProviderAPIKey",
            "",
            "Stores a (fake) key for the provider; the value is redacted.",
            client
                .create_provider_api_key()
                .body(
                    types::AiGatewayProviderApiKeyCreate::builder()
                        .provider_id(provider.provider_id.clone())
                        .value(ngrok_ai::Secret::from(
                            "sk-EXAMPLE-recording-not-a-real-key-0001",
                        ))
                        .name(format!("{prefix}-key"))
                        .description(Some("Recorded by cargo xtask record".to_owned()))
                        .metadata(Some(metadata.clone())),
                )
                .send(),
        )
        .await?;
    created.provider_key = Some(key.id.clone());
    r.call(
        "ListAIGatewayProviderAPIKeys",
        "",
        "The provider's keys (provider filter).",
        client
            .list_provider_api_keys()
            .provider(provider.provider_id.clone())
            .limit(100u32)
            .send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProviderAPIKeys",
        "",
        "HEAD of the provider key list.",
        client.head_provider_api_keys().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayProviderAPIKey",
        "",
        "Gets the provider key (redacted).",
        client.get_provider_api_key().id(&key.id).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayProviderAPIKey",
        "",
        "HEAD of the provider key.",
        client.head_provider_api_key().id(&key.id).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayProviderAPIKey",
        "",
        "PATCH changing the description and clearing the metadata.",
        client
            .update_provider_api_key()
            .id(&key.id)
            .body(types::AiGatewayProviderApiKeyUpdate {
                description: Some(Nullable::Value("Recorded, then updated".to_owned())),
                metadata: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    r.call(
        "RotateAIGatewayProviderAPIKey",
        "",
        "Rotates the key to a new (fake) value.",
        client
            .rotate_provider_api_key()
            .id(&key.id)
            .body(
                types::AiGatewayProviderApiKeyRotate::builder()
                    .name(format!("{prefix}-key"))
                    .value(ngrok_ai::Secret::from(
                        "sk-EXAMPLE-recording-not-a-real-key-0002",
                    )),
            )
            .send(),
    )
    .await?;

    // ---- an access key configuration routing the provider through its key.
    let configuration = r
        .call(
            "CreateAIGatewayAccessKeyConfiguration",
            "",
            "Creates a configuration allowing the provider and routing it through its key.",
            client
                .create_access_key_configuration()
                .body(
                    types::AiGatewayAccessKeyConfigurationCreate::builder()
                        .name(format!("{prefix}-config"))
                        .description(Some("Recorded by cargo xtask record".to_owned()))
                        .metadata(Some(metadata.clone()))
                        .access(Some(types::AccessScope {
                            providers: Some(types::AccessDimension {
                                allow: Some(vec![provider.provider_id.clone()]),
                                ..Default::default()
                            }),
                            models: None,
                            ..Default::default()
                        }))
                        .router(Some(types::RouterWrite {
                            rules: Some(vec![types::RouterRuleWrite::try_from(
                                types::RouterRuleWrite::builder()
                                    .provider(Some(provider.provider_id.clone()))
                                    .model(None)
                                    .steps(vec![types::RouterStepWrite::try_from(
                                        types::RouterStepWrite::builder()
                                            .type_(types::RouterStepType::User)
                                            .keys(Some(vec![types::RouterStepKeyWrite {
                                                id: Some(key.id.clone()),
                                                ..Default::default()
                                            }]))
                                            .key_selection_strategy(Some(
                                                types::RouterStepKeySelectionStrategy::Ordered,
                                            )),
                                    )
                                    .expect("a valid RouterStepWrite")]),
                            )
                            .expect("a valid RouterRuleWrite")]),
                            ..Default::default()
                        })),
                )
                .send(),
        )
        .await?;
    created.configuration = Some(configuration.id.clone());
    r.call(
        "ListAIGatewayAccessKeyConfigurations",
        "",
        "One page of configurations.",
        client.list_access_key_configurations().limit(100u32).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKeyConfigurations",
        "",
        "HEAD of the configuration list.",
        client.head_access_key_configurations().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayAccessKeyConfiguration",
        "",
        "Gets the configuration.",
        client
            .get_access_key_configuration()
            .id(&configuration.id)
            .send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKeyConfiguration",
        "",
        "HEAD of the configuration.",
        client
            .head_access_key_configuration()
            .id(&configuration.id)
            .send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayAccessKeyConfiguration",
        "",
        "PATCH changing the description and clearing the metadata.",
        client
            .update_access_key_configuration()
            .id(&configuration.id)
            .body(types::AiGatewayAccessKeyConfigurationUpdate {
                description: Some(Nullable::Value("Recorded, then updated".to_owned())),
                metadata: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- three access keys, listed one per page.
    for (n, linked) in [(1, true), (2, false), (3, false)] {
        let body = types::AiGatewayAccessKeyCreate {
            name: Some(format!("{prefix}-access-{n}")),
            access_key_configuration_id: linked.then(|| configuration.id.clone()),
            metadata: (n == 1).then(|| metadata.clone()),
            description: None,
            ..Default::default()
        };
        let access_key = r
            .call(
                "CreateAIGatewayAccessKey",
                &format!("key-{n}"),
                "Creates an access key; the one-time token is redacted.",
                client.create_access_key().body(body).send(),
            )
            .await?;
        created.access_keys.push(access_key.id);
    }
    r.call(
        "ListAIGatewayAccessKeys",
        "three-pages",
        "stream() with limit=1 over the first three pages, chained by beforeId.",
        client
            .list_access_keys()
            .limit(1u32)
            .stream()
            .take(3)
            .try_collect::<Vec<_>>(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKeys",
        "",
        "HEAD of the access key list.",
        client.head_access_keys().limit(1u32).send(),
    )
    .await?;
    let first = created.access_keys[0].clone();
    r.call(
        "GetAIGatewayAccessKey",
        "",
        "Gets an access key (no token on reads).",
        client.get_access_key().id(&first).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAccessKey",
        "",
        "HEAD of an access key.",
        client.head_access_key().id(&first).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayAccessKey",
        "",
        "PATCH renaming the key and unlinking its configuration (explicit null).",
        client
            .update_access_key()
            .id(&first)
            .body(types::AiGatewayAccessKeyUpdate {
                name: Some(Nullable::Value(format!("{prefix}-access-1-renamed"))),
                access_key_configuration_id: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;
    r.call_expecting(
        "UpdateAIGatewayAccessKey",
        "bad-request",
        400,
        "PATCH with a name longer than the 255 characters the spec allows: 400 naming the field.",
        client
            .update_access_key()
            .id(&first)
            .body(types::AiGatewayAccessKeyUpdate {
                name: Some(Nullable::Value("n".repeat(300))),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- a management API key.
    let api_key = r
        .call(
            "CreateAIGatewayAPIKey",
            "",
            "Creates an API key; the one-time token is redacted.",
            client
                .create_api_key()
                .body(types::AiGatewayApiKeyCreate {
                    name: Some(format!("{prefix}-api-key")),
                    description: Some("Recorded by cargo xtask record".to_owned()),
                    metadata: Some(metadata.clone()),
                    ..Default::default()
                })
                .send(),
        )
        .await?;
    created.api_key = Some(api_key.id.clone());
    r.call(
        "ListAIGatewayAPIKeys",
        "",
        "One page of API keys.",
        client.list_api_keys().limit(100u32).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAPIKeys",
        "",
        "HEAD of the API key list.",
        client.head_api_keys().send(),
    )
    .await?;
    r.call(
        "GetAIGatewayAPIKey",
        "",
        "Gets the API key.",
        client.get_api_key().id(&api_key.id).send(),
    )
    .await?;
    r.call(
        "HeadAIGatewayAPIKey",
        "",
        "HEAD of the API key.",
        client.head_api_key().id(&api_key.id).send(),
    )
    .await?;
    r.call(
        "UpdateAIGatewayAPIKey",
        "",
        "PATCH changing the description and clearing the metadata.",
        client
            .update_api_key()
            .id(&api_key.id)
            .body(types::AiGatewayApiKeyUpdate {
                description: Some(Nullable::Value("Recorded, then updated".to_owned())),
                metadata: Some(Nullable::Null),
                ..Default::default()
            })
            .send(),
    )
    .await?;

    // ---- usage (read-only; whatever the account has).
    let now = chrono::Utc::now();
    let start = whole_seconds(now - chrono::Duration::days(30));
    r.call(
        "ListAIGatewayUsage",
        "pages",
        "stream() with limit=2 over at most two pages of the last 30 days' usage, chained by cursor.",
        client
            .list_usage()
            .start_time(start)
            .limit(2u32)
            .stream()
            .take(4)
            .try_collect::<Vec<_>>(),
    )
    .await?;
    r.call(
        "GetAIGatewayUsageOverview",
        "",
        "Daily usage buckets of the last 7 days grouped by provider.",
        client
            .get_usage_overview()
            .start_time(whole_seconds(now - chrono::Duration::days(7)))
            .end_time(whole_seconds(now))
            .group_by(types::GetUsageOverviewGroupBy::Provider)
            .send(),
    )
    .await?;

    // ---- credits (checkout creates a Stripe session only; nothing is bought).
    r.call(
        "GetCreditBalance",
        "",
        "The credit balance.",
        client.get_credit_balance().send(),
    )
    .await?;
    r.call(
        "GetCreditTransactions",
        "",
        "The credit history.",
        client.get_credit_transactions().send(),
    )
    .await?;
    r.call(
        "CreateCheckoutSession",
        "",
        "Starts a checkout for USD 5.00 (a session only; nothing is charged).",
        client
            .create_checkout_session()
            .body(
                types::CheckoutSessionCreate::builder()
                    .amount(std::num::NonZeroU64::new(500).ok_or("500 is not zero")?),
            )
            .send(),
    )
    .await?;

    // ---- deliberate errors.
    r.call_expecting(
        "GetCreditBalance",
        "unauthorized",
        401,
        "A call with an invalid API key: 401.",
        intruder.get_credit_balance().send(),
    )
    .await?;
    if r.call_expecting(
        "DeleteAIGatewayProvider",
        "conflict",
        409,
        "Delete of the provider while its key and the configuration still reference it: 409.",
        client.delete_provider().id(&provider.id).send(),
    )
    .await?
    .is_some()
    {
        created.provider = None;
    }

    // ---- deletes, then reads of a deleted key.
    for (n, id) in created.access_keys.clone().iter().enumerate() {
        r.call(
            "DeleteAIGatewayAccessKey",
            &format!("key-{}", n + 1),
            "Deletes an access key: 204.",
            client.delete_access_key().id(id).send(),
        )
        .await?;
    }
    created.access_keys.clear();
    r.call(
        "DeleteAIGatewayAccessKeyConfiguration",
        "",
        "Deletes the configuration: 204.",
        client
            .delete_access_key_configuration()
            .id(&configuration.id)
            .send(),
    )
    .await?;
    created.configuration = None;
    r.call(
        "DeleteAIGatewayProviderAPIKey",
        "",
        "Deletes the provider key: 204.",
        client.delete_provider_api_key().id(&key.id).send(),
    )
    .await?;
    created.provider_key = None;
    r.call(
        "DeleteAIGatewayAPIKey",
        "",
        "Deletes the API key: 204.",
        client.delete_api_key().id(&api_key.id).send(),
    )
    .await?;
    created.api_key = None;
    if created.provider.is_some() {
        r.call(
            "DeleteAIGatewayProvider",
            "",
            "Deletes the now unreferenced provider: 204.",
            client.delete_provider().id(&provider.id).send(),
        )
        .await?;
        created.provider = None;
    }
    r.call_expecting(
        "GetAIGatewayAccessKey",
        "not-found",
        404,
        "Get of the access key deleted above: 404.",
        client.get_access_key().id(&first).send(),
    )
    .await?;
    r.call_expecting(
        "HeadAIGatewayAccessKey",
        "not-found",
        404,
        "HEAD of the access key deleted above: 404 without a body.",
        client.head_access_key().id(&first).send(),
    )
    .await?;
    Ok(())
}

fn whole_seconds(time: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(time.timestamp(), 0).unwrap_or(time)
}
