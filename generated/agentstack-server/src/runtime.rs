//! What every generated server shares: reading a request's parameters and body into typed values (a refusal names
//! what was wrong), and writing a typed reply.
//!
//! Copied into a generated server crate from specforge's `templates/server/runtime.rs`. Parameters are read back
//! the way the generated client writes them: a string as it is, another scalar as its text, arrays joined or
//! repeated as the parameter's style says, objects as `deepObject` or `form` pairs.

// The same file serves every API; one without forms, streams or multipart bodies leaves some of it unused.
#![allow(dead_code)]

use std::fmt;
use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

/// The largest request body read (bytes); a larger one is refused with 413.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// A request refused before it reached your implementation, sent as an RFC 9457 problem (`application/problem+json`)
/// whose `detail` names the parameter or the body's field that was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 400 for a parameter, 413 for a body too large, 415 for a body of another media type, 422 for a body that
    /// does not decode, 405 for a method the path does not offer.
    pub status: StatusCode,
    /// What was wrong.
    pub detail: String,
}

impl Rejection {
    /// A refusal with `status` and `detail`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Rejection { status, detail: detail.into() }
    }

    pub(crate) fn parameter(what: &str, problem: impl fmt::Display) -> Self {
        Rejection::new(StatusCode::BAD_REQUEST, format!("{what}: {problem}"))
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.status)
    }
}

impl std::error::Error for Rejection {}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let problem = serde_json::json!({
            "title": self.status.canonical_reason().unwrap_or("Bad request"),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut response = (self.status, problem.to_string()).into_response();
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response
    }
}

/// A failure of your implementation that no documented reply describes (a database down, a bug): answered with
/// 500. Any error converts into one with `?`; its text is not sent (it may say more than a client should know)
/// unless it was made with [`Failure::with_detail`].
pub struct Failure {
    error: Box<dyn std::error::Error + Send + Sync>,
    status: StatusCode,
    public: bool,
}

impl Failure {
    /// A failure whose text is sent to the client as the problem's `detail`.
    pub fn with_detail(detail: impl Into<String>) -> Self {
        Failure { error: detail.into().into(), status: StatusCode::INTERNAL_SERVER_ERROR, public: true }
    }

    /// An operation the implementation does not offer: 501 Not Implemented.
    pub fn not_implemented(operation: &str) -> Self {
        let detail = format!("`{operation}` is not implemented by this server");
        Failure { error: detail.into(), status: StatusCode::NOT_IMPLEMENTED, public: true }
    }

    /// The error inside.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.error
    }
}

impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure { error: error.into(), status: StatusCode::INTERNAL_SERVER_ERROR, public: false }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Failure").field(&self.error).finish()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let detail = if self.public { self.error.to_string() } else { "the server failed to answer".to_string() };
        Rejection::new(self.status, detail).into_response()
    }
}

/// The reply to a request on a route that no operation matched: 405 with the methods the path offers when the
/// method was not one of them, else 404.
pub fn unmatched(inputs: &Inputs, allowed: &str) -> Response {
    if allowed.split(", ").any(|method| inputs.method == method) {
        return Rejection::new(StatusCode::NOT_FOUND, "no operation has this path").into_response();
    }
    let mut response =
        Rejection::new(StatusCode::METHOD_NOT_ALLOWED, format!("this path offers {allowed}")).into_response();
    if let Ok(allow) = HeaderValue::from_str(allowed) {
        response.headers_mut().insert(axum::http::header::ALLOW, allow);
    }
    response
}

/// The status `code` (documented in the API, so valid; 500 if not).
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The values of the captured path segments `names`, in order (percent-decoded); a 400 when one is not UTF-8.
pub async fn captures(parts: &mut axum::http::request::Parts, names: &[&str]) -> Result<Vec<String>, Rejection> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    use axum::extract::FromRequestParts;
    let params = axum::extract::RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|error| Rejection::new(StatusCode::BAD_REQUEST, format!("path: {}", error.body_text())))?;
    let found: Vec<(&str, &str)> = params.iter().collect();
    Ok(names
        .iter()
        .map(|name| found.iter().find(|(key, _)| key == name).map(|(_, value)| value.to_string()).unwrap_or_default())
        .collect())
}

