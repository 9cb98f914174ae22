//! Fuzzing (property-based, on stable) of the spec loader: the real spec, mutated as text
//! (bytes deleted, YAML syntax inserted, lines duplicated, swapped or cut) and as a parsed
//! value (any node replaced by arbitrary JSON, or removed), goes through load → validate →
//! model. It either passes or fails with `CodegenError::Parse` or `CodegenError::Invalid`
//! naming where (a JSON pointer, `""` for the whole document, or `line L column C`) —
//! never a panic, never another kind of error.
//!
//! Cases per property: `PROPTEST_CASES` (default 48; each case parses the ~130 KB spec);
//! see tests/README.md for long runs.

use std::path::Path;

use ngrok_ai_codegen::load::parse_spec;
use ngrok_ai_codegen::model::Api;
use ngrok_ai_codegen::validate::validate;
use ngrok_ai_codegen::CodegenError;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ngrok-ai.yaml");

fn runner(default: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn spec_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(SPEC).expect("read the spec"))
}

fn spec_value() -> &'static Value {
    static VALUE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    VALUE.get_or_init(|| {
        parse_spec(Path::new(SPEC), spec_text())
            .unwrap_or_else(|e| panic!("{e}"))
            .raw
    })
}

/// Load → validate → model on `text`: `Ok` or a located `Parse`/`Invalid` error.
fn check(text: &str) -> Result<(), TestCaseError> {
    let path = Path::new("mutated.yaml");
    let outcome = parse_spec(path, text).and_then(|spec| {
        validate(&spec)?;
        Api::build(&spec).map(drop)
    });
    match outcome {
        Ok(()) => Ok(()),
        Err(CodegenError::Parse {
            file,
            location,
            message,
        }) => {
            prop_assert_eq!(file.as_path(), path);
            // A JSON pointer (`""` is the whole document) or `line L column C`.
            prop_assert!(
                location.is_empty() || location.starts_with('/') || location.starts_with("line "),
                "not a location: {:?}: {}",
                location,
                message
            );
            prop_assert!(!message.is_empty());
            Ok(())
        }
        Err(CodegenError::Invalid { file, problems }) => {
            prop_assert_eq!(file.as_path(), path);
            prop_assert!(!problems.is_empty());
            for problem in &problems {
                prop_assert!(!problem.message.is_empty(), "{}", problem);
                prop_assert!(
                    problem.location.is_empty() || problem.location.starts_with('/'),
                    "not a JSON pointer: {}",
                    problem
                );
            }
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "unexpected error kind: {other}"
        ))),
    }
}

#[derive(Debug, Clone)]
enum TextEdit {
    Delete {
        at: prop::sample::Index,
        len: usize,
    },
    Insert {
        at: prop::sample::Index,
        text: String,
    },
    DuplicateLines {
        at: prop::sample::Index,
        len: usize,
    },
    SwapLines {
        a: prop::sample::Index,
        b: prop::sample::Index,
    },
    Truncate {
        at: prop::sample::Index,
    },
}

