//! `ngrok-ai-cli-handwritten`: the hand-written crate's build of the `ngrok-ai` binary (the
//! generator writes the generated crate's own `main.rs`). Run with `--help`.

fn main() -> std::process::ExitCode {
    ngrok_ai_cli_handwritten::main()
}
