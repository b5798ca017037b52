//! OpenAPI 3.1 and 3.2 documents, brought to the one form lowering reads, on the JSON tree before it is parsed.
//!
//! OpenAPI 3.1 replaced 3.0's schema dialect with JSON Schema 2020-12 and 3.2 added a few operations and media type
//! keywords. Lowering has one copy of every rule and reads OpenAPI 3.0's shapes, so each 3.1/3.2 construct is
//! rewritten here into the 3.0 construct that means the same (a type array with `"null"` is a nullable type, a
//! `const` a one-value `enum`, a numeric `exclusiveMinimum` a `minimum` with the flag, a `$ref` with siblings an
//! `allOf` of the reference with the siblings beside it), or into one of specforge's internal `x-specforge-…`
//! extensions where 3.0 has nothing to say it with (tuples, the `query` method, `itemSchema`). What cannot be
//! expressed as a Rust type (`if`/`then`/`else`, `dependentSchemas`, `$dynamicRef`) is dropped with a warning.
//!
//! The rewriting keeps every node where it was, so diagnostics found later still point into the source.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::bundle::Members;
use super::extensions::{EXTRA_OPERATIONS, ITEM_SCHEMA, TUPLE};
use crate::diagnostic::{Diagnostic, child};

/// The JSON Schema dialect OpenAPI 3.1 uses when `jsonSchemaDialect` does not name another.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Keywords that only annotate a schema: they stay on the outside when a schema is split into alternatives.
const ANNOTATIONS: &[&str] =
    &["title", "description", "default", "example", "examples", "deprecated", "readOnly", "writeOnly", "nullable"];

/// Rewrites a 3.1 or 3.2 document (read from `path`) in place; returns the warnings for what was dropped, and the
/// list items that moved up when an item before them was dropped: (pointer after, pointer before).
pub fn normalize(document: &mut Value, path: &Path) -> (Vec<Diagnostic>, Vec<(String, String)>) {
    let mut normalizer = Normalizer {
        path,
        warnings: Vec::new(),
        moved: Vec::new(),
        unions: Vec::new(),
        query_strings: Vec::new(),
        object_schemas: HashSet::new(),
    };
    normalizer.document(document);
    for union in std::mem::take(&mut normalizer.unions) {
        infer_discriminator(document, &union);
    }
    hoist_webhook_payloads(document);
    (normalizer.warnings, normalizer.moved)
}

/// Makes `$ref`s to an `$anchor` (`#name`) or to a schema's `$id` local pointers, before bundling reads them as
/// pointers or files; and a `$dynamicRef` or `$recursiveRef` a `$ref` to the schema it recurses into (see
/// [`Anchors::recursion_target`]).
pub fn resolve_anchor_refs(document: &mut Value) {
    let mut anchors = Anchors::default();
    index_anchors(document, "#".to_string(), Members::Keywords, &mut anchors);
    if !anchors.named.is_empty() {
        rewrite_refs(document, &anchors.named, Members::Keywords);
    }
    for (site, keyword, reference) in std::mem::take(&mut anchors.recursions) {
        let Some(target) = anchors.recursion_target(&site, &reference) else { continue };
        if let Some(Value::Object(schema)) = document.pointer_mut(&site[1..]) {
            schema.remove(keyword);
            schema.insert("$ref".to_string(), Value::String(target));
        }
    }
}

