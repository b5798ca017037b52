//! `specs/supermetal.yaml` agrees with Supermetal's own client (`fixtures/supermetal/vendor/client.gen.go`, which
//! oapi-codegen generated from the vendor's unpublished OpenAPI document), except where the spec's header lists a
//! departure with its reason.
//!
//! The Go declarations say, for every schema: its fields with their `json` names (a field without `omitempty` is
//! required; a pointer without `omitempty` is required and nullable), their types (`string`, `int32`, `[]T`, …),
//! string enums (the `const` values of a named `string` type), unions (a `json.RawMessage` with one `From<Member>`
//! method per `oneOf` member; a member named after the union plus a number is an inline single-key object, a union
//! with one other member is that type or `null`) and empty objects (`map[string]interface{}`). For every operation:
//! its method, path, query parameters, JSON request body and JSON success responses. Descriptions, defaults and
//! bounds are not compared: Go does not carry them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

const GO_CLIENT: &str = include_str!("../fixtures/supermetal/vendor/client.gen.go");
const SPEC: &str = include_str!("../../../specs/supermetal.yaml");

#[test]
fn spec_agrees_with_the_vendors_client() {
    let go = GoClient::parse(GO_CLIENT);
    let spec: Value = serde_norway::from_str(SPEC).expect("specs/supermetal.yaml is YAML");
    let mut check = Check { go: &go, spec: &spec, differences: BTreeMap::new(), seen: HashSet::new() };
    check.operations();
    specforge_integration::assert_only_listed_departures(
        "specs/supermetal.yaml",
        &check.differences,
        &specforge_integration::listed_departures(SPEC),
    );
}

#[test]
fn the_parser_reads_every_kind_of_declaration() {
    let go = GoClient::parse(GO_CLIENT);
    assert!(matches!(&go.types["ConnectorConnector"], GoType::Struct(fields) if fields.len() == 9));
    assert!(matches!(&go.types["ConnectorSink"], GoType::Union(members) if members.len() == 12));
    assert!(matches!(&go.types["ConnectorStatusCommand"], GoType::Enum(values) if values.contains("ReIntialize")));
    assert!(matches!(go.types["ConnectorMigrationAppendOnly"], GoType::EmptyObject));
    assert_eq!(go.operations.len(), 14);
    let create = &go.operations["CreateConnectorAutoId"];
    assert_eq!((create.method.as_str(), create.path.as_str()), ("POST", "/api/v1/connectors"));
    assert_eq!(create.request_body.as_deref(), Some("ConnectorConnector"));
    assert_eq!(create.responses["201"], "ConnectorWithStatus");
}

/// The declarations of `client.gen.go` that describe the API.
struct GoClient {
    types: HashMap<String, GoType>,
    operations: BTreeMap<String, GoOperation>,
}

enum GoType {
    Struct(Vec<GoField>),
    /// `oneOf` members, by their Go type names.
    Union(Vec<String>),
    /// A named `string` type with its `const` values.
    Enum(BTreeSet<String>),
    EmptyObject,
}

struct GoField {
    json: String,
    ty: String,
    omitempty: bool,
}

struct GoOperation {
    method: String,
    path: String,
    query: BTreeSet<String>,
    request_body: Option<String>,
    /// Status → Go type of the JSON body.
    responses: BTreeMap<String, String>,
}

impl GoClient {
    fn parse(source: &str) -> Self {
        let lines: Vec<&str> = source.lines().collect();
        let mut types = HashMap::new();
        let mut string_types = BTreeSet::new();
        let mut consts: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut bodies = HashMap::new();
        let mut index = 0;
        while index < lines.len() {
            let line = lines[index];
            if let Some(name) = line.strip_prefix("type ").and_then(|rest| rest.strip_suffix(" struct {")) {
                let end = index + lines[index..].iter().position(|l| *l == "}").expect("struct ends");
                let body = &lines[index + 1..end];
                let ty = if body.iter().any(|l| l.trim() == "union json.RawMessage") {
                    GoType::Union(Vec::new())
                } else {
                    GoType::Struct(body.iter().filter_map(|l| field(l)).collect())
                };
                types.insert(name.to_string(), ty);
                index = end;
            } else if let Some(rest) = line.strip_prefix("type ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                match words.as_slice() {
                    [name, "string"] => {
                        string_types.insert(name.to_string());
                    }
                    [name, "=", "map[string]interface{}"] => {
                        types.insert(name.to_string(), GoType::EmptyObject);
                    }
                    [name, "=", target] | [name, target] => {
                        bodies.insert(name.to_string(), target.to_string());
                    }
                    _ => {}
                }
            } else if let Some((name, value)) = const_value(line) {
                consts.entry(name).or_default().insert(value);
            }
            index += 1;
        }
        for name in string_types {
            let values = consts.remove(&name).unwrap_or_default();
            types.insert(name, GoType::Enum(values));
        }
        for line in &lines {
            if let Some((union, member)) = union_member(line)
                && let Some(GoType::Union(members)) = types.get_mut(union)
            {
                members.push(member.to_string());
            }
        }
        let operations = operations(&lines, &types, &bodies);
        Self { types, operations }
    }
}