/// A piece of a path segment as the API describes it: literal text, or a parameter by name.
#[derive(Debug, Clone, Copy)]
pub enum Piece {
    /// Literal text.
    Literal(&'static str),
    /// A parameter.
    Param(&'static str),
}

/// The parts of a request that parameters are read from.
#[derive(Debug)]
pub struct Inputs {
    /// The request's method.
    pub method: Method,
    path: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
}

impl Inputs {
    /// The method, query and headers of a request (taken, not copied: the rest of its head is not read).
    pub fn new(parts: axum::http::request::Parts) -> Self {
        let query = parts
            .uri
            .query()
            .map(|query| form_urlencoded::parse(query.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        Inputs { method: parts.method, path: Vec::new(), query, headers: parts.headers }
    }

    /// Matches the captured path `segments` against an operation's `pattern` (per segment, its pieces); on a match,
    /// keeps its path parameters' values and returns `true`.
    pub fn matches_path(&mut self, segments: &[String], pattern: &[&[Piece]]) -> bool {
        if segments.len() != pattern.len() {
            return false;
        }
        let mut values = Vec::new();
        for (text, pieces) in segments.iter().zip(pattern) {
            if !split_segment(text, pieces, &mut values) {
                return false;
            }
        }
        self.path = values;
        true
    }

    /// The path parameter `name` read in `style` (an array's items are joined by `,`).
    pub fn path<T: DeserializeOwned>(&self, name: &str, style: Style) -> Result<T, Rejection> {
        let what = format!("path parameter `{name}`");
        let value = self.path.iter().find(|(key, _)| *key == name).map(|(_, value)| value.as_str());
        let value = value.ok_or_else(|| Rejection::parameter(&what, "missing"))?;
        let node = match style {
            Style::Joined(separator) => Node::split(value, separator),
            _ => Node::text(value),
        };
        decode(node, &what)
    }

    /// The query parameter `name` read in `style` (`None` when absent); `others` are the names of the operation's
    /// other query parameters (which an exploded object's properties are not).
    pub fn query<T: DeserializeOwned>(
        &self,
        name: &str,
        style: Style,
        others: &[&str],
    ) -> Result<Option<T>, Rejection> {
        let what = format!("query parameter `{name}`");
        let values = || self.query.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str());
        let node = match style {
            Style::Scalar => values().next().map(Node::text),
            Style::Repeated => {
                let items: Vec<Node> = values().map(Node::text).collect();
                (!items.is_empty()).then_some(Node::List(items))
            }
            Style::Joined(separator) => values().next().map(|value| Node::split(value, separator)),
            Style::DeepObject => deep_object(name, &self.query).map_err(|error| Rejection::parameter(&what, error))?,
            Style::Properties => {
                let pairs = self.query.iter().filter(|(key, _)| !others.contains(&key.as_str()));
                let node = Node::from_pairs(pairs.map(|(key, value)| (key.clone(), value.as_str())), &[]);
                Some(node).filter(|node| !matches!(node, Node::Map(map) if map.is_empty()))
            }
            Style::JoinedProperties { between, after } => {
                values().next().map(|value| joined_properties(value, between, after))
            }
        };
        node.map(|node| decode(node, &what)).transpose()
    }

    /// The header `name` read in `style` (`None` when absent).
    pub fn header<T: DeserializeOwned>(&self, name: &str, style: Style) -> Result<Option<T>, Rejection> {
        let what = format!("header `{name}`");
        let Some(value) = self.headers.get(name) else { return Ok(None) };
        let value = value.to_str().map_err(|_| Rejection::parameter(&what, "not text"))?.trim();
        let node = match style {
            Style::Joined(separator) => Node::split(value, separator),
            Style::JoinedProperties { between, after } => joined_properties(value, between, after),
            _ => Node::text(value),
        };
        decode(node, &what).map(Some)
    }

    /// Whether the query has each of `pairs` (the pairs a path key fixes, `/items?op=list`).
    pub fn has_pairs(&self, pairs: &[(&str, &str)]) -> bool {
        pairs.iter().all(|(key, value)| self.query.iter().any(|(k, v)| k == key && v == value))
    }

    /// Whether the request has each of `headers` with the value given (the headers an operation fixes, such as
    /// `X-Amz-Target`).
    pub fn has_headers(&self, headers: &[(&str, &str)]) -> bool {
        headers.iter().all(|(name, value)| self.headers.get_all(*name).iter().any(|v| v.as_bytes() == value.as_bytes()))
    }

    /// The cookie `name` read in `style` (`None` when absent).
    pub fn cookie<T: DeserializeOwned>(&self, name: &str, style: Style) -> Result<Option<T>, Rejection> {
        let what = format!("cookie `{name}`");
        let cookies = self.headers.get_all(COOKIE).iter().filter_map(|value| value.to_str().ok());
        let value = cookies.flat_map(|line| line.split(';')).find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        });
        let node = |value: &str| match style {
            Style::Joined(separator) => Node::split(value, separator),
            _ => Node::text(value),
        };
        value.map(|value| decode(node(value), &what)).transpose()
    }

    /// The request's `Content-Type`, as its essence in lower case (empty when absent).
    pub fn content_type(&self) -> String {
        let value = self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
        value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
    }

    /// The raw `Content-Type` header (for multipart bodies, whose boundary it carries).
    pub fn content_type_header(&self) -> Option<String> {
        self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_string)
    }
}

