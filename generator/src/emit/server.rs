//! The server crate: a trait `Api` with one async method per operation (a typed request in, a typed reply out), an
//! axum router that decodes requests into those types (refusing bad ones with a 4xx naming what was wrong) and
//! encodes the replies, and behind the `fake` feature a test double built on both. Decoding and encoding helpers
//! live in the hand-written runtime module.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::minimal::minimal;
use super::types::TypeScope;
use super::wire::{BodyShape, body_shape, status_text, wire_owned};
use super::{FilePlan, crate_header, doc_attrs, inline_variants, parse_items, with_api_docs};
use crate::ir::{
    Api, Multipart, MultipartForm, ObjectStyle, Operation, Param, ParamLocation, PartKind, PathPiece, RequestBodyKind,
    Response, ResponseMedia, StatusMatch, TypeRef,
};
use crate::naming::{Namespace, bare, ident, prefixed, type_name};
use crate::plan::features::FeaturePlan;
use crate::plan::graph::TypeGraph;

/// The names the runtime and the crate root use, which an operation's types must not take.
const RESERVED: &[&str] = &["Api", "Fake", "FakeServer", "Failure", "Rejection", "Part", "Streamed", "Slot"];

/// The Rust names of one operation's server types.
pub(super) struct OperationNames {
    /// The request struct.
    pub request: String,
    /// The reply enum.
    pub reply: String,
    /// The struct of a `multipart/form-data` body whose parts the API names.
    pub form: Option<String>,
    /// The request's field holding the body: `body`, unless a parameter has that name.
    pub body_field: String,
}

/// Names every operation's types, in operation order, each unique in the crate.
pub(super) fn operation_names(api: &Api) -> Vec<OperationNames> {
    let mut namespace = Namespace::default();
    RESERVED.iter().for_each(|name| namespace.reserve(name));
    api.operations
        .iter()
        .map(|op| {
            let stem = type_name(bare(&op.method_name));
            let request = namespace.claim(&format!("{stem}Request")).0;
            let reply = namespace.claim(&format!("{stem}Reply")).0;
            let form = match &op.body {
                Some(body) => match &body.kind {
                    RequestBodyKind::Multipart(Multipart::Parts(_)) => Some(namespace.claim(&format!("{stem}Form")).0),
                    _ => None,
                },
                None => None,
            };
            let body_field =
                if op.params.iter().any(|p| p.name == "body") { "request_body" } else { "body" }.to_string();
            OperationNames { request, reply, form, body_field }
        })
        .collect()
}

/// The server's `lib.rs`: the header (the trait, the router and the fake), then one part per operation: its request
/// and reply types and the function that decodes its request. For a split server (`split`), the operations' parts
/// are in its operations crates ([`server_ops_plan`]), which the header re-exports.
pub fn server_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    models_crate: &str,
    features: Option<&'a FeaturePlan>,
    split: Option<&SplitServer>,
) -> FilePlan<'a> {
    let names = split.map_or_else(|| std::sync::Arc::new(operation_names(api)), |crates| crates.names.clone());
    let header = server_header(api, graph, &ident(models_crate), features, &names, split);
    FilePlan {
        header,
        parts: if split.is_some() { 0 } else { api.operations.len() },
        part: Box::new(move |index| {
            let op = &api.operations[index];
            parse_items(operation_items(api, op, &names[index], Layout::OneCrate))
        }),
        gate: Box::new(move |index| gate(features, index)),
    }
}

/// The crates of a split server, by their Rust names: the server crate users depend on keeps the `Api` trait, the
/// router and the fake; the operations' types and decoders are in operations crates (the client's partition of the
/// operations), over a core crate with the runtime they share.
pub struct SplitServer {
    /// The runtime, shared by the other crates.
    pub core: String,
    /// The models crate.
    pub models: String,
    /// Per crate of operations: its Rust name and its operations, by index.
    pub ops: Vec<(String, Vec<usize>)>,
    /// Every operation's type names, unique across the crates.
    names: std::sync::Arc<Vec<OperationNames>>,
}

impl SplitServer {
    /// The crates of `api`'s split server (the names as for [`SplitServer`]'s fields).
    pub fn new(api: &Api, core: String, models: String, ops: Vec<(String, Vec<usize>)>) -> SplitServer {
        SplitServer { core, models, ops, names: std::sync::Arc::new(operation_names(api)) }
    }
}

/// `lib.rs` of the core crate of a split server: the runtime and, when an operation takes `multipart/form-data`,
/// the multipart module (hidden: the server crate re-exports what users need).
pub fn server_core_plan<'a>(api: &'a Api, server_crate: &str) -> FilePlan<'a> {
    let doc = format!(
        "Runtime of the server of {}, generated by specforge: use `{server_crate}`.",
        super::models::api_title(api)
    );
    let header = crate_header(&doc, true, &[], None);
    let multipart = sends_multipart(api).then(|| quote! { #[doc(hidden)] pub mod multipart; });
    FilePlan::header_only(quote! {
        #header
        #[doc(hidden)]
        pub mod runtime;
        #multipart
    })
}

/// `lib.rs` of crate `chunk` of operations of a split server: each operation's request and reply types and its
/// decoder (hidden from the docs), which the server crate's routes call.
pub fn server_ops_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    crates: &'a SplitServer,
    server_crate: &str,
    chunk: usize,
    features: Option<&'a FeaturePlan>,
) -> FilePlan<'a> {
    let (name, members) = &crates.ops[chunk];
    let doc = format!(
        "Operations of the server of {} (part `{name}`), generated by specforge: use `{server_crate}`, which \
         re-exports them.",
        super::models::api_title(api),
    );
    let (core, models) = (ident(&crates.core), ident(&crates.models));
    let multipart = sends_multipart(api).then(|| quote! { multipart, });
    let header = crate_header(&doc, true, &[], Some(graph));
    let names = &crates.names;
    FilePlan {
        header: quote! {
            #header

            // With some tag features off, no operation here may use one of these.
            #[allow(unused_imports)]
            use ::#core::{runtime, #multipart};
            #[allow(unused_imports)]
            use ::#models as models;
        },
        parts: members.len(),
        part: Box::new(move |position| {
            let index = members[position];
            parse_items(operation_items(api, &api.operations[index], &names[index], Layout::OperationsCrate))
        }),
        gate: Box::new(move |position| gate(features, members[position])),
    }
}

