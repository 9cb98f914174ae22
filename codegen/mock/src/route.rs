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
