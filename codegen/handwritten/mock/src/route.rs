//! The shape of the route table. The table itself is generated from the spec (one
//! [`Route`] per operation) and available through [`routes`].

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `PUT`
    Put,
    /// `OPTIONS`
    Options,
    /// `TRACE`
    Trace,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Put => "PUT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
}

/// JSON type of a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Any string (possibly with a `format`).
    String,
    /// A decimal integer.
    Integer,
    /// `true` or `false`.
    Boolean,
}

/// One query parameter of an operation, as the spec declares it.
#[derive(Debug, Clone, Copy)]
pub struct QueryParam {
    /// Parameter name, e.g. `limit`.
    pub name: &'static str,
    /// Whether the request must carry it.
    pub required: bool,
    /// Its type.
    pub ty: ParamType,
    /// `format`, e.g. `date-time` (asserted) or `int32` (annotation).
    pub format: Option<&'static str>,
    /// Inclusive lower bound of an integer.
    pub minimum: Option<i64>,
    /// Inclusive upper bound of an integer.
    pub maximum: Option<i64>,
    /// Allowed values; empty means any.
    pub enum_values: &'static [&'static str],
    /// The spec's `default`, as text.
    pub default: Option<&'static str>,
}

/// How a list operation pages (`x-ngrok-pagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `beforeId=<last id of the page>`, items in descending ID order.
    BeforeId,
    /// An opaque `cursor`.
    Cursor,
}

/// Pagination of a list operation.
#[derive(Debug, Clone, Copy)]
pub struct Pagination {
    /// Paging style.
    pub style: PageStyle,
    /// Name of the array property holding the items.
    pub items: &'static str,
}

/// One operation of the API.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The operation as a generated enum (hooks match on it, so a removed operation is a
    /// compile error in the hook rather than a silently dead string).
    pub op: Operation,
    /// The spec's operationId, e.g. `GetAIGatewayAccessKey`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/access-keys/{id}`.
    pub path: &'static str,
    /// The one success status the spec declares.
    pub success_status: u16,
    /// Component schema of the request body, if the operation takes one.
    pub request_body: Option<&'static str>,
    /// Component schema of the success response body, if it has one.
    pub response_body: Option<&'static str>,
    /// Declared query parameters.
    pub query: &'static [QueryParam],
    /// How the operation pages, for list operations.
    pub pagination: Option<Pagination>,
    /// The success response's example (JSON text): what an operation with neither a
    /// resource convention nor a hook answers.
    pub example: Option<&'static str>,
}

/// What the generic store fills in for a server-managed field (recognised by name and
/// type in the response schema, see spec/README.md "Conventions").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRole {
    /// `id`: a fresh ID with the resource's `x-ngrok-id-prefix`.
    Id,
    /// `uri`: the base URL plus the item path.
    Uri,
    /// `createdAt` (date-time): the creation time.
    CreatedAt,
    /// `updatedAt` (date-time): the time of the last create or update.
    UpdatedAt,
    /// `createdBy` (a `Ref`): the API key that created it.
    CreatedBy,
    /// `lastUpdatedBy` (a `Ref`): the API key that last changed it.
    LastUpdatedBy,
}

/// One property of a resource: the union of its response schema's properties and its
/// create and update bodies' properties.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// JSON name, e.g. `description`.
    pub name: &'static str,
    /// A property of the response schema (otherwise only the request bodies have it).
    pub in_response: bool,
    /// `required` in the response schema.
    pub required: bool,
    /// `nullable` in the response schema: PATCH `null` stores `null` instead of
    /// removing the field.
    pub nullable: bool,
    /// A property of the create body.
    pub in_create: bool,
    /// A property of the update body.
    pub in_update: bool,
    /// Filled by the store, when the name and type say which role it plays.
    pub role: Option<FieldRole>,
    /// `x-ngrok-secret`: never logged, redacted wherever the mock reports it.
    pub secret: bool,
    /// `x-ngrok-returned-once`: minted on create and present only in the create response.
    pub returned_once: bool,
    /// `x-ngrok-write-only`: stored (hooks may read it) but never rendered.
    pub write_only: bool,
    /// `x-ngrok-references`: the resource schema whose `id` this field holds. Create and
    /// update answer 400 when no such resource exists; deleting the referenced resource
    /// answers 409 while this field names it.
    pub references: Option<&'static str>,
    /// The property's example (JSON text), used for a required server-managed field the
    /// store has no role for.
    pub example: Option<&'static str>,
}

