//! Load: read a spec file (YAML or JSON), apply overlays, check the version, bring a Swagger 2.0 or OpenAPI 3.1/3.2
//! document to the 3.0 form, bundle `$ref`s, repair what does not fit the grammar, and parse it into
//! [`openapiv3::OpenAPI`]. A document that cannot be read at all is a [`Diagnostic`] error with the file, JSON
//! pointer and line where known; a local defect is a warning.

mod bundle;
mod enclosing;
pub mod extensions;
mod levels;
mod locate;
mod normalize;
mod overlay;
mod parse;
mod relocations;
mod repair;
mod swagger2;
mod text;
mod yaml;
mod yaml_line;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::Diagnostic;
pub use locate::{Locator, place_in_file};
pub use relocations::Relocations;

/// A parsed spec and the file it came from. The source text is not kept: diagnostics found later are placed with
/// [`place_in_file`], which reads it again.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The OpenAPI document, after overlays.
    pub document: openapiv3::OpenAPI,
    /// The file it came from.
    pub path: PathBuf,
    /// What loading dropped or could not use (OpenAPI 3.1 keywords no Rust type expresses, …), not yet placed.
    pub warnings: Vec<Diagnostic>,
    /// Where the nodes of an upgraded Swagger 2.0 document came from (empty for OpenAPI 3.x).
    pub relocations: Relocations,
    /// Every file read: the spec (when `path` was an overlay that extends it), overlays and the files `$ref`s name,
    /// for a build script to rerun when one changes.
    pub sources: Vec<PathBuf>,
}

impl LoadedSpec {
    /// Places diagnostics (pointers into the document as parsed) in the source file: pointers into an upgraded
    /// Swagger 2.0 document are first turned back into pointers into the 2.0 source.
    pub fn place(path: &Path, relocations: &Relocations, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        place_in_file(path, relocations.to_source(diagnostics))
    }
}

/// Reads and parses `path`, applies `overlays` in order, and parses the result as OpenAPI 3.0 (upgrading Swagger 2.0
/// and normalizing 3.1 and 3.2 first).
///
/// `path` may itself be an Overlay document whose `extends` names the spec (relative to the overlay); the spec is
/// then loaded and that overlay applied first.
///
/// `ref_map` gives local copies of remote documents that `$ref`s name (`https://…` → file); nothing is fetched.
pub fn load(path: &Path, overlays: &[PathBuf], ref_map: &[(String, PathBuf)]) -> Result<LoadedSpec, Vec<Diagnostic>> {
    if overlays.is_empty()
        && is_json(path)
        && let Some(loaded) = load_plain_json(path)?
    {
        return Ok(loaded);
    }
    let Merged { mut value, spec_path, locator, warnings: read_warnings } = merged(path, overlays)?;
    let (version, version_warning) = check_version(&value, &spec_path).map_err(|d| vec![locator.place(d)])?;
    // A version read otherwise than declared is written in, so the defect is reported once (Swagger 2.0's upgrade
    // writes its own).
    if version_warning.is_some()
        && version != Version::V2_0
        && let Some(top) = value.as_object_mut()
    {
        top.insert("openapi".to_string(), Value::String(version.number().to_string()));
    }
    let (mut warnings, mut relocations) = match version {
        Version::V2_0 => swagger2::upgrade(&mut value, &spec_path),
        Version::V3_0 => Default::default(),
        Version::V3_1 | Version::V3_2 => {
            normalize::resolve_anchor_refs(&mut value);
            Default::default()
        }
    };
    warnings.extend(read_warnings);
    warnings.extend(version_warning);
    let relocate = |diagnostics: Vec<Diagnostic>| locator.place_all(relocations.to_source(diagnostics));
    let mut sources: Vec<PathBuf> = std::iter::once(spec_path.clone()).chain(overlays.iter().cloned()).collect();
    warnings.extend(bundle::bundle(&mut value, &spec_path, ref_map, &mut sources).map_err(relocate)?);
    let normalized_moves = match version {
        Version::V2_0 => {
            warnings.extend(swagger2::upgrade_schemas(&mut value, &spec_path));
            Vec::new()
        }
        Version::V3_0 => Vec::new(),
        Version::V3_1 | Version::V3_2 => {
            let (normalize_warnings, moved) = normalize::normalize(&mut value, &spec_path);
            warnings.extend(normalize_warnings);
            moved
        }
    };
    let parsed = parse::parse_split(parse::split_value(value), &spec_path).map_err(|d| relocate(vec![d]))?;
    // Repair read the normalized document: its warnings point there.
    relocations.record_normalized(normalized_moves);
    warnings.extend(relocations.before_normalizing(parsed.warnings));
    relocations.record_repairs(parsed.moved);
    Ok(LoadedSpec { document: parsed.document, path: spec_path, warnings, relocations, sources })
}

