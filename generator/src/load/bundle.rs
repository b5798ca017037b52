//! Bundling: makes every `$ref` point into `#/components/<section>/<name>`.
//!
//! Lowering resolves component references only. Two other kinds occur in real specs and are rewritten here, on the
//! raw document, before it is parsed:
//! - references to other files (`common.yaml#/components/schemas/Error`, `pet.json`), resolved relative to the file
//!   that contains them;
//! - local references into other places (`#/paths/~1pets/get/responses/200/content/application~1json/schema`).
//!
//! The target is copied into `components` under a name derived from its location (the section follows from where
//! the `$ref` stands: under `schema`/`properties`/`items`/… it is a schema, under `parameters` a parameter, …), and
//! every reference to the same target is rewritten to that copy, so cycles through files stay cycles of named types.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, child, escape_pointer_token, is_within};

/// How many targets may be hoisted before bundling gives up (guards against runaway documents).
const MAX_HOISTED: usize = 100_000;

/// How many `$ref`s one pointer may pass through.
const MAX_LOOKUP_HOPS: usize = 32;

/// Rewrites the references of `document` (read from `path`) as described in the module docs. `ref_map` lists local
/// copies of remote documents (`https://…` → file): remote references are never fetched.
///
/// A reference that cannot be followed is dropped with a warning (the node that held it reads as an empty one: a
/// schema of any value, or a parameter or response that repair then leaves out). Only a runaway document is an
/// error.
pub fn bundle(
    document: &mut Value,
    path: &Path,
    ref_map: &[(String, PathBuf)],
    sources: &mut Vec<PathBuf>,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut bundler = Bundler {
        root_path: path.to_path_buf(),
        files: HashMap::new(),
        hoisted: HashMap::new(),
        inlined: HashMap::new(),
        ref_map: ref_map.to_vec(),
        read_warnings: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut hoisted = 0;
    // Each pass rewrites every foreign reference found; copied parts may bring new ones, handled by the next pass.
    loop {
        let mut found = foreign_refs(document);
        // What takes its target in its own place goes first (a component whose whole value is a reference, before
        // any other use of that target would give the target a name of its own; a path item, before the references
        // inside it are hoisted one by one); stable: the document's order otherwise.
        found.sort_by_key(|site| !(site.placement.is_in_place() || is_component_ref(&site.pointer)));
        if found.is_empty() {
            let mut files: Vec<PathBuf> = bundler.files.into_keys().collect();
            files.sort();
            sources.extend(files);
            errors.append(&mut bundler.read_warnings);
            return Ok(errors);
        }
        for Site { pointer: site, reference, placement } in found {
            hoisted += 1;
            if hoisted > MAX_HOISTED {
                errors.push(Diagnostic::error(path, "", format!("more than {MAX_HOISTED} references to bundle")));
                return Err(errors.into_iter().map(Diagnostic::denied).collect());
            }
            let done = match placement {
                Placement::InPlace(kind) => bundler.inline(document, &site, &reference, kind).map(|()| None),
                Placement::Component(section) => bundler.hoist(document, &site, &reference, section),
            };
            match done {
                Ok(Some(new_ref)) => set_ref(document, &site, new_ref),
                Ok(None) => {} // put in place
                Err(message) => {
                    errors.push(Diagnostic::warning(
                        path,
                        site.clone(),
                        format!("`$ref: {reference}` {message}; {}", placement.instead()),
                    ));
                    drop_reference(document, &site);
                }
            }
        }
    }
}

struct Bundler {
    root_path: PathBuf,
    files: HashMap<PathBuf, Value>,
    /// (file, pointer) → the component reference it was copied to.
    hoisted: HashMap<(PathBuf, String), String>,
    /// (file, pointer) → the places it was put in (see [`Bundler::inline`]).
    inlined: HashMap<(PathBuf, String), Vec<String>>,
    /// Remote document URL → local copy.
    ref_map: Vec<(String, PathBuf)>,
    /// What reading the referenced files found (bytes that are not UTF-8), placed in those files.
    read_warnings: Vec<Diagnostic>,
}

impl Bundler {
    /// Copies the target of `reference` (relative to the root document, or absolute after [`qualify_refs`]) into
    /// components and returns the new local reference.
    /// `None` when the reference was a component's whole value and the target took its place (a split document's
    /// `components.schemas.Pet: {$ref: ./Pet.yaml}`): the component keeps its name, and other references to the same
    /// target point to it.
    fn hoist(
        &mut self,
        document: &mut Value,
        site: &str,
        reference: &str,
        section: &str,
    ) -> Result<Option<String>, String> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        // A JSON pointer in a URI fragment is percent-encoded (RFC 6901 §6): `~1v2~1keys~1%7Bid%7D`.
        let fragment = &percent_decode(fragment);
        let root = self.root_path.canonicalize().unwrap_or_else(|_| self.root_path.clone());
        let target_file = if file_part.is_empty() { root.clone() } else { self.file_of(&root, file_part)? };
        let is_root_document = target_file == root;
        if is_root_document && is_component_ref(&format!("#{fragment}")) {
            return Ok(Some(format!("#{fragment}"))); // a reference back into the root document's own components
        }
        let key = (target_file.clone(), fragment.to_string());
        if let Some(existing) = self.hoisted.get(&key) {
            return Ok(Some(existing.clone()));
        }
        if !is_root_document && is_component_ref(site) {
            let (source_file, mut target) = self.lookup(document, &root, &target_file, fragment)?;
            if source_file != root {
                qualify_refs(&mut target, &source_file, Members::Keywords);
            }
            let Some(node) = document.pointer_mut(site.trim_start_matches('#')) else {
                return Err("points to a component that is gone".into());
            };
            put_in_place(node, target);
            self.hoisted.insert(key, site.to_string());
            return Ok(None);
        }
        let (source_file, mut target) = self.lookup(document, &root, &target_file, fragment)?;
        if source_file != root {
            // References inside the copied part are relative to the file it came from.
            qualify_refs(&mut target, &source_file, Members::Keywords);
        }
        let components =
            document.as_object_mut().map(|root| root.entry("components").or_insert_with(|| Value::Object(Map::new())));
        let Some(Value::Object(components)) = components else { return Err("`components` is not an object".into()) };
        let Value::Object(section_map) = components.entry(section).or_insert_with(|| Value::Object(Map::new())) else {
            return Err(format!("`components.{section}` is not an object"));
        };
        let name = fresh_name(section_map, &target_file, fragment);
        let new_ref = format!("#/components/{section}/{}", escape_pointer_token(&name));
        self.hoisted.insert(key, new_ref.clone());
        section_map.insert(name, target);
        Ok(Some(new_ref))
    }

    /// Puts the target of `reference` in the place of the reference at `site` (see [`Placement::InPlace`]). A target
    /// that holds its own place (`#/paths/~1a` at `#/paths/~1a/get`), or one already put in a place that holds
    /// `site`, is a cycle: copied again, it would grow without end.
    fn inline(&mut self, document: &mut Value, site: &str, reference: &str, kind: InPlace) -> Result<(), String> {
        let root = self.root_path.canonicalize().unwrap_or_else(|_| self.root_path.clone());
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = percent_decode(fragment);
        let target_file = if file_part.is_empty() { root.clone() } else { self.file_of(&root, file_part)? };
        let found = self.lookup(document, &root, &target_file, &fragment)?;
        let (source_file, mut target) = self.through_references(document, &root, found)?;
        if kind.needs_object() && !target.is_object() {
            return Err(format!("does not point to {}", kind.what()));
        }
        let cycle = "refers to a place that holds it (a cycle)";
        if target_file == root && is_within(site, &format!("#{fragment}")) {
            return Err(cycle.into());
        }
        let places = self.inlined.entry((target_file, fragment)).or_default();
        if places.iter().any(|place| is_within(site, place)) {
            return Err(cycle.into());
        }
        places.push(site.to_string());
        if source_file != root {
            qualify_refs(&mut target, &source_file, kind.members());
        }
        if let Some(node) = document.pointer_mut(site.trim_start_matches('#')) {
            put_in_place(node, target);
        }
        Ok(())
    }

    /// `found` (a node and the file it is in) or, while it is itself only a reference (a path item that names
    /// another path), what that names; a chain that does not end within [`MAX_LOOKUP_HOPS`] is an error.
    fn through_references(
        &mut self,
        document: &Value,
        root: &Path,
        found: (PathBuf, Value),
    ) -> Result<(PathBuf, Value), String> {
        let (mut file, mut node) = found;
        for _ in 0..MAX_LOOKUP_HOPS {
            let Some(Value::String(reference)) = node.get("$ref") else { return Ok((file, node)) };
            let (file_part, fragment) = reference.split_once('#').unwrap_or((reference.as_str(), ""));
            let next_file = if file_part.is_empty() { file.clone() } else { self.file_of(&file, file_part)? };
            (file, node) = self.lookup(document, root, &next_file, &percent_decode(fragment))?;
        }
        Err("is a chain of references that does not end (a cycle?)".into())
    }

    /// The node at `fragment` in `file`, following `$ref`s met on the way (a pointer may pass through a reference,
    /// as in `other.yaml#/properties/owner` where `other.yaml`'s root is itself a `$ref`), and the file it is in.
    fn lookup(
        &mut self,
        document: &Value,
        root: &Path,
        file: &Path,
        fragment: &str,
    ) -> Result<(PathBuf, Value), String> {
        let mut file = file.to_path_buf();
        let mut pointer = fragment.to_string();
        for _ in 0..MAX_LOOKUP_HOPS {
            if file != root {
                self.load(&file)?;
            }
            let base = if file == root { document } else { self.files.get(&file).ok_or("cannot be read")? };
            match walk(base, &pointer) {
                Walk::Found(node) => return Ok((file, node.clone())),
                Walk::Missing => return Err(format!("points to nothing in {}", self.shown(&file))),
                Walk::Through { reference, rest } => {
                    let (file_part, inner) = reference.split_once('#').unwrap_or((reference.as_str(), ""));
                    if !file_part.is_empty() {
                        file = self.file_of(&file, file_part)?;
                    }
                    pointer = format!("{inner}{rest}");
                }
            }
        }
        Err("passes through too many references".into())
    }

    /// The file a reference's document part names, seen from the file `from`: a path relative to `from`, or a
    /// remote URL that the ref map gives a local copy for.
    fn file_of(&self, from: &Path, file_part: &str) -> Result<PathBuf, String> {
        if !is_remote(file_part) {
            let file = from.parent().unwrap_or(Path::new(".")).join(file_part);
            return Ok(file.canonicalize().unwrap_or(file));
        }
        match self.ref_map.iter().find(|(url, _)| url == file_part) {
            Some((_, local)) => Ok(local.canonicalize().unwrap_or_else(|_| local.clone())),
            None => Err(format!(
                "is a remote reference, and specforge does not fetch documents over the network: download {file_part} \
                 and pass `--ref-map {file_part}=FILE` (or change the `$ref` to a relative path)"
            )),
        }
    }

    /// How a file is named in messages: relative to the spec's directory when it is below it.
    fn shown(&self, file: &Path) -> String {
        let root = self.root_path.canonicalize().unwrap_or_else(|_| self.root_path.clone());
        let base = root.parent().unwrap_or(Path::new(""));
        crate::diagnostic::shown_path(file.strip_prefix(base).unwrap_or(file)).into_owned()
    }

    fn load(&mut self, file: &Path) -> Result<&Value, String> {
        if !self.files.contains_key(file) {
            let read = super::read_value(file).map_err(|error| match error {
                super::ReadError::Io(e) => format!("cannot read {}: {e}", self.shown(file)),
                super::ReadError::Json(e, at) => format!("invalid JSON in {}, in {at}: {e}", self.shown(file)),
                super::ReadError::Yaml { message, pointer, .. } if pointer.is_empty() => {
                    format!("invalid YAML in {}: {message}", self.shown(file))
                }
                super::ReadError::Yaml { message, pointer, .. } => {
                    format!("invalid YAML in {}, in {pointer}: {message}", self.shown(file))
                }
            })?;
            self.read_warnings.extend(read.warnings);
            self.files.insert(file.to_path_buf(), read.value);
        }
        self.files.get(file).ok_or_else(|| format!("cannot read {}", self.shown(file)))
    }
}

