//! Parsing a document into `openapiv3` types, from a `Value` tree or straight from JSON text.
//!
//! `openapiv3` builds its maps with `#[serde(flatten)]`, through which no deserializer can track where it is, so the
//! document is split first: each path item and each component schema is parsed on its own (an error names at least
//! the path item or schema it is in), and runs of path items and schemas are parsed on as many threads as there
//! are cores. The split works the same on a `Value` (after overlays and bundling) and on slices of the JSON text (a
//! plain JSON spec, which then never becomes a `Value` tree at all).
//!
//! What the generator never reads is dropped at the split, unparsed: the top-level extensions (`x-…`); a mistake
//! in them cannot change the generated code, so it is not reported either. (`components.examples` is read: the
//! examples a media type names from there seed the fake server's replies.)

use std::path::Path;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use openapiv3::ReferenceOr;

use super::repair::{At, Repair};
use crate::diagnostic::{Diagnostic, child};
use crate::resources::SharedWorkFailed;

/// A document node that `openapiv3` types can be parsed from, once it is a `Value` and repaired.
pub trait Source: Sized + Send {
    /// The node at `pointer` of the document read from `path`, as a `Value`; what reading it found goes to
    /// `warnings`.
    fn into_value(self, pointer: &str, path: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Value, Diagnostic>;
}

impl Source for Value {
    fn into_value(self, _pointer: &str, _path: &Path, _warnings: &mut Vec<Diagnostic>) -> Result<Value, Diagnostic> {
        Ok(self)
    }
}

impl Source for &RawValue {
    fn into_value(self, pointer: &str, path: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Value, Diagnostic> {
        let (value, findings) = super::yaml::from_json(self.get())
            .map_err(|e| Diagnostic::error(path, pointer, format!("invalid JSON: {e}")))?;
        warnings.extend(findings.iter().map(|finding| finding.warning(path, pointer)));
        Ok(value)
    }
}

/// Parses a repaired node at `pointer`, reporting the pointer of the first node below it that does not fit.
fn parse<T: DeserializeOwned>(value: Value, pointer: &str, path: &Path) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| type_error(pointer, path, e.path(), e.inner()))
}

/// Parses a repaired schema or path item at `pointer`. Repair leaves nothing for the OpenAPI types to refuse, so
/// the path of a failure is not tracked (it costs a tenth of the parse); should one still fail, the message says
/// what was expected and the pointer names the part.
fn parse_part<T>(
    value: Value,
    pointer: &str,
    path: &Path,
    read: fn(Value) -> Result<T, serde_json::Error>,
) -> Result<T, Diagnostic> {
    read(value).map_err(|e| Diagnostic::error(path, pointer, format!("not a valid OpenAPI 3.0 document here: {e}")))
}

fn type_error(
    pointer: &str,
    path: &Path,
    below: &serde_path_to_error::Path,
    error: &impl std::fmt::Display,
) -> Diagnostic {
    let mut pointer = pointer.to_string();
    for segment in below.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
            serde_path_to_error::Segment::Map { key } => pointer = child(&pointer, key),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    Diagnostic::error(path, pointer, format!("not a valid OpenAPI 3.0 document here: {error}"))
}

/// The members of an object node, or the node itself when it is not an object (then parsing it reports why).
type Members<N> = Result<Vec<(String, N)>, N>;

/// A document split for parsing: the path items and component schemas, each parsed on its own, and the rest (with
/// an empty `paths` and no `components.schemas`).
pub struct Split<N> {
    rest: Value,
    paths: Option<Members<N>>,
    schemas: Option<Members<N>>,
    /// What splitting found (a part of the rest nested too deep, a key given twice).
    warnings: Vec<Diagnostic>,
}

/// Whether a top-level member is one the generator never reads.
fn unused_top_level(key: &str) -> bool {
    key.starts_with("x-")
}

/// Splits a `Value` document.
pub fn split_value(mut document: Value) -> Split<Value> {
    if let Some(top) = document.as_object_mut() {
        top.retain(|key, _| !unused_top_level(key));
    }
    let members = |node: Value| match node {
        Value::Object(map) => Ok(map.into_iter().collect()),
        other => Err(other),
    };
    let paths = document
        .as_object_mut()
        .and_then(|top| top.get_mut("paths"))
        .map(|paths| members(std::mem::replace(paths, Value::Object(Map::new()))));
    let schemas = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .and_then(|components| components.remove("schemas"))
        .map(members);
    Split { rest: document, paths, schemas, warnings: Vec::new() }
}

