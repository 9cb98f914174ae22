//! The harness runs end to end in `--quick` mode on the client section (a child fixture
//! server, both client variants, allocations per call, the streaming heap figures). No
//! timing is asserted, nor whether the machine was quiet.

use std::process::Command;

#[test]
fn quick_client_section_prints_the_table() {
    let output = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-benches"))
        .args(["--quick", "--only", "client"])
        .output()
        .expect("the harness starts");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.starts_with(
            "| figure | value | baseline | ratio (min / median / max) | target | met? | noisy? |"
        ),
        "{table}"
    );
    for figure in [
        "client: get one access key",
        "client: list one page",
        "client: create",
        "heap allocations and bytes allocated per call",
        "client: stream() over 1,000 items (10 pages)",
        "client: try_collect() of all 1,000 items",
    ] {
        let row = table
            .lines()
            .find(|line| line.contains(figure))
            .unwrap_or_else(|| panic!("no row for {figure:?} in\n{table}"));
        // Every measured row has a ratio against its same-run baseline; --quick runs
        // two rounds, so min / median / max.
        assert!(row.contains("× / "), "{row}");
    }
    // The closing line says whether the figures may be quoted, either way.
    assert!(
        table.contains("- quiet: ") || table.contains("- **not quotable**: "),
        "{table}"
    );
}

#[test]
fn bad_arguments_are_rejected() {
    let output = Command::new(env!("CARGO_BIN_EXE_ngrok-ai-benches"))
        .args(["--only", "everything"])
        .output()
        .expect("the harness starts");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown section `everything`"));
}
