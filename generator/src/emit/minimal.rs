//! The smallest JSON value of a type that its model decodes: what a fake server answers with where the API gives no
//! example. Required fields only, empty strings and collections, zeros, an enum's first value, a union's first
//! variant.

use serde_json::{Map, Value, json};

use crate::ir::{Api, Presence, Primitive, Tagging, TypeId, TypeKind, TypeRef};

/// How deep a value nests before the walk gives up with `null` (a required field that leads back to its own type
/// has no finite value).
const DEPTH: usize = 32;

/// The smallest value of `ty`.
pub fn minimal(api: &Api, ty: &TypeRef) -> Value {
    Walk { api, stack: Vec::new() }.value(ty)
}

struct Walk<'a> {
    api: &'a Api,
    /// The named types being built, outermost first.
    stack: Vec<TypeId>,
}

impl Walk<'_> {
    fn value(&mut self, ty: &TypeRef) -> Value {
        match ty {
            TypeRef::Named(id) => self.named(*id),
            TypeRef::String => json!(""),
            TypeRef::Bool => json!(false),
            TypeRef::I32 | TypeRef::I64 => json!(0),
            TypeRef::F32 | TypeRef::F64 => json!(0.0),
            TypeRef::Primitive(Primitive::Uuid) => json!("00000000-0000-0000-0000-000000000000"),
            TypeRef::Primitive(Primitive::DateTime) => json!("1970-01-01T00:00:00Z"),
            TypeRef::Primitive(Primitive::Date) => json!("1970-01-01"),
            TypeRef::Primitive(Primitive::Url) => json!("http://localhost/"),
            TypeRef::Any | TypeRef::Option(_) => Value::Null,
            TypeRef::Object | TypeRef::Map(_) => json!({}),
            TypeRef::Array(_) => json!([]),
            TypeRef::Tuple(items) => Value::Array(items.iter().map(|item| self.value(item)).collect()),
        }
    }

    fn named(&mut self, id: TypeId) -> Value {
        if self.stack.contains(&id) || self.stack.len() >= DEPTH {
            return Value::Null;
        }
        self.stack.push(id);
        let value = self.definition(id);
        self.stack.pop();
        value
    }

    fn definition(&mut self, id: TypeId) -> Value {
        let api = self.api;
        match &api.type_def(id).kind {
            TypeKind::Struct(s) => {
                let mut object = Map::new();
                for field in &s.fields {
                    match (field.flatten, field.presence) {
                        (true, _) => {
                            if let Value::Object(inner) = self.value(&field.ty) {
                                object.extend(inner);
                            }
                        }
                        (false, Presence::Required) => {
                            object.insert(field.json_name.clone(), self.value(&field.ty));
                        }
                        (false, Presence::RequiredNullable) => {
                            object.insert(field.json_name.clone(), Value::Null);
                        }
                        (false, Presence::Optional | Presence::OptionalNullable) => {}
                    }
                }
                Value::Object(object)
            }
            TypeKind::Enum(e) => match e.variants.first().map(|variant| &variant.value) {
                Some(crate::ir::EnumValue::Int(value)) => json!(value),
                Some(crate::ir::EnumValue::Str(value)) => json!(value),
                None => json!(""),
            },
            TypeKind::Union(u) => {
                let Some(first) = u.variants.first() else { return Value::Null };
                let payload = first.payload.as_ref().map_or_else(|| json!({}), |ty| self.value(ty));
                match (&u.tagging, &first.tag) {
                    (Tagging::Internal(property), Some(tag)) => {
                        let mut object = match payload {
                            Value::Object(object) => object,
                            _ => Map::new(),
                        };
                        object.insert(property.clone(), json!(tag));
                        Value::Object(object)
                    }
                    (Tagging::External, Some(tag)) => json!({ tag: payload }),
                    _ => payload,
                }
            }
            TypeKind::Alias(ty) => self.value(ty),
            TypeKind::BoundedMap(map) => {
                let count = map.min_properties.unwrap_or(0).min(16);
                let key_length = map.key.min_length.unwrap_or(1).clamp(1, 64) as usize;
                let mut object = Map::new();
                for index in 0..count {
                    let letter = char::from(b'a' + (index % 26) as u8);
                    object.insert(letter.to_string().repeat(key_length), self.value(&map.value));
                }
                Value::Object(object)
            }
            TypeKind::ConstrainedString(constraints) => {
                json!("a".repeat(constraints.min_length.unwrap_or(0).min(4096) as usize))
            }
            TypeKind::External(_) => Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{HEAD, lower_yaml};

    #[test]
    fn required_fields_only_with_the_first_enum_value_and_union_variant() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind, tags, owner, shape]
      properties:
        name: {{type: string, minLength: 2}}
        kind: {{type: string, enum: [cat, dog]}}
        tags: {{type: array, items: {{type: string}}}}
        owner: {{type: string, nullable: true}}
        age: {{type: integer}}
        parent: {{$ref: '#/components/schemas/Pet'}}
        shape:
          oneOf: [{{$ref: '#/components/schemas/Circle'}}, {{$ref: '#/components/schemas/Square'}}]
          discriminator: {{propertyName: type}}
    Circle: {{type: object, required: [type, r], properties: {{type: {{type: string}}, r: {{type: number}}}}}}
    Square: {{type: object, required: [type], properties: {{type: {{type: string}}}}}}
"
        ));
        let pet = api.types.iter().position(|t| t.spec_name == "Pet").map(TypeId).expect("Pet");
        let value = minimal(&api, &TypeRef::Named(pet));
        assert_eq!(value["kind"], "cat");
        assert_eq!(value["tags"], json!([]));
        assert_eq!(value["owner"], Value::Null);
        assert!(value.get("age").is_none() && value.get("parent").is_none(), "{value}");
        assert_eq!(value["shape"]["type"], "Circle");
        assert_eq!(value["shape"]["r"], json!(0.0));
    }
}
