//! Loading the spec: YAML text → [`serde_json::Value`] → [`openapiv3::OpenAPI`].
//!
//! Every failure is a [`CodegenError`] that names the file and the place inside it: a YAML
//! syntax error names `line L column C`; a document of the wrong shape names the JSON pointer
//! of the offending value (e.g. `/paths/~1access-keys/get/responses`).
//!
//! `openapiv3` flattens several maps (`Paths`, `Responses`, schema kinds) and wraps most
//! objects in an untagged `ReferenceOr`, both of which make serde forget where it was. When the
//! whole-document deserialisation fails, [`parse_spec`] therefore drills down: it re-checks
//! the failing value, and its children, one typed object at a time, until it finds the
//! deepest object that is wrong on its own.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use openapiv3::{
    Components, Header, MediaType, OpenAPI, Operation, Parameter, PathItem, Paths, ReferenceOr,
    RequestBody, Response, Responses, Schema,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{CodegenError, Result};
use crate::pointer::{join as pointer, METHODS};

/// A loaded spec: the document both as JSON (for pointers, extensions and raw walks) and as
/// typed OpenAPI.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file the spec was read from (used in messages only).
    pub path: PathBuf,
    /// The whole document as JSON, key order preserved.
    pub raw: Value,
    /// The same document, typed.
    pub openapi: OpenAPI,
}

/// The largest spec file accepted: ours is about 130 KB; a published API description
/// is rarely over a few MB. Larger input is refused before it is read.
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// The most YAML nodes a spec may expand to once aliases are resolved (ours has about
/// 30,000). Bounds what an alias bomb can make the loader build.
pub const MAX_SPEC_NODES: usize = 2_000_000;

/// Reads and parses the spec at `path`.
///
/// # Errors
/// [`CodegenError::Io`] naming `path` if it cannot be read; [`CodegenError::Parse`] if it
/// is larger than [`MAX_SPEC_BYTES`]; otherwise as [`parse_spec`].
pub fn load_spec(path: &Path) -> Result<Spec> {
    use std::io::Read as _;
    let io = |source| CodegenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut text = String::new();
    // One byte past the limit tells "too large" from "exactly at the limit".
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    parse_spec(path, &text)
}

/// Parses spec text; `path` is only used in messages.
///
/// # Errors
/// [`CodegenError::Parse`] when the text is not YAML (location `line L column C`), is not an
/// OpenAPI 3.0.x document (location `/openapi`), or has a value of the wrong shape (location:
/// the JSON pointer of that value).
pub fn parse_spec(path: &Path, text: &str) -> Result<Spec> {
    let parse_error = |location: String, message: String| CodegenError::Parse {
        file: path.to_path_buf(),
        location,
        message,
    };

    if text.len() as u64 > MAX_SPEC_BYTES {
        return Err(parse_error(
            String::new(),
            format!(
                "the spec is larger than {} MiB; refusing to parse it",
                MAX_SPEC_BYTES / (1024 * 1024)
            ),
        ));
    }
    // Only aliases expand; a document without one (a `*` starting a node) is not counted,
    // which spares a second parse of every ordinary spec.
    let has_alias = text.char_indices().any(|(i, c)| {
        c == '*'
            && text[..i]
                .chars()
                .next_back()
                .is_none_or(|p| " \t\n[{,".contains(p))
    });
    match catch_unwind(|| if has_alias { count_nodes(text) } else { Ok(()) }) {
        Ok(Ok(())) => {}
        Ok(Err(err)) => {
            let (location, message) = yaml_error(&err);
            return Err(parse_error(location, message));
        }
        Err(_) => {
            return Err(parse_error(
                String::new(),
                "the YAML parser failed on this input".to_owned(),
            ))
        }
    }
    let yaml = match catch_unwind(|| serde_norway::from_str::<serde_norway::Value>(text)) {
        Ok(Ok(yaml)) => yaml,
        Ok(Err(err)) => {
            let (location, message) = yaml_error(&err);
            return Err(parse_error(location, message));
        }
        Err(_) => {
            return Err(parse_error(
                String::new(),
                "the YAML parser failed on this input".to_owned(),
            ))
        }
    };
    let mut yaml = yaml;
    if let Err(err) = yaml.apply_merge() {
        let (location, message) = yaml_error(&err);
        return Err(parse_error(location, message));
    }
    let raw = yaml_to_json(yaml, &mut Vec::new()).map_err(|(p, m)| parse_error(p, m))?;

    check_version(&raw).map_err(|(p, m)| parse_error(p, m))?;

    let openapi = deserialize_openapi(&raw).map_err(|(p, m)| parse_error(p, m))?;
    Ok(Spec {
        path: path.to_path_buf(),
        raw,
        openapi,
    })
}

