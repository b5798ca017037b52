//! JSON values of a type that its model decodes. The smallest ([`minimal`]): what a fake server answers with where
//! the API gives no example; required fields only, empty strings and collections, zeros, an enum's first value, a
//! union's first variant. A full one ([`sample`]): what the conformance tests send both ways; every field, two
//! items per collection, text that needs escaping where it travels.

use serde_json::{Map, Value, json};

use crate::ir::{Api, FieldWire, Presence, Primitive, Tagging, TypeId, TypeKind, TypeRef};

/// How deep a value nests before the walk gives up with `null` (a type appears once on a path, so only a chain of
/// this many distinct required types reaches it).
const DEPTH: usize = 128;

/// How deep a sample fills optional fields; below, only required ones (a sample stays small on deep models).
const SAMPLE_DEPTH: usize = 6;

/// The smallest value of `ty`.
pub fn minimal(api: &Api, ty: &TypeRef) -> Value {
    Walk { api, stack: Vec::new(), sample: None, opaque: None }.value(ty)
}

/// Where a sample's text travels, which decides which characters it can hold and still come back the same.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Travel {
    /// In a JSON body: any text.
    Json,
    /// In a path segment, a query or a form: text that must be percent-encoded, without the characters that join
    /// array items (`,`, space, `|`, tab).
    Url,
    /// In a header or cookie: visible ASCII without `,` or `;`.
    Header,
}

/// A value of `ty` with every field and two items per collection, its strings holding text that must be escaped on
/// the way `travel` says; or, when there is none to make, what is missing: a value of one of the user's own types
/// (whose JSON specforge cannot know), or a finite value of a type that requires itself.
pub fn sample(api: &Api, ty: &TypeRef, travel: Travel) -> Result<Value, String> {
    let mut walk = Walk { api, stack: Vec::new(), sample: Some(travel), opaque: None };
    let value = walk.value(ty);
    walk.opaque.map_or(Ok(value), Err)
}

struct Walk<'a> {
    api: &'a Api,
    /// The named types being built, outermost first.
    stack: Vec<TypeId>,
    /// For [`sample`]: where its text travels.
    sample: Option<Travel>,
    /// For [`sample`]: what a value needed and cannot have.
    opaque: Option<String>,
}

impl Walk<'_> {
    fn value(&mut self, ty: &TypeRef) -> Value {
        if let Some(value) = self.sample.and_then(|travel| self.sample_value(ty, travel)) {
            return value;
        }
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

    /// A sample's value where it differs from the minimal one's.
    fn sample_value(&mut self, ty: &TypeRef, travel: Travel) -> Option<Value> {
        Some(match ty {
            TypeRef::String => json!(match travel {
                Travel::Json => "sample \"text\" é/?&=#%",
                Travel::Url => "sample/é?&=#%+",
                Travel::Header => "sample-text_1.0",
            }),
            TypeRef::Bool => json!(true),
            TypeRef::I32 | TypeRef::I64 => json!(7),
            TypeRef::F32 | TypeRef::F64 => json!(7.5),
            TypeRef::Primitive(Primitive::Uuid) => json!("123e4567-e89b-12d3-a456-426614174000"),
            TypeRef::Primitive(Primitive::DateTime) => json!("2024-05-06T07:08:09Z"),
            TypeRef::Primitive(Primitive::Date) => json!("2024-05-06"),
            TypeRef::Primitive(Primitive::Url) => json!("https://example.com/a?b=c"),
            TypeRef::Any => json!("sample"),
            TypeRef::Object => json!({ "key": "value" }),
            TypeRef::Array(item) | TypeRef::Option(item) if self.recursive(item) => return None,
            TypeRef::Array(item) => {
                let value = self.value(item);
                json!([value.clone(), value])
            }
            TypeRef::Option(item) => self.value(item),
            TypeRef::Map(value) if self.recursive(value) => return None,
            TypeRef::Map(value) => {
                let value = self.value(value);
                json!({ "key": value.clone(), "other": value })
            }
            _ => return None,
        })
    }

    /// Whether a value of `ty` would lead back into a type being built (a sample then leaves it out or empty).
    fn recursive(&self, ty: &TypeRef) -> bool {
        let mut found = false;
        ty.visit(&mut |inner| found |= inner.direct_named().is_some_and(|id| self.stack.contains(&id)));
        found
    }

    /// Whether a value of `ty` holds a type of the user's (`x-rust-type`, a configured replacement).
    fn opaque(&self, ty: &TypeRef) -> bool {
        let mut found = false;
        ty.visit(&mut |inner| {
            found |= inner.direct_named().is_some_and(|id| matches!(self.api.type_def(id).kind, TypeKind::External(_)))
        });
        found
    }

    fn named(&mut self, id: TypeId) -> Value {
        if self.stack.contains(&id) || self.stack.len() >= DEPTH {
            if self.sample.is_some() {
                let name = &self.api.type_def(id).name;
                self.opaque.get_or_insert_with(|| format!("a finite value of `{name}`, which requires itself"));
            }
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
                    // A sample has every field it can build: not those leading back into a type being built,
                    // nor those of a type of the user's (whose JSON specforge cannot know), nor, deep down, any
                    // optional one.
                    let presence = match self.sample {
                        Some(_) if self.recursive(&field.ty) || self.opaque(&field.ty) => field.presence,
                        Some(_) if self.stack.len() > SAMPLE_DEPTH => field.presence,
                        Some(_) => Presence::Required,
                        None => field.presence,
                    };
                    match (&field.wire, presence) {
                        (FieldWire::Flattened, _) => {
                            if let Value::Object(inner) = self.value(&field.ty) {
                                object.extend(inner);
                            }
                        }
                        (FieldWire::Property(name), Presence::Required) => {
                            object.insert(name.clone(), self.value(&field.ty));
                        }
                        (FieldWire::Property(name), Presence::RequiredNullable) => {
                            object.insert(name.clone(), Value::Null);
                        }
                        (FieldWire::Property(_), Presence::Optional | Presence::OptionalNullable) => {}
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
                let least = if self.sample.is_some() { 1 } else { 0 };
                let count = map.min_properties.unwrap_or(0).max(least).min(map.max_properties.unwrap_or(16)).min(16);
                let key_length = map.key.min_length.unwrap_or(1).clamp(1, 64) as usize;
                let mut object = Map::new();
                for index in 0..count {
                    let letter = char::from(b'a' + (index % 26) as u8);
                    object.insert(letter.to_string().repeat(key_length), self.value(&map.value));
                }
                Value::Object(object)
            }
            TypeKind::ConstrainedString(constraints) => {
                let least = if self.sample.is_some() { 1 } else { 0 };
                let length = constraints.min_length.unwrap_or(0).max(least).min(constraints.max_length.unwrap_or(4096));
                json!("a".repeat(length.min(4096) as usize))
            }
            TypeKind::External(path) => {
                self.opaque.get_or_insert_with(|| format!("a value of `{path}`, a type of the user's"));
                Value::Null
            }
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