/// The fast path for the common large case: a JSON spec, no overlays, every `$ref` already pointing into
/// `components`. It is parsed from slices of its text, never becoming a `Value` tree (less time, far less memory).
/// `None` when the spec needs the general path (it is an overlay, or has references to bundle).
fn load_plain_json(path: &Path) -> Result<Option<LoadedSpec>, Vec<Diagnostic>> {
    let (text, stray_bytes) = read_text_reporting(path).map_err(|e| vec![ReadError::Io(e).diagnostic(path)])?;
    // The general path reports stray bytes, and reads YAML.
    if stray_bytes.is_some() || !looks_like_json(&text) || bundle::json_text_needs_bundling(&text) {
        return Ok(None);
    }
    let parsed = (|| {
        // Anything but an object of members (invalid JSON, a top-level array, …) is reported by the general path.
        let Ok(top) = parse::raw_members(&text) else {
            return Ok(None);
        };
        if top.members.contains_key("overlay") {
            return Ok(None);
        }
        let head: serde_json::Map<String, Value> = ["openapi", "swagger"]
            .into_iter()
            .filter_map(|key| {
                Some((key.to_string(), serde_json::from_str(top.members.get(key)?.get()).unwrap_or(Value::Null)))
            })
            .collect();
        // 3.1 and 3.2 are normalized on the general path, which also reads a version that is not declared right.
        if !matches!(check_version(&Value::Object(head), path), Ok((Version::V3_0, None))) {
            return Ok(None);
        }
        parse::parse_split(parse::split_raw(top, path)?, path).map(Some)
    })();
    match parsed {
        Ok(Some(parse::Parsed { document, warnings, moved })) => {
            let (path, mut relocations) = (path.to_path_buf(), Relocations::default());
            relocations.record_repairs(moved);
            Ok(Some(LoadedSpec { document, sources: vec![path.clone()], path, warnings, relocations }))
        }
        Ok(None) => Ok(None),
        Err(diagnostic) => Err(vec![Locator::new(text, true).place(diagnostic)]),
    }
}

/// Whether a file is named as JSON (what a file holds decides how it is read; its name, whether YAML in it is a
/// defect, and whether the fast path is tried).
fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
}

/// Whether a document's text is JSON rather than YAML: it starts with `{` and a quoted key (or `}`), or with `[`;
/// YAML's flow style (`{openapi: 3.1.0, …}`) leaves its keys unquoted. JSON is read as JSON whatever the file's
/// name (YAML's reader refuses some of it, such as an escaped emoji's surrogate pair), and YAML as YAML, even in a
/// file named `.json`.
fn looks_like_json(text: &str) -> bool {
    let text = text.trim_start();
    match text.strip_prefix('{') {
        Some(members) => members.trim_start().starts_with(['"', '}']),
        None => text.starts_with('['),
    }
}

