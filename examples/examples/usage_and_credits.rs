//! `cargo run -p ngrok-ai-examples --example usage_and_credits`: see
//! [`ngrok_ai_examples::usage_and_credits`]. Uses the in-process mock, seeded with a few
//! days of usage and some credits, unless `NGROK_AI_API_KEY` is set.

use std::process::ExitCode;

use ngrok_ai_examples::{connect, finish, usage_and_credits};

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        let (client, mock) = connect().await?;
        if let Some(mock) = &mock {
            usage_and_credits::seed(mock)?;
        }
        usage_and_credits::run(&client).await
    };
    finish(result.await)
}
