//! Seeding: state a test (or `--seed FILE`) puts in place before the first request.

use std::collections::BTreeMap;
use std::path::Path;

use ngrok_ai::types;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::route::Operation;
use crate::state::State;

/// Why a seed was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(pub String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid seed: {}", self.0)
    }
}

impl std::error::Error for SeedError {}

/// Initial state, from code or from a JSON seed file (the same shape; see the crate
/// docs for an example). Every part is optional.
///
/// Resources are given as the body of their create operation, plus an optional `id`
/// (with the resource's prefix, e.g. `aigp_…`; minted when absent) and, for `apiKeys`
/// and `accessKeys` (the resources with a token returned once), an optional `token` (an
/// API key seeded with a token authenticates requests like the configured key). They are
/// created in this order, so later ones may refer to earlier ones: providers, provider
/// keys, access key configurations, access keys, API keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    /// `GET /credits/balance` (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_balance_cents: Option<i64>,
    /// `GET /credits/transactions` items; served newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit_transactions: Vec<types::CreditTransactionItem>,
    /// Usage events (attempts) behind `/usage` and `/usage/overview`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_events: Vec<types::AiGatewayUsageEvent>,
    /// An `AIGatewayConfigUpdate` body applied to the default gateway settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_config: Option<Value>,
    /// `AIGatewayProviderCreate` bodies (+ `id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Value>,
    /// `AIGatewayProviderAPIKeyCreate` bodies (+ `id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_keys: Vec<Value>,
    /// `AIGatewayAccessKeyConfigurationCreate` bodies (+ `id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_key_configurations: Vec<Value>,
    /// `AIGatewayAccessKeyCreate` bodies (+ `id`, `token`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_keys: Vec<Value>,
    /// `AIGatewayAPIKeyCreate` bodies (+ `id`, `token`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<Value>,
    /// Any resource of the spec by its schema name (e.g. `AIGatewayAccessKey`), as its
    /// create bodies (+ `id` and returned-once fields), created after the named lists
    /// above in the order of [`crate::route::resources`]. A resource the spec gains can
    /// be seeded here with no change to this crate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Vec<Value>>,
}

