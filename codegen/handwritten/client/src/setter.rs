//! What builder setters accept and check.
//!
//! * The model builders' setters of optional text fields accept a `&str`, a `String`
//!   or an `Option<String>`, so `.name("support-bot")` reads like a hand-written builder
//!   (typify's own bound, `TryInto<Option<String>>`, takes no `&str`).
//! * A parameter the spec bounds (`minimum`, `maximum`) takes a plain integer literal
//!   (`.limit(10)`); its setter checks the value against [`Bounds`] and a value out of
//!   range fails the call at `send()` with [`Error::InvalidRequest`](super::Error),
//!   before anything is sent.

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

/// The range the spec allows a number parameter (`minimum`, `maximum`, and OpenAPI
/// 3.0's boolean `exclusiveMinimum` / `exclusiveMaximum`). Bounds are compared as `f64`,
/// exact for every integer a spec bound plausibly names (up to 2^53).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    minimum: Option<(f64, bool)>,
    maximum: Option<(f64, bool)>,
}

impl Bounds {
    /// No bound yet; add them with the methods below.
    pub const ANY: Bounds = Bounds {
        minimum: None,
        maximum: None,
    };

    /// `value >= minimum`.
    pub const fn at_least(self, minimum: f64) -> Self {
        Self {
            minimum: Some((minimum, false)),
            ..self
        }
    }

    /// `value > minimum` (`exclusiveMinimum`).
    pub const fn above(self, minimum: f64) -> Self {
        Self {
            minimum: Some((minimum, true)),
            ..self
        }
    }

    /// `value <= maximum`.
    pub const fn at_most(self, maximum: f64) -> Self {
        Self {
            maximum: Some((maximum, false)),
            ..self
        }
    }

    /// `value < maximum` (`exclusiveMaximum`).
    pub const fn below(self, maximum: f64) -> Self {
        Self {
            maximum: Some((maximum, true)),
            ..self
        }
    }

    /// `value` itself if it is in range (an unset optional value always is), or a
    /// message naming parameter `name`, the range and the value.
    pub fn check<V: Bounded>(self, name: &str, value: V) -> Result<V, String> {
        let Some(number) = value.number() else {
            return Ok(value);
        };
        let low = self.minimum.is_none_or(|(min, exclusive)| {
            if exclusive {
                number > min
            } else {
                number >= min
            }
        });
        let high = self.maximum.is_none_or(|(max, exclusive)| {
            if exclusive {
                number < max
            } else {
                number <= max
            }
        });
        if low && high {
            return Ok(value);
        }
        Err(format!(
            "`{name}` must be {}; got {}",
            self.describe(),
            Number(number)
        ))
    }

    fn describe(self) -> String {
        let lower = |(min, exclusive): (f64, bool)| {
            if exclusive {
                format!("above {}", Number(min))
            } else {
                format!("at least {}", Number(min))
            }
        };
        let upper = |(max, exclusive): (f64, bool)| {
            if exclusive {
                format!("below {}", Number(max))
            } else {
                format!("at most {}", Number(max))
            }
        };
        match (self.minimum, self.maximum) {
            (Some((min, false)), Some((max, false))) => {
                format!("between {} and {}", Number(min), Number(max))
            }
            (Some(min), Some(max)) => format!("{} and {}", lower(min), upper(max)),
            (Some(min), None) => lower(min),
            (None, Some(max)) => upper(max),
            (None, None) => "a number".to_owned(),
        }
    }
}

/// Prints whole numbers without a fraction (`100`, not `100.0`).
struct Number(f64);

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// A value a bounded setter holds: a number, or an optional one.
pub trait Bounded {
    /// The value as `f64`, `None` when an optional value is unset.
    fn number(&self) -> Option<f64>;
}

macro_rules! bounded_numbers {
    ($($ty:ty),*) => {$(
        impl Bounded for $ty {
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
bounded_numbers!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

macro_rules! bounded_non_zero {
    ($($ty:ty),*) => {$(
        impl Bounded for $ty {
            fn number(&self) -> Option<f64> {
                Some(self.get() as f64)
            }
        }
    )*};
}
bounded_non_zero!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI8,
    std::num::NonZeroI16,
    std::num::NonZeroI32,
    std::num::NonZeroI64
);

impl<T: Bounded> Bounded for Option<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Bounded::number)
    }
}

#[cfg(test)]
mod tests {
    use super::{Bounds, IntoOptional};
    use std::num::NonZeroU32;

    #[test]
    fn bounds_accept_the_range_and_name_what_is_wrong() {
        let limit = Bounds::ANY.at_least(1.0).at_most(100.0);
        let n = |v: u32| NonZeroU32::new(v).unwrap();
        assert_eq!(limit.check("limit", Some(n(1))), Ok(Some(n(1))));
        assert_eq!(limit.check("limit", Some(n(100))), Ok(Some(n(100))));
        assert_eq!(limit.check("limit", None::<NonZeroU32>), Ok(None));
        assert_eq!(
            limit.check("limit", Some(n(101))),
            Err("`limit` must be between 1 and 100; got 101".to_owned())
        );
        assert_eq!(
            limit.check("limit", 0i64),
            Err("`limit` must be between 1 and 100; got 0".to_owned())
        );
        let ratio = Bounds::ANY.above(0.0).below(1.0);
        assert!(ratio.check("ratio", 0.5f64).is_ok());
        assert_eq!(
            ratio.check("ratio", 1.0f64),
            Err("`ratio` must be above 0 and below 1; got 1".to_owned())
        );
        assert!(ratio.check("ratio", 0.0f32).is_err());
        assert_eq!(
            Bounds::ANY.at_most(10.0).check("n", 11u8),
            Err("`n` must be at most 10; got 11".to_owned())
        );
        assert_eq!(
            Bounds::ANY.at_least(-2.5).check("x", -3i32),
            Err("`x` must be at least -2.5; got -3".to_owned())
        );
    }

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
