//! Support code for the models: validation, the wire form of enums, absent-or-null fields.
//!
//! Copied from specforge's `templates/models/support/`.

// With some tag features off, no type may use one of the macros.
#![allow(unused_macros, unused_imports)]

// Validation for constrained types (strings with length limits, maps with size limits).

use std::fmt;

/// A value broke a limit from the API description (`minLength`, `maxLength`, `maxProperties`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintViolation {
    type_name: &'static str,
    message: String,
}

impl ConstraintViolation {
    /// The Rust type whose limit was broken.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.type_name, self.message)
    }
}

impl std::error::Error for ConstraintViolation {}

/// Checks that `value` has between `min` and `max` characters (Unicode scalar values, as JSON Schema counts).
pub fn check_length(
    type_name: &'static str,
    what: &str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ConstraintViolation> {
    let length = value.chars().count() as u64;
    check_bounds(type_name, what, "characters", length, min, max)
}

/// Checks that a map has between `min` and `max` entries.
pub fn check_count(
    type_name: &'static str,
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ConstraintViolation> {
    check_bounds(type_name, "the map", "entries", count as u64, min, max)
}

fn check_bounds(
    type_name: &'static str,
    what: &str,
    unit: &str,
    actual: u64,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ConstraintViolation> {
    let message = match (min, max) {
        (Some(min), _) if actual < min => format!("{what} has {actual} {unit}, fewer than the minimum of {min}"),
        (_, Some(max)) if actual > max => format!("{what} has {actual} {unit}, more than the maximum of {max}"),
        _ => return Ok(()),
    };
    Err(ConstraintViolation { type_name, message })
}

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

/// A property that may be left out, sent as `null`, or sent with a value: three states that `Option` cannot keep
/// apart. Used only where the API description makes a property both optional and nullable, so that a JSON merge
/// patch can clear a field (`Null` is sent as `null`) or leave it alone (`Absent` is not sent at all), and a
/// server's explicit `null` is written back as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not in the JSON object at all.
    #[default]
    Absent,
    /// Present as `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is left out (what `skip_serializing_if` asks).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the property is present as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one (absent and `null` both give `None`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one (absent and `null` both give `None`).
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` is `null` (present), `Some` a value.
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: ::serde::Serialize> ::serde::Serialize for Nullable<T> {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for Nullable<T> {
    /// `null` is `Null` and anything else a value; a property left out is `Absent` through `#[serde(default)]`.
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// Implements `Serialize` and `Deserialize` for a struct that is a JSON object: `index field [= "json name"]
/// required|optional|nullable` per property (the JSON name only where it is not the field's). Each listed property
/// is its field: a `required` one is always written and an error when missing (unless its type accepts absence, as
/// `Option` does); an `optional` one (`Option`) is left out when `None` and a `nullable` one (`Nullable`) when
/// `Absent`, and both take their type's default when missing. Other properties are ignored (`ignore`), refused
/// (`deny`) or kept in the `additional_properties` map and written back (`keep`); a property given twice is an
/// error. The same behaviour as serde's derives with `skip_serializing_if`, `#[serde(default)]`,
/// `deny_unknown_fields` and a flattened map, in a fraction of the code (the derive also reads structs from arrays
/// and field names from bytes and integers, which JSON never needs).
macro_rules! object {
    ($name:ident { $($index:tt $field:ident $(= $json:literal)? $kind:ident),* $(,)? } ignore) => {
        support::object!(@serialize $name { $($index $field [$($json)?] $kind),* });
        support::object!(@deserialize $name { $($index $field [$($json)?] $kind),* } false, map, _key => {
            map.next_value::<::serde::de::IgnoredAny>()?;
        });
    };
    ($name:ident { $($index:tt $field:ident $(= $json:literal)? $kind:ident),* $(,)? } deny) => {
        support::object!(@serialize $name { $($index $field [$($json)?] $kind),* });
        support::object!(@deserialize $name { $($index $field [$($json)?] $kind),* } true, map, key => {
            return Err(<SpecforgeMap::Error as ::serde::de::Error>::unknown_field(&key, FIELDS));
        });
    };
    ($name:ident { $($index:tt $field:ident $(= $json:literal)? $kind:ident),* $(,)? } keep) => {
        support::object!(@serialize $name { $($index $field [$($json)?] $kind),* } additional_properties);
        support::object!(@deserialize $name { $($index $field [$($json)?] $kind),* } true, map, key => {
            additional_properties.insert(key, map.next_value()?);
        } additional_properties);
    };
    (@deserialize $name:ident { $($index:tt $field:ident [$($json:literal)?] $kind:ident),* }
        $keep:literal, $map:ident, $key:ident => $unknown:block $($additional:ident)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<SpecforgeDeserializer: ::serde::Deserializer<'de>>(
                deserializer: SpecforgeDeserializer,
            ) -> Result<Self, SpecforgeDeserializer::Error> {
                // Each listed property's name: the one given, else the field's.
                const FIELDS: &[&str] = &[$(support::object!(@name $field $($json)?)),*];
                // Names no API type takes, as the API's type names are in scope here.
                struct SpecforgeVisitor;

                impl<'de> ::serde::de::Visitor<'de> for SpecforgeVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<SpecforgeMap: ::serde::de::MapAccess<'de>>(
                        self,
                        mut $map: SpecforgeMap,
                    ) -> Result<$name, SpecforgeMap::Error> {
                        // One slot per listed property, by index (field names as local names could shadow or be
                        // linted).
                        #[allow(unused_mut, unused_variables)] // a struct without listed properties has no slots
                        let mut slots = ($(support::none(FIELDS[$index]),)*);
                        $(let mut $additional = ::std::collections::BTreeMap::new();)?
                        let names = support::PropertyName { names: FIELDS, keep: $keep };
                        while let Some(property) = $map.next_key_seed(names)? {
                            match property {
                                $(support::Property::Listed($index) => support::next_once(&mut $map, &mut slots.$index, FIELDS[$index])?,)*
                                support::Property::Listed(_) => {
                                    $map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                                support::Property::Other($key) => $unknown
                            }
                        }
                        Ok($name {
                            $($field: support::$kind::<SpecforgeMap::Error, _>(slots.$index, FIELDS[$index])?,)*
                            $($additional,)?
                        })
                    }
                }

                deserializer.deserialize_struct(stringify!($name), FIELDS, SpecforgeVisitor)
            }
        }
    };
    (@serialize $name:ident { $($index:tt $field:ident [$($json:literal)?] $kind:ident),* } $($additional:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<SpecforgeSerializer: ::serde::Serializer>(
                &self,
                serializer: SpecforgeSerializer,
            ) -> Result<SpecforgeSerializer::Ok, SpecforgeSerializer::Error> {
                use ::serde::ser::SerializeMap as _;
                // Whether each listed property is written: an optional one is left out when absent.
                let written: &[bool] = &[$(support::object!(@written $kind &self.$field)),*];
                let len = written.iter().filter(|written| **written).count() $(+ self.$additional.len())?;
                #[allow(unused_mut)] // a struct without properties writes none
                let mut object = serializer.serialize_map(Some(len))?;
                $(if written[$index] {
                    object.serialize_entry(support::object!(@name $field $($json)?), &self.$field)?;
                })*
                $(for (key, value) in &self.$additional {
                    object.serialize_entry(key, value)?;
                })?
                object.end()
            }
        }
    };
    (@written required $value:expr) => {
        true
    };
    (@written optional $value:expr) => {
        ::std::option::Option::is_some($value)
    };
    (@written nullable $value:expr) => {
        !support::Nullable::is_absent($value)
    };
    (@name $field:ident $json:literal) => {
        $json
    };
    (@name $field:ident) => {
        stringify!($field)
    };
}

