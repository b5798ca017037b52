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
