//! Output: the files of the models and client crates, and writing them without leaving a half-written crate.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::config::{Config, MIN_RUST_VERSION};
use crate::ir::{Api, Primitive, RequestBodyKind, SchemeKind};
use crate::plan::features::FeaturePlan;
use crate::templates::{
    CLIENT_CARGO, CLIENT_METHODS, CLIENT_README, CLIENT_RUNTIME, MODELS_CARGO, MODELS_README, SERVER_CARGO,
    SERVER_FAKE, SERVER_MULTIPART, SERVER_README, SERVER_RUNTIME, client_modules,
};

/// The files of one generated crate, by path relative to the crate directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateFiles {
    /// Directory (and package) name, e.g. `supermetal-models`.
    pub dir_name: String,
    /// File contents by relative path.
    pub files: BTreeMap<PathBuf, String>,
}

impl CrateFiles {
    /// Writes the crate to `out_dir/dir_name` without ever leaving it half-written, and without touching files
    /// specforge does not produce (examples, tests, a license you added):
    /// - a new crate is written to a temporary directory beside it, which is then renamed into place;
    /// - in an existing crate, the new files are staged first; then each directory specforge owns (`src/`) is
    ///   swapped whole for its new version and each top-level file it owns (`Cargo.toml`, `README.md`) is renamed
    ///   over the old one.
    pub fn write_into(&self, out_dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(out_dir)?;
        let target = out_dir.join(&self.dir_name);
        if !target.exists() {
            let staging = self.stage(out_dir)?;
            return std::fs::rename(staging.keep(), &target);
        }
        let staging = self.stage(&target)?;
        for entry in self.owned_entries() {
            let (new, old) = (staging.path().join(&entry), target.join(&entry));
            if new.is_dir() && old.is_dir() {
                // Swapped by two renames; the old version goes into the staging directory, removed below.
                std::fs::rename(&old, staging.path().join(".replaced"))?;
            }
            std::fs::rename(&new, &old)?;
            if staging.path().join(".replaced").exists() {
                std::fs::remove_dir_all(staging.path().join(".replaced"))?;
            }
        }
        Ok(())
    }

    /// The paths under `out_dir/dir_name` that differ from these files: changed or missing files, and files in the
    /// directories specforge owns that it no longer produces. Empty when the crate on disk is up to date.
    pub fn stale_files(&self, out_dir: &Path) -> Vec<PathBuf> {
        let dir = out_dir.join(&self.dir_name);
        let mut stale: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(relative, contents)| {
                std::fs::read_to_string(dir.join(relative)).ok().as_deref() != Some(contents.as_str())
            })
            .map(|(relative, _)| dir.join(relative))
            .collect();
        for entry in self.owned_entries() {
            for file in files_under(&dir.join(&entry)) {
                if file.strip_prefix(&dir).is_ok_and(|relative| !self.files.contains_key(relative)) {
                    stale.push(file);
                }
            }
        }
        stale
    }

    /// The first component of every produced path: the top-level files and the directories specforge owns.
    fn owned_entries(&self) -> std::collections::BTreeSet<PathBuf> {
        self.files
            .keys()
            .filter_map(|relative| relative.components().next())
            .map(|first| PathBuf::from(first.as_os_str()))
            .collect()
    }

    /// Writes every file into a new temporary directory inside `parent`.
    fn stage(&self, parent: &Path) -> io::Result<tempfile::TempDir> {
        let staging = tempfile::Builder::new().prefix(&format!(".{}-", self.dir_name)).tempdir_in(parent)?;
        let files: Vec<(PathBuf, &String)> =
            self.files.iter().map(|(relative, contents)| (staging.path().join(relative), contents)).collect();
        write_all(&files)?;
        Ok(staging)
    }
}

