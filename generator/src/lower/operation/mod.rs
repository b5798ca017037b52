//! Lowering of paths and operations into [`Operation`]s: parameters (with path-level ones merged in), the request
//! body, per-status responses and the security requirements that apply.

mod pagination;
mod parameters;
mod request_body;
mod responses;

use pagination::*;
use parameters::FixedValue;
use request_body::*;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{
    Components, Content, Header, OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, RequestBody as SpecRequestBody, Response as SpecResponse, SecurityRequirement, StatusCode,
};

use super::schema::{Direction, SchemaRef, TypeLowerer};
use super::shape::{Shape, shape_of};
use crate::diagnostic::{Diagnostic, child, pointer};
use crate::ir::{
    Api, BodyKind, EventsAlternative, FieldStep, FormPart, Method, Multipart, MultipartForm, ObjectStyle, Operation,
    OperationTypeNames, PageItems, PageStyle, Pagination, Param, ParamId, ParamLocation, PartKind, PathPiece, Presence,
    RequestBody, RequestBodyKind, Response, ResponseBody, ResponseHeader, ResponseMedia, SchemeId, SecurityScheme,
    StatusMatch, TypeKind, TypeRef,
};
use crate::naming::{Namespace, bare, has_words, suffixed, type_name, value_name};

/// How many `$ref` hops to follow between components before calling it a cycle.
const MAX_REF_HOPS: usize = 16;

/// Method names the client itself has, which operations must not take.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "with_client",
    "base_url",
    "http_client",
    "server_url",
    "authorize",
    "with_timeout",
    "with_header",
];

/// Methods of standard traits that the client, the server's `Fake` and a type implementing the server's `Api` have
/// or are likely to have: an operation named like one would make calls ambiguous (`Fake::default()`), reach the
/// trait's method instead (`api.to_owned(…)` on an `Arc`), or be taken for it (clippy's `should_implement_trait`).
const STD_TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "fmt",
    "from",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into",
    "into_iter",
    "mul",
    "ne",
    "neg",
    "next",
    "not",
    "partial_cmp",
    "rem",
    "shl",
    "shr",
    "sub",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
];

/// Type names the client crate itself defines or re-exports, which operations' types must not take.
const CLIENT_TYPES: &[&str] = &[
    "Client",
    "Credentials",
    "Scheme",
    "ApiError",
    "BasicCredentials",
    "ClientBuilder",
    "ConfigError",
    "Error",
    "Pages",
    "RawResponse",
    "RequestHook",
    "Secret",
    "ResponseValue",
    "RetryPolicy",
    "StreamError",
    "TokenError",
    "TokenProvider",
    "FilePart",
    "OAuth2Tokens",
    "ByteStream",
    "Call",
    "JsonLines",
    "Event",
    "EventStream",
];

/// Local variables of the generated method bodies, and the leading parameters of a split client's operation
/// functions (`transport`, `credentials`) and the names its pages helpers' closures use (`cursor`, `page`), which
/// required parameters must not be called.
const METHOD_LOCALS: &[&str] =
    &["body", "params", "url", "request", "response", "cookies", "transport", "credentials", "cursor", "page"];

