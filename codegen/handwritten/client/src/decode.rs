//! Success bodies: reading and decoding one ([`success`], which every generated `send`
//! uses), and telling why one did not decode ([`DecodeError`]) without the value that
//! failed: serde's messages quote it, and it may be a one-time token. The JSON path is
//! recovered by scanning the body up to the position serde reports.

use std::fmt;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use super::error::one_line;
use super::scrub::scrub;

/// Reads a success response's body and decodes it as `T`: what progenitor's
/// `ResponseValue::from_response` does, holding less. The headers are moved into the
/// result, not cloned. A body that arrives in one piece is decoded where it lies; one
/// that arrives in several is decoded from its pieces in turn, never joined into a
/// second copy (joining them would hold the body twice, which is what made a
/// `stream()`'s peak jump by one page on some runs). Errors are progenitor's, as
/// before: `ResponseBodyError` for a failed read, `InvalidResponsePayload` (with the
/// whole body) for a bad one.
pub async fn success<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    // Most bodies are one chunk: no list of chunks is allocated for them.
    let first = response
        .chunk()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?
        .unwrap_or_default();
    let mut chunks = Vec::new();
    if let Some(second) = response
        .chunk()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?
    {
        chunks.push(first.clone());
        chunks.push(second);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?
        {
            chunks.push(chunk);
        }
    }
    let decoded = if chunks.is_empty() {
        serde_json::from_slice(&first)
    } else {
        serde_json::from_reader(Chunks {
            chunks: &chunks,
            at: 0,
        })
    };
    match decoded {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(error) => {
            let body = if chunks.is_empty() {
                first
            } else {
                Bytes::from(chunks.concat())
            };
            Err(progenitor_client::Error::InvalidResponsePayload(
                body, error,
            ))
        }
    }
}

/// A body's pieces read in order, as one.
struct Chunks<'a> {
    chunks: &'a [Bytes],
    /// Position in `chunks[0]`.
    at: usize,
}

impl std::io::Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while let Some((first, rest)) = self.chunks.split_first() {
            let left = &first[self.at..];
            if left.is_empty() {
                self.chunks = rest;
                self.at = 0;
                continue;
            }
            let n = left.len().min(out.len());
            out[..n].copy_from_slice(&left[..n]);
            self.at += n;
            return Ok(n);
        }
        Ok(0)
    }
}

/// Why a success body could not be decoded, without the offending value:
/// serde's messages quote it (`invalid type: string "ng-…", expected u32`),
/// and the value may be a one-time token. Keeps the JSON path, the kind of
/// problem and what was expected.
#[derive(Clone)]
pub struct DecodeError {
    // Boxed to keep `Error`, and so every `Result<T, Error>`, small.
    inner: Box<DecodeInner>,
}

#[derive(Clone, Debug)]
struct DecodeInner {
    path: String,
    message: String,
    line: usize,
    column: usize,
    category: serde_json::error::Category,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("DecodeError")
            .field("path", &inner.path)
            .field("message", &inner.message)
            .field("line", &inner.line)
            .field("column", &inner.column)
            .field("category", &inner.category)
            .finish()
    }
}

impl DecodeError {
    /// Describes `error`, which happened while decoding `body`.
    pub(crate) fn new(error: &serde_json::Error, body: &[u8], api_key: Option<&str>) -> Self {
        let offset = byte_offset(body, error.line(), error.column());
        let message = describe(error);
        // serde reports a missing field at the end of its object: the path is
        // the object's, not that of the last field read.
        let object = message.starts_with("missing field");
        Self {
            inner: Box::new(DecodeInner {
                path: json_path(body, offset, object, api_key),
                message: scrub(&message, api_key),
                line: error.line(),
                column: error.column(),
                category: error.classify(),
            }),
        }
    }

    /// Where in the document decoding failed, e.g. `$.aiGatewayAccessKeys[2].token`
    /// (best effort, from the position serde reported).
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// What went wrong and what was expected, e.g. `invalid type: string,
    /// expected u32`, without the value.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Line (1-based) of the position where decoding failed.
    pub fn line(&self) -> usize {
        self.inner.line
    }

    /// Column (1-based) of the position where decoding failed.
    pub fn column(&self) -> usize {
        self.inner.column
    }

    /// Whether the body was not JSON at all, ended early, or was JSON of the
    /// wrong shape.
    pub fn classify(&self) -> serde_json::error::Category {
        self.inner.category
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} (line {}, column {})",
            self.inner.message, self.inner.path, self.inner.line, self.inner.column
        )
    }
}

impl std::error::Error for DecodeError {}

