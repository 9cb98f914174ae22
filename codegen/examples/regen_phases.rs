//! Times the phases of `generate_all` (a development aid; `cargo xtask bench` is the
//! measurement of record): `cargo run --release -p ngrok-ai-codegen --example regen_phases`.
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec_path = root.join(ngrok_ai_codegen::SPEC_PATH);
    for _ in 0..3 {
        let t = Instant::now();
        let spec = ngrok_ai_codegen::load::load_spec(&spec_path).unwrap();
        let load = t.elapsed();
        let t = Instant::now();
        ngrok_ai_codegen::validate::validate(&spec).unwrap();
        let validate = t.elapsed();
        let t = Instant::now();
        let api = ngrok_ai_codegen::model::Api::build(&spec).unwrap();
        let model = t.elapsed();
        let t = Instant::now();
        let (_client, syntax) =
            ngrok_ai_codegen::generate::generate_with_syntax(&spec, &api).unwrap();
        let client = t.elapsed();
        let t = Instant::now();
        let _docs = ngrok_ai_codegen::docs::generate_from(&spec, &api, &syntax).unwrap();
        let docs = t.elapsed();
        let t = Instant::now();
        let all = ngrok_ai_codegen::generate_all(&root).unwrap();
        let whole = t.elapsed();
        println!(
            "load {load:?} validate {validate:?} model {model:?} client+httpmock {client:?} docs {docs:?} | generate_all {whole:?} ({} files)",
            all.files.len()
        );
    }
}