/// A JSON object's members as slices of its text, in order, a repeated key holding its last value where it first
/// stood (as `serde_json` reads it into a map); with the keys that were repeated.
pub fn raw_members(text: &str) -> Result<RawMembers<'_>, serde_json::Error> {
    /// Reads the members of one object.
    struct Members;

    impl<'t> serde::de::Visitor<'t> for Members {
        type Value = RawMembers<'t>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: serde::de::MapAccess<'t>>(self, mut map: A) -> Result<RawMembers<'t>, A::Error> {
            let mut read = RawMembers::default();
            while let Some((key, node)) = map.next_entry::<String, &'t RawValue>()? {
                match read.members.entry(key) {
                    indexmap::map::Entry::Vacant(entry) => {
                        entry.insert(node);
                    }
                    indexmap::map::Entry::Occupied(mut entry) => {
                        read.repeated.push(entry.key().clone());
                        entry.insert(node);
                    }
                }
            }
            Ok(read)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = serde::Deserializer::deserialize_map(&mut deserializer, Members)?;
    deserializer.end()?;
    Ok(read)
}

/// What [`raw_members`] read.
#[derive(Default)]
pub struct RawMembers<'t> {
    /// The members, each key once.
    pub members: IndexMap<String, &'t RawValue>,
    /// The keys given more than once, each time it was repeated.
    pub repeated: Vec<String>,
}

impl RawMembers<'_> {
    /// A warning for each repeated key of the object at `pointer`.
    pub fn warnings(&self, path: &Path, pointer: &str) -> impl Iterator<Item = Diagnostic> {
        self.repeated.iter().map(move |key| super::yaml::repeated_key_warning(path, child(pointer, key), key, 0))
    }
}

/// Splits a JSON document given as its top-level members (slices of the text). Only the rest becomes a `Value`.
pub fn split_raw<'t>(top: RawMembers<'t>, path: &Path) -> Result<Split<&'t RawValue>, Diagnostic> {
    let mut warnings: Vec<Diagnostic> = top.warnings(path, "#").collect();
    let members = |node: &'t RawValue, pointer: &str, warnings: &mut Vec<Diagnostic>| -> Members<&'t RawValue> {
        let read = raw_members(node.get()).map_err(|_| node)?;
        warnings.extend(read.warnings(path, pointer));
        Ok(read.members.into_iter().collect())
    };
    let (mut rest, mut paths, mut schemas) = (Map::new(), None, None);
    for (key, node) in top.members {
        match key.as_str() {
            "paths" => {
                paths = Some(members(node, "#/paths", &mut warnings));
                rest.insert(key, Value::Object(Map::new()));
            }
            "components" => match members(node, "#/components", &mut warnings) {
                Ok(components) => {
                    let mut kept = Map::new();
                    for (section, node) in components {
                        if section == "schemas" {
                            schemas = Some(members(node, "#/components/schemas", &mut warnings));
                        } else {
                            let pointer = child("#/components", &section);
                            kept.insert(section, node.into_value(&pointer, path, &mut warnings)?);
                        }
                    }
                    rest.insert(key, Value::Object(kept));
                }
                Err(node) => {
                    rest.insert(key, node.into_value("#/components", path, &mut warnings)?);
                }
            },
            _ if unused_top_level(&key) => {}
            _ => {
                let pointer = child("#", &key);
                rest.insert(key, node.into_value(&pointer, path, &mut warnings)?);
            }
        }
    }
    Ok(Split { rest: Value::Object(rest), paths, schemas, warnings })
}

/// A parsed document and what repairing it changed.
pub struct Parsed {
    /// The document.
    pub document: openapiv3::OpenAPI,
    /// What was repaired or left out, at the keyword that was wrong.
    pub warnings: Vec<Diagnostic>,
    /// List items that moved when repair left out an item before them: (pointer after repair, pointer before).
    pub moved: Vec<(String, String)>,
}