/// Reads a spec and its overlays and returns the merged document as JSON, without parsing it as OpenAPI.
pub fn load_merged_json(path: &Path, overlays: &[PathBuf]) -> Result<Value, Vec<Diagnostic>> {
    merged(path, overlays).map(|merged| merged.value)
}

/// The spec with all overlays applied.
struct Merged {
    value: Value,
    /// The spec's path (an overlay given as the spec names it in `extends`).
    spec_path: PathBuf,
    /// A locator over the spec's text.
    locator: Locator,
    /// What reading the files found (see [`ReadDocument`]), placed.
    warnings: Vec<Diagnostic>,
}

/// The spec (following an overlay's `extends`) with all overlays applied.
fn merged(path: &Path, overlays: &[PathBuf]) -> Result<Merged, Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let mut read = |path: &Path| {
        let (value, locator, read_warnings) = read_document(path).map_err(|d| vec![d])?;
        warnings.extend(read_warnings);
        Ok::<_, Vec<Diagnostic>>((value, locator))
    };
    let (first, first_locator) = read(path)?;
    let mut pending: Vec<(Value, PathBuf, Locator)> = Vec::new();
    let (mut value, spec_path, locator) = match overlay::extends(&first) {
        Some(extends) => {
            let spec_path = path.parent().unwrap_or(Path::new(".")).join(extends);
            let (spec, spec_locator) = read(&spec_path)?;
            pending.push((first, path.to_path_buf(), first_locator));
            (spec, spec_path, spec_locator)
        }
        None => (first, path.to_path_buf(), first_locator),
    };
    for overlay_path in overlays {
        let (overlay, overlay_locator) = read(overlay_path)?;
        pending.push((overlay, overlay_path.clone(), overlay_locator));
    }
    for (overlay, overlay_path, overlay_locator) in pending {
        overlay::apply(&mut value, &overlay, &overlay_path)
            .map_err(|diagnostics| diagnostics.into_iter().map(|d| overlay_locator.place(d)).collect::<Vec<_>>())?;
    }
    Ok(Merged { value, spec_path, locator, warnings })
}

/// Reads the spec or an overlay: a YAML or JSON file whose top level is an object, with a locator over its text
/// and what reading it found.
fn read_document(path: &Path) -> Result<(Value, Locator, Vec<Diagnostic>), Diagnostic> {
    let ReadDocument { value, text, warnings } = read_value(path).map_err(|error| error.diagnostic(path))?;
    if !value.is_object() {
        return Err(Diagnostic::error(path, "", "the document is not an object (a mapping at the top level)"));
    }
    let is_json = looks_like_json(&text);
    Ok((value, Locator::new(text, is_json), warnings))
}

/// Why a document file could not be read.
enum ReadError {
    /// The file could not be read.
    Io(std::io::Error),
    /// A file that starts as JSON is neither JSON nor YAML: the JSON error, and the pointer of the node it is in.
    Json(serde_json::Error, String),
    /// Another file is not YAML: what is wrong, the line and column where the parser stopped, and the pointer of
    /// the node it is in (when the error has a place).
    Yaml { message: String, place: Option<(usize, usize)>, pointer: String },
}

impl ReadError {
    /// The error as a diagnostic of the file at `path`, at the line where the parser stopped.
    fn diagnostic(self, path: &Path) -> Diagnostic {
        match self {
            ReadError::Io(e) => Diagnostic::error(path, "", format!("cannot read the file: {e}")),
            ReadError::Json(e, pointer) => {
                Diagnostic::error(path, pointer, format!("invalid JSON: {e}")).at_line(e.line(), e.column())
            }
            ReadError::Yaml { message, place, pointer } => {
                let diagnostic = Diagnostic::error(path, pointer, format!("invalid YAML: {message}"));
                match place {
                    Some((line, column)) => diagnostic.at_line(line, column),
                    None => diagnostic,
                }
            }
        }
    }
}

