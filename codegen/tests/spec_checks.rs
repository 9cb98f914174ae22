//! The real spec loads and passes every rule; each rule catches what it should, at the place
//! it should; no input makes the loader panic.
//!
//! Negative tests start from `fixtures/minimal.yaml` (which passes every rule) and break one
//! thing, then assert the exact location and the gist of the message.

use std::path::{Path, PathBuf};

use ngrok_ai_codegen::json_schema::{self, to_json_schema};
use ngrok_ai_codegen::load::{load_spec, parse_spec, Spec};
use ngrok_ai_codegen::model::Api;
use ngrok_ai_codegen::validate::validate;
use ngrok_ai_codegen::{CodegenError, Problem};
use serde_json::json;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ngrok-ai.yaml");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture_path(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn minimal() -> String {
    std::fs::read_to_string(fixture_path("minimal.yaml")).expect("read fixtures/minimal.yaml")
}

/// `text` with the first occurrence of `from` replaced by `to`; `from` must occur.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "fixture edit: {from:?} not found in fixture"
    );
    text.replacen(from, to, 1)
}

fn parse(text: &str) -> Spec {
    parse_spec(Path::new("fixture.yaml"), text).unwrap_or_else(|err| panic!("{err}"))
}

/// The problems `validate` reports for `text` (which must parse).
fn problems(text: &str) -> Vec<Problem> {
    match validate(&parse(text)) {
        Ok(()) => Vec::new(),
        Err(CodegenError::Invalid { file, problems }) => {
            assert_eq!(file, Path::new("fixture.yaml"));
            problems
        }
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_has(problems: &[Problem], location: &str, needle: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.location == location && p.message.contains(needle)),
        "expected a problem at {location} mentioning {needle:?}; got:\n{}",
        list(problems)
    );
}

/// Exactly one problem, at `location`, whose message contains every needle.
fn assert_only(problems: &[Problem], location: &str, needles: &[&str]) {
    assert_eq!(
        problems.len(),
        1,
        "expected one problem; got:\n{}",
        list(problems)
    );
    assert_eq!(problems[0].location, location, "got:\n{}", list(problems));
    for needle in needles {
        assert!(
            problems[0].message.contains(needle),
            "message {:?} should mention {needle:?}",
            problems[0].message
        );
    }
}

/// The Parse error for `text`: (location, message).
fn parse_error(text: &str) -> (String, String) {
    match parse_spec(Path::new("fixture.yaml"), text) {
        Err(CodegenError::Parse {
            file,
            location,
            message,
        }) => {
            assert_eq!(file, Path::new("fixture.yaml"));
            (location, message)
        }
        Err(other) => panic!("expected Parse, got {other}"),
        Ok(_) => panic!("expected Parse error, but it parsed"),
    }
}

// ---------------------------------------------------------------------------------------------
// The real spec.

#[test]
fn real_spec_loads_and_validates() {
    let spec = load_spec(Path::new(SPEC)).unwrap_or_else(|err| panic!("{err}"));
    if let Err(err) = validate(&spec) {
        panic!("{err}");
    }
    // The model reads every operation openapiv3 sees, under its own id, and recognises a
    // resource for every collection the spec pages and creates the same schema on.
    let api = Api::build(&spec).unwrap_or_else(|err| panic!("{err}"));
    // (openapiv3 walks methods in its own order, the model in the document's.)
    let mut ids: Vec<&str> = api.operations.iter().map(|op| op.id).collect();
    let mut typed: Vec<&str> = spec
        .openapi
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.as_deref())
        .collect();
    ids.sort_unstable();
    typed.sort_unstable();
    assert_eq!(ids, typed, "the model's operations");
    for op in &api.operations {
        let (Some(list), Some(create)) = (&op.pagination, api.operation_at(op.path, "post")) else {
            continue;
        };
        let answers = create.response.as_ref().and_then(|r| r.schema_name);
        let prefixed = api
            .schema(list.item_schema)
            .is_some_and(|s| s.get("x-ngrok-id-prefix").is_some());
        if answers == Some(list.item_schema) && prefixed {
            assert!(
                api.resources.iter().any(|r| r.schema == list.item_schema),
                "{} pages and creates {} but no resource was recognised",
                op.id,
                list.item_schema
            );
        }
    }
}

