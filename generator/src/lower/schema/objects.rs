//! Objects: a schema's properties (and those its `allOf` members add) become a struct's fields, with their
//! presence, names, secrets and unknown properties; bounded maps.

use super::*;

impl<'a> TypeLowerer<'a> {
    pub(super) fn bounded_map(
        &mut self,
        schema: &'a Schema,
        object: &ObjectShape<'a>,
        pointer: &str,
        name: &str,
    ) -> BoundedMap {
        let value = match object.additional {
            Some(AdditionalProperties::Schema(value)) => self
                .type_ref(value.as_ref().into(), &child(pointer, "additionalProperties"), &format!("{name}Value"))
                .or_null(),
            _ => TypeRef::Any,
        };
        let names = schema.schema_data.extensions.get("x-propertyNames");
        let limit = |key: &str| names.and_then(|n| n.get(key)).and_then(serde_json::Value::as_u64);
        BoundedMap {
            value,
            min_properties: object.min_properties.map(|n| n as u64),
            max_properties: object.max_properties.map(|n| n as u64),
            key: StringConstraints { min_length: limit("minLength"), max_length: limit("maxLength") },
        }
    }

    /// Lowers the properties of one or more object shapes (several for `allOf`) into one struct.
    pub(super) fn lower_struct(&mut self, parts: &Parts<'a>, pointer: &str, name: &str) -> Struct {
        let mut fields: Vec<Field> = Vec::new();
        let mut field_names = Namespace::default();
        let mut deny_unknown_fields = false;
        let mut additional = None;
        let required: BTreeSet<&str> =
            parts.objects.iter().flat_map(|(o, _)| o.required.iter().map(String::as_str)).collect();
        for (object, part_pointer) in &parts.objects {
            for (json_name, property) in object.properties {
                let schema = self.deref_schema(property.into());
                if !self.direction.carries(schema) {
                    continue;
                }
                let property_pointer = child(&child(part_pointer, "properties"), json_name);
                // A later `allOf` member that lists a property again refines it: the field keeps its place and name.
                let refined = fields.iter().position(|f| f.json_name() == Some(json_name.as_str()));
                let hint = format!("{name}{}", self.name_cache.type_name(json_name));
                let lowered = self.type_ref(property.into(), &property_pointer, &hint);
                let presence = match (required.contains(json_name.as_str()), lowered.nullable) {
                    (true, false) => Presence::Required,
                    (true, true) => Presence::RequiredNullable,
                    (false, false) => Presence::Optional,
                    (false, true) => Presence::OptionalNullable,
                };
                let rust_name = match refined {
                    Some(index) => fields[index].name.clone(),
                    None => {
                        let asked = object.client_names.and_then(|names| names.get(json_name)?.as_str());
                        let (rust_name, clashed) =
                            field_names.claim(&self.name_cache.value_name(asked.unwrap_or(json_name)));
                        if clashed {
                            self.warn(
                                &property_pointer,
                                format!(
                                    "property {json_name:?} maps to a field name already used; it becomes `{rust_name}`"
                                ),
                            );
                        }
                        rust_name
                    }
                };
                let field = Field {
                    secret: is_secret(json_name, schema, &lowered.ty),
                    name: rust_name,
                    wire: FieldWire::Property(json_name.clone()),
                    doc: schema.and_then(field_doc).or_else(|| refined.and_then(|index| fields[index].doc.clone())),
                    ty: lowered.ty,
                    presence,
                    boxed: false,
                };
                match refined {
                    Some(index) => fields[index] = field,
                    None => fields.push(field),
                }
            }
            for missing in object.required.iter().filter(|r| !object.properties.contains_key(*r)) {
                if !parts.objects.iter().any(|(o, _)| o.properties.contains_key(missing)) {
                    self.warn(
                        &child(part_pointer, "required"),
                        format!("required property {missing:?} is not defined in `properties`; ignored"),
                    );
                }
            }
            match object.additional {
                Some(AdditionalProperties::Any(false)) => deny_unknown_fields = true,
                Some(AdditionalProperties::Any(true)) => additional = Some(TypeRef::Any),
                Some(AdditionalProperties::Schema(value)) => {
                    let value = self.type_ref(
                        value.as_ref().into(),
                        &child(part_pointer, "additionalProperties"),
                        &format!("{name}Value"),
                    );
                    additional = Some(value.or_null());
                }
                None => {}
            }
        }
        if additional.is_some() && deny_unknown_fields {
            self.warn(
                pointer,
                "`additionalProperties: false` conflicts with another part that allows them; unknown fields are kept",
            );
            deny_unknown_fields = false;
        }
        for (ty, union_pointer) in &parts.unions {
            let wanted = match ty {
                TypeRef::Named(id) => value_name(&self.name_of(*id)),
                _ => "variant".to_string(),
            };
            let (rust_name, _) = field_names.claim(&wanted);
            fields.push(Field {
                secret: false,
                name: rust_name,
                wire: FieldWire::Flattened,
                doc: Some("The alternative (`oneOf`/`anyOf`) this value also matches; its properties sit beside the others in the JSON.".into()),
                ty: ty.clone(),
                presence: Presence::Required,
                boxed: false,
            });
            if additional.take().is_some() {
                self.warn(union_pointer, "`additionalProperties` beside a `oneOf`/`anyOf` in an `allOf` would capture the alternative's properties twice; unknown fields are dropped");
            }
            // serde cannot reject unknown fields of a struct with a flattened part.
            deny_unknown_fields = false;
        }
        let unknown = match additional {
            Some(ty) => {
                field_names.reserve("additional_properties");
                UnknownFields::Kept(ty)
            }
            None if deny_unknown_fields => UnknownFields::Denied,
            None => UnknownFields::Ignored,
        };
        Struct { fields, unknown }
    }

