//! Lower: the only stage that knows OpenAPI. Turns a [`LoadedSpec`] into the [`Api`] IR and reports every
//! problem it finds as a [`Diagnostic`] (collecting them all rather than stopping at the first).

mod operation;
mod schema;
mod shape;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as SpecScheme};

use crate::diagnostic::{Diagnostic, pointer};
use crate::ir::{Api, SchemeKind, SecurityScheme};
use crate::load::LoadedSpec;
use crate::naming::{Namespace, bare, value_name};
pub use operation::synthesized_operation_id;
use schema::TypeLowerer;

/// Lowers `spec`. Returns the API (unless an error was found) and all diagnostics, located in the source.
pub fn lower(spec: &LoadedSpec) -> (Option<Api>, Vec<Diagnostic>) {
    let document = &spec.document;
    let mut types = TypeLowerer::new(document, &spec.path);
    types.lower_components();
    let (security_schemes, mut diagnostics) = security_schemes(spec);
    let operations = operation::lower_operations(document, &mut types, &security_schemes);
    let (types, type_diagnostics) = types.finish();
    diagnostics.extend(type_diagnostics);
    let diagnostics: Vec<Diagnostic> = diagnostics.into_iter().map(|d| spec.locator.place(d)).collect();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    let api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.clone(),
        servers: document.servers.iter().map(server_url).collect(),
        types,
        operations,
        security_schemes,
    };
    (Some(api), diagnostics)
}

/// A server URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

fn security_schemes(spec: &LoadedSpec) -> (Vec<SecurityScheme>, Vec<Diagnostic>) {
    let mut schemes = Vec::new();
    let mut diagnostics = Vec::new();
    let mut names = Namespace::default();
    let Some(components) = &spec.document.components else { return (schemes, diagnostics) };
    for (spec_name, scheme) in &components.security_schemes {
        let at = pointer(["components", "securitySchemes", spec_name]);
        let ReferenceOr::Item(scheme) = scheme else {
            diagnostics.push(Diagnostic::warning(&spec.path, at, "security scheme `$ref`s are not supported; ignored"));
            continue;
        };
        let (kind, doc) = match scheme {
            SpecScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => (SchemeKind::Bearer, description),
            SpecScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("basic") => (SchemeKind::Basic, description),
            SpecScheme::HTTP { scheme, .. } => {
                diagnostics.push(Diagnostic::warning(&spec.path, at, format!("HTTP auth scheme {scheme:?} is not supported; operations that need it are sent without it")));
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