/// A required body, or a 422.
pub fn required_body<T>(value: Option<T>) -> Result<T, Rejection> {
    value.ok_or_else(|| Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, "the body is required"))
}

/// A required parameter's value, or a 400 naming it.
pub fn required<T>(value: Option<T>, what: &str) -> Result<T, Rejection> {
    value.ok_or_else(|| Rejection::parameter(what, "missing"))
}

/// How a parameter is written.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// One value.
    Scalar,
    /// An array, one pair per item (`explode: true`).
    Repeated,
    /// An array in one value, its items joined by this character.
    Joined(char),
    /// An object as `name[key]=value` pairs.
    DeepObject,
    /// An object as `key=value` pairs among the query's.
    Properties,
    /// An object in one value: `key{between}value{after}key…`.
    JoinedProperties { between: char, after: char },
}

/// Matches one path segment against its pieces, collecting the parameters' values.
fn split_segment(mut text: &str, pieces: &[Piece], values: &mut Vec<(&'static str, String)>) -> bool {
    let mut pieces = pieces.iter().peekable();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Literal(literal) => match text.strip_prefix(literal) {
                Some(rest) => text = rest,
                None => return false,
            },
            Piece::Param(name) => {
                let end = match pieces.peek() {
                    Some(Piece::Literal(next)) => match text.find(next) {
                        Some(end) => end,
                        None => return false,
                    },
                    _ => text.len(),
                };
                values.push((name, text[..end].to_string()));
                text = &text[end..];
            }
        }
    }
    text.is_empty()
}

/// The `name[key][inner]=value` pairs of a `deepObject` parameter as a tree (`None` when there are none).
/// Keys nested deeper than [`DEEPEST_KEY`] are refused (a query is short, but `a[b][c]…` could nest it thousands
/// of levels deep).
fn deep_object(name: &str, query: &[(String, String)]) -> Result<Option<Node>, TextError> {
    let prefix = format!("{name}[");
    let mut root = Node::Map(Vec::new());
    let mut any = false;
    for (key, value) in query {
        let Some(rest) = key.strip_prefix(&prefix) else { continue };
        let path: Vec<&str> = rest.trim_end_matches(']').split("][").collect();
        if path.len() > DEEPEST_KEY {
            return Err(TextError(format!("keys nest deeper than {DEEPEST_KEY} levels")));
        }
        root.insert(&path, value);
        any = true;
    }
    Ok(any.then_some(root))
}

/// How deep a `deepObject` parameter's keys may nest.
const DEEPEST_KEY: usize = 32;

/// `key{between}value{after}key{between}value…` as an object (a value's own commas make an array).
fn joined_properties(text: &str, between: char, after: char) -> Node {
    let mut map = Vec::new();
    if between == after {
        let mut items = text.split(between);
        while let (Some(key), Some(value)) = (items.next(), items.next()) {
            map.push((key.to_string(), Node::text(value)));
        }
    } else {
        for pair in text.split(after) {
            if let Some((key, value)) = pair.split_once(between) {
                map.push((key.to_string(), Node::text(value)));
            }
        }
    }
    Node::Map(map)
}

