//! Project tasks.
//!
//! - `cargo xtask regenerate [--check]`: regenerate `generated/` from `specs/`; `--check` changes nothing and fails
//!   naming the stale files.
//! - `cargo xtask test`: the whole test suite (what `.ci/run` runs).
//! - `cargo xtask bench`: the generator's benchmarks (criterion) on the vendor specs, the synthetic specs and
//!   GitHub's, with a report of phase times, the ratio to plain JSON parsing and peak memory.
//! - `cargo xtask compile-times [--check-only | --release-only] [--api github|synthetic] [--split-models
//!   auto|never]`: how long the generated crates of GitHub's API and the synthetic spec take to `cargo check` and
//!   `cargo build --release` (dependencies prebuilt), with all tags and with one, and the peak memory of the largest
//!   rustc; `--split-models never` measures the models as one crate.
//! - `cargo xtask side-by-side [--ploidy PATH] [--rounds N] [--compile]`: specforge against Ploidy and a plain
//!   JSON parse on GitHub's description, generation and (with `--compile`) `cargo check` of the crates, in one run.
//! - `cargo xtask split-costs`: the models split's cost model against the measured peak memory of release builds
//!   of three corpus documents' models, and its coefficients fitted again to them.
//! - `cargo xtask synthetic --scale N --out FILE`: writes the deterministic synthetic spec used by the benchmarks.
//! - `cargo xtask fuzz [--cases N] [--seed S] [--threads T] [--case K] [--compile C]`: mutates the repository's specs
//!   and runs the pipeline on each case; fails on a panic, an internal error, invalid Rust, a gap in repair or a slow
//!   case, and (`--compile`) on crates of the first C generated cases that do not compile clippy-clean.
//! - `cargo xtask corpus`: generates and `cargo check`s every spec of a corpus of real published specs (npm
//!   packages pinned in `tests/corpus/`), and reports how many generate, how many compile, and why the rest do not.
//! - `cargo xtask directory [--sample N] [--seed S] [--timeout SECS]`: generates every document of APIs.guru's
//!   directory (2,600+, pinned in `tests/directory/`), each in a process of its own, counts crashes, hangs and
//!   refusals, and runs clippy on a sample's crates.
//!
//! The vendors are the specs in `specs/` as [`specforge::spec_set`] finds them (each with its
//! `<name>.overlay.yaml`, when present).