/// serde_json's message without the value it quotes and without the
/// position (reported separately). The `expected …` part describes the Rust
/// type and is kept; so are the field names of `missing field` and
/// `duplicate field`, which come from the type too.
fn describe(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let text = match full.rfind(" at line ") {
        Some(at) if error.line() > 0 => &full[..at],
        _ => full.as_str(),
    };
    let (what, expected) = match text.find(", expected ") {
        Some(at) => (&text[..at], Some(&text[at + 2..])),
        None => (text, None),
    };
    let what = if what.starts_with("missing field `") || what.starts_with("duplicate field `") {
        what
    } else {
        what.split(['"', '`', '\''])
            .next()
            .unwrap_or_default()
            .trim_end()
    };
    match expected {
        Some(expected) => format!("{what}, {expected}"),
        None => what.to_owned(),
    }
}

/// Byte offset of a serde_json line/column position (both 1-based; column
/// counts bytes).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(at, _)| at + 1)
    };
    (line_start + column).min(body.len())
}

/// The JSON path of the value being read just before `offset` (`$`, `.name`
/// or `["odd name"]`, `[index]`), found by a tolerant scan of `body`; with
/// `object`, the path of the innermost object instead.
fn json_path(body: &[u8], offset: usize, object: bool, api_key: Option<&str>) -> String {
    enum Frame {
        Object { key: Option<String>, colon: bool },
        Array { index: usize },
    }
    /// Deeper structure than this is counted, not kept.
    const MAX_FRAMES: usize = 256;
    /// How many of the innermost frames are shown.
    const SHOWN: usize = 32;
    let end = offset.saturating_sub(1).min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut hidden_depth = 0usize;
    let mut at = 0;
    while at < end {
        match body[at] {
            b'{' | b'[' if stack.len() >= MAX_FRAMES => hidden_depth += 1,
            b'{' => stack.push(Frame::Object {
                key: None,
                colon: false,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                if hidden_depth > 0 {
                    hidden_depth -= 1;
                } else {
                    stack.pop();
                }
            }
            b',' if hidden_depth == 0 => match stack.last_mut() {
                Some(Frame::Object { key, colon }) => {
                    *key = None;
                    *colon = false;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' if hidden_depth == 0 => {
                if let Some(Frame::Object { colon, .. }) = stack.last_mut() {
                    *colon = true;
                }
            }
            b'"' => {
                let start = at + 1;
                let mut close = start;
                while close < end && body[close] != b'"' {
                    close += if body[close] == b'\\' { 2 } else { 1 };
                }
                if hidden_depth == 0 {
                    if let Some(Frame::Object { key, colon: false }) = stack.last_mut() {
                        let raw = &body[start..close.min(end)];
                        *key = Some(String::from_utf8_lossy(raw).into_owned());
                    }
                }
                at = close;
            }
            _ => {}
        }
        at += 1;
    }
    let mut path = String::from("$");
    if stack.len() > SHOWN || hidden_depth > 0 {
        path.push('…');
    }
    if object {
        if let Some(Frame::Object { key, .. }) = stack.last_mut() {
            *key = None;
        }
    }
    for frame in &stack[stack.len().saturating_sub(SHOWN)..] {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                let plain = !key.is_empty()
                    && key.len() <= 64
                    && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if plain {
                    path.push('.');
                    path.push_str(key);
                } else {
                    let key = scrub(key, api_key);
                    let key = one_line(&key, 64);
                    path.push_str(&format!("[{key:?}]"));
                }
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_name_the_path_not_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: String,
            count: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            items: Vec<Item>,
        }
        let body = br#"{"items":[{"id":"a","count":1},{"id":"b","count":"ng-secret-1"}]}"#;
        let source = serde_json::from_slice::<Page>(body).unwrap_err();
        assert!(source.to_string().contains("ng-secret-1"));
        let decode = DecodeError::new(&source, body, None);
        assert_eq!(decode.path(), "$.items[1].count");
        assert_eq!(decode.message(), "invalid type: string, expected u32");
        let body = b"{\n  \"items\": [ {\"id\": 7, \"count\": 1} ]\n}";
        let source = serde_json::from_slice::<Page>(body).unwrap_err();
        let decode = DecodeError::new(&source, body, None);
        assert_eq!(decode.path(), "$.items[0].id");
        assert!(
            decode
                .message()
                .starts_with("invalid type: integer, expected"),
            "{decode}"
        );
        let body = br#"{"items":[{"id":"a"}]}"#;
        let source = serde_json::from_slice::<Page>(body).unwrap_err();
        let decode = DecodeError::new(&source, body, None);
        assert_eq!(decode.message(), "missing field `count`");
        assert_eq!(decode.path(), "$.items[0]");
        let body = br#"{"items":[]} "ng-secret-2""#;
        let source = serde_json::from_slice::<Page>(body).unwrap_err();
        let decode = DecodeError::new(&source, body, None);
        assert_eq!(decode.message(), "trailing characters");
        let deep = "[".repeat(1000);
        let source = serde_json::from_slice::<Page>(deep.as_bytes()).unwrap_err();
        let decode = DecodeError::new(&source, deep.as_bytes(), None);
        assert!(decode.path().len() < 200, "{decode}");
    }
}
