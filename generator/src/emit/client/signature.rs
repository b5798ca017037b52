//! An operation's method signature: what it returns, the arguments it takes, and its docs.

use super::*;

/// Where an operation's code is printed: as methods of `Client` (one client crate), as functions of an operations
/// crate of a split client (taking the client's transport and credentials), or as methods of the split client's
/// facade that call those functions in crate `krate`.
#[derive(Clone, Copy)]
pub(super) enum Receiver<'k> {
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
    pub(super) fn too_many(self, args: usize) -> Option<TokenStream> {
        let leading = match self {
            Receiver::Method | Receiver::Forward { .. } => 1,
            Receiver::Function { credentials } => 1 + usize::from(credentials),
        };
        (leading + args > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] })
    }

    /// The leading parameters: `&'a self`, or the transport and credentials.
    pub(super) fn params(self, lifetime: Option<&TokenStream>) -> TokenStream {
        match self {
            Receiver::Method | Receiver::Forward { .. } => quote! { &#lifetime self, },
            Receiver::Function { credentials } => {
                let credentials = credentials.then(|| quote! { credentials: &#lifetime Credentials, });
                quote! { transport: &#lifetime runtime::Transport, #credentials }
            }
        }
    }

    /// The client's transport.
    pub(super) fn transport(self) -> TokenStream {
        match self {
            Receiver::Method | Receiver::Forward { .. } => quote! { self.transport },
            Receiver::Function { .. } => quote! { transport },
        }
    }

    /// The client's credentials.
    pub(super) fn credentials(self) -> TokenStream {
        match self {
            Receiver::Method | Receiver::Forward { .. } => quote! { self.credentials },
            Receiver::Function { .. } => quote! { credentials },
        }
    }

    /// A call of the operation's function `name` with `args`, from the same receiver.
    pub(super) fn call(self, name: &proc_macro2::Ident, args: &[TokenStream]) -> TokenStream {
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
    pub(super) fn attributes(self, doc: &str, deprecated: bool, args: usize) -> TokenStream {
        let too_many = self.too_many(args);
        match self {
            Receiver::Function { .. } => quote! { #[doc(hidden)] #too_many },
            Receiver::Method | Receiver::Forward { .. } => {
                let (doc, deprecated) = (doc_attrs(Some(doc)), deprecated.then(|| quote! { #[deprecated] }));
                quote! { #doc #deprecated #too_many }
            }
        }
    }

    /// The body of function `name`: `code`, or, forwarding, the call of the operations crate's function.
    pub(super) fn body(
        self,
        name: &proc_macro2::Ident,
        args: &[TokenStream],
        code: impl FnOnce() -> TokenStream,
    ) -> TokenStream {
        match self {
            Receiver::Forward { .. } => self.call(name, args),
            Receiver::Method | Receiver::Function { .. } => code(),
        }
    }

    /// The body of `async fn` `name`: as [`Receiver::body`], the forwarding call awaited.
    pub(super) fn async_body(
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

/// What an operation's methods take and give, worked out once per operation; its methods and types print from it.
pub(super) struct Signature<'o> {
    /// The operation.
    pub(super) op: &'o Operation,
    /// Its successes, in document order.
    pub(super) successes: Vec<&'o Response>,
    /// Its documented errors (`default` included), in document order.
    pub(super) errors: Vec<&'o Response>,
    /// The success type: `()`, the one success's body type, or the operation's response enum.
    pub(super) success: TokenStream,
    /// The error type: the operation's error enum, or `Infallible` when it documents no error.
    pub(super) error: TokenStream,
    /// The arguments after the receiver, borrowed for the call only (the `async fn` methods).
    pub(super) args: Vec<TokenStream>,
    /// The same arguments borrowed for `'a` (the methods that return `impl Call<…> + 'a`).
    pub(super) borrowed_args: Vec<TokenStream>,
    /// The arguments' names, in order.
    pub(super) arg_names: Vec<TokenStream>,
}

impl<'o> Signature<'o> {
    pub(super) fn new(scope: TypeScope<'_>, op: &'o Operation) -> Signature<'o> {
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
    pub(super) fn streams_a_success(&self) -> bool {
        self.successes.iter().any(|r| body_shape(r).is_streamed())
    }
}

/// The Rust type of a response's body.
pub(super) fn body_type(scope: TypeScope<'_>, response: &Response) -> TokenStream {
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

pub(super) fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "Path parameter",
        ParamLocation::Query => "Query parameter",
        ParamLocation::Header => "Header",
        ParamLocation::Cookie => "Cookie",
    }
}

/// Parameters that are not required (they go in the operation's `Params` struct).
pub(super) fn optional_params(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| !p.required).collect()
}

/// How a required parameter is taken as an argument: `&str` for strings, by value for small copies, else by
/// reference (with `lifetime`, when given).
pub(super) fn argument_type(scope: TypeScope<'_>, ty: &TypeRef, lifetime: Option<&TokenStream>) -> TokenStream {
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
pub(super) fn method_arg_names(op: &Operation) -> Vec<TokenStream> {
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
pub(super) fn method_args(
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

/// A description placed in a Markdown list item (`- name: text`): its later lines indented to stay in the item.
pub(super) fn list_item_text(text: &str) -> String {
    text.trim().replace('\n', "\n  ")
}

/// The method's description (put on it as syntax after parsing: descriptions are the bulk of a large API's text).
pub(super) fn method_doc(op: &Operation) -> String {
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut text = op.doc.clone().unwrap_or_else(|| format!("`{}`", op.operation_id));
    text.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path));
    // What the client sends on its own: the query pairs of parameters with one possible value (those of the path key
    // show above) and such headers.
    for (key, value) in &op.fixed_query {
        let pair = if value.is_empty() { key.clone() } else { format!("{key}={value}") };
        if !op.path.contains(&pair) {
            text.push_str(&format!(", with `{pair}`"));
        }
    }
    for (name, value) in &op.fixed_headers {
        text.push_str(&format!(", with `{name}: {value}`"));
    }
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