/// Walks the document's nodes, aliases expanded, without building anything, and fails
/// once there are more than [`MAX_SPEC_NODES`]: building the value of an alias bomb would
/// exhaust memory long before serde_norway's own repetition limit stops it.
fn count_nodes(text: &str) -> std::result::Result<(), serde_norway::Error> {
    use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
    use std::cell::Cell;

    #[derive(Clone, Copy)]
    struct Count<'c>(&'c Cell<usize>);

    impl Count<'_> {
        fn one<E: serde::de::Error>(self) -> std::result::Result<(), E> {
            let n = self.0.get() + 1;
            self.0.set(n);
            if n > MAX_SPEC_NODES {
                return Err(E::custom(format!(
                    "the spec expands to more than {MAX_SPEC_NODES} YAML nodes (are aliases \
                     repeating a large subtree?); refusing to load it"
                )));
            }
            Ok(())
        }
    }

    impl<'de> DeserializeSeed<'de> for Count<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Count<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any YAML value")
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_none<E: serde::de::Error>(self) -> std::result::Result<(), E> {
            self.one()
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            self.one()?;
            while seq.next_element_seed(self)?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            self.one()?;
            while map.next_key_seed(self)?.is_some() {
                map.next_value_seed(self)?;
            }
            Ok(())
        }
        fn visit_enum<A: serde::de::EnumAccess<'de>>(
            self,
            _: A,
        ) -> std::result::Result<(), A::Error> {
            // A YAML tag (`!Tag value`): the document is not plain data.
            Err(A::Error::custom("YAML tags are not supported in the spec"))
        }
    }

    let nodes = Cell::new(0);
    Count(&nodes).deserialize(serde_norway::Deserializer::from_str(text))
}

fn yaml_error(err: &serde_norway::Error) -> (String, String) {
    let message = err.to_string();
    match err.location() {
        Some(loc) => {
            let location = format!("line {} column {}", loc.line(), loc.column());
            let suffix = format!(" at {location}");
            let message = message
                .strip_suffix(&suffix)
                .map_or_else(|| message.clone(), str::to_owned);
            (location, message)
        }
        None => (String::new(), message),
    }
}

/// Converts YAML to JSON. Scalar mapping keys become strings (so an unquoted `200:` works);
/// anything JSON cannot hold (non-scalar keys, tags, non-finite numbers) is a located error.
fn yaml_to_json(
    value: serde_norway::Value,
    at: &mut Vec<String>,
) -> std::result::Result<Value, (String, String)> {
    use serde_norway::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::from(u)
            } else if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(num) => Value::Number(num),
                    None => {
                        return Err((
                            pointer(at),
                            format!("the number `{n}` cannot be represented in JSON"),
                        ))
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                at.push(index.to_string());
                out.push(yaml_to_json(item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = serde_json::Map::with_capacity(mapping.len());
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => {
                        return Err((
                            pointer(at),
                            "a mapping key must be a string, number or boolean".to_owned(),
                        ))
                    }
                };
                if out.contains_key(&key) {
                    return Err((pointer(at), format!("duplicate key `{key}`")));
                }
                at.push(key.clone());
                let item = yaml_to_json(item, at)?;
                at.pop();
                out.insert(key, item);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err((
                pointer(at),
                format!("YAML tags are not supported (found `{}`)", tagged.tag),
            ))
        }
    })
}