#[test]
fn fixtures_are_valid() {
    assert_eq!(problems(&minimal()), Vec::new());
    let examples = load_spec(&fixture_path("examples.yaml")).unwrap_or_else(|e| panic!("{e}"));
    if let Err(err) = validate(&examples) {
        panic!("{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Operations.

#[test]
fn missing_operation_id() {
    let text = edit(&minimal(), "      operationId: ListThings\n", "");
    assert_only(&problems(&text), "/paths/~1things/get", &["operationId"]);
}

#[test]
fn missing_tags() {
    let text = edit(
        &minimal(),
        "      tags:\n      - Things\n      summary: List things\n",
        "      summary: List things\n",
    );
    assert_only(&problems(&text), "/paths/~1things/get", &["no tags"]);
}

#[test]
fn undeclared_tag() {
    let text = edit(
        &minimal(),
        "      - Things\n      summary: List things\n",
        "      - Widgets\n      summary: List things\n",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things/get/tags/0",
        &["`Widgets`", "not declared"],
    );
}

#[test]
fn missing_summary() {
    let text = edit(&minimal(), "      summary: List things\n", "");
    assert_only(&problems(&text), "/paths/~1things/get", &["summary"]);
}

#[test]
fn missing_success_response() {
    let text = edit(
        &minimal(),
        "        '200':\n          description: The thing.",
        "        '302':\n          description: The thing.",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/get/responses",
        &["success (2xx)"],
    );
}

#[test]
fn missing_error_response() {
    let text = edit(
        &minimal(),
        "        4XX:\n          $ref: '#/components/responses/Error'\n",
        "",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/get/responses",
        &["error response"],
    );
}

#[test]
fn duplicate_operation_id_reports_both_places() {
    let text = edit(
        &minimal(),
        "operationId: GetThing",
        "operationId: ListThings",
    );
    let problems = problems(&text);
    assert_eq!(problems.len(), 2, "got:\n{}", list(&problems));
    assert_has(
        &problems,
        "/paths/~1things/get/operationId",
        "also used at /paths/~1things~1{id}/get/operationId",
    );
    assert_has(
        &problems,
        "/paths/~1things~1{id}/get/operationId",
        "also used at /paths/~1things/get/operationId",
    );
}

// ---------------------------------------------------------------------------------------------
// References, descriptions, path parameters, extensions.

#[test]
fn dangling_ref_reports_the_ref_itself() {
    let text = edit(
        &minimal(),
        "$ref: '#/components/schemas/Thing'\n        4XX",
        "$ref: '#/components/schemas/Thingy'\n        4XX",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/$ref",
        &["#/components/schemas/Thingy", "does not resolve"],
    );
}

#[test]
fn non_local_ref_is_rejected() {
    let text = edit(
        &minimal(),
        "$ref: '#/components/schemas/Thing'\n        4XX",
        "$ref: 'other.yaml#/Thing'\n        4XX",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/$ref",
        &["non-local", "other.yaml#/Thing"],
    );
}

#[test]
fn property_without_description() {
    let text = edit(
        &minimal(),
        "        id:\n          type: string\n          description: Its id.\n",
        "        id:\n          type: string\n",
    );
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/properties/id",
        &["`id`", "description"],
    );
}

#[test]
fn nested_properties_without_description() {
    let extra = r"  schemas:
    Nested:
      type: object
      description: Nested things.
      properties:
        outer:
          type: object
          description: Outer.
          properties:
            inner:
              type: string
        list:
          type: array
          description: A list.
          items:
            type: object
            properties:
              entry:
                type: integer
        combined:
          description: Combined.
          allOf:
          - type: object
            properties:
              member:
                type: boolean
        plain:
          $ref: '#/components/schemas/Undescribed'
        described:
          $ref: '#/components/schemas/Error'
    Undescribed:
      type: string
";
    let text = edit(&minimal(), "  schemas:\n", extra);
    let problems = problems(&text);
    assert_eq!(problems.len(), 4, "got:\n{}", list(&problems));
    let base = "/components/schemas/Nested/properties";
    assert_has(
        &problems,
        &format!("{base}/outer/properties/inner"),
        "`inner` has no description",
    );
    assert_has(
        &problems,
        &format!("{base}/list/items/properties/entry"),
        "`entry`",
    );
    assert_has(
        &problems,
        &format!("{base}/combined/allOf/0/properties/member"),
        "`member`",
    );
    assert_has(
        &problems,
        &format!("{base}/plain"),
        "#/components/schemas/Undescribed",
    );
}

#[test]
fn path_parameter_in_template_but_not_declared() {
    let text = edit(
        &minimal(),
        "    parameters:\n    - name: id\n      in: path\n      required: true\n      schema:\n        type: string\n      example: thg_123\n",
        "",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/get",
        &["`id`", "not declared"],
    );
}

#[test]
fn path_parameter_declared_but_not_in_template() {
    let text = edit(
        &minimal(),
        "      operationId: GetThing\n",
        "      operationId: GetThing\n      parameters:\n      - name: other\n        in: path\n        required: true\n        schema:\n          type: string\n",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/get/parameters/0",
        &["`other`", "path template"],
    );
}

#[test]
fn references_must_name_a_resource_schema() {
    let references = |target: &str| {
        edit(
            &minimal(),
            "          description: Its id.\n",
            &format!("          description: Its id.\n          x-ngrok-references: {target}\n"),
        )
    };
    assert_eq!(problems(&references("Thing")), Vec::new());
    for target in ["Error", "Nowhere"] {
        assert_only(
            &problems(&references(target)),
            "/components/schemas/Thing/properties/id/x-ngrok-references",
            &["x-ngrok-references", "x-ngrok-id-prefix"],
        );
    }
}

#[test]
fn cycles_without_structure_are_refused_and_recursion_through_objects_is_not() {
    let schemas = |extra: &str| edit(&minimal(), "  schemas:\n", &format!("  schemas:\n{extra}"));
    // A → B → A through `$ref` and `allOf`.
    let text = schemas(
        "    A:\n      description: a\n      allOf:\n      - $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n",
    );
    let found = problems(&text);
    let cycles: Vec<_> = found
        .iter()
        .filter(|p| p.message.contains("refers to itself"))
        .collect();
    assert_eq!(
        cycles.len(),
        1,
        "one cycle, reported once:\n{}",
        list(&found)
    );
    assert_eq!(cycles[0].location, "/components/schemas/A");
    assert!(
        cycles[0].message.contains("/components/schemas/B"),
        "{}",
        cycles[0].message
    );
    // A schema that is itself.
    let text = schemas("    Me:\n      $ref: '#/components/schemas/Me'\n");
    assert_has(
        &problems(&text),
        "/components/schemas/Me",
        "refers to itself",
    );
    // A tree: recursion through an array of objects is a legitimate recursive type.
    let text = schemas(
        "    Node:\n      type: object\n      description: n\n      properties:\n        children:\n          type: array\n          description: c\n          items:\n            $ref: '#/components/schemas/Node'\n",
    );
    assert!(
        !problems(&text)
            .iter()
            .any(|p| p.message.contains("refers to itself")),
        "{}",
        list(&problems(&text))
    );
}

#[test]
fn unknown_ngrok_extension() {
    let text = edit(
        &minimal(),
        "          description: Its id.\n",
        "          description: Its id.\n          x-ngrok-secrett: true\n",
    );
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/properties/id/x-ngrok-secrett",
        &["unknown extension", "x-ngrok-secrett"],
    );
}

#[test]
fn pagination_style_must_be_known() {
    let text = edit(&minimal(), "style: beforeId", "style: offset");
    assert_only(
        &problems(&text),
        "/paths/~1things/get/x-ngrok-pagination/style",
        &["`offset`"],
    );
}

#[test]
fn pagination_items_must_be_an_array_property() {
    let text = edit(&minimal(), "items: things", "items: nextPageUri");
    assert_only(
        &problems(&text),
        "/paths/~1things/get/x-ngrok-pagination/items",
        &["`nextPageUri` is not an array property"],
    );
}

#[test]
fn pagination_needs_its_query_parameter() {
    let text = edit(&minimal(), "style: beforeId", "style: cursor");
    assert_only(
        &problems(&text),
        "/paths/~1things/get/x-ngrok-pagination/style",
        &["`in: query` parameter named `cursor`"],
    );
}

#[test]
fn pagination_must_be_an_object() {
    let text = edit(
        &minimal(),
        "      x-ngrok-pagination:\n        style: beforeId\n        items: things\n        next: nextPageUri\n",
        "      x-ngrok-pagination: beforeId\n",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things/get/x-ngrok-pagination",
        &["must be an object"],
    );
}

// ---------------------------------------------------------------------------------------------
// Examples.

#[test]
fn example_of_wrong_type() {
    let text = edit(&minimal(), "        id: thg_123\n", "        id: 123\n");
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/example",
        &["`/id`", "string"],
    );
}

