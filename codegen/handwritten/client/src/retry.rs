//! Retry policy and the request executor that every generated operation goes
//! through.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use http::{HeaderValue, Method, StatusCode};
use tracing::Instrument;

/// When and how often a failed request is sent again.
///
/// A request is retried when:
/// - the connection could not be established (any method: nothing was sent);
/// - it timed out or failed while being sent, or the server answered 429,
///   500, 502, 503 or 504 — for idempotent methods only (GET, HEAD, PUT,
///   OPTIONS, PATCH, DELETE) unless [`RetryPolicy::with_retry_non_idempotent`]
///   is set. PATCH counts as idempotent because this API's PATCH bodies set
///   fields to absolute values, so repeating one converges; a repeated DELETE
///   may answer 404 when the first attempt did succeed.
///
/// The wait before retry `n` is uniformly random in
/// `[0, min(initial_backoff * 2^(n-1), max_backoff)]` ("full jitter"), so many
/// clients failing together do not retry in lockstep. A `Retry-After` header
/// on a retryable response replaces that wait; if it asks for longer than
/// `max_backoff` the response is returned instead of waiting, so a caller is
/// never blocked for longer than it configured.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms initial backoff, 20 s maximum, idempotent only.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request exactly once.
    pub fn disabled() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Total attempts including the first; 0 is treated as 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Upper bound of the wait before the first retry; doubles per retry.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Cap on any single wait, including one asked for by `Retry-After`.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Also retry POST (creates, rotate) after a timeout or a retryable
    /// status. Off by default because a POST that reached the server before
    /// failing may have created a resource, and repeating it creates another.
    pub fn with_retry_non_idempotent(mut self, retry_non_idempotent: bool) -> Self {
        self.retry_non_idempotent = retry_non_idempotent;
        self
    }

    /// Total attempts including the first (at least 1).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Upper bound of the wait before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Cap on any single wait.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Whether non-idempotent requests are retried too.
    pub fn retry_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The jittered wait before retry number `retry` (1 = after the first
    /// attempt): uniform in `[0, min(initial * 2^(retry-1), max_backoff)]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32
            .checked_pow(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let ceiling = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    fn may_retry_sent(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// The wait before retrying after `response`, or `None` to return it.
    fn delay_for_status(
        &self,
        method: &Method,
        status: StatusCode,
        retry_after: Option<&HeaderValue>,
        retry: u32,
    ) -> Option<Duration> {
        if !retryable_status(status) || !self.may_retry_sent(method) {
            return None;
        }
        match retry_after.and_then(|value| parse_retry_after(value, SystemTime::now())) {
            Some(wait) if wait > self.max_backoff => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }

    /// The wait before retrying after a transport error, or `None`.
    fn delay_for_error(
        &self,
        method: &Method,
        error: &reqwest::Error,
        retry: u32,
    ) -> Option<Duration> {
        let retry_it = error.is_connect()
            || ((error.is_timeout() || error.is_request()) && self.may_retry_sent(method));
        retry_it.then(|| self.backoff(retry))
    }
}

/// Whether repeating a request with `method` has the same effect as sending
/// it once (RFC 9110 plus PATCH, see [`RetryPolicy`]).
pub fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::OPTIONS,
        Method::PATCH,
        Method::DELETE,
    ]
    .contains(method)
}

/// Statuses that signal a transient condition: 429, 500, 502, 503, 504.
pub fn retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP-date (a date in
/// the past means "now"). Unparseable values give `None`, so the caller falls
/// back to its own backoff; a delta too large for `u64` saturates rather than
/// being ignored, since the server clearly asked for a long wait.
pub fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Short description of a transport error for logs; the error's `Display`
/// contains the URL, which logs must not.
fn error_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    }
}

