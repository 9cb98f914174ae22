//! Contract tests: every cassette under `tests/recorded/` is replayed against the generated
//! client, and every recorded body is validated against the spec (see `tests/README.md`).
//!
//! For each cassette, the stub server serves the recorded responses in order, the client
//! performs the recorded operation with arguments taken from the recorded request, and:
//!
//! * (a) the requests the client sent match the recorded ones (method, path, query pairs,
//!   recorded headers, JSON body exactly);
//! * (b) success bodies decode into the typed model;
//! * (c) re-encoding the model gives back the recorded JSON (null and absent count as equal
//!   only for nullable optional properties);
//! * (d) error responses surface as the right typed error (status, predicate, `errorCode`,
//!   `msg`, `details`, `Retry-After`).
//!
//! A cassette with several interactions is one call that sent several requests: a list
//! `stream()` following `nextPageUri`, or a retry.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use ngrok_ai::{types, Client, Nullable};
use ngrok_ai_codegen::model::Op;
use ngrok_ai_tests::cassette::{self, Cassette};
use ngrok_ai_tests::contract::{self, ContractSpec};
use ngrok_ai_tests::{client_for, StubServer, API_KEY};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

// The recorder `cargo xtask record` runs, so that the round trip below records with
// exactly that code.
use ngrok_ai_tests::record;

fn spec() -> &'static ContractSpec<'static> {
    ContractSpec::repository()
}

fn corpus() -> Vec<(PathBuf, Cassette)> {
    cassette::load_dir(&cassette::recorded_dir()).unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------
// Performing the recorded call with the generated client
// ---------------------------------------------------------------------------------------

/// What one client call produced.
enum Outcome {
    /// A decoded success body, re-encoded as JSON.
    Body(Value),
    /// A success without a body (HEAD, DELETE).
    Empty,
    /// A list stream: the items it yielded (re-encoded) and the error that ended it.
    Items(Vec<Value>, Option<ngrok_ai::Error>),
    /// The call failed.
    Failed(ngrok_ai::Error),
    /// No typed call is written for this operation: the spec gained it after this file
    /// was written. Its cassettes are still checked against the spec, and the operation
    /// is exercised through the generated client and mock by `mock_from_spec.rs` and the
    /// spec evolution test.
    Unmapped,
}

/// How a list call is made: one page with `send()`, or `stream()` (taking at most `n`
/// items when the recorded sequence stops before the end of the list).
#[derive(Clone, Copy, Debug)]
enum Mode {
    Send,
    Stream(Option<usize>),
}

/// The call's arguments, read from the (first) recorded request.
struct Args<'a> {
    file: &'a Path,
    request: &'a cassette::Request,
    id: Option<String>,
    mode: Mode,
    used: Mutex<BTreeSet<String>>,
}

impl<'a> Args<'a> {
    fn new(file: &'a Path, op: &Op<'_>, cassette: &'a Cassette) -> Result<Self, String> {
        let request = &cassette.interactions[0].request;
        let id = contract::match_path(op.path, &request.path)?;
        let mode = match (&op.pagination, cassette.interactions.len()) {
            (Some(pagination), n) if n > 1 => {
                let last = &cassette.interactions[n - 1].response;
                let more = last
                    .body
                    .as_ref()
                    .and_then(|b| b.get("nextPageUri"))
                    .and_then(Value::as_str)
                    .is_some_and(|uri| !uri.is_empty());
                let ok = (200..300).contains(&last.status);
                if ok && more {
                    // The recording stopped before the end: take exactly what was recorded.
                    let total = cassette
                        .interactions
                        .iter()
                        .filter_map(|i| i.response.body.as_ref())
                        .filter_map(|b| b.get(pagination.items).and_then(Value::as_array))
                        .map(Vec::len)
                        .sum();
                    Mode::Stream(Some(total))
                } else {
                    Mode::Stream(None)
                }
            }
            _ => Mode::Send,
        };
        Ok(Self {
            file,
            request,
            id,
            mode,
            used: Mutex::new(BTreeSet::new()),
        })
    }

    fn fail(&self, message: String) -> ! {
        panic!("{}: {message}", self.file.display())
    }

    fn id(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| self.fail("the recorded path has no {id}".to_owned()))
    }

    fn query(&self, name: &str) -> Option<String> {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned());
        self.request.query_param(name).map(str::to_owned)
    }

    fn query_u32(&self, name: &str) -> Option<u32> {
        self.query(name).map(|v| {
            v.parse()
                .unwrap_or_else(|_| self.fail(format!("query {name}={v:?} is not a u32")))
        })
    }

    fn query_bool(&self, name: &str) -> Option<bool> {
        self.query(name).map(|v| {
            v.parse()
                .unwrap_or_else(|_| self.fail(format!("query {name}={v:?} is not a boolean")))
        })
    }

    fn query_time(&self, name: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        self.query(name).map(|v| {
            chrono::DateTime::parse_from_rfc3339(&v)
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_else(|e| self.fail(format!("query {name}={v:?}: {e}")))
        })
    }

    /// The recorded body as the typed request model.
    fn body<T: DeserializeOwned>(&self) -> T {
        let body =
            self.request.body.clone().unwrap_or_else(|| {
                self.fail("the operation takes a body; none recorded".to_owned())
            });
        serde_json::from_value(body).unwrap_or_else(|e| {
            self.fail(format!(
                "the recorded body does not decode into {}: {e}",
                std::any::type_name::<T>()
            ))
        })
    }

    /// Query parameters of the recorded request that the call did not use.
    fn unused(&self) -> Vec<String> {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        self.request
            .query
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|name| !used.contains(name))
            .collect()
    }
}