/// Lowers every operation of `document`. Every name the client prints for an operation (its method, its types,
/// its pages helper) is claimed here, in the same namespaces as the client's own items, so a clash is resolved and
/// reported like any other.
pub fn lower_operations<'a>(
    document: &'a OpenAPI,
    extra_operations: &'a [ExtraOperation],
    types: &mut TypeLowerer<'a>,
    schemes: &[SecurityScheme],
    settings: &super::Settings,
) -> Vec<Operation> {
    let config = settings.config;
    let mut unnamed: Vec<bool> = vec![true; config.method_names.len()];
    let mut methods = Namespace::default();
    for reserved in CLIENT_METHODS.iter().chain(STD_TRAIT_METHODS) {
        methods.reserve(reserved);
    }
    for setter in schemes.iter().flat_map(|scheme| scheme.setters.names()) {
        methods.reserve(setter);
    }
    let mut client_types = Namespace::default();
    for reserved in CLIENT_TYPES {
        client_types.reserve(reserved);
    }
    // Prefixes name the inline model types of an operation (`CreateConnectorRequest`).
    let mut prefixes = Namespace::default();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut operations = Vec::new();
    let mut paged = Vec::new();
    // Each operation's pointer, in order.
    let mut pointers: Vec<String> = Vec::new();
    for (path, item) in document.paths.paths.iter() {
        let path_pointer = pointer(["paths", path]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                types.diagnostics.push(Diagnostic::warning(
                    types.file(),
                    &path_pointer,
                    format!("path item `$ref: {reference}` is not supported yet; the path is skipped"),
                ));
                continue;
            }
        };
        let extra = extra_operations.iter().filter(|extra| extra.path == *path);
        let all = operations_of(item)
            .into_iter()
            .chain(extra.map(|extra| (extra.method.clone(), extra.key.as_str(), &extra.operation)));
        for (method, key, spec_op) in all {
            let op_pointer = key.split('/').fold(path_pointer.clone(), |pointer: String, token| child(&pointer, token));
            let mut operation_id =
                spec_op.operation_id.clone().unwrap_or_else(|| synthesized_operation_id(&method, path));
            // Why the operationId cannot name this operation, if it cannot.
            let unusable = match seen_ids.get(&operation_id) {
                _ if !has_words(&operation_id) => {
                    Some(format!("operationId {operation_id:?} has no letter or digit to name a method"))
                }
                Some(first) => Some(format!("duplicate operationId {operation_id:?}: also used at {first}")),
                None => None,
            };
            if let Some(why) = unusable {
                let synthesized = synthesized_operation_id(&method, path);
                let message = format!("{why}; this operation is named {synthesized:?} from its method and path");
                types.warn(&child(&op_pointer, "operationId"), message);
                operation_id = synthesized;
            }
            seen_ids.insert(operation_id.clone(), op_pointer.clone());
            let asked = config.method_names.iter().position(|(id, ..)| *id == operation_id);
            let method_name = match asked {
                Some(index) => {
                    unnamed[index] = false;
                    let (_, wanted, at) = &config.method_names[index];
                    let (name, clashed) = methods.claim(wanted);
                    if clashed {
                        types.diagnostics.push(
                            config.error(at, format!("the method name `{wanted}` is already taken in the client")),
                        );
                    }
                    name
                }
                None => claim_reported(types, &mut methods, &value_name(&operation_id), &op_pointer, "method"),
            };
            let wanted = suffixed(&method_name, "with_response");
            let response_method_name = claim_reported(types, &mut methods, &wanted, &op_pointer, "method");
            let type_prefix = prefixes.claim(&type_name(asked.map_or(&operation_id, |_| &method_name))).0;
            let mut claim_type = |suffix: &str| {
                claim_reported(types, &mut client_types, &format!("{type_prefix}{suffix}"), &op_pointer, "type")
            };
            let (response, error, params_type) = (claim_type("Response"), claim_type("Error"), claim_type("Params"));
            let mut op = OperationLowerer { types, document, pointer: op_pointer.clone(), prefix: type_prefix };
            let (route, query) = split_path_key(path);
            let (params, fixed) = op.params(&item.parameters, &spec_op.parameters, path, &query);
            let path_segments = op.path_segments(route, &params);
            let mut fixed_query: Vec<(String, String)> =
                query.into_iter().filter(|(_, value)| !is_template(value)).map(to_owned_pair).collect();
            let mut fixed_headers = Vec::new();
            for FixedValue { location, name, value } in fixed {
                match location {
                    ParamLocation::Header => fixed_headers.push((name, value)),
                    _ => fixed_query.push((name, value)),
                }
            }
            let wanted_form = format!("{}Form", op.prefix);
            let form_name = |types: &mut TypeLowerer<'a>| {
                claim_reported(types, &mut client_types, &wanted_form, &op_pointer, "type")
            };
            let body = spec_op.request_body.as_ref().and_then(|b| op.request_body(b, form_name));
            let responses = op.responses(&spec_op.responses.responses, spec_op.responses.default.as_ref());
            let offers_events =
                responses.iter().any(|r| r.status.is_success() && r.body.as_ref().is_some_and(|b| b.events.is_some()));
            let documents_headers = responses.iter().any(|r| r.status.is_success() && !r.headers.is_empty());
            let headers = documents_headers.then(|| {
                claim_reported(op.types, &mut client_types, &format!("{}Headers", op.prefix), &op_pointer, "type")
            });
            let stream_method_name = offers_events.then(|| {
                let wanted = suffixed(&method_name, "stream");
                claim_reported(op.types, &mut methods, &wanted, &op_pointer, "method")
            });
            let security = op.security(spec_op.security.as_ref().or(document.security.as_ref()), schemes);
            let walk = op.pagination(&spec_op.extensions, &method, &params, &responses, body.as_ref());
            let callback_payloads = op.callback_payloads(&spec_op.callbacks);
            pointers.push(op_pointer.clone());
            if let Some(walk) = walk {
                paged.push((operations.len(), op_pointer, walk));
            }
            operations.push(Operation {
                method_name,
                response_method_name,
                stream_method_name,
                type_names: OperationTypeNames { response, error, params: params_type, headers },
                operation_id,
                method,
                path: path.clone(),
                path_segments,
                fixed_query,
                fixed_headers,
                doc: doc_of(spec_op.summary.as_deref(), spec_op.description.as_deref()),
                params,
                body,
                responses,
                security,
                deprecated: spec_op.deprecated,
                tags: spec_op.tags.clone(),
                // Set below, once every operation has its name.
                pagination: None,
                callback_payloads,
            });
        }
    }
    let shapes = if settings.server { Api::same_requests_of(&operations) } else { Vec::new() };
    for (index, earlier) in shapes.into_iter().enumerate() {
        if let Some(earlier) = earlier {
            types.warn(
                &pointers[index],
                format!(
                    "`{}` is also the method and path of `{}` (at `{}`): a server cannot tell their requests apart, and \
                     answers them as that operation",
                    operations[index].request_line(),
                    operations[earlier].operation_id,
                    pointers[earlier]
                ),
            );
        }
    }
    for ((operation_id, _, at), _) in config.method_names.iter().zip(unnamed).filter(|(_, unnamed)| *unnamed) {
        types.diagnostics.push(config.error(at, format!("no operation has the operationId {operation_id:?}")));
    }
    // Pages helpers are named after every operation has its own name, so an operation called `listItemsPages`
    // keeps its name and the helper of `listItems` gives way.
    for (index, op_pointer, PageWalk { style, items }) in paged {
        let stem = &operations[index].method_name;
        let method_name = claim_reported(types, &mut methods, &suffixed(stem, "pages"), &op_pointer, "method");
        let items_method_name = items
            .is_some()
            .then(|| claim_reported(types, &mut methods, &suffixed(stem, "items"), &op_pointer, "method"));
        operations[index].pagination = Some(Pagination { method_name, items_method_name, style, items });
    }
    operations
}

/// Claims `wanted` in `names`, warning at `pointer` when it was taken and another name had to be used.
fn claim_reported(
    types: &mut TypeLowerer<'_>,
    names: &mut Namespace,
    wanted: &str,
    pointer: &str,
    what: &str,
) -> String {
    let (name, clashed) = names.claim(wanted);
    if clashed {
        types.warn(
            pointer,
            format!(
                "the {what} name `{}` is already taken in the client; this one becomes `{}`",
                bare(wanted),
                bare(&name)
            ),
        );
    }
    name
}

/// The operations of a path item that OpenAPI 3.0 has fields for, with their keys.
fn operations_of(item: &PathItem) -> Vec<(Method, &'static str, &openapiv3::Operation)> {
    [
        (Method::Get, "get", &item.get),
        (Method::Put, "put", &item.put),
        (Method::Post, "post", &item.post),
        (Method::Delete, "delete", &item.delete),
        (Method::Options, "options", &item.options),
        (Method::Head, "head", &item.head),
        (Method::Patch, "patch", &item.patch),
        (Method::Trace, "trace", &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, key, op)| Some((method, key, op.as_ref()?)))
    .collect()
}

/// The item schema of a sequential media type: the `items` of the array normalization made from 3.2's
/// `itemSchema`.
fn item_schema(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> Option<&ReferenceOr<Box<openapiv3::Schema>>> {
    let ReferenceOr::Item(schema) = schema? else { return None };
    if !crate::load::extensions::is_item_schema(&schema.schema_data.extensions) {
        return None;
    }
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => array.items.as_ref(),
        _ => None,
    }
}

/// An operation OpenAPI 3.0's path item has no field for: 3.2's `query` and `additionalOperations`.
pub struct ExtraOperation {
    /// The path it is under.
    path: String,
    /// Its method.
    method: Method,
    /// Where it is in its path item: `query` or `additionalOperations/<method>`.
    key: String,
    /// The operation.
    operation: openapiv3::Operation,
}

