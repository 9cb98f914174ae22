//! Resources recognised from the spec's conventions (spec/README.md, "Conventions"):
//!
//! * an item schema with `x-ngrok-id-prefix`;
//! * an item path `{collection}/{param}` whose GET answers that schema, with HEAD, PATCH
//!   and DELETE on the same path where the spec has them;
//! * a collection path whose POST answers that schema (create) and whose GET pages over it
//!   (`x-ngrok-pagination`), with HEAD where the spec has it.
//!
//! The mock serves every such resource from one generic store; what the schema cannot say
//! (a field holding another resource's ID) is an extension (`x-ngrok-references`).

use serde_json::Value;

use super::{ref_name, resolve, str_at, Op};
use crate::pointer;

/// One resource.
pub struct Resource<'a> {
    /// The item schema, e.g. `AIGatewayAccessKey`.
    pub schema: &'a str,
    pub id_prefix: &'a str,
    pub collection_path: &'a str,
    pub item_path: &'a str,
    /// Array property of the list response holding the items.
    pub items: Option<&'a str>,
    /// operationIds (spec spelling) of what the spec offers on it.
    pub list: Option<&'a str>,
    pub head_list: Option<&'a str>,
    pub create: Option<&'a str>,
    pub get: Option<&'a str>,
    pub head: Option<&'a str>,
    pub update: Option<&'a str>,
    pub delete: Option<&'a str>,
    pub create_body: Option<&'a str>,
    pub update_body: Option<&'a str>,
    /// Response properties first, then properties only the request bodies have.
    pub fields: Vec<Field<'a>>,
}

impl Resource<'_> {
    /// The operationIds of what the spec offers on it, `None` where it offers nothing.
    pub fn operations(&self) -> [Option<&str>; 7] {
        [
            self.list,
            self.head_list,
            self.create,
            self.get,
            self.head,
            self.update,
            self.delete,
        ]
    }
}

/// What the store fills in for a server-managed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRole {
    Id,
    Uri,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    LastUpdatedBy,
}

impl FieldRole {
    /// Its name in generated code.
    pub fn name(self) -> &'static str {
        match self {
            FieldRole::Id => "Id",
            FieldRole::Uri => "Uri",
            FieldRole::CreatedAt => "CreatedAt",
            FieldRole::UpdatedAt => "UpdatedAt",
            FieldRole::CreatedBy => "CreatedBy",
            FieldRole::LastUpdatedBy => "LastUpdatedBy",
        }
    }
}

/// One property of a resource, merged over its response, create and update schemas.
pub struct Field<'a> {
    pub name: &'a str,
    pub in_response: bool,
    pub required: bool,
    pub nullable: bool,
    pub in_create: bool,
    pub in_update: bool,
    pub role: Option<FieldRole>,
    pub secret: bool,
    pub returned_once: bool,
    pub write_only: bool,
    /// Resource schema whose `id` the field holds (`x-ngrok-references`).
    pub references: Option<&'a str>,
    pub example: Option<&'a Value>,
}

/// Finds every resource. A convention half-followed (an item path whose collection has a
/// create answering another schema, say) is left to the mock's hooks, not an error;
/// validation has checked the extensions.
pub(super) fn recognise<'a>(raw: &'a Value, operations: &[Op<'a>]) -> Vec<Resource<'a>> {
    let mut out = Vec::new();
    let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(id_prefix) = schema.get("x-ngrok-id-prefix").and_then(Value::as_str) else {
            continue;
        };
        let answers = |op: &&Op<'a>| op.response.as_ref().and_then(|r| r.schema_name) == Some(name);
        let Some(get) = operations
            .iter()
            .filter(answers)
            .find(|op| op.method == "get" && item_param(op.path).is_some())
        else {
            continue;
        };
        let item_path = get.path;
        let collection_path = &item_path[..item_path.rfind('/').unwrap_or(0)];
        let on = |path: &str, method: &str| {
            operations
                .iter()
                .find(|op| op.path == path && op.method == method)
        };
        let create = on(collection_path, "post").filter(answers);
        let list = on(collection_path, "get")
            .filter(|op| op.pagination.as_ref().map(|p| p.item_schema) == Some(name));
        if create.is_none() && list.is_none() {
            continue;
        }
        let update = on(item_path, "patch").filter(answers);
        let mut resource = Resource {
            schema: name,
            id_prefix,
            collection_path,
            item_path,
            items: list.and_then(|l| l.pagination.as_ref()).map(|p| p.items),
            list: list.map(|o| o.id),
            head_list: list.and(on(collection_path, "head")).map(|o| o.id),
            create: create.map(|o| o.id),
            get: Some(get.id),
            head: on(item_path, "head").map(|o| o.id),
            update: update.map(|o| o.id),
            delete: on(item_path, "delete").map(|o| o.id),
            create_body: create
                .and_then(|o| o.body.as_ref())
                .and_then(|b| b.schema_name),
            update_body: update
                .and_then(|o| o.body.as_ref())
                .and_then(|b| b.schema_name),
            fields: Vec::new(),
        };
        resource.fields = fields(raw, &resource, schema);
        out.push(resource);
    }
    out
}

