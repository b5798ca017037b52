//! Lowering of schemas into the IR's named types and type uses.
//!
//! Component schemas get their ids and names first, so forward and cyclic `$ref`s resolve; inline schemas that
//! need a named type (objects, enums, unions, constrained strings) are named from their position
//! (`Connector` + `source` → `ConnectorSource`). After all schemas are lowered, [`TypeLowerer::finish`] strips
//! discriminator properties from tagged variants and boxes the fields that close a cycle of types.

mod direction;
mod enums;
mod objects;
mod unions;

use enums::*;
use objects::*;
use unions::*;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};

use super::shape::{AllOfShape, BesideUnion, ObjectShape, Shape, annotations, is_nullable, only_annotates, shape_of};
use crate::diagnostic::{Diagnostic, child};
use crate::ir::{
    BoundedMap, Enum, EnumValue, EnumVariant, Field, FieldWire, Presence, Primitive, StringConstraints, Struct,
    Tagging, TypeDef, TypeId, TypeKind, TypeRef, Union, UnionVariant, UnknownFields,
};
use crate::naming::{NameCache, Namespace, type_name, value_name};
use crate::plan::graph::cycle_closing_slots;
pub use direction::Direction;
use direction::{TwoWay, component_pointer};

/// How deep `$ref` chains and nested schemas may go before lowering gives up (guards against stack overflow).
const MAX_DEPTH: usize = 64;

/// A schema or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    /// `$ref`.
    Ref(&'a str),
    /// An inline schema.
    Inline(&'a Schema),
}

/// From a schema box of openapiv3, which holds a schema by value or boxed.
impl<'a, S: std::borrow::Borrow<Schema>> From<&'a ReferenceOr<S>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<S>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema.borrow()),
        }
    }
}

/// A lowered type use and whether the schema allows `null`.
pub struct Lowered {
    /// The type.
    pub ty: TypeRef,
    /// `nullable: true` on the schema (or on the schema it refers to).
    pub nullable: bool,
}

impl Lowered {
    /// The type of an item of an array, map or tuple: `Option<T>` when it may be `null`.
    fn or_null(self) -> TypeRef {
        if self.nullable { TypeRef::Option(Box::new(self.ty)) } else { self.ty }
    }
}

/// String formats of OpenAPI and JSON Schema that need no type of their own: the value is kept as a `String`. With
/// them, numbers written as text (`int64` as protobuf's JSON mapping and grpc-gateway write 64-bit integers,
/// `decimal` as money APIs write amounts): kept exactly as sent.
const PLAIN_STRING_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "uint32",
    "uint64",
    "float",
    "double",
    "decimal",
    "byte",
    "binary",
    "password",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
    "time",
    "duration",
];

/// The extension that names a Rust type of the user's to use instead of generating one for a component schema.
const RUST_TYPE: &str = "x-rust-type";

/// Names the models crate's root holds besides the API's types (the support types it re-exports).
pub(crate) const MODELS_ROOT_ITEMS: &[&str] = &["ConstraintViolation", "Nullable"];

/// Builds the named types of one API.
pub struct TypeLowerer<'a> {
    document: &'a OpenAPI,
    file: &'a Path,
    types: Vec<TypeDef>,
    names: Namespace,
    components: IndexMap<String, TypeId>,
    /// Variants of discriminated unions and the tag property to strip from them.
    tagged_variants: Vec<(TypeId, String)>,
    depth: usize,
    /// The inline schemas being lowered (by address in the document): one met again inside itself (through an
    /// `allOf` of a component that holds it) would be inlined anew at every level.
    inline_in_progress: HashSet<usize>,
    /// Property and enum value names converted so far.
    name_cache: NameCache,
    /// String formats already reported as unknown (each is reported once, where it is first met).
    unknown_formats: HashSet<String>,
    /// Problems found so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Which way the values being lowered travel.
    direction: Direction,
    /// The schemas whose request and response types differ.
    two_way: TwoWay<'a>,
    /// The request types of two-way components, by component name.
    request_types: HashMap<&'a str, TypeId>,
    /// Request types reserved and not yet lowered.
    pending_requests: Vec<(&'a str, TypeId)>,
    /// The named types of inline schemas lowered as received, by address: the request type of a two-way schema
    /// reuses those of its parts that read as they are written.
    inline_named: HashMap<usize, TypeId>,
}

impl<'a> TypeLowerer<'a> {
    /// Starts lowering `document`, read from `file`.
    pub fn new(document: &'a OpenAPI, file: &'a Path) -> Self {
        let mut names = Namespace::default();
        for reserved in MODELS_ROOT_ITEMS {
            names.reserve(reserved);
        }
        Self {
            document,
            file,
            types: Vec::new(),
            names,
            components: IndexMap::new(),
            tagged_variants: Vec::new(),
            depth: 0,
            inline_in_progress: HashSet::new(),
            name_cache: NameCache::default(),
            unknown_formats: HashSet::new(),
            diagnostics: Vec::new(),
            direction: Direction::Response,
            two_way: TwoWay::default(),
            request_types: HashMap::new(),
            pending_requests: Vec::new(),
            inline_named: HashMap::new(),
        }
    }

