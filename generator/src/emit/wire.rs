//! What the client and the server share about the wire: how a value is written as parameter or header text, how a
//! response's body travels (whole or streamed), and how statuses are matched and described.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{BodyKind, Primitive, Response, StatusMatch, TypeRef};

/// How a response's body reaches the caller: decoded whole, or (for a success) as a stream read as it arrives.
#[derive(Clone, Copy)]
pub enum BodyShape<'a> {
    /// No body.
    None,
    /// JSON of this type, read whole.
    Json(&'a TypeRef),
    /// Text (`text/*`), read whole.
    Text,
    /// Bytes read whole (an error's or `default`'s).
    Bytes,
    /// Bytes read as they arrive (a success's).
    ByteStream,
    /// Server-sent events, with the type of their data if the API gives one.
    Events(Option<&'a TypeRef>),
    /// JSON Lines, with the type of a line if the API gives one.
    JsonLines(Option<&'a TypeRef>),
}

impl BodyShape<'_> {
    /// Whether the body is read as it arrives.
    pub fn is_streamed(self) -> bool {
        matches!(self, BodyShape::ByteStream | BodyShape::Events(_) | BodyShape::JsonLines(_))
    }
}

/// How `response`'s body travels (as lowering decided), with the types it carries.
pub fn body_shape(response: &Response) -> BodyShape<'_> {
    let Some(body) = &response.body else { return BodyShape::None };
    match body.kind {
        BodyKind::Json => BodyShape::Json(&body.ty),
        BodyKind::Text => BodyShape::Text,
        BodyKind::Bytes => BodyShape::Bytes,
        BodyKind::ByteStream => BodyShape::ByteStream,
        BodyKind::Events => BodyShape::Events(body.item.as_ref()),
        BodyKind::JsonLines => BodyShape::JsonLines(body.item.as_ref()),
    }
}

/// An expression for the text sent on the wire for `value` (of type `ty`, a reference or a copy): the string
/// itself for strings (a `&str` or `&String`), else an owned `String`; arrays are comma-separated (the `simple` and
/// non-exploded `form` styles).
pub fn wire_string(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => value,
        _ => wire_owned(ty, value),
    }
}

/// An argument of `format!` that prints the text sent on the wire for `value`: the value itself where its
/// `Display` is its wire form (a `to_string()` there is what clippy's `to_string_in_format_args` rejects).
pub fn wire_display(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::DateTime) | TypeRef::Array(_) => wire_owned(ty, value),
        _ => value,
    }
}

/// An expression usable where a `&str` is expected (borrowed where the value holds its text).
pub fn wire_str(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => value,
        TypeRef::Primitive(Primitive::Url) => quote! { #value.as_str() },
        _ => {
            let owned = wire_string(ty, value);
            quote! { &#owned }
        }
    }
}

/// An owned `String` for `value`.
pub fn wire_owned(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::DateTime) => quote! { #value.to_rfc3339() },
        TypeRef::Array(item) => joined(item, value, ','),
        _ => quote! { #value.to_string() },
    }
}

/// A `String` of the items (of type `item`) of the array `value`, joined by `separator`.
pub fn joined(item: &TypeRef, value: TokenStream, separator: char) -> TokenStream {
    let item = wire_owned(item, quote! { item });
    let separator = separator.to_string();
    quote! { #value.iter().map(|item| #item).collect::<Vec<String>>().join(#separator) }
}

/// How a documentation line names a status: `Status 201`, `Any 4xx status`, `Any other status`.
pub fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => format!("Status {code}"),
        StatusMatch::Range(hundreds) => format!("Any {hundreds}xx status"),
        StatusMatch::Default => "Any other status".to_string(),
    }
}

/// The pattern of a status or range (`200`, `400..=499`); `None` for `default`.
pub fn status_pattern(status: StatusMatch) -> Option<TokenStream> {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            Some(quote! { #code })
        }
        StatusMatch::Range(hundreds) => {
            let low = proc_macro2::Literal::u16_unsuffixed(hundreds * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(hundreds * 100 + 99);
            Some(quote! { #low..=#high })
        }
        StatusMatch::Default => None,
    }
}
