//! Lower: the only stage that knows OpenAPI. Turns a [`LoadedSpec`] into the [`Api`] IR and reports every
//! problem it finds as a [`Diagnostic`] (collecting them all rather than stopping at the first).

mod operation;
mod schema;
mod shape;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as SpecScheme};

use crate::diagnostic::{Diagnostic, pointer};
use std::collections::BTreeSet;

use crate::ir::{Api, Operation, SchemeKind, SecurityScheme, Server, ServerVariable, TypeDef, TypeId, TypeKind, TypeRef};
use crate::load::LoadedSpec;
use crate::naming::{Namespace, bare, value_name};
use schema::TypeLowerer;

/// Lowers `spec`. Returns the API (unless an error was found) and all diagnostics, located in the source. The
/// document is dropped before the source text is read again to place the diagnostics, so the two (a large spec's
/// biggest allocations) are never held together with the API.
pub fn lower(spec: LoadedSpec) -> (Option<Api>, Vec<Diagnostic>) {
    let LoadedSpec { document, path } = spec;
    let (api, diagnostics) = lower_document(&document, &path);
    drop(document);
    crate::release_freed_memory();
    let diagnostics = crate::load::place_in_file(&path, diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (Some(api), diagnostics)
}

/// Lowers a document read from `path`: the API and the diagnostics (not yet placed in the source).
fn lower_document(document: &openapiv3::OpenAPI, path: &std::path::Path) -> (Api, Vec<Diagnostic>) {
    let mut types = TypeLowerer::new(document, path);
    types.lower_components();
    let (security_schemes, mut diagnostics) = security_schemes(document, path);
    let operations = operation::lower_operations(document, &mut types, &security_schemes);
    let (mut types, orphans, type_diagnostics) = types.finish();
    let mut operations = operations;
    remove_types(&mut types, &mut operations, &orphans);
    diagnostics.extend(type_diagnostics);
    let api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.clone(),
        servers: document.servers.iter().map(server).collect(),
        types,
        operations,
        security_schemes,
    };
    (api, diagnostics)
}

/// Drops the types in `removed` (which nothing refers to) and renumbers every reference to the others.
fn remove_types(types: &mut Vec<TypeDef>, operations: &mut [Operation], removed: &BTreeSet<TypeId>) {
    if removed.is_empty() {
        return;
    }
    let mut new_ids = Vec::with_capacity(types.len());
    let mut next = 0;
    for index in 0..types.len() {
        new_ids.push(TypeId(next));
        if !removed.contains(&TypeId(index)) {
            next += 1;
        }
    }
    let mut index = 0;
    types.retain(|_| {
        index += 1;
        !removed.contains(&TypeId(index - 1))
    });
    let remap = |ty: &mut TypeRef| ty.for_each_named(&mut |id| *id = new_ids[id.0]);
    for def in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|f| remap(&mut f.ty));
                s.additional.iter_mut().for_each(remap);
            }
            TypeKind::Union(u) => u.variants.iter_mut().filter_map(|v| v.payload.as_mut()).for_each(remap),
            TypeKind::Alias(ty) => remap(ty),
            TypeKind::BoundedMap(m) => remap(&mut m.value),
            TypeKind::Enum(_) | TypeKind::ConstrainedString(_) => {}
        }
    }
    for op in operations {
        op.params.iter_mut().for_each(|p| remap(&mut p.ty));
        op.body.iter_mut().for_each(|b| remap(&mut b.ty));
        op.responses.iter_mut().filter_map(|r| r.body.as_mut()).for_each(|b| remap(&mut b.ty));
    }
}

/// A server with its variables, each given a Rust parameter name.
fn server(server: &openapiv3::Server) -> Server {
    let mut names = Namespace::default();
    let variables = server
        .variables
        .iter()
        .flatten()
        .map(|(name, variable)| ServerVariable {
            name: name.clone(),
            rust_name: names.claim(&value_name(name)).0,
            default: variable.default.clone(),
            allowed: variable.enumeration.clone(),
            description: variable.description.clone(),
        })
        .collect();
    Server { url: server.url.clone(), description: server.description.clone(), variables }
}

fn security_schemes(document: &openapiv3::OpenAPI, path: &std::path::Path) -> (Vec<SecurityScheme>, Vec<Diagnostic>) {
    let mut schemes = Vec::new();
    let mut diagnostics = Vec::new();
    let mut names = Namespace::default();
    let Some(components) = &document.components else { return (schemes, diagnostics) };
    for (spec_name, scheme) in &components.security_schemes {
        let at = pointer(["components", "securitySchemes", spec_name]);
        let ReferenceOr::Item(scheme) = scheme else {
            diagnostics.push(Diagnostic::warning(path, at, "security scheme `$ref`s are not supported; ignored"));
            continue;
        };
        let (kind, doc) = match scheme {
            SpecScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => (SchemeKind::Bearer, description),
            SpecScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("basic") => (SchemeKind::Basic, description),
            SpecScheme::HTTP { scheme, .. } => {
                diagnostics.push(Diagnostic::warning(path, at, format!("HTTP auth scheme {scheme:?} is not supported; operations that need it are sent without it")));
                continue;
            }
            SpecScheme::APIKey { location, name, description, .. } => (
                match location {
                    APIKeyLocation::Header => SchemeKind::ApiKeyHeader(name.clone()),
                    APIKeyLocation::Query => SchemeKind::ApiKeyQuery(name.clone()),
                    APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(name.clone()),
                },
                description,
            ),
            SpecScheme::OAuth2 { description, .. } | SpecScheme::OpenIDConnect { description, .. } => (SchemeKind::Bearer, description),
        };
        let name = names.claim(bare(&value_name(spec_name))).0;
        schemes.push(SecurityScheme { spec_name: spec_name.clone(), name, kind, doc: doc.clone() });
    }
    (schemes, diagnostics)
}
