//! The models crate: one Rust item (plus its impls) per named type of the IR.

use std::collections::HashMap;
use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{DEEP, TypeScope, generic, nesting};
use super::{
    FilePlan, crate_header, doc_attributes, doc_attrs, inline_variants, list_attribute, parse_items, prepend_docs,
    with_api_docs,
};
use crate::features::FeaturePlan;
use crate::graph::TypeGraph;
use crate::ir::{
    Api, BoundedMap, Custom, Enum, EnumRepr, EnumValue, Field, FieldWire, Presence, StringConstraints, Struct, Tagging,
    TypeDef, TypeKind, TypeRef, Union, UnknownFields,
};
use crate::naming::{bare, ident};
use crate::split::ModelsSplit;

/// Validation for constrained strings and bounded maps (hand-written).
const CONSTRAINTS_SUPPORT: &str = include_str!("../../../templates/models/support/constraints.rs");
/// The `constrained_string!` macro: the API and wire form of length-limited strings (hand-written).
const CONSTRAINED_STRING_SUPPORT: &str = include_str!("../../../templates/models/support/constrained_string.rs");
/// The `bounded_map!` macro: the API and wire form of maps with size or key limits (hand-written).
const BOUNDED_MAP_SUPPORT: &str = include_str!("../../../templates/models/support/bounded_map.rs");
/// The `string_enum!` macro that implements string enums' wire form (hand-written).
const STRING_ENUM_SUPPORT: &str = include_str!("../../../templates/models/support/string_enum.rs");
/// The `integer_enum!` macro that implements integer enums' wire form (hand-written).
const INTEGER_ENUM_SUPPORT: &str = include_str!("../../../templates/models/support/integer_enum.rs");
const NULLABLE_SUPPORT: &str = include_str!("../../../templates/models/support/nullable.rs");
/// The `object!` macro that implements structs' `Serialize` and `Deserialize` (hand-written).
const OBJECT_SUPPORT: &str = include_str!("../../../templates/models/support/object.rs");
/// Decoding of tagged unions with a catch-all variant (hand-written).
const TAGGED_UNION_SUPPORT: &str = include_str!("../../../templates/models/support/tagged_union.rs");

/// The `support` module of `api`'s models: the hand-written pieces its types use (none: no module).
pub fn support_source(api: &Api) -> Option<String> {
    let uses = |wanted: fn(&TypeKind) -> bool| api.types.iter().any(|def| wanted(&def.kind));
    let sections = [
        (api.has_constrained_types(), CONSTRAINTS_SUPPORT),
        (uses(|kind| matches!(kind, TypeKind::ConstrainedString(_))), CONSTRAINED_STRING_SUPPORT),
        (uses(|kind| matches!(kind, TypeKind::BoundedMap(_))), BOUNDED_MAP_SUPPORT),
        (uses(|kind| matches!(kind, TypeKind::Enum(e) if e.repr() == EnumRepr::String)), STRING_ENUM_SUPPORT),
        (uses(|kind| matches!(kind, TypeKind::Enum(e) if e.repr() == EnumRepr::Integer)), INTEGER_ENUM_SUPPORT),
        (api.has_nullable_fields(), NULLABLE_SUPPORT),
        (uses(|kind| matches!(kind, TypeKind::Struct(s) if uses_object_macro(s))), OBJECT_SUPPORT),
        (uses(|kind| matches!(kind, TypeKind::Union(u) if u.unknown_variant.is_some())), TAGGED_UNION_SUPPORT),
    ];
    let used: Vec<&str> = sections.iter().filter(|(used, _)| *used).map(|(_, text)| *text).collect();
    (!used.is_empty()).then(|| {
        format!(
            "//! Support code for the models: validation, the wire form of enums, absent-or-null fields.\n//!\n//! Copied from specforge's \
             `templates/models/support/`.\n\n// With some tag features off, no type may use one of the macros.\n\
             #![allow(unused_macros, unused_imports)]\n\n{}",
            used.join("\n")
        )
    })
}

/// How the models are packaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelsLayout {
    /// `src/lib.rs` of a models crate; the support code is the sibling file `src/support.rs`.
    Crate,
    /// One self-contained file for `include!` (a `build.rs` writing into `OUT_DIR`); the support code is inlined.
    Module,
}

/// The models file for `api`: the header, then one part per type, gated by `features` when given.
pub fn models_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    layout: ModelsLayout,
    features: Option<&'a FeaturePlan>,
) -> FilePlan<'a> {
    let support = support_source(api).map(|source| support_module(layout, &source, api));
    let header = match layout {
        ModelsLayout::Crate => crate_header(&crate_doc(api, features), false, &[], Some(graph)),
        ModelsLayout::Module => TokenStream::new(),
    };
    types_plan(
        api,
        quote! {
            #header
            #support
        },
        (0..api.types.len()).collect(),
        features,
        TypeDocs::new(api),
        None,
    )
}