    pub(super) fn lower_all_of(
        &mut self,
        schema: &'a Schema,
        all_of: AllOfShape<'a>,
        pointer: &str,
        name: &str,
    ) -> TypeKind {
        let all_of_pointer = child(pointer, "allOf");
        if let Some((index, only)) = self.all_of_stands_for(&all_of, pointer) {
            let member_pointer = child(&all_of_pointer, &index.to_string());
            // A named schema that describes an object schema further (`Cat: allOf: [{$ref: Pet}, {description:
            // …}]`) is a type of its own, merged below: a subtype in a hierarchy, whose tag a discriminated union
            // takes out of it. Anything else it stands for is its type.
            let merged = all_of.members.len() > 1
                && self
                    .deref_schema(only.into())
                    .is_some_and(|target| matches!(shape_of(target).0, Shape::Object(_) | Shape::AllOf(_)));
            match only {
                // An inline member is this type's own definition, not another type.
                ReferenceOr::Item(definition) => return self.named_kind(definition, &member_pointer, name),
                ReferenceOr::Reference { .. } if !merged => {
                    return TypeKind::Alias(self.type_ref(only.into(), &member_pointer, name).ty);
                }
                ReferenceOr::Reference { .. } => {}
            }
        }
        let AllOfShape { members, properties: extra, union: beside } = all_of;
        let mut parts = Parts::default();
        for (index, member) in members.iter().enumerate() {
            let member_pointer = child(&all_of_pointer, &index.to_string());
            self.collect_parts(member.into(), &member_pointer, name, &mut parts, 0);
        }
        if let Some(extra) = extra {
            parts.objects.push((extra, pointer.to_string()));
        }
        if let Some(BesideUnion { variants, key }) = beside {
            let spec_name = format!("{name}Variant");
            let id = self.reserve(&type_name(&spec_name), &spec_name, pointer);
            let union_name = self.name_of(id);
            let mut union = self.lower_union(schema, variants, &child(pointer, key), &union_name);
            // Flattened beside other properties, a catch-all variant would take them all.
            union.unknown_variant = None;
            let def = self.def_mut(id);
            def.kind = TypeKind::Union(union);
            def.doc = Some(format!("The `{key}` alternatives of [`{name}`], whose properties sit beside its own."));
            parts.unions.push((TypeRef::Named(id), child(pointer, key)));
        }
        TypeKind::Struct(self.lower_struct(&parts, pointer, name))
    }

