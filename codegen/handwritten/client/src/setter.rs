//! What the model builders' setters of optional text fields accept: a `&str`, a `String`
//! or an `Option<String>`, so `.name("support-bot")` reads like a hand-written builder
//! (typify's own bound, `TryInto<Option<String>>`, takes no `&str`).

/// A value for an optional field of type `T`.
pub trait IntoOptional<T> {
    /// The value, or `None` to leave the field unset.
    fn into_optional(self) -> Option<T>;
}

impl IntoOptional<String> for String {
    fn into_optional(self) -> Option<String> {
        Some(self)
    }
}

impl IntoOptional<String> for &str {
    fn into_optional(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl IntoOptional<String> for &String {
    fn into_optional(self) -> Option<String> {
        Some(self.clone())
    }
}

impl IntoOptional<String> for Option<String> {
    fn into_optional(self) -> Option<String> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::IntoOptional;

    fn take(value: impl IntoOptional<String>) -> Option<String> {
        value.into_optional()
    }

    #[test]
    fn accepts_what_callers_have() {
        let owned = String::from("b");
        assert_eq!(take("a"), Some("a".to_owned()));
        assert_eq!(take(&owned), Some("b".to_owned()));
        assert_eq!(take(owned), Some("b".to_owned()));
        assert_eq!(take(Some("c".to_owned())), Some("c".to_owned()));
        assert_eq!(take(None), None);
    }
}