    /// The spec file being lowered.
    pub fn file(&self) -> &'a Path {
        self.file
    }

    /// The kind of a type lowered (or being lowered) so far.
    pub fn kind_of(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(id.0).map(|def| &def.kind)
    }

    /// Records a warning.
    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(self.file, pointer, message));
    }

    /// Names a new type slot, reporting a clash with an earlier name.
    fn reserve(&mut self, candidate: &str, spec_name: &str, pointer: &str) -> TypeId {
        let (name, clashed) = self.names.claim(candidate);
        if clashed {
            self.warn(pointer, format!("the type name `{candidate}` is already taken; `{spec_name}` becomes `{name}`"));
        }
        self.types.push(TypeDef {
            name,
            spec_name: spec_name.to_string(),
            doc: None,
            kind: TypeKind::Alias(TypeRef::Any),
            custom: Default::default(),
        });
        TypeId(self.types.len() - 1)
    }

    fn def_mut(&mut self, id: TypeId) -> &mut TypeDef {
        &mut self.types[id.0]
    }

    fn name_of(&self, id: TypeId) -> String {
        self.types[id.0].name.clone()
    }

    /// Reserves names for all `components.schemas`, then lowers each as it is received (see [`Direction`]).
    pub fn lower_components(&mut self) {
        let Some(components) = &self.document.components else { return };
        self.find_two_way_components();
        for spec_name in components.schemas.keys() {
            let id = self.reserve(&type_name(spec_name), spec_name, &component_pointer(spec_name));
            self.components.insert(spec_name.clone(), id);
        }
        for spec_name in components.schemas.keys() {
            self.lower_component(spec_name, self.components[spec_name]);
        }
    }

    /// Lowers the component schema `spec_name` into the type `id`, in the current direction.
    fn lower_component(&mut self, spec_name: &'a str, id: TypeId) {
        let Some((_, schema)) = self.document.components.as_ref().and_then(|c| c.schemas.get_key_value(spec_name))
        else {
            return;
        };
        let pointer = component_pointer(spec_name);
        let name = self.name_of(id);
        let (kind, mut doc) = match schema {
            ReferenceOr::Reference { reference } => {
                let lowered = self.resolve_ref(reference, &pointer);
                (TypeKind::Alias(lowered.ty), None)
            }
            ReferenceOr::Item(schema) => match self.rust_type(schema, &pointer) {
                Some(path) => (TypeKind::External(path), schema_doc(schema)),
                None => (self.named_kind(schema, &pointer, &name), schema_doc(schema)),
            },
        };
        if self.direction == Direction::Request {
            let received = self.name_of(self.components[spec_name]);
            let note = format!(
                "[`{received}`] as it is sent in requests: without the read-only properties, with the write-only ones."
            );
            doc = Some(doc.map_or_else(|| note.clone(), |doc| format!("{doc}\n\n{note}")));
        }
        let def = self.def_mut(id);
        def.kind = kind;
        def.doc = doc;
    }

    /// The Rust type `x-rust-type` puts in place of a component schema, when it names one that parses.
    fn rust_type(&mut self, schema: &Schema, pointer: &str) -> Option<String> {
        let asked = schema.schema_data.extensions.get(RUST_TYPE)?;
        match asked.as_str() {
            Some(path) if syn::parse_str::<syn::Type>(path).is_ok() => Some(path.to_string()),
            _ => {
                self.warn(&child(pointer, RUST_TYPE), format!("`{RUST_TYPE}: {asked}` is not a Rust type; ignored"));
                None
            }
        }
    }

    /// The component schema a `$ref` names, if it is a local `#/components/schemas/…` reference that exists.
    fn component_schema(&self, reference: &str) -> Option<(&'a String, &'a ReferenceOr<Schema>)> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        let name = crate::diagnostic::unescape_pointer_token(name);
        self.document.components.as_ref()?.schemas.get_key_value(&name)
    }

    /// Follows `$ref` chains to an inline schema (at most [`MAX_DEPTH`] hops).
    pub(super) fn deref_schema(&self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        let mut current = schema;
        for _ in 0..MAX_DEPTH {
            match current {
                SchemaRef::Inline(schema) => return Some(schema),
                SchemaRef::Ref(reference) => current = SchemaRef::from(self.component_schema(reference)?.1),
            }
        }
        None
    }

    fn resolve_ref(&mut self, reference: &str, pointer: &str) -> Lowered {
        let Some((name, target)) = self.component_schema(reference) else {
            if reference.starts_with("#/") {
                self.warn(
                    pointer,
                    format!("`$ref: {reference}` points to no schema in this document; using `serde_json::Value`"),
                );
            } else {
                self.warn(pointer, format!("`$ref: {reference}` points outside this document, which is not supported yet; using `serde_json::Value`"));
            }
            return Lowered { ty: TypeRef::Any, nullable: false };
        };
        let nullable = matches!(target, ReferenceOr::Item(schema) if is_nullable(schema));
        let id = if self.direction == Direction::Request && self.is_two_way_component(name) {
            self.request_type(name)
        } else {
            self.components[name.as_str()]
        };
        Lowered { ty: TypeRef::Named(id), nullable }
    }

    /// Lowers a use of a schema at `pointer`; inline schemas that need a named type are named `hint`.
    pub fn type_ref(&mut self, schema: SchemaRef<'a>, pointer: &str, hint: &str) -> Lowered {
        match schema {
            SchemaRef::Ref(reference) => self.resolve_ref(reference, pointer),
            SchemaRef::Inline(schema) => {
                if self.depth >= MAX_DEPTH {
                    self.warn(
                        pointer,
                        format!("schemas nest deeper than {MAX_DEPTH} levels; the deeper part is `serde_json::Value`"),
                    );
                    return Lowered { ty: TypeRef::Any, nullable: false };
                }
                let address = std::ptr::from_ref(schema) as usize;
                if self.direction == Direction::Request
                    && let Some(&id) = self.inline_named.get(&address)
                    && !self.is_two_way_inline(schema)
                {
                    return Lowered { ty: TypeRef::Named(id), nullable: is_nullable(schema) };
                }
                if !self.inline_in_progress.insert(address) {
                    self.warn(
                        pointer,
                        "this inline schema contains itself (through an `allOf` of a schema that holds it); inside \
                         itself it is `serde_json::Value`",
                    );
                    return Lowered { ty: TypeRef::Any, nullable: false };
                }
                self.depth += 1;
                let ty = self.inline_type(schema, pointer, hint);
                self.depth -= 1;
                self.inline_in_progress.remove(&address);
                Lowered { ty, nullable: is_nullable(schema) }
            }
        }
    }

    fn inline_type(&mut self, schema: &'a Schema, pointer: &str, hint: &str) -> TypeRef {
        let (shape, note) = shape_of(schema);
        if let Some(note) = note {
            self.warn(pointer, note);
        }
        self.inline_type_of_shape(schema, shape, pointer, hint)
    }

    /// [`Self::inline_type`] once the shape is known (and any note on it reported).
    fn inline_type_of_shape(&mut self, schema: &'a Schema, shape: Shape<'a>, pointer: &str, hint: &str) -> TypeRef {
        match shape {
            Shape::String { format, ref values, min_length, max_length } => {
                if values.is_empty() && min_length.is_none() && max_length.is_none() {
                    return self.string_type(format, pointer);
                }
                if !values.is_empty() || !is_typed_format(format) {
                    return self.new_named(hint, hint, schema, pointer);
                }
                self.string_type(format, pointer)
            }
            Shape::Integer { values, .. } if !values.is_empty() => self.new_named(hint, hint, schema, pointer),
            Shape::Integer { int32: true, .. } => TypeRef::I32,
            Shape::Integer { .. } => TypeRef::I64,
            Shape::Number { float: true } => TypeRef::F32,
            Shape::Number { float: false } => TypeRef::F64,
            Shape::Boolean => TypeRef::Bool,
            Shape::Array(items) => match tuple_members(schema, items) {
                Some(members) => self.tuple_type(members, pointer, hint),
                None => TypeRef::Array(Box::new(self.items_type(items, pointer, hint))),
            },
            Shape::Object(object) => {
                if !object.properties.is_empty() || is_bounded(&object) {
                    return self.new_named(hint, hint, schema, pointer);
                }
                self.map_type(object.additional, pointer, hint)
            }
            Shape::OneOf(variants) | Shape::AnyOf(variants) => {
                // One real variant is just that type, unless a discriminator asks for a tagged enum.
                let single =
                    if schema.schema_data.discriminator.is_none() { self.single_non_null(variants) } else { None };
                if let Some(single) = single {
                    let key = if matches!(shape, Shape::OneOf(_)) { "oneOf" } else { "anyOf" };
                    return self.type_ref(single.into(), &child(&child(pointer, key), "0"), hint).ty;
                }
                if self.is_any_string(schema, variants) {
                    return TypeRef::String;
                }
                self.new_named(hint, hint, schema, pointer)
            }
            Shape::AllOf(all_of) => match self.all_of_stands_for(&all_of, pointer) {
                Some((index, only)) => {
                    self.type_ref(only.into(), &child(&child(pointer, "allOf"), &index.to_string()), hint).ty
                }
                None => self.new_named(hint, hint, schema, pointer),
            },
            Shape::Any => TypeRef::Any,
        }
    }

    fn items_type(&mut self, items: Option<&'a ReferenceOr<Box<Schema>>>, pointer: &str, hint: &str) -> TypeRef {
        match items {
            Some(items) => self.type_ref(items.into(), &child(pointer, "items"), &format!("{hint}Item")).or_null(),
            None => {
                self.warn(pointer, "an array without `items`: its items are `serde_json::Value`");
                TypeRef::Any
            }
        }
    }

    /// A tuple of the types of `members` (`prefixItems`, located there in the source).
    fn tuple_type(&mut self, members: &'a [ReferenceOr<Schema>], pointer: &str, hint: &str) -> TypeRef {
        let at = child(pointer, "prefixItems");
        let items = members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                let lowered = self.type_ref(member.into(), &child(&at, &index.to_string()), &format!("{hint}{index}"));
                lowered.or_null()
            })
            .collect();
        TypeRef::Tuple(items)
    }

    fn map_type(&mut self, additional: Option<&'a AdditionalProperties>, pointer: &str, hint: &str) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let value = self.type_ref(
                    value.as_ref().into(),
                    &child(pointer, "additionalProperties"),
                    &format!("{hint}Value"),
                );
                TypeRef::Map(Box::new(value.or_null()))
            }
            _ => TypeRef::Object,
        }
    }

    /// The one variant of a `oneOf`/`anyOf` that is not merely `null`, when there is exactly one.
    fn single_non_null(&self, variants: &'a [ReferenceOr<Schema>]) -> Option<&'a ReferenceOr<Schema>> {
        let mut real = variants.iter().filter(|v| !is_null_schema(v));
        let first = real.next()?;
        real.next().is_none().then_some(first)
    }

    fn string_type(&mut self, format: Option<&str>, pointer: &str) -> TypeRef {
        match format {
            Some("uuid") => TypeRef::Primitive(Primitive::Uuid),
            Some("date-time") => TypeRef::Primitive(Primitive::DateTime),
            Some("date") => TypeRef::Primitive(Primitive::Date),
            Some("uri" | "url") => TypeRef::Primitive(Primitive::Url),
            Some(format) if PLAIN_STRING_FORMATS.contains(&format) => TypeRef::String,
            None => TypeRef::String,
            Some(other) => {
                if self.unknown_formats.insert(other.to_string()) {
                    let message = format!(
                        "unknown string format {other:?}: using `String` (reported once, here where it is first used)"
                    );
                    self.warn(pointer, message);
                }
                TypeRef::String
            }
        }
    }

    /// Creates a named type for an inline schema.
    fn new_named(&mut self, hint: &str, spec_name: &str, schema: &'a Schema, pointer: &str) -> TypeRef {
        let id = self.reserve(&type_name(hint), spec_name, pointer);
        if self.direction == Direction::Response {
            self.inline_named.entry(std::ptr::from_ref(schema) as usize).or_insert(id);
        }
        let name = self.name_of(id);
        let kind = self.named_kind(schema, pointer, &name);
        let def = self.def_mut(id);
        def.kind = kind;
        def.doc = schema_doc(schema);
        TypeRef::Named(id)
    }

    /// The kind of the named type `name` described by `schema`.
    fn named_kind(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> TypeKind {
        let (shape, note) = shape_of(schema);
        if let Some(note) = note {
            self.warn(pointer, note);
        }
        match shape {
            Shape::String { format, values, min_length, max_length } => {
                if !values.is_empty() {
                    let values: Vec<EnumValue> = values.iter().map(|v| EnumValue::Str(v.clone())).collect();
                    return TypeKind::Enum(enum_type(&values, schema));
                }
                if (min_length.is_some() || max_length.is_some()) && !is_typed_format(format) {
                    return TypeKind::ConstrainedString(StringConstraints {
                        min_length: min_length.map(|n| n as u64),
                        max_length: max_length.map(|n| n as u64),
                    });
                }
                TypeKind::Alias(self.string_type(format, pointer))
            }
            Shape::Object(object) => {
                if object.properties.is_empty() {
                    if is_bounded(&object) {
                        return TypeKind::BoundedMap(self.bounded_map(schema, &object, pointer, name));
                    }
                    return TypeKind::Alias(self.map_type(object.additional, pointer, name));
                }
                let parts = Parts { objects: vec![(object, pointer.to_string())], unions: Vec::new() };
                TypeKind::Struct(self.lower_struct(&parts, pointer, name))
            }
            Shape::OneOf(variants) | Shape::AnyOf(variants) => {
                if let Some(constants) = self.const_enum(schema, variants) {
                    return TypeKind::Enum(constants);
                }
                if self.is_any_string(schema, variants) {
                    return TypeKind::Alias(TypeRef::String);
                }
                let key = if matches!(shape, Shape::OneOf(_)) { "oneOf" } else { "anyOf" };
                TypeKind::Union(self.lower_union(schema, variants, &child(pointer, key), name))
            }
            Shape::AllOf(all_of) => self.lower_all_of(schema, all_of, pointer, name),
            Shape::Integer { values, .. } if !values.is_empty() => {
                let values: Vec<EnumValue> = values.iter().map(|v| EnumValue::Int(*v)).collect();
                TypeKind::Enum(enum_type(&values, schema))
            }
            other => TypeKind::Alias(self.inline_type_of_shape(schema, other, pointer, name)),
        }
    }

    /// Finishes lowering: strips tag properties from discriminated variants, boxes cycle-closing fields and
    /// returns the types with all diagnostics.
    ///
    /// Also returns the inline types that only a stripped tag property used (they are to be dropped).
    pub fn finish(mut self) -> (Vec<TypeDef>, BTreeSet<TypeId>, Vec<Diagnostic>) {
        let mut types = std::mem::take(&mut self.types);
        let components: BTreeSet<TypeId> =
            self.components.values().chain(self.request_types.values()).copied().collect();
        let mut orphans = BTreeSet::new();
        // Unions that cannot be internally tagged are demoted first: their variants keep the tag property, so a
        // closed variant still reads `{"kind": "circle", …}` and writes the tag back.
        demote_untaggable_unions(&mut types, &self.components, &mut self.diagnostics, self.file);
        keep_tags_where_one_variant_does(&mut types);
        let still_tagged: BTreeSet<(TypeId, &str)> = types
            .iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Union(Union { tagging: Tagging::Internal(tag), variants, .. }) => Some((tag, variants)),
                _ => None,
            })
            .flat_map(|(tag, variants)| {
                (variants.iter().filter(|v| !v.keeps_tag))
                    .filter_map(|v| v.payload.as_ref()?.direct_named())
                    .map(move |id| (id, tag.as_str()))
            })
            .collect();
        let still_tagged: BTreeSet<(TypeId, String)> =
            still_tagged.into_iter().map(|(id, tag)| (id, tag.to_string())).collect();
        for (id, tag) in std::mem::take(&mut self.tagged_variants) {
            if !still_tagged.contains(&(id, tag.clone())) {
                continue;
            }
            if let TypeKind::Struct(s) = &mut types[id.0].kind {
                // An inline schema is used only where it is written, so its type goes with the property.
                let stripped =
                    s.fields.iter().filter(|f| f.json_name() == Some(tag.as_str())).filter_map(|f| f.ty.direct_named());
                orphans.extend(stripped.filter(|id| !components.contains(id)));
                s.fields.retain(|f| f.json_name() != Some(tag.as_str()));
            }
        }
        report_alias_cycles(&mut types, &mut self.diagnostics, self.file);
        box_cycles(&mut types);
        (types, orphans, self.diagnostics)
    }
}

