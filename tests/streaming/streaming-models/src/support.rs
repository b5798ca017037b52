//! Support code for the models: validation, the wire form of enums, absent-or-null fields.
//!
//! Copied from specforge's `templates/models/support/`.

/// Implements the wire form of a string enum: `as_str`, `Display`, `FromStr`, and serde through them. Each listed
/// value maps to its variant; any other value is kept in the catch-all variant, so a newer server does not break
/// decoding. (A derive would buffer every input to try the catch-all variant, and compile to far more code.)
macro_rules! string_enum {
    ($name:ident($unknown:ident) { $($variant:ident = $value:literal),* $(,)? }) => {
        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    $($value => Self::$variant,)*
                    other => Self::$unknown(other.to_string()),
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                let Ok(parsed) = value.parse::<Self>();
                Ok(parsed)
            }
        }
    };
}
pub(crate) use string_enum;
