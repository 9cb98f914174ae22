//! The mock as a test holds it: [`MockServer`] and its [`MockServerBuilder`], the
//! controls a test drives it with (seeding, faults, the journal) and its lifecycle
//! (stopped on drop or [`MockServer::shutdown`]; [`run_until`] for the binary), plus the
//! limit defaults the builder and the binary's flags override.
//!
//! This is the API a user of the mock calls, kept apart from the request path (the
//! crate-private `http` module) so it reads on its own and changes to how a request is
//! served do not churn it. The two meet in one place: [`MockServerBuilder::start`] binds
//! the listener and hands it, with the state both sides share, to the request path.
//!
//! Limits (each set on [`MockServer::builder`]; the binary has a flag for each):
//!
//! * request body: [`MAX_BODY_BYTES`] (1 MiB); a larger `Content-Length` is answered 413
//!   before anything is read, a larger chunked body 413 once the limit is passed;
//! * request head: [`DEFAULT_HEADER_READ_TIMEOUT`] (30 s) to send it, after which the
//!   connection is closed (an idle keep-alive connection too); at most 100 headers and
//!   about 400 KiB (431), a URI of at most 65,534 bytes (414);
//! * request body read: [`DEFAULT_BODY_READ_TIMEOUT`] (30 s), then 408;
//! * journal: [`crate::journal::DEFAULT_JOURNAL_CAPACITY`] entries (a ring buffer).
//!
//! Every error status, those of the HTTP layer (400, 414, 431) included, has the spec's
//! JSON `Error` body.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ngrok_ai::types;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::fault::Fault;
use crate::http::{self, lock, Shared};
use crate::journal::{Journal, JournalEntry, DEFAULT_JOURNAL_CAPACITY};
use crate::seed::{Seed, SeedError};
use crate::state::{CheckoutRecord, State};

pub use crate::http::JOURNAL_CONTROL_PATH;

/// Largest request body accepted by default (413 above); see
/// [`MockServerBuilder::max_body_bytes`].
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How long a client has by default to send a request head (request line and headers)
/// before the connection is closed; see [`MockServerBuilder::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client has by default to send a request body before the answer is 408;
/// see [`MockServerBuilder::body_read_timeout`].
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// Binding the listener failed.
    Bind(std::io::Error),
    /// The seed was rejected.
    Seed(SeedError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Seed(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StartError {}

/// Options for [`MockServer::builder`].
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    host: String,
    port: u16,
    api_key: Option<String>,
    seed: Option<Seed>,
    log_requests: bool,
    journal_capacity: usize,
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    max_body_bytes: usize,
}

impl MockServerBuilder {
    /// Address to listen on (default `127.0.0.1`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// Port to listen on (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The API key requests must present (default: a random `ngai_…` key).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// State to start from.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Log one line per request to stderr (method, path, status, operation, latency;
    /// never headers or bodies).
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// How many requests the journal keeps, oldest dropped first (default
    /// [`DEFAULT_JOURNAL_CAPACITY`]; 0 keeps none).
    pub fn journal_capacity(mut self, entries: usize) -> Self {
        self.journal_capacity = entries;
        self
    }

    /// How long a client may take to send a request head before the connection is
    /// closed, also the longest a keep-alive connection stays idle (default
    /// [`DEFAULT_HEADER_READ_TIMEOUT`]; at least 1 ms).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long a client may take to send a request body before the answer is 408
    /// (default [`DEFAULT_BODY_READ_TIMEOUT`]).
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// The largest request body accepted, in bytes (default [`MAX_BODY_BYTES`]); larger
    /// ones are answered 413, before reading when `Content-Length` announces them.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Binds the listener and starts serving on the current Tokio runtime.
    pub async fn start(self) -> Result<MockServer, StartError> {
        let listener = TcpListener::bind((self.host.as_str(), self.port))
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let host = if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        let base_url = format!("http://{host}:{}", addr.port());
        let api_key = self
            .api_key
            .unwrap_or_else(|| format!("ngai_mock_{}", crate::ids::random_base62(32)));
        let mut state = State::new(&base_url, &api_key);
        if let Some(seed) = self.seed {
            seed.apply(&mut state).map_err(StartError::Seed)?;
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            journal: Mutex::new(Journal::new(self.journal_capacity)),
            faults: Mutex::new(Vec::new()),
            log_requests: self.log_requests,
            max_body_bytes: self.max_body_bytes,
            body_read_timeout: self.body_read_timeout,
        });
        let (stop_tx, stop_rx) = oneshot::channel();
        let task = http::spawn(listener, shared.clone(), self.header_read_timeout, stop_rx);
        Ok(MockServer {
            shared,
            addr,
            base_url,
            api_key,
            stop: Some(stop_tx),
            task: Some(task),
        })
    }
}