/// The crates of split models, by Rust name: the support crate (when the models need one) and each part.
pub struct SplitCrates {
    /// The facade, which re-exports every part.
    pub facade: String,
    /// The crate of the support code, shared by every part (so `Nullable` is one type).
    pub support: Option<String>,
    /// Per part of the split.
    pub parts: Vec<String>,
}

/// `lib.rs` of part `part` of split models: its types, which name those of its dependencies through glob imports.
pub fn part_plan<'a>(
    api: &'a Api,
    graph: &TypeGraph,
    split: &'a ModelsSplit,
    part: usize,
    crates: &SplitCrates,
    features: Option<&'a FeaturePlan>,
    docs: Arc<TypeDocs<'a>>,
) -> FilePlan<'a> {
    let this = &split.parts[part];
    let doc = format!(
        "Part `{}` of the data types of {}, generated by specforge: use `{}`, which re-exports every part.",
        this.label,
        api_title(api),
        crates.facade
    );
    let support = crates.support.as_ref().map(|support| {
        let support = ident(support);
        let violation = api.has_constrained_types().then(|| quote! { ConstraintViolation, });
        let nullable = api.has_nullable_fields().then(|| quote! { Nullable, });
        quote! { use ::#support::{self as support, #violation #nullable}; }
    });
    let dependencies = this.dependencies.iter().map(|&dependency| {
        let krate = ident(&crates.parts[dependency]);
        quote! { use ::#krate::*; }
    });
    let header = crate_header(&doc, false, &["unused_imports"], Some(graph));
    let header = quote! {
        #header
        #support
        #(#dependencies)*
    };
    let in_scope = move |index: usize| {
        let owner = split.part_of[index];
        owner == part || split.parts[part].dependencies.contains(&owner)
    };
    types_plan(api, header, this.members.clone(), features, docs, Some(Box::new(in_scope)))
}

/// `lib.rs` of the facade of split models: the crate docs, and every part and the support types re-exported.
pub fn facade_plan<'a>(api: &'a Api, crates: &SplitCrates, features: Option<&'a FeaturePlan>) -> FilePlan<'a> {
    let doc = format!(
        "{}\n\nThe types are compiled in {} crates that build in parallel; this crate re-exports them all.",
        crate_doc(api, features),
        crates.parts.len()
    );
    let header = crate_header(&doc, false, &["unused_imports"], None);
    let support = crates.support.as_ref().map(|support| {
        let support = ident(support);
        let violation = api.has_constrained_types().then(|| quote! { pub use ::#support::ConstraintViolation; });
        let nullable = api.has_nullable_fields().then(|| quote! { pub use ::#support::Nullable; });
        quote! {
            #[doc(hidden)]
            pub use ::#support as support;
            #violation
            #nullable
        }
    });
    let parts = crates.parts.iter().map(|part| {
        let part = ident(part);
        quote! {
            #[doc(inline)]
            pub use ::#part::*;
        }
    });
    FilePlan {
        header: quote! {
            #header
            #support
            #(#parts)*
        },
        parts: 0,
        part: Box::new(|_| Ok(Vec::new())),
        gate: Box::new(|_| Vec::new()),
    }
}

/// Which types a type's docs may link to: all (one crate), or those in scope of its part.
type InScope<'a> = Option<Box<dyn Fn(usize) -> bool + Send + Sync + 'a>>;

/// A file of `header`, then the types `members` (by index), gated by `features` when given. Docs link only to the
/// types `in_scope` says (all when `None`).
fn types_plan<'a>(
    api: &'a Api,
    header: TokenStream,
    members: Vec<usize>,
    features: Option<&'a FeaturePlan>,
    docs: Arc<TypeDocs<'a>>,
    in_scope: InScope<'a>,
) -> FilePlan<'a> {
    let parts = members.len();
    let gated = members.clone();
    FilePlan {
        header,
        parts,
        part: Box::new(move |position| {
            let index = members[position];
            let def = &api.types[index];
            // Else its name in the API description, where the Rust name does not say it.
            let named = || (def.spec_name != def.name).then(|| format!("`{}` in the API description.", def.spec_name));
            let fallback = || docs.usage[index].clone().or_else(named);
            let links = |text: &str| match &in_scope {
                Some(in_scope) => unlink(text, |name| docs.names.get(name).is_some_and(|&index| !in_scope(index))),
                None => text.to_string(),
            };
            type_item(TypeScope { api, via_models: false }, &api.types[index], &links, fallback)
        }),
        gate: Box::new(move |position| features.map(|plan| plan.type_features(gated[position])).unwrap_or_default()),
    }
}

/// What the types' docs draw on besides their own descriptions, computed once for all the files of the models.
pub struct TypeDocs<'a> {
    /// Per type: where it is first used, for a type the API does not describe.
    usage: Vec<Option<String>>,
    /// Each type's index by Rust name, to tell which links a part can keep.
    names: HashMap<&'a str, usize>,
}

impl<'a> TypeDocs<'a> {
    /// The docs material of `api`'s types.
    pub fn new(api: &'a Api) -> Arc<TypeDocs<'a>> {
        let names = api.types.iter().enumerate().map(|(index, def)| (def.name.as_str(), index)).collect();
        Arc::new(TypeDocs { usage: usage_docs(api), names })
    }
}

/// `text` with each intra-doc link ``[`Name`]`` or ``[`Name::item`]`` whose `Name` is `out_of_scope` turned into
/// plain code (its type is in a crate that cannot be linked to).
fn unlink(text: &str, out_of_scope: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("`]") else { break };
        out.push_str(&rest[..start]);
        let inner = &after[..end];
        let is_link = !after[end + 2..].starts_with('(');
        let name = inner.split("::").next().unwrap_or(inner);
        if is_link && out_of_scope(name) {
            out.push('`');
            out.push_str(inner);
            out.push('`');
        } else {
            out.push_str(&rest[start..start + 2 + end + 2]);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn crate_doc(api: &Api, features: Option<&FeaturePlan>) -> String {
    let mut doc = format!("Data types of {} (version {}), generated by specforge.\n\n", api_title(api), api.version);
    doc.push_str("Serde types only: no HTTP. The matching client crate re-exports this crate as `models`.");
    doc.push_str("\n\nAn `Option` field is left out of the JSON when it is `None`, unless its documentation says it is always sent (as `null`).");
    if api.keeps_unlisted_values() {
        doc.push_str(
            "\n\nAn enum (or tagged union) keeps a value this version of the API description does not list, such as a \
             newer server's, in its last variant (`Unknown`), so it decodes, and is written back as it came.",
        );
    }
    if api.has_nullable_fields() {
        doc.push_str(
            "\n\nA property that may be both left out and `null` is a [`Nullable`]: `Absent` is left out, `Null` is \
             sent as `null`, and a value is sent as it is, so a merge patch can clear a field or leave it alone.",
        );
    }
    with_api_docs(doc, api, features)
}

/// The API's title as a noun phrase: `Patchworks Core API`, or `the Foo API` when the title does not say "API".
pub fn api_title(api: &Api) -> String {
    let title = api.title.trim();
    if title.to_ascii_lowercase().split_whitespace().any(|w| w == "api") {
        title.to_string()
    } else {
        format!("the {title} API")
    }
}

/// The `support` module declaration (`Crate`: the sibling file) or the module itself (`Module`), and the
/// re-exports of the support types the models' users name: `ConstraintViolation` when the models validate,
/// `Nullable` when a field keeps absent and `null` apart.
fn support_module(layout: ModelsLayout, source: &str, api: &Api) -> TokenStream {
    let violation = api.has_constrained_types().then(|| quote! { pub use self::support::ConstraintViolation; });
    let nullable = api.has_nullable_fields().then(|| quote! { pub use self::support::Nullable; });
    let violation = quote! { #violation #nullable };
    match layout {
        ModelsLayout::Crate => quote! {
            #[doc(hidden)]
            pub mod support;
            #violation
        },
        ModelsLayout::Module => {
            // The templates are compiled as part of every generated crate; parsing them here cannot fail.
            let items = syn::parse_file(source).map(|file| file.items).unwrap_or_default();
            quote! {
                /// Support code for the models: validation, the wire form of enums, absent-or-null fields.
                #[doc(hidden)]
                pub mod support {
                    #(#items)*
                }
                #violation
            }
        }
    }
}

/// For each type, where it is first used (`The `columns` of [`CatalogTable`].`): the doc of a type the API does
/// not describe. One pass over every field and variant.
fn usage_docs(api: &Api) -> Vec<Option<String>> {
    let mut docs: Vec<Option<String>> = vec![None; api.types.len()];
    let mut note = |ty: &TypeRef, doc: &dyn Fn() -> String| {
        if let TypeRef::Named(id) = ty
            && docs[id.0].is_none()
        {
            docs[id.0] = Some(doc());
        }
    };
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                let properties = s.fields.iter().filter_map(|f| Some((f.json_name()?, f)));
                for (json_name, field) in properties.clone() {
                    note(&field.ty, &|| format!("The `{json_name}` of [`{}`].", def.name));
                }
                for (json_name, field) in properties {
                    if let TypeRef::Array(item) | TypeRef::Option(item) = &field.ty {
                        note(item, &|| format!("One of the `{json_name}` of [`{}`].", def.name));
                    }
                }
            }
            TypeKind::Union(u) => {
                for variant in &u.variants {
                    if let Some(payload) = &variant.payload {
                        note(payload, &|| format!("The [`{}::{}`] variant's content.", def.name, variant.name));
                    }
                }
            }
            _ => {}
        }
    }
    docs
}

/// The items of one named type, its description (else `fallback`'s, if any) first among the first item's
/// attributes, with `links` applied to the docs.
fn type_item(
    scope: TypeScope<'_>,
    def: &TypeDef,
    links: &dyn Fn(&str) -> String,
    fallback: impl FnOnce() -> Option<String>,
) -> syn::Result<Vec<syn::Item>> {
    let name = ident(&def.name);
    let mut items = match &def.kind {
        TypeKind::Struct(s) => struct_item(scope, &name, s, links)?,
        TypeKind::Enum(e) => enum_item(&name, e)?,
        TypeKind::Union(u) => parse_items(union_item(scope, &name, u))?,
        TypeKind::ConstrainedString(c) => parse_items(constrained_string_item(&name, c))?,
        TypeKind::BoundedMap(m) => parse_items(bounded_map_item(scope, &name, m))?,
        TypeKind::Alias(ty) => {
            let ty = scope.tokens(ty);
            parse_items(quote! { pub type #name = #ty; })?
        }
        TypeKind::External(path) => {
            let ty: syn::Type = syn::parse_str(path)?;
            parse_items(quote! { pub type #name = #ty; })?
        }
    };
    if let Some(attrs) = items.first_mut().and_then(super::item_attrs) {
        add_custom(attrs, &def.custom)?;
    }
    if let Some(attrs) = items.first_mut().and_then(super::item_attrs) {
        if is_complex(def) {
            attrs.push(list_attribute("allow", quote! { clippy::type_complexity }));
        }
        prepend_docs(attrs, def.doc.clone().or_else(fallback).map(|doc| links(&doc)).as_deref());
    }
    Ok(items)
}

/// Whether a type holds a type nested [`DEEP`] (a field with its `Option` and `Box`, a variant's payload, an alias's
/// target or a map's values), where clippy's `type_complexity` may fire: such a type allows it (the type is the
/// API's, not a choice to factor).
fn is_complex(def: &TypeDef) -> bool {
    let deep = |ty: &TypeRef, wrappers: usize| nesting(ty) + wrappers >= DEEP;
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| deep(&f.ty, usize::from(f.presence != Presence::Required) + usize::from(f.boxed)))
                || s.unknown.kept().is_some_and(|ty| deep(ty, 1))
        }
        TypeKind::Union(u) => {
            u.variants.iter().any(|v| v.payload.as_ref().is_some_and(|ty| deep(ty, usize::from(v.boxed))))
        }
        TypeKind::Alias(ty) => deep(ty, 0),
        TypeKind::BoundedMap(m) => deep(&m.value, 1),
        TypeKind::Enum(_) | TypeKind::ConstrainedString(_) | TypeKind::External(_) => false,
    }
}

/// What the declarations of string enums and constrained strings derive.
const STRING_DERIVES: &[&str] = &["Debug", "Clone", "PartialEq", "Eq", "Hash"];

/// The traits the declaration of a type of `kind` derives: the one list that emitting and the configuration's
/// checks (which derives a type has anyway) read.
pub(crate) fn own_derives(kind: &TypeKind) -> Vec<&'static str> {
    match kind {
        TypeKind::Struct(s) => struct_derives(s),
        TypeKind::Enum(e) => enum_derives(e),
        TypeKind::Union(u) => union_derives(u),
        TypeKind::ConstrainedString(_) => STRING_DERIVES.to_vec(),
        TypeKind::BoundedMap(m) => bounded_map_derives(m),
        TypeKind::Alias(_) | TypeKind::External(_) => Vec::new(),
    }
}

/// A struct's: `Debug` unless it holds a secret (its `Debug` is written to redact it), `Default` when every field
/// is optional, serde's derives unless `support::object!` writes its wire form.
fn struct_derives(s: &Struct) -> Vec<&'static str> {
    let mut derives = Vec::new();
    if !s.fields.iter().any(|f| f.secret) {
        derives.push("Debug");
    }
    derives.extend(["Clone", "PartialEq"]);
    if s.fields.iter().all(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable)) {
        derives.push("Default");
    }
    if !uses_object_macro(s) {
        derives.extend(["::serde::Serialize", "::serde::Deserialize"]);
    }
    derives
}

/// An enum's: integer enums are `Copy` too.
fn enum_derives(e: &Enum) -> Vec<&'static str> {
    match e.repr() {
        EnumRepr::String => STRING_DERIVES.to_vec(),
        EnumRepr::Integer => vec!["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"],
    }
}