/// A type that keeps its tag property as a variant of several tags in one union (see [`UnionVariant::keeps_tag`])
/// keeps it in every union: where it is a variant of one tag, it is written and decoded with its tag there too.
fn keep_tags_where_one_variant_does(types: &mut [TypeDef]) {
    // (union, variant, the variant's type, whether it keeps its tag)
    let mut found = Vec::new();
    for (index, def) in types.iter().enumerate() {
        if let TypeKind::Union(Union { tagging: Tagging::Internal(_), variants, .. }) = &def.kind {
            for (slot, variant) in variants.iter().enumerate() {
                if let Some(id) = variant.payload.as_ref().and_then(TypeRef::direct_named) {
                    found.push((index, slot, id, variant.keeps_tag));
                }
            }
        }
    }
    let keeping: BTreeSet<TypeId> = found.iter().filter(|(.., keeps)| *keeps).map(|(_, _, id, _)| *id).collect();
    for (index, slot, id, keeps) in found {
        if !keeps
            && keeping.contains(&id)
            && let TypeKind::Union(union) = &mut types[index].kind
        {
            union.variants[slot].keeps_tag = true;
        }
    }
}

/// Schemas that are only `$ref`s to each other in a circle describe no type at all; each is reported once, at the
/// schema where the circle is first entered, which is read as any JSON value (breaking the circle).
fn report_alias_cycles(types: &mut [TypeDef], diagnostics: &mut Vec<Diagnostic>, file: &Path) {
    let mut reported = BTreeSet::new();
    for start in 0..types.len() {
        if reported.contains(&start) {
            continue;
        }
        let mut seen = vec![start];
        let mut current = start;
        while let TypeKind::Alias(TypeRef::Named(next)) = &types[current].kind {
            if seen.contains(&next.0) {
                let cycle: Vec<&str> = seen.iter().map(|i| types[*i].spec_name.as_str()).collect();
                if next.0 == start {
                    reported.extend(seen.iter().copied());
                    diagnostics.push(Diagnostic::warning(
                        file,
                        format!(
                            "#/components/schemas/{}",
                            crate::diagnostic::escape_pointer_token(&types[start].spec_name)
                        ),
                        format!(
                            "cyclic `$ref`: {} → {} refer only to each other; `{}` is read as any JSON value",
                            cycle.join(" → "),
                            types[start].spec_name,
                            types[start].spec_name
                        ),
                    ));
                    types[start].kind = TypeKind::Alias(TypeRef::Any);
                }
                break;
            }
            seen.push(next.0);
            current = next.0;
        }
    }
}