/// Sends `request` with authentication and retries; the generated client's
/// `ClientHooks::exec` calls this for every operation.
///
/// Sets `Authorization` and `User-Agent` from `config` on every request, so a
/// user-supplied `reqwest::Client` is authenticated too. Returns the last
/// response even if it is a retryable status, or the last error; turning a
/// status into an error is the caller's job.
///
/// The body of a success response is held to
/// [`ClientConfig::max_response_bytes`](super::config::ClientConfig::max_response_bytes):
/// one announced larger by `Content-Length` fails on its first read without
/// being read, one without `Content-Length` fails once it grows past the
/// limit (see [`is_body_too_large`]). A body with an acceptable
/// `Content-Length`, the usual case, is returned untouched.
pub async fn execute(
    http: &reqwest::Client,
    config: &super::config::ClientConfig,
    request: reqwest::Request,
    operation_id: &'static str,
) -> reqwest::Result<reqwest::Response> {
    let response = execute_with_retries(http, config, request, operation_id).await?;
    Ok(limit_body(response, config.max_response_bytes()))
}

async fn execute_with_retries(
    http: &reqwest::Client,
    config: &super::config::ClientConfig,
    mut request: reqwest::Request,
    operation_id: &'static str,
) -> reqwest::Result<reqwest::Response> {
    config.prepare_request(&mut request);
    let policy = config.retry_policy();
    let method = request.method().clone();
    let mut attempt: u32 = 1;
    loop {
        // Keep the original for the next attempt; a streaming body cannot be
        // cloned, in which case this attempt is the only one.
        let (to_send, spare) = if attempt < policy.max_attempts() {
            match request.try_clone() {
                Some(copy) => (copy, Some(request)),
                None => (request, None),
            }
        } else {
            (request, None)
        };
        let span = tracing::info_span!(
            "ngrok_ai.request",
            operation = operation_id,
            method = %method,
            attempt,
            status = tracing::field::Empty,
        );
        let result = http.execute(to_send).instrument(span.clone()).await;
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
        let Some(next) = spare else {
            return result;
        };
        let delay = match &result {
            Ok(response) => policy.delay_for_status(
                &method,
                response.status(),
                response.headers().get(http::header::RETRY_AFTER),
                attempt,
            ),
            Err(error) => policy.delay_for_error(&method, error, attempt),
        };
        let Some(delay) = delay else {
            return result;
        };
        match &result {
            Ok(response) => tracing::debug!(
                parent: &span,
                operation = operation_id,
                attempt,
                status = response.status().as_u16(),
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying after retryable status"
            ),
            Err(error) => tracing::debug!(
                parent: &span,
                operation = operation_id,
                attempt,
                error_kind = error_kind(error),
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying after transport error"
            ),
        }
        // Release the connection before sleeping.
        drop(result);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        request = next;
        attempt += 1;
    }
}

/// The error a limited body fails with; found again by [`is_body_too_large`].
#[derive(Debug)]
struct BodyTooLarge {
    limit: u64,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the response body exceeds {} bytes", self.limit)
    }
}

impl std::error::Error for BodyTooLarge {}

/// Whether `error` (from reading a response body) is the size limit of
/// [`execute`] rather than a network failure.
pub fn is_body_too_large(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<BodyTooLarge>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// A response body that fails once more than `remaining` bytes arrive, or at
/// once when `inner` is `None` (a `Content-Length` over the limit).
struct LimitedBody {
    inner: Option<reqwest::Body>,
    remaining: u64,
    limit: u64,
}

impl http_body::Body for LimitedBody {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let limit = self.limit;
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(Some(Err(Box::new(BodyTooLarge { limit }))));
        };
        let frame = match Pin::new(inner).poll_frame(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(Box::new(error)))),
            Poll::Ready(Some(Ok(frame))) => frame,
        };
        if let Some(data) = frame.data_ref() {
            let length = u64::try_from(data.len()).unwrap_or(u64::MAX);
            if length > self.remaining {
                // Drop the connection: nothing more of this body is read.
                self.inner = None;
                return Poll::Ready(Some(Err(Box::new(BodyTooLarge { limit }))));
            }
            self.remaining -= length;
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner
            .as_ref()
            .map_or_else(http_body::SizeHint::default, http_body::Body::size_hint)
    }
}

