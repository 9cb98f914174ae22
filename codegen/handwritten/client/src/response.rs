//! Building an [`Error`] from what a call got back: a response with a status the
//! operation does not expect (read with a cap, scrubbed) or any progenitor error.
//! Generated `send` methods end here on every failure.

use std::time::{Duration, SystemTime};

use http::StatusCode;

use super::config::ClientConfig;
use super::error::{one_line, snippet, ApiError, Error, ErrorBody, ERROR_BODY_LIMIT};
use super::scrub::{self, scrub, REDACTED};

/// How many characters of a `Location` an [`Error::Redirect`] keeps.
const LOCATION_LIMIT: usize = 200;

/// Builds the error for a response whose status the operation does not
/// expect (normally a non-2xx).
///
/// A 3xx gives [`Error::Redirect`] without reading the body. Otherwise at
/// most [`ERROR_BODY_LIMIT`] bytes (or `max_response_bytes`, if smaller) are
/// read, and the rest of the body is left unread: any content, including
/// none, gives [`Error::Api`], scrubbed with `config`'s API key. Failing to
/// read gives [`Error::Transport`].
pub async fn from_response(
    operation: &'static str,
    config: &ClientConfig,
    response: reqwest::Response,
) -> Error {
    let status = response.status();
    let api_key = config.api_key();
    if status.is_redirection() {
        return Error::Redirect {
            operation,
            status,
            location: redirect_target(&response, api_key),
        };
    }
    let retry_after = response
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|value| super::retry::parse_retry_after(value, SystemTime::now()));
    let cap = ERROR_BODY_LIMIT.min(config.max_response_bytes());
    match read_capped(response, cap).await {
        Ok((bytes, truncated)) => Error::Api(api_error_from_parts(
            operation,
            status,
            &bytes,
            truncated,
            retry_after,
            api_key,
        )),
        Err(source) if super::retry::is_body_too_large(&source) => Error::ResponseTooLarge {
            operation,
            status,
            limit: config.max_response_bytes(),
        },
        Err(source) => Error::transport_for(operation, source, api_key),
    }
}

/// Reads at most `cap` bytes of the body; `true` when there was more.
async fn read_capped(
    mut response: reqwest::Response,
    cap: u64,
) -> reqwest::Result<(Vec<u8>, bool)> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let announced = response
        .content_length()
        .map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let mut bytes = Vec::with_capacity(announced.min(cap));
    while let Some(chunk) = response.chunk().await? {
        let room = cap - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok((bytes, true));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((bytes, false))
}

/// The redirect target for [`Error::Redirect`]: resolved against the request
/// URL, without query, fragment or credentials, scrubbed and shortened.
fn redirect_target(response: &reqwest::Response, api_key: Option<&str>) -> Option<String> {
    let raw = response.headers().get(http::header::LOCATION)?;
    let raw = String::from_utf8_lossy(raw.as_bytes());
    let shown = match response.url().join(raw.trim()) {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            // Both fail only for URLs that cannot carry credentials anyway.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => format!("{:?} (not a valid URL)", raw.trim()),
    };
    Some(one_line(&scrub(&shown, api_key), LOCATION_LIMIT))
}

pub(crate) fn api_error_from_parts(
    operation: &'static str,
    status: StatusCode,
    bytes: &[u8],
    truncated: bool,
    retry_after: Option<Duration>,
    api_key: Option<&str>,
) -> ApiError {
    let parsed = if truncated {
        None
    } else {
        serde_json::from_slice::<ErrorBody>(bytes).ok()
    };
    let (body, snippet) = match parsed {
        Some(mut body) => {
            scrub_error_body(&mut body, api_key);
            (Some(Box::new(body)), None)
        }
        None if bytes.iter().all(u8::is_ascii_whitespace) && !truncated => (None, None),
        None => (None, Some(snippet(bytes, truncated, api_key))),
    };
    ApiError {
        operation,
        status,
        body,
        snippet,
        retry_after,
    }
}

/// Scrubs every text of a decoded error body; `details` under secret-named
/// keys lose their value entirely.
fn scrub_error_body(body: &mut ErrorBody, api_key: Option<&str>) {
    body.msg = scrub(&body.msg, api_key);
    if let Some(code) = body.error_code.as_mut() {
        *code = scrub(code, api_key);
    }
    body.details = std::mem::take(&mut body.details)
        .into_iter()
        .map(|(key, value)| {
            let value = if scrub::is_secret_key(&key) {
                REDACTED.to_owned()
            } else {
                scrub(&value, api_key)
            };
            (scrub(&key, api_key), value)
        })
        .collect();
}

/// Maps a progenitor error into [`Error`]. `expected_status` is the success
/// status of the operation, used for [`Error::Decode`] because progenitor
/// drops the status of a response whose body failed to decode. `config`
/// supplies the API key to scrub and the body size limit.
pub async fn from_progenitor<E>(
    operation: &'static str,
    expected_status: StatusCode,
    config: &ClientConfig,
    err: progenitor_client::Error<E>,
) -> Error {
    use progenitor_client::Error as P;
    let api_key = config.api_key();
    match err {
        P::UnexpectedResponse(response) => from_response(operation, config, response).await,
        P::ResponseBodyError(source) if super::retry::is_body_too_large(&source) => {
            Error::ResponseTooLarge {
                operation,
                status: expected_status,
                limit: config.max_response_bytes(),
            }
        }
        P::CommunicationError(source)
        | P::ResponseBodyError(source)
        | P::InvalidUpgrade(source) => Error::transport_for(operation, source, api_key),
        P::InvalidResponsePayload(bytes, source) => {
            Error::decode_for(operation, expected_status, &bytes, &source, api_key)
        }
        P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest {
            operation,
            message: scrub(&message, api_key),
        },
        P::ErrorResponse(value) => Error::Api(ApiError {
            operation,
            status: value.status(),
            body: None,
            snippet: None,
            retry_after: value
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| super::retry::parse_retry_after(v, SystemTime::now())),
        }),
    }
}
