/// Implements a string newtype whose length the API limits: `new` and deserializing validate; `as_str`,
/// `into_inner`, `Deref<Target = str>`, `Display`, `FromStr` and `TryFrom` read it; it serializes as the string
/// itself, without a copy.
macro_rules! constrained_string {
    ($name:ident, $min:expr, $max:expr) => {
        impl $name {
            /// Validates `value` against the API's limits.
            pub fn new(value: impl Into<String>) -> Result<Self, ConstraintViolation> {
                let value = value.into();
                support::check_length(stringify!($name), "the value", &value, $min, $max)?;
                Ok(Self(value))
            }

            /// The string.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The string, by value.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = ConstraintViolation;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = ConstraintViolation;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ConstraintViolation;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl ::std::convert::From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(value).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use constrained_string;