/// The extra operations of every path item (carried by normalization in an extension), parsed; the ones that
/// cannot be used are reported.
pub fn extra_operations(document: &OpenAPI, file: &std::path::Path) -> (Vec<ExtraOperation>, Vec<Diagnostic>) {
    let (mut found, mut diagnostics) = (Vec::new(), Vec::new());
    for (path, item) in &document.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        let Some(extra) = crate::load::extensions::extra_operations(&item.extensions) else {
            continue;
        };
        for (key, operation) in extra {
            let pointer =
                key.split('/').fold(pointer(["paths", path]), |pointer: String, token| child(&pointer, token));
            let method = match key.strip_prefix("additionalOperations/") {
                None => Method::Query,
                Some(name) if !name.is_empty() && name.bytes().all(is_token_char) => {
                    Method::Other(name.to_ascii_uppercase())
                }
                Some(name) => {
                    diagnostics.push(Diagnostic::warning(
                        file,
                        pointer,
                        format!("{name:?} is not a valid HTTP method; the operation is skipped"),
                    ));
                    continue;
                }
            };
            match serde_json::from_value::<openapiv3::Operation>(operation.clone()) {
                Ok(operation) => found.push(ExtraOperation { path: path.clone(), method, key: key.clone(), operation }),
                Err(error) => diagnostics.push(Diagnostic::warning(
                    file,
                    pointer,
                    format!("not a valid operation ({error}); the operation is skipped"),
                )),
            }
        }
    }
    (found, diagnostics)
}

/// A path key split at its query string: the path, and the query's `key=value` pairs (`/items?op=list&id={id}`).
/// A fragment (`/cookies#exploded`, which some documents use to list several operations under one path) is never
/// sent, and is left out.
fn split_path_key(key: &str) -> (&str, Vec<(&str, &str)>) {
    let key = key.split_once('#').map_or(key, |(before, _)| before);
    match key.split_once('?') {
        None => (key, Vec::new()),
        Some((path, query)) => {
            let pairs = query.split('&').filter(|pair| !pair.is_empty());
            (path, pairs.map(|pair| pair.split_once('=').unwrap_or((pair, ""))).collect())
        }
    }
}

/// The one item of `items`; `None` when there are none or several.
fn only<T>(mut items: impl Iterator<Item = T>) -> Option<T> {
    match (items.next(), items.next()) {
        (Some(item), None) => Some(item),
        _ => None,
    }
}

/// Whether a query value is a template (`{name}`), standing for a parameter.
fn is_template(value: &str) -> bool {
    value.len() > 2 && value.starts_with('{') && value.ends_with('}')
}

fn to_owned_pair((key, value): (&str, &str)) -> (String, String) {
    (key.to_string(), value.to_string())
}

/// The names a path template holds in braces (`/pets/{id}` → `id`), each once, in order.
fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        let name = &rest[open + 1..close];
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[close + 1..];
    }
    names
}

/// A character allowed in an HTTP method name (a `tchar` of RFC 9110).
fn is_token_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// `get /api/v1/connectors/{id}` → `get_api_v1_connectors_by_id`: stable, readable, unique per method and path.
fn synthesized_operation_id(method: &Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by_{param}")),
            None => words.push(segment.to_string()),
        }
    }
    words.join("_")
}

fn doc_of(summary: Option<&str>, description: Option<&str>) -> Option<String> {
    let parts: Vec<&str> =
        [summary, description].into_iter().flatten().map(str::trim).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| crate::rustdoc::rustdoc_safe(&parts.join("\n\n")))
}

struct OperationLowerer<'l, 'a> {
    types: &'l mut TypeLowerer<'a>,
    document: &'a OpenAPI,
    pointer: String,
    prefix: String,
}