pub(crate) use object;

/// A property name read by `object!`: the index of a listed one, or another (its name kept only when asked).
pub enum Property {
    /// The listed property at this index.
    Listed(usize),
    /// Any other property: its name when the struct keeps unknown properties or refuses them, else empty.
    Other(String),
}

/// Reads a property name as a [`Property`] without allocating for a listed or ignored one.
#[derive(Clone, Copy)]
pub struct PropertyName {
    /// The listed properties' names, by index.
    pub names: &'static [&'static str],
    /// Whether an unlisted name is kept (for the `additional_properties` map or an error message).
    pub keep: bool,
}

impl<'de> ::serde::de::DeserializeSeed<'de> for PropertyName {
    type Value = Property;

    fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> Result<Property, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl ::serde::de::Visitor<'_> for PropertyName {
    type Value = Property;

    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: ::serde::de::Error>(self, name: &str) -> Result<Property, E> {
        Ok(match self.names.iter().position(|listed| *listed == name) {
            Some(index) => Property::Listed(index),
            None if self.keep => Property::Other(name.to_string()),
            None => Property::Other(String::new()),
        })
    }
}

/// An empty slot for property `_name`.
pub fn none<T>(_name: &'static str) -> Option<T> {
    None
}

/// Reads the value of property `name` into `slot`; an error if it was already read.
pub fn next_once<'de, A: ::serde::de::MapAccess<'de>, T: ::serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as ::serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required property's value: an error when it was missing, unless its type reads absence as a value (`Option`
/// as `None`), as serde's derive does.
pub fn required<'de, E: ::serde::de::Error, T: ::serde::Deserialize<'de>>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name)).map_err(|_| E::missing_field(name)),
    }
}