impl Seed {
    /// Parses a seed from JSON text. Usage events and credit transactions are checked
    /// against the spec's schemas first, so an error names the offending field.
    pub fn from_json(text: &str) -> Result<Self, SeedError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| SeedError(format!("not JSON: {e}")))?;
        for (key, schema) in [
            ("usageEvents", "AIGatewayUsageEvent"),
            ("creditTransactions", "CreditTransactionItem"),
        ] {
            let items = value.get(key).and_then(Value::as_array);
            for (i, item) in items.into_iter().flatten().enumerate() {
                crate::schema::validate(schema, item)
                    .map_err(|e| SeedError(format!("/{key}/{i}{}: {}", e.field, e.reason)))?;
            }
        }
        serde_json::from_value(value).map_err(|e| SeedError(e.to_string()))
    }

    /// Reads and parses a seed file.
    pub fn from_file(path: &Path) -> Result<Self, SeedError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SeedError(format!("cannot read {}: {e}", path.display())))?;
        Self::from_json(&text)
    }

    /// Applies the seed, part by part in the documented order; on an error, the parts
    /// before it stay applied.
    pub(crate) fn apply(self, state: &mut State) -> Result<(), SeedError> {
        if let Some(update) = self.gateway_config {
            state
                .seed_gateway_config(update)
                .map_err(|e| SeedError(format!("gatewayConfig: {e}")))?;
        }
        if let Some(cents) = self.credit_balance_cents {
            state.set_balance(cents);
        }
        state
            .add_transactions(self.credit_transactions)
            .map_err(SeedError)?;
        for (key, operation, entries) in [
            ("providers", Operation::CreateProvider, self.providers),
            (
                "providerKeys",
                Operation::CreateProviderApiKey,
                self.provider_keys,
            ),
            (
                "accessKeyConfigurations",
                Operation::CreateAccessKeyConfiguration,
                self.access_key_configurations,
            ),
            ("accessKeys", Operation::CreateAccessKey, self.access_keys),
            ("apiKeys", Operation::CreateApiKey, self.api_keys),
        ] {
            for (i, entry) in entries.into_iter().enumerate() {
                state
                    .seed_resource(operation, entry)
                    .map_err(|e| SeedError(format!("{key}/{i}: {e}")))?;
            }
        }
        let mut resources = self.resources;
        for resource in crate::route::resources() {
            let Some(entries) = resources.remove(resource.schema) else {
                continue;
            };
            let create = resource.create.ok_or_else(|| {
                SeedError(format!(
                    "resources/{}: the API cannot create it",
                    resource.schema
                ))
            })?;
            for (i, entry) in entries.into_iter().enumerate() {
                state
                    .seed_resource(create, entry)
                    .map_err(|e| SeedError(format!("resources/{}/{i}: {e}", resource.schema)))?;
            }
        }
        if let Some(unknown) = resources.keys().next() {
            return Err(SeedError(format!(
                "resources/{unknown}: no such resource in the spec"
            )));
        }
        state.add_usage_events(self.usage_events).map_err(SeedError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in the crate docs, verbatim.
    const DOC_EXAMPLE: &str = r#"{
  "creditBalanceCents": 1888,
  "creditTransactions": [
    {"type": "credits", "amountCents": 2500, "category": "purchase",
     "expiresAt": null, "createdAt": "2026-11-02T09:14:27Z"}
  ],
  "gatewayConfig": {"perRequestTimeout": "45s", "maxInputTokens": 200000},
  "providers": [
    {"id": "aigp_internal", "providerId": "internal-vllm", "name": "vLLM",
     "baseUrl": "https://vllm.internal/v1", "models": [{"modelId": "llama-3"}]}
  ],
  "providerKeys": [
    {"id": "aigpk_primary", "providerId": "openai", "name": "openai-primary",
     "value": "sk-proj-EXAMPLEonlyNotARealKey0000"}
  ],
  "accessKeyConfigurations": [
    {"id": "aigac_prod", "name": "prod",
     "router": {"rules": [{"provider": "openai",
       "steps": [{"type": "user", "keys": [{"id": "aigpk_primary"}]}]}]}}
  ],
  "accessKeys": [{"name": "bot", "accessKeyConfigurationId": "aigac_prod"}],
  "apiKeys": [{"name": "ci", "token": "ngai_ci_secret"}],
  "usageEvents": [
    {"id": "aigue_1", "eventTime": "2026-11-25T10:00:00Z", "requestId": "req_1",
     "accessKeyId": "aigk_x", "provider": "openai", "providerDisplayName": "OpenAI",
     "model": "gpt-4o-mini", "modelDisplayName": "GPT-4o mini", "attemptNumber": 1,
     "isFinalAttempt": true, "statusCode": 200, "timedOut": false, "isError": false,
     "isStreaming": false, "stopReason": "stop", "inputTokens": 10,
     "outputTokens": 20, "cacheReadTokens": 0, "reasoningTokens": 0,
     "totalCost": "0.00043", "keySource": "ngrok"}
  ]
}"#;

    #[test]
    fn the_documented_example_applies() {
        let seed = Seed::from_json(DOC_EXAMPLE).unwrap();
        assert_eq!(seed.providers.len(), 1);
        let mut state = State::new("http://mock", "key");
        seed.apply(&mut state).unwrap();
        assert!(state.authenticate("ngai_ci_secret").is_some());
        let again = Seed::from_json(DOC_EXAMPLE).unwrap();
        let err = again.apply(&mut state).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
    }

    #[test]
    fn any_resource_seeds_by_its_schema_name() {
        let resource = crate::route::resources()
            .iter()
            .find(|r| r.create.is_some())
            .expect("the spec has a creatable resource");
        let id = format!("{}seeded", resource.id_prefix);
        let unknown = Seed::from_json(r#"{"resources": {"NoSuchSchema": [{}]}}"#)
            .unwrap()
            .apply(&mut State::new("http://mock", "key"))
            .unwrap_err();
        assert!(unknown.0.contains("NoSuchSchema"), "{unknown}");
        // A body with only an id: accepted when the create body requires nothing,
        // otherwise refused naming the resource — either way never silently dropped.
        let seed = format!(
            r#"{{"resources": {{"{}": [{{"id": "{id}"}}]}}}}"#,
            resource.schema
        );
        let mut state = State::new("http://mock", "key");
        match Seed::from_json(&seed).unwrap().apply(&mut state) {
            Ok(()) => assert!(state.store.contains(resource, &id)),
            Err(e) => assert!(e.0.contains(resource.schema), "{e}"),
        }
    }

    #[test]
    fn bad_seeds_name_the_problem() {
        let err = Seed::from_json(r#"{"creditTransactions": [{"type": "credits"}]}"#).unwrap_err();
        assert!(err.0.starts_with("/creditTransactions/0"), "{err}");
        let err = Seed::from_json(r#"{"providers": [{"id": "wrong_prefix", "providerId": "p", "name": "n", "baseUrl": "b"}]}"#)
            .unwrap()
            .apply(&mut State::new("http://mock", "key"))
            .unwrap_err();
        assert!(err.0.contains("aigp_"), "{err}");
        assert!(Seed::from_json("not json").is_err());
    }
}
