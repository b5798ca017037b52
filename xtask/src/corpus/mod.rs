//! `cargo xtask corpus`: specforge on real published specs.
//!
//! Installs the corpus (`tests/corpus/package.json`, pinned and locked), generates every OpenAPI 3.0 and 3.1
//! document in it into `target/corpus/`, and runs clippy with warnings denied (as generated code must pass it) on
//! all generated crates in one Cargo workspace (`--keep-going`, so one failure does not hide the others; shared
//! dependencies are built once); the crates are models, client and server (with its fake). Every document, Swagger
//! 2.0 included, must generate. Then runs every document's client ↔ server conformance tests but GitHub's (see
//! [`specforge::conformance_tests`]), and compiles the example in every client's docs (a `no_run` doctest). Prints
//! a report and writes it to `target/corpus/report.md`.
//!
//! Every generated document is also rewritten the ways published documents come ([`variants`]): minified to one
//! line of JSON, as one line of YAML flow style, and with `$ref`-shaped data in its examples. Each variant must
//! generate the same crates as the original and render all its warnings without a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use specforge::Options;

mod variants;

/// What happened to one spec.
enum Outcome {
    /// Generated; `None` until checked, then whether it compiled without a clippy warning.
    Generated { warnings: usize, compiled: Option<bool> },
    /// Could not be generated.
    Failed(String),
}

/// Installs the pinned corpus packages; returns their `node_modules`.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    install_packages(&root.join("tests/corpus"))
}

/// Installs the npm packages pinned and locked in `dir`; returns their `node_modules`.
pub(crate) fn install_packages(dir: &Path) -> Result<PathBuf, String> {
    crate::run("npm", &["ci", "--prefix", &dir.to_string_lossy(), "--no-audit", "--no-fund", "--loglevel=error"])?;
    Ok(dir.join("node_modules"))
}

/// Generates, checks and tests every corpus document, and writes `target/corpus/report.md`.
pub fn run(root: &Path) -> Result<(), String> {
    let modules = install(root)?;
    let out = root.join("target/corpus");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    // Client ↔ server conformance tests, by document (GitHub's 1,000+ operations would make one test crate of them
    // that takes longer to build than everything else together: it is left out).
    let mut conformance: BTreeMap<String, String> = BTreeMap::new();
    let variants_dir = out.join("variants");
    std::fs::create_dir_all(&variants_dir).map_err(|e| format!("{}: {e}", variants_dir.display()))?;
    for (name, spec) in specs(&modules)? {
        let options = Options { name: Some(name.clone()), server: true, ..Options::new(&spec) };
        let outcome = match specforge::generate(&options) {
            Ok(generated) => match variants::check(&spec, &name, &generated, &variants_dir) {
                Err(problem) => Outcome::Failed(problem),
                Ok(()) => match generated.write_into(&out) {
                    Ok(()) => match specforge::conformance_tests(&options) {
                        Ok(tests) => {
                            if name != "github" {
                                conformance.insert(name.clone(), tests);
                            }
                            Outcome::Generated { warnings: generated.warnings.len(), compiled: None }
                        }
                        Err(failure) => Outcome::Failed(format!("conformance tests: {}", first_error(&failure))),
                    },
                    Err(e) => Outcome::Failed(format!("cannot write: {e}")),
                },
            },
            Err(failure) => Outcome::Failed(first_error(&failure)),
        };
        outcomes.insert(name, outcome);
    }

    // One test binary: the corpus report counts the tests from its one `test result` line.
    write_conformance_crate(&out, &conformance, usize::MAX)?;
    let failures = check_all(root, &out, &outcomes)?;
    let conformance = run_conformance(&out)?;
    let examples = run_doc_examples(&out, &outcomes)?;
    for (name, outcome) in outcomes.iter_mut() {
        if let Outcome::Generated { compiled, .. } = outcome {
            *compiled = Some(!failures.contains_key(name));
        }
    }
    let report = format!("{}\n{conformance}\n\n{examples}\n", report(&outcomes, &failures));
    println!("{report}");
    std::fs::write(out.join("report.md"), &report).map_err(|e| format!("report: {e}"))?;
    Ok(())
}