/// Where a document's schemas can be referred to other than by pointer.
#[derive(Default)]
struct Anchors {
    /// `#name` of an `$anchor`, or an `$id`, → the pointer of the schema that declares it.
    named: HashMap<String, String>,
    /// The schemas that declare a `$dynamicAnchor`: (its name, their pointer).
    dynamic: Vec<(String, String)>,
    /// The pointers of the schemas with `$recursiveAnchor: true`.
    recursive: Vec<String>,
    /// Every `$dynamicRef` and `$recursiveRef`: (the pointer of the schema holding it, the keyword, its value).
    recursions: Vec<(String, &'static str, String)>,
}

impl Anchors {
    /// The schema a `$dynamicRef` or `$recursiveRef` at `site` recurses into, as a pointer. JSON Schema's dynamic
    /// scope follows how a validator came to the schema; a generator reads the recursion it describes: the nearest
    /// enclosing schema that declares the anchor (`$dynamicAnchor: node` for `$dynamicRef: "#node"`,
    /// `$recursiveAnchor: true` for `$recursiveRef: "#"`), else the only schema that does, else a plain `$anchor`
    /// of that name; `$recursiveRef: "#"` with no anchor names its schema resource, which in an OpenAPI document is
    /// the component it is written in (OpenAI's `CompoundFilter` has its filters so). `None`: nothing fits.
    fn recursion_target(&self, site: &str, reference: &str) -> Option<String> {
        let nearest = |pointers: Vec<&String>| {
            pointers.into_iter().filter(|p| crate::diagnostic::is_within(site, p)).max_by_key(|p| p.len()).cloned()
        };
        let name = reference.strip_prefix('#')?;
        if name.is_empty() {
            let component = site.splitn(5, '/').take(4).collect::<Vec<_>>();
            let component = (component.len() == 4 && component[1] == "components" && component[2] == "schemas")
                .then(|| component.join("/"));
            return nearest(self.recursive.iter().collect()).or(component);
        }
        let declared: Vec<&String> =
            (self.dynamic.iter()).filter(|(anchor, _)| anchor == name).map(|(_, p)| p).collect();
        let only = (declared.len() == 1).then(|| declared[0].clone());
        nearest(declared).or(only).or_else(|| self.named.get(reference).cloned())
    }
}

/// Records where every `$anchor`, `$id`, `$dynamicAnchor` and `$recursiveAnchor` is declared, and where every
/// `$dynamicRef` and `$recursiveRef` is.
fn index_anchors(node: &Value, pointer: String, members: Members, anchors: &mut Anchors) {
    match node {
        Value::Object(map) => {
            if members == Members::Keywords {
                if let Some(Value::String(anchor)) = map.get("$anchor") {
                    anchors.named.insert(format!("#{anchor}"), pointer.clone());
                }
                if let Some(Value::String(id)) = map.get("$id") {
                    anchors.named.insert(id.clone(), pointer.clone());
                }
                if let Some(Value::String(anchor)) = map.get("$dynamicAnchor") {
                    anchors.dynamic.push((anchor.clone(), pointer.clone()));
                }
                if map.get("$recursiveAnchor") == Some(&Value::Bool(true)) {
                    anchors.recursive.push(pointer.clone());
                }
                for keyword in ["$dynamicRef", "$recursiveRef"] {
                    if let Some(Value::String(reference)) = map.get(keyword) {
                        anchors.recursions.push((pointer.clone(), keyword, reference.clone()));
                    }
                }
            }
            for (key, item) in map {
                if let Some(inner) = members.of_child(key, item) {
                    index_anchors(item, child(&pointer, key), inner, anchors);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                index_anchors(item, child(&pointer, &index.to_string()), Members::Keywords, anchors);
            }
        }
        _ => {}
    }
}

fn rewrite_refs(node: &mut Value, anchors: &HashMap<String, String>, members: Members) {
    match node {
        Value::Object(map) => {
            if members == Members::Keywords
                && let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(target) = anchors.get(reference.as_str())
            {
                *reference = target.clone();
            }
            for (key, item) in map.iter_mut() {
                if let Some(inner) = members.of_child(key, item) {
                    rewrite_refs(item, anchors, inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, anchors, Members::Keywords)),
        _ => {}
    }
}

/// A 3.2 `in: querystring` parameter whose content is a form (`application/x-www-form-urlencoded`) of an object has
/// the wire form of a 3.0 query parameter of that object with `style: form` and `explode: true`: each property its
/// own `name=value` pair. It becomes one (named `query` if it has no name); `true` when it did.
fn form_query_string(parameter: &mut Value, object_schemas: &HashSet<String>) -> bool {
    let Some(map) = parameter.as_object_mut() else { return false };
    if map.get("in").and_then(Value::as_str) != Some("querystring") {
        return false;
    }
    let Some(Value::Object(content)) = map.get("content") else { return false };
    let mut media_types = content.iter();
    let (Some((media, media_type)), None) = (media_types.next(), media_types.next()) else { return false };
    let is_form =
        media.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/x-www-form-urlencoded");
    let schema = media_type.get("schema").filter(|schema| is_form && is_object_schema(schema, object_schemas));
    let Some(schema) = schema.cloned() else { return false };
    map.remove("content");
    map.insert("in".into(), json!("query"));
    map.insert("style".into(), json!("form"));
    map.insert("explode".into(), json!(true));
    map.insert("schema".into(), schema);
    map.entry("name").or_insert_with(|| json!("query"));
    true
}

/// Whether a schema is an object's: `type: object` (alone or in a list), properties, or a reference to one of
/// `object_schemas`.
fn is_object_schema(schema: &Value, object_schemas: &HashSet<String>) -> bool {
    let object_type = match schema.get("type") {
        Some(Value::String(kind)) => kind == "object",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "object"),
        _ => false,
    };
    object_type
        || schema.get("properties").is_some()
        || schema.get("$ref").and_then(Value::as_str).is_some_and(|reference| object_schemas.contains(reference))
}

struct Normalizer<'p> {
    path: &'p Path,
    warnings: Vec<Diagnostic>,
    /// Schemas with `oneOf`/`anyOf` and no `discriminator`, whose tag may be inferred from `const`s.
    unions: Vec<String>,
    /// Parameters that moved up when a query string before them was dropped: (pointer after, pointer before).
    moved: Vec<(String, String)>,
    /// References to the `in: querystring` parameters of `components.parameters` that are dropped.
    query_strings: Vec<String>,
    /// References to the component schemas that are objects (a query string may be a form of one).
    object_schemas: HashSet<String>,
}

impl Normalizer<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(self.path, pointer, message));
    }

    /// The document level: version-specific fields, then every schema wherever the grammar puts one.
    fn document(&mut self, document: &mut Value) {
        let Some(top) = document.as_object_mut() else { return };
        if let Some(dialect) = top.get("jsonSchemaDialect").and_then(Value::as_str)
            && dialect != DEFAULT_DIALECT
        {
            let message = format!(
                "`jsonSchemaDialect: {dialect}` is not the OpenAPI 3.1 default; schemas are read as OpenAPI's dialect"
            );
            self.warn("#/jsonSchemaDialect", message);
        }
        if top.contains_key("$self") {
            self.warn(
                "#/$self",
                "`$self` is not used: references are resolved relative to the file the document was read from",
            );
        }
        top.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        self.security_schemes(top);
        if let Some(Value::Object(schemas)) = top.get("components").and_then(|c| c.get("schemas")) {
            let objects = schemas.iter().filter(|(_, schema)| is_object_schema(schema, &HashSet::new()));
            self.object_schemas = objects.map(|(name, _)| child("#/components/schemas", name)).collect();
        }
        if let Some(Value::Object(parameters)) = top.get_mut("components").and_then(|c| c.get_mut("parameters")) {
            parameters.retain(|name, parameter| {
                let keep = form_query_string(parameter, &self.object_schemas)
                    || parameter.get("in").and_then(Value::as_str) != Some("querystring");
                if !keep {
                    self.query_strings.push(child("#/components/parameters", name));
                }
                keep
            });
        }
        let shared_items = top.get("components").and_then(|c| c.get("pathItems")).cloned().unwrap_or_default();
        for section in ["paths", "webhooks"] {
            if let Some(Value::Object(items)) = top.get_mut(section) {
                for (key, item) in items.iter_mut() {
                    resolve_path_item_ref(item, &shared_items);
                    self.path_item(item, &child(&child("#", section), key));
                }
            }
        }
        self.walk(document, "#".to_string(), Members::Keywords);
    }

    /// Security schemes 3.0 has no type for (`mutualTLS`) are dropped with a warning: operations that need one
    /// are sent without it.
    fn security_schemes(&mut self, top: &mut Map<String, Value>) {
        let schemes =
            top.get_mut("components").and_then(|c| c.get_mut("securitySchemes")).and_then(Value::as_object_mut);
        let Some(schemes) = schemes else { return };
        let unsupported: Vec<String> = schemes
            .iter()
            .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(name, _)| name.clone())
            .collect();
        for name in unsupported {
            schemes.remove(&name);
            let message =
                "`mutualTLS` is set up on the `reqwest::Client` (its identity), not per request; ignored here";
            self.warn(&child("#/components/securitySchemes", &name), message);
        }
    }

    /// A path item (of `paths`, `webhooks` or a callback): its operations get what 3.0 requires and 3.1 leaves out
    /// (`responses`, a response's `description`), and those 3.0 has no field for are moved to
    /// [`EXTRA_OPERATIONS`].
    fn path_item(&mut self, item: &mut Value, pointer: &str) {
        let Some(item) = item.as_object_mut() else { return };
        for (_, operation) in item.iter_mut().filter(|(key, _)| is_operation_key(key)) {
            complete_operation(operation);
        }
        if let Some(Value::Object(additional)) = item.get_mut("additionalOperations") {
            additional.values_mut().for_each(complete_operation);
        }
        let mut extra = Map::new();
        if let Some(query) = item.remove("query") {
            extra.insert("query".into(), query);
        }
        if let Some(Value::Object(additional)) = item.remove("additionalOperations") {
            for (method, operation) in additional {
                if is_operation_key(&method.to_ascii_lowercase()) {
                    let upper = method.to_ascii_uppercase();
                    let at = child(&child(pointer, "additionalOperations"), &method);
                    self.warn(
                        &at,
                        format!("`additionalOperations` may not hold {upper}, which has its own field; ignored"),
                    );
                    continue;
                }
                extra.insert(format!("additionalOperations/{method}"), operation);
            }
        }
        if !extra.is_empty() {
            item.insert(EXTRA_OPERATIONS.into(), Value::Object(extra));
        }
    }

    /// Walks the document outside schemas, normalizing each schema it finds (`schema` and `itemSchema` of
    /// parameters, headers and media types; `components.schemas`).
    fn walk(&mut self, node: &mut Value, pointer: String, members: Members) {
        match node {
            Value::Object(map) => {
                if members == Members::Keywords
                    && let Some(item_schema) = map.remove("itemSchema")
                {
                    if map.contains_key("schema") {
                        let message = "`itemSchema` beside `schema` is not used: the media type is read with `schema`";
                        self.warn(&child(&pointer, "itemSchema"), message);
                    } else {
                        map.insert("schema".into(), json!({"type": "array", "items": item_schema, ITEM_SCHEMA: true}));
                    }
                }
                if members == Members::Keywords
                    && let Some(Value::Array(parameters)) = map.get_mut("parameters")
                {
                    self.query_string_parameters(parameters, &child(&pointer, "parameters"));
                }
                for (key, item) in map.iter_mut() {
                    let at = child(&pointer, key);
                    let in_schemas = members == Members::Names && pointer.ends_with("/components/schemas");
                    let is_schema_key = members == Members::Keywords && key == "schema";
                    if in_schemas || is_schema_key {
                        self.schema(item, &at);
                    } else if let Some(inner) = members.of_child(key, item) {
                        self.walk(item, at, inner);
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, child(&pointer, &index.to_string()), Members::Keywords);
                }
            }
            _ => {}
        }
    }

    /// 3.2's `in: querystring` parameter (the whole query string as one value): a form of an object becomes a 3.0
    /// query parameter (see [`form_query_string`]); any other (a JSON text, a bare string) has no 3.0 form, and is
    /// dropped with a warning, the operation sent without it. (One in `components.parameters` is dropped where it
    /// is referenced.)
    fn query_string_parameters(&mut self, parameters: &mut Vec<Value>, pointer: &str) {
        let mut index = 0;
        let mut at = 0;
        let mut kept = 0;
        let moved = &mut self.moved;
        parameters.retain_mut(|parameter| {
            let is_query_string = (!form_query_string(parameter, &self.object_schemas)
                && parameter.get("in").and_then(Value::as_str) == Some("querystring"))
                || parameter
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| self.query_strings.iter().any(|q| q == r));
            if is_query_string {
                at = index;
            } else {
                if kept != index {
                    moved.push((child(pointer, &kept.to_string()), child(pointer, &index.to_string())));
                }
                kept += 1;
            }
            index += 1;
            !is_query_string
        });
        if index != parameters.len() {
            let message = "an `in: querystring` parameter (OpenAPI 3.2) that is not a form \
                (`application/x-www-form-urlencoded`) of an object is not supported; the operation is sent without it";
            self.warn(&child(pointer, &at.to_string()), message);
        }
    }

    /// Normalizes one schema and, first, every schema inside it.
    fn schema(&mut self, node: &mut Value, pointer: &str) {
        match node {
            Value::Bool(true) => {
                *node = json!({});
                return;
            }
            Value::Bool(false) => {
                *node = json!({"not": {}});
                return;
            }
            Value::Object(_) => {}
            _ => return,
        }
        self.subschemas(node, pointer);
        let Value::Object(schema) = node else { return };
        self.references(schema, pointer);
        self.unsupported(schema, pointer);
        type_array(schema);
        if let Some(constant) = schema.remove("const") {
            schema.entry("enum").or_insert_with(|| Value::Array(vec![constant]));
        }
        enum_type(schema);
        null_alternatives(schema);
        exclusive_bounds(schema);
        if let Some(Value::Array(examples)) = schema.remove("examples")
            && let Some(first) = examples.into_iter().next()
        {
            schema.entry("example").or_insert(first);
        }
        self.tuples(schema, pointer);
        maps(schema);
        content_encoding(schema);
        if let Some(names) = schema.remove("propertyNames") {
            schema.entry("x-propertyNames").or_insert(names);
        }
        siblings_of_ref(schema);
        if (schema.contains_key("oneOf") || schema.contains_key("anyOf")) && !schema.contains_key("discriminator") {
            self.unions.push(pointer.to_string());
        }
    }

    /// Normalizes the schemas a schema holds.
    fn subschemas(&mut self, node: &mut Value, pointer: &str) {
        let Value::Object(schema) = node else { return };
        for (key, value) in schema.iter_mut() {
            let at = child(pointer, key);
            match key.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                    if let Value::Object(named) = value {
                        for (name, item) in named.iter_mut() {
                            self.schema(item, &child(&at, name));
                        }
                    }
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = value {
                        for (index, item) in items.iter_mut().enumerate() {
                            self.schema(item, &child(&at, &index.to_string()));
                        }
                    }
                }
                "items"
                | "additionalProperties"
                | "unevaluatedProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "contentSchema"
                | "unevaluatedItems"
                    // `additionalProperties: false` and `items: false` keep their meaning as booleans below.
                    if value.is_object() => {
                        self.schema(value, &at);
                    }
                _ => {}
            }
        }
    }

    /// `$dynamicRef` cannot be followed; the identifiers of schemas are no longer needed (see
    /// [`resolve_anchor_refs`]).
    fn references(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        if let Some(keyword) =
            ["$dynamicRef", "$recursiveRef"].into_iter().find(|keyword| schema.contains_key(*keyword))
        {
            self.warn(pointer, format!("`{keyword}` is not supported; the schema is read as any JSON value"));
            schema.retain(|key, _| ANNOTATIONS.contains(&key.as_str()));
        }
        schema.remove("$dynamicAnchor");
        schema.remove("$recursiveAnchor");
        schema.remove("$anchor");
        schema.remove("$id");
        schema.remove("$schema");
        schema.remove("$comment");
    }

    /// Keywords that no Rust type can express: dropped with a warning (or quietly, where they only validate).
    fn unsupported(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        for keyword in ["if", "dependentSchemas"] {
            if schema.contains_key(keyword) {
                let message = match keyword {
                    "if" => "`if`/`then`/`else` cannot be expressed as a Rust type; the conditions are ignored",
                    _ => "`dependentSchemas` cannot be expressed as a Rust type; ignored",
                };
                self.warn(&child(pointer, keyword), message);
            }
        }
        if schema.contains_key("not") && schema.keys().any(|key| !ANNOTATIONS.contains(&key.as_str()) && key != "not") {
            self.warn(
                &child(pointer, "not"),
                "`not` beside other keywords cannot be expressed as a Rust type; ignored",
            );
            schema.remove("not");
        }
        for keyword in [
            "if",
            "then",
            "else",
            "dependentSchemas",
            "dependentRequired",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
            "contentSchema",
        ] {
            schema.remove(keyword);
        }
    }

    /// `prefixItems` becomes a tuple for lowering (see [`TUPLE`]) when no further items are allowed or described;
    /// with more items after them, the array is one of any values.
    fn tuples(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        let Some(prefix) = schema.remove("prefixItems") else {
            match schema.get("items") {
                // Any items: an empty schema says the same in 3.0.
                Some(Value::Bool(true)) => {
                    schema.insert("items".into(), json!({}));
                }
                Some(Value::Bool(false)) => {
                    schema.remove("items");
                }
                _ => {}
            }
            return;
        };
        match schema.remove("items") {
            None | Some(Value::Bool(false)) => {
                schema.insert("items".into(), json!({"oneOf": prefix}));
                schema.insert(TUPLE.into(), json!(true));
            }
            Some(_) => {
                let message =
                    "`prefixItems` followed by more `items` is not a fixed tuple; its items are any JSON value";
                self.warn(&child(pointer, "prefixItems"), message);
            }
        }
        schema.entry("type").or_insert_with(|| json!("array"));
    }
}

