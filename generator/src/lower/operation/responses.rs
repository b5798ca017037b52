//! An operation's responses: per status, the body's kind and type (JSON, events, JSON lines, bytes, text), its
//! examples and its headers.

use super::*;

impl<'a> OperationLowerer<'_, 'a> {
    /// Picks the JSON media type of a `content` map if there is one (else the first) and lowers its schema. For a
    /// sequential media type (server-sent events, JSON Lines), the type of one item as well: 3.2's `itemSchema`,
    /// else the schema given when it describes something other than the text itself. `*/*` with a binary schema
    /// (or none) is raw bytes; with a structured one it is JSON, as servers that declare `*/*` send it.
    pub(super) fn content(
        &mut self,
        content: &'a Content,
        at: &str,
        hint: &str,
    ) -> Option<(ResponseMedia, TypeRef, Option<TypeRef>)> {
        let is_structured_json = |(media, object): &(&String, &openapiv3::MediaType)| {
            is_json(media) && !(media.as_str() == "*/*" && object.schema.as_ref().is_none_or(is_binary_schema))
        };
        let (media, media_obj) =
            content.iter().find(|entry| is_structured_json(entry)).or_else(|| content.iter().next())?;
        let schema_pointer = child(&child(at, media), "schema");
        if !is_structured_json(&(media, media_obj)) {
            let item = match item_schema(media_obj.schema.as_ref()) {
                Some(items) => Some((SchemaRef::from(items), child(&schema_pointer, "items"))),
                None => media_obj
                    .schema
                    .as_ref()
                    .filter(|schema| is_sequential(media) && !is_string_schema(schema))
                    .map(|schema| (SchemaRef::from(schema), schema_pointer.clone())),
            };
            let item = item.map(|(schema, pointer)| self.types.type_ref(schema, &pointer, &format!("{hint}Item")).ty);
            return Some((ResponseMedia::Raw(media.clone()), TypeRef::String, item));
        }
        let ty = match &media_obj.schema {
            Some(schema) => self.types.type_ref(SchemaRef::from(schema), &schema_pointer, hint).ty,
            None => TypeRef::Any,
        };
        Some((ResponseMedia::Json(media.clone()), ty, None))
    }

    /// The examples of a JSON media type (at `at`): `example`, each of `examples` (by reference too), then its
    /// schema's `example` (a referenced schema's too); at most two, none larger than [`EXAMPLE_LIMIT`].
    pub(super) fn media_examples(&mut self, media: &'a openapiv3::MediaType, at: &str) -> Vec<serde_json::Value> {
        let mut examples: Vec<&serde_json::Value> = media.example.iter().collect();
        for (name, example) in &media.examples {
            let pointer = child(&child(at, "examples"), name);
            if let Some(value) =
                self.resolve(example, &pointer, "examples", |c| &c.examples).and_then(|e| e.value.as_ref())
            {
                examples.push(value);
            }
        }
        let schema = match &media.schema {
            Some(ReferenceOr::Item(schema)) => Some(schema),
            Some(ReferenceOr::Reference { reference }) => reference
                .strip_prefix("#/components/schemas/")
                .map(crate::diagnostic::unescape_pointer_token)
                .and_then(|name| self.document.components.as_ref()?.schemas.get(&name)?.as_item()),
            None => None,
        };
        examples.extend(schema.and_then(|schema| schema.schema_data.example.as_ref()));
        examples.into_iter().filter(|example| fits_example_limit(example)).take(2).cloned().collect()
    }

    /// The headers a response documents, typed when their schema is one a header can be parsed into (a string,
    /// number, boolean, string enum or string format), else text. `Content-Type` is left out, as OpenAPI says.
    pub(super) fn response_headers(
        &mut self,
        headers: &'a IndexMap<String, ReferenceOr<openapiv3::Header>>,
        at: &str,
    ) -> Vec<ResponseHeader> {
        let mut fields = Namespace::default();
        let mut out = Vec::new();
        for (name, header) in headers {
            let pointer = child(at, name);
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let Some(header) = self.resolve(header, &pointer, "headers", |c| &c.headers) else { continue };
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let hint = format!("{}{}Header", self.prefix, type_name(name));
                    self.types.type_ref(SchemaRef::from(schema), &child(&pointer, "schema"), &hint).ty
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            let parses = match &ty {
                TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => true,
                TypeRef::Primitive(_) => true,
                TypeRef::Named(id) => matches!(self.types.kind_of(*id), Some(TypeKind::Enum(_))),
                _ => false,
            };
            let doc =
                header.description.as_deref().map(|d| crate::rustdoc::rustdoc_safe(d.trim())).filter(|d| !d.is_empty());
            let field = fields.claim(&value_name(name)).0;
            let ty = if parses { ty } else { TypeRef::String };
            out.push(ResponseHeader { name: name.to_ascii_lowercase(), field, ty, doc });
        }
        out
    }

    /// The server-sent events a JSON response is also offered as (a `text/event-stream` entry beside the JSON one).
    pub(super) fn events_alternative(
        &mut self,
        content: &'a Content,
        at: &str,
        hint: &str,
    ) -> Option<EventsAlternative> {
        if !content.keys().any(|media| is_json(media)) {
            return None;
        }
        let (media, object) = content.iter().find(|(media, _)| crate::ir::is_event_stream(media))?;
        let schema_pointer = child(&child(at, media), "schema");
        let item = match item_schema(object.schema.as_ref()) {
            Some(items) => Some((SchemaRef::from(items), child(&schema_pointer, "items"))),
            None => object
                .schema
                .as_ref()
                .filter(|schema| !is_string_schema(schema))
                .map(|schema| (SchemaRef::from(schema), schema_pointer.clone())),
        };
        let item = item.map(|(schema, pointer)| self.types.type_ref(schema, &pointer, &format!("{hint}Event")).ty);
        Some(EventsAlternative { item })
    }

    pub(super) fn responses(
        &mut self,
        responses: &'a IndexMap<StatusCode, ReferenceOr<SpecResponse>>,
        default: Option<&'a ReferenceOr<SpecResponse>>,
    ) -> Vec<Response> {
        let at = child(&self.pointer, "responses");
        let mut variants = Namespace::default();
        let mut out = Vec::new();
        let mut all: Vec<_> = responses
            .iter()
            .map(|(code, r)| (status_match(code), code.to_string(), r))
            .chain(default.map(|r| (StatusMatch::Default, "default".to_string(), r)))
            .collect();
        // Matched in this order whatever the document's: a `404` listed after `4XX` is still its own response.
        all.sort_by_key(|(status, _, _)| match status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
        for (status, key, response) in all {
            let response_pointer = child(&at, &key);
            let Some((content, description, headers)) = self.response_parts(response, &response_pointer) else {
                continue;
            };
            let variant = variants.claim(&status_variant(status)).0;
            let hint = format!("{}{}Body", self.prefix, variant);
            let content_pointer = child(&response_pointer, "content");
            let events = self.events_alternative(content, &content_pointer, &hint);
            let body = self.content(content, &content_pointer, &hint).map(|(media, ty, item)| {
                let examples = match &media {
                    ResponseMedia::Json(name) => match content.get(name) {
                        Some(object) => self.media_examples(object, &child(&content_pointer, name)),
                        None => Vec::new(),
                    },
                    ResponseMedia::Raw(_) => Vec::new(),
                };
                ResponseBody { kind: BodyKind::of(&media, status), media, ty, item, events, examples }
            });
            let doc = Some(crate::rustdoc::rustdoc_safe(description.trim())).filter(|d| !d.is_empty());
            let headers = match headers {
                Some(headers) => self.response_headers(headers, &child(&response_pointer, "headers")),
                None => Vec::new(),
            };
            out.push(Response { status, variant, body, doc, headers });
        }
        out
    }

    /// What a response holds: its content, description and headers. A `$ref` to a request body (PagerDuty's
    /// description has them) is used for what it holds: its content and description, without headers.
    pub(super) fn response_parts(
        &mut self,
        response: &'a ReferenceOr<SpecResponse>,
        at: &str,
    ) -> Option<ResponseParts<'a>> {
        if let ReferenceOr::Reference { reference } = response
            && let Some(name) = reference.strip_prefix("#/components/requestBodies/")
        {
            let name = crate::diagnostic::unescape_pointer_token(name);
            let body = self.document.components.as_ref().and_then(|c| c.request_bodies.get(&name));
            let Some(body) = body.and_then(|body| self.resolve(body, at, "requestBodies", |c| &c.request_bodies))
            else {
                self.types.warn(at, format!("`$ref: {reference}` points to nothing; the response is left out"));
                return None;
            };
            self.types.warn(at, format!("a response `$ref` names a request body ({reference}); its content is used"));
            return Some((&body.content, body.description.as_deref().unwrap_or_default(), None));
        }
        let response = self.resolve(response, at, "responses", |c| &c.responses)?;
        Some((&response.content, &response.description, Some(&response.headers)))
    }
}

