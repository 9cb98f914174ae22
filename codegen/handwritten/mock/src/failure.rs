//! Error responses: the spec's `Error` body (`statusCode`, `msg`, `details`).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::schema::FieldError;

/// An error response the mock sends instead of the operation's success response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status.
    pub status: u16,
    /// Human-readable message (`msg`).
    pub msg: String,
    /// `details`: string to string.
    pub details: BTreeMap<String, String>,
    /// Extra response headers, e.g. `Retry-After`.
    pub headers: Vec<(&'static str, String)>,
}

impl Failure {
    /// A failure with no details.
    pub fn new(status: u16, msg: impl Into<String>) -> Self {
        Self {
            status,
            msg: msg.into(),
            details: BTreeMap::new(),
            headers: Vec::new(),
        }
    }

    /// Adds one `details` entry.
    pub fn detail(mut self, key: &str, value: impl Into<String>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// 400 for a problem with the request body; `msg` and `details` name the field.
    pub fn invalid_body(error: &FieldError) -> Self {
        Self::new(400, format!("invalid request body: {error}"))
            .detail("in", "body")
            .detail("field", error.field.clone())
            .detail("reason", error.reason.clone())
    }

    /// 400 for a problem with a query parameter.
    pub fn invalid_query(name: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self::new(400, format!("invalid query parameter {name}: {reason}"))
            .detail("in", "query")
            .detail("field", name)
            .detail("reason", reason)
    }

    /// 404 for an ID that names no resource of this kind.
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::new(404, format!("{kind} {id} not found")).detail("id", id)
    }

    /// 409 for a resource that is still referenced.
    pub fn still_referenced(kind: &str, id: &str, referenced_by: &str) -> Self {
        Self::new(
            409,
            format!("the {kind} {id} is still referenced by {referenced_by} and cannot be deleted"),
        )
        .detail("id", id)
        .detail("referencedBy", referenced_by)
    }

    /// 500 for a bug in the mock itself (reported, never a panic).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, format!("mock server error: {}", message.into()))
    }

    /// The `Error` body.
    pub fn body(&self) -> Value {
        json!({
            "statusCode": self.status,
            "msg": self.msg,
            "details": self.details,
        })
    }
}
