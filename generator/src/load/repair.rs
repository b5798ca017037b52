//! Repair: checks each part of a document against the OpenAPI 3.0 grammar, as the `openapiv3` types read it, before
//! they read it, and mends what does not fit, with a warning at the keyword that is wrong.
//!
//! Without it, one wrong value anywhere refused the whole document, with an error far from the mistake (the
//! component it was in), and in time exponential in the nesting depth: `openapiv3` retries every `ReferenceOr`
//! whose content fails, at every level. After repair every node has the shape its type needs, so parsing succeeds
//! the first time, and the whole check is one walk, linear in the document's size.
//!
//! What a defect costs is local and said:
//! - a keyword that only documents or constrains (`description`, `minimum`, `format`, a parameter's `style`, …) is
//!   dropped;
//! - a schema whose type-defining keyword is wrong (`type`, `properties`, `allOf`, …) is read as any JSON value
//!   (`serde_json::Value`), keeping its documentation; a subschema that is not an object (`items: "x"`) becomes one;
//! - a parameter, response, header, media type, security scheme, server or tag that cannot be read is left out,
//!   and an operation that cannot be read is skipped, each with a warning that names it;
//! - what generates nothing (`links`, examples) is read leniently; links are not read at all.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, child};

/// Where a node is: its token and its parent's place, up to a root pointer. Built into a JSON pointer only when a
/// warning needs it, so the walk allocates nothing for valid documents.
#[derive(Clone, Copy)]
pub struct At<'a> {
    parent: Option<&'a At<'a>>,
    token: Token<'a>,
}

#[derive(Clone, Copy)]
enum Token<'a> {
    /// An already escaped pointer, `#/paths/~1pets`.
    Root(&'a str),
    /// An object member.
    Key(&'a str),
    /// An array item.
    Index(usize),
}

impl<'a> At<'a> {
    /// The node at `pointer` (escaped, `#/…`).
    pub fn root(pointer: &'a str) -> Self {
        Self { parent: None, token: Token::Root(pointer) }
    }

    fn key<'b>(&'b self, key: &'b str) -> At<'b> {
        At { parent: Some(self), token: Token::Key(key) }
    }

    fn index<'b>(&'b self, index: usize) -> At<'b> {
        At { parent: Some(self), token: Token::Index(index) }
    }

    /// The JSON pointer of this place.
    fn pointer(&self) -> String {
        let mut tokens = Vec::new();
        let mut place = Some(self);
        let mut pointer = String::from("#");
        while let Some(at) = place {
            match at.token {
                Token::Root(root) => pointer = root.to_string(),
                token => tokens.push(token),
            }
            place = at.parent;
        }
        for token in tokens.into_iter().rev() {
            pointer = match token {
                Token::Key(key) => child(&pointer, key),
                Token::Index(index) => child(&pointer, &index.to_string()),
                Token::Root(_) => pointer,
            };
        }
        pointer
    }
}

/// The HTTP methods a 3.0 path item has fields for.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords of a schema that only document it: what a schema read as any value keeps.
const SCHEMA_DOCS: [&str; 9] =
    ["title", "description", "nullable", "readOnly", "writeOnly", "deprecated", "example", "default", "externalDocs"];

/// Repairs document parts and collects what it changed, as warnings.
pub struct Repair<'f> {
    file: &'f Path,
    /// What was changed, at the keyword that was wrong.
    pub warnings: Vec<Diagnostic>,
    /// List items that moved up when an item before them was left out: (pointer after repair, pointer before).
    pub moved: Vec<(String, String)>,
}

impl<'f> Repair<'f> {
    /// A repair of parts of the document read from `file`.
    pub fn new(file: &'f Path) -> Self {
        Self { file, warnings: Vec::new(), moved: Vec::new() }
    }

