//! An operation's request body: JSON, a form, `multipart/form-data` parts or raw bytes, by the first media type
//! it can send.

use super::*;

impl<'a> OperationLowerer<'_, 'a> {
    pub(super) fn request_body(
        &mut self,
        body: &'a ReferenceOr<SpecRequestBody>,
        form_name: impl FnOnce(&mut TypeLowerer<'a>) -> String,
    ) -> Option<RequestBody> {
        let at = child(&self.pointer, "requestBody");
        let body = self.resolve(body, &at, "requestBodies", |c| &c.request_bodies)?;
        let content_at = child(&at, "content");
        // JSON first, then a form, then multipart, then whatever comes first.
        let rank = |media: &str| match media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase().as_str()
        {
            m if is_json(m) => 0,
            "application/x-www-form-urlencoded" => 1,
            "multipart/form-data" => 2,
            _ => 3,
        };
        let (media_name, media_obj) = body.content.iter().min_by_key(|(media, _)| rank(media))?;
        let hint = format!("{}Request", self.prefix);
        let schema_at = child(&child(&content_at, media_name), "schema");
        let lower_schema = |types: &mut TypeLowerer<'a>| match &media_obj.schema {
            Some(schema) => types.in_requests(|types| types.type_ref(SchemaRef::from(schema), &schema_at, &hint)).ty,
            None => TypeRef::Any,
        };
        let kind = match rank(media_name) {
            0 => RequestBodyKind::Json { media: media_name.clone(), ty: lower_schema(self.types) },
            1 => RequestBodyKind::Form { ty: lower_schema(self.types), joined: joined_form_arrays(media_obj) },
            2 => RequestBodyKind::Multipart(self.multipart(media_obj, &schema_at, form_name)),
            _ => RequestBodyKind::Raw { media: media_name.clone() },
        };
        if body.content.len() > 1 {
            let others: Vec<&str> = body.content.keys().map(String::as_str).filter(|m| *m != media_name).collect();
            self.types.warn(
                &content_at,
                format!(
                    "several request media types: the client sends {media_name}; not offered: {}",
                    others.join(", ")
                ),
            );
        }
        Some(RequestBody { kind, required: body.required })
    }

    /// The parts of a `multipart/form-data` body whose schema is an object with properties (inline, or a
    /// component whose field types are reused): binary strings are file parts, arrays of them several; scalars are
    /// text parts, arrays of scalars one text part per item; anything else a JSON part. Any other schema leaves the
    /// form to the caller.
    pub(super) fn multipart(
        &mut self,
        media: &'a openapiv3::MediaType,
        schema_at: &str,
        form_name: impl FnOnce(&mut TypeLowerer<'a>) -> String,
    ) -> Multipart {
        let Some(schema) = media.schema.as_ref() else { return Multipart::Open };
        let (component, properties_at) = match schema {
            ReferenceOr::Reference { reference } => {
                match self.types.in_requests(|t| t.type_ref(schema.into(), schema_at, "")).ty {
                    TypeRef::Named(id) => (Some(id), child(reference, "properties")),
                    _ => return Multipart::Open,
                }
            }
            ReferenceOr::Item(_) => (None, child(schema_at, "properties")),
        };
        let Some(resolved) = self.types.deref_schema(schema.into()) else { return Multipart::Open };
        let Shape::Object(object) = shape_of(resolved).0 else { return Multipart::Open };
        if object.properties.is_empty() {
            return Multipart::Open;
        }
        let name = form_name(self.types);
        let mut names = Namespace::default();
        let mut parts = Vec::new();
        for (json_name, property) in object.properties {
            let property_schema = self.types.deref_schema(property.into());
            if !Direction::Request.carries(property_schema) {
                continue;
            }
            let encoding = media.encoding.get(json_name);
            let content_type = encoding.and_then(|encoding| encoding.content_type.clone());
            let separator = encoding.and_then(|encoding| crate::load::extensions::separator(&encoding.extensions));
            let kind = match property_schema.map(|schema| shape_of(schema).0) {
                Some(Shape::String { format: Some("binary"), .. }) => PartKind::File { content_type },
                Some(Shape::Array(Some(items))) if self.types.deref_schema(items.into()).is_some_and(is_binary) => {
                    PartKind::Files { content_type }
                }
                _ => {
                    let ty = match component.and_then(|id| self.types.struct_field(id, json_name)) {
                        Some((_, _, ty)) => ty,
                        None => {
                            let hint = format!("{name}{}", type_name(json_name));
                            let at = child(&properties_at, json_name);
                            self.types.in_requests(|types| types.type_ref(property.into(), &at, &hint)).ty
                        }
                    };
                    match ty {
                        ty if self.is_text(&ty) => PartKind::Text(ty),
                        TypeRef::Array(item) if self.is_text(&item) => PartKind::Texts { item: *item, separator },
                        ty => PartKind::Json(ty),
                    }
                }
            };
            parts.push(FormPart {
                name: names.claim(&value_name(json_name)).0,
                api_name: json_name.clone(),
                required: object.required.contains(json_name),
                doc: property_schema.and_then(crate::lower::schema::field_doc),
                kind,
            });
        }
        Multipart::Parts(MultipartForm { name, parts })
    }

    /// Whether values of `ty` are objects whose properties a parameter can spell out: a struct or a map.
    pub(super) fn is_object(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Map(_) | TypeRef::Object => true,
            TypeRef::Named(id) => {
                matches!(self.types.kind_of(*id), Some(TypeKind::Struct(_) | TypeKind::BoundedMap(_)))
            }
            _ => false,
        }
    }

    /// Whether values of `ty` are sent as one line of text (in a URL, a header or a text part).
    pub(super) fn is_text(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(id) => self.types.is_scalar(*id),
            TypeRef::Array(_)
            | TypeRef::Map(_)
            | TypeRef::Tuple(_)
            | TypeRef::Option(_)
            | TypeRef::Any
            | TypeRef::Object => false,
            _ => true,
        }
    }
}

