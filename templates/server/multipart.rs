//! `multipart/form-data` bodies, read with the `multer` crate: every part received, and the typed reading of the
//! parts an API names.
//!
//! Copied into a generated server crate from specforge's `templates/server/multipart.rs` when one of its operations
//! takes a multipart body.

// The same file serves every API with multipart bodies; one whose forms have no file part leaves some unused.
#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::runtime::{BODY_LIMIT, Inputs, Node, Rejection, decode};

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The part's name.
    pub name: String,
    /// The file name it was sent with, if any.
    pub file_name: Option<String>,
    /// Its `Content-Type`, if given.
    pub content_type: Option<String>,
    /// Its content.
    pub bytes: Bytes,
}

/// Every part of a `multipart/form-data` body, in order.
pub async fn multipart_parts(inputs: &Inputs, body: Body) -> Result<Vec<Part>, Rejection> {
    let content_type = inputs.content_type_header().unwrap_or_default();
    let boundary = multer::parse_boundary(&content_type).map_err(|error| {
        Rejection::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("not a multipart body: {error}"))
    })?;
    let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(BODY_LIMIT as u64));
    let mut multipart = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut parts = Vec::new();
    let refused =
        |error: multer::Error| Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, format!("in the form: {error}"));
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(ToString::to_string);
        let bytes = field.bytes().await.map_err(refused)?;
        parts.push(Part { name, file_name, content_type, bytes });
    }
    Ok(parts)
}

/// The parts named `name`.
fn parts_named<'a>(parts: &'a [Part], name: &'a str) -> impl Iterator<Item = &'a Part> + 'a {
    parts.iter().filter(move |part| part.name == name)
}

/// The file part `name`, if sent.
pub fn file_part(parts: &[Part], name: &str) -> Option<Part> {
    parts_named(parts, name).next().cloned()
}

/// Every file part named `name`.
pub fn file_parts(parts: &[Part], name: &str) -> Vec<Part> {
    parts_named(parts, name).cloned().collect()
}

/// The text part `name` read as `T`, if sent.
pub fn text_part<T: DeserializeOwned>(parts: &[Part], name: &str) -> Result<Option<T>, Rejection> {
    let what = format!("form part `{name}`");
    let Some(part) = parts_named(parts, name).next() else { return Ok(None) };
    let text = std::str::from_utf8(&part.bytes).map_err(|_| Rejection::parameter(&what, "not text"))?;
    decode(Node::text(text), &what).map(Some)
}

/// The text parts `name` read as items of `T` (one part per item, or one part of items joined by `separator`).
pub fn text_parts<T: DeserializeOwned>(
    parts: &[Part],
    name: &str,
    separator: Option<char>,
) -> Result<Option<Vec<T>>, Rejection> {
    let what = format!("form part `{name}`");
    let mut texts = Vec::new();
    for part in parts_named(parts, name) {
        texts.push(std::str::from_utf8(&part.bytes).map_err(|_| Rejection::parameter(&what, "not text"))?);
    }
    if texts.is_empty() {
        return Ok(None);
    }
    let node = match (separator, texts.as_slice()) {
        (Some(separator), [one]) => Node::split(one, separator),
        _ => Node::List(texts.into_iter().map(Node::text).collect()),
    };
    decode(node, &what).map(Some)
}

/// The JSON part `name` read as `T`, if sent.
pub fn json_part<T: DeserializeOwned>(parts: &[Part], name: &str) -> Result<Option<T>, Rejection> {
    let Some(part) = parts_named(parts, name).next() else { return Ok(None) };
    serde_json::from_slice(&part.bytes)
        .map(Some)
        .map_err(|error| Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, format!("form part `{name}`: {error}")))
}

/// A required part, or a 422 naming it.
pub fn required_part<T>(value: Option<T>, name: &str) -> Result<T, Rejection> {
    value.ok_or_else(|| Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, format!("form part `{name}`: missing")))
}
