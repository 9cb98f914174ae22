//! Response bodies taken from the `example` values of `spec/ngrok-ai.yaml`,
//! so tests script what the real API documents.

use serde_json::{json, Value};

/// ID of the API key that created/updated every example resource.
pub const ACTOR_ID: &str = "aigak_2pYv8RkQ3mN7tLw0cXz5HbJd1Fs";
/// Example access key configuration ID.
pub const CONFIG_ID: &str = "aigac_2pZ3hB6nX1qW9eR4tY7uI0oPa5Sd";
/// Example access key ID.
pub const ACCESS_KEY_ID: &str = "aigk_2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu";
/// Example management API key ID.
pub const API_KEY_ID: &str = "aigak_2pZ6wE9rT2yU5iO8pA1sD4fG7hJk";
/// Example provider key ID.
pub const PROVIDER_KEY_ID: &str = "aigpk_2pZ1aT9cW4kD8mQe6RvN3xYb7Hu";
/// Example custom provider ID.
pub const PROVIDER_ID: &str = "aigp_2pZ7qA3sD6fG9hJ2kL5zX8cV1bNm";
/// Plaintext token of the created access key.
pub const ACCESS_KEY_TOKEN: &str =
    "ng-2pZ5jK8lM2nB4vC6xZ9qW1eR3tYu-g1-7Hq2Lm9Xc4Vb8Nz1Ks6Dw3Fy5TjYtq8";
/// Plaintext token of the created API key.
pub const API_KEY_TOKEN: &str = "ngai_2pZ6wE9rT2yU5iO8pA1sD4fG7hJk_R3mX8qL2vN6tB9cW1zH4kJ7h7Kq";
/// Usage cursor of the example's `nextPageUri`.
pub const USAGE_CURSOR: &str =
    "eyJ0IjoiMjAyNi0xMS0yNlQyMjo0MDo1NVoiLCJpZCI6ImFpZ3VlXzJwWjliUjJ0WDNmRTRzRzV1SDZ2SjdLOHhMIn0";

/// `createdBy` / `lastUpdatedBy` of the examples.
pub fn actor() -> Value {
    json!({"id": ACTOR_ID, "uri": format!("https://api.ngrok.ai/api-keys/{ACTOR_ID}")})
}

/// `AIGatewayAccessKeyConfiguration` example.
pub fn access_key_configuration() -> Value {
    json!({
        "id": CONFIG_ID,
        "uri": format!("https://api.ngrok.ai/access-key-configurations/{CONFIG_ID}"),
        "name": "support-bot-prod",
        "createdAt": "2026-11-02T09:14:27Z",
        "updatedAt": "2026-11-20T16:03:51Z",
        "createdBy": actor(),
        "lastUpdatedBy": actor(),
        "description": "OpenAI and Anthropic only; OpenAI keys fail over to ngrok inference",
        "metadata": "{\"team\":\"support\",\"env\":\"prod\"}",
        "access": {
            "providers": {"allow": ["openai", "anthropic"]},
            "models": {"allow": ["openai:openai/gpt-4o", "anthropic:anthropic/claude-sonnet-4-6"]}
        },
        "router": {"rules": [{
            "provider": "openai",
            "steps": [
                {
                    "type": "user",
                    "keys": [
                        {"id": PROVIDER_KEY_ID, "name": "openai-primary", "keyRedacted": "sk-proj-Ab***9xQz"},
                        {"id": "aigpk_2pZ1cM5vR8nJ2sLk0QwE7tXa4Gy", "name": "openai-backup", "keyRedacted": "sk-proj-Cd***4mWe"}
                    ],
                    "keySelectionStrategy": "ordered"
                },
                {"type": "ngrok"}
            ]
        }]}
    })
}

/// `AIGatewayAccessKey` example (GET form: no token).
pub fn access_key() -> Value {
    json!({
        "id": ACCESS_KEY_ID,
        "uri": format!("https://api.ngrok.ai/access-keys/{ACCESS_KEY_ID}"),
        "name": "support-bot",
        "createdAt": "2026-11-02T09:14:27Z",
        "updatedAt": "2026-11-20T16:03:51Z",
        "description": "Used by the support bot in production",
        "metadata": "{\"team\":\"support\"}",
        "createdBy": actor(),
        "lastUpdatedBy": actor(),
        "keyRedacted": "ng-2pZ5j***Ytq8",
        "lastUsed": "2026-11-26T22:41:09Z",
        "accessKeyConfiguration": {
            "id": CONFIG_ID,
            "uri": format!("https://api.ngrok.ai/access-key-configurations/{CONFIG_ID}"),
            "name": "support-bot-prod"
        }
    })
}

