//! The intermediate representation: plain data with every decision made (names, types, boxing, tagging, which
//! dependencies the output needs). Lowering builds it from the spec; the emitters only read it.

/// Index of a [`TypeDef`] in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Index of a [`SecurityScheme`] in [`Api::security_schemes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemeId(pub usize);

/// Index of a [`Param`] in its operation's [`Operation::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub usize);

/// One API: the types of the models crate and the operations of the client crate.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `servers`, in document order.
    pub servers: Vec<Server>,
    /// Every named type, in a stable order.
    pub types: Vec<TypeDef>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// The supported security schemes of `components.securitySchemes`, in document order.
    pub security_schemes: Vec<SecurityScheme>,
}

impl Api {
    /// The security scheme `id` names.
    pub fn scheme(&self, id: SchemeId) -> &SecurityScheme {
        &self.security_schemes[id.0]
    }

    /// For each operation, the first earlier one whose requests it cannot be told apart from (same
    /// [`Operation::request_line`]), if any: a server answers those requests as that one.
    pub fn same_requests_as(&self) -> Vec<Option<usize>> {
        Self::same_requests_of(&self.operations)
    }

    /// [`Api::same_requests_as`] of a list of operations.
    pub fn same_requests_of(operations: &[Operation]) -> Vec<Option<usize>> {
        let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        (0..operations.len())
            .map(|index| {
                let line = operations[index].request_line();
                match first.get(&line) {
                    Some(&earlier) => Some(earlier),
                    None => {
                        first.insert(line, index);
                        None
                    }
                }
            })
            .collect()
    }

    /// Whether a success response of some operation is (or is also offered as) a stream of server-sent events.
    pub fn has_event_streams(&self) -> bool {
        self.operations.iter().flat_map(|op| &op.responses).any(|response| {
            let streams = response.status.is_success() && response.status != StatusMatch::Default;
            response
                .body
                .as_ref()
                .is_some_and(|body| body.kind == BodyKind::Events || (streams && body.events.is_some()))
        })
    }

    /// The type with id `id`.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Of `primitives`, which any type or operation (or anything they contain) uses, in one walk of the API.
    pub fn uses<const N: usize>(&self, primitives: [Primitive; N]) -> [bool; N] {
        let mut found = [false; N];
        let mut check = |ty: &TypeRef| {
            ty.visit(&mut |ty| {
                if let TypeRef::Primitive(primitive) = ty {
                    for (wanted, found) in primitives.iter().zip(&mut found) {
                        *found |= wanted == primitive;
                    }
                }
            })
        };
        self.operations.iter().for_each(|op| op.visit_uses(&mut check));
        self.types.iter().for_each(|def| def.visit_uses(&mut check));
        found
    }

    /// Whether any operation sends a body of this kind.
    pub fn sends(&self, kind: fn(&RequestBodyKind) -> bool) -> bool {
        self.operations.iter().filter_map(|op| op.body.as_ref()).any(|body| kind(&body.kind))
    }

    /// Whether any operation sends a multipart form whose parts the API names (and so needs the client's
    /// `multipart` module).
    pub fn has_typed_forms(&self) -> bool {
        self.sends(|kind| matches!(kind, RequestBodyKind::Multipart(Multipart::Parts(_))))
    }

    /// Whether an OAuth2 scheme has a token URL to get tokens from (and so the client needs its `oauth2` module).
    pub fn has_oauth2_grants(&self) -> bool {
        self.security_schemes.iter().any(|s| matches!(&s.kind, SchemeKind::OAuth2(grants) if grants.any()))
    }

    /// Whether any field keeps absent and `null` apart (and so needs the support module's `Nullable`).
    pub fn has_nullable_fields(&self) -> bool {
        self.types.iter().any(|def| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.presence == Presence::OptionalNullable),
            _ => false,
        })
    }

    /// Whether any enum or union keeps values the API description does not list (in its catch-all variant).
    pub fn keeps_unlisted_values(&self) -> bool {
        self.types.iter().any(|def| match &def.kind {
            TypeKind::Enum(_) => true,
            TypeKind::Union(union) => union.unknown_variant.is_some(),
            _ => false,
        })
    }

    /// Whether any type validates constraints (and so needs the support module).
    pub fn has_constrained_types(&self) -> bool {
        self.types.iter().any(|def| matches!(def.kind, TypeKind::ConstrainedString(_) | TypeKind::BoundedMap(_)))
    }
}

/// A server the API description lists.
#[derive(Debug, Clone)]
pub struct Server {
    /// The URL template, e.g. `{protocol}://{agent}`.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// Variables of the template, in document order.
    pub variables: Vec<ServerVariable>,
}