/// A document file read: its value, its text, and what reading it found (bytes that are not UTF-8, JSON that only
/// YAML accepts).
struct ReadDocument {
    value: Value,
    text: String,
    warnings: Vec<Diagnostic>,
}

/// Reads any document file (the spec, an overlay, a file a `$ref` names) into a JSON value, with its text. Text
/// that starts as JSON is parsed as JSON (better errors, and every escape JSON has); should that fail where YAML's
/// flow style allows it (a trailing comma, unquoted words), it is read as YAML, with a warning at the JSON error if
/// the file is named `.json`. Anything else is parsed as YAML.
fn read_value(path: &Path) -> Result<ReadDocument, ReadError> {
    let (text, stray_bytes) = read_text_reporting(path).map_err(ReadError::Io)?;
    let mut warnings: Vec<Diagnostic> = stray_bytes.into_iter().collect();
    let (value, findings) = if looks_like_json(&text) {
        match yaml::from_json(&text) {
            Ok(read) => read,
            Err(e) => {
                let pointer = enclosing::pointer_at(&text, true, e.line(), e.column());
                match read_yaml(&text) {
                    // YAML in flow style is YAML; in a file named `.json` it is a defect worth a word.
                    Ok(read) => {
                        if is_json(path) {
                            let message = format!("not valid JSON ({e}); read as YAML, whose flow style allows this");
                            warnings.push(Diagnostic::warning(path, pointer, message).at_line(e.line(), e.column()));
                        }
                        read
                    }
                    Err(_) => return Err(ReadError::Json(e, pointer)),
                }
            }
        }
    } else {
        read_yaml(&text)?
    };
    warnings.extend(findings.iter().map(|finding| finding.warning(path, "#")));
    Ok(ReadDocument { value, text, warnings })
}

/// Reads YAML text: refused at once where flow collections nest past [`yaml::MAX_FLOW_DEPTH`] (which libyaml would
/// take quadratic time over), and an error on a line indented with a tab says that YAML does not allow it.
fn read_yaml(text: &str) -> Result<(Value, Vec<yaml::Finding>), ReadError> {
    if let Some((line, column)) = yaml::too_deep_flow(text) {
        let message = format!(
            "flow collections (`[…]`, `{{…}}`) nest more than {} levels deep here, more than specforge reads",
            yaml::MAX_FLOW_DEPTH
        );
        let pointer = enclosing::pointer_at(text, false, line, column);
        return Err(ReadError::Yaml { message, place: Some((line, column)), pointer });
    }
    yaml::from_str(text).map_err(|e| {
        let place = e.location().map(|at| (at.line(), at.column()));
        let mut message = e.to_string();
        let pointer = place.map(|(line, column)| enclosing::pointer_of_yaml_error(text, &message, line, column));
        if place.is_some_and(|(line, _)| indented_with_tab(text, line)) {
            message.push_str(" (YAML does not allow tabs in indentation: indent this line with spaces)");
        }
        ReadError::Yaml { message, place, pointer: pointer.unwrap_or_default() }
    })
}

/// Whether the 1-based `line` of `text` has a tab in its indentation, which YAML does not allow (editors that
/// indent with tabs make such files; every YAML parser refuses them).
fn indented_with_tab(text: &str, line: usize) -> bool {
    let text = text.split('\n').nth(line.saturating_sub(1)).unwrap_or_default();
    text.bytes().take_while(|byte| matches!(byte, b' ' | b'\t')).any(|byte| byte == b'\t')
}

/// The text of a document file (see [`text::decode`]: UTF-8 without its byte-order mark, UTF-16 or UTF-32, stray
/// bytes read as Windows-1252).
pub(crate) fn read_text(path: &Path) -> std::io::Result<String> {
    read_text_reporting(path).map(|(text, _)| text)
}

