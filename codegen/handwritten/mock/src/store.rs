//! The generic resource store: one table of JSON records per resource the spec's
//! conventions describe ([`crate::route::resources`]), and the rules every such resource
//! shares — how a body becomes a record, PATCH's omit / `null` / value, the
//! server-managed fields ([`FieldRole`]), `x-ngrok-references`, and `beforeId` paging.
//!
//! Records are `serde_json` maps keyed by the JSON field names of the spec, so a field
//! the spec adds to a create or update body is stored and returned without a code change.
//! Nothing here knows a particular resource; what a schema cannot express lives in
//! the hooks module (`hooks.rs`).

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::route::{resource, resources, Field, FieldRole, Resource};
use crate::schema::FieldError;

/// One stored resource: its fields by JSON name, as the API would store them (including
/// `write_only` and `returned_once` values, which rendering leaves out).
pub type Record = Map<String, Value>;

/// Who made a request: the bootstrap key or an API key created through the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// ID of the API key (`aigak_…`).
    pub id: String,
    /// Its `uri`, as a `Ref` to it shows it.
    pub uri: String,
}

impl Actor {
    /// The `Ref` (`{id, uri}`) of `createdBy` / `lastUpdatedBy`.
    pub fn reference(&self) -> Value {
        json!({ "id": self.id, "uri": self.uri })
    }
}

/// Every record of every conventional resource, by schema name then ID. IDs sort in
/// creation order ([`crate::ids`]), so a table's order is the creation order.
#[derive(Default)]
pub struct Store {
    tables: BTreeMap<&'static str, BTreeMap<String, Record>>,
}

/// Only counts: records hold secrets (tokens, provider-key values).
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (schema, table) in &self.tables {
            map.entry(schema, &table.len());
        }
        map.finish()
    }
}

impl Store {
    /// The records of `r`, oldest first.
    pub fn records<'a>(&'a self, r: &Resource) -> impl Iterator<Item = (&'a String, &'a Record)> {
        self.tables.get(r.schema).into_iter().flatten()
    }

    /// Mutable access to the records of `r`, oldest first.
    pub fn records_mut<'a>(
        &'a mut self,
        r: &Resource,
    ) -> impl Iterator<Item = (&'a String, &'a mut Record)> {
        self.tables.get_mut(r.schema).into_iter().flatten()
    }

    /// The record `id` of `r`.
    pub fn get(&self, r: &Resource, id: &str) -> Option<&Record> {
        self.tables.get(r.schema)?.get(id)
    }

    /// The record `id` of `r`, to change it.
    pub fn get_mut(&mut self, r: &Resource, id: &str) -> Option<&mut Record> {
        self.tables.get_mut(r.schema)?.get_mut(id)
    }

    /// Whether `r` has a record `id`.
    pub fn contains(&self, r: &Resource, id: &str) -> bool {
        self.get(r, id).is_some()
    }

    /// Stores a record under `id` (replacing one with the same ID).
    pub fn insert(&mut self, r: &Resource, id: String, record: Record) {
        self.tables.entry(r.schema).or_default().insert(id, record);
    }

    /// Removes and returns the record `id` of `r`.
    pub fn remove(&mut self, r: &Resource, id: &str) -> Option<Record> {
        self.tables.get_mut(r.schema)?.remove(id)
    }

    /// One page in descending ID order (newest first) of the records `keep` accepts:
    /// at most `limit` records with IDs below `before` (exclusive), and whether more
    /// follow.
    pub fn page<'a>(
        &'a self,
        r: &Resource,
        before: Option<&str>,
        limit: usize,
        keep: impl Fn(&Record) -> bool,
    ) -> (Vec<(&'a String, &'a Record)>, bool) {
        match self.tables.get(r.schema) {
            Some(table) => page_before(table, before, limit, keep),
            None => (Vec::new(), false),
        }
    }

    /// The first field of `body` that names, through `x-ngrok-references`, a resource
    /// that does not exist.
    pub fn missing_reference(&self, r: &Resource, body: &Map<String, Value>) -> Option<FieldError> {
        r.fields.iter().find_map(|field| {
            let target = field.references?;
            let id = body.get(field.name)?.as_str()?;
            let exists = resource(target).is_some_and(|t| self.contains(t, id));
            (!exists).then(|| {
                let what = resource(target).map_or_else(|| target.to_owned(), noun);
                FieldError::new(
                    format!("/{}", field.name),
                    format!("no {what} with this ID"),
                )
            })
        })
    }

    /// A record (of any resource) whose `x-ngrok-references` field names `id` of `r`.
    pub fn referrer(&self, r: &Resource, id: &str) -> Option<String> {
        resources().iter().find_map(|other| {
            let fields: Vec<&Field> = other
                .fields
                .iter()
                .filter(|f| f.references == Some(r.schema))
                .collect();
            if fields.is_empty() {
                return None;
            }
            self.records(other)
                .find(|(_, record)| {
                    fields
                        .iter()
                        .any(|f| record.get(f.name).and_then(Value::as_str) == Some(id))
                })
                .map(|(other_id, _)| other_id.clone())
        })
    }
}