/// Writes `files`, and the directories they are in, on several threads: creating a file or a directory took up to a
/// millisecond on a busy file system, and a large API's crates have a hundred of each (so more threads than cores).
fn write_all(files: &[(PathBuf, &String)]) -> io::Result<()> {
    const THREADS: usize = 8;
    let write = |(path, contents): &(PathBuf, &String)| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?; // safe when another thread creates it at the same time
        }
        std::fs::write(path, contents)
    };
    crate::resources::share_out(files.iter().collect(), THREADS, write)
        .map_err(|failed| io::Error::other(format!("the writing threads failed ({failed:?})")))?
        .into_iter()
        .collect()
}

/// Every file below `dir` (none if it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() { files_under(&path) } else { vec![path] }
        })
        .collect()
}

/// Fills `{{key}}` placeholders.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |text, (key, value)| text.replace(&format!("{{{{{key}}}}}"), value))
}

/// A TOML string: quoted, with what needs it escaped (an API's title may hold quotes).
fn toml_string(text: &str) -> String {
    toml::Value::String(one_line(text)).to_string()
}

/// `text` on one line: control characters (line breaks, tabs, a NUL) become spaces, runs of spaces one. Cargo
/// hands a package's description and metadata to rustc as environment variables (`CARGO_PKG_DESCRIPTION`), which
/// cannot hold a NUL: a title with one made every crate unbuildable.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A manifest of `template` for the crate `crate_name` described by `description`, with `values` and the package
/// metadata of `config` (the same for every generated crate, so they are published together).
fn manifest(template: &str, crate_name: &str, description: &str, values: &[(&str, &str)], config: &Config) -> String {
    let package = &config.package;
    let mut metadata = String::new();
    let strings = [
        ("license", &package.license),
        ("repository", &package.repository),
        ("homepage", &package.homepage),
        ("documentation", &package.documentation),
    ];
    for (key, value) in strings {
        if let Some(value) = value {
            metadata.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    for (key, list) in
        [("authors", &package.authors), ("keywords", &package.keywords), ("categories", &package.categories)]
    {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|item| toml_string(item)).collect();
            metadata.push_str(&format!("{key} = [{}]\n", items.join(", ")));
        }
    }
    let description = toml_string(description);
    let publish = package.publish.unwrap_or(false).to_string();
    let mut all = vec![
        ("crate_name", crate_name),
        ("description", description.as_str()),
        ("version", config.version()),
        ("rust_version", package.rust_version.as_deref().unwrap_or(MIN_RUST_VERSION)),
        ("package_metadata", metadata.as_str()),
        ("publish", publish.as_str()),
    ];
    all.extend_from_slice(values);
    fill(template, &all)
}

