//! Emit: IR → Rust source. Builds syntax trees (items written with `quote` and parsed by syn; the bulk of a large
//! API, its fields, types and descriptions, built as syn nodes directly) and renders them with prettyplease, so
//! the output is deterministic and needs no rustfmt. Emitting never fails on input: every decision was made in
//! lowering.

mod client;
mod conformance;
mod example;
mod layout;
mod minimal;
mod models;
mod server;
mod types;
mod wire;

pub use client::{ClientLayout, SplitClient, client_core_plan, client_facade_plan, client_ops_plan, client_plan};
pub use conformance::conformance_tests;
pub use example::client_example;
use example::client_example_doc;
pub(crate) use models::own_derives;
pub use models::{ModelsLayout, SplitCrates, TypeDocs, facade_plan, models_plan, part_plan, support_source};
pub use server::{SplitServer, server_core_plan, server_ops_plan, server_plan};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;
use crate::plan::features::FeaturePlan;
use crate::plan::graph::TypeGraph;

/// Renders a token stream that forms a whole file. Fails only if an emitter produced invalid Rust (a bug).
fn render(tokens: TokenStream) -> Result<String, syn::Error> {
    let text = prettyplease::unparse(&syn::parse2::<syn::File>(tokens)?);
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    push_spaced(&mut out, &text);
    Ok(out)
}

/// How an item (or an item of an `impl`) starts, once indented.
const ITEM_STARTS: &[&str] = &[
    "///",
    "#[",
    "pub ",
    "impl",
    "fn ",
    "async fn ",
    "const ",
    "type ",
    "mod ",
    "enum ",
    "struct ",
    "use ",
    "macro_rules!",
];

