//! Type uses (`TypeRef`) as Rust type tokens, shared by the models and client emitters.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Primitive, TypeRef};
use crate::naming::ident;

/// Where type names are resolved: in the models crate itself, or through the client's `models::` re-export.
#[derive(Clone, Copy)]
pub struct TypeScope<'a> {
    /// The API whose types are named.
    pub api: &'a Api,
    /// `true` in the client crate.
    pub via_models: bool,
}

impl TypeScope<'_> {
    /// The Rust type for `ty`.
    pub fn tokens(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(id) => {
                let name = ident(&self.api.type_def(*id).name);
                if self.via_models { quote! { models::#name } } else { quote! { #name } }
            }
            TypeRef::String => quote! { String },
            TypeRef::Bool => quote! { bool },
            TypeRef::I32 => quote! { i32 },
            TypeRef::I64 => quote! { i64 },
            TypeRef::F32 => quote! { f32 },
            TypeRef::F64 => quote! { f64 },
            TypeRef::Primitive(Primitive::Uuid) => quote! { ::uuid::Uuid },
            TypeRef::Primitive(Primitive::DateTime) => quote! { ::chrono::DateTime<::chrono::Utc> },
            TypeRef::Primitive(Primitive::Date) => quote! { ::chrono::NaiveDate },
            TypeRef::Primitive(Primitive::Url) => quote! { ::url::Url },
            TypeRef::Any => quote! { ::serde_json::Value },
            TypeRef::Object => quote! { ::serde_json::Map<String, ::serde_json::Value> },
            TypeRef::Array(inner) => {
                let inner = self.tokens(inner);
                quote! { Vec<#inner> }
            }
            TypeRef::Map(inner) => {
                let inner = self.tokens(inner);
                quote! { ::std::collections::BTreeMap<String, #inner> }
            }
        }
    }
}
