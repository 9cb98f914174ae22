//! Every rule of the mock that the spec's schemas and conventions cannot express, in one
//! place. The generic store ([`crate::crud`]) serves conventional resources and calls
//! the hooks below at their points; an operation that is neither conventional nor
//! handled here answers its spec example.
//!
//! Hooks match on the generated [`Operation`] enum, so an operation the spec drops is a
//! compile error here, not a dead string (the generator also reads this file to list the
//! operations that have neither a convention nor a hook). A HEAD outside a resource
//! convention is served by the hook of the GET on its path, so only the GET is named.
//! Request bodies are read as the client's typed bodies; responses are JSON built here,
//! never the client's structs, so a field the spec adds does not break the build.
//!
//! What lives here:
//!
//! * whole operations ([`operation`]): the gateway settings singleton (defaults, Go
//!   durations), provider-key rotation, credits (balance, transactions, checkout) and
//!   usage (cursor paging, the overview);
//! * checks and reshaping before a write ([`before_write`]): a provider key's
//!   `providerId` must name a built-in or custom provider; custom providers are unique,
//!   never built-in, and their models get `aigpm_` IDs (kept across updates); a
//!   configuration's router references provider keys by ID or creates them inline;
//! * checks before a delete ([`before_delete`]): a provider still named by a provider key
//!   or a configuration is not deleted (409);
//! * fields derived when a record is read ([`decorate`]): `keyRedacted` from the secret,
//!   the access key's linked configuration, the router's keys by name;
//! * list filters ([`keep`]), token formats ([`mint_secret`]) and authentication by API
//!   key ([`authenticate`], which also sets `lastUsed`).

use std::ops::Bound;

use chrono::{DateTime, Utc};
use ngrok_ai::types;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::duration::parse_go_duration;
use crate::failure::Failure;
use crate::ids;
use crate::render;
use crate::route::{resource_of, routes, Operation, Resource};
use crate::schema::FieldError;
use crate::state::{constant_time_eq, now, Actor, Input, State};
use crate::store::{self, item_uri, noun, timestamp, Record};
use crate::usage;

/// Provider IDs of ngrok's built-in catalog (facts §1.7). Provider keys may name these
/// or a custom provider's `providerId`; custom providers may not reuse them.
pub const BUILT_IN_PROVIDERS: [&str; 11] = [
    "openai",
    "anthropic",
    "google",
    "deepseek",
    "groq",
    "moonshotai",
    "z-ai",
    "openrouter",
    "hyperbolic",
    "inceptionlabs",
    "inference-net",
];

/// Default `totalTimeout` of the gateway settings (account-settings guide).
pub const DEFAULT_TOTAL_TIMEOUT: &str = "120s";
/// Default `perRequestTimeout` of the gateway settings.
pub const DEFAULT_PER_REQUEST_TIMEOUT: &str = "60s";

/// The secret an API key or access key authenticates with (`x-ngrok-returned-once`).
const TOKEN: &str = "token";
/// A provider key's secret (`x-ngrok-write-only`).
const VALUE: &str = "value";
/// The redacted form responses show instead of a secret.
const KEY_REDACTED: &str = "keyRedacted";

// ----- lookups -------------------------------------------------------------------------

/// The resource `op` acts on.
fn resource_for(op: Operation) -> Option<&'static Resource> {
    resource_of(op).map(|(r, _)| r)
}

/// Like [`resource_for`], for hooks that cannot work without it.
fn need(op: Operation) -> Result<&'static Resource, Failure> {
    resource_for(op).ok_or_else(|| Failure::internal(format!("{} has no resource", op.spec_id())))
}

/// A request body as the client's typed body. The body already passed the schema, so a
/// failure is a mismatch between the client and the spec; serde's message is not passed
/// on, since it may quote a secret.
fn read<T: DeserializeOwned>(body: &Map<String, Value>) -> Result<T, Failure> {
    serde_json::from_value(Value::Object(body.clone())).map_err(|_| {
        let name = std::any::type_name::<T>()
            .rsplit("::")
            .next()
            .unwrap_or("?");
        Failure::invalid_body(&FieldError::new("", format!("cannot be read as {name}")))
    })
}

fn str_of<'a>(record: &'a Record, field: &str) -> Option<&'a str> {
    record.get(field).and_then(Value::as_str)
}