/// Whether an operation takes a `multipart/form-data` body (so the server has the multipart module).
fn sends_multipart(api: &Api) -> bool {
    api.sends(|kind| matches!(kind, RequestBodyKind::Multipart(_)))
}

/// `#[cfg(feature = …)]` for an operation compiled only under some features (nothing without).
fn cfg_any(gates: &[Vec<&str>]) -> TokenStream {
    if gates.iter().any(Vec::is_empty) || gates.is_empty() {
        return TokenStream::new();
    }
    let mut features: Vec<&str> = gates.iter().flatten().copied().collect();
    features.sort_unstable();
    features.dedup();
    super::feature_condition(&features)
}

/// The features that gate operation `index` (none without tag features).
fn gate(features: Option<&FeaturePlan>, index: usize) -> Vec<&str> {
    features.map(|plan| plan.operation_features(index)).unwrap_or_default()
}

/// The server crate's inner attributes and leading items: docs, modules, re-exports, the `Api` trait, the router
/// with one dispatching function per route, and the fake.
fn server_header(
    api: &Api,
    graph: &TypeGraph,
    models_crate: &proc_macro2::Ident,
    features: Option<&FeaturePlan>,
    names: &[OperationNames],
    split: Option<&SplitServer>,
) -> TokenStream {
    let title = super::models::api_title(api);
    let doc = format!(
        "Server of {title} (version {}), generated by specforge.\n\n\
         Implement [`Api`] (one async method per operation, a typed request in and a typed reply out), then serve \
         [`router`] with axum. Requests that do not decode are refused with a 4xx that names the parameter or \
         field; your methods see only typed values.\n\n\
         With the `fake` feature, `Fake` is a test double of the API on 127.0.0.1: it answers every operation from \
         the API description's examples until a test sets a reply, and records the requests it received.",
        api.version
    );
    let header = crate_header(&with_api_docs(doc, api, features), true, &[], Some(graph));
    let cfg = |index: usize| cfg_any(&[gate(features, index)]);

    // Methods are named after the operations, and all take `&self`: clippy expects none for `from_…`, `self` for
    // `into_…` and `&mut self` for `to_…_mut`.
    let self_convention = api
        .operations
        .iter()
        .map(|op| bare(&op.method_name))
        .any(|name| {
            name.starts_with("from_") || name.starts_with("into_") || name.starts_with("to_") && name.ends_with("_mut")
        })
        .then(|| quote! { #[allow(clippy::wrong_self_convention)] });
    let methods = api.operations.iter().enumerate().map(|(index, op)| {
        let (method, OperationNames { request, reply, .. }) = (ident(&op.method_name), &names[index]);
        let (request, reply) = (ident(request), ident(reply));
        let doc = doc_attrs(Some(&format!(
            "{}`{} {}`\n\nUnless implemented, answers 501 Not Implemented.",
            op.doc.as_ref().map(|doc| format!("{doc}\n\n")).unwrap_or_default(),
            op.method.as_str(),
            op.path
        )));
        let cfg = cfg(index);
        let operation = bare(&op.method_name);
        quote! {
            #doc
            #cfg
            fn #method(&self, request: #request) -> impl ::std::future::Future<Output = Result<#reply, runtime::Failure>> + Send {
                let _ = request;
                async { Err(runtime::Failure::not_implemented(#operation)) }
            }
        }
    });

    let (routes, dispatchers) = routes(api, features);
    // Used by every operation's route: compiled when one is.
    let respond = (!api.operations.is_empty()).then(|| {
        let cfg = cfg_any(&(0..api.operations.len()).map(|index| gate(features, index)).collect::<Vec<_>>());
        quote! {
            /// What every route is, so that axum's handler machinery is compiled once for all of them rather than
            /// once per route.
            #cfg
            type Route<A> = fn(
                ::axum::extract::State<::std::sync::Arc<A>>,
                ::axum::extract::Request,
            ) -> ::futures_util::future::BoxFuture<'static, ::axum::response::Response>;

            /// Serves `route` whatever the request's method (the route itself answers what it has no operation for).
            #cfg
            fn any_method<A: Api>(route: Route<A>) -> ::axum::routing::MethodRouter<::std::sync::Arc<A>> {
                ::axum::routing::any(route)
            }

            /// Answers a decoded request: the reply, or the failure, as a response.
            #cfg
            fn respond<R: ::axum::response::IntoResponse>(
                result: Result<R, runtime::Failure>,
            ) -> ::axum::response::Response {
                use ::axum::response::IntoResponse;
                match result {
                    Ok(reply) => reply.into_response(),
                    Err(failure) => failure.into_response(),
                }
            }
        }
    });
    let multipart = sends_multipart(api);
    let multipart_export = multipart.then(|| quote! { #[doc(inline)] pub use multipart::Part; });
    let modules = match split {
        None => {
            let multipart = multipart.then(|| quote! { mod multipart; });
            quote! {
                mod runtime;
                #multipart
            }
        }
        Some(crates) => {
            let core = ident(&crates.core);
            let multipart = multipart.then(|| quote! { use ::#core::multipart; });
            let ops = crates.ops.iter().map(|(name, _)| ident(name));
            quote! {
                use ::#core::runtime;
                #multipart
                // With the tag features of its operations off, an operations crate exports nothing.
                #(#[allow(unused_imports)] pub use ::#ops::*;)*
            }
        }
    };
    let layout = if split.is_some() { Layout::OperationsCrate } else { Layout::OneCrate };
    let fake = fake_items(api, features, names, layout);
    quote! {
        #header

        #modules
        #[cfg(feature = "fake")]
        mod fake;

        pub use #models_crate as models;
        /// The web framework, re-exported so the router and replies are of the version this crate uses.
        pub use ::axum;
        #[doc(inline)]
        pub use runtime::{Failure, Rejection, Streamed};
        #multipart_export
        #[cfg(feature = "fake")]
        #[doc(inline)]
        pub use fake::{FakeServer, Slot};


        /// The operations of the API. Every method has a default that answers 501 Not Implemented, so an
        /// implementation may start with the operations it needs.
        #self_convention
        pub trait Api: Send + Sync + 'static {
            #(#methods)*
        }

        /// An axum router that serves `api`: each operation at its path and method, its request decoded and checked
        /// before your method sees it, its reply encoded as the API describes.
        pub fn router<A: Api>(api: A) -> ::axum::Router {
            shared_router(::std::sync::Arc::new(api))
        }

        /// [`router`] for an implementation shared with the rest of your program.
        pub fn shared_router<A: Api>(api: ::std::sync::Arc<A>) -> ::axum::Router {
            let router = ::axum::Router::new();
            #(#routes)*
            router.with_state(api)
        }

        #(#dispatchers)*

        #respond

        #fake
    }
}

/// One axum route per path shape (parameters' segments captured whole, as `{s<index>}`), and the function that
/// dispatches its requests: by method, by the literal text of the segments that mix text and parameters, and by
/// the query pairs a path key fixes. Operations that share a shape share the route, so the router has no conflict
/// to panic on.
fn routes(api: &Api, features: Option<&FeaturePlan>) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut shapes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut order = Vec::new();
    for (index, op) in api.operations.iter().enumerate() {
        let shape = route_shape(op);
        if !shapes.contains_key(&shape) {
            order.push(shape.clone());
        }
        shapes.entry(shape).or_default().push(index);
    }
    let mut routes = Vec::new();
    let mut dispatchers = Vec::new();
    for (number, shape) in order.iter().enumerate() {
        let members = &shapes[shape];
        let cfg = cfg_any(&members.iter().map(|&index| gate(features, index)).collect::<Vec<_>>());
        let function = quote::format_ident!("route_{}", number);
        routes.push(quote! {
            #cfg
            let router = router.route(#shape, any_method(#function::<A>));
        });
        let captures = captured_segments(&api.operations[members[0]]);
        let capture_names: Vec<String> = captures.iter().map(|segment| format!("s{segment}")).collect();
        let mut allowed: Vec<&str> = Vec::new();
        for method in members.iter().map(|&index| api.operations[index].method.as_str()) {
            if !allowed.contains(&method) {
                allowed.push(method);
            }
        }
        let allowed = allowed.join(", ");
        let mut members = members.clone();
        members.sort_by_key(|&index| std::cmp::Reverse(specificity(&api.operations[index])));
        let candidates = members.iter().map(|&index| {
            let op = &api.operations[index];
            let method = op.method.as_str();
            let patterns = captures.iter().map(|&segment| {
                let pieces = op.path_segments[segment].iter().map(|piece| match piece {
                    PathPiece::Literal(text) => quote! { runtime::Piece::Literal(#text) },
                    PathPiece::Param(param) => {
                        let name = &op.param(*param).api_name;
                        quote! { runtime::Piece::Param(#name) }
                    }
                });
                quote! { &[#(#pieces),*] }
            });
            let path_matches =
                (!captures.is_empty()).then(|| quote! { && inputs.matches_path(&segments, &[#(#patterns),*]) });
            let fixed = op.fixed_query.iter().map(|(key, value)| quote! { (#key, #value) });
            let fixed_matches = (!op.fixed_query.is_empty()).then(|| quote! { && inputs.has_pairs(&[#(#fixed),*]) });
            let headers = op.fixed_headers.iter().map(|(name, value)| quote! { (#name, #value) });
            let header_matches =
                (!op.fixed_headers.is_empty()).then(|| quote! { && inputs.has_headers(&[#(#headers),*]) });
            let decoder = decoder_name(op);
            let operation = ident(&op.method_name);
            let cfg = cfg_any(&[gate(features, index)]);
            quote! {
                #cfg
                if inputs.method == #method #path_matches #fixed_matches #header_matches {
                    return match #decoder(&inputs, body).await {
                        // Called through the trait: `api` is an `Arc`, whose own methods (`clone`, `to_owned`,
                        // …) an operation may be named like.
                        Ok(request) => respond(A::#operation(&api, request).await),
                        Err(rejection) => ::axum::response::IntoResponse::into_response(rejection),
                    };
                }
            }
        });
        let read_inputs = if captures.is_empty() {
            quote! {
                let (parts, body) = request.into_parts();
                let inputs = runtime::Inputs::new(parts);
            }
        } else {
            quote! {
                let (mut parts, body) = request.into_parts();
                let segments = match runtime::captures(&mut parts, &[#(#capture_names),*]).await {
                    Ok(segments) => segments,
                    Err(rejection) => return ::axum::response::IntoResponse::into_response(rejection),
                };
                let mut inputs = runtime::Inputs::new(parts);
            }
        };
        dispatchers.push(quote! {
            #cfg
            fn #function<A: Api>(
                ::axum::extract::State(api): ::axum::extract::State<::std::sync::Arc<A>>,
                request: ::axum::extract::Request,
            ) -> ::futures_util::future::BoxFuture<'static, ::axum::response::Response> {
                Box::pin(async move {
                    #read_inputs
                    #(#candidates)*
                    runtime::unmatched(&inputs, #allowed)
                })
            }
        });
    }
    (routes, dispatchers)
}

/// Whether a path segment is captured by the route and matched by its dispatching function: one that holds a
/// parameter, or whose text a client may send percent-encoded (axum matches literal segments as sent, and decodes
/// captured ones).
fn is_captured(pieces: &[PathPiece]) -> bool {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c);
    pieces.iter().any(|piece| match piece {
        PathPiece::Param(_) => true,
        PathPiece::Literal(text) => !text.chars().all(plain),
    })
}

/// The indices of the path segments the route captures (see [`is_captured`]).
fn captured_segments(op: &Operation) -> Vec<usize> {
    (0..op.path_segments.len()).filter(|&segment| is_captured(&op.path_segments[segment])).collect()
}

/// How specific an operation is among those that share its route: the length of the literal text of its captured
/// segments, then how many query pairs and headers it fixes. They are tried most specific first
/// (`/files/{name}.json` before `/files/{id}`, as axum prefers a literal segment to a parameter; `/items?op=list`
/// before `/items`).
fn specificity(op: &Operation) -> (usize, usize) {
    let captured = op.path_segments.iter().filter(|pieces| is_captured(pieces)).flatten();
    let literal = captured.map(|piece| if let PathPiece::Literal(text) = piece { text.len() } else { 0 }).sum();
    (literal, op.fixed_query.len() + op.fixed_headers.len())
}

/// The route of an operation's path for axum: literal segments as they are, a captured one (see [`is_captured`])
/// as `{s<index>}`.
fn route_shape(op: &Operation) -> String {
    let mut route = String::new();
    for (index, pieces) in op.path_segments.iter().enumerate() {
        route.push('/');
        if is_captured(pieces) {
            route.push_str(&format!("{{s{index}}}"));
        } else {
            for piece in pieces {
                if let PathPiece::Literal(text) = piece {
                    route.push_str(text);
                }
            }
        }
    }
    if route.is_empty() {
        route.push('/');
    }
    route
}

/// An operation's request struct, reply enum (with its encoding) and decoding function.
fn operation_items(api: &Api, op: &Operation, names: &OperationNames, layout: Layout) -> TokenStream {
    let scope = TypeScope { api, via_models: true };
    let (request, reply) = (ident(&names.request), ident(&names.reply));
    let method = bare(&op.method_name);
    let endpoint = format!("`{} {}`", op.method.as_str(), op.path);

    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let query_names: Vec<&str> =
        op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| p.api_name.as_str()).collect();
    for param in &op.params {
        let field = ident(&param.name);
        let ty = scope.tokens(&param.ty);
        let what = format!("{} `{}`", location_noun(param.location), param.api_name);
        let doc = doc_attrs(Some(&format!(
            "{}{}",
            capitalized(&what),
            param.doc.as_ref().map(|doc| format!(": {doc}")).unwrap_or_default()
        )));
        let read = param_read(param, &query_names);
        let (ty, read) = if param.location == ParamLocation::Path {
            (ty, read)
        } else if param.required {
            (ty, quote! { runtime::required(#read, #what)? })
        } else {
            (quote! { Option<#ty> }, read)
        };
        fields.push(quote! { #doc pub #field: #ty, });
        reads.push(quote! { #field: #read, });
    }
    let mut form_struct = None;
    let body_used = op.body.is_some();
    if let Some(body) = &op.body {
        let field = ident(&names.body_field);
        let required = body.required;
        let (ty, read, doc) = match &body.kind {
            RequestBodyKind::Json { ty, .. } => {
                (scope.tokens(ty), quote! { runtime::json_body(inputs, body, #required).await? }, "The JSON body.")
            }
            RequestBodyKind::Form { ty, joined } => {
                let joined = joined.iter().map(|(name, separator)| quote! { (#name, #separator) });
                let read = quote! { runtime::form_body(body, #required, &[#(#joined),*]).await? };
                (scope.tokens(ty), read, "The `application/x-www-form-urlencoded` body.")
            }
            RequestBodyKind::Raw { .. } => {
                let read = quote! { runtime::raw_body(body, #required).await? };
                (quote! { ::axum::body::Bytes }, read, "The body, as sent.")
            }
            RequestBodyKind::Multipart(Multipart::Open) => {
                let read = quote! { Some(multipart::multipart_parts(inputs, body).await?) };
                (quote! { Vec<multipart::Part> }, read, "The parts of the `multipart/form-data` body, in order.")
            }
            RequestBodyKind::Multipart(Multipart::Parts(form)) => {
                let name = ident(names.form.as_deref().unwrap_or("Form"));
                form_struct = Some(form_items(scope, form, &name, &request));
                let read = quote! { Some(#name::read(multipart::multipart_parts(inputs, body).await?)?) };
                (quote! { #name }, read, "The `multipart/form-data` body.")
            }
        };
        let doc = doc_attrs(Some(doc));
        if required {
            fields.push(quote! { #doc pub #field: #ty, });
            reads.push(quote! { #field: runtime::required_body(#read)?, });
        } else {
            fields.push(quote! { #doc pub #field: Option<#ty>, });
            reads.push(quote! { #field: #read, });
        }
    }
    // An operations crate cannot link to the trait, which is in the server crate.
    let method = match layout {
        Layout::OneCrate => format!("[`Api::{method}`]"),
        Layout::OperationsCrate => format!("`Api::{method}`"),
    };
    let request_doc =
        doc_attrs(Some(&format!("The request of {method} ({endpoint}): its parameters and body, decoded.")));
    let decoder = decoder_name(op);
    let body_param = if body_used {
        quote! { body }
    } else {
        quote! { _body }
    };
    let reads_inputs = !op.params.is_empty()
        || op
            .body
            .as_ref()
            .is_some_and(|body| matches!(body.kind, RequestBodyKind::Json { .. } | RequestBodyKind::Multipart(_)));
    let inputs_param = if reads_inputs {
        quote! { inputs }
    } else {
        quote! { _inputs }
    };
    let reply_items = reply_items(scope, op, &reply, &method);
    let visibility = layout.visibility();
    // An operations crate's fake defaults are with its types; the one crate's are with the fake.
    let default = (layout == Layout::OperationsCrate).then(|| default_item(api, op, names, layout));
    // The decoder's future is boxed here: an async function's body is compiled in every crate that awaits it, so
    // unboxed, each crate implementing `Api` would compile every decoder and every body's deserializer again.
    quote! {
        #request_doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #request { #(#fields)* }

        #form_struct
        #reply_items

        /// Decodes the request, or says why it cannot.
        #visibility fn #decoder(
            #inputs_param: &runtime::Inputs,
            #body_param: ::axum::body::Body,
        ) -> ::futures_util::future::BoxFuture<'_, Result<#request, runtime::Rejection>> {
            Box::pin(async move { Ok(#request { #(#reads)* }) })
        }

        #default
    }
}

/// Where an operation's types and decoder go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// In the one server crate, beside the routes.
    OneCrate,
    /// In an operations crate of a split server, which the server crate re-exports.
    OperationsCrate,
}

impl Layout {
    /// The visibility of an operation's functions (decoder, fake default): an operations crate's are called from
    /// the server crate, hidden from its docs.
    fn visibility(self) -> TokenStream {
        match self {
            Layout::OneCrate => TokenStream::new(),
            Layout::OperationsCrate => quote! { #[doc(hidden)] pub },
        }
    }
}

/// The function that decodes an operation's request.
fn decoder_name(op: &Operation) -> proc_macro2::Ident {
    ident(&prefixed("decode", &op.method_name))
}

/// The function that makes an operation's fake default reply.
fn default_name(op: &Operation) -> proc_macro2::Ident {
    ident(&prefixed("default", &op.method_name))
}

/// `text` with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// How a refusal and a field's docs name a parameter's location.
fn location_noun(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The expression that reads a parameter (for a path parameter, its value; for the others, an `Option`).
fn param_read(param: &Param, query_names: &[&str]) -> TokenStream {
    let name = &param.api_name;
    let array = matches!(param.ty, TypeRef::Array(_));
    match param.location {
        ParamLocation::Path => {
            let style = if array {
                quote! { runtime::Style::Joined(',') }
            } else {
                quote! { runtime::Style::Scalar }
            };
            quote! { inputs.path(#name, #style)? }
        }
        ParamLocation::Query => {
            let style = match (param.object, array) {
                (Some(ObjectStyle::DeepObject), _) => quote! { runtime::Style::DeepObject },
                (Some(ObjectStyle::Exploded), _) => quote! { runtime::Style::Properties },
                (Some(ObjectStyle::Joined), _) => {
                    quote! { runtime::Style::JoinedProperties { between: ',', after: ',' } }
                }
                (None, true) if param.explode => quote! { runtime::Style::Repeated },
                (None, true) => {
                    let separator = param.separator;
                    quote! { runtime::Style::Joined(#separator) }
                }
                (None, false) => quote! { runtime::Style::Scalar },
            };
            // An exploded object's properties are the pairs no other parameter names.
            let others: Vec<&&str> = match param.object {
                Some(ObjectStyle::Exploded) => query_names.iter().filter(|other| **other != name.as_str()).collect(),
                _ => Vec::new(),
            };
            quote! { inputs.query(#name, #style, &[#(#others),*])? }
        }
        ParamLocation::Header => {
            let style = match (param.object, array) {
                (Some(ObjectStyle::Exploded), _) => {
                    quote! { runtime::Style::JoinedProperties { between: '=', after: ',' } }
                }
                (Some(_), _) => quote! { runtime::Style::JoinedProperties { between: ',', after: ',' } },
                (None, true) => quote! { runtime::Style::Joined(',') },
                (None, false) => quote! { runtime::Style::Scalar },
            };
            quote! { inputs.header(#name, #style)? }
        }
        ParamLocation::Cookie => {
            let style = if array {
                quote! { runtime::Style::Joined(',') }
            } else {
                quote! { runtime::Style::Scalar }
            };
            quote! { inputs.cookie(#name, #style)? }
        }
    }
}

/// The struct of a `multipart/form-data` body whose parts the API names, and its reading from the parts received.
fn form_items(
    scope: TypeScope<'_>,
    form: &MultipartForm,
    name: &proc_macro2::Ident,
    request: &proc_macro2::Ident,
) -> TokenStream {
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    for part in &form.parts {
        let field = ident(&part.name);
        let wire = &part.api_name;
        let (ty, read) = match &part.kind {
            PartKind::File { .. } => (quote! { multipart::Part }, quote! { multipart::file_part(&parts, #wire) }),
            PartKind::Files { .. } => {
                (quote! { Vec<multipart::Part> }, quote! { Some(multipart::file_parts(&parts, #wire)) })
            }
            PartKind::Text(ty) => (scope.tokens(ty), quote! { multipart::text_part(&parts, #wire)? }),
            PartKind::Texts { item, separator } => {
                let item = scope.tokens(item);
                let separator = match separator {
                    Some(separator) => quote! { Some(#separator) },
                    None => quote! { None },
                };
                (quote! { Vec<#item> }, quote! { multipart::text_parts(&parts, #wire, #separator)? })
            }
            PartKind::Json(ty) => (scope.tokens(ty), quote! { multipart::json_part(&parts, #wire)? }),
        };
        let doc = doc_attrs(Some(&format!(
            "Part `{wire}`{}",
            part.doc.as_ref().map(|doc| format!(": {doc}")).unwrap_or_default()
        )));
        if part.required {
            fields.push(quote! { #doc pub #field: #ty, });
            reads.push(quote! { #field: multipart::required_part(#read, #wire)?, });
        } else {
            fields.push(quote! { #doc pub #field: Option<#ty>, });
            reads.push(quote! { #field: #read, });
        }
    }
    let doc = doc_attrs(Some(&format!("The `multipart/form-data` body of [`{request}`]: a field per part.")));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name { #(#fields)* }

        impl #name {
            fn read(parts: Vec<multipart::Part>) -> Result<Self, runtime::Rejection> {
                Ok(Self { #(#reads)* })
            }
        }
    }
}

/// A documented response as the server sends it: the variant's fields.
pub(super) struct ReplyShape<'r> {
    /// The response.
    pub response: &'r Response,
    /// The status is the implementation's to choose (a range or `default`).
    pub chosen_status: bool,
    /// How its body travels.
    pub body: BodyShape<'r>,
    /// The headers' fields: (Rust field, wire name, type).
    pub headers: Vec<(String, &'r str, &'r TypeRef)>,
}

impl ReplyShape<'_> {
    /// A variant with only a body (a tuple variant) or nothing (a unit variant).
    pub fn is_plain(&self) -> bool {
        !self.chosen_status && self.headers.is_empty()
    }
}

/// The shapes of an operation's documented responses, in order.
pub(super) fn reply_shapes(op: &Operation) -> Vec<ReplyShape<'_>> {
    op.responses
        .iter()
        .map(|response| {
            let headers = response
                .headers
                .iter()
                .map(|header| {
                    let field = match header.field.as_str() {
                        "status" | "body" => format!("{}_header", header.field),
                        other => other.to_string(),
                    };
                    (field, header.name.as_str(), &header.ty)
                })
                .collect();
            ReplyShape {
                response,
                chosen_status: !matches!(response.status, StatusMatch::Code(_)),
                body: body_shape(response),
                headers,
            }
        })
        .collect()
}

/// The type of a reply's body as the server sends it.
fn reply_body_type(scope: TypeScope<'_>, body: BodyShape<'_>) -> Option<TokenStream> {
    Some(match body {
        BodyShape::None => return None,
        BodyShape::Json(ty) => scope.tokens(ty),
        BodyShape::Text => quote! { String },
        BodyShape::Bytes => quote! { ::axum::body::Bytes },
        BodyShape::ByteStream => quote! { runtime::Streamed<::axum::body::Bytes> },
        BodyShape::Events(Some(ty)) => {
            let ty = scope.tokens(ty);
            quote! { runtime::Streamed<#ty> }
        }
        BodyShape::Events(None) => quote! { runtime::Streamed<::axum::response::sse::Event> },
        BodyShape::JsonLines(item) => {
            let ty = item.map(|ty| scope.tokens(ty)).unwrap_or_else(|| quote! { ::serde_json::Value });
            quote! { runtime::Streamed<#ty> }
        }
    })
}

/// The media type a reply is sent with: the documented one, or a concrete one where the API gives a wildcard.
fn reply_media(response: &Response) -> String {
    match response.body.as_ref().map(|body| &body.media) {
        Some(ResponseMedia::Json(media)) if !media.contains('*') => media.clone(),
        Some(ResponseMedia::Json(_)) => "application/json".to_string(),
        Some(ResponseMedia::Raw(media)) if !media.contains('*') => media.clone(),
        Some(ResponseMedia::Raw(_)) | None => "application/octet-stream".to_string(),
    }
}

/// The status a reply variant is sent with.
fn status_expr(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => quote! { runtime::status(#code) },
        StatusMatch::Range(_) | StatusMatch::Default => quote! { status },
    }
}

/// An operation's reply enum, one variant per documented response (and `Ok`, 200, when it documents no success),
/// and its encoding.
fn reply_items(scope: TypeScope<'_>, op: &Operation, reply: &proc_macro2::Ident, method: &str) -> TokenStream {
    let shapes = reply_shapes(op);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for shape in &shapes {
        let name = ident(&shape.response.variant);
        let status_doc = status_text(shape.response.status);
        let doc = doc_attrs(Some(&match &shape.response.doc {
            Some(doc) => format!("{status_doc}: {doc}"),
            None => status_doc,
        }));
        let body_type = reply_body_type(scope, shape.body);
        let status = status_expr(shape.response.status);
        let media = reply_media(shape.response);
        let send = match shape.body {
            BodyShape::None => quote! { runtime::empty(#status) },
            BodyShape::Json(_) => quote! { runtime::json(#status, #media, &body) },
            BodyShape::Text | BodyShape::Bytes => quote! { runtime::raw(#status, #media, body) },
            BodyShape::ByteStream => quote! { runtime::byte_stream(#status, #media, body) },
            BodyShape::Events(Some(_)) => quote! { runtime::json_events(#status, body) },
            BodyShape::Events(None) => quote! { runtime::events(#status, body) },
            BodyShape::JsonLines(_) => quote! { runtime::json_lines(#status, #media, body) },
        };
        if shape.is_plain() {
            match &body_type {
                Some(ty) => {
                    variants.push(quote! { #doc #name(#ty), });
                    arms.push(quote! { Self::#name(body) => #send, });
                }
                None => {
                    variants.push(quote! { #doc #name, });
                    arms.push(quote! { Self::#name => #send, });
                }
            }
            continue;
        }
        let mut variant_fields = Vec::new();
        let mut bindings = Vec::new();
        if shape.chosen_status {
            variant_fields.push(quote! {
                /// The status sent.
                status: ::axum::http::StatusCode,
            });
            bindings.push(quote! { status });
        }
        if let Some(ty) = &body_type {
            variant_fields.push(quote! {
                /// The body.
                body: #ty,
            });
            bindings.push(quote! { body });
        }
        let mut sets = Vec::new();
        for (field, wire, ty) in &shape.headers {
            let field = ident(field);
            let field_doc = doc_attrs(Some(&format!("Header `{wire}` (left out when `None`).")));
            let ty_tokens = scope.tokens(ty);
            variant_fields.push(quote! { #field_doc #field: Option<#ty_tokens>, });
            bindings.push(quote! { #field });
            let text = wire_owned(ty, quote! { value });
            sets.push(quote! { runtime::set_header(&mut response, #wire, #field.map(|value| #text)); });
        }
        variants.push(quote! { #doc #name { #(#variant_fields)* }, });
        let body = if sets.is_empty() {
            send
        } else {
            quote! {{
                let mut response = #send;
                #(#sets)*
                response
            }}
        };
        arms.push(quote! { Self::#name { #(#bindings),* } => #body, });
    }
    if !op.responses.iter().any(|r| r.status.is_success()) {
        variants.push(quote! {
            /// Status 200: success (the API documents no successful response).
            Ok,
        });
        arms.push(quote! { Self::Ok => runtime::empty(runtime::status(200)), });
    }
    let streamed = shapes.iter().any(|shape| shape.body.is_streamed());
    let derives = if streamed {
        quote! { Debug }
    } else {
        quote! { Debug, Clone, PartialEq }
    };
    let with_payload = shapes.iter().filter(|shape| !matches!(shape.body, BodyShape::None)).count();
    let inline = inline_variants(variants.len(), with_payload);
    let doc = doc_attrs(Some(&format!("The replies of {method}, one per documented response.")));
    quote! {
        #doc
        #[derive(#derives)]
        #inline
        pub enum #reply { #(#variants)* }

        impl ::axum::response::IntoResponse for #reply {
            fn into_response(self) -> ::axum::response::Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The fake (behind the `fake` feature): a [`Slot`] per operation, the API implemented by answering from them, and
/// each operation's default reply (its first success, from the API's example or a minimal value).
fn fake_items(api: &Api, features: Option<&FeaturePlan>, names: &[OperationNames], layout: Layout) -> TokenStream {
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut methods = Vec::new();
    let mut defaults = Vec::new();
    for (index, op) in api.operations.iter().enumerate() {
        let cfg = cfg_any(&[gate(features, index)]);
        let method = ident(&op.method_name);
        let operation = bare(&op.method_name);
        let (request, reply) = (ident(&names[index].request), ident(&names[index].reply));
        let default = default_name(op);
        let doc = doc_attrs(Some(&format!("[`Api::{operation}`] (`{} {}`).", op.method.as_str(), op.path)));
        fields.push(quote! { #doc #cfg pub #method: fake::Slot<#request, #reply>, });
        inits.push(quote! { #cfg #method: fake::Slot::new(#operation, #default), });
        methods.push(quote! {
            #cfg
            fn #method(&self, request: #request) -> impl ::std::future::Future<Output = Result<#reply, runtime::Failure>> + Send {
                self.#method.answer(request)
            }
        });
        if layout == Layout::OneCrate {
            let default = default_item(api, op, &names[index], layout);
            defaults.push(quote! { #cfg #default });
        }
    }
    // With every operation's feature off, no field is left and the impl could be derived.
    let derivable = features.is_some().then(|| quote! { #[allow(clippy::derivable_impls)] });
    let fake_default = (!api.operations.is_empty()).then(|| {
        quote! {
            #[cfg(feature = "fake")]
            #derivable
            impl Default for Fake {
                fn default() -> Self {
                    Fake { #(#inits)* }
                }
            }
        }
    });
    let derives = if api.operations.is_empty() {
        quote! { Debug, Default }
    } else {
        quote! { Debug }
    };
    quote! {
        /// A fake of the API for tests, served on 127.0.0.1 by [`Fake::start`]: one [`Slot`] per operation, which
        /// answers with the API description's example (or a minimal value) until a test sets a reply, and records
        /// every request it receives.
        #[cfg(feature = "fake")]
        #[derive(#derives)]
        pub struct Fake { #(#fields)* }

        #fake_default

        #[cfg(feature = "fake")]
        impl Fake {
            /// Starts a fake on a free port of 127.0.0.1; it stops when the returned server is dropped.
            pub async fn start() -> ::std::io::Result<FakeServer<Fake>> {
                let fake = ::std::sync::Arc::new(Fake::default());
                FakeServer::start(fake.clone(), shared_router(fake)).await
            }
        }

        #[cfg(feature = "fake")]
        impl Api for Fake {
            #(#methods)*
        }

        #(#defaults)*
    }
}

/// The function that makes the default reply of an operation's fake (behind the `fake` feature): in the one server
/// crate, or in an operations crate (hidden), whose `fake` feature the server crate's turns on.
fn default_item(api: &Api, op: &Operation, names: &OperationNames, layout: Layout) -> TokenStream {
    let scope = TypeScope { api, via_models: true };
    let default = default_name(op);
    let reply = ident(&names.reply);
    let value = default_reply(scope, op, &reply);
    let visibility = layout.visibility();
    quote! {
        #[cfg(feature = "fake")]
        #visibility fn #default() -> Option<#reply> {
            #value
        }
    }
}

/// The default reply of an operation's fake: its first success (or, without one, `Ok`), with the API's example or a
/// minimal value as its body.
fn default_reply(scope: TypeScope<'_>, op: &Operation, reply: &proc_macro2::Ident) -> TokenStream {
    let shapes = reply_shapes(op);
    let Some(shape) = shapes.iter().find(|shape| shape.response.status.is_success()) else {
        return quote! { Some(#reply::Ok) };
    };
    let name = ident(&shape.response.variant);
    let body = match shape.body {
        BodyShape::None => None,
        BodyShape::Json(ty) => {
            let candidates = candidates(scope, shape.response, ty);
            Some(quote! { runtime::example(&[#(#candidates),*])? })
        }
        BodyShape::Text => Some(quote! { String::new() }),
        BodyShape::Bytes => Some(quote! { ::axum::body::Bytes::new() }),
        BodyShape::ByteStream | BodyShape::Events(_) | BodyShape::JsonLines(_) => {
            Some(quote! { runtime::Streamed::from_items(Vec::new()) })
        }
    };
    let value = if shape.is_plain() {
        match body {
            Some(body) => quote! { #reply::#name(#body) },
            None => quote! { #reply::#name },
        }
    } else {
        let status = match shape.response.status {
            StatusMatch::Range(hundreds) => {
                let code = hundreds * 100;
                Some(quote! { status: runtime::status(#code), })
            }
            StatusMatch::Default => Some(quote! { status: runtime::status(200), }),
            StatusMatch::Code(_) => None,
        };
        let body = body.map(|body| quote! { body: #body, });
        let headers = shape.headers.iter().map(|(field, _, _)| {
            let field = ident(field);
            quote! { #field: None, }
        });
        quote! { #reply::#name { #status #body #(#headers)* } }
    };
    quote! { Some(#value) }
}

/// The JSON texts a fake tries for a body, in order: the API's examples, then the type's minimal value.
fn candidates(scope: TypeScope<'_>, response: &Response, ty: &TypeRef) -> Vec<String> {
    let mut texts: Vec<String> =
        response.body.iter().flat_map(|body| &body.examples).map(|example| example.to_string()).collect();
    texts.push(minimal(scope.api, ty).to_string());
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{HEAD, lower_yaml};

    #[test]
    fn a_route_captures_each_segment_with_a_parameter_or_text_a_client_may_encode_whole() {
        let ok = "responses: {'204': {description: ok}}";
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /files/{{name}}.json:
    get: {{parameters: [{{name: name, in: path, required: true, schema: {{type: string}}}}], {ok}}}
  /files/{{id}}:
    put: {{parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}], {ok}}}
  /odd}}:
    get: {{{ok}}}
"
        ));
        let routes: Vec<String> = api.operations.iter().map(route_shape).collect();
        assert_eq!(routes, ["/files/{s1}", "/files/{s1}", "/{s0}"], "`}}` may arrive percent-encoded: captured");
        assert!(specificity(&api.operations[0]) > specificity(&api.operations[1]));
        let (registered, _) = super::routes(&api, None);
        assert_eq!(registered.len(), 2, "operations of one shape share a route");
        let printed = registered[0].to_string();
        assert!(printed.contains("\"/files/{s1}\""), "{printed}");
    }
}
