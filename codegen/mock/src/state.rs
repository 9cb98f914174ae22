//! The fake account: one store per resource, and the operations on them.
//!
//! Every operation takes request data that has already passed the spec's checks (auth,
//! query parameters, body schema) and applies the rules the schema cannot express:
//! references between resources, PATCH's omit / null / value, pagination, tokens shown
//! once, redaction, usage aggregation.

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;

use chrono::{DateTime, SubsecRound, Utc};
use ngrok_ai::types;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::failure::Failure;
use crate::ids::{self, IdGen};
use crate::route::id_prefix;
use crate::schema::FieldError;
use crate::usage::{self, Cost};

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

/// Page size when `limit` is omitted (spec/README.md §5.3).
pub const DEFAULT_LIMIT: usize = 100;

/// Who made a request: the bootstrap key or an API key created through the API.
#[derive(Debug, Clone)]
pub struct Actor {
    /// ID of the API key (`aigak_…`).
    pub id: String,
}

/// Creation and modification stamps shared by every resource.
#[derive(Debug, Clone)]
struct Stamps {
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    created_by: String,
    last_updated_by: String,
}

impl Stamps {
    fn new(actor: &Actor, now: DateTime<Utc>) -> Self {
        Self {
            created_at: now,
            updated_at: now,
            created_by: actor.id.clone(),
            last_updated_by: actor.id.clone(),
        }
    }

    fn touch(&mut self, actor: &Actor, now: DateTime<Utc>) {
        self.updated_at = now;
        self.last_updated_by = actor.id.clone();
    }
}

#[derive(Debug, Clone)]
struct AccessKey {
    name: Option<String>,
    description: Option<String>,
    metadata: Option<String>,
    config_id: Option<String>,
    key_redacted: String,
    last_used: Option<DateTime<Utc>>,
    stamps: Stamps,
}

#[derive(Debug, Clone)]
struct ApiKey {
    name: Option<String>,
    description: Option<String>,
    metadata: Option<String>,
    token: String,
    key_redacted: String,
    last_used: Option<DateTime<Utc>>,
    stamps: Stamps,
}

#[derive(Debug, Clone)]
struct ProviderKey {
    provider_id: String,
    name: String,
    description: Option<String>,
    metadata: Option<String>,
    /// The secret; never rendered.
    value: String,
    last_used: Option<DateTime<Utc>>,
    stamps: Stamps,
}

#[derive(Debug, Clone)]
struct Provider {
    provider_id: String,
    name: String,
    base_url: String,
    metadata: Option<String>,
    /// Raw `SupportedAPISurface` array (validated), so `[]` and absent stay apart.
    supported_api_surfaces: Option<Value>,
    /// (model record ID, modelId)
    models: Vec<(String, String)>,
    stamps: Stamps,
}

#[derive(Debug, Clone)]
struct Step {
    kind: String,
    /// Provider key IDs; `None` when the request had no `keys`.
    keys: Option<Vec<String>>,
    strategy: Option<String>,
}

#[derive(Debug, Clone)]
struct Rule {
    provider: Option<String>,
    model: Option<String>,
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
struct Config {
    name: String,
    description: Option<String>,
    metadata: Option<String>,
    /// Raw `AccessScope` (validated): `allow: []` (nothing) differs from no `allow` (all).
    access: Option<Value>,
    /// `Some(None)` is `router: {}`.
    router: Option<Option<Vec<Rule>>>,
    stamps: Stamps,
}

#[derive(Debug, Clone)]
struct GatewayConfig {
    total_timeout: String,
    per_request_timeout: String,
    max_input_tokens: Option<i64>,
    max_output_tokens: Option<i64>,
    metadata: Option<String>,
}

/// A checkout session the mock handed out (the balance does not change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRecord {
    /// `sessionId` returned to the caller.
    pub session_id: String,
    /// Requested amount in cents.
    pub amount_cents: i64,
}

/// Request data an operation needs, already checked against the spec.
#[derive(Debug, Default)]
pub struct Input {
    /// The `{id}` path parameter.
    pub id: Option<String>,
    /// Query parameters as received, in order (for `uri` / `nextPageUri`).
    pub query_pairs: Vec<(String, String)>,
    /// The raw query string, if any.
    pub raw_query: Option<String>,
    /// The request body (validated against the operation's schema).
    pub body: Option<Value>,
    /// The path as requested.
    pub path: String,
}