/// The crate `conformance` of the corpus workspace: test binaries (`part_0`, `part_1`, …) of `per_binary`
/// documents each, whose modules are the documents' conformance tests, depending on their client and server crates
/// (the servers with their fakes).
pub(crate) fn write_conformance_crate(
    out: &Path,
    tests: &BTreeMap<String, String>,
    per_binary: usize,
) -> Result<(), String> {
    let dir = out.join("conformance");
    std::fs::create_dir_all(dir.join("tests")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    let (mut binaries, mut dependencies) = (String::new(), String::new());
    let tests: Vec<(&String, &String)> = tests.iter().collect();
    for (part, chunk) in tests.chunks(per_binary.max(1)).enumerate() {
        let mut modules = String::new();
        for (name, text) in chunk {
            let module = name.replace('-', "_");
            std::fs::write(dir.join(format!("tests/{module}.rs")), text).map_err(|e| e.to_string())?;
            modules.push_str(&format!("#[path = \"{module}.rs\"]\nmod {module};\n"));
            dependencies.push_str(&format!(
                "{name}-client = {{ path = \"../{name}-client\" }}\n\
                 {name}-server = {{ path = \"../{name}-server\", features = [\"fake\"] }}\n"
            ));
        }
        std::fs::write(dir.join(format!("tests/part_{part}.rs")), modules).map_err(|e| e.to_string())?;
        binaries.push_str(&format!("[[test]]\nname = \"part_{part}\"\npath = \"tests/part_{part}.rs\"\n\n"));
    }
    let manifest = format!(
        "[package]\nname = \"conformance\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\nautotests = false\n\n\
         {binaries}[dev-dependencies]\n{dependencies}{CONFORMANCE_DEPENDENCIES}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())
}

/// What a crate of conformance tests needs beside the APIs' crates.
const CONFORMANCE_DEPENDENCIES: &str = r#"axum = { version = "0.8.9", default-features = false }
futures-util = { version = "0.3.31", default-features = false }
serde = "1"
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
chrono = { version = "0.4.31", default-features = false, features = ["serde", "std"] }
url = { version = "2.5", features = ["serde"] }
uuid = { version = "1.6", features = ["serde"] }
"#;

/// `cargo` in the throwaway workspace `out`, with its own target directory, no incremental data and line tables
/// for debug info, as the project's own profile has them (built once and thrown away, incremental data and full
/// debug info were most of the target directory: 28 GiB for the tests of 300 fuzz cases).
fn cargo_in(out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(out)
        .env("CARGO_TARGET_DIR", out.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
    command
}

/// Runs the tests of the crate [`write_conformance_crate`] wrote in `out` (`cargo test`'s output).
pub(crate) fn test_conformance(out: &Path) -> Result<std::process::Output, String> {
    cargo_in(out).args(["test", "--offline", "-p", "conformance"]).output().map_err(|e| format!("cargo test: {e}"))
}

/// Runs the conformance tests; returns the report's section on them: the counts, and each failed test.
fn run_conformance(out: &Path) -> Result<String, String> {
    let output = test_conformance(out)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut section = String::from("## Client ↔ server conformance (every document but GitHub's)\n\n");
    match stdout.lines().find(|line| line.starts_with("test result:") && !line.contains(" 0 passed; 0 failed")) {
        Some(result) => section.push_str(&format!("{}\n", result.trim_start_matches("test result: "))),
        None => section.push_str(&format!(
            "the tests did not run:\n\n```text\n{}\n```\n",
            last_lines(&String::from_utf8_lossy(&output.stderr))
        )),
    }
    for line in stdout.lines().filter(|line| line.ends_with("FAILED") || line.contains("... ignored, ")) {
        section.push_str(&format!("\n- {}", line.trim_start_matches("test ")));
    }
    Ok(section)
}

/// Compiles the example in every generated client's docs (a `no_run` doctest); returns the report's section: how many
/// compiled, and the clients whose example did not.
fn run_doc_examples(out: &Path, outcomes: &BTreeMap<String, Outcome>) -> Result<String, String> {
    let mut command = cargo_in(out);
    command.args(["test", "--offline", "--doc", "--no-fail-fast"]);
    for (name, _) in outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Generated { .. })) {
        command.args(["-p", &format!("{name}-client")]);
    }
    let output = command.output().map_err(|e| format!("cargo test --doc: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // `test result: ok. 1 passed; …` per client (a split client has no example).
    let passed: usize = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. ")?.split(' ').next()?.parse::<usize>().ok())
        .sum();
    // `test <crate dir>/src/lib.rs - (line N) - compile ... FAILED`
    let failed: Vec<&str> =
        stdout.lines().filter(|line| line.ends_with("FAILED")).map(|line| line.trim_start_matches("test ")).collect();
    let mut section = format!(
        "## The example in each client's docs (a `no_run` doctest)\n\n{passed} compile, {} do not{}",
        failed.len(),
        if output.status.success() { "." } else { "; cargo test --doc failed." }
    );
    for line in failed {
        section.push_str(&format!("\n- {line}"));
    }
    Ok(section)
}

fn first_error(failure: &specforge::Failure) -> String {
    failure.diagnostics.iter().find(|d| d.is_error()).map(|d| d.message.clone()).unwrap_or_default()
}

/// `(name, path)` for every document of the corpus.
fn specs(modules: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let readme = modules.join("@readme/oas-examples");
    let mut specs = Vec::new();
    for version in ["3.0", "3.1", "2.0"] {
        let dir = readme.join(version).join("json");
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                specs.push((format!("readme{}-{stem}", version.replace('.', "")), path.clone()));
            }
        }
    }
    specs.push(("github".into(), modules.join("@octokit/openapi/generated/api.github.com.json")));
    // OpenAPI 3.1: GitHub's webhooks (webhook-only, thousands of null type arrays) and Scalar's Galaxy (`$defs`,
    // `$id`, `$dynamicRef`).
    specs.push(("github-webhooks".into(), modules.join("@octokit/openapi-webhooks/generated/api.github.com.json")));
    specs.push(("scalar-galaxy".into(), modules.join("@scalar/galaxy/dist/latest.json")));
    specs.sort();
    Ok(specs)
}

/// Runs clippy (`-D warnings`) on every generated crate (models, client, and server with its fake) in one
/// workspace; returns the specs whose crates failed, with the first error of each.
fn check_all(
    root: &Path,
    out: &Path,
    outcomes: &BTreeMap<String, Outcome>,
) -> Result<BTreeMap<String, String>, String> {
    let generated: Vec<&String> =
        outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Generated { .. })).map(|(name, _)| name).collect();
    let mut members = vec!["conformance".to_string()];
    members
        .extend(generated.iter().flat_map(|name| ["models", "client", "server"].map(|side| format!("{name}-{side}"))));
    let fakes: Vec<String> = generated.iter().map(|name| format!("{name}-server/fake")).collect();
    clippy_failures(root, out, &members, &generated, &fakes.join(","))
}

