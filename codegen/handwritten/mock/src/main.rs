//! `ngrok-ai-mock-handwritten`: the hand-written crate's build of the `ngrok-ai-mock` binary
//! (the generator writes the generated crate's own `main.rs`). Run with `--help`.

fn main() -> std::process::ExitCode {
    ngrok_ai_mock_handwritten::cli::main()
}