impl Input {
    fn param(&self, name: &str) -> Option<&str> {
        self.query_pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    fn body(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.body
            .as_ref()
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }
}

/// What an operation answers with.
#[derive(Debug)]
pub struct Output {
    /// HTTP status.
    pub status: u16,
    /// JSON body, if any.
    pub body: Option<Value>,
}

type OpResult = Result<Output, Failure>;

/// The whole fake account.
#[derive(Debug)]
pub struct State {
    base_url: String,
    account_id: String,
    /// The bootstrap key's (unlisted) API-key ID.
    bootstrap_actor: String,
    bootstrap_token: String,
    ids: IdGen,
    access_keys: BTreeMap<String, AccessKey>,
    api_keys: BTreeMap<String, ApiKey>,
    provider_keys: BTreeMap<String, ProviderKey>,
    providers: BTreeMap<String, Provider>,
    configs: BTreeMap<String, Config>,
    gateway: GatewayConfig,
    balance_cents: i64,
    transactions: Vec<types::CreditTransactionItem>,
    usage: BTreeMap<(DateTime<Utc>, String), (types::AiGatewayUsageEvent, Cost)>,
    checkouts: Vec<CheckoutRecord>,
}

/// 2xx with a body.
fn ok(status: u16, body: Value) -> OpResult {
    Ok(Output {
        status,
        body: Some(body),
    })
}

/// 204 No Content, the answer to every successful DELETE.
fn deleted() -> OpResult {
    Ok(Output {
        status: 204,
        body: None,
    })
}

/// Removes `id` from `store`, or the 404 naming `kind`.
fn remove_or_not_found<R>(
    store: &mut BTreeMap<String, R>,
    kind: &str,
    id: &str,
) -> Result<R, Failure> {
    store.remove(id).ok_or_else(|| Failure::not_found(kind, id))
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::internal(format!("serialize: {e}")))
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// A PATCH field: omitted, explicit `null`, or a value.
enum Patch<T> {
    Absent,
    Null,
    Value(T),
}

fn patch<T: DeserializeOwned>(body: &Map<String, Value>, field: &str) -> Result<Patch<T>, Failure> {
    match body.get(field) {
        None => Ok(Patch::Absent),
        Some(Value::Null) => Ok(Patch::Null),
        Some(value) => serde_json::from_value(value.clone())
            .map(Patch::Value)
            .map_err(|e| {
                Failure::invalid_body(&FieldError::new(format!("/{field}"), e.to_string()))
            }),
    }
}

/// Applies a PATCH to an optional field.
fn apply_opt<T: DeserializeOwned>(
    body: &Map<String, Value>,
    field: &str,
    target: &mut Option<T>,
) -> Result<(), Failure> {
    match patch(body, field)? {
        Patch::Absent => {}
        Patch::Null => *target = None,
        Patch::Value(v) => *target = Some(v),
    }
    Ok(())
}

/// Applies a PATCH to a field the resource always has: `null` stores the empty value
/// (the resource schema requires the field, so it cannot disappear).
fn apply_required<T: DeserializeOwned + Default>(
    body: &Map<String, Value>,
    field: &str,
    target: &mut T,
) -> Result<(), Failure> {
    match patch(body, field)? {
        Patch::Absent => {}
        Patch::Null => *target = T::default(),
        Patch::Value(v) => *target = v,
    }
    Ok(())
}

fn str_field(body: &Map<String, Value>, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// Parses `limit` (already checked against the spec's bounds).
fn limit_of(input: &Input) -> usize {
    input
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(DEFAULT_LIMIT)
}

/// The page of `map` (descending ID order) that comes before `before`.
fn page_before<'a, R>(
    map: &'a BTreeMap<String, R>,
    before: Option<&str>,
    limit: usize,
    keep: impl Fn(&R) -> bool,
) -> (Vec<(&'a String, &'a R)>, bool) {
    let upper = match before {
        Some(b) => Bound::Excluded(b),
        None => Bound::Unbounded,
    };
    let mut items = Vec::new();
    let mut more = false;
    for (id, r) in map.range::<str, _>((Bound::Unbounded, upper)).rev() {
        if !keep(r) {
            continue;
        }
        if items.len() == limit {
            more = true;
            break;
        }
        items.push((id, r));
    }
    (items, more)
}

impl State {
    /// A fresh account served at `base_url`, authenticated by `api_key`.
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let ids = IdGen::new();
        let bootstrap_actor = ids.next(id_prefix("AIGatewayAPIKey").unwrap_or("aigak_"));
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            account_id: format!("acct_{}", ids::random_base62(26)),
            bootstrap_actor,
            bootstrap_token: api_key.to_owned(),
            ids,
            access_keys: BTreeMap::new(),
            api_keys: BTreeMap::new(),
            provider_keys: BTreeMap::new(),
            providers: BTreeMap::new(),
            configs: BTreeMap::new(),
            gateway: GatewayConfig {
                total_timeout: DEFAULT_TOTAL_TIMEOUT.into(),
                per_request_timeout: DEFAULT_PER_REQUEST_TIMEOUT.into(),
                max_input_tokens: None,
                max_output_tokens: None,
                metadata: None,
            },
            balance_cents: 0,
            transactions: Vec::new(),
            usage: BTreeMap::new(),
            checkouts: Vec::new(),
        }
    }

    /// The base URL resources' `uri`s start with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The actor behind a bearer token: the bootstrap key, or a live API key (whose
    /// `lastUsed` is updated).
    pub fn authenticate(&mut self, token: &str) -> Option<Actor> {
        if constant_time_eq(token, &self.bootstrap_token) {
            return Some(Actor {
                id: self.bootstrap_actor.clone(),
            });
        }
        let now = now();
        for (id, key) in self.api_keys.iter_mut() {
            if constant_time_eq(token, &key.token) {
                key.last_used = Some(now);
                return Some(Actor { id: id.clone() });
            }
        }
        None
    }

    fn uri(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn actor_ref(&self, id: &str) -> types::Ref {
        types::Ref {
            id: id.to_owned(),
            uri: self.uri(&format!("/api-keys/{id}")),
        }
    }

    fn mint(&self, schema: &str) -> String {
        self.ids.next(id_prefix(schema).unwrap_or("id_"))
    }

    /// `uri` of a list response: the request as received.
    fn list_uri(&self, input: &Input) -> String {
        match &input.raw_query {
            Some(q) if !q.is_empty() => format!("{}{}?{q}", self.base_url, input.path),
            _ => self.uri(&input.path),
        }
    }

    /// `nextPageUri`: the request with `param` set to `value` (first) and the other
    /// parameters kept as received.
    fn next_uri(&self, input: &Input, param: &str, value: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair(param, value);
        for (k, v) in &input.query_pairs {
            if k != param {
                query.append_pair(k, v);
            }
        }
        format!("{}{}?{}", self.base_url, input.path, query.finish())
    }

    /// One page of `store`, newest first, before the request's `beforeId`, of the items
    /// `keep` accepts: each rendered, in the list wrapper with `uri` and `nextPageUri`.
    fn list_page<R>(
        &self,
        input: &Input,
        items_key: &str,
        store: &BTreeMap<String, R>,
        keep: impl Fn(&R) -> bool,
        render: impl Fn(&str, &R) -> Result<Value, Failure>,
    ) -> OpResult {
        let (page, more) = page_before(store, input.param("beforeId"), limit_of(input), keep);
        let items = page
            .iter()
            .map(|(id, r)| render(id, r))
            .collect::<Result<Vec<_>, _>>()?;
        let next = more
            .then(|| page.last())
            .flatten()
            .map(|(id, _)| self.next_uri(input, "beforeId", id));
        ok(
            200,
            json!({ items_key: items, "uri": self.list_uri(input), "nextPageUri": next }),
        )
    }

    /// Runs the operation `operation` (a spec operationId).
    pub fn dispatch(&mut self, operation: &str, actor: &Actor, input: &Input) -> OpResult {
        match operation {
            "ListAIGatewayAccessKeyConfigurations" | "HeadAIGatewayAccessKeyConfigurations" => {
                self.list_configs(input)
            }
            "CreateAIGatewayAccessKeyConfiguration" => self.create_config(actor, input.body()),
            "GetAIGatewayAccessKeyConfiguration" | "HeadAIGatewayAccessKeyConfiguration" => {
                self.get_config(input.id())
            }
            "UpdateAIGatewayAccessKeyConfiguration" => {
                self.update_config(actor, input.id(), input.body())
            }
            "DeleteAIGatewayAccessKeyConfiguration" => self.delete_config(input.id()),

            "ListAIGatewayAccessKeys" | "HeadAIGatewayAccessKeys" => self.list_access_keys(input),
            "CreateAIGatewayAccessKey" => self.create_access_key(actor, input.body()),
            "GetAIGatewayAccessKey" | "HeadAIGatewayAccessKey" => {
                self.get_access_key(input.id(), None)
            }
            "UpdateAIGatewayAccessKey" => self.update_access_key(actor, input.id(), input.body()),
            "DeleteAIGatewayAccessKey" => self.delete_access_key(input.id()),

            "ListAIGatewayAPIKeys" | "HeadAIGatewayAPIKeys" => self.list_api_keys(input),
            "CreateAIGatewayAPIKey" => self.create_api_key(actor, input.body()),
            "GetAIGatewayAPIKey" | "HeadAIGatewayAPIKey" => self.get_api_key(input.id(), false),
            "UpdateAIGatewayAPIKey" => self.update_api_key(actor, input.id(), input.body()),
            "DeleteAIGatewayAPIKey" => self.delete_api_key(input.id()),

            "ListAIGatewayProviderAPIKeys" => self.list_provider_keys(input, true),
            "HeadAIGatewayProviderAPIKeys" => self.list_provider_keys(input, false),
            "CreateAIGatewayProviderAPIKey" => self.create_provider_key(actor, input.body()),
            "GetAIGatewayProviderAPIKey" | "HeadAIGatewayProviderAPIKey" => {
                self.get_provider_key(input.id(), 200)
            }
            "UpdateAIGatewayProviderAPIKey" => {
                self.update_provider_key(actor, input.id(), input.body())
            }
            "DeleteAIGatewayProviderAPIKey" => self.delete_provider_key(input.id()),
            "RotateAIGatewayProviderAPIKey" => {
                self.rotate_provider_key(actor, input.id(), input.body())
            }

            "ListAIGatewayProviders" | "HeadAIGatewayProviders" => self.list_providers(input),
            "CreateAIGatewayProvider" => self.create_provider(actor, input.body()),
            "GetAIGatewayProvider" | "HeadAIGatewayProvider" => self.get_provider(input.id(), 200),
            "UpdateAIGatewayProvider" => self.update_provider(actor, input.id(), input.body()),
            "DeleteAIGatewayProvider" => self.delete_provider(input.id()),

            "GetCreditTransactions" => self.credit_transactions(),
            "GetCreditBalance" => ok(
                200,
                to_value(&types::CreditBalance {
                    balance_cents: self.balance_cents,
                })?,
            ),
            "CreateCheckoutSession" => self.checkout(input.body()),

            "GetAIGatewayConfig" | "HeadAIGatewayConfig" => self.gateway_config(200),
            "UpdateAIGatewayConfig" => self.update_gateway_config(input.body()),

            "ListAIGatewayUsage" => self.list_usage(input),
            "GetAIGatewayUsageOverview" => self.usage_overview(input),

            other => Err(Failure::new(
                501,
                format!("the mock does not implement {other}"),
            )),
        }
    }

    // ----- access key configurations -------------------------------------------------

    fn render_router(&self, rules: &Option<Vec<Rule>>) -> Value {
        let Some(rules) = rules else {
            return json!({});
        };
        let rules: Vec<Value> = rules
            .iter()
            .map(|rule| {
                let steps: Vec<Value> = rule
                    .steps
                    .iter()
                    .map(|step| {
                        let mut s = Map::new();
                        s.insert("type".into(), json!(step.kind));
                        if let Some(keys) = &step.keys {
                            // A key deleted since is no longer shown.
                            let keys: Vec<Value> = keys
                                .iter()
                                .filter_map(|id| self.provider_keys.get(id).map(|k| (id, k)))
                                .map(|(id, k)| {
                                    json!(types::RouterStepKey {
                                        id: id.clone(),
                                        name: k.name.clone(),
                                        key_redacted: ids::redact_provider_key(&k.value),
                                    })
                                })
                                .collect();
                            s.insert("keys".into(), Value::Array(keys));
                        }
                        if let Some(strategy) = &step.strategy {
                            s.insert("keySelectionStrategy".into(), json!(strategy));
                        }
                        Value::Object(s)
                    })
                    .collect();
                let mut r = Map::new();
                if let Some(p) = &rule.provider {
                    r.insert("provider".into(), json!(p));
                }
                if let Some(m) = &rule.model {
                    r.insert("model".into(), json!(m));
                }
                r.insert("steps".into(), Value::Array(steps));
                Value::Object(r)
            })
            .collect();
        json!({ "rules": rules })
    }

    fn render_config(&self, id: &str, c: &Config) -> Result<Value, Failure> {
        let typed = types::AiGatewayAccessKeyConfiguration {
            access: None,
            created_at: c.stamps.created_at,
            created_by: self.actor_ref(&c.stamps.created_by),
            description: c.description.clone(),
            id: id.to_owned(),
            last_updated_by: self.actor_ref(&c.stamps.last_updated_by),
            metadata: c.metadata.clone(),
            name: c.name.clone(),
            router: None,
            updated_at: c.stamps.updated_at,
            uri: self.uri(&format!("/access-key-configurations/{id}")),
        };
        let mut value = to_value(&typed)?;
        if let Some(object) = value.as_object_mut() {
            if let Some(access) = &c.access {
                object.insert("access".into(), access.clone());
            }
            if let Some(router) = &c.router {
                object.insert("router".into(), self.render_router(router));
            }
        }
        Ok(value)
    }

    /// Resolves a `RouterWrite` into rules, creating inline provider keys
    /// (`{name, value}`) and checking referenced ones (`{id}`).
    fn parse_router(
        &mut self,
        actor: &Actor,
        router: &Value,
        pointer: &str,
    ) -> Result<Option<Vec<Rule>>, Failure> {
        let Some(rules) = router.get("rules").and_then(Value::as_array) else {
            return Ok(None);
        };
        // Check everything before creating anything.
        for (r, rule) in rules.iter().enumerate() {
            let steps = rule.get("steps").and_then(Value::as_array);
            for (s, step) in steps.into_iter().flatten().enumerate() {
                let keys = step.get("keys").and_then(Value::as_array);
                for (k, key) in keys.into_iter().flatten().enumerate() {
                    let here = format!("{pointer}/rules/{r}/steps/{s}/keys/{k}");
                    let bad = |field: &str, reason: &str| {
                        Failure::invalid_body(&FieldError::new(format!("{here}{field}"), reason))
                    };
                    let id = key.get("id").and_then(Value::as_str);
                    let name = key.get("name");
                    let value = key.get("value");
                    match (id, name, value) {
                        (Some(id), None, None) => {
                            if !self.provider_keys.contains_key(id) {
                                return Err(bad("/id", "no provider key with this ID"));
                            }
                        }
                        (None, Some(_), Some(_)) => {
                            let provider = rule.get("provider").and_then(Value::as_str);
                            match provider {
                                Some(p) if self.provider_known(p) => {}
                                Some(_) => {
                                    return Err(Failure::invalid_body(&FieldError::new(
                                        format!("{pointer}/rules/{r}/provider"),
                                        "unknown provider (needed to store an inline key)",
                                    )))
                                }
                                None => {
                                    return Err(Failure::invalid_body(&FieldError::new(
                                        format!("{pointer}/rules/{r}/provider"),
                                        "is required when a step creates a key inline",
                                    )))
                                }
                            }
                        }
                        (None, None, None) => {
                            return Err(bad("", "needs `id`, or `name` and `value`"))
                        }
                        (None, Some(_), None) => return Err(bad("/value", "is required with `name`")),
                        (None, None, Some(_)) => return Err(bad("/name", "is required with `value`")),
                        (Some(_), _, _) => {
                            return Err(bad(
                                "/id",
                                "either reference a key by `id` or create one with `name` and `value`, not both",
                            ))
                        }
                    }
                }
            }
        }
        let now = now();
        let mut out = Vec::new();
        for rule in rules {
            let provider = str_field(rule.as_object().unwrap_or(&Map::new()), "provider");
            let mut steps = Vec::new();
            for step in rule
                .get("steps")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let keys = match step.get("keys").and_then(Value::as_array) {
                    None => None,
                    Some(keys) => {
                        let mut ids = Vec::new();
                        for key in keys {
                            if let Some(id) = key.get("id").and_then(Value::as_str) {
                                ids.push(id.to_owned());
                                continue;
                            }
                            let id = self.mint("AIGatewayProviderAPIKeyDetail");
                            self.provider_keys.insert(
                                id.clone(),
                                ProviderKey {
                                    provider_id: provider.clone().unwrap_or_default(),
                                    name: key
                                        .get("name")
                                        .and_then(Value::as_str)
                                        .unwrap_or_default()
                                        .to_owned(),
                                    description: None,
                                    metadata: None,
                                    value: key
                                        .get("value")
                                        .and_then(Value::as_str)
                                        .unwrap_or_default()
                                        .to_owned(),
                                    last_used: None,
                                    stamps: Stamps::new(actor, now),
                                },
                            );
                            ids.push(id);
                        }
                        Some(ids)
                    }
                };
                steps.push(Step {
                    kind: step
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("user")
                        .to_owned(),
                    keys,
                    strategy: step
                        .get("keySelectionStrategy")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                });
            }
            out.push(Rule {
                provider,
                model: rule.get("model").and_then(Value::as_str).map(str::to_owned),
                steps,
            });
        }
        Ok(Some(out))
    }

    fn list_configs(&self, input: &Input) -> OpResult {
        self.list_page(
            input,
            "aiGatewayAccessKeyConfigurations",
            &self.configs,
            |_| true,
            |id, c| self.render_config(id, c),
        )
    }

    fn create_config(&mut self, actor: &Actor, body: &Map<String, Value>) -> OpResult {
        let router = match body.get("router") {
            Some(r) => Some(self.parse_router(actor, r, "/router")?),
            None => None,
        };
        let id = self.mint("AIGatewayAccessKeyConfiguration");
        let config = Config {
            name: str_field(body, "name").unwrap_or_default(),
            description: str_field(body, "description"),
            metadata: str_field(body, "metadata"),
            access: body.get("access").cloned(),
            router,
            stamps: Stamps::new(actor, now()),
        };
        let value = self.render_config(&id, &config)?;
        self.configs.insert(id, config);
        ok(201, value)
    }

    fn get_config(&self, id: &str) -> OpResult {
        let c = self
            .configs
            .get(id)
            .ok_or_else(|| Failure::not_found("access key configuration", id))?;
        ok(200, self.render_config(id, c)?)
    }

    fn update_config(&mut self, actor: &Actor, id: &str, body: &Map<String, Value>) -> OpResult {
        let mut c = self
            .configs
            .get(id)
            .cloned()
            .ok_or_else(|| Failure::not_found("access key configuration", id))?;
        apply_required(body, "name", &mut c.name)?;
        apply_opt(body, "description", &mut c.description)?;
        apply_opt(body, "metadata", &mut c.metadata)?;
        match body.get("access") {
            None => {}
            Some(Value::Null) => c.access = None,
            Some(access) => c.access = Some(access.clone()),
        }
        match body.get("router") {
            None => {}
            Some(Value::Null) => c.router = None,
            Some(router) => c.router = Some(self.parse_router(actor, router, "/router")?),
        }
        c.stamps.touch(actor, now());
        let value = self.render_config(id, &c)?;
        self.configs.insert(id.to_owned(), c);
        ok(200, value)
    }

    fn delete_config(&mut self, id: &str) -> OpResult {
        if !self.configs.contains_key(id) {
            return Err(Failure::not_found("access key configuration", id));
        }
        if let Some((key_id, _)) = self
            .access_keys
            .iter()
            .find(|(_, k)| k.config_id.as_deref() == Some(id))
        {
            return Err(Failure::still_referenced(
                "access key configuration",
                id,
                key_id,
            ));
        }
        self.configs.remove(id);
        deleted()
    }

    // ----- access keys ---------------------------------------------------------------

    fn render_access_key(
        &self,
        id: &str,
        k: &AccessKey,
        token: Option<&str>,
    ) -> Result<Value, Failure> {
        let config = k.config_id.as_ref().and_then(|cid| {
            self.configs
                .get(cid)
                .map(|c| types::AiGatewayAccessKeyAccessKeyConfiguration {
                    id: cid.clone(),
                    name: c.name.clone(),
                    uri: self.uri(&format!("/access-key-configurations/{cid}")),
                })
        });
        let typed = types::AiGatewayAccessKey {
            access_key_configuration: config,
            created_at: k.stamps.created_at,
            created_by: self.actor_ref(&k.stamps.created_by),
            description: k.description.clone(),
            id: id.to_owned(),
            key_redacted: k.key_redacted.clone(),
            last_updated_by: self.actor_ref(&k.stamps.last_updated_by),
            last_used: k.last_used,
            metadata: k.metadata.clone(),
            name: k.name.clone(),
            token: token.map(ngrok_ai::Secret::from),
            updated_at: k.stamps.updated_at,
            uri: self.uri(&format!("/access-keys/{id}")),
        };
        let mut value = to_value(&typed)?;
        explicit_nulls(&mut value, &["lastUsed", "accessKeyConfiguration"]);
        Ok(value)
    }

    fn check_config_ref(&self, body: &Map<String, Value>) -> Result<(), Failure> {
        if let Some(cid) = body.get("accessKeyConfigurationId").and_then(Value::as_str) {
            if !self.configs.contains_key(cid) {
                return Err(Failure::invalid_body(&FieldError::new(
                    "/accessKeyConfigurationId",
                    "no access key configuration with this ID",
                )));
            }
        }
        Ok(())
    }

    fn list_access_keys(&self, input: &Input) -> OpResult {
        self.list_page(
            input,
            "aiGatewayAccessKeys",
            &self.access_keys,
            |_| true,
            |id, k| self.render_access_key(id, k, None),
        )
    }

    fn create_access_key(&mut self, actor: &Actor, body: &Map<String, Value>) -> OpResult {
        self.check_config_ref(body)?;
        let id = self.mint("AIGatewayAccessKey");
        let token = ids::access_key_token(&id);
        let key = AccessKey {
            name: str_field(body, "name"),
            description: str_field(body, "description"),
            metadata: str_field(body, "metadata"),
            config_id: str_field(body, "accessKeyConfigurationId"),
            key_redacted: ids::redact_token(&token, 8),
            last_used: None,
            stamps: Stamps::new(actor, now()),
        };
        let value = self.render_access_key(&id, &key, Some(&token))?;
        self.access_keys.insert(id, key);
        ok(201, value)
    }

    fn get_access_key(&self, id: &str, token: Option<&str>) -> OpResult {
        let k = self
            .access_keys
            .get(id)
            .ok_or_else(|| Failure::not_found("access key", id))?;
        ok(200, self.render_access_key(id, k, token)?)
    }

    fn update_access_key(
        &mut self,
        actor: &Actor,
        id: &str,
        body: &Map<String, Value>,
    ) -> OpResult {
        let mut k = self
            .access_keys
            .get(id)
            .cloned()
            .ok_or_else(|| Failure::not_found("access key", id))?;
        self.check_config_ref(body)?;
        apply_opt(body, "name", &mut k.name)?;
        apply_opt(body, "description", &mut k.description)?;
        apply_opt(body, "metadata", &mut k.metadata)?;
        apply_opt(body, "accessKeyConfigurationId", &mut k.config_id)?;
        k.stamps.touch(actor, now());
        let value = self.render_access_key(id, &k, None)?;
        self.access_keys.insert(id.to_owned(), k);
        ok(200, value)
    }

    fn delete_access_key(&mut self, id: &str) -> OpResult {
        remove_or_not_found(&mut self.access_keys, "access key", id)?;
        deleted()
    }

    // ----- API keys ------------------------------------------------------------------

    fn render_api_key(&self, id: &str, k: &ApiKey, with_token: bool) -> Result<Value, Failure> {
        let typed = types::AiGatewayApiKey {
            created_at: k.stamps.created_at,
            created_by: self.actor_ref(&k.stamps.created_by),
            description: k.description.clone(),
            id: id.to_owned(),
            key_redacted: k.key_redacted.clone(),
            last_updated_by: self.actor_ref(&k.stamps.last_updated_by),
            last_used: k.last_used,
            metadata: k.metadata.clone(),
            name: k.name.clone(),
            token: with_token.then(|| ngrok_ai::Secret::from(k.token.as_str())),
            updated_at: k.stamps.updated_at,
            uri: self.uri(&format!("/api-keys/{id}")),
        };
        let mut value = to_value(&typed)?;
        explicit_nulls(&mut value, &["lastUsed"]);
        Ok(value)
    }

    fn list_api_keys(&self, input: &Input) -> OpResult {
        self.list_page(
            input,
            "aiGatewayApiKeys",
            &self.api_keys,
            |_| true,
            |id, k| self.render_api_key(id, k, false),
        )
    }

    fn create_api_key(&mut self, actor: &Actor, body: &Map<String, Value>) -> OpResult {
        let id = self.mint("AIGatewayAPIKey");
        let token = ids::api_key_token(&id);
        let key = ApiKey {
            name: str_field(body, "name"),
            description: str_field(body, "description"),
            metadata: str_field(body, "metadata"),
            key_redacted: ids::redact_token(&token, 9),
            token,
            last_used: None,
            stamps: Stamps::new(actor, now()),
        };
        let value = self.render_api_key(&id, &key, true)?;
        self.api_keys.insert(id, key);
        ok(201, value)
    }

    fn get_api_key(&self, id: &str, with_token: bool) -> OpResult {
        let k = self
            .api_keys
            .get(id)
            .ok_or_else(|| Failure::not_found("API key", id))?;
        ok(200, self.render_api_key(id, k, with_token)?)
    }

    fn update_api_key(&mut self, actor: &Actor, id: &str, body: &Map<String, Value>) -> OpResult {
        let mut k = self
            .api_keys
            .get(id)
            .cloned()
            .ok_or_else(|| Failure::not_found("API key", id))?;
        apply_opt(body, "name", &mut k.name)?;
        apply_opt(body, "description", &mut k.description)?;
        apply_opt(body, "metadata", &mut k.metadata)?;
        k.stamps.touch(actor, now());
        let value = self.render_api_key(id, &k, false)?;
        self.api_keys.insert(id.to_owned(), k);
        ok(200, value)
    }

    fn delete_api_key(&mut self, id: &str) -> OpResult {
        remove_or_not_found(&mut self.api_keys, "API key", id)?;
        deleted()
    }

    // ----- provider keys -------------------------------------------------------------

    /// Whether `provider` names a built-in provider or a custom one (by `providerId`).
    fn provider_known(&self, provider: &str) -> bool {
        BUILT_IN_PROVIDERS.contains(&provider)
            || self.providers.values().any(|p| p.provider_id == provider)
    }

    fn render_provider_key(&self, id: &str, k: &ProviderKey) -> Result<Value, Failure> {
        let typed = types::AiGatewayProviderApiKeyDetail {
            created_at: k.stamps.created_at,
            created_by: self.actor_ref(&k.stamps.created_by),
            description: k.description.clone(),
            id: id.to_owned(),
            key_redacted: ids::redact_provider_key(&k.value),
            last_updated_by: self.actor_ref(&k.stamps.last_updated_by),
            last_used: k.last_used,
            metadata: k.metadata.clone(),
            name: k.name.clone(),
            provider_id: k.provider_id.clone(),
            updated_at: k.stamps.updated_at,
            uri: self.uri(&format!("/provider-keys/{id}")),
        };
        let mut value = to_value(&typed)?;
        explicit_nulls(&mut value, &["lastUsed"]);
        Ok(value)
    }

    fn list_provider_keys(&self, input: &Input, filter: bool) -> OpResult {
        let provider = if filter {
            input.param("provider")
        } else {
            None
        };
        self.list_page(
            input,
            "aiGatewayProviderKeys",
            &self.provider_keys,
            |k| provider.is_none_or(|p| k.provider_id == p),
            |id, k| self.render_provider_key(id, k),
        )
    }

    fn create_provider_key(&mut self, actor: &Actor, body: &Map<String, Value>) -> OpResult {
        let provider_id = str_field(body, "providerId").unwrap_or_default();
        if !self.provider_known(&provider_id) {
            return Err(Failure::invalid_body(&FieldError::new(
                "/providerId",
                "is neither a built-in provider nor the providerId of a custom provider",
            )));
        }
        let id = self.mint("AIGatewayProviderAPIKeyDetail");
        let key = ProviderKey {
            provider_id,
            name: str_field(body, "name").unwrap_or_default(),
            description: str_field(body, "description"),
            metadata: str_field(body, "metadata"),
            value: str_field(body, "value").unwrap_or_default(),
            last_used: None,
            stamps: Stamps::new(actor, now()),
        };
        let value = self.render_provider_key(&id, &key)?;
        self.provider_keys.insert(id, key);
        ok(201, value)
    }

    fn get_provider_key(&self, id: &str, status: u16) -> OpResult {
        let k = self
            .provider_keys
            .get(id)
            .ok_or_else(|| Failure::not_found("provider key", id))?;
        ok(status, self.render_provider_key(id, k)?)
    }

    fn update_provider_key(
        &mut self,
        actor: &Actor,
        id: &str,
        body: &Map<String, Value>,
    ) -> OpResult {
        let k = self
            .provider_keys
            .get_mut(id)
            .ok_or_else(|| Failure::not_found("provider key", id))?;
        let mut updated = k.clone();
        apply_required(body, "name", &mut updated.name)?;
        apply_opt(body, "description", &mut updated.description)?;
        apply_opt(body, "metadata", &mut updated.metadata)?;
        updated.stamps.touch(actor, now());
        *k = updated;
        self.get_provider_key(id, 200)
    }

    fn rotate_provider_key(
        &mut self,
        actor: &Actor,
        id: &str,
        body: &Map<String, Value>,
    ) -> OpResult {
        let k = self
            .provider_keys
            .get_mut(id)
            .ok_or_else(|| Failure::not_found("provider key", id))?;
        k.value = str_field(body, "value").unwrap_or_default();
        k.name = str_field(body, "name").unwrap_or_default();
        k.stamps.touch(actor, now());
        self.get_provider_key(id, 200)
    }

    fn delete_provider_key(&mut self, id: &str) -> OpResult {
        remove_or_not_found(&mut self.provider_keys, "provider key", id)?;
        deleted()
    }

    // ----- providers -----------------------------------------------------------------

    fn render_provider(&self, id: &str, p: &Provider) -> Result<Value, Failure> {
        let models: Vec<types::AiGatewayProviderModel> = p
            .models
            .iter()
            .map(|(mid, model)| types::AiGatewayProviderModel {
                id: mid.clone(),
                model_id: model.clone(),
            })
            .collect();
        let typed: types::AiGatewayProvider = types::AiGatewayProvider::builder()
            .base_url(p.base_url.clone())
            .created_at(p.stamps.created_at)
            .created_by(self.actor_ref(&p.stamps.created_by))
            .id(id.to_owned())
            .last_updated_by(self.actor_ref(&p.stamps.last_updated_by))
            .metadata(p.metadata.clone())
            .models(models)
            .name(p.name.clone())
            .provider_id(p.provider_id.clone())
            .updated_at(p.stamps.updated_at)
            .uri(self.uri(&format!("/providers/{id}")))
            .try_into()
            .map_err(|e: types::error::ConversionError| Failure::internal(e.to_string()))?;
        let mut value = to_value(&typed)?;
        if let Some(object) = value.as_object_mut() {
            object.remove("supportedApiSurfaces");
            if let Some(surfaces) = &p.supported_api_surfaces {
                object.insert("supportedApiSurfaces".into(), surfaces.clone());
            }
            if p.models.is_empty() {
                object.remove("models");
            }
        }
        Ok(value)
    }

    fn parse_models(&self, models: &Value, existing: &[(String, String)]) -> Vec<(String, String)> {
        models
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("modelId").and_then(Value::as_str))
            .map(|model| {
                // A model that stays keeps its record ID.
                let id = existing
                    .iter()
                    .find(|(_, m)| m == model)
                    .map(|(id, _)| id.clone())
                    .unwrap_or_else(|| self.mint("AIGatewayProviderModel"));
                (id, model.to_owned())
            })
            .collect()
    }

    fn list_providers(&self, input: &Input) -> OpResult {
        self.list_page(
            input,
            "aiGatewayProviders",
            &self.providers,
            |_| true,
            |id, p| self.render_provider(id, p),
        )
    }

    fn create_provider(&mut self, actor: &Actor, body: &Map<String, Value>) -> OpResult {
        let provider_id = str_field(body, "providerId").unwrap_or_default();
        if BUILT_IN_PROVIDERS.contains(&provider_id.as_str()) {
            return Err(Failure::invalid_body(&FieldError::new(
                "/providerId",
                "names a built-in catalog provider, which cannot be created",
            )));
        }
        if let Some((other, _)) = self
            .providers
            .iter()
            .find(|(_, p)| p.provider_id == provider_id)
        {
            return Err(Failure::new(
                409,
                format!("a provider with providerId {provider_id} already exists"),
            )
            .detail("providerId", provider_id.clone())
            .detail("existing", other.clone()));
        }
        let id = self.mint("AIGatewayProvider");
        let models = body
            .get("models")
            .map(|m| self.parse_models(m, &[]))
            .unwrap_or_default();
        let provider = Provider {
            provider_id,
            name: str_field(body, "name").unwrap_or_default(),
            base_url: str_field(body, "baseUrl").unwrap_or_default(),
            metadata: str_field(body, "metadata"),
            supported_api_surfaces: body.get("supportedApiSurfaces").cloned(),
            models,
            stamps: Stamps::new(actor, now()),
        };
        let value = self.render_provider(&id, &provider)?;
        self.providers.insert(id, provider);
        ok(201, value)
    }

    fn get_provider(&self, id: &str, status: u16) -> OpResult {
        let p = self
            .providers
            .get(id)
            .ok_or_else(|| Failure::not_found("provider", id))?;
        ok(status, self.render_provider(id, p)?)
    }

    fn update_provider(&mut self, actor: &Actor, id: &str, body: &Map<String, Value>) -> OpResult {
        let mut p = self
            .providers
            .get(id)
            .cloned()
            .ok_or_else(|| Failure::not_found("provider", id))?;
        apply_required(body, "name", &mut p.name)?;
        if let Some(base_url) = str_field(body, "baseUrl") {
            p.base_url = base_url;
        }
        apply_opt(body, "metadata", &mut p.metadata)?;
        match body.get("supportedApiSurfaces") {
            None => {}
            Some(Value::Null) => p.supported_api_surfaces = None,
            Some(v) => p.supported_api_surfaces = Some(v.clone()),
        }
        match body.get("models") {
            None => {}
            Some(Value::Null) => p.models.clear(),
            Some(models) => p.models = self.parse_models(models, &p.models),
        }
        p.stamps.touch(actor, now());
        let value = self.render_provider(id, &p)?;
        self.providers.insert(id.to_owned(), p);
        ok(200, value)
    }

    /// What still references the provider `id` (slug `slug`), if anything.
    fn provider_reference(&self, id: &str, slug: &str) -> Option<String> {
        let names = |s: &str| s == id || s == slug;
        if let Some((key_id, _)) = self
            .provider_keys
            .iter()
            .find(|(_, k)| names(&k.provider_id))
        {
            return Some(key_id.clone());
        }
        for (config_id, c) in &self.configs {
            let in_rules = c
                .router
                .iter()
                .flatten()
                .flatten()
                .any(|rule| rule.provider.as_deref().is_some_and(names));
            let in_access = c
                .access
                .as_ref()
                .and_then(|a| a.pointer("/providers/allow"))
                .and_then(Value::as_array)
                .is_some_and(|allow| allow.iter().filter_map(Value::as_str).any(names));
            if in_rules || in_access {
                return Some(config_id.clone());
            }
        }
        None
    }

    fn delete_provider(&mut self, id: &str) -> OpResult {
        let p = self
            .providers
            .get(id)
            .ok_or_else(|| Failure::not_found("provider", id))?;
        if let Some(by) = self.provider_reference(id, &p.provider_id) {
            return Err(Failure::still_referenced("provider", id, &by)
                .detail("providerId", p.provider_id.clone()));
        }
        self.providers.remove(id);
        deleted()
    }

    // ----- credits -------------------------------------------------------------------

    fn credit_transactions(&self) -> OpResult {
        let mut items = self.transactions.clone();
        // Newest first; equal times keep their seeded order.
        items.sort_by_key(|t| std::cmp::Reverse(transaction_time(t)));
        ok(200, json!({ "items": to_value(&items)? }))
    }

    fn checkout(&mut self, body: &Map<String, Value>) -> OpResult {
        let amount_cents = body
            .get("amount")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        let session_id = format!("cs_test_{}", ids::random_base62(32));
        let typed = types::CheckoutSession {
            session_url: format!("https://checkout.stripe.com/c/pay/{session_id}"),
            session_id: session_id.clone(),
        };
        self.checkouts.push(CheckoutRecord {
            session_id,
            amount_cents,
        });
        ok(200, to_value(&typed)?)
    }

    // ----- gateway settings ----------------------------------------------------------

    fn gateway_config(&self, status: u16) -> OpResult {
        let g = &self.gateway;
        let typed = types::AiGatewayConfig {
            account_id: self.account_id.clone(),
            max_input_tokens: g.max_input_tokens,
            max_output_tokens: g.max_output_tokens,
            metadata: g.metadata.clone(),
            per_request_timeout: g.per_request_timeout.clone(),
            total_timeout: g.total_timeout.clone(),
            uri: self.uri("/gateway-config"),
        };
        let mut value = to_value(&typed)?;
        explicit_nulls(
            &mut value,
            &["maxInputTokens", "maxOutputTokens", "metadata"],
        );
        ok(status, value)
    }

    fn update_gateway_config(&mut self, body: &Map<String, Value>) -> OpResult {
        for field in ["totalTimeout", "perRequestTimeout"] {
            if let Some(text) = body.get(field).and_then(Value::as_str) {
                if parse_go_duration(text).is_none() {
                    return Err(Failure::invalid_body(&FieldError::new(
                        format!("/{field}"),
                        "must be a Go duration such as `30s`, `1m30s` or `2m`",
                    )));
                }
            }
        }
        let mut g = self.gateway.clone();
        if let Some(t) = str_field(body, "totalTimeout") {
            g.total_timeout = t;
        }
        if let Some(t) = str_field(body, "perRequestTimeout") {
            g.per_request_timeout = t;
        }
        apply_opt(body, "maxInputTokens", &mut g.max_input_tokens)?;
        apply_opt(body, "maxOutputTokens", &mut g.max_output_tokens)?;
        apply_opt(body, "metadata", &mut g.metadata)?;
        self.gateway = g;
        self.gateway_config(200)
    }

    // ----- usage ---------------------------------------------------------------------

    fn window(&self, input: &Input) -> Result<(DateTime<Utc>, DateTime<Utc>), Failure> {
        let parse = |name: &str| -> Result<Option<DateTime<Utc>>, Failure> {
            match input.param(name) {
                None => Ok(None),
                Some(text) => DateTime::parse_from_rfc3339(text)
                    .map(|t| Some(t.with_timezone(&Utc)))
                    .map_err(|_| Failure::invalid_query(name, "must be an RFC 3339 date-time")),
            }
        };
        let start = parse("startTime")?
            .ok_or_else(|| Failure::invalid_query("startTime", "is required"))?;
        let end = parse("endTime")?.unwrap_or_else(Utc::now);
        Ok((start, end))
    }

    fn list_usage(&self, input: &Input) -> OpResult {
        let (start, end) = self.window(input)?;
        let access_key = input.param("accessKeyId");
        let retries = input.param("includeRetries") == Some("true");
        let limit = limit_of(input);
        let upper = match input.param("cursor") {
            Some(cursor) => Bound::Excluded(usage::decode_cursor(cursor).ok_or_else(|| {
                Failure::invalid_query("cursor", "is not a cursor from nextPageUri")
            })?),
            None => Bound::Unbounded,
        };
        let mut page = Vec::new();
        let mut more = false;
        for (key, (event, _)) in self.usage.range((Bound::Unbounded, upper)).rev() {
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
        let next = if more {
            page.last()
                .map(|(key, _)| self.next_uri(input, "cursor", &usage::encode_cursor(key)))
        } else {
            None
        };
        let items = page
            .iter()
            .map(|(_, e)| to_value(e))
            .collect::<Result<Vec<_>, _>>()?;
        ok(
            200,
            json!({ "aiGatewayUsage": items, "uri": self.list_uri(input), "nextPageUri": next }),
        )
    }

    fn usage_overview(&self, input: &Input) -> OpResult {
        let (start, end) = self.window(input)?;
        let by_access_key = input.param("groupBy") == Some("accessKey");
        let overview = usage::overview(
            self.usage
                .values()
                .filter(|(e, _)| e.event_time >= start && e.event_time <= end),
            by_access_key,
            self.list_uri(input),
        );
        ok(200, to_value(&overview)?)
    }

    // ----- test controls -------------------------------------------------------------

    /// Replaces the credit balance.
    pub fn set_balance(&mut self, cents: i64) {
        self.balance_cents = cents;
    }

    /// Adds credit transactions after checking each against the spec.
    pub fn add_transactions(
        &mut self,
        items: Vec<types::CreditTransactionItem>,
    ) -> Result<(), String> {
        for (i, item) in items.iter().enumerate() {
            let value = serde_json::to_value(item).map_err(|e| e.to_string())?;
            crate::schema::validate("CreditTransactionItem", &value)
                .map_err(|e| format!("credit transaction {i}: {e}"))?;
        }
        self.transactions.extend(items);
        Ok(())
    }

    /// Adds usage events after checking each against the spec and its `totalCost`.
    pub fn add_usage_events(
        &mut self,
        events: Vec<types::AiGatewayUsageEvent>,
    ) -> Result<(), String> {
        let mut seen: HashSet<&str> = self.usage.keys().map(|(_, id)| id.as_str()).collect();
        let mut checked = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            let value = serde_json::to_value(event).map_err(|e| e.to_string())?;
            crate::schema::validate("AIGatewayUsageEvent", &value)
                .map_err(|e| format!("usage event {i}: {e}"))?;
            let cost = Cost::parse(&event.total_cost).ok_or_else(|| {
                format!(
                    "usage event {i}: totalCost must be a decimal with at most 5 fractional digits"
                )
            })?;
            if !seen.insert(event.id.as_str()) {
                return Err(format!("usage event {i}: duplicate id {}", event.id));
            }
            checked.push(cost);
        }
        for (event, cost) in events.into_iter().zip(checked) {
            self.usage
                .insert((event.event_time, event.id.clone()), (event, cost));
        }
        Ok(())
    }

    /// A fresh usage-event ID (`aigue_…`).
    pub fn new_usage_event_id(&self) -> String {
        self.mint("AIGatewayUsageEvent")
    }

    /// Checkout sessions created so far.
    pub fn checkouts(&self) -> Vec<CheckoutRecord> {
        self.checkouts.clone()
    }

    /// The bootstrap actor's API-key ID (the `createdBy` of what the configured key made).
    pub fn bootstrap_actor(&self) -> Actor {
        Actor {
            id: self.bootstrap_actor.clone(),
        }
    }

    /// Creates a resource from a seed entry: a create body plus an optional `id` (and
    /// `token` for access keys and API keys), as if POSTed by the bootstrap key.
    pub fn seed_resource(&mut self, operation: &str, mut entry: Value) -> Result<String, String> {
        let route =
            crate::route::route(operation).ok_or_else(|| format!("no operation {operation}"))?;
        let schema = route.request_body.unwrap_or_default();
        let object = entry
            .as_object_mut()
            .ok_or_else(|| "a seed entry must be an object".to_owned())?;
        let mut take = |field: &str| match object.remove(field) {
            None => Ok(String::new()),
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            Some(_) => Err(format!("`{field}` must be a non-empty string")),
        };
        let id = take("id")?;
        let token = take("token")?;
        if !token.is_empty()
            && !matches!(
                operation,
                "CreateAIGatewayAccessKey" | "CreateAIGatewayAPIKey"
            )
        {
            return Err("only access keys and API keys take a `token`".into());
        }
        crate::schema::validate(schema, &entry).map_err(|e| e.to_string())?;
        let actor = self.bootstrap_actor();
        let input = Input {
            body: Some(entry),
            ..Input::default()
        };
        let out = self
            .dispatch(operation, &actor, &input)
            .map_err(|f| f.msg)?;
        let minted = out
            .body
            .as_ref()
            .and_then(|b| b.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let final_id = if id.is_empty() { minted.clone() } else { id };
        self.rekey(
            operation,
            &minted,
            &final_id,
            (!token.is_empty()).then_some(token),
        )?;
        Ok(final_id)
    }

    /// Gives a seeded resource the ID (and token) its seed entry asked for.
    fn rekey(
        &mut self,
        operation: &str,
        from: &str,
        to: &str,
        token: Option<String>,
    ) -> Result<(), String> {
        fn mv<R>(map: &mut BTreeMap<String, R>, from: &str, to: &str) -> Result<(), String> {
            if from == to {
                return Ok(());
            }
            if map.contains_key(to) {
                return Err(format!("duplicate id {to}"));
            }
            let r = map.remove(from).ok_or_else(|| format!("{from} vanished"))?;
            map.insert(to.to_owned(), r);
            Ok(())
        }
        let prefix_ok = |schema: &str| id_prefix(schema).is_none_or(|p| to.starts_with(p));
        let schema = match operation {
            "CreateAIGatewayAccessKey" => "AIGatewayAccessKey",
            "CreateAIGatewayAPIKey" => "AIGatewayAPIKey",
            "CreateAIGatewayProviderAPIKey" => "AIGatewayProviderAPIKeyDetail",
            "CreateAIGatewayProvider" => "AIGatewayProvider",
            _ => "AIGatewayAccessKeyConfiguration",
        };
        if !prefix_ok(schema) {
            return Err(format!(
                "id {to} does not start with {}",
                id_prefix(schema).unwrap_or("")
            ));
        }
        match operation {
            "CreateAIGatewayAccessKey" => {
                mv(&mut self.access_keys, from, to)?;
                if let (Some(token), Some(k)) = (token, self.access_keys.get_mut(to)) {
                    k.key_redacted = ids::redact_token(&token, 8);
                }
            }
            "CreateAIGatewayAPIKey" => {
                mv(&mut self.api_keys, from, to)?;
                if let (Some(token), Some(k)) = (token, self.api_keys.get_mut(to)) {
                    k.key_redacted = ids::redact_token(&token, 9);
                    k.token = token;
                }
            }
            "CreateAIGatewayProviderAPIKey" => mv(&mut self.provider_keys, from, to)?,
            "CreateAIGatewayProvider" => mv(&mut self.providers, from, to)?,
            _ => mv(&mut self.configs, from, to)?,
        }
        Ok(())
    }

    /// Applies a gateway-settings update from a seed (an `AIGatewayConfigUpdate` body).
    pub fn seed_gateway_config(&mut self, update: Value) -> Result<(), String> {
        crate::schema::validate("AIGatewayConfigUpdate", &update).map_err(|e| e.to_string())?;
        let body = update.as_object().cloned().unwrap_or_default();
        self.update_gateway_config(&body)
            .map(|_| ())
            .map_err(|f| f.msg)
    }
}

