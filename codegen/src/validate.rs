//! Our rules for the spec, beyond "it is OpenAPI 3.0": every finding is a [`Problem`] at a
//! JSON pointer, and [`validate`] reports all of them at once.
//!
//! The rules work on [`Spec::raw`] (the document as JSON) so that every location is exact:
//!
//! * operations: an `operationId` (unique across the document), at least one tag, a
//!   `summary`, a success (2xx) response and an error response (`default` or 4XX/5XX);
//! * tags used by operations are declared in the top-level `tags`;
//! * every `$ref` is local (`#/…`) and resolves;
//! * every schema property has a `description` (a bare `$ref` property borrows the
//!   referenced schema's);
//! * path-template parameters and `in: path` parameters match one to one;
//! * every `example` (schemas, properties, parameters, headers, media types) and every
//!   `examples/*/value` validates against its own schema (see [`crate::json_schema`]);
//! * `x-ngrok-*` extensions are known ones, and `x-ngrok-pagination` is well formed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::error::{CodegenError, Problem, Result};
use crate::json_schema;
use crate::load::Spec;
use crate::pointer::{escape, join as pointer, ref_pointer, resolve_ref as resolve, METHODS};

/// The vendor extensions this project defines (see spec/README.md).
pub const KNOWN_EXTENSIONS: [&str; 6] = [
    "x-ngrok-secret",
    "x-ngrok-returned-once",
    "x-ngrok-write-only",
    "x-ngrok-id-prefix",
    "x-ngrok-pagination",
    "x-ngrok-references",
];

/// Checks `spec` against every rule of this module.
///
/// # Errors
/// [`CodegenError::Invalid`] listing every problem found, sorted by location then message.
pub fn validate(spec: &Spec) -> Result<()> {
    let mut problems = problems(&spec.raw);
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort_by(|a, b| {
        (a.location.as_str(), a.message.as_str()).cmp(&(b.location.as_str(), b.message.as_str()))
    });
    problems.dedup();
    Err(CodegenError::Invalid {
        file: spec.path.clone(),
        problems,
    })
}

/// Every problem in the raw document, unsorted.
fn problems(raw: &Value) -> Vec<Problem> {
    let mut checker = Checker {
        raw,
        defs: json_schema::convert_components(
            raw.pointer("/components/schemas").unwrap_or(&Value::Null),
        ),
        validators: HashMap::new(),
        problems: Vec::new(),
    };
    checker.operations();
    checker.walk_refs_and_extensions(raw, &mut Vec::new());
    checker.schemas();
    checker.structureless_cycles();
    checker.problems
}

