//! Lower: the only stage that knows OpenAPI. Turns a [`LoadedSpec`] into the [`Api`] IR and reports every
//! problem it finds as a [`Diagnostic`] (collecting them all rather than stopping at the first).

mod markdown;
mod operation;
mod schema;
mod shape;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as SpecScheme};

use crate::diagnostic::{Diagnostic, pointer};
use std::collections::BTreeSet;

use crate::ir::{
    Api, Operation, SchemeKind, SecurityScheme, Server, ServerVariable, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::load::LoadedSpec;
use crate::naming::{Namespace, bare, type_name, value_name};
use schema::TypeLowerer;

/// Lowers `spec`. Returns the API (unless an error was found) and all diagnostics, located in the source. The
/// document is dropped before the source text is read again to place the diagnostics, so the two (a large spec's
/// biggest allocations) are never held together with the API.
pub fn lower(spec: LoadedSpec) -> (Option<Api>, Vec<Diagnostic>) {
    let LoadedSpec { document, path, warnings } = spec;
    let (api, mut diagnostics) = lower_document(&document, &path);
    diagnostics.splice(0..0, warnings);
    drop(document);
    crate::pipeline::release_freed_memory();
    let diagnostics = crate::load::place_in_file(&path, diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (Some(api), diagnostics)
}

/// Gives every open struct (no `additionalProperties: false`, no map of its own, nothing flattened into it) a map
/// that keeps the properties the document does not name: see [`crate::Options::keep_unknown_fields`]. A struct with
/// a property that already takes the map's field name keeps its shape.
pub fn keep_unknown_fields(api: &mut Api) {
    for def in &mut api.types {
        if let TypeKind::Struct(s) = &mut def.kind
            && !s.deny_unknown_fields
            && s.additional.is_none()
            && !s.fields.iter().any(|f| f.flatten || f.name == "additional_properties")
        {
            s.additional = Some(TypeRef::Any);
        }
    }
}

/// Lowers a document read from `path`: the API and the diagnostics (not yet placed in the source).
fn lower_document(document: &openapiv3::OpenAPI, path: &std::path::Path) -> (Api, Vec<Diagnostic>) {
    // Parsed before the type lowerer starts: it borrows from them as it does from the document.
    let (extra_operations, mut diagnostics) = operation::extra_operations(document, path);
    let mut types = TypeLowerer::new(document, path);
    types.lower_components();
    let (security_schemes, scheme_diagnostics) = security_schemes(document, path);
    diagnostics.extend(scheme_diagnostics);
    let operations = operation::lower_operations(document, &extra_operations, &mut types, &security_schemes);
    let (mut types, orphans, type_diagnostics) = types.finish();
    let mut operations = operations;
    remove_types(&mut types, &mut operations, &orphans);
    diagnostics.extend(type_diagnostics);
    let api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.as_deref().map(markdown::rustdoc_safe),
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
    let mut remap = |ty: &mut TypeRef| {
        ty.visit_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                *id = new_ids[id.0];
            }
        })
    };
    types.iter_mut().for_each(|def| def.visit_uses_mut(&mut remap));
    operations.iter_mut().for_each(|op| op.visit_uses_mut(&mut remap));
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
            description: variable.description.as_deref().map(markdown::rustdoc_safe),
        })
        .collect();
    Server {
        url: server.url.clone(),
        description: server.description.as_deref().map(markdown::rustdoc_safe),
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
            SpecScheme::OAuth2 { description, .. } | SpecScheme::OpenIDConnect { description, .. } => {
                (SchemeKind::Bearer, description)
            }
        };
        let name = names.claim(bare(&value_name(spec_name))).0;
        let variant = variants.claim(&type_name(spec_name)).0;
        schemes.push(SecurityScheme {
            spec_name: spec_name.clone(),
            name,
            variant,
            kind,
            doc: doc.as_deref().map(markdown::rustdoc_safe),
        });
    }
    (schemes, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Presence;

    /// Lowers an OpenAPI 3.0 document written as YAML.
    fn lower_yaml(text: &str) -> (Api, Vec<Diagnostic>) {
        let document: openapiv3::OpenAPI = serde_norway::from_str(text).expect("a valid test document");
        lower_document(&document, std::path::Path::new("test.yaml"))
    }

    fn warnings(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.message.as_str()).collect()
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn a_pages_helper_gives_way_to_an_operation_of_the_same_name() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /items:
    get:
      operationId: listItems
      x-pagination: {{page-param: page, next: next}}
      parameters: [{{name: page, in: query, schema: {{type: integer}}}}]
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{next: {{type: string}}}}}}}}}}}}
  /pages:
    get:
      operationId: listItemsPages
      responses: {{'204': {{description: none}}}}
