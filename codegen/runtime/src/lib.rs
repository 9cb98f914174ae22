//! Runtime support for the generated `ngrok-ai` crate. The generator copies
//! each module into `ngrok-ai` as `crate::runtime::<module>`.
#![deny(missing_docs)]

pub mod config;
pub mod error;
pub mod nullable;
pub mod paginate;
pub mod retry;
pub mod secret;

pub use config::{ClientBuilder, ClientConfig};
pub use error::{ApiError, Error, ErrorBody};
pub use nullable::Nullable;
pub use retry::RetryPolicy;
pub use secret::Secret;
