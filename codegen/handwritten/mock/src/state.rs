//! The fake account and how an operation is served.
//!
//! Every operation takes request data that has already passed the spec's checks (auth,
//! query parameters, body schema) and is answered, in this order, by:
//!
//! 1. a hook that handles the whole operation (`hooks::operation`: singletons,
//!    actions, credits, usage), or — for a HEAD — the hook of the GET on the same path;
//! 2. the resource convention it belongs to ([`crate::route::resource_of`]), served by
//!    the generic store (`crud.rs`), which calls the hooks at their points;
//! 3. otherwise the spec's example of its response, marked `x-ngrok-mock: example`.

use chrono::{DateTime, SubsecRound, Utc};
use ngrok_ai::types;
use serde_json::{Map, Value};

use crate::account::Account;
use crate::failure::Failure;
use crate::ids::IdGen;
use crate::route::{resource_of, routes, Action, Method, Operation};
use crate::store::Store;

pub use crate::account::CheckoutRecord;
pub use crate::store::Actor;

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
    /// The (first) value of the query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query_pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `{id}` path parameter (empty when the path has none).
    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// The body as a JSON object (empty when there is none).
    pub fn body(&self) -> Map<String, Value> {
        self.body
            .as_ref()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

/// What an operation answers with.
#[derive(Debug)]
pub struct Output {
    /// HTTP status.
    pub status: u16,
    /// JSON body, if any.
    pub body: Option<Value>,
    /// Extra response headers.
    pub headers: Vec<(&'static str, String)>,
}

impl Output {
    /// A response with a body.
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    /// A response without a body (DELETE's 204).
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            headers: Vec::new(),
        }
    }
}

/// The result of an operation: its response, or an error response.
pub type OpResult = Result<Output, Failure>;

/// The current time as stored (millisecond precision, like the API's timestamps).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// The whole fake account.
pub struct State {
    /// Where the server is reachable; `uri`s start with it.
    pub(crate) base_url: String,
    /// Mints every ID.
    pub(crate) ids: IdGen,
    /// Every record of every conventional resource.
    pub(crate) store: Store,
    /// What is not a conventional resource: settings, credits, usage.
    pub(crate) account: Account,
    /// The configured key's (unlisted) API-key identity.
    bootstrap: Actor,
    bootstrap_token: String,
}

/// Leaves out the configured key; the store shows only counts.
impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("base_url", &self.base_url)
            .field("store", &self.store)
            .field("account", &self.account)
            .field("bootstrap", &self.bootstrap)
            .finish_non_exhaustive()
    }
}

impl State {
    /// A fresh account served at `base_url`, authenticated by `api_key`.
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let ids = IdGen::new();
        let bootstrap = crate::hooks::actor(&base_url, &ids.next(crate::hooks::actor_id_prefix()));
        Self {
            account: Account::new(),
            base_url,
            ids,
            store: Store::default(),
            bootstrap,
            bootstrap_token: api_key.to_owned(),
        }
    }

    /// The base URL resources' `uri`s start with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The actor behind a bearer token: the configured key, or a live API key (whose
    /// `lastUsed` is updated).
    pub fn authenticate(&mut self, token: &str) -> Option<Actor> {
        if constant_time_eq(token, &self.bootstrap_token) {
            return Some(self.bootstrap.clone());
        }
        crate::hooks::authenticate(self, token)
    }

    /// The configured key's identity (the `createdBy` of what it made).
    pub fn bootstrap_actor(&self) -> Actor {
        self.bootstrap.clone()
    }

    /// Runs `op`; see the module docs for who answers.
    pub fn dispatch(&mut self, op: Operation, actor: &Actor, input: &Input) -> OpResult {
        let Some(route) = routes().iter().find(|r| r.op == op) else {
            return Err(Failure::internal(format!("no route for {}", op.spec_id())));
        };
        // HEAD mirrors GET: a HEAD outside a resource convention is served like the GET
        // of its path (the server drops the body), so hooks name only the GET.
        let conventional = resource_of(op);
        let served = match route.method {
            Method::Head if conventional.is_none() => routes()
                .iter()
                .find(|r| r.method == Method::Get && r.path == route.path)
                .map_or(op, |get| get.op),
            _ => op,
        };
        if let Some(result) = crate::hooks::operation(self, served, actor, input) {
            return result.map(|body| Output::json(route.success_status, body));
        }
        if let Some((resource, action)) = conventional {
            return self.serve_resource(resource, action, route, actor, input);
        }
        let (status, body) = crate::render::example_of(route);
        Ok(Output {
            status,
            body,
            headers: vec![("x-ngrok-mock", "example".to_owned())],
        })
    }

    // ----- test controls -------------------------------------------------------------

    /// Replaces the credit balance.
    pub fn set_balance(&mut self, cents: i64) {
        self.account.balance_cents = cents;
    }

    /// Adds credit transactions after checking each against the spec.
    pub fn add_transactions(
        &mut self,
        items: Vec<types::CreditTransactionItem>,
    ) -> Result<(), String> {
        self.account.add_transactions(items)
    }

    /// Adds usage events after checking each against the spec and its `totalCost`.
    pub fn add_usage_events(
        &mut self,
        events: Vec<types::AiGatewayUsageEvent>,
    ) -> Result<(), String> {
        self.account.add_usage_events(events)
    }

    /// A fresh usage-event ID (`aigue_…`).
    pub fn new_usage_event_id(&self) -> String {
        self.ids.next(crate::hooks::usage_event_id_prefix())
    }

    /// Checkout sessions created so far.
    pub fn checkouts(&self) -> Vec<CheckoutRecord> {
        self.account.checkouts.clone()
    }

    /// Creates a resource from a seed entry: the body of the create operation `op`, plus
    /// an optional `id` (with the resource's prefix) and any of the resource's
    /// `returned_once` fields (e.g. `token`), as if POSTed by the configured key.
    pub fn seed_resource(&mut self, op: Operation, mut entry: Value) -> Result<String, String> {
        let Some((resource, Action::Create)) = resource_of(op) else {
            return Err(format!("{} does not create a resource", op.spec_id()));
        };
        let object = entry
            .as_object_mut()
            .ok_or_else(|| "a seed entry must be an object".to_owned())?;
        let mut take = |field: &str| match object.remove(field) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
            Some(_) => Err(format!("`{field}` must be a non-empty string")),
        };
        let id = take("id")?;
        let mut secrets = Map::new();
        for field in resource.fields.iter().filter(|f| f.returned_once) {
            if let Some(value) = take(field.name)? {
                secrets.insert(field.name.to_owned(), Value::String(value));
            }
        }
        if let Some(schema) = resource.create_body {
            crate::schema::validate(schema, &entry).map_err(|e| e.to_string())?;
        }
        if let Some(id) = &id {
            if !id.starts_with(resource.id_prefix) {
                return Err(format!(
                    "id {id} does not start with {}",
                    resource.id_prefix
                ));
            }
            if self.store.contains(resource, id) {
                return Err(format!("a resource with id {id} already exists"));
            }
        }
        let mut body = entry.as_object().cloned().unwrap_or_default();
        body.extend(secrets);
        let actor = self.bootstrap_actor();
        self.create_record(resource, op, &actor, body, id)
            .map(|(id, _)| id)
            .map_err(|f| f.msg)
    }

    /// Applies a gateway-settings update from a seed (an `AIGatewayConfigUpdate` body).
    pub fn seed_gateway_config(&mut self, update: Value) -> Result<(), String> {
        crate::hooks::seed_gateway_config(self, update)
    }
}