/// Dependencies beyond serde that the API's types need.
fn type_dependencies(api: &Api) -> String {
    let mut lines = Vec::new();
    let [date_time, date, url, uuid] =
        api.uses([Primitive::DateTime, Primitive::Date, Primitive::Url, Primitive::Uuid]);
    if date_time || date {
        lines.push(r#"chrono = { version = "0.4.31", default-features = false, features = ["serde", "std"] }"#);
    }
    if url {
        lines.push(r#"url = { version = "2.5", features = ["serde"] }"#);
    }
    if uuid {
        lines.push(r#"uuid = { version = "1.6", features = ["serde"] }"#);
    }
    lines.join("\n")
}

/// The models crate's files: one crate, or, when split, the facade with its parts and support crate under
/// `parts/`. `support` is the models' support module (see [`crate::emit::support_source`]).
pub fn models_crate(
    api: &Api,
    name: &str,
    lib_rs: String,
    features: Option<&FeaturePlan>,
    support: Option<String>,
    split: Vec<PartFiles>,
    config: &Config,
) -> CrateFiles {
    let crate_name = format!("{name}-models");
    let client_crate = format!("{name}-client");
    let description = format!("Data types of {}, generated by specforge", api.title);
    let types = type_dependencies(api);
    let version = config.version();
    // The configuration's own dependencies (for the types it puts in place of schemas), from the crate's directory.
    let own = |depth: usize| config.dependency_lines(depth).join("\n");
    let mut files = BTreeMap::new();
    let (dependencies, features_toml) = if split.is_empty() {
        if let Some(support) = support {
            files.insert(PathBuf::from("src/support.rs"), support);
        }
        let dependencies: Vec<String> = [types, own(0)].into_iter().filter(|d| !d.is_empty()).collect();
        (dependencies.join("\n"), features.map(|plan| plan.manifest_section(None)).unwrap_or_default())
    } else {
        let part_crates: Vec<(String, &[usize])> =
            split.iter().map(|part| (format!("{crate_name}-{}", part.label), part.members)).collect();
        let mut dependencies: Vec<String> =
            split.iter().map(|part| part_dependency(&crate_name, &part.label, "parts", version)).collect();
        let has_support = support.is_some();
        if let Some(support) = support {
            dependencies.push(part_dependency(&crate_name, "support", "parts", version));
            let manifest = part_manifest(&crate_name, "support", "Support code of", api, "", String::new(), config);
            files.insert(PathBuf::from("parts/support/Cargo.toml"), manifest);
            files.insert(PathBuf::from("parts/support/src/lib.rs"), exported_macros(&support));
        }
        let facade_features = features.map(|plan| plan.facade_manifest_section(&part_crates)).unwrap_or_default();
        for part in split {
            let mut uses: Vec<String> = [types.clone(), own(2)].into_iter().filter(|t| !t.is_empty()).collect();
            uses.extend(part.dependencies.iter().map(|label| part_dependency(&crate_name, label, "..", version)));
            if has_support {
                uses.push(part_dependency(&crate_name, "support", "..", version));
            }
            let part_features = features.map(|plan| plan.part_manifest_section(part.members)).unwrap_or_default();
            let manifest = part_manifest(
                &crate_name,
                &part.label,
                "Part of the data types of",
                api,
                &uses.join("\n"),
                part_features,
                config,
            );
            files.insert(PathBuf::from(format!("parts/{}/Cargo.toml", part.label)), manifest);
            files.insert(PathBuf::from(format!("parts/{}/src/lib.rs", part.label)), part.lib_rs);
        }
        (dependencies.join("\n"), facade_features)
    };
    let values = [
        ("crate_name", crate_name.as_str()),
        ("client_crate", client_crate.as_str()),
        ("name", name),
        ("title", api.title.as_str()),
        ("api_version", api.version.as_str()),
        ("extra_dependencies", &dependencies),
        ("features", &features_toml),
    ];
    files.insert(PathBuf::from("Cargo.toml"), manifest(MODELS_CARGO, &crate_name, &description, &values, config));
    files.insert(PathBuf::from("README.md"), fill(MODELS_README, &values));
    files.insert(PathBuf::from("src/lib.rs"), lib_rs);
    CrateFiles { dir_name: crate_name, files }
}

/// One part of split models, printed.
pub struct PartFiles<'a> {
    /// Its label (crate `<name>-models-<label>`, directory `parts/<label>`).
    pub label: String,
    /// Its `lib.rs`.
    pub lib_rs: String,
    /// The labels of the parts it depends on.
    pub dependencies: Vec<String>,
    /// Its types, by index.
    pub members: &'a [usize],
}

/// A path dependency on part `label` (crate `<krate>-<label>`) of the split crate `krate`, from a manifest in which
/// the parts are under `dir`; with the version, as `cargo publish` needs.
fn part_dependency(krate: &str, label: &str, dir: &str, version: &str) -> String {
    format!("{krate}-{label} = {{ version = \"{version}\", path = \"{dir}/{label}\" }}")
}

/// The manifest of part `label` (or of the support crate) of the models crate `models`.
fn part_manifest(
    models: &str,
    label: &str,
    what: &str,
    api: &Api,
    dependencies: &str,
    features: String,
    config: &Config,
) -> String {
    let crate_name = format!("{models}-{label}");
    let description = format!("{what} {models} ({}), generated by specforge", api.title);
    let values = [("extra_dependencies", dependencies), ("features", features.as_str())];
    manifest(MODELS_CARGO, &crate_name, &description, &values, config)
}

/// The support module as a crate of its own, shared by the parts: its macros exported (hidden from the docs), so
/// the parts invoke them as `support::name!` as one crate does.
fn exported_macros(support: &str) -> String {
    support
        .lines()
        .filter(|line| !(line.starts_with("pub(crate) use ") && line.ends_with(';')))
        .map(|line| {
            if line.starts_with("macro_rules! ") {
                format!("#[doc(hidden)]\n#[macro_export]\n{line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// The client's dependencies beyond the fixed ones: the models' (for the types it names) and the event-stream
/// parser when an operation answers with server-sent events.
fn client_dependencies(api: &Api) -> String {
    let types = type_dependencies(api);
    let events = api.has_event_streams().then_some("eventsource-stream = \"0.2.3\"");
    [types.as_str()].into_iter().filter(|line| !line.is_empty()).chain(events).collect::<Vec<_>>().join("\n")
}

/// The TLS features of a client crate, one to choose (rustls by default); with none (`default-features = false`), a
/// `reqwest::Client` of your own given to `Client::with_client` decides, its reqwest features unifying with ours.
const TLS_FEATURES: &str = "# TLS through rustls with its default crypto provider (aws-lc-rs).
rustls = [\"reqwest/rustls\"]
# TLS through rustls without a crypto provider: install one (ring's, for instance) as rustls' process default first.
rustls-no-provider = [\"reqwest/rustls-no-provider\"]
# TLS through the platform's library (OpenSSL on Linux, Security.framework on macOS, SChannel on Windows).
native-tls = [\"reqwest/native-tls\"]
";

/// The client's `[features]`: `tags` (the tag features, if any), and `tracing` (a span per request), which turns on
/// `tracing_in`'s as well when the runtime is in another crate; with `tls`, the TLS choices, rustls among the
/// defaults (the crate users depend on has them: reqwest's features unify over the crates that use it).
fn client_features(tags: Option<String>, tracing_in: Option<&str>, tls: bool) -> String {
    let mut features = match tags {
        Some(tags) if tls => tags.replacen("default = []", "default = [\"rustls\"]", 1).replacen(
            "default = [\"",
            "default = [\"rustls\", \"",
            1,
        ),
        Some(tags) => tags,
        None if tls => "\n[features]\ndefault = [\"rustls\"]\n".to_string(),
        None => "\n[features]\n".to_string(),
    };
    if tls {
        features.push_str(TLS_FEATURES);
    }
    let forwarded = tracing_in.map(|krate| format!(", \"{krate}/tracing\"")).unwrap_or_default();
    features.push_str(&format!(
        "# A `tracing` span per request: method, path template, status, duration.\ntracing = [\"dep:tracing\"{forwarded}]\n"
    ));
    features
}

/// One crate of operations of a split client, printed.
pub struct OpsFiles<'a> {
    /// Its label (crate `<name>-client-<label>`, directory `parts/<label>`).
    pub label: String,
    /// Its `lib.rs`.
    pub lib_rs: String,
    /// Its operations, by index.
    pub members: &'a [usize],
}

/// The client crate's files: one crate, or, when `split` gives the core crate's `lib.rs` and the operations
/// crates, the client with the core and operations crates under `parts/`.
pub fn client_crate(
    api: &Api,
    name: &str,
    lib_rs: String,
    features: Option<&FeaturePlan>,
    split: Option<(String, Vec<OpsFiles<'_>>)>,
    config: &Config,
) -> CrateFiles {
    let version = config.version();
    let crate_name = format!("{name}-client");
    let models_crate = format!("{name}-models");
    let client_lib = crate_name.replace('-', "_");
    let mut reqwest_features = vec!["\"http2\""];
    if api.security_schemes.iter().any(|s| matches!(s.kind, SchemeKind::ApiKeyQuery(_))) {
        reqwest_features.push("\"query\"");
    }
    // OAuth2 token requests are URL-encoded forms.
    let oauth2 = api.has_oauth2_grants();
    if oauth2 || api.sends(|kind| matches!(kind, RequestBodyKind::Form { .. })) {
        reqwest_features.push("\"form\"");
    }
    if api.sends(|kind| matches!(kind, RequestBodyKind::Multipart(_))) {
        reqwest_features.push("\"multipart\"");
    }
    // Typed forms stream file parts (from disk, or any stream of bytes).
    let forms = api.has_typed_forms();
    if forms {
        reqwest_features.push("\"stream\"");
    }
    let reqwest_features = reqwest_features.join(", ");
    let tokio_features = if forms { "\"time\", \"fs\"" } else { "\"time\"" };
    // The client's features decide which models compile, so the models' own defaults must not turn all on.
    let models_options = if features.is_some() { ", default-features = false" } else { "" };
    let models_dependency = |dir: &str| {
        format!("{models_crate} = {{ version = \"{version}\", path = \"{dir}/{models_crate}\"{models_options} }}")
    };
    let dependencies = client_dependencies(api);
    let manifest = |crate_name: &str, description: &str, models: &str, extra: &str, features: &str| {
        let extra_dependencies: String =
            [dependencies.as_str(), extra].into_iter().filter(|d| !d.is_empty()).collect::<Vec<_>>().join("\n");
        let values = [
            ("reqwest_features", reqwest_features.as_str()),
            ("tokio_features", tokio_features),
            ("models_dependency", models),
            ("extra_dependencies", &extra_dependencies),
            ("features", features),
        ];
        manifest(CLIENT_CARGO, crate_name, description, &values, config)
    };
    let description = format!("Async client for {}, generated by specforge", api.title);
    let mut files = BTreeMap::new();
    let (extra, client_features) = match split {
        None => {
            files.insert(PathBuf::from("src/runtime.rs"), CLIENT_RUNTIME.to_string());
            for module in client_modules(api) {
                files.insert(PathBuf::from(format!("src/{}.rs", module.name)), module.source.to_string());
            }
            let tags = features.map(|plan| plan.manifest_section(Some(&models_crate)));
            (String::new(), client_features(tags, None, true))
        }
        Some((core_lib, ops)) => {
            let core = format!("{crate_name}-core");
            let core_manifest = manifest(
                &core,
                &format!("Runtime of {crate_name} ({}), generated by specforge", api.title),
                "",
                "",
                &client_features(None, None, false),
            );
            files.insert(PathBuf::from("parts/core/Cargo.toml"), core_manifest);
            files.insert(PathBuf::from("parts/core/src/lib.rs"), core_lib);
            files.insert(PathBuf::from("parts/core/src/runtime.rs"), CLIENT_RUNTIME.to_string());
            for module in client_modules(api) {
                files.insert(PathBuf::from(format!("parts/core/src/{}.rs", module.name)), module.source.to_string());
            }
            let mut extra = vec![part_dependency(&crate_name, "core", "parts", version)];
            let ops_crates: Vec<(String, &[usize])> =
                ops.iter().map(|part| (format!("{crate_name}-{}", part.label), part.members)).collect();
            for (part, (ops_crate, _)) in ops.into_iter().zip(&ops_crates) {
                extra.push(part_dependency(&crate_name, &part.label, "parts", version));
                let features =
                    features.map(|plan| plan.ops_manifest_section(part.members, &models_crate)).unwrap_or_default();
                let ops_manifest = manifest(
                    ops_crate,
                    &format!("Operations of {crate_name} ({}), generated by specforge", api.title),
                    &models_dependency("../../.."),
                    &part_dependency(&crate_name, "core", "..", version),
                    &features,
                );
                files.insert(PathBuf::from(format!("parts/{}/Cargo.toml", part.label)), ops_manifest);
                files.insert(PathBuf::from(format!("parts/{}/src/lib.rs", part.label)), part.lib_rs);
            }
            let tags = features.map(|plan| plan.split_manifest_section(&models_crate, &ops_crates));
            (extra.join("\n"), client_features(tags, Some(&core), true))
        }
    };
    files.insert(
        PathBuf::from("Cargo.toml"),
        manifest(&crate_name, &description, &models_dependency(".."), &extra, &client_features),
    );
    let example = crate::emit::client_example(api, &client_lib);
    let values = [
        ("crate_name", crate_name.as_str()),
        ("models_crate", models_crate.as_str()),
        ("example", example.as_str()),
        ("name", name),
        ("title", api.title.as_str()),
        ("api_version", api.version.as_str()),
    ];
    files.insert(PathBuf::from("README.md"), fill(CLIENT_README, &values));
    files.insert(PathBuf::from("src/lib.rs"), lib_rs);
    files.insert(PathBuf::from("src/client.rs"), CLIENT_METHODS.to_string());
    CrateFiles { dir_name: crate_name, files }
}

/// The server crate's files: the trait, router and fake in `lib.rs`, over the models crate.
pub fn server_crate(
    api: &Api,
    name: &str,
    lib_rs: String,
    features: Option<&FeaturePlan>,
    split: Option<(String, Vec<OpsFiles<'_>>)>,
    config: &Config,
) -> CrateFiles {
    let version = config.version();
    let crate_name = format!("{name}-server");
    let models_crate = format!("{name}-models");
    let models_options = if features.is_some() { ", default-features = false" } else { "" };
    let models_dependency = |dir: &str| {
        format!("{models_crate} = {{ version = \"{version}\", path = \"{dir}/{models_crate}\"{models_options} }}")
    };
    let multipart = api.sends(|kind| matches!(kind, RequestBodyKind::Multipart(_)));
    let mut extra = vec![type_dependencies(api)];
    if multipart {
        extra.push("multer = \"3.1\"".to_string());
    }
    extra.retain(|line| !line.is_empty());
    // The template opens `[features]` (for `fake`): a tag section goes on in it.
    let in_features = |section: String| section.replacen("\n[features]\n", "\n", 1);
    let manifest = |crate_name: &str, description: &str, models: &str, more: &[String], features: &str, fake: &str| {
        let dependencies: Vec<&str> = extra.iter().chain(more).map(String::as_str).collect();
        let values = [
            ("models_dependency", models),
            ("extra_dependencies", &dependencies.join("\n")),
            ("features", features),
            ("fake_features", fake),
        ];
        manifest(SERVER_CARGO, crate_name, description, &values, config)
    };
    let description = format!("Server (axum) of {}, generated by specforge", api.title);
    let mut files = BTreeMap::new();
    // The runtime: the server crate's modules, or its core crate's.
    let runtime_dir = if split.is_some() { "parts/core/src" } else { "src" };
    files.insert(PathBuf::from(format!("{runtime_dir}/runtime.rs")), SERVER_RUNTIME.to_string());
    if multipart {
        files.insert(PathBuf::from(format!("{runtime_dir}/multipart.rs")), SERVER_MULTIPART.to_string());
    }
    let (more, tags, fake) = match split {
        None => (Vec::new(), features.map(|plan| plan.manifest_section(Some(&models_crate))), String::new()),
        Some((core_lib, ops)) => {
            let core = format!("{crate_name}-core");
            let core_description = format!("Runtime of {crate_name} ({}), generated by specforge", api.title);
            files.insert(PathBuf::from("parts/core/Cargo.toml"), manifest(&core, &core_description, "", &[], "", ""));
            files.insert(PathBuf::from("parts/core/src/lib.rs"), core_lib);
            let mut more = vec![part_dependency(&crate_name, "core", "parts", version)];
            let ops_crates: Vec<(String, &[usize])> =
                ops.iter().map(|part| (format!("{crate_name}-{}", part.label), part.members)).collect();
            let ops_description = format!("Operations of {crate_name} ({}), generated by specforge", api.title);
            for (part, (ops_crate, _)) in ops.into_iter().zip(&ops_crates) {
                more.push(part_dependency(&crate_name, &part.label, "parts", version));
                let features = features.map(|plan| plan.ops_manifest_section(part.members, &models_crate));
                let ops_manifest = manifest(
                    ops_crate,
                    &ops_description,
                    &models_dependency("../../.."),
                    &[part_dependency(&crate_name, "core", "..", version)],
                    &features.map(in_features).unwrap_or_default(),
                    "",
                );
                files.insert(PathBuf::from(format!("parts/{}/Cargo.toml", part.label)), ops_manifest);
                files.insert(PathBuf::from(format!("parts/{}/src/lib.rs", part.label)), part.lib_rs);
            }
            // The fake's default replies are made in the operations crates.
            let fake: String = ops_crates.iter().map(|(ops_crate, _)| format!(", \"{ops_crate}/fake\"")).collect();
            (more, features.map(|plan| plan.split_manifest_section(&models_crate, &ops_crates)), fake)
        }
    };
    let tags = tags.map(in_features).unwrap_or_default();
    let facade = manifest(&crate_name, &description, &models_dependency(".."), &more, &tags, &fake);
    files.insert(PathBuf::from("Cargo.toml"), facade);
    let readme_values = [
        ("crate_name", crate_name.as_str()),
        ("models_crate", models_crate.as_str()),
        ("server_lib", &crate_name.replace('-', "_")),
        ("name", name),
        ("title", api.title.as_str()),
        ("api_version", api.version.as_str()),
    ];
    files.insert(PathBuf::from("README.md"), fill(SERVER_README, &readme_values));
    files.insert(PathBuf::from("src/lib.rs"), lib_rs);
    files.insert(PathBuf::from("src/fake.rs"), SERVER_FAKE.to_string());
    CrateFiles { dir_name: crate_name, files }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_strings_are_one_line_without_control_characters() {
        // Cargo passes the description to rustc in an environment variable, which cannot hold a NUL.
        assert_eq!(toml_string("Data types of Ctl\u{0} \u{b}\n  v2\t(beta)"), r#""Data types of Ctl v2 (beta)""#);
        assert_eq!(toml_string("Plain \"quoted\" title"), r#"'Plain "quoted" title'"#);
    }

    fn krate(lib: &str) -> CrateFiles {
        let files = [("Cargo.toml", "[package]\n"), ("README.md", "# demo\n"), ("src/lib.rs", lib)];
        CrateFiles {
            dir_name: "demo-models".into(),
            files: files.iter().map(|(p, c)| (PathBuf::from(p), c.to_string())).collect(),
        }
    }

    #[test]
    fn writing_into_an_existing_crate_keeps_hand_written_files_and_replaces_produced_ones() {
        let out = tempfile::tempdir().unwrap();
        krate("// one\n").write_into(out.path()).unwrap();
        let dir = out.path().join("demo-models");
        std::fs::create_dir_all(dir.join("examples")).unwrap();
        std::fs::write(dir.join("examples/use_it.rs"), "fn main() {}\n").unwrap();
        std::fs::write(dir.join("LICENSE"), "mine\n").unwrap();
        std::fs::write(dir.join("src/old_module.rs"), "// no longer produced\n").unwrap();
        let next = krate("// two\n");
        assert_eq!(next.stale_files(out.path()), vec![dir.join("src/lib.rs"), dir.join("src/old_module.rs")]);

        next.write_into(out.path()).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), "// two\n");
        assert!(!dir.join("src/old_module.rs").exists());
        assert_eq!(std::fs::read_to_string(dir.join("examples/use_it.rs")).unwrap(), "fn main() {}\n");
        assert_eq!(std::fs::read_to_string(dir.join("LICENSE")).unwrap(), "mine\n");
        assert!(next.stale_files(out.path()).is_empty());
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "staging directories left behind: {leftovers:?}");
    }
}