/// A parameter's value as text, before it is read as its type: text, a list (repeated or joined items), or an
/// object (properties).
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub(crate) fn text(value: &str) -> Node {
        Node::Text(value.to_string())
    }

    pub(crate) fn split(value: &str, separator: char) -> Node {
        if value.is_empty() {
            return Node::List(Vec::new());
        }
        Node::List(value.split(separator).map(Node::text).collect())
    }

    /// Pairs as an object: a key given more than once is a list, and so is one that `joined` names (its value
    /// split at the character given).
    fn from_pairs<'a>(pairs: impl Iterator<Item = (String, &'a str)>, joined: &[(&str, char)]) -> Node {
        let mut map: Vec<(String, Node)> = Vec::new();
        for (key, value) in pairs {
            if let Some((_, separator)) = joined.iter().find(|(name, _)| *name == key) {
                map.push((key, Node::split(value, *separator)));
                continue;
            }
            match map.iter_mut().find(|(known, _)| *known == key) {
                Some((_, Node::List(items))) => items.push(Node::text(value)),
                Some((_, node)) => {
                    let first = std::mem::replace(node, Node::List(Vec::new()));
                    *node = Node::List(vec![first, Node::text(value)]);
                }
                None => map.push((key, Node::text(value))),
            }
        }
        Node::Map(map)
    }

    /// Puts `value` at `path` in an object, a repeated leaf becoming a list.
    fn insert(&mut self, path: &[&str], value: &str) {
        let Node::Map(map) = self else { return };
        let Some((first, rest)) = path.split_first() else { return };
        let position = map.iter().position(|(key, _)| key == first);
        match (position, rest.is_empty()) {
            (Some(at), true) => match &mut map[at].1 {
                Node::List(items) => items.push(Node::text(value)),
                node => {
                    let first = std::mem::replace(node, Node::List(Vec::new()));
                    *node = Node::List(vec![first, Node::text(value)]);
                }
            },
            (None, true) => map.push((first.to_string(), Node::text(value))),
            (Some(at), false) => map[at].1.insert(rest, value),
            (None, false) => {
                let mut child = Node::Map(Vec::new());
                child.insert(rest, value);
                map.push((first.to_string(), child));
            }
        }
    }
}

/// Reads a parameter's text as `T`, or a 400 naming it.
pub(crate) fn decode<T: DeserializeOwned>(node: Node, what: &str) -> Result<T, Rejection> {
    T::deserialize(node).map_err(|error| Rejection::parameter(what, error))
}

/// Why text did not read as a value.
#[derive(Debug)]
pub struct TextError(String);

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}

impl de::Error for TextError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        TextError(message.to_string())
    }
}

impl<'de> IntoDeserializer<'de, TextError> for Node {
    type Deserializer = Node;

    fn into_deserializer(self) -> Node {
        self
    }
}

/// Parses text as a number or `bool`, or fails naming what was expected.
fn parse<T: std::str::FromStr>(text: &str, expected: &str) -> Result<T, TextError> {
    text.trim().parse().map_err(|_| TextError(format!("expected {expected}, found {text:?}")))
}

macro_rules! parse_scalar {
    ($($method:ident $visit:ident $ty:ty, $expected:literal;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
                match self {
                    Node::Text(text) => visitor.$visit(parse::<$ty>(&text, $expected)?),
                    other => Err(other.unexpected($expected)),
                }
            }
        )*
    };
}

impl Node {
    fn unexpected(&self, expected: &str) -> TextError {
        let found = match self {
            Node::Text(_) => "text",
            Node::List(_) => "several values",
            Node::Map(_) => "properties",
        };
        TextError(format!("expected {expected}, found {found}"))
    }

    /// Text that JSON writes (an object or array inside a form, a number where any value is allowed), read as JSON.
    fn json(text: &str) -> Option<serde_json::Value> {
        serde_json::from_str(text).ok()
    }
}

impl<'de> de::Deserializer<'de> for Node {
    type Error = TextError;