/// Whether a path item's member is an operation.
fn is_operation_key(key: &str) -> bool {
    matches!(key, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" | "query")
}

/// A `$ref` to `#/components/pathItems/…` (3.1), replaced by the path item it names.
fn resolve_path_item_ref(item: &mut Value, shared: &Value) {
    let target = item
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/pathItems/"))
        .and_then(|name| shared.get(crate::diagnostic::unescape_pointer_token(name)));
    if let Some(target) = target {
        *item = target.clone();
    }
}

/// What 3.0 requires of an operation and 3.1/3.2 let a document leave out: `responses`, and each response's
/// `description`. The callbacks' operations likewise.
fn complete_operation(operation: &mut Value) {
    let Some(operation) = operation.as_object_mut() else { return };
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    for response in responses.as_object_mut().into_iter().flat_map(|r| r.values_mut()) {
        if let Some(response) = response.as_object_mut().filter(|r| !r.contains_key("$ref")) {
            response.entry("description").or_insert_with(|| json!(""));
        }
    }
    let callbacks =
        operation.get_mut("callbacks").and_then(Value::as_object_mut).into_iter().flat_map(|c| c.values_mut());
    for item in callbacks.filter_map(Value::as_object_mut).flat_map(|callback| callback.values_mut()) {
        for (_, operation) in item.as_object_mut().into_iter().flatten().filter(|(key, _)| is_operation_key(key)) {
            complete_operation(operation);
        }
    }
}

/// `type: [T, "null"]` is a nullable `T`; several types become alternatives (`anyOf`), each with the keywords that
/// apply to it; `type: ["null"]` is `type: "null"`.
pub(super) fn type_array(schema: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = schema.get("type") else { return };
    let names: Vec<String> = types.iter().filter_map(|t| t.as_str().map(String::from)).collect();
    let nullable = names.iter().any(|t| t == "null");
    let real: Vec<String> = names.into_iter().filter(|t| t != "null").collect();
    match real.as_slice() {
        [] => {
            schema.insert("type".into(), json!("null"));
        }
        [only] => {
            schema.insert("type".into(), json!(only));
        }
        several => {
            schema.remove("type");
            let mut alternatives = Vec::new();
            for name in several {
                let mut alternative = Map::new();
                alternative.insert("type".into(), json!(name));
                for (key, value) in schema.iter() {
                    if !ANNOTATIONS.contains(&key.as_str()) && applies_to(key, name) {
                        let value = match (key.as_str(), value) {
                            ("enum", Value::Array(values)) => {
                                Value::Array(values.iter().filter(|v| is_of_type(v, name)).cloned().collect())
                            }
                            _ => value.clone(),
                        };
                        alternative.insert(key.clone(), value);
                    }
                }
                alternatives.push(Value::Object(alternative));
            }
            schema.retain(|key, _| ANNOTATIONS.contains(&key.as_str()) || !is_type_specific(key));
            schema.insert("anyOf".into(), Value::Array(alternatives));
        }
    }
    if nullable {
        schema.insert("nullable".into(), json!(true));
    }
}

/// Whether `keyword` constrains values of the JSON type `name`.
fn applies_to(keyword: &str, name: &str) -> bool {
    match keyword {
        "enum" | "format" => true,
        "minLength" | "maxLength" | "pattern" | "contentMediaType" | "contentEncoding" => name == "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            name == "number" || name == "integer"
        }
        "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" => name == "array",
        "properties"
        | "required"
        | "additionalProperties"
        | "patternProperties"
        | "minProperties"
        | "maxProperties"
        | "propertyNames"
        | "unevaluatedProperties" => name == "object",
        _ => false,
    }
}

