//! Every example's walkthrough, run against a fresh mock: each must succeed, leave
//! nothing behind (the real-API runs delete what they create) and get only answers that
//! match the spec.

use ngrok_ai_examples::{
    access_keys_per_team, custom_provider, provider_keys, routing_config, usage_and_credits,
};
use ngrok_ai_mock::MockServer;

/// Fails if the mock still holds resources or answered outside the spec.
async fn assert_clean(mock: &MockServer) {
    let client = mock.client();
    let access_keys = client.list_access_keys().send().await.unwrap();
    assert!(
        access_keys.ai_gateway_access_keys.is_empty(),
        "{access_keys:?}"
    );
    let configurations = client
        .list_access_key_configurations()
        .send()
        .await
        .unwrap();
    assert!(
        configurations
            .ai_gateway_access_key_configurations
            .is_empty(),
        "{configurations:?}"
    );
    let provider_keys = client.list_provider_api_keys().send().await.unwrap();
    assert!(
        provider_keys.ai_gateway_provider_keys.is_empty(),
        "{provider_keys:?}"
    );
    let providers = client.list_providers().send().await.unwrap();
    assert!(providers.ai_gateway_providers.is_empty(), "{providers:?}");
    assert!(
        mock.response_violations().is_empty(),
        "{:?}",
        mock.response_violations()
    );
}

#[tokio::test]
async fn access_keys_per_team_runs() {
    let mock = MockServer::start().await;
    access_keys_per_team::run(&mock.client()).await.unwrap();
    assert_clean(&mock).await;
}

#[tokio::test]
async fn provider_keys_runs() {
    let mock = MockServer::start().await;
    provider_keys::run(&mock.client()).await.unwrap();
    assert_clean(&mock).await;
}

#[tokio::test]
async fn routing_config_runs() {
    let mock = MockServer::start().await;
    routing_config::run(&mock.client()).await.unwrap();
    assert_clean(&mock).await;
}

#[tokio::test]
async fn custom_provider_runs() {
    let mock = MockServer::start().await;
    custom_provider::run(&mock.client()).await.unwrap();
    assert_clean(&mock).await;
    // The walkthrough's 409 came from the mock, not from a skipped step.
    let conflicts = mock
        .journal()
        .iter()
        .filter(|e| e.status == Some(409))
        .count();
    assert_eq!(conflicts, 1);
}

#[tokio::test]
async fn usage_and_credits_runs() {
    let mock = MockServer::start().await;
    usage_and_credits::seed(&mock).unwrap();
    usage_and_credits::run(&mock.client()).await.unwrap();
    assert_clean(&mock).await;
}

#[tokio::test]
async fn a_failed_walkthrough_still_cleans_up() {
    let mock = MockServer::start().await;
    // Listing fails (400 is not retried) after the three keys were created.
    mock.inject(ngrok_ai_mock::Fault::status("ListAIGatewayAccessKeys", 400));
    let err = access_keys_per_team::run(&mock.client()).await.unwrap_err();
    assert!(err.to_string().contains("400"), "{err}");
    assert_clean(&mock).await;
}