impl Server {
    /// The URL with every variable at its default.
    pub fn default_url(&self) -> String {
        self.variables.iter().fold(self.url.clone(), |url, v| url.replace(&format!("{{{}}}", v.name), &v.default))
    }
}

/// A variable of a server URL template.
#[derive(Debug, Clone)]
pub struct ServerVariable {
    /// Name in the template.
    pub name: String,
    /// Rust parameter name.
    pub rust_name: String,
    /// Default value.
    pub default: String,
    /// Allowed values, if listed.
    pub allowed: Vec<String>,
    /// `description`.
    pub description: Option<String>,
}

/// A named type of the models crate.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name (`UpperCamelCase`).
    pub name: String,
    /// The schema's name in the spec, for docs and diagnostics.
    pub spec_name: String,
    /// Rustdoc text (the schema's title and description).
    pub doc: Option<String>,
    /// What the type is.
    pub kind: TypeKind,
    /// What the user's configuration adds to the type's declaration.
    pub custom: Custom,
}

/// Derives and attributes a user's configuration adds to a type (checked to hold for it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Custom {
    /// Paths of derive macros beyond the ones the type has anyway (`Hash`, `schemars::JsonSchema`).
    pub derives: Vec<String>,
    /// Outer attributes (`#[non_exhaustive]`).
    pub attributes: Vec<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string or integer enum; unknown values are kept.
    Enum(Enum),
    /// `oneOf`/`anyOf`.
    Union(Union),
    /// A string with `minLength`/`maxLength`/`pattern`, validated on construction and deserialization.
    ConstrainedString(StringConstraints),
    /// A map with `minProperties`/`maxProperties` or key-length limits, validated likewise.
    BoundedMap(BoundedMap),
    /// A named schema that is just another type (`type Tags = Vec<String>`).
    Alias(TypeRef),
    /// A Rust type of the user's in place of the schema (`x-rust-type`, or `replace` in the configuration): a path
    /// or any type that parses, used as written.
    External(String),
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Properties, in document order.
    pub fields: Vec<Field>,
    /// What becomes of the properties the document does not name.
    pub unknown: UnknownFields,
}

/// What a struct does with properties its document does not name.
#[derive(Debug, Clone, PartialEq)]
pub enum UnknownFields {
    /// `additionalProperties: false`: a value with one is an error.
    Denied,
    /// Skipped when read (an open object whose extra properties are not kept).
    Ignored,
    /// Kept in an `additional_properties` map of values of this type (`additionalProperties: true` or a schema
    /// beside properties, or every open object with [`crate::Options::keep_unknown_fields`]), and written back.
    Kept(TypeRef),
}

impl UnknownFields {
    /// The type of the kept values, when they are kept.
    pub fn kept(&self) -> Option<&TypeRef> {
        match self {
            UnknownFields::Kept(ty) => Some(ty),
            UnknownFields::Denied | UnknownFields::Ignored => None,
        }
    }
}

/// Whether a field must be present and whether it may be null: three different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required and not nullable: `T`.
    Required,
    /// Required but nullable: `Option<T>`, always serialized (`null` when `None`).
    RequiredNullable,
    /// Optional and not nullable: `Option<T>`, omitted when `None`.
    Optional,
    /// Optional and nullable: `Nullable<T>` (the models' support type), which keeps absent, `null` and a value
    /// apart.
    OptionalNullable,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name (`snake_case`, maybe `r#type`).
    pub name: String,
    /// Where its value sits in the JSON object.
    pub wire: FieldWire,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// The field's value type (without the `Option` that [`Presence`] adds).
    pub ty: TypeRef,
    /// Required/nullable.
    pub presence: Presence,
    /// Boxed to break a cycle of types that would otherwise have infinite size.
    pub boxed: bool,
    /// Holds a secret: redacted in `Debug`.
    pub secret: bool,
}

/// Where a field's value sits in its struct's JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldWire {
    /// The property of this name.
    Property(String),
    /// Beside the struct's own properties (`#[serde(flatten)]`): a union whose properties the object also has
    /// (`allOf` with a `oneOf`).
    Flattened,
}

impl Field {
    /// The property name on the wire, unless the field is flattened.
    pub fn json_name(&self) -> Option<&str> {
        match &self.wire {
            FieldWire::Property(name) => Some(name),
            FieldWire::Flattened => None,
        }
    }

    /// Whether the field's properties sit beside the struct's own.
    pub fn is_flattened(&self) -> bool {
        self.wire == FieldWire::Flattened
    }
}