#[test]
fn example_out_of_range() {
    let text = edit(&minimal(), "        size: 3\n", "        size: 1000\n");
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/example",
        &["`/size`", "maximum of 100"],
    );
}

#[test]
fn example_with_bad_date_time() {
    let text = edit(
        &minimal(),
        "createdAt: '2026-11-02T09:14:27Z'",
        "createdAt: '2026-11-02 yesterday'",
    );
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/example",
        &["`/createdAt`", "date-time"],
    );
}

#[test]
fn example_null_for_non_nullable() {
    let text = edit(&minimal(), "        id: thg_123\n", "        id: null\n");
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/example",
        &["`/id`", "null"],
    );
}

#[test]
fn parameter_example_is_checked() {
    let text = edit(
        &minimal(),
        "      example: thg_123\n",
        "      example: 123\n",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things~1{id}/parameters/0/example",
        &["string"],
    );
}

#[test]
fn property_example_is_checked() {
    let text = edit(
        &minimal(),
        "          description: How big it is.\n",
        "          description: How big it is.\n          example: 0\n",
    );
    assert_only(
        &problems(&text),
        "/components/schemas/Thing/properties/size/example",
        &["minimum of 1"],
    );
}

#[test]
fn media_type_example_is_checked() {
    let text = edit(
        &minimal(),
        "                $ref: '#/components/schemas/ThingList'\n",
        "                $ref: '#/components/schemas/ThingList'\n              example:\n                things: {}\n",
    );
    assert_only(
        &problems(&text),
        "/paths/~1things/get/responses/200/content/application~1json/example",
        &["`/things`", "array"],
    );
}

