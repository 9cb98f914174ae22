//! Why a command failed, and the exit code it ends with.

use std::fmt;

/// Exit codes, as `ngrok-ai --help` documents them.
pub mod exit {
    /// The command succeeded.
    pub const OK: u8 = 0;
    /// A local failure: a file could not be read, output could not be written.
    pub const LOCAL: u8 = 1;
    /// A usage error: bad or missing arguments, a body that is not valid, no API key.
    pub const USAGE: u8 = 2;
    /// The API refused the request (4xx).
    pub const API: u8 = 3;
    /// The API failed (5xx) or could not be reached (network, timeout), after retries.
    pub const SERVER: u8 = 4;
}

/// The text `--help` shows about exit codes.
pub const EXIT_CODES_HELP: &str = "\
Exit codes: 0 success; 1 local failure (a file could not be read); 2 usage error (bad
arguments or body, no API key); 3 the API refused the request (4xx: msg, errorCode and
status on stderr); 4 server error (5xx) or network failure, after retries.

Configuration: NGROK_AI_API_KEY (required for API commands) and NGROK_AI_BASE_URL
(default https://api.ngrok.ai; --base-url overrides it). Try every command without an
account: `ngrok-ai mock --port 8080` in one terminal, then
NGROK_AI_BASE_URL=http://127.0.0.1:8080 NGROK_AI_API_KEY=test-key ngrok-ai ...";

/// A failed command: the message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    pub fn local(message: impl Into<String>) -> Self {
        Self {
            code: exit::LOCAL,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error of the client: the API's status, `errorCode`, `msg` and details for a 4xx or
/// 5xx answer; the client's own message otherwise (it never contains the API key).
impl From<ngrok_ai::Error> for Failure {
    fn from(error: ngrok_ai::Error) -> Self {
        let status = error.status().map(|s| s.as_u16());
        let code = match status {
            Some(s) if (400..500).contains(&s) => exit::API,
            Some(_) => exit::SERVER,
            None if matches!(error, ngrok_ai::Error::Config { .. }) => exit::USAGE,
            None => exit::SERVER,
        };
        let mut message = error.to_string();
        if let Some(api) = error.api_error() {
            let mut parts = vec![format!("status {}", api.status())];
            if let Some(code) = api.error_code() {
                parts.push(format!("errorCode {code}"));
            }
            if let Some(msg) = api.msg() {
                parts.push(format!("msg: {msg}"));
            }
            message = format!("{} failed: {}", api.operation(), parts.join(", "));
            for (field, detail) in api.details() {
                message.push_str(&format!("\n  {field}: {detail}"));
            }
        }
        Self { code, message }
    }
}