/// A string or integer enum. Its wire type is not stored beside its values but read from them
/// ([`Enum::repr`]), so the two cannot disagree.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Known values.
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that keeps values not listed in the spec.
    pub unknown_variant: String,
}

impl Enum {
    /// The values as integers, when there are values and every one is an integer: an integer enum's.
    pub fn integers(&self) -> Option<Vec<i64>> {
        let values: Option<Vec<i64>> = self
            .variants
            .iter()
            .map(|variant| match variant.value {
                EnumValue::Int(value) => Some(value),
                EnumValue::Str(_) => None,
            })
            .collect();
        values.filter(|values| !values.is_empty())
    }

    /// What the values are on the wire: integers when every value is one, else strings (an integer among
    /// strings is written as its text). Says what [`Enum::integers`] finds, without collecting them.
    pub fn repr(&self) -> EnumRepr {
        let integers = !self.variants.is_empty() && self.variants.iter().all(|v| matches!(v.value, EnumValue::Int(_)));
        if integers { EnumRepr::Integer } else { EnumRepr::String }
    }
}

/// The wire type of an [`Enum`]'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// Strings; unknown values are kept as `String`.
    String,
    /// Integers; unknown values are kept as `i64`.
    Integer,
}

/// One value of an [`Enum`].
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// The value on the wire.
    pub value: EnumValue,
    /// What the value means, from the description extensions (`x-enumDescriptions`, `x-enum-descriptions`).
    pub doc: Option<String>,
}

/// An enum value on the wire.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnumValue {
    /// A string value (`"active"`).
    Str(String),
    /// An integer value (`3`).
    Int(i64),
}

impl std::fmt::Display for EnumValue {
    /// The value as the spec writes it, without quotes: `active`, `3`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnumValue::Str(value) => f.write_str(value),
            EnumValue::Int(value) => write!(f, "{value}"),
        }
    }
}

/// How a union is told apart on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tagging {
    /// `discriminator`: the named property holds the tag (`#[serde(tag = "…")]`).
    Internal(String),
    /// Single-key objects: the key is the tag (serde's default).
    External,
    /// Tried in order (`#[serde(untagged)]`).
    Untagged,
}

/// A `oneOf`/`anyOf` type.
#[derive(Debug, Clone)]
pub struct Union {
    /// Tagging.
    pub tagging: Tagging,
    /// Variants, in document order.
    pub variants: Vec<UnionVariant>,
    /// For a tagged union (internally or externally): the last variant, which keeps as JSON a value whose tag this
    /// version of the API description does not list (a newer server's new variant), so it decodes and is written
    /// back unchanged.
    pub unknown_variant: Option<String>,
}

/// One variant of a [`Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust name.
    pub name: String,
    /// The tag value (internal tagging) or key (external tagging); `None` in an untagged union.
    pub tag: Option<String>,
    /// Further tag values that pick this variant (`enum: [stdout, stderr]`, or several mapping keys naming it).
    pub more_tags: Vec<String>,
    /// Whether the variant's type keeps the tag property (so that a variant with several tags carries the one it
    /// was sent with): it is written as it is and decoded from the whole value, tag included.
    pub keeps_tag: bool,
    /// The variant's content; `None` for an empty object (`{"snapshot": {}}`).
    pub payload: Option<TypeRef>,
    /// Boxed to break a cycle.
    pub boxed: bool,
    /// Rustdoc text.
    pub doc: Option<String>,
}

impl UnionVariant {
    /// Every tag value that picks this variant: [`UnionVariant::tag`], then [`UnionVariant::more_tags`].
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.tag.iter().chain(&self.more_tags).map(String::as_str)
    }
}

/// Limits of a constrained string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringConstraints {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
}

/// A map with limits.
#[derive(Debug, Clone)]
pub struct BoundedMap {
    /// Value type.
    pub value: TypeRef,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// Limits on keys (`x-propertyNames`, since OpenAPI 3.0 has no `propertyNames`).
    pub key: StringConstraints,
}

/// Leaf types that pull in a dependency or need special handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `format: uuid` → `uuid::Uuid`.
    Uuid,
    /// `format: date-time` → `chrono::DateTime<Utc>`.
    DateTime,
    /// `format: date` → `chrono::NaiveDate`.
    Date,
    /// `format: uri` → `url::Url`.
    Url,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A type of the models crate.
    Named(TypeId),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// A leaf type from a dependency.
    Primitive(Primitive),
    /// Any JSON value (`{}` or an unsupported construct).
    Any,
    /// A JSON object of unknown shape (`type: object` with no properties).
    Object,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A fixed-length array whose items each have their own type (`prefixItems`): a Rust tuple.
    Tuple(Vec<TypeRef>),
    /// `Option<T>`: an item of an array, a map or a tuple that may be `null`.
    Option(Box<TypeRef>),
}

