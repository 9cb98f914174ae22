//! The SDK's error type: what a call can fail with, what `Display` and `Debug` show
//! of it (scrubbed), and the predicates callers branch on. Building one from a
//! response is [`super::response`]; why a body did not decode is
//! [`super::decode`].

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};

use super::scrub::{self, scrub};

pub use super::decode::DecodeError;
// Their home is `super::response`; re-exported where 0.1.0 had them, so code written
// against it still builds.
pub use super::response::{from_progenitor, from_response};

/// How many bytes of an undecodable body are kept for diagnosis: enough to
/// recognise an HTML error page or a proxy message, small enough to log.
const SNIPPET_LIMIT: usize = 512;

/// How many bytes of an error response (non-2xx) are read at most: API error
/// bodies are a few hundred bytes, so this is ample for the JSON `Error`, and
/// the rest of a larger body (an HTML page, a hostile stream) is never read.
/// [`ClientConfig::max_response_bytes`] lowers it further when smaller.
pub const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// How much of a body is scrubbed before the snippet is cut from it, so a
/// secret straddling the cut is still recognised whole.
const SCRUB_WINDOW: usize = 8 * SNIPPET_LIMIT;

/// How many characters of a snippet `Display` shows, so the message stays
/// one readable line.
const DISPLAY_SNIPPET_LIMIT: usize = 160;

/// Body of an API error response (`errorCode`, `statusCode`, `msg`,
/// `details` on the wire).
///
/// Decoding is lenient because error bodies are read on the failure path,
/// where a strict decoder would hide the real problem: unknown fields are
/// ignored, `errorCode`/`statusCode` may be missing, the snake_case names of
/// the older ngrok API are accepted, `details` may be missing or `null`, and
/// non-string detail values are kept as their JSON text. Only `msg` is
/// required, so that unrelated JSON (a proxy's `{"error": ...}`) is not
/// mistaken for an API error and is kept as a snippet instead.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Machine-readable error code, when the server sends one.
    #[serde(default, alias = "error_code", skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// HTTP status the server reports in the body; the response status is
    /// authoritative (see [`ApiError::status`]).
    #[serde(
        default,
        alias = "status_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_code: Option<i64>,
    /// Human-readable message.
    pub msg: String,
    /// Extra context, such as the offending field.
    #[serde(default, deserialize_with = "lenient_details")]
    pub details: BTreeMap<String, String>,
}

fn lenient_details<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => (key, text),
            other => (key, other.to_string()),
        })
        .collect())
}

/// The server answered with a status that is not a success.
#[derive(Clone, Debug)]
pub struct ApiError {
    // Built only by `super::response`; read through the accessors below.
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    // Boxed to keep `Result<T, Error>` small (clippy::result_large_err).
    pub(crate) body: Option<Box<ErrorBody>>,
    pub(crate) snippet: Option<String>,
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    /// The operationId of the failed call, e.g. `GetAIGatewayAccessKey`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The decoded error body, when the response carried one.
    pub fn body(&self) -> Option<&ErrorBody> {
        self.body.as_deref()
    }

    /// The server's `errorCode`, if any.
    pub fn error_code(&self) -> Option<&str> {
        self.body.as_ref()?.error_code.as_deref()
    }

    /// The server's message, if the body was an API error body.
    pub fn msg(&self) -> Option<&str> {
        self.body.as_ref().map(|body| body.msg.as_str())
    }

    /// The server's `details`; empty when there were none.
    pub fn details(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.body.as_ref().map_or(&EMPTY, |body| &body.details)
    }

    /// Start of the body (at most 512 bytes, lossy UTF-8, scrubbed: see
    /// [`Error`]) when it was not an API error body, e.g. an HTML page from a
    /// proxy. `None` when the body decoded or was empty.
    pub fn snippet(&self) -> Option<&str> {
        self.snippet.as_deref()
    }

