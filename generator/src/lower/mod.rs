//! Lower: the only stage that knows OpenAPI. Turns a [`LoadedSpec`] into the [`Api`] IR and reports every
//! problem it finds as a [`Diagnostic`] (collecting them all rather than stopping at the first).

mod operation;
mod schema;
mod shape;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as SpecScheme};

use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, child, pointer};
use std::collections::BTreeSet;

use crate::ir::{
    Api, OAuth2Grants, Operation, SchemeId, SchemeKind, SchemeSetters, SecurityScheme, Server, ServerVariable, TypeDef,
    TypeId, TypeKind, TypeRef, UnknownFields,
};
use crate::load::LoadedSpec;
use crate::naming::{Namespace, prefixed, suffixed, type_name, value_name};
pub(crate) use schema::MODELS_ROOT_ITEMS;
use schema::TypeLowerer;

/// What lowering is asked to do beyond reading the document.
#[derive(Clone, Copy)]
pub struct Settings<'a> {
    /// See [`crate::Options::keep_unknown_fields`].
    pub keep_unknown_fields: bool,
    /// The user's configuration: which operations, and what to change in the types.
    pub config: &'a Config,
    /// Whether a server is generated from the API: what concerns only a server (two operations a server cannot
    /// tell apart) is reported only then.
    pub server: bool,
}

/// Lowers `spec`. Returns the API (unless an error was found) and all diagnostics, located in the source (or in the
/// configuration, for its own). The document is dropped before the source text is read again to place the
/// diagnostics, so the two (a large spec's biggest allocations) are never held together with the API.
pub fn lower(spec: LoadedSpec, settings: Settings<'_>) -> (Option<Api>, Vec<Diagnostic>) {
    let LoadedSpec { mut document, path, warnings, relocations, sources: _ } = spec;
    let selection = config::select_operations(&mut document, settings.config);
    let (mut api, diagnostics) = lower_document(&document, &path, &settings);
    let mut diagnostics = relocations.before_repair(without_repeats(diagnostics));
    diagnostics.splice(0..0, warnings);
    drop(document);
    crate::resources::release_freed_memory();
    let mut diagnostics = LoadedSpec::place(&path, &relocations, diagnostics);
    if settings.keep_unknown_fields {
        keep_unknown_fields(&mut api.types);
    }
    diagnostics.extend(selection);
    diagnostics.extend(config::customize(&mut api.types, settings.config));
    if settings.config.operations.is_set() {
        let unused = unused_types(&api);
        remove_types(&mut api.types, &mut api.operations, &unused);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (Some(api), diagnostics)
}

/// The diagnostics without repeats of an earlier one (same severity, place and message): a path's parameter is
/// lowered once for each of its operations, and says what it found once.
fn without_repeats(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.is_error(), d.pointer.clone(), d.message.clone())));
    diagnostics
}

/// The types no operation uses, directly or through other types (what a selection of operations leaves behind).
fn unused_types(api: &Api) -> BTreeSet<TypeId> {
    let mut used = vec![false; api.types.len()];
    let mut queue = Vec::new();
    let mut mark = |ty: &TypeRef, queue: &mut Vec<TypeId>| {
        ty.visit(&mut |ty| {
            if let TypeRef::Named(id) = ty
                && !std::mem::replace(&mut used[id.0], true)
            {
                queue.push(*id);
            }
        })
    };
    for operation in &api.operations {
        operation.visit_uses(&mut |ty| mark(ty, &mut queue));
    }
    while let Some(id) = queue.pop() {
        let mut held = Vec::new();
        api.types[id.0].visit_uses(&mut |ty| mark(ty, &mut held));
        queue.extend(held);
    }
    (0..api.types.len()).filter(|index| !used[*index]).map(TypeId).collect()
}

/// Gives every open struct (no `additionalProperties: false`, no map of its own, nothing flattened into it) a map
/// that keeps the properties the document does not name: see [`crate::Options::keep_unknown_fields`]. A struct with
/// a property that already takes the map's field name keeps its shape.
fn keep_unknown_fields(types: &mut [TypeDef]) {
    for def in types {
        if let TypeKind::Struct(s) = &mut def.kind
            && s.unknown == UnknownFields::Ignored
            && !s.fields.iter().any(|f| f.is_flattened() || f.name == "additional_properties")
        {
            s.unknown = UnknownFields::Kept(TypeRef::Any);
        }
    }
}