/// Boxes exactly the fields and variants that close a cycle of types held by value (see
/// [`cycle_closing_slots`]), so recursive types have finite size and nothing else is boxed.
fn box_cycles(types: &mut [TypeDef]) {
    for (id, slot) in cycle_closing_slots(types) {
        match &mut types[id.0].kind {
            TypeKind::Struct(s) => s.fields[slot].boxed = true,
            TypeKind::Union(u) => u.variants[slot].boxed = true,
            _ => {}
        }
    }
}

/// The item schemas of a tuple (an array marked by normalization, whose `items` is a `oneOf` of them).
fn tuple_members<'a>(
    schema: &'a Schema,
    items: Option<&'a ReferenceOr<Box<Schema>>>,
) -> Option<&'a [ReferenceOr<Schema>]> {
    if !crate::load::extensions::is_tuple(&schema.schema_data.extensions) {
        return None;
    }
    match items? {
        ReferenceOr::Item(items) => match &items.schema_kind {
            openapiv3::SchemaKind::OneOf { one_of } => Some(one_of),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

/// `format`s that map to their own Rust type, where length limits add nothing.
fn is_typed_format(format: Option<&str>) -> bool {
    matches!(format, Some("uuid" | "date-time" | "date" | "uri" | "url"))
}

/// A `oneOf` member that only admits `null` (`{nullable: true}` with nothing else, or `{type: "null"}`).
fn is_null_schema(schema: &ReferenceOr<Schema>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            openapiv3::SchemaKind::Any(any) => {
                any.typ.as_deref() == Some("null")
                    || (schema.schema_data.nullable && any.typ.is_none() && any.properties.is_empty())
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    }
}

/// Rustdoc for a type: title and description.
pub fn schema_doc(schema: &Schema) -> Option<String> {
    let data = annotations(schema).find(|data| data.title.is_some() || data.description.is_some())?;
    let parts: Vec<&str> = [data.title.as_deref(), data.description.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| crate::rustdoc::rustdoc_safe(&parts.join("\n\n")))
}

/// Rustdoc for a field: the description, plus the constraints and default a reader needs.
pub(super) fn field_doc(schema: &Schema) -> Option<String> {
    let mut notes = Vec::new();
    if let Some(default) = annotations(schema).find_map(|data| data.default.as_ref()) {
        notes.push(format!("Default: `{default}`."));
    }
    if annotations(schema).any(|data| data.read_only) {
        notes.push("Read-only: set by the server, left out of requests.".to_string());
    }
    if annotations(schema).any(|data| data.write_only) {
        notes.push("Write-only: sent in requests, never returned.".to_string());
    }
    if annotations(schema).any(|data| data.deprecated) {
        notes.push("Deprecated.".to_string());
    }
    let description = schema_doc(schema);
    let parts: Vec<String> = description.into_iter().chain((!notes.is_empty()).then(|| notes.join(" "))).collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{HEAD, lower_yaml, type_named, warnings};

    #[test]
    fn secrets_are_named_by_their_last_words() {
        let string = TypeRef::String;
        for name in ["password", "client_secret", "secret_access_key", "account_key", "key_json", "private_key_pem"] {
            assert!(is_secret(name, None, &string), "{name}");
        }
        assert!(is_secret("ssl_key", None, &TypeRef::Array(Box::new(TypeRef::I32))));
        for name in ["access_key_id", "token_endpoint", "ssl_key_location", "next_page_token", "public_key", "key"] {
            assert!(!is_secret(name, None, &string), "{name}");
        }
        assert!(!is_secret("secret", None, &TypeRef::Bool), "a flag saying whether something is secret");
    }

    #[test]
    fn an_all_of_whose_other_members_only_annotate_is_the_one_typed_member() {
        // AWS's and many converted Swagger documents describe a use of a referenced schema this way.
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Arn: {{type: string, minLength: 20}}
    Pet: {{type: object, properties: {{name: {{type: string}}}}}}
    Described:
      allOf:
        - {{type: object, properties: {{a: {{type: string}}}}}}
        - description: An inline object, described.
    Cat:
      allOf: [{{$ref: '#/components/schemas/Pet'}}, {{description: A pet of its own kind.}}]
    Handle:
      allOf: [{{$ref: '#/components/schemas/Arn'}}, {{description: An ARN by another name.}}]
    Holder:
      type: object
      required: [arn]
      properties:
        arn:
          allOf: [{{$ref: '#/components/schemas/Arn'}}, {{description: The ARN.}}]
        pet:
          allOf: [{{$ref: '#/components/schemas/Pet'}}, {{description: The pet., nullable: true}}]
        created:
          allOf: [{{$ref: '#/components/schemas/Arn'}}, {{readOnly: true}}]
        longer:
          allOf: [{{$ref: '#/components/schemas/Arn'}}, {{type: string, maxLength: 40}}]
"
        ));
        let TypeKind::Struct(holder) = &type_named(&api, "Holder").kind else { panic!("a struct") };
        let id_of = |name: &str| TypeRef::Named(TypeId(api.types.iter().position(|t| t.name == name).unwrap()));
        let (arn, pet) = (id_of("Arn"), id_of("Pet"));
        let fields: Vec<(&str, &TypeRef, Presence, Option<&str>)> =
            holder.fields.iter().map(|f| (f.name.as_str(), &f.ty, f.presence, f.doc.as_deref())).collect();
        assert_eq!(
            fields,
            [
                ("arn", &arn, Presence::Required, Some("The ARN.")),
                ("pet", &pet, Presence::OptionalNullable, Some("The pet.")),
                ("created", &arn, Presence::Optional, Some("Read-only: set by the server, left out of requests.")),
                ("longer", &arn, Presence::Optional, None),
            ]
        );
        let described = type_named(&api, "Described");
        assert!(matches!(&described.kind, TypeKind::Struct(s) if s.fields.len() == 1), "its own struct, no alias");
        assert_eq!(described.doc.as_deref(), Some("An inline object, described."));
        // A named schema that describes an object schema further is a type of its own (a subtype, which a
        // discriminated union strips its tag from); one that describes anything else is that type by another name.
        let cat = type_named(&api, "Cat");
        assert!(matches!(&cat.kind, TypeKind::Struct(s) if s.fields.len() == 1), "Cat is a struct of its own");
        assert_eq!(cat.doc.as_deref(), Some("A pet of its own kind."));
        assert!(matches!(&type_named(&api, "Handle").kind, TypeKind::Alias(ty) if *ty == arn));
        assert_eq!(
            warnings(&diagnostics),
            [
                "an `allOf` of schemas that are not objects: the value has the type of member 0; what the others add is not checked"
            ]
        );
        assert_eq!(diagnostics[0].pointer, "#/components/schemas/Holder/properties/longer/allOf");
    }

    #[test]
    fn an_all_of_member_that_refines_a_property_keeps_its_name_and_place() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Base: {{type: object, required: [id], properties: {{id: {{type: string, description: The id.}}, name: {{type: string}}}}}}
    Child:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties: {{id: {{type: string, format: uuid}}}}
"
        ));
        let child = type_named(&api, "Child");
        let TypeKind::Struct(s) = &child.kind else { panic!("a struct") };
        let fields: Vec<(&str, Presence)> = s.fields.iter().map(|f| (f.name.as_str(), f.presence)).collect();
        assert_eq!(fields, [("id", Presence::Required), ("name", Presence::Optional)]);
        assert_eq!(s.fields[0].ty, TypeRef::Primitive(crate::ir::Primitive::Uuid));
        assert_eq!(s.fields[0].doc.as_deref(), Some("The id."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn number_and_boolean_enums_are_not_reported_as_mistyped() {
        let (_, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Ratio: {{type: number, enum: [1.5, 2]}}
    Flag: {{type: boolean, enum: [true]}}
    Mixed: {{type: number, enum: [1.5, nope]}}
"
        ));
        let messages = warnings(&diagnostics);
        assert_eq!(messages, ["`enum` values that are not numbers are ignored"], "{diagnostics:?}");
        assert_eq!(diagnostics[0].pointer, "#/components/schemas/Mixed");
    }

    #[test]
    fn a_note_on_a_named_component_is_reported_once() {
        let (_, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Odd: {{type: boolean, properties: {{a: {{type: string}}}}}}
    Never: {{not: {{type: string}}}}
"
        ));
        let messages = warnings(&diagnostics);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`type: boolean` with `properties`"));
        assert!(messages[1].contains("`not`"));
    }

    #[test]
    fn discriminated_variants_are_tagged_by_the_value_they_allow() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Event:
      oneOf:
        - $ref: '#/components/schemas/Created'
        - allOf:
            - $ref: '#/components/schemas/Deleted'
            - {{type: object, properties: {{lane: {{type: string}}}}}}
      discriminator: {{propertyName: type}}
    Created: {{type: object, required: [type], properties: {{type: {{type: string, enum: [item.created]}}}}}}
    Deleted: {{type: object, required: [type], properties: {{type: {{type: string, enum: [item.deleted]}}}}}}
    Message:
      oneOf:
        - $ref: '#/components/schemas/Input'
        - $ref: '#/components/schemas/Output'
      discriminator: {{propertyName: type}}
    Input: {{type: object, properties: {{type: {{type: string, enum: [message]}}, text: {{type: string}}}}}}
    Output: {{type: object, properties: {{type: {{type: string, enum: [message]}}, id: {{type: string}}}}}}
