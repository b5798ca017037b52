//! Swagger 2.0 documents, upgraded on the JSON tree into the OpenAPI 3.0 form lowering reads, as 3.1 documents are
//! normalized: one set of lowering rules serves every version.
//!
//! [`upgrade`] runs before bundling: it moves `definitions`, `parameters`, `responses` and `securityDefinitions`
//! into `components`, rewrites the document's own `$ref`s to them, makes the base URL from `host`, `basePath` and
//! `schemes`, and turns each operation's `body` and `formData` parameters into its request body and each response's
//! `schema` into content, by the operation's (or the document's) `consumes` and `produces`. [`upgrade_schemas`]
//! runs after bundling, over the schemas of every file: `x-nullable`, a `discriminator` that is a property name and
//! `type: file`. Every node that moved is recorded in [`Relocations`], so diagnostics found later point into the
//! 2.0 source the user wrote.

use super::extensions::{FIELD_NAMES, SEPARATOR};
use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::bundle::Members;
use super::relocations::Relocations;
use crate::diagnostic::{Diagnostic, child};

/// The sections of a 2.0 document that become components: (2.0 key, components section).
pub(super) const SECTIONS: [(&str, &str); 4] = [
    ("definitions", "schemas"),
    ("parameters", "parameters"),
    ("responses", "responses"),
    ("securityDefinitions", "securitySchemes"),
];

/// The HTTP methods of a path item.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords a 2.0 parameter, header or items object shares with a schema.
const SCHEMA_KEYWORDS: [&str; 16] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Upgrades a Swagger 2.0 document (read from `path`) in place, before bundling. Returns warnings for what 3.0
/// cannot say, and where the moved nodes came from.
pub fn upgrade(document: &mut Value, path: &Path) -> (Vec<Diagnostic>, Relocations) {
    let mut upgrader = Upgrader { path, warnings: Vec::new(), relocations: Relocations::default() };
    if let Value::Object(top) = document {
        upgrader.document(top);
    }
    (upgrader.warnings, upgrader.relocations)
}

struct Upgrader<'p> {
    path: &'p Path,
    warnings: Vec<Diagnostic>,
    relocations: Relocations,
}

/// Parameters with their index in the list they were written in.
type Numbered = Vec<(usize, Value)>;

/// Media types as a list of strings, if `value` is one.
fn media_list(value: Option<&Value>) -> Option<Vec<String>> {
    let list: Vec<String> = value?.as_array()?.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    (!list.is_empty()).then_some(list)
}

