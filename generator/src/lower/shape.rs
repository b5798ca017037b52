//! A schema's shape: `openapiv3` splits schemas into typed variants plus an `AnySchema` catch-all for keyword
//! mixtures. [`Shape`] folds both into the handful of cases lowering cares about, and says when a schema is
//! contradictory so the caller can warn.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// Object keywords.
pub struct ObjectShape<'a> {
    /// `properties`.
    pub properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
    /// `required`.
    pub required: &'a [String],
    /// `additionalProperties`.
    pub additional: Option<&'a AdditionalProperties>,
    /// `minProperties`.
    pub min_properties: Option<usize>,
    /// `maxProperties`.
    pub max_properties: Option<usize>,
    /// The Rust names properties asked for, by JSON name ([`crate::load::extensions::FIELD_NAMES`]).
    pub client_names: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

/// What a schema describes, for lowering.
pub enum Shape<'a> {
    /// `type: string`.
    String {
        /// `format`, if any.
        format: Option<&'a str>,
        /// `enum` values (nulls dropped).
        values: Vec<String>,
        /// `minLength`.
        min_length: Option<usize>,
        /// `maxLength`.
        max_length: Option<usize>,
    },
    /// `type: integer`.
    Integer {
        /// `format: int32`.
        int32: bool,
        /// `enum` values (nulls dropped).
        values: Vec<i64>,
    },
    /// `type: number`; `true` for `format: float`.
    Number { float: bool },
    /// `type: boolean`.
    Boolean,
    /// `type: object` or `properties`.
    Object(ObjectShape<'a>),
    /// `type: array`.
    Array(Option<&'a ReferenceOr<Box<Schema>>>),
    /// `oneOf`.
    OneOf(&'a [ReferenceOr<Schema>]),
    /// `anyOf`.
    AnyOf(&'a [ReferenceOr<Schema>]),
    /// `allOf`, with what is written beside it.
    AllOf(AllOfShape<'a>),
    /// `{}` or something only expressible as "any value".
    Any,
}

/// An `allOf` and what is written beside it.
pub struct AllOfShape<'a> {
    /// The members.
    pub members: &'a [ReferenceOr<Schema>],
    /// Properties written beside `allOf`.
    pub properties: Option<ObjectShape<'a>>,
    /// A `oneOf`/`anyOf` written beside `allOf`.
    pub union: Option<BesideUnion<'a>>,
}

impl<'a> AllOfShape<'a> {
    /// The member this `allOf` stands for when it merges nothing: nothing is written beside it and every member
    /// but one only annotates (see [`only_annotates`]); with its index. `None` when there is something to merge.
    pub fn single_typed_member(&self) -> Option<(usize, &'a ReferenceOr<Schema>)> {
        if self.properties.is_some() || self.union.is_some() {
            return None;
        }
        let mut typed = self.members.iter().enumerate().filter(|(_, member)| !only_annotates(member));
        match (typed.next(), typed.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }
}

/// Whether an `allOf` member only annotates the schema that holds it (`{description: …}`, `{nullable: true}`): an
/// inline schema with no keyword about the value. `allOf: [{$ref: …}, {description: …}]` is how OpenAPI 3.0
/// documents describe one use of a referenced schema, since a `$ref` takes no siblings there.
pub fn only_annotates(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == AnySchema::default())
}

/// What `schema` says about itself, then what its annotation-only `allOf` members say (see [`only_annotates`]).
pub fn annotations(schema: &Schema) -> impl Iterator<Item = &SchemaData> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.as_slice(),
        SchemaKind::Any(any) => any.all_of.as_slice(),
        _ => &[],
    };
    let annotating = members.iter().filter_map(|member| match member {
        ReferenceOr::Item(annotation) if only_annotates(member) => Some(&annotation.schema_data),
        _ => None,
    });
    std::iter::once(&schema.schema_data).chain(annotating)
}

/// Whether `schema` admits `null` (`nullable: true` on it or on an `allOf` member that only annotates it).
pub fn is_nullable(schema: &Schema) -> bool {
    annotations(schema).any(|data| data.nullable)
}

/// A `oneOf` or `anyOf` written beside an `allOf`.
#[derive(Clone, Copy)]
pub struct BesideUnion<'a> {
    /// Its alternatives.
    pub variants: &'a [ReferenceOr<Schema>],
    /// `oneOf` or `anyOf`.
    pub key: &'static str,
}