/// Appends prettyplease's output to `out` with a blank line between items (and between the items of an `impl`), as
/// rustfmt'd code has them: after a line that closes an item (`}`, `};` or a one-line type alias), before a line at
/// the same indentation that starts one.
fn push_spaced(out: &mut String, text: &str) {
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(previous) = previous.filter(|previous| previous.ends_with('}') || previous.ends_with(';')) {
            let closing = previous.trim_start();
            let indent = previous.len() - closing.len();
            let starts = line
                .get(indent..)
                .filter(|rest| !rest.starts_with(' ') && line.as_bytes()[..indent].iter().all(|&byte| byte == b' '));
            let alias = (closing.starts_with("pub type ") || closing.starts_with("type ")) && closing.ends_with(';');
            if (matches!(closing, "}" | "};") || alias)
                && starts.is_some_and(|rest| ITEM_STARTS.iter().any(|start| rest.starts_with(start)))
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
}

/// `#![recursion_limit = …]` for a generated crate when the compiler's drop check may search deeper than its
/// default of 128 allows. The drop check follows every containment (by value, `Vec`, map and `Box` all drop their
/// contents) and stops at a type it is already checking, so its depth is at most the longest path through the
/// recursive groups of types, each counted at its size. Each type costs several steps (the type, its `Option`, and
/// serde's visitor and `Result` types around it), so the limit is generous: it only bounds the compiler's search.
fn recursion_limit(graph: &TypeGraph) -> Option<TokenStream> {
    let depth = graph.longest_paths(|component| graph.components[component].len()).into_iter().max().unwrap_or(0);
    (depth > 16).then(|| {
        let limit = (depth * 8 + 128).next_power_of_two().to_string();
        quote! { #![recursion_limit = #limit] }
    })
}

/// The lints a generated crate may allow throughout, each with why, which is printed as a comment above its
/// `#![allow]` (a comment cannot travel in tokens, so [`explain_allows`] adds it to the printed header).
const CRATE_ALLOWS: &[(&str, &str)] = &[
    (
        "clippy::type_complexity",
        "Nesting (`Vec<Vec<…>>`) follows the schemas; the API description decides how deep it goes.",
    ),
    ("unused_imports", "Other crates' items are imported whole; with some tag features off, some go unused."),
];

/// `#[allow(clippy::large_enum_variant)]` for an enum of `variants` variants of which `with_payload` hold a value,
/// when one may be far larger than another: variants hold their values inline, as the API describes them (boxing
/// the large ones would change the types users build and match). Allowed on the enum rather than the crate, so a
/// models module `include!`d by a build script is as clean as the crate.
pub fn inline_variants(variants: usize, with_payload: usize) -> Option<TokenStream> {
    (variants > 1 && with_payload > 0).then(|| quote! { #[allow(clippy::large_enum_variant)] })
}

/// A crate's docs: `opening`, then the tag features' section (with tag features), then the API's description.
pub fn with_api_docs(mut doc: String, api: &Api, features: Option<&FeaturePlan>) -> String {
    if let Some(features) = features {
        doc.push_str(&features.doc_section());
    }
    if let Some(description) = &api.description {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    doc
}

/// The inner attributes a generated crate starts with: its docs, `missing_docs` denied when `all_documented` (a
/// client's items all carry docs of specforge's; a model without a description in the API description has none),
/// the lints `allows` names (from [`CRATE_ALLOWS`]) allowed, and the recursion limit the types of `graph` call for,
/// if any.
pub fn crate_header(doc: &str, all_documented: bool, allows: &[&str], graph: Option<&TypeGraph>) -> TokenStream {
    crate_header_with_example(doc, None, all_documented, allows, graph)
}

/// [`crate_header`], its docs ending with `example`: rustdoc of specforge's own, whose code blocks stay Rust (the
/// API's descriptions have theirs turned into text, so that no description becomes a doctest).
pub fn crate_header_with_example(
    doc: &str,
    example: Option<&str>,
    all_documented: bool,
    allows: &[&str],
    graph: Option<&TypeGraph>,
) -> TokenStream {
    let example = example.map(|text| {
        let lines = std::iter::once("").chain(text.lines()).map(|line| format!(" {line}").trim_end().to_string());
        quote! { #(#![doc = #lines])* }
    });
    let doc = inner_doc_attrs(doc);
    let doc = quote! { #doc #example };
    let allows = allows.iter().map(|lint| {
        debug_assert!(CRATE_ALLOWS.iter().any(|(known, _)| known == lint), "{lint} has no reason");
        let lint: syn::Path = syn::parse_str(lint).expect("a lint path");
        quote! { #![allow(#lint)] }
    });
    let recursion_limit = graph.and_then(recursion_limit);
    let deny = all_documented.then(|| quote! { #![deny(missing_docs)] });
    quote! {
        #doc
        #deny
        #(#allows)*
        #recursion_limit
    }
}

/// A printed crate header with the reason for each `#![allow]` of [`CRATE_ALLOWS`] as a comment above it.
fn explain_allows(header: String) -> String {
    let mut out = String::with_capacity(header.len() + 256);
    for line in header.lines() {
        let lint = line.strip_prefix("#![allow(").and_then(|rest| rest.strip_suffix(")]"));
        if let Some((_, why)) = CRATE_ALLOWS.iter().find(|(known, _)| Some(*known) == lint) {
            out.push_str("// ");
            out.push_str(why);
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Parses the tokens of a run of items. Fails only if an emitter produced invalid Rust (a bug).
pub fn parse_items(tokens: TokenStream) -> syn::Result<Vec<syn::Item>> {
    syn::parse2::<syn::File>(tokens).map(|file| file.items)
}

/// Renders items onto `out`, every one of them compiled only when one of `features` is on (no condition when
/// `features` is empty).
fn render_gated(out: &mut String, mut items: Vec<syn::Item>, features: &[&str]) -> Result<(), syn::Error> {
    if !features.is_empty() {
        let condition = feature_condition(features);
        let attrs = syn::parse::Parser::parse2(syn::Attribute::parse_outer, condition)?;
        for item in &mut items {
            if let Some(item_attrs) = item_attrs(item) {
                let after_docs = item_attrs.iter().take_while(|attr| attr.path().is_ident("doc")).count();
                item_attrs.splice(after_docs..after_docs, attrs.iter().cloned());
            }
        }
    }
    let text = prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items });
    // Parts are printed apart and joined: each starts after a blank line.
    out.push('\n');
    push_spaced(out, &layout::support_macros(&text));
    Ok(())
}

/// `#[cfg(feature = "…")]` for one feature, `#[cfg(any(feature = "…", …))]` for several: compiled when one is on.
fn feature_condition(features: &[&str]) -> TokenStream {
    match features {
        [feature] => quote! { #[cfg(feature = #feature)] },
        _ => quote! { #[cfg(any(#(feature = #features),*))] },
    }
}

/// The attributes of the kinds of items the emitters produce.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        syn::Item::Impl(item) => Some(&mut item.attrs),
        syn::Item::Type(item) => Some(&mut item.attrs),
        syn::Item::Const(item) => Some(&mut item.attrs),
        syn::Item::Fn(item) => Some(&mut item.attrs),
        syn::Item::Mod(item) => Some(&mut item.attrs),
        syn::Item::Use(item) => Some(&mut item.attrs),
        syn::Item::Macro(item) => Some(&mut item.attrs),
        _ => None,
    }
}

/// A file to print: a header (inner attributes and leading items), then `parts` groups of items, each built and
/// printed on its own. Building and printing a part at a time keeps memory to one part's tokens and syntax tree,
/// and lets the parts be spread over threads (syntax trees are not `Send`, so each thread builds its own).
pub struct FilePlan<'a> {
    /// Inner attributes and the items that come first.
    pub header: TokenStream,
    /// How many parts follow.
    pub parts: usize,
    /// Builds part `i`.
    pub part: Box<PartFn<'a>>,
    /// The Cargo features of which one must be on for part `i` to compile (none: always compiled).
    pub gate: Box<GateFn<'a>>,
}

/// Builds the items of one part of a [`FilePlan`] (fails only on a bug: invalid Rust).
pub type PartFn<'a> = dyn Fn(usize) -> syn::Result<Vec<syn::Item>> + Sync + 'a;

/// The features that gate one part of a [`FilePlan`].
pub type GateFn<'a> = dyn Fn(usize) -> Vec<&'a str> + Sync + 'a;

impl<'a> FilePlan<'a> {
    /// A file that is only its header (no parts).
    pub fn header_only(header: TokenStream) -> FilePlan<'a> {
        FilePlan { header, parts: 0, part: Box::new(|_| Ok(Vec::new())), gate: Box::new(|_| Vec::new()) }
    }

    /// Prints the file (see [`render_files`]).
    pub fn render(&self) -> Result<String, String> {
        render_files(&[self]).map(|mut files| files.remove(0))
    }
}

/// How many parts a printing thread takes at a time: small enough to balance the threads, large enough that
/// taking work costs nothing.
const BATCH: usize = 32;

/// Prints several files at once: each one's header, then its parts in order. The parts of all files are shared out
/// in batches to up to as many threads as there are cores, each taking the next batch when it is done, so one slow
/// stretch of a file does not leave the other threads idle. The output does not depend on the number of threads.
pub fn render_files(plans: &[&FilePlan<'_>]) -> Result<Vec<String>, String> {
    let batches: Vec<(usize, std::ops::Range<usize>)> = plans
        .iter()
        .enumerate()
        .flat_map(|(file, plan)| {
            (0..plan.parts).step_by(BATCH).map(move |start| (file, start..(start + BATCH).min(plan.parts)))
        })
        .collect();
    // Only the part builders go to the threads (the headers' tokens cannot).
    let builders: Vec<(&PartFn<'_>, &GateFn<'_>)> = plans.iter().map(|plan| (&*plan.part, &*plan.gate)).collect();
    let print = |(file, range): (usize, std::ops::Range<usize>)| {
        let (part, gate) = builders[file];
        let mut out = String::new();
        for index in range {
            let items = part(index).map_err(|e| e.to_string())?;
            render_gated(&mut out, items, &gate(index)).map_err(|e| e.to_string())?;
        }
        Ok::<_, String>((file, out))
    };
    let printed = crate::resources::share_out(batches, crate::resources::worker_threads(), print)
        .map_err(|failed| format!("the printing threads failed ({failed:?})"))?;
    let mut files = plans
        .iter()
        .map(|plan| render(plan.header.clone()).map(explain_allows).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let printed = printed.into_iter().collect::<Result<Vec<(usize, String)>, String>>()?;
    for (index, file) in files.iter_mut().enumerate() {
        file.reserve(printed.iter().filter(|(file, _)| *file == index).map(|(_, text)| text.len()).sum());
    }
    for (file, text) in printed {
        files[file].push_str(&text);
    }
    Ok(files)
}

/// `#[doc = "…"]` attributes for a doc text, one per line, or nothing.
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let attrs = doc_attributes(doc);
    quote! { #(#attrs)* }
}

/// `#[doc = "…"]` attributes for a doc text, one per line, or nothing, built as syntax directly: descriptions are
/// most of a large API's text, which as tokens syn would only parse back.
pub fn doc_attributes(doc: Option<&str>) -> Vec<syn::Attribute> {
    let Some(doc) = doc else { return Vec::new() };
    crate::rustdoc::lines(doc).iter().map(|line| doc_line(line)).collect()
}

/// `#[doc = "line"]`.
fn doc_line(line: &str) -> syn::Attribute {
    let span = proc_macro2::Span::call_site();
    outer_attribute(syn::Meta::NameValue(syn::MetaNameValue {
        path: syn::Path::from(syn::Ident::new("doc", span)),
        eq_token: Default::default(),
        value: syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: doc_literal(line, span) }),
    }))
}

/// `#[name(tokens)]`, built as syntax.
pub fn list_attribute(name: &str, tokens: TokenStream) -> syn::Attribute {
    outer_attribute(syn::Meta::List(syn::MetaList {
        path: syn::Path::from(syn::Ident::new(name, proc_macro2::Span::call_site())),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens,
    }))
}

/// `#[meta]`.
fn outer_attribute(meta: syn::Meta) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta,
    }
}

/// A string literal holding `line`, raw (`r"…"`, as `///` comments become) unless it holds a carriage return: a
/// raw literal is copied as it is both into the literal and out by the printer, where an escaped one would be
/// escaped and unescaped character by character, on every line of every description.
fn doc_literal(line: &str, span: proc_macro2::Span) -> syn::Lit {
    if !line.contains('\r') {
        let mut hashes = String::new();
        while line.contains('"') && line.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        if let Ok(literal) = format!("r{hashes}\"{line}\"{hashes}").parse::<proc_macro2::Literal>() {
            return syn::Lit::new(literal);
        }
    }
    syn::Lit::Str(syn::LitStr::new(line, span))
}

/// Puts the doc attributes for `doc` before `attrs`, a paragraph of its own when `attrs` start with docs.
pub fn prepend_docs(attrs: &mut Vec<syn::Attribute>, doc: Option<&str>) {
    let mut docs = doc_attributes(doc);
    let starts_with_docs =
        attrs.first().is_some_and(|attr| matches!(&attr.meta, syn::Meta::NameValue(doc) if doc.path.is_ident("doc")));
    if !docs.is_empty() && starts_with_docs {
        docs.push(doc_line(""));
    }
    attrs.splice(0..0, docs);
}

/// A hand-written template file as the module `name` of a generated file (for `include!`, which cannot name sibling
/// files): its inner attributes and items, printed inside `mod name { … }` with `visibility`.
fn inline_module(visibility: TokenStream, name: &str, source: &str) -> TokenStream {
    let name = crate::naming::ident(name);
    // The templates are compiled as part of every generated crate; parsing them here cannot fail.
    let (attrs, items) = syn::parse_file(source).map(|file| (file.attrs, file.items)).unwrap_or_default();
    quote! { #visibility mod #name { #(#attrs)* #(#items)* } }
}

/// Inner `#![doc = "…"]` attributes for a crate-level doc text.
fn inner_doc_attrs(doc: &str) -> TokenStream {
    let lines = crate::rustdoc::lines(doc).into_iter().map(|line| quote! { #![doc = #line] });
    quote! { #(#lines)* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_literals_keep_any_text() {
        let lines = [
            " plain",
            " \"quoted\"",
            " ends with \"# and \"## inside",
            r" back\slash \n",
            " carriage\rreturn",
            " → ✓",
            "",
        ];
        for line in lines {
            let syn::Lit::Str(literal) = doc_literal(line, proc_macro2::Span::call_site()) else {
                panic!("{line:?}: not a string")
            };
            assert_eq!(literal.value(), line);
        }
    }

    #[test]
    fn a_crate_wide_allow_is_printed_with_why() {
        let header = crate_header("Docs.", true, &["unused_imports"], None);
        let printed = explain_allows(render(header).expect("valid header"));
        assert_eq!(
            printed,
            "//! Docs.\n#![deny(missing_docs)]\n// Other crates' items are imported whole; with some tag features off, \
             some go unused.\n#![allow(unused_imports)]\n"
        );
    }
}
