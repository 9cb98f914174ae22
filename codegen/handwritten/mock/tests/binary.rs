//! The `ngrok-ai-mock` binary (built here as `ngrok-ai-mock-handwritten`): `--port 0`
//! startup, a seed file, an authenticated request, the request log, and a clean exit on
//! SIGTERM. Also the same code path in-process through `cli::run`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const API_KEY: &str = "ngai_binary_test_key_0123456789";

fn seed_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("ngrok-ai-mock-seed-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"creditBalanceCents": 1888,
            "providers": [{"id": "aigp_seeded", "providerId": "internal-vllm", "name": "vLLM",
                           "baseUrl": "https://vllm.internal/v1"}]}"#,
    )
    .unwrap();
    path
}

#[test]
fn binary_serves_logs_and_stops_on_sigterm() {
    let seed = seed_file();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-mock-handwritten"))
        .args(["--port", "0", "--api-key", API_KEY, "--seed"])
        .arg(&seed)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("startup line");
    let base_url = first
        .strip_prefix("ngrok-ai-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && !base_url.ends_with(":0"),
        "{base_url}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = ngrok_ai::Client::builder()
            .api_key(API_KEY)
            .base_url(base_url.as_str())
            .build()
            .unwrap();
        assert_eq!(
            client
                .get_credit_balance()
                .send()
                .await
                .unwrap()
                .balance_cents,
            1888
        );
        let provider = client
            .get_provider()
            .id("aigp_seeded")
            .send()
            .await
            .unwrap();
        assert_eq!(provider.provider_id, "internal-vllm");
        let stranger = ngrok_ai::Client::builder()
            .api_key("wrong")
            .base_url(base_url.as_str())
            .build()
            .unwrap();
        assert!(stranger
            .get_credit_balance()
            .send()
            .await
            .unwrap_err()
            .is_unauthorized());
    });

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut log = Vec::new();
    while let Ok(line) = lines_rx.recv_timeout(Duration::from_secs(5)) {
        log.push(line);
    }
    let log = log.join("\n");
    assert!(
        log.contains("GET /credits/balance -> 200 GetCreditBalance"),
        "{log}"
    );
    assert!(
        log.contains("GET /providers/aigp_seeded -> 200 GetAIGatewayProvider"),
        "{log}"
    );
    assert!(log.contains("-> 401"), "{log}");
    assert!(log.ends_with("ngrok-ai-mock: stopped"), "{log}");
    assert!(
        !log.contains(API_KEY) && !log.contains("Bearer"),
        "no secrets in the log: {log}"
    );
    let _ = std::fs::remove_file(seed);
}

#[test]
fn binary_rejects_bad_arguments_and_prints_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-mock-handwritten"))
        .args(["--port", "nope", "--api-key", "k"])
        .env_remove("NGROK_AI_MOCK_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
    let out = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-mock-handwritten"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut help = String::new();
    out.stdout.as_slice().read_to_string(&mut help).unwrap();
    assert!(help.contains("--seed <FILE>") && help.contains("--journal-capacity <N>"));
    let out = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-mock-handwritten"))
        .args(["--api-key", "k", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "unknown arguments are errors");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
    let out = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-mock-handwritten"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
    let out = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-mock-handwritten"))
        .args([
            "--port",
            "0",
            "--api-key",
            "k",
            "--seed",
            "/nonexistent/seed.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[tokio::test]
async fn cli_run_in_process() {
    let options = match ngrok_ai_mock_handwritten::cli::parse_args(
        ["--port", "0", "--api-key", API_KEY].map(String::from),
        None,
    )
    .unwrap()
    {
        ngrok_ai_mock_handwritten::cli::Command::Run(options) => options,
        other => panic!("{other:?}"),
    };
    let (url_tx, url_rx) = tokio::sync::oneshot::channel::<String>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ngrok_ai_mock_handwritten::cli::run(
        options,
        move |url| {
            let _ = url_tx.send(url.to_owned());
        },
        async move {
            let _ = stop_rx.await;
        },
    ));
    let base_url = url_rx.await.unwrap();
    let client = ngrok_ai::Client::builder()
        .api_key(API_KEY)
        .base_url(base_url.as_str())
        .build()
        .unwrap();
    let config = client.get_gateway_config().send().await.unwrap();
    assert_eq!(config.total_timeout, "120s");
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    let err = client
        .with_retry_policy(ngrok_ai::RetryPolicy::disabled())
        .get_gateway_config()
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none(), "the server is gone: {err}");
}
