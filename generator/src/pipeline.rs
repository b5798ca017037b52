//! The pipeline: load the spec (and configuration), lower it on a worker with a large stack, emit and print the
//! crates, or the modules a build script includes. The library's entry points ([`crate::generate`],
//! [`crate::check`], [`crate::build`]) call these.

use std::path::PathBuf;
use std::time::Instant;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::{self, CrateFiles};
use crate::plan::{features, graph, split};
use crate::{Failure, Generated, Options, Timings, crate_name_stem, default_name, emit, ir, load, lower, resources};

/// Loads, lowers and emits: the crates of [`generate`](crate::generate), in memory.
pub(crate) fn generate(options: &Options) -> Result<Generated, Failure> {
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

/// The `lib.rs` a plan of [`emit_crates`] prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PlannedFile {
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
pub(crate) struct Lowered {
    pub(crate) api: ir::Api,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) timings: Timings,
    /// Every file read (see [`load::LoadedSpec::sources`]).
    pub(crate) sources: Vec<PathBuf>,
}

/// Loads and lowers a spec: the API and all diagnostics (or the diagnostics that stopped it), with the time each
/// phase took. Runs on its own thread with a large stack; should a bug still panic there, the caller gets an
/// internal-error diagnostic, not a crash.
pub(crate) fn load_and_lower(options: &Options, config: &Config) -> Result<Lowered, Failure> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("specforge".into())
            .stack_size(resources::STACK_BYTES)
            .spawn_scoped(scope, || {
                let started = Instant::now();
                let mut spec = load::load(&options.spec, &options.overlays, &options.ref_map)
                    .map_err(|diagnostics| Failure { diagnostics })?;
                resources::release_freed_memory();
                let loaded = Instant::now();
                let sources = std::mem::take(&mut spec.sources);
                let settings = lower::Settings {
                    keep_unknown_fields: options.keep_unknown_fields,
                    config,
                    server: options.server,
                };
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
pub(crate) fn load_config(options: &Options) -> Result<Config, Failure> {
    match &options.config {
        Some(file) => Config::from_file(file).map_err(|diagnostics| Failure { diagnostics }),
        None => Ok(Config::default()),
    }
}

/// The server crate of a lowered API, `<name>-server`, over its models crate: split into operations crates over a
/// core crate when the client is (the same partition of the operations).
pub(crate) fn emit_server(api: &ir::Api, name: &str, options: &Options, config: &Config) -> Result<CrateFiles, String> {
    let graph = graph::TypeGraph::new(&api.types);
    let features = features::FeaturePlan::new(api, &graph, options.tag_features);
    let models_ident = format!("{name}_models").replace('-', "_");
    let server_ident = format!("{name}_server").replace('-', "_");
    let op_crates = split::operation_crates(api, options.split_models);
    let crates = op_crates.as_ref().map(|op_crates| {
        emit::SplitServer::new(
            api,
            format!("{server_ident}_core"),
            models_ident.clone(),
            ops_crates(&server_ident, op_crates),
        )
    });
    let mut plans = vec![emit::server_plan(api, &graph, &models_ident, features.as_ref(), crates.as_ref())];
    if let Some(crates) = &crates {
        plans.push(emit::server_core_plan(api, &server_ident));
        for chunk in 0..crates.ops.len() {
            plans.push(emit::server_ops_plan(api, &graph, crates, &server_ident, chunk, features.as_ref()));
        }
    }
    let mut texts = emit::render_files(&plans.iter().collect::<Vec<_>>())?.into_iter();
    let lib_rs = texts.next().ok_or("the server was not printed")?;
    let split = match &op_crates {
        Some(op_crates) => {
            let core_lib = texts.next().ok_or("the server's core was not printed")?;
            let ops = op_crates
                .iter()
                .zip(texts)
                .map(|((number, members), lib_rs)| output::OpsFiles { label: ops_label(*number), lib_rs, members })
                .collect();
            Some((core_lib, ops))
        }
        None => None,
    };
    Ok(output::server_crate(api, name, lib_rs, features.as_ref(), split, config))
}

/// The operations crates of a split client or server (`<crate>_ops_<n>`) by Rust name, with their operations.
fn ops_crates(crate_ident: &str, op_crates: &[(usize, Vec<usize>)]) -> Vec<(String, Vec<usize>)> {
    op_crates.iter().map(|(number, members)| (format!("{crate_ident}_ops_{number}"), members.clone())).collect()
}

/// The directory (under `parts/`) and package suffix of operations crate `number`.
fn ops_label(number: usize) -> String {
    format!("ops-{number}")
}

/// [`emit_crates`] with the package metadata and dependencies of `config`.
pub(crate) fn emit_crates_with(
    api: &ir::Api,
    name: &str,
    options: &Options,
    config: &Config,
) -> Result<(CrateFiles, CrateFiles), String> {
    let graph = graph::TypeGraph::new(&api.types);
    let features = features::FeaturePlan::new(api, &graph, options.tag_features);
    let models_split = split::ModelsSplit::new(&api.types, &graph, options.split_models);
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
        ops: ops_crates(&client_ident, op_crates),
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
                ops_files.push(output::OpsFiles { label: ops_label(*number), lib_rs, members });
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
pub(crate) fn module(options: &Options, client: bool) -> Result<ModuleOutput, Failure> {
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
