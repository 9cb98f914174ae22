//! The value of a nullable field in a PATCH body, where "clear" must be told apart from
//! "leave unchanged".

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An explicit `null` or a value for a nullable PATCH field.
///
/// Generated PATCH bodies hold such fields as `Option<Nullable<T>>`, giving the three
/// states the API distinguishes: `None` leaves the field out (the server keeps its
/// value), `Some(Nullable::Null)` sends `null` (the server clears it) and
/// `Some(Nullable::Value(v))` sends `v`. `Option<T>` alone cannot express both "omit"
/// and "clear".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether this is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if set.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Null => None,
        }
    }

    /// The value, if set.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

/// `Nullable::from("label")` for the string fields that make up most PATCH bodies.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

/// `None` becomes [`Nullable::Null`]: a caller who passes an `Option` states the value,
/// and "no value" means clear it.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Self::Value(value),
            None => Self::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Null => serializer.serialize_none(),
        }
    }
}

/// Decodes `null` as [`Nullable::Null`]. Inside an `Option` field serde hands `null` to
/// the `Option` itself, so code that must tell a missing field from `null` when decoding
/// (a server, a mock) uses `Nullable<T>` with `#[serde(default)]` on an `Option` it
/// builds itself, or reads the JSON directly.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// `deserialize_with` for the generated `Option<Nullable<T>>` PATCH fields: serde only
/// calls it for a field that is present, so `null` becomes `Some(Nullable::Null)` ("clear")
/// instead of the `None` ("leave unchanged") that `Option`'s own impl would give; a missing
/// field falls back to `#[serde(default)]`, i.e. `None`.
pub fn deserialize_present<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::Nullable;
    use serde::{Deserialize, Serialize};

    /// The shape the generator emits for a nullable PATCH field.
    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::deserialize_present"
        )]
        a: Option<Nullable<String>>,
    }

    #[test]
    fn serializes_all_three_states() {
        for (patch, json) in [
            (Patch { a: None }, "{}"),
            (
                Patch {
                    a: Some(Nullable::Null),
                },
                r#"{"a":null}"#,
            ),
            (
                Patch {
                    a: Some("x".into()),
                },
                r#"{"a":"x"}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }

    #[test]
    fn decodes_all_three_states() {
        for (json, expected) in [
            ("{}", None),
            (r#"{"a":null}"#, Some(Nullable::Null)),
            (r#"{"a":"x"}"#, Some(Nullable::Value("x".to_owned()))),
        ] {
            let patch: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(patch.a, expected, "{json}");
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }

    #[test]
    fn decodes_values_and_null() {
        let set: Patch = serde_json::from_str(r#"{"a":"x"}"#).unwrap();
        assert_eq!(set.a, Some(Nullable::Value("x".to_owned())));
        let bare: Nullable<u32> = serde_json::from_str("null").unwrap();
        assert_eq!(bare, Nullable::Null);
    }

    #[test]
    fn wrong_type_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<Patch>(r#"{"a":1}"#).is_err());
    }

    #[test]
    fn conversions() {
        assert_eq!(Nullable::from(3), Nullable::Value(3));
        assert_eq!(Nullable::from(Some(3)), Nullable::Value(3));
        assert_eq!(Nullable::<i32>::from(None), Nullable::Null);
        assert_eq!(Nullable::from("x"), Nullable::Value("x".to_owned()));
        assert_eq!(Nullable::Value(3).as_option(), Some(&3));
        assert_eq!(Nullable::<i32>::Null.into_option(), None);
        assert!(Nullable::<i32>::Null.is_null());
        assert!(!Nullable::Value(1).is_null());
    }
}