/// A struct field with a `json` tag: `Name *Type `json:"name,omitempty"``.
fn field(line: &str) -> Option<GoField> {
    let (declaration, tag) = line.trim().split_once('`')?;
    let mut words = declaration.split_whitespace();
    let (_name, ty) = (words.next()?, words.next()?);
    let json = tag.split("json:\"").nth(1)?.split('"').next()?;
    let mut parts = json.split(',');
    let name = parts.next()?.to_string();
    Some(GoField { json: name, ty: ty.to_string(), omitempty: parts.any(|p| p == "omitempty") })
}

/// `Value TypeName = "value"` (after a tab) inside a `const` block.
fn const_value(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('\t')?;
    let (left, value) = rest.split_once(" = \"")?;
    let ty = left.split_whitespace().nth(1)?;
    Some((ty.to_string(), value.strip_suffix('"')?.to_string()))
}

/// `func (t *Union) FromMember(v Member) error {`.
fn union_member(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("func (t *")?;
    let (union, rest) = rest.split_once(") From")?;
    let member = rest.split_once("(v ")?.1.split_once(')')?.0;
    Some((union, member))
}

/// Operations, from the client interface's "Corresponds with METHOD PATH (the `Op` operationId)" comments and the
/// `<Op>…RequestBody`, `<Op>Params` and `<Op>Response` declarations.
fn operations(
    lines: &[&str],
    types: &HashMap<String, GoType>,
    bodies: &HashMap<String, String>,
) -> BTreeMap<String, GoOperation> {
    let mut operations = BTreeMap::new();
    for line in lines {
        let Some(rest) = line.trim().strip_prefix("// Corresponds with ") else { continue };
        let mut words = rest.split_whitespace();
        let (Some(method), Some(path)) = (words.next(), words.next()) else { continue };
        let Some(name) = rest.split('`').nth(1) else { continue };
        operations.entry(name.to_string()).or_insert_with(|| {
            let body = bodies
                .iter()
                .find(|(alias, _)| {
                    // `<Op>JSONRequestBody`, or `<Op>Application…JSONRequestBody` for another JSON media type.
                    alias.strip_prefix(name).is_some_and(|rest| {
                        rest == "JSONRequestBody"
                            || (rest.starts_with("Application") && rest.ends_with("JSONRequestBody"))
                    })
                })
                .map(|(_, target)| resolve_body(target, bodies));
            let query = match types.get(&format!("{name}Params")) {
                Some(GoType::Struct(fields)) => fields.iter().map(|f| f.json.clone()).collect(),
                _ => BTreeSet::new(),
            };
            let responses = response_fields(lines, name).unwrap_or_default();
            GoOperation { method: method.to_string(), path: path.to_string(), query, request_body: body, responses }
        });
    }
    operations
}

/// Follows `type A = B` / `type A B` to the declared type.
fn resolve_body(target: &str, bodies: &HashMap<String, String>) -> String {
    let mut target = target.to_string();
    while let Some(next) = bodies.get(&target) {
        target = next.clone();
    }
    target
}

/// The `JSON<status> *Type` fields of `type <Op>Response struct`.
fn response_fields(lines: &[&str], operation: &str) -> Option<BTreeMap<String, String>> {
    let start = lines.iter().position(|l| *l == format!("type {operation}Response struct {{"))?;
    let end = start + lines[start..].iter().position(|l| *l == "}")?;
    Some(
        lines[start + 1..end]
            .iter()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let status = words.next()?.strip_prefix("JSON")?;
                Some((status.to_string(), words.next()?.trim_start_matches('*').to_string()))
            })
            .collect(),
    )
}

/// A schema with its `$ref`s and single-member `allOf`s followed: the schema, the component it came from (if any)
/// and whether some step said `nullable`.
struct Resolved<'a> {
    schema: &'a Value,
    component: Option<String>,
    nullable: bool,
}