fn is_type_specific(keyword: &str) -> bool {
    ["string", "number", "array", "object"].iter().any(|name| applies_to(keyword, name))
}

fn is_of_type(value: &Value, name: &str) -> bool {
    match name {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => value.is_null(),
    }
}

/// An `enum` (or `const`) without `type` has the type its values share (`const: circle` is a string).
fn enum_type(schema: &mut Map<String, Value>) {
    if schema.contains_key("type") || schema.contains_key("$ref") {
        return;
    }
    let Some(Value::Array(values)) = schema.get("enum") else { return };
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let shared = ["string", "integer", "number", "boolean"]
        .into_iter()
        .find(|name| non_null.iter().all(|v| is_of_type(v, name)));
    if let (Some(name), false) = (shared, non_null.is_empty()) {
        let nullable = non_null.len() < values.len();
        schema.insert("type".into(), json!(name));
        if nullable {
            schema.insert("nullable".into(), json!(true));
        }
    }
}

/// `anyOf`/`oneOf` alternatives that only admit `null` make the schema nullable instead of being alternatives.
fn null_alternatives(schema: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = schema.get_mut(key) else { continue };
        let before = alternatives.len();
        alternatives.retain(|alternative| !admits_only_null(alternative));
        if alternatives.len() < before {
            if alternatives.is_empty() {
                schema.remove(key);
                schema.insert("type".into(), json!("null"));
            }
            schema.insert("nullable".into(), json!(true));
        }
    }
}

