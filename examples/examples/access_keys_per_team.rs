//! `cargo run -p ngrok-ai-examples --example access_keys_per_team`: see [`ngrok_ai_examples::access_keys_per_team`].
//! Uses the in-process mock unless `NGROK_AI_API_KEY` is set.

use std::process::ExitCode;

use ngrok_ai_examples::{access_keys_per_team, connect, finish};

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        let (client, _mock) = connect().await?;
        access_keys_per_team::run(&client).await
    };
    finish(result.await)
}