/// Sets `beforeId` and `limit` from the recorded query.
macro_rules! paged {
    ($args:expr, $builder:expr) => {{
        let mut builder = $builder;
        if let Some(value) = $args.query("beforeId") {
            builder = builder.before_id(value);
        }
        if let Some(value) = $args.query_u32("limit") {
            builder = builder.limit(value);
        }
        builder
    }};
}

/// `send()` or `stream()` on a list builder, as the cassette asks.
macro_rules! list {
    ($args:expr, $builder:expr) => {{
        let builder = $builder;
        match $args.mode {
            Mode::Send => body(builder.send().await),
            Mode::Stream(take) => items(builder.stream(), take).await,
        }
    }};
}

fn body<T: Serialize>(result: Result<T, ngrok_ai::Error>) -> Outcome {
    match result {
        Ok(model) => Outcome::Body(serde_json::to_value(&model).expect("models serialise")),
        Err(error) => Outcome::Failed(error),
    }
}

fn empty(result: Result<(), ngrok_ai::Error>) -> Outcome {
    match result {
        Ok(()) => Outcome::Empty,
        Err(error) => Outcome::Failed(error),
    }
}

async fn items<T: Serialize>(
    stream: impl Stream<Item = Result<T, ngrok_ai::Error>>,
    take: Option<usize>,
) -> Outcome {
    let mut stream = Box::pin(stream);
    let mut out = Vec::new();
    while take.is_none_or(|n| out.len() < n) {
        match stream.next().await {
            None => break,
            Some(Ok(item)) => out.push(serde_json::to_value(&item).expect("models serialise")),
            Some(Err(error)) => return Outcome::Items(out, Some(error)),
        }
    }
    Outcome::Items(out, None)
}