fn admits_only_null(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let is_null_type = map.get("type").and_then(Value::as_str) == Some("null");
    let is_null_enum =
        map.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().all(Value::is_null));
    (is_null_type || is_null_enum)
        && map.keys().all(|key| key == "type" || key == "enum" || ANNOTATIONS.contains(&key.as_str()))
}

/// Numeric `exclusiveMinimum: 5` is `minimum: 5` with 3.0's `exclusiveMinimum: true` (likewise the maximum).
fn exclusive_bounds(schema: &mut Map<String, Value>) {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(value) = schema.get(exclusive).filter(|v| v.is_number()).cloned() {
            schema.insert(bound.into(), value);
            schema.insert(exclusive.into(), json!(true));
        }
    }
}

/// `patternProperties` describe the values of a map whose keys follow patterns: a map of those values (of one of
/// them, when there are several). `unevaluatedProperties` is `additionalProperties` where the two mean the same:
/// no `oneOf`/`anyOf` beside it (an `allOf` is merged into one struct, where they do).
fn maps(schema: &mut Map<String, Value>) {
    if let Some(Value::Object(patterns)) = schema.remove("patternProperties")
        && !schema.contains_key("additionalProperties")
    {
        let mut values: Vec<Value> = patterns.into_iter().map(|(_, value)| value).collect();
        let value = if values.len() == 1 { values.remove(0) } else { json!({"anyOf": values}) };
        schema.insert("additionalProperties".into(), value);
    }
    if let Some(unevaluated) = schema.remove("unevaluatedProperties")
        && !schema.contains_key("additionalProperties")
        && !schema.contains_key("oneOf")
        && !schema.contains_key("anyOf")
    {
        schema.insert("additionalProperties".into(), unevaluated);
    }
}