/// Runs clippy (`-D warnings`, `--keep-going`) on `members`, the crates in `out`, as one workspace with `features`
/// on and the project's lock file; returns the specs of `specs` whose crates (`<spec>-models`, `-client`,
/// `-server` and their parts) failed, with the first error of each.
pub(crate) fn clippy_failures(
    root: &Path,
    out: &Path,
    members: &[String],
    specs: &[&String],
    features: &str,
) -> Result<BTreeMap<String, String>, String> {
    let members: Vec<String> = members.iter().map(|member| format!("{member:?}")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let output = cargo_in(out)
        .args(["clippy", "--workspace", "--keep-going", "--message-format=short", "--quiet", "--features", features])
        .args(["--", "-D", "warnings"])
        .output()
        .map_err(|e| format!("cargo clippy: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failures = BTreeMap::new();
    for line in stderr.lines() {
        // `--message-format=short`: `<crate dir>/…/lib.rs:L:C: error[E…]: message`
        if let Some((location, message)) = line.split_once(": error") {
            let krate = location.split('/').next().unwrap_or_default();
            if let Some(name) = spec_of(krate, specs) {
                let message = format!("error{}", message.chars().take(160).collect::<String>());
                failures.entry(name.clone()).or_insert(message);
            }
        }
    }
    for line in stderr.lines().filter(|l| l.contains("could not compile")) {
        if let Some(name) = line.split('`').nth(1).and_then(|krate| spec_of(krate, specs)) {
            failures.entry(name.clone()).or_insert_with(|| line.to_string());
        }
    }
    // Cargo can fail before any crate is built (a feature or a manifest it cannot read): that is no pass.
    if !output.status.success() && failures.is_empty() {
        return Err(format!("cargo clippy failed on no generated crate:\n{}", last_lines(&stderr)));
    }
    Ok(failures)
}

/// Cargo's last twenty lines of `stderr`, each cut at 300 characters (a failed rustc's command line names every
/// crate it links).
pub(crate) fn last_lines(stderr: &str) -> String {
    let last: Vec<String> = stderr.lines().rev().take(20).map(|line| line.chars().take(300).collect()).collect();
    last.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// The spec whose generated crates include `krate` (`<spec>-models`, `<spec>-client` or one of their parts).
fn spec_of<'s>(krate: &str, specs: &[&'s String]) -> Option<&'s String> {
    let is_of = |name: &String| {
        ["-models", "-client", "-server"]
            .iter()
            .any(|side| krate.strip_prefix(name.as_str()).is_some_and(|r| r.starts_with(side)))
    };
    specs.iter().copied().filter(|name| is_of(name)).max_by_key(|name| name.len())
}

fn report(outcomes: &BTreeMap<String, Outcome>, failures: &BTreeMap<String, String>) -> String {
    let count = |f: &dyn Fn(&Outcome) -> bool| outcomes.values().filter(|o| f(o)).count();
    let generated = count(&|o| matches!(o, Outcome::Generated { .. }));
    let compiled = count(&|o| matches!(o, Outcome::Generated { compiled: Some(true), .. }));
    let failed = count(&|o| matches!(o, Outcome::Failed(_)));
    let mut text = format!(
        "# specforge corpus report\n\n{} documents: {generated} generated, {compiled} of them compile clippy-clean; {failed} failed to generate (or a variant of them failed: minified JSON, YAML flow style, `$ref`-shaped example data).\n\n| spec | result |\n| --- | --- |\n",
        outcomes.len()
    );
    for (name, outcome) in outcomes {
        let result = match outcome {
            Outcome::Generated { warnings, compiled: Some(true) } => {
                format!("compiles clippy-clean ({warnings} specforge warnings)")
            }
            Outcome::Generated { warnings, .. } => format!(
                "generated ({warnings} specforge warnings), fails to compile or clippy: {}",
                failures.get(name).map_or("", String::as_str)
            ),
            Outcome::Failed(message) => format!("not generated: {message}"),
        };
        text.push_str(&format!("| {name} | {} |\n", result.replace('|', "\\|").replace('\n', " ")));
    }
    text
}