impl Upgrader<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(self.path, pointer, message));
    }

    fn document(&mut self, top: &mut Map<String, Value>) {
        top.remove("swagger");
        top.insert("openapi".to_string(), json!("3.0.3"));
        if let Some(server) = server_url(top) {
            top.insert("servers".to_string(), json!([{"url": server}]));
        }
        let consumes = media_list(top.remove("consumes").as_ref()).unwrap_or_else(|| vec!["application/json".into()]);
        let produces = media_list(top.remove("produces").as_ref()).unwrap_or_else(|| vec!["application/json".into()]);
        // The document's parameters, as written: operations look up the body and form parameters they reference.
        let shared_parameters = top.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();

        let mut components = Map::new();
        for (old, section) in SECTIONS {
            let Some(Value::Object(entries)) = top.remove(old) else { continue };
            self.relocations.record(format!("#/components/{section}"), format!("#/{old}"));
            components.insert(section.to_string(), Value::Object(entries));
        }
        if let Some(Value::Object(parameters)) = components.get_mut("parameters") {
            let mut bodies = Map::new();
            for (name, parameter) in std::mem::take(parameters) {
                let at = child("#/parameters", &name);
                match parameter.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        self.relocations.record(child("#/components/requestBodies", &name), at.clone());
                        let body = body_request(&parameter, &consumes);
                        self.record_body_schema(&child("#/components/requestBodies", &name), &consumes, &at);
                        bodies.insert(name, body);
                    }
                    // Inlined into each operation's form body.
                    Some("formData") => {}
                    _ => {
                        let upgraded = self.parameter(parameter, &at);
                        parameters.insert(name, upgraded);
                    }
                }
            }
            if !bodies.is_empty() {
                components.insert("requestBodies".to_string(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            for (name, response) in responses.iter_mut() {
                let at = child("#/responses", name);
                *response =
                    self.response(std::mem::take(response), &produces, &child("#/components/responses", name), &at);
            }
        }
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            for scheme in schemes.values_mut() {
                *scheme = security_scheme(std::mem::take(scheme));
            }
        }
        if !components.is_empty() {
            top.insert("components".to_string(), Value::Object(components));
        }

        // Azure's `x-ms-paths`: path items whose keys carry a query string (`/x?op=y`), for operations that share a
        // path; lowering sends that query string.
        if let Some(Value::Object(extra)) = top.remove("x-ms-paths") {
            let paths = top.entry("paths").or_insert_with(|| json!({}));
            if let Value::Object(paths) = paths {
                for (key, item) in extra {
                    self.relocations.record(child("#/paths", &key), child("#/x-ms-paths", &key));
                    paths.entry(key).or_insert(item);
                }
            }
        }
        rewrite_refs(top, Members::Keywords);
        if let Some(Value::Object(schemas)) = top.get_mut("components").and_then(|c| c.get_mut("schemas")) {
            self.polymorphism(schemas);
        }
        let Some(Value::Object(paths)) = top.get_mut("paths") else { return };
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            if !path.starts_with('/') {
                continue;
            }
            let at = child("#/paths", path);
            self.path_item(item, &at, &shared_parameters, &consumes, &produces);
        }
    }

    /// 2.0's polymorphism: a definition with a `discriminator` (a property name) stands for itself and every
    /// definition that `allOf`s it, each tagged by its `x-discriminator-value` (or Azure's
    /// `x-ms-discriminator-value`) or its name. In 3.0 terms the base becomes a `oneOf` of those definitions with a
    /// discriminator mapping, and its own properties move to `<Base>Base`, which the variants (and the base's own
    /// value, tagged by its name) use.
    fn polymorphism(&mut self, schemas: &mut Map<String, Value>) {
        let bases: Vec<(String, String)> = schemas
            .iter()
            .filter_map(|(name, schema)| Some((name.clone(), schema.get("discriminator")?.as_str()?.to_string())))
            .collect();
        let extending = extensions_of(schemas);
        let position: HashMap<String, usize> = schemas.keys().cloned().enumerate().map(|(i, name)| (name, i)).collect();
        for (base, property) in bases {
            let base_ref = child("#/components/schemas", &base);
            let mut children = descendants(&extending, &base);
            children.sort_by_key(|name| position.get(name).copied());
            if children.is_empty() {
                continue;
            }
            let mut own = format!("{base}Base");
            while schemas.contains_key(&own) {
                own.push('_');
            }
            let own_ref = child("#/components/schemas", &own);
            let Some(Value::Object(mut base_schema)) = schemas.get(&base).cloned() else { continue };
            base_schema.remove("discriminator");
            let tag_of = |schema: &Map<String, Value>, name: &str| {
                ["x-discriminator-value", "x-ms-discriminator-value"]
                    .iter()
                    .find_map(|key| schema.get(*key)?.as_str().map(str::to_string))
                    .unwrap_or_else(|| name.to_string())
            };
            let mut variants = vec![json!({"$ref": own_ref})];
            let mut mapping = Map::new();
            mapping.insert(tag_of(&base_schema, &base), json!(own_ref));
            for child_name in &children {
                let Some(Value::Object(variant)) = schemas.get_mut(child_name) else { continue };
                if let Some(Value::Array(members)) = variant.get_mut("allOf") {
                    for member in members.iter_mut() {
                        if member.get("$ref").and_then(Value::as_str) == Some(base_ref.as_str()) {
                            *member = json!({"$ref": own_ref});
                        }
                    }
                }
                let child_ref = child("#/components/schemas", child_name);
                mapping.insert(tag_of(variant, child_name), json!(child_ref));
                variants.push(json!({"$ref": child_ref}));
            }
            let mut union = Map::new();
            if let Some(description) = base_schema.get("description") {
                union.insert("description".to_string(), description.clone());
            }
            union.insert("oneOf".to_string(), Value::Array(variants));
            union.insert("discriminator".to_string(), json!({"propertyName": property, "mapping": mapping}));
            self.relocations.record(child("#/components/schemas", &own), child("#/definitions", &base));
            // The base's own properties come right after it, where a translation by hand would put them.
            let at = schemas.keys().position(|name| *name == base).map_or(schemas.len(), |index| index + 1);
            schemas.shift_insert(at, own, Value::Object(base_schema));
            schemas.insert(base, Value::Object(union));
        }
    }

    /// Upgrades the operations of one path item; its own parameters apply to each of them.
    fn path_item(
        &mut self,
        item: &mut Map<String, Value>,
        at: &str,
        shared: &Map<String, Value>,
        consumes: &[String],
        produces: &[String],
    ) {
        let path_parameters: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        // Body and form parameters of the path item move into each operation; the others stay.
        let (moved, kept): (Numbered, Numbered) =
            path_parameters.into_iter().enumerate().partition(|(_, p)| is_body_or_form(p, shared));
        if !moved.is_empty() || !kept.is_empty() {
            let mut upgraded = Vec::new();
            for (index, parameter) in kept {
                let source = child(&child(at, "parameters"), &index.to_string());
                self.relocations.record(child(&child(at, "parameters"), &upgraded.len().to_string()), source.clone());
                upgraded.push(self.parameter(parameter, &source));
            }
            item.insert("parameters".to_string(), Value::Array(upgraded));
        }
        for method in METHODS {
            let Some(Value::Object(operation)) = item.get_mut(method) else { continue };
            let op_at = child(at, method);
            let consumes = media_list(operation.remove("consumes").as_ref()).unwrap_or_else(|| consumes.to_vec());
            let produces = media_list(operation.remove("produces").as_ref()).unwrap_or_else(|| produces.to_vec());
            operation.remove("schemes");
            let own: Vec<Value> = operation.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            let inherited = moved.iter().map(|(i, p)| (child(&child(at, "parameters"), &i.to_string()), p.clone()));
            let listed =
                own.into_iter().enumerate().map(|(i, p)| (child(&child(&op_at, "parameters"), &i.to_string()), p));
            let mut parameters = Vec::new();
            let mut form = FormBody::default();
            for (source, parameter) in inherited.chain(listed) {
                let resolved = resolve_shared(&parameter, shared);
                match resolved.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        let upgraded_at = child(&op_at, "requestBody");
                        let body = match parameter.get("$ref").and_then(Value::as_str) {
                            Some(reference) => {
                                json!({"$ref": reference.replace("#/components/parameters/", "#/components/requestBodies/")})
                            }
                            None => {
                                let body = body_request(&parameter, &consumes);
                                self.record_body_schema(&upgraded_at, &consumes, &source);
                                body
                            }
                        };
                        self.relocations.record(upgraded_at, source);
                        operation.insert("requestBody".to_string(), body);
                    }
                    Some("formData") => form.add(resolved, &source),
                    _ => {
                        let index = parameters.len();
                        self.relocations
                            .record(child(&child(&op_at, "parameters"), &index.to_string()), source.clone());
                        parameters.push(self.parameter(parameter, &source));
                    }
                }
            }
            if let Some(first) = form.sources.first() {
                self.relocations.record(child(&op_at, "requestBody"), first.clone());
            }
            if let Some(body) = form.body(&consumes) {
                operation.insert("requestBody".to_string(), body);
            }
            if parameters.is_empty() {
                operation.remove("parameters");
            } else {
                operation.insert("parameters".to_string(), Value::Array(parameters));
            }
            if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                for (status, response) in responses.iter_mut() {
                    if status.starts_with("x-") {
                        continue;
                    }
                    let response_at = child(&child(&op_at, "responses"), status);
                    *response = self.response(std::mem::take(response), &produces, &response_at, &response_at);
                }
            }
        }
    }

    /// Records where the schema of a request body made from a body parameter came from.
    fn record_body_schema(&mut self, body_at: &str, consumes: &[String], source: &str) {
        // The media types come from `consumes`; a diagnostic about them points at the parameter.
        self.relocations.record(child(body_at, "content"), source.to_string());
        for media in consumes {
            let upgraded = child(&child(&child(body_at, "content"), media), "schema");
            self.relocations.record(upgraded, child(source, "schema"));
        }
    }

    /// A query, header, path or cookie parameter: its type keywords move into a `schema`, `collectionFormat` becomes
    /// a style.
    fn parameter(&mut self, parameter: Value, at: &str) -> Value {
        let Value::Object(mut parameter) = parameter else { return parameter };
        if parameter.contains_key("$ref") || parameter.contains_key("schema") {
            return Value::Object(parameter);
        }
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
        let format = parameter.remove("collectionFormat");
        let schema = schema_of(&mut parameter);
        self.relocations.record(child(at, "schema"), at.to_string());
        let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
        parameter.insert("schema".to_string(), schema);
        if is_array {
            let format = format.as_ref().and_then(Value::as_str).unwrap_or("csv");
            let (style, explode, separator) = collection_style(format, &location).unwrap_or_else(|| {
                self.warn(
                    &child(at, "collectionFormat"),
                    format!(
                        "`collectionFormat: {format}` is not one of 2.0's formats; the values are sent comma-separated"
                    ),
                );
                ("form", false, None)
            });
            if let Some(separator) = separator {
                parameter.insert(SEPARATOR.to_string(), json!(separator));
            }
            if location == "query" || style != "form" {
                parameter.insert("style".to_string(), json!(style));
                parameter.insert("explode".to_string(), json!(explode));
            }
        }
        Value::Object(parameter)
    }

    /// A response: its `schema` becomes content of each produced media type, its headers' type keywords schemas,
    /// its `examples` (by media type) those media types' examples.
    fn response(&mut self, response: Value, produces: &[String], upgraded_at: &str, source: &str) -> Value {
        let Value::Object(mut response) = response else { return response };
        if response.contains_key("$ref") {
            return Value::Object(response);
        }
        response.entry("description").or_insert_with(|| json!(""));
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                if let Value::Object(header) = header {
                    header.remove("collectionFormat");
                    let schema = schema_of(header);
                    header.insert("schema".to_string(), schema);
                    let header_at = child(&child(upgraded_at, "headers"), name);
                    self.relocations.record(child(&header_at, "schema"), child(&child(source, "headers"), name));
                }
            }
        }
        let examples = response.remove("examples");
        if let Some(schema) = response.remove("schema") {
            let is_file = schema.get("type").and_then(Value::as_str) == Some("file");
            let json_only = produces.iter().all(|media| is_json(media));
            let media_types: Vec<String> =
                if is_file && json_only { vec!["application/octet-stream".to_string()] } else { produces.to_vec() };
            let mut content = Map::new();
            for media in media_types {
                let mut object = Map::new();
                object.insert("schema".to_string(), schema.clone());
                if let Some(example) = examples.as_ref().and_then(|e| e.get(&media)) {
                    object.insert("example".to_string(), example.clone());
                }
                let schema_at = child(&child(&child(upgraded_at, "content"), &media), "schema");
                self.relocations.record(schema_at, child(source, "schema"));
                content.insert(media, Value::Object(object));
            }
            response.insert("content".to_string(), Value::Object(content));
        }
        Value::Object(response)
    }
}