/// Where a pointer leads.
enum Walk<'v> {
    /// To this node.
    Found(&'v Value),
    /// Into a `$ref` before its end: continue at `reference` with the `rest` of the pointer.
    Through { reference: String, rest: String },
    /// Nowhere.
    Missing,
}

fn walk<'v>(base: &'v Value, pointer: &str) -> Walk<'v> {
    let mut node = base;
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    for (index, token) in tokens.iter().enumerate() {
        if let Some(Value::String(reference)) = node.get("$ref") {
            let rest: String = tokens[index..].iter().map(|t| format!("/{t}")).collect();
            return Walk::Through { reference: reference.clone(), rest };
        }
        let key = crate::diagnostic::unescape_pointer_token(token);
        let next = match node {
            Value::Object(map) => map.get(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return Walk::Missing,
        }
    }
    Walk::Found(node)
}

/// A name for a copied target that no entry of `section` has: its last meaningful pointer token, or the file's
/// stem.
fn fresh_name(section: &Map<String, Value>, file: &Path, fragment: &str) -> String {
    let token = fragment
        .rsplit('/')
        .find(|t| !t.is_empty() && t.parse::<usize>().is_err() && !matches!(*t, "schema" | "items" | "content"));
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("Ref");
    let base = token.map(crate::diagnostic::unescape_pointer_token).unwrap_or_else(|| stem.to_string());
    let mut name = base.clone();
    let mut n = 2;
    while section.contains_key(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// What the members of a JSON object are, in the OpenAPI and JSON Schema grammar: keywords (`type`, `items`,
/// `$ref`, …) or names chosen by the author (the keys of `properties`, `paths`, `components.schemas`, …). A `$ref`
/// is a reference only as a keyword; under a name it is a property called `$ref`, and inside data (`example`,
/// `default`, `enum`, `const`, an Example's `value`, extensions) it is just data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Members {
    /// An object of keywords (an operation, a schema, a parameter, …).
    Keywords,
    /// A map from names to objects of keywords.
    Names,
}

impl Members {
    /// What the member `key` of an object of this kind holds: `None` for data, which holds no references.
    pub(crate) fn of_child(self, key: &str, value: &Value) -> Option<Members> {
        if self == Members::Names {
            return Some(Members::Keywords);
        }
        match key {
            "example" | "default" | "enum" | "const" | "value" => None,
            _ if key.starts_with("x-") => None,
            // A schema's `examples` is an array of data; elsewhere it maps names to Example objects.
            "examples" if value.is_array() => None,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" | "paths"
            | "webhooks" | "schemas" | "responses" | "parameters" | "headers" | "requestBodies" | "securitySchemes"
            | "links" | "callbacks" | "pathItems" | "content" | "encoding" | "examples" | "variables"
            | "mediaTypes"
                if value.is_object() =>
            {
                Some(Members::Names)
            }
            _ => Some(Members::Keywords),
        }
    }
}

/// A reference that bundling rewrites.
struct Site {
    /// The pointer of the object that holds the `$ref`.
    pointer: String,
    /// The reference.
    reference: String,
    /// Where its target goes.
    placement: Placement,
}

/// Where bundling puts a reference's target.
#[derive(Clone, Copy)]
enum Placement {
    /// Into `components.<section>`, under a name of its own, and the reference points there: what the grammar
    /// allows a Reference Object for (schemas, parameters, responses, …), so that cycles stay cycles of names.
    Component(&'static str),
    /// In the place of the reference, as a JSON Reference would be read: what the grammar has no reference for, and
    /// split documents keep in other files all the same (DigitalOcean's operations and descriptions, Redocly's
    /// path items, a whole `properties` map or `components` section).
    InPlace(InPlace),
}

/// What stands where a reference is put in place.
#[derive(Clone, Copy)]
enum InPlace {
    /// A path item (under `paths` or `webhooks`; `paths` in 3.0 has no place in `components` for one).
    PathItem,
    /// An operation (`get: {$ref: ./operations/get_user.yaml}`).
    Operation,
    /// A map of names (`properties`, a section of `components`, an operation's `responses`, a `content` map).
    Map,
    /// Anything else (a description, a media type, a server, `info`).
    Other,
}

impl Placement {
    fn is_in_place(self) -> bool {
        matches!(self, Placement::InPlace(_))
    }

    /// What is read when the target cannot be.
    fn instead(self) -> &'static str {
        match self {
            Placement::InPlace(InPlace::PathItem) => "the path has no operations",
            Placement::InPlace(InPlace::Operation) => "the operation is left out",
            Placement::InPlace(InPlace::Map) => "the map is empty",
            Placement::InPlace(InPlace::Other) | Placement::Component(_) => "the reference is dropped",
        }
    }
}

impl InPlace {
    /// How the target's members are read: names, or keywords.
    fn members(self) -> Members {
        match self {
            InPlace::Map => Members::Names,
            InPlace::PathItem | InPlace::Operation | InPlace::Other => Members::Keywords,
        }
    }

    /// Whether the target must be an object (a description may be a string).
    fn needs_object(self) -> bool {
        !matches!(self, InPlace::Other)
    }

    /// What the target must be.
    fn what(self) -> &'static str {
        match self {
            InPlace::PathItem => "a path item",
            InPlace::Operation => "an operation",
            InPlace::Map => "a map",
            InPlace::Other => "a value",
        }
    }
}