    /// A value of any type (`serde_json::Value`, an untagged union): text that JSON reads as a number, `bool`,
    /// object or array is that, any other text a string.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self {
            Node::Text(text) => match Node::json(&text) {
                Some(value) if !value.is_string() && !value.is_null() => {
                    value.deserialize_any(visitor).map_err(|e| TextError(e.to_string()))
                }
                _ => visitor.visit_string(text),
            },
            Node::List(items) => visitor.visit_seq(SeqDeserializer::new(items.into_iter())),
            Node::Map(map) => visitor.visit_map(MapDeserializer::new(map.into_iter())),
        }
    }

    parse_scalar! {
        deserialize_bool visit_bool bool, "true or false";
        deserialize_i8 visit_i8 i8, "an integer";
        deserialize_i16 visit_i16 i16, "an integer";
        deserialize_i32 visit_i32 i32, "an integer";
        deserialize_i64 visit_i64 i64, "an integer";
        deserialize_i128 visit_i128 i128, "an integer";
        deserialize_u8 visit_u8 u8, "a non-negative integer";
        deserialize_u16 visit_u16 u16, "a non-negative integer";
        deserialize_u32 visit_u32 u32, "a non-negative integer";
        deserialize_u64 visit_u64 u64, "a non-negative integer";
        deserialize_u128 visit_u128 u128, "a non-negative integer";
        deserialize_f32 visit_f32 f32, "a number";
        deserialize_f64 visit_f64 f64, "a number";
        deserialize_char visit_char char, "one character";
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self {
            Node::Text(text) => visitor.visit_string(text),
            other => Err(other.unexpected("text")),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        self.deserialize_string(visitor)
    }

    /// Present text is a value: absence was told apart before.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_newtype_struct(self)
    }

    /// A list, or one value as a list of one (a repeated parameter given once).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self {
            Node::List(items) => visitor.visit_seq(SeqDeserializer::new(items.into_iter())),
            Node::Text(text) if text.starts_with('[') => match Node::json(&text) {
                Some(value) => value.deserialize_seq(visitor).map_err(|e| TextError(e.to_string())),
                None => visitor.visit_seq(SeqDeserializer::new(std::iter::once(Node::Text(text)))),
            },
            single => visitor.visit_seq(SeqDeserializer::new(std::iter::once(single))),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, TextError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, TextError> {
        self.deserialize_seq(visitor)
    }

    /// Properties, or text that JSON reads as an object (a form's nested object).
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self {
            Node::Map(map) => visitor.visit_map(MapDeserializer::new(map.into_iter())),
            Node::Text(text) => match Node::json(&text) {
                Some(value) => value.deserialize_map(visitor).map_err(|e| TextError(e.to_string())),
                None => Err(TextError(format!("expected properties, found {text:?}"))),
            },
            list => Err(list.unexpected("properties")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TextError> {
        self.deserialize_map(visitor)
    }

    /// An enum's value by its text (unit variants: the API's enums).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TextError> {
        match self {
            Node::Text(text) => visitor.visit_enum(text.into_deserializer()),
            other => Err(other.unexpected("one of the values")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_unit()
    }
}

/// Reads the whole body (at most [`BODY_LIMIT`] bytes).
pub async fn body_bytes(body: Body) -> Result<Bytes, Rejection> {
    axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|error| {
        let too_large =
            std::error::Error::source(&error).is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        if too_large {
            Rejection::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is larger than {BODY_LIMIT} bytes"))
        } else {
            Rejection::new(StatusCode::BAD_REQUEST, format!("cannot read the body: {error}"))
        }
    })
}

/// A body read as it is, or `None` when it is empty and the operation does not require one.
pub async fn raw_body(body: Body, required: bool) -> Result<Option<Bytes>, Rejection> {
    present(body_bytes(body).await?, required)
}

/// A body that was read: `None` when it is empty and not required, a 422 when it is empty and required.
fn present(bytes: Bytes, required: bool) -> Result<Option<Bytes>, Rejection> {
    if bytes.is_empty() && !required {
        return Ok(None);
    }
    if bytes.is_empty() {
        return Err(Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, "the body is required"));
    }
    Ok(Some(bytes))
}

/// A JSON body as `T` (`None` when it is empty and the operation does not require one); a 415 when it is sent as
/// another media type, a 422 naming the field when it does not decode.
pub async fn json_body<T: DeserializeOwned>(
    inputs: &Inputs,
    body: Body,
    required: bool,
) -> Result<Option<T>, Rejection> {
    let content_type = inputs.content_type();
    let bytes = body_bytes(body).await?;
    let Some(bytes) = present(bytes, required)? else { return Ok(None) };
    if !content_type.is_empty() && !content_type.ends_with("json") {
        return Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("the body must be JSON, not {content_type}"),
        ));
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(deserializer).map(Some).map_err(|error| {
        let at = error.path().to_string();
        let detail = if at == "." { error.inner().to_string() } else { format!("at `{at}`: {}", error.inner()) };
        Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
    })
}