fn transaction_time(t: &types::CreditTransactionItem) -> Option<DateTime<Utc>> {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| {
            v.get("createdAt")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Nullable response fields the client type omits when unset are shown as `null`, as
/// in the spec's examples.
fn explicit_nulls(value: &mut Value, fields: &[&str]) {
    if let Some(object) = value.as_object_mut() {
        for field in fields {
            object.entry(*field).or_insert(Value::Null);
        }
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Parses a Go duration (`300ms`, `1.5h`, `2h45m`, `0`) into nanoseconds.
pub fn parse_go_duration(text: &str) -> Option<f64> {
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    if s == "0" {
        return Some(0.0);
    }
    if s.is_empty() {
        return None;
    }
    let mut rest = s;
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * unit;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_an_operation() {
        let mut state = State::new("http://mock", "key");
        let actor = state.bootstrap_actor();
        for route in crate::route::routes() {
            let input = Input {
                id: Some("x_missing".into()),
                query_pairs: vec![("startTime".into(), "2026-01-01T00:00:00Z".into())],
                path: route.path.into(),
                ..Input::default()
            };
            let status = match state.dispatch(route.operation, &actor, &input) {
                Ok(out) => out.status,
                Err(failure) => failure.status,
            };
            assert_ne!(status, 501, "{} is not implemented", route.operation);
        }
        assert_eq!(crate::route::routes().len(), 44);
    }

    #[test]
    fn go_durations() {
        for ok in [
            "120s", "60s", "1m30s", "2h45m", "1.5h", "300ms", "0", "10us",
        ] {
            assert!(parse_go_duration(ok).is_some(), "{ok}");
        }
        for bad in ["", "banana", "10", "s", "1x", "1..5s"] {
            assert!(parse_go_duration(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_go_duration("1m30s"), Some(90e9));
    }

    #[test]
    fn paging_is_descending_and_exclusive() {
        let mut map = BTreeMap::new();
        for i in 0..5 {
            map.insert(format!("k{i}"), i);
        }
        let (page, more) = page_before(&map, None, 2, |_| true);
        assert_eq!(
            page.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["k4", "k3"]
        );
        assert!(more);
        let (page, more) = page_before(&map, Some("k3"), 2, |_| true);
        assert_eq!(
            page.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["k2", "k1"]
        );
        assert!(more);
        let (page, more) = page_before(&map, Some("k1"), 2, |_| true);
        assert_eq!(page.len(), 1);
        assert!(!more);
        let (page, more) = page_before(&map, None, 5, |_| true);
        assert_eq!(page.len(), 5);
        assert!(!more, "an exactly full last page has no next page");
    }

    #[test]
    fn patch_states() {
        let body: Map<String, Value> =
            serde_json::from_value(json!({"a": null, "b": "x", "c": 5})).unwrap();
        let mut a = Some("old".to_owned());
        let mut b: Option<String> = None;
        let mut d = Some("keep".to_owned());
        apply_opt(&body, "a", &mut a).unwrap();
        apply_opt(&body, "b", &mut b).unwrap();
        apply_opt(&body, "d", &mut d).unwrap();
        assert_eq!((a, b, d), (None, Some("x".into()), Some("keep".into())));
        let mut wrong: Option<String> = None;
        assert_eq!(apply_opt(&body, "c", &mut wrong).unwrap_err().status, 400);
    }
}