/// [`read_text`], with a warning placed at the first byte that is not UTF-8, if any.
fn read_text_reporting(path: &Path) -> std::io::Result<(String, Option<Diagnostic>)> {
    let decoded = text::decode(read_bytes(path)?);
    let warning = decoded.stray_bytes.map(|(count, (line, column))| {
        let message = match count {
            1 => "a byte that is not UTF-8 was read as a Windows-1252 character".to_string(),
            _ => format!("{count} bytes that are not UTF-8 were read as Windows-1252 characters (the first is here)"),
        };
        Diagnostic::warning(path, "", message).at_line(line, column)
    });
    Ok((decoded.text, warning))
}

/// The bytes of a document file, or of standard input for the path `-` (read once, to its end, and kept: the text is
/// read again to place diagnostics).
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, (std::io::ErrorKind, String)>> = std::sync::OnceLock::new();
    if path != Path::new(STDIN_PATH) {
        return std::fs::read(path);
    }
    let read = STDIN.get_or_init(|| {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map(|_| bytes)
            .map_err(|e| (e.kind(), e.to_string()))
    });
    read.clone().map_err(|(kind, message)| std::io::Error::new(kind, message))
}

/// The path that names standard input.
pub(crate) const STDIN_PATH: &str = "-";

/// The OpenAPI versions specforge reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// Swagger 2.0: upgraded to 3.0 first.
    V2_0,
    /// 3.0.x: read as it is.
    V3_0,
    /// 3.1.x: JSON Schema 2020-12, normalized first.
    V3_1,
    /// 3.2.x: 3.1 plus new operations and media type keywords, normalized first.
    V3_2,
}

/// The version a document is read as, and a warning when it is not the one it declares: OpenAPI 3.0.x, 3.1.x and
/// 3.2.x and Swagger 2.0 as declared; a later 3.x as 3.2. A version field that is missing, of the wrong kind or not
/// a version (a mutated or hand-edited document) is one defect, not a reason to refuse what follows it: a document
/// with `paths`, `components` or `webhooks` is read as the version its shape says ([`version_by_shape`]), with a
/// warning. Refused: the formats of other major versions (Swagger 1.x, OpenAPI 4 and later), and anything else
/// that is not an API description.
fn check_version(value: &Value, path: &Path) -> Result<(Version, Option<Diagnostic>), Diagnostic> {
    // YAML reads `openapi: 3.1` as a number; it can only mean the version it spells.
    let spelled = |field: &Value| match field {
        Value::Number(number) => Some(number.to_string()),
        Value::String(text) => Some(text.trim().to_string()),
        _ => None,
    };
    let is_api = ["paths", "components", "webhooks"].iter().any(|key| value.get(key).is_some());
    let by_shape = |pointer: &str, declared: String| {
        let version = version_by_shape(value);
        let message = format!("{declared}; read as {}, as the document's shape says", version.name());
        Ok((version, Some(Diagnostic::warning(path, pointer, message))))
    };
    if let Some(field) = value.get("swagger") {
        let declared = spelled(field);
        return match declared.as_deref() {
            Some("2.0" | "2") => Ok((Version::V2_0, None)),
            Some(version) if version.split('.').next() != Some("1") && value.get("paths").is_some() => {
                by_shape("#/swagger", format!("`swagger` is {version:?}, not \"2.0\""))
            }
            None if value.get("paths").is_some() => by_shape("#/swagger", "`swagger` is not a version".to_string()),
            _ => Err(Diagnostic::error(
                path,
                "#/swagger",
                format!(
                    "unsupported Swagger version {:?}; specforge reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2",
                    declared.unwrap_or_default()
                ),
            )),
        };
    }
    let Some(field) = value.get("openapi") else {
        if is_api {
            return by_shape("", "the `openapi` field is missing".to_string());
        }
        return Err(Diagnostic::error(path, "", "missing the `openapi` field: this is not an OpenAPI document"));
    };
    let Some(declared) = spelled(field) else {
        if is_api {
            return by_shape("#/openapi", "`openapi` is not a version string such as \"3.1.0\"".to_string());
        }
        return Err(Diagnostic::error(path, "#/openapi", "`openapi` must be a string such as \"3.1.0\""));
    };
    let mut parts = declared.split('.');
    let (major, minor) = (parts.next(), parts.next().map(str::parse::<u32>));
    match (major, minor) {
        (Some("3"), Some(Ok(0))) => Ok((Version::V3_0, None)),
        (Some("3"), Some(Ok(1))) => Ok((Version::V3_1, None)),
        (Some("3"), Some(Ok(2))) => Ok((Version::V3_2, None)),
        (Some("3"), Some(Ok(_))) => {
            let message = format!("OpenAPI {declared} is newer than specforge knows; read as OpenAPI 3.2");
            Ok((Version::V3_2, Some(Diagnostic::warning(path, "#/openapi", message))))
        }
        (Some(major), _) if major.parse::<u32>().is_ok_and(|major| major >= 4) || !is_api => Err(Diagnostic::error(
            path,
            "#/openapi",
            format!("unsupported OpenAPI version {declared:?}; specforge reads OpenAPI 3.0.x, 3.1.x and 3.2.x"),
        )),
        _ => by_shape("#/openapi", format!("`openapi` is {declared:?}, not a version such as \"3.1.0\"")),
    }
}