/// Base64 text is `format: byte`; a string of some binary media type is `format: binary`.
fn content_encoding(schema: &mut Map<String, Value>) {
    let encoding = schema.remove("contentEncoding");
    let media = schema.remove("contentMediaType");
    if schema.contains_key("format") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media)) if !media.starts_with("text/") && !media.contains("json") && !media.contains("xml") => {
            "binary"
        }
        _ => return,
    };
    schema.insert("format".into(), json!(format));
}

/// Keywords beside a `$ref` apply in 3.1: the reference becomes the one member of an `allOf` they sit beside.
fn siblings_of_ref(schema: &mut Map<String, Value>) {
    if !schema.contains_key("$ref") || schema.len() == 1 {
        return;
    }
    let mut reference = Map::new();
    if let Some(target) = schema.remove("$ref") {
        reference.insert("$ref".into(), target);
    }
    let members = match schema.remove("allOf") {
        Some(Value::Array(mut members)) => {
            members.insert(0, Value::Object(reference));
            members
        }
        _ => vec![Value::Object(reference)],
    };
    schema.insert("allOf".into(), Value::Array(members));
}

/// The schema a local `$ref` leads to (through a few references), if any.
fn resolve<'d>(document: &'d Value, schema: &'d Value) -> Option<&'d Value> {
    let mut current = schema;
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => current = document.pointer(reference.strip_prefix('#')?)?,
            None => return Some(current),
        }
    }
    None
}

/// The common 3.1 idiom for a tagged union: every alternative is an object whose tag property holds a `const`
/// (a one-value `enum` by now). Such a union gets the `discriminator` it implies, with a mapping for the
/// alternatives that are references (lowering reads the tag of inline ones from their `enum`).
fn infer_discriminator(document: &mut Value, pointer: &str) {
    let Some(at) = pointer.strip_prefix('#') else { return };
    let Some(schema) = document.pointer(at) else { return };
    let Some(Value::Array(alternatives)) = ["oneOf", "anyOf"].iter().find_map(|key| schema.get(*key)) else { return };
    if alternatives.len() < 2 {
        return;
    }
    let tag_of = |alternative: &Value, property: &str| -> Option<String> {
        let object = resolve(document, alternative)?;
        let value = resolve(document, object.get("properties")?.get(property)?)?;
        match value.get("enum")?.as_array()?.as_slice() {
            [Value::String(tag)] => Some(tag.clone()),
            _ => None,
        }
    };
    let Some(first) = alternatives.first().and_then(|a| resolve(document, a)) else { return };
    let candidates: Vec<String> =
        first.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k.clone()).collect();
    for property in candidates {
        let tags: Option<Vec<String>> = alternatives.iter().map(|alternative| tag_of(alternative, &property)).collect();
        let Some(tags) = tags else { continue };
        let distinct: std::collections::BTreeSet<&String> = tags.iter().collect();
        if distinct.len() != tags.len() {
            continue;
        }
        let mapping: Map<String, Value> = alternatives
            .iter()
            .zip(&tags)
            .filter_map(|(alternative, tag)| Some((tag.clone(), alternative.get("$ref")?.clone())))
            .collect();
        let discriminator = json!({"propertyName": property, "mapping": mapping});
        if let Some(Value::Object(schema)) = document.pointer_mut(at) {
            schema.insert("discriminator".into(), discriminator);
        }
        return;
    }
}