#[test]
fn one_of_example_matching_no_variant_fails() {
    let text = std::fs::read_to_string(fixture_path("examples.yaml")).expect("read fixture");
    let text = edit(&text, "        lives: 7\n", "        lives: 12\n");
    assert_only(
        &problems(&text),
        "/components/schemas/Pet/example",
        &["example does not match"],
    );
}

// ---------------------------------------------------------------------------------------------
// Several problems at once.

#[test]
fn every_problem_is_reported_sorted() {
    let text = edit(&minimal(), "      operationId: ListThings\n", "");
    let text = edit(&text, "      summary: Get a thing\n", "");
    let text = edit(&text, "        id: thg_123\n", "        id: 7\n");
    let err = validate(&parse(&text)).expect_err("three problems");
    let CodegenError::Invalid { problems, .. } = &err else {
        panic!("expected Invalid, got {err}");
    };
    let locations: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "/components/schemas/Thing/example",
            "/paths/~1things/get",
            "/paths/~1things~1{id}/get",
        ]
    );
    let shown = err.to_string();
    assert!(shown.starts_with("fixture.yaml: 3 problem(s):"), "{shown}");
    for location in locations {
        assert!(shown.contains(location), "{shown}");
    }
}

// ---------------------------------------------------------------------------------------------
// Loading.

