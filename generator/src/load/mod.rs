//! Load: read a spec file (YAML or JSON), apply overlays, check the OpenAPI version and parse it into
//! [`openapiv3::OpenAPI`]. Every failure is a [`Diagnostic`] with the file, JSON pointer and line where known.

mod bundle;
mod locate;
mod overlay;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, child};
pub use locate::Locator;

/// A parsed spec with what is needed to point back into its source.
pub struct LoadedSpec {
    /// The OpenAPI document, after overlays.
    pub document: openapiv3::OpenAPI,
    /// The file it came from.
    pub path: PathBuf,
    /// Finds the line of a JSON pointer in the file's text.
    pub locator: Locator,
}

/// Reads and parses `path`, applies `overlays` in order, and parses the result as OpenAPI 3.0.
///
/// `path` may itself be an Overlay document whose `extends` names the spec (relative to the overlay); the spec is
/// then loaded and that overlay applied first.
pub fn load(path: &Path, overlays: &[PathBuf]) -> Result<LoadedSpec, Vec<Diagnostic>> {
    let (mut value, spec_path, locator) = merged(path, overlays)?;
    check_version(&value, &spec_path).map_err(|d| vec![locator.place(d)])?;
    bundle::bundle(&mut value, &spec_path).map_err(|diagnostics| locator.place_all(diagnostics))?;
    let document = parse_openapi(value, &spec_path).map_err(|d| vec![locator.place(d)])?;
    Ok(LoadedSpec { document, path: spec_path, locator })
}

/// Reads a spec and its overlays and returns the merged document as JSON, without parsing it as OpenAPI.
pub fn load_merged_json(path: &Path, overlays: &[PathBuf]) -> Result<Value, Vec<Diagnostic>> {
    merged(path, overlays).map(|(value, _, _)| value)
}

/// The spec (following an overlay's `extends`) with all overlays applied, the spec's path and its locator.
fn merged(path: &Path, overlays: &[PathBuf]) -> Result<(Value, PathBuf, Locator), Vec<Diagnostic>> {
    let (first, first_locator) = read_document(path).map_err(|d| vec![d])?;
    let mut pending: Vec<(Value, PathBuf, Locator)> = Vec::new();
    let (mut value, spec_path, locator) = match overlay::extends(&first) {
        Some(extends) => {
            let spec_path = path.parent().unwrap_or(Path::new(".")).join(extends);
            let (spec, spec_locator) = read_document(&spec_path).map_err(|d| vec![d])?;
            pending.push((first, path.to_path_buf(), first_locator));
            (spec, spec_path, spec_locator)
        }
        None => (first, path.to_path_buf(), first_locator),
    };
    for overlay_path in overlays {
        let (overlay, overlay_locator) = read_document(overlay_path).map_err(|d| vec![d])?;
        pending.push((overlay, overlay_path.clone(), overlay_locator));
    }
    for (overlay, overlay_path, overlay_locator) in pending {
        overlay::apply(&mut value, &overlay, &overlay_path)
            .map_err(|diagnostics| diagnostics.into_iter().map(|d| overlay_locator.place(d)).collect::<Vec<_>>())?;
    }
    Ok((value, spec_path, locator))
}

/// Reads a YAML or JSON file into a JSON value. `.json` files are parsed as JSON (better errors); anything else as
/// YAML, which also accepts JSON.
fn read_document(path: &Path) -> Result<(Value, Locator), Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(path, "", format!("cannot read the file: {e}")))?;
    let is_json = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let value = if is_json {
        serde_json::from_str::<Value>(&text).map_err(|e| {
            Diagnostic::error(path, "", format!("invalid JSON: {e}")).at_line(e.line(), e.column())
        })?
    } else {
        serde_norway::from_str::<Value>(&text).map_err(|e| {
            let diagnostic = Diagnostic::error(path, "", format!("invalid YAML: {e}"));
            match e.location() {
                Some(location) => diagnostic.at_line(location.line(), location.column()),
                None => diagnostic,
            }
        })?
    };
    if !value.is_object() {
        return Err(Diagnostic::error(path, "", "the document is not an object (a mapping at the top level)"));
    }
    Ok((value, Locator::new(text, is_json)))
}