impl<'a> OperationLowerer<'_, 'a> {
    /// Follows `$ref`s to `#/components/{section}/…` (a few hops at most) to the item, or reports where the
    /// reference is broken.
    fn resolve<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        at: &str,
        section: &str,
        components: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<&'a T> {
        let prefix = format!("#/components/{section}/");
        let mut current = item;
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let target = reference
                        .strip_prefix(&prefix)
                        .map(crate::diagnostic::unescape_pointer_token)
                        .and_then(|name| components(self.document.components.as_ref()?).get(&name));
                    match target {
                        Some(target) => current = target,
                        None => {
                            self.types.warn(
                                at,
                                format!(
                                    "`$ref: {reference}` points to nothing under #/components/{section}; it is left \
                                     out"
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.types.warn(at, format!("`$ref`s under #/components/{section} form a cycle; it is left out"));
        None
    }

    /// The payload types of the requests this operation's callbacks describe (inline schemas become model types
    /// named after the operation and the callback).
    fn callback_payloads(&mut self, callbacks: &'a IndexMap<String, openapiv3::Callback>) -> Vec<TypeRef> {
        let mut payloads = Vec::new();
        for (name, callback) in callbacks {
            let callback_pointer = child(&child(&self.pointer, "callbacks"), name);
            for (expression, item) in callback {
                let item_pointer = child(&callback_pointer, expression);
                for (_, key, operation) in operations_of(item) {
                    let Some(body) = &operation.request_body else { continue };
                    let at = child(&child(&item_pointer, key), "requestBody");
                    let Some(body) = self.resolve(body, &at, "requestBodies", |c| &c.request_bodies) else { continue };
                    let hint = format!("{}{}Payload", self.prefix, type_name(name));
                    if let Some((ResponseMedia::Json(_), ty, _)) =
                        self.content(&body.content, &child(&at, "content"), &hint)
                    {
                        payloads.push(ty);
                    }
                }
            }
        }
        payloads
    }

    fn security(
        &mut self,
        requirements: Option<&Vec<SecurityRequirement>>,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<SchemeId>> {
        let Some(requirements) = requirements else { return Vec::new() };
        let mut alternatives = Vec::new();
        for requirement in requirements {
            let mut all = Vec::new();
            for name in requirement.keys() {
                match schemes.iter().position(|s| &s.spec_name == name) {
                    Some(index) => all.push(SchemeId(index)),
                    None => self.types.warn(&child(&self.pointer, "security"), format!("security scheme {name:?} is not defined (or not supported) in components.securitySchemes; ignored")),
                }
            }
            if all.len() == requirement.len() {
                alternatives.push(all);
            }
        }
        alternatives
    }
}

impl TypeLowerer<'_> {
    /// The Rust name, presence and type of the property `json_name` of the struct `id` (seen through aliases).
    pub fn struct_field(&self, id: crate::ir::TypeId, json_name: &str) -> Option<(String, Presence, TypeRef)> {
        let field = self.struct_fields(id)?.iter().find(|f| f.json_name() == Some(json_name))?;
        Some((field.name.clone(), field.presence, field.ty.clone()))
    }

    /// The fields of the struct `id` (seen through aliases); `None` when it is not a struct.
    pub fn struct_fields(&self, id: crate::ir::TypeId) -> Option<&[crate::ir::Field]> {
        let mut id = id;
        for _ in 0..MAX_REF_HOPS {
            match self.kind_of(id)? {
                TypeKind::Alias(TypeRef::Named(next)) => id = *next,
                TypeKind::Struct(s) => return Some(&s.fields),
                _ => return None,
            }
        }
        None
    }

    /// Whether a named type can be written as one URL or header value (enums, constrained strings, aliases of
    /// scalars).
    pub fn is_scalar(&self, id: crate::ir::TypeId) -> bool {
        match self.kind_of(id) {
            Some(TypeKind::Enum(_) | TypeKind::ConstrainedString(_)) => true,
            Some(TypeKind::Alias(inner)) => !matches!(
                inner,
                TypeRef::Array(_)
                    | TypeRef::Map(_)
                    | TypeRef::Tuple(_)
                    | TypeRef::Option(_)
                    | TypeRef::Any
                    | TypeRef::Object
                    | TypeRef::Named(_)
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::responses::status_variant;
    use super::*;

    #[test]
    fn a_path_keys_fragment_is_not_sent_and_operations_a_server_cannot_tell_apart_are_reported() {
        let ok = "responses: {'204': {description: ok}}";
        let document = format!(
            "{HEAD}paths:
  /cookies:
    get: {{operationId: plain, {ok}}}
  /cookies#exploded:
    get: {{operationId: exploded, {ok}}}
  /items?op=list:
    get: {{operationId: list, {ok}}}
  /items?op=count:
    get: {{operationId: count, {ok}}}
"
        );
        let (api, diagnostics) = lower_yaml(&document);
        assert_eq!(api.operations[1].path_segments, vec![vec![PathPiece::Literal("cookies".into())]]);
        assert_eq!(api.same_requests_as(), vec![None, Some(0), None, None]);
        let warnings: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("`GET /cookies` is also the method and path of `plain`"), "{warnings:?}");
        // A client sends both as written: without a server, nothing to report.
        let (client_only, diagnostics) = lower_yaml_for(&document, false);
        assert_eq!(client_only.operations.len(), 4);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn a_json_reply_keeps_its_examples_given_inline_by_reference_and_on_its_schema() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Count'}}
              examples:
                one: {{$ref: '#/components/examples/One'}}
  /b:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Count'}}
components:
  examples:
    One: {{value: {{count: 1}}}}
  schemas:
    Count: {{type: object, properties: {{count: {{type: integer}}}}, example: {{count: 2}}}}
"
        ));
        let examples = |op: usize| api.operations[op].responses[0].body.as_ref().map(|b| b.examples.clone());
        assert_eq!(examples(0), Some(vec![serde_json::json!({"count": 1}), serde_json::json!({"count": 2})]));
        assert_eq!(examples(1), Some(vec![serde_json::json!({"count": 2})]));
    }
    use crate::ir::{OAuth2Grants, SchemeKind};
    use crate::lower::test_support::{HEAD, lower_yaml, lower_yaml_for, warnings};

    /// The names a syn `use` tree brings in.
    fn use_names(tree: &syn::UseTree, names: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => use_names(&path.tree, names),
            syn::UseTree::Name(name) => names.push(name.ident.to_string()),
            syn::UseTree::Rename(rename) => names.push(rename.rename.to_string()),
            syn::UseTree::Group(group) => group.items.iter().for_each(|tree| use_names(tree, names)),
            syn::UseTree::Glob(_) => {}
        }
    }

    #[test]
    fn every_name_the_client_defines_itself_is_reserved_from_operations() {
        // Methods of the template's `impl Client`.
        let template = syn::parse_file(crate::templates::CLIENT_METHODS).expect("the client template parses");
        for item in &template.items {
            if let syn::Item::Impl(block) = item {
                for item in &block.items {
                    if let syn::ImplItem::Fn(method) = item {
                        let name = method.sig.ident.to_string();
                        assert!(CLIENT_METHODS.contains(&name.as_str()), "`Client::{name}` is not in CLIENT_METHODS");
                    }
                }
            }
        }
        // The client crate's root, for an API that needs every optional module: what it defines or re-exports,
        // besides its operations' own types, is reserved.
        let (api, _) = lower_yaml(&format!(
            "{HEAD}servers: [{{url: 'https://{{host}}/v1', variables: {{host: {{default: example.com}}}}}}]
paths:
  /events:
    get:
      operationId: watch
      security: [{{oauth: []}}]
      responses:
        '200':
          description: events
          content:
            text/event-stream:
              schema: {{type: string}}
  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {{type: string, format: binary}}
      responses:
        '204': {{description: stored}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows: {{clientCredentials: {{tokenUrl: 'https://example.com/token', scopes: {{}}}}}}
"
        ));
        let graph = crate::plan::graph::TypeGraph::new(&api.types);
        let printed = crate::emit::client_plan(
            &api,
            &graph,
            crate::emit::ClientLayout::Crate { client_crate: "api_client", models_crate: "api_models" },
            None,
        )
        .render()
        .expect("prints");
        let root = syn::parse_file(&printed).expect("the client parses");
        let own: Vec<String> = api
            .operations
            .iter()
            .flat_map(|op| {
                let names = &op.type_names;
                [Some(&names.response), Some(&names.error), Some(&names.params), names.headers.as_ref()]
            })
            .flatten()
            .cloned()
            .chain(api.operations.iter().filter_map(|op| match &op.body.as_ref()?.kind {
                crate::ir::RequestBodyKind::Multipart(crate::ir::Multipart::Parts(form)) => Some(form.name.clone()),
                _ => None,
            }))
            .collect();
        let mut names = Vec::new();
        for item in &root.items {
            match item {
                syn::Item::Use(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                    use_names(&item.tree, &mut names)
                }
                syn::Item::Struct(item) => names.push(item.ident.to_string()),
                syn::Item::Enum(item) => names.push(item.ident.to_string()),
                syn::Item::Type(item) => names.push(item.ident.to_string()),
                syn::Item::Fn(item) => names.push(item.sig.ident.to_string()),
                _ => {}
            }
        }
        let modules = ["models", "reqwest"];
        for name in names.iter().filter(|name| !own.contains(name) && !modules.contains(&name.as_str())) {
            let reserved = CLIENT_TYPES.contains(&name.as_str()) || CLIENT_METHODS.contains(&name.as_str());
            assert!(reserved, "`{name}` is defined at the client's root but not reserved from operations");
        }
        for expected in ["OAuth2Tokens", "FilePart", "EventStream", "Client", "server_url"] {
            assert!(names.iter().any(|name| name == expected), "{expected} among {names:?}");
        }
    }

    #[test]
    fn a_pages_helper_gives_way_to_an_operation_of_the_same_name() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /items:
    get:
      operationId: listItems
      x-pagination: {{page-param: page, next: next}}
      parameters: [{{name: page, in: query, schema: {{type: integer}}}}]
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{next: {{type: string}}}}}}}}}}}}
  /pages:
    get:
      operationId: listItemsPages
      responses: {{'204': {{description: none}}}}
