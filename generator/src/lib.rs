//! specforge: Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 → Rust. For each API it emits a **models crate** (serde types only) and a **client
//! crate** (an async reqwest client over those models).
//!
//! The pipeline is `load` (parse YAML/JSON, apply overlays, check the version) → `lower` (spec → IR, the only stage
//! that reports input problems) → `emit` (IR → tokens) → render (prettyplease). Three front ends share this
//! library: the `specforge` CLI, `cargo xtask regenerate`, and [`build::generate_models`] for `build.rs`. The public
//! surface is [`generate`], [`check`], [`Options`], the diagnostics and their [`report`] rendering, and [`build`];
//! the stages are private, so they can change without a semver break.
//!
//! ```no_run
//! let generated = specforge::generate(&specforge::Options::new("specs/supermetal.yaml")).unwrap();
//! generated.write_into(std::path::Path::new("out")).unwrap();
//! ```

pub mod build;
mod config;
pub mod diagnostic;
mod emit;
mod features;
mod graph;
mod ir;
mod load;
mod lower;
mod naming;
mod output;
mod pipeline;
pub mod report;
mod rustdoc;
mod split;

/// The stages, one at a time, for specforge's own benchmarks and tests. Not part of the public API: anything here
/// may change in any release.
#[doc(hidden)]
pub mod internals {
    pub use crate::features::{AUTO_MIN_OPERATIONS, FeaturePlan};
    pub use crate::graph::TypeGraph;
    pub use crate::ir::Api;
    pub use crate::load::load;
    pub use crate::lower::{Settings, lower};
    pub use crate::split::{ModelsSplit, operation_crates};
}

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use heck::ToKebabCase;

pub use config::{Config, Location, Package, Selection, Selector, SelectorKind, TypeSettings};
pub use diagnostic::{Diagnostic, Severity};
pub use features::TagFeatures;
pub use output::CrateFiles;
pub use split::SplitModels;

/// What to generate from.
#[derive(Debug, Clone)]
pub struct Options {
    /// The OpenAPI document (YAML or JSON).
    pub spec: PathBuf,
    /// OpenAPI Overlay 1.0 documents applied in order before parsing.
    pub overlays: Vec<PathBuf>,
    /// Crate name stem (`<name>-models`, `<name>-client`); defaults from the spec's title.
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

/// The `lib.rs` a plan of [`emit_crates`] prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PlannedFile {
    /// The models crate's (the facade's, when split).
    Models,
    /// A part of split models, by index.
    ModelsPart(usize),
    /// The client crate's (the facade's, when split).
    Client,
    /// The core of a split client.
    ClientCore,
    /// An operations crate of a split client, by index.
    ClientOps(usize),
}

/// A spec loaded and lowered.
struct Lowered {
    api: ir::Api,
    warnings: Vec<Diagnostic>,
    timings: Timings,
    /// Every file read (see [`load::LoadedSpec::sources`]).
    sources: Vec<PathBuf>,
}

/// Loads and lowers a spec: the API and all diagnostics (or the diagnostics that stopped it), with the time each
/// phase took. Runs on its own thread with a large stack; should a bug still panic there, the caller gets an
/// internal-error diagnostic, not a crash.
fn load_and_lower(options: &Options, config: &Config) -> Result<Lowered, Failure> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("specforge".into())
            .stack_size(pipeline::STACK_BYTES)
            .spawn_scoped(scope, || {
                let started = Instant::now();
                let mut spec = load::load(&options.spec, &options.overlays, &options.ref_map)
                    .map_err(|diagnostics| Failure { diagnostics })?;
                pipeline::release_freed_memory();
                let loaded = Instant::now();
                let sources = std::mem::take(&mut spec.sources);
                let settings = lower::Settings { keep_unknown_fields: options.keep_unknown_fields, config };
                let (api, diagnostics) = lower::lower(spec, settings);
                let timings = Timings { load: loaded - started, lower: loaded.elapsed(), ..Timings::default() };
                match api {
                    Some(_) if options.deny_warnings && !diagnostics.is_empty() => {
                        Err(Failure { diagnostics: diagnostics.into_iter().map(Diagnostic::denied).collect() })
                    }
                    Some(api) => Ok(Lowered { api, warnings: diagnostics, timings, sources }),
                    None => Err(Failure { diagnostics }),
                }
            })
            .map_err(|e| Failure::internal(&options.spec, format!("cannot start a worker thread ({e})")))?;
        worker.join().map_err(|_| Failure::internal(&options.spec, "specforge panicked while reading the spec"))?
    })
}