mod bench;
mod compile_times;
mod corpus;
mod directory;
mod fuzz;
mod side_by_side;
mod split_costs;
mod synthetic;

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
        ["directory", rest @ ..] => {
            directory::Settings::parse(rest).and_then(|settings| directory::run(&project_root(), &settings))
        }
        ["bench"] => bench::run(&project_root()),
        ["compile-times", rest @ ..] => {
            compile_times::Selection::parse(rest).and_then(|selection| compile_times::run(&project_root(), selection))
        }
        ["side-by-side", rest @ ..] => {
            side_by_side::Settings::parse(rest).and_then(|settings| side_by_side::run(&project_root(), settings))
        }
        ["split-costs"] => split_costs::run(&project_root()),
        ["synthetic", "--scale", scale, "--out", out] => write_synthetic(scale, Path::new(out)),
        ["fuzz", rest @ ..] => fuzz::Settings::parse(rest).and_then(|settings| fuzz::run(&project_root(), &settings)),
        _ => {
            eprintln!(
                "usage: cargo xtask regenerate [--check] | cargo xtask test | cargo xtask corpus | cargo xtask directory [--sample N] [--seed S] [--timeout SECS] | cargo xtask bench | cargo xtask compile-times [--check-only | --release-only] [--api github|synthetic] [--split-models auto|never] | cargo xtask side-by-side [--ploidy PATH] [--rounds N] [--compile] | cargo xtask split-costs | cargo xtask synthetic --scale N --out FILE | cargo xtask fuzz [--cases N] [--seed S] [--threads T] [--case K] [--compile C]"
            );
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

/// specforge's own test APIs: `tests/<name>/<spec>`, generated into `tests/<name>/<name>-{models,client}`.
const TEST_APIS: [(&str, &str); 3] =
    [("streaming", "streaming.yaml"), ("swagger2", "files.yaml"), ("styles", "styles.yaml")];

/// Regenerates every vendor's crates and the test APIs', or with `check` only reports what is stale.
fn regenerate(check: bool) -> Result<(), String> {
    let root = project_root();
    let out = root.join("generated");
    let mut stale = Vec::new();
    let specs = specforge::spec_set(&root.join("specs")).map_err(|e| format!("cannot read specs/: {e}"))?;
    for mut options in specs {
        // The vendor crates are for read-modify-write of connectors: nothing a newer server sends may be lost.
        options.keep_unknown_fields = true;
        options.server = true;
        let name = options.name.clone().unwrap_or_default();
        let generated = specforge::generate(&options).map_err(|failure| format!("{name}: {failure}"))?;
        for warning in &generated.warnings {
            eprintln!("{warning}\n");
        }
        for krate in generated.crates() {
            stale.extend(sync_crate(&out, krate, check)?);
        }
        stale.extend(sync_conformance(&root, &options, check)?);
    }
    // specforge's own test APIs, whose crates the integration tests call over loopback HTTP.
    for (name, spec) in TEST_APIS {
        let dir = root.join("tests").join(name);
        let options = specforge::Options {
            name: Some(name.to_string()),
            server: true,
            ..specforge::Options::new(dir.join(spec))
        };
        let generated = specforge::generate(&options).map_err(|failure| format!("{name}: {failure}"))?;
        for krate in generated.crates() {
            stale.extend(sync_crate(&dir, krate, check)?);
        }
        stale.extend(sync_conformance(&root, &options, check)?);
    }
    if stale.is_empty() {
        eprintln!("generated/ and the test APIs' crates are up to date");
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

/// Brings `out/<crate>` in line with `krate` through the library's one writer (which leaves hand-written files
/// beside the produced ones alone), or with `check` only lists what differs. Returns the paths that differ(ed).
fn sync_crate(out: &Path, krate: &CrateFiles, check: bool) -> Result<Vec<PathBuf>, String> {
    let stale = krate.stale_files(out);
    if !check && !stale.is_empty() {
        krate.write_into(out).map_err(|e| format!("{}: {e}", out.join(&krate.dir_name).display()))?;
    }
    Ok(stale)
}

/// Brings `tests/conformance/tests/<name>.rs`, the client ↔ server conformance tests of the API `options` names, in
/// line with the generator, or with `check` only reports that it differs.
fn sync_conformance(root: &Path, options: &specforge::Options, check: bool) -> Result<Vec<PathBuf>, String> {
    let name = options.name.clone().unwrap_or_default();
    let text = specforge::conformance_tests(options).map_err(|failure| format!("{name}: {failure}"))?;
    let path = root.join("tests/conformance/tests").join(format!("{}.rs", name.replace('-', "_")));
    if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
        return Ok(Vec::new());
    }
    if !check {
        std::fs::create_dir_all(path.parent().unwrap_or(root)).map_err(|e| format!("{}: {e}", path.display()))?;
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(vec![path])
}

/// Runs a command from the project root, failing with its name if it fails.
pub(crate) fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_with_env(program, args, &[])
}

/// [`run`] with extra environment variables.
pub(crate) fn run_with_env(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let shown_env: String = env.iter().map(|(key, value)| format!("{key}={value:?} ")).collect();
    eprintln!("$ {shown_env}{program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(project_root())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed ({status})", args.join(" "))) }
}

/// The whole suite: tools, freshness of `generated/`, every test, a short fuzz run, clippy with warnings denied,
/// and the generated crates' docs with warnings denied.
///
/// Cargo runs without incremental compilation: a suite built once gains nothing from it, and its caches (gigabytes
/// over the many test and generated crates) could fill a small CI disk.
fn test() -> Result<(), String> {
    let root = project_root();
    let cargo = |args: &[&str], env: &[(&str, &str)]| {
        let env: Vec<(&str, &str)> = [("CARGO_INCREMENTAL", "0")].into_iter().chain(env.iter().copied()).collect();
        run_with_env("cargo", args, &env)
    };
    run("bash", &[&root.join("tests/setup.sh").to_string_lossy()])?;
    format_check(&root)?;
    regenerate(true)?;
    cargo(&["test", "--workspace", "--locked"], &[])?;
    // The server example serves, answers one request over loopback, and exits.
    cargo(&["run", "--locked", "-p", "supermetal-server", "--example", "agent", "--", "--check"], &[])?;
    // A short run of the mutation fuzzer, always the same cases (the long runs are reported in the notes).
    fuzz::run(&root, &fuzz::Settings::parse(&["--cases", "2000", "--seed", "22"])?)?;
    cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"], &[])?;
    browser_check(&root, &cargo)?;
    native_tls_check(&cargo)?;
    // The generated crates document cleanly, as docs.rs would build them.
    let mut doc_args = vec!["doc".to_string(), "--no-deps".into(), "--locked".into()];
    for krate in files_in(&root.join("generated")) {
        doc_args.extend(["-p".to_string(), krate]);
    }
    for (name, _) in TEST_APIS {
        for kind in ["models", "client", "server"] {
            doc_args.extend(["-p".to_string(), format!("{name}-{kind}")]);
        }
    }
    cargo(&doc_args.iter().map(String::as_str).collect::<Vec<_>>(), &[("RUSTDOCFLAGS", "-D warnings")])?;
    Ok(())
}

