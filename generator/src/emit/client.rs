//! The client crate: a `Client` with one async method per operation, per-operation response and error enums, and
//! credentials for the API's security schemes. Request plumbing lives in the hand-written runtime module.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{DEEP, TypeScope, nesting};
use super::wire::{
    BodyShape, body_shape, joined, status_pattern, status_text, wire_display, wire_owned, wire_str, wire_string,
};
use super::{
    FilePlan, crate_header, crate_header_with_example, doc_attrs, inline_variants, parse_items, prepend_docs,
    with_api_docs,
};
use crate::features::FeaturePlan;
use crate::graph::TypeGraph;
use crate::ir::{
    Api, FieldStep, Method, Multipart, MultipartForm, OAuth2Grants, ObjectStyle, Operation, PageStyle, Pagination,
    Param, ParamLocation, PartKind, PathPiece, Presence, RequestBody, RequestBodyKind, Response, SchemeKind,
    SecurityScheme, Server, StatusMatch, TypeRef,
};
use crate::naming::{bare, ident};

/// Where an operation's code is printed: as methods of `Client` (one client crate), as functions of an operations
/// crate of a split client (taking the client's transport and credentials), or as methods of the split client's
/// facade that call those functions in crate `krate`.
#[derive(Clone, Copy)]
enum Receiver<'k> {
    /// `impl Client { pub fn op(&self, …) }` with the operation's code.
    Method,
    /// `pub fn op(transport: &Transport, credentials: &Credentials, …)` with the operation's code.
    Function {
        /// Whether the API has credentials to pass.
        credentials: bool,
    },
    /// `impl Client { pub fn op(&self, …) }` calling the function of the same name in `krate`.
    Forward {
        /// The operations crate.
        krate: &'k proc_macro2::Ident,
        /// Whether the API has credentials to pass.
        credentials: bool,
    },
}