#[test]
fn malformed_yaml_names_file_and_line() {
    let path = fixture_path("malformed.yaml");
    match load_spec(&path) {
        Err(err @ CodegenError::Parse { .. }) => {
            let CodegenError::Parse {
                file,
                location,
                message,
            } = &err
            else {
                unreachable!()
            };
            assert_eq!(file, &path);
            assert_eq!(location, "line 8 column 17");
            assert!(!message.is_empty());
            let shown = err.to_string();
            assert!(
                shown.contains("malformed.yaml") && shown.contains("line 8 column 17"),
                "{shown}"
            );
        }
        Err(other) => panic!("expected Parse, got {other}"),
        Ok(_) => panic!("malformed.yaml parsed"),
    }
}

#[test]
fn missing_file_names_the_path() {
    let path = fixture_path("does-not-exist.yaml");
    match load_spec(&path) {
        Err(CodegenError::Io { path: p, .. }) => assert_eq!(p, path),
        Err(other) => panic!("expected Io, got {other}"),
        Ok(_) => panic!("loaded a missing file"),
    }
}

#[test]
fn wrong_shape_names_the_json_pointer() {
    let text = edit(
        &minimal(),
        "      responses:\n        '200':\n          description: A page of things.",
        "      responses:\n      - '200'\n      x-was:\n        '200':\n          description: A page of things.",
    );
    let (location, message) = parse_error(&text);
    assert_eq!(location, "/paths/~1things/get/responses", "{message}");
    assert!(message.contains("invalid type: sequence"), "{message}");
}

#[test]
fn wrong_shape_deep_in_a_schema() {
    let text = edit(
        &minimal(),
        "          type: string\n          description: Its id.\n",
        "          type: string\n          description: Its id.\n          maxLength: lots\n",
    );
    let (location, message) = parse_error(&text);
    assert_eq!(
        location, "/components/schemas/Thing/properties/id",
        "{message}"
    );
}

#[test]
fn wrong_shape_of_a_parameter() {
    let text = edit(&minimal(), "      in: path\n", "      in: [path]\n");
    let (location, message) = parse_error(&text);
    assert_eq!(
        location, "/paths/~1things~1{id}/parameters/0/in",
        "{message}"
    );
}

#[test]
fn openapi_3_1_is_rejected() {
    let text = edit(&minimal(), "openapi: 3.0.3", "openapi: 3.1.0");
    let (location, message) = parse_error(&text);
    assert_eq!(location, "/openapi");
    assert!(
        message.contains("3.1.0") && message.contains("3.0.x"),
        "{message}"
    );
}