/// A media type whose body is a sequence of items read as they arrive: server-sent events or JSON Lines.
pub(super) fn is_sequential(media: &str) -> bool {
    crate::ir::is_event_stream(media) || crate::ir::is_json_lines(media)
}

/// `type: string` (any format), inline.
pub(super) fn is_string_schema(schema: &ReferenceOr<openapiv3::Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(s) if matches!(s.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(_))))
}

/// `type: string, format: binary` (raw bytes), inline.
/// The properties of a URL-encoded form whose array items are joined into one value, with the joining character:
/// what an `encoding` says with `spaceDelimited` or `pipeDelimited`, or with the separator the Swagger 2.0 upgrade
/// writes (`collectionFormat` `csv`, `ssv`, `tsv`, `pipes`). Others are sent as a pair per item, 3.0's default.
pub(super) fn joined_form_arrays(media: &openapiv3::MediaType) -> Vec<(String, char)> {
    let separator = |encoding: &openapiv3::Encoding| match (
        crate::load::extensions::separator(&encoding.extensions),
        &encoding.style,
    ) {
        (Some(separator), _) => Some(separator),
        (None, Some(QueryStyle::SpaceDelimited)) => Some(' '),
        (None, Some(QueryStyle::PipeDelimited)) => Some('|'),
        (None, _) => None,
    };
    media.encoding.iter().filter_map(|(name, encoding)| Some((name.clone(), separator(encoding)?))).collect()
}

/// Whether `schema` is a string of bytes (`format: binary`).
pub(super) fn is_binary(schema: &openapiv3::Schema) -> bool {
    matches!(shape_of(schema).0, Shape::String { format: Some("binary"), .. })
}

pub(super) fn is_binary_schema(schema: &ReferenceOr<openapiv3::Schema>) -> bool {
    let ReferenceOr::Item(schema) = schema else { return false };
    matches!(
        &schema.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::String(s))
            if s.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
    )
}

/// `application/json`, `application/problem+json`, `application/vnd.x+json; charset=utf-8`, ….
pub fn is_json(media: &str) -> bool {
    let essence = crate::ir::media_essence(media);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}