impl Receiver<'_> {
    /// `#[allow(clippy::too_many_arguments)]` when the leading parameters and `args` more are more than the seven
    /// arguments clippy allows (an operations crate's functions lead with the transport and the credentials).
    fn too_many(self, args: usize) -> Option<TokenStream> {
        let leading = match self {
            Receiver::Method | Receiver::Forward { .. } => 1,
            Receiver::Function { credentials } => 1 + usize::from(credentials),
        };
        (leading + args > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] })
    }

    /// The leading parameters: `&'a self`, or the transport and credentials.
    fn params(self, lifetime: Option<&TokenStream>) -> TokenStream {
        match self {
            Receiver::Method | Receiver::Forward { .. } => quote! { &#lifetime self, },
            Receiver::Function { credentials } => {
                let credentials = credentials.then(|| quote! { credentials: &#lifetime Credentials, });
                quote! { transport: &#lifetime runtime::Transport, #credentials }
            }
        }
    }

    /// The client's transport.
    fn transport(self) -> TokenStream {
        match self {
            Receiver::Method | Receiver::Forward { .. } => quote! { self.transport },
            Receiver::Function { .. } => quote! { transport },
        }
    }

    /// The client's credentials.
    fn credentials(self) -> TokenStream {
        match self {
            Receiver::Method | Receiver::Forward { .. } => quote! { self.credentials },
            Receiver::Function { .. } => quote! { credentials },
        }
    }

    /// A call of the operation's function `name` with `args`, from the same receiver.
    fn call(self, name: &proc_macro2::Ident, args: &[TokenStream]) -> TokenStream {
        match self {
            Receiver::Method => quote! { self.#name(#(#args),*) },
            Receiver::Function { credentials } => {
                let credentials = credentials.then(|| quote! { credentials, });
                quote! { #name(transport, #credentials #(#args),*) }
            }
            Receiver::Forward { krate, credentials } => {
                let credentials = credentials.then(|| quote! { &self.credentials, });
                quote! { #krate::#name(&self.transport, #credentials #(#args),*) }
            }
        }
    }

    /// A function's leading attributes: its docs (and deprecation) where users see it; an operations crate's
    /// functions are hidden, as the client's methods carry the docs.
    fn attributes(self, doc: &str, deprecated: bool) -> TokenStream {
        match self {
            Receiver::Function { .. } => quote! { #[doc(hidden)] },
            Receiver::Method | Receiver::Forward { .. } => {
                let (doc, deprecated) = (doc_attrs(Some(doc)), deprecated.then(|| quote! { #[deprecated] }));
                quote! { #doc #deprecated }
            }
        }
    }

    /// The body of function `name`: `code`, or, forwarding, the call of the operations crate's function.
    fn body(self, name: &proc_macro2::Ident, args: &[TokenStream], code: impl FnOnce() -> TokenStream) -> TokenStream {
        match self {
            Receiver::Forward { .. } => self.call(name, args),
            Receiver::Method | Receiver::Function { .. } => code(),
        }
    }

    /// The body of `async fn` `name`: as [`Receiver::body`], the forwarding call awaited.
    fn async_body(
        self,
        name: &proc_macro2::Ident,
        args: &[TokenStream],
        code: impl FnOnce() -> TokenStream,
    ) -> TokenStream {
        match self {
            Receiver::Forward { .. } => {
                let call = self.call(name, args);
                quote! { #call.await }
            }
            Receiver::Method | Receiver::Function { .. } => code(),
        }
    }
}

/// The client's `lib.rs` for `api`, whose models crate is the Rust crate `models_crate`: the header (client,
/// credentials, servers), then one part per group of operations compiled under the same features (all of them
/// without tag features): one `impl Client` block with their methods, then their types.
pub fn client_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    layout: ClientLayout<'_>,
    features: Option<&'a FeaturePlan>,
) -> FilePlan<'a> {
    let header = match layout {
        ClientLayout::Crate { client_crate, models_crate } => {
            let example = super::client_example_doc(api, client_crate);
            client_header(api, graph, &crate_doc(api, features), Some(&example), &ident(models_crate), None)
        }
        ClientLayout::Module => module_header(api),
    };
    let errors = shared_errors(api, features);
    methods_plan(header, api, features, move |scope, index, op| {
        let signature = Signature::new(scope, op);
        let methods = operation_methods(api, &signature, Receiver::Method);
        let types = operation_types(scope, &signature, Links::Linked, errors[index].resolve(api));
        (methods, types)
    })
}

/// Where an operation's error enum is defined.
#[derive(Debug, Clone, PartialEq)]
enum ErrorEnum {
    /// In the operation's part, named by the operations listed too (by index: later ones with the same errors).
    Own(Vec<usize>),
    /// It is the error enum of this earlier operation (compiled under the same features, documenting exactly the
    /// same errors): the operation's error type names that one.
    SameAs(usize),
}

impl ErrorEnum {
    /// The operations of `api` the indices name.
    fn resolve<'a>(&self, api: &'a Api) -> ErrorSite<'a> {
        match self {
            ErrorEnum::Own(sharers) => ErrorSite::Own(sharers.iter().map(|&i| &api.operations[i]).collect()),
            ErrorEnum::SameAs(first) => ErrorSite::SameAs(&api.operations[*first]),
        }
    }
}

/// [`ErrorEnum`] with its operations.
enum ErrorSite<'o> {
    /// Defined here, and named by these operations too.
    Own(Vec<&'o Operation>),
    /// This operation's enum.
    SameAs(&'o Operation),
}

/// Each operation's [`ErrorEnum`]: operations of one client file under the same features whose documented errors
/// are the same (statuses, docs and body types) share the first one's enum, rather than each printing a copy.
fn shared_errors(api: &Api, features: Option<&FeaturePlan>) -> Vec<ErrorEnum> {
    let scope = TypeScope { api, via_models: true };
    let mut first_with: std::collections::HashMap<(Vec<&str>, String), usize> = std::collections::HashMap::new();
    let mut sites: Vec<ErrorEnum> = Vec::with_capacity(api.operations.len());
    for (index, op) in api.operations.iter().enumerate() {
        let errors: Vec<&Response> = op.responses.iter().filter(|r| !r.status.is_success()).collect();
        if errors.is_empty() {
            sites.push(ErrorEnum::Own(Vec::new()));
            continue;
        }
        let gate = features.map(|plan| plan.operation_features(index)).unwrap_or_default();
        let (derives, variants) = status_enum_body(scope, &errors);
        let key = (gate, format!("{derives} {variants}"));
        match first_with.get(&key) {
            Some(&first) => {
                if let ErrorEnum::Own(sharers) = &mut sites[first] {
                    sharers.push(index);
                }
                sites.push(ErrorEnum::SameAs(first));
            }
            None => {
                first_with.insert(key, index);
                sites.push(ErrorEnum::Own(Vec::new()));
            }
        }
    }
    sites
}

/// The derives of an enum of `responses`, and its variants (one per status, with its doc and body).
fn status_enum_body(scope: TypeScope<'_>, responses: &[&Response]) -> (TokenStream, TokenStream) {
    let variants = responses.iter().map(|response| {
        let name = ident(&response.variant);
        let status = status_text(response.status);
        let doc = doc_attrs(Some(&match &response.doc {
            Some(doc) => format!("{status}: {doc}"),
            None => status,
        }));
        match &response.body {
            None => quote! { #doc #name, },
            Some(_) => {
                let ty = body_type(scope, response);
                quote! { #doc #name(#ty), }
            }
        }
    });
    // A body read as it arrives can be neither cloned nor compared.
    let derives = if responses.iter().any(|r| body_shape(r).is_streamed()) {
        quote! { Debug }
    } else {
        quote! { Debug, Clone, PartialEq }
    };
    (quote! { #[derive(#derives)] }, quote! { { #(#variants)* } })
}

/// How a client is packaged.
#[derive(Debug, Clone, Copy)]
pub enum ClientLayout<'a> {
    /// `src/lib.rs` of a client crate: the runtime in sibling files, the models crate re-exported.
    Crate {
        /// The client crate's Rust name (its docs' example uses it).
        client_crate: &'a str,
        /// The models crate's Rust name.
        models_crate: &'a str,
    },
    /// One self-contained file for `include!` (a `build.rs` writing into `OUT_DIR`): no inner attributes, the
    /// runtime inlined, and the models a sibling module `models` that the caller writes.
    Module,
}

/// The leading items of a client written as one module: [`client_header`]'s without the crate's inner attributes
/// and models re-export, with the runtime's files inlined as modules.
fn module_header(api: &Api) -> TokenStream {
    let inline = |name: &str, source: &str| {
        let name = ident(name);
        // The templates are compiled as part of every generated crate; parsing them here cannot fail.
        let (attrs, items) = syn::parse_file(source).map(|file| (file.attrs, file.items)).unwrap_or_default();
        quote! { mod #name { #(#attrs)* #(#items)* } }
    };
    let runtime = inline("runtime", crate::output::CLIENT_RUNTIME);
    let modules = crate::output::client_modules(api).map(|module| inline(module.name, module.source));
    let methods = inline("client", crate::output::CLIENT_METHODS);
    let exports = client_exports(api, TokenStream::new());
    let servers = api.servers.first().map(server_items);
    let credentials = credentials(api, false);
    let client = client_struct(api);
    quote! {
        #runtime
        #(#modules)*
        #methods
        #exports
        #servers
        #credentials
        #client
    }
}

/// The client root's re-exports: the optional modules' items, `models` (the models crate's, or none when the
/// models are a sibling module), reqwest, and the runtime's public items.
fn client_exports(api: &Api, models: TokenStream) -> TokenStream {
    let modules = crate::output::client_modules(api).map(|module| {
        let (name, items) = (ident(module.name), module.exports.iter().map(|item| ident(item)));
        quote! { pub use #name::{#(#items),*}; }
    });
    quote! {
        #(#modules)*
        #models
        /// The HTTP client library, re-exported so a `reqwest::Client` you pass in is of the version this crate uses.
        pub use ::reqwest;
        #[doc(inline)]
        pub use runtime::{
            ApiError, BasicCredentials, ByteStream, Call, ConfigError, Error, JsonLines, Pages, RawResponse,
            RequestHook, ResponseValue, RetryPolicy, Secret, StreamError, TokenError, TokenProvider,
        };
    }
}

/// A client file of `header` then one part per group of operations compiled under the same features, in order of
/// their first operation: one `impl Client` block with the group's methods (each operation's description on its
/// first method), then the group's other items. `build` gives an operation's (by index) methods and other items.
fn methods_plan<'a>(
    header: TokenStream,
    api: &'a Api,
    features: Option<&'a FeaturePlan>,
    build: impl Fn(TypeScope<'_>, usize, &Operation) -> (TokenStream, TokenStream) + Sync + 'a,
) -> FilePlan<'a> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: std::collections::HashMap<Vec<&str>, usize> = std::collections::HashMap::new();
    for index in 0..api.operations.len() {
        let gate = features.map(|plan| plan.operation_features(index)).unwrap_or_default();
        let group = *group_of.entry(gate).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(index);
    }
    let groups = std::sync::Arc::new(groups);
    let gates = groups.clone();
    FilePlan {
        header,
        parts: groups.len(),
        part: Box::new(move |group| {
            let scope = TypeScope { api, via_models: true };
            let mut methods: Vec<syn::ImplItem> = Vec::new();
            let mut others: Vec<syn::Item> = Vec::new();
            for &index in &groups[group] {
                let op = &api.operations[index];
                let (op_methods, op_others) = build(scope, index, op);
                let mut block: syn::ItemImpl = syn::parse2(quote! { impl Client { #op_methods } })?;
                if let Some(syn::ImplItem::Fn(first)) = block.items.first_mut() {
                    prepend_docs(&mut first.attrs, Some(&method_doc(op)));
                }
                methods.append(&mut block.items);
                others.extend(parse_items(op_others)?);
            }
            let mut block: syn::ItemImpl = syn::parse_quote! { impl Client {} };
            block.items = methods;
            Ok(std::iter::once(syn::Item::Impl(block)).chain(others).collect())
        }),
        gate: Box::new(move |group| features.map(|plan| plan.operation_features(gates[group][0])).unwrap_or_default()),
    }
}

/// The Rust names of the crates of a split client: a large API's operations are spread over several crates that
/// compile in parallel, behind the client crate, whose `Client` calls them.
pub struct SplitClient {
    /// The client crate, which users depend on.
    pub client: String,
    /// The models crate the client uses.
    pub models: String,
    /// The runtime and credentials, shared by the other crates.
    pub core: String,
    /// Per crate of operations: its Rust name and its operations, by index.
    pub ops: Vec<(String, Vec<usize>)>,
}

/// `lib.rs` of the core crate of a split client: the runtime and the optional modules (hidden: the client crate
/// re-exports what users need) and the credentials.
pub fn client_core_plan<'a>(api: &'a Api, crates: &SplitClient) -> FilePlan<'a> {
    let doc = format!(
        "Runtime of the client of {}, generated by specforge: use `{}`.",
        super::models::api_title(api),
        crates.client
    );
    let header = crate_header(&doc, true, &[], None);
    let modules = optional_modules(api).map(|module| quote! { #[doc(hidden)] pub mod #module; });
    let credentials = credentials(api, true);
    FilePlan {
        header: quote! {
            #header
            #[doc(hidden)]
            pub mod runtime;
            #(#modules)*
            #credentials
        },
        parts: 0,
        part: Box::new(|_| Ok(Vec::new())),
        gate: Box::new(|_| Vec::new()),
    }
}

/// `lib.rs` of crate `chunk` of operations of a split client: each operation's types, and its code as functions
/// (hidden from the docs) that take the client's transport and credentials.
pub fn client_ops_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    crates: &'a SplitClient,
    chunk: usize,
    features: Option<&'a FeaturePlan>,
) -> FilePlan<'a> {
    let (name, members) = &crates.ops[chunk];
    let doc = format!(
        "Operations of the client of {} (part `{}`), generated by specforge: use `{}`, whose `Client` calls them.",
        super::models::api_title(api),
        name,
        crates.client
    );
    let (core, models) = (ident(&crates.core), ident(&crates.models));
    let credentials = (!api.security_schemes.is_empty()).then(|| quote! { Credentials, Scheme, });
    let modules = optional_modules(api);
    let header = client_crate_header(&doc, None, api, graph);
    let header = quote! {
        #header

        // With some tag features off, no operation here may use one of these.
        #[allow(unused_imports)]
        use ::#core::{runtime, #credentials #(#modules,)*};
        #[allow(unused_imports)]
        use ::#models as models;
    };
    FilePlan {
        header,
        parts: members.len(),
        part: Box::new(move |position| {
            let scope = TypeScope { api, via_models: true };
            let op = &api.operations[members[position]];
            let signature = Signature::new(scope, op);
            let credentials = uses_credentials(api, op);
            let functions = operation_methods(api, &signature, Receiver::Function { credentials });
            let types = operation_types(scope, &signature, Links::Plain, ErrorSite::Own(Vec::new()));
            parse_items(quote! { #functions #types })
        }),
        gate: Box::new(move |position| {
            features.map(|plan| plan.operation_features(members[position])).unwrap_or_default()
        }),
    }
}

/// `lib.rs` of a split client: the header as for one crate, re-exporting the operations crates' types, then one
/// `impl Client` block per group of operations compiled under the same features, whose methods call the
/// operations' functions.
pub fn client_facade_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    crates: &'a SplitClient,
    features: Option<&'a FeaturePlan>,
) -> FilePlan<'a> {
    let header = client_header(api, graph, &crate_doc(api, features), None, &ident(&crates.models), Some(crates));
    let mut chunk_of = vec![0; api.operations.len()];
    for (chunk, (_, members)) in crates.ops.iter().enumerate() {
        for &member in members {
            chunk_of[member] = chunk;
        }
    }
    methods_plan(header, api, features, move |scope, index, op| {
        let krate = ident(&crates.ops[chunk_of[index]].0);
        let signature = Signature::new(scope, op);
        let credentials = uses_credentials(api, op);
        (operation_methods(api, &signature, Receiver::Forward { krate: &krate, credentials }), TokenStream::new())
    })
}

/// Whether an operation's code authorizes its request with the client's credentials (it names a security
/// requirement, and the API has schemes): only then does an operations crate's function take them.
fn uses_credentials(api: &Api, op: &Operation) -> bool {
    !op.security.is_empty() && !api.security_schemes.is_empty()
}

/// The inner attributes of a crate of a client holding operations' types: `doc`, the lints those types need
/// allowed, and the recursion limit, as types nest as deep in the client (through response enums) as in the models.
/// An operation's types sit two paths deep in its methods' results (`Result<ResponseValue<T>, Error<E>>`), so
/// three levels of nesting can pass clippy's `type_complexity` threshold there.
fn client_crate_header(doc: &str, example: Option<&str>, api: &Api, graph: &TypeGraph) -> TokenStream {
    let mut deep = false;
    api.operations.iter().for_each(|op| op.visit_uses(&mut |ty| deep |= nesting(ty) + 2 >= DEEP));
    let allows: &[&str] = if deep { &["clippy::type_complexity"] } else { &[] };
    crate_header_with_example(doc, example, true, allows, Some(graph))
}

/// The client crate's inner attributes and leading items: `doc` (ending with `example`), the runtime (its module, or the core crate's of a
/// `split` client, whose operations crates' types it re-exports), re-exports, servers, credentials and `Client`.
fn client_header(
    api: &Api,
    graph: &TypeGraph,
    doc: &str,
    example: Option<&str>,
    models_crate: &proc_macro2::Ident,
    split: Option<&SplitClient>,
) -> TokenStream {
    let header = client_crate_header(doc, example, api, graph);
    let servers = api.servers.first().map(server_items);
    let client = client_struct(api);
    let modules = optional_modules(api);
    let (runtime, credentials, ops) = match split {
        None => (quote! { mod runtime; #(mod #modules;)* }, credentials(api, false), TokenStream::new()),
        Some(crates) => {
            let core = ident(&crates.core);
            let credentials = (!api.security_schemes.is_empty()).then(|| quote! { use ::#core::Credentials; });
            let ops = crates.ops.iter().map(|(name, _)| {
                let krate = ident(name);
                quote! { #[doc(inline)] pub use ::#krate::*; }
            });
            (quote! { use ::#core::runtime; #(use ::#core::#modules;)* }, quote! { #credentials }, quote! { #(#ops)* })
        }
    };
    let exports = client_exports(api, quote! { pub use #models_crate as models; });
    quote! {
        #header

        #runtime
        mod client;
        #exports
        #ops

        #servers
        #credentials
        #client
    }
}

fn crate_doc(api: &Api, features: Option<&FeaturePlan>) -> String {
    let mut doc = format!(
        "Async client for {} (version {}), generated by specforge.\n\n",
        super::models::api_title(api),
        api.version
    );
    doc.push_str(
        "Create a [`Client`] with the server's base URL, set credentials once, then call one method per operation.",
    );
    if !api.servers.is_empty() {
        doc.push_str("\n\nServers listed in the API description:\n");
        for server in &api.servers {
            let description =
                server.description.as_ref().map(|d| format!(": {}", list_item_text(d))).unwrap_or_default();
            doc.push_str(&format!("\n- `{}`{description}", server.url));
        }
    }
    with_api_docs(doc, api, features)
}

/// The `Credentials` struct and the `Scheme` enum (one per security scheme), or nothing when the API has none.
/// `shared` makes them public (hidden from the docs) for the crates of a split client.
fn credentials(api: &Api, shared: bool) -> TokenStream {
    if api.security_schemes.is_empty() {
        return TokenStream::new();
    }
    let (hidden, vis) = if shared { (quote! { #[doc(hidden)] }, quote! { pub }) } else { (quote! {}, quote! {}) };
    let fields = api.security_schemes.iter().map(|s| {
        let name = ident(&s.name);
        let ty = match s.kind {
            SchemeKind::Basic => quote! { runtime::BasicCredentials },
            SchemeKind::Bearer | SchemeKind::OAuth2(_) => quote! { runtime::BearerToken },
            _ => quote! { runtime::Secret },
        };
        quote! { #vis #name: Option<#ty>, }
    });
    let variants = api.security_schemes.iter().map(|s| ident(&s.variant));
    let has_arms = api.security_schemes.iter().map(|s| {
        let (name, variant) = (ident(&s.name), ident(&s.variant));
        quote! { Scheme::#variant => self.#name.is_some(), }
    });
    let apply_arms = api.security_schemes.iter().map(|s| {
        let (name, variant) = (ident(&s.name), ident(&s.variant));
        let apply = match &s.kind {
            SchemeKind::Bearer | SchemeKind::OAuth2(_) => {
                return quote! {
                    Scheme::#variant => match &self.#name {
                        Some(token) => request.bearer(token),
                        None => request,
                    },
                };
            }
            SchemeKind::Basic => quote! { request.basic_auth(&secret.username, Some(secret.password.expose())) },
            SchemeKind::ApiKeyHeader(header) => quote! { runtime::secret_header(request, #header, secret.expose()) },
            SchemeKind::ApiKeyQuery(param) => quote! { request.query(&[(#param, secret.expose())]) },
            SchemeKind::ApiKeyCookie(cookie) => {
                let prefix = format!("{cookie}=");
                quote! { runtime::secret_header(request, "cookie", &format!("{}{}", #prefix, secret.expose())) }
            }
        };
        quote! {
            Scheme::#variant => match &self.#name {
                Some(secret) => request.map(|request| #apply),
                None => request,
            },
        }
    });
    quote! {
        /// Credentials set on the client, one slot per security scheme.
        #hidden
        #[derive(Clone, Debug, Default)]
        #vis struct Credentials {
            #(#fields)*
        }

        /// The API's security schemes.
        #hidden
        #[derive(Clone, Copy)]
        #vis enum Scheme {
            #(#variants,)*
        }

        impl Credentials {
            fn has(&self, scheme: Scheme) -> bool {
                match scheme {
                    #(#has_arms)*
                }
            }

            fn apply(&self, scheme: Scheme, request: runtime::Authorized) -> runtime::Authorized {
                match scheme {
                    #(#apply_arms)*
                }
            }

            /// Applies the first alternative (an AND of schemes) whose credentials are all set; sends none if no
            /// alternative is complete, and lets the server answer. A provided bearer token is asked for as the
            /// request is sent.
            #vis fn authorize(&self, request: ::reqwest::RequestBuilder, alternatives: &[&[Scheme]]) -> runtime::Authorized {
                let request = runtime::Authorized::from(request);
                let chosen = alternatives.iter().find(|all| !all.is_empty() && all.iter().all(|s| self.has(*s)));
                match chosen {
                    Some(all) => all.iter().fold(request, |request, scheme| self.apply(*scheme, request)),
                    None => request,
                }
            }
        }
    }
}

/// `DEFAULT_BASE_URL` (the first server, variables at their defaults) and, when its URL has variables,
/// `server_url(…)` to fill them in.
fn server_items(server: &Server) -> TokenStream {
    let default_url = server.default_url();
    let constant = quote! {
        /// The first server the API description lists (with its variables at their defaults).
        pub const DEFAULT_BASE_URL: &str = #default_url;
    };
    if server.variables.is_empty() {
        return constant;
    }
    let args = server.variables.iter().map(|v| {
        let name = ident(&v.rust_name);
        quote! { #name: &str }
    });
    let replaces = server.variables.iter().map(|v| {
        let (name, placeholder) = (ident(&v.rust_name), format!("{{{}}}", v.name));
        quote! { .replace(#placeholder, #name) }
    });
    let template = &server.url;
    let mut doc = format!("The URL of the server `{template}` with its variables filled in:\n");
    for v in &server.variables {
        let allowed = if v.allowed.is_empty() {
            String::new()
        } else {
            format!("; one of {}", v.allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "))
        };
        let description = v.description.as_ref().map(|d| format!(": {}", list_item_text(d))).unwrap_or_default();
        doc.push_str(&format!("\n- `{}` (default `{}`{allowed}){description}", bare(&v.rust_name), v.default));
    }
    let doc = doc_attrs(Some(&doc));
    quote! {
        #constant

        #doc
        pub fn server_url(#(#args),*) -> String {
            #template.to_string() #(#replaces)*
        }
    }
}

fn client_struct(api: &Api) -> TokenStream {
    let has_schemes = !api.security_schemes.is_empty();
    let credentials_field = has_schemes.then(|| quote! { credentials: Credentials, });
    let credentials_init = has_schemes.then(|| quote! { credentials: Credentials::default(), });
    let credentials_debug = has_schemes.then(|| quote! { .field("credentials", &self.credentials) });
    let setters = api.security_schemes.iter().map(|s| {
        let name = ident(&s.name);
        let setter = ident(&s.setters.given);
        let what = match &s.kind {
            SchemeKind::Bearer | SchemeKind::OAuth2(_) => {
                "a bearer token, sent as `Authorization: Bearer <token>`".to_string()
            }
            SchemeKind::Basic => "HTTP Basic credentials".to_string(),
            SchemeKind::ApiKeyHeader(header) => format!("an API key, sent as-is in the `{header}` header"),
            SchemeKind::ApiKeyQuery(param) => format!("an API key, sent in the `{param}` query parameter"),
            SchemeKind::ApiKeyCookie(cookie) => format!("an API key, sent in the `{cookie}` cookie"),
        };
        let summary = format!("Uses {what} (security scheme `{}`) for the operations that accept it.", s.spec_name);
        let doc = doc_attrs(Some(&match &s.doc {
            Some(doc) => format!("{summary}\n\n{}", doc.trim()),
            None => summary,
        }));
        match &s.kind {
            SchemeKind::Basic => quote! {
                #doc
                pub fn #setter(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    self.credentials.#name = Some(runtime::BasicCredentials { username: username.into(), password: runtime::Secret::new(password) });
                    self
                }
            },
            SchemeKind::Bearer | SchemeKind::OAuth2(_) => {
                let grants = match &s.kind {
                    SchemeKind::OAuth2(grants) => grant_setters(s, grants),
                    _ => TokenStream::new(),
                };
                let provider = s.setters.provider.as_deref().map(|setter| {
                    let setter = ident(setter);
                    let doc = doc_attrs(Some(&format!(
                        "Uses tokens from `provider` (security scheme `{}`), asked for before each request that uses \
                         the scheme; a token the server answers `401` to is rejected and the request sent once more.",
                        s.spec_name
                    )));
                    quote! {
                        #doc
                        pub fn #setter(mut self, provider: impl runtime::TokenProvider + 'static) -> Self {
                            self.credentials.#name = Some(runtime::BearerToken::Provided(::std::sync::Arc::new(provider)));
                            self
                        }
                    }
                });
                quote! {
                    #doc
                    pub fn #setter(mut self, token: impl Into<String>) -> Self {
                        self.credentials.#name = Some(runtime::BearerToken::Fixed(runtime::Secret::new(token)));
                        self
                    }

                    #provider

                    #grants
                }
            }
            _ => quote! {
                #doc
                pub fn #setter(mut self, secret: impl Into<String>) -> Self {
                    self.credentials.#name = Some(runtime::Secret::new(secret));
                    self
                }
            },
        }
    });
    // `new`, `builder`, `base_url`, `with_timeout` and the rest, the same for every API, are in `runtime.rs`; only
    // the credential setters are the API's own.
    let scheme_methods = has_schemes.then(|| {
        quote! {
            impl Client {
                #(#setters)*
            }
        }
    });
    quote! {
        /// The API client. Cheap to clone: clones share one connection pool.
        #[derive(Clone)]
        pub struct Client {
            transport: runtime::Transport,
            #credentials_field
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client").field("base_url", &self.transport.base_url().as_str()) #credentials_debug .finish()
            }
        }

        /// Configures a [`Client`]: timeouts, user agent, default headers, retries, a request hook, or your own
        /// `reqwest::Client`. Finish with `build()`.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        impl runtime::FromTransport for Client {
            fn from_transport(transport: runtime::Transport) -> Self {
                Client { transport, #credentials_init }
            }
        }

        #scheme_methods
    }
}

/// The setters of an OAuth2 scheme's grants: `with_<scheme>_client_credentials` for a `clientCredentials` flow,
/// `with_<scheme>_refresh_token` for a flow with a refresh URL (or token URL).
fn grant_setters(scheme: &SecurityScheme, grants: &OAuth2Grants) -> TokenStream {
    let name = ident(&scheme.name);
    let setters = &scheme.setters;
    let client_credentials = grants.client_credentials.as_ref().zip(setters.client_credentials.as_deref()).map(|(url, setter)| {
        let setter = ident(setter);
        let doc = doc_attrs(Some(&format!(
            "Gets tokens for security scheme `{}` with the OAuth2 client credentials grant from `{url}` (relative to \
             the base URL if it is relative), asking for `scopes` (none: the server's default); each is cached and \
             fetched again shortly before it expires, or after the server rejects it.",
            scheme.spec_name
        )));
        quote! {
            #doc
            pub fn #setter(mut self, client_id: impl Into<String>, client_secret: impl Into<String>, scopes: &[&str]) -> Self {
                let tokens = oauth2::OAuth2Tokens::client_credentials(
                    self.transport.http_client().clone(),
                    self.transport.resolve(#url),
                    client_id,
                    client_secret,
                    scopes,
                );
                self.credentials.#name = Some(runtime::BearerToken::Provided(::std::sync::Arc::new(tokens)));
                self
            }
        }
    });
    let refresh = grants.refresh.as_ref().zip(setters.refresh_token.as_deref()).map(|(url, setter)| {
        let setter = ident(setter);
        let doc = doc_attrs(Some(&format!(
            "Gets tokens for security scheme `{}` by exchanging `refresh_token` (from an authorization you did \
             elsewhere) at `{url}` (relative to the base URL if it is relative); `client_secret` is `None` for a \
             public client. A refresh token the server rotates is kept.",
            scheme.spec_name
        )));
        quote! {
            #doc
            pub fn #setter(
                mut self,
                client_id: impl Into<String>,
                client_secret: Option<String>,
                refresh_token: impl Into<String>,
            ) -> Self {
                let tokens = oauth2::OAuth2Tokens::refresh_token(
                    self.transport.http_client().clone(),
                    self.transport.resolve(#url),
                    client_id,
                    client_secret,
                    refresh_token,
                );
                self.credentials.#name = Some(runtime::BearerToken::Provided(::std::sync::Arc::new(tokens)));
                self
            }
        }
    });
    quote! { #client_credentials #refresh }
}

/// What an operation's methods take and give, worked out once per operation; its methods and types print from it.
struct Signature<'o> {
    /// The operation.
    op: &'o Operation,
    /// Its successes, in document order.
    successes: Vec<&'o Response>,
    /// Its documented errors (`default` included), in document order.
    errors: Vec<&'o Response>,
    /// The success type: `()`, the one success's body type, or the operation's response enum.
    success: TokenStream,
    /// The error type: the operation's error enum, or `Infallible` when it documents no error.
    error: TokenStream,
    /// The arguments after the receiver, borrowed for the call only (the `async fn` methods).
    args: Vec<TokenStream>,
    /// The same arguments borrowed for `'a` (the methods that return `impl Call<…> + 'a`).
    borrowed_args: Vec<TokenStream>,
    /// The arguments' names, in order.
    arg_names: Vec<TokenStream>,
}

impl<'o> Signature<'o> {
    fn new(scope: TypeScope<'_>, op: &'o Operation) -> Signature<'o> {
        let (successes, errors): (Vec<&Response>, Vec<&Response>) =
            op.responses.iter().partition(|r| r.status.is_success());
        let success = match successes.as_slice() {
            [] => quote! { () },
            [only] => body_type(scope, only),
            _ => {
                let name = ident(&op.type_names.response);
                quote! { #name }
            }
        };
        let error = if errors.is_empty() {
            quote! { ::std::convert::Infallible }
        } else {
            let name = ident(&op.type_names.error);
            quote! { #name }
        };
        let lifetime = quote! { 'a };
        let args = method_args(scope, op, None, None);
        Signature {
            op,
            successes,
            errors,
            success,
            error,
            borrowed_args: method_args(scope, op, Some(&lifetime), Some(&lifetime)),
            args,
            arg_names: method_arg_names(op),
        }
    }

    /// Whether a success is a stream (bytes, events, lines), returned before its body is read.
    fn streams_a_success(&self) -> bool {
        self.successes.iter().any(|r| body_shape(r).is_streamed())
    }
}

/// The Rust type of a response's body.
fn body_type(scope: TypeScope<'_>, response: &Response) -> TokenStream {
    match body_shape(response) {
        BodyShape::None => quote! { () },
        BodyShape::Json(ty) => scope.tokens(ty),
        BodyShape::Text => quote! { String },
        BodyShape::Bytes => quote! { Vec<u8> },
        BodyShape::ByteStream => quote! { runtime::ByteStream },
        BodyShape::Events(Some(ty)) => {
            let ty = scope.tokens(ty);
            quote! { sse::EventStream<#ty> }
        }
        BodyShape::Events(None) => quote! { sse::EventStream },
        BodyShape::JsonLines(item) => {
            let ty = item.map(|ty| scope.tokens(ty)).unwrap_or_else(|| quote! { ::serde_json::Value });
            quote! { runtime::JsonLines<#ty> }
        }
    }
}

/// The expression that decodes a whole response's body from `response`.
fn decode_expr(response: &Response) -> TokenStream {
    match body_shape(response) {
        BodyShape::Json(_) => quote! { response.json()? },
        BodyShape::Text => quote! { response.text() },
        BodyShape::Bytes => quote! { response.body.clone() },
        BodyShape::None | BodyShape::ByteStream | BodyShape::Events(_) | BodyShape::JsonLines(_) => quote! { () },
    }
}

/// For a streamed body: the function that wraps the reply, and the media type its `Content-Type` must have.
fn stream_constructor(response: &Response) -> (TokenStream, Option<&'static str>) {
    match body_shape(response) {
        BodyShape::Events(Some(_)) => (quote! { sse::EventStream::json }, Some("text/event-stream")),
        BodyShape::Events(None) => (quote! { sse::EventStream::text }, Some("text/event-stream")),
        BodyShape::JsonLines(_) => (quote! { runtime::JsonLines::new }, None),
        _ => (quote! { runtime::ByteStream::new }, None),
    }
}

/// The per-operation success and error enums (when an operation has several successes or any errors).
/// How the docs of an operation's types name the client's items: as links, or, in an operations crate of a split
/// client (which cannot see the client crate), as code.
#[derive(Clone, Copy)]
enum Links {
    Linked,
    Plain,
}

impl Links {
    /// ``[`path`]`` or `` `path` ``.
    fn to(self, path: &str) -> String {
        match self {
            Links::Linked => format!("[`{path}`]"),
            Links::Plain => format!("`{path}`"),
        }
    }
}

fn operation_types(
    scope: TypeScope<'_>,
    signature: &Signature<'_>,
    links: Links,
    errors: ErrorSite<'_>,
) -> TokenStream {
    let op = signature.op;
    let method = |op: &Operation| links.to(&format!("Client::{}", bare(&op.method_name)));
    let status_enum = |name: &str, doc: String, responses: &[&Response]| {
        let name = ident(name);
        let doc = doc_attrs(Some(&doc));
        let (derives, variants) = status_enum_body(scope, responses);
        let inline_variants = inline_variants(responses.len(), responses.iter().filter(|r| r.body.is_some()).count());
        quote! {
            #doc
            #derives
            #inline_variants
            pub enum #name #variants
        }
    };
    let (successes, errors_documented) = (&signature.successes, &signature.errors);
    let success_enum = (successes.len() > 1).then(|| {
        status_enum(&op.type_names.response, format!("The successful responses of {}.", method(op)), successes)
    });
    let error_enum = (!errors_documented.is_empty()).then(|| {
        let what = format!("The documented error responses (see {} for status and headers) of", links.to("ApiError"));
        match errors {
            ErrorSite::Own(sharers) => {
                let also = match sharers.as_slice() {
                    [] => String::new(),
                    few if few.len() <= 3 => {
                        let names: Vec<String> = few.iter().map(|other| method(other)).collect();
                        format!(", and of {} (their error types are this one)", names.join(", "))
                    }
                    many => format!(
                        ", and of {} other operations that document the same (their error types are this one)",
                        many.len()
                    ),
                };
                status_enum(&op.type_names.error, format!("{what} {}{also}.", method(op)), errors_documented)
            }
            ErrorSite::SameAs(first) => {
                let (name, shared) = (ident(&op.type_names.error), ident(&first.type_names.error));
                let doc = doc_attrs(Some(&format!(
                    "{what} {}: the same as those of {}, so the same type.",
                    method(op),
                    method(first)
                )));
                quote! { #doc pub type #name = #shared; }
            }
        }
    });
    let headers_struct = headers_struct(scope, op, links);
    let params = optional_params(op);
    let params_struct = (!params.is_empty()).then(|| {
        let name = ident(&op.type_names.params);
        let doc = doc_attrs(Some(&format!(
            "Optional parameters of {}.",
            links.to(&format!("Client::{}", bare(&op.method_name)))
        )));
        let fields = params.iter().map(|p| {
            let field = ident(&p.name);
            let ty = scope.tokens(&p.ty);
            let text = format!(
                "{} `{}`{}",
                location_word(p.location),
                p.api_name,
                p.doc.as_ref().map(|d| format!(": {d}")).unwrap_or_default()
            );
            let doc = doc_attrs(Some(&text));
            quote! { #doc pub #field: Option<#ty>, }
        });
        quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #name { #(#fields)* }
        }
    });
    let form_struct = form_struct(scope, op, links);
    quote! { #success_enum #error_enum #params_struct #form_struct #headers_struct }
}

/// The struct of an operation's `multipart/form-data` body whose parts the API names: a field per part.
fn form_struct(scope: TypeScope<'_>, op: &Operation, links: Links) -> Option<TokenStream> {
    let Some(RequestBody { kind: RequestBodyKind::Multipart(Multipart::Parts(form)), .. }) = &op.body else {
        return None;
    };
    let name = ident(&form.name);
    let doc = doc_attrs(Some(&format!(
        "The `multipart/form-data` body of {}: a field per part.",
        links.to(&format!("Client::{}", bare(&op.method_name)))
    )));
    let fields = form.parts.iter().map(|part| {
        let field = ident(&part.name);
        let ty = match &part.kind {
            PartKind::File { .. } => quote! { multipart::FilePart },
            PartKind::Files { .. } => quote! { Vec<multipart::FilePart> },
            PartKind::Text(ty) | PartKind::Json(ty) => scope.tokens(ty),
            PartKind::Texts { item, .. } => {
                let item = scope.tokens(item);
                quote! { Vec<#item> }
            }
        };
        let ty = if part.required {
            ty
        } else {
            quote! { Option<#ty> }
        };
        let text =
            format!("Part `{}`{}", part.api_name, part.doc.as_ref().map(|d| format!(": {d}")).unwrap_or_default());
        let doc = doc_attrs(Some(&text));
        quote! { #doc pub #field: #ty, }
    });
    Some(quote! {
        #doc
        #[derive(Debug)]
        pub struct #name { #(#fields)* }
    })
}

/// An expression for the `reqwest::multipart::Form` of `body`, a typed form (moved in, part by part).
fn form_expr(form: &MultipartForm) -> TokenStream {
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

/// The struct of the headers an operation's successes document, read from a reply's headers by `from_headers`.
fn headers_struct(scope: TypeScope<'_>, op: &Operation, links: Links) -> Option<TokenStream> {
    let name = ident(op.type_names.headers.as_deref()?);
    let headers = op.success_headers();
    let fields = headers.iter().map(|header| {
        let field = ident(&header.field);
        let ty = scope.tokens(&header.ty);
        let text = format!("`{}`{}", header.name, header.doc.as_ref().map(|d| format!(": {d}")).unwrap_or_default());
        let doc = doc_attrs(Some(&text));
        quote! { #doc pub #field: Option<#ty>, }
    });
    let reads = headers.iter().map(|header| {
        let (field, wire) = (ident(&header.field), &header.name);
        quote! { #field: runtime::header_value(headers, #wire), }
    });
    let method = bare(&op.response_method_name);
    let doc = doc_attrs(Some(&format!(
        "The headers the replies of {} document: `{}::from_headers(reply.headers())` on what {} returns.",
        links.to(&format!("Client::{}", bare(&op.method_name))),
        op.type_names.headers.as_deref().unwrap_or_default(),
        links.to(&format!("Client::{method}")),
    )));
    Some(quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name { #(#fields)* }

        impl #name {
            /// The documented headers of `headers`; one that is absent or does not parse is `None`.
            pub fn from_headers(headers: &::reqwest::header::HeaderMap) -> Self {
                Self { #(#reads)* }
            }
        }
    })
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "Path parameter",
        ParamLocation::Query => "Query parameter",
        ParamLocation::Header => "Header",
        ParamLocation::Cookie => "Cookie",
    }
}

/// Parameters that are not required (they go in the operation's `Params` struct).
fn optional_params(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| !p.required).collect()
}

/// How a required parameter is taken as an argument: `&str` for strings, by value for small copies, else by
/// reference (with `lifetime`, when given).
fn argument_type(scope: TypeScope<'_>, ty: &TypeRef, lifetime: Option<&TokenStream>) -> TokenStream {
    match ty {
        TypeRef::String => quote! { &#lifetime str },
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => scope.tokens(ty),
        TypeRef::Array(item) => {
            let item = scope.tokens(item);
            quote! { &#lifetime [#item] }
        }
        other => {
            let ty = scope.tokens(other);
            quote! { &#lifetime #ty }
        }
    }
}

/// The names of an operation method's arguments, in order (see [`method_args`]).
fn method_arg_names(op: &Operation) -> Vec<TokenStream> {
    let required = op.params.iter().filter(|p| p.required).map(|p| {
        let name = ident(&p.name);
        quote! { #name }
    });
    let params = (!optional_params(op).is_empty()).then(|| quote! { params });
    let body = op.body.as_ref().map(|_| quote! { body });
    required.chain(params).chain(body).collect()
}

/// The arguments of an operation's method after `&self`: required parameters, then the optional ones in a
/// `Params` struct, then the body; references carry `lifetime` when given, the `Params` one `params_lifetime`.
fn method_args(
    scope: TypeScope<'_>,
    op: &Operation,
    lifetime: Option<&TokenStream>,
    params_lifetime: Option<&TokenStream>,
) -> Vec<TokenStream> {
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let name = ident(&p.name);
            let ty = argument_type(scope, &p.ty, lifetime);
            quote! { #name: #ty }
        })
        .collect();
    if !optional_params(op).is_empty() {
        let params_type = ident(&op.type_names.params);
        args.push(quote! { params: &#params_lifetime #params_type });
    }
    if let Some(body) = &op.body {
        let ty = match &body.kind {
            RequestBodyKind::Json { ty, .. } | RequestBodyKind::Form { ty, .. } => {
                let ty = scope.tokens(ty);
                quote! { &#lifetime #ty }
            }
            RequestBodyKind::Multipart(Multipart::Open) => quote! { ::reqwest::multipart::Form },
            RequestBodyKind::Multipart(Multipart::Parts(form)) => {
                let name = ident(&form.name);
                quote! { #name }
            }
            RequestBodyKind::Raw { .. } => quote! { Vec<u8> },
        };
        let ty = if body.required {
            ty
        } else {
            quote! { Option<#ty> }
        };
        args.push(quote! { body: #ty });
    }
    args
}

/// The names of the optional client modules `api` needs (see [`crate::output::CLIENT_MODULES`]).
fn optional_modules(api: &Api) -> impl Iterator<Item = proc_macro2::Ident> + Clone + '_ {
    crate::output::client_modules(api).map(|module| ident(module.name))
}

/// `request` with `op`'s credentials applied (`Credentials::authorize` with one `&[Scheme::A, …]` per security
/// alternative), or as it is when the operation uses none.
fn authorized(api: &Api, op: &Operation, receiver: Receiver<'_>, request: TokenStream) -> TokenStream {
    if !uses_credentials(api, op) {
        return request;
    }
    let alternatives = op.security.iter().map(|all| {
        let schemes = all.iter().map(|index| ident(&api.security_schemes[*index].variant));
        quote! { &[#(Scheme::#schemes),*] }
    });
    let credentials = receiver.credentials();
    quote! { #credentials.authorize(#request, &[#(#alternatives),*]) }
}

/// A chain of `Option<&T>` from `start` (an `Option` of a reference) along `path`.
fn field_chain(path: &[FieldStep], start: TokenStream) -> TokenStream {
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
fn dotted(path: &[FieldStep]) -> String {
    path.iter().map(|step| bare(&step.field)).collect::<Vec<_>>().join(".")
}

/// `{op}_items`: the items of every page of `{op}_pages`, as one stream.
fn items_method(
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
    let attributes = receiver.attributes(&doc, op.deprecated);
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
fn pages_method(scope: TypeScope<'_>, signature: &Signature<'_>, receiver: Receiver<'_>) -> Option<TokenStream> {
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
            let param = &op.params[*param];
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
                (
                    quote! { Option<#param_ty> },
                    quote! { params.#param_field.clone() },
                    quote! { params.#param_field = cursor; },
                    quote! { #next_value.cloned().map(Some) },
                    format!(
                        "Walks every page of [`Client::{method}`], one request per page, passing the response's `{path}` as `{}` until it is absent (or repeats).",
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
    let clone_params = has_params.then(|| quote! { let params = params.clone(); });
    let body = receiver.body(&pages, &signature.arg_names, || {
        quote! {
            #clone_params
            runtime::Pages::new(#start, #fetch)
        }
    });
    let self_params = receiver.params(Some(&lifetime));
    let attributes = receiver.attributes(&doc, op.deprecated);
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
fn method_tokens(method: &Method) -> TokenStream {
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
fn operation_methods(api: &Api, signature: &Signature<'_>, receiver: Receiver<'_>) -> TokenStream {
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
    let response_attributes = receiver.attributes(&response_doc, op.deprecated);
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
        #too_many
        #with_response

        #stream_method

        #pages
    }
}

/// The statements that build an operation's request from its arguments, ending with `request` in scope: URL, query,
/// headers, cookies, body and credentials.
fn request_statements(api: &Api, op: &Operation, receiver: Receiver<'_>) -> TokenStream {
    let segments = op.path_segments.iter().map(|pieces| segment_expr(op, pieces));
    let fixed = op.fixed_query.iter().map(|(key, value)| quote! { runtime::append_query(&mut url, #key, #value); });
    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(query_statement);
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
    let mut_request = op
        .params
        .iter()
        .any(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        .then(|| quote! { mut });
    let transport = receiver.transport();
    quote! {
        let #mut_url url = #transport.endpoint(&[#(#segments),*]);
        #(#fixed)*
        #(#query)*
        let #mut_request request = #transport.request(#http_method, url);
        #(#headers)*
        #cookie
        #body
        #authorize
    }
}

/// For an operation whose success is also offered as server-sent events: the method that asks for them with
/// `Accept: text/event-stream` and returns the event stream; other successes are unexpected there.
fn events_method(
    scope: TypeScope<'_>,
    signature: &Signature<'_>,
    build_request: &dyn Fn() -> TokenStream,
    receiver: Receiver<'_>,
) -> Option<TokenStream> {
    let Signature { op, args, error, .. } = signature;
    let too_many = receiver.too_many(args.len());
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
    let attributes = receiver.attributes(&doc, op.deprecated);
    Some(quote! {
        #attributes
        #too_many
        pub async fn #name(#self_params #(#args),*) -> Result<#item, runtime::Error<#error>> {
            #body
        }
    })
}

/// A description placed in a Markdown list item (`- name: text`): its later lines indented to stay in the item.
fn list_item_text(text: &str) -> String {
    text.trim().replace('\n', "\n  ")
}

/// The method's description (put on it as syntax after parsing: descriptions are the bulk of a large API's text).
fn method_doc(op: &Operation) -> String {
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut text = op.doc.clone().unwrap_or_else(|| format!("`{}`", op.operation_id));
    text.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path));
    // A parameter without a description whose name is its name on the wire has nothing to say.
    let documented: Vec<String> = required
        .iter()
        .filter(|p| p.doc.is_some() || bare(&p.name) != p.api_name)
        .map(|p| {
            format!(
                "- `{}`: {} `{}`{}",
                bare(&p.name),
                location_word(p.location).to_lowercase(),
                p.api_name,
                p.doc.as_ref().map(|d| format!(". {}", list_item_text(d))).unwrap_or_default()
            )
        })
        .collect();
    if !documented.is_empty() {
        text.push_str("\n\nArguments:\n");
        text.push_str(&documented.join("\n"));
    }
    text
}

/// One path segment as a `&str` expression: a literal, a parameter, or both formatted together.
fn segment_expr(op: &Operation, pieces: &[PathPiece]) -> TokenStream {
    match pieces {
        [PathPiece::Literal(text)] => quote! { #text },
        [PathPiece::Param(index)] => {
            let param = &op.params[*index];
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
                        let param = &op.params[*index];
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
fn with_param_value(param: &Param, use_value: impl Fn(TokenStream) -> TokenStream) -> TokenStream {
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

fn query_statement(param: &Param) -> TokenStream {
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
fn array_or_scalar_query(param: &Param, ty: &TypeRef, value: TokenStream) -> TokenStream {
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

fn header_statement(param: &Param) -> TokenStream {
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

fn cookie_statement(op: &Operation) -> Option<TokenStream> {
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

/// The `match` arms over the status code: exact codes, then ranges, then `default`, then "unexpected".
/// The match of a whole reply's status: a success gives `Ok` with the reply's status and headers, an error `Err`.
/// Successes whose body is streamed were matched before the body was read, and are not among its arms.
fn response_match(signature: &Signature<'_>, with_successes: bool) -> TokenStream {
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

/// Sends the request of an operation with a streamed success (see [`Signature::streams_a_success`]) and reads the
/// reply: a streamed success is returned as soon as its status and headers arrive; anything else is read whole and
/// matched.
fn start_and_match(signature: &Signature<'_>, receiver: Receiver<'_>) -> TokenStream {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{HEAD, lower_yaml};

    /// The operations of a test document whose `paths` are `paths`, as the client sees them.
    fn api_with(paths: &str) -> Api {
        let (api, diagnostics) = lower_yaml(&format!("{HEAD}paths:\n{paths}"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        api
    }

    /// `tokens` printed as Rust is spaced by `proc_macro2` (`& str`, `models :: Item`), without the spaces.
    fn text(tokens: &TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn operations_documenting_the_same_errors_share_the_first_ones_enum() {
        let api = api_with(
            "  /a: {get: {operationId: a, tags: [x], responses: {'200': {description: x}, '4XX': {description: bad}}}}
  /b: {get: {operationId: b, tags: [x], responses: {'204': {description: x}, '4XX': {description: bad}}}}
  /c: {get: {operationId: c, tags: [x], responses: {'4XX': {description: not the same}}}}
  /d: {get: {operationId: d, tags: [y], responses: {'4XX': {description: bad}}}}
  /e: {get: {operationId: e, responses: {'200': {description: x}}}}
",
        );
        // Without tag features, `d` shares `a`'s enum too; `c`'s doc differs and `e` documents no error.
        let sites = shared_errors(&api, None);
        assert_eq!(
            sites,
            [
                ErrorEnum::Own(vec![1, 3]),
                ErrorEnum::SameAs(0),
                ErrorEnum::Own(vec![]),
                ErrorEnum::SameAs(0),
                ErrorEnum::Own(vec![])
            ]
        );
        // With tag features, an enum is shared only by operations compiled under the same ones.
        let graph = crate::graph::TypeGraph::new(&api.types);
        let plan = FeaturePlan::new(&api, &graph, crate::features::TagFeatures::Always).expect("tags give features");
        assert_eq!(shared_errors(&api, Some(&plan))[3], ErrorEnum::Own(vec![]));
        let printed = client_plan(&api, &graph, ClientLayout::Module, None).render().expect("prints");
        assert!(printed.contains("pub type BError = AError;"), "{printed}");
        assert!(printed.contains("pub type DError = AError;"), "{printed}");
        assert!(printed.contains("pub enum CError"), "{printed}");
    }

    #[test]
    fn a_method_returns_nothing_its_one_body_or_an_enum_of_its_successes() {
        let api = api_with(
            "  /none: {get: {operationId: none, responses: {'204': {description: x}}}}
  /one:
    get:
      operationId: one
      responses:
        '200': {description: x, content: {application/json: {schema: {type: string}}}}
        '404': {description: x}
  /two:
    get:
      operationId: two
      responses: {'200': {description: x}, '202': {description: x}}
",
        );
        let scope = TypeScope { api: &api, via_models: true };
        let types: Vec<(String, String)> = api
            .operations
            .iter()
            .map(|op| {
                let signature = Signature::new(scope, op);
                (text(&signature.success), text(&signature.error))
            })
            .collect();
        assert_eq!(
            types,
            [
                ("()".into(), "::std::convert::Infallible".into()),
                ("String".into(), "OneError".into()),
                ("TwoResponse".into(), "::std::convert::Infallible".into()),
            ]
        );
    }

    #[test]
    fn required_parameters_are_arguments_then_the_optional_ones_in_a_struct_then_the_body() {
        let api = api_with(
            "  /items/{id}:
    put:
      operationId: put_item
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: count, in: query, required: true, schema: {type: integer}}
        - {name: ids, in: query, required: true, schema: {type: array, items: {type: integer}}}
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody: {content: {application/json: {schema: {type: object, properties: {n: {type: string}}}}}}
      responses: {'204': {description: x}}
",
        );
        let scope = TypeScope { api: &api, via_models: true };
        let signature = Signature::new(scope, &api.operations[0]);
        let args: Vec<String> = signature.args.iter().map(text).collect();
        assert_eq!(
            args,
            ["id:&str", "count:i64", "ids:&[i64]", "params:&PutItemParams", "body:Option<&models::PutItemRequest>"],
            "strings as `&str`, numbers by value, lists as slices; an optional body is an `Option`"
        );
        assert!(Receiver::Method.too_many(signature.args.len()).is_none());
    }

    #[test]
    fn more_than_six_arguments_allow_clippy_too_many_arguments() {
        let params: Vec<String> = (0..7)
            .map(|n| format!("        - {{name: p{n}, in: query, required: true, schema: {{type: string}}}}\n"))
            .collect();
        let api = api_with(&format!(
            "  /a:\n    get:\n      operationId: many\n      parameters:\n{}      responses: {{'204': {{description: x}}}}\n",
            params.concat()
        ));
        let signature = Signature::new(TypeScope { api: &api, via_models: true }, &api.operations[0]);
        assert_eq!(signature.args.len(), 7);
        let allow = Some("#[allow(clippy::too_many_arguments)]");
        assert_eq!(Receiver::Method.too_many(7).as_ref().map(text).as_deref(), allow);
        assert!(Receiver::Method.too_many(6).is_none());
        // An operations crate's function leads with the transport and the credentials: six more are too many.
        assert_eq!(Receiver::Function { credentials: true }.too_many(6).as_ref().map(text).as_deref(), allow);
        assert!(Receiver::Function { credentials: true }.too_many(5).is_none());
        assert!(Receiver::Function { credentials: false }.too_many(6).is_none());
    }

    #[test]
    fn only_a_success_streams_its_body_errors_are_read_whole() {
        let api = api_with(
            "  /events:
    get:
      operationId: events
      responses:
        '200': {description: x, content: {text/event-stream: {schema: {type: string}}}}
        '500': {description: x, content: {text/event-stream: {schema: {type: string}}}}
        default: {description: x, content: {application/octet-stream: {}}}
",
        );
        let shapes: Vec<bool> = api.operations[0].responses.iter().map(|r| body_shape(r).is_streamed()).collect();
        assert_eq!(shapes, [true, false, false]);
        let scope = TypeScope { api: &api, via_models: true };
        let types: Vec<String> = api.operations[0].responses.iter().map(|r| text(&body_type(scope, r))).collect();
        assert_eq!(types, ["sse::EventStream", "String", "Vec<u8>"]);
    }
}
