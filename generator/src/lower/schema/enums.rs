//! Enums: a schema's `enum` values as variants, their wire type read from the values.

use super::*;

/// An enum of `values` (duplicates dropped). Variant names come from the values, or from the `x-enum-varnames`
/// (openapi-generator) or `x-enumNames` (NSwag) extension when it names every value; integers without names become
/// `Value3` and `ValueMinus1`. Variant docs come from `x-enumDescriptions` or `x-enum-descriptions`: a list in the
/// order of the values, or a map from value to description (both forms are in use).
pub(super) fn enum_type(values: &[EnumValue], schema: &Schema) -> Enum {
    let descriptions =
        ["x-enumDescriptions", "x-enum-descriptions"].iter().find_map(|key| schema.schema_data.extensions.get(*key));
    let description = |index: usize, value: &EnumValue| {
        let text = match descriptions? {
            serde_json::Value::Array(list) if list.len() == values.len() => list[index].as_str(),
            serde_json::Value::Object(map) => map.get(&value.to_string()).and_then(|text| text.as_str()),
            _ => None,
        }?;
        let text = text.trim();
        (!text.is_empty()).then(|| crate::rustdoc::rustdoc_safe(text))
    };
    let extension = ["x-enum-varnames", "x-enumNames"].iter().find_map(|key| schema.schema_data.extensions.get(*key));
    let given: Option<Vec<&str>> = extension
        .and_then(|names| names.as_array())
        .and_then(|names| names.iter().map(|name| name.as_str()).collect::<Option<Vec<_>>>())
        .filter(|names| names.len() == values.len());
    enum_of(values, |index| given.as_ref().map(|given| given[index]), description)
}

/// An enum of `values` (repeats dropped), each variant named `name` of its index when that gives one, else after
/// its value, and documented by `doc`.
pub(super) fn enum_of<'n>(
    values: &[EnumValue],
    name: impl Fn(usize) -> Option<&'n str>,
    doc: impl Fn(usize, &EnumValue) -> Option<String>,
) -> Enum {
    let mut names = Namespace::default();
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .enumerate()
        .filter(|(_, value)| seen.insert(*value))
        .map(|(index, value)| {
            let wanted = match (name(index), value) {
                (Some(given), _) => type_name(given),
                (None, EnumValue::Str(value)) => type_name(value),
                (None, EnumValue::Int(value)) => format!("Value{}", value.to_string().replace('-', "Minus")),
            };
            EnumVariant { name: names.claim(&wanted).0, value: value.clone(), doc: doc(index, value) }
        })
        .collect();
    Enum { variants, unknown_variant: names.claim("Unknown").0 }
}
