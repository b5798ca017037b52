//! The client crate: a `Client` with one async method per operation, per-operation response and error enums, and
//! credentials for the API's security schemes. Request plumbing lives in the hand-written runtime module.
//!
//! This module plans the crate's files (one client, a module for `include!`, or a split client's core, operations
//! and facade crates); each question has its own file: the crate's root ([`header`]), an operation's signature
//! ([`signature`]), its methods ([`methods`]), how its request is built ([`request`]), how its reply is matched
//! ([`reply`]), and the types it adds ([`added_types`]).

mod added_types;
mod header;
mod methods;
mod reply;
mod request;
mod signature;

use added_types::*;
use header::*;
use methods::*;
use reply::*;
use request::*;
use signature::*;

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
use crate::ir::{
    Api, FieldStep, Method, Multipart, MultipartForm, OAuth2Grants, ObjectStyle, Operation, PageStyle, Pagination,
    Param, ParamLocation, PartKind, PathPiece, Presence, RequestBody, RequestBodyKind, Response, SchemeKind,
    SecurityScheme, Server, StatusMatch, TypeRef,
};
use crate::naming::{bare, ident};
use crate::plan::features::FeaturePlan;
use crate::plan::graph::TypeGraph;

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
    let inline = |name: &str, source: &str| super::inline_module(TokenStream::new(), name, source);
    let runtime = inline("runtime", crate::templates::CLIENT_RUNTIME);
    let modules = crate::templates::client_modules(api).map(|module| inline(module.name, module.source));
    let methods = inline("client", crate::templates::CLIENT_METHODS);
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
    let modules = crate::templates::client_modules(api).map(|module| {
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
    FilePlan::header_only(quote! {
        #header
        #[doc(hidden)]
        pub mod runtime;
        #(#modules)*
        #credentials
    })
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
        let graph = crate::plan::graph::TypeGraph::new(&api.types);
        let plan =
            FeaturePlan::new(&api, &graph, crate::plan::features::TagFeatures::Always).expect("tags give features");
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
    fn parameters_with_one_possible_value_are_sent_not_asked_for() {
        let api = api_with(
            "  /#X-Amz-Target=Svc.Cancel:
    post:
      operationId: cancel
      parameters:
        - {name: X-Amz-Target, in: header, required: true, schema: {type: string, enum: [Svc.Cancel]}}
        - {name: Version, in: query, required: true, schema: {type: string, enum: ['2011-01-01']}}
        - {name: id, in: query, required: true, schema: {type: string}}
      responses: {'204': {description: x}}
",
        );
        let op = &api.operations[0];
        let signature = Signature::new(TypeScope { api: &api, via_models: true }, op);
        let args: Vec<String> = signature.args.iter().map(text).collect();
        assert_eq!(args, ["id:&str"]);
        let statements = text(&request_statements(&api, op, Receiver::Method));
        assert!(statements.contains(r#"request=request.header("X-Amz-Target","Svc.Cancel");"#), "{statements}");
        assert!(statements.contains(r#"runtime::append_query(&muturl,"Version","2011-01-01");"#), "{statements}");
        assert!(
            method_doc(op).contains(
                "`POST /#X-Amz-Target=Svc.Cancel`, with `Version=2011-01-01`, with `X-Amz-Target: Svc.Cancel`"
            ),
            "{}",
            method_doc(op)
        );
    }

    #[test]
    fn more_than_six_arguments_allow_clippy_too_many_arguments() {
        let params: Vec<String> = (0..7)
            .map(|n| format!("        - {{name: p{n}, in: query, required: true, schema: {{type: string}}}}\n"))
            .collect();
        // Paged by its `Link` header, so it has `_pages` and `_items` helpers too.
        let api = api_with(&format!(
            "  /a:\n    get:\n      operationId: many\n      parameters:\n{}      responses:\n        '200':\n          \
             description: x\n          headers: {{Link: {{schema: {{type: string}}}}}}\n          \
             content: {{application/json: {{schema: {{type: array, items: {{type: string}}}}}}}}\n",
            params.concat()
        ));
        let signature = Signature::new(TypeScope { api: &api, via_models: true }, &api.operations[0]);
        assert_eq!(signature.args.len(), 7);
        for receiver in [Receiver::Method, Receiver::Function { credentials: false }] {
            let methods = operation_methods(&api, &signature, receiver);
            let file: syn::File = syn::parse2(quote! { impl C { #methods } }).expect("methods");
            let syn::Item::Impl(methods) = &file.items[0] else { panic!("an impl") };
            let functions: Vec<(String, bool)> = methods
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::ImplItem::Fn(f) => Some((
                        f.sig.ident.to_string(),
                        f.attrs.iter().any(|a| text(&quote! { #a }).contains("too_many_arguments")),
                    )),
                    _ => None,
                })
                .collect();
            assert!(functions.len() >= 3 && functions.iter().all(|(_, allowed)| *allowed), "{functions:?}");
        }
        let allow = Some("#[allow(clippy::too_many_arguments)]");
        assert_eq!(Receiver::Method.too_many(7).as_ref().map(text).as_deref(), allow);
        assert!(Receiver::Method.too_many(6).is_none());
        // An operations crate's function leads with the transport and the credentials: six more are too many.
        assert_eq!(Receiver::Function { credentials: true }.too_many(6).as_ref().map(text).as_deref(), allow);
        assert!(Receiver::Function { credentials: true }.too_many(5).is_none());
        assert!(Receiver::Function { credentials: false }.too_many(6).is_none());
    }

    /// The arms of the `match` on the status a method's reply goes through: each arm's pattern and its body.
    fn arms(tokens: TokenStream) -> Vec<(String, String)> {
        let syn::Expr::Match(matched) = syn::parse2::<syn::Expr>(tokens).expect("an expression") else {
            panic!("a match on the status")
        };
        matched
            .arms
            .iter()
            .map(|arm| {
                let (pattern, body) = (&arm.pat, &arm.body);
                (text(&quote! { #pattern }), text(&quote! { #body }))
            })
            .collect()
    }

    #[test]
    fn a_reply_is_matched_by_exact_status_then_range_then_default() {
        let api = api_with(
            "  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '4XX': {description: rejected}
        '200': {description: found, content: {application/json: {schema: {type: string}}}}
        '404': {description: missing, content: {application/json: {schema: {type: object}}}}
        default: {description: failed}
",
        );
        let scope = TypeScope { api: &api, via_models: true };
        let signature = Signature::new(scope, &api.operations[0]);
        let arms = arms(response_match(&signature, true));
        let patterns: Vec<&str> = arms.iter().map(|(pattern, _)| pattern.as_str()).collect();
        // A range after the codes it holds, so `404` is not swallowed by `4XX`; `default` takes the rest.
        assert_eq!(patterns, ["200", "404", "400..=499", "_"]);
        assert_eq!(arms[0].1, "{letbody=response.json()?;Ok(response.value(body))}");
        assert_eq!(arms[1].1, "{letbody=response.json()?;Err(response.api_error(GetItemError::NotFound(body)))}");
        assert_eq!(arms[2].1, "Err(response.api_error(GetItemError::Status4xx))");
        assert_eq!(arms[3].1, "Err(response.api_error(GetItemError::Default))");
    }

    #[test]
    fn a_request_is_built_from_path_query_header_cookie_and_body() {
        let api = api_with(
            "  /items/{id}/notes.{format}:
    put:
      operationId: putNote
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: format, in: path, required: true, schema: {type: string}}
        - {name: tags, in: query, required: true, style: form, explode: false, schema: {type: array, items: {type: string}}}
        - {name: dryRun, in: query, schema: {type: boolean}}
        - {name: X-Trace, in: header, schema: {type: string}}
        - {name: session, in: cookie, required: true, schema: {type: string}}
      requestBody: {required: true, content: {application/json: {schema: {type: string}}}}
      responses: {'204': {description: stored}}
",
        );
        let statements = request_statements(&api, &api.operations[0], Receiver::Method);
        let block: syn::Block = syn::parse2(quote! {{ #statements }}).expect("statements");
        let lines: Vec<String> = block.stmts.iter().map(|statement| text(&quote! { #statement })).collect();
        assert_eq!(
            lines,
            [
                // Each segment encoded on its own; a segment mixing text and a parameter formatted whole.
                r#"letmuturl=self.transport.endpoint(&["items",&id.to_string(),&format!("notes.{}",format)]);"#,
                // `explode: false`: one value, the items joined by commas.
                r#"runtime::append_query(&muturl,"tags",&tags.iter().map(|item|item.to_string()).collect::<Vec<String>>().join(","));"#,
                // Optional parameters come from the `…Params` struct, sent only when set.
                r#"ifletSome(value)=&params.dry_run{runtime::append_query(&muturl,"dryRun",&value.to_string());}"#,
                r#"letmutrequest=self.transport.request(::reqwest::Method::PUT,url);"#,
                r#"ifletSome(value)=&params.x_trace{request=request.header("X-Trace",value);}"#,
                r#"letmutcookies:Vec<String>=Vec::new();"#,
                r#"cookies.push(format!("{}{}","session=",session));"#,
                r#"if!cookies.is_empty(){request=request.header(::reqwest::header::COOKIE,cookies.join(";"));}"#,
                r#"letrequest=runtime::json_body(request,"application/json",body)?;"#,
            ]
        );
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