"
        ));
        let union = |name: &str| match &type_named(&api, name).kind {
            TypeKind::Union(union) => union.clone(),
            other => panic!("{name} is {other:?}"),
        };
        let event = union("Event");
        let tags: Vec<&str> = event.variants.iter().filter_map(|v| v.tag.as_deref()).collect();
        assert_eq!(tags, ["item.created", "item.deleted"], "the enum value, not the schema name or the position");
        assert_eq!(event.tagging, crate::ir::Tagging::Internal("type".into()));
        let message = union("Message");
        assert_eq!(message.tagging, crate::ir::Tagging::Internal("type".into()), "a catch-all for other tags");
        let keeps: Vec<(&str, bool)> = message.variants.iter().map(|v| (v.name.as_str(), v.keeps_tag)).collect();
        assert_eq!(keeps, [("Input", true), ("Output", true)], "two variants share `message`: tried in order");
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("share a value") && d.pointer == "#/components/schemas/Message/oneOf"),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn only_the_field_that_closes_a_cycle_of_values_is_boxed() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Tree:
      type: object
      properties:
        parent: {{$ref: '#/components/schemas/Parent'}}
        children: {{type: array, items: {{$ref: '#/components/schemas/Tree'}}}}
        label: {{$ref: '#/components/schemas/Label'}}
    Parent: {{$ref: '#/components/schemas/Tree'}}
    Label:
      type: object
      properties:
        tree: {{$ref: '#/components/schemas/Tree'}}
