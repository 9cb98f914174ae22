//! The request journal: what the mock received and answered, for assertions.

/// One request as the mock saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// The spec operationId, or `None` when no operation matched (404/405).
    pub operation: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Status sent; `None` when an injected fault dropped the connection.
    pub status: Option<u16>,
    /// Whether an injected fault shaped this response.
    pub faulted: bool,
    /// Why the response body did not match the spec's response schema, if it did not.
    /// Should always be `None`; [`crate::MockServer::response_violations`] lists the
    /// entries where it is not.
    pub response_problem: Option<String>,
}