/// The configuration `options` names, read and checked (an empty one when it names none).
fn load_config(options: &Options) -> Result<Config, Failure> {
    match &options.config {
        Some(file) => Config::from_file(file).map_err(|diagnostics| Failure { diagnostics }),
        None => Ok(Config::default()),
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

/// The crate name stem for a spec title: `AI Squared API` → `ai-squared-api`.
pub fn default_name(title: &str) -> String {
    let name = naming::value_name(title).trim_start_matches("r#").to_kebab_case();
    match name.chars().next() {
        None => "api".to_string(),
        // A package name starts with a letter.
        Some(first) if !first.is_ascii_alphabetic() => format!("api-{name}"),
        Some(_) => name,
    }
}

/// A crate name stem given by the user, if Cargo accepts it as a package name (with `-models` and `-client`
/// appended).
fn crate_name_stem(name: &str) -> Result<String, String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(name.to_string())
    } else {
        Err(format!(
            "{name:?} cannot name a crate: use ASCII letters, digits, `-` and `_`, starting with a letter (for example \
             {:?})",
            default_name(name)
        ))
    }
}

/// Generates the models and client crates (in memory).
pub fn generate(options: &Options) -> Result<Generated, Failure> {
    let config = load_config(options)?;
    let Lowered { api, warnings, mut timings, .. } = load_and_lower(options, &config)?;
    let name = match &options.name {
        Some(name) => crate_name_stem(name)
            .map_err(|message| Failure { diagnostics: vec![Diagnostic::error(&options.spec, "", message)] })?,
        None => default_name(&api.title),
    };
    let started = Instant::now();
    let invalid = |e: String| Failure::internal(&options.spec, format!("specforge produced invalid Rust ({e})"));
    let (models, client) = emit_crates_with(&api, &name, options, &config).map_err(invalid)?;
    let server = options.server.then(|| emit_server(&api, &name, options, &config)).transpose().map_err(invalid)?;
    timings.emit = started.elapsed();
    Ok(Generated { models, client, server, name, warnings, timings })
}

/// The server crate of a lowered API, `<name>-server`, over its models crate.
fn emit_server(api: &ir::Api, name: &str, options: &Options, config: &Config) -> Result<CrateFiles, String> {
    let graph = graph::TypeGraph::new(&api.types);
    let features = features::FeaturePlan::new(api, &graph, options.tag_features);
    let models_ident = format!("{name}_models").replace('-', "_");
    let lib_rs = emit::server_plan(api, &graph, &models_ident, features.as_ref()).render()?;
    Ok(output::server_crate(api, name, lib_rs, features.as_ref(), config))
}

/// The emit phase on its own: the models and client crates of a lowered API, named `<name>-models` and
/// `<name>-client`, with tag features and the split of large crates as `options` says. Fails only on a bug
/// (invalid Rust emitted).
pub fn emit_crates(api: &ir::Api, name: &str, options: &Options) -> Result<(CrateFiles, CrateFiles), String> {
    emit_crates_with(api, name, options, &Config::default())
}