#[test]
fn garbage_never_panics() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_map = format!("{}1{}", "{a: ".repeat(5_000), "}".repeat(5_000));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    let inputs: Vec<String> = vec![
        String::new(),
        "[]".into(),
        "~".into(),
        "42".into(),
        "openapi: 3.1.0".into(),
        "openapi: 3.0".into(),
        "openapi: [3]".into(),
        "openapi: 3.0.3".into(),
        "openapi: 3.0.3\ninfo: 5\npaths: []".into(),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: 7".into(),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 5".into(),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {type: [1, 2], properties: 3, items: [[]]}}}".into(),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/x: {$ref: 7}}".into(),
        "openapi: 3.0.3\n? [a, b]\n: c\n".into(),
        "openapi: 3.0.3\nx: !tag 1\n".into(),
        "openapi: 3.0.3\nx: .nan\n".into(),
        "a: 1\na: 2\n".into(),
        "--- 1\n--- 2\n".into(),
        "\u{0}\u{1}\u{2}\u{7f}\u{fffd}\t\t:::: ]]] {{{ \"".into(),
        "\u{feff}openapi: '3.0.3'\n\t- broken".into(),
        "%YAML 9.9\n---\n".into(),
        deep,
        deep_map,
        bomb.into(),
    ];
    for input in &inputs {
        let result = std::panic::catch_unwind(|| parse_spec(Path::new("junk.yaml"), input));
        match result {
            Err(_) => panic!("parse_spec panicked on {:?}", truncate(input)),
            Ok(Ok(spec)) => {
                // Whatever parses must also validate (or not) without panicking.
                let _ = validate(&spec);
            }
            Ok(Err(CodegenError::Parse { file, .. })) => assert_eq!(file, Path::new("junk.yaml")),
            Ok(Err(other)) => panic!("expected Parse for {:?}, got {other}", truncate(input)),
        }
    }
}

#[test]
fn an_alias_bomb_is_refused_before_it_is_built() {
    let refused = |text: &str, needle: &str| match parse_spec(Path::new("bomb.yaml"), text) {
        Err(CodegenError::Parse { message, .. }) => {
            assert!(message.contains(needle), "{message}")
        }
        other => panic!(
            "expected a refusal naming {needle:?}, got {:?}",
            other.map(|_| ())
        ),
    };
    // Deep: ten levels of ten aliases, 10^10 nodes once expanded (the YAML parser's own
    // repetition limit stops this one).
    let mut deep = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let items = vec![format!("*a{}", level - 1); 10].join(", ");
        deep.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    refused(&deep, "repetition limit");
    // Wide: one large anchor repeated 100 times stays under the parser's limit (which
    // counts alias jumps, not what they expand to) but expands to 3 million nodes.
    let wide = format!(
        "big: &big [{}]\ncopies: [{}]\n",
        vec!["1"; 30_000].join(","),
        vec!["*big"; 100].join(",")
    );
    refused(&wide, "expands to more than");
}

#[test]
fn an_oversized_spec_is_refused_with_its_size() {
    let limit = ngrok_ai_codegen::load::MAX_SPEC_BYTES as usize;
    let text = format!("openapi: 3.0.3\nx: '{}'\n", "a".repeat(limit));
    match parse_spec(Path::new("huge.yaml"), &text) {
        Err(CodegenError::Parse { message, .. }) => {
            assert!(message.contains("larger than"), "{message}")
        }
        other => panic!("expected the size limit, got {:?}", other.map(|_| ())),
    }
    let dir = std::env::temp_dir().join(format!("ngrok-ai-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.yaml");
    std::fs::write(&path, &text).unwrap();
    let loaded = load_spec(&path);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        matches!(&loaded, Err(CodegenError::Parse { message, .. }) if message.contains("larger than")),
        "{:?}",
        loaded.map(|_| ())
    );
}

fn truncate(text: &str) -> String {
    text.chars().take(60).collect()
}