struct Checker<'a> {
    raw: &'a Value,
    /// `/components/schemas` converted to JSON Schema once, for every example's document.
    defs: Map<String, Value>,
    /// Compiled validators by schema text: component schemas are shared by many examples
    /// (a schema's own, its media types', its list wrapper's), and compiling is the cost.
    validators: HashMap<String, Rc<Result<jsonschema::Validator, String>>>,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn problem(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    /// Resolves a local reference (`#/…`), percent-decoding the fragment.
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        resolve(self.raw, reference)
    }

    /// Follows `$ref`s (up to a bound, so cycles end) to the referenced object.
    fn deref(&self, mut value: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.resolve(reference) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    // -----------------------------------------------------------------------------------------
    // Cycles with no structure between them.

    /// A schema that is itself through `$ref`s and `allOf`/`oneOf`/`anyOf` members alone
    /// (A → B → A, or A → A) describes no value: the generated types would recurse without
    /// a container between them and overflow the stack on decode. Recursion through
    /// `properties`, `items` or `additionalProperties` is fine (it needs an object or
    /// array each time round). Each cycle is reported once, at its first schema in
    /// document order, with the pointers around it.
    fn structureless_cycles(&mut self) {
        let Some(schemas) = self
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut reported: Vec<Vec<String>> = Vec::new();
        for name in schemas.keys() {
            let start = pointer(&["components", "schemas", name.as_str()]);
            let mut path = vec![start.clone()];
            if let Some(cycle) = self.cycle_from(&start, &mut path) {
                let mut key = cycle.clone();
                key.sort();
                if !reported.contains(&key) {
                    reported.push(key);
                    let shown = cycle
                        .iter()
                        .chain(std::iter::once(&cycle[0]))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" → ");
                    self.problem(
                        cycle[0].clone(),
                        format!(
                            "the schema refers to itself with no object or array in between \
                             ({shown}); such a type has no finite value"
                        ),
                    );
                }
            }
        }
    }

    /// Depth-first along structureless edges from the last pointer of `path`; the cycle
    /// (from its first repeated pointer) if one is found.
    fn cycle_from(&self, at: &str, path: &mut Vec<String>) -> Option<Vec<String>> {
        if path.len() > 256 {
            return None;
        }
        let node = self.raw.pointer(at)?;
        let mut next = Vec::new();
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let resolves = self.resolve(reference).is_some();
            if let Some(target) = ref_pointer(reference).filter(|_| resolves) {
                next.push(target);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = node.get(key).and_then(Value::as_array) {
                next.extend((0..members.len()).map(|i| format!("{at}/{key}/{i}")));
            }
        }
        for target in next {
            if let Some(i) = path.iter().position(|p| *p == target) {
                return Some(path[i..].to_vec());
            }
            path.push(target.clone());
            if let Some(cycle) = self.cycle_from(&target, path) {
                return Some(cycle);
            }
            path.pop();
        }
        None
    }

    // -----------------------------------------------------------------------------------------
    // Operations.

    fn operations(&mut self) {
        let raw = self.raw;
        let declared_tags: BTreeSet<&str> = raw
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| t.get("name").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        let mut operation_ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();

        let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
            return;
        };
        for (path, item) in paths {
            if !path.starts_with('/') {
                continue;
            }
            let item_at = pointer(&["paths", path.as_str()]);
            let item = self.deref(item);
            let template = template_params(path);
            let item_params = self.parameters(item, &item_at);
            for (name, location) in item_params
                .iter()
                .filter(|p| p.in_ == "path")
                .map(|p| (&p.name, &p.location))
            {
                if !template.contains(name.as_str()) {
                    self.problem(
                        location.clone(),
                        format!(
                            "`in: path` parameter `{name}` does not appear in the path template `{path}`"
                        ),
                    );
                }
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let at = format!("{item_at}/{method}");
                let Value::Object(op_map) = op else { continue };

                match op_map.get("operationId") {
                    Some(Value::String(id)) if !id.trim().is_empty() => {
                        operation_ids
                            .entry(id.as_str())
                            .or_default()
                            .push(format!("{at}/operationId"));
                    }
                    _ => self.problem(&at, "operation has no operationId"),
                }

                match op_map.get("tags").and_then(Value::as_array) {
                    Some(tags) if !tags.is_empty() => {
                        for (i, tag) in tags.iter().enumerate() {
                            match tag.as_str() {
                                Some(tag) if declared_tags.contains(tag) => {}
                                Some(tag) => self.problem(
                                    format!("{at}/tags/{i}"),
                                    format!("tag `{tag}` is not declared in the top-level `tags`"),
                                ),
                                None => self.problem(
                                    format!("{at}/tags/{i}"),
                                    "a tag must be a string naming a declared tag",
                                ),
                            }
                        }
                    }
                    _ => self.problem(&at, "operation has no tags (at least one is required)"),
                }

                if op_map
                    .get("summary")
                    .and_then(Value::as_str)
                    .is_none_or(|s| s.trim().is_empty())
                {
                    self.problem(&at, "operation has no summary");
                }

                self.responses(op_map, &at);

                // Path parameters: the operation's override the path item's (by name + in).
                let op_params = self.parameters(op, &at);
                let mut path_names: BTreeSet<&str> = BTreeSet::new();
                for p in op_params.iter().chain(item_params.iter()) {
                    if p.in_ == "path" {
                        path_names.insert(p.name.as_str());
                    }
                }
                for p in op_params.iter().filter(|p| p.in_ == "path") {
                    if !template.contains(p.name.as_str()) {
                        self.problem(
                            p.location.clone(),
                            format!(
                                "`in: path` parameter `{}` does not appear in the path template `{path}`",
                                p.name
                            ),
                        );
                    }
                }
                for name in &template {
                    if !path_names.contains(name.as_str()) {
                        self.problem(
                            &at,
                            format!(
                                "path parameter `{name}` of `{path}` is not declared as an `in: path` parameter"
                            ),
                        );
                    }
                }

                if let Some(pagination) = op_map.get("x-ngrok-pagination") {
                    let all_params: Vec<&Param> = op_params.iter().chain(&item_params).collect();
                    self.pagination(pagination, op_map, &all_params, &at);
                }
            }
        }

        for (id, locations) in operation_ids {
            if locations.len() < 2 {
                continue;
            }
            for location in &locations {
                let others: Vec<&str> = locations
                    .iter()
                    .filter(|l| *l != location)
                    .map(String::as_str)
                    .collect();
                self.problem(
                    location.clone(),
                    format!(
                        "operationId `{id}` is not unique: also used at {}",
                        others.join(", ")
                    ),
                );
            }
        }
    }

    fn responses(&mut self, op: &Map<String, Value>, at: &str) {
        let (codes, location): (Vec<&str>, String) = match op.get("responses") {
            Some(Value::Object(responses)) => (
                responses.keys().map(String::as_str).collect(),
                format!("{at}/responses"),
            ),
            _ => (Vec::new(), at.to_owned()),
        };
        if !codes.iter().any(|c| is_status(c, b'2')) {
            self.problem(&location, "operation has no success (2xx) response");
        }
        if !codes
            .iter()
            .any(|c| *c == "default" || is_status(c, b'4') || is_status(c, b'5'))
        {
            self.problem(
                &location,
                "operation has no error response (`default`, 4XX or 5XX)",
            );
        }
    }

    /// The parameters of a path item or operation, `$ref`s resolved.
    fn parameters(&self, owner: &Value, at: &str) -> Vec<Param> {
        let Some(params) = owner.get("parameters").and_then(Value::as_array) else {
            return Vec::new();
        };
        params
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let p = self.deref(p);
                Some(Param {
                    name: p.get("name")?.as_str()?.to_owned(),
                    in_: p.get("in")?.as_str()?.to_owned(),
                    location: format!("{at}/parameters/{i}"),
                })
            })
            .collect()
    }

    fn pagination(
        &mut self,
        pagination: &Value,
        op: &'a Map<String, Value>,
        params: &[&Param],
        at: &str,
    ) {
        let at = format!("{at}/x-ngrok-pagination");
        let Value::Object(map) = pagination else {
            self.problem(
                at,
                "`x-ngrok-pagination` must be an object `{style, items, next}`",
            );
            return;
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "style" | "items" | "next") {
                self.problem(
                    format!("{at}/{}", escape(key)),
                    format!(
                        "unknown key `{key}` in `x-ngrok-pagination` (expected style, items, next)"
                    ),
                );
            }
        }

        match map.get("style").and_then(Value::as_str) {
            Some(style @ ("beforeId" | "cursor")) => {
                if !params.iter().any(|p| p.in_ == "query" && p.name == style) {
                    self.problem(
                        format!("{at}/style"),
                        format!(
                            "pagination style `{style}` needs an `in: query` parameter named `{style}` on the operation"
                        ),
                    );
                }
            }
            Some(other) => self.problem(
                format!("{at}/style"),
                format!("pagination style `{other}` is not `beforeId` or `cursor`"),
            ),
            None => self.problem(
                &at,
                "`x-ngrok-pagination` has no `style` (`beforeId` or `cursor`)",
            ),
        }

        let properties = op
            .get("responses")
            .and_then(|r| r.get("200"))
            .map(|r| self.deref(r))
            .and_then(|r| r.get("content"))
            .and_then(|c| c.get("application/json"))
            .and_then(|m| m.get("schema"))
            .map(|s| self.properties(s));

        match map.get("items").and_then(Value::as_str) {
            Some(items) => match &properties {
                None => self.problem(
                    format!("{at}/items"),
                    "the operation has no `200` `application/json` response schema to paginate",
                ),
                Some(props) => {
                    let is_array = props.get(items).is_some_and(|p| {
                        let p = self.deref(p);
                        p.get("type").and_then(Value::as_str) == Some("array")
                    });
                    if !is_array {
                        self.problem(
                            format!("{at}/items"),
                            format!(
                                "`{items}` is not an array property of the 200 response schema"
                            ),
                        );
                    }
                }
            },
            None => self.problem(
                &at,
                "`x-ngrok-pagination` has no `items` (the array property of the 200 response)",
            ),
        }

        match map.get("next").and_then(Value::as_str) {
            Some("nextPageUri") => {
                if let Some(props) = &properties {
                    if !props.contains_key("nextPageUri") {
                        self.problem(
                            format!("{at}/next"),
                            "the 200 response schema has no `nextPageUri` property",
                        );
                    }
                }
            }
            Some(other) => self.problem(
                format!("{at}/next"),
                format!("`next` must be `nextPageUri`, not `{other}`"),
            ),
            None => self.problem(&at, "`x-ngrok-pagination` has no `next` (`nextPageUri`)"),
        }
    }

    /// The properties of an object schema, through `$ref`s and `allOf` members.
    fn properties(&self, schema: &'a Value) -> BTreeMap<&'a str, &'a Value> {
        let mut out = BTreeMap::new();
        let mut stack = vec![(schema, 0)];
        while let Some((schema, depth)) = stack.pop() {
            if depth > 32 {
                continue;
            }
            let schema = self.deref(schema);
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, p) in props {
                    out.entry(name.as_str()).or_insert(p);
                }
            }
            if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
                stack.extend(members.iter().map(|m| (m, depth + 1)));
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // `$ref`s and extensions, anywhere in the document (but not inside example data).

    fn walk_refs_and_extensions(&mut self, value: &Value, at: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                let is_name_map = at.last().is_some_and(|s| s == "properties");
                if !is_name_map {
                    if let Some(reference) = map.get("$ref") {
                        let location = format!("{}/$ref", pointer(at));
                        match reference.as_str() {
                            Some(r) if r.starts_with('#') => {
                                if self.resolve(r).is_none() {
                                    self.problem(
                                        location,
                                        format!("`$ref` `{r}` does not resolve"),
                                    );
                                }
                            }
                            Some(r) => self.problem(
                                location,
                                format!(
                                    "non-local `$ref` `{r}` is not supported; only `#/…` references are"
                                ),
                            ),
                            None => self.problem(location, "`$ref` must be a string"),
                        }
                    }
                }
                for (key, child) in map {
                    if !is_name_map {
                        if key.starts_with("x-ngrok-") {
                            self.extension(key, child, &format!("{}/{}", pointer(at), escape(key)));
                        }
                        if is_data(at, key) {
                            continue;
                        }
                    }
                    at.push(key.clone());
                    self.walk_refs_and_extensions(child, at);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    at.push(i.to_string());
                    self.walk_refs_and_extensions(item, at);
                    at.pop();
                }
            }
            _ => {}
        }
    }

    fn extension(&mut self, key: &str, value: &Value, location: &str) {
        match key {
            "x-ngrok-secret" | "x-ngrok-returned-once" | "x-ngrok-write-only" => {
                if !value.is_boolean() {
                    self.problem(location, format!("`{key}` must be a boolean"));
                }
            }
            "x-ngrok-id-prefix" => {
                if value.as_str().is_none_or(str::is_empty) {
                    self.problem(location, format!("`{key}` must be a non-empty string"));
                }
            }
            "x-ngrok-references" => {
                let target = value.as_str().and_then(|name| {
                    self.raw
                        .pointer(&format!("/components/schemas/{}", escape(name)))
                });
                if target.and_then(|t| t.get("x-ngrok-id-prefix")).is_none() {
                    self.problem(
                        location,
                        format!(
                            "`{key}` must name a component schema that has `x-ngrok-id-prefix`"
                        ),
                    );
                }
            }
            // Checked with its operation (see `pagination`).
            "x-ngrok-pagination" => {}
            _ => self.problem(
                location,
                format!(
                    "unknown extension `{key}`; known: {}",
                    KNOWN_EXTENSIONS.join(", ")
                ),
            ),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Schemas: property descriptions and examples.

    fn schemas(&mut self) {
        let raw = self.raw;
        if let Some(components) = raw.get("components").and_then(Value::as_object) {
            for (section, entries) in components {
                let Some(entries) = entries.as_object() else {
                    continue;
                };
                for (name, entry) in entries {
                    let at = pointer(&["components", section.as_str(), name.as_str()]);
                    match section.as_str() {
                        "schemas" => self.schema(entry, &at),
                        "parameters" | "headers" => self.parameter(entry, &at),
                        "requestBodies" | "responses" => self.body(entry, &at),
                        _ => {}
                    }
                }
            }
        }
        if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                if !path.starts_with('/') || item.get("$ref").is_some() {
                    continue;
                }
                let item_at = pointer(&["paths", path.as_str()]);
                self.parameter_list(item, &item_at);
                for method in METHODS {
                    let Some(op) = item.get(method) else { continue };
                    let at = format!("{item_at}/{method}");
                    self.parameter_list(op, &at);
                    if let Some(body) = op.get("requestBody") {
                        self.body(body, &format!("{at}/requestBody"));
                    }
                    if let Some(Value::Object(responses)) = op.get("responses") {
                        for (code, response) in responses {
                            if !code.starts_with("x-") {
                                self.body(response, &format!("{at}/responses/{}", escape(code)));
                            }
                        }
                    }
                }
            }
        }
    }

    fn parameter_list(&mut self, owner: &Value, at: &str) {
        if let Some(params) = owner.get("parameters").and_then(Value::as_array) {
            for (i, p) in params.iter().enumerate() {
                self.parameter(p, &format!("{at}/parameters/{i}"));
            }
        }
    }

    /// A Parameter or Header object.
    fn parameter(&mut self, param: &Value, at: &str) {
        if param.get("$ref").is_some() {
            return;
        }
        if let Some(schema) = param.get("schema") {
            let schema_at = format!("{at}/schema");
            self.schema(schema, &schema_at);
            if let Some(example) = param.get("example") {
                self.example(example, schema, &format!("{at}/example"));
            }
            self.examples(param, schema, at);
        }
        self.content(param, at);
    }

    /// A Request Body or Response object.
    fn body(&mut self, body: &Value, at: &str) {
        if body.get("$ref").is_some() {
            return;
        }
        if let Some(Value::Object(headers)) = body.get("headers") {
            for (name, header) in headers {
                self.parameter(header, &format!("{at}/headers/{}", escape(name)));
            }
        }
        self.content(body, at);
    }

    fn content(&mut self, owner: &Value, at: &str) {
        let Some(Value::Object(content)) = owner.get("content") else {
            return;
        };
        for (media_type, media) in content {
            let media_at = format!("{at}/content/{}", escape(media_type));
            let Some(schema) = media.get("schema") else {
                continue;
            };
            self.schema(schema, &format!("{media_at}/schema"));
            if let Some(example) = media.get("example") {
                self.example(example, schema, &format!("{media_at}/example"));
            }
            self.examples(media, schema, &media_at);
        }
    }

    /// `examples: {name: {value}}` of a parameter, header or media type.
    fn examples(&mut self, owner: &Value, schema: &Value, at: &str) {
        let Some(Value::Object(examples)) = owner.get("examples") else {
            return;
        };
        for (name, example) in examples {
            if let Some(value) = example.get("value") {
                if example.get("$ref").is_none() {
                    self.example(
                        value,
                        schema,
                        &format!("{at}/examples/{}/value", escape(name)),
                    );
                }
            }
        }
    }

    /// A Schema object, recursively: property descriptions and `example`s.
    fn schema(&mut self, schema: &Value, at: &str) {
        let Value::Object(map) = schema else { return };
        if let Some(example) = map.get("example") {
            self.example(example, schema, &format!("{at}/example"));
        }
        if map.contains_key("$ref") {
            return;
        }
        if let Some(Value::Object(props)) = map.get("properties") {
            for (name, prop) in props {
                let prop_at = format!("{at}/properties/{}", escape(name));
                self.description(name, prop, &prop_at);
                self.schema(prop, &prop_at);
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = map.get(key) {
                self.schema(child, &format!("{at}/{key}"));
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                for (i, member) in members.iter().enumerate() {
                    self.schema(member, &format!("{at}/{key}/{i}"));
                }
            }
        }
    }

    fn description(&mut self, name: &str, prop: &Value, at: &str) {
        let described = |v: &Value| {
            v.get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.trim().is_empty())
        };
        if described(prop) || !prop.is_object() {
            return;
        }
        if let Some(reference) = prop.get("$ref").and_then(Value::as_str) {
            // A bare `$ref` borrows the referenced schema's description.
            match self.resolve(reference) {
                Some(target) if described(self.deref(target)) => {}
                Some(_) => self.problem(
                    at,
                    format!(
                        "property `{name}` has no description, and the schema it references (`{reference}`) has none either"
                    ),
                ),
                // A dangling `$ref` is reported as such.
                None => {}
            }
            return;
        }
        self.problem(at, format!("property `{name}` has no description"));
    }

    fn example(&mut self, example: &Value, schema: &Value, at: &str) {
        let key = schema.to_string();
        let compiled = match self.validators.get(&key) {
            Some(compiled) => Rc::clone(compiled),
            None => {
                let document = json_schema::with_reachable_defs(&self.defs, schema);
                let compiled =
                    Rc::new(json_schema::validator(&document).map_err(|e| e.to_string()));
                self.validators.insert(key, Rc::clone(&compiled));
                compiled
            }
        };
        let validator = match compiled.as_ref() {
            Ok(validator) => validator,
            Err(err) => {
                self.problem(
                    at,
                    format!("cannot check the example: its schema does not compile: {err}"),
                );
                return;
            }
        };
        let errors: Vec<(String, String)> = validator
            .iter_errors(example)
            .map(|e| (e.instance_path().to_string(), e.to_string()))
            .collect();
        for (instance_path, message) in errors {
            let place = if instance_path.is_empty() {
                String::new()
            } else {
                format!(" at `{instance_path}`")
            };
            self.problem(
                at,
                format!("example does not match its schema{place}: {message}"),
            );
        }
    }
}

/// A resolved parameter: its name, `in`, and where it is declared.
struct Param {
    name: String,
    in_: String,
    location: String,
}

/// Whether `key` of the object at `at` holds data (examples, defaults, enums, extension
/// payloads) rather than more of the document.
fn is_data(at: &[String], key: &str) -> bool {
    matches!(key, "example" | "default" | "enum")
        || key.starts_with("x-")
        || (key == "value" && at.len() >= 2 && at[at.len() - 2] == "examples")
}

/// The `{name}`s of a path template.
fn template_params(path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    out
}

/// `200`..`299`/`2XX`/`2xx` for `class == b'2'`, and so on.
fn is_status(code: &str, class: u8) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 3
        && bytes[0] == class
        && ((bytes[1].is_ascii_digit() && bytes[2].is_ascii_digit())
            || (bytes[1].eq_ignore_ascii_case(&b'x') && bytes[2].eq_ignore_ascii_case(&b'x')))
}
