//! Path parameters of the generated requests.

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

#[cfg(test)]
mod tests {
    use super::check_segment;

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
