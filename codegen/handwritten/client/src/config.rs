//! Client construction: API key, base URL, timeouts, retries and the HTTP
//! client, validated once so that requests cannot fail on configuration.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use http::header::{HeaderValue, AUTHORIZATION, USER_AGENT};

use super::error::Error;
use super::retry::RetryPolicy;
use super::secret::Secret;

/// Base URL used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.ngrok.ai";

/// Environment variable holding the ngrok.ai API key.
pub const API_KEY_ENV: &str = "NGROK_AI_API_KEY";

/// Environment variable that overrides the base URL, e.g. for a mock server.
pub const BASE_URL_ENV: &str = "NGROK_AI_BASE_URL";

/// Product token sent in every `User-Agent`.
const USER_AGENT_BASE: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Default of [`ClientBuilder::max_response_bytes`]: 16 MiB.
///
/// The largest answers of this API are list pages of at most 100 items
/// (well under 1 MiB); 16 MiB leaves ample room for growth while bounding
/// how much memory one call lets a server (or a man in the middle) fill.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Default of [`ClientBuilder::max_pages`]: 10,000 pages per `stream()`, a
/// million items at the API's maximum page size of 100.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// What the executor needs for every request, validated by
/// [`ClientBuilder::build_parts`].
///
/// The credential is applied per request rather than as a default header of
/// the `reqwest::Client`, so a client passed to
/// [`ClientBuilder::http_client`] is authenticated as well.
#[derive(Clone)]
pub struct ClientConfig {
    retry: RetryPolicy,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    max_response_bytes: u64,
    max_pages: u32,
}

impl ClientConfig {
    /// The same configuration with another retry policy; the generated
    /// `Client::with_retry_policy` uses it to opt one call site into retries.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The retry policy applied to every request.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The largest response body accepted, in bytes (see
    /// [`ClientBuilder::max_response_bytes`]).
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// The most pages one `stream()` fetches (see [`ClientBuilder::max_pages`]).
    pub fn max_pages(&self) -> u32 {
        self.max_pages
    }

    /// The API key, for scrubbing it from error text; error path only.
    pub(crate) fn api_key(&self) -> Option<&str> {
        let value = self.authorization.as_bytes().strip_prefix(b"Bearer ")?;
        std::str::from_utf8(value).ok()
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        // Built from a `&str`, so always visible ASCII.
        self.user_agent.to_str().unwrap_or(USER_AGENT_BASE)
    }

    /// Sets the headers this SDK owns on an outgoing request.
    pub(crate) fn prepare_request(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("retry", &self.retry)
            .field("api_key", &"[REDACTED]")
            .field("user_agent", &self.user_agent())
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

/// Builds a client; start from [`ClientBuilder::from_env`] or
/// [`ClientBuilder::new`] and an explicit [`ClientBuilder::api_key`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<Secret>,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: Option<String>,
    max_response_bytes: u64,
    max_pages: u32,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_pages", &self.max_pages)
            // A user-supplied client's default headers may hold credentials.
            .field(
                "http",
                &self.http.as_ref().map(|_| "<custom reqwest::Client>"),
            )
            .finish()
    }
}