/// How many schemas or path items one job of [`parse_split`] takes: small enough that the threads finish
/// together, large enough that taking a job costs nothing.
const CHUNK: usize = 16;

/// One piece of a split document to repair and parse.
enum Job<N> {
    /// The document without its schemas and path items.
    Rest(Value),
    /// A run of component schemas.
    Schemas(Vec<(String, N)>),
    /// A run of path items (and `x-` extensions of `paths`).
    Paths(Vec<(String, N)>),
}

/// What a [`Job`] gave, with the warnings its repair wrote.
enum Done {
    Rest(Result<Box<openapiv3::OpenAPI>, Diagnostic>),
    Schemas(Result<Vec<(String, ReferenceOr<openapiv3::Schema>)>, Diagnostic>),
    Paths(ParsedPaths),
}

/// A run of `paths` members as parsed.
struct ParsedPaths {
    items: Vec<(String, ReferenceOr<openapiv3::PathItem>)>,
    extensions: Vec<(String, Value)>,
}

/// Repairs and parses a split document. The rest, runs of schemas and runs of path items are jobs shared out to
/// up to as many threads as there are cores (this one among them), each taking the next job when it is done; the
/// results are put back in document order, so the document and its warnings do not depend on the threads.
pub fn parse_split<N: Source>(split: Split<N>, path: &Path) -> Result<Parsed, Diagnostic> {
    let Split { rest, paths, schemas, warnings: split_warnings } = split;
    let (schemas, schemas_warning) = members_or_warning(schemas, path, "#/components/schemas", "`components.schemas`");
    let (paths, paths_warning) = members_or_warning(paths, path, "#/paths", "`paths`");
    let paths = paths.unwrap_or_default();
    let (has_schemas, schema_count, path_count) =
        (schemas.is_some(), schemas.as_ref().map_or(0, Vec::len), paths.len());
    let mut jobs = vec![Job::Rest(rest)];
    jobs.extend(chunks(schemas.unwrap_or_default()).map(Job::Schemas));
    jobs.extend(chunks(paths).map(Job::Paths));

    let mut done = run_jobs(jobs, path)?.into_iter();
    let Some((Done::Rest(document), rest_warnings, mut moved)) = done.next() else {
        return Err(Diagnostic::error(path, "#", "internal error: the document was not parsed"));
    };
    // Warnings in document order: the rest's, the schemas', then the paths'.
    let mut warnings = split_warnings;
    warnings.extend(rest_warnings);
    warnings.extend(schemas_warning);
    let mut document = *document?;
    // Sized first: a path item is kilobytes, and growing the maps would copy them all again.
    document.paths.paths.reserve(path_count);
    let mut parsed_schemas = IndexMap::with_capacity(schema_count);
    for (result, job_warnings, job_moved) in done {
        warnings.extend(job_warnings);
        moved.extend(job_moved);
        match result {
            Done::Rest(_) => {}
            Done::Schemas(schemas) => parsed_schemas.extend(schemas?),
            Done::Paths(parsed) => {
                document.paths.paths.extend(parsed.items);
                document.paths.extensions.extend(parsed.extensions);
            }
        }
    }
    warnings.extend(paths_warning);
    if has_schemas {
        document.components.get_or_insert_with(Default::default).schemas = parsed_schemas;
    }
    Ok(Parsed { document, warnings, moved })
}

/// The members of a map the split took out (`None` when the document has none), or a warning at `pointer` that
/// `what` is not a map and is ignored.
fn members_or_warning<N>(
    members: Option<Members<N>>,
    path: &Path,
    pointer: &str,
    what: &str,
) -> (Option<Vec<(String, N)>>, Option<Diagnostic>) {
    match members {
        None => (None, None),
        Some(Ok(members)) => (Some(members), None),
        Some(Err(_)) => {
            (None, Some(Diagnostic::warning(path, pointer, format!("{what} must be a map; it is ignored"))))
        }
    }
}

/// `members` in runs of [`CHUNK`].
fn chunks<N>(members: Vec<(String, N)>) -> impl Iterator<Item = Vec<(String, N)>> {
    let mut members = members.into_iter().peekable();
    std::iter::from_fn(move || {
        members.peek()?;
        Some(members.by_ref().take(CHUNK).collect())
    })
}

