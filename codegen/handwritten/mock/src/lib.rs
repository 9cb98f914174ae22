//! A stateful, validating fake of the ngrok.ai management API, generated from the same
//! OpenAPI description as the `ngrok-ai` client, for tests of code that uses the client.
//!
//! Every one of the API's operations is served with real semantics: resources get IDs
//! with the real prefixes that sort by creation, `uri`s, timestamps and `createdBy`;
//! PATCH tells an omitted field from `null`; DELETE answers 204 and then 404; HEAD
//! mirrors GET; lists page by `beforeId` (usage by `cursor`) with a correct
//! `nextPageUri`; tokens appear only in create responses and secrets only redacted;
//! references between resources are enforced; usage is filtered and aggregated exactly.
//! Every request is checked against the spec (auth, path, method, query parameters, JSON
//! body) and rejected the way the API would, with an `Error` body naming the field.
//!
//! # Where the behaviour comes from
//!
//! Most of it is read from the spec when the crate is generated:
//!
//! * **Validation**: every request body, query parameter and response is checked against
//!   the spec's schemas and parameter declarations.
//! * **Resources**: a schema with an `x-ngrok-id-prefix`, served on a collection path
//!   (paged list, create) and an item path `{collection}/{id}` (get, update, delete,
//!   HEAD), is a resource (see [`route::resources`]). One generic store serves all of
//!   them, keeping each record as JSON: a create or update body's fields are stored under
//!   their names and returned in the same-named response fields, so a field the spec adds
//!   needs no code; PATCH keeps an omitted field, sets a value, and clears on `null`
//!   (stored as `null` when the response schema makes the field nullable, as the empty
//!   value of its type when the response requires it, removed otherwise). The server-managed fields are recognised by name and type — `id` (with
//!   the prefix), `uri`, `createdAt`, `updatedAt`, `createdBy` and `lastUpdatedBy` (a
//!   `Ref` to the acting API key); a required response field the store has no value for
//!   shows the spec's example, an unset nullable one `null`. Lists page in descending ID
//!   order by `beforeId` (exclusive; `limit` defaults to 100); a query parameter the list
//!   declares under the name of a field filters by equality.
//! * **Secrets and references**: `x-ngrok-returned-once` fields (tokens) are minted on
//!   create and shown only in its response; `x-ngrok-write-only` fields are stored and
//!   never shown; `x-ngrok-secret` values never reach logs, the journal or errors;
//!   `x-ngrok-references` fields must name an existing resource (else 400 naming the
//!   field), and a resource they name cannot be deleted (409).
//! * **Everything else** answers the spec's example of its success response, with the
//!   header `x-ngrok-mock: example` (never a 501).
//!
//! What a schema cannot say is written by hand, in one module of hooks keyed by the
//! generated `Operation` enum: the gateway settings singleton (defaults, Go durations),
//! provider-key rotation, credits and checkout sessions, usage paging and the overview,
//! `keyRedacted` derived from the secret, an access key's linked configuration, provider
//! keys naming a built-in or custom provider, custom providers (unique, models with
//! `aigpm_` IDs, 409 while referenced), and routers referencing or creating provider
//! keys. The decisions they take where the spec is silent are listed below.
//!
//! # Quick start
//!
//! ```
//! use ngrok_ai::types;
//! use ngrok_ai_mock::{Fault, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ngrok_ai::Error> {
//! let mock = MockServer::start().await; // 127.0.0.1, a free port, a random API key
//! let client = mock.client(); // an ngrok_ai::Client pointed at it (fast retries)
//!
//! let key = client
//!     .create_access_key()
//!     .body(types::AiGatewayAccessKeyCreate::builder().name("bot"))
//!     .send()
//!     .await?;
//! assert!(key.token.is_some()); // only the create response carries the token
//! let page = client.list_access_keys().limit(10).send().await?;
//! assert_eq!(page.ai_gateway_access_keys.len(), 1);
//!
//! // Test controls: state, faults, the request journal.
//! mock.set_credit_balance(2_500);
//! mock.inject(Fault::status("GetCreditBalance", 503).times(2)); // the client retries
//! assert_eq!(client.get_credit_balance().send().await?.balance_cents, 2_500);
//! assert_eq!(mock.journal().len(), 5);
//! assert!(mock.response_violations().is_empty()); // every response matched the spec
//! # Ok(())
//! # }
//! ```
//!
//! Each test should start its own server: servers share nothing, and a server stops
//! when its [`MockServer`] is dropped. Without the client, use [`MockServer::base_url`]
//! and [`MockServer::api_key`] (`Authorization: Bearer <key>`).
//!
//! # Standalone
//!
//! The `ngrok-ai-mock` binary serves the same fake for tools in other languages:
//!
//! ```text
//! ngrok-ai-mock --port 8080 --api-key KEY [--seed FILE] [--host 127.0.0.1]
//!               [--journal-capacity N] [--header-read-timeout 30s]
//!               [--body-read-timeout 30s] [--max-body-bytes BYTES]
//! ```
//!
//! It logs `ngrok-ai-mock listening on <base URL>` and then one line per request to
//! stderr (method, path and query, status, operation, latency — never headers or
//! bodies), and stops cleanly on SIGINT or SIGTERM. Unknown arguments are errors (exit
//! status 2); `--help` and `--version` print and exit.
//!
//! Its journal is reached over HTTP, with the API key: `GET /_mock/journal` answers
//! `{"capacity": N, "dropped": N, "entries": [{"operation", "method", "path", "query",
//! "status", "faulted", "responseProblem"}, …]}` (oldest first) and
//! `DELETE /_mock/journal` empties it (204). Neither request is journaled.
//!
//! # Limits
//!
//! | limit | default | change it with | when passed |
//! |---|---|---|---|
//! | journal | 10,000 entries, a ring buffer | [`MockServerBuilder::journal_capacity`], `--journal-capacity` | the oldest entry is dropped ([`MockServer::journal_dropped`] counts them) |
//! | request body | 1 MiB ([`server::MAX_BODY_BYTES`]) | [`MockServerBuilder::max_body_bytes`], `--max-body-bytes` | 413; before reading when `Content-Length` announces it |
//! | time to send a request head | 30 s | [`MockServerBuilder::header_read_timeout`], `--header-read-timeout` | the connection is closed (also an idle keep-alive connection) |
//! | time to send a request body | 30 s | [`MockServerBuilder::body_read_timeout`], `--body-read-timeout` | 408 |
//! | request head | 100 headers, about 400 KiB; a URI of 65,534 bytes | fixed (hyper's) | 431; 414 |
//!
//! Every error status has the spec's JSON `Error` body (`statusCode`, `msg`,
//! `details`), those the HTTP layer answers by itself (400 for a request that is not
//! HTTP, 414, 431) included. Requests without a valid API key are journaled with their
//! path and query cut to 256 bytes ([`journal::UNAUTHENTICATED_TEXT_LIMIT`]);
//! [`MockServer::clear_journal`] empties the journal from code.
//!
//! # Seeding
//!
//! [`MockServer::set_credit_balance`], [`MockServer::seed_credit_transactions`] and
//! [`MockServer::seed_usage_events`] take the client's own types; [`MockServer::seed`]
//! (or the builder's [`MockServerBuilder::seed`]) takes a [`Seed`], which is also the
//! format of `--seed FILE`:
//!
//! ```json
//! {
//!   "creditBalanceCents": 1888,
//!   "creditTransactions": [
//!     {"type": "credits", "amountCents": 2500, "category": "purchase",
//!      "expiresAt": null, "createdAt": "2026-11-02T09:14:27Z"}
//!   ],
//!   "gatewayConfig": {"perRequestTimeout": "45s", "maxInputTokens": 200000},
//!   "providers": [
//!     {"id": "aigp_internal", "providerId": "internal-vllm", "name": "vLLM",
//!      "baseUrl": "https://vllm.internal/v1", "models": [{"modelId": "llama-3"}]}
//!   ],
//!   "providerKeys": [
//!     {"id": "aigpk_primary", "providerId": "openai", "name": "openai-primary",
//!      "value": "sk-proj-EXAMPLEonlyNotARealKey0000"}
//!   ],
//!   "accessKeyConfigurations": [
//!     {"id": "aigac_prod", "name": "prod",
//!      "router": {"rules": [{"provider": "openai",
//!        "steps": [{"type": "user", "keys": [{"id": "aigpk_primary"}]}]}]}}
//!   ],
//!   "accessKeys": [{"name": "bot", "accessKeyConfigurationId": "aigac_prod"}],
//!   "apiKeys": [{"name": "ci", "token": "ngai_ci_secret"}],
//!   "usageEvents": [
//!     {"id": "aigue_1", "eventTime": "2026-11-25T10:00:00Z", "requestId": "req_1",
//!      "accessKeyId": "aigk_x", "provider": "openai", "providerDisplayName": "OpenAI",
//!      "model": "gpt-4o-mini", "modelDisplayName": "GPT-4o mini", "attemptNumber": 1,
//!      "isFinalAttempt": true, "statusCode": 200, "timedOut": false, "isError": false,
//!      "isStreaming": false, "stopReason": "stop", "inputTokens": 10,
//!      "outputTokens": 20, "cacheReadTokens": 0, "reasoningTokens": 0,
//!      "totalCost": "0.00043", "keySource": "ngrok"}
//!   ]
//! }
//! ```
//!
//! Every part is optional. Resources are their create bodies plus an optional `id` (with
//! the resource's prefix) and, for `apiKeys` and `accessKeys`, an optional `token`; a
//! seeded API key with a token authenticates like the configured key. See [`Seed`].
//!
//! # Fault injection
//!
//! [`MockServer::inject`] queues a [`Fault`] for the next N calls of one operation (by
//! spec operationId, or `"*"`): an error status (optionally with `Retry-After`), added
//! latency, or a connection closed without a response. The journal marks faulted calls.
//!
//! # Decisions where the spec is silent
//!
//! * Deleting a provider still named by a provider key (`providerId`) or by an access
//!   key configuration (a router rule's `provider`, or `access.providers.allow`) → 409,
//!   as the spec says; deleting a configuration still linked to an access key → 409 as
//!   well (its `x-ngrok-references`). `details` carry `id` and `referencedBy`.
//! * A body that references a missing resource (`accessKeyConfigurationId`, a router
//!   key `id`, a provider key's `providerId` that is neither built-in nor a custom
//!   provider's) → 400 naming the field: the request is invalid, while 404 is kept for
//!   the resource in the path.
//! * Creating a custom provider with a built-in provider ID → 400; with a `providerId`
//!   another custom provider has → 409.
//! * A router step key is either `{id}` (an existing provider key) or `{name, value}`
//!   (a provider key created inline for the rule's provider); a key deleted later is no
//!   longer shown in the router.
//! * `null` for a field that the resource requires and that cannot be `null` (`name` of
//!   a configuration, provider or provider key) clears it to the empty value of its type
//!   (`""`). Gateway timeouts must be Go durations.
//! * A `groupBy` of the usage overview that the mock cannot aggregate by → 400 naming
//!   the parameter (never another grouping).
//! * Query parameters the operation does not declare are ignored; declared ones are
//!   checked (type, bounds, format, enum, at most once). Request bodies must be JSON
//!   (a `Content-Type` other than JSON → 415; over 1 MiB → 413, see "Limits").
//! * Authentication comes first, also for unknown paths (401, then 404/405).
//! * IDs are `<prefix><10 base62 digits of a counter><16 random base62>`; the counter
//!   starts at the server's start time in microseconds, so IDs sort by creation.
//! * The configured API key is not listed under `/api-keys`; keys created there
//!   authenticate too, until deleted. Unset nullable fields are sent as `null`.
//! * Usage: newest first by `eventTime` then ID; the cursor is opaque (hex of the last
//!   position). The overview's buckets are ordered by UTC day, then group key (ascending).
#![deny(missing_docs)]

pub mod account;
pub mod cli;
mod crud;
pub mod duration;
pub mod failure;
pub mod fault;
mod hooks;
mod http;
pub mod ids;
pub mod journal;
pub mod query;
pub mod render;
pub mod route;
pub mod schema;
pub mod seed;
pub mod server;
#[rustfmt::skip]
mod spec;
pub mod state;
pub mod store;
pub mod usage;
pub mod wire;

pub use fault::{Fault, FaultKind};
pub use journal::JournalEntry;
pub use route::{routes, Operation, Route};
pub use seed::{Seed, SeedError};
pub use server::{MockServer, MockServerBuilder, StartError};
pub use state::CheckoutRecord;