"
        ));
        let names: Vec<&str> = api.operations.iter().map(|op| op.method_name.as_str()).collect();
        assert_eq!(names, ["list_items", "list_items_pages"]);
        let pages = api.operations[0].pagination.as_ref().expect("paged");
        assert_eq!(pages.method_name, "list_items_pages_2");
        assert!(
            warnings(&diagnostics).iter().any(|w| w.contains("`list_items_pages` is already taken")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn operations_and_schemes_whose_names_meet_in_rust_get_distinct_names() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a: {{get: {{operationId: getPet, responses: {{'204': {{description: x}}}}}}}}
  /b: {{get: {{operationId: GetPet, responses: {{'204': {{description: x}}}}}}}}
  /c: {{get: {{operationId: authorize, responses: {{'204': {{description: x}}}}}}}}
  /d: {{get: {{operationId: client, responses: {{'204': {{description: x}}}}}}}}
security: [{{a_1: []}}, {{a1: []}}]
components:
  securitySchemes:
    a_1: {{type: http, scheme: bearer}}
    a1: {{type: http, scheme: bearer}}
"
        ));
        let names: Vec<&str> = api.operations.iter().map(|op| op.method_name.as_str()).collect();
        assert_eq!(names, ["get_pet", "get_pet_2", "authorize_2", "client"]);
        let variants: Vec<&str> = api.security_schemes.iter().map(|s| s.variant.as_str()).collect();
        assert_eq!(variants, ["A1", "A1_2"]);
        let types = &api.operations[0].type_names;
        let other = &api.operations[1].type_names;
        assert_eq!(
            (types.response.as_str(), types.error.as_str(), types.params.as_str()),
            ("GetPetResponse", "GetPetError", "GetPetParams")
        );
        assert_ne!(types.params, other.params);
        assert!(warnings(&diagnostics).iter().any(|w| w.contains("`get_pet` is already taken")), "{diagnostics:?}");
    }

    #[test]
    fn parameters_do_not_take_the_names_of_the_method_bodys_locals() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    get:
      parameters:
        - {{name: url, in: query, required: true, schema: {{type: string}}}}
        - {{name: request, in: header, schema: {{type: string}}}}
      responses: {{'204': {{description: x}}}}
"
        ));
        let names: Vec<&str> = api.operations[0].params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["url_2", "request"], "an optional parameter is a field of `Params`, which meets no local");
    }

    #[test]
    fn an_operation_id_without_a_letter_or_digit_is_replaced_by_its_method_and_path() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /items:
    get: {{operationId: '', responses: {{'204': {{description: x}}}}}}
    post: {{operationId: '***', responses: {{'204': {{description: x}}}}}}
    put: {{operationId: '获取', responses: {{'204': {{description: x}}}}}}
"
        ));
        let names: Vec<&str> = api.operations.iter().map(|op| op.method_name.as_str()).collect();
        assert_eq!(names, ["get_items", "huo_qu", "post_items"]);
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("has no letter or digit"), "{diagnostics:?}");
    }

    #[test]
    fn an_operation_without_an_operation_id_is_named_from_its_method_and_path() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /api/v1/connectors/{{id}}:
    get:
      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
      responses: {{'204': {{description: x}}}}
"
        ));
        assert_eq!(api.operations.len(), 1, "kept, not dropped");
        assert_eq!(api.operations[0].operation_id, "get_api_v1_connectors_by_id");
        assert_eq!(api.operations[0].method_name, "get_api_v1_connectors_by_id");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn a_second_use_of_an_operation_id_is_a_warning_and_the_operation_is_named_from_its_path() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a: {{get: {{operationId: list, responses: {{'204': {{description: x}}}}}}}}
  /b: {{get: {{operationId: list, responses: {{'204': {{description: x}}}}}}}}
"
        ));
        let ids: Vec<(&str, &str)> =
            api.operations.iter().map(|op| (op.path.as_str(), op.operation_id.as_str())).collect();
        assert_eq!(ids, [("/a", "list"), ("/b", "get_b")]);
        let warning = diagnostics.iter().find(|d| d.message.contains("duplicate operationId")).expect("a warning");
        assert_eq!(warning.severity, crate::diagnostic::Severity::Warning);
        assert_eq!(warning.pointer, "#/paths/~1b/get/operationId");
        assert!(warning.message.contains("#/paths/~1a/get"), "names the first use: {}", warning.message);
    }

    #[test]
    fn delimited_query_styles_join_array_items_with_their_separator() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /items:
    get:
      operationId: items
      parameters:
        - {{name: a, in: query, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: b, in: query, explode: false, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: c, in: query, style: spaceDelimited, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: d, in: query, style: pipeDelimited, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: e, in: query, explode: false, x-specforge-separator: \"\\t\", schema: {{type: array, items: {{type: string}}}}}}
      responses: {{'204': {{description: x}}}}
"
        ));
        let styles: Vec<(&str, bool, char)> =
            api.operations[0].params.iter().map(|p| (p.api_name.as_str(), p.explode, p.separator)).collect();
        assert_eq!(
            styles,
            [("a", true, ','), ("b", false, ','), ("c", false, ' '), ("d", false, '|'), ("e", false, '\t')]
        );
    }

    #[test]
    fn a_path_name_without_a_declared_parameter_becomes_a_string_argument() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /items/{{id}}/parts:
    get: {{operationId: parts, responses: {{'204': {{description: x}}}}}}
"
        ));
        let params: Vec<(&str, &TypeRef, bool)> =
            api.operations[0].params.iter().map(|p| (p.api_name.as_str(), &p.ty, p.required)).collect();
        assert_eq!(params, [("id", &TypeRef::String, true)]);
        assert_eq!(
            warnings(&diagnostics),
            ["the path names {id} but no path parameter \"id\" is declared; it is taken as a string"]
        );
    }

    #[test]
    fn a_query_string_in_a_path_key_is_sent_as_query_pairs_and_parameters() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /items/{{id}}?op=list&since={{since}}&flag:
    get:
      operationId: items
      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]
      responses: {{'204': {{description: x}}}}
