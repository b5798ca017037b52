//! specforge: Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 → Rust. For each API it emits a **models crate** (serde types only) and a **client
//! crate** (an async reqwest client over those models).
//!
//! The pipeline is `load` (parse YAML/JSON, apply overlays, check the version) → `lower` (spec → IR, the only stage
//! that reports input problems) → `plan` (type graph, tag features, split) → `emit` (IR → tokens) → render
//! (prettyplease). Three front ends share this library: the `specforge` CLI, `cargo xtask regenerate`, and
//! [`build::generate_models`] and [`build::generate_client`] for `build.rs`. The public surface is [`generate`],
//! [`check`], [`Options`], the diagnostics and their [`report`] rendering, and [`build`]; the stages are private, so
//! they can change without a semver break.
//!
//! ```no_run
//! let generated = specforge::generate(&specforge::Options::new("specs/supermetal.yaml")).unwrap();
//! generated.write_into(std::path::Path::new("out")).unwrap();
//! ```

pub mod build;
mod config;
pub mod diagnostic;
mod emit;
mod ir;
mod load;
mod lower;
mod naming;
mod output;
mod pipeline;
mod plan;
pub mod report;
mod resources;
mod rustdoc;
mod templates;

/// The stages, one at a time, for specforge's own benchmarks and tests. Not part of the public API: anything here
/// may change in any release.
#[doc(hidden)]
pub mod internals {
    pub use crate::ir::Api;
    pub use crate::load::load;
    pub use crate::lower::{Settings, lower};
    pub use crate::plan::features::{AUTO_MIN_OPERATIONS, FeaturePlan};
    pub use crate::plan::graph::TypeGraph;
    pub use crate::plan::split::{ModelsSplit, cost as split_cost, operation_crates};
    pub use crate::resources::{SharedWorkFailed, share_out};
}

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pipeline::{Lowered, client_module, emit_crates_with, load_and_lower, load_config, models_module};

pub use config::{Config, Location, Package, Selection, Selector, SelectorKind, TypeSettings};
pub use diagnostic::{Diagnostic, Severity};
pub use output::CrateFiles;
pub use plan::features::TagFeatures;
pub use plan::split::SplitModels;

/// What to generate from.
#[derive(Debug, Clone)]
pub struct Options {
    /// The OpenAPI document (YAML or JSON); `-` reads it from standard input ($refs to other files are then relative
    /// to the working directory).
    pub spec: PathBuf,
    /// OpenAPI Overlay 1.0 documents applied in order before parsing.
    pub overlays: Vec<PathBuf>,
    /// Crate name stem (`<name>-models`, `<name>-client`), in lower case; defaults from the spec's title.
    pub name: Option<String>,
    /// Whether the crates get one Cargo feature per tag (by default only for large APIs).
    pub tag_features: TagFeatures,
    /// Whether the models and the client are each split into several crates that compile in parallel behind the
    /// crates users depend on (by default only for large APIs).
    pub split_models: SplitModels,
    /// Local copies of remote documents that `$ref`s name: (URL of the document, file). specforge never fetches
    /// anything over the network.
    pub ref_map: Vec<(String, PathBuf)>,
    /// Whether every open object (one that does not say `additionalProperties: false`) keeps the properties the
    /// document does not name in an `additional_properties` map, so a value read from a newer server serializes
    /// back unchanged (read-modify-write without loss). Off by default: the map costs a flattened field per struct.
    pub keep_unknown_fields: bool,
    /// Whether any warning fails generation, as an error would (for CI that wants a spec without defects). Off by
    /// default: a defect in one schema or operation degrades it, with a warning, and the rest is generated.
    pub deny_warnings: bool,
    /// The user's configuration file (`specforge.toml`): package metadata, which operations, and changes to the
    /// types. None by default; [`discover_config`] finds the one the CLI and `cargo xtask regenerate` use.
    pub config: Option<PathBuf>,
    /// Whether a third crate, `<name>-server`, is generated: a trait of the operations, an axum router over it, and
    /// (behind its `fake` feature) a test double. Off by default.
    pub server: bool,
}

impl Options {
    /// Options for `spec` with no overlays, the default name and tag features only for large APIs.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self {
            spec: spec.into(),
            overlays: Vec::new(),
            name: None,
            tag_features: TagFeatures::Auto,
            split_models: SplitModels::Auto,
            ref_map: Vec::new(),
            keep_unknown_fields: false,
            deny_warnings: false,
            config: None,
            server: false,
        }
    }
}