/// Lowers a document read from `path`: the API and the diagnostics (not yet placed in the source).
fn lower_document(
    document: &openapiv3::OpenAPI,
    path: &std::path::Path,
    settings: &Settings,
) -> (Api, Vec<Diagnostic>) {
    // Parsed before the type lowerer starts: it borrows from them as it does from the document.
    let (extra_operations, mut diagnostics) = operation::extra_operations(document, path);
    let mut types = TypeLowerer::new(document, path);
    types.lower_components();
    let (mut security_schemes, scheme_diagnostics) = security_schemes(document, path);
    diagnostics.extend(scheme_diagnostics);
    let mut operations =
        operation::lower_operations(document, &extra_operations, &mut types, &security_schemes, settings);
    diagnostics.extend(drop_unused_schemes(&mut security_schemes, &mut operations, path));
    let (mut types, orphans, type_diagnostics) = types.finish();
    remove_types(&mut types, &mut operations, &orphans);
    diagnostics.extend(type_diagnostics);
    let api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.as_deref().map(crate::rustdoc::rustdoc_safe),
        servers: (document.servers.iter().enumerate())
            .map(|(index, spec)| server(spec, &pointer(["servers", &index.to_string()]), path, &mut diagnostics))
            .collect(),
        types,
        operations,
        security_schemes,
    };
    (api, diagnostics)
}

/// Drops the security schemes no operation's `security` names (a document that declares schemes and requires none,
/// or one whose operations that did are not generated): the client could only offer setters that change nothing.
/// Each is reported at its declaration; the operations' references are renumbered.
fn drop_unused_schemes(
    schemes: &mut Vec<SecurityScheme>,
    operations: &mut [Operation],
    path: &std::path::Path,
) -> Vec<Diagnostic> {
    let mut used = vec![false; schemes.len()];
    for id in operations.iter().flat_map(|op| op.security.iter().flatten()) {
        used[id.0] = true;
    }
    if used.iter().all(|used| *used) {
        return Vec::new();
    }
    let diagnostics = schemes
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(scheme, _)| {
            Diagnostic::warning(
                path,
                pointer(["components", "securitySchemes", &scheme.spec_name]),
                format!(
                    "security scheme {:?} is required by no operation (no `security` names it), so the client has no \
                     setter for it; add `security` (in an overlay) where the API needs it",
                    scheme.spec_name
                ),
            )
        })
        .collect();
    let new_index = retain_renumbered(schemes, |index| used[index]);
    for op in operations.iter_mut() {
        op.security.iter_mut().flatten().for_each(|scheme| *scheme = SchemeId(new_index[scheme.0]));
    }
    diagnostics
}

/// Keeps the items of `items` whose index `keep` says, in order; returns, by old index, each item's new index (a
/// dropped item's is that of the next kept one, and is never looked up).
fn retain_renumbered<T>(items: &mut Vec<T>, keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let kept: Vec<bool> = (0..items.len()).map(&keep).collect();
    let mut next = 0;
    let new_index = kept
        .iter()
        .map(|kept| {
            let index = next;
            next += usize::from(*kept);
            index
        })
        .collect();
    let mut index = 0;
    items.retain(|_| {
        index += 1;
        kept[index - 1]
    });
    new_index
}

/// Drops the types in `removed` (which nothing refers to) and renumbers every reference to the others.
fn remove_types(types: &mut Vec<TypeDef>, operations: &mut [Operation], removed: &BTreeSet<TypeId>) {
    if removed.is_empty() {
        return;
    }
    let new_ids = retain_renumbered(types, |index| !removed.contains(&TypeId(index)));
    let mut remap = |ty: &mut TypeRef| {
        ty.visit_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                *id = TypeId(new_ids[id.0]);
            }
        })
    };
    types.iter_mut().for_each(|def| def.visit_uses_mut(&mut remap));
    operations.iter_mut().for_each(|op| op.visit_uses_mut(&mut remap));
}