"
        ));
        let boxed = |name: &str| -> Vec<&str> {
            match &type_named(&api, name).kind {
                TypeKind::Struct(s) => s.fields.iter().filter(|f| f.boxed).map(|f| f.name.as_str()).collect(),
                _ => panic!("{name} is a struct"),
            }
        };
        // `parent` holds a `Tree` through an alias; `children` is a `Vec` (already on the heap); `Label` closes
        // the cycle `Tree` → `Label` → `Tree` at its field, as `Tree` is walked first.
        assert_eq!(boxed("Tree"), ["parent"]);
        assert_eq!(boxed("Label"), ["tree"]);
    }

    #[test]
    fn required_optional_and_nullable_are_kept_apart() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Item:
      type: object
      required: [id, parent, etag]
      properties:
        id: {{type: string}}
        parent: {{type: string, nullable: true}}
        note: {{type: string}}
        cleared: {{type: string, nullable: true}}
        etag: {{type: string, readOnly: true}}
        password: {{type: string, writeOnly: true}}
"
        ));
        let TypeKind::Struct(item) = &type_named(&api, "Item").kind else { panic!("a struct") };
        let presence: Vec<(&str, Presence)> = item.fields.iter().map(|f| (f.name.as_str(), f.presence)).collect();
        assert_eq!(
            presence,
            [
                ("id", Presence::Required),
                ("parent", Presence::RequiredNullable),
                ("note", Presence::Optional),
                ("cleared", Presence::OptionalNullable),
                ("etag", Presence::Required),
            ],
            "as received, a required readOnly property is there and a writeOnly one is not"
        );
    }

    #[test]
    fn a_one_of_of_constants_is_an_enum_named_by_titles() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    ReactionType:
      type: integer
      oneOf:
        - {{title: NORMAL, description: A normal reaction., type: integer, enum: [0]}}
        - {{title: BURST, type: integer, enum: [1]}}
    Mode:
      oneOf: [{{type: string, enum: [fast]}}, {{type: string, enum: [slow], title: ''}}]
    Mixed:
      oneOf: [{{type: string, enum: [a]}}, {{type: integer, enum: [1]}}]
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let TypeKind::Enum(reaction) = &type_named(&api, "ReactionType").kind else { panic!("an enum") };
        let variants: Vec<(&str, String, Option<&str>)> =
            reaction.variants.iter().map(|v| (v.name.as_str(), v.value.to_string(), v.doc.as_deref())).collect();
        assert_eq!(variants, [("Normal", "0".into(), Some("A normal reaction.")), ("Burst", "1".into(), None)]);
        assert_eq!(reaction.repr(), crate::ir::EnumRepr::Integer);
        let TypeKind::Enum(mode) = &type_named(&api, "Mode").kind else { panic!("an enum") };
        let names: Vec<&str> = mode.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Fast", "Slow"], "no title (or an empty one): named by the value");
        assert!(matches!(type_named(&api, "Mixed").kind, TypeKind::Union(_)), "values of two kinds stay a union");
    }

    #[test]
    fn any_string_or_some_named_strings_is_a_string() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Duration:
      description: A duration, `-1` for none.
      oneOf: [{{type: string}}, {{type: string, enum: ['-1']}}, {{type: string, enum: ['0']}}]
    Names:
      oneOf: [{{type: string, enum: [a]}}, {{type: string, enum: [b]}}]
    Either:
      oneOf: [{{type: string}}, {{type: integer}}]
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(matches!(type_named(&api, "Duration").kind, TypeKind::Alias(TypeRef::String)));
        assert_eq!(type_named(&api, "Duration").doc.as_deref(), Some("A duration, `-1` for none."));
        assert!(matches!(type_named(&api, "Names").kind, TypeKind::Enum(_)), "no plain string: the named values");
        assert!(matches!(type_named(&api, "Either").kind, TypeKind::Union(_)), "a number is not a string");
    }

    #[test]
    fn x_rust_type_puts_the_users_type_in_place_of_a_component() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Money: {{type: object, x-rust-type: 'acme::Money', properties: {{amount: {{type: string}}}}}}
    Broken: {{type: string, x-rust-type: 'not a type'}}
