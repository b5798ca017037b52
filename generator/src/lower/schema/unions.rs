//! Unions (`oneOf`/`anyOf`): tagged by a discriminator, by single keys, or tried in order; unions of constants
//! that are enums, and unions that cannot keep their tagging.

use super::*;

impl<'a> TypeLowerer<'a> {
    /// A `oneOf`/`anyOf` (without a discriminator) whose members each allow one value of one kind (`const`, or a
    /// one-value `enum`) is an enum, each value named by its member's `title` (else by itself) and documented by its
    /// `description`: how JSON Schema writes named constants (Discord's `ReactionTypes`). `None` otherwise.
    pub(super) fn const_enum(&self, schema: &'a Schema, variants: &'a [ReferenceOr<Schema>]) -> Option<Enum> {
        if schema.schema_data.discriminator.is_some() {
            return None;
        }
        let mut values = Vec::new();
        let mut members = Vec::new();
        for variant in variants.iter().filter(|variant| !is_null_schema(variant)) {
            let member = self.deref_schema(variant.into())?;
            values.push(match shape_of(member).0 {
                Shape::String { values, .. } if values.len() == 1 => EnumValue::Str(values.into_iter().next()?),
                Shape::Integer { values, .. } if values.len() == 1 => EnumValue::Int(values[0]),
                _ => return None,
            });
            members.push(member);
        }
        let one_kind = values.iter().all(|v| matches!(v, EnumValue::Str(_)))
            || values.iter().all(|v| matches!(v, EnumValue::Int(_)));
        if values.len() < 2 || !one_kind {
            return None;
        }
        let title = |index: usize| members[index].schema_data.title.as_deref().filter(|title| !title.trim().is_empty());
        let doc = |index: usize, _: &EnumValue| {
            let text = members[index].schema_data.description.as_deref()?.trim();
            (!text.is_empty()).then(|| crate::rustdoc::rustdoc_safe(text))
        };
        Some(enum_of(&values, title, doc))
    }

    /// Whether a `oneOf`/`anyOf` (without a discriminator) is "any string, or one of these strings": every member a
    /// string and one of them any string at all (Elasticsearch's `Duration`: a string, or `"-1"`, or `"0"`). The
    /// values are a string; a union of a string and named strings would only make every use spell the variant.
    pub(super) fn is_any_string(&self, schema: &'a Schema, variants: &'a [ReferenceOr<Schema>]) -> bool {
        if schema.schema_data.discriminator.is_some() {
            return false;
        }
        let mut any_string = false;
        for variant in variants.iter().filter(|variant| !is_null_schema(variant)) {
            let Some(member) = self.deref_schema(variant.into()) else { return false };
            match shape_of(member).0 {
                Shape::String { format, values, min_length: None, max_length: None }
                    if values.is_empty() && format.is_none_or(|format| PLAIN_STRING_FORMATS.contains(&format)) =>
                {
                    any_string = true;
                }
                Shape::String { .. } => {}
                _ => return false,
            }
        }
        any_string
    }

