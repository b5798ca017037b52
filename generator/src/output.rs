//! Output: the files of the models and client crates, and writing them without leaving a half-written crate.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::features::FeaturePlan;
use crate::ir::{Api, MediaKind, Primitive, SchemeKind};

const MODELS_CARGO: &str = include_str!("../../templates/models/Cargo.toml");
const MODELS_README: &str = include_str!("../../templates/models/README.md");
const CLIENT_CARGO: &str = include_str!("../../templates/client/Cargo.toml");
const CLIENT_README: &str = include_str!("../../templates/client/README.md");
/// The runtime support copied into every client crate.
pub const CLIENT_RUNTIME: &str = include_str!("../../templates/client/runtime.rs");

/// The files of one generated crate, by path relative to the crate directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateFiles {
    /// Directory (and package) name, e.g. `supermetal-models`.
    pub dir_name: String,
    /// File contents by relative path.
    pub files: BTreeMap<PathBuf, String>,
}

impl CrateFiles {
    /// Writes the crate to `out_dir/dir_name` atomically: the files go to a temporary directory beside it, which
    /// then replaces any previous version, so a failure never leaves a half-written crate.
    pub fn write_into(&self, out_dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(out_dir)?;
        let staging = tempfile::Builder::new().prefix(&format!(".{}-", self.dir_name)).tempdir_in(out_dir)?;
        for (relative, contents) in &self.files {
            let path = staging.path().join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, contents)?;
        }
        let target = out_dir.join(&self.dir_name);
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        std::fs::rename(staging.keep(), &target)
    }
}

/// Fills `{{key}}` placeholders.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |text, (key, value)| text.replace(&format!("{{{{{key}}}}}"), value))
}

/// Dependencies beyond serde that the API's types need.
fn type_dependencies(api: &Api) -> String {
    let mut lines = Vec::new();
    if api.uses(Primitive::DateTime) || api.uses(Primitive::Date) {
        lines.push(r#"chrono = { version = "0.4.31", default-features = false, features = ["serde", "std"] }"#);
    }
    if api.uses(Primitive::Url) {
        lines.push(r#"url = { version = "2.5", features = ["serde"] }"#);
    }
    if api.uses(Primitive::Uuid) {
        lines.push(r#"uuid = { version = "1.6", features = ["serde"] }"#);
    }
    lines.join("\n")
}

/// The models crate's files.
pub fn models_crate(api: &Api, name: &str, lib_rs: String, features: Option<&FeaturePlan>) -> CrateFiles {
    let crate_name = format!("{name}-models");
    let client_crate = format!("{name}-client");
    let values = [
        ("crate_name", crate_name.as_str()),
        ("client_crate", client_crate.as_str()),
        ("name", name),
        ("title", api.title.as_str()),
        ("api_version", api.version.as_str()),
        ("extra_dependencies", &type_dependencies(api)),
        ("features", &features.map(|plan| plan.manifest_section(None)).unwrap_or_default()),
    ];
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("Cargo.toml"), fill(MODELS_CARGO, &values));
    files.insert(PathBuf::from("README.md"), fill(MODELS_README, &values));
    files.insert(PathBuf::from("src/lib.rs"), lib_rs);
    if let Some(support) = crate::emit::support_source(api) {
        files.insert(PathBuf::from("src/support.rs"), support);
    }
    CrateFiles { dir_name: crate_name, files }
}

/// The client crate's files.
pub fn client_crate(api: &Api, name: &str, lib_rs: String, features: Option<&FeaturePlan>) -> CrateFiles {
    let crate_name = format!("{name}-client");
    let models_crate = format!("{name}-models");
    let client_lib = crate_name.replace('-', "_");
    let mut reqwest_features = vec!["\"rustls\"", "\"http2\""];
    if api.security_schemes.iter().any(|s| matches!(s.kind, SchemeKind::ApiKeyQuery(_))) {
        reqwest_features.push("\"query\"");
    }
    if api.sends(|media| matches!(media, MediaKind::Form)) {
        reqwest_features.push("\"form\"");
    }
    if api.sends(|media| matches!(media, MediaKind::Multipart)) {
        reqwest_features.push("\"multipart\"");
    }
    let values = [
        ("crate_name", crate_name.as_str()),
        ("models_crate", models_crate.as_str()),
        ("client_lib", client_lib.as_str()),
        ("name", name),
        ("title", api.title.as_str()),
        ("api_version", api.version.as_str()),
        ("reqwest_features", &reqwest_features.join(", ")),
        ("extra_dependencies", &type_dependencies(api)),
        ("features", &features.map(|plan| plan.manifest_section(Some(&models_crate))).unwrap_or_default()),
        // The client's features decide which models compile, so the models' own defaults must not turn all on.
        ("models_options", if features.is_some() { ", default-features = false" } else { "" }),
    ];
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("Cargo.toml"), fill(CLIENT_CARGO, &values));
    files.insert(PathBuf::from("README.md"), fill(CLIENT_README, &values));
    files.insert(PathBuf::from("src/lib.rs"), lib_rs);
    files.insert(PathBuf::from("src/runtime.rs"), CLIENT_RUNTIME.to_string());
    CrateFiles { dir_name: crate_name, files }
}