"
        ));
        assert!(matches!(&type_named(&api, "Money").kind, TypeKind::External(path) if path == "acme::Money"));
        assert!(matches!(&type_named(&api, "Broken").kind, TypeKind::Alias(TypeRef::String)));
        assert_eq!(warnings(&diagnostics), ["`x-rust-type: \"not a type\"` is not a Rust type; ignored"]);
        assert_eq!(diagnostics[0].pointer, "#/components/schemas/Broken/x-rust-type");
    }

    #[test]
    fn a_schema_with_one_way_properties_is_sent_as_its_request_type() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /pets:
    post:
      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}
      responses:
        '201': {{description: made, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}
  /owners:
    post:
      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Owner'}}}}}}}}
      responses: {{'204': {{description: made}}}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name, secret]
      properties:
        id: {{type: string, readOnly: true}}
        name: {{type: string}}
        secret: {{type: string, writeOnly: true}}
        status: {{type: string, enum: [sold, kept]}}
        tag: {{$ref: '#/components/schemas/Tag'}}
    Owner:
      type: object
      properties:
        pets: {{type: array, items: {{$ref: '#/components/schemas/Pet'}}}}
        tag: {{$ref: '#/components/schemas/Tag'}}
    Tag:
      type: object
      properties:
        label: {{type: string}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let fields = |name: &str| -> Vec<(String, Presence, String)> {
            let TypeKind::Struct(s) = &type_named(&api, name).kind else { panic!("{name} is a struct") };
            s.fields.iter().map(|f| (f.name.clone(), f.presence, format!("{:?}", f.ty))).collect()
        };
        let id_of = |name: &str| TypeRef::Named(TypeId(api.types.iter().position(|t| t.name == name).unwrap()));
        let names = |fields: Vec<(String, Presence, String)>| -> Vec<(String, Presence)> {
            fields.into_iter().map(|(name, presence, _)| (name, presence)).collect()
        };
        assert_eq!(
            names(fields("Pet")),
            [
                ("id".into(), Presence::Required),
                ("name".into(), Presence::Required),
                ("status".into(), Presence::Optional),
                ("tag".into(), Presence::Optional)
            ],
            "received: the read-only id, not the write-only secret"
        );
        let sent = fields("PetRequest");
        assert_eq!(
            names(sent.clone()),
            [
                ("name".into(), Presence::Required),
                ("secret".into(), Presence::Required),
                ("status".into(), Presence::Optional),
                ("tag".into(), Presence::Optional)
            ],
            "sent: the write-only secret, not the read-only id"
        );
        assert_eq!(sent[2].2, format!("{:?}", id_of("PetStatus")), "parts that read as written are shared");
        assert_eq!(sent[3].2, format!("{:?}", id_of("Tag")));
        let owner = fields("OwnerRequest");
        assert_eq!(
            owner[0].2,
            format!("{:?}", TypeRef::Array(Box::new(id_of("PetRequest")))),
            "a user of a two-way schema is two-way"
        );
        let type_names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(type_names, ["Pet", "Owner", "Tag", "PetStatus", "PetRequest", "OwnerRequest"]);
        let bodies: Vec<TypeRef> = api
            .operations
            .iter()
            .map(|op| match &op.body.as_ref().unwrap().kind {
                crate::ir::RequestBodyKind::Json { ty, .. } => ty.clone(),
                _ => panic!("a JSON body"),
            })
            .collect();
        assert_eq!(format!("{bodies:?}"), format!("{:?}", [id_of("PetRequest"), id_of("OwnerRequest")]));
        assert_eq!(
            type_named(&api, "PetRequest").doc.as_deref(),
            Some("[`Pet`] as it is sent in requests: without the read-only properties, with the write-only ones.")
        );
    }

    #[test]
    fn inline_schemas_that_need_a_type_are_named_from_where_they_are() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Connector:
      type: object
      properties:
        source: {{type: object, properties: {{url: {{type: string, format: uri}}}}}}
        mode: {{type: string, enum: [read, write]}}
        tags: {{type: array, items: {{type: object, properties: {{k: {{type: string}}}}}}}}
        labels: {{type: object, additionalProperties: {{type: string}}}}
"
        ));
        let TypeKind::Struct(connector) = &type_named(&api, "Connector").kind else { panic!("a struct") };
        let names: Vec<String> = connector
            .fields
            .iter()
            .map(|f| match &f.ty {
                TypeRef::Named(id) => api.type_def(*id).name.clone(),
                TypeRef::Array(item) => match item.as_ref() {
                    TypeRef::Named(id) => format!("Vec<{}>", api.type_def(*id).name),
                    other => format!("{other:?}"),
                },
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(names, ["ConnectorSource", "ConnectorMode", "Vec<ConnectorTagsItem>", "Map(String)"]);
    }
}

#[cfg(test)]
mod inline_cycles {
    use crate::lower::test_support::{HEAD, lower_yaml, type_named, warnings};

    #[test]
    fn an_inline_schema_met_again_inside_itself_is_any_value_there_not_inlined_anew() {
        // Each property inlines `Dog` again, whose parts hold the same inline properties: before the guard this
        // took time exponential in the nesting limit (found by the fuzzer).
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Pet: {{type: object, properties: {{name: {{type: string}}}}}}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          properties:
            a: {{allOf: [{{$ref: '#/components/schemas/Dog'}}, {{properties: {{x: {{type: string}}}}}}]}}
            b: {{allOf: [{{$ref: '#/components/schemas/Dog'}}, {{properties: {{y: {{type: string}}}}}}]}}
"
        ));
        assert!(matches!(type_named(&api, "Dog").kind, crate::ir::TypeKind::Struct(_)));
        assert!(api.types.len() < 20, "{} types", api.types.len());
        let cycles = warnings(&diagnostics).into_iter().filter(|w| w.contains("contains itself")).count();
        assert!(cycles > 0, "{diagnostics:?}");
    }
}

#[cfg(test)]
mod variants_of_several_tags {
    use crate::ir::{Tagging, TypeKind};
    use crate::lower::test_support::{HEAD, lower_yaml, type_named};