/// The definitions that extend another through `allOf`, by the extended one's reference, in the document's order.
fn extensions_of(schemas: &Map<String, Value>) -> HashMap<String, Vec<String>> {
    let mut extending: HashMap<String, Vec<String>> = HashMap::new();
    for (name, schema) in schemas {
        let members = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for reference in members.iter().filter_map(|m| m.get("$ref")?.as_str()) {
            extending.entry(reference.to_string()).or_default().push(name.clone());
        }
    }
    extending
}

/// The definitions that extend `base`, directly or through another that does (a grandchild is a value of its
/// grandparent too), each once.
fn descendants<'n>(extending: &'n HashMap<String, Vec<String>>, base: &'n str) -> Vec<String> {
    let reference = |name: &str| child("#/components/schemas", name);
    let mut found: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::from([base]);
    let mut pending = vec![reference(base)];
    while let Some(parent) = pending.pop() {
        for name in extending.get(&parent).into_iter().flatten() {
            if seen.insert(name) {
                found.push(name.clone());
                pending.push(reference(name));
            }
        }
    }
    found
}

/// The base URL from `host`, `basePath` and `schemes` (the first scheme, or `https`); with no host, the base path
/// alone (relative: the user passes the URL).
fn server_url(top: &mut Map<String, Value>) -> Option<String> {
    let host = top.remove("host").and_then(|h| h.as_str().map(str::to_string));
    let base = top.remove("basePath").and_then(|b| b.as_str().map(str::to_string)).unwrap_or_default();
    let schemes = top.remove("schemes");
    let scheme = schemes
        .as_ref()
        .and_then(Value::as_array)
        .and_then(|s| s.iter().filter_map(Value::as_str).find(|s| *s == "https").or_else(|| s.first()?.as_str()))
        .unwrap_or("https")
        .to_string();
    match host {
        Some(host) => Some(format!("{scheme}://{host}{}", base.trim_end_matches('/'))),
        None if !base.is_empty() && base != "/" => Some(base.trim_end_matches('/').to_string()),
        None => None,
    }
}