/// An optional property's value: its type's default when it was missing.
pub fn optional<E, T: Default>(slot: Option<T>, _name: &'static str) -> Result<T, E> {
    Ok(slot.unwrap_or_default())
}

/// A property that may be absent or `null` (a `Nullable`): `Absent` when it was missing.
pub fn nullable<E, T: Default>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    optional(slot, name)
}

/// A deserializer for a property that is not there: `None` to an `Option`, an error to anything else.
struct Missing(&'static str);

impl<'de> ::serde::Deserializer<'de> for Missing {
    type Error = ::serde::de::value::Error;

    fn deserialize_any<V: ::serde::de::Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(::serde::de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: ::serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

// Decoding of tagged unions that keep a value whose tag they do not list.

/// The tag of a tagged union's value: the string in `property` for an internally tagged union, the one key of a
/// one-key object for an externally tagged one (`None`); `None` when the value has no such tag.
pub fn union_tag(value: &serde_json::Value, property: Option<&str>) -> Option<String> {
    match property {
        Some(property) => value.get(property)?.as_str().map(str::to_string),
        None => {
            let object = value.as_object().filter(|object| object.len() == 1)?;
            object.keys().next().cloned()
        }
    }
}

/// Decodes the content of the listed variant `tag`: an internally tagged value without its tag property, or what
/// an externally tagged value holds under its key. Content that does not fit the variant is an error naming the
/// tag (a listed variant never falls back to the catch-all).
pub fn union_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
    property: Option<&str>,
    tag: &str,
) -> Result<T, E> {
    let content = match (value, property) {
        (serde_json::Value::Object(mut object), Some(property)) => {
            object.remove(property);
            serde_json::Value::Object(object)
        }
        (serde_json::Value::Object(object), None) => {
            object.into_iter().next().map(|(_, content)| content).unwrap_or_default()
        }
        (other, _) => other,
    };
    serde_json::from_value(content).map_err(|error| E::custom(format_args!("variant `{tag}`: {error}")))
}

/// Implements `Deserialize` for a tagged union with a catch-all variant: the tag picks the variant, whose content
/// must then decode; a value whose tag is not listed (or that has none) is kept in the catch-all, so a newer
/// server's new variant does not break decoding. serde's derive would also put a listed variant with bad content
/// there, hiding the error. Arguments: the enum and its catch-all, the tag property (`None`: externally tagged),
/// the variants with content (each with its tags, `A = "a" | "b"`), the variants without, and (optional) the
/// variants that keep the tag property in their content: of several tags, or of a tag they share with others,
/// which are then tried in order until one decodes.
macro_rules! tagged_union {
    ($name:ident($unknown:ident), $property:expr, { $($variant:ident = $($tag:literal)|+),* $(,)? }, { $($empty:ident = $empty_tag:literal),* $(,)? } $(, { $($keeping:ident = $($kept_tag:literal)|+),* $(,)? })?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = support::union_tag(&value, $property);
                $(
                    let mut failed = None;
                    $(
                        if let Some(tag) = tag.as_deref().filter(|tag| matches!(*tag, $($kept_tag)|+)) {
                            match ::serde::Deserialize::deserialize(&value) {
                                Ok(content) => return Ok(Self::$keeping(content)),
                                Err(error) => failed = Some(format!("variant `{tag}`: {error}")),
                            }
                        }
                    )*
                    if let Some(failed) = failed {
                        return Err(<D::Error as ::serde::de::Error>::custom(failed));
                    }
                )?
                Ok(match tag.as_deref() {
                    $(Some(tag) if matches!(tag, $($tag)|+) => {
                        Self::$variant(support::union_variant(value, $property, tag)?)
                    })*
                    $(Some($empty_tag) => Self::$empty {},)*
                    _ => Self::$unknown(value),
                })
            }
        }
    };
}
pub(crate) use tagged_union;