"
        ));
        let op = &api.operations[0];
        assert_eq!(op.path_segments.len(), 2, "the query string is not part of the path: {:?}", op.path_segments);
        let fixed: Vec<(&str, &str)> = op.fixed_query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(fixed, [("op", "list"), ("flag", "")]);
        let params: Vec<(&str, ParamLocation, bool)> =
            op.params.iter().map(|p| (p.api_name.as_str(), p.location, p.required)).collect();
        assert_eq!(params, [("id", ParamLocation::Path, true), ("since", ParamLocation::Query, true)]);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("{since}"), "{}", diagnostics[0].message);
    }

    #[test]
    fn a_required_parameter_with_one_possible_value_is_sent_by_the_client_itself() {
        // As in AWS's JSON APIs: operations at one path, told apart by the `X-Amz-Target` header.
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /#X-Amz-Target=Svc.Cancel:
    post:
      operationId: cancel
      parameters:
        - {{name: X-Amz-Target, in: header, required: true, schema: {{type: string, enum: [Svc.Cancel]}}}}
        - {{name: version, in: query, required: true, schema: {{$ref: '#/components/schemas/Version'}}}}
        - {{name: mode, in: query, required: false, schema: {{type: string, enum: [fast]}}}}
        - {{name: acl, in: query, required: true, schema: {{type: boolean, enum: [true]}}}}
        - {{name: kind, in: header, required: true, schema: {{type: string, enum: [a, b]}}}}
        - {{name: Accept, in: header, required: true, schema: {{type: string, enum: [application/json]}}}}
      responses: {{'204': {{description: x}}}}
  /#X-Amz-Target=Svc.Start:
    post:
      operationId: start
      parameters: [{{name: X-Amz-Target, in: header, required: true, schema: {{type: string, enum: [Svc.Start]}}}}]
      responses: {{'204': {{description: x}}}}
components:
  schemas:
    Version: {{type: string, enum: ['2024-01-01']}}
"
        ));
        assert!(diagnostics.is_empty(), "told apart by their headers: {diagnostics:?}");
        let cancel = &api.operations[0];
        assert_eq!(cancel.fixed_headers, [("X-Amz-Target".to_string(), "Svc.Cancel".to_string())]);
        let fixed: Vec<(&str, &str)> = cancel.fixed_query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(fixed, [("version", "2024-01-01"), ("acl", "true")]);
        let params: Vec<&str> = cancel.params.iter().map(|p| p.api_name.as_str()).collect();
        assert_eq!(params, ["mode", "kind", "Accept"], "optional, with a choice, or negotiated: still parameters");
        assert_eq!(cancel.request_line(), "POST ?acl=true&version=2024-01-01 (x-amz-target: Svc.Cancel)");
        assert_eq!(api.same_requests_as(), [None, None]);
        // A path key's `{op}` filled by a parameter with one possible value: that value, and no argument.
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /items?op={{op}}:
    get:
      operationId: items
      parameters: [{{name: op, in: query, required: true, schema: {{type: string, enum: [list]}}}}]
      responses: {{'204': {{description: x}}}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(api.operations[0].params.is_empty(), "{:?}", api.operations[0].params);
        assert_eq!(api.operations[0].fixed_query, [("op".to_string(), "list".to_string())]);
    }

    #[test]
    fn a_path_parameter_the_path_does_not_name_fills_its_query_pair_or_is_left_out() {
        // As in ClickSend's API: the query pair's `{filename}` is declared as a path parameter.
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /export?filename={{filename}}:
    get:
      operationId: export
      parameters:
        - {{name: filename, in: path, required: true, description: The file., schema: {{type: integer}}}}
        - {{name: stray, in: path, required: true, schema: {{type: string}}}}
      responses: {{'204': {{description: x}}}}
"
        ));
        let params: Vec<(&str, &str, ParamLocation, &TypeRef, Option<&str>)> = api.operations[0]
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.api_name.as_str(), p.location, &p.ty, p.doc.as_deref()))
            .collect();
        assert_eq!(params, [("filename", "filename", ParamLocation::Query, &TypeRef::I64, Some("The file."))]);
        assert_eq!(
            warnings(&diagnostics),
            ["path parameter \"stray\" does not appear in the path \"/export?filename={filename}\"; it is left out"]
        );
    }

    #[test]
    fn operation_parameters_override_path_item_ones_and_path_parameters_come_in_path_order() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /items/{{b}}/{{a}}:
    parameters:
      - {{name: a, in: path, required: true, schema: {{type: string}}}}
      - {{name: limit, in: query, schema: {{type: string}}}}
      - {{name: b, in: path, required: true, schema: {{type: string}}}}
    get:
      operationId: get
      parameters: [{{name: limit, in: query, schema: {{type: integer, format: int32}}}}]
      responses: {{'204': {{description: x}}}}
"
        ));
        let params: Vec<(&str, ParamLocation, &TypeRef)> =
            api.operations[0].params.iter().map(|p| (p.name.as_str(), p.location, &p.ty)).collect();
        assert_eq!(
            params,
            [
                ("b", ParamLocation::Path, &TypeRef::String),
                ("a", ParamLocation::Path, &TypeRef::String),
                ("limit", ParamLocation::Query, &TypeRef::I32),
            ]
        );
    }

    #[test]
    fn a_request_body_is_sent_as_json_before_a_form_before_multipart_before_raw_bytes() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    post:
      operationId: both
      requestBody:
        content:
          multipart/form-data: {{schema: {{type: object}}}}
          application/x-www-form-urlencoded: {{schema: {{type: object, properties: {{n: {{type: string}}}}}}}}
      responses: {{'204': {{description: x}}}}
  /b:
    post:
      operationId: upload
      requestBody: {{required: true, content: {{application/octet-stream: {{}}}}}}
      responses: {{'204': {{description: x}}}}
"
        ));
        let kinds: Vec<(&RequestBodyKind, bool)> =
            api.operations.iter().map(|op| op.body.as_ref().map(|b| (&b.kind, b.required)).expect("a body")).collect();
        assert!(matches!(kinds[0], (RequestBodyKind::Form { ty: TypeRef::Named(_), .. }, false)), "{kinds:?}");
        assert!(
            matches!(kinds[1], (RequestBodyKind::Raw { media }, true) if media == "application/octet-stream"),
            "{kinds:?}"
        );
        assert!(
            warnings(&diagnostics).iter().any(|w| w.contains("not offered: multipart/form-data")),
            "the media type left out is named: {diagnostics:?}"
        );
    }

    #[test]
    fn multipart_parts_are_files_texts_or_json_and_a_component_keeps_its_types() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {{type: string, format: binary}}
                scans: {{type: array, items: {{type: string, format: binary}}}}
                note: {{type: string}}
                kind: {{type: string, enum: [a, b]}}
                counts: {{type: array, items: {{type: integer}}}}
                meta: {{type: object, properties: {{x: {{type: string}}}}}}
            encoding:
              file: {{contentType: image/png}}
              counts: {{x-specforge-separator: ','}}
      responses: {{'204': {{description: x}}}}
  /b:
    post:
      operationId: shared
      requestBody: {{content: {{multipart/form-data: {{schema: {{$ref: '#/components/schemas/Upload'}}}}}}}}
      responses: {{'204': {{description: x}}}}
  /c:
    post:
      operationId: open
      requestBody: {{content: {{multipart/form-data: {{schema: {{type: object}}}}}}}}
      responses: {{'204': {{description: x}}}}