impl ClientBuilder {
    /// No API key, [`DEFAULT_BASE_URL`], 30 s request timeout, 10 s connect
    /// timeout, default [`RetryPolicy`], response bodies up to
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] (16 MiB), streams of up to
    /// [`DEFAULT_MAX_PAGES`] (10,000) pages.
    pub fn new() -> Self {
        Self {
            api_key: None,
            base_url: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            http: None,
        }
    }

    /// Reads the API key from `NGROK_AI_API_KEY` (required, surrounding
    /// whitespace trimmed) and the base URL from `NGROK_AI_BASE_URL`
    /// (optional; empty means the default).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, Error> {
        let read = |name: &str| -> Result<Option<String>, Error> {
            match lookup(name) {
                None => Ok(None),
                Some(raw) => match raw.into_string() {
                    Ok(text) if text.trim().is_empty() => Ok(None),
                    Ok(text) => Ok(Some(text.trim().to_owned())),
                    Err(_) => Err(Error::Config {
                        message: format!("environment variable {name} is not valid UTF-8"),
                    }),
                },
            }
        };
        let api_key = read(API_KEY_ENV)?.ok_or_else(|| Error::Config {
            message: format!("environment variable {API_KEY_ENV} is not set or empty"),
        })?;
        let mut builder = Self::new().api_key(api_key);
        if let Some(base_url) = read(BASE_URL_ENV)? {
            builder = builder.base_url(base_url);
        }
        Ok(builder)
    }

    /// The ngrok.ai API key sent as `Authorization: Bearer …`.
    pub fn api_key(mut self, api_key: impl Into<Secret>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// API root, e.g. `https://api.ngrok.ai`; `http` is accepted for local
    /// mock servers. A trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Limit for a whole attempt, connect to end of body (each retry gets
    /// its own). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection. Ignored with
    /// [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// Replaces the default [`RetryPolicy`]; [`RetryPolicy::disabled`] turns
    /// retries off.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Appended to the SDK's `User-Agent` after a space, to identify the
    /// application in server-side logs.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// The largest response body the client accepts, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 16 MiB). A success body announced
    /// larger by `Content-Length` fails before it is read, and a body without
    /// one fails as soon as it grows past the limit, with
    /// [`Error::ResponseTooLarge`]; nothing over the limit is buffered. Error
    /// (non-2xx) bodies are read only up to 64 KiB
    /// ([`ERROR_BODY_LIMIT`](super::error::ERROR_BODY_LIMIT)) or this limit,
    /// whichever is smaller, and the rest is left unread.
    pub fn max_response_bytes(mut self, max_response_bytes: u64) -> Self {
        self.max_response_bytes = max_response_bytes;
        self
    }

    /// The most pages one `stream()` fetches (default [`DEFAULT_MAX_PAGES`],
    /// 10,000; 0 is treated as 1). A stream that would need more ends with
    /// [`Error::Pagination`], as does one whose server hands back a cursor
    /// it already followed; use `send()` page by page for unbounded walks.
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// Uses this HTTP client (proxies, custom TLS roots, ...) instead of
    /// building one; its own timeouts apply. Authentication, `User-Agent`,
    /// retries and the response size limit are still applied per request.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: the
    /// client the builder makes never follows redirects (a 3xx is an
    /// [`Error::Redirect`]), but reqwest's default policy follows them,
    /// re-sending request bodies to wherever a server points.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Validates the configuration and returns what the generated `Client`
    /// is made of: the base URL without trailing slash, the HTTP client and
    /// the per-request configuration.
    pub fn build_parts(self) -> Result<(String, reqwest::Client, ClientConfig), Error> {
        let base_url = validate_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;

        let api_key = self.api_key.ok_or_else(|| Error::Config {
            message: format!("no API key: call ClientBuilder::api_key or set {API_KEY_ENV}"),
        })?;
        if api_key.is_empty() {
            return Err(Error::Config {
                message: "the API key is empty".to_owned(),
            });
        }
        // The key itself is never echoed: the message names the problem only.
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {}", api_key.expose_secret())).map_err(|_| {
                Error::Config {
                    message:
                        "the API key contains characters that are not allowed in an HTTP header"
                            .to_owned(),
                }
            })?;
        authorization.set_sensitive(true);

        let user_agent_text = match self.user_agent.as_deref().map(str::trim) {
            Some(suffix) if !suffix.is_empty() => format!("{USER_AGENT_BASE} {suffix}"),
            _ => USER_AGENT_BASE.to_owned(),
        };
        let user_agent =
            HeaderValue::try_from(user_agent_text.as_str()).map_err(|_| Error::Config {
                message: format!(
                "user agent suffix {:?} contains characters that are not allowed in an HTTP header",
                self.user_agent.unwrap_or_default()
            ),
            })?;

        let http = match self.http {
            Some(http) => http,
            None => {
                install_crypto_provider();
                reqwest::Client::builder()
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .user_agent(user_agent.clone())
                    // The API never redirects; following one would re-send the
                    // request (a provider key's value, say) to another host.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|error| Error::Config {
                        message: format!("could not build the HTTP client: {error}"),
                    })?
            }
        };

        let config = ClientConfig {
            retry: self.retry,
            authorization,
            user_agent,
            max_response_bytes: self.max_response_bytes,
            max_pages: self.max_pages,
        };
        Ok((base_url, http, config))
    }
}

