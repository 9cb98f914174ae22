//! `cargo run -p ngrok-ai-examples --example provider_keys`: see [`ngrok_ai_examples::provider_keys`].
//! Uses the in-process mock unless `NGROK_AI_API_KEY` is set.

use std::process::ExitCode;

use ngrok_ai_examples::{connect, finish, provider_keys};

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        let (client, _mock) = connect().await?;
        provider_keys::run(&client).await
    };
    finish(result.await)
}