    #[test]
    fn a_variant_of_several_tags_keeps_its_tag_property_in_every_union() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Output:
      oneOf:
        - $ref: '#/components/schemas/Stream'
        - $ref: '#/components/schemas/Failure'
        - {{type: object, properties: {{type: {{type: string, enum: [display, result]}}, mime: {{type: string}}}}}}
      discriminator:
        propertyName: type
        mapping: {{stdout: '#/components/schemas/Stream', stderr: '#/components/schemas/Stream'}}
    Line:
      oneOf: [{{$ref: '#/components/schemas/Stream'}}, {{$ref: '#/components/schemas/Failure'}}]
      discriminator: {{propertyName: type, mapping: {{out: '#/components/schemas/Stream'}}}}
    Stream: {{type: object, required: [type], properties: {{type: {{type: string}}, text: {{type: string}}}}}}
    Failure: {{type: object, required: [type], properties: {{type: {{type: string, enum: [error]}}}}}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let TypeKind::Union(output) = &type_named(&api, "Output").kind else { panic!("Output is a union") };
        assert_eq!(output.tagging, Tagging::Internal("type".into()));
        let tags: Vec<(&str, Vec<&str>, bool)> =
            output.variants.iter().map(|v| (v.name.as_str(), v.tags().collect(), v.keeps_tag)).collect();
        assert_eq!(
            tags,
            [
                ("Stream", vec!["stdout", "stderr"], true),
                ("Error", vec!["error"], false),
                ("Display", vec!["display", "result"], true)
            ],
            "every mapping key, every enum value; named by the schema when it has one"
        );
        let TypeKind::Union(line) = &type_named(&api, "Line").kind else { panic!("Line is a union") };
        let keeps: Vec<bool> = line.variants.iter().map(|v| v.keeps_tag).collect();
        assert_eq!(keeps, [true, false], "Stream keeps its `type` for Output, so it does in Line too");
        let fields = |name: &str| -> Vec<String> {
            match &type_named(&api, name).kind {
                TypeKind::Struct(s) => s.fields.iter().filter_map(|f| f.json_name()).map(str::to_string).collect(),
                other => panic!("{name} is {other:?}"),
            }
        };
        assert_eq!(fields("Stream"), ["type", "text"]);
        assert!(fields("Failure").is_empty(), "a variant of one tag everywhere: serde writes it");
    }

    #[test]
    fn a_variant_of_several_tags_without_the_property_is_written_with_its_first() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Sighting:
      oneOf: [{{$ref: '#/components/schemas/Feline'}}, {{$ref: '#/components/schemas/Canine'}}]
      discriminator:
        propertyName: animal
        mapping: {{cat: '#/components/schemas/Feline', kitten: '#/components/schemas/Feline', dog: Canine, puppy: Canine}}
    Feline: {{type: object, properties: {{lives: {{type: integer}}}}}}
    Canine: {{allOf: [{{type: object, properties: {{animal: {{type: string}}}}}}]}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let TypeKind::Union(sighting) = &type_named(&api, "Sighting").kind else { panic!("Sighting is a union") };
        let tags: Vec<(&str, Vec<&str>, bool)> =
            sighting.variants.iter().map(|v| (v.name.as_str(), v.tags().collect(), v.keeps_tag)).collect();
        // Feline has no `animal` to hold the tag it came with: serde writes `cat`, and `kitten` reads as Feline.
        // Canine declares it (in an `allOf` member), so it keeps the one it holds.
        assert_eq!(tags, [("Feline", vec!["cat", "kitten"], false), ("Canine", vec!["dog", "puppy"], true)]);
    }

    #[test]
    fn a_variant_that_is_a_union_on_the_same_property_carries_all_its_tags() {
        // OpenAI's `InputItem`: one variant is `Item`, itself a union of messages and tool calls.
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Input:
      oneOf:
        - $ref: '#/components/schemas/Reference'
        - {{title: Item, description: An item., allOf: [{{$ref: '#/components/schemas/Item'}}]}}
      discriminator: {{propertyName: type}}
    Item:
      oneOf: [{{$ref: '#/components/schemas/Message'}}, {{$ref: '#/components/schemas/Call'}}]
      discriminator: {{propertyName: type, mapping: {{call: '#/components/schemas/Call'}}}}
    Reference: {{type: object, required: [type], properties: {{type: {{type: string, enum: [ref]}}}}}}
    Message: {{type: object, required: [type], properties: {{type: {{type: string, enum: [message]}}, text: {{type: string}}}}}}
    Call: {{type: object, required: [type], properties: {{type: {{type: string}}, name: {{type: string}}}}}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let TypeKind::Union(input) = &type_named(&api, "Input").kind else { panic!("Input is a union") };
        let tags: Vec<(Vec<&str>, bool)> = input.variants.iter().map(|v| (v.tags().collect(), v.keeps_tag)).collect();
        assert_eq!(tags, [(vec!["ref"], false), (vec!["message", "call"], true)]);
    }
}

#[cfg(test)]
mod demoted_unions {
    use crate::ir::{Tagging, TypeKind};
    use crate::lower::test_support::{HEAD, lower_yaml, type_named};

    #[test]
    fn a_discriminated_union_decoded_untagged_keeps_the_tag_property_in_its_variants() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Shape:
      oneOf: [{{$ref: '#/components/schemas/Circle'}}, {{$ref: '#/components/schemas/Label'}}]
      discriminator: {{propertyName: kind}}
    Label: {{type: string}}
    Tagless:
      oneOf: [{{$ref: '#/components/schemas/Circle'}}, {{type: object, properties: {{kind: {{type: string}}}}}}]
      discriminator: {{propertyName: kind}}
    Square:
      oneOf: [{{$ref: '#/components/schemas/Side'}}]
      discriminator: {{propertyName: kind}}
    Circle:
      type: object
      additionalProperties: false
      required: [kind, r]
      properties: {{kind: {{type: string}}, r: {{type: number}}}}
    Side:
      type: object
      required: [kind, a]
      properties: {{kind: {{type: string}}, a: {{type: number}}}}
"
        ));
        let TypeKind::Union(shape) = &type_named(&api, "Shape").kind else { panic!("Shape is a union") };
        assert!(matches!(shape.tagging, Tagging::Untagged));
        let places: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            places,
            ["#/components/schemas/Tagless/oneOf/1", "#/components/schemas/Shape"],
            "a variant with no tag, then a variant that is not an object (at its schema, not the root): {diagnostics:?}"
        );
        let TypeKind::Union(tagless) = &type_named(&api, "Tagless").kind else { panic!("Tagless is a union") };
        assert_eq!(tagless.tagging, Tagging::Untagged, "no tag made up for a variant that has none");
        assert_eq!(shape.unknown_variant, None, "untagged: nothing to tell a listed variant from an unknown one");
        let TypeKind::Struct(circle) = &type_named(&api, "Circle").kind else { panic!("Circle is a struct") };
        let fields: Vec<&str> = circle.fields.iter().filter_map(|f| f.json_name()).collect();
        assert_eq!(fields, ["kind", "r"], "closed and decoded untagged, Circle must still read and write its tag");
        let TypeKind::Struct(side) = &type_named(&api, "Side").kind else { panic!("Side is a struct") };
        let fields: Vec<&str> = side.fields.iter().filter_map(|f| f.json_name()).collect();
        assert_eq!(fields, ["a"], "internally tagged: serde writes the tag, so the variant does not hold it");
    }
}
