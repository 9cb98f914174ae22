//! What the account holds besides conventional resources: the gateway settings
//! singleton, the credit balance and transactions, checkout sessions handed out, and
//! usage events. The hooks module (`hooks.rs`) serves the operations on them; this
//! module only keeps and checks the data (test controls and seeds put it in place).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use ngrok_ai::types;
use serde_json::{Map, Value};

use crate::usage::Cost;

/// A checkout session the mock handed out (the balance does not change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRecord {
    /// `sessionId` returned to the caller.
    pub session_id: String,
    /// Requested amount in cents.
    pub amount_cents: i64,
}

/// Usage events by (eventTime, id), each with its parsed `totalCost`.
pub type UsageEvents = BTreeMap<(DateTime<Utc>, String), (types::AiGatewayUsageEvent, Cost)>;

/// The non-resource state of the account.
#[derive(Debug)]
pub struct Account {
    /// `accountId` of the gateway settings (`acct_…`).
    pub account_id: String,
    /// The gateway settings' stored fields (JSON names), defaults filled in.
    pub gateway: Map<String, Value>,
    /// `GET /credits/balance`.
    pub balance_cents: i64,
    /// `GET /credits/transactions` items, as seeded.
    pub transactions: Vec<types::CreditTransactionItem>,
    /// Checkout sessions created.
    pub checkouts: Vec<CheckoutRecord>,
    /// Usage events (attempts).
    pub usage: UsageEvents,
}

impl Account {
    /// An empty account with default gateway settings.
    pub fn new() -> Self {
        Self {
            account_id: format!("acct_{}", crate::ids::random_base62(26)),
            gateway: crate::hooks::default_gateway_config(),
            balance_cents: 0,
            transactions: Vec::new(),
            checkouts: Vec::new(),
            usage: BTreeMap::new(),
        }
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

    /// Adds usage events after checking each against the spec, its `totalCost` and the
    /// uniqueness of its ID; nothing is added if one is rejected.
    pub fn add_usage_events(
        &mut self,
        events: Vec<types::AiGatewayUsageEvent>,
    ) -> Result<(), String> {
        let mut seen: HashSet<&str> = self.usage.keys().map(|(_, id)| id.as_str()).collect();
        let mut costs = Vec::with_capacity(events.len());
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
            costs.push(cost);
        }
        for (event, cost) in events.into_iter().zip(costs) {
            self.usage
                .insert((event.event_time, event.id.clone()), (event, cost));
        }
        Ok(())
    }
}

impl Default for Account {
    fn default() -> Self {
        Self::new()
    }
}
