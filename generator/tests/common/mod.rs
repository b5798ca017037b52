//! Helpers shared by the tests that build generated crates with Cargo.

#![allow(dead_code)] // Each test crate uses the helpers it needs.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Generates `spec` with the CLI (and `extra` arguments) into `out` and returns the client crate's directory (with
/// the workspace's `Cargo.lock`, for when it is built on its own).
pub fn generate(spec: &Path, name: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_specforge"))
        .arg("generate")
        .arg(spec)
        .args(["--name", name, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("run specforge");
    assert!(
        output.status.success(),
        "specforge generate {}: {}",
        spec.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let client = out.join(format!("{name}-client"));
    std::fs::copy(workspace_root().join("Cargo.lock"), client.join("Cargo.lock")).expect("copy Cargo.lock");
    client
}

pub fn cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace_root().join("target/standalone"))
        // Built once per run: incremental caches would only take disk.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "`cargo {}` in {} failed:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Builds one Cargo workspace in `dir` over the crates `<name>-models`, `<name>-client` and (when generated)
/// `<name>-server` of each of `names`, and the crates of `extra`, with the workspace's `Cargo.lock`, so shared
/// dependencies are built once (and offline).
pub fn workspace_of(dir: &Path, names: &[String]) {
    workspace_with(dir, names, &[]);
}

/// [`workspace_of`], with more member crates.
pub fn workspace_with(dir: &Path, names: &[String], extra: &[&str]) {
    let mut members: Vec<String> = Vec::new();
    for name in names {
        members.push(format!("\"{name}-models\", \"{name}-client\""));
        if dir.join(format!("{name}-server")).is_dir() {
            members.push(format!("\"{name}-server\""));
        }
    }
    members.extend(extra.iter().map(|krate| format!("\"{krate}\"")));
    // Without debug info: these crates are checked and built, never debugged, and there are dozens of them.
    let manifest =
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n", members.join(", "));
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("workspace manifest");
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
}