fn arb_edit() -> impl Strategy<Value = TextEdit> {
    let snippet = prop_oneof![
        proptest::sample::select(vec![
            ":",
            ": ",
            "- ",
            "-",
            "&a ",
            "*a",
            "*b",
            "<<: *a\n",
            "{",
            "}",
            "[",
            "]",
            "'",
            "\"",
            "\t",
            "\n",
            "\n  ",
            "  ",
            "#",
            "|",
            ">",
            "!!str ",
            "!!binary ",
            "!tag ",
            "%YAML 1.2\n",
            "---\n",
            "...\n",
            "? ",
            ",",
            "~",
            "null",
            "$ref: '#/components/schemas/X'\n",
            "$ref: '#/'\n",
            "allOf: []\n",
            "type: object\n",
            "\u{feff}",
            "\0",
            "\\u0000",
            "1e999",
            "-0",
            "0x10",
            "yes",
            "&x [*x]",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ];
    prop_oneof![
        (any::<prop::sample::Index>(), 1usize..200)
            .prop_map(|(at, len)| TextEdit::Delete { at, len }),
        (any::<prop::sample::Index>(), snippet)
            .prop_map(|(at, text)| TextEdit::Insert { at, text }),
        (any::<prop::sample::Index>(), 1usize..30)
            .prop_map(|(at, len)| TextEdit::DuplicateLines { at, len }),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| TextEdit::SwapLines { a, b }),
        any::<prop::sample::Index>().prop_map(|at| TextEdit::Truncate { at }),
    ]
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &TextEdit) -> String {
    let len = text.len();
    if len == 0 || text.lines().next().is_none() {
        return text.to_owned();
    }
    match edit {
        TextEdit::Delete { at, len: n } => {
            let start = floor_boundary(text, at.index(len));
            let end = floor_boundary(text, (start + n).min(len));
            format!("{}{}", &text[..start], &text[end..])
        }
        TextEdit::Insert { at, text: snippet } => {
            let at = floor_boundary(text, at.index(len));
            format!("{}{snippet}{}", &text[..at], &text[at..])
        }
        TextEdit::DuplicateLines { at, len: n } => {
            let mut lines: Vec<&str> = text.lines().collect();
            let start = at.index(lines.len());
            let end = (start + n).min(lines.len());
            let copy: Vec<&str> = lines[start..end].to_vec();
            lines.splice(end..end, copy);
            lines.join("\n")
        }
        TextEdit::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.lines().collect();
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            lines.join("\n")
        }
        TextEdit::Truncate { at } => text[..floor_boundary(text, at.index(len))].to_owned(),
    }
}

#[test]
fn mutated_spec_text_is_a_located_error_or_a_spec() {
    runner(48)
        .run(&proptest::collection::vec(arb_edit(), 1..4), |edits| {
            let mut text = spec_text().to_owned();
            for edit in &edits {
                text = apply(&text, edit);
            }
            check(&text)
        })
        .unwrap();
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        proptest::sample::select(vec![
            "#/components/schemas/AIGatewayAccessKey",
            "#/components/schemas/Missing",
            "#/components/responses/Error",
            "#/",
            "object",
            "array",
            "string",
            "integer",
            "date-time",
            "beforeId",
            "cursor",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let key = prop_oneof![
        proptest::sample::select(vec![
            "$ref",
            "type",
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "required",
            "nullable",
            "enum",
            "format",
            "example",
            "additionalProperties",
            "x-ngrok-id-prefix",
            "x-ngrok-pagination",
            "x-ngrok-secret",
            "x-ngrok-references",
            "schema",
            "content",
            "responses",
            "parameters",
            "operationId",
            "in",
            "name",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn pointers_of(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = k.replace('~', "~0").replace('/', "~1");
                pointers_of(v, format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers_of(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn pointers() -> &'static [String] {
    static POINTERS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    POINTERS.get_or_init(|| {
        let mut out = Vec::new();
        pointers_of(spec_value(), String::new(), &mut out);
        out
    })
}

/// Replaces the node at `pointer` (or removes it, for `None`).
fn mutate(root: &mut Value, pointer: &str, replacement: Option<Value>) {
    match replacement {
        Some(value) => {
            if let Some(slot) = root.pointer_mut(pointer) {
                *slot = value;
            }
        }
        None => {
            let Some((parent, last)) = pointer.rsplit_once('/') else {
                return;
            };
            let last = last.replace("~1", "/").replace("~0", "~");
            match root.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn mutated_spec_values_are_a_located_error_or_a_spec() {
    let mutation = (
        any::<prop::sample::Index>(),
        proptest::option::weighted(0.8, arb_json()),
    );
    runner(48)
        .run(&proptest::collection::vec(mutation, 1..4), |mutations| {
            let mut value = spec_value().clone();
            for (index, replacement) in mutations {
                let pointer = index.get(pointers()).clone();
                mutate(&mut value, &pointer, replacement);
            }
            // JSON is YAML: the loader reads it like the spec's own text.
            check(&serde_json::to_string(&value).unwrap())
        })
        .unwrap();
}