impl TypeRef {
    /// Calls `f` with every named type id in this type use.
    pub fn visit_named(&self, f: &mut impl FnMut(TypeId)) {
        self.visit(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                f(*id)
            }
        });
    }

    /// The named type this refers to directly (not through a `Vec` or map), if any.
    pub fn direct_named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            _ => None,
        }
    }
}

/// An HTTP method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
    /// QUERY (OpenAPI 3.2): a safe request with a body.
    Query,
    /// Any other method (OpenAPI 3.2's `additionalOperations`), in upper case; a valid HTTP token.
    Other(String),
}

impl Method {
    /// The method as it is sent: `GET`, `QUERY`, ….
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
            Method::Query => "QUERY",
            Method::Other(name) => name,
        }
    }
}

/// One operation: becomes one async method of the client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Rust method name (`snake_case`).
    pub method_name: String,
    /// The method that also returns the reply's status and headers (`<method_name>_with_response`, unless taken).
    pub response_method_name: String,
    /// When a success is also offered as server-sent events: the method that asks for them (`<method_name>_stream`).
    pub stream_method_name: Option<String>,
    /// Names of the operation's own types in the client crate, claimed there like every other name.
    pub type_names: OperationTypeNames,
    /// `operationId`, or the one synthesized from method and path.
    pub operation_id: String,
    /// HTTP method.
    pub method: Method,
    /// The path template, e.g. `/api/v1/connectors/{id}`.
    pub path: String,
    /// The path split into literal text and parameters, segment by segment.
    pub path_segments: Vec<Vec<PathPiece>>,
    /// Query pairs the path key itself carries (`/items?op=list`, Azure's `x-ms-paths`), then those of required
    /// query parameters with one possible value (`Action=DescribeInstances`), sent before the parameters.
    pub fixed_query: Vec<(String, String)>,
    /// Headers with one possible value (a required header parameter whose schema allows one value, as AWS's
    /// `X-Amz-Target`): the client sends them itself, and they tell the operation's requests apart on a server.
    /// Query parameters with one possible value join [`Operation::fixed_query`].
    pub fixed_headers: Vec<(String, String)>,
    /// Rustdoc text (summary and description).
    pub doc: Option<String>,
    /// Parameters, path ones first in path order, then the rest in document order.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<RequestBody>,
    /// Documented responses, in document order.
    pub responses: Vec<Response>,
    /// Alternatives (OR) of scheme sets (AND); empty means none.
    pub security: Vec<Vec<SchemeId>>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `tags`, in document order.
    pub tags: Vec<String>,
    /// How to walk the pages of a list operation (`x-pagination`), if the spec says.
    pub pagination: Option<Pagination>,
    /// The payloads of the requests the server sends back (`callbacks`), so a receiver can decode them.
    pub callback_payloads: Vec<TypeRef>,
}

impl Operation {
    /// The parameter `id` names.
    pub fn param(&self, id: ParamId) -> &Param {
        &self.params[id.0]
    }

    /// What tells its requests apart from another operation's: method, path (parameters as `{}`), the query
    /// pairs it fixes and its fixed headers (`POST / (x-amz-target: Service.Action)`).
    pub fn request_line(&self) -> String {
        let mut line = format!("{} ", self.method.as_str());
        for pieces in &self.path_segments {
            line.push('/');
            for piece in pieces {
                match piece {
                    PathPiece::Literal(text) => line.push_str(&text.replace('{', "{{")),
                    PathPiece::Param(_) => line.push_str("{}"),
                }
            }
        }
        let mut fixed: Vec<String> = self.fixed_query.iter().map(|(key, value)| format!("{key}={value}")).collect();
        fixed.sort();
        if !fixed.is_empty() {
            line.push('?');
            line.push_str(&fixed.join("&"));
        }
        let mut headers: Vec<String> =
            self.fixed_headers.iter().map(|(name, value)| format!("{}: {value}", name.to_ascii_lowercase())).collect();
        headers.sort();
        for header in headers {
            line.push_str(&format!(" ({header})"));
        }
        line
    }

    /// The headers its successes document, each once (by name), in document order.
    pub fn success_headers(&self) -> Vec<&ResponseHeader> {
        let mut seen = std::collections::HashSet::new();
        self.responses
            .iter()
            .filter(|r| r.status.is_success())
            .flat_map(|r| &r.headers)
            .filter(|h| seen.insert(h.name.as_str()))
            .collect()
    }
}