"
        ));
        let names: Vec<&str> = api.operations.iter().map(|op| op.method_name.as_str()).collect();
        assert_eq!(names, ["list_items", "list_items_pages"]);
        let pages = api.operations[0].pagination.as_ref().expect("paged");
        assert_eq!(pages.method_name, "list_items_pages_2");
        assert!(
            warnings(&diagnostics).iter().any(|w| w.contains("`list_items_pages` is already taken")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn operations_and_schemes_whose_names_meet_in_rust_get_distinct_names() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths:
  /a: {{get: {{operationId: getPet, responses: {{'204': {{description: x}}}}}}}}
  /b: {{get: {{operationId: GetPet, responses: {{'204': {{description: x}}}}}}}}
  /c: {{get: {{operationId: authorize, responses: {{'204': {{description: x}}}}}}}}
  /d: {{get: {{operationId: client, responses: {{'204': {{description: x}}}}}}}}
components:
  securitySchemes:
    a_1: {{type: http, scheme: bearer}}
    a1: {{type: http, scheme: bearer}}
"
        ));
        let names: Vec<&str> = api.operations.iter().map(|op| op.method_name.as_str()).collect();
        assert_eq!(names, ["get_pet", "get_pet_2", "authorize_2", "client"]);
        let variants: Vec<&str> = api.security_schemes.iter().map(|s| s.variant.as_str()).collect();
        assert_eq!(variants, ["A1", "A1_2"]);
        let types = &api.operations[0].type_names;
        let other = &api.operations[1].type_names;
        assert_eq!(
            (types.response.as_str(), types.error.as_str(), types.params.as_str()),
            ("GetPetResponse", "GetPetError", "GetPetParams")
        );
        assert_ne!(types.params, other.params);
        assert!(warnings(&diagnostics).iter().any(|w| w.contains("`get_pet` is already taken")), "{diagnostics:?}");
    }

    #[test]
    fn parameters_do_not_take_the_names_of_the_method_bodys_locals() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths:
  /a:
    get:
      parameters:
        - {{name: url, in: query, required: true, schema: {{type: string}}}}
        - {{name: request, in: header, schema: {{type: string}}}}
      responses: {{'204': {{description: x}}}}
"
        ));
        let names: Vec<&str> = api.operations[0].params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["url_2", "request"], "an optional parameter is a field of `Params`, which meets no local");
    }

    #[test]
    fn an_all_of_member_that_refines_a_property_keeps_its_name_and_place() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Base: {{type: object, required: [id], properties: {{id: {{type: string, description: The id.}}, name: {{type: string}}}}}}
    Child:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties: {{id: {{type: string, format: uuid}}}}