/// [`emit_crates`] with the package metadata and dependencies of `config`.
fn emit_crates_with(
    api: &ir::Api,
    name: &str,
    options: &Options,
    config: &Config,
) -> Result<(CrateFiles, CrateFiles), String> {
    let graph = graph::TypeGraph::new(&api.types);
    let features = features::FeaturePlan::new(api, &graph, options.tag_features);
    let models_split = split::ModelsSplit::new(api, &graph, options.split_models);
    let op_crates = split::operation_crates(api, options.split_models);
    let models_ident = format!("{name}_models").replace('-', "_");
    let client_ident = format!("{name}_client").replace('-', "_");
    let support = emit::support_source(api);
    let models_crates = models_split.as_ref().map(|split| emit::SplitCrates {
        facade: models_ident.clone(),
        support: support.as_ref().map(|_| format!("{models_ident}_support")),
        parts: split.parts.iter().map(|part| format!("{models_ident}_{}", part.label.replace('-', "_"))).collect(),
    });
    let client_crates = op_crates.as_ref().map(|op_crates| emit::SplitClient {
        client: client_ident.clone(),
        models: models_ident.clone(),
        core: format!("{client_ident}_core"),
        ops: op_crates
            .iter()
            .map(|(number, members)| (format!("{client_ident}_ops_{number}"), members.clone()))
            .collect(),
    });

    // Every file is printed in one go, so the printing threads share out all of them: the models (one crate, or the
    // facade and its parts), then the client (one crate, or the client, its core and its operations crates).
    let mut plans: Vec<(PlannedFile, emit::FilePlan<'_>)> = Vec::new();
    match (&models_split, &models_crates) {
        (Some(split), Some(crates)) => {
            plans.push((PlannedFile::Models, emit::facade_plan(api, crates, features.as_ref())));
            let docs = emit::TypeDocs::new(api);
            for part in 0..split.parts.len() {
                let plan = emit::part_plan(api, &graph, split, part, crates, features.as_ref(), docs.clone());
                plans.push((PlannedFile::ModelsPart(part), plan));
            }
        }
        _ => {
            let plan = emit::models_plan(api, &graph, emit::ModelsLayout::Crate, features.as_ref());
            plans.push((PlannedFile::Models, plan));
        }
    }
    match &client_crates {
        Some(crates) => {
            plans.push((PlannedFile::Client, emit::client_facade_plan(api, &graph, crates, features.as_ref())));
            plans.push((PlannedFile::ClientCore, emit::client_core_plan(api, crates)));
            for chunk in 0..crates.ops.len() {
                let plan = emit::client_ops_plan(api, &graph, crates, chunk, features.as_ref());
                plans.push((PlannedFile::ClientOps(chunk), plan));
            }
        }
        None => plans.push((
            PlannedFile::Client,
            emit::client_plan(
                api,
                &graph,
                emit::ClientLayout::Crate { client_crate: &client_ident, models_crate: &models_ident },
                features.as_ref(),
            ),
        )),
    }
    // `render_files` prints its plans in the order given: each text goes back to the file its plan is for.
    let texts = emit::render_files(&plans.iter().map(|(_, plan)| plan).collect::<Vec<_>>())?;
    let mut printed: std::collections::BTreeMap<PlannedFile, String> =
        plans.iter().map(|(file, _)| *file).zip(texts).collect();
    let mut take = |file: PlannedFile| printed.remove(&file).ok_or_else(|| format!("{file:?} was not printed"));

    let models_lib = take(PlannedFile::Models)?;
    let mut part_files = Vec::new();
    if let Some(split) = &models_split {
        for (index, part) in split.parts.iter().enumerate() {
            part_files.push(output::PartFiles {
                label: part.label.clone(),
                lib_rs: take(PlannedFile::ModelsPart(index))?,
                dependencies: part.dependencies.iter().map(|&d| split.parts[d].label.clone()).collect(),
                members: &part.members,
            });
        }
    }
    let client_lib = take(PlannedFile::Client)?;
    let client_split = match &op_crates {
        Some(op_crates) => {
            let core_lib = take(PlannedFile::ClientCore)?;
            let mut ops_files = Vec::new();
            for (chunk, (number, members)) in op_crates.iter().enumerate() {
                let lib_rs = take(PlannedFile::ClientOps(chunk))?;
                ops_files.push(output::OpsFiles { label: format!("ops-{number}"), lib_rs, members });
            }
            Some((core_lib, ops_files))
        }
        None => None,
    };
    Ok((
        output::models_crate(api, name, models_lib, features.as_ref(), support, part_files, config),
        output::client_crate(api, name, client_lib, features.as_ref(), client_split, config),
    ))
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

/// A module's text, its warnings and every file read for it (the spec, overlays, the configuration, `$ref`'d
/// files): what a build script writes and watches.
pub(crate) type ModuleOutput = (String, Vec<Diagnostic>, Vec<PathBuf>);

/// [`generate_models_module`], with every file read.
pub(crate) fn models_module(options: &Options) -> Result<ModuleOutput, Failure> {
    module(options, false)
}

/// [`generate_client_module`], with every file read.
pub(crate) fn client_module(options: &Options) -> Result<ModuleOutput, Failure> {
    module(options, true)
}

/// The models, and with `client` the client over them in a module that holds the models as `models`.
fn module(options: &Options, client: bool) -> Result<ModuleOutput, Failure> {
    let config = load_config(options)?;
    let Lowered { api, warnings, mut sources, .. } = load_and_lower(options, &config)?;
    sources.extend(options.config.iter().cloned());
    let graph = graph::TypeGraph::new(&api.types);
    let invalid = |e| Failure::internal(&options.spec, format!("specforge produced invalid Rust ({e})"));
    let models = emit::models_plan(&api, &graph, emit::ModelsLayout::Module, None).render().map_err(invalid)?;
    if !client {
        return Ok((models, warnings, sources));
    }
    let client = emit::client_plan(&api, &graph, emit::ClientLayout::Module, None).render().map_err(invalid)?;
    let source = format!("{client}\n/// The API's types.\npub mod models {{\n{models}}}\n");
    Ok((source, warnings, sources))
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
        assert_eq!(default_name("***"), "value");
        assert_eq!(crate_name_stem("my_api-2"), Ok("my_api-2".to_string()));
        assert!(crate_name_stem("dist-3.1").unwrap_err().contains("\"dist-3-1\""));
        assert!(crate_name_stem("1password").is_err());
    }
}
