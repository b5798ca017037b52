//! An operation's methods: the plain call and its `_with_response` twin, and the `_stream`, `_pages` and
//! `_items` methods where the operation streams or pages.

use super::*;

/// `request` with `op`'s credentials applied (`Credentials::authorize` with one `&[Scheme::A, …]` per security
/// alternative), or as it is when the operation uses none.
pub(super) fn authorized(api: &Api, op: &Operation, receiver: Receiver<'_>, request: TokenStream) -> TokenStream {
    if !uses_credentials(api, op) {
        return request;
    }
    let alternatives = op.security.iter().map(|all| {
        let schemes = all.iter().map(|index| ident(&api.scheme(*index).variant));
        quote! { &[#(Scheme::#schemes),*] }
    });
    let credentials = receiver.credentials();
    quote! { #credentials.authorize(#request, &[#(#alternatives),*]) }
}

/// A chain of `Option<&T>` from `start` (an `Option` of a reference) along `path`.
pub(super) fn field_chain(path: &[FieldStep], start: TokenStream) -> TokenStream {
    path.iter().fold(start, |chain, FieldStep { field, presence }| {
        let field = ident(field);
        match presence {
            Presence::Required => quote! { #chain.map(|v| &v.#field) },
            Presence::RequiredNullable | Presence::Optional => quote! { #chain.and_then(|v| v.#field.as_ref()) },
            Presence::OptionalNullable => quote! { #chain.and_then(|v| v.#field.value()) },
        }
    })
}

/// The Rust field names along `path`, dotted, for docs.
pub(super) fn dotted(path: &[FieldStep]) -> String {
    path.iter().map(|step| bare(&step.field)).collect::<Vec<_>>().join(".")
}

/// `{op}_items`: the items of every page of `{op}_pages`, as one stream.
pub(super) fn items_method(
    scope: TypeScope<'_>,
    signature: &Signature<'_>,
    receiver: Receiver<'_>,
    pagination: &Pagination,
    args: &[TokenStream],
) -> Option<TokenStream> {
    let op = signature.op;
    let (items, name) = (pagination.items.as_ref()?, ident(pagination.items_method_name.as_deref()?));
    let (item, error) = (scope.tokens(&items.item), &signature.error);
    // The items moved out of a page: `page`, or a walk that gives up (no items) at an absent field.
    let mut optional = false;
    let mut extract = quote! { page };
    for FieldStep { field, presence } in &items.path {
        let (field, presence) = (ident(field), *presence);
        extract = match (optional, presence) {
            (false, Presence::Required | Presence::RequiredNullable | Presence::Optional) => quote! { #extract.#field },
            (false, Presence::OptionalNullable) => quote! { #extract.#field.into_value() },
            (true, Presence::Required) => quote! { #extract.map(|v| v.#field) },
            (true, Presence::RequiredNullable | Presence::Optional) => quote! { #extract.and_then(|v| v.#field) },
            (true, Presence::OptionalNullable) => quote! { #extract.and_then(|v| v.#field.into_value()) },
        };
        optional |= presence != Presence::Required;
    }
    if optional {
        extract = quote! { #extract.unwrap_or_default() };
    }
    let pages = ident(&pagination.method_name);
    let body = receiver.body(&name, &signature.arg_names, || {
        let call = receiver.call(&pages, &signature.arg_names);
        quote! { #call.items(|page| #extract) }
    });
    let doc = format!(
        "The items of every page of [`Client::{}`], in order, as one stream (see [`Client::{}`]); it ends after the last page or at the first error.",
        bare(&op.method_name),
        bare(&pagination.method_name)
    );
    let self_params = receiver.params(Some(&quote! { 'a }));
    let attributes = receiver.attributes(&doc, op.deprecated, args.len());
    let calls_deprecated = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    Some(quote! {
        #attributes
        #calls_deprecated
        pub fn #name<'a>(#self_params #(#args),*) -> impl ::futures_util::Stream<Item = Result<#item, runtime::Error<#error>>> + runtime::platform::MaybeSend + 'a {
            #body
        }
    })
}

/// `{op}_pages`: walks every page of a paged operation, and `{op}_items`: the items of every page.
pub(super) fn pages_method(
    scope: TypeScope<'_>,
    signature: &Signature<'_>,
    receiver: Receiver<'_>,
) -> Option<TokenStream> {
    let op = signature.op;
    let pagination = op.pagination.as_ref()?;
    let (success, error) = (&signature.success, &signature.error);
    let lifetime = quote! { 'a };
    // `Params` is never borrowed beyond the call: the pages helper clones it.
    let args = method_args(scope, op, Some(&lifetime), None);
    let pages = ident(&pagination.method_name);
    let has_params = !optional_params(op).is_empty();
    let call_args: Vec<TokenStream> = signature
        .arg_names
        .iter()
        .map(|name| {
            if name.to_string() == "params" {
                quote! { &params }
            } else {
                name.clone()
            }
        })
        .collect();
    let method = bare(&op.method_name);
    let transport = receiver.transport();
    let (cursor_ty, start, fetch, doc) = match &pagination.style {
        PageStyle::PageNumber { param, next } | PageStyle::Cursor { param, next } => {
            let param = op.param(*param);
            let param_field = ident(&param.name);
            let param_ty = scope.tokens(&param.ty);
            let next_value = field_chain(next, quote! { Some(&page) });
            let path = dotted(next);
            let call = receiver.call(&ident(&op.response_method_name), &call_args);
            let (cursor_ty, start, set, next, doc) = if matches!(pagination.style, PageStyle::PageNumber { .. }) {
                // A page without items is the last, whatever it says.
                let not_empty = pagination.items.as_ref().map(|items| {
                    let items = field_chain(&items.path, quote! { Some(&page) });
                    quote! { .filter(|_| #items.is_some_and(|items| !items.is_empty())) }
                });
                (
                    param_ty.clone(),
                    quote! { params.#param_field.unwrap_or(1) },
                    quote! { params.#param_field = Some(cursor); },
                    quote! { #next_value #not_empty.map(|_| cursor + 1) },
                    format!(
                        "Walks every page of [`Client::{method}`], from `params.{}` (or 1), one request per page, while the response's `{path}` is present.",
                        bare(&param.name),
                    ),
                )
            } else {
                // Many APIs end with an empty cursor rather than none.
                let is_string = param.ty == TypeRef::String;
                let not_empty = is_string.then(|| quote! { .filter(|next| !next.is_empty()) });
                let end = if is_string { "absent or empty" } else { "absent" };
                (
                    quote! { Option<#param_ty> },
                    // Each page sets the cursor on its own copy of `params`: the first cursor can be taken out.
                    quote! { params.#param_field.take() },
                    quote! { params.#param_field = cursor; },
                    quote! { #next_value #not_empty.cloned().map(Some) },
                    format!(
                        "Walks every page of [`Client::{method}`], one request per page, passing the response's `{path}` as `{}` until it is {end} (or repeats).",
                        param.api_name
                    ),
                )
            };
            let fetch = quote! {
                move |cursor| {
                    let mut params = params.clone();
                    #set
                    Box::pin(async move {
                        let page = runtime::body_of(#call).await?;
                        let next = #next;
                        Ok((page, next))
                    })
                }
            };
            (cursor_ty, start, fetch, doc)
        }
        PageStyle::NextLink { .. } | PageStyle::LinkHeader => {
            let call = receiver.call(&ident(&op.response_method_name), &call_args);
            let request =
                authorized(scope.api, op, receiver, quote! { #transport.request(::reqwest::Method::GET, url) });
            let (next, where_) = match &pagination.style {
                PageStyle::NextLink { next } => {
                    let link = field_chain(next, quote! { Some(page.body()) });
                    (
                        quote! {
                            #link.map(AsRef::<str>::as_ref).filter(|link| !link.is_empty()).map(|link| #transport.resolve(link))
                        },
                        format!("the response's `{}`", dotted(next)),
                    )
                }
                _ => (
                    quote! { runtime::next_link(page.headers(), #transport.base_url()) },
                    "the `Link` header's `rel=\"next\"`".to_string(),
                ),
            };
            // Without a `Params` struct there is nothing to clone for each page.
            let clone_params = has_params.then(|| quote! { let params = params.clone(); });
            let fetch = quote! {
                move |cursor: Option<::reqwest::Url>| {
                    #clone_params
                    Box::pin(async move {
                        let page = match cursor {
                            None => #call.await?,
                            Some(url) => #transport.next_page(#request).await?,
                        };
                        let next = #next;
                        Ok((page.into_body(), next.map(Some)))
                    })
                }
            };
            let doc = format!(
                "Walks every page of [`Client::{method}`], one request per page, following the next page's URL in {where_} until there is none (or it repeats)."
            );
            (quote! { Option<::reqwest::Url> }, quote! { None }, fetch, doc)
        }
    };
    let clone_params = match &pagination.style {
        PageStyle::Cursor { .. } => Some(quote! { let mut params = params.clone(); }),
        _ => has_params.then(|| quote! { let params = params.clone(); }),
    };
    let body = receiver.body(&pages, &signature.arg_names, || {
        quote! {
            #clone_params
            runtime::Pages::new(#start, #fetch)
        }
    });
    let self_params = receiver.params(Some(&lifetime));
    let attributes = receiver.attributes(&doc, op.deprecated, args.len());
    // A deprecated operation's helpers are deprecated too, and call its deprecated methods for the caller.
    let calls_deprecated = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    let items = items_method(scope, signature, receiver, pagination, &args);
    Some(quote! {
        #attributes
        #calls_deprecated
        pub fn #pages<'a>(#self_params #(#args),*) -> runtime::Pages<'a, #success, #error, #cursor_ty> {
            #body
        }

        #items
    })
}

/// The `reqwest::Method` for `method`: a constant for the standard ones, else parsed from its name (checked to be
/// a valid token when the spec was lowered, so the parse cannot fail).
pub(super) fn method_tokens(method: &Method) -> TokenStream {
    let constant = |name: &str| {
        let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
        quote! { ::reqwest::Method::#name }
    };
    match method {
        Method::Query | Method::Other(_) => {
            let name = proc_macro2::Literal::byte_string(method.as_str().as_bytes());
            quote! { ::reqwest::Method::from_bytes(#name).unwrap_or_default() }
        }
        standard => constant(standard.as_str()),
    }
}

/// An operation's methods: the plain one, its `_with_response` twin, and the `_stream` and `_pages` ones when it
/// has them.
pub(super) fn operation_methods(api: &Api, signature: &Signature<'_>, receiver: Receiver<'_>) -> TokenStream {
    let scope = TypeScope { api, via_models: true };
    let op = signature.op;
    let method_name = ident(&op.method_name);
    let Signature { success, error, args, borrowed_args, arg_names, .. } = signature;
    let too_many = receiver.too_many(args.len());
    let lifetime = quote! { 'a };
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });

    let response_method = ident(&op.response_method_name);
    let response_doc = format!(
        "[`Client::{}`], with the reply's status and headers (rate limits, `ETag`, `Location`, …).",
        bare(&op.method_name)
    );
    let response_attributes = receiver.attributes(&response_doc, op.deprecated, args.len());
    let transport = receiver.transport();
    let build_request = || request_statements(api, op, receiver);
    let stream_method = events_method(scope, signature, &build_request, receiver);
    let pages = pages_method(scope, signature, receiver);
    let path = &op.path;
    let self_params = receiver.params(None);
    let borrowed_self_params = receiver.params(Some(&lifetime));
    let with_response = if signature.streams_a_success() {
        let body = receiver.async_body(&response_method, arg_names, || {
            let build_request = build_request();
            let send = start_and_match(signature, receiver);
            quote! {
                #build_request
                #send
            }
        });
        quote! {
            pub async fn #response_method(#self_params #(#args),*) -> Result<runtime::ResponseValue<#success>, runtime::Error<#error>> {
                #body
            }
        }
    } else {
        // Building the request and matching the reply are plain closures: the sending is one generic `async fn` of
        // the runtime, so an operation adds no state machine of its own.
        let body = receiver.body(&response_method, arg_names, || {
            let build_request = build_request();
            let matched = response_match(signature, true);
            quote! {
                #transport.call(
                    move || {
                        #build_request
                        Ok(request)
                    },
                    #path,
                    |response| #matched,
                )
            }
        });
        quote! {
            pub fn #response_method<'a>(
                #borrowed_self_params
                #(#borrowed_args),*
            ) -> impl runtime::Call<runtime::ResponseValue<#success>, #error> + 'a {
                #body
            }
        }
    };
    // A deprecated operation's plain method calls its deprecated twin; that use is not the caller's.
    let calls_deprecated = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    // The plain method is its twin's body; an operations crate has only the twin, which the client calls.
    let twin = receiver.call(&response_method, arg_names);
    let plain_method = match receiver {
        Receiver::Function { .. } => None,
        Receiver::Method | Receiver::Forward { .. } => Some(quote! {
            #deprecated
            #calls_deprecated
            #too_many
            pub fn #method_name<'a>(
                #borrowed_self_params
                #(#borrowed_args),*
            ) -> impl runtime::Call<#success, #error> + 'a {
                runtime::body_of(#twin)
            }
        }),
    };
    quote! {
        #plain_method

        #response_attributes
        #with_response

        #stream_method

        #pages
    }
}

/// For an operation whose success is also offered as server-sent events: the method that asks for them with
/// `Accept: text/event-stream` and returns the event stream; other successes are unexpected there.
pub(super) fn events_method(
    scope: TypeScope<'_>,
    signature: &Signature<'_>,
    build_request: &dyn Fn() -> TokenStream,
    receiver: Receiver<'_>,
) -> Option<TokenStream> {
    let Signature { op, args, error, .. } = signature;
    let name = ident(op.stream_method_name.as_deref()?);
    let streamed: Vec<(&Response, &crate::ir::EventsAlternative)> =
        signature.successes.iter().filter_map(|r| Some((*r, r.body.as_ref()?.events.as_ref()?))).collect();
    let (_, first) = streamed.first()?;
    let (item, constructor) = match &first.item {
        Some(ty) => {
            let ty = scope.tokens(ty);
            (quote! { sse::EventStream<#ty> }, quote! { sse::EventStream::json })
        }
        None => (quote! { sse::EventStream }, quote! { sse::EventStream::text }),
    };
    let arms = streamed.iter().filter_map(|(response, _)| {
        let pattern = status_pattern(response.status)?;
        Some(quote! {
            #pattern => return Ok(runtime::stream_value(response, Some("text/event-stream"), #constructor).await?.into_body()),
        })
    });
    let errors = response_match(signature, false);
    let doc = format!(
        "[`Client::{}`], answered as server-sent events (`Accept: text/event-stream`), read as they arrive. Ask for \
         the stream as the API says (often `\"stream\": true` in the body); end it at a sentinel with \
         [`EventStream::until_data`].",
        bare(&op.method_name)
    );
    let path = &op.path;
    let transport = receiver.transport();
    // Credentials make the request an `Authorized` one, which takes the header through `map`.
    let accept = if uses_credentials(scope.api, op) {
        quote! { let request = request.map(|request| request.header(::reqwest::header::ACCEPT, "text/event-stream")); }
    } else {
        quote! { let request = request.header(::reqwest::header::ACCEPT, "text/event-stream"); }
    };
    let body = receiver.async_body(&name, &signature.arg_names, || {
        let build_request = build_request();
        quote! {
            #build_request
            #accept
            let response = #transport.start(request, #path).await?;
            let response = match response.status().as_u16() {
                #(#arms)*
                _ => runtime::RawResponse::read(response).await?,
            };
            #errors
        }
    });
    let self_params = receiver.params(None);
    let attributes = receiver.attributes(&doc, op.deprecated, args.len());
    Some(quote! {
        #attributes
        pub async fn #name(#self_params #(#args),*) -> Result<#item, runtime::Error<#error>> {
            #body
        }
    })
}

/// Sends the request of an operation with a streamed success (see [`Signature::streams_a_success`]) and reads the
/// reply: a streamed success is returned as soon as its status and headers arrive; anything else is read whole and
/// matched.
pub(super) fn start_and_match(signature: &Signature<'_>, receiver: Receiver<'_>) -> TokenStream {
    let op = signature.op;
    let path = &op.path;
    let matched = response_match(signature, true);
    let several_successes = signature.successes.len() > 1;
    let streamed: Vec<TokenStream> = signature
        .successes
        .iter()
        .filter(|r| body_shape(r).is_streamed())
        .filter_map(|response| {
            let pattern = status_pattern(response.status)?;
            let (constructor, expected) = stream_constructor(response);
            let expected = match expected {
                Some(media) => quote! { Some(#media) },
                None => quote! { None },
            };
            let wrap = if several_successes {
                let (enum_name, variant) = (ident(&op.type_names.response), ident(&response.variant));
                quote! { |response| #enum_name::#variant(#constructor(response)) }
            } else {
                constructor
            };
            Some(quote! { #pattern => return Ok(runtime::stream_value(response, #expected, #wrap).await?), })
        })
        .collect();
    let transport = receiver.transport();
    quote! {
        let response = #transport.start(request, #path).await?;
        let response = match response.status().as_u16() {
            #(#streamed)*
            _ => runtime::RawResponse::read(response).await?,
        };
        #matched
    }
}
