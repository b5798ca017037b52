//! Type uses (`TypeRef`) as Rust types, shared by the models and client emitters. They are built as syntax
//! directly (a struct field's type needs no parsing); [`TypeScope::tokens`] gives the same type as tokens.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

use crate::ir::{Api, Primitive, TypeRef};
use crate::naming::ident;

/// How many Rust type paths deep a type use nests (`Vec<BTreeMap<String, Foo>>` is 3), which is what clippy's
/// `type_complexity` score grows with (each path scores ten times its depth). A tuple counts as deep as its items
/// one after another, a bound on what all of its items add to the score.
pub fn nesting(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => 1 + nesting(inner),
        TypeRef::Tuple(items) => 1 + items.iter().map(nesting).sum::<usize>(),
        _ => 1,
    }
}

/// A nesting at which a type may pass clippy's `type_complexity` threshold (250) wherever it is written: five
/// levels of maps (`BTreeMap<String, …>`, the key adding its own score) score 290, four at most 190.
pub const DEEP: usize = 5;

/// Where type names are resolved: in the models crate itself, or through the client's `models::` re-export.
#[derive(Clone, Copy)]
pub struct TypeScope<'a> {
    /// The API whose types are named.
    pub api: &'a Api,
    /// `true` in the client crate.
    pub via_models: bool,
}

impl TypeScope<'_> {
    /// The Rust type for `ty`, as tokens.
    pub fn tokens(&self, ty: &TypeRef) -> TokenStream {
        self.syntax(ty).into_token_stream()
    }

    /// The Rust type for `ty`.
    pub fn syntax(&self, ty: &TypeRef) -> syn::Type {
        match ty {
            TypeRef::Named(id) => {
                let name = ident(&self.api.type_def(*id).name);
                if self.via_models { path_type(false, &["models"], name, Vec::new()) } else { named(name) }
            }
            TypeRef::String => plain("String"),
            TypeRef::Bool => plain("bool"),
            TypeRef::I32 => plain("i32"),
            TypeRef::I64 => plain("i64"),
            TypeRef::F32 => plain("f32"),
            TypeRef::F64 => plain("f64"),
            TypeRef::Primitive(Primitive::Uuid) => global(&["uuid"], "Uuid", Vec::new()),
            TypeRef::Primitive(Primitive::DateTime) => {
                global(&["chrono"], "DateTime", vec![global(&["chrono"], "Utc", Vec::new())])
            }
            TypeRef::Primitive(Primitive::Date) => global(&["chrono"], "NaiveDate", Vec::new()),
            TypeRef::Primitive(Primitive::Url) => global(&["url"], "Url", Vec::new()),
            TypeRef::Any => global(&["serde_json"], "Value", Vec::new()),
            TypeRef::Object => {
                global(&["serde_json"], "Map", vec![plain("String"), global(&["serde_json"], "Value", Vec::new())])
            }
            TypeRef::Array(inner) => generic("Vec", self.syntax(inner)),
            TypeRef::Option(inner) => generic("Option", self.syntax(inner)),
            TypeRef::Map(inner) => {
                global(&["std", "collections"], "BTreeMap", vec![plain("String"), self.syntax(inner)])
            }
            TypeRef::Tuple(items) => {
                let mut elems: syn::punctuated::Punctuated<syn::Type, syn::Token![,]> =
                    items.iter().map(|item| self.syntax(item)).collect();
                if elems.len() == 1 {
                    elems.push_punct(Default::default()); // `(T,)`: a one-element tuple, not a parenthesized type
                }
                syn::Type::Tuple(syn::TypeTuple { attrs: Vec::new(), paren_token: Default::default(), elems })
            }
        }
    }
}

/// `Wrapper<inner>` (`Option`, `Box`, `Vec`: names from the prelude).
pub fn generic(wrapper: &str, inner: syn::Type) -> syn::Type {
    path_type(false, &[], syn::Ident::new(wrapper, Span::call_site()), vec![inner])
}

/// A prelude or primitive type.
fn plain(name: &str) -> syn::Type {
    named(syn::Ident::new(name, Span::call_site()))
}

/// A type named by one identifier.
fn named(name: syn::Ident) -> syn::Type {
    path_type(false, &[], name, Vec::new())
}

/// `::module::…::Name<args>`.
fn global(modules: &[&str], name: &str, args: Vec<syn::Type>) -> syn::Type {
    path_type(true, modules, syn::Ident::new(name, Span::call_site()), args)
}

/// `[::]module::…::name<args>` as a type.
fn path_type(leading_colon: bool, modules: &[&str], name: syn::Ident, args: Vec<syn::Type>) -> syn::Type {
    let mut segments: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> =
        modules.iter().map(|module| syn::PathSegment::from(syn::Ident::new(module, Span::call_site()))).collect();
    let arguments = if args.is_empty() {
        syn::PathArguments::None
    } else {
        syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: args.into_iter().map(syn::GenericArgument::Type).collect(),
            gt_token: Default::default(),
        })
    };
    segments.push(syn::PathSegment { ident: name, arguments });
    let leading_colon = leading_colon.then(Default::default);
    syn::Type::Path(syn::TypePath { attrs: Vec::new(), qself: None, path: syn::Path { leading_colon, segments } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_paths_and_a_tuple_adds_up_its_items() {
        let map_of_lists = TypeRef::Map(Box::new(TypeRef::Array(Box::new(TypeRef::I32))));
        assert_eq!(nesting(&TypeRef::String), 1);
        assert_eq!(nesting(&map_of_lists), 3);
        assert_eq!(nesting(&TypeRef::Tuple(vec![map_of_lists, TypeRef::Bool])), 5);
    }

    #[test]
    fn type_uses_print_with_global_paths_and_one_element_tuples_keep_their_comma() {
        let (api, _) =
            crate::lower::test_support::lower_yaml(&format!("{}paths: {{}}", crate::lower::test_support::HEAD));
        let scope = TypeScope { api: &api, via_models: false };
        let printed = |ty: TypeRef| scope.tokens(&ty).to_string().replace(' ', "");
        assert_eq!(
            printed(TypeRef::Map(Box::new(TypeRef::Option(Box::new(TypeRef::Primitive(Primitive::DateTime)))))),
            "::std::collections::BTreeMap<String,Option<::chrono::DateTime<::chrono::Utc>>>"
        );
        assert_eq!(printed(TypeRef::Tuple(vec![TypeRef::F64])), "(f64,)");
        assert_eq!(printed(TypeRef::Object), "::serde_json::Map<String,::serde_json::Value>");
    }
}