fn check_version(raw: &Value) -> std::result::Result<(), (String, String)> {
    let Value::Object(root) = raw else {
        return Err((
            String::new(),
            format!(
                "the document must be a mapping (an OpenAPI object), not {}",
                kind_of(raw)
            ),
        ));
    };
    let location = "/openapi".to_owned();
    match root.get("openapi") {
        None => Err((
            location,
            "missing `openapi` version; expected 3.0.x".to_owned(),
        )),
        Some(Value::String(version)) => {
            let mut parts = version.split('.');
            let ok = parts.next() == Some("3")
                && parts.next() == Some("0")
                && parts
                    .next()
                    .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                && parts.next().is_none();
            if ok {
                Ok(())
            } else {
                Err((
                    location,
                    format!("OpenAPI version `{version}` is not supported; expected 3.0.x"),
                ))
            }
        }
        Some(other) => Err((
            location,
            format!(
                "`openapi` must be a version string such as \"3.0.3\", not {}",
                kind_of(other)
            ),
        )),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

// ---------------------------------------------------------------------------------------------
// Typed deserialisation with precise error locations.

/// The openapiv3 type expected at a place in the document, for the drill-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    OpenApi,
    Components,
    Paths,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Schema,
}

impl Kind {
    /// The kind of the child `segment` of a value of this kind, if it is one we drill into.
    fn child(self, segment: &str, parent_segment: Option<&str>) -> Option<Kind> {
        use Kind as K;
        match (self, parent_segment) {
            // Children of maps/arrays inside an object: `parent_segment` is the map's key.
            (K::Components, Some("schemas")) => Some(K::Schema),
            (K::Components, Some("responses")) => Some(K::Response),
            (K::Components, Some("parameters")) => Some(K::Parameter),
            (K::Components, Some("requestBodies")) => Some(K::RequestBody),
            (K::Components, Some("headers")) => Some(K::Header),
            (K::PathItem | K::Operation, Some("parameters")) => Some(K::Parameter),
            (K::Response, Some("headers")) => Some(K::Header),
            (K::Response | K::RequestBody | K::Parameter | K::Header, Some("content")) => {
                Some(K::MediaType)
            }
            (K::Schema, Some("properties" | "allOf" | "oneOf" | "anyOf")) => Some(K::Schema),
            (_, Some(_)) => None,
            // Direct children.
            (K::OpenApi, None) => match segment {
                "paths" => Some(K::Paths),
                "components" => Some(K::Components),
                _ => None,
            },
            (K::Paths, None) => segment.starts_with('/').then_some(K::PathItem),
            (K::PathItem, None) => METHODS.contains(&segment).then_some(K::Operation),
            (K::Operation, None) => match segment {
                "requestBody" => Some(K::RequestBody),
                "responses" => Some(K::Responses),
                _ => None,
            },
            (K::Responses, None) => (!segment.starts_with("x-")).then_some(K::Response),
            (K::MediaType | K::Parameter | K::Header, None) => {
                (segment == "schema").then_some(K::Schema)
            }
            (K::Schema, None) => {
                matches!(segment, "items" | "additionalProperties" | "not").then_some(K::Schema)
            }
            _ => None,
        }
    }

    /// Whether the next segment after `segment` indexes into a map/array owned by this kind.
    fn is_container(self, segment: &str) -> bool {
        use Kind as K;
        match self {
            K::Components => matches!(
                segment,
                "schemas" | "responses" | "parameters" | "requestBodies" | "headers"
            ),
            K::PathItem | K::Operation => segment == "parameters",
            K::Response => matches!(segment, "headers" | "content"),
            K::RequestBody | K::Parameter | K::Header => segment == "content",
            K::Schema => matches!(segment, "properties" | "allOf" | "oneOf" | "anyOf"),
            _ => false,
        }
    }

    /// Checks `value` as this kind, returning the tracked path and message of the first error.
    fn check(self, value: &Value) -> std::result::Result<(), (Vec<String>, String)> {
        let is_ref = value.as_object().is_some_and(|o| o.contains_key("$ref"));
        match self {
            Kind::OpenApi => typed::<OpenAPI>(value),
            Kind::Components => typed::<Components>(value),
            Kind::Paths => typed::<Paths>(value),
            Kind::Operation => typed::<Operation>(value),
            Kind::Responses => typed::<Responses>(value),
            Kind::MediaType => typed::<MediaType>(value),
            Kind::PathItem if is_ref => typed::<ReferenceOr<PathItem>>(value),
            Kind::PathItem => typed::<PathItem>(value),
            Kind::Parameter if is_ref => typed::<ReferenceOr<Parameter>>(value),
            Kind::Parameter => typed::<Parameter>(value),
            Kind::Header if is_ref => typed::<ReferenceOr<Header>>(value),
            Kind::Header => typed::<Header>(value),
            Kind::RequestBody if is_ref => typed::<ReferenceOr<RequestBody>>(value),
            Kind::RequestBody => typed::<RequestBody>(value),
            Kind::Response if is_ref => typed::<ReferenceOr<Response>>(value),
            Kind::Response => typed::<Response>(value),
            Kind::Schema if is_ref => typed::<ReferenceOr<Schema>>(value),
            Kind::Schema if value.is_boolean() => Ok(()),
            Kind::Schema => typed::<Schema>(value),
        }
    }
}

/// Deserialises `value` as `T` (discarding the result), tracking the path of any error.
/// A panic inside a deserialiser is reported as an error, never propagated.
fn typed<T: DeserializeOwned>(value: &Value) -> std::result::Result<(), (Vec<String>, String)> {
    match catch_unwind(AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, T>(value).map(drop)
    })) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => {
            let mut segments = Vec::new();
            for segment in err.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => segments.push(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => segments.push(key.clone()),
                    serde_path_to_error::Segment::Enum { .. } => {}
                    serde_path_to_error::Segment::Unknown => break,
                }
            }
            Err((segments, err.into_inner().to_string()))
        }
        Err(_) => Err((
            Vec::new(),
            "this value cannot be read as OpenAPI".to_owned(),
        )),
    }
}