/// `AIGatewayAccessKey` as returned by create: with the one-time token.
pub fn access_key_created() -> Value {
    let mut key = access_key();
    key["updatedAt"] = json!("2026-11-02T09:14:27Z");
    key["lastUsed"] = Value::Null;
    key["token"] = json!(ACCESS_KEY_TOKEN);
    key
}

/// `AIGatewayAPIKey` example (no token).
pub fn api_key() -> Value {
    json!({
        "id": API_KEY_ID,
        "uri": format!("https://api.ngrok.ai/api-keys/{API_KEY_ID}"),
        "name": "terraform",
        "createdAt": "2026-11-02T09:14:27Z",
        "updatedAt": "2026-11-02T09:14:27Z",
        "description": "Provisions access keys from CI",
        "metadata": "{\"owner\":\"platform\"}",
        "createdBy": actor(),
        "lastUpdatedBy": actor(),
        "keyRedacted": "ngai_2pZ6***h7Kq",
        "lastUsed": null
    })
}

/// `AIGatewayAPIKey` as returned by create: with the one-time token.
pub fn api_key_created() -> Value {
    let mut key = api_key();
    key["token"] = json!(API_KEY_TOKEN);
    key
}

/// `AIGatewayProviderAPIKeyDetail` example.
pub fn provider_key() -> Value {
    json!({
        "id": PROVIDER_KEY_ID,
        "uri": format!("https://api.ngrok.ai/provider-keys/{PROVIDER_KEY_ID}"),
        "createdAt": "2026-11-02T09:14:27Z",
        "updatedAt": "2026-11-20T16:03:51Z",
        "providerId": "openai",
        "name": "openai-primary",
        "keyRedacted": "sk-proj-Ab***9xQz",
        "description": "Primary OpenAI project key",
        "metadata": "{\"project\":\"support\"}",
        "createdBy": actor(),
        "lastUpdatedBy": actor(),
        "lastUsed": "2026-11-26T22:41:09Z"
    })
}

/// `AIGatewayProvider` example.
pub fn provider() -> Value {
    json!({
        "id": PROVIDER_ID,
        "uri": format!("https://api.ngrok.ai/providers/{PROVIDER_ID}"),
        "providerId": "internal-vllm",
        "name": "Internal vLLM cluster",
        "baseUrl": "https://vllm.internal/v1",
        "metadata": "{\"owner\":\"ml-platform\"}",
        "createdAt": "2026-11-02T09:14:27Z",
        "updatedAt": "2026-11-20T16:03:51Z",
        "createdBy": actor(),
        "lastUpdatedBy": actor(),
        "supportedApiSurfaces": [{
            "format": "openai",
            "surface": "chat-completions",
            "supportedParams": [{"name": "temperature"}, {"name": "max_tokens"}, {"name": "stream"}]
        }],
        "models": [
            {"id": "aigpm_2pZ8wS4dF7gH0jK3lZ6xC9vB2nM", "modelId": "llama-3.1-70b-instruct"},
            {"id": "aigpm_2pZ8xT5eG8hJ1kL4mA7yD0wC3oN", "modelId": "qwen2.5-coder-32b"}
        ]
    })
}

/// `AIGatewayConfig` example.
pub fn gateway_config() -> Value {
    json!({
        "accountId": "acct_2nB8vC5xZ2lK9jH6gF3dS0aP7oIu",
        "uri": "https://api.ngrok.ai/gateway-config",
        "totalTimeout": "120s",
        "perRequestTimeout": "60s",
        "maxInputTokens": 200000,
        "maxOutputTokens": null,
        "metadata": null
    })
}