    /// The file whose parts this repairs.
    pub fn file(&self) -> &'f Path {
        self.file
    }

    fn warn(&mut self, at: At<'_>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(self.file, at.pointer(), message));
    }

    /// Removes `key` from `map` when its value is not what `fits` accepts, saying what was expected. A null is
    /// removed quietly: for the OpenAPI types it means the same as leaving the member out, which is also the only
    /// form some of them (lists and flags with defaults) accept.
    fn keep_if(&mut self, map: &mut Map<String, Value>, key: &str, at: At<'_>, fits: fn(&Value) -> bool, what: &str) {
        if map.get(key).is_some_and(Value::is_null) {
            map.remove(key);
            return;
        }
        if let Some(value) = map.get(key)
            && !fits(value)
        {
            let found = describe(value);
            self.warn(at.key(key), format!("`{key}` must be {what}, not {found}; it is ignored"));
            map.remove(key);
        }
    }

    /// An optional string (`description`, `summary`, …): a string or null.
    fn text(&mut self, map: &mut Map<String, Value>, key: &str, at: At<'_>) {
        self.keep_if(map, key, at, |v| v.is_string() || v.is_null(), "a string");
    }

    /// A flag with a default (`required`, `deprecated`, …): `true` or `false`.
    fn flag(&mut self, map: &mut Map<String, Value>, key: &str, at: At<'_>) {
        self.keep_if(map, key, at, Value::is_boolean, "true or false");
    }

    /// An optional flag: `true`, `false` or null.
    fn optional_flag(&mut self, map: &mut Map<String, Value>, key: &str, at: At<'_>) {
        self.keep_if(map, key, at, |v| v.is_boolean() || v.is_null(), "true or false");
    }

    /// A required string member; a number or boolean is taken as its text, anything else makes the node unreadable
    /// (`false`), unless `default` gives a value to use.
    fn required_text(&mut self, map: &mut Map<String, Value>, key: &str, at: At<'_>, default: Option<&str>) -> bool {
        match map.get(key) {
            Some(Value::String(_)) => true,
            Some(value @ (Value::Number(_) | Value::Bool(_))) => {
                let text = value.to_string();
                map.insert(key.to_string(), Value::String(text));
                true
            }
            found => match default {
                Some(default) => {
                    if let Some(found) = found {
                        let found = describe(found);
                        self.warn(at.key(key), format!("`{key}` must be a string, not {found}; read as {default:?}"));
                    }
                    map.insert(key.to_string(), Value::String(default.to_string()));
                    true
                }
                None => false,
            },
        }
    }

    /// A list of strings (`tags`, `required`, a server variable's `enum`): other items are dropped.
    fn text_list(&mut self, map: &mut Map<String, Value>, key: &str, at: At<'_>) {
        self.keep_if(map, key, at, |v| v.is_array() || v.is_null(), "a list of strings");
        if let Some(Value::Array(items)) = map.get_mut(key)
            && items.iter().any(|item| !item.is_string())
        {
            let at = at.key(key);
            let before = items.len();
            items.retain(Value::is_string);
            self.warn(at, format!("{} item(s) of `{key}` are not strings; they are ignored", before - items.len()));
        }
    }

    /// A map whose entries are read by `entry` (false: the entry cannot be read, and is dropped with a warning
    /// naming `what`). A value that is not a map is dropped whole.
    fn entries(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        at: At<'_>,
        what: &str,
        mut entry: impl FnMut(&mut Self, &mut Value, At<'_>) -> bool,
    ) {
        self.keep_if(map, key, at, Value::is_object, "a map");
        let Some(Value::Object(members)) = map.get_mut(key) else { return };
        let at = at.key(key);
        let mut dropped = Vec::new();
        for (name, value) in members.iter_mut() {
            if !entry(self, value, at.key(name)) {
                dropped.push(name.clone());
            }
        }
        for name in dropped {
            self.warn(at.key(&name), format!("this {what} cannot be read; it is left out"));
            members.shift_remove(&name);
        }
    }

    /// A list whose items are read by `item` (false: dropped with a warning naming `what`). A value that is not a
    /// list is dropped whole.
    fn items(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        at: At<'_>,
        what: &str,
        mut item: impl FnMut(&mut Self, &mut Value, At<'_>) -> bool,
    ) {
        self.keep_if(map, key, at, Value::is_array, "a list");
        let Some(Value::Array(items)) = map.get_mut(key) else { return };
        let at = at.key(key);
        let mut index = 0;
        let mut original = 0;
        while index < items.len() {
            if item(self, &mut items[index], at.index(original)) {
                if index != original {
                    self.moved.push((at.index(index).pointer(), at.index(original).pointer()));
                }
                index += 1;
            } else {
                self.warn(at.index(original), format!("this {what} cannot be read; it is left out"));
                items.remove(index);
            }
            original += 1;
        }
    }

    // --- Schemas -------------------------------------------------------------------------------------------------

    /// A schema or a reference to one. Never fails: what cannot be read becomes a schema of any value.
    pub fn schema(&mut self, node: &mut Value, at: At<'_>) {
        let Value::Object(map) = node else {
            let found = describe(node);
            self.warn(at, format!("a schema must be an object, not {found}; read as any JSON value"));
            *node = Value::Object(Map::new());
            return;
        };
        if let Some(reference) = map.get("$ref") {
            if reference.is_string() {
                return;
            }
            self.keep_if(map, "$ref", at, Value::is_string, "a string");
        }
        // Nearly every schema fits as it is (one pass over its members); only the others are mended first.
        if !schema_fits(map) && !self.mend_schema(map, at) {
            return;
        }
        self.subschemas(map, at);
    }

    /// Repairs each subschema of a schema whose own keywords fit: `properties`, `allOf`/`oneOf`/`anyOf`, `items`,
    /// `not` and a schema `additionalProperties`.
    fn subschemas(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        for (key, value) in map.iter_mut() {
            match (key.as_str(), value) {
                ("properties", Value::Object(properties)) => {
                    let at = at.key("properties");
                    for (name, property) in properties.iter_mut() {
                        self.schema(property, at.key(name));
                    }
                }
                ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => {
                    let at = at.key(key);
                    for (index, member) in members.iter_mut().enumerate() {
                        self.schema(member, at.index(index));
                    }
                }
                ("items" | "not" | "additionalProperties", value @ Value::Object(_)) => {
                    self.schema(value, at.key(key));
                }
                _ => {}
            }
        }
    }

    /// Mends a schema's own keywords (not its subschemas) with a warning each. False when a type-defining keyword
    /// is wrong: the schema is then read as any value and has no subschemas left.
    fn mend_schema(&mut self, map: &mut Map<String, Value>, at: At<'_>) -> bool {
        for key in ["title", "description", "pattern", "format"] {
            self.text(map, key, at);
        }
        for key in ["nullable", "readOnly", "writeOnly", "deprecated"] {
            self.flag(map, key, at);
        }
        for key in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
            self.optional_flag(map, key, at);
        }
        for key in ["multipleOf", "minimum", "maximum"] {
            self.keep_if(map, key, at, |v| v.is_number() || v.is_null(), "a number");
        }
        for key in ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] {
            self.keep_if(
                map,
                key,
                at,
                |v| v.as_u64().is_some_and(|n| usize::try_from(n).is_ok()) || v.is_null(),
                "a count",
            );
        }
        if map.get("type").and_then(Value::as_str) == Some("integer") {
            self.integer_bounds(map, at);
        }
        self.keep_if(map, "enum", at, |v| v.is_array() || v.is_null(), "a list");
        self.text_list(map, "required", at);
        if map.contains_key("externalDocs") && !self.external_docs(map, at) {
            map.remove("externalDocs");
        }
        if map.contains_key("discriminator") && !self.discriminator(map, at) {
            map.remove("discriminator");
        }
        let schema_or_flag = |v: &Value| v.is_object() || v.is_boolean() || v.is_null();
        self.keep_if(map, "additionalProperties", at, schema_or_flag, "a schema or a boolean");
        for key in ["items", "not"] {
            // A subschema that is not an object becomes one (of any value); objects are repaired with the others.
            if let Some(inner) = map.get_mut(key).filter(|inner| !inner.is_object() && !inner.is_null()) {
                self.schema(inner, at.key(key));
            }
        }
        match self.type_defining_defect(map) {
            Some(keyword) => {
                self.read_as_any(map, at, keyword);
                false
            }
            None => true,
        }
    }

    /// An integer schema's bounds as 64-bit integers: a whole number written as a float (`1.0`) is read as the
    /// integer; a bound beyond `i64` (`maximum: 18446744073709552000`) or with a fraction is dropped.
    fn integer_bounds(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        for key in ["minimum", "maximum", "multipleOf"] {
            let Some(Value::Number(number)) = map.get(key) else { continue };
            if number.is_i64() {
                continue;
            }
            let whole = number.as_f64().filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64);
            match whole {
                Some(whole) => {
                    map.insert(key.to_string(), Value::from(whole as i64));
                }
                None => {
                    let number = number.to_string();
                    self.warn(
                        at.key(key),
                        format!("`{key}: {number}` does not fit a 64-bit integer; the bound is dropped"),
                    );
                    map.remove(key);
                }
            }
        }
    }

    /// The first keyword that defines what a schema is and has a value of the wrong kind.
    fn type_defining_defect(&self, map: &Map<String, Value>) -> Option<&'static str> {
        let fits = |key: &str, fits: fn(&Value) -> bool| map.get(key).is_none_or(|v| v.is_null() || fits(v));
        if !fits("type", Value::is_string) {
            return Some("type");
        }
        if !fits("properties", Value::is_object) {
            return Some("properties");
        }
        ["allOf", "oneOf", "anyOf"].into_iter().find(|key| !fits(key, Value::is_array))
    }

    /// Reads a schema whose `keyword` cannot be understood as any JSON value, keeping its documentation.
    fn read_as_any(&mut self, map: &mut Map<String, Value>, at: At<'_>, keyword: &str) {
        let found = describe(&map[keyword]);
        self.warn(
            at.key(keyword),
            format!("`{keyword}` cannot be {found}; this schema is read as any JSON value (`serde_json::Value`)"),
        );
        map.retain(|key, _| {
            SCHEMA_DOCS.contains(&key.as_str()) || (key.starts_with("x-") && !key.starts_with("x-specforge-"))
        });
    }

    /// A schema's `externalDocs`, `url` required. False: it cannot be read.
    fn external_docs(&mut self, map: &mut Map<String, Value>, at: At<'_>) -> bool {
        let Some(Value::Object(docs)) = map.get_mut("externalDocs") else { return false };
        let at_docs = at.key("externalDocs");
        self.text(docs, "description", at_docs);
        if self.required_text(docs, "url", at_docs, None) {
            return true;
        }
        self.warn(at_docs, "`externalDocs` needs a `url`; it is ignored");
        false
    }

    /// A schema's `discriminator`, `propertyName` required. False: it cannot be read.
    fn discriminator(&mut self, map: &mut Map<String, Value>, at: At<'_>) -> bool {
        let at = at.key("discriminator");
        let Some(Value::Object(discriminator)) = map.get_mut("discriminator") else {
            self.warn(at, "`discriminator` must be an object with a `propertyName`; it is ignored");
            return false;
        };
        if !matches!(discriminator.get("propertyName"), Some(Value::String(_))) {
            self.warn(at, "`discriminator` needs a `propertyName` string; it is ignored");
            return false;
        }
        self.keep_if(discriminator, "mapping", at, Value::is_object, "a map");
        if let Some(Value::Object(mapping)) = discriminator.get_mut("mapping")
            && mapping.values().any(|v| !v.is_string())
        {
            mapping.retain(|_, v| v.is_string());
            self.warn(at.key("mapping"), "entries of `mapping` that are not strings are ignored");
        }
        true
    }

    // --- Paths and operations ------------------------------------------------------------------------------------

    /// A path item. False: it cannot be read at all (not an object).
    pub fn path_item(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        self.text(map, "summary", at);
        self.text(map, "description", at);
        self.items(map, "servers", at, "server", Self::server);
        self.items(map, "parameters", at, "parameter", Self::parameter);
        for method in METHODS {
            match map.get_mut(method) {
                None | Some(Value::Null) => {}
                Some(operation) => {
                    if !self.operation(operation, at.key(method)) {
                        self.warn(
                            at.key(method),
                            format!("this {} operation cannot be read; it is skipped", method.to_uppercase()),
                        );
                        map.remove(method);
                    }
                }
            }
        }
        if let Some(Value::Object(extra)) = map.get_mut(super::extensions::EXTRA_OPERATIONS) {
            let mut skipped = Vec::new();
            for (key, operation) in extra.iter_mut() {
                let (first, rest) = key.split_once('/').unwrap_or((key, ""));
                let first_at = at.key(first);
                let op_at = if rest.is_empty() { first_at } else { first_at.key(rest) };
                if !self.operation(operation, op_at) {
                    self.warn(op_at, "this operation cannot be read; it is skipped");
                    skipped.push(key.clone());
                }
            }
            for key in skipped {
                extra.shift_remove(&key);
            }
        }
        true
    }

    /// An operation. False: it cannot be read (not an object).
    fn operation(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        self.text_list(map, "tags", at);
        for key in ["summary", "description", "operationId"] {
            self.text(map, key, at);
        }
        if map.contains_key("externalDocs") && !self.external_docs(map, at) {
            map.remove("externalDocs");
        }
        self.items(map, "parameters", at, "parameter", Self::parameter);
        match map.get_mut("requestBody") {
            None | Some(Value::Null) => {}
            Some(body) => {
                if !self.request_body(body, at.key("requestBody")) {
                    self.warn(at.key("requestBody"), "this request body cannot be read; the operation sends none");
                    map.remove("requestBody");
                }
            }
        }
        self.responses(map, at);
        // An operation's callbacks are read as written: `openapiv3` takes no `$ref` for one here.
        if let Some(Value::Object(callbacks)) = map.get_mut("callbacks") {
            for (name, callback) in callbacks.iter_mut() {
                if let Value::Object(callback) = callback
                    && callback.remove("$ref").is_some()
                {
                    self.warn(at.key("callbacks").key(name), "a callback `$ref` is not read here; it is left out");
                }
            }
        }
        self.entries(map, "callbacks", at, "callback", Self::callback);
        self.flag(map, "deprecated", at);
        self.security(map, at);
        self.items(map, "servers", at, "server", Self::server);
        true
    }

    /// An operation's `responses`: a map from status codes (and `default`) to responses. Missing, it is empty.
    fn responses(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        match map.get("responses") {
            Some(Value::Object(_)) => {}
            found => {
                if let Some(found) = found {
                    let found = describe(found);
                    self.warn(at.key("responses"), format!("`responses` must be a map, not {found}; it is ignored"));
                } else {
                    self.warn(at, "the operation lists no `responses`; its reply is not typed");
                }
                map.insert("responses".to_string(), Value::Object(Map::new()));
            }
        }
        let Some(Value::Object(responses)) = map.get_mut("responses") else { return };
        let at = at.key("responses");
        let mut dropped = Vec::new();
        for (status, response) in responses.iter_mut() {
            if status.starts_with("x-") {
                continue;
            }
            let at = at.key(status);
            if status != "default" && !is_status_code(status) {
                self.warn(
                    at,
                    format!("{status:?} is not a status code (`200`, `4XX` or `default`); this response is ignored"),
                );
                dropped.push(status.clone());
            } else if !self.response(response, at) {
                self.warn(at, "this response cannot be read; it is left out");
                dropped.push(status.clone());
            }
        }
        for status in dropped {
            responses.shift_remove(&status);
        }
    }

    /// A parameter or a reference to one. False: it cannot be read.
    fn parameter(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        let styles: &[&str] = match map.get("in").and_then(Value::as_str) {
            Some("query") => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
            Some("header") => &["simple"],
            Some("path") => &["matrix", "label", "simple"],
            Some("cookie") => &["form"],
            _ => {
                self.warn(at.key("in"), "`in` must be `query`, `header`, `path` or `cookie`");
                return false;
            }
        };
        if !self.required_text(map, "name", at, None) {
            self.warn(at, "the parameter has no `name`");
            return false;
        }
        if let Some(style) = map.get("style")
            && !style.as_str().is_some_and(|style| styles.contains(&style))
        {
            let found = describe(style);
            self.warn(
                at.key("style"),
                format!("`style` must be one of {} here, not {found}; it is ignored", styles.join(", ")),
            );
            map.remove("style");
        }
        self.text(map, "description", at);
        self.flag(map, "required", at);
        self.flag(map, "allowReserved", at);
        for key in ["deprecated", "explode", "allowEmptyValue"] {
            self.optional_flag(map, key, at);
        }
        self.schema_or_content(map, at);
        self.examples(map, at);
        true
    }

    /// A header or a reference to one. False: it cannot be read.
    fn header(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        self.keep_if(map, "style", at, |v| v == "simple", "`simple`");
        self.text(map, "description", at);
        self.flag(map, "required", at);
        self.optional_flag(map, "deprecated", at);
        self.schema_or_content(map, at);
        self.examples(map, at);
        true
    }

    /// A parameter's or header's `schema` or `content`: one of the two must be there; with neither, the value is
    /// read as any value (a string on the wire).
    fn schema_or_content(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        if let Some(schema) = map.get_mut("schema") {
            self.schema(schema, at.key("schema"));
            return;
        }
        self.media_types(map, at);
        if !map.contains_key("content") {
            self.warn(at, "it has neither `schema` nor `content`; its value is read as any value");
            map.insert("schema".to_string(), Value::Object(Map::new()));
        }
    }

    /// A request body or a reference to one. False: it cannot be read.
    fn request_body(&mut self, node: &mut Value, at: At<'_>) -> bool {
        self.schema_ref_as_json_content(node, at, "request body");
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        self.text(map, "description", at);
        self.flag(map, "required", at);
        self.media_types(map, at);
        true
    }

    /// A response or a reference to one. False: it cannot be read.
    fn response(&mut self, node: &mut Value, at: At<'_>) -> bool {
        self.schema_ref_as_json_content(node, at, "response");
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        // Required by OpenAPI 3.0 and often left out; nothing is generated from its absence.
        self.required_text(map, "description", at, Some(""));
        self.entries(map, "headers", at, "header", Self::header);
        self.media_types(map, at);
        // Links generate nothing: not read.
        map.remove("links");
        true
    }

    /// A response or request body that is a `$ref` to a schema (written by some tools for "the body is this
    /// schema") is used for what it holds: a JSON body of that schema.
    fn schema_ref_as_json_content(&mut self, node: &mut Value, at: At<'_>, what: &str) {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else { return };
        if !reference.starts_with("#/components/schemas/") {
            return;
        }
        self.warn(at, format!("a {what} `$ref` names a schema ({reference}); read as a JSON body of that schema"));
        let schema = serde_json::json!({"$ref": reference});
        let content = serde_json::json!({"application/json": {"schema": schema}});
        *node = serde_json::json!({"description": "", "content": content});
    }

    /// A `content` map from media types to media type objects.
    fn media_types(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        self.entries(map, "content", at, "media type", |repair, node, at| {
            let Value::Object(media) = node else { return false };
            match media.get_mut("schema") {
                None | Some(Value::Null) => {}
                Some(schema) => repair.schema(schema, at.key("schema")),
            }
            repair.examples(media, at);
            repair.entries(media, "encoding", at, "encoding", |repair, node, at| {
                let Value::Object(encoding) = node else { return false };
                repair.text(encoding, "contentType", at);
                repair.entries(encoding, "headers", at, "header", Self::header);
                repair.keep_if(
                    encoding,
                    "style",
                    at,
                    |v| {
                        v.is_null()
                            || v.as_str()
                                .is_some_and(|s| ["form", "spaceDelimited", "pipeDelimited", "deepObject"].contains(&s))
                    },
                    "a query style",
                );
                repair.flag(encoding, "explode", at);
                repair.flag(encoding, "allowReserved", at);
                true
            });
            true
        });
    }

    /// `examples`: a map of Example objects or references. They only seed the fake server's replies, so what
    /// cannot be read is dropped.
    fn examples(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        self.entries(map, "examples", at, "example", Self::example);
    }

    /// An Example object or a reference to one. False: it cannot be read.
    fn example(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(example) = node else { return false };
        if example.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        for key in ["summary", "description", "externalValue"] {
            self.text(example, key, at);
        }
        true
    }

    /// A callback: a map from expressions to path items.
    fn callback(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        let mut dropped = Vec::new();
        // Every member is read as a path item, `x-` ones too (`openapiv3` has no extensions here).
        for (expression, item) in map.iter_mut() {
            if !self.path_item(item, at.key(expression)) {
                dropped.push(expression.clone());
            }
        }
        for expression in dropped {
            self.warn(at.key(&expression), "this callback's path item cannot be read; it is left out");
            map.shift_remove(&expression);
        }
        true
    }

    /// `security`: a list of requirements, each a map from scheme names to lists of scopes.
    fn security(&mut self, map: &mut Map<String, Value>, at: At<'_>) {
        if map.get("security").is_some_and(Value::is_null) {
            return;
        }
        self.items(map, "security", at, "security requirement", |_, node, _| {
            let Value::Object(requirement) = node else { return false };
            requirement.values().all(|scopes| scopes.as_array().is_some_and(|s| s.iter().all(Value::is_string)))
        });
    }

    /// A server. False: it cannot be read (no `url`).
    fn server(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        if !self.required_text(map, "url", at, None) {
            return false;
        }
        self.text(map, "description", at);
        if map.get("variables").is_some_and(Value::is_null) {
            return true;
        }
        self.entries(map, "variables", at, "server variable", |repair, node, at| {
            let Value::Object(variable) = node else { return false };
            repair.text_list(variable, "enum", at);
            repair.text(variable, "description", at);
            repair.required_text(variable, "default", at, None)
        });
        true
    }

    // --- The rest of the document --------------------------------------------------------------------------------

    /// Everything but the path items and the component schemas (which are repaired one by one as they are parsed):
    /// `info`, `servers`, `tags`, `security`, `externalDocs` and the other component sections.
    pub fn rest(&mut self, document: &mut Value) {
        let at = At::root("#");
        let Value::Object(map) = document else { return };
        // Checked before (a document without a version is refused); YAML may have read it as a number.
        self.required_text(map, "openapi", at, Some(""));
        if !map.get("info").is_some_and(Value::is_object) {
            self.warn(at.key("info"), "the document has no `info` object; its title and version are left empty");
            map.insert("info".to_string(), Value::Object(Map::new()));
        }
        if let Some(Value::Object(info)) = map.get_mut("info") {
            let at = at.key("info");
            self.required_text(info, "title", at, Some(""));
            self.required_text(info, "version", at, Some(""));
            self.text(info, "description", at);
            self.text(info, "termsOfService", at);
            self.keep_if(
                info,
                "contact",
                at,
                |v| {
                    v.is_null()
                        || v.as_object().is_some_and(|c| {
                            ["name", "url", "email"]
                                .iter()
                                .all(|k| c.get(*k).is_none_or(|v| v.is_string() || v.is_null()))
                        })
                },
                "a contact object",
            );
            self.keep_if(
                info,
                "license",
                at,
                |v| {
                    v.is_null()
                        || v.as_object().is_some_and(|l| {
                            l.get("name").is_some_and(Value::is_string)
                                && l.get("url").is_none_or(|v| v.is_string() || v.is_null())
                        })
                },
                "a license object with a `name`",
            );
        }
        if !map.get("paths").is_some_and(Value::is_object) {
            map.insert("paths".to_string(), Value::Object(Map::new()));
        }
        self.items(map, "servers", at, "server", Self::server);
        self.security(map, at);
        self.items(map, "tags", at, "tag", |repair, node, at| {
            let Value::Object(tag) = node else { return false };
            if !repair.required_text(tag, "name", at, None) {
                return false;
            }
            repair.text(tag, "description", at);
            if tag.contains_key("externalDocs") && !repair.external_docs(tag, at) {
                tag.remove("externalDocs");
            }
            true
        });
        if map.contains_key("externalDocs") && !self.external_docs(map, at) {
            map.remove("externalDocs");
        }
        self.keep_if(map, "components", at, |v| v.is_object() || v.is_null(), "an object");
        let Some(Value::Object(components)) = map.get_mut("components") else { return };
        let at = at.key("components");
        self.entries(components, "responses", at, "response", Self::response);
        self.entries(components, "parameters", at, "parameter", Self::parameter);
        self.entries(components, "requestBodies", at, "request body", Self::request_body);
        self.entries(components, "headers", at, "header", Self::header);
        self.entries(components, "callbacks", at, "callback", Self::callback);
        self.entries(components, "securitySchemes", at, "security scheme", Self::security_scheme);
        self.entries(components, "examples", at, "example", Self::example);
        components.remove("links");
    }

    /// A security scheme. False: it cannot be read (unknown type, or a required member missing).
    fn security_scheme(&mut self, node: &mut Value, at: At<'_>) -> bool {
        let Value::Object(map) = node else { return false };
        if map.get("$ref").is_some_and(Value::is_string) {
            return true;
        }
        self.text(map, "description", at);
        match map.get("type").and_then(Value::as_str) {
            Some("apiKey") => {
                map.get("in")
                    .and_then(Value::as_str)
                    .is_some_and(|place| ["query", "header", "cookie"].contains(&place))
                    && self.required_text(map, "name", at, None)
            }
            Some("http") => {
                self.text(map, "bearerFormat", at);
                self.required_text(map, "scheme", at, None)
            }
            Some("openIdConnect") => self.required_text(map, "openIdConnectUrl", at, None),
            Some("oauth2") => {
                let Some(Value::Object(flows)) = map.get_mut("flows") else { return false };
                let at = at.key("flows");
                for (flow, urls) in [
                    ("implicit", &["authorizationUrl"][..]),
                    ("password", &["tokenUrl"][..]),
                    ("clientCredentials", &["tokenUrl"][..]),
                    ("authorizationCode", &["authorizationUrl", "tokenUrl"][..]),
                ] {
                    let Some(node) = flows.get_mut(flow) else { continue };
                    if node.is_null() {
                        continue;
                    }
                    let readable = match node {
                        Value::Object(details) => {
                            self.text(details, "refreshUrl", at.key(flow));
                            if details.get("scopes").is_none_or(Value::is_null) {
                                details.insert("scopes".to_string(), Value::Object(Map::new()));
                            }
                            self.keep_if(
                                details,
                                "scopes",
                                at.key(flow),
                                |v| v.as_object().is_some_and(|s| s.values().all(Value::is_string)),
                                "a map of scope descriptions",
                            );
                            details.entry("scopes").or_insert_with(|| Value::Object(Map::new()));
                            urls.iter().all(|url| details.get(*url).is_some_and(Value::is_string))
                        }
                        _ => false,
                    };
                    if !readable {
                        self.warn(
                            at.key(flow),
                            format!(
                                "the `{flow}` flow cannot be read (it needs {}); it is left out",
                                urls.join(" and ")
                            ),
                        );
                        flows.remove(flow);
                    }
                }
                true
            }
            _ => false,
        }
    }
}