/// The version a document's members say it is written in: Swagger 2.0 when it has 2.0's top-level members
/// (`definitions`, `securityDefinitions`, `host`, `basePath`) and no `components`; 3.1 when it has members only
/// 3.1 has (`webhooks`, `jsonSchemaDialect`, `components.pathItems`, `info.summary`, `info.license.identifier`);
/// else 3.0.
fn version_by_shape(value: &Value) -> Version {
    let has = |keys: &[&str]| keys.iter().any(|key| value.get(key).is_some());
    let has_3_1 = has(&["webhooks", "jsonSchemaDialect"])
        || ["/components/pathItems", "/info/summary", "/info/license/identifier"]
            .iter()
            .any(|pointer| value.pointer(pointer).is_some());
    if has(&["definitions", "securityDefinitions", "host", "basePath"]) && !has(&["components"]) {
        Version::V2_0
    } else if has_3_1 {
        Version::V3_1
    } else {
        Version::V3_0
    }
}

impl Version {
    /// The version number an OpenAPI document of this version declares.
    fn number(self) -> &'static str {
        match self {
            Version::V2_0 => "2.0",
            Version::V3_0 => "3.0.3",
            Version::V3_1 => "3.1.1",
            Version::V3_2 => "3.2.0",
        }
    }

    /// How messages name the version.
    fn name(self) -> &'static str {
        match self {
            Version::V2_0 => "Swagger 2.0",
            Version::V3_0 => "OpenAPI 3.0",
            Version::V3_1 => "OpenAPI 3.1",
            Version::V3_2 => "OpenAPI 3.2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_told_from_yaml_by_its_quoted_keys() {
        for json in ["{\"openapi\": \"3.0.3\"}", "  \n{ }", "[1]", "\n { \"a\": 1,}"] {
            assert!(looks_like_json(json), "{json:?}");
        }
        for yaml in ["{openapi: 3.0.3}", "openapi: 3.0.3", "# {\"a\": 1}\n{}", ""] {
            assert!(!looks_like_json(yaml), "{yaml:?}");
        }
    }

    #[test]
    fn the_plain_json_fast_path_reads_the_same_document_as_the_general_path() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        for name in ["petstore-expanded.json", "discriminators.json", "parameters-style.json"] {
            let spec = fixtures.join(name);
            let fast = load_plain_json(&spec).unwrap_or_else(|d| panic!("{name}: {d:?}")).expect("takes the fast path");
            let value = merged(&spec, &[]).expect("reads").value;
            let general = parse::parse_split(parse::split_value(value), &spec).expect("parses").document;
            assert_eq!(fast.document, general, "{name}");
        }
    }
}