/// A server with its variables, each given a Rust parameter name. A `{name}` in the URL that `variables` does not
/// declare (`{scheme}://{host}/v1` with no `variables`) is a variable with no default, reported at `at`: the
/// client's `server_url` asks for it like the others.
fn server(server: &openapiv3::Server, at: &str, path: &std::path::Path, diagnostics: &mut Vec<Diagnostic>) -> Server {
    let mut names = Namespace::default();
    let mut variables: Vec<ServerVariable> = server
        .variables
        .iter()
        .flatten()
        .map(|(name, variable)| ServerVariable {
            name: name.clone(),
            rust_name: names.claim(&value_name(name)).0,
            default: variable.default.clone(),
            allowed: variable.enumeration.clone(),
            description: variable.description.as_deref().map(crate::rustdoc::rustdoc_safe),
        })
        .collect();
    let mut rest = server.url.as_str();
    while let Some((name, after)) = rest.split_once('{').and_then(|(_, open)| open.split_once('}')) {
        rest = after;
        if name.is_empty() || variables.iter().any(|variable| variable.name == name) {
            continue;
        }
        let message = format!(
            "the server URL names {{{name}}} but `variables` does not declare it; `server_url` asks for it, and \
             `DEFAULT_BASE_URL` leaves it empty"
        );
        diagnostics.push(Diagnostic::warning(path, child(at, "url"), message));
        let rust_name = names.claim(&value_name(name)).0;
        variables.push(ServerVariable {
            name: name.to_string(),
            rust_name,
            default: String::new(),
            allowed: Vec::new(),
            description: None,
        });
    }
    Server {
        url: server.url.clone(),
        description: server.description.as_deref().map(crate::rustdoc::rustdoc_safe),
        variables,
    }
}

fn security_schemes(document: &openapiv3::OpenAPI, path: &std::path::Path) -> (Vec<SecurityScheme>, Vec<Diagnostic>) {
    let mut schemes = Vec::new();
    let mut diagnostics = Vec::new();
    let (mut names, mut variants) = (Namespace::default(), Namespace::default());
    let Some(components) = &document.components else { return (schemes, diagnostics) };
    for (spec_name, scheme) in &components.security_schemes {
        let at = pointer(["components", "securitySchemes", spec_name]);
        let ReferenceOr::Item(scheme) = scheme else {
            diagnostics.push(Diagnostic::warning(path, at, "security scheme `$ref`s are not supported; ignored"));
            continue;
        };
        let (kind, doc) = match scheme {
            SpecScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                (SchemeKind::Bearer, description)
            }
            SpecScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("basic") => {
                (SchemeKind::Basic, description)
            }
            SpecScheme::HTTP { scheme, .. } => {
                diagnostics.push(Diagnostic::warning(
                    path,
                    at,
                    format!(
                        "HTTP auth scheme {scheme:?} is not supported; operations that need it are sent without it"
                    ),
                ));
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
            SpecScheme::OAuth2 { flows, description, .. } => {
                let code = flows.authorization_code.as_ref().map(|f| (&f.refresh_url, &f.token_url));
                let password = flows.password.as_ref().map(|f| (&f.refresh_url, &f.token_url));
                let grants = OAuth2Grants {
                    client_credentials: flows.client_credentials.as_ref().map(|flow| flow.token_url.clone()),
                    refresh: code.or(password).map(|(refresh, token)| refresh.clone().unwrap_or_else(|| token.clone())),
                };
                (SchemeKind::OAuth2(grants), description)
            }
            SpecScheme::OpenIDConnect { description, .. } => (SchemeKind::Bearer, description),
        };
        let name = names.claim(&value_name(spec_name)).0;
        let variant = variants.claim(&type_name(spec_name)).0;
        schemes.push(SecurityScheme {
            spec_name: spec_name.clone(),
            name,
            variant,
            kind,
            setters: SchemeSetters::default(),
            doc: doc.as_deref().map(crate::rustdoc::rustdoc_safe),
        });
    }
    name_setters(&mut schemes);
    (schemes, diagnostics)
}

