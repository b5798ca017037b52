//! Parsing a document into `openapiv3` types, from a `Value` tree or straight from JSON text.
//!
//! `openapiv3` builds its maps with `#[serde(flatten)]`, through which no deserializer can track where it is, so the
//! document is split first: each path item and each component schema is parsed on its own (an error names at least
//! the path item or schema it is in), and the path items, about half of a large spec, are parsed on a second
//! thread. The split works the same on a `Value` (after overlays and bundling) and on slices of the JSON text (a
//! plain JSON spec, which then never becomes a `Value` tree at all).
//!
//! What the generator never reads is dropped at the split, unparsed: `components.examples` and the top-level
//! extensions (`x-…`). In a large spec they are a fifth of the text, and as `Value` trees far more of the memory;
//! a mistake in them cannot change the generated code, so it is not reported either.

use std::path::Path;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, child};

/// A document node that `openapiv3` types can be parsed from.
pub trait Source: Sized + Send {
    /// Parses the node at `pointer` of the document read from `path`, reporting the pointer of the first node
    /// below it that does not fit.
    fn parse<T: DeserializeOwned>(self, pointer: &str, path: &Path) -> Result<T, Diagnostic>;
}

impl Source for Value {
    fn parse<T: DeserializeOwned>(self, pointer: &str, path: &Path) -> Result<T, Diagnostic> {
        serde_path_to_error::deserialize::<_, T>(self).map_err(|e| type_error(pointer, path, e.path(), e.inner()))
    }
}

impl Source for &RawValue {
    fn parse<T: DeserializeOwned>(self, pointer: &str, path: &Path) -> Result<T, Diagnostic> {
        let mut deserializer = serde_json::Deserializer::from_str(self.get());
        serde_path_to_error::deserialize::<_, T>(&mut deserializer)
            .map_err(|e| type_error(pointer, path, e.path(), e.inner()))
    }
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
}

/// Whether a top-level member is one the generator never reads.
fn unused_top_level(key: &str) -> bool {
    key.starts_with("x-")
}

/// Whether a `components` section is one the generator never reads.
fn unused_component_section(section: &str) -> bool {
    section == "examples"
}

/// Splits a `Value` document.
pub fn split_value(mut document: Value) -> Split<Value> {
    if let Some(top) = document.as_object_mut() {
        top.retain(|key, _| !unused_top_level(key));
        if let Some(Value::Object(components)) = top.get_mut("components") {
            components.retain(|section, _| !unused_component_section(section));
        }
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
    Split { rest: document, paths, schemas }
}

/// Splits a JSON document given as its top-level members (slices of the text). Only the rest becomes a `Value`.
pub fn split_raw<'t>(top: IndexMap<String, &'t RawValue>, path: &Path) -> Result<Split<&'t RawValue>, Diagnostic> {
    let members = |node: &'t RawValue| -> Members<&'t RawValue> {
        serde_json::from_str::<IndexMap<String, &'t RawValue>>(node.get())
            .map(|m| m.into_iter().collect())
            .map_err(|_| node)
    };
    let value = |node: &RawValue, pointer: &str| node.parse::<Value>(pointer, path);
    let (mut rest, mut paths, mut schemas) = (Map::new(), None, None);
    for (key, node) in top {
        match key.as_str() {
            "paths" => {
                paths = Some(members(node));
                rest.insert(key, Value::Object(Map::new()));
            }
            "components" => match members(node) {
                Ok(components) => {
                    let mut kept = Map::new();
                    for (section, node) in components {
                        if unused_component_section(&section) {
                            continue;
                        }
                        if section == "schemas" {
                            schemas = Some(members(node));
                        } else {
                            let pointer = child("#/components", &section);
                            kept.insert(section, value(node, &pointer)?);
                        }
                    }
                    rest.insert(key, Value::Object(kept));
                }
                Err(node) => {
                    rest.insert(key, value(node, "#/components")?);
                }
            },
            _ if unused_top_level(&key) => {}
            _ => {
                let pointer = child("#", &key);
                rest.insert(key, value(node, &pointer)?);
            }
        }
    }
    Ok(Split { rest: Value::Object(rest), paths, schemas })
}

/// Parses a split document: the path items on a second thread, the rest and the schemas on this one.
pub fn parse_split<N: Source>(split: Split<N>, path: &Path) -> Result<openapiv3::OpenAPI, Diagnostic> {
    let Split { rest, paths, schemas } = split;
    std::thread::scope(|scope| {
        let paths = match paths {
            Some(paths) => Some(
                std::thread::Builder::new()
                    .name("specforge-paths".into())
                    // The same large stack as the pipeline's: `openapiv3` recurses deeply.
                    .stack_size(crate::pipeline::STACK_BYTES)
                    .spawn_scoped(scope, move || parse_paths(paths, path))
                    .map_err(|e| Diagnostic::error(path, "", format!("cannot start a worker thread ({e})")))?,
            ),
            None => None,
        };
        let mut document = rest.parse::<openapiv3::OpenAPI>("#", path)?;
        if let Some(schemas) = schemas {
            let pointer = "#/components/schemas";
            let schemas = match schemas {
                Ok(members) => members
                    .into_iter()
                    .map(|(name, schema)| Ok((name.clone(), schema.parse(&child(pointer, &name), path)?)))
                    .collect::<Result<_, Diagnostic>>()?,
                Err(node) => node.parse(pointer, path)?,
            };
            document.components.get_or_insert_with(Default::default).schemas = schemas;
        }
        if let Some(paths) = paths {
            document.paths = paths.join().map_err(|_| {
                Diagnostic::error(path, "#/paths", "internal error: specforge panicked while reading the paths")
            })??;
        }
        Ok(document)
    })
}

/// Parses `paths` one path item at a time (keys starting with `/`; `x-` keys are extensions, others are ignored, as
/// `openapiv3` does).
fn parse_paths<N: Source>(paths: Members<N>, path: &Path) -> Result<openapiv3::Paths, Diagnostic> {
    let entries = match paths {
        Ok(entries) => entries,
        Err(node) => return node.parse("#/paths", path),
    };
    let mut parsed = openapiv3::Paths::default();
    for (key, item) in entries {
        if key.starts_with('/') {
            let item = item.parse(&child("#/paths", &key), path)?;
            parsed.paths.insert(key, item);
        } else if key.starts_with("x-") {
            parsed.extensions.insert(key.clone(), item.parse(&child("#/paths", &key), path)?);
        }
    }
    Ok(parsed)
}