components:
  schemas:
    Upload:
      type: object
      properties:
        data: {{type: string, format: binary}}
        mode: {{type: string, enum: [fast, slow]}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let form = |index: usize| match &api.operations[index].body.as_ref().expect("a body").kind {
            RequestBodyKind::Multipart(Multipart::Parts(form)) => form.clone(),
            other => panic!("a typed form, not {other:?}"),
        };
        let upload = form(0);
        assert_eq!(upload.name, "UploadForm");
        let kinds: Vec<(&str, bool, &PartKind)> =
            upload.parts.iter().map(|p| (p.api_name.as_str(), p.required, &p.kind)).collect();
        let png = Some("image/png".to_string());
        assert_eq!(kinds[0], ("file", true, &PartKind::File { content_type: png }));
        assert_eq!(kinds[1], ("scans", false, &PartKind::Files { content_type: None }));
        assert_eq!(kinds[2], ("note", false, &PartKind::Text(TypeRef::String)));
        assert!(matches!(kinds[3], ("kind", false, PartKind::Text(TypeRef::Named(_)))), "{kinds:?}");
        assert_eq!(kinds[4], ("counts", false, &PartKind::Texts { item: TypeRef::I64, separator: Some(',') }));
        assert!(matches!(kinds[5], ("meta", false, PartKind::Json(TypeRef::Named(_)))), "{kinds:?}");
        // A component's part types are its fields' own: no second enum for `mode`.
        let shared = form(1);
        let upload_struct = api.types.iter().position(|t| t.name == "Upload").expect("the component");
        let TypeKind::Struct(fields) = &api.types[upload_struct].kind else { panic!("a struct") };
        assert_eq!(shared.parts[1].kind, PartKind::Text(fields.fields[1].ty.clone()));
        assert_eq!(api.types.iter().filter(|t| t.name.contains("Mode")).count(), 1);
        assert!(matches!(
            api.operations[2].body.as_ref().map(|b| &b.kind),
            Some(RequestBodyKind::Multipart(Multipart::Open))
        ));
    }

    #[test]
    fn oauth2_schemes_keep_the_token_urls_their_grants_need() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    get:
      security: [{{machine: []}}, {{browser: []}}, {{popup: []}}, {{oidc: []}}]
      responses: {{'204': {{description: x}}}}