/// `AIGatewayUsageList` example (two events, a next page by cursor).
pub fn usage_list() -> Value {
    json!({
        "aiGatewayUsage": [
            {
                "id": "aigue_2pZ9aQ1sW2eD3rF4tG5yH6uJ7iK",
                "eventTime": "2026-11-26T22:41:09Z",
                "requestId": "req_01JDX7Q2M8ZK4B6N9P3R5T7V9W",
                "accessKeyId": ACCESS_KEY_ID,
                "provider": "openai",
                "providerDisplayName": "OpenAI",
                "model": "gpt-4o-mini",
                "modelDisplayName": "GPT-4o mini",
                "attemptNumber": 1,
                "isFinalAttempt": true,
                "statusCode": 200,
                "timedOut": false,
                "isError": false,
                "isStreaming": true,
                "stopReason": "stop",
                "inputTokens": 1342,
                "outputTokens": 287,
                "cacheReadTokens": 1024,
                "reasoningTokens": 0,
                "totalCost": "0.00043",
                "keySource": "user",
                "providerKeyId": PROVIDER_KEY_ID,
                "providerKeyDisplayName": "sk-proj-Ab***9xQz"
            },
            {
                "id": "aigue_2pZ9bR2tX3fE4sG5uH6vJ7wK8xL",
                "eventTime": "2026-11-26T22:40:55Z",
                "requestId": "req_01JDX7PKV3C5E7G9J1L3N5Q7S9",
                "accessKeyId": ACCESS_KEY_ID,
                "provider": "anthropic",
                "providerDisplayName": "Anthropic",
                "model": "claude-sonnet-4-6",
                "modelDisplayName": "Claude Sonnet 4.6",
                "attemptNumber": 1,
                "isFinalAttempt": true,
                "statusCode": 200,
                "timedOut": false,
                "isError": false,
                "isStreaming": false,
                "stopReason": "end_turn",
                "inputTokens": 5120,
                "outputTokens": 812,
                "cacheReadTokens": 0,
                "reasoningTokens": 0,
                "totalCost": "0.02754",
                "keySource": "ngrok"
            }
        ],
        "uri": "https://api.ngrok.ai/usage?startTime=2026-11-26T00:00:00Z&limit=2",
        "nextPageUri": format!("https://api.ngrok.ai/usage?startTime=2026-11-26T00:00:00Z&limit=2&cursor={USAGE_CURSOR}")
    })
}

/// `AIGatewayUsageOverview` example.
pub fn usage_overview() -> Value {
    json!({
        "uri": "https://api.ngrok.ai/usage/overview?startTime=2026-11-25T00:00:00Z&endTime=2026-11-27T00:00:00Z&groupBy=provider",
        "buckets": [
            {"bucketStart": "2026-11-25T00:00:00Z", "groupKey": "openai", "cost": "1.24310", "requests": 3120, "errors": 14},
            {"bucketStart": "2026-11-25T00:00:00Z", "groupKey": "anthropic", "cost": "0.88120", "requests": 702, "errors": 3},
            {"bucketStart": "2026-11-26T00:00:00Z", "groupKey": "openai", "cost": "0.84715", "requests": 1190, "errors": 4}
        ],
        "totals": {"cost": "2.97145", "requests": 5012, "errors": 21}
    })
}

/// `CreditTransactionList` example: one item of each variant.
pub fn credit_transactions() -> Value {
    json!({"items": [
        {
            "type": "usageInvoicePreview",
            "createdAt": "2026-11-27T08:00:00Z",
            "periodStart": "2026-11-01T00:00:00Z",
            "periodEnd": "2026-12-01T00:00:00Z",
            "totalCents": 612,
            "appliedCreditsCents": 612,
            "amountDueCents": 0,
            "amountPaidCents": 0,
            "amountRemainingCents": 0
        },
        {
            "type": "credits",
            "amountCents": 2500,
            "category": "purchase",
            "expiresAt": "2027-11-02T09:14:27Z",
            "createdAt": "2026-11-02T09:14:27Z"
        },
        {
            "type": "usageInvoice",
            "createdAt": "2026-11-01T00:05:12Z",
            "periodStart": "2026-10-01T00:00:00Z",
            "periodEnd": "2026-11-01T00:00:00Z",
            "invoiceUrl": "https://invoice.stripe.com/i/acct_1NgrokAI/test_YWNjdF8xTmdyb2tBSQ",
            "totalCents": 1843,
            "appliedCreditsCents": 1843,
            "amountDueCents": 0,
            "amountPaidCents": 0,
            "amountRemainingCents": 0
        },
        {
            "type": "credits",
            "amountCents": 500,
            "category": "promotional",
            "expiresAt": null,
            "createdAt": "2026-09-15T12:00:00Z"
        }
    ]})
}

/// An `Error` body as every non-2xx response carries it.
pub fn error_body(status: u16, error_code: Option<&str>, msg: &str, details: Value) -> Value {
    let mut body = json!({"statusCode": status, "msg": msg, "details": details});
    if let Some(code) = error_code {
        body["errorCode"] = json!(code);
    }
    body
}

/// A one-page list body: `items` under `field`, with `nextPageUri`.
pub fn page(field: &str, items: Vec<Value>, next_page_uri: Option<&str>) -> Value {
    json!({
        field: items,
        "uri": "https://api.ngrok.ai/page",
        "nextPageUri": next_page_uri
    })
}

/// Parses an RFC 3339 timestamp (test convenience).
pub fn ts(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse()
        .unwrap_or_else(|e| panic!("bad timestamp {text}: {e}"))
}