/// The HTTP methods a path item names its operations by.
const METHODS: [&str; 9] = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

/// Where the target of a `$ref` held by an object goes: `key` is the member the object stands under, `named`
/// whether that is a name chosen by the author (a property, a response's status, a path) rather than a keyword,
/// and `parent` the key of the object that has that member.
fn placement(parent: &str, key: &str, named: bool) -> Placement {
    use Placement::{Component, InPlace as At};
    if named {
        if let Some(section) = SECTIONS_BY_NAME.iter().find(|section| **section == parent) {
            return Component(section);
        }
        return match parent {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" | "schemas" => {
                Component("schemas")
            }
            "paths" | "webhooks" | "pathItems" => At(InPlace::PathItem),
            "additionalOperations" => At(InPlace::Operation),
            _ => At(InPlace::Other), // a media type, an encoding, a server variable
        };
    }
    if key.parse::<usize>().is_ok() {
        return match parent {
            "allOf" | "oneOf" | "anyOf" | "prefixItems" | "items" => Component("schemas"),
            "parameters" => Component("parameters"),
            _ => At(InPlace::Other), // a server, a tag
        };
    }
    match key {
        "requestBody" => Component("requestBodies"),
        "schema"
        | "items"
        | "additionalProperties"
        | "not"
        | "contains"
        | "propertyNames"
        | "if"
        | "then"
        | "else"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "additionalItems"
        | "contentSchema"
        | "itemSchema" => Component("schemas"),
        _ if METHODS.contains(&key) => At(InPlace::Operation),
        _ => At(InPlace::Other),
    }
}