/// The names of an operation's own types (`CreateConnectorResponse`, …), each used only when the operation needs
/// that type.
#[derive(Debug, Clone)]
pub struct OperationTypeNames {
    /// The enum of its successes, when it has several.
    pub response: String,
    /// The enum of its documented error responses.
    pub error: String,
    /// The struct of its optional parameters.
    pub params: String,
    /// The struct of the headers its successes document, when they document any.
    pub headers: Option<String>,
}

/// How an operation's results are paged: by `x-pagination`, `x-ms-pageable`, a `Link` header, or what its names
/// imply (a cursor, a next page's URL).
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Rust name of the method that walks the pages (`list_items_pages`).
    pub method_name: String,
    /// Rust name of the method that yields the items of every page (`list_items_items`), when they are known.
    pub items_method_name: Option<String>,
    /// How the next page is found.
    pub style: PageStyle,
    /// Where a page holds its items, when known.
    pub items: Option<PageItems>,
}

/// Where a page's items are.
#[derive(Debug, Clone)]
pub struct PageItems {
    /// The path of fields from the page to its array of items; empty when the page is the array.
    pub path: Vec<FieldStep>,
    /// The type of one item.
    pub item: TypeRef,
}

/// One field along a path through a response.
#[derive(Debug, Clone)]
pub struct FieldStep {
    /// The field's Rust name.
    pub field: String,
    /// How it is present (so the walk knows whether to unwrap an `Option`).
    pub presence: Presence,
}

/// How pages are selected.
#[derive(Debug, Clone)]
pub enum PageStyle {
    /// An integer page number in the optional query parameter `param`, incremented while the value at `next` is
    /// present.
    PageNumber { param: ParamId, next: Vec<FieldStep> },
    /// A cursor copied from the response's `next` into the optional query parameter `param`.
    Cursor { param: ParamId, next: Vec<FieldStep> },
    /// The next page's URL in a field of the page (Azure's `x-ms-pageable` `nextLinkName`).
    NextLink { next: Vec<FieldStep> },
    /// The next page's URL in the reply's `Link` header, `rel="next"` (RFC 8288; GitHub and many REST APIs).
    LinkHeader,
}

/// A piece of one path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPiece {
    /// Literal text.
    Literal(String),
    /// A path parameter.
    Param(ParamId),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the URL path.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

impl ParamLocation {
    /// The location as OpenAPI spells it in `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Name on the wire.
    pub api_name: String,
    /// Location.
    pub location: ParamLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// For arrays in the query: one `name=value` pair per item (`explode: true`, the default) or one value of
    /// the items joined by [`Param::separator`].
    pub explode: bool,
    /// What joins the items of an array sent as one query value: `,` (`form`), ` ` (`spaceDelimited`), `|`
    /// (`pipeDelimited`), or a tab (Swagger 2.0's `collectionFormat: tsv`).
    pub separator: char,
    /// For an object (a struct or a map) in the query or a header: how its properties are written.
    pub object: Option<ObjectStyle>,
    /// Rustdoc text.
    pub doc: Option<String>,
}

/// How an object parameter's properties are written (OpenAPI's `style` and `explode` for objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `deepObject`: `name[key]=value` per property (`name[key][inner]` for nested objects).
    DeepObject,
    /// Exploded: `key=value` per property in the query (`form`), `key=value,key=value` in a header (`simple`).
    Exploded,
    /// Not exploded: one value `key,value,key,value` (`form` in the query, `simple` in a header).
    Joined,
}

/// How a response body is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/json` or `*+json` (or `*/*` with a structured schema); the exact media type is kept.
    Json(String),
    /// Anything else, with this media type: text, bytes, or a sequence of items read as they arrive.
    Raw(String),
}

/// The essence of a media type (`text/event-stream` of `text/event-stream; charset=utf-8`), lower-cased.
pub fn media_essence(media: &str) -> String {
    media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Server-sent events.
pub fn is_event_stream(media: &str) -> bool {
    media_essence(media) == "text/event-stream"
}

/// JSON Lines, under any of its names.
pub fn is_json_lines(media: &str) -> bool {
    matches!(
        media_essence(media).as_str(),
        "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/json-seq"
    )
}

/// A request body: how it is encoded, and whether it must be sent.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Encoding, with the type where the encoding has one.
    pub kind: RequestBodyKind,
    /// Whether the body must be sent.
    pub required: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone)]
pub enum RequestBodyKind {
    /// JSON with this media type (`application/json`, `application/merge-patch+json`, …), of this type.
    Json { media: String, ty: TypeRef },
    /// `application/x-www-form-urlencoded`, of this type (an object: a pair per property, and per item of an
    /// array property unless `joined` names it with the character that joins its items into one value).
    Form { ty: TypeRef, joined: Vec<(String, char)> },
    /// `multipart/form-data`.
    Multipart(Multipart),
    /// Raw bytes sent with this media type.
    Raw { media: String },
}

