//! The types an operation adds to the client: its response and error enums (shared where operations document
//! the same errors), its optional parameters' struct, its typed form and its success headers.

use super::*;

/// Where an operation's error enum is defined.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ErrorEnum {
    /// In the operation's part, named by the operations listed too (by index: later ones with the same errors).
    Own(Vec<usize>),
    /// It is the error enum of this earlier operation (compiled under the same features, documenting exactly the
    /// same errors): the operation's error type names that one.
    SameAs(usize),
}

impl ErrorEnum {
    /// The operations of `api` the indices name.
    pub(super) fn resolve<'a>(&self, api: &'a Api) -> ErrorSite<'a> {
        match self {
            ErrorEnum::Own(sharers) => ErrorSite::Own(sharers.iter().map(|&i| &api.operations[i]).collect()),
            ErrorEnum::SameAs(first) => ErrorSite::SameAs(&api.operations[*first]),
        }
    }
}

/// [`ErrorEnum`] with its operations.
pub(super) enum ErrorSite<'o> {
    /// Defined here, and named by these operations too.
    Own(Vec<&'o Operation>),
    /// This operation's enum.
    SameAs(&'o Operation),
}

/// Each operation's [`ErrorEnum`]: operations of one client file under the same features whose documented errors
/// are the same (statuses, docs and body types) share the first one's enum, rather than each printing a copy.
pub(super) fn shared_errors(api: &Api, features: Option<&FeaturePlan>) -> Vec<ErrorEnum> {
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
pub(super) fn status_enum_body(scope: TypeScope<'_>, responses: &[&Response]) -> (TokenStream, TokenStream) {
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

/// The per-operation success and error enums (when an operation has several successes or any errors).
/// How the docs of an operation's types name the client's items: as links, or, in an operations crate of a split
/// client (which cannot see the client crate), as code.
#[derive(Clone, Copy)]
pub(super) enum Links {
    Linked,
    Plain,
}

impl Links {
    /// ``[`path`]`` or `` `path` ``.
    pub(super) fn to(self, path: &str) -> String {
        match self {
            Links::Linked => format!("[`{path}`]"),
            Links::Plain => format!("`{path}`"),
        }
    }
}

pub(super) fn operation_types(
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
pub(super) fn form_struct(scope: TypeScope<'_>, op: &Operation, links: Links) -> Option<TokenStream> {
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

/// The struct of the headers an operation's successes document, read from a reply's headers by `from_headers`.
pub(super) fn headers_struct(scope: TypeScope<'_>, op: &Operation, links: Links) -> Option<TokenStream> {
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