/// What a job gave, its repair's warnings and the list items its repair moved.
type JobResult = (Done, Vec<Diagnostic>, Vec<(String, String)>);

/// Runs `jobs` on every core: what each gave, its repair's warnings and moves, in the jobs' order.
fn run_jobs<N: Source>(jobs: Vec<Job<N>>, path: &Path) -> Result<Vec<JobResult>, Diagnostic> {
    let run = |job| {
        let mut repair = Repair::new(path);
        let done = match job {
            Job::Rest(mut rest) => {
                repair.rest(&mut rest);
                Done::Rest(parse::<openapiv3::OpenAPI>(rest, "#", path).map(Box::new))
            }
            Job::Schemas(members) => Done::Schemas(parse_schemas(members, &mut repair)),
            Job::Paths(members) => Done::Paths(parse_paths(members, &mut repair)),
        };
        (done, repair.warnings, repair.moved)
    };
    crate::resources::share_out(jobs, crate::resources::worker_threads(), run).map_err(|failed| match failed {
        SharedWorkFailed::Spawn(e) => Diagnostic::error(path, "", format!("cannot start a worker thread ({e})")),
        SharedWorkFailed::Panicked => {
            Diagnostic::error(path, "#", "internal error: specforge panicked while reading the document")
        }
    })
}

/// Repairs and parses a run of component schemas; one that cannot be read becomes a schema of any value, with a
/// warning.
fn parse_schemas<N: Source>(
    members: Vec<(String, N)>,
    repair: &mut Repair<'_>,
) -> Result<Vec<(String, ReferenceOr<openapiv3::Schema>)>, Diagnostic> {
    let path = repair.file();
    members
        .into_iter()
        .map(|(name, schema)| {
            let pointer = child("#/components/schemas", &name);
            let mut value = schema.into_value(&pointer, path, &mut repair.warnings)?;
            repair.schema(&mut value, At::root(&pointer));
            let schema = parse_part(value, &pointer, path, super::levels::parse_schema).unwrap_or_else(|unread| {
                repair.warnings.push(unreadable(unread, "this schema is read as any JSON value"));
                ReferenceOr::Item(any_schema())
            });
            Ok((name, schema))
        })
        .collect()
}

/// A schema of any value (`{}`).
fn any_schema() -> openapiv3::Schema {
    openapiv3::Schema { schema_data: Default::default(), schema_kind: openapiv3::SchemaKind::Any(Default::default()) }
}

/// A part that repair let through and `openapiv3` still could not read (a gap in repair, which the fuzzer looks
/// for): a warning saying what was done instead.
fn unreadable(error: Diagnostic, instead: &str) -> Diagnostic {
    Diagnostic::warning(&error.file, error.pointer, format!("{}; {instead}", error.message))
}

/// Repairs and parses a run of `paths` members: path items (keys starting with `/`) and extensions (`x-` keys);
/// others are ignored, as `openapiv3` does. A path item that cannot be read is skipped with a warning.
fn parse_paths<N: Source>(members: Vec<(String, N)>, repair: &mut Repair<'_>) -> ParsedPaths {
    let path = repair.file();
    let mut parsed = ParsedPaths { items: Vec::with_capacity(members.len()), extensions: Vec::new() };
    for (key, item) in members {
        let pointer = child("#/paths", &key);
        if key.starts_with('/') {
            let mut value = match item.into_value(&pointer, path, &mut repair.warnings) {
                Ok(value) => value,
                Err(error) => {
                    repair.warnings.push(unreadable(error, "the path is skipped"));
                    continue;
                }
            };
            if !repair.path_item(&mut value, At::root(&pointer)) {
                repair.warnings.push(Diagnostic::warning(
                    path,
                    pointer,
                    "a path item must be an object; the path is skipped",
                ));
                continue;
            }
            match parse_part(value, &pointer, path, serde_json::from_value::<ReferenceOr<openapiv3::PathItem>>) {
                Ok(item) => parsed.items.push((key, item)),
                Err(error) => repair.warnings.push(unreadable(error, "the path and its operations are skipped")),
            }
        } else if key.starts_with("x-")
            && let Ok(value) = item.into_value(&pointer, path, &mut repair.warnings)
        {
            parsed.extensions.push((key, value));
        }
    }
    parsed
}