/// A resource recognised from the spec's conventions: a collection path with a paged
/// list and/or create, an item path `{collection}/{id}` with get / update / delete /
/// head, all answering the same schema, which carries an `x-ngrok-id-prefix`.
#[derive(Debug, Clone, Copy)]
pub struct Resource {
    /// The item schema, e.g. `AIGatewayAccessKey`.
    pub schema: &'static str,
    /// `x-ngrok-id-prefix`, e.g. `aigk_`.
    pub id_prefix: &'static str,
    /// Collection path, e.g. `/access-keys`.
    pub collection_path: &'static str,
    /// Item path, e.g. `/access-keys/{id}`.
    pub item_path: &'static str,
    /// Array property of the list response holding the items.
    pub items: Option<&'static str>,
    /// The list operation (GET on the collection).
    pub list: Option<Operation>,
    /// HEAD on the collection.
    pub head_list: Option<Operation>,
    /// POST on the collection.
    pub create: Option<Operation>,
    /// GET on the item.
    pub get: Option<Operation>,
    /// HEAD on the item.
    pub head: Option<Operation>,
    /// PATCH on the item.
    pub update: Option<Operation>,
    /// DELETE on the item.
    pub delete: Option<Operation>,
    /// Component schema of the create body.
    pub create_body: Option<&'static str>,
    /// Component schema of the update body.
    pub update_body: Option<&'static str>,
    /// Every property, response schema first, in spec order.
    pub fields: &'static [Field],
}

/// What a route does to a resource, when it belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List (GET collection).
    List,
    /// HEAD collection.
    HeadList,
    /// Create (POST collection).
    Create,
    /// Read (GET item).
    Get,
    /// HEAD item.
    Head,
    /// PATCH item.
    Update,
    /// DELETE item.
    Delete,
}

/// Every resource the spec's conventions describe.
pub fn resources() -> &'static [Resource] {
    crate::spec::RESOURCES
}

/// The resource schema named `schema`.
pub fn resource(schema: &str) -> Option<&'static Resource> {
    resources().iter().find(|r| r.schema == schema)
}

/// The resource an operation acts on, and how.
pub fn resource_of(op: Operation) -> Option<(&'static Resource, Action)> {
    resources().iter().find_map(|r| {
        let action = [
            (r.list, Action::List),
            (r.head_list, Action::HeadList),
            (r.create, Action::Create),
            (r.get, Action::Get),
            (r.head, Action::Head),
            (r.update, Action::Update),
            (r.delete, Action::Delete),
        ]
        .into_iter()
        .find_map(|(o, a)| (o == Some(op)).then_some(a))?;
        Some((r, action))
    })
}

pub use crate::spec::Operation;

/// Decodes `body` into the client's type for the component schema `schema` (a success
/// response or `Error`) and encodes it again: `None` when `schema` is not one of those,
/// else the re-encoded JSON or the decode error. Tests use it to check that what the
/// mock (or a hand-written stub) answers is what the generated client can read, for
/// every response type the spec has, without naming the types one by one.
pub fn decode_with_client_type(
    schema: &str,
    body: &[u8],
) -> Option<Result<serde_json::Value, String>> {
    crate::spec::decode_with_client_type(schema, body)
}

/// Decodes and re-encodes through `T`.
pub(crate) fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    body: &[u8],
) -> Result<serde_json::Value, String> {
    let value: T = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

/// Every operation of the spec, in spec order.
pub fn routes() -> &'static [Route] {
    crate::spec::ROUTES
}

/// The route of an operationId.
pub fn route(operation: &str) -> Option<&'static Route> {
    routes().iter().find(|r| r.operation == operation)
}

/// The `x-ngrok-id-prefix` of a resource schema, e.g. `aigk_` for `AIGatewayAccessKey`.
pub fn id_prefix(schema: &str) -> Option<&'static str> {
    crate::spec::ID_PREFIXES
        .iter()
        .find(|(name, _)| *name == schema)
        .map(|(_, prefix)| *prefix)
}
