//! Project tasks.
//!
//! - `cargo xtask regenerate [--check]`: regenerate `generated/` from `specs/`; `--check` changes nothing and fails
//!   naming the stale files.
//! - `cargo xtask test`: the whole test suite (what `.ci/run` runs).
//! - `cargo xtask bench`: the generator's benchmarks (criterion) on the vendor specs, the synthetic specs and
//!   GitHub's, with a report of phase times, the ratio to plain JSON parsing and peak memory.
//! - `cargo xtask compile-times [--check-only | --release-only]`: how long the generated crates of GitHub's API and
//!   the synthetic spec take to `cargo check` and `cargo build --release` (dependencies prebuilt), with all tags and
//!   with one.
//! - `cargo xtask synthetic --scale N --out FILE`: writes the deterministic synthetic spec used by the benchmarks.
//! - `cargo xtask corpus`: generates and `cargo check`s every spec of a corpus of real published specs (npm
//!   packages pinned in `tests/corpus/`), and reports how many generate, how many compile, and why the rest do not.
//!
//! The vendors are the specs in `specs/` as [`specforge::spec_set`] finds them (each with its
//! `<name>.overlay.yaml`, when present).

mod bench;
mod compile_times;
mod corpus;
mod synthetic;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use specforge::CrateFiles;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regenerate"] => regenerate(false),
        ["regenerate", "--check"] => regenerate(true),
        ["test"] => test(),
        ["corpus"] => corpus::run(&project_root()),
        ["bench"] => bench::run(&project_root()),
        ["compile-times"] => compile_times::run(&project_root(), compile_times::Commands::Both),
        ["compile-times", "--check-only"] => compile_times::run(&project_root(), compile_times::Commands::CheckOnly),
        ["compile-times", "--release-only"] => compile_times::run(&project_root(), compile_times::Commands::ReleaseOnly),
        ["synthetic", "--scale", scale, "--out", out] => write_synthetic(scale, Path::new(out)),
        _ => {
            eprintln!("usage: cargo xtask regenerate [--check] | cargo xtask test | cargo xtask corpus | cargo xtask bench | cargo xtask compile-times [--check-only | --release-only] | cargo xtask synthetic --scale N --out FILE");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the synthetic benchmark spec at `scale` to `out`.
fn write_synthetic(scale: &str, out: &Path) -> Result<(), String> {
    let scale: usize = scale.parse().map_err(|_| format!("--scale takes a number, not {scale:?}"))?;
    let text = serde_json::to_string_pretty(&synthetic::spec(scale)).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Regenerates every vendor's crates, or with `check` only reports what is stale.
fn regenerate(check: bool) -> Result<(), String> {
    let root = project_root();
    let out = root.join("generated");
    let mut stale = Vec::new();
    let specs = specforge::spec_set(&root.join("specs")).map_err(|e| format!("cannot read specs/: {e}"))?;
    for options in specs {
        let name = options.name.clone().unwrap_or_default();
        let generated = specforge::generate(&options).map_err(|failure| format!("{name}: {failure}"))?;
        for warning in &generated.warnings {
            eprintln!("{warning}\n");
        }
        for krate in [&generated.models, &generated.client] {
            stale.extend(sync_crate(&out, krate, check)?);
        }
    }
    if stale.is_empty() {
        eprintln!("generated/ is up to date");
        return Ok(());
    }
    for path in &stale {
        eprintln!("{} {}", if check { "stale:" } else { "updated:" }, path.display());
    }
    if check {
        return Err(format!("{} generated file(s) are stale; run `cargo xtask regenerate`", stale.len()));
    }
    Ok(())
}

/// Brings `out/<crate>` in line with `krate`: the files specforge produces (`Cargo.toml`, `README.md` and `src/`).
/// Hand-written files beside them (examples, tests) are left alone. Returns the paths that differ(ed).
fn sync_crate(out: &Path, krate: &CrateFiles, check: bool) -> Result<Vec<PathBuf>, String> {
    let dir = out.join(&krate.dir_name);
    let mut changed = Vec::new();
    for (relative, contents) in &krate.files {
        let path = dir.join(relative);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        changed.push(path.clone());
        if !check {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let expected: BTreeSet<PathBuf> = krate.files.keys().map(|p| dir.join(p)).collect();
    for leftover in files_under(&dir.join("src")).into_iter().filter(|p| !expected.contains(p)) {
        changed.push(leftover.clone());
        if !check {
            std::fs::remove_file(&leftover).map_err(|e| format!("{}: {e}", leftover.display()))?;
        }
    }
    Ok(changed)
}

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

/// Runs a command from the project root, failing with its name if it fails.
pub(crate) fn run(program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(project_root())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed ({status})", args.join(" "))) }
}

/// The whole suite: tools, freshness of `generated/`, every test, and clippy with warnings denied.
fn test() -> Result<(), String> {
    let root = project_root();
    run("bash", &[&root.join("tests/setup.sh").to_string_lossy()])?;
    regenerate(true)?;
    run("cargo", &["test", "--workspace", "--locked"])?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    Ok(())
}
