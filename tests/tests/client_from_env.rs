//! `Client::from_env` reads process environment variables, so it has this
//! test binary to itself: a single test, so no other thread reads or writes
//! the environment while it changes it.

use ngrok_ai::{Client, Error};
use ngrok_ai_tests::{assert_sdk_headers, StubResponse, StubServer, API_KEY};

const KEY_VAR: &str = "NGROK_AI_API_KEY";
const URL_VAR: &str = "NGROK_AI_BASE_URL";

#[tokio::test(flavor = "current_thread")]
async fn from_env_reads_key_and_base_url() {
    let server = StubServer::start().await;
    server.push(StubResponse::json(
        200,
        serde_json::json!({"balanceCents": 1888}),
    ));

    std::env::remove_var(KEY_VAR);
    std::env::remove_var(URL_VAR);
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains(KEY_VAR), "{error}");

    std::env::set_var(KEY_VAR, "   ");
    let error = Client::from_env().unwrap_err();
    assert!(
        error.to_string().contains(KEY_VAR),
        "blank counts as unset: {error}"
    );

    // Surrounding whitespace (a trailing newline from a secrets file) is trimmed.
    std::env::set_var(KEY_VAR, format!(" {API_KEY}\n"));
    std::env::set_var(URL_VAR, server.url());
    let client = Client::from_env().unwrap();
    std::env::remove_var(KEY_VAR);
    std::env::remove_var(URL_VAR);

    let balance = client.get_credit_balance().send().await.unwrap();
    assert_eq!(balance.balance_cents, 1888);
    let request = server.single_request();
    assert_sdk_headers(&request);
    assert_eq!(request.path, "/credits/balance");
}