/// The specs of a directory: every `<name>.yaml`, `<name>.yml` or `<name>.json` that is not itself an overlay, with
/// `<name>.overlay.yaml` (when present) as its overlay, `<name>.specforge.toml` (when present) as its configuration
/// and `<name>` as its crate name stem. Sorted by name. This is how `cargo xtask regenerate` finds the vendor specs
/// in `specs/`.
pub fn spec_set(dir: &Path) -> std::io::Result<Vec<Options>> {
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if file_name.contains(".overlay.") {
            continue;
        }
        let Some(name) = [".yaml", ".yml", ".json"].iter().find_map(|ext| file_name.strip_suffix(ext)) else {
            continue;
        };
        let overlay = dir.join(format!("{name}.overlay.yaml"));
        let overlays = if overlay.is_file() { vec![overlay] } else { Vec::new() };
        let config = Some(dir.join(format!("{name}.specforge.toml"))).filter(|file| file.is_file());
        specs.push(Options { overlays, name: Some(name.to_string()), config, ..Options::new(&path) });
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

/// Generation failed; the diagnostics say why (at least one is an error).
#[derive(Debug, Clone)]
pub struct Failure {
    /// Every problem found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rendered: Vec<String> = self.diagnostics.iter().map(ToString::to_string).collect();
        f.write_str(&rendered.join("\n"))
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// A bug in specforge met while working on `spec`: reported like any problem, never as a panic.
    fn internal(spec: &Path, what: impl fmt::Display) -> Self {
        Failure {
            diagnostics: vec![Diagnostic::error(
                spec,
                "",
                format!("internal error: {what}; please report this with the spec"),
            )],
        }
    }
}

/// How long each phase of a generation took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Reading and parsing the spec (YAML/JSON, overlays, bundling, OpenAPI types).
    pub load: Duration,
    /// Lowering the spec to the IR (types, operations, diagnostics).
    pub lower: Duration,
    /// Building both crates' code and printing it as Rust source (syn + prettyplease).
    pub emit: Duration,
}

/// The generated crates of one API.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Crate name stem.
    pub name: String,
    /// The models crate.
    pub models: CrateFiles,
    /// The client crate.
    pub client: CrateFiles,
    /// The server crate, when [`Options::server`] asked for it.
    pub server: Option<CrateFiles>,
    /// Warnings found on the way (generation went on).
    pub warnings: Vec<Diagnostic>,
    /// Time spent per phase.
    pub timings: Timings,
}

impl Generated {
    /// Writes the crates into `out_dir` (each atomically).
    pub fn write_into(&self, out_dir: &Path) -> std::io::Result<()> {
        self.crates().try_for_each(|krate| krate.write_into(out_dir))
    }

    /// The generated crates: models, client, and the server when there is one.
    pub fn crates(&self) -> impl Iterator<Item = &CrateFiles> {
        [&self.models, &self.client].into_iter().chain(&self.server)
    }
}

/// The configuration file for `spec` when there is one: `<stem>.specforge.toml` beside it (`pets.specforge.toml`
/// for `pets.yaml`), else `specforge.toml` in its directory.
pub fn discover_config(spec: &Path) -> Option<PathBuf> {
    let dir = spec.parent().unwrap_or(Path::new(""));
    let file_name = spec.file_name()?.to_str()?;
    let stem = [".yaml", ".yml", ".json"].iter().find_map(|ext| file_name.strip_suffix(ext)).unwrap_or(file_name);
    let stem = stem.strip_suffix(".overlay").unwrap_or(stem);
    [dir.join(format!("{stem}.specforge.toml")), dir.join("specforge.toml")].into_iter().find(|file| file.is_file())
}

/// Every problem in a spec (and its configuration), errors and warnings, without generating anything.
pub fn check(options: &Options) -> Vec<Diagnostic> {
    let config = match load_config(options) {
        Ok(config) => config,
        Err(Failure { diagnostics }) => return diagnostics,
    };
    match load_and_lower(options, &config) {
        Ok(Lowered { warnings: diagnostics, .. }) | Err(Failure { diagnostics }) => diagnostics,
    }
}