/// A `multipart/form-data` body.
#[derive(Debug, Clone)]
pub enum Multipart {
    /// The schema names no parts: a `reqwest::multipart::Form` the caller builds.
    Open,
    /// A struct of the parts the schema's properties name, generated in the client crate.
    Parts(MultipartForm),
}

/// The parts of a `multipart/form-data` body, as a struct of the client crate.
#[derive(Debug, Clone)]
pub struct MultipartForm {
    /// Rust name of the struct.
    pub name: String,
    /// One per property of the schema, in its order.
    pub parts: Vec<FormPart>,
}

/// One named part (or several, for an array) of a multipart body.
#[derive(Debug, Clone)]
pub struct FormPart {
    /// Rust field name.
    pub name: String,
    /// The part's name on the wire.
    pub api_name: String,
    /// Whether the part must be sent (else the field is an `Option`).
    pub required: bool,
    /// Rustdoc.
    pub doc: Option<String>,
    /// What the part holds.
    pub kind: PartKind,
}

/// What a multipart part holds, and so how it is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum PartKind {
    /// A file (`format: binary`): bytes or a stream, with the content type the `encoding` gives by default.
    File { content_type: Option<String> },
    /// Several files under one name (an array of binary strings).
    Files { content_type: Option<String> },
    /// A scalar, sent as its wire text.
    Text(TypeRef),
    /// An array of scalars (of this item type): one text part per item, or with a separator one part of the
    /// items joined by it (Swagger 2.0's `collectionFormat` on `formData`).
    Texts { item: TypeRef, separator: Option<char> },
    /// Any other type: a JSON part (`application/json`).
    Json(TypeRef),
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `2XX` and friends: the hundreds digit.
    Range(u16),
    /// `default`: any status not listed.
    Default,
}

impl StatusMatch {
    /// Whether this response is a success (2xx).
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Range(hundreds) => hundreds == 2,
            StatusMatch::Default => false,
        }
    }
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status(es) covered.
    pub status: StatusMatch,
    /// Variant name in the operation's response or error enum (`Created`, `UnprocessableEntity`).
    pub variant: String,
    /// The body, if the response has one we decode.
    pub body: Option<ResponseBody>,
    /// Rustdoc text (the response's description).
    pub doc: Option<String>,
    /// The headers it documents (`Content-Type` aside), in document order.
    pub headers: Vec<ResponseHeader>,
}

/// A header a response documents.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// Its name on the wire, lower-cased.
    pub name: String,
    /// The Rust field it is read into.
    pub field: String,
    /// Its type (text when the schema gives nothing a header can be parsed into).
    pub ty: TypeRef,
    /// Rustdoc text (the header's description).
    pub doc: Option<String>,
}

/// How a response's body travels to the caller: decoded whole, or (for a success) read as it arrives. Decided once,
/// in lowering, from the media type and the status; the client and the server both follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON of [`ResponseBody::ty`], read whole.
    Json,
    /// Text (`text/*`), read whole.
    Text,
    /// Bytes read whole (an error's or `default`'s).
    Bytes,
    /// Bytes read as they arrive (a success's).
    ByteStream,
    /// Server-sent events (a success's), their data of [`ResponseBody::item`] when the API gives it.
    Events,
    /// JSON Lines (a success's), a line of [`ResponseBody::item`] when the API gives it.
    JsonLines,
}

impl BodyKind {
    /// The kind of a body of `media` sent with `status`. Errors and `default` stay whole: they are small, and their
    /// enums are `Clone` and `PartialEq`.
    pub fn of(media: &ResponseMedia, status: StatusMatch) -> BodyKind {
        let streams = status.is_success() && status != StatusMatch::Default;
        match media {
            ResponseMedia::Json(_) => BodyKind::Json,
            ResponseMedia::Raw(media) if streams && is_event_stream(media) => BodyKind::Events,
            ResponseMedia::Raw(media) if streams && is_json_lines(media) => BodyKind::JsonLines,
            ResponseMedia::Raw(media) if media.starts_with("text/") => BodyKind::Text,
            ResponseMedia::Raw(_) if streams => BodyKind::ByteStream,
            ResponseMedia::Raw(_) => BodyKind::Bytes,
        }
    }
}