/// Whether a media type carries JSON.
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// A parameter's own object, or the document parameter its `$ref` names.
fn resolve_shared<'v>(parameter: &'v Value, shared: &'v Map<String, Value>) -> &'v Value {
    let target = parameter
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/parameters/").or_else(|| r.strip_prefix("#/parameters/")))
        .map(crate::diagnostic::unescape_pointer_token)
        .and_then(|name| shared.get(&name));
    target.unwrap_or(parameter)
}

fn is_body_or_form(parameter: &Value, shared: &Map<String, Value>) -> bool {
    matches!(resolve_shared(parameter, shared).get("in").and_then(Value::as_str), Some("body" | "formData"))
}

/// The request body made from a body parameter (its `schema` in each consumed media type).
fn body_request(parameter: &Value, consumes: &[String]) -> Value {
    let schema = parameter.get("schema").cloned().unwrap_or_else(|| json!({}));
    let content: Map<String, Value> =
        consumes.iter().map(|media| (media.clone(), json!({"schema": schema.clone()}))).collect();
    let mut body = Map::new();
    if let Some(description) = parameter.get("description") {
        body.insert("description".to_string(), description.clone());
    }
    if let Some(required) = parameter.get("required") {
        body.insert("required".to_string(), required.clone());
    }
    body.insert("content".to_string(), Value::Object(content));
    Value::Object(body)
}

/// The 3.0 `style` and `explode` of a 2.0 `collectionFormat` in a parameter at `location` (`csv` in a path or a
/// header is `simple`), with the separator an extension must say where no 3.0 style does (`tsv`, read by
/// lowering); `None` for a format 2.0 does not have.
fn collection_style(format: &str, location: &str) -> Option<(&'static str, bool, Option<&'static str>)> {
    Some(match (format, location) {
        ("multi", _) => ("form", true, None),
        ("csv", "path" | "header") => ("simple", false, None),
        ("csv", _) => ("form", false, None),
        ("ssv", _) => ("spaceDelimited", false, None),
        ("pipes", _) => ("pipeDelimited", false, None),
        ("tsv", _) => ("form", false, Some("\t")),
        _ => return None,
    })
}

/// The `formData` parameters of an operation, gathered into one object schema.
#[derive(Default)]
struct FormBody {
    properties: Map<String, Value>,
    /// How array parts are written (their `collectionFormat`), by name.
    encoding: Map<String, Value>,
    required: Vec<Value>,
    has_file: bool,
    sources: Vec<String>,
}

impl FormBody {
    fn add(&mut self, parameter: &Value, source: &str) {
        let Value::Object(parameter) = parameter else { return };
        let Some(name) = parameter.get("name").and_then(Value::as_str) else { return };
        let mut fields = parameter.clone();
        let format = fields.remove("collectionFormat");
        let mut schema = schema_of(&mut fields);
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            // An unknown format is sent as the default, comma-separated.
            let format = format.as_ref().and_then(Value::as_str).unwrap_or("csv");
            let (style, explode, separator) = collection_style(format, "formData").unwrap_or(("form", false, None));
            let mut encoding = json!({"style": style, "explode": explode});
            // A multipart part ignores `style` in 3.0, so the separator of values joined into one part is said
            // outright (read by lowering); `multi` repeats the part, as 3.0 does.
            let joined_by = match (style, explode) {
                (_, true) => None,
                ("spaceDelimited", _) => Some(" "),
                ("pipeDelimited", _) => Some("|"),
                _ => Some(separator.unwrap_or(",")),
            };
            if let Some(separator) = joined_by {
                encoding[SEPARATOR] = json!(separator);
            }
            self.encoding.insert(name.to_string(), encoding);
        }
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            self.has_file = true;
            schema = json!({"type": "string", "format": "binary"});
        }
        if let (Some(description), Value::Object(schema)) = (parameter.get("description"), &mut schema) {
            schema.insert("description".to_string(), description.clone());
        }
        if parameter.get("required") == Some(&Value::Bool(true)) {
            self.required.push(json!(name));
        }
        self.properties.insert(name.to_string(), schema);
        self.sources.push(source.to_string());
    }

    /// The request body: multipart when a part is a file or `consumes` asks for it, else a URL-encoded form.
    fn body(self, consumes: &[String]) -> Option<Value> {
        if self.properties.is_empty() {
            return None;
        }
        let multipart = self.has_file || consumes.iter().any(|m| m.starts_with("multipart/form-data"));
        let media = if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
        let mut schema = json!({"type": "object", "properties": self.properties});
        if !self.required.is_empty() {
            schema["required"] = Value::Array(self.required.clone());
        }
        let required = !self.required.is_empty();
        let mut content = json!({"schema": schema});
        if !self.encoding.is_empty() {
            content["encoding"] = Value::Object(self.encoding);
        }
        Some(json!({"required": required, "content": {media: content}}))
    }
}

