/// Implements a map newtype whose size (and key length) the API limits: `new` and deserializing validate;
/// `as_map`, `into_inner`, `Deref` and `TryFrom` read it; it serializes as the map itself, without a copy.
macro_rules! bounded_map {
    ($name:ident($map:ty), $min:expr, $max:expr, $key_min:expr, $key_max:expr $(,)?) => {
        impl $name {
            /// Validates `map` against the API's limits.
            pub fn new(map: $map) -> Result<Self, ConstraintViolation> {
                support::check_count(stringify!($name), map.len(), $min, $max)?;
                for key in map.keys() {
                    support::check_length(stringify!($name), "a key", key, $key_min, $key_max)?;
                }
                Ok(Self(map))
            }

            /// The entries.
            pub fn as_map(&self) -> &$map {
                &self.0
            }

            /// The entries, by value.
            pub fn into_inner(self) -> $map {
                self.0
            }
        }

        impl ::std::convert::TryFrom<$map> for $name {
            type Error = ConstraintViolation;

            fn try_from(map: $map) -> Result<Self, Self::Error> {
                Self::new(map)
            }
        }

        impl ::std::convert::From<$name> for $map {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = $map;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let map = <$map as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(map).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use bounded_map;