/// The path of `op`'s route (every operation has one).
fn route_path(op: Operation) -> &'static str {
    routes().iter().find(|r| r.op == op).map_or("", |r| r.path)
}

// ----- identities ----------------------------------------------------------------------

/// The ID prefix of API keys, which are also the actors behind requests.
pub(crate) fn actor_id_prefix() -> &'static str {
    resource_for(Operation::CreateApiKey).map_or("aigak_", |r| r.id_prefix)
}

/// The actor with API-key ID `id`: a `Ref` to it points at the API key.
pub(crate) fn actor(base_url: &str, id: &str) -> Actor {
    let uri = match resource_for(Operation::GetApiKey) {
        Some(r) => item_uri(base_url, r, id),
        None => format!("{base_url}/{id}"),
    };
    Actor {
        id: id.to_owned(),
        uri,
    }
}

/// API keys created through the API authenticate with their token until deleted; using
/// one sets its `lastUsed`.
pub(crate) fn authenticate(state: &mut State, token: &str) -> Option<Actor> {
    let r = resource_for(Operation::CreateApiKey)?;
    let used = timestamp(now());
    let (id, record) = state
        .store
        .records_mut(r)
        .find(|(_, record)| str_of(record, TOKEN).is_some_and(|t| constant_time_eq(token, t)))?;
    record.insert("lastUsed".to_owned(), used);
    let id = id.clone();
    Some(actor(&state.base_url, &id))
}

/// The ID prefix of usage events.
pub(crate) fn usage_event_id_prefix() -> &'static str {
    crate::route::id_prefix("AIGatewayUsageEvent").unwrap_or("aigue_")
}

/// A `returned_once` secret in the documented shape of its resource (`ng-…-g1-…` for
/// access keys); `None` leaves the store's generic random token.
pub(crate) fn mint_secret(r: &Resource, field: &str, id: &str) -> Option<String> {
    match (r.create, field) {
        (Some(Operation::CreateAccessKey), TOKEN) => Some(ids::access_key_token(id)),
        (Some(Operation::CreateApiKey), TOKEN) => Some(ids::api_key_token(id)),
        _ => None,
    }
}

// ----- whole operations ----------------------------------------------------------------

/// Serves `op` entirely, for operations that are not conventional resource operations:
/// the success body (sent with the operation's success status), or the error; `None`
/// for the others.
pub(crate) fn operation(
    state: &mut State,
    op: Operation,
    actor: &Actor,
    input: &Input,
) -> Option<Result<Value, Failure>> {
    Some(match op {
        Operation::GetGatewayConfig => Ok(gateway_config(state)),
        Operation::UpdateGatewayConfig => {
            update_gateway_config(state, &input.body()).map(|()| gateway_config(state))
        }
        Operation::RotateProviderApiKey => rotate_provider_key(state, actor, input),
        Operation::GetCreditBalance => Ok(json!({ "balanceCents": state.account.balance_cents })),
        Operation::GetCreditTransactions => credit_transactions(state),
        Operation::CreateCheckoutSession => checkout(state, &input.body()),
        Operation::ListUsage => list_usage(state, input),
        Operation::GetUsageOverview => usage_overview(state, input),
        _ => return None,
    })
}

/// The gateway settings before any update: the documented default timeouts, no limits.
pub(crate) fn default_gateway_config() -> Map<String, Value> {
    let mut settings = Map::new();
    settings.insert("totalTimeout".into(), json!(DEFAULT_TOTAL_TIMEOUT));
    settings.insert(
        "perRequestTimeout".into(),
        json!(DEFAULT_PER_REQUEST_TIMEOUT),
    );
    for unset in ["maxInputTokens", "maxOutputTokens", "metadata"] {
        settings.insert(unset.into(), Value::Null);
    }
    settings
}

fn gateway_config(state: &State) -> Value {
    let mut out = state.account.gateway.clone();
    out.insert("accountId".into(), json!(state.account.account_id));
    let uri = format!(
        "{}{}",
        state.base_url,
        route_path(Operation::GetGatewayConfig)
    );
    out.insert("uri".into(), json!(uri));
    Value::Object(out)
}