/// The browser target of the clients (reqwest over `fetch`).
const BROWSER_TARGET: &str = "wasm32-unknown-unknown";

/// The vendor clients, and the test clients that carry the event-stream, multipart and OAuth2 modules, build for
/// the browser without warnings. Skipped, saying so, where the toolchain has no standard library for that target
/// (`rustup target add wasm32-unknown-unknown`).
fn browser_check(root: &Path, cargo: &impl Fn(&[&str], &[(&str, &str)]) -> Result<(), String>) -> Result<(), String> {
    let sysroot = Command::new("rustc").args(["--print", "sysroot"]).output().map_err(|e| format!("rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    if !Path::new(&sysroot).join("lib/rustlib").join(BROWSER_TARGET).is_dir() {
        eprintln!("SKIPPED: the clients' {BROWSER_TARGET} build (this toolchain has no standard library for it)");
        return Ok(());
    }
    let mut args = vec!["clippy", "--locked", "--target", BROWSER_TARGET, "--no-default-features"];
    let vendors = files_in(&root.join("generated")).into_iter().filter(|krate| krate.ends_with("-client"));
    let clients: Vec<String> = vendors.chain(["streaming-client".to_string(), "swagger2-client".to_string()]).collect();
    for krate in &clients {
        args.extend(["-p", krate.as_str()]);
    }
    args.extend(["--features", "tracing", "--", "-D", "warnings"]);
    cargo(&args, &[])
}

/// A vendor client builds with its `native-tls` feature (the platform's TLS library) without warnings. Skipped,
/// saying so, where OpenSSL's headers are not installed (`libssl-dev` on Debian).
fn native_tls_check(cargo: &impl Fn(&[&str], &[(&str, &str)]) -> Result<(), String>) -> Result<(), String> {
    let openssl = Command::new("pkg-config").args(["--exists", "openssl"]).status();
    if !openssl.is_ok_and(|status| status.success()) {
        eprintln!("SKIPPED: the native-tls client build (pkg-config finds no OpenSSL)");
        return Ok(());
    }
    let args = ["clippy", "--locked", "-p", "supermetal-client", "--no-default-features", "--features", "native-tls"];
    cargo(&[&args[..], &["--", "-D", "warnings"]].concat(), &[])
}

/// The hand-written Rust is formatted (`rustfmt.toml`): the workspace's own packages, the templates copied into
/// generated crates and the vendor clients' examples. Generated code is printed by prettyplease instead.
fn format_check(root: &Path) -> Result<(), String> {
    let packages = ["specforge", "xtask", "specforge-integration", "build-script-user", "fake-user"];
    let mut args = vec!["fmt", "--check"];
    for package in packages {
        args.extend(["-p", package]);
    }
    run("cargo", &args)?;
    let mut files: Vec<String> = Vec::new();
    for templates in ["templates/client", "templates/server"] {
        let sources = files_in(&root.join(templates)).into_iter().filter(|file| file.ends_with(".rs"));
        files.extend(sources.map(|file| format!("{templates}/{file}")));
    }
    let support = "templates/models/support";
    files.extend(files_in(&root.join(support)).into_iter().map(|file| format!("{support}/{file}")));
    for krate in files_in(&root.join("generated")) {
        let examples = root.join("generated").join(&krate).join("examples");
        files.extend(files_in(&examples).into_iter().map(|file| format!("generated/{krate}/examples/{file}")));
    }
    let examples = root.join("tests/streaming/streaming-client/examples");
    files.extend(
        files_in(&examples).into_iter().map(|file| format!("tests/streaming/streaming-client/examples/{file}")),
    );
    let mut args = vec!["--check", "--edition", "2024"];
    args.extend(files.iter().map(String::as_str));
    run("rustfmt", &args)
}

/// The names of the entries of `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