/// Performs the recorded operation with the generated client: one match arm per
/// operationId of the spec, arguments derived from the recorded request.
async fn perform(client: &Client, operation_id: &str, a: &Args<'_>) -> Outcome {
    match operation_id {
        // ---- access key configurations
        "ListAIGatewayAccessKeyConfigurations" => {
            list!(a, paged!(a, client.list_access_key_configurations()))
        }
        "HeadAIGatewayAccessKeyConfigurations" => empty(
            paged!(a, client.head_access_key_configurations())
                .send()
                .await,
        ),
        "CreateAIGatewayAccessKeyConfiguration" => body(
            client
                .create_access_key_configuration()
                .body(a.body::<types::AiGatewayAccessKeyConfigurationCreate>())
                .send()
                .await,
        ),
        "GetAIGatewayAccessKeyConfiguration" => body(
            client
                .get_access_key_configuration()
                .id(a.id())
                .send()
                .await,
        ),
        "HeadAIGatewayAccessKeyConfiguration" => empty(
            client
                .head_access_key_configuration()
                .id(a.id())
                .send()
                .await,
        ),
        "UpdateAIGatewayAccessKeyConfiguration" => {
            let m: types::AiGatewayAccessKeyConfigurationUpdate = a.body();
            body(
                client
                    .update_access_key_configuration()
                    .id(a.id())
                    .body(m)
                    .send()
                    .await,
            )
        }
        "DeleteAIGatewayAccessKeyConfiguration" => empty(
            client
                .delete_access_key_configuration()
                .id(a.id())
                .send()
                .await,
        ),
        // ---- access keys
        "ListAIGatewayAccessKeys" => list!(a, paged!(a, client.list_access_keys())),
        "HeadAIGatewayAccessKeys" => empty(paged!(a, client.head_access_keys()).send().await),
        "CreateAIGatewayAccessKey" => body(
            client
                .create_access_key()
                .body(a.body::<types::AiGatewayAccessKeyCreate>())
                .send()
                .await,
        ),
        "GetAIGatewayAccessKey" => body(client.get_access_key().id(a.id()).send().await),
        "HeadAIGatewayAccessKey" => empty(client.head_access_key().id(a.id()).send().await),
        "UpdateAIGatewayAccessKey" => {
            let m: types::AiGatewayAccessKeyUpdate = a.body();
            body(client.update_access_key().id(a.id()).body(m).send().await)
        }
        "DeleteAIGatewayAccessKey" => empty(client.delete_access_key().id(a.id()).send().await),
        // ---- API keys
        "ListAIGatewayAPIKeys" => list!(a, paged!(a, client.list_api_keys())),
        "HeadAIGatewayAPIKeys" => empty(paged!(a, client.head_api_keys()).send().await),
        "CreateAIGatewayAPIKey" => body(
            client
                .create_api_key()
                .body(a.body::<types::AiGatewayApiKeyCreate>())
                .send()
                .await,
        ),
        "GetAIGatewayAPIKey" => body(client.get_api_key().id(a.id()).send().await),
        "HeadAIGatewayAPIKey" => empty(client.head_api_key().id(a.id()).send().await),
        "UpdateAIGatewayAPIKey" => {
            let m: types::AiGatewayApiKeyUpdate = a.body();
            body(client.update_api_key().id(a.id()).body(m).send().await)
        }
        "DeleteAIGatewayAPIKey" => empty(client.delete_api_key().id(a.id()).send().await),
        // ---- provider keys
        "ListAIGatewayProviderAPIKeys" => {
            let mut b = paged!(a, client.list_provider_api_keys());
            if let Some(provider) = a.query("provider") {
                b = b.provider(provider);
            }
            list!(a, b)
        }
        "HeadAIGatewayProviderAPIKeys" => {
            empty(paged!(a, client.head_provider_api_keys()).send().await)
        }
        "CreateAIGatewayProviderAPIKey" => body(
            client
                .create_provider_api_key()
                .body(a.body::<types::AiGatewayProviderApiKeyCreate>())
                .send()
                .await,
        ),
        "GetAIGatewayProviderAPIKey" => body(client.get_provider_api_key().id(a.id()).send().await),
        "HeadAIGatewayProviderAPIKey" => {
            empty(client.head_provider_api_key().id(a.id()).send().await)
        }
        "UpdateAIGatewayProviderAPIKey" => {
            let m: types::AiGatewayProviderApiKeyUpdate = a.body();
            body(
                client
                    .update_provider_api_key()
                    .id(a.id())
                    .body(m)
                    .send()
                    .await,
            )
        }
        "DeleteAIGatewayProviderAPIKey" => {
            empty(client.delete_provider_api_key().id(a.id()).send().await)
        }
        "RotateAIGatewayProviderAPIKey" => body(
            client
                .rotate_provider_api_key()
                .id(a.id())
                .body(a.body::<types::AiGatewayProviderApiKeyRotate>())
                .send()
                .await,
        ),
        // ---- providers
        "ListAIGatewayProviders" => list!(a, paged!(a, client.list_providers())),
        "HeadAIGatewayProviders" => empty(paged!(a, client.head_providers()).send().await),
        "CreateAIGatewayProvider" => body(
            client
                .create_provider()
                .body(a.body::<types::AiGatewayProviderCreate>())
                .send()
                .await,
        ),
        "GetAIGatewayProvider" => body(client.get_provider().id(a.id()).send().await),
        "HeadAIGatewayProvider" => empty(client.head_provider().id(a.id()).send().await),
        "UpdateAIGatewayProvider" => {
            let m: types::AiGatewayProviderUpdate = a.body();
            body(client.update_provider().id(a.id()).body(m).send().await)
        }
        "DeleteAIGatewayProvider" => empty(client.delete_provider().id(a.id()).send().await),
        // ---- credits
        "GetCreditTransactions" => body(client.get_credit_transactions().send().await),
        "GetCreditBalance" => body(client.get_credit_balance().send().await),
        "CreateCheckoutSession" => body(
            client
                .create_checkout_session()
                .body(a.body::<types::CheckoutSessionCreate>())
                .send()
                .await,
        ),
        // ---- gateway configuration
        "GetAIGatewayConfig" => body(client.get_gateway_config().send().await),
        "HeadAIGatewayConfig" => empty(client.head_gateway_config().send().await),
        "UpdateAIGatewayConfig" => {
            let m: types::AiGatewayConfigUpdate = a.body();
            body(client.update_gateway_config().body(m).send().await)
        }
        // ---- usage
        "ListAIGatewayUsage" => {
            let mut b = client.list_usage();
            if let Some(v) = a.query("accessKeyId") {
                b = b.access_key_id(v);
            }
            if let Some(v) = a.query("cursor") {
                b = b.cursor(v);
            }
            if let Some(v) = a.query_time("endTime") {
                b = b.end_time(v);
            }
            if let Some(v) = a.query_bool("includeRetries") {
                b = b.include_retries(v);
            }
            if let Some(v) = a.query_u32("limit") {
                b = b.limit(v);
            }
            if let Some(v) = a.query_time("startTime") {
                b = b.start_time(v);
            }
            list!(a, b)
        }
        "GetAIGatewayUsageOverview" => {
            let mut b = client.get_usage_overview();
            if let Some(v) = a.query_time("endTime") {
                b = b.end_time(v);
            }
            if let Some(v) = a.query("groupBy") {
                b = b.group_by(v);
            }
            if let Some(v) = a.query_time("startTime") {
                b = b.start_time(v);
            }
            body(b.send().await)
        }
        _ => Outcome::Unmapped,
    }
}

// ---------------------------------------------------------------------------------------
// Checking the outcome
// ---------------------------------------------------------------------------------------