/// PATCH of the settings singleton: timeouts must be Go durations; omitted fields stay,
/// `null` clears (every clearable setting is nullable), values are set.
fn update_gateway_config(state: &mut State, body: &Map<String, Value>) -> Result<(), Failure> {
    let update: types::AiGatewayConfigUpdate = read(body)?;
    for (field, value) in [
        ("totalTimeout", &update.total_timeout),
        ("perRequestTimeout", &update.per_request_timeout),
    ] {
        if value
            .as_deref()
            .is_some_and(|text| parse_go_duration(text).is_none())
        {
            return Err(Failure::invalid_body(&FieldError::new(
                format!("/{field}"),
                "must be a Go duration such as `30s`, `1m30s` or `2m`",
            )));
        }
    }
    for (name, value) in body {
        state.account.gateway.insert(name.clone(), value.clone());
    }
    Ok(())
}

/// Applies a seed's `AIGatewayConfigUpdate` body.
pub(crate) fn seed_gateway_config(state: &mut State, update: Value) -> Result<(), String> {
    crate::schema::validate("AIGatewayConfigUpdate", &update).map_err(|e| e.to_string())?;
    let body = update.as_object().cloned().unwrap_or_default();
    update_gateway_config(state, &body).map_err(|f| f.msg)
}

/// `POST /provider-keys/{id}/rotate`: a new secret (and name) for an existing key.
fn rotate_provider_key(state: &mut State, actor: &Actor, input: &Input) -> Result<Value, Failure> {
    let r = need(Operation::GetProviderApiKey)?;
    let id = input.id();
    state.find(r, id)?;
    let body = input.body();
    let _: types::AiGatewayProviderApiKeyRotate = read(&body)?;
    let record = state
        .store
        .get_mut(r, id)
        .ok_or_else(|| Failure::not_found(&noun(r), id))?;
    store::apply_body(r, record, &body);
    store::stamp_update(r, record, actor, now());
    let record = state.find(r, id)?;
    Ok(render::record(state, r, record, false))
}

fn credit_transactions(state: &State) -> Result<Value, Failure> {
    let mut items = state
        .account
        .transactions
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|e| Failure::internal(format!("serialize: {e}")))?;
    let created = |item: &Value| {
        item.get("createdAt")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
    };
    // Newest first; equal times keep their seeded order.
    items.sort_by_key(|item| std::cmp::Reverse(created(item)));
    Ok(json!({ "items": items }))
}

/// A Stripe-like checkout session; the balance does not change.
fn checkout(state: &mut State, body: &Map<String, Value>) -> Result<Value, Failure> {
    let request: types::CheckoutSessionCreate = read(body)?;
    let session_id = format!("cs_test_{}", ids::random_base62(32));
    state
        .account
        .checkouts
        .push(crate::account::CheckoutRecord {
            session_id: session_id.clone(),
            amount_cents: i64::try_from(request.amount.get()).unwrap_or(i64::MAX),
        });
    Ok(json!({
        "sessionId": session_id,
        "sessionUrl": format!("https://checkout.stripe.com/c/pay/{session_id}"),
    }))
}

/// `startTime` (required) and `endTime` (default: now) of a usage query.
fn window(input: &Input) -> Result<(DateTime<Utc>, DateTime<Utc>), Failure> {
    let parse = |name: &str| -> Result<Option<DateTime<Utc>>, Failure> {
        match input.param(name) {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| Failure::invalid_query(name, "must be an RFC 3339 date-time")),
        }
    };
    let start =
        parse("startTime")?.ok_or_else(|| Failure::invalid_query("startTime", "is required"))?;
    let end = parse("endTime")?.unwrap_or_else(Utc::now);
    Ok((start, end))
}