/// Installs ring as the process-wide rustls crypto provider unless one is
/// installed already.
///
/// reqwest is built without a provider so that applications can choose one,
/// and `reqwest::Client::new()` panics if none is installed. The builder calls
/// this itself; call it before building your own client for
/// [`ClientBuilder::http_client`]. Losing the race to another installer is
/// fine: any provider works.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn validate_base_url(raw: &str) -> Result<String, Error> {
    let trimmed = raw.trim();
    let bad = |why: &str| Error::Config {
        message: format!("invalid base URL {trimmed:?}: {why}"),
    };
    let url = reqwest::Url::parse(trimmed).map_err(|error| bad(&error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoing the value: it contains credentials.
        return Err(Error::Config {
            message: "invalid base URL: it must not contain credentials; use the API key"
                .to_owned(),
        });
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be https (or http for a local server)"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    #[test]
    fn from_env_requires_the_key() {
        for vars in [&[][..], &[(API_KEY_ENV, "  ")][..]] {
            let err = ClientBuilder::from_lookup(env(vars)).unwrap_err();
            assert!(err.to_string().contains(API_KEY_ENV), "{err}");
        }
        let builder = ClientBuilder::from_lookup(env(&[
            (API_KEY_ENV, "key\n"),
            (BASE_URL_ENV, "http://127.0.0.1:9/"),
        ]))
        .unwrap();
        assert_eq!(builder.api_key.as_ref().unwrap().expose_secret(), "key");
        let (base, _, _) = builder.build_parts().unwrap();
        assert_eq!(base, "http://127.0.0.1:9");
        let builder =
            ClientBuilder::from_lookup(env(&[(API_KEY_ENV, "k"), (BASE_URL_ENV, "")])).unwrap();
        assert_eq!(builder.base_url, None);
    }

    #[test]
    fn base_url_validation() {
        assert_eq!(
            validate_base_url("https://api.ngrok.ai").unwrap(),
            "https://api.ngrok.ai"
        );
        assert_eq!(
            validate_base_url(" https://example.com/prefix/ ").unwrap(),
            "https://example.com/prefix"
        );
        for bad in [
            "",
            "api.ngrok.ai",
            "ftp://api.ngrok.ai",
            "https://api.ngrok.ai/?x=1",
            "https://api.ngrok.ai/#f",
            "file:///etc/passwd",
        ] {
            let err = validate_base_url(bad).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{bad}");
        }
        let err = validate_base_url("https://user:hunter2@api.ngrok.ai").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn builds_an_https_client_without_panicking() {
        let (base, _http, config) = ClientBuilder::new()
            .api_key("ng-secret")
            .user_agent_suffix("my-app/1.0")
            .build_parts()
            .unwrap();
        assert_eq!(base, DEFAULT_BASE_URL);
        assert_eq!(
            config.user_agent(),
            concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION"),
                " my-app/1.0"
            )
        );
        let debug = format!("{config:?}");
        assert!(!debug.contains("ng-secret"), "{debug}");
        assert!(debug.contains("[REDACTED]"), "{debug}");
    }

    #[test]
    fn key_problems_are_config_errors_without_the_key() {
        let err = ClientBuilder::new().build_parts().unwrap_err();
        assert!(err.to_string().contains("API key"), "{err}");
        let err = ClientBuilder::new().api_key("").build_parts().unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        let err = ClientBuilder::new()
            .api_key("bad\nkey-secret")
            .build_parts()
            .unwrap_err();
        assert!(!err.to_string().contains("key-secret"), "{err}");
        assert!(!format!("{err:?}").contains("key-secret"));
        let err = ClientBuilder::new()
            .api_key("k")
            .user_agent_suffix("a\nb")
            .build_parts()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
    }

    #[test]
    fn builder_debug_redacts() {
        let builder = ClientBuilder::new().api_key("ng-secret");
        let debug = format!("{builder:?}");
        assert!(!debug.contains("ng-secret"), "{debug}");
        assert!(debug.contains("api_key: Some(\"[REDACTED]\")"), "{debug}");
    }
}