/// Webhook payloads become component schemas (an inline request body schema is moved there under the webhook's
/// name), so they are generated as model types like any other.
fn hoist_webhook_payloads(document: &mut Value) {
    let mut hoisted = Vec::new();
    for (name, item) in document.get("webhooks").and_then(Value::as_object).into_iter().flatten() {
        let operations: Vec<(&String, &Value)> =
            item.as_object().into_iter().flatten().filter(|(key, _)| is_operation_key(key)).collect();
        for (method, operation) in &operations {
            let content = operation.pointer("/requestBody/content").and_then(Value::as_object).into_iter().flatten();
            let inline = content.filter_map(|(_, media)| media.get("schema")).find(|s| s.get("$ref").is_none());
            if let Some(schema) = inline {
                let stem = operation.get("operationId").and_then(Value::as_str).unwrap_or(name);
                let stem = if operations.len() > 1 { format!("{stem} {method}") } else { stem.to_string() };
                hoisted.push((format!("{stem} payload"), schema.clone()));
            }
        }
    }
    if hoisted.is_empty() {
        return;
    }
    let Some(top) = document.as_object_mut() else { return };
    let components = top.entry("components").or_insert_with(|| json!({}));
    let Some(schemas) = components.as_object_mut().map(|c| c.entry("schemas").or_insert_with(|| json!({}))) else {
        return;
    };
    let Some(schemas) = schemas.as_object_mut() else { return };
    for (name, schema) in hoisted {
        let mut unique = name.clone();
        let mut n = 2;
        while schemas.contains_key(&unique) {
            unique = format!("{name} {n}");
            n += 1;
        }
        schemas.insert(unique, schema);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normalizes `schema` as a component schema of a 3.1 document; returns it and the warnings.
    fn schema(schema: Value) -> (Value, Vec<String>) {
        let mut document = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let (warnings, _) = normalize(&mut document, Path::new("api.yaml"));
        let normalized = document.pointer("/components/schemas/S").cloned().unwrap_or_default();
        (normalized, warnings.into_iter().map(|w| w.message).collect())
    }

    #[test]
    fn type_arrays_with_null_are_nullable_types() {
        assert_eq!(schema(json!({"type": ["string", "null"]})).0, json!({"type": "string", "nullable": true}));
        assert_eq!(schema(json!({"type": ["null"]})).0, json!({"type": "null", "nullable": true}));
        let (several, _) = schema(json!({"type": ["integer", "string", "null"], "minLength": 1, "description": "d"}));
        assert_eq!(
            several,
            json!({"description": "d", "anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}], "nullable": true})
        );
    }

    #[test]
    fn null_alternatives_make_the_union_nullable() {
        let (union, _) = schema(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}));
        assert_eq!(union, json!({"anyOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}));
    }

    #[test]
    fn const_is_a_one_value_enum_of_its_type() {
        assert_eq!(schema(json!({"const": "circle"})).0, json!({"enum": ["circle"], "type": "string"}));
        assert_eq!(schema(json!({"const": 3})).0, json!({"enum": [3], "type": "integer"}));
    }

    #[test]
    fn siblings_of_a_ref_apply() {
        let (field, _) = schema(json!({"$ref": "#/components/schemas/A", "description": "Mine."}));
        assert_eq!(field, json!({"description": "Mine.", "allOf": [{"$ref": "#/components/schemas/A"}]}));
        assert_eq!(schema(json!({"$ref": "#/x"})).0, json!({"$ref": "#/x"}), "a lone reference stays one");
    }

    #[test]
    fn numeric_exclusive_bounds_and_examples_take_their_3_0_form() {
        let (number, _) = schema(json!({"type": "number", "exclusiveMinimum": 0, "examples": [1.5, 2]}));
        assert_eq!(number, json!({"type": "number", "exclusiveMinimum": true, "minimum": 0, "example": 1.5}));
    }

    #[test]
    fn prefix_items_are_a_tuple_unless_more_items_follow() {
        let (tuple, _) =
            schema(json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}], "items": false}));
        assert_eq!(
            tuple,
            json!({"type": "array", "items": {"oneOf": [{"type": "number"}, {"type": "string"}]}, TUPLE: true})
        );
        let (open, warnings) =
            schema(json!({"type": "array", "prefixItems": [{"type": "number"}], "items": {"type": "string"}}));
        assert_eq!(open, json!({"type": "array"}));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn maps_content_and_boolean_schemas() {
        let (map, _) = schema(json!({"type": "object", "patternProperties": {"^a": {"type": "string"}}}));
        assert_eq!(map, json!({"type": "object", "additionalProperties": {"type": "string"}}));
        let (closed, _) = schema(json!({"type": "object", "properties": {"a": true}, "unevaluatedProperties": false}));
        assert_eq!(closed, json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false}));
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})).0,
            json!({"type": "string", "format": "byte"})
        );
        let (binary, _) = schema(json!({"type": "string", "contentMediaType": "image/png"}));
        assert_eq!(binary, json!({"type": "string", "format": "binary"}));
    }

    #[test]
    fn what_no_rust_type_expresses_is_dropped_with_a_warning() {
        let (conditional, warnings) =
            schema(json!({"type": "object", "if": {}, "then": {}, "else": {}, "dependentSchemas": {"a": {}}}));
        assert_eq!(conditional, json!({"type": "object"}));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let (dynamic, warnings) = schema(json!({"$dynamicRef": "#meta", "description": "d"}));
        assert_eq!(dynamic, json!({"description": "d"}));
        assert!(warnings[0].contains("$dynamicRef"));
    }

    #[test]
    fn a_const_tag_in_every_alternative_implies_a_discriminator() {
        let mut document = json!({"openapi": "3.1.0", "components": {"schemas": {
            "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]},
            "Circle": {"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}}},
            "Square": {"type": "object", "properties": {"kind": {"const": "square"}}}
        }}});
        normalize(&mut document, Path::new("api.yaml"));
        assert_eq!(
            document.pointer("/components/schemas/Shape/discriminator"),
            Some(
                &json!({"propertyName": "kind", "mapping": {"circle": "#/components/schemas/Circle", "square": "#/components/schemas/Square"}})
            )
        );
    }

    #[test]
    fn anchors_and_ids_become_pointers() {
        let mut document = json!({"components": {"schemas": {
            "A": {"$anchor": "a", "type": "string"},
            "B": {"$id": "https://example.com/b", "type": "integer"},
            "C": {"properties": {"a": {"$ref": "#a"}, "b": {"$ref": "https://example.com/b"}}}
        }}});
        resolve_anchor_refs(&mut document);
        assert_eq!(document.pointer("/components/schemas/C/properties/a/$ref"), Some(&json!("#/components/schemas/A")));
        assert_eq!(document.pointer("/components/schemas/C/properties/b/$ref"), Some(&json!("#/components/schemas/B")));
    }

    #[test]
    fn dynamic_and_recursive_references_recurse_into_the_schema_they_name() {
        let mut document = json!({"components": {"schemas": {
            "Tree": {"$dynamicAnchor": "node", "properties": {"children": {"items": {"$dynamicRef": "#node"}}}},
            "Filter": {"properties": {"filters": {"items": {"oneOf": [{"type": "string"}, {"$recursiveRef": "#"}]}}}},
            "Outer": {"$recursiveAnchor": true, "properties": {"inner": {"properties": {"again": {"$recursiveRef": "#"}}}}},
            "Lone": {"properties": {"x": {"$dynamicRef": "#nowhere"}}}
        }}});
        resolve_anchor_refs(&mut document);
        let at = |pointer: &str| document.pointer(pointer).cloned();
        assert_eq!(
            at("/components/schemas/Tree/properties/children/items"),
            Some(json!({"$ref": "#/components/schemas/Tree"}))
        );
        assert_eq!(
            at("/components/schemas/Filter/properties/filters/items/oneOf/1"),
            Some(json!({"$ref": "#/components/schemas/Filter"})),
            "`#` with no anchor: the component it is written in"
        );
        assert_eq!(
            at("/components/schemas/Outer/properties/inner/properties/again/$ref"),
            Some(json!("#/components/schemas/Outer"))
        );
        assert_eq!(
            at("/components/schemas/Lone/properties/x"),
            Some(json!({"$dynamicRef": "#nowhere"})),
            "left to warn"
        );
    }

    #[test]
    fn any_items_is_an_empty_schema() {
        assert_eq!(schema(json!({"type": "array", "items": true})).0, json!({"type": "array", "items": {}}));
    }

    #[test]
    fn query_string_parameters_are_dropped_with_a_warning() {
        let mut document = json!({"openapi": "3.2.0",
            "components": {"parameters": {"Q": {"name": "q", "in": "querystring", "content": {}}}},
            "paths": {"/s": {"get": {"parameters": [
                {"name": "a", "in": "query", "schema": {"type": "string"}},
                {"name": "all", "in": "querystring", "content": {}},
                {"$ref": "#/components/parameters/Q"}
            ], "responses": {}}}}});
        let (warnings, _) = normalize(&mut document, Path::new("api.yaml"));
        let kept = document.pointer("/paths/~1s/get/parameters").unwrap();
        assert_eq!(kept, &json!([{"name": "a", "in": "query", "schema": {"type": "string"}}]));
        assert_eq!(document.pointer("/components/parameters"), Some(&json!({})));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer, "#/paths/~1s/get/parameters/2");
    }

    #[test]
    fn a_query_string_that_is_a_form_of_an_object_becomes_an_exploded_form_parameter() {
        let form = |schema: Value| json!({"application/x-www-form-urlencoded": {"schema": schema}});
        let mut document = json!({"openapi": "3.2.0",
            "components": {
                "schemas": {"Filter": {"type": "object", "properties": {"q": {"type": "string"}}}},
                "parameters": {"F": {"name": "f", "in": "querystring", "content": form(json!({"$ref": "#/components/schemas/Filter"}))}}
            },
            "paths": {"/s": {"get": {"parameters": [
                {"in": "querystring", "required": true, "content": form(json!({"type": "object", "properties": {"n": {"type": "integer"}}}))},
                {"name": "text", "in": "querystring", "content": form(json!({"type": "string"}))},
                {"$ref": "#/components/parameters/F"}
            ], "responses": {}}}}});
        let (warnings, _) = normalize(&mut document, Path::new("api.yaml"));
        let parameters = document.pointer("/paths/~1s/get/parameters").unwrap();
        assert_eq!(
            parameters,
            &json!([
                {"name": "query", "in": "query", "style": "form", "explode": true, "required": true,
                 "schema": {"type": "object", "properties": {"n": {"type": "integer"}}}},
                {"$ref": "#/components/parameters/F"}
            ])
        );
        let shared = document.pointer("/components/parameters/F").unwrap();
        assert_eq!(
            shared,
            &json!({"name": "f", "in": "query", "style": "form", "explode": true,
            "schema": {"$ref": "#/components/schemas/Filter"}})
        );
        assert_eq!(warnings.len(), 1, "the bare string is not a form of an object: {warnings:?}");
        assert_eq!(warnings[0].pointer, "#/paths/~1s/get/parameters/1");
    }

    #[test]
    fn operations_and_item_schemas_of_3_2_are_carried_for_lowering() {
        let mut document = json!({"openapi": "3.2.0", "paths": {"/s": {
            "query": {"responses": {}},
            "additionalOperations": {"LINK": {"responses": {}}, "GET": {"responses": {}}},
            "get": {"responses": {"200": {"description": "", "content": {"text/event-stream": {"itemSchema": {"type": "string"}}}}}}
        }}});
        let (warnings, _) = normalize(&mut document, Path::new("api.yaml"));
        let extra = document.pointer(&format!("/paths/~1s/{EXTRA_OPERATIONS}")).and_then(Value::as_object).unwrap();
        assert_eq!(extra.keys().collect::<Vec<_>>(), ["query", "additionalOperations/LINK"]);
        assert_eq!(warnings.len(), 1, "GET may not be an additional operation");
        let media = document.pointer("/paths/~1s/get/responses/200/content/text~1event-stream").unwrap();
        assert_eq!(media, &json!({"schema": {"type": "array", "items": {"type": "string"}, ITEM_SCHEMA: true}}));
    }
}