fn deserialize_openapi(raw: &Value) -> std::result::Result<OpenAPI, (String, String)> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, OpenAPI>(raw)
    }));
    if let Ok(Ok(openapi)) = result {
        return Ok(openapi);
    }
    let (segments, message) = drill(Kind::OpenApi, raw, Vec::new()).unwrap_or_else(|| {
        (
            Vec::new(),
            "the document is not a valid OpenAPI object".to_owned(),
        )
    });
    Err((pointer(&segments), message))
}

/// Finds the deepest error in `value` (of kind `kind`, at `at`): `None` if it has none.
fn drill(kind: Kind, value: &Value, at: Vec<String>) -> Option<(Vec<String>, String)> {
    let (path, message) = kind.check(value).err()?;
    if !path.is_empty() {
        // serde tracked the error this far. Follow the path through values whose kind we know;
        // if it ends on one, drill into it (serde may have lost track inside it).
        let mut here_kind = kind;
        let mut here = value;
        let mut consumed = 0;
        while consumed < path.len() {
            let segment = &path[consumed];
            let step = if here_kind.is_container(segment) {
                let Some(entry) = path.get(consumed + 1) else {
                    break;
                };
                let (Some(next_kind), Some(next)) = (
                    here_kind.child(entry, Some(segment)),
                    child_value(here, segment).and_then(|c| child_value(c, entry)),
                ) else {
                    break;
                };
                (next_kind, next, 2)
            } else {
                let (Some(next_kind), Some(next)) =
                    (here_kind.child(segment, None), child_value(here, segment))
                else {
                    break;
                };
                (next_kind, next, 1)
            };
            here_kind = step.0;
            here = step.1;
            consumed += step.2;
        }
        let mut full = at;
        full.extend(path.iter().cloned());
        if consumed == path.len() {
            if let Some(found) = drill(here_kind, here, full.clone()) {
                return Some(found);
            }
        }
        return Some((full, message));
    }
    // The error is at this value itself, or lost inside a flattened/untagged child: try each
    // child we know the kind of, in document order.
    if let Value::Object(map) = value {
        if !map.contains_key("$ref") {
            for (key, child) in map {
                if let Some(child_kind) = kind.child(key, None) {
                    let mut child_at = at.clone();
                    child_at.push(key.clone());
                    if let Some(found) = drill(child_kind, child, child_at) {
                        return Some(found);
                    }
                } else if kind.is_container(key) {
                    let entries: Vec<(String, &Value)> = match child {
                        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
                        Value::Array(a) => a
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (i.to_string(), v))
                            .collect(),
                        _ => Vec::new(),
                    };
                    for (entry_key, entry) in entries {
                        let Some(entry_kind) = kind.child(&entry_key, Some(key)) else {
                            continue;
                        };
                        let mut entry_at = at.clone();
                        entry_at.push(key.clone());
                        entry_at.push(entry_key);
                        if let Some(found) = drill(entry_kind, entry, entry_at) {
                            return Some(found);
                        }
                    }
                }
            }
        }
    }
    Some((at, message))
}

fn child_value<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}