    pub(super) fn lower_union(
        &mut self,
        schema: &'a Schema,
        variants: &'a [ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
    ) -> Union {
        let real: Vec<(usize, &'a ReferenceOr<Schema>)> =
            variants.iter().enumerate().filter(|(_, v)| !is_null_schema(v)).collect();
        if let Some(discriminator) = &schema.schema_data.discriminator {
            return self.internally_tagged(discriminator, &real, pointer, name);
        }
        if let Some(keys) = self.single_key_variants(&real) {
            return self.externally_tagged(&real, &keys, pointer, name);
        }
        self.untagged(&real, pointer, name)
    }

    /// A union whose variants are tried in order (`#[serde(untagged)]`).
    pub(super) fn untagged(&mut self, real: &[(usize, &'a ReferenceOr<Schema>)], pointer: &str, name: &str) -> Union {
        let mut variant_names = Namespace::default();
        let variants = real
            .iter()
            .map(|(index, variant)| {
                let variant_pointer = child(pointer, &index.to_string());
                let candidate = self.variant_name_for(variant, *index);
                let (variant_name, _) = variant_names.claim(&candidate);
                let lowered = self.type_ref((*variant).into(), &variant_pointer, &format!("{name}{variant_name}"));
                UnionVariant {
                    tag: None,
                    more_tags: Vec::new(),
                    keeps_tag: false,
                    doc: self.deref_schema((*variant).into()).and_then(schema_doc),
                    name: variant_name,
                    payload: Some(lowered.ty),
                    boxed: false,
                }
            })
            .collect();
        Union { tagging: Tagging::Untagged, variants, unknown_variant: None }
    }

    pub(super) fn internally_tagged(
        &mut self,
        discriminator: &openapiv3::Discriminator,
        variants: &[(usize, &'a ReferenceOr<Schema>)],
        pointer: &str,
        name: &str,
    ) -> Union {
        let property = &discriminator.property_name;
        let tags: Vec<Vec<String>> = (variants.iter())
            .map(|(_, variant)| self.variant_tags(property, Some(&discriminator.mapping), variant, 0))
            .collect();
        // A tag made up for such a variant would never be read, and would be written where the server expects one
        // of its own: tried in order, each variant keeps the property and writes what it holds.
        if let Some(((index, _), _)) = variants.iter().zip(&tags).find(|(_, tags)| tags.is_empty()) {
            let message = "an inline variant of a discriminated union has no schema name to use as its tag, nor an \
                           `enum` (or `const`) for it; the union is decoded untagged";
            self.warn(&child(pointer, &index.to_string()), message);
            return self.untagged(variants, pointer, name);
        }
        // A tag that several variants share picks each of them in turn, until one decodes: they keep the property.
        let mut seen = BTreeSet::new();
        let shared: BTreeSet<&String> = tags.iter().flatten().filter(|tag| !seen.insert(*tag)).collect();
        if !shared.is_empty() {
            let values: Vec<String> = shared.iter().map(|tag| format!("`{tag}`")).collect();
            let message = format!(
                "variants of this discriminated union share a value of `{property}` ({}); for it, those variants are \
                 tried in order",
                values.join(", ")
            );
            self.warn(pointer, message);
        }
        // A variant of several tags whose schema has no such property cannot carry the one it was sent with: it is
        // written with its first tag (the server reads any of them as the same schema) and read from every one.
        let keeps: Vec<bool> = (variants.iter().zip(&tags))
            .map(|((_, variant), tags)| {
                let declares =
                    || self.deref_schema((*variant).into()).is_none_or(|s| self.has_property(s, property, 0));
                tags.iter().any(|t| shared.contains(t)) || (tags.len() > 1 && declares())
            })
            .collect();
        let mut variant_names = Namespace::default();
        let mut out = Vec::new();
        for (((index, variant), mut tags), keeps_tag) in variants.iter().zip(tags).zip(keeps) {
            let variant_pointer = child(pointer, &index.to_string());
            // A variant of one tag is named by it; one of several by its schema's name, if it has one.
            let candidate = match variant {
                ReferenceOr::Reference { .. } if keeps_tag || tags.len() > 1 => self.variant_name_for(variant, *index),
                _ => type_name(&tags[0]),
            };
            let (variant_name, _) = variant_names.claim(&candidate);
            let lowered = self.type_ref((*variant).into(), &variant_pointer, &format!("{name}{variant_name}"));
            if let (TypeRef::Named(id), false) = (&lowered.ty, keeps_tag) {
                self.tagged_variants.push((*id, discriminator.property_name.clone()));
            }
            let more_tags = tags.split_off(1);
            let tag = tags.pop();
            out.push(UnionVariant {
                name: variant_name,
                tag,
                more_tags,
                keeps_tag,
                doc: None,
                payload: Some(lowered.ty),
                boxed: false,
            });
        }
        // A newer server's new tag decodes to the catch-all instead of failing the whole reply.
        let unknown_variant = Some(variant_names.claim("Unknown").0);
        Union { tagging: Tagging::Internal(discriminator.property_name.clone()), variants: out, unknown_variant }
    }

    /// The tags of a variant of a union on the tag property `property`: the keys of its `mapping` that name it,
    /// else the values it allows for the property, else (where the union has a `mapping`, i.e. a discriminator)
    /// its schema's name; none for an inline variant that allows any value.
    fn variant_tags(
        &self,
        property: &str,
        mapping: Option<&'a IndexMap<String, String>>,
        variant: &'a ReferenceOr<Schema>,
        depth: usize,
    ) -> Vec<String> {
        let reference = match variant {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(_) => None,
        };
        if let (Some(reference), Some(mapping)) = (reference, mapping) {
            let mapped: Vec<String> = (mapping.iter())
                .filter(|(_, target)| *target == reference || reference.rsplit('/').next() == Some(target.as_str()))
                .map(|(tag, _)| tag.clone())
                .collect();
            if !mapped.is_empty() {
                return mapped;
            }
        }
        let values = self.deref_schema(variant.into()).map(|schema| self.tag_values(schema, property, depth));
        match (values, reference) {
            (Some(values), _) if !values.is_empty() => values,
            (_, Some(reference)) if mapping.is_some() => {
                vec![crate::diagnostic::unescape_pointer_token(reference.rsplit('/').next().unwrap_or_default())]
            }
            _ => Vec::new(),
        }
    }

    /// The values the string property `property` of an object schema may have (`enum: [circle]`, or a 3.1
    /// `const`): the tags an inline variant of a discriminated union carries; none when any string may be there.
    /// Looks through `allOf` members, as a variant that extends another event or object does, and into a union
    /// on the same property (OpenAI's `InputItem` has `Item`, itself a union of messages and tool calls, among its
    /// variants): every tag of every one of its variants.
    pub(super) fn tag_values(&self, schema: &'a Schema, property: &str, depth: usize) -> Vec<String> {
        let in_object = |object: &ObjectShape<'a>| {
            let property = object.properties.get(property).and_then(|p| self.deref_schema(p.into()));
            match property.map(|property| shape_of(property).0) {
                Some(Shape::String { values, .. }) => values,
                _ => Vec::new(),
            }
        };
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        match shape_of(schema).0 {
            Shape::Object(object) => in_object(&object),
            Shape::AllOf(AllOfShape { members, properties: extra, .. }) => {
                let own = extra.as_ref().map(in_object).unwrap_or_default();
                if !own.is_empty() {
                    return own;
                }
                (members.iter())
                    .filter_map(|member| self.deref_schema(member.into()))
                    .map(|member| self.tag_values(member, property, depth + 1))
                    .find(|values| !values.is_empty())
                    .unwrap_or_default()
            }
            Shape::OneOf(variants) | Shape::AnyOf(variants) => {
                let discriminator = schema.schema_data.discriminator.as_ref();
                let mapping = discriminator.filter(|d| d.property_name == property).map(|d| &d.mapping);
                let mut all: Vec<String> = Vec::new();
                for variant in variants.iter().filter(|variant| !is_null_schema(variant)) {
                    let tags = self.variant_tags(property, mapping, variant, depth + 1);
                    if tags.is_empty() {
                        return Vec::new(); // a variant that may carry any tag
                    }
                    all.extend(tags.into_iter().filter(|tag| !all.contains(tag)).collect::<Vec<_>>());
                }
                all
            }
            _ => Vec::new(),
        }
    }

    /// Whether an object schema (or one of its `allOf` members) declares the property `property`; a schema of
    /// another shape (a union of objects, say) is taken to.
    fn has_property(&self, schema: &'a Schema, property: &str, depth: usize) -> bool {
        match shape_of(schema).0 {
            Shape::Object(object) => object.properties.contains_key(property),
            Shape::AllOf(AllOfShape { members, properties: own, .. }) => {
                own.as_ref().is_some_and(|own| own.properties.contains_key(property))
                    || (depth < MAX_DEPTH
                        && (members.iter())
                            .filter_map(|member| self.deref_schema(member.into()))
                            .any(|member| self.has_property(member, property, depth + 1)))
            }
            _ => true,
        }
    }

    /// When every variant is a wrapper object with exactly one required property (serde's externally tagged
    /// form), the keys in variant order. A wrapper is written inline or closed (`additionalProperties: false` or
    /// `maxProperties: 1`); a `$ref` to an open named object with one property is a type of its own, whose values
    /// may carry more keys.
    pub(super) fn single_key_variants(&self, variants: &[(usize, &'a ReferenceOr<Schema>)]) -> Option<Vec<String>> {
        let mut keys = Vec::new();
        for (_, variant) in variants {
            let schema = self.deref_schema((*variant).into())?;
            let Shape::Object(object) = shape_of(schema).0 else { return None };
            let closed =
                matches!(object.additional, Some(AdditionalProperties::Any(false))) || object.max_properties == Some(1);
            let open =
                matches!(object.additional, Some(AdditionalProperties::Any(true) | AdditionalProperties::Schema(_)));
            let named = matches!(variant, ReferenceOr::Reference { .. });
            if object.properties.len() != 1 || open || (named && !closed) {
                return None;
            }
            let key = object.properties.keys().next()?;
            if !object.required.contains(key) || keys.contains(key) {
                return None;
            }
            keys.push(key.clone());
        }
        (!keys.is_empty()).then_some(keys)
    }

    pub(super) fn externally_tagged(
        &mut self,
        variants: &[(usize, &'a ReferenceOr<Schema>)],
        keys: &[String],
        pointer: &str,
        name: &str,
    ) -> Union {
        let mut variant_names = Namespace::default();
        let mut out = Vec::new();
        for ((index, variant), key) in variants.iter().zip(keys) {
            let Some(schema) = self.deref_schema((*variant).into()) else { continue };
            let Shape::Object(object) = shape_of(schema).0 else { continue };
            let Some(property) = object.properties.get(key) else { continue };
            let variant_pointer = child(&child(&child(pointer, &index.to_string()), "properties"), key);
            let (variant_name, _) = variant_names.claim(&type_name(key));
            let payload_schema = self.deref_schema(property.into());
            let payload = if payload_schema.is_some_and(is_empty_object) {
                None
            } else {
                Some(self.type_ref(property.into(), &variant_pointer, &format!("{name}{variant_name}")).ty)
            };
            let doc = payload_schema.and_then(schema_doc).or_else(|| schema_doc(schema));
            let tag = Some(key.clone());
            out.push(UnionVariant {
                name: variant_name,
                tag,
                more_tags: Vec::new(),
                keeps_tag: false,
                payload,
                boxed: false,
                doc,
            });
        }
        let unknown_variant = Some(variant_names.claim("Unknown").0);
        Union { tagging: Tagging::External, variants: out, unknown_variant }
    }

    pub(super) fn variant_name_for(&self, variant: &'a ReferenceOr<Schema>, index: usize) -> String {
        if let ReferenceOr::Reference { reference } = variant {
            return type_name(&crate::diagnostic::unescape_pointer_token(
                reference.rsplit('/').next().unwrap_or_default(),
            ));
        }
        match self.deref_schema(variant.into()).map(|s| shape_of(s).0) {
            Some(Shape::String { .. }) => "String".into(),
            Some(Shape::Integer { .. }) => "Integer".into(),
            Some(Shape::Number { .. }) => "Number".into(),
            Some(Shape::Boolean) => "Boolean".into(),
            Some(Shape::Array(_)) => "Array".into(),
            Some(Shape::Object(_)) => "Object".into(),
            _ => format!("Variant{index}"),
        }
    }
}

/// Internally tagged variants must be structs (serde needs a map to put the tag in); anything else makes the
/// union untagged, with a warning.
///
/// `components` gives the component schemas' types by name, to place the warning at a component's schema (an
/// inline union's is not known here, so its warning names it by its type).
pub(super) fn demote_untaggable_unions(
    types: &mut [TypeDef],
    components: &IndexMap<String, TypeId>,
    diagnostics: &mut Vec<Diagnostic>,
    file: &Path,
) {
    let is_struct = |types: &[TypeDef], ty: &Option<TypeRef>| matches!(ty, Some(TypeRef::Named(id)) if matches!(types[id.0].kind, TypeKind::Struct(_)));
    for index in 0..types.len() {
        let TypeKind::Union(union) = &types[index].kind else { continue };
        // A variant that keeps its tag is decoded from the whole value and written as it is: any type will do.
        let untaggable = |v: &UnionVariant| !v.keeps_tag && !is_struct(types, &v.payload);
        if matches!(union.tagging, Tagging::Internal(_)) && union.variants.iter().any(untaggable) {
            let component = components.iter().find(|(_, id)| id.0 == index).map(|(name, _)| name);
            let pointer = component.map(|name| child("#/components/schemas", name)).unwrap_or_default();
            diagnostics.push(Diagnostic::warning(
                file,
                pointer,
                format!(
                    "`{}` has a discriminator but a variant that is not an object; it is decoded untagged",
                    types[index].spec_name
                ),
            ));
            if let TypeKind::Union(union) = &mut types[index].kind {
                // Tried in order, as serde's untagged enums are: no tag picks a variant, so no catch-all either (it
                // would be decoded by tag, and every value would land in it).
                union.tagging = Tagging::Untagged;
                union.unknown_variant = None;
                for variant in &mut union.variants {
                    (variant.tag, variant.keeps_tag) = (None, false);
                    variant.more_tags.clear();
                }
            }
        }
    }
}
