//! The connection wrapper that gives hyper's own error responses the spec's `Error` body.
//!
//! hyper answers a request it cannot parse by itself, before the mock sees it: 400 (a
//! malformed request line or header), 414 (a URI over 65,534 bytes) and 431 (too many
//! headers, or a head over its buffer size), each with an empty body, and then closes
//! the connection. [`JsonErrors`] recognises such a response as it is written — an error
//! status, no `Content-Type`, no body; every response of the mock's own has a JSON
//! `Content-Type` or a 2xx status — and writes it with the JSON `Error` body instead.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::failure::Failure;

/// A connection whose body-less error responses (hyper's) get a JSON `Error` body.
#[derive(Debug)]
pub struct JsonErrors<T> {
    inner: T,
    /// A rewritten response being written, how much of it is written, and how many bytes
    /// of the caller's buffer it stands for.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<T> JsonErrors<T> {
    /// Wraps a connection.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

/// The message of the mock's `Error` body for an error hyper answered by itself.
fn message(status: u16) -> String {
    match status {
        400 => "the request is not valid HTTP/1.1: its request line or a header cannot be parsed"
            .to_owned(),
        414 => "the request URI is longer than 65534 bytes".to_owned(),
        431 => "the request head is too large: at most 100 headers and about 400 KiB".to_owned(),
        other => format!("the request was rejected with HTTP status {other}"),
    }
}

/// `written` with a JSON `Error` body when it is a whole, body-less error response
/// without a `Content-Type`: what hyper writes for a request it cannot parse.
pub fn rewrite(written: &[u8]) -> Option<Vec<u8>> {
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
    if head_end + 4 != written.len() {
        return None;
    }
    let head = std::str::from_utf8(&written[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let rest = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    if !(400..=599).contains(&status) {
        return None;
    }
    let mut headers = Vec::new();
    for line in lines {
        let name = line.split(':').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("content-type") {
            return None;
        }
        if !name.eq_ignore_ascii_case("content-length") && !name.eq_ignore_ascii_case("connection")
        {
            headers.push(line);
        }
    }
    let body = serde_json::to_vec(&Failure::new(status, message(status)).body()).ok()?;
    let mut out = Vec::with_capacity(head_end + 128 + body.len());
    out.extend_from_slice(status_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for line in headers {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"content-type: application/json\r\nconnection: close\r\n");
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrors<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrors<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            // A response head starts a write (hyper flattens each response into one
            // buffer: `is_write_vectored` is false).
            match buf.starts_with(b"HTTP/1.").then(|| rewrite(buf)).flatten() {
                Some(bytes) => this.pending = Some((bytes, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        let Some((bytes, written, stands_for)) = this.pending.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while *written < bytes.len() {
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                this.pending = None;
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        let stands_for = *stands_for;
        this.pending = None;
        Poll::Ready(Ok(stands_for))
    }

    fn is_write_vectored(&self) -> bool {
        false
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_body_less_error_responses() {
        let canned =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(rewrite(canned).unwrap()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert!(head.contains("content-type: application/json") && head.contains("date: x"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["statusCode"], 431);
        // The mock's own responses are left alone.
        assert!(rewrite(b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 204 No Content\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}").is_none());
    }
}
