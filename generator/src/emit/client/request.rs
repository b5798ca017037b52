//! How a request is built: the path, query, headers, cookies and form of an operation's call.

use super::*;

/// An expression for the `reqwest::multipart::Form` of `body`, a typed form (moved in, part by part).
pub(super) fn form_expr(form: &MultipartForm) -> TokenStream {
    let parts = form.parts.iter().map(|part| {
        let (field, wire) = (ident(&part.name), &part.api_name);
        // A file part's content type unless the caller sets one: the `encoding`'s, if any.
        let default_type = |content_type: &Option<String>| match content_type {
            Some(content_type) => quote! { Some(#content_type) },
            None => quote! { None },
        };
        let add = |value: TokenStream| match &part.kind {
            PartKind::File { content_type } => {
                let default = default_type(content_type);
                quote! { form = form.part(#wire, #value.into_part(#default)?); }
            }
            PartKind::Files { content_type } => {
                let default = default_type(content_type);
                quote! {
                    for file in #value {
                        form = form.part(#wire, file.into_part(#default)?);
                    }
                }
            }
            PartKind::Text(ty) => {
                let text = wire_string(ty, value);
                quote! { form = form.text(#wire, #text); }
            }
            PartKind::Texts { item, separator: None } => {
                let text = wire_string(item, quote! { item });
                quote! {
                    for item in #value {
                        form = form.text(#wire, #text);
                    }
                }
            }
            PartKind::Texts { item, separator: Some(separator) } => {
                let joined = joined(item, value, *separator);
                quote! { form = form.text(#wire, #joined); }
            }
            PartKind::Json(_) => quote! { form = form.part(#wire, multipart::json_part(&#value)?); },
        };
        if part.required {
            add(quote! { body.#field })
        } else {
            let add = add(quote! { value });
            quote! {
                if let Some(value) = body.#field {
                    #add
                }
            }
        }
    });
    quote! {{
        let mut form = ::reqwest::multipart::Form::new();
        #(#parts)*
        form
    }}
}

/// The statements that build an operation's request from its arguments, ending with `request` in scope: URL, query,
/// headers, cookies, body and credentials.
pub(super) fn request_statements(api: &Api, op: &Operation, receiver: Receiver<'_>) -> TokenStream {
    let segments = op.path_segments.iter().map(|pieces| segment_expr(op, pieces));
    let fixed = op.fixed_query.iter().map(|(key, value)| quote! { runtime::append_query(&mut url, #key, #value); });
    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(query_statement);
    let fixed_headers =
        op.fixed_headers.iter().map(|(name, value)| quote! { request = request.header(#name, #value); });
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(header_statement);
    let cookie = cookie_statement(op);
    let body = op.body.as_ref().map(|body| {
        let send = match &body.kind {
            RequestBodyKind::Json { media, .. } => quote! { runtime::json_body(request, #media, body)? },
            RequestBodyKind::Form { joined, .. } => {
                let joined = joined.iter().map(|(name, separator)| quote! { (#name, #separator) });
                quote! { request.form(&runtime::form_pairs(body, &[#(#joined),*])?) }
            }
            RequestBodyKind::Multipart(Multipart::Open) => quote! { request.multipart(body) },
            RequestBodyKind::Multipart(Multipart::Parts(form)) => {
                let form = form_expr(form);
                quote! { request.multipart(#form) }
            }
            RequestBodyKind::Raw { media } => {
                quote! { request.header(::reqwest::header::CONTENT_TYPE, #media).body(body) }
            }
        };
        if body.required {
            quote! { let request = #send; }
        } else {
            quote! {
                let request = match body {
                    Some(body) => #send,
                    None => request,
                };
            }
        }
    });
    let authorize = uses_credentials(api, op).then(|| {
        let authorized = authorized(api, op, receiver, quote! { request });
        quote! { let request = #authorized; }
    });
    let http_method = method_tokens(&op.method);
    let mut_url = (!op.fixed_query.is_empty() || op.params.iter().any(|p| p.location == ParamLocation::Query))
        .then(|| quote! { mut });
    let mut_request = (!op.fixed_headers.is_empty()
        || op.params.iter().any(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie)))
    .then(|| quote! { mut });
    let transport = receiver.transport();
    quote! {
        let #mut_url url = #transport.endpoint(&[#(#segments),*]);
        #(#fixed)*
        #(#query)*
        let #mut_request request = #transport.request(#http_method, url);
        #(#fixed_headers)*
        #(#headers)*
        #cookie
        #body
        #authorize
    }
}

/// One path segment as a `&str` expression: a literal, a parameter, or both formatted together.
pub(super) fn segment_expr(op: &Operation, pieces: &[PathPiece]) -> TokenStream {
    match pieces {
        [PathPiece::Literal(text)] => quote! { #text },
        [PathPiece::Param(index)] => {
            let param = op.param(*index);
            let name = ident(&param.name);
            wire_str(&param.ty, quote! { #name })
        }
        many => {
            let mut format = String::new();
            let mut args = Vec::new();
            for piece in many {
                match piece {
                    PathPiece::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
                    PathPiece::Param(index) => {
                        let param = op.param(*index);
                        let name = ident(&param.name);
                        format.push_str("{}");
                        args.push(wire_display(&param.ty, quote! { #name }));
                    }
                }
            }
            quote! { &format!(#format, #(#args),*) }
        }
    }
}

/// The value expression of a parameter: the argument itself, or the `Params` field (inside an `if let`).
pub(super) fn with_param_value(param: &Param, use_value: impl Fn(TokenStream) -> TokenStream) -> TokenStream {
    let name = ident(&param.name);
    if param.required {
        use_value(quote! { #name })
    } else {
        let body = use_value(quote! { value });
        quote! {
            if let Some(value) = &params.#name {
                #body
            }
        }
    }
}

pub(super) fn query_statement(param: &Param) -> TokenStream {
    let api_name = &param.api_name;
    with_param_value(param, |value| match (&param.ty, param.object) {
        (_, Some(ObjectStyle::DeepObject)) => quote! { runtime::append_deep_object(&mut url, #api_name, #value)?; },
        (_, Some(ObjectStyle::Exploded)) => quote! { runtime::append_properties(&mut url, #value)?; },
        (_, Some(ObjectStyle::Joined)) => {
            quote! { runtime::append_query(&mut url, #api_name, &runtime::joined_properties(#value, ',', ',')?); }
        }
        (ty, None) => array_or_scalar_query(param, ty, value),
    })
}

/// The query statement of a parameter that is not an object.
pub(super) fn array_or_scalar_query(param: &Param, ty: &TypeRef, value: TokenStream) -> TokenStream {
    let api_name = &param.api_name;
    match ty {
        TypeRef::Array(item) if param.explode => {
            let item_str = wire_str(item, quote! { item });
            quote! {
                for item in #value.iter() {
                    runtime::append_query(&mut url, #api_name, #item_str);
                }
            }
        }
        TypeRef::Array(item) if param.separator != ',' => {
            let joined = joined(item, value, param.separator);
            quote! { runtime::append_query(&mut url, #api_name, &#joined); }
        }
        TypeRef::Array(_) => {
            let joined = wire_owned(&param.ty, value);
            quote! { runtime::append_query(&mut url, #api_name, &#joined); }
        }
        ty => {
            let string = wire_str(ty, value);
            quote! { runtime::append_query(&mut url, #api_name, #string); }
        }
    }
}

pub(super) fn header_statement(param: &Param) -> TokenStream {
    let api_name = &param.api_name;
    with_param_value(param, |value| {
        let string = match param.object {
            // `simple` style: `key,value,key,value`, or exploded `key=value,key=value`.
            Some(ObjectStyle::Exploded) => quote! { runtime::joined_properties(#value, '=', ',')? },
            Some(_) => quote! { runtime::joined_properties(#value, ',', ',')? },
            None => wire_string(&param.ty, value),
        };
        quote! { request = request.header(#api_name, #string); }
    })
}

pub(super) fn cookie_statement(op: &Operation) -> Option<TokenStream> {
    let cookies: Vec<&Param> = op.params.iter().filter(|p| p.location == ParamLocation::Cookie).collect();
    if cookies.is_empty() {
        return None;
    }
    let pushes = cookies.iter().map(|param| {
        let prefix = format!("{}=", param.api_name);
        with_param_value(param, |value| {
            let string = wire_display(&param.ty, value);
            quote! { cookies.push(format!("{}{}", #prefix, #string)); }
        })
    });
    Some(quote! {
        let mut cookies: Vec<String> = Vec::new();
        #(#pushes)*
        if !cookies.is_empty() {
            request = request.header(::reqwest::header::COOKIE, cookies.join("; "));
        }
    })
}
