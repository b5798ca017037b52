//! Use from a `build.rs`: generate the models of a spec into `OUT_DIR` and `include!` them.
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     specforge::build::generate_models("api.yaml", "api_models.rs").unwrap();
//! }
//! // src/lib.rs
//! pub mod api {
//!     include!(concat!(env!("OUT_DIR"), "/api_models.rs"));
//! }
//! ```
//! The including crate needs `serde` (with `derive`) and `serde_json`, plus `chrono`, `url` or `uuid` when the
//! spec uses those formats. As a build dependency, `specforge = { …, default-features = false }` leaves out the
//! allocator the CLI uses.

use std::path::{Path, PathBuf};

use crate::{Failure, Options, models_module};

/// Generates the models of `spec` into `$OUT_DIR/file_name`, prints warnings as `cargo:warning` lines and tells
/// Cargo to rerun when the spec changes. Returns the path written.
pub fn generate_models(spec: impl AsRef<Path>, file_name: &str) -> Result<PathBuf, Failure> {
    generate_models_with(&Options::new(spec.as_ref()), file_name)
}

/// [`generate_models`] with every option: overlays, [`Options::keep_unknown_fields`], remote-reference copies, a
/// configuration file ([`Options::config`]).
pub fn generate_models_with(options: &Options, file_name: &str) -> Result<PathBuf, Failure> {
    let spec = &options.spec;
    // Told before generating: a build that fails reruns when the files are mended.
    for file in std::iter::once(spec).chain(&options.overlays).chain(&options.config) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let (source, warnings, sources) = models_module(options)?;
    for file in sources.iter().filter(|file| *file != spec && !options.overlays.contains(file)) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    for warning in warnings {
        println!("cargo:warning={}", warning.to_string().replace('\n', " "));
    }
    let out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| Failure {
        diagnostics: vec![crate::Diagnostic::error(spec, "", "OUT_DIR is not set: call this from a build script")],
    })?;
    let path = out_dir.join(file_name);
    std::fs::write(&path, source).map_err(|e| Failure {
        diagnostics: vec![crate::Diagnostic::error(&path, "", format!("cannot write: {e}"))],
    })?;
    Ok(path)
}