    /// How long the server asked the client to wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: ", self.operation)?;
        if !(self.status.is_client_error() || self.status.is_server_error()) {
            f.write_str("unexpected status ")?;
        }
        write!(f, "{}", self.status)?;
        match (&self.body, &self.snippet) {
            (Some(body), _) => {
                if !body.msg.trim().is_empty() {
                    write!(f, ": {}", one_line(&body.msg, usize::MAX))?;
                }
                if let Some(code) = &body.error_code {
                    write!(f, " (errorCode {})", one_line(code, DISPLAY_SNIPPET_LIMIT))?;
                }
                Ok(())
            }
            (None, Some(snippet)) => {
                write!(f, " (body: {})", one_line(snippet, DISPLAY_SNIPPET_LIMIT))
            }
            (None, None) => f.write_str(" (empty body)"),
        }
    }
}

impl std::error::Error for ApiError {}

/// Every way an SDK call can fail.
///
/// Match on the variant for full detail, or use the predicates
/// ([`Error::is_not_found`], [`Error::is_retryable`], ...) which keep working
/// when variants are added. `Display` is a single line that names the
/// operation; the underlying cause, if any, is in
/// [`std::error::Error::source`] rather than repeated in the message.
///
/// Text that came from the server is scrubbed when the error is built, so
/// neither `Display` nor `Debug` (sources included) can leak a secret or
/// carry terminal control sequences: the client's own API key is replaced
/// wherever it appears; values of secret-named fields (`token`, `value`,
/// `key`, `*apiKey`, `*secret*`, `*password*`, `authorization`, ...) are
/// replaced at any depth, whether or not the body is valid JSON; `Bearer`
/// credentials are replaced; control characters other than `\n` and `\t`
/// are shown as `\u{..}` escapes. Decode errors name the JSON path and the
/// expected type, never the offending value.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-success status.
    Api(ApiError),
    /// No usable response: connect failure, timeout, TLS, or the body could
    /// not be read. The URL inside `source` has no query, fragment or
    /// credentials.
    Transport {
        /// The operationId of the failed call.
        operation: &'static str,
        /// What reqwest reported.
        source: reqwest::Error,
    },
    /// A success response whose body did not match the expected schema.
    Decode {
        /// The operationId of the failed call.
        operation: &'static str,
        /// The (successful) status of the response.
        status: StatusCode,
        /// Start of the body, scrubbed (see [`Error`]), because success
        /// bodies can carry one-time tokens.
        snippet: String,
        /// Why decoding failed: where (JSON path) and what was expected.
        source: DecodeError,
    },
    /// The response body is larger than
    /// [`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)
    /// (16 MiB by default). Detected from `Content-Length` before reading, or
    /// while reading a body without one; the body is not kept.
    ResponseTooLarge {
        /// The operationId of the failed call.
        operation: &'static str,
        /// The status of the response.
        status: StatusCode,
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// The server answered with a redirect (3xx). The client never follows
    /// redirects: the API does not use them, and following one would send
    /// the request, its body included, to wherever the server pointed.
    Redirect {
        /// The operationId of the failed call.
        operation: &'static str,
        /// The 3xx status.
        status: StatusCode,
        /// Where the server pointed, without query, fragment or credentials
        /// and scrubbed; `None` when there was no `Location` header.
        location: Option<String>,
    },
    /// An argument was rejected before anything was sent.
    InvalidRequest {
        /// The operationId of the call.
        operation: &'static str,
        /// What was wrong with the argument.
        message: String,
    },
    /// The client could not be built (missing API key, bad base URL, ...).
    Config {
        /// What is wrong with the configuration.
        message: String,
    },
    /// A list response's `nextPageUri` could not be followed.
    Pagination {
        /// The operationId of the list call.
        operation: &'static str,
        /// Why the next page cannot be fetched.
        message: String,
    },
}