/// The page of `map` (descending key order) that comes before `before`.
pub fn page_before<'a, R>(
    map: &'a BTreeMap<String, R>,
    before: Option<&str>,
    limit: usize,
    keep: impl Fn(&R) -> bool,
) -> (Vec<(&'a String, &'a R)>, bool) {
    let upper = match before {
        Some(b) => Bound::Excluded(b),
        None => Bound::Unbounded,
    };
    let mut items = Vec::new();
    let mut more = false;
    for (id, r) in map.range::<str, _>((Bound::Unbounded, upper)).rev() {
        if !keep(r) {
            continue;
        }
        if items.len() == limit {
            more = true;
            break;
        }
        items.push((id, r));
    }
    (items, more)
}

/// The field `name` of `r`, if the spec declares one.
pub fn field<'r>(r: &'r Resource, name: &str) -> Option<&'r Field> {
    r.fields.iter().find(|f| f.name == name)
}

/// What error messages call a record of `r`: its collection path in the singular
/// (`/access-key-configurations` → `access key configuration`, `/api-keys` → `API key`).
pub fn noun(r: &Resource) -> String {
    let last = r
        .collection_path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(r.schema);
    let singular = last.strip_suffix('s').unwrap_or(last);
    singular
        .split('-')
        .map(|word| match word {
            "api" => "API",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `uri` of record `id` of `r`.
pub fn item_uri(base_url: &str, r: &Resource, id: &str) -> String {
    format!("{base_url}{}", r.item_path.replace("{id}", id))
}

/// A timestamp as the API writes it (RFC 3339, UTC, `Z`), like the client's serde.
pub fn timestamp(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// Applies a create or update body: an omitted field is kept, a value is set, and
/// `null` clears — it stores `null` when the response schema lets the field be `null`,
/// the empty value of its type when the response must carry it (a required string
/// reads back as `""`, as the API does for a cleared label), and removes it otherwise.
/// Server-managed fields ([`FieldRole`]) are never taken from a body.
pub fn apply_body(r: &Resource, record: &mut Record, body: &Map<String, Value>) {
    for (name, value) in body {
        let field = field(r, name);
        if field.is_some_and(|f| f.role.is_some()) {
            continue;
        }
        if value.is_null() {
            match field {
                Some(f) if f.in_response && f.nullable => {
                    record.insert(name.clone(), Value::Null);
                }
                Some(f) if f.in_response && f.required => match empty_like(f.example) {
                    Some(empty) => {
                        record.insert(name.clone(), empty);
                    }
                    None => {
                        record.remove(name);
                    }
                },
                _ => {
                    record.remove(name);
                }
            }
        } else {
            record.insert(name.clone(), value.clone());
        }
    }
}

/// The empty value of the JSON type of `example` (`""`, `0`, `false`, `[]`, `{}`).
fn empty_like(example: Option<&str>) -> Option<Value> {
    let example: Value = serde_json::from_str(example?).ok()?;
    Some(match example {
        Value::String(_) => Value::String(String::new()),
        Value::Number(_) => Value::from(0),
        Value::Bool(_) => Value::Bool(false),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(_) => Value::Object(Map::new()),
        Value::Null => return None,
    })
}

/// Fills the server-managed fields of a new record.
pub fn stamp_new(
    r: &Resource,
    record: &mut Record,
    base_url: &str,
    id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) {
    for field in r.fields {
        let value = match field.role {
            None => continue,
            Some(FieldRole::Id) => Value::String(id.to_owned()),
            Some(FieldRole::Uri) => Value::String(item_uri(base_url, r, id)),
            Some(FieldRole::CreatedAt | FieldRole::UpdatedAt) => timestamp(now),
            Some(FieldRole::CreatedBy | FieldRole::LastUpdatedBy) => actor.reference(),
        };
        record.insert(field.name.to_owned(), value);
    }
}

/// Updates the server-managed fields that record a change (`updatedAt`,
/// `lastUpdatedBy`).
pub fn stamp_update(r: &Resource, record: &mut Record, actor: &Actor, now: DateTime<Utc>) {
    for field in r.fields {
        let value = match field.role {
            Some(FieldRole::UpdatedAt) => timestamp(now),
            Some(FieldRole::LastUpdatedBy) => actor.reference(),
            _ => continue,
        };
        record.insert(field.name.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_descending_and_exclusive() {
        let mut map = BTreeMap::new();
        for i in 0..5 {
            map.insert(format!("k{i}"), i);
        }
        let ids = |page: &[(&String, &i32)]| {
            page.iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let (page, more) = page_before(&map, None, 2, |_| true);
        assert_eq!((ids(&page).as_str(), more), ("k4,k3", true));
        let (page, more) = page_before(&map, Some("k3"), 2, |_| true);
        assert_eq!((ids(&page).as_str(), more), ("k2,k1", true));
        let (page, more) = page_before(&map, Some("k1"), 2, |_| true);
        assert_eq!((ids(&page).as_str(), more), ("k0", false));
        let (page, more) = page_before(&map, None, 5, |_| true);
        assert_eq!(page.len(), 5);
        assert!(!more, "an exactly full last page has no next page");
        let (page, _) = page_before(&map, None, 5, |v| v % 2 == 0);
        assert_eq!(ids(&page), "k4,k2,k0");
    }

    /// A resource whose `note` is nullable in the response and `label` is not.
    fn sample() -> Resource {
        const fn f(name: &'static str, nullable: bool, role: Option<FieldRole>) -> Field {
            Field {
                name,
                in_response: true,
                required: false,
                nullable,
                in_create: true,
                in_update: true,
                role,
                secret: false,
                returned_once: false,
                write_only: false,
                references: None,
                example: None,
            }
        }
        static FIELDS: [Field; 4] = [
            f("id", false, Some(FieldRole::Id)),
            f("updatedAt", false, Some(FieldRole::UpdatedAt)),
            f("note", true, None),
            f("label", false, None),
        ];
        Resource {
            schema: "Sample",
            id_prefix: "smp_",
            collection_path: "/sample-things",
            item_path: "/sample-things/{id}",
            items: Some("sampleThings"),
            list: None,
            head_list: None,
            create: None,
            get: None,
            head: None,
            update: None,
            delete: None,
            create_body: None,
            update_body: None,
            fields: &FIELDS,
        }
    }

    #[test]
    fn patch_keeps_clears_and_sets() {
        let r = sample();
        let mut record: Record =
            serde_json::from_value(json!({"id": "smp_1", "note": "n", "label": "l", "extra": 1}))
                .unwrap();
        let body: Map<String, Value> = serde_json::from_value(
            json!({"note": null, "label": null, "extra": 2, "new": "x", "id": "smp_forged"}),
        )
        .unwrap();
        apply_body(&r, &mut record, &body);
        assert_eq!(
            Value::Object(record),
            json!({"id": "smp_1", "note": null, "extra": 2, "new": "x"}),
            "nullable → null, not nullable → removed, unknown stored, roles kept"
        );
    }

    #[test]
    fn stamps_and_nouns() {
        let r = sample();
        let actor = Actor {
            id: "aigak_1".into(),
            uri: "http://m/api-keys/aigak_1".into(),
        };
        let mut record = Record::new();
        let now = DateTime::parse_from_rfc3339("2026-11-25T10:00:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        stamp_new(&r, &mut record, "http://m", "smp_1", &actor, now);
        assert_eq!(
            Value::Object(record),
            json!({"id": "smp_1", "updatedAt": "2026-11-25T10:00:00.500Z"})
        );
        assert_eq!(noun(&r), "sample thing");
        let api = Resource {
            collection_path: "/api-keys",
            ..sample()
        };
        assert_eq!(noun(&api), "API key");
        assert_eq!(
            item_uri("http://m", &r, "smp_1"),
            "http://m/sample-things/smp_1"
        );
    }
}