/// Whether every keyword of a schema has the kind `openapiv3` reads (so [`Repair::schema`] has nothing to mend
/// but in its subschemas): one pass over its members, no lookups.
fn schema_fits(map: &Map<String, Value>) -> bool {
    let mut integer = false;
    let mut whole_bounds = true;
    let fits = map.iter().all(|(key, value)| match key.as_str() {
        "title" | "description" | "pattern" | "format" | "type" => {
            integer |= key == "type" && value == "integer";
            value.is_string()
        }
        "nullable" | "readOnly" | "writeOnly" | "deprecated" | "exclusiveMinimum" | "exclusiveMaximum"
        | "uniqueItems" => value.is_boolean(),
        "multipleOf" | "minimum" | "maximum" => {
            whole_bounds &= value.is_i64();
            value.is_number()
        }
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            value.as_u64().is_some_and(|n| usize::try_from(n).is_ok())
        }
        "enum" | "allOf" | "oneOf" | "anyOf" => value.is_array(),
        "required" => value.as_array().is_some_and(|items| items.iter().all(Value::is_string)),
        "properties" | "items" | "not" => value.is_object(),
        "additionalProperties" => value.is_object() || value.is_boolean(),
        "externalDocs" => value.as_object().is_some_and(|docs| {
            docs.get("url").is_some_and(Value::is_string) && docs.get("description").is_none_or(Value::is_string)
        }),
        "discriminator" => value.as_object().is_some_and(|d| {
            d.get("propertyName").is_some_and(Value::is_string)
                && d.get("mapping").is_none_or(|m| m.as_object().is_some_and(|m| m.values().all(Value::is_string)))
        }),
        _ => true,
    });
    fits && (!integer || whole_bounds)
}