/// Takes the schema keywords out of a 2.0 parameter, header or items object into a schema (items recursively).
fn schema_of(fields: &mut Map<String, Value>) -> Value {
    let mut schema = Map::new();
    for key in SCHEMA_KEYWORDS {
        if let Some(value) = fields.remove(key) {
            schema.insert(key.to_string(), value);
        }
    }
    if let Some(Value::Object(items)) = schema.get_mut("items") {
        items.remove("collectionFormat");
        let inner = schema_of(items);
        schema.insert("items".to_string(), inner);
    }
    for key in ["x-nullable", "x-isnullable"] {
        if let Some(value) = fields.remove(key) {
            schema.insert(key.to_string(), value);
        }
    }
    Value::Object(schema)
}

/// A 2.0 security definition as a 3.0 security scheme.
fn security_scheme(scheme: Value) -> Value {
    let Value::Object(mut scheme) = scheme else { return scheme };
    match scheme.get("type").and_then(Value::as_str) {
        Some("basic") => {
            scheme.insert("type".to_string(), json!("http"));
            scheme.insert("scheme".to_string(), json!("basic"));
        }
        Some("oauth2") => {
            let flow = scheme.remove("flow");
            let authorization = scheme.remove("authorizationUrl");
            let token = scheme.remove("tokenUrl");
            let scopes = scheme.remove("scopes").unwrap_or_else(|| json!({}));
            let (name, details) = match flow.as_ref().and_then(Value::as_str) {
                Some("implicit") => ("implicit", json!({"authorizationUrl": authorization, "scopes": scopes})),
                Some("password") => ("password", json!({"tokenUrl": token, "scopes": scopes})),
                Some("application") => ("clientCredentials", json!({"tokenUrl": token, "scopes": scopes})),
                _ => (
                    "authorizationCode",
                    json!({"authorizationUrl": authorization, "tokenUrl": token, "scopes": scopes}),
                ),
            };
            scheme.insert("flows".to_string(), json!({name: details}));
        }
        _ => {}
    }
    Value::Object(scheme)
}

/// Rewrites the document's own references into the sections that moved: `#/definitions/X` →
/// `#/components/schemas/X`, and likewise for parameters and responses. References into other files are left to
/// bundling, which reads those files as they are written.
fn rewrite_refs(map: &mut Map<String, Value>, members: Members) {
    if members == Members::Keywords
        && let Some(Value::String(reference)) = map.get_mut("$ref")
        && let Some(rest) = reference.strip_prefix("#/")
    {
        for (old, section) in SECTIONS {
            if let Some(name) = rest.strip_prefix(old).and_then(|r| r.strip_prefix('/')) {
                *reference = format!("#/components/{section}/{name}");
                break;
            }
        }
    }
    for (key, value) in map.iter_mut() {
        let Some(inner) = members.of_child(key, value) else { continue };
        rewrite_value(value, inner);
    }
}

fn rewrite_value(value: &mut Value, members: Members) {
    match value {
        Value::Object(map) => rewrite_refs(map, members),
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_value(item, Members::Keywords)),
        _ => {}
    }
}

/// After bundling: upgrades the parameters and responses that bundling copied from other 2.0 files as they were
/// written (a query, header or path parameter's type into a schema; a response's `schema` into JSON content), then
/// the 2.0 schema keywords of every schema, copied or not: `x-nullable`/`x-isnullable` become `nullable`, a
/// `discriminator` that names a property becomes a Discriminator object, `type: file` a binary string.
pub fn upgrade_schemas(document: &mut Value, path: &Path) -> Vec<Diagnostic> {
    let mut upgrader = Upgrader { path, warnings: Vec::new(), relocations: Relocations::default() };
    if let Some(Value::Object(components)) = document.get_mut("components") {
        if let Some(Value::Object(parameters)) = components.get_mut("parameters") {
            for (name, parameter) in parameters.iter_mut() {
                let typed = parameter.get("in").and_then(Value::as_str).is_some_and(|place| place != "body")
                    && parameter.get("schema").is_none()
                    && parameter.get("content").is_none();
                if typed {
                    let at = child("#/components/parameters", name);
                    *parameter = upgrader.parameter(std::mem::take(parameter), &at);
                }
            }
        }
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            let json = ["application/json".to_string()];
            for (name, response) in responses.iter_mut() {
                if response.get("schema").is_some() {
                    let at = child("#/components/responses", name);
                    *response = upgrader.response(std::mem::take(response), &json, &at, &at);
                }
            }
        }
    }
    let mut named_enums = false;
    walk_schemas(document, Members::Keywords, &mut named_enums);
    // A second walk only for the documents that name an enum (Azure's).
    if named_enums {
        name_enums(document);
    }
    upgrader.warnings
}

/// Keywords that describe one use of a schema rather than its values: they stay where the schema was written when
/// the schema moves into a component.
const USE_KEYWORDS: &[&str] =
    &["description", "title", "readOnly", "writeOnly", "default", "example", "nullable", "externalDocs"];

