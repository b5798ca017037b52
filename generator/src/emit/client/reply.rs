//! How a reply is matched: the status's arm, the body decoded into the operation's success or error type.

use super::*;

/// The expression that decodes a whole response's body from `response`.
pub(super) fn decode_expr(response: &Response) -> TokenStream {
    match body_shape(response) {
        BodyShape::Json(_) => quote! { response.json()? },
        BodyShape::Text => quote! { response.text() },
        BodyShape::Bytes => quote! { response.body.clone() },
        BodyShape::None | BodyShape::ByteStream | BodyShape::Events(_) | BodyShape::JsonLines(_) => quote! { () },
    }
}

/// For a streamed body: the function that wraps the reply, and the media type its `Content-Type` must have.
pub(super) fn stream_constructor(response: &Response) -> (TokenStream, Option<&'static str>) {
    match body_shape(response) {
        BodyShape::Events(Some(_)) => (quote! { sse::EventStream::json }, Some("text/event-stream")),
        BodyShape::Events(None) => (quote! { sse::EventStream::text }, Some("text/event-stream")),
        BodyShape::JsonLines(_) => (quote! { runtime::JsonLines::new }, None),
        _ => (quote! { runtime::ByteStream::new }, None),
    }
}

/// The `match` arms over the status code: exact codes, then ranges, then `default`, then "unexpected".
/// The match of a whole reply's status: a success gives `Ok` with the reply's status and headers, an error `Err`.
/// Successes whose body is streamed were matched before the body was read, and are not among its arms.
pub(super) fn response_match(signature: &Signature<'_>, with_successes: bool) -> TokenStream {
    let op = signature.op;
    let several_successes = signature.successes.len() > 1;
    let arm_body = |response: &Response| -> TokenStream {
        let decode = decode_expr(response);
        let variant = ident(&response.variant);
        let has_body = !matches!(body_shape(response), BodyShape::None);
        if response.status.is_success() {
            let value = match (several_successes, has_body) {
                (true, true) => {
                    let enum_name = ident(&op.type_names.response);
                    quote! { #enum_name::#variant(#decode) }
                }
                (true, false) => {
                    let enum_name = ident(&op.type_names.response);
                    quote! { #enum_name::#variant }
                }
                (false, _) => decode,
            };
            if !several_successes && !has_body {
                return quote! { Ok(response.value(())) };
            }
            quote! {{
                let body = #value;
                Ok(response.value(body))
            }}
        } else {
            let enum_name = ident(&op.type_names.error);
            if has_body {
                quote! {{
                    let body = #decode;
                    Err(response.api_error(#enum_name::#variant(body)))
                }}
            } else {
                quote! { Err(response.api_error(#enum_name::#variant)) }
            }
        }
    };
    let buffered = |r: &&Response| !(r.status.is_success() && (!with_successes || body_shape(r).is_streamed()));
    let mut arms = Vec::new();
    for response in op.responses.iter().filter(buffered) {
        let body = arm_body(response);
        match status_pattern(response.status) {
            Some(pattern) => arms.push(quote! { #pattern => #body, }),
            None => continue,
        }
    }
    if signature.successes.is_empty() && with_successes {
        arms.push(quote! { 200..=299 => Ok(response.value(())), });
    }
    let otherwise = match op.responses.iter().find(|r| r.status == StatusMatch::Default) {
        Some(default) => arm_body(default),
        None => quote! { Err(response.unexpected()) },
    };
    if arms.is_empty() {
        return otherwise;
    }
    quote! {
        match response.code() {
            #(#arms)*
            _ => #otherwise,
        }
    }
}