/// A running fake of the ngrok.ai API on a local port; see the crate docs.
///
/// Dropping it stops the server (connections in flight finish); [`MockServer::shutdown`]
/// does the same and waits.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    api_key: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url)
            .field("api_key", &"[REDACTED]")
            .finish()
    }
}

impl MockServer {
    /// Starts a server on 127.0.0.1 and a free port, with a random API key.
    ///
    /// # Panics
    /// If no local port can be bound, like other test servers; use
    /// [`MockServer::builder`] to handle that as an error.
    pub async fn start() -> Self {
        match Self::builder().start().await {
            Ok(server) => server,
            Err(e) => panic!("ngrok-ai-mock: {e}"),
        }
    }

    /// Options: host, port, API key, seed, request log, journal capacity, timeouts and
    /// the body limit.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            host: "127.0.0.1".into(),
            port: 0,
            api_key: None,
            seed: None,
            log_requests: false,
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// An API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The retry policy of [`MockServer::client`]: the default attempts, but short
    /// backoffs so retried tests stay fast (a `Retry-After` of up to 2 s is honoured).
    pub fn fast_retry_policy() -> ngrok_ai::RetryPolicy {
        ngrok_ai::RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_secs(2))
    }

    /// A client pointed at this server, authenticated, with fast retries.
    ///
    /// # Panics
    /// Never in practice: the base URL and key are always valid for the client.
    pub fn client(&self) -> ngrok_ai::Client {
        self.client_with(Self::fast_retry_policy())
    }

    /// A client pointed at this server with the given retry policy, e.g.
    /// [`ngrok_ai::RetryPolicy::disabled`].
    ///
    /// # Panics
    /// Never in practice: the base URL and key are always valid for the client.
    pub fn client_with(&self, retry: ngrok_ai::RetryPolicy) -> ngrok_ai::Client {
        match ngrok_ai::Client::builder()
            .api_key(self.api_key.as_str())
            .base_url(self.base_url.as_str())
            .retry_policy(retry)
            .build()
        {
            Ok(client) => client,
            Err(e) => panic!("ngrok-ai-mock: cannot build a client: {e}"),
        }
    }

    /// Applies a [`Seed`] to the running server.
    pub fn seed(&self, seed: Seed) -> Result<(), SeedError> {
        seed.apply(&mut lock(&self.shared.state))
    }

    /// Sets the credit balance (`GET /credits/balance`).
    pub fn set_credit_balance(&self, cents: i64) {
        lock(&self.shared.state).set_balance(cents);
    }

    /// Adds credit transactions (served newest first).
    pub fn seed_credit_transactions(
        &self,
        items: Vec<types::CreditTransactionItem>,
    ) -> Result<(), SeedError> {
        lock(&self.shared.state)
            .add_transactions(items)
            .map_err(SeedError)
    }

    /// Adds usage events. Each is checked against the spec's `AIGatewayUsageEvent` and
    /// its `totalCost` must be a decimal with at most 5 fractional digits; IDs must be
    /// unique (see [`MockServer::new_usage_event_id`]).
    pub fn seed_usage_events(
        &self,
        events: Vec<types::AiGatewayUsageEvent>,
    ) -> Result<(), SeedError> {
        lock(&self.shared.state)
            .add_usage_events(events)
            .map_err(SeedError)
    }

    /// A fresh usage-event ID (`aigue_…`) for a seeded event.
    pub fn new_usage_event_id(&self) -> String {
        lock(&self.shared.state).new_usage_event_id()
    }

    /// The requests received so far, oldest first: the newest
    /// [`MockServerBuilder::journal_capacity`] of them (see [`crate::journal`]).
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.shared.journal).entries().cloned().collect()
    }

    /// How many requests were left out of [`MockServer::journal`] because it was full
    /// (since it was last cleared).
    pub fn journal_dropped(&self) -> u64 {
        lock(&self.shared.journal).dropped()
    }

    /// Forgets the journal (the binary: `DELETE /_mock/journal`).
    pub fn clear_journal(&self) {
        lock(&self.shared.journal).clear();
    }

    /// Journal entries whose response body did not validate against the spec's response
    /// schema (always empty unless the mock has a bug).
    pub fn response_violations(&self) -> Vec<JournalEntry> {
        lock(&self.shared.journal)
            .entries()
            .filter(|e| e.response_problem.is_some())
            .cloned()
            .collect()
    }

    /// Queues a fault; see [`Fault`].
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Removes faults not yet used up.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Checkout sessions created through `POST /credits/checkout-session`.
    pub fn checkout_sessions(&self) -> Vec<CheckoutRecord> {
        lock(&self.shared.state).checkouts()
    }

    /// Stops accepting connections, lets requests in flight finish (up to 5 s) and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Runs a server until `shutdown` completes, then stops it gracefully.
pub async fn run_until(
    builder: MockServerBuilder,
    on_start: impl FnOnce(&MockServer),
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    let server = builder.start().await?;
    on_start(&server);
    shutdown.await;
    server.shutdown().await;
    Ok(())
}