/// `GET /usage`: newest first by (eventTime, ID), paged by an opaque cursor.
fn list_usage(state: &State, input: &Input) -> Result<Value, Failure> {
    let (start, end) = window(input)?;
    let access_key = input.param("accessKeyId");
    let retries = input.param("includeRetries") == Some("true");
    let limit = input
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(crate::crud::DEFAULT_LIMIT);
    let upper =
        match input.param("cursor") {
            Some(cursor) => Bound::Excluded(usage::decode_cursor(cursor).ok_or_else(|| {
                Failure::invalid_query("cursor", "is not a cursor from nextPageUri")
            })?),
            None => Bound::Unbounded,
        };
    let mut page = Vec::new();
    let mut more = false;
    for (key, (event, _)) in state.account.usage.range((Bound::Unbounded, upper)).rev() {
        let keep = event.event_time >= start
            && event.event_time <= end
            && access_key.is_none_or(|a| event.access_key_id == a)
            && (retries || event.is_final_attempt);
        if !keep {
            continue;
        }
        if page.len() == limit {
            more = true;
            break;
        }
        page.push((key, event));
    }
    let next = more.then(|| page.last()).flatten().map(|(key, _)| {
        render::next_uri(&state.base_url, input, "cursor", &usage::encode_cursor(key))
    });
    let items = page
        .iter()
        .map(|(_, event)| serde_json::to_value(event))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::internal(format!("serialize: {e}")))?;
    let items_key = routes()
        .iter()
        .find(|r| r.op == Operation::ListUsage)
        .and_then(|r| r.pagination)
        .map_or("aiGatewayUsage", |p| p.items);
    let uri = render::request_uri(&state.base_url, input);
    Ok(render::list(items_key, items, uri, next))
}

/// `GET /usage/overview`: daily buckets per provider or access key. A `groupBy` value
/// this hook does not aggregate by is refused, never read as another grouping.
fn usage_overview(state: &State, input: &Input) -> Result<Value, Failure> {
    let (start, end) = window(input)?;
    let unsupported =
        || Failure::invalid_query("groupBy", "the mock cannot group usage by this value");
    let group_by = match input.param("groupBy") {
        Some(text) => text
            .parse::<types::GetUsageOverviewGroupBy>()
            .map_err(|_| unsupported())?,
        None => types::GetUsageOverviewGroupBy::default(),
    };
    let group_key: fn(&types::AiGatewayUsageEvent) -> &str = match group_by {
        types::GetUsageOverviewGroupBy::Provider => |e| e.provider.as_str(),
        types::GetUsageOverviewGroupBy::AccessKey => |e| e.access_key_id.as_str(),
        // A grouping the spec adds later is refused until it is implemented here.
        #[allow(unreachable_patterns)]
        _ => return Err(unsupported()),
    };
    let events = state
        .account
        .usage
        .values()
        .filter(|(e, _)| e.event_time >= start && e.event_time <= end);
    let uri = render::request_uri(&state.base_url, input);
    Ok(usage::overview(events, group_key, uri))
}

// ----- before writes -------------------------------------------------------------------