components:
  securitySchemes:
    machine:
      type: oauth2
      flows:
        clientCredentials: {{tokenUrl: /oauth/token, scopes: {{}}}}
        authorizationCode: {{authorizationUrl: /authorize, tokenUrl: /oauth/token, refreshUrl: /oauth/refresh, scopes: {{}}}}
    browser:
      type: oauth2
      flows:
        implicit: {{authorizationUrl: /authorize, scopes: {{}}}}
        password: {{tokenUrl: https://id.example.com/token, scopes: {{}}}}
    popup:
      type: oauth2
      flows:
        implicit: {{authorizationUrl: /authorize, scopes: {{}}}}
    oidc: {{type: openIdConnect, openIdConnectUrl: https://id.example.com/.well-known/openid-configuration}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let kinds: Vec<&SchemeKind> = api.security_schemes.iter().map(|s| &s.kind).collect();
        let grants = |client_credentials: Option<&str>, refresh: Option<&str>| {
            SchemeKind::OAuth2(OAuth2Grants {
                client_credentials: client_credentials.map(String::from),
                refresh: refresh.map(String::from),
            })
        };
        assert_eq!(kinds[0], &grants(Some("/oauth/token"), Some("/oauth/refresh")));
        assert_eq!(kinds[1], &grants(None, Some("https://id.example.com/token")));
        assert_eq!(kinds[2], &grants(None, None));
        assert_eq!(kinds[3], &SchemeKind::Bearer);
        assert!(api.has_oauth2_grants());
    }

    #[test]
    fn pages_follow_the_convention_the_document_states() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    get:
      operationId: linked
      responses:
        '200':
          description: x
          headers: {{Link: {{schema: {{type: string}}}}}}
          content: {{application/json: {{schema: {{type: array, items: {{type: integer}}}}}}}}
  /b:
    get:
      operationId: azure
      x-ms-pageable: {{nextLinkName: next, itemName: things}}
      responses:
        '200':
          description: x
          content:
            application/json:
              schema: {{type: object, properties: {{things: {{type: array, items: {{type: string}}}}, next: {{type: string}}}}}}
  /c:
    get:
      operationId: single
      x-ms-pageable: {{nextLinkName: null}}
      responses: {{'200': {{description: x, content: {{application/json: {{schema: {{type: object}}}}}}}}}}
  /d:
    post:
      operationId: notAList
      responses:
        '200': {{description: x, headers: {{Link: {{schema: {{type: string}}}}}}, content: {{application/json: {{schema: {{type: array, items: {{}}}}}}}}}}
"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let pages = |index: usize| api.operations[index].pagination.as_ref();
        let linked = pages(0).expect("a Link header on a GET");
        assert!(matches!(linked.style, PageStyle::LinkHeader));
        assert_eq!(linked.items.as_ref().map(|items| (items.path.len(), &items.item)), Some((0, &TypeRef::I64)));
        assert_eq!(
            (linked.method_name.as_str(), linked.items_method_name.as_deref()),
            ("linked_pages", Some("linked_items"))
        );
        let azure = pages(1).expect("x-ms-pageable");
        assert!(matches!(&azure.style, PageStyle::NextLink { next } if next[0].field == "next"));
        assert_eq!(azure.items.as_ref().map(|items| items.path[0].field.as_str()), Some("things"));
        assert!(pages(2).is_none(), "`nextLinkName: null` is one page");
        assert!(pages(3).is_none(), "a POST is not walked by its Link header");
    }

    #[test]
    fn a_cursor_its_names_imply_is_walked_unless_the_document_says_otherwise() {
        let page = |cursor: &str, arrays: &str| {
            format!(
                "{{'200': {{description: x, content: {{application/json: {{schema: {{type: object, properties: {{{cursor}, {arrays}}}}}}}}}}}}}"
            )
        };
        let things = "things: {type: array, items: {type: object, properties: {id: {type: string}}}}";
        let unreachable = "unreachable: {type: array, items: {type: string}}";
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /google:
    get:
      operationId: google
      parameters: [{{name: pageToken, in: query, schema: {{type: string}}}}]
      responses: {google}
  /aws:
    get:
      operationId: aws
      parameters: [{{name: NextToken, in: query, schema: {{type: string}}}}]
      responses: {aws}
  /slack:
    get:
      operationId: slack
      parameters: [{{name: cursor, in: query, schema: {{type: string}}}}]
      responses: {slack}
  /wrongType:
    get:
      operationId: wrongType
      parameters: [{{name: cursor, in: query, schema: {{type: integer}}}}]
      responses: {wrong_type}
  /optedOut:
    get:
      operationId: optedOut
      x-pagination: false
      parameters: [{{name: pageToken, in: query, schema: {{type: string}}}}]
      responses: {google}
  /twoCursors:
    get:
      operationId: twoCursors
      parameters:
        - {{name: pageToken, in: query, schema: {{type: string}}}}
        - {{name: page_token, in: query, schema: {{type: string}}}}
      responses: {google}
  /post:
    post:
      operationId: post
      parameters: [{{name: pageToken, in: query, schema: {{type: string}}}}]
      responses: {google}
",
            google = page("nextPageToken: {type: string}", &format!("{things}, {unreachable}")),
            aws = page("NextToken: {type: string}", unreachable),
            slack = page("response_metadata: {type: object, properties: {next_cursor: {type: string}}}", things),
            wrong_type = page("next_cursor: {type: string}", things),
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let walk = |index: usize| {
            let pages = api.operations[index].pagination.as_ref()?;
            let PageStyle::Cursor { param, next } = &pages.style else { return None };
            let next: Vec<&str> = next.iter().map(|step| step.field.as_str()).collect();
            let items = pages.items.as_ref().map(|items| items.path[0].field.as_str());
            Some((api.operations[index].param(*param).api_name.as_str(), next.join("."), items))
        };
        assert_eq!(
            walk(0),
            Some(("pageToken", "next_page_token".into(), Some("things"))),
            "the items are the only array of objects"
        );
        assert_eq!(walk(1), Some(("NextToken", "next_token".into(), Some("unreachable"))), "the only array");
        assert_eq!(walk(2), Some(("cursor", "response_metadata.next_cursor".into(), Some("things"))));
        assert_eq!(walk(3), None, "an integer parameter does not take a string cursor");
        assert!(api.operations[4].pagination.is_none(), "`x-pagination: false`");
        assert_eq!(walk(5), None, "two parameters fit: neither is taken");
        assert_eq!(walk(6), None, "only a GET is walked by its names");
    }

    #[test]
    fn a_next_link_its_names_imply_is_followed() {
        let get = |id: &str, properties: &str| {
            format!(
                "  /{id}:
    get:
      operationId: {id}
      responses: {{'200': {{description: x, content: {{application/json: {{schema: {{type: object, properties: {{{properties}}}}}}}}}}}}}
"
            )
        };
        let items = "value: {type: array, items: {type: integer}}";
        let paths = [
            get("azure", &format!("{items}, nextLink: {{type: string}}")),
            get("odata", &format!("{items}, '@odata.nextLink': {{type: string}}")),
            get(
                "jsonApi",
                &format!(
                    "{items}, links: {{type: object, properties: {{next: {{type: string}}, self: {{type: string}}}}}}"
                ),
            ),
            get(
                "django",
                &format!("{items}, next: {{type: string, nullable: true}}, previous: {{type: string, nullable: true}}"),
            ),
            get("url", &format!("{items}, next: {{type: string, format: uri}}")),
            get("bareNext", &format!("{items}, next: {{type: string}}")),
            get("twoLinks", &format!("{items}, nextLink: {{type: string}}, nextUrl: {{type: string}}")),
            get("notAString", &format!("{items}, nextLink: {{type: integer}}")),
            get("notAList", "nextUrl: {type: string}, state: {type: string}"),
        ];
        let (api, diagnostics) = lower_yaml(&format!("{HEAD}paths:\n{}", paths.concat()));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let next = |index: usize| match &api.operations[index].pagination.as_ref()?.style {
            PageStyle::NextLink { next } => {
                Some(next.iter().map(|step| step.field.as_str()).collect::<Vec<_>>().join("."))
            }
            _ => None,
        };
        assert_eq!(next(0).as_deref(), Some("next_link"));
        assert_eq!(next(1).as_deref(), Some("odata_next_link"));
        assert_eq!(next(2).as_deref(), Some("links.next"), "JSON:API");
        assert_eq!(next(3).as_deref(), Some("next"), "beside `previous`: Django REST framework");
        assert_eq!(next(4).as_deref(), Some("next"), "a URL");
        assert_eq!(next(5), None, "a string called `next` alone may be a cursor");
        assert_eq!(next(6), None, "two candidates: neither is taken");
        assert_eq!(next(7), None, "not a string");
        assert_eq!(next(8), None, "a page holds a list");
        let items = api.operations[0].pagination.as_ref().and_then(|pages| pages.items.as_ref());
        assert_eq!(items.map(|items| (items.path[0].field.as_str(), &items.item)), Some(("value", &TypeRef::I64)));
    }

    #[test]
    fn a_scheme_no_operation_requires_is_dropped_with_a_warning_and_references_renumbered() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a: {{get: {{security: [{{key: []}}], responses: {{'204': {{description: x}}}}}}}}
components:
  securitySchemes:
    unused: {{type: http, scheme: basic}}
    key: {{type: apiKey, in: header, name: X-Key}}
"
        ));
        let names: Vec<&str> = api.security_schemes.iter().map(|s| s.spec_name.as_str()).collect();
        assert_eq!(names, ["key"]);
        assert_eq!(api.operations[0].security, [[SchemeId(0)]], "renumbered to the scheme kept");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].pointer, "#/components/securitySchemes/unused");
    }

    #[test]
    fn setters_of_schemes_never_share_a_name() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /a: {{get: {{security: [{{oauth2: []}}, {{oauth2_clientCredentials: []}}], responses: {{'204': {{description: x}}}}}}}}
components:
  securitySchemes:
    oauth2:
      type: oauth2
      flows: {{clientCredentials: {{tokenUrl: /token, scopes: {{}}}}}}
    oauth2_clientCredentials: {{type: http, scheme: bearer}}
"
        ));
        let names: Vec<&str> = api.security_schemes.iter().flat_map(|s| s.setters.names()).collect();
        assert_eq!(
            names,
            [
                "with_oauth2",
                "with_oauth2_provider",
                "with_oauth2_client_credentials_2",
                "with_oauth2_client_credentials",
                "with_oauth2_client_credentials_provider"
            ]
        );
    }

    #[test]
    fn statuses_are_named_by_their_reason_phrase_else_by_number() {
        let variant = |status| status_variant(status);
        assert_eq!(variant(StatusMatch::Code(201)), "Created");
        assert_eq!(variant(StatusMatch::Code(418)), "Status418");
        assert_eq!(variant(StatusMatch::Range(5)), "Status5xx");
        assert_eq!(variant(StatusMatch::Default), "Default");
    }
}