impl Error {
    /// A [`Error::Transport`] whose URL is stripped of query, fragment and
    /// credentials, so printing the error cannot leak them.
    pub fn transport(operation: &'static str, source: reqwest::Error) -> Self {
        Self::Transport {
            operation,
            source: sanitize_reqwest_error(source),
        }
    }

    /// A [`Error::Transport`] as [`Error::transport`], which also drops the
    /// URL if it contains the client's API key.
    pub(crate) fn transport_for(
        operation: &'static str,
        source: reqwest::Error,
        api_key: Option<&str>,
    ) -> Self {
        let mut source = sanitize_reqwest_error(source);
        let leaks = |url: &reqwest::Url| {
            api_key
                .is_some_and(|key| scrub::remove_api_key(url.as_str(), Some(key)) != url.as_str())
        };
        if source.url().is_some_and(leaks) {
            source = source.without_url();
        }
        Self::Transport { operation, source }
    }

    /// A [`Error::Decode`] whose snippet is cut and scrubbed from `body` and
    /// whose source names the JSON path instead of the offending value.
    pub fn decode(
        operation: &'static str,
        status: StatusCode,
        body: &[u8],
        source: serde_json::Error,
    ) -> Self {
        Self::decode_for(operation, status, body, &source, None)
    }

    pub(crate) fn decode_for(
        operation: &'static str,
        status: StatusCode,
        body: &[u8],
        source: &serde_json::Error,
        api_key: Option<&str>,
    ) -> Self {
        Self::Decode {
            operation,
            status,
            snippet: snippet(body, false, api_key),
            source: DecodeError::new(source, body, api_key),
        }
    }

    /// The operationId of the failed call; `None` for configuration errors.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Self::Api(api) => Some(api.operation),
            Self::Transport { operation, .. }
            | Self::Decode { operation, .. }
            | Self::ResponseTooLarge { operation, .. }
            | Self::Redirect { operation, .. }
            | Self::InvalidRequest { operation, .. }
            | Self::Pagination { operation, .. } => Some(operation),
            Self::Config { .. } => None,
        }
    }

    /// HTTP status of the response this error came from, if there was one
    /// (for [`Error::Decode`] this is a success status).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode { status, .. }
            | Self::ResponseTooLarge { status, .. }
            | Self::Redirect { status, .. } => Some(*status),
            Self::Transport { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The API error, if the server answered with a non-success status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    fn api_status(&self) -> Option<StatusCode> {
        self.api_error().map(ApiError::status)
    }

    /// 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(StatusCode::NOT_FOUND)
    }

    /// 409 Conflict, e.g. deleting a provider that is still referenced.
    pub fn is_conflict(&self) -> bool {
        self.api_status() == Some(StatusCode::CONFLICT)
    }

    /// 401 Unauthorized: the API key is missing, wrong or revoked.
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// 403 Forbidden.
    pub fn is_forbidden(&self) -> bool {
        self.api_status() == Some(StatusCode::FORBIDDEN)
    }

    /// 400 Bad Request.
    pub fn is_bad_request(&self) -> bool {
        self.api_status() == Some(StatusCode::BAD_REQUEST)
    }

    /// 429 Too Many Requests; see [`ApiError::retry_after`].
    pub fn is_rate_limited(&self) -> bool {
        self.api_status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Any 5xx status.
    pub fn is_server_error(&self) -> bool {
        self.api_status().is_some_and(|s| s.is_server_error())
    }

    /// The client gave up waiting (connect or request timeout). A 504 from
    /// a gateway is not included: it is an [`Error::Api`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport { source, .. } if source.is_timeout())
    }

    /// Whether trying the same call again later may succeed: transport
    /// failures and the statuses the built-in retry uses (429, 500, 502, 503,
    /// 504). The built-in retry has usually already been tried; this does not
    /// consider whether the call is idempotent.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => super::retry::retryable_status(api.status),
            Self::Transport { source, .. } => {
                source.is_connect()
                    || source.is_timeout()
                    || source.is_request()
                    || source.is_body()
            }
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => api.fmt(f),
            Self::Transport { operation, source } => {
                let what = if source.is_timeout() {
                    "the request timed out"
                } else if source.is_connect() {
                    "could not connect to the server"
                } else if source.is_body() || source.is_decode() {
                    "could not read the response body"
                } else {
                    "the request could not be completed"
                };
                write!(f, "{operation} failed: {what}")
            }
            Self::Decode {
                operation, status, ..
            } => write!(
                f,
                "{operation} failed: the {status} response body does not match the expected schema"
            ),
            Self::ResponseTooLarge {
                operation,
                status,
                limit,
            } => write!(
                f,
                "{operation} failed: the {status} response body is larger than the limit of \
                 {limit} bytes (ClientBuilder::max_response_bytes)"
            ),
            Self::Redirect {
                operation,
                status,
                location,
            } => {
                write!(f, "{operation} failed: the server redirected ({status}) ")?;
                match location {
                    Some(location) => write!(f, "to {location}")?,
                    None => f.write_str("without a Location")?,
                }
                f.write_str("; redirects are not followed")
            }
            Self::InvalidRequest { operation, message } => {
                write!(f, "{operation} was not sent: invalid argument: {message}")
            }
            Self::Config { message } => {
                write!(f, "invalid ngrok.ai client configuration: {message}")
            }
            Self::Pagination { operation, message } => {
                write!(
                    f,
                    "{operation} failed: cannot fetch the next page: {message}"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            Self::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Self::Api(api)
    }
}

