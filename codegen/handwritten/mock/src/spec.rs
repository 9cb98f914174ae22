// Stand-in for the generated module: in the generated crate this file is the route table
// and schema embedding written by `cargo xtask regen`; here it includes that very file,
// so the hand-written crate is tested against the table users get. The generator does not copy it.
include!("../../../../generated/ngrok-ai-mock/src/spec.rs");