struct Check<'a> {
    go: &'a GoClient,
    spec: &'a Value,
    differences: BTreeMap<String, String>,
    /// (Go type, component) pairs compared already.
    seen: HashSet<(String, String)>,
}

impl<'a> Check<'a> {
    fn differ(&mut self, at: &str, what: impl Into<String>) {
        self.differences.insert(at.to_string(), what.into());
    }

    fn resolve(&self, mut schema: &'a Value) -> Resolved<'a> {
        let mut component = None;
        let mut nullable = false;
        loop {
            nullable |= schema.get("nullable") == Some(&Value::Bool(true));
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let name = reference.rsplit('/').next().unwrap_or_default();
                component = Some(name.to_string());
                schema = &self.spec["components"]["schemas"][name];
            } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice)
                && schema.get("properties").is_none()
            {
                schema = only;
            } else {
                return Resolved { schema, component, nullable };
            }
        }
    }

    fn operations(&mut self) {
        let mut in_spec = BTreeMap::new();
        for (path, item) in self.spec["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten().filter(|(k, _)| *k != "parameters") {
                let id = operation["operationId"].as_str().unwrap_or_default().to_string();
                in_spec.insert(id, (method.to_ascii_uppercase(), path.clone(), operation));
            }
        }
        for (name, go) in &self.go.operations {
            let id = lower_camel(name);
            let Some((method, path, operation)) = in_spec.remove(&id) else {
                self.differ(&id, "an operation of the vendor's client, missing here");
                continue;
            };
            if (method.as_str(), path.as_str()) != (go.method.as_str(), go.path.as_str()) {
                self.differ(&id, format!("{method} {path} here, {} {} in the vendor's client", go.method, go.path));
            }
            let query: BTreeSet<String> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| self.parameter(p))
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            if query != go.query {
                self.differ(&format!("{id} parameters"), format!("query {query:?} here, {:?} there", go.query));
            }
            let body = operation["requestBody"]["content"]
                .as_object()
                .and_then(|content| content.values().next())
                .map(|media| &media["schema"]);
            match (&go.request_body, body) {
                (Some(ty), Some(schema)) => self.compare(ty, schema, &format!("{id} requestBody")),
                (None, None) => {}
                _ => self.differ(&format!("{id} requestBody"), "a body on one side only"),
            }
            let mut statuses = BTreeSet::new();
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if let Some(schema) = response["content"]["application/json"].get("schema") {
                    statuses.insert(status.clone());
                    match go.responses.get(status) {
                        Some(ty) => self.compare(ty, schema, &format!("{id} {status}")),
                        None => self.differ(&format!("{id} {status}"), "a JSON response the vendor's client lacks"),
                    }
                }
            }
            for status in go.responses.keys().filter(|s| !statuses.contains(*s)) {
                self.differ(&format!("{id} {status}"), "a JSON response of the vendor's client, missing here");
            }
        }
        for id in in_spec.keys() {
            self.differ(id, "an operation the vendor's client does not have");
        }
    }

    fn parameter(&self, parameter: &'a Value) -> &'a Value {
        match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => &self.spec["components"]["parameters"][reference.rsplit('/').next().unwrap_or_default()],
            None => parameter,
        }
    }

    /// Compares the Go type `ty` with `schema`; `at` names the place for a difference.
    fn compare(&mut self, ty: &str, schema: &'a Value, at: &str) {
        let ty = ty.trim_start_matches('*');
        let resolved = self.resolve(schema);
        let at = match &resolved.component {
            Some(name) => name.clone(),
            None => at.to_string(),
        };
        if let Some(component) = &resolved.component
            && !self.seen.insert((ty.to_string(), component.clone()))
        {
            return;
        }
        let schema = resolved.schema;
        let kind = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        if let Some(items) = ty.strip_prefix("[]") {
            match kind {
                Some("array") => self.compare(items, &schema["items"], &format!("{at}[]")),
                _ => self.differ(&at, format!("an array of {items} in the vendor's client, {kind:?} here")),
            }
            return;
        }
        let expected = match ty {
            "string" => Some(("string", None)),
            "bool" => Some(("boolean", None)),
            "int" => Some(("integer", None)),
            "int32" => Some(("integer", Some("int32"))),
            "int64" => Some(("integer", Some("int64"))),
            "float32" => Some(("number", Some("float"))),
            "float64" => Some(("number", Some("double"))),
            "interface{}" => Some(("any", None)),
            _ => None,
        };
        if let Some((want_kind, want_format)) = expected {
            let same = match want_kind {
                "any" => kind.is_none() && schema.get("properties").is_none() && schema.get("oneOf").is_none(),
                // oapi-codegen gives `date-time`, `date`, `uuid` and `binary` strings types of their own.
                "string" => kind == Some("string") && !matches!(format, Some("date-time" | "date" | "uuid" | "binary")),
                _ => kind == Some(want_kind) && (want_format.is_none() || format == want_format),
            };
            if !same {
                self.differ(&at, format!("{ty} in the vendor's client, {kind:?} ({format:?}) here"));
            }
            return;
        }
        let Some(declaration) = self.go.types.get(ty) else {
            self.differ(&at, format!("{ty} is not declared in the vendor's client"));
            return;
        };
        match declaration {
            GoType::Struct(fields) => self.compare_struct(ty, fields, schema, &at),
            GoType::Union(members) => self.compare_union(ty, members, schema, resolved.nullable, &at),
            GoType::Enum(values) => {
                let here: BTreeSet<String> =
                    schema["enum"].as_array().into_iter().flatten().filter_map(Value::as_str).map(Into::into).collect();
                if kind != Some("string") || &here != values {
                    self.differ(&at, format!("the enum {values:?} in the vendor's client, {kind:?} {here:?} here"));
                }
            }
            GoType::EmptyObject => {
                if kind != Some("object")
                    || schema.get("properties").is_some_and(|p| p != &Value::Object(<_>::default()))
                {
                    self.differ(&at, "an object without properties in the vendor's client");
                }
            }
        }
    }

    fn compare_struct(&mut self, ty: &str, fields: &[GoField], schema: &'a Value, at: &str) {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            self.differ(at, format!("an object ({ty}) in the vendor's client"));
            return;
        };
        let required: BTreeSet<&str> =
            schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for field in fields {
            let place = format!("{at}.{}", field.json);
            let Some(property) = properties.get(&field.json) else {
                self.differ(&place, "a field of the vendor's client, missing here");
                continue;
            };
            if required.contains(field.json.as_str()) == field.omitempty {
                let go = if field.omitempty { "optional" } else { "required" };
                self.differ(&format!("{place} required"), format!("{go} in the vendor's client"));
            }
            if !field.omitempty && field.ty.starts_with('*') && !self.resolve(property).nullable {
                self.differ(&format!("{place} nullable"), "required and nullable in the vendor's client");
            }
            self.compare(&field.ty, property, &place);
        }
        for extra in properties.keys().filter(|name| !fields.iter().any(|f| &&f.json == name)) {
            self.differ(&format!("{at}.{extra}"), "a field the vendor's client does not have");
        }
    }

    fn compare_union(&mut self, ty: &str, members: &[String], schema: &'a Value, nullable: bool, at: &str) {
        if let [only] = members
            && !is_inline_member(ty, only)
        {
            // `oneOf: [Member, null]`: oapi-codegen keeps the member only.
            if !nullable {
                self.differ(&format!("{at} nullable"), format!("{only} or null in the vendor's client"));
            }
            self.compare(only, schema, at);
            return;
        }
        if schema.get("oneOf").is_none() {
            self.differ(at, format!("a union ({ty}) in the vendor's client, not a oneOf here"));
            return;
        }
        let mut variants: BTreeMap<String, &'a Value> = BTreeMap::new();
        for variant in schema["oneOf"].as_array().into_iter().flatten() {
            let variant = self.resolve(variant).schema;
            if let Some(properties) = variant.get("properties").and_then(Value::as_object)
                && let [(key, payload)] = properties.iter().collect::<Vec<_>>().as_slice()
            {
                variants.insert((*key).clone(), payload);
            } else {
                self.differ(at, "a union variant that is not a single-key object");
            }
        }
        for member in members {
            let Some(GoType::Struct(fields)) = self.go.types.get(member) else { continue };
            let [field] = fields.as_slice() else { continue };
            match variants.remove(&field.json) {
                Some(payload) => self.compare(&field.ty, payload, &format!("{at}.{}", field.json)),
                None => self.differ(&format!("{at}.{}", field.json), "a variant of the vendor's client, missing here"),
            }
        }
        for key in variants.keys() {
            self.differ(&format!("{at}.{key}"), "a variant the vendor's client does not have");
        }
    }
}

/// oapi-codegen names an inline `oneOf` member after its union plus its index.
fn is_inline_member(union: &str, member: &str) -> bool {
    member.strip_prefix(union).is_some_and(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// `CreateConnectorAutoId` → `createConnectorAutoId`.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|first| first.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}