/// An `application/x-www-form-urlencoded` body as `T`: a pair per property, a repeated one (or one that `joined`
/// names, split at its character) an array.
pub async fn form_body<T: DeserializeOwned>(
    body: Body,
    required: bool,
    joined: &[(&str, char)],
) -> Result<Option<T>, Rejection> {
    let bytes = body_bytes(body).await?;
    let Some(bytes) = present(bytes, required)? else { return Ok(None) };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let node = Node::from_pairs(pairs.iter().map(|(key, value)| (key.clone(), value.as_str())), joined);
    T::deserialize(node)
        .map(Some)
        .map_err(|error| Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, format!("in the form: {error}")))
}

/// The first of `candidates` (JSON texts: the API's examples, then a minimal value) that decodes as `T`: a fake's
/// default reply.
#[doc(hidden)]
// An API whose successes have no JSON body has no default to decode.
#[allow(dead_code)]
pub fn example<T: DeserializeOwned>(candidates: &[&str]) -> Option<T> {
    candidates.iter().find_map(|text| serde_json::from_str(text).ok())
}

/// A reply with no body.
pub fn empty(status: StatusCode) -> Response {
    status.into_response()
}

/// A reply of `body` as JSON with the documented media type.
pub fn json(status: StatusCode, media_type: &'static str, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => with_type(status, media_type, Body::from(bytes)),
        Err(error) => Rejection::new(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot encode the reply: {error}"))
            .into_response(),
    }
}

/// A reply of `body` as it is, with the documented media type.
pub fn raw(status: StatusCode, media_type: &'static str, body: impl Into<Body>) -> Response {
    with_type(status, media_type, body.into())
}

fn with_type(status: StatusCode, media_type: &'static str, body: Body) -> Response {
    let mut response = (status, body).into_response();
    if let Ok(media_type) = HeaderValue::from_str(media_type) {
        response.headers_mut().insert(CONTENT_TYPE, media_type);
    }
    response
}

/// Sets a documented header of a reply (left out when `None`, or when the value cannot be a header's). A
/// `Content-Length` is the transport's where the body's length is known: only a streamed body takes yours.
pub fn set_header(response: &mut Response, name: &str, value: Option<String>) {
    if name.eq_ignore_ascii_case("content-length") && response.body().size_hint().exact().is_some() {
        return;
    }
    let name = HeaderName::from_bytes(name.as_bytes());
    if let (Ok(name), Some(Ok(value))) = (name, value.map(|value| HeaderValue::from_str(&value))) {
        response.headers_mut().insert(name, value);
    }
}

/// A body sent as it is produced: the items of a stream of events, JSON Lines or bytes. Neither `Clone` nor
/// `PartialEq`; [`Streamed::from_items`] makes one of values at hand.
pub struct Streamed<T>(Pin<Box<dyn Stream<Item = T> + Send>>);

impl<T> fmt::Debug for Streamed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Streamed(..)")
    }
}

impl<T: Send + 'static> Streamed<T> {
    /// The items of `stream`, sent as they come.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        Streamed(Box::pin(stream))
    }

    /// The items of `items`, sent at once.
    pub fn from_items(items: impl IntoIterator<Item = T, IntoIter: Send + 'static>) -> Self {
        Streamed::new(futures_util::stream::iter(items))
    }
}

/// A `text/event-stream` reply of events whose data is an item as JSON.
pub fn json_events<T: Serialize + Send + 'static>(status: StatusCode, items: Streamed<T>) -> Response {
    let events =
        items.0.map(|item| serde_json::to_string(&item).map(|data| axum::response::sse::Event::default().data(data)));
    (status, axum::response::Sse::new(events)).into_response()
}

/// A `text/event-stream` reply of the events given.
pub fn events(status: StatusCode, events: Streamed<axum::response::sse::Event>) -> Response {
    (status, axum::response::Sse::new(events.0.map(Ok::<_, std::convert::Infallible>))).into_response()
}

/// A JSON Lines reply: each item as JSON on a line of its own.
pub fn json_lines<T: Serialize + Send + 'static>(
    status: StatusCode,
    media_type: &'static str,
    items: Streamed<T>,
) -> Response {
    let lines = items.0.map(|item| {
        serde_json::to_vec(&item).map(|mut line| {
            line.push(b'\n');
            Bytes::from(line)
        })
    });
    with_type(status, media_type, Body::from_stream(lines))
}

/// A reply of bytes sent as they come.
pub fn byte_stream(status: StatusCode, media_type: &'static str, bytes: Streamed<Bytes>) -> Response {
    with_type(status, media_type, Body::from_stream(bytes.0.map(Ok::<_, std::convert::Infallible>)))
}
