//! Use from a `build.rs`: generate the models of a spec, or its client with the models inside, into `OUT_DIR`
//! and `include!` them.
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
//!
//! [`generate_client`] writes the client the same way: `api::Client`, the operations' types beside it, the models
//! in `api::models`. The including crate then also needs the client crate's dependencies (`specforge generate`
//! writes them in the client's `Cargo.toml`): `reqwest` (with `default-features = false` and the features that
//! manifest lists, and a TLS feature such as `rustls`), `bytes`, `futures-util`, `httpdate` and `tokio` (`time`),
//! and `eventsource-stream` for event streams. The client's `tracing` spans are off (they need a `tracing`
//! feature of the including crate).
//!
//! Either call tells Cargo to rerun the build script when the spec, an overlay, the configuration file or any file
//! the spec references changes.

use std::path::{Path, PathBuf};

use crate::pipeline::{ModuleOutput, client_module, models_module};
use crate::{Failure, Options};

/// Generates the models of `spec` into `$OUT_DIR/file_name`, prints warnings as `cargo:warning` lines and tells
/// Cargo to rerun when the spec changes. Returns the path written.
pub fn generate_models(spec: impl AsRef<Path>, file_name: &str) -> Result<PathBuf, Failure> {
    generate_models_with(&Options::new(spec.as_ref()), file_name)
}

/// [`generate_models`] with every option: overlays, [`Options::keep_unknown_fields`], remote-reference copies, a
/// configuration file ([`Options::config`]).
pub fn generate_models_with(options: &Options, file_name: &str) -> Result<PathBuf, Failure> {
    write_module(options, file_name, models_module)
}

/// Generates the client of `spec` (with its models as the module `models`) into `$OUT_DIR/file_name`, prints
/// warnings as `cargo:warning` lines and tells Cargo to rerun when the spec changes. Returns the path written.
pub fn generate_client(spec: impl AsRef<Path>, file_name: &str) -> Result<PathBuf, Failure> {
    generate_client_with(&Options::new(spec.as_ref()), file_name)
}

/// [`generate_client`] with every option (see [`generate_models_with`]).
pub fn generate_client_with(options: &Options, file_name: &str) -> Result<PathBuf, Failure> {
    // The runtime's `tracing` spans are compiled under a feature the including crate may not have.
    println!("cargo::rustc-check-cfg=cfg(feature, values(\"tracing\"))");
    write_module(options, file_name, client_module)
}

/// Writes what `generate` makes of `options` into `$OUT_DIR/file_name`, with the Cargo instructions of a build
/// script: what to watch, and the warnings.
fn write_module(
    options: &Options,
    file_name: &str,
    generate: fn(&Options) -> Result<ModuleOutput, Failure>,
) -> Result<PathBuf, Failure> {
    let spec = &options.spec;
    // Told before generating: a build that fails reruns when the files are mended.
    for file in std::iter::once(spec).chain(&options.overlays).chain(&options.config) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let (source, warnings, sources) = generate(options)?;
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