/// The maps of components other than schemas, each named as its `components` section: an entry of one (an
/// operation's `responses`, a media type's `examples`) is hoisted into that section.
const SECTIONS_BY_NAME: [&str; 8] =
    ["responses", "parameters", "headers", "examples", "links", "callbacks", "requestBodies", "securitySchemes"];

/// Every `$ref` bundling rewrites: those that do not point into `#/components/<section>/<name>`, a path item's
/// (3.1's `#/components/pathItems/…` too: lowering reads no such section) and a map of names that is only a
/// reference. One walk over the places where the grammar allows references; a pointer is only built for the
/// references found.
fn foreign_refs(document: &Value) -> Vec<Site> {
    /// A node to visit: its value, depth, the token that leads to it, how its members are read and whether that
    /// token is a name chosen by the author.
    struct Visit<'v> {
        value: &'v Value,
        depth: usize,
        token: Option<Token<'v>>,
        members: Members,
        named: bool,
    }
    #[derive(Clone, Copy)]
    enum Token<'v> {
        Key(&'v str),
        Index(usize),
    }
    let text = |token: &Token<'_>| match token {
        Token::Key(key) => key.to_string(),
        Token::Index(index) => index.to_string(),
    };
    let pointer_of = |path: &[Token<'_>]| path.iter().fold(String::from("#"), |at, token| child(&at, &text(token)));
    let mut found = Vec::new();
    let mut path: Vec<Token<'_>> = Vec::new();
    let mut stack = vec![Visit { value: document, depth: 0, token: None, members: Members::Keywords, named: false }];
    while let Some(Visit { value, depth, token, members, named }) = stack.pop() {
        path.truncate(depth.saturating_sub(1));
        if let Some(token) = token {
            path.push(token);
        }
        match value {
            Value::Object(map) => {
                if members == Members::Keywords
                    && is_discriminator(map)
                    && let Some(Value::Object(mapping)) = map.get("mapping")
                {
                    for (tag, value) in mapping {
                        if let Value::String(reference) = value
                            && is_mapping_reference(reference)
                            && !is_component_ref(reference)
                        {
                            let pointer = child(&child(&pointer_of(&path), "mapping"), tag);
                            found.push(Site {
                                pointer,
                                reference: reference.clone(),
                                placement: Placement::Component("schemas"),
                            });
                        }
                    }
                }
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let key = path.last().map(text).unwrap_or_default();
                    let placement = match members {
                        // A whole map by reference (`properties: {$ref: …}`): a lone `$ref` that names a component
                        // is one only under `properties` (elsewhere it may be a component named `$ref`).
                        Members::Names => (map.len() == 1 && (key == "properties" || !is_component_ref(reference)))
                            .then_some(Placement::InPlace(InPlace::Map)),
                        Members::Keywords => {
                            let parent = path.len().checked_sub(2).map(|at| text(&path[at])).unwrap_or_default();
                            let placement = placement(&parent, &key, named);
                            let path_item = matches!(placement, Placement::InPlace(InPlace::PathItem));
                            (path_item || !is_component_ref(reference)).then_some(placement)
                        }
                    };
                    if let Some(placement) = placement {
                        let pointer = pointer_of(&path);
                        found.push(Site { pointer, reference: reference.clone(), placement });
                    }
                }
                for (key, item) in map.iter().rev() {
                    if let Some(inner) = members.of_child(key, item) {
                        let named = members == Members::Names;
                        stack.push(Visit {
                            value: item,
                            depth: depth + 1,
                            token: Some(Token::Key(key)),
                            members: inner,
                            named,
                        });
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    let token = Some(Token::Index(index));
                    stack.push(Visit {
                        value: item,
                        depth: depth + 1,
                        token,
                        members: Members::Keywords,
                        named: false,
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether the JSON `text` may hold a `$ref` that [`bundle`] would rewrite. Conservative: a `"$ref"` key whose value
/// is not a plain string (no escapes) pointing into components counts.
pub fn json_text_needs_bundling(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("\"$ref\"") {
        rest = &rest[at + "\"$ref\"".len()..];
        // `"$ref"` as a value rather than a key says nothing.
        let Some(value) = rest.trim_start().strip_prefix(':') else { continue };
        let Some(body) = value.trim_start().strip_prefix('"') else { return true };
        let Some(end) = body.find('"') else { return true };
        let reference = &body[..end];
        // A path item in `components` (3.1) has no place in what lowering reads: bundling puts it in the path.
        if reference.contains('\\') || !is_component_ref(reference) || reference.starts_with("#/components/pathItems/")
        {
            return true;
        }
        // `"properties": {"$ref": …}`: a whole map by reference, which bundling inlines.
        let before = &text[..text.len() - rest.len() - "\"$ref\"".len()];
        let opens_properties = before
            .trim_end()
            .strip_suffix('{')
            .and_then(|b| b.trim_end().strip_suffix(':'))
            .is_some_and(|b| b.trim_end().ends_with("\"properties\""));
        if opens_properties {
            return true;
        }
    }
    false
}

/// Whether a reference names a component as lowering reads it: `#/components/<section>/<name>`, with no
/// percent-encoding left to decode.
fn is_component_ref(reference: &str) -> bool {
    reference.strip_prefix("#/components/").is_some_and(|rest| rest.split('/').count() == 2 && !has_escape(rest))
}

/// Whether `text` holds a percent-encoded byte (`%` and two hex digits).
fn has_escape(text: &str) -> bool {
    text.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Decodes the percent-encoded bytes of a URI fragment (`%7B` → `{`); a `%` not followed by two hex digits stays.
fn percent_decode(text: &str) -> String {
    if !has_escape(text) {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[at], bytes.get(at + 1).copied().and_then(hex), bytes.get(at + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                at += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Makes every `$ref` inside a part copied from `file` absolute (`/abs/file.yaml#/pointer`), since it was written
/// relative to that file (a map of names that is only a `$ref` too). Remote references are left as they are. Data
/// is not touched.
fn qualify_refs(value: &mut Value, file: &Path, members: Members) {
    match value {
        Value::Object(map) => {
            // A reference, or a whole map by reference (what `foreign_refs` rewrites).
            let is_reference = members == Members::Keywords || map.len() == 1;
            if let (true, Some(Value::String(reference))) = (is_reference, map.get_mut("$ref")) {
                qualify(reference, file);
            }
            if members == Members::Keywords && is_discriminator(map) {
                for value in
                    map.get_mut("mapping").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut())
                {
                    if let Value::String(reference) = value
                        && is_mapping_reference(reference)
                    {
                        qualify(reference, file);
                    }
                }
            }
            for (key, item) in map.iter_mut() {
                if let Some(inner) = members.of_child(key, item) {
                    qualify_refs(item, file, inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| qualify_refs(v, file, Members::Keywords)),
        _ => {}
    }
}

/// Makes `reference`, written in `file`, absolute (`/abs/file.yaml#/pointer`); a remote one stays as it is.
fn qualify(reference: &mut String, file: &Path) {
    let (file_part, fragment) = reference.split_once('#').unwrap_or((reference.as_str(), ""));
    if !is_remote(file_part) {
        let target = if file_part.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().unwrap_or(Path::new(".")).join(file_part)
        };
        *reference = format!("{}#{fragment}", target.to_string_lossy());
    }
}

/// Whether `object` is a discriminator with a `mapping`.
fn is_discriminator(object: &Map<String, Value>) -> bool {
    object.get("propertyName").is_some_and(Value::is_string) && object.get("mapping").is_some_and(Value::is_object)
}

/// Whether a discriminator's mapping value is a reference rather than a schema's name (which has no `/` or `#`):
/// `models/droplet_actions.yml#/droplet_action`, as DigitalOcean writes them.
fn is_mapping_reference(value: &str) -> bool {
    value.contains(['/', '#'])
}

/// Whether the document part of a reference is a URL (`https://…`) rather than a file path.
fn is_remote(file_part: &str) -> bool {
    let scheme = file_part.split_once("://").map(|(scheme, _)| scheme);
    scheme.is_some_and(|scheme| {
        scheme.len() > 1 && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// Replaces the reference `node` by `target`; what is written beside the reference (a path item's `summary`, a
/// description) stays, over the target's.
fn put_in_place(node: &mut Value, mut target: Value) {
    if let (Value::Object(beside), Value::Object(target)) = (&*node, &mut target) {
        for (key, value) in beside.iter().filter(|(key, _)| *key != "$ref") {
            target.insert(key.clone(), value.clone());
        }
    }
    *node = target;
}

/// Points the reference at `site` (an object's `$ref`, or a discriminator's mapping value) to `reference`.
fn set_ref(document: &mut Value, site: &str, reference: String) {
    match document.pointer_mut(site.trim_start_matches('#')) {
        Some(Value::Object(map)) => {
            map.insert("$ref".into(), Value::String(reference));
        }
        Some(node @ Value::String(_)) => *node = Value::String(reference),
        _ => {}
    }
}

/// Drops the reference at `site` that cannot be followed, so the walk moves on: an object's `$ref` goes; a mapping
/// value keeps only the name it ends in (`other.yaml#/Cat` → `Cat`), which lowering matches by schema name.
fn drop_reference(document: &mut Value, site: &str) {
    match document.pointer_mut(site.trim_start_matches('#')) {
        Some(Value::Object(map)) => {
            map.remove("$ref");
        }
        Some(Value::String(reference)) => {
            let name = reference.rsplit(['/', '#']).next().unwrap_or_default().to_string();
            *reference = name;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deep_local_refs_are_hoisted_into_components() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}}}}}},
                      "/b": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema"}}}}}}}}
        });
        bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        let site = "/paths/~1b/get/responses/200/content/application~1json/schema/$ref";
        let new_ref = doc.pointer(site).and_then(Value::as_str).unwrap().to_string();
        assert_eq!(new_ref, "#/components/schemas/application~1json");
        assert_eq!(doc.pointer("/components/schemas/application~1json/properties/n/type"), Some(&json!("integer")));
    }

    #[test]
    fn the_text_scan_finds_every_reference_bundling_would_rewrite() {
        let needs = |doc: Value| json_text_needs_bundling(&serde_json::to_string_pretty(&doc).unwrap());
        assert!(!needs(
            json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"description": "see \"$ref\": \"x.yaml\""}}}})
        ));
        assert!(needs(json!({"paths": {"/a": {"$ref": "#/paths/~1b"}}})), "a deep local reference");
        assert!(
            needs(json!({"components": {"schemas": {"A": {"$ref": "common.json#/components/schemas/B"}}}})),
            "another file"
        );
        assert!(
            needs(json!({"components": {"schemas": {"A": {"properties": {"$ref": {"type": "string"}}}}}})),
            "a property named $ref: not sure, so yes"
        );
        assert!(
            needs(json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B/properties/c"}}}})),
            "into a component"
        );
    }

    #[test]
    fn ref_shaped_data_is_not_a_reference() {
        // GitHub's SCIM examples carry `"$ref": "https://…"` inside example values.
        let scim = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "members": [{"value": "1", "$ref": "https://api.github.com/scim/v2/Users/1"}]});
        let mut doc = json!({
            "paths": {"/g": {"get": {
                "x-note": {"$ref": "https://example.com/x"},
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "object", "default": {"$ref": "other.yaml"}, "enum": [{"$ref": "a.yaml"}],
                               "properties": {"$ref": {"type": "string", "example": {"$ref": "b.yaml"}}}},
                    "example": scim.clone(),
                    "examples": {"group": {"value": scim}}
                }}}}
            }}}
        });
        let before = doc.clone();
        bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        assert_eq!(doc, before);
    }

    #[test]
    fn a_property_named_like_a_data_keyword_is_still_walked() {
        let mut doc = json!({"components": {"schemas": {"A": {"properties": {"default": {"$ref": "#/nowhere"}}}}}});
        let errors = bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        assert_eq!(errors[0].pointer, "#/components/schemas/A/properties/default");
    }

    #[test]
    fn a_split_document_s_paths_sections_and_components_by_reference_come_in_place() {
        // As Redocly-style split documents write them (Lichess): every path in a file, the schemas section in an
        // index file, each schema in a file of its own.
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write(
            "pets.json",
            r#"{"get": {"operationId": "listPets", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "./Pet.json"}}}}}}}"#,
        );
        write("index.json", r#"{"Pet": {"$ref": "./Pet.json"}, "Tag": {"$ref": "./Tag.json"}}"#);
        write("Pet.json", r#"{"type": "object", "properties": {"tag": {"$ref": "./Tag.json"}}}"#);
        write("Tag.json", r#"{"type": "string"}"#);
        let spec = dir.path().join("api.json");
        let mut doc = json!({
            "paths": {"/pets": {"$ref": "./pets.json", "summary": "Kept beside the reference."}},
            "components": {"schemas": {"$ref": "./index.json"}}
        });
        let warnings = bundle(&mut doc, &spec, &[], &mut Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.pointer("/paths/~1pets/summary"), Some(&json!("Kept beside the reference.")));
        assert_eq!(doc.pointer("/paths/~1pets/get/operationId"), Some(&json!("listPets")));
        let schema = "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref";
        assert_eq!(doc.pointer(schema), Some(&json!("#/components/schemas/Pet")), "the component, not a copy");
        let schemas: Vec<&String> = doc["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["Pet", "Tag"], "each file in its component's place: no `Pet2` behind an alias");
        assert_eq!(
            doc.pointer("/components/schemas/Pet/properties/tag/$ref"),
            Some(&json!("#/components/schemas/Tag"))
        );
    }

    #[test]
    fn operations_descriptions_and_maps_by_reference_come_in_place() {
        // DigitalOcean's layout: each operation in a file of its own, its parameters, responses and descriptions in
        // files beside it, and a `properties` map by reference in a schema file reached only through them.
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let file = dir.path().join(name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        };
        write(
            "ops/get_droplet.json",
            r#"{"operationId": "getDroplet", "description": {"$ref": "texts.json#/get"},
                "parameters": [{"$ref": "params.json#/id"}],
                "responses": {"$ref": "responses.json"}}"#,
        );
        write("ops/texts.json", r#"{"get": "Shows a droplet.", "intro": "Welcome."}"#);
        write(
            "ops/params.json",
            r#"{"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}}"#,
        );
        write(
            "ops/responses.json",
            r#"{"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "models/droplet.json"}}}}}"#,
        );
        write("ops/models/droplet.json", r#"{"type": "object", "properties": {"$ref": "fields.json#/droplet"}}"#);
        write("ops/models/fields.json", r#"{"droplet": {"name": {"type": "string"}}}"#);
        let mut doc = json!({
            "info": {"description": {"$ref": "ops/texts.json#/intro"}},
            "paths": {"/droplets/{id}": {"get": {"$ref": "ops/get_droplet.json"}}}
        });
        let warnings = bundle(&mut doc, &dir.path().join("api.json"), &[], &mut Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.pointer("/info/description"), Some(&json!("Welcome.")));
        let operation = &doc["paths"]["/droplets/{id}"]["get"];
        assert_eq!(operation["operationId"], json!("getDroplet"), "the operation in its place, not a schema");
        assert_eq!(operation["description"], json!("Shows a droplet."));
        assert_eq!(operation["parameters"][0]["$ref"], json!("#/components/parameters/id"));
        let schema = operation.pointer("/responses/200/content/application~1json/schema/$ref").unwrap();
        assert_eq!(schema, &json!("#/components/schemas/droplet"));
        assert_eq!(
            doc.pointer("/components/schemas/droplet/properties/name/type"),
            Some(&json!("string")),
            "a properties map by reference, relative to the file that holds it"
        );
    }

    #[test]
    fn a_discriminator_s_mapping_to_other_files_points_where_its_variants_went() {
        // DigitalOcean's droplet actions: the mapping names the variants' files as the `$ref`s do.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("models")).unwrap();
        std::fs::write(
            dir.path().join("models/actions.json"),
            r#"{"plain": {"type": "object", "properties": {"type": {"type": "string"}}},
                "resize": {"type": "object", "properties": {"type": {"type": "string"}, "size": {"type": "string"}}}}"#,
        )
        .unwrap();
        let mut doc = json!({"components": {"schemas": {"Action": {
            "anyOf": [{"$ref": "models/actions.json#/plain"}, {"$ref": "models/actions.json#/resize"}],
            "discriminator": {"propertyName": "type", "mapping": {
                "reboot": "models/actions.json#/plain", "shutdown": "models/actions.json#/plain",
                "resize": "models/actions.json#/resize", "gone": "models/nowhere.json#/x", "named": "Plain"
            }}
        }}}});
        let warnings = bundle(&mut doc, &dir.path().join("api.json"), &[], &mut Vec::new()).unwrap();
        let action = &doc["components"]["schemas"]["Action"];
        let variants: Vec<&Value> = (0..2).map(|i| &action["anyOf"][i]["$ref"]).collect();
        assert_eq!(variants, [&json!("#/components/schemas/plain"), &json!("#/components/schemas/resize")]);
        assert_eq!(
            action["discriminator"]["mapping"],
            json!({"reboot": "#/components/schemas/plain", "shutdown": "#/components/schemas/plain",
                   "resize": "#/components/schemas/resize", "gone": "x", "named": "Plain"}),
            "the same components as the variants; a mapping to nothing keeps its name, a name stays"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].pointer, "#/components/schemas/Action/discriminator/mapping/gone");
    }

    #[test]
    fn a_reference_in_place_to_a_place_that_holds_it_is_a_cycle_not_a_copy_without_end() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("op.json"),
            r#"{"responses": {"204": {"description": "ok"}}, "callbacks": {"c": {"{$url}": {"post": {"$ref": "op.json"}}}}}"#,
        )
        .unwrap();
        let mut doc = json!({"paths": {
            "/a": {"get": {"$ref": "#/paths/~1a"}},
            "/b": {"get": {"$ref": "./op.json"}}
        }});
        let warnings = bundle(&mut doc, &dir.path().join("api.json"), &[], &mut Vec::new()).unwrap();
        let messages: Vec<(&str, &str)> = warnings.iter().map(|w| (w.pointer.as_str(), w.message.as_str())).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[0].0, "#/paths/~1a/get");
        assert!(messages[0].1.contains("a cycle"), "{messages:?}");
        assert_eq!(messages[1].0, "#/paths/~1b/get/callbacks/c/{$url}/post");
        assert!(messages[1].1.ends_with("the operation is left out"), "{messages:?}");
        assert_eq!(doc.pointer("/paths/~1b/get/responses/204/description"), Some(&json!("ok")), "copied once");
    }

    #[test]
    fn a_path_item_that_names_another_is_followed_and_a_cycle_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.json"), r#"{"get": {"responses": {"204": {"description": "ok"}}}}"#).unwrap();
        let mut doc = json!({"paths": {
            "/a": {"$ref": "#/paths/~1b"},
            "/b": {"$ref": "./b.json"},
            "/c": {"$ref": "#/paths/~1d"},
            "/d": {"$ref": "#/paths/~1c"}
        }});
        let warnings = bundle(&mut doc, &dir.path().join("api.json"), &[], &mut Vec::new()).unwrap();
        assert_eq!(doc.pointer("/paths/~1a/get/responses/204/description"), Some(&json!("ok")), "through /b to b.json");
        assert_eq!(doc.pointer("/paths/~1b/get/responses/204/description"), Some(&json!("ok")));
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            ["`$ref: #/paths/~1d` is a chain of references that does not end (a cycle?); the path has no operations"]
        );
        assert_eq!(doc.pointer("/paths/~1c"), Some(&json!({})));
    }

    #[test]
    fn a_remote_reference_says_it_is_not_fetched_and_how_to_map_it() {
        let mut doc = json!({"components": {"schemas": {"A": {"properties": {"b": {"$ref": "https://example.com/common.yaml#/B"}}}}}});
        let errors = bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        assert!(errors[0].message.contains("does not fetch"), "{}", errors[0].message);
        assert!(errors[0].message.contains("--ref-map https://example.com/common.yaml=FILE"), "{}", errors[0].message);
        assert!(!errors[0].message.contains("spec.json"), "no made-up local path: {}", errors[0].message);

        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("common.json");
        std::fs::write(&local, r#"{"B": {"type": "object", "properties": {"n": {"type": "integer"}}}}"#).unwrap();
        let mut doc = json!({"components": {"schemas": {"A": {"properties": {"b": {"$ref": "https://example.com/common.yaml#/B"}}}}}});
        bundle(&mut doc, Path::new("spec.json"), &[("https://example.com/common.yaml".into(), local)], &mut Vec::new())
            .unwrap();
        assert_eq!(doc.pointer("/components/schemas/A/properties/b/$ref"), Some(&json!("#/components/schemas/B")));
        assert_eq!(doc.pointer("/components/schemas/B/properties/n/type"), Some(&json!("integer")));
    }

    #[test]
    fn percent_encoded_pointers_are_decoded() {
        // DigitalOcean's description: a pointer in a URI fragment is percent-encoded (RFC 6901 §6).
        let mut doc = json!({
            "paths": {"/v2/keys/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]}},
                      "/v2/other/{id}": {"get": {"parameters": [{"$ref": "#/paths/~1v2~1keys~1%7Bid%7D/get/parameters/0"}]}}},
            "components": {"schemas": {"A B": {"type": "string"}, "C": {"$ref": "#/components/schemas/A%20B"}}}
        });
        bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        let hoisted = doc.pointer("/paths/~1v2~1other~1{id}/get/parameters/0/$ref").and_then(Value::as_str).unwrap();
        assert_eq!(doc.pointer(&format!("{}/name", &hoisted[1..])), Some(&json!("id")), "{hoisted}");
        assert_eq!(doc.pointer("/components/schemas/C/$ref"), Some(&json!("#/components/schemas/A B")));
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
        assert!(json_text_needs_bundling(r##"{"$ref": "#/components/schemas/A%20B"}"##));
    }

    #[test]
    fn a_ref_standing_for_a_whole_properties_map_is_inlined() {
        let mut doc = json!({"components": {
            "schemas": {"Droplet": {"type": "object", "properties": {"$ref": "#/components/x-maps/droplet"}},
                        "Named": {"type": "object", "properties": {"$ref": {"type": "string"}}}},
            "x-maps": {"droplet": {"id": {"type": "integer"}, "name": {"type": "string"}}}
        }});
        let warnings = bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.pointer("/components/schemas/Droplet/properties/id/type"), Some(&json!("integer")));
        assert_eq!(
            doc.pointer("/components/schemas/Named/properties/$ref/type"),
            Some(&json!("string")),
            "a property called $ref stays"
        );
        assert!(json_text_needs_bundling(
            &serde_json::to_string(&json!({"properties": {"$ref": "#/components/schemas/A"}})).unwrap()
        ));
    }

    #[test]
    fn component_refs_are_left_alone() {
        let mut doc = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {}}}});
        let before = doc.clone();
        bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        assert_eq!(doc, before);
    }

    #[test]
    fn a_missing_target_is_a_warning_at_the_ref() {
        let mut doc = json!({"components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/nowhere"}}}}}});
        let errors = bundle(&mut doc, Path::new("spec.json"), &[], &mut Vec::new()).unwrap();
        assert_eq!(errors[0].pointer, "#/components/schemas/A/properties/b");
    }
}
