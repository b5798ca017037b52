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
/// the variants with content, the variants without, and (optional) the variants of several tags, whose content
/// keeps the tag property (it says which of them was sent).
macro_rules! tagged_union {
    ($name:ident($unknown:ident), $property:expr, { $($variant:ident = $tag:literal),* $(,)? }, { $($empty:ident = $empty_tag:literal),* $(,)? } $(, { $($keeping:ident = $($kept_tag:literal)|+),* $(,)? })?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(match support::union_tag(&value, $property).as_deref() {
                    $(Some($tag) => Self::$variant(support::union_variant(value, $property, $tag)?),)*
                    $(Some($empty_tag) => Self::$empty {},)*
                    $($(Some(tag) if matches!(tag, $($kept_tag)|+) => Self::$keeping(::serde_json::from_value(value).map_err(|error| {
                        <D::Error as ::serde::de::Error>::custom(format_args!("variant `{tag}`: {error}"))
                    })?),)*)?
                    _ => Self::$unknown(value),
                })
            }
        }
    };
}
pub(crate) use tagged_union;