/// Replays one cassette; returns the problems found (empty when it passes).
async fn replay(spec: &ContractSpec<'_>, file: &Path, cassette: &Cassette) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(op) = spec.operation(&cassette.operation_id) else {
        return vec![format!("unknown operationId {}", cassette.operation_id)];
    };
    let args = match Args::new(file, op, cassette) {
        Ok(args) => args,
        Err(message) => return vec![message],
    };

    let server = StubServer::start().await;
    for interaction in &cassette.interactions {
        server.push(interaction.response.to_stub());
    }
    let client = client_for(&server);
    let outcome = perform(&client, op.id, &args).await;
    if let Outcome::Unmapped = outcome {
        eprintln!(
            "{}: not replayed through the client: no typed call is written for {}",
            file.display(),
            op.id
        );
        return problems;
    }
    for name in args.unused() {
        problems.push(format!(
            "/interactions/0/request/query: {name} is not passed to the client call"
        ));
    }

    // (a) the requests on the wire.
    let sent = server.requests();
    if sent.len() != cassette.interactions.len() {
        problems.push(format!(
            "the client sent {} request(s), {} recorded: {:?}",
            sent.len(),
            cassette.interactions.len(),
            sent.iter()
                .map(|r| format!(
                    "{} {}?{}",
                    r.method,
                    r.path,
                    r.query.as_deref().unwrap_or("")
                ))
                .collect::<Vec<_>>()
        ));
    }
    let bearer = format!("Bearer {API_KEY}");
    for (i, (interaction, request)) in cassette.interactions.iter().zip(&sent).enumerate() {
        for difference in interaction.request.differences(request) {
            problems.push(format!("/interactions/{i}/request: {difference}"));
        }
        if request.header("authorization") != Some(bearer.as_str()) {
            problems.push(format!(
                "/interactions/{i}/request: the client did not authenticate"
            ));
        }
    }

    // (b), (c), (d): what the call returned.
    let last = &cassette.interactions[cassette.interactions.len() - 1].response;
    let success = (200..300).contains(&last.status);
    let last_at = format!("/interactions/{}/response", cassette.interactions.len() - 1);
    match outcome {
        Outcome::Body(reencoded) => {
            if !success {
                problems.push(format!(
                    "{last_at}: status {} recorded, but the call succeeded",
                    last.status
                ));
            }
            match (spec.response_schema(op, last.status), &last.body) {
                (Some(Some(schema)), Some(recorded)) => {
                    for (pointer, message) in spec.compare_reencoded(schema, recorded, &reencoded) {
                        problems.push(format!("{last_at}/body{pointer}: {message}"));
                    }
                }
                _ => problems.push(format!(
                    "{last_at}: the call returned a body the cassette does not have"
                )),
            }
        }
        Outcome::Empty => {
            if !success {
                problems.push(format!(
                    "{last_at}: status {} recorded, but the call succeeded",
                    last.status
                ));
            }
        }
        Outcome::Items(items, error) => {
            compare_items(spec, op, cassette, &items, &mut problems);
            match (error, success) {
                (None, true) => {}
                (Some(error), true) => {
                    problems.push(format!("the stream failed: {error}"));
                }
                (None, false) => problems.push(format!(
                    "{last_at}: status {} recorded, but the stream ended without an error",
                    last.status
                )),
                (Some(error), false) => {
                    check_error(spec, op, last, &last_at, &error, &mut problems)
                }
            }
        }
        Outcome::Unmapped => {}
        Outcome::Failed(error) => {
            if success {
                problems.push(format!("the call failed: {error}"));
            } else {
                check_error(spec, op, last, &last_at, &error, &mut problems);
            }
        }
    }
    problems
}

/// The items a stream yielded against the items of the recorded pages.
fn compare_items(
    spec: &ContractSpec<'_>,
    op: &Op<'_>,
    cassette: &Cassette,
    items: &[Value],
    problems: &mut Vec<String>,
) {
    let Some(pagination) = &op.pagination else {
        problems.push("a stream for an operation without pagination".to_owned());
        return;
    };
    let item_schema = spec.item_schema(op).cloned().unwrap_or(Value::Null);
    let recorded: Vec<Value> = cassette
        .interactions
        .iter()
        .filter(|i| (200..300).contains(&i.response.status))
        .filter_map(|i| i.response.body.as_ref())
        .filter_map(|b| b.get(pagination.items).and_then(Value::as_array))
        .flatten()
        .cloned()
        .collect();
    let schema = json!({"type": "array", "items": item_schema});
    for (pointer, message) in spec.compare_reencoded(
        &schema,
        &Value::Array(recorded),
        &Value::Array(items.to_vec()),
    ) {
        problems.push(format!("stream items{pointer}: {message}"));
    }
}