/// `{id}` of `/access-keys/{id}`: the last segment, when it is the path's only parameter.
fn item_param(path: &str) -> Option<&str> {
    let last = path.rsplit('/').next()?;
    let param = last.strip_prefix('{')?.strip_suffix('}')?;
    (path.matches('{').count() == 1).then_some(param)
}

fn fields<'a>(raw: &'a Value, resource: &Resource<'a>, schema: &'a Value) -> Vec<Field<'a>> {
    let component = |name: Option<&str>| {
        name.and_then(|n| raw.pointer(&format!("/components/schemas/{}", pointer::escape(n))))
    };
    let create = component(resource.create_body);
    let update = component(resource.update_body);
    let properties = |s: Option<&'a Value>| {
        s.and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    };
    let has = |s: Option<&'a Value>, name: &str| {
        s.and_then(|s| s.pointer(&format!("/properties/{}", pointer::escape(name))))
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();

    let mut out: Vec<Field<'a>> = Vec::new();
    let sources = properties(Some(schema))
        .map(|p| (p, true))
        .chain(properties(create).map(|p| (p, false)))
        .chain(properties(update).map(|p| (p, false)));
    for ((name, prop), in_response) in sources {
        if out.iter().any(|f| f.name == name) {
            continue;
        }
        let declared = [
            has(Some(schema), name),
            has(create, name),
            has(update, name),
        ];
        let flag = |key: &str| {
            declared
                .iter()
                .flatten()
                .any(|p| p.get(key).and_then(Value::as_bool) == Some(true))
        };
        let in_create = declared[1].is_some();
        let resolved = resolve(raw, prop);
        let references = declared
            .iter()
            .flatten()
            .find_map(|p| p.get("x-ngrok-references").and_then(Value::as_str));
        out.push(Field {
            name,
            in_response,
            required: in_response && required.contains(&name.as_str()),
            nullable: in_response && prop.get("nullable").and_then(Value::as_bool) == Some(true),
            in_create,
            in_update: declared[2].is_some(),
            role: (in_response && !in_create)
                .then(|| role(name, prop, resolved))
                .flatten(),
            secret: flag("x-ngrok-secret"),
            returned_once: flag("x-ngrok-returned-once"),
            write_only: flag("x-ngrok-write-only"),
            references,
            example: prop
                .get("example")
                .or_else(|| resolved.get("example"))
                .or_else(|| schema.get("example").and_then(|e| e.get(name.as_str()))),
        });
    }
    out
}

/// The role a server-managed property plays, by its name and type.
fn role(name: &str, prop: &Value, resolved: &Value) -> Option<FieldRole> {
    let string = resolved.get("type").and_then(Value::as_str) == Some("string");
    let date_time = string && str_at(resolved, "format") == "date-time";
    let is_ref = || {
        let props = resolved.get("properties").and_then(Value::as_object);
        ref_name(prop) == Some("Ref")
            || props.is_some_and(|p| p.contains_key("id") && p.contains_key("uri"))
    };
    match name {
        "id" if string => Some(FieldRole::Id),
        "uri" if string => Some(FieldRole::Uri),
        "createdAt" if date_time => Some(FieldRole::CreatedAt),
        "updatedAt" if date_time => Some(FieldRole::UpdatedAt),
        "createdBy" if is_ref() => Some(FieldRole::CreatedBy),
        "lastUpdatedBy" if is_ref() => Some(FieldRole::LastUpdatedBy),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::item_param;

    #[test]
    fn item_paths() {
        assert_eq!(item_param("/access-keys/{id}"), Some("id"));
        assert_eq!(item_param("/access-keys"), None);
        assert_eq!(item_param("/a/{x}/b/{id}"), None);
        assert_eq!(item_param("/provider-keys/{id}/rotate"), None);
    }
}
