//! Path parameters of the generated requests.

use std::fmt;
use std::fmt::Write as _;

/// Rejects the path parameter values that would not stay one path segment:
/// `""`, `.` and `..` are removed or resolved by URL normalisation
/// (`delete_access_key().id("..")` would send `DELETE /`). Every generated
/// builder passes each path parameter through this before percent-encoding
/// it, so such a value is an
/// [`Error::InvalidRequest`](super::Error::InvalidRequest) naming the
/// parameter, and nothing is sent. Any other value is returned as is (and
/// then percent-encoded, `/` and `%` included).
pub fn check_segment<'v>(name: &'static str, value: &'v str) -> Result<&'v str, String> {
    match value {
        "" => Err(format!("path parameter `{name}` must not be empty")),
        "." | ".." => Err(format!("path parameter `{name}` must not be `{value}`")),
        _ => Ok(value),
    }
}

/// A path parameter ready for the URL: [`check_segment`]'s check, then percent-encoded
/// (as progenitor's `encode_path` does) while the URL is formatted, so neither the value's
/// text nor its encoding is allocated on the way.
pub fn segment<'v, T: fmt::Display + ?Sized>(
    name: &'static str,
    value: &'v T,
) -> Result<Segment<'v, T>, String> {
    let mut text = Inspect::default();
    // Inspect never fails; a Display impl that does is treated as empty.
    let _ = fmt::write(&mut text, format_args!("{value}"));
    // Only "", "." and ".." are refused, so the first bytes decide; anything longer
    // is checked as "..." (accepted).
    let start = match text.len {
        0..=2 => std::str::from_utf8(&text.start[..text.len]).unwrap_or("..."),
        _ => "...",
    };
    check_segment(name, start)?;
    Ok(Segment(value))
}

/// A checked path parameter; its `Display` writes it percent-encoded.
pub struct Segment<'v, T: ?Sized>(&'v T);

impl<T: fmt::Display + ?Sized> fmt::Debug for Segment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Segment(\"{self}\")")
    }
}

impl<T: fmt::Display + ?Sized> fmt::Display for Segment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encode(f), "{}", self.0)
    }
}

/// What progenitor's `encode_path` escapes: controls, space, `"#<>?`{}`, `/` and `%`.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Percent-encodes what is written through it.
struct Encode<'f, 'a>(&'f mut fmt::Formatter<'a>);

impl fmt::Write for Encode<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for piece in percent_encoding::utf8_percent_encode(text, PATH_SET) {
            self.0.write_str(piece)?;
        }
        Ok(())
    }
}

/// The length of what is written through it, and its first bytes.
#[derive(Default)]
struct Inspect {
    len: usize,
    start: [u8; 2],
}

impl fmt::Write for Inspect {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for &byte in text.as_bytes() {
            if let Some(slot) = self.start.get_mut(self.len) {
                *slot = byte;
            }
            self.len += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{check_segment, segment};

    #[test]
    fn segments_are_checked_and_encoded_as_progenitor_does() {
        for bad in ["", ".", ".."] {
            assert!(segment("id", bad).unwrap_err().contains("`id`"));
        }
        for value in [
            "...", ".a", "a..", "%2e%2e", "aigk_1", "a/..", "a b?c#d", "é\u{1}x", "{`}",
        ] {
            assert_eq!(
                segment("id", value).unwrap().to_string(),
                progenitor_client::encode_path(value),
                "{value}"
            );
        }
        assert_eq!(segment("n", &42u32).unwrap().to_string(), "42");
    }

    #[test]
    fn rejects_dot_segments_only() {
        for bad in ["", ".", ".."] {
            let err = check_segment("id", bad).unwrap_err();
            assert!(err.contains("`id`"), "{err}");
        }
        for good in ["...", ".a", "a..", "%2e%2e", "aigk_1", "a/.."] {
            assert_eq!(check_segment("id", good), Ok(good));
        }
    }
}
