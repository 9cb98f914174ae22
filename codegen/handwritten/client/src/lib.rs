//! Runtime support for the generated `ngrok-ai` crate. The generator copies
//! each module into `ngrok-ai` as `crate::runtime::<module>`.
//!
//! Limits against a misbehaving or hostile server, all on by default:
//!
//! - response bodies: at most 16 MiB
//!   ([`ClientBuilder::max_response_bytes`]), checked against
//!   `Content-Length` before reading and while reading bodies without one
//!   ([`Error::ResponseTooLarge`]); error bodies are read only up to 64 KiB
//!   (`error::ERROR_BODY_LIMIT`);
//! - `stream()`: at most 10,000 pages ([`ClientBuilder::max_pages`]), and
//!   never the same cursor twice ([`Error::Pagination`]);
//! - redirects are never followed ([`Error::Redirect`]);
//! - path parameters `""`, `.` and `..` are rejected before sending
//!   ([`Error::InvalidRequest`]);
//! - error text from the server is scrubbed of the API key, secret-named
//!   values and control characters (see [`Error`]).
#![deny(missing_docs)]

pub mod config;
pub mod decode;
pub mod error;
pub mod nullable;
pub mod paginate;
pub mod path;
pub mod response;
pub mod retry;
mod scrub;
pub mod secret;
pub mod setter;

pub use config::{ClientBuilder, ClientConfig};
pub use error::{ApiError, Error, ErrorBody};
pub use nullable::Nullable;
pub use retry::RetryPolicy;
pub use secret::Secret;