/// Checks and reshapes the body of a create (`id` = `None`) or update of a conventional
/// resource, after the generic checks and before the store applies it.
pub(crate) fn before_write(
    state: &mut State,
    op: Operation,
    actor: &Actor,
    id: Option<&str>,
    body: &mut Map<String, Value>,
) -> Result<(), Failure> {
    match op {
        Operation::CreateProviderApiKey => {
            let create: types::AiGatewayProviderApiKeyCreate = read(body)?;
            if !provider_known(state, &create.provider_id) {
                return Err(Failure::invalid_body(&FieldError::new(
                    "/providerId",
                    "is neither a built-in provider nor the providerId of a custom provider",
                )));
            }
        }
        Operation::CreateProvider => {
            let create: types::AiGatewayProviderCreate = read(body)?;
            check_new_provider(state, &create.provider_id)?;
            if let Some(models) = body.get_mut("models") {
                assign_model_ids(state, models, &[]);
            }
        }
        Operation::UpdateProvider => {
            let update: types::AiGatewayProviderUpdate = read(body)?;
            if let Some(ngrok_ai::Nullable::Value(_)) = update.models {
                let r = need(Operation::GetProvider)?;
                let existing = id
                    .and_then(|id| state.store.get(r, id))
                    .and_then(|p| p.get("models"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if let Some(models) = body.get_mut("models") {
                    assign_model_ids(state, models, &existing);
                }
            }
        }
        Operation::CreateAccessKeyConfiguration => {
            let create: types::AiGatewayAccessKeyConfigurationCreate = read(body)?;
            if let (Some(router), Some(raw)) = (create.router, body.get_mut("router")) {
                resolve_router(state, actor, &router, raw)?;
            }
        }
        Operation::UpdateAccessKeyConfiguration => {
            let update: types::AiGatewayAccessKeyConfigurationUpdate = read(body)?;
            if let (Some(ngrok_ai::Nullable::Value(router)), Some(raw)) =
                (update.router, body.get_mut("router"))
            {
                resolve_router(state, actor, &router, raw)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether `provider` names a built-in provider or a custom one (by `providerId`).
fn provider_known(state: &State, provider: &str) -> bool {
    BUILT_IN_PROVIDERS.contains(&provider)
        || resource_for(Operation::GetProvider).is_some_and(|r| {
            state
                .store
                .records(r)
                .any(|(_, p)| str_of(p, "providerId") == Some(provider))
        })
}

/// A custom provider may not take a built-in ID (400) or another custom one's (409).
fn check_new_provider(state: &State, provider_id: &str) -> Result<(), Failure> {
    if BUILT_IN_PROVIDERS.contains(&provider_id) {
        return Err(Failure::invalid_body(&FieldError::new(
            "/providerId",
            "names a built-in catalog provider, which cannot be created",
        )));
    }
    let r = need(Operation::GetProvider)?;
    if let Some((other, _)) = state
        .store
        .records(r)
        .find(|(_, p)| str_of(p, "providerId") == Some(provider_id))
    {
        return Err(Failure::new(
            409,
            format!("a provider with providerId {provider_id} already exists"),
        )
        .detail("providerId", provider_id)
        .detail("existing", other.clone()));
    }
    Ok(())
}

/// Gives each model of a provider body its record ID: the one it had in `existing` (same
/// `modelId`), else a fresh `aigpm_…`.
fn assign_model_ids(state: &State, models: &mut Value, existing: &[Value]) {
    let prefix = crate::route::id_prefix("AIGatewayProviderModel").unwrap_or("aigpm_");
    for model in models.as_array_mut().into_iter().flatten() {
        let Some(object) = model.as_object_mut() else {
            continue;
        };
        let model_id = object.get("modelId").cloned();
        let kept = existing
            .iter()
            .find(|m| model_id.is_some() && m.get("modelId") == model_id.as_ref())
            .and_then(|m| m.get("id"))
            .cloned();
        let id = kept.unwrap_or_else(|| json!(state.ids.next(prefix)));
        object.insert("id".into(), id);
    }
}

/// Resolves a `RouterWrite` in place (`raw` is the body's `router`): each step key is
/// either `{id}` of an existing provider key, or `{name, value}` of a key created here
/// for the rule's provider; both are stored as `{id}` and shown by name at read time.
/// Everything is checked before anything is created.
fn resolve_router(
    state: &mut State,
    actor: &Actor,
    router: &types::RouterWrite,
    raw: &mut Value,
) -> Result<(), Failure> {
    let keys = need(Operation::CreateProviderApiKey)?;
    let rules = router.rules.as_deref().unwrap_or_default();
    // Every step key with its JSON pointer inside `router`, and its rule.
    let step_keys = || {
        rules.iter().enumerate().flat_map(|(ri, rule)| {
            rule.steps.iter().enumerate().flat_map(move |(si, step)| {
                step.keys
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(move |(ki, key)| {
                        (ri, rule, format!("/rules/{ri}/steps/{si}/keys/{ki}"), key)
                    })
            })
        })
    };
    for (ri, rule, at, key) in step_keys() {
        check_step_key(state, keys, rule, key).map_err(|(problem, reason)| {
            let pointer = match problem {
                KeyProblem::Key(field) => format!("/router{at}{field}"),
                KeyProblem::RuleProvider => format!("/router/rules/{ri}/provider"),
            };
            Failure::invalid_body(&FieldError::new(pointer, reason))
        })?;
    }
    let mut resolved = Vec::new();
    for (_, rule, at, key) in step_keys() {
        let id = match &key.id {
            Some(id) => id.clone(),
            None => {
                let mut body = Map::new();
                let provider = rule.provider.as_deref().unwrap_or_default();
                let value = key.value.as_ref().map(|v| v.expose_secret());
                body.insert("providerId".into(), json!(provider));
                body.insert(
                    "name".into(),
                    json!(key.name.as_deref().unwrap_or_default()),
                );
                body.insert(VALUE.into(), json!(value.unwrap_or_default()));
                let id = state.ids.next(keys.id_prefix);
                let record = state.new_record(keys, &id, &body, actor);
                state.store.insert(keys, id.clone(), record);
                id
            }
        };
        resolved.push((at, id));
    }
    for (at, id) in resolved {
        if let Some(slot) = raw.pointer_mut(&at) {
            *slot = json!({ "id": id });
        }
    }
    Ok(())
}

/// Where a router step key is wrong: a field of the key, or its rule's `provider`.
enum KeyProblem {
    Key(&'static str),
    RuleProvider,
}

/// Checks one step key of a router rule: `{id}` of an existing provider key, or `{name,
/// value}` for a rule whose provider is known.
fn check_step_key(
    state: &State,
    keys: &Resource,
    rule: &types::RouterRuleWrite,
    key: &types::RouterStepKeyWrite,
) -> Result<(), (KeyProblem, &'static str)> {
    use KeyProblem::{Key, RuleProvider};
    match (&key.id, &key.name, &key.value) {
        (Some(id), None, None) if state.store.contains(keys, id) => Ok(()),
        (Some(_), None, None) => Err((Key("/id"), "no provider key with this ID")),
        (None, Some(_), Some(_)) => match rule.provider.as_deref() {
            Some(p) if provider_known(state, p) => Ok(()),
            Some(_) => Err((
                RuleProvider,
                "unknown provider (needed to store an inline key)",
            )),
            None => Err((RuleProvider, "is required when a step creates a key inline")),
        },
        (None, None, None) => Err((Key(""), "needs `id`, or `name` and `value`")),
        (None, Some(_), None) => Err((Key("/value"), "is required with `name`")),
        (None, None, Some(_)) => Err((Key("/name"), "is required with `value`")),
        (Some(_), _, _) => Err((
            Key("/id"),
            "either reference a key by `id` or create one with `name` and `value`, not both",
        )),
    }
}

// ----- before deletes ------------------------------------------------------------------

/// Refuses a delete the spec's `x-ngrok-references` cannot describe: a custom provider
/// is referenced by its ID or `providerId` from provider keys, router rules and access
/// scopes.
pub(crate) fn before_delete(state: &State, op: Operation, id: &str) -> Result<(), Failure> {
    if op != Operation::DeleteProvider {
        return Ok(());
    }
    let providers = need(Operation::GetProvider)?;
    let slug = state
        .store
        .get(providers, id)
        .and_then(|p| str_of(p, "providerId"))
        .unwrap_or_default()
        .to_owned();
    let names = |s: &str| s == id || s == slug;
    let by_key = resource_for(Operation::GetProviderApiKey).and_then(|keys| {
        state
            .store
            .records(keys)
            .find(|(_, k)| str_of(k, "providerId").is_some_and(names))
            .map(|(key_id, _)| key_id.clone())
    });
    let by_config = || {
        let configs = resource_for(Operation::GetAccessKeyConfiguration)?;
        state
            .store
            .records(configs)
            .find(|(_, c)| {
                let in_rules = c
                    .get("router")
                    .and_then(|r| r.get("rules"))
                    .and_then(Value::as_array)
                    .is_some_and(|rules| {
                        rules.iter().any(|rule| {
                            rule.get("provider")
                                .and_then(Value::as_str)
                                .is_some_and(names)
                        })
                    });
                let in_access = c
                    .get("access")
                    .and_then(|a| a.pointer("/providers/allow"))
                    .and_then(Value::as_array)
                    .is_some_and(|allow| allow.iter().filter_map(Value::as_str).any(names));
                in_rules || in_access
            })
            .map(|(config_id, _)| config_id.clone())
    };
    match by_key.or_else(by_config) {
        Some(by) => {
            Err(Failure::still_referenced(&noun(providers), id, &by).detail("providerId", slug))
        }
        None => Ok(()),
    }
}

// ----- reads ---------------------------------------------------------------------------

/// Whether a list shows `record`: provider keys can be filtered by `provider`.
pub(crate) fn keep(op: Operation, input: &Input, record: &Record) -> bool {
    match op {
        Operation::ListProviderApiKeys => input
            .param("provider")
            .is_none_or(|p| str_of(record, "providerId") == Some(p)),
        _ => true,
    }
}

/// Adds the fields of a rendered record that are derived from other data when it is
/// read. Resources are told apart by their read operation, so a renamed one is a
/// compile error here.
pub(crate) fn decorate(state: &State, r: &Resource, record: &Record, out: &mut Map<String, Value>) {
    match r.get {
        Some(Operation::GetAccessKey) => {
            redact(out, record, TOKEN, |t| ids::redact_token(t, 8));
            let link = str_of(record, "accessKeyConfigurationId").and_then(|config_id| {
                let configs = resource_for(Operation::GetAccessKeyConfiguration)?;
                let config = state.store.get(configs, config_id)?;
                Some(json!({
                    "id": config_id,
                    "uri": item_uri(&state.base_url, configs, config_id),
                    "name": config.get("name").cloned().unwrap_or(Value::Null),
                }))
            });
            if let Some(link) = link {
                out.insert("accessKeyConfiguration".into(), link);
            }
        }
        Some(Operation::GetApiKey) => redact(out, record, TOKEN, |t| ids::redact_token(t, 9)),
        Some(Operation::GetProviderApiKey) => redact(out, record, VALUE, ids::redact_provider_key),
        Some(Operation::GetAccessKeyConfiguration) => {
            if let Some(router) = record.get("router") {
                out.insert("router".into(), render_router(state, router));
            }
        }
        _ => {}
    }
}

/// `keyRedacted` from the stored secret `field`.
fn redact(
    out: &mut Map<String, Value>,
    record: &Record,
    field: &str,
    how: impl Fn(&str) -> String,
) {
    if let Some(secret) = str_of(record, field) {
        out.insert(KEY_REDACTED.into(), Value::String(how(secret)));
    }
}

/// A stored router with each step key `{id}` shown as `{id, name, keyRedacted}`; a key
/// deleted since is no longer shown.
fn render_router(state: &State, stored: &Value) -> Value {
    let mut router = stored.clone();
    let keys = resource_for(Operation::GetProviderApiKey);
    let rules = router.get_mut("rules").and_then(Value::as_array_mut);
    for rule in rules.into_iter().flatten() {
        let steps = rule.get_mut("steps").and_then(Value::as_array_mut);
        for step in steps.into_iter().flatten() {
            let Some(list) = step.get_mut("keys").and_then(Value::as_array_mut) else {
                continue;
            };
            let shown = list
                .iter()
                .filter_map(|key| {
                    let id = key.get("id")?.as_str()?;
                    let record = state.store.get(keys?, id)?;
                    let redacted =
                        ids::redact_provider_key(str_of(record, VALUE).unwrap_or_default());
                    Some(json!({
                        "id": id,
                        "name": record.get("name").cloned().unwrap_or(Value::Null),
                        KEY_REDACTED: redacted,
                    }))
                })
                .collect();
            *list = shown;
        }
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(query: &str) -> Input {
        Input {
            query_pairs: crate::query::pairs(Some(query)),
            raw_query: Some(query.to_owned()),
            path: "/usage/overview".into(),
            ..Input::default()
        }
    }

    #[test]
    fn overview_groupings_are_typed() {
        let state = State::new("http://mock", "key");
        assert!(usage_overview(&state, &input("startTime=2026-01-01T00:00:00Z")).is_ok());
        assert!(usage_overview(
            &state,
            &input("startTime=2026-01-01T00:00:00Z&groupBy=accessKey")
        )
        .is_ok());
        let err = usage_overview(
            &state,
            &input("startTime=2026-01-01T00:00:00Z&groupBy=model"),
        )
        .unwrap_err();
        assert_eq!(
            (err.status, err.details["field"].as_str()),
            (400, "groupBy")
        );
    }

    #[test]
    fn gateway_settings_default_and_validate() {
        let mut state = State::new("http://mock", "key");
        let settings = gateway_config(&state);
        assert_eq!(settings["totalTimeout"], DEFAULT_TOTAL_TIMEOUT);
        assert!(settings["maxInputTokens"].is_null());
        let bad: Map<String, Value> =
            serde_json::from_value(json!({"perRequestTimeout": "soon"})).unwrap();
        let err = update_gateway_config(&mut state, &bad).unwrap_err();
        assert_eq!(err.details["field"], "/perRequestTimeout");
        assert!(seed_gateway_config(&mut state, json!({"maxInputTokens": 5})).is_ok());
        assert_eq!(gateway_config(&state)["maxInputTokens"], 5);
    }
}