/// The crate name stem for a spec title: `AI Squared API` → `ai-squared-api`; `api` for a title without a word.
pub fn default_name(title: &str) -> String {
    let name = naming::kebab_words(title);
    // A package name starts with a letter.
    match name.starts_with(|first: char| first.is_ascii_alphabetic()) {
        true => name,
        false if name.is_empty() => "api".to_string(),
        false => format!("api-{name}"),
    }
}

/// A crate name stem given by the user, if Cargo accepts it as a package name (with `-models` and `-client`
/// appended), in lower case: rustc warns about a crate whose name is not snake case (`MyApi` gives `myapi-models`).
fn crate_name_stem(name: &str) -> Result<String, String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(format!(
            "{name:?} cannot name a crate: use ASCII letters, digits, `-` and `_`, starting with a letter (for example \
             {:?})",
            default_name(name)
        ))
    }
}

/// The emit phase on its own: the models and client crates of a lowered API, named `<name>-models` and
/// `<name>-client`, with tag features and the split of large crates as `options` says. Fails only on a bug
/// (invalid Rust emitted).
pub fn emit_crates(api: &ir::Api, name: &str, options: &Options) -> Result<(CrateFiles, CrateFiles), String> {
    emit_crates_with(api, name, options, &Config::default())
}

/// Generates the models and client crates (in memory).
pub fn generate(options: &Options) -> Result<Generated, Failure> {
    pipeline::generate(options)
}

/// Client ↔ server conformance tests of the crates [`generate`] makes with [`Options::server`]: one `#[tokio::test]`
/// per operation that calls the server's fake with the client, once per documented response, and checks that both
/// sides decoded what the other was given. The text of `tests/<name>.rs` in a crate depending on the three crates
/// (the server with its `fake` feature), `tokio`, `axum`, `serde`, `serde_json` and `futures-util`.
#[doc(hidden)]
pub fn conformance_tests(options: &Options) -> Result<String, Failure> {
    let config = load_config(options)?;
    let Lowered { api, .. } = load_and_lower(options, &config)?;
    let name = options.name.clone().unwrap_or_else(|| default_name(&api.title));
    emit::conformance_tests(&api, &name)
        .map_err(|e| Failure::internal(&options.spec, format!("specforge produced invalid Rust ({e})")))
}

/// Generates only the models, as one self-contained Rust file for `include!` (what [`build::generate_models`]
/// writes).
pub fn generate_models_module(options: &Options) -> Result<(String, Vec<Diagnostic>), Failure> {
    models_module(options).map(|(source, warnings, _)| (source, warnings))
}

/// Generates the models and the client, as one self-contained Rust file for `include!` (what
/// [`build::generate_client`] writes): the client's items at the top, its runtime inlined, the models in `models`.
pub fn generate_client_module(options: &Options) -> Result<(String, Vec<Diagnostic>), Failure> {
    client_module(options).map(|(source, warnings, _)| (source, warnings))
}

/// The spec with its overlays applied, as pretty JSON (what validators and mock servers should read).
pub fn merged_document(options: &Options) -> Result<String, Failure> {
    let value =
        load::load_merged_json(&options.spec, &options.overlays).map_err(|diagnostics| Failure { diagnostics })?;
    serde_json::to_string_pretty(&value)
        .map_err(|e| Failure { diagnostics: vec![Diagnostic::error(&options.spec, "", e.to_string())] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(default_name("AI Squared API"), "ai-squared-api");
        assert_eq!(default_name("3scale Account Management"), "api-3scale-account-management");
        assert_eq!(default_name("***"), "api");
        assert_eq!(default_name("用户 API"), "yong-hu-api");
        assert_eq!(default_name("OpenAI API"), "openai-api", "a name written as one word stays one");
        assert_eq!(default_name("Together APIs"), "together-apis");
        assert_eq!(default_name("Netlify's API documentation"), "netlifys-api-documentation");
        assert_eq!(crate_name_stem("my_api-2"), Ok("my_api-2".to_string()));
        assert_eq!(crate_name_stem("MasterData-API"), Ok("masterdata-api".to_string()));
        assert!(crate_name_stem("dist-3.1").unwrap_err().contains("\"dist-3-1\""));
        assert!(crate_name_stem("1password").is_err());
    }
}
