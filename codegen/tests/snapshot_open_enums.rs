//! Decoding with the models of the `enums_and_unions` snapshot (see `snapshots.rs`): every
//! string enum, wherever the spec uses it, keeps a value it does not know, and sends it
//! back unchanged.
//!
//! The snapshot's `types.rs` is compiled into this test (it needs nothing but serde). It is
//! kept apart from `snapshots.rs` so that `UPDATE_SNAPSHOTS=1 cargo test --test snapshots`
//! still builds when a generator change breaks what this file expects.

// In the snapshot crate the models are `crate::types`, hence the module's name. Generated
// code is formatted by prettyplease, not rustfmt (as in the snapshot crate itself).
#[allow(clippy::all, dead_code, unused_imports)]
#[rustfmt::skip]
#[path = "snapshots/enums_and_unions/src/api/types.rs"]
mod types;

/// A value no version of a spec would use: the one every open enum must keep.
const UNSEEN: &str = "__not-in-the-spec__";

/// An open enum: the unseen value decodes as `Unknown`, is re-encoded unchanged, and the
/// string conversions agree with serde; every known value decodes to its own variant.
macro_rules! assert_open_enum {
    ($ty:ident, [$($known:literal => $variant:ident),* $(,)?]) => {{
        let decoded: types::$ty = serde_json::from_value(serde_json::json!(UNSEEN))
            .unwrap_or_else(|e| panic!("{}: an unseen value does not decode: {e}", stringify!($ty)));
        assert_eq!(decoded, types::$ty::Unknown(UNSEEN.to_string()));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), serde_json::json!(UNSEEN));
        assert_eq!(decoded.as_str(), UNSEEN);
        assert_eq!(decoded.to_string(), UNSEEN);
        assert_eq!(UNSEEN.parse::<types::$ty>(), Ok(decoded.clone()));
        assert_eq!(types::$ty::from(UNSEEN), decoded);
        $(
            let known: types::$ty = serde_json::from_value(serde_json::json!($known)).unwrap();
            assert_eq!(known, types::$ty::$variant);
            assert_eq!(serde_json::to_value(&known).unwrap(), serde_json::json!($known));
            assert_eq!(known.to_string(), $known);
            assert_eq!($known.parse::<types::$ty>(), Ok(types::$ty::$variant));
        )*
    }};
}

#[test]
fn every_string_enum_of_the_snapshot_is_open() {
    // Component-level enums (used directly, through allOf, as array items, nullable).
    assert_open_enum!(Status, ["active" => Active, "paused" => Paused]);
    assert_open_enum!(Label, ["beta" => Beta, "internal" => Internal]);
    assert_open_enum!(Tier, ["free" => Free, "paid" => Paid]);
    assert_open_enum!(Channel, ["email" => Email, "sms" => Sms]);
    // Inline enums: a property (shared by two schemas), one value, array items, nullable.
    assert_open_enum!(StepType, ["user" => User, "ngrok" => Ngrok]);
    assert_open_enum!(StepStrategy, ["ordered" => Ordered]);
    assert_open_enum!(StepKindsItem, ["fast" => Fast, "slow" => Slow]);
    assert_open_enum!(StepMode, ["auto" => Auto, "manual" => Manual]);
}

#[test]
fn unseen_values_in_every_position_decode_and_round_trip() {
    let step = serde_json::json!({
        "type": UNSEEN,
        "strategy": UNSEEN,
        "status": UNSEEN,
        "previousStatus": UNSEEN,
        "labels": ["beta", UNSEEN],
        "tier": UNSEEN,
        "channel": UNSEEN,
        "kinds": [UNSEEN, "slow"],
        "mode": UNSEEN,
    });
    let document = serde_json::json!({
        "steps": [step.clone()],
        "writes": [{"type": UNSEEN}],
        "items": [
            {"type": "grant", "amountCents": 5},
            {"type": UNSEEN, "somethingNew": true},
        ],
    });
    let decoded: types::Steps = serde_json::from_value(document)
        .unwrap_or_else(|e| panic!("a response with unseen enum values does not decode: {e}"));
    let unknown = || Some(types::Status::Unknown(UNSEEN.to_string()));
    let s = &decoded.steps[0];
    assert_eq!(s.type_, types::StepType::Unknown(UNSEEN.to_string()));
    assert_eq!(s.status, unknown());
    assert_eq!(s.previous_status, unknown());
    assert_eq!(
        s.labels,
        Some(vec![
            types::Label::Beta,
            types::Label::Unknown(UNSEEN.to_string())
        ])
    );
    assert_eq!(s.tier, Some(types::Tier::Unknown(UNSEEN.to_string())));
    assert_eq!(s.channel, Some(types::Channel::Unknown(UNSEEN.to_string())));
    assert_eq!(s.mode, Some(types::StepMode::Unknown(UNSEEN.to_string())));
    assert!(matches!(decoded.items[1], types::Item::Unknown));
    // Re-encoded, every unseen value is sent back as it came.
    assert_eq!(serde_json::to_value(&decoded.steps[0]).unwrap(), step);
    assert_eq!(
        serde_json::to_value(&decoded.writes[0]).unwrap(),
        serde_json::json!({"type": UNSEEN})
    );

    // Nullable uses take null: a nullable component (required here), a nullable allOf,
    // a nullable inline enum.
    let nulls = serde_json::json!({"type": "user", "channel": null, "tier": null, "mode": null});
    let decoded: types::Step = serde_json::from_value(nulls.clone()).unwrap();
    assert_eq!(
        (&decoded.channel, &decoded.tier, &decoded.mode),
        (&None, &None, &None)
    );
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        serde_json::json!({"type": "user", "channel": null})
    );
}

#[test]
fn a_component_enum_is_the_query_parameter_type() {
    // `GetSteps::status` takes `impl TryInto<types::Status>`: any string converts.
    fn takes<T: TryInto<types::Status>>(value: T) -> Option<types::Status> {
        value.try_into().ok()
    }
    assert_eq!(
        takes(UNSEEN),
        Some(types::Status::Unknown(UNSEEN.to_string()))
    );
    assert_eq!(takes("paused"), Some(types::Status::Paused));
}

/// A type that contains itself through an array (a tree) is legitimate, and input nested
/// far deeper than any real response fails to decode with an error instead of overflowing
/// the stack: serde_json stops at 128 levels.
#[test]
fn deeply_nested_input_of_a_recursive_type_is_an_error_not_a_crash() {
    let depth = 100_000;
    let mut text = String::with_capacity(depth * 48);
    for _ in 0..depth {
        text.push_str(r#"{"type": "user", "channel": null, "children": ["#);
    }
    text.push_str(r#"{"type": "user", "channel": null}"#);
    for _ in 0..depth {
        text.push_str("]}");
    }
    let error = serde_json::from_str::<types::Step>(&text).expect_err("far too deep");
    assert!(error.to_string().contains("recursion limit"), "{error}");
    // A shallow tree decodes.
    let shallow: types::Step = serde_json::from_str(
        r#"{"type": "user", "channel": null, "children": [{"type": "ngrok", "channel": "sms"}]}"#,
    )
    .unwrap();
    let encoded = serde_json::to_value(&shallow).unwrap();
    assert_eq!(encoded["children"][0]["channel"], "sms");
}