"
        ));
        let child = api.types.iter().find(|t| t.name == "Child").expect("Child");
        let TypeKind::Struct(s) = &child.kind else { panic!("a struct") };
        let fields: Vec<(&str, Presence)> = s.fields.iter().map(|f| (f.name.as_str(), f.presence)).collect();
        assert_eq!(fields, [("id", Presence::Required), ("name", Presence::Optional)]);
        assert_eq!(s.fields[0].ty, TypeRef::Primitive(crate::ir::Primitive::Uuid));
        assert_eq!(s.fields[0].doc.as_deref(), Some("The id."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn number_and_boolean_enums_are_not_reported_as_mistyped() {
        let (_, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Ratio: {{type: number, enum: [1.5, 2]}}
    Flag: {{type: boolean, enum: [true]}}
    Mixed: {{type: number, enum: [1.5, nope]}}
"
        ));
        let messages = warnings(&diagnostics);
        assert_eq!(messages, ["`enum` values that are not numbers are ignored"], "{diagnostics:?}");
        assert_eq!(diagnostics[0].pointer, "#/components/schemas/Mixed");
    }

    #[test]
    fn a_note_on_a_named_component_is_reported_once() {
        let (_, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Odd: {{type: boolean, properties: {{a: {{type: string}}}}}}
    Never: {{not: {{type: string}}}}
"
        ));
        let messages = warnings(&diagnostics);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`type: boolean` with `properties`"));
        assert!(messages[1].contains("`not`"));
    }

    #[test]
    fn discriminated_variants_are_tagged_by_the_value_they_allow() {
        let (api, diagnostics) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Event:
      oneOf:
        - $ref: '#/components/schemas/Created'
        - allOf:
            - $ref: '#/components/schemas/Deleted'
            - {{type: object, properties: {{lane: {{type: string}}}}}}
      discriminator: {{propertyName: type}}
    Created: {{type: object, required: [type], properties: {{type: {{type: string, enum: [item.created]}}}}}}
    Deleted: {{type: object, required: [type], properties: {{type: {{type: string, enum: [item.deleted]}}}}}}
    Message:
      oneOf:
        - $ref: '#/components/schemas/Input'
        - $ref: '#/components/schemas/Output'
      discriminator: {{propertyName: type}}
    Input: {{type: object, properties: {{type: {{type: string, enum: [message]}}, text: {{type: string}}}}}}
    Output: {{type: object, properties: {{type: {{type: string, enum: [message]}}, id: {{type: string}}}}}}
"
        ));
        let union = |name: &str| match &api.types.iter().find(|t| t.name == name).expect(name).kind {
            TypeKind::Union(union) => union.clone(),
            other => panic!("{name} is {other:?}"),
        };
        let event = union("Event");
        let tags: Vec<&str> = event.variants.iter().map(|v| v.tag.as_str()).collect();
        assert_eq!(tags, ["item.created", "item.deleted"], "the enum value, not the schema name or the position");
        assert_eq!(event.tagging, crate::ir::Tagging::Internal("type".into()));
        let message = union("Message");
        assert_eq!(message.tagging, crate::ir::Tagging::Untagged, "two variants share the tag `message`");
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("share a value") && d.pointer == "#/components/schemas/Message/oneOf"),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn only_the_field_that_closes_a_cycle_of_values_is_boxed() {
        let (api, _) = lower_yaml(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Tree:
      type: object
      properties:
        parent: {{$ref: '#/components/schemas/Parent'}}
        children: {{type: array, items: {{$ref: '#/components/schemas/Tree'}}}}
        label: {{$ref: '#/components/schemas/Label'}}
    Parent: {{$ref: '#/components/schemas/Tree'}}
    Label:
      type: object
      properties:
        tree: {{$ref: '#/components/schemas/Tree'}}
"
        ));
        let boxed = |name: &str| -> Vec<&str> {
            match &api.types.iter().find(|t| t.name == name).expect(name).kind {
                TypeKind::Struct(s) => s.fields.iter().filter(|f| f.boxed).map(|f| f.name.as_str()).collect(),
                _ => panic!("{name} is a struct"),
            }
        };
        // `parent` holds a `Tree` through an alias; `children` is a `Vec` (already on the heap); `Label` closes
        // the cycle `Tree` → `Label` → `Tree` at its field, as `Tree` is walked first.
        assert_eq!(boxed("Tree"), ["parent"]);
        assert_eq!(boxed("Label"), ["tree"]);
    }
}