/// Compares secrets in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_route_is_answered_without_501_or_panic() {
        let mut state = State::new("http://mock", "key");
        let actor = state.bootstrap_actor();
        for route in routes() {
            for body in [None, Some(json!({}))] {
                let input = Input {
                    id: Some("x_missing".into()),
                    query_pairs: vec![("startTime".into(), "2026-01-01T00:00:00Z".into())],
                    path: route.path.into(),
                    body: body.filter(|_| route.request_body.is_some()),
                    ..Input::default()
                };
                let status = match state.dispatch(route.op, &actor, &input) {
                    Ok(out) => out.status,
                    Err(failure) => failure.status,
                };
                assert_ne!(status, 501, "{} is not implemented", route.operation);
                assert!(status < 500, "{} answered {status}", route.operation);
            }
        }
    }

    #[test]
    fn an_operation_without_convention_or_hook_answers_its_example() {
        // Whatever the spec holds, the fallback answers a route's example verbatim.
        for route in routes() {
            let (status, body) = crate::render::example_of(route);
            assert_eq!(status, route.success_status);
            assert_eq!(
                body.is_some(),
                route.example.is_some(),
                "{}",
                route.operation
            );
        }
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let mut state = State::new("http://mock", "bootstrap-secret-key");
        let actor = state.bootstrap_actor();
        for resource in crate::route::resources() {
            let Some(create) = resource.create else {
                continue;
            };
            let input = Input {
                body: Some(json!({})),
                ..Input::default()
            };
            let _ = state.dispatch(create, &actor, &input);
        }
        let secrets: Vec<String> = crate::route::resources()
            .iter()
            .flat_map(|r| {
                let secret_fields: Vec<&str> = r
                    .fields
                    .iter()
                    .filter(|f| f.secret)
                    .map(|f| f.name)
                    .collect();
                state
                    .store
                    .records(r)
                    .flat_map(move |(_, record)| {
                        secret_fields
                            .clone()
                            .into_iter()
                            .filter_map(|f| record.get(f)?.as_str().map(str::to_owned))
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let debug = format!("{state:?}");
        assert!(!debug.contains("bootstrap-secret-key"));
        for secret in secrets {
            assert!(!debug.contains(&secret), "{debug}");
        }
    }

    #[test]
    fn seeds_keep_their_ids_and_secrets() {
        let mut state = State::new("http://mock", "key");
        let Some((api_keys, _)) = crate::route::resources()
            .iter()
            .find(|r| r.fields.iter().any(|f| f.returned_once))
            .and_then(|r| r.create)
            .and_then(resource_of)
        else {
            return;
        };
        let create = api_keys.create.unwrap();
        let id = format!("{}seeded", api_keys.id_prefix);
        let once = api_keys
            .fields
            .iter()
            .find(|f| f.returned_once)
            .unwrap()
            .name;
        let entry = json!({ "id": id, once: "seeded-secret-0123456789" });
        assert_eq!(state.seed_resource(create, entry.clone()).unwrap(), id);
        assert_eq!(
            state.store.get(api_keys, &id).unwrap()[once],
            "seeded-secret-0123456789"
        );
        let err = state.seed_resource(create, entry).unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        let wrong = json!({ "id": "wrong_prefix" });
        assert!(state
            .seed_resource(create, wrong)
            .unwrap_err()
            .contains(api_keys.id_prefix));
    }
}
