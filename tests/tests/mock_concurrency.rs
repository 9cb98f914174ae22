//! 1,000 concurrent creates through the client leave exactly 1,000 listable items.

use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai::types;
use ngrok_ai_mock::MockServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_creates() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let created: Vec<String> = futures_util::stream::iter(0..1000)
        .map(|i| {
            let client = client.clone();
            async move {
                client
                    .create_access_key()
                    .body(types::AiGatewayAccessKeyCreate::builder().name(format!("key-{i}")))
                    .send()
                    .await
                    .map(|k| k.id)
            }
        })
        .buffer_unordered(64)
        .try_collect()
        .await
        .expect("no request fails");
    assert_eq!(created.len(), 1000);

    let listed: Vec<String> = client
        .list_access_keys()
        .stream()
        .map_ok(|k| k.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1000);
    let unique: HashSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), 1000);
    assert_eq!(unique, created.iter().collect::<HashSet<_>>());
    let mut sorted = listed.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(listed, sorted, "descending ID order across pages");

    let journal = mock.journal();
    assert_eq!(
        journal.iter().filter(|e| e.status == Some(201)).count(),
        1000
    );
    assert_eq!(
        journal.iter().filter(|e| e.method == "GET").count(),
        10,
        "10 pages of 100"
    );
    assert!(mock.response_violations().is_empty());
}