/// Removes the parts of the request URL that may carry secrets or noise
/// before the error can be printed or logged.
fn sanitize_reqwest_error(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        // Both fail only for URLs that cannot carry credentials anyway.
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    error
}

/// The first [`SNIPPET_LIMIT`] bytes of `body` as lossy UTF-8, scrubbed (see
/// [`Error`]), cut on a char boundary and marked with `…` when cut or when
/// `truncated` (the body was longer than what was read). A small JSON body is
/// re-encoded with secret-named fields redacted first.
pub(crate) fn snippet(body: &[u8], truncated: bool, api_key: Option<&str>) -> String {
    let redacted = (!truncated && body.len() <= ERROR_BODY_LIMIT as usize)
        .then(|| serde_json::from_slice::<serde_json::Value>(body).ok())
        .flatten()
        .filter(|v| v.is_object() || v.is_array())
        .map(|mut value| {
            scrub::redact_json(&mut value);
            value.to_string().into_bytes()
        });
    let bytes = redacted.as_deref().unwrap_or(body);
    let window = &bytes[..bytes.len().min(SCRUB_WINDOW)];
    let mut text = scrub(&String::from_utf8_lossy(window), api_key);
    if truncated || bytes.len() > SNIPPET_LIMIT || text.len() > SNIPPET_LIMIT {
        let mut end = SNIPPET_LIMIT.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// Collapses whitespace runs (newlines in HTML pages) so `Display` stays on
/// one line, and shortens to `max` chars.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > max {
        out = out.chars().take(max).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::response::api_error_from_parts;
    use super::*;

    #[test]
    fn error_body_decodes_leniently() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"errorCode":"ERR_X","statusCode":404,"msg":"nope","details":{"a":"b","n":1},"extra":true}"#,
        )
        .unwrap();
        assert_eq!(body.error_code.as_deref(), Some("ERR_X"));
        assert_eq!(body.status_code, Some(404));
        assert_eq!(body.details.get("n").map(String::as_str), Some("1"));

        let body: ErrorBody = serde_json::from_str(r#"{"msg":"m"}"#).unwrap();
        assert!(body.details.is_empty());
        let body: ErrorBody =
            serde_json::from_str(r#"{"msg":"m","details":null,"error_code":"E","status_code":1}"#)
                .unwrap();
        assert_eq!(body.error_code.as_deref(), Some("E"));
        assert!(serde_json::from_str::<ErrorBody>(r#"{"error":"x"}"#).is_err());
    }

    #[test]
    fn snippet_cuts_on_char_boundary() {
        let short = snippet(b"hello", false, None);
        assert_eq!(short, "hello");
        let long = "é".repeat(400);
        let cut = snippet(long.as_bytes(), false, None);
        assert!(cut.ends_with('…'));
        assert!(cut.len() <= SNIPPET_LIMIT + '…'.len_utf8());
        assert!(cut.trim_end_matches('…').chars().all(|c| c == 'é'));
        let invalid = snippet(&[0xff, b'a', 0xc3], false, None);
        assert_eq!(invalid, "\u{fffd}a\u{fffd}");
        assert_eq!(
            snippet(&[b'x'; SNIPPET_LIMIT], false, None).len(),
            SNIPPET_LIMIT
        );
    }

    #[test]
    fn snippet_redacts_secret_fields() {
        let body = br#"{"id":"ak_1","token":"ng-secret-g1-x","nested":[{"value":"sk-123"}],"keyRedacted":"ng-***"}"#;
        let s = snippet(body, false, None);
        assert!(!s.contains("ng-secret"), "{s}");
        assert!(!s.contains("sk-123"), "{s}");
        assert!(s.contains("ak_1"));
    }

    #[test]
    fn display_is_one_line() {
        let api = api_error_from_parts(
            "GetAIGatewayAccessKey",
            StatusCode::NOT_FOUND,
            br#"{"errorCode":"ERR_X","statusCode":404,"msg":"The access key was not found","details":{}}"#,
            false,
            None,
            None,
        );
        assert_eq!(
            Error::Api(api).to_string(),
            "GetAIGatewayAccessKey failed: 404 Not Found: The access key was not found (errorCode ERR_X)"
        );
        let html = api_error_from_parts(
            "Op",
            StatusCode::BAD_GATEWAY,
            b"<html>\n<body>bad\ngateway</body>\n</html>",
            false,
            None,
            None,
        );
        assert_eq!(
            html.to_string(),
            "Op failed: 502 Bad Gateway (body: <html> <body>bad gateway</body> </html>)"
        );
        let empty = api_error_from_parts(
            "Op",
            StatusCode::SERVICE_UNAVAILABLE,
            b"",
            false,
            None,
            None,
        );
        assert_eq!(
            empty.to_string(),
            "Op failed: 503 Service Unavailable (empty body)"
        );
        assert_eq!(empty.snippet(), None);
        assert!(empty.details().is_empty());
        let ok = api_error_from_parts("Op", StatusCode::NO_CONTENT, b"", false, None, None);
        assert_eq!(
            ok.to_string(),
            "Op failed: unexpected status 204 No Content (empty body)"
        );
    }

    #[test]
    fn predicates() {
        let err = |status| Error::Api(api_error_from_parts("Op", status, b"", false, None, None));
        assert!(err(StatusCode::NOT_FOUND).is_not_found());
        assert!(err(StatusCode::CONFLICT).is_conflict());
        assert!(err(StatusCode::UNAUTHORIZED).is_unauthorized());
        assert!(err(StatusCode::FORBIDDEN).is_forbidden());
        assert!(err(StatusCode::BAD_REQUEST).is_bad_request());
        assert!(err(StatusCode::TOO_MANY_REQUESTS).is_rate_limited());
        assert!(err(StatusCode::TOO_MANY_REQUESTS).is_retryable());
        assert!(err(StatusCode::INTERNAL_SERVER_ERROR).is_server_error());
        assert!(!err(StatusCode::NOT_FOUND).is_retryable());
        assert!(!err(StatusCode::NOT_FOUND).is_timeout());
        let config = Error::Config {
            message: "x".into(),
        };
        assert_eq!(config.operation(), None);
        assert_eq!(config.status(), None);
        assert!(!config.is_retryable());
    }
}