#[test]
fn odd_but_parseable_documents_validate_without_panicking() {
    // Cyclic and odd references, self-referencing schemas and strange keys.
    let text = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a/{x}/{x}:
    parameters:
    - $ref: '#/components/parameters/Loop'
    get:
      responses:
        '200': {$ref: '#/components/responses/Loop'}
components:
  parameters:
    Loop: {$ref: '#/components/parameters/Loop'}
  responses:
    Loop: {$ref: '#/components/responses/Loop'}
  schemas:
    Self:
      type: object
      description: Recursive.
      properties:
        next: {$ref: '#/components/schemas/Self'}
        example: {type: string, description: A property named example.}
      example: {next: {next: {}}, example: x}
    Loop: {$ref: '#/components/schemas/Loop'}
"##;
    let spec = parse(text);
    let err = validate(&spec).expect_err("problems expected");
    let CodegenError::Invalid { problems, .. } = err else {
        panic!("expected Invalid");
    };
    assert_has(&problems, "/paths/~1a~1{x}~1{x}/get", "operationId");
    // The recursive example is valid; the property called `example` is a property.
    assert!(
        !problems
            .iter()
            .any(|p| p.location.starts_with("/components/schemas/Self")),
        "got:\n{}",
        list(&problems)
    );
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI → JSON Schema converter.

#[test]
fn converter_handles_nullable_refs_and_openapi_keywords() {
    let components = json!({
        "Color": {"type": "string", "enum": ["red"], "x-ngrok-secret": true, "example": "red"},
    });
    let schema = json!({
        "type": "object",
        "description": "d",
        "discriminator": {"propertyName": "type"},
        "x-ngrok-id-prefix": "thg_",
        "readOnly": true,
        "properties": {
            "example": {"type": "string"},
            "x-ngrok-secret": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
            "plain": {"type": "string", "nullable": true},
            "choice": {"type": "string", "enum": ["a"], "nullable": true},
            "ref": {"allOf": [{"$ref": "#/components/schemas/Color"}], "nullable": true},
            "bare": {"$ref": "#/components/schemas/Color"},
        },
    });
    let converted = to_json_schema(&components, &schema);
    assert_eq!(
        converted,
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "description": "d",
            "properties": {
                "example": {"type": "string"},
                "x-ngrok-secret": {"type": "integer", "exclusiveMinimum": 0},
                "plain": {"type": ["string", "null"]},
                "choice": {"type": ["string", "null"], "enum": ["a", null]},
                "ref": {"anyOf": [{"allOf": [{"$ref": "#/$defs/Color"}]}, {"type": "null"}]},
                "bare": {"$ref": "#/$defs/Color"},
            },
            "$defs": {"Color": {"type": "string", "enum": ["red"]}},
        })
    );

    let validator = json_schema::validator(&converted).expect("compiles");
    assert!(validator.is_valid(&json!({"plain": null, "choice": null, "ref": null, "bare": "red"})));
    assert!(!validator.is_valid(&json!({"bare": null})));
    assert!(!validator.is_valid(&json!({"choice": "b"})));
    assert!(!validator.is_valid(&json!({"x-ngrok-secret": 0})));
}

#[test]
fn validator_asserts_date_time_but_no_other_string_format() {
    let schema = to_json_schema(
        &json!(null),
        &json!({
            "type": "object",
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "uri": {"type": "string", "format": "uri"},
                "n": {"type": "integer", "format": "int32"},
            },
        }),
    );
    let validator = json_schema::validator(&schema).expect("compiles");
    assert!(validator
        .is_valid(&json!({"at": "2026-11-02T09:14:27.5+01:00", "uri": "not a uri", "n": 5})));
    assert!(!validator.is_valid(&json!({"at": "2026-11-02"})));
    assert!(!validator.is_valid(&json!({"at": "2026-13-02T09:14:27Z"})));
}

#[test]
fn integer_formats_bound_values() {
    let components = json!({});
    let schema = json!({
        "type": "object",
        "properties": {
            "big": {"type": "integer", "format": "int64", "minimum": 1},
            "small": {"type": "integer", "format": "int32"},
        },
    });
    let validator =
        json_schema::validator(&to_json_schema(&components, &schema)).expect("compiles");
    assert!(
        validator.is_valid(&json!({"big": 9_223_372_036_854_775_807_i64, "small": 2_147_483_647}))
    );
    // One past int64's maximum (the value schemathesis found a fake accepting).
    let too_big: serde_json::Value =
        serde_json::from_str(r#"{"big": 9223372036854775808}"#).unwrap();
    assert!(!validator.is_valid(&too_big));
    assert!(!validator.is_valid(&json!({"small": 2_147_483_648_i64})));
    assert!(!validator.is_valid(&json!({"small": -2_147_483_649_i64})));
    // An explicit bound from the spec wins over the format's.
    assert!(!validator.is_valid(&json!({"big": 0})));
}
