//! `cargo run -p ngrok-ai-examples --example custom_provider`: see [`ngrok_ai_examples::custom_provider`].
//! Uses the in-process mock unless `NGROK_AI_API_KEY` is set.

use std::process::ExitCode;

use ngrok_ai_examples::{connect, custom_provider, finish};

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        let (client, _mock) = connect().await?;
        custom_provider::run(&client).await
    };
    finish(result.await)
}
