//! `specforge generate` output builds on its own, outside this workspace: the vendor crates and a spec full of
//! names that are not Rust identifiers. Uses the workspace's `Cargo.lock` (so the same dependency versions, offline)
//! and its own target directory (the outer `cargo test` holds the workspace's).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Generates `spec` with the CLI (and `extra` arguments) into `out` and returns the client crate's directory (with
/// the workspace's `Cargo.lock`, for when it is built on its own).
fn generate(spec: &Path, name: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_specforge"))
        .arg("generate")
        .arg(spec)
        .args(["--name", name, "--out"])
        .arg(out)
        .args(extra)
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
    let patchworks = generate(&workspace_root().join("specs/patchworks.overlay.yaml"), "patchworks", out.path(), &[]);
    cargo(&patchworks, &["build", "--offline"]);
}

#[test]
fn odd_and_real_world_specs_give_clippy_clean_crates() {
    let out = tempfile::tempdir().expect("temporary directory");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut specs = vec![
        (fixtures.join("tricky_names.yaml"), "tricky".to_string()),
        (fixtures.join("multi_file/api.yaml"), "multi-file".to_string()),
        (fixtures.join("deep_chain.json"), "deep-chain".to_string()),
        (fixtures.join("tagged.yaml"), "tagged".to_string()),
    ];
    for entry in std::fs::read_dir(fixtures.join("corpus")).expect("fixtures/corpus").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            specs.push((path, name));
        }
    }
    let mut members = Vec::new();
    for (spec, name) in &specs {
        let extra: &[&str] = if name == "tagged" { &["--tag-features", "always"] } else { &[] };
        generate(spec, name, out.path(), extra);
        members.push(format!("\"{name}-models\", \"{name}-client\""));
    }
    // One workspace for all of them, so shared dependencies are checked once.
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(out.path().join("Cargo.toml"), manifest).expect("workspace manifest");
    std::fs::copy(workspace_root().join("Cargo.lock"), out.path().join("Cargo.lock")).expect("copy Cargo.lock");
    cargo(out.path(), &["clippy", "--offline", "--workspace", "--all-targets", "--", "-D", "warnings"]);
}
