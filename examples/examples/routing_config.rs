//! `cargo run -p ngrok-ai-examples --example routing_config`: see [`ngrok_ai_examples::routing_config`].
//! Uses the in-process mock unless `NGROK_AI_API_KEY` is set.

use std::process::ExitCode;

use ngrok_ai_examples::{connect, finish, routing_config};

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        let (client, _mock) = connect().await?;
        routing_config::run(&client).await
    };
    finish(result.await)
}