/// What a response holds: its content, its description and its headers (none for a request body used as one).
pub(super) type ResponseParts<'a> = (&'a Content, &'a str, Option<&'a IndexMap<String, ReferenceOr<Header>>>);

/// The largest example (as JSON text) kept for a fake server's replies; a larger one is left out of the generated code.
pub(super) const EXAMPLE_LIMIT: usize = 16 * 1024;

/// Whether `example` as JSON text is at most [`EXAMPLE_LIMIT`] bytes long: written to a counter that stops at the
/// limit, so a large example costs no more than a small one.
fn fits_example_limit(example: &serde_json::Value) -> bool {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            match self.0 <= EXAMPLE_LIMIT {
                true => Ok(bytes.len()),
                false => Err(std::io::ErrorKind::FileTooLarge.into()),
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Counter(0), example).is_ok()
}

pub(super) fn status_match(code: &StatusCode) -> StatusMatch {
    match code {
        StatusCode::Code(code) => StatusMatch::Code(*code),
        StatusCode::Range(hundreds) => StatusMatch::Range(*hundreds),
    }
}

/// The variant name of a status: its reason phrase (`201` → `Created`), or `Status418` for rarer codes.
pub(super) fn status_variant(status: StatusMatch) -> String {
    let known = |code: u16| -> Option<&'static str> {
        Some(match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            206 => "PartialContent",
            301 => "MovedPermanently",
            302 => "Found",
            304 => "NotModified",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return None,
        })
    };
    match status {
        StatusMatch::Code(code) => known(code).map(String::from).unwrap_or_else(|| format!("Status{code}")),
        StatusMatch::Range(hundreds) => format!("Status{hundreds}xx"),
        StatusMatch::Default => "Default".to_string(),
    }
}