/// Accepts OpenAPI 3.0.x and rejects everything else with a message that says what the document is.
fn check_version(value: &Value, path: &Path) -> Result<(), Diagnostic> {
    if let Some(swagger) = value.get("swagger") {
        return Err(Diagnostic::error(
            path,
            "#/swagger",
            format!(
                "this is a Swagger {} document; specforge reads OpenAPI 3.0.x. Convert it first (for example with \
                 swagger2openapi or the Swagger Editor's \"Convert to OpenAPI 3\")",
                swagger.as_str().unwrap_or("2.0")
            ),
        ));
    }
    let Some(version) = value.get("openapi") else {
        return Err(Diagnostic::error(path, "", "missing the `openapi` field: this is not an OpenAPI document"));
    };
    let Some(version) = version.as_str() else {
        return Err(Diagnostic::error(path, "#/openapi", "`openapi` must be a string such as \"3.0.3\""));
    };
    if version.starts_with("3.1") {
        return Err(Diagnostic::error(
            path,
            "#/openapi",
            format!(
                "OpenAPI {version} is not supported yet (type arrays with \"null\", `const`, `examples` and JSON \
                 Schema 2020-12 keywords); specforge reads OpenAPI 3.0.x"
            ),
        ));
    }
    if !version.starts_with("3.0") {
        return Err(Diagnostic::error(
            path,
            "#/openapi",
            format!("unsupported OpenAPI version {version:?}; specforge reads OpenAPI 3.0.x"),
        ));
    }
    Ok(())
}

/// Parses the document into `openapiv3` types, reporting the JSON pointer of the first node that does not fit.
///
/// `openapiv3` builds its maps with `#[serde(flatten)]`, through which no deserializer can track where it is, so
/// each path item and each component schema is parsed on its own: an error names at least the path item or schema
/// it is in. Path items (on a second thread) and the rest of the document are about the same size in large specs.
fn parse_openapi(mut value: Value, path: &Path) -> Result<openapiv3::OpenAPI, Diagnostic> {
    let paths = value
        .as_object_mut()
        .and_then(|document| document.get_mut("paths"))
        .map(|paths| std::mem::replace(paths, Value::Object(serde_json::Map::new())));
    let schemas = value
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .and_then(|components| components.remove("schemas"));
    std::thread::scope(|scope| {
        let paths = match paths {
            Some(paths) => Some(
                std::thread::Builder::new()
                    .name("specforge-paths".into())
                    .stack_size(crate::PIPELINE_STACK_BYTES)
                    .spawn_scoped(scope, move || parse_paths(paths, path))
                    .map_err(|e| Diagnostic::error(path, "", format!("cannot start a worker thread ({e})")))?,
            ),
            None => None,
        };
        let mut document = deserialize_at::<openapiv3::OpenAPI>(value, "#", path)?;
        if let Some(schemas) = schemas {
            let pointer = "#/components/schemas";
            let schemas = match schemas {
                Value::Object(schemas) => schemas
                    .into_iter()
                    .map(|(name, schema)| Ok((name.clone(), deserialize_at(schema, &child(pointer, &name), path)?)))
                    .collect::<Result<_, Diagnostic>>()?,
                other => deserialize_at(other, pointer, path)?,
            };
            document.components.get_or_insert_with(Default::default).schemas = schemas;
        }
        if let Some(paths) = paths {
            document.paths = paths
                .join()
                .map_err(|_| Diagnostic::error(path, "#/paths", "internal error: specforge panicked while reading the paths"))??;
        }
        Ok(document)
    })
}

/// Parses `paths` one path item at a time (keys starting with `/`; `x-` keys are extensions, others are ignored, as
/// `openapiv3` does).
fn parse_paths(paths: Value, path: &Path) -> Result<openapiv3::Paths, Diagnostic> {
    let Value::Object(entries) = paths else { return deserialize_at(paths, "#/paths", path) };
    let mut parsed = openapiv3::Paths::default();
    for (key, item) in entries {
        if key.starts_with('/') {
            let item = deserialize_at(item, &child("#/paths", &key), path)?;
            parsed.paths.insert(key, item);
        } else if key.starts_with("x-") {
            parsed.extensions.insert(key, item);
        }
    }
    Ok(parsed)
}

/// Deserializes the node at `pointer`, reporting the pointer of the first node below it that does not fit.
fn deserialize_at<T: serde::de::DeserializeOwned>(value: Value, pointer: &str, path: &Path) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut pointer = pointer.to_string();
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
                serde_path_to_error::Segment::Map { key } => pointer = child(&pointer, key),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
            }
        }
        Diagnostic::error(path, pointer, format!("not a valid OpenAPI 3.0 document here: {}", e.inner()))
    })
}