/// Names the client's setters of every scheme in one namespace: first each scheme's `with_<name>` (so adding a
/// scheme never renames another's), then the provider and grant setters (`with_oauth2_client_credentials` of
/// scheme `oauth2` and `with_oauth2_client_credentials` of scheme `oauth2_clientCredentials` would clash).
fn name_setters(schemes: &mut [SecurityScheme]) {
    let mut setters = Namespace::default();
    for scheme in schemes.iter_mut() {
        scheme.setters.given = setters.claim(&prefixed("with", &scheme.name)).0;
    }
    for scheme in schemes.iter_mut() {
        let name = scheme.name.clone();
        let mut claim = |suffix: &str| Some(setters.claim(&prefixed("with", &suffixed(&name, suffix))).0);
        let (bearer, grants) = match &scheme.kind {
            SchemeKind::Bearer => (true, None),
            SchemeKind::OAuth2(grants) => (true, Some(grants)),
            _ => (false, None),
        };
        if bearer {
            scheme.setters.provider = claim("provider");
        }
        if let Some(grants) = grants {
            if grants.client_credentials.is_some() {
                scheme.setters.client_credentials = claim("client_credentials");
            }
            if grants.refresh.is_some() {
                scheme.setters.refresh_token = claim("refresh_token");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{HEAD, lower_yaml};
    use super::*;

    #[test]
    fn types_no_operation_uses_go_and_every_use_left_is_renumbered_pages_items_too() {
        let (mut api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /items:
    get:
      operationId: listItems
      responses:
        '200':
          description: A page of items.
          headers: {{Link: {{schema: {{type: string}}}}}}
          content: {{application/json: {{schema: {{type: array, items: {{$ref: '#/components/schemas/Item'}}}}}}}}
components:
  schemas:
    Unused: {{type: object, properties: {{a: {{type: string}}}}}}
    Item: {{type: object, properties: {{id: {{type: string}}}}}}
"
        ));
        let unused = unused_types(&api);
        assert_eq!(unused.iter().map(|id| api.types[id.0].name.as_str()).collect::<Vec<_>>(), ["Unused"]);
        remove_types(&mut api.types, &mut api.operations, &unused);
        let items = api.operations[0].pagination.as_ref().and_then(|p| p.items.as_ref()).expect("pages of items");
        let TypeRef::Named(id) = items.item else { panic!("a named item type") };
        assert_eq!(api.types[id.0].name, "Item", "the pages' item type follows its type to its new place");
    }

    #[test]
    fn keeping_unknown_fields_opens_only_structs_that_can_hold_them() {
        let (mut api, _) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Open: {{type: object, properties: {{a: {{type: string}}}}}}
    Closed: {{type: object, additionalProperties: false, properties: {{a: {{type: string}}}}}}
    Typed: {{type: object, additionalProperties: {{type: integer}}, properties: {{a: {{type: string}}}}}}
    Taken: {{type: object, properties: {{additional_properties: {{type: string}}}}}}
    Both:
      allOf:
        - {{type: object, properties: {{a: {{type: string}}}}}}
        - oneOf: [{{$ref: '#/components/schemas/Open'}}, {{$ref: '#/components/schemas/Taken'}}]
"
        ));
        keep_unknown_fields(&mut api.types);
        let unknown = |name: &str| match &test_support::type_named(&api, name).kind {
            TypeKind::Struct(s) => s.unknown.clone(),
            other => panic!("{name} is not a struct: {other:?}"),
        };
        assert_eq!(unknown("Open"), UnknownFields::Kept(TypeRef::Any), "an open struct keeps them");
        assert_eq!(unknown("Closed"), UnknownFields::Denied, "`additionalProperties: false` still refuses them");
        assert_eq!(unknown("Typed"), UnknownFields::Kept(TypeRef::I64), "a typed map keeps its type");
        assert_eq!(unknown("Taken"), UnknownFields::Ignored, "the map's field name is a property's");
        assert_eq!(unknown("Both"), UnknownFields::Ignored, "a flattened union would see them twice");
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Lowering of small documents written inline, for the unit tests of the lowering rules.

    use super::*;

    /// The start of a test document: the version and the `info` it must have.
    pub const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    /// Lowers an OpenAPI 3.0 document written as YAML, for models, client and server.
    pub fn lower_yaml(text: &str) -> (Api, Vec<Diagnostic>) {
        lower_yaml_for(text, true)
    }

    /// Lowers an OpenAPI 3.0 document written as YAML, for a run that generates a server or not.
    pub fn lower_yaml_for(text: &str, server: bool) -> (Api, Vec<Diagnostic>) {
        let document: openapiv3::OpenAPI = serde_norway::from_str(text).expect("a valid test document");
        let settings = Settings { keep_unknown_fields: false, config: &Config::default(), server };
        lower_document(&document, std::path::Path::new("test.yaml"), &settings)
    }

    /// The messages of `diagnostics`.
    pub fn warnings(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.message.as_str()).collect()
    }

    /// The type of `api` named `name`.
    pub fn type_named<'a>(api: &'a Api, name: &str) -> &'a crate::ir::TypeDef {
        api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"))
    }
}