/// A union's: serde's `Deserialize` unless a catch-all variant has it written by `support::tagged_union!`.
fn union_derives(u: &Union) -> Vec<&'static str> {
    let mut derives = vec!["Debug", "Clone", "PartialEq", "::serde::Serialize"];
    if u.unknown_variant.is_none() {
        derives.push("::serde::Deserialize");
    }
    derives
}

/// A bounded map's: `Default` when the empty map is allowed.
fn bounded_map_derives(m: &BoundedMap) -> Vec<&'static str> {
    let mut derives = vec!["Debug", "Clone", "PartialEq"];
    if m.min_properties.is_none_or(|n| n == 0) {
        derives.push("Default");
    }
    derives
}

/// `#[derive(…)]` of `derives`.
fn derive_attribute(derives: &[&str]) -> TokenStream {
    let paths = derives.iter().map(|path| path.parse::<TokenStream>().unwrap_or_default());
    quote! { #[derive(#(#paths),*)] }
}

/// Adds the derives the user's configuration asks for to the type's own `#[derive]` (or a new one), and its
/// attributes after the type's.
fn add_custom(attrs: &mut Vec<syn::Attribute>, custom: &Custom) -> syn::Result<()> {
    if !custom.derives.is_empty() {
        let derives =
            custom.derives.iter().map(|path| syn::parse_str::<syn::Path>(path)).collect::<syn::Result<Vec<_>>>()?;
        match attrs.iter_mut().find(|attr| attr.path().is_ident("derive")).map(|attr| &mut attr.meta) {
            Some(syn::Meta::List(list)) => {
                let own = &list.tokens;
                list.tokens = quote! { #own, #(#derives),* };
            }
            _ => attrs.push(syn::parse_quote! { #[derive(#(#derives),*)] }),
        }
    }
    for attribute in &custom.attributes {
        attrs.extend(syn::parse::Parser::parse_str(syn::Attribute::parse_outer, attribute)?);
    }
    Ok(())
}

/// The field's full Rust type: `Option` from presence, `Box` from boxing.
fn field_type(scope: TypeScope<'_>, field: &Field) -> syn::Type {
    let inner = scope.syntax(&field.ty);
    let inner = if field.boxed { generic("Box", inner) } else { inner };
    match field.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => generic("Option", inner),
        Presence::OptionalNullable => generic("Nullable", inner),
    }
}

/// A field, built as syntax (a large API has tens of thousands, which as tokens syn would only parse back).
/// `derived` says whether serde's derives implement the
/// struct's wire form, which then need the field's serde attributes (`object!` needs none).
fn field_item(scope: TypeScope<'_>, field: &Field, derived: bool, links: &dyn Fn(&str) -> String) -> syn::Field {
    let mut attrs = doc_attributes(field_doc(scope, field).map(|doc| links(&doc)).as_deref());
    if derived {
        attrs.extend(serde_field_attributes(field));
    }
    syn::Field {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        modifiers: syn::FieldModifiers::default(),
        ident: Some(ident(&field.name)),
        colon_token: Some(Default::default()),
        ty: field_type(scope, field),
        default: None,
    }
}

/// The attributes serde's derives need for a field: flattening, its JSON name, and when it is left out.
fn serde_field_attributes(field: &Field) -> Vec<syn::Attribute> {
    let FieldWire::Property(json_name) = &field.wire else {
        return vec![list_attribute("serde", quote! { flatten })];
    };
    let mut attrs = Vec::new();
    if bare(&field.name) != json_name {
        attrs.push(list_attribute("serde", quote! { rename = #json_name }));
    }
    match field.presence {
        Presence::Optional => {
            attrs.push(list_attribute("serde", quote! { default, skip_serializing_if = "Option::is_none" }));
        }
        Presence::OptionalNullable => {
            attrs.push(list_attribute("serde", quote! { default, skip_serializing_if = "Nullable::is_absent" }));
        }
        Presence::Required | Presence::RequiredNullable => {}
    }
    attrs
}

/// A field's description: its own, else the first paragraph of its type's, else its name on the wire where the
/// Rust name does not say it, else none (rather than words that only repeat its name). An `Option` field is left out of the JSON when `None` (the crate docs say so); the exception,
/// a required field that may be `null`, says so here.
fn field_doc(scope: TypeScope<'_>, field: &Field) -> Option<String> {
    let FieldWire::Property(json_name) = &field.wire else {
        return field.doc.clone();
    };
    let type_doc = || match &field.ty {
        TypeRef::Named(id) => scope.api.type_def(*id).doc.as_deref().and_then(|doc| doc.split("\n\n").next()),
        _ => None,
    };
    let wire_name = || (json_name != bare(&field.name)).then(|| format!("`{json_name}` on the wire."));
    let text = field.doc.clone().or_else(|| type_doc().map(str::to_string)).or_else(wire_name);
    const NULL_SENT: &str = "Always present on the wire; `None` is sent as `null`.";
    match (field.presence, text) {
        (Presence::RequiredNullable, Some(text)) => Some(format!("{text}\n\n{NULL_SENT}")),
        (Presence::RequiredNullable, None) => Some(NULL_SENT.to_string()),
        (Presence::Required | Presence::Optional | Presence::OptionalNullable, text) => text,
    }
}

/// A struct (and its redacting `Debug`, when a field is secret).
fn struct_item(
    scope: TypeScope<'_>,
    name: &proc_macro2::Ident,
    s: &Struct,
    links: &dyn Fn(&str) -> String,
) -> syn::Result<Vec<syn::Item>> {
    let as_object = uses_object_macro(s);
    let additional = s.unknown.kept().map(|ty| {
        let ty = scope.tokens(&TypeRef::Map(Box::new(ty.clone())));
        let flatten = (!as_object).then(|| quote! { #[serde(flatten)] });
        quote! {
            /// Properties not named in the API description, kept as sent.
            #flatten
            pub additional_properties: #ty,
        }
    });
    let has_secret = s.fields.iter().any(|f| f.secret);
    let (deny, wire_form) = if as_object {
        (None, Some(object_invocation(name, s)))
    } else {
        let denied = s.unknown == UnknownFields::Denied;
        (denied.then(|| quote! { #[serde(deny_unknown_fields)] }), None)
    };
    let debug_impl = has_secret.then(|| redacting_debug(name, s));
    let derives = derive_attribute(&struct_derives(s));
    let mut items = parse_items(quote! {
        #derives
        #deny
        pub struct #name {
            #additional
        }
        #debug_impl
        #wire_form
    })?;
    if let Some(syn::Item::Struct(item)) = items.first_mut()
        && let syn::Fields::Named(named) = &mut item.fields
    {
        let additional = std::mem::take(&mut named.named);
        named.named = s.fields.iter().map(|f| field_item(scope, f, !as_object, links)).chain(additional).collect();
    }
    Ok(items)
}

/// Whether a struct's `Serialize` and `Deserialize` come from the support module's `object!` (less code than serde's
/// derives): all but structs that flatten another type into theirs, which need the derive's buffering.
fn uses_object_macro(s: &Struct) -> bool {
    !s.fields.iter().any(Field::is_flattened)
}

/// `support::object!(Name { 0 field required, 1 other = "json" optional, … } ignore|deny|keep);`: the struct's
/// `Serialize` and `Deserialize`.
fn object_invocation(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().enumerate().map(|(index, field)| {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let rust = ident(&field.name);
        // Only for structs without flattened fields (see `uses_object_macro`).
        let json = field.json_name().unwrap_or_default();
        let kind = match field.presence {
            Presence::Optional => quote! { optional },
            Presence::OptionalNullable => quote! { nullable },
            Presence::Required | Presence::RequiredNullable => quote! { required },
        };
        if field.name == json {
            quote! { #index #rust #kind } // the JSON name is the field's (and not a raw identifier)
        } else {
            quote! { #index #rust = #json #kind }
        }
    });
    let unknown = match &s.unknown {
        UnknownFields::Kept(_) => quote! { keep },
        UnknownFields::Denied => quote! { deny },
        UnknownFields::Ignored => quote! { ignore },
    };
    quote! { support::object!(#name { #(#fields),* } #unknown); }
}

/// `Debug` that prints `"<redacted>"` for secret fields.
fn redacting_debug(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let type_name = name.to_string();
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let label = bare(&f.name);
        if f.secret {
            quote! { .field(#label, &"<redacted>") }
        } else {
            quote! { .field(#label, &self.#field) }
        }
    });
    // An object that holds a secret may hold more under names the document does not know: only their names show.
    let additional = s.unknown.kept().map(|_| {
        quote! { .field("additional_properties", &self.additional_properties.keys().collect::<::std::vec::Vec<_>>()) }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name) #(#fields)* #additional .finish()
            }
        }
    }
}

/// A string or integer enum: one variant per listed value and one that keeps any other value. The enum is
/// declared here; its wire form comes from the support module's `string_enum!` or `integer_enum!` macro, written
/// once rather than printed for every enum.
fn enum_item(name: &proc_macro2::Ident, e: &Enum) -> syn::Result<Vec<syn::Item>> {
    let unknown = ident(&e.unknown_variant);
    let variant_names: Vec<proc_macro2::Ident> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let derives = derive_attribute(&enum_derives(e));
    let (payload, values, wire_form) = match e.integers() {
        Some(integers) => {
            let values = integers.into_iter().map(proc_macro2::Literal::i64_unsuffixed).collect();
            (quote! { i64 }, values, quote! { integer_enum })
        }
        None => {
            let values: Vec<proc_macro2::Literal> = e
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::Str(value) => proc_macro2::Literal::string(value),
                    EnumValue::Int(value) => proc_macro2::Literal::string(&value.to_string()),
                })
                .collect();
            (quote! { String }, values, quote! { string_enum })
        }
    };
    let mut items = parse_items(quote! {
        #derives
        pub enum #name {
            #(#variant_names,)*
            /// A value the API description does not list (a newer server's), kept as sent.
            #unknown(#payload),
        }

        support::#wire_form!(#name(#unknown) { #(#variant_names = #values),* });
    })?;
    if let Some(syn::Item::Enum(item)) = items.first_mut() {
        for (variant, ir) in item.variants.iter_mut().zip(&e.variants) {
            // The value on the wire is worth saying only where the variant's name does not already.
            let named = matches!(&ir.value, EnumValue::Str(value) if value == bare(&ir.name));
            let value = (!named).then(|| value_code(&ir.value));
            let doc = match (value, &ir.doc) {
                (Some(value), Some(doc)) => Some(format!("{value}: {doc}")),
                (Some(value), None) => Some(value),
                (None, doc) => doc.clone(),
            };
            prepend_docs(&mut variant.attrs, doc.as_deref());
        }
    }
    Ok(items)
}

/// An enum value as inline code for its variant's doc: `` `active` ``, `` `""` `` for the empty string, and
/// double backticks around a value that holds one.
fn value_code(value: &EnumValue) -> String {
    match value {
        EnumValue::Str(text) if text.is_empty() => "`\"\"`".to_string(),
        EnumValue::Str(text) if text.contains('`') => format!("`` {text} ``"),
        other => format!("`{other}`"),
    }
}

fn union_item(scope: TypeScope<'_>, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let tagging = match &u.tagging {
        Tagging::Internal(tag) => quote! { #[serde(tag = #tag)] },
        Tagging::External => TokenStream::new(),
        Tagging::Untagged => quote! { #[serde(untagged)] },
    };
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        // A tag is worth saying only where the variant's name does not already.
        // Only a tag that differs from the variant's name is worth saying, or renaming to.
        let renamed = v.tag.as_deref().filter(|tag| *tag != v.name);
        let tag = renamed.map(|tag| format!("`{tag}`"));
        let doc = doc_attrs(v.doc.as_deref().or(tag.as_deref()));
        let rename = renamed.map(|tag| quote! { #[serde(rename = #tag)] });
        match &v.payload {
            Some(payload) => {
                let ty = scope.tokens(payload);
                let ty = if v.boxed {
                    quote! { Box<#ty> }
                } else {
                    ty
                };
                quote! { #doc #rename #variant(#ty), }
            }
            None => quote! { #doc #rename #variant {}, },
        }
    });
    let unknown_count = usize::from(u.unknown_variant.is_some());
    let with_payload = u.variants.iter().filter(|v| v.payload.is_some()).count() + unknown_count;
    let inline_variants = inline_variants(u.variants.len() + unknown_count, with_payload);
    // Tried after every listed variant: serde's untagged variant of a tagged enum.
    let unknown = u.unknown_variant.as_ref().map(|unknown| {
        let unknown = ident(unknown);
        quote! {
            /// A variant the API description does not list (a newer server's), kept as sent.
            #[serde(untagged)]
            #unknown(::serde_json::Value),
        }
    });
    let deserialize = u.unknown_variant.as_ref().map(|unknown| tagged_union_deserialize(name, u, unknown));
    let derives = derive_attribute(&union_derives(u));
    quote! {
        #derives
        #inline_variants
        #tagging
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #deserialize
    }
}

/// `Deserialize` for a tagged union with a catch-all variant, through `support::tagged_union!`.
fn tagged_union_deserialize(name: &proc_macro2::Ident, u: &Union, unknown: &str) -> TokenStream {
    let property = match &u.tagging {
        Tagging::Internal(property) => quote! { Some(#property) },
        _ => quote! { None },
    };
    let arms = |with_payload: bool| {
        let variants = u.variants.iter().filter(move |v| v.payload.is_some() == with_payload);
        // A tagged union's variants all have tags.
        variants.filter_map(|v| {
            let (variant, tag) = (ident(&v.name), v.tag.as_deref()?);
            Some(quote! { #variant = #tag })
        })
    };
    let (with_payload, empty) = (arms(true), arms(false));
    let unknown = ident(unknown);
    quote! {
        support::tagged_union!(#name(#unknown), #property, { #(#with_payload),* }, { #(#empty),* });
    }
}

fn limit(value: Option<u64>) -> TokenStream {
    match value {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote! { Some(#n) }
        }
        None => quote! { None },
    }
}

fn constraints_doc(what: &str, c: &StringConstraints) -> String {
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => format!("{what} {min} to {max} characters long."),
        (Some(min), None) => format!("{what} at least {min} character{} long.", if min == 1 { "" } else { "s" }),
        (None, Some(max)) => format!("{what} at most {max} character{} long.", if max == 1 { "" } else { "s" }),
        (None, None) => String::new(),
    }
}

/// The docs of a validated type's `rule`, a paragraph after the type's description.
fn checked_rule(rule: &str) -> TokenStream {
    doc_attrs(Some(&format!("{rule}\nChecked by [`Self::new`] and when deserializing.")))
}

fn constrained_string_item(name: &proc_macro2::Ident, c: &StringConstraints) -> TokenStream {
    let (min, max) = (limit(c.min_length), limit(c.max_length));
    let rule = checked_rule(&constraints_doc("Must be", c));
    let derives = derive_attribute(STRING_DERIVES);
    quote! {
        #rule
        #derives
        pub struct #name(String);

        support::constrained_string!(#name, #min, #max);
    }
}

fn bounded_map_item(scope: TypeScope<'_>, name: &proc_macro2::Ident, m: &BoundedMap) -> TokenStream {
    let map = scope.tokens(&TypeRef::Map(Box::new(m.value.clone())));
    let (min, max) = (limit(m.min_properties), limit(m.max_properties));
    let (key_min, key_max) = (limit(m.key.min_length), limit(m.key.max_length));
    let mut rules = Vec::new();
    match (m.min_properties, m.max_properties) {
        (Some(min), Some(max)) => rules.push(format!("Holds {min} to {max} entries.")),
        (Some(min), None) => rules.push(format!("Holds at least {min} entries.")),
        (None, Some(max)) => rules.push(format!("Holds at most {max} entries.")),
        (None, None) => {}
    }
    let key_rule = constraints_doc("Keys must be", &m.key);
    if !key_rule.is_empty() {
        rules.push(key_rule);
    }
    let rule = checked_rule(&rules.join(" "));
    let derives = derive_attribute(&bounded_map_derives(m));
    quote! {
        #rule
        #derives
        pub struct #name(#map);

        support::bounded_map!(#name(#map), #min, #max, #key_min, #key_max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_types_out_of_scope_become_code() {
        let out_of_scope = |name: &str| name == "Parent";
        assert_eq!(
            unlink("The `x` of [`Parent`]; see [`Sibling`] and [`Parent::Variant`].", out_of_scope),
            "The `x` of `Parent`; see [`Sibling`] and `Parent::Variant`."
        );
        assert_eq!(
            unlink("[`Parent`](https://example.com) stays a link", out_of_scope),
            "[`Parent`](https://example.com) stays a link"
        );
        assert_eq!(unlink("an unclosed [`Parent", out_of_scope), "an unclosed [`Parent");
    }

    /// An enum of `values` (no descriptions), printed.
    fn printed_enum(values: &[(&str, EnumValue)]) -> String {
        let variants = values
            .iter()
            .map(|(name, value)| crate::ir::EnumVariant { name: name.to_string(), value: value.clone(), doc: None })
            .collect();
        let e = Enum { variants, unknown_variant: "Unknown".into() };
        let items = enum_item(&ident("Mode"), &e).expect("valid items");
        let file: syn::File = syn::parse_quote! { #(#items)* };
        prettyplease::unparse(&file)
    }

    #[test]
    fn an_enum_variant_says_its_value_only_where_its_name_does_not() {
        let text = printed_enum(&[
            ("Batch", EnumValue::Str("Batch".into())),
            ("ServiceAccount", EnumValue::Str("service-account".into())),
        ]);
        assert!(text.contains("    Batch,"), "{text}");
        assert!(!text.contains("/// `Batch`"), "{text}");
        assert!(text.contains("/// `service-account`\n    ServiceAccount,"), "{text}");
    }

    #[test]
    fn only_a_type_nested_deep_enough_for_clippy_allows_type_complexity() {
        let map = |ty: TypeRef| TypeRef::Map(Box::new(ty));
        let alias = |ty: TypeRef| TypeDef {
            name: "A".into(),
            spec_name: "A".into(),
            doc: None,
            kind: TypeKind::Alias(ty),
            custom: Default::default(),
        };
        // Four levels of maps score at most 190 of clippy's 250; five score 290.
        assert!(!is_complex(&alias(map(map(map(TypeRef::String))))));
        assert!(is_complex(&alias(map(map(map(map(TypeRef::String)))))));
        // A pair of numbers is light (scores 50); a tuple weighs what its items do together.
        assert!(!is_complex(&alias(TypeRef::Tuple(vec![TypeRef::F64, TypeRef::F64]))));
        assert!(is_complex(&alias(TypeRef::Tuple(vec![map(map(map(TypeRef::I64))), map(TypeRef::I64)]))));
    }
}