/// Applies the body size limit to a success response (see [`execute`]).
/// Error statuses are left alone: their reader stops at its own, smaller cap.
fn limit_body(response: reqwest::Response, limit: u64) -> reqwest::Response {
    if !response.status().is_success() {
        return response;
    }
    let announced = response.content_length();
    if announced.is_some_and(|length| length <= limit) {
        return response;
    }
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let inner = match announced {
        // Over the limit: fail without reading; dropping `body` closes the
        // connection.
        Some(_) => None,
        None => Some(body),
    };
    // Keep `Response::url`, which the conversion to `http::Response` drops.
    use reqwest::ResponseBuilderExt;
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    let body = LimitedBody {
        inner,
        remaining: limit,
        limit,
    };
    reqwest::Response::from(http::Response::from_parts(parts, reqwest::Body::wrap(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_setters() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts(), 3);
        assert_eq!(policy.initial_backoff(), Duration::from_millis(200));
        assert_eq!(policy.max_backoff(), Duration::from_secs(20));
        assert!(!policy.retry_non_idempotent());
        assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
        let policy = RetryPolicy::default()
            .with_max_attempts(5)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(3))
            .with_retry_non_idempotent(true);
        assert_eq!(policy.max_attempts(), 5);
        assert!(policy.retry_non_idempotent());
    }

    #[test]
    fn backoff_is_bounded_and_capped() {
        let policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_secs(1));
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(3) <= Duration::from_millis(400));
            assert!(policy.backoff(10) <= Duration::from_secs(1));
            assert!(policy.backoff(u32::MAX) <= Duration::from_secs(1));
            assert!(policy.backoff(0) <= Duration::from_millis(100));
        }
        let huge = RetryPolicy::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX);
        let _ = huge.backoff(40);
    }

    #[test]
    fn idempotent_methods() {
        for method in [Method::GET, Method::HEAD, Method::PATCH, Method::DELETE] {
            assert!(is_idempotent(&method), "{method}");
        }
        assert!(!is_idempotent(&Method::POST));
    }

    #[test]
    fn retryable_statuses() {
        for code in [429, 500, 502, 503, 504] {
            assert!(
                retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 404, 409, 501, 505] {
            assert!(
                !retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }

    #[test]
    fn retry_after_parsing() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let parse = |s: &'static str| parse_retry_after(&HeaderValue::from_static(s), now);
        assert_eq!(parse("0"), Some(Duration::ZERO));
        assert_eq!(parse(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(
            parse("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:47 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse("Sun Nov  6 08:49:40 1994"),
            Some(Duration::from_secs(3))
        );
        assert_eq!(parse("Sat, 05 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("-1"), None);
        assert_eq!(parse("1.5"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("soon"), None);
        let binary = HeaderValue::from_bytes(b"\xff\xfe").unwrap();
        assert_eq!(parse_retry_after(&binary, now), None);
    }

    #[test]
    fn status_decisions() {
        let policy = RetryPolicy::default().with_max_backoff(Duration::from_secs(5));
        let get = Method::GET;
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        assert!(policy
            .delay_for_status(&get, unavailable, None, 1)
            .is_some());
        assert!(policy
            .delay_for_status(&get, StatusCode::NOT_FOUND, None, 1)
            .is_none());
        assert!(policy
            .delay_for_status(&Method::POST, unavailable, None, 1)
            .is_none());
        let posting = policy.clone().with_retry_non_idempotent(true);
        assert!(posting
            .delay_for_status(&Method::POST, unavailable, None, 1)
            .is_some());
        let two = HeaderValue::from_static("2");
        assert_eq!(
            policy.delay_for_status(&get, unavailable, Some(&two), 1),
            Some(Duration::from_secs(2))
        );
        let long = HeaderValue::from_static("60");
        assert_eq!(
            policy.delay_for_status(&get, unavailable, Some(&long), 1),
            None
        );
        let junk = HeaderValue::from_static("later");
        assert!(policy
            .delay_for_status(&get, unavailable, Some(&junk), 1)
            .is_some());
    }
}
