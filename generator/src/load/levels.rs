//! Parsing a schema one level at a time.
//!
//! `openapiv3` reads every `ReferenceOr` (an untagged enum) and every `Schema` (two flattened parts) through
//! serde's buffered content, which copies the whole subtree below the node: a schema nested `d` levels deep was
//! copied about `d` times, and parsing GitHub's component schemas spent more time copying than reading. Here each
//! subschema is parsed on its own, innermost first, while a placeholder `$ref` stands in its place in its parent,
//! so every node is copied once; the placeholders are then replaced by what they stand for. The result is the
//! `Schema` that parsing the whole tree at once gives.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The start of a placeholder `$ref`; the number after it indexes the subschemas parsed beneath one schema. No
/// document's `$ref` starts with a NUL character.
const PLACEHOLDER: &str = "\0specforge-subschema-";

/// A subschema parsed before its parent, boxed: it is moved into its place once the parent is parsed, and a
/// `Schema` is large.
type Parsed = ReferenceOr<Box<Schema>>;

/// Parses a schema or a reference to one from `value`, as `ReferenceOr::<Schema>::deserialize` would.
pub fn parse_schema(value: Value) -> Result<ReferenceOr<Schema>, serde_json::Error> {
    parse_boxed(value).map(unboxed)
}

/// `parsed` out of its box.
fn unboxed(parsed: Parsed) -> ReferenceOr<Schema> {
    match parsed {
        ReferenceOr::Item(schema) => ReferenceOr::Item(*schema),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
    }
}

/// [`parse_schema`], boxed.
fn parse_boxed(mut value: Value) -> Result<Parsed, serde_json::Error> {
    let mut parsed = Vec::new();
    if let Value::Object(map) = &mut value
        && !map.get("$ref").is_some_and(Value::is_string)
    {
        take_subschemas(map, &mut parsed)?;
    }
    let mut schema = Parsed::deserialize(value)?;
    if !parsed.is_empty()
        && let ReferenceOr::Item(schema) = &mut schema
    {
        put_back(&mut schema.schema_kind, &mut parsed);
    }
    Ok(schema)
}

/// Parses the subschemas under `map`'s subschema keywords into `parsed`, leaving placeholders in their places.
fn take_subschemas(map: &mut Map<String, Value>, parsed: &mut Vec<Option<Parsed>>) -> Result<(), serde_json::Error> {
    // One pass over the members: looking each keyword up would hash it, and most schemas have few members.
    for (keyword, value) in map.iter_mut() {
        match (keyword.as_str(), value) {
            ("properties", Value::Object(properties)) => {
                for subschema in properties.values_mut() {
                    take(subschema, parsed)?;
                }
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => {
                for subschema in members {
                    take(subschema, parsed)?;
                }
            }
            ("items" | "additionalProperties" | "not", subschema) => take(subschema, parsed)?,
            _ => {}
        }
    }
    Ok(())
}

/// Parses `subschema` into `parsed` and leaves a placeholder in its place, unless it is already a `$ref` (cheap to
/// parse where it is) or not an object (which parsing its parent reports).
fn take(subschema: &mut Value, parsed: &mut Vec<Option<Parsed>>) -> Result<(), serde_json::Error> {
    let Value::Object(map) = subschema else { return Ok(()) };
    if map.get("$ref").is_some_and(Value::is_string) {
        return Ok(());
    }
    let mut placeholder = Map::new();
    placeholder.insert("$ref".to_string(), Value::String(format!("{PLACEHOLDER}{}", parsed.len())));
    let taken = std::mem::replace(subschema, Value::Object(placeholder));
    parsed.push(Some(parse_boxed(taken)?));
    Ok(())
}

/// Puts the subschemas in `parsed` where their placeholders are in `kind`.
fn put_back(kind: &mut SchemaKind, parsed: &mut [Option<Parsed>]) {
    match kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(|property| put_back_boxed(property, parsed));
            put_back_additional(object.additional_properties.as_mut(), parsed);
        }
        SchemaKind::Type(Type::Array(array)) => {
            array.items.iter_mut().for_each(|items| put_back_boxed(items, parsed));
        }
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AllOf { all_of: members }
        | SchemaKind::AnyOf { any_of: members } => {
            members.iter_mut().for_each(|member| put_back_one(member, parsed));
        }
        SchemaKind::Not { not } => put_back_one(not, parsed),
        SchemaKind::Any(any) => {
            any.properties.values_mut().for_each(|property| put_back_boxed(property, parsed));
            put_back_additional(any.additional_properties.as_mut(), parsed);
            any.items.iter_mut().for_each(|items| put_back_boxed(items, parsed));
            for member in any.one_of.iter_mut().chain(&mut any.all_of).chain(&mut any.any_of) {
                put_back_one(member, parsed);
            }
            if let Some(not) = &mut any.not {
                put_back_one(not, parsed);
            }
        }
        SchemaKind::Type(_) => {}
    }
}

fn put_back_additional(additional: Option<&mut AdditionalProperties>, parsed: &mut [Option<Parsed>]) {
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        put_back_one(schema, parsed);
    }
}

/// The subschema `slot`'s placeholder stands for, taken out of `parsed`.
fn stood_for(slot: &str, parsed: &mut [Option<Parsed>]) -> Option<Parsed> {
    let index: usize = slot.strip_prefix(PLACEHOLDER)?.parse().ok()?;
    parsed.get_mut(index)?.take()
}

fn put_back_one(slot: &mut ReferenceOr<Schema>, parsed: &mut [Option<Parsed>]) {
    if let ReferenceOr::Reference { reference } = slot
        && let Some(schema) = stood_for(reference, parsed)
    {
        *slot = unboxed(schema);
    }
}

fn put_back_boxed(slot: &mut ReferenceOr<Box<Schema>>, parsed: &mut [Option<Parsed>]) {
    if let ReferenceOr::Reference { reference } = slot
        && let Some(schema) = stood_for(reference, parsed)
    {
        *slot = schema;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_of_subschema_comes_back_where_it_was() {
        let value = json!({
            "type": "object",
            "description": "outer",
            "properties": {
                "list": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"}}}},
                "either": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/B"}]},
                "both": {"allOf": [{"$ref": "#/components/schemas/A"}, {"description": "annotated"}]},
                "some": {"anyOf": [{"type": "boolean"}, {"not": {"type": "string", "nullable": true}}]},
                "mixed": {"type": "object", "oneOf": [{"required": ["a"]}], "items": {"type": "string"}},
                "map": {"type": "object", "additionalProperties": {"type": "number", "minimum": 1}},
                "open": {"additionalProperties": true, "properties": {"x": {}}},
                "ref": {"$ref": "#/components/schemas/C", "description": "beside"}
            },
            "additionalProperties": {"type": "array", "items": {"enum": ["a", 1]}}
        });
        let whole = ReferenceOr::<Schema>::deserialize(value.clone()).expect("parses whole");
        assert_eq!(parse_schema(value).expect("parses by levels"), whole);
    }

    #[test]
    fn a_subschema_that_does_not_parse_fails_the_schema_and_a_ref_is_a_ref() {
        assert!(parse_schema(json!({"properties": {"a": {"type": 5}}})).is_err());
        assert!(ReferenceOr::<Schema>::deserialize(json!({"properties": {"a": {"type": 5}}})).is_err());
        let reference = json!({"$ref": "#/x", "properties": {"a": {}}});
        assert_eq!(parse_schema(reference.clone()).unwrap(), ReferenceOr::<Schema>::deserialize(reference).unwrap());
    }
}
