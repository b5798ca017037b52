//! Emit: IR → Rust source. Builds token streams with `quote`, then renders them with prettyplease, so the output
//! is deterministic and needs no rustfmt. Emitting never fails on input: every decision was made in lowering.

mod client;
mod models;
mod types;

pub use client::client_file;
pub use models::{ModelsLayout, SUPPORT_TEMPLATE, models_file};

use proc_macro2::TokenStream;
use quote::quote;

/// Renders a token stream that forms a whole file. Fails only if an emitter produced invalid Rust (a bug).
pub fn render(tokens: TokenStream) -> Result<String, syn::Error> {
    syn::parse2::<syn::File>(tokens).map(|file| prettyplease::unparse(&file))
}

/// `#[doc = "…"]` attributes for a doc text, one per line, or nothing.
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else { return TokenStream::new() };
    let lines = rustdoc_lines(doc).into_iter().map(|line| quote! { #[doc = #line] });
    quote! { #(#lines)* }
}

/// Inner `#![doc = "…"]` attributes for a crate-level doc text.
pub fn inner_doc_attrs(doc: &str) -> TokenStream {
    let lines = rustdoc_lines(doc).into_iter().map(|line| quote! { #![doc = #line] });
    quote! { #(#lines)* }
}

/// Spec text made safe for rustdoc: code fences become ```` ```text ```` and indentation is dropped, so no
/// description turns into a doctest that `cargo test` would try to compile.
fn rustdoc_lines(doc: &str) -> Vec<String> {
    let mut in_fence = false;
    doc.trim()
        .lines()
        .map(|line| {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                in_fence = !in_fence;
                return if in_fence { " ```text".to_string() } else { " ```".to_string() };
            }
            if in_fence { format!(" {}", line.trim_end()) } else { format!(" {trimmed}") }
        })
        .collect()
}