    /// The member an `allOf` stands for when it merges nothing: its one member that says what the value is (see
    /// [`AllOfShape::single_typed_member`]); or, when no member is an object or a union (`allOf: [{$ref: Arn},
    /// {maxLength: 40}]`), the first that says what the value is, with a warning that the others are not checked.
    pub(super) fn all_of_stands_for(
        &mut self,
        all_of: &AllOfShape<'a>,
        pointer: &str,
    ) -> Option<(usize, &'a ReferenceOr<Schema>)> {
        if let Some(single) = all_of.single_typed_member() {
            return Some(single);
        }
        if all_of.properties.is_some() || all_of.union.is_some() {
            return None;
        }
        let merges = |member: &'a ReferenceOr<Schema>| {
            self.deref_schema(member.into()).is_some_and(|schema| {
                matches!(shape_of(schema).0, Shape::Object(_) | Shape::AllOf(_) | Shape::OneOf(_) | Shape::AnyOf(_))
            })
        };
        if all_of.members.iter().any(merges) {
            return None;
        }
        let (index, first) = all_of.members.iter().enumerate().find(|(_, member)| !only_annotates(member))?;
        self.warn(
            &child(pointer, "allOf"),
            format!(
                "an `allOf` of schemas that are not objects: the value has the type of member {index}; what the \
                 others add is not checked"
            ),
        );
        Some((index, first))
    }

    /// Gathers the parts of an `allOf` member, following `$ref`s and nested `allOf`s: objects are merged, unions
    /// are flattened beside them.
    pub(super) fn collect_parts(
        &mut self,
        member: SchemaRef<'a>,
        pointer: &str,
        name: &str,
        parts: &mut Parts<'a>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.warn(pointer, "`allOf` nests too deeply (a cycle of `$ref`s?); the deeper members are left out");
            return;
        }
        let member_pointer = match member {
            SchemaRef::Ref(reference) => format!("#{}", reference.trim_start_matches('#')),
            SchemaRef::Inline(_) => pointer.to_string(),
        };
        let Some(schema) = self.deref_schema(member) else {
            if let SchemaRef::Ref(reference) = member {
                self.warn(pointer, format!("`$ref: {reference}` points to no schema in this document; left out"));
            }
            return;
        };
        match shape_of(schema).0 {
            Shape::Object(object) => parts.objects.push((object, member_pointer)),
            Shape::AllOf(AllOfShape { members, properties: extra, union: beside }) => {
                for (index, nested) in members.iter().enumerate() {
                    let nested_pointer = child(&child(&member_pointer, "allOf"), &index.to_string());
                    self.collect_parts(nested.into(), &nested_pointer, name, parts, depth + 1);
                }
                if let Some(extra) = extra {
                    parts.objects.push((extra, member_pointer.clone()));
                }
                if beside.is_some() {
                    self.warn(
                        &member_pointer,
                        "a `oneOf`/`anyOf` beside a nested `allOf` is ignored; only the outermost one is kept",
                    );
                }
            }
            Shape::OneOf(_) | Shape::AnyOf(_) => {
                let ty = self.type_ref(member, pointer, &format!("{name}Variant")).ty;
                parts.unions.push((ty, pointer.to_string()));
            }
            Shape::Any => {}
            _ => self
                .warn(pointer, "an `allOf` member that is not an object cannot be merged into a struct; it is ignored"),
        }
    }
}

/// What an object type is merged from: object parts, whose properties become fields, and unions, flattened beside
/// them (an `allOf` with a `oneOf`/`anyOf` member or beside it). Each with the pointer it came from.
#[derive(Default)]
pub(super) struct Parts<'a> {
    pub(super) objects: Vec<(ObjectShape<'a>, String)>,
    pub(super) unions: Vec<(TypeRef, String)>,
}

pub(super) fn is_bounded(object: &ObjectShape<'_>) -> bool {
    object.properties.is_empty() && (object.min_properties.is_some() || object.max_properties.is_some())
}

pub(super) fn is_empty_object(schema: &Schema) -> bool {
    matches!(shape_of(schema).0, Shape::Object(o) if o.properties.is_empty() && o.additional.is_none())
}

/// Secrets are redacted from `Debug`: `format: password`, or a string field whose name says it holds a credential.
pub(super) fn is_secret(json_name: &str, schema: Option<&Schema>, ty: &TypeRef) -> bool {
    let is_password_format =
        schema.is_some_and(|s| matches!(shape_of(s).0, Shape::String { format: Some("password"), .. }));
    let name = json_name.to_ascii_lowercase().replace('-', "_");
    // Pagination cursors are called tokens too, but they are not credentials.
    let is_cursor = ["page", "next", "cursor", "continuation", "sync"].iter().any(|word| name.contains(word));
    let named_secret = !is_cursor
        && [
            "password",
            "passwd",
            "secret",
            "api_key",
            "apikey",
            "private_key",
            "access_token",
            "refresh_token",
            "auth_token",
            "id_token",
            "bearer_token",
            "token",
            "ssl_key",
            "credentials",
            // Key material by another name: cloud keys, service-account JSON, PEM text or files holding a key.
            "access_key",
            "account_key",
            "key_json",
            "credentials_json",
            "key_pem",
            "key_file",
        ]
        .iter()
        .any(|word| name.strip_suffix(word).is_some_and(|rest| rest.is_empty() || rest.ends_with('_')));
    // Bytes of a key come as an array of numbers.
    is_password_format || (named_secret && matches!(ty, TypeRef::String | TypeRef::Named(_) | TypeRef::Array(_)))
}
