//! `specforge generate` output builds on its own, outside this workspace: the vendor crates and a spec full of
//! names that are not Rust identifiers. Uses the workspace's `Cargo.lock` (so the same dependency versions, offline)
//! and its own target directory (the outer `cargo test` holds the workspace's).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Generates `spec` with the CLI into `out` and returns the client crate's directory.
fn generate(spec: &Path, name: &str, out: &Path) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_specforge"))
        .arg("generate")
        .arg(spec)
        .args(["--name", name, "--out"])
        .arg(out)
        .output()
        .expect("run specforge");
    assert!(output.status.success(), "specforge generate {}: {}", spec.display(), String::from_utf8_lossy(&output.stderr));
    let client = out.join(format!("{name}-client"));
    std::fs::copy(workspace_root().join("Cargo.lock"), client.join("Cargo.lock")).expect("copy Cargo.lock");
    client
}

fn cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace_root().join("target/standalone"))
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

#[test]
fn generated_crates_build_outside_the_workspace() {
    let out = tempfile::tempdir().expect("temporary directory");
    let patchworks = generate(&workspace_root().join("specs/patchworks.overlay.yaml"), "patchworks", out.path());
    cargo(&patchworks, &["build", "--offline"]);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (spec, name) in [("tricky_names.yaml", "tricky"), ("multi_file/api.yaml", "multi-file")] {
        let client = generate(&fixtures.join(spec), name, out.path());
        cargo(&client, &["clippy", "--offline", "--all-targets", "--", "-D", "warnings"]);
    }
}