/// A response body.
#[derive(Debug, Clone)]
pub struct ResponseBody {
    /// How it travels (see [`BodyKind::of`]).
    pub kind: BodyKind,
    /// Encoding.
    pub media: ResponseMedia,
    /// Type (for JSON).
    pub ty: TypeRef,
    /// For a sequential media type (server-sent events, JSON Lines, …) whose items OpenAPI 3.2 describes with
    /// `itemSchema`: the type of one item.
    pub item: Option<TypeRef>,
    /// When the response is also offered as server-sent events (OpenAI-style `stream: true`): that alternative.
    pub events: Option<EventsAlternative>,
    /// The API's examples of the body (JSON only), as given inline; a fake server answers with the first that
    /// decodes.
    pub examples: Vec<serde_json::Value>,
}

/// A response's other form, as a stream of server-sent events.
#[derive(Debug, Clone)]
pub struct EventsAlternative {
    /// The type of an event's data, if the API gives one (else the data is text).
    pub item: Option<TypeRef>,
}

/// A security scheme from `components.securitySchemes`.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Name in the spec.
    pub spec_name: String,
    /// Rust name of the credentials' field.
    pub name: String,
    /// Rust name of its variant in the client's private `Scheme` enum.
    pub variant: String,
    /// What credentials it takes and how they are sent.
    pub kind: SchemeKind,
    /// The client's setters for it.
    pub setters: SchemeSetters,
    /// Rustdoc text.
    pub doc: Option<String>,
}

/// The Rust names of the client's setters for a security scheme, claimed among every scheme's (and reserved
/// from the operations' methods).
#[derive(Debug, Clone, Default)]
pub struct SchemeSetters {
    /// The credential given once (`with_bearer_auth`).
    pub given: String,
    /// For a bearer kind: a token provider (`with_bearer_auth_provider`).
    pub provider: Option<String>,
    /// For an OAuth2 `clientCredentials` flow (`with_oauth_client_credentials`).
    pub client_credentials: Option<String>,
    /// For an OAuth2 flow a refresh token can be exchanged at (`with_oauth_refresh_token`).
    pub refresh_token: Option<String>,
}

impl SchemeSetters {
    /// Every setter's name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let extra = [&self.provider, &self.client_credentials, &self.refresh_token];
        std::iter::once(self.given.as_str()).chain(extra.into_iter().flatten().map(String::as_str))
    }
}

/// The token URLs of an OAuth2 scheme's flows, as written (absolute, or relative to the API's base URL).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OAuth2Grants {
    /// The `clientCredentials` flow's `tokenUrl`: the client gets its own tokens.
    pub client_credentials: Option<String>,
    /// Where a refresh token is exchanged for an access token: the `authorizationCode` (else `password`) flow's
    /// `refreshUrl`, else its `tokenUrl`.
    pub refresh: Option<String>,
}

impl OAuth2Grants {
    /// Whether a grant is possible (and so the client needs the OAuth2 module).
    pub fn any(&self) -> bool {
        self.client_credentials.is_some() || self.refresh.is_some()
    }
}

/// How a scheme sends credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (also used for OpenID Connect access tokens): a token given once, or a
    /// token provider.
    Bearer,
    /// OAuth2: a bearer token given once or from a provider, or from the grants its flows' token URLs allow.
    OAuth2(OAuth2Grants),
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// An API key sent as-is in a header.
    ApiKeyHeader(String),
    /// An API key in the query string.
    ApiKeyQuery(String),
    /// An API key in a cookie.
    ApiKeyCookie(String),
}