/// The shape of `schema`, and a reason when the schema contradicts itself and a shape had to be picked.
pub fn shape_of(schema: &Schema) -> (Shape<'_>, Option<String>) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => (
            Shape::String {
                format: match &s.format {
                    VariantOrUnknownOrEmpty::Item(f) => Some(string_format_name(f)),
                    VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                    VariantOrUnknownOrEmpty::Empty => None,
                },
                values: s.enumeration.iter().flatten().cloned().collect(),
                min_length: s.min_length,
                max_length: s.max_length,
            },
            None,
        ),
        SchemaKind::Type(Type::Integer(i)) => (
            Shape::Integer {
                int32: matches!(i.format, VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)),
                values: i.enumeration.iter().flatten().copied().collect(),
            },
            None,
        ),
        SchemaKind::Type(Type::Number(n)) => {
            (Shape::Number { float: matches!(n.format, VariantOrUnknownOrEmpty::Item(NumberFormat::Float)) }, None)
        }
        SchemaKind::Type(Type::Boolean(_)) => (Shape::Boolean, None),
        SchemaKind::Type(Type::Object(o)) => (
            Shape::Object(ObjectShape {
                properties: &o.properties,
                required: &o.required,
                additional: o.additional_properties.as_ref(),
                min_properties: o.min_properties,
                max_properties: o.max_properties,
                client_names: client_names(schema),
            }),
            None,
        ),
        SchemaKind::Type(Type::Array(a)) => (Shape::Array(a.items.as_ref()), None),
        SchemaKind::OneOf { one_of } => (Shape::OneOf(one_of), None),
        SchemaKind::AnyOf { any_of } => (Shape::AnyOf(any_of), None),
        SchemaKind::AllOf { all_of } => {
            (Shape::AllOf(AllOfShape { members: all_of, properties: None, union: None }), None)
        }
        SchemaKind::Not { .. } => (Shape::Any, Some("`not` cannot be expressed as a Rust type".into())),
        SchemaKind::Any(any) => shape_of_mixture(any, client_names(schema)),
    }
}

fn client_names(schema: &Schema) -> Option<&serde_json::Map<String, serde_json::Value>> {
    crate::load::extensions::field_names(&schema.schema_data.extensions)
}

fn shape_of_mixture<'a>(
    any: &'a openapiv3::AnySchema,
    client_names: Option<&'a serde_json::Map<String, serde_json::Value>>,
) -> (Shape<'a>, Option<String>) {
    let object = ObjectShape {
        properties: &any.properties,
        required: &any.required,
        additional: any.additional_properties.as_ref(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
        client_names,
    };
    let has_object_keywords = !any.properties.is_empty() || any.additional_properties.is_some();
    let typ = any.typ.as_deref();
    if !any.all_of.is_empty() {
        let union = if !any.one_of.is_empty() {
            Some(BesideUnion { variants: any.one_of.as_slice(), key: "oneOf" })
        } else if !any.any_of.is_empty() {
            Some(BesideUnion { variants: any.any_of.as_slice(), key: "anyOf" })
        } else {
            None
        };
        let properties = has_object_keywords.then_some(object);
        return (Shape::AllOf(AllOfShape { members: &any.all_of, properties, union }), None);
    }
    if !any.one_of.is_empty() {
        let note = has_object_keywords.then(|| "properties beside `oneOf` are ignored".to_string());
        return (Shape::OneOf(&any.one_of), note);
    }
    if !any.any_of.is_empty() {
        let note = has_object_keywords.then(|| "properties beside `anyOf` are ignored".to_string());
        return (Shape::AnyOf(&any.any_of), note);
    }
    match typ {
        Some("object") | None if has_object_keywords => (Shape::Object(object), None),
        Some("array") => (Shape::Array(any.items.as_ref()), None),
        Some(scalar @ ("string" | "integer" | "number" | "boolean")) => {
            let shape = match scalar {
                "string" => Shape::String {
                    format: any.format.as_deref(),
                    values: any.enumeration.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
                    min_length: any.min_length,
                    max_length: any.max_length,
                },
                "integer" => Shape::Integer {
                    int32: any.format.as_deref() == Some("int32"),
                    values: any.enumeration.iter().filter_map(serde_json::Value::as_i64).collect(),
                },
                "number" => Shape::Number { float: any.format.as_deref() == Some("float") },
                _ => Shape::Boolean,
            };
            let note = if has_object_keywords {
                Some(format!(
                    "`type: {scalar}` with `properties`: the declared type wins and the properties are ignored"
                ))
            } else if any.items.is_some() {
                Some(format!("`type: {scalar}` with `items`: the declared type wins"))
            } else if !any.enumeration.iter().all(|value| match scalar {
                "string" => value.is_string() || value.is_null(),
                "integer" => value.is_i64() || value.is_null(),
                "number" => value.is_number() || value.is_null(),
                _ => value.is_boolean() || value.is_null(),
            }) {
                Some(format!("`enum` values that are not {scalar}s are ignored"))
            } else {
                None
            };
            (shape, note)
        }
        Some("object") => (Shape::Object(object), None),
        Some(other) if !["null"].contains(&other) => (Shape::Any, Some(format!("unknown `type: {other}`"))),
        _ if any.items.is_some() => (Shape::Array(any.items.as_ref()), None),
        _ => (Shape::Any, None),
    }
}

fn string_format_name(format: &StringFormat) -> &'static str {
    match format {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}