/// (d): the error matches the recorded error response.
fn check_error(
    spec: &ContractSpec<'_>,
    op: &Op<'_>,
    recorded: &cassette::Response,
    at: &str,
    error: &ngrok_ai::Error,
    problems: &mut Vec<String>,
) {
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(format!("{at}: {what}"));
        }
    };
    let status = recorded.status;
    expect(
        error.operation() == Some(op.id),
        format!("error names operation {:?}", error.operation()),
    );
    expect(
        error.status().map(|s| s.as_u16()) == Some(status),
        format!("error status {:?}, recorded {status}", error.status()),
    );
    expect(
        error.to_string().contains(op.id),
        format!("error message does not name the operation: {error}"),
    );
    let predicates = [
        (400, error.is_bad_request(), "is_bad_request"),
        (401, error.is_unauthorized(), "is_unauthorized"),
        (403, error.is_forbidden(), "is_forbidden"),
        (404, error.is_not_found(), "is_not_found"),
        (409, error.is_conflict(), "is_conflict"),
        (429, error.is_rate_limited(), "is_rate_limited"),
    ];
    for (code, value, name) in predicates {
        expect(value == (status == code), format!("{name}() is {value}"));
    }
    expect(
        error.is_server_error() == (500..600).contains(&status),
        format!("is_server_error() is {}", error.is_server_error()),
    );
    let Some(api) = error.api_error() else {
        problems.push(format!("{at}: not an Error::Api: {error:?}"));
        return;
    };
    if let Some(seconds) = recorded
        .headers
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        expect(
            api.retry_after() == Some(Duration::from_secs(seconds)),
            format!(
                "retry_after() is {:?}, recorded {seconds} s",
                api.retry_after()
            ),
        );
    }
    match &recorded.body {
        None => {
            expect(
                api.msg().is_none(),
                format!("msg() is {:?} without a body", api.msg()),
            );
            expect(
                api.details().is_empty(),
                "details() without a body".to_owned(),
            );
        }
        Some(body) => {
            let text = |key: &str| body.get(key).and_then(Value::as_str);
            expect(
                api.msg() == text("msg"),
                format!("msg() is {:?}, recorded {:?}", api.msg(), text("msg")),
            );
            expect(
                api.error_code() == text("errorCode"),
                format!(
                    "error_code() is {:?}, recorded {:?}",
                    api.error_code(),
                    text("errorCode")
                ),
            );
            let details: BTreeMap<String, String> = body
                .get("details")
                .and_then(Value::as_object)
                .map(|d| {
                    d.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            expect(
                api.details() == &details,
                format!("details() is {:?}, recorded {details:?}", api.details()),
            );
            // The runtime's error body and the generated `Error` model both re-encode to
            // the recorded JSON.
            if let Some(Some(schema)) = spec.response_schema(op, status) {
                let runtime = serde_json::to_value(api.body()).unwrap_or(Value::Null);
                for (pointer, message) in spec.compare_reencoded(schema, body, &runtime) {
                    problems.push(format!("{at}/body{pointer}: ErrorBody: {message}"));
                }
                match serde_json::from_value::<types::Error>(body.clone()) {
                    Ok(model) => {
                        let model = serde_json::to_value(model).unwrap_or(Value::Null);
                        for (pointer, message) in spec.compare_reencoded(schema, body, &model) {
                            problems.push(format!("{at}/body{pointer}: types::Error: {message}"));
                        }
                    }
                    Err(e) => problems.push(format!("{at}/body: not a types::Error: {e}")),
                }
            }
        }
    }
}

/// Replays every cassette in `cassettes`; panics listing every failing cassette.
async fn replay_all(cassettes: &[(PathBuf, Cassette)]) {
    let spec = spec();
    let mut failures = Vec::new();
    for (file, cassette) in cassettes {
        for problem in replay(spec, file, cassette).await {
            failures.push(format!("{}: {problem}", file.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) replaying {} cassettes:\n{}",
        failures.len(),
        cassettes.len(),
        failures.join("\n")
    );
}

/// Validates every cassette against the spec; panics listing every problem.
fn validate_all(cassettes: &[(PathBuf, Cassette)]) {
    let spec = spec();
    let problems: Vec<String> = cassettes
        .iter()
        .flat_map(|(file, cassette)| spec.validate_cassette(file, cassette))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problem(s) validating cassettes against the spec:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Tests of the committed cassettes
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_cassette_replays_against_the_generated_client() {
    replay_all(&corpus()).await;
}

#[test]
fn every_recorded_body_matches_the_spec() {
    validate_all(&corpus());
}

/// Cassettes are recordings of the real API, so an operation the spec gains has none until
/// someone runs `cargo xtask record`; `mock_every_operation.rs` exercises every operation
/// of the spec meanwhile. A cassette of an operation the spec no longer has is stale.
#[test]
fn cassettes_name_only_operations_of_the_spec() {
    let spec_ids = spec().operation_ids();
    let covered: BTreeSet<String> = corpus()
        .into_iter()
        .map(|(_, cassette)| cassette.operation_id)
        .collect();
    let unknown: Vec<_> = covered.difference(&spec_ids).collect();
    assert!(
        unknown.is_empty(),
        "cassettes of operations the spec does not have: {unknown:?}"
    );
    let missing: Vec<_> = spec_ids.difference(&covered).collect();
    if !missing.is_empty() {
        eprintln!(
            "operations not recorded yet (record them with `cargo xtask record`): {missing:?}"
        );
    }
}

#[test]
fn cassettes_include_the_error_and_pagination_exchanges() {
    let cassettes = corpus();
    let find = |what: &str, pred: &dyn Fn(&Cassette) -> bool| {
        assert!(
            cassettes.iter().any(|(_, c)| pred(c)),
            "no cassette records {what}"
        );
    };
    let last = |c: &Cassette| c.interactions[c.interactions.len() - 1].response.clone();
    find("a 400 whose Error body names a field", &|c| {
        let r = last(c);
        r.status == 400
            && r.body
                .as_ref()
                .and_then(|b| b.get("details"))
                .and_then(Value::as_object)
                .is_some_and(|d| d.contains_key("field"))
    });
    find("a 401", &|c| last(c).status == 401);
    find("a 404 on a get", &|c| {
        last(c).status == 404 && c.operation_id.starts_with("Get")
    });
    find("the 409 of DeleteAIGatewayProvider", &|c| {
        c.operation_id == "DeleteAIGatewayProvider" && last(c).status == 409
    });
    find(
        "ListAIGatewayAccessKeys over 3 pages chained by beforeId",
        &|c| {
            c.operation_id == "ListAIGatewayAccessKeys"
                && c.interactions.len() >= 3
                && c.interactions[1..]
                    .iter()
                    .all(|i| i.request.query_param("beforeId").is_some())
        },
    );
    find("ListAIGatewayUsage over 2 pages chained by cursor", &|c| {
        c.operation_id == "ListAIGatewayUsage"
            && c.interactions.len() >= 2
            && c.interactions[1..]
                .iter()
                .all(|i| i.request.query_param("cursor").is_some())
    });
}

#[test]
fn secrets_in_cassettes_are_redacted() {
    // Loading already refuses secret headers and unredacted values; here: the secrets that
    // the spec marks (x-ngrok-secret) are really present, as placeholders.
    let cassettes = corpus();
    let mut tokens = 0;
    let mut values = 0;
    for (file, cassette) in &cassettes {
        for interaction in &cassette.interactions {
            assert!(
                !interaction.request.headers.contains_key("authorization"),
                "{}",
                file.display()
            );
            if let Some(token) = interaction
                .response
                .body
                .as_ref()
                .and_then(|b| b.get("token"))
            {
                assert_eq!(token, cassette::REDACTED_TOKEN, "{}", file.display());
                tokens += 1;
            }
            if let Some(value) = interaction
                .request
                .body
                .as_ref()
                .and_then(|b| b.get("value"))
            {
                assert_eq!(value, cassette::REDACTED, "{}", file.display());
                values += 1;
            }
        }
    }
    assert!(
        tokens >= 2,
        "the create responses of access and API keys carry tokens"
    );
    assert!(
        values >= 2,
        "provider-key create and rotate bodies carry values"
    );
}

// ---------------------------------------------------------------------------------------
// The checks themselves catch drift
// ---------------------------------------------------------------------------------------

fn committed(name: &str) -> (PathBuf, Cassette) {
    let file = cassette::recorded_dir().join(name);
    let cassette = Cassette::load(&file).unwrap_or_else(|e| panic!("{e}"));
    (file, cassette)
}

#[test]
fn a_broken_cassette_fails_validation_naming_the_file_and_the_json_path() {
    let spec = spec();
    let (file, mut cassette) = committed("GetAIGatewayAccessKey.json");
    let body = cassette.interactions[0].response.body.as_mut().unwrap();
    body["createdAt"] = json!("yesterday");
    body.as_object_mut().unwrap().remove("keyRedacted");
    body["accessKeyConfiguration"]["nmae"] = json!("typo");
    let problems = spec.validate_cassette(&file, &cassette).join("\n");
    let name = file.display().to_string();
    for expected in [
        format!("{name}: /interactions/0/response/body/createdAt: "),
        format!("{name}: /interactions/0/response/body: "),
        format!("{name}: /interactions/0/response/body/accessKeyConfiguration: "),
    ] {
        assert!(
            problems.contains(&expected),
            "{expected:?} not in:\n{problems}"
        );
    }
    assert!(problems.contains("keyRedacted"), "{problems}");
    assert!(problems.contains("nmae"), "{problems}");

    let (file, mut cassette) = committed("CreateAIGatewayProviderAPIKey.json");
    let request = &mut cassette.interactions[0].request;
    request.body.as_mut().unwrap()["providerId"] = json!(42);
    request.query.push(("dryRun".to_owned(), "true".to_owned()));
    cassette.interactions[0].response.status = 200;
    let problems = spec.validate_cassette(&file, &cassette).join("\n");
    let name = file.display().to_string();
    for expected in [
        format!("{name}: /interactions/0/request/body/providerId: "),
        format!("{name}: /interactions/0/request/query/0: "),
        format!("{name}: /interactions/0/response/status: "),
    ] {
        assert!(
            problems.contains(&expected),
            "{expected:?} not in:\n{problems}"
        );
    }

    // A HEAD with a body, a 204 with one, and an error body that is not an `Error`.
    let (file, mut cassette) = committed("HeadAIGatewayAccessKey.json");
    cassette.interactions[0].response.body = Some(json!({}));
    assert!(spec.validate_cassette(&file, &cassette)[0].contains("/interactions/0/response/body: "));
    let (file, mut cassette) = committed("DeleteAIGatewayProvider.conflict.json");
    cassette.interactions[0].response.body = Some(json!({"error": "conflict"}));
    let problems = spec.validate_cassette(&file, &cassette).join("\n");
    assert!(
        problems.contains("/interactions/0/response/body: "),
        "{problems}"
    );
    assert!(problems.contains("msg"), "{problems}");
}

#[test]
fn a_malformed_cassette_file_names_the_file() {
    let dir = std::env::temp_dir().join(format!("ngrok-ai-cassettes-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let good = committed("GetCreditBalance.json").1;
    good.save(&dir.join("GetCreditBalance.json")).unwrap();
    let broken = dir.join("nested").join("Broken.json");
    std::fs::write(
        &broken,
        r#"{"operationId": "GetCreditBalance", "interactions": [{"request": {"method": "GET", "path": "/credits/balance"}, "response": {"status": 200, "bdy": {}}}]}"#,
    )
    .unwrap();
    let err = cassette::load_dir(&dir).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&broken.display().to_string()), "{text}");
    assert!(text.contains("/interactions/0/response"), "{text}");
    assert!(text.contains("bdy"), "{text}");
    std::fs::remove_file(&broken).unwrap();
    let loaded = cassette::load_dir(&dir).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].1, good);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_reencoding_comparison_catches_lost_renamed_and_nulled_fields() {
    let spec = spec();
    let access_key = json!({"$ref": "#/components/schemas/AIGatewayAccessKey"});
    let recorded = committed("ListAIGatewayAccessKeys.json").1.interactions[0]
        .response
        .body
        .clone()
        .unwrap()["aiGatewayAccessKeys"][1]
        .clone();
    // `lastUsed` and `accessKeyConfiguration` are nullable and optional: absent == null.
    let mut reencoded = recorded.clone();
    reencoded.as_object_mut().unwrap().remove("lastUsed");
    reencoded
        .as_object_mut()
        .unwrap()
        .remove("accessKeyConfiguration");
    assert_eq!(
        spec.compare_reencoded(&access_key, &recorded, &reencoded),
        vec![]
    );
    // A field the model dropped, one it renamed, and one that is not nullable.
    let mut reencoded = recorded.clone();
    let name = reencoded.as_object_mut().unwrap().remove("name").unwrap();
    reencoded["label"] = name;
    let mut with_null = recorded.clone();
    with_null["description"] = Value::Null;
    let problems = spec.compare_reencoded(&access_key, &with_null, &reencoded);
    let pointers: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        vec!["/description", "/label", "/name"],
        "{problems:?}"
    );
    // A required nullable property (`invoiceUrl`) may not disappear.
    let invoice = json!({"$ref": "#/components/schemas/CreditTransactionItem"});
    let recorded = json!({"type": "usageInvoice", "invoiceUrl": null, "totalCents": 0});
    let reencoded = json!({"type": "usageInvoice", "totalCents": 0});
    assert_eq!(
        spec.compare_reencoded(&invoice, &recorded, &reencoded)
            .len(),
        1
    );
    // Date-times compare as instants.
    let event = json!({"type": "string", "format": "date-time"});
    assert!(spec
        .compare_reencoded(
            &event,
            &json!("2026-11-26T22:41:09.120Z"),
            &json!("2026-11-26T22:41:09.12Z")
        )
        .is_empty());
    assert_eq!(
        spec.compare_reencoded(
            &event,
            &json!("2026-11-26T22:41:09Z"),
            &json!("2026-11-26T22:41:10Z")
        )
        .len(),
        1
    );
}

#[tokio::test]
async fn a_replay_catches_requests_and_bodies_that_differ_from_the_recording() {
    let spec = spec();
    let (file, mut cassette) = committed("UpdateAIGatewayAccessKey.json");
    // A recorded request field the request model does not have: the client cannot send it.
    cassette.interactions[0].request.body.as_mut().unwrap()["label"] = json!("bot");
    // A response field the response model does not have: lost on re-encoding.
    cassette.interactions[0].response.body.as_mut().unwrap()["labels"] = json!(["a"]);
    let problems = replay(spec, &file, &cassette).await.join("\n");
    assert!(
        problems.contains("/interactions/0/request: body: recorded"),
        "{problems}"
    );
    assert!(
        problems.contains("/interactions/0/response/body/labels: lost on re-encoding"),
        "{problems}"
    );

    // An error body that is not the API's `Error`: the client keeps a snippet instead of
    // `msg` and `details`, and the typed error model does not decode it.
    let (file, mut cassette) = committed("GetAIGatewayAccessKey.not-found.json");
    cassette.interactions[0].response.body.as_mut().unwrap()["msg"] = json!(42);
    let problems = replay(spec, &file, &cassette).await.join("\n");
    assert!(problems.contains("details() is {}"), "{problems}");
    assert!(problems.contains("not a types::Error"), "{problems}");

    // A recording where the client retried, replayed where it must not retry.
    let (file, mut cassette) = committed("GetCreditBalance.retried-429.json");
    cassette.interactions[0].response.status = 401;
    let problems = replay(spec, &file, &cassette).await.join("\n");
    assert!(
        problems.contains("the client sent 1 request(s), 2 recorded"),
        "{problems}"
    );
    assert!(problems.contains("the call failed"), "{problems}");
}

/// A PATCH body read from JSON keeps its explicit nulls ("clear") apart from absent
/// fields ("leave alone"), so decoding and re-encoding gives back the same body.
#[test]
fn patch_models_keep_explicit_nulls() {
    let recorded = json!({"name": "support-bot-v2", "accessKeyConfigurationId": null});
    let model: types::AiGatewayAccessKeyUpdate = serde_json::from_value(recorded.clone()).unwrap();
    assert_eq!(model.access_key_configuration_id, Some(Nullable::Null));
    assert_eq!(serde_json::to_value(&model).unwrap(), recorded);
}

// ---------------------------------------------------------------------------------------
// Record mode, end to end: record the tour against the mock, then replay it
// ---------------------------------------------------------------------------------------

fn usage_event(
    id: String,
    time: chrono::DateTime<chrono::Utc>,
    n: i64,
) -> types::AiGatewayUsageEvent {
    types::AiGatewayUsageEvent::try_from(
        types::AiGatewayUsageEvent::builder()
            .access_key_id("aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu")
            .attempt_number(1)
            .cache_read_tokens(0)
            .event_time(chrono::DateTime::from_timestamp(time.timestamp(), 0).unwrap())
            .id(id)
            .input_tokens(100 * n)
            .is_error(false)
            .is_final_attempt(true)
            .is_streaming(n % 2 == 0)
            .key_source("ngrok")
            .model("gpt-4o-mini")
            .model_display_name("GPT-4o mini")
            .output_tokens(20 * n)
            .provider("openai")
            .provider_display_name("OpenAI")
            .provider_key_display_name(None)
            .provider_key_id(None)
            .reasoning_tokens(0)
            .request_id(format!("req_record_tour_{n}"))
            .status_code(200)
            .stop_reason("stop")
            .timed_out(false)
            .total_cost(format!("0.0000{n}")),
    )
    .expect("a valid AiGatewayUsageEvent")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_of_the_tour_against_the_mock_replays() {
    let mock = ngrok_ai_mock::MockServer::start().await;
    // Three usage events in the tour's 30-day window: two pages at limit=2.
    let now = chrono::Utc::now();
    let events = (1..=3)
        .map(|n| {
            usage_event(
                mock.new_usage_event_id(),
                now - chrono::Duration::hours(n),
                n,
            )
        })
        .collect();
    mock.seed_usage_events(events).expect("seed usage");
    mock.set_credit_balance(1888);

    let out = std::env::temp_dir().join(format!(
        "ngrok-ai-record-{}-{}",
        std::process::id(),
        now.timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&out).unwrap();
    let report = record::record_tour(mock.base_url(), mock.api_key(), &out)
        .await
        .unwrap_or_else(|e| panic!("recording against the mock failed: {e}"));
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);

    let cassettes = cassette::load_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cassettes.len(), report.written.len());
    let covered: BTreeSet<String> = cassettes
        .iter()
        .map(|(_, c)| c.operation_id.clone())
        .collect();
    assert_eq!(
        covered,
        spec().operation_ids(),
        "the tour covers every operation"
    );

    // The deliberate errors and the page chains.
    let statuses: BTreeSet<(String, u16)> = cassettes
        .iter()
        .map(|(_, c)| {
            let last = &c.interactions[c.interactions.len() - 1].response;
            (c.operation_id.clone(), last.status)
        })
        .collect();
    for expected in [
        ("GetCreditBalance", 401),
        ("UpdateAIGatewayAccessKey", 400),
        ("DeleteAIGatewayProvider", 409),
        ("GetAIGatewayAccessKey", 404),
        ("HeadAIGatewayAccessKey", 404),
    ] {
        assert!(
            statuses.contains(&(expected.0.to_owned(), expected.1)),
            "no {expected:?} in {statuses:?}"
        );
    }
    let chain = |op: &str, param: &str| {
        cassettes
            .iter()
            .find(|(_, c)| c.operation_id == op && c.interactions.len() > 1)
            .map(|(_, c)| {
                c.interactions[1..]
                    .iter()
                    .all(|i| i.request.query_param(param).is_some())
                    .then_some(c.interactions.len())
            })
    };
    assert_eq!(chain("ListAIGatewayAccessKeys", "beforeId"), Some(Some(3)));
    assert_eq!(chain("ListAIGatewayUsage", "cursor"), Some(Some(2)));
    // No secret reached the files: the create responses carried real tokens.
    for (file, cassette) in &cassettes {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains(mock.api_key()), "{}", file.display());
        assert!(!text.contains("sk-EXAMPLE-recording"), "{}", file.display());
        if ["CreateAIGatewayAccessKey", "CreateAIGatewayAPIKey"]
            .contains(&cassette.operation_id.as_str())
        {
            assert!(
                text.contains(cassette::REDACTED_TOKEN),
                "{}",
                file.display()
            );
        }
    }

    validate_all(&cassettes);
    replay_all(&cassettes).await;
    assert!(
        mock.response_violations().is_empty(),
        "{:#?}",
        mock.response_violations()
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_recording_deletes_what_it_created() {
    let mock = ngrok_ai_mock::MockServer::start().await;
    // The configuration cannot be read back: the tour stops after creating a provider, a
    // provider key and a configuration.
    mock.inject(ngrok_ai_mock::Fault::status("GetAIGatewayAccessKeyConfiguration", 500).times(3));
    let out = std::env::temp_dir().join(format!(
        "ngrok-ai-record-failed-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&out).unwrap();
    let error = record::record_tour(mock.base_url(), mock.api_key(), &out)
        .await
        .expect_err("the tour fails");
    assert!(
        error.contains("GetAIGatewayAccessKeyConfiguration"),
        "{error}"
    );
    assert_eq!(error.matches("cleanup: deleted").count(), 3, "{error}");

    // The failed exchange was recorded like any other (three 500s: the client retried).
    let cassettes = cassette::load_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    let (_, failed) = cassettes.last().unwrap();
    assert_eq!(failed.operation_id, "GetAIGatewayAccessKeyConfiguration");
    assert_eq!(failed.interactions.len(), 3);
    replay_all(&cassettes).await;

    let client = mock.client();
    let configurations = client
        .list_access_key_configurations()
        .send()
        .await
        .unwrap();
    assert_eq!(configurations.ai_gateway_access_key_configurations, vec![]);
    let keys = client.list_provider_api_keys().send().await.unwrap();
    assert_eq!(keys.ai_gateway_provider_keys, vec![]);
    let providers = client.list_providers().send().await.unwrap();
    assert_eq!(providers.ai_gateway_providers, vec![]);
    std::fs::remove_dir_all(&out).unwrap();
}