/// Whether a `responses` key is a status code as `openapiv3` reads it: three digits from 100 to 999, or a digit
/// and `XX`.
fn is_status_code(key: &str) -> bool {
    let bytes = key.as_bytes();
    match bytes {
        [first, b'X' | b'x', b'X' | b'x'] => first.is_ascii_digit(),
        [first, second, third] => (b'1'..=b'9').contains(first) && second.is_ascii_digit() && third.is_ascii_digit(),
        _ => false,
    }
}

/// What a value is, for a message: `a string`, `an object`, ….
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) if text.chars().count() <= 40 => format!("the string {text:?}"),
        Value::String(_) => "a string".to_string(),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Repairs `node` as a schema at `#/S`: the repaired node and the warnings' (pointer, message).
    fn schema(mut node: Value) -> (Value, Vec<(String, String)>) {
        let mut repair = Repair::new(Path::new("api.yaml"));
        repair.schema(&mut node, At::root("#/S"));
        (node, repair.warnings.into_iter().map(|w| (w.pointer, w.message)).collect())
    }

    /// Repairs `node` as a path item at `#/paths/~1p`.
    fn path_item(mut node: Value) -> (Value, Vec<(String, String)>) {
        let mut repair = Repair::new(Path::new("api.yaml"));
        assert!(repair.path_item(&mut node, At::root("#/paths/~1p")));
        (node, repair.warnings.into_iter().map(|w| (w.pointer, w.message)).collect())
    }

    #[test]
    fn a_valid_schema_is_left_as_it_is_and_nulls_go_quietly() {
        let valid = json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "array", "items": {"$ref": "#/x"}}},
                           "additionalProperties": {"type": "integer", "minimum": 1}});
        let (repaired, warnings) = schema(valid.clone());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(repaired, valid);
        let (repaired, warnings) = schema(json!({"type": "string", "description": null, "readOnly": null}));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(repaired, json!({"type": "string"}));
    }

    #[test]
    fn a_wrong_type_defining_keyword_makes_the_schema_any_value_keeping_its_docs() {
        let (repaired, warnings) = schema(
            json!({"type": ["string", "null"], "description": "d", "maxLength": 3, "x-a": 1, "x-specforge-tuple": true}),
        );
        assert_eq!(repaired, json!({"description": "d", "x-a": 1}));
        assert_eq!(warnings[0].0, "#/S/type");
        assert!(warnings[0].1.contains("read as any JSON value"), "{}", warnings[0].1);
    }

    #[test]
    fn a_wrong_constraint_is_dropped_at_its_keyword_and_names_are_escaped() {
        let (repaired, warnings) = schema(
            json!({"type": "object", "properties": {"a/b": {"type": "string", "maxLength": -1, "nullable": null}}}),
        );
        assert_eq!(repaired, json!({"type": "object", "properties": {"a/b": {"type": "string"}}}));
        assert_eq!(
            warnings,
            [(
                "#/S/properties/a~1b/maxLength".to_string(),
                "`maxLength` must be a count, not the number -1; it is ignored".to_string()
            )]
        );
    }

    #[test]
    fn integer_bounds_are_read_as_integers_or_dropped() {
        let (repaired, warnings) =
            schema(json!({"type": "integer", "minimum": 1.0, "maximum": 1.8446744073709552e19, "multipleOf": 0.5}));
        assert_eq!(repaired, json!({"type": "integer", "minimum": 1}));
        let pointers: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["#/S/maximum", "#/S/multipleOf"]);
    }

    #[test]
    fn unreadable_parts_of_an_operation_are_left_out_and_named() {
        let (repaired, warnings) = path_item(json!({
            "parameters": [{"name": "a", "in": "body"}, {"name": "b", "in": "query"}, {"in": "header"}],
            "get": {"tags": null, "responses": {"200": {"content": {"application/json": {"schema": "x"}}, "links": {"l": {}}},
                                                "2X0": {"description": "?"}}},
            "put": "not an operation",
            "post": {"callbacks": {"c": {"$ref": "#/components/callbacks/c"}}}
        }));
        assert_eq!(repaired["parameters"], json!([{"name": "b", "in": "query", "schema": {}}]));
        assert_eq!(
            repaired["get"],
            json!({"responses": {"200": {"content": {"application/json": {"schema": {}}}, "description": ""}}})
        );
        assert!(repaired.get("put").is_none());
        assert_eq!(repaired["post"]["responses"], json!({}));
        let pointers: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1p/parameters/0/in",
                "#/paths/~1p/parameters/0",
                "#/paths/~1p/parameters/1",
                "#/paths/~1p/parameters/2",
                "#/paths/~1p/parameters/2",
                "#/paths/~1p/get/responses/200/content/application~1json/schema",
                "#/paths/~1p/get/responses/2X0",
                "#/paths/~1p/put",
                "#/paths/~1p/post",
                "#/paths/~1p/post/callbacks/c",
            ]
        );
    }

    #[test]
    fn the_rest_gets_an_info_and_paths_and_loses_unreadable_schemes_and_flows() {
        let mut document = json!({"openapi": 3.1, "tags": [{"name": "t", "description": {"$ref": "#/x"}}, {"description": "no name"}],
            "components": {"securitySchemes": {
                "mtls": {"type": "mutualTLS"},
                "oauth": {"type": "oauth2", "flows": {"implicit": {"scopes": {}}, "clientCredentials": {"tokenUrl": "/t"}}}
            }, "links": {"l": {}}}});
        let mut repair = Repair::new(Path::new("api.yaml"));
        repair.rest(&mut document);
        assert_eq!(document["openapi"], json!("3.1"));
        assert_eq!(document["info"], json!({"title": "", "version": ""}));
        assert_eq!(document["paths"], json!({}));
        assert_eq!(document["tags"], json!([{"name": "t"}]));
        assert_eq!(
            document["components"],
            json!({"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/t", "scopes": {}}}}}})
        );
        let pointers: Vec<String> = repair.warnings.into_iter().map(|w| w.pointer).collect();
        assert_eq!(
            pointers,
            [
                "#/info",
                "#/tags/0/description",
                "#/tags/1",
                "#/components/securitySchemes/oauth/flows/implicit",
                "#/components/securitySchemes/mtls"
            ]
        );
    }
}
