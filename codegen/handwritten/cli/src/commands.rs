// Stand-in for the generated module: in the generated crate this file is the command
// table and dispatch written by `cargo xtask regen`; here it includes that very file, so
// the hand-written crate is tested against the commands users get. The generator does not copy it.
include!("../../../../generated/ngrok-ai-cli/src/commands.rs");