/// Defines the walks over type uses of [`TypeRef`], [`TypeDef`] and [`Operation`] once for shared and once for
/// mutable references, from one body, so the two always visit the same uses.
macro_rules! type_use_walks {
    ($visit:ident, $visit_uses:ident, $iter:ident, $as_ref:ident $(, $mut:tt)?) => {
        impl TypeRef {
            /// Calls `f` on this type use, then on every one inside it (items, values, tuple members).
            pub fn $visit(&$($mut)? self, f: &mut impl FnMut(&$($mut)? TypeRef)) {
                f(self);
                match self {
                    TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => inner.$visit(f),
                    TypeRef::Tuple(items) => items.$iter().for_each(|item| item.$visit(f)),
                    _ => {}
                }
            }
        }

        impl TypeDef {
            /// Calls `f` on each type use of this definition: fields, the type of kept unknown properties,
            /// variants' payloads, an alias's target, a map's values.
            pub fn $visit_uses(&$($mut)? self, f: &mut impl FnMut(&$($mut)? TypeRef)) {
                match &$($mut)? self.kind {
                    TypeKind::Struct(s) => {
                        s.fields.$iter().for_each(|field| f(&$($mut)? field.ty));
                        if let UnknownFields::Kept(ty) = &$($mut)? s.unknown {
                            f(ty);
                        }
                    }
                    TypeKind::Union(u) => u.variants.$iter().filter_map(|v| v.payload.$as_ref()).for_each(|ty| f(ty)),
                    TypeKind::Alias(ty) => f(ty),
                    TypeKind::BoundedMap(m) => f(&$($mut)? m.value),
                    TypeKind::Enum(_) | TypeKind::ConstrainedString(_) | TypeKind::External(_) => {}
                }
            }
        }

        impl RequestBody {
            /// Calls `f` on each type use of the body: a JSON or form body's type, a multipart form's parts'.
            pub fn $visit_uses(&$($mut)? self, f: &mut impl FnMut(&$($mut)? TypeRef)) {
                match &$($mut)? self.kind {
                    RequestBodyKind::Json { ty, .. } | RequestBodyKind::Form { ty, .. } => f(ty),
                    RequestBodyKind::Multipart(Multipart::Parts(form)) => {
                        for part in form.parts.$iter() {
                            match &$($mut)? part.kind {
                                PartKind::Text(ty) | PartKind::Texts { item: ty, .. } | PartKind::Json(ty) => f(ty),
                                PartKind::File { .. } | PartKind::Files { .. } => {}
                            }
                        }
                    }
                    RequestBodyKind::Multipart(Multipart::Open) | RequestBodyKind::Raw { .. } => {}
                }
            }
        }

        impl Operation {
            /// Calls `f` on each type use of the operation: parameters, request body, response bodies (with
            /// their items and events), response headers, callback payloads and the items its pages hold.
            pub fn $visit_uses(&$($mut)? self, f: &mut impl FnMut(&$($mut)? TypeRef)) {
                self.params.$iter().for_each(|param| f(&$($mut)? param.ty));
                self.body.$iter().for_each(|body| body.$visit_uses(f));
                for body in self.responses.$iter().filter_map(|response| response.body.$as_ref()) {
                    f(&$($mut)? body.ty);
                    body.item.$iter().for_each(|ty| f(ty));
                    body.events.$iter().filter_map(|events| events.item.$as_ref()).for_each(|ty| f(ty));
                }
                self.responses.$iter().flat_map(|response| response.headers.$iter()).for_each(|header| f(&$($mut)? header.ty));
                self.callback_payloads.$iter().for_each(|ty| f(ty));
                self.pagination.$iter().filter_map(|p| p.items.$as_ref()).for_each(|items| f(&$($mut)? items.item));
            }
        }
    };
}

type_use_walks!(visit, visit_uses, iter, as_ref);
type_use_walks!(visit_mut, visit_uses_mut, iter_mut, as_mut, mut);

#[cfg(test)]
mod tests {
    use super::*;

    fn enum_of(values: Vec<EnumValue>) -> Enum {
        let variants = values.into_iter().map(|value| EnumVariant { name: String::new(), value, doc: None }).collect();
        Enum { variants, unknown_variant: "Unknown".into() }
    }

    #[test]
    fn a_success_streams_its_events_lines_and_bytes_and_an_error_is_read_whole() {
        let raw = |media: &str| ResponseMedia::Raw(media.into());
        let ok = StatusMatch::Code(200);
        assert_eq!(BodyKind::of(&raw("text/event-stream; charset=utf-8"), ok), BodyKind::Events);
        assert_eq!(BodyKind::of(&raw("application/x-ndjson"), ok), BodyKind::JsonLines);
        assert_eq!(BodyKind::of(&raw("application/zip"), StatusMatch::Range(2)), BodyKind::ByteStream);
        assert_eq!(BodyKind::of(&raw("application/zip"), StatusMatch::Default), BodyKind::Bytes);
        assert_eq!(BodyKind::of(&raw("text/event-stream"), StatusMatch::Code(500)), BodyKind::Text);
        assert_eq!(BodyKind::of(&ResponseMedia::Json("application/problem+json".into()), ok), BodyKind::Json);
    }

    #[test]
    fn an_enum_is_an_integer_enum_only_when_every_value_is_an_integer() {
        assert_eq!(enum_of(vec![EnumValue::Int(1), EnumValue::Int(-2)]).repr(), EnumRepr::Integer);
        assert_eq!(enum_of(vec![EnumValue::Int(1), EnumValue::Str("a".into())]).repr(), EnumRepr::String);
        assert_eq!(enum_of(vec![EnumValue::Str("a".into())]).repr(), EnumRepr::String);
        assert_eq!(enum_of(Vec::new()).repr(), EnumRepr::String, "no value: nothing to read as integers");
        assert_eq!(enum_of(vec![EnumValue::Int(7)]).integers(), Some(vec![7]));
    }
}