/// Azure's `x-ms-enum` `name` names the enum type: an enum written inline under a name becomes the component of
/// that name (the first one written; later ones with the same values refer to it), so a named enum is one Rust
/// type wherever it is used. An enum whose name a definition already has, or that another enum of that name with
/// other values took first, stays where it is.
fn name_enums(document: &mut Value) {
    let Some(Value::Object(components)) = document.get_mut("components") else { return };
    let Some(Value::Object(mut definitions)) = components.remove("schemas") else { return };
    let mut named = NamedEnums { taken: definitions.keys().cloned().collect(), found: Map::new() };
    named.walk(document, Members::Keywords);
    for definition in definitions.values_mut() {
        if let Value::Object(keywords) = definition {
            for (key, item) in keywords.iter_mut() {
                if let Some(inner) = Members::Keywords.of_child(key, item) {
                    named.walk(item, inner);
                }
            }
        }
    }
    definitions.extend(named.found);
    if let Some(Value::Object(components)) = document.get_mut("components") {
        components.insert("schemas".to_string(), Value::Object(definitions));
    }
}

/// The enums [`name_enums`] has moved into components, and the names it may not use.
struct NamedEnums {
    taken: HashSet<String>,
    found: Map<String, Value>,
}

impl NamedEnums {
    fn walk(&mut self, value: &mut Value, members: Members) {
        match value {
            Value::Object(map) => {
                if members == Members::Keywords {
                    self.name(map);
                }
                for (key, item) in map.iter_mut() {
                    if let Some(inner) = members.of_child(key, item) {
                        self.walk(item, inner);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.walk(item, Members::Keywords)),
            _ => {}
        }
    }

    fn name(&mut self, schema: &mut Map<String, Value>) {
        let name = schema.get("x-ms-enum").and_then(|e| e.get("name")).and_then(Value::as_str);
        let Some(name) = name.filter(|name| !name.is_empty() && !self.taken.contains(*name)) else { return };
        if !schema.contains_key("enum") {
            return;
        }
        let name = name.to_string();
        let values: Map<String, Value> = schema
            .iter()
            .filter(|(key, _)| !USE_KEYWORDS.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        match self.found.get(&name) {
            // Another enum took the name: this one stays as it was written.
            Some(first) if first.as_object() != Some(&values) => return,
            Some(_) => {}
            None => {
                self.found.insert(name.clone(), Value::Object(values));
            }
        }
        schema.retain(|key, _| USE_KEYWORDS.contains(&key.as_str()));
        let reference = child("#/components/schemas", &name);
        if schema.is_empty() {
            schema.insert("$ref".to_string(), json!(reference));
        } else {
            schema.insert("allOf".to_string(), json!([{"$ref": reference}]));
        }
    }
}

/// Upgrades the 2.0 keywords of every schema under `value`; `named_enums` is set when one names its enum
/// (`x-ms-enum.name`).
fn walk_schemas(value: &mut Value, members: Members, named_enums: &mut bool) {
    match value {
        Value::Object(map) => {
            if members == Members::Keywords {
                *named_enums |= map.get("x-ms-enum").and_then(|e| e.get("name")).is_some();
                for key in ["x-nullable", "x-isnullable"] {
                    if let Some(Value::Bool(nullable)) = map.remove(key) {
                        map.insert("nullable".to_string(), json!(nullable));
                    }
                }
                // Beside a `$ref` nothing is read, so a nullable reference becomes a nullable `allOf` of it.
                if map.get("nullable") == Some(&Value::Bool(true))
                    && let Some(reference) = map.remove("$ref")
                {
                    map.insert("allOf".to_string(), json!([{"$ref": reference}]));
                }
                if let Some(Value::String(property)) = map.get("discriminator") {
                    let property = property.clone();
                    map.insert("discriminator".to_string(), json!({"propertyName": property}));
                }
                if map.get("type").and_then(Value::as_str) == Some("file") {
                    map.insert("type".to_string(), json!("string"));
                    map.insert("format".to_string(), json!("binary"));
                }
                ms_enum(map);
                super::normalize::type_array(map);
                client_names(map);
            }
            for (key, item) in map.iter_mut() {
                if let Some(inner) = members.of_child(key, item) {
                    walk_schemas(item, inner, named_enums);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk_schemas(item, Members::Keywords, named_enums)),
        _ => {}
    }
}

/// Azure's `x-ms-client-name` on properties, gathered into the object's [`FIELD_NAMES`] (lowering reads it).
fn client_names(map: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = map.get_mut("properties") else { return };
    let names: Map<String, Value> = properties
        .iter_mut()
        .filter_map(|(json_name, property)| {
            let name = property.as_object_mut()?.remove("x-ms-client-name")?;
            name.is_string().then(|| (json_name.clone(), name))
        })
        .collect();
    if !names.is_empty() {
        map.insert(FIELD_NAMES.to_string(), Value::Object(names));
    }
}

/// Azure's `x-ms-enum` (`values: [{value, name, description}]`): the names become `x-enum-varnames` when any value
/// has one (a value without is named by itself), the descriptions `x-enum-descriptions` by value (both read by
/// lowering for any version).
fn ms_enum(map: &mut Map<String, Value>) {
    let Some(values) = map.get("x-ms-enum").and_then(|e| e.get("values")).and_then(Value::as_array) else { return };
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let descriptions: Map<String, Value> = values
        .iter()
        .filter_map(|entry| Some((text(entry.get("value")?), entry.get("description")?.clone())))
        .filter(|(_, description)| description.is_string())
        .collect();
    let named = values.iter().any(|entry| entry.get("name").is_some_and(Value::is_string));
    let names: Option<Vec<Value>> = map.get("enum").and_then(Value::as_array).filter(|_| named).map(|listed| {
        listed
            .iter()
            .map(|value| {
                let entry = values.iter().find(|entry| entry.get("value") == Some(value));
                entry
                    .and_then(|entry| entry.get("name"))
                    .filter(|name| name.is_string())
                    .cloned()
                    .unwrap_or_else(|| Value::String(text(value)))
            })
            .collect()
    });
    if !descriptions.is_empty() && !map.contains_key("x-enum-descriptions") {
        map.insert("x-enum-descriptions".to_string(), Value::Object(descriptions));
    }
    if let Some(names) = names.filter(|names| names.iter().all(Value::is_string))
        && !map.contains_key("x-enum-varnames")
    {
        map.insert("x-enum-varnames".to_string(), Value::Array(names));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upgraded(document: Value) -> (Value, Relocations) {
        let mut document = document;
        let (_, relocations) = upgrade(&mut document, Path::new("api.json"));
        upgrade_schemas(&mut document, Path::new("api.json"));
        (document, relocations)
    }

    #[test]
    fn body_form_and_typed_parameters_become_3_0_shapes() {
        let (document, relocations) = upgraded(json!({
            "swagger": "2.0", "host": "api.example.com", "basePath": "/v1/", "schemes": ["http", "https"],
            "consumes": ["application/json"], "produces": ["application/json"],
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "put": {"parameters": [
                    {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
                    {"name": "cols", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "tsv"},
                    {"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}}},
                "post": {"consumes": ["multipart/form-data"], "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": true},
                    {"name": "note", "in": "formData", "type": "string"}],
                    "responses": {"default": {"description": "d", "schema": {"type": "file"}}}}
            }},
            "definitions": {"Pet": {"type": "object", "x-nullable": true, "discriminator": "kind",
                                    "properties": {"kind": {"type": "string"},
                                                   "parent": {"$ref": "#/definitions/Pet", "x-nullable": true}}}}
        }));
        assert_eq!(document["openapi"], json!("3.0.3"));
        assert_eq!(document["servers"], json!([{"url": "https://api.example.com/v1"}]));
        let item = &document["paths"]["/pets/{id}"];
        assert_eq!(
            item["parameters"],
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        assert_eq!(
            item["put"]["parameters"],
            json!([{"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
                   {"name": "cols", "in": "query", "x-specforge-separator": "\t", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": false}])
        );
        assert_eq!(
            item["put"]["requestBody"],
            json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
        );
        assert_eq!(
            item["put"]["responses"]["200"],
            json!({"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
        );
        assert_eq!(
            item["post"]["requestBody"],
            json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}}}}}})
        );
        assert_eq!(
            item["post"]["responses"]["default"]["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
        let pet = &document["components"]["schemas"]["Pet"];
        assert_eq!(pet["nullable"], json!(true));
        assert_eq!(
            pet["properties"]["parent"],
            json!({"allOf": [{"$ref": "#/components/schemas/Pet"}], "nullable": true})
        );
        assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
        assert_eq!(relocations.source_pointer(&child("#/components/schemas", "Pet")), "#/definitions/Pet");
        assert_eq!(
            relocations.source_pointer("#/paths/~1pets~1{id}/put/requestBody/content/application~1json/schema"),
            "#/paths/~1pets~1{id}/put/parameters/2/schema"
        );
        assert_eq!(
            relocations.source_pointer("#/paths/~1pets~1{id}/put/parameters/0/schema/items"),
            "#/paths/~1pets~1{id}/put/parameters/0/items"
        );
        assert_eq!(
            relocations.source_pointer("#/paths/~1pets~1{id}/put/responses/200/content/application~1json/schema/x"),
            "#/paths/~1pets~1{id}/put/responses/200/schema/x"
        );
    }

    #[test]
    fn a_discriminated_base_stands_for_itself_and_the_definitions_that_extend_it() {
        let (document, relocations) = upgraded(json!({"swagger": "2.0", "definitions": {
            "Pet": {"type": "object", "discriminator": "kind", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}, {"properties": {"lives": {"type": "integer"}}}]},
            "Dog": {"x-ms-discriminator-value": "dog", "allOf": [{"$ref": "#/definitions/Pet"}]}
        }}));
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["Pet"],
            json!({"oneOf": [{"$ref": "#/components/schemas/PetBase"}, {"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                   "discriminator": {"propertyName": "kind", "mapping": {"Pet": "#/components/schemas/PetBase",
                       "Cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}})
        );
        assert_eq!(
            schemas["PetBase"],
            json!({"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}})
        );
        assert_eq!(schemas["Cat"]["allOf"][0], json!({"$ref": "#/components/schemas/PetBase"}));
        assert_eq!(
            relocations.source_pointer("#/components/schemas/PetBase/properties"),
            "#/definitions/Pet/properties"
        );
    }

    #[test]
    fn azure_paths_with_query_strings_join_the_paths() {
        let (document, relocations) = upgraded(json!({"swagger": "2.0",
            "paths": {"/jobs": {"get": {"responses": {}}}},
            "x-ms-paths": {"/jobs?op=cancel": {"post": {"responses": {}}}}}));
        assert!(document.get("x-ms-paths").is_none());
        assert_eq!(document["paths"]["/jobs?op=cancel"], json!({"post": {"responses": {}}}));
        assert_eq!(relocations.source_pointer("#/paths/~1jobs?op=cancel/post"), "#/x-ms-paths/~1jobs?op=cancel/post");
    }

    #[test]
    fn azure_enum_names_and_descriptions_are_read() {
        let (document, _) = upgraded(json!({"swagger": "2.0", "definitions": {"State": {
            "type": "string", "enum": ["on", "off"],
            "x-ms-enum": {"name": "State", "modelAsString": true, "values": [
                {"value": "off", "name": "Disabled", "description": "Turned off."},
                {"value": "on", "name": "Enabled"}]}
        }}}));
        let state = &document["components"]["schemas"]["State"];
        assert_eq!(state["x-enum-varnames"], json!(["Enabled", "Disabled"]));
        assert_eq!(state["x-enum-descriptions"], json!({"off": "Turned off."}));
    }

    #[test]
    fn grandchildren_are_values_of_the_base() {
        let (document, _) = upgraded(json!({"swagger": "2.0", "definitions": {
            "Shape": {"discriminator": "kind", "properties": {"kind": {"type": "string"}}},
            "Square": {"x-ms-discriminator-value": "square", "allOf": [{"$ref": "#/definitions/Polygon"}]},
            "Polygon": {"allOf": [{"$ref": "#/definitions/Shape"}]},
            "Circle": {"allOf": [{"$ref": "#/definitions/Shape"}]}
        }}));
        let shape = &document["components"]["schemas"]["Shape"];
        assert_eq!(
            shape["discriminator"]["mapping"],
            json!({"Shape": "#/components/schemas/ShapeBase", "square": "#/components/schemas/Square",
                   "Polygon": "#/components/schemas/Polygon", "Circle": "#/components/schemas/Circle"})
        );
        // The grandchild still extends its parent, which extends the base's own properties.
        assert_eq!(
            document["components"]["schemas"]["Square"]["allOf"],
            json!([{"$ref": "#/components/schemas/Polygon"}])
        );
        assert_eq!(
            document["components"]["schemas"]["Polygon"]["allOf"],
            json!([{"$ref": "#/components/schemas/ShapeBase"}])
        );
    }

    #[test]
    fn azure_client_names_and_json_schema_type_lists_are_read() {
        let mut document = upgraded(json!({"swagger": "2.0", "definitions": {"W": {"properties": {
            "type": {"type": "string", "x-ms-client-name": "kind"},
            "sys": {"$ref": "#/definitions/S", "x-ms-client-name": "system"},
            "colour": {"type": ["null", "string"]}
        }}, "S": {}}}))
        .0;
        upgrade_schemas(&mut document, Path::new("t.json"));
        let w = &document["components"]["schemas"]["W"];
        assert_eq!(w[FIELD_NAMES], json!({"type": "kind", "sys": "system"}));
        assert_eq!(w["properties"]["sys"], json!({"$ref": "#/components/schemas/S"}));
        assert_eq!(w["properties"]["colour"], json!({"type": "string", "nullable": true}));
    }

    #[test]
    fn a_named_azure_enum_is_one_component_wherever_it_is_written() {
        let state = |description: &str| {
            json!({"type": "string", "enum": ["on", "off"], "description": description, "readOnly": true,
                   "x-ms-enum": {"name": "State", "modelAsString": true, "values": [{"value": "on", "name": "Enabled"}]}})
        };
        let mut document = upgraded(json!({"swagger": "2.0", "definitions": {
            "A": {"properties": {"state": state("A's state."), "other": {"type": "string", "enum": ["x"],
                  "x-ms-enum": {"name": "State"}}}},
            "B": {"properties": {"state": state("B's state.")}}
        }}))
        .0;
        upgrade_schemas(&mut document, Path::new("t.json"));
        let schemas = &document["components"]["schemas"];
        let reference = json!([{"$ref": "#/components/schemas/State"}]);
        assert_eq!(schemas["A"]["properties"]["state"]["allOf"], reference);
        assert_eq!(schemas["A"]["properties"]["state"]["description"], json!("A's state."));
        assert_eq!(schemas["B"]["properties"]["state"]["allOf"], reference);
        assert_eq!(schemas["State"]["enum"], json!(["on", "off"]));
        // A value without a name is named by itself.
        assert_eq!(schemas["State"]["x-enum-varnames"], json!(["Enabled", "off"]));
        // Another enum of the same name with other values keeps its place.
        assert_eq!(schemas["A"]["properties"]["other"]["enum"], json!(["x"]));
    }

    #[test]
    fn shared_parameters_responses_and_security_definitions_become_components() {
        let (document, _) = upgraded(json!({
            "swagger": "2.0",
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/parameters/Limit"}, {"$ref": "#/parameters/Body"}],
                                     "responses": {"404": {"$ref": "#/responses/NotFound"}}}}},
            "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer"},
                           "Body": {"name": "b", "in": "body", "schema": {"type": "object"}}},
            "responses": {"NotFound": {"description": "missing", "schema": {"type": "string"}}},
            "securityDefinitions": {
                "basic": {"type": "basic"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"r": "read"}}
            }
        }));
        assert!(document.get("servers").is_none(), "no host: a relative base the user passes");
        let components = &document["components"];
        assert_eq!(
            components["parameters"]["Limit"],
            json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})
        );
        assert_eq!(
            components["requestBodies"]["Body"],
            json!({"content": {"application/json": {"schema": {"type": "object"}}}})
        );
        assert_eq!(
            components["responses"]["NotFound"]["content"],
            json!({"application/json": {"schema": {"type": "string"}}})
        );
        assert_eq!(components["securitySchemes"]["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(
            components["securitySchemes"]["oauth"]["flows"],
            json!({"clientCredentials": {"tokenUrl": "https://t", "scopes": {"r": "read"}}})
        );
        let get = &document["paths"]["/a"]["get"];
        assert_eq!(get["parameters"], json!([{"$ref": "#/components/parameters/Limit"}]));
        assert_eq!(get["requestBody"], json!({"$ref": "#/components/requestBodies/Body"}));
        assert_eq!(get["responses"]["404"], json!({"$ref": "#/components/responses/NotFound"}));
    }
}
