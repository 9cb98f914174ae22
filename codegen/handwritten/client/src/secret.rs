//! A string that must not leak through `Debug`, logs or error messages.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string such as an API key or a one-time token.
///
/// `Debug` prints `Secret("[REDACTED]")` and there is deliberately no
/// `Display`, so a secret only reaches output through an explicit
/// [`Secret::expose_secret`] call that stands out in review. Serde reads and
/// writes it as a plain JSON string, because the API sends and receives the
/// real value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret value; every call site is a place where it can leak.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string, without exposing it.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"[REDACTED]\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("ng-abc-g1-def");
        assert_eq!(format!("{secret:?}"), "Secret(\"[REDACTED]\")");
        assert_eq!(format!("{secret:#?}"), "Secret(\"[REDACTED]\")");
        assert_eq!(
            format!("{:?}", Some(secret.clone())),
            "Some(Secret(\"[REDACTED]\"))"
        );
        assert_eq!(secret.expose_secret(), "ng-abc-g1-def");
    }

    #[test]
    fn serde_is_a_plain_string() {
        let secret = Secret::from("tok\"en");
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, r#""tok\"en""#);
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back, secret);
        assert!(serde_json::from_str::<Secret>("42").is_err());
    }

    #[test]
    fn conversions_agree() {
        assert_eq!(Secret::from(String::from("a")), Secret::from("a"));
        assert_eq!(Secret::new("a"), Secret::from("a"));
        assert!(Secret::new("").is_empty());
        assert!(!Secret::new("a").is_empty());
    }
}
