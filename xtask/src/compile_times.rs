//! `cargo xtask compile-times [--check-only | --release-only]`: how long the generated crates of large APIs take
//! to compile.
//!
//! Generates GitHub's REST API (`tests/corpus/`) and the 1× synthetic spec into `target/bench/compile/`, one Cargo
//! workspace with its own target directory. Dependencies are built first against stub crates (same manifests, an
//! empty `lib.rs`), so each measurement is the generated crates alone: models and client (after touching the models),
//! then the client alone (after touching the client); the models' share is the difference; then the server with its
//! fake alone (after touching the server). Each API is measured with
//! all tags (the default) and with one tag's feature (`--no-default-features --features tag-…`) when it has tag
//! features, with `cargo check` and `cargo build --release` (or only one of them). Writes
//! `target/bench/compile-report.md`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::synthetic;

/// One API to measure and the tag whose feature is measured on its own.
struct Subject {
    name: &'static str,
    spec: PathBuf,
    one_tag: &'static str,
}

/// A Cargo profile as measured.
#[derive(Clone, Copy)]
enum Profile {
    Check,
    Release,
}

impl Profile {
    fn label(self) -> &'static str {
        match self {
            Profile::Check => "cargo check",
            Profile::Release => "cargo build --release",
        }
    }

    /// The directory under the target directory this profile builds into.
    fn target_subdir(self) -> &'static str {
        match self {
            Profile::Check => "debug",
            Profile::Release => "release",
        }
    }

    fn args(self) -> &'static [&'static str] {
        match self {
            Profile::Check => &["check"],
            Profile::Release => &["build", "--release"],
        }
    }
}

/// What to measure: which commands, and which APIs (all when `api` is `None`).
pub struct Selection {
    commands: Commands,
    api: Option<String>,
    split_models: specforge::SplitModels,
}

impl Selection {
    /// `[--check-only | --release-only] [--api NAME] [--split-models auto|never]`.
    pub fn parse(args: &[&str]) -> Result<Selection, String> {
        let mut selection =
            Selection { commands: Commands::Both, api: None, split_models: specforge::SplitModels::Auto };
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            match arg {
                "--check-only" => selection.commands = Commands::CheckOnly,
                "--release-only" => selection.commands = Commands::ReleaseOnly,
                "--api" => selection.api = Some(args.next().ok_or("--api takes github or synthetic")?.to_string()),
                "--split-models" => {
                    selection.split_models = match args.next() {
                        Some(&"auto") => specforge::SplitModels::Auto,
                        Some(&"never") => specforge::SplitModels::Never,
                        _ => return Err("--split-models takes auto or never".into()),
                    }
                }
                other => return Err(format!("compile-times does not take {other:?}")),
            }
        }
        Ok(selection)
    }
}

/// Which Cargo commands to measure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Commands {
    /// `cargo check` and `cargo build --release`.
    Both,
    /// `cargo check` only.
    CheckOnly,
    /// `cargo build --release` only.
    ReleaseOnly,
}

/// Generates the APIs, measures what `selection` asks for and writes `target/bench/compile-report.md`.
pub fn run(root: &Path, selection: Selection) -> Result<(), String> {
    let modules = crate::corpus::install(root)?;
    let bench = root.join("target/bench");
    let dir = bench.join("compile");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let synthetic_spec = bench.join("synthetic-1x.json");
    let text = serde_json::to_string_pretty(&synthetic::spec(1)).map_err(|e| e.to_string())?;
    std::fs::write(&synthetic_spec, text).map_err(|e| e.to_string())?;
    let subjects = [
        Subject {
            name: "github",
            spec: modules.join("@octokit/openapi/generated/api.github.com.json"),
            one_tag: "issues",
        },
        Subject { name: "synthetic", spec: synthetic_spec, one_tag: "tag0" },
    ];
    let subjects: Vec<Subject> =
        subjects.into_iter().filter(|s| selection.api.as_deref().is_none_or(|api| api == s.name)).collect();
    if subjects.is_empty() {
        return Err("--api takes github or synthetic".into());
    }

    let mut libs = Vec::new();
    for subject in &subjects {
        let options = specforge::Options {
            name: Some(subject.name.into()),
            split_models: selection.split_models,
            server: true,
            ..specforge::Options::new(&subject.spec)
        };
        let generated = specforge::generate(&options).map_err(|f| format!("{}: {f}", subject.spec.display()))?;
        generated.write_into(&dir).map_err(|e| e.to_string())?;
        // Every crate's `lib.rs`: the client's, the models' and, when the models are split, each part's.
        for krate in generated.crates() {
            for (relative, text) in &krate.files {
                if relative.ends_with("src/lib.rs") {
                    libs.push((dir.join(&krate.dir_name).join(relative), text.clone()));
                }
            }
        }
    }
    let members: Vec<String> = subjects
        .iter()
        .flat_map(|s| ["models", "client", "server"].map(|side| format!("\"{}-{side}\"", s.name)))
        .collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;

    let profiles: &[Profile] = match selection.commands {
        Commands::Both => &[Profile::Check, Profile::Release],
        Commands::CheckOnly => &[Profile::Check],
        Commands::ReleaseOnly => &[Profile::Release],
    };
    let mut report = String::from(
        "| API | command | features | models + client | client alone | models alone | server (with fake) alone | peak rustc memory |\n\
         | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for &profile in profiles {
        let runs: Vec<(&Subject, String, Vec<String>)> = subjects
            .iter()
            .flat_map(|subject| {
                selections(&dir, subject).into_iter().map(move |(label, flags)| (subject, label, flags))
            })
            .collect();
        for (path, _) in &libs {
            std::fs::write(path, "//! Stub while dependencies build.\n").map_err(|e| e.to_string())?;
        }
        for (subject, _, flags) in &runs {
            timed_cargo(&dir, profile, subject, Side::Client, flags)?;
            timed_cargo(&dir, profile, subject, Side::Server, flags)?;
        }
        for (path, text) in &libs {
            std::fs::write(path, text).map_err(|e| e.to_string())?;
        }
        for (subject, label, flags) in &runs {
            touch(&libs, &dir.join(format!("{}-models", subject.name)))?;
            let both = timed_cargo(&dir, profile, subject, Side::Client, flags)?;
            touch(&libs, &dir.join(format!("{}-client", subject.name)))?;
            let client = timed_cargo(&dir, profile, subject, Side::Client, flags)?;
            // The models again under the server's dependency features (they may differ from the client's), then
            // the server alone.
            timed_cargo(&dir, profile, subject, Side::Server, flags)?;
            touch(&libs, &dir.join(format!("{}-server", subject.name)))?;
            let server = timed_cargo(&dir, profile, subject, Side::Server, flags)?;
            let line = format!(
                "| {} | {} | {label} | {:.1} s | {:.1} s | {:.1} s | {:.1} s | {} |\n",
                subject.name,
                profile.label(),
                both.seconds,
                client.seconds,
                both.seconds - client.seconds,
                server.seconds,
                mib(both.peak_mib.max(client.peak_mib).max(server.peak_mib)),
            );
            eprint!("{line}");
            report.push_str(&line);
        }
    }
    println!("\n{report}");
    std::fs::write(bench.join("compile-report.md"), &report).map_err(|e| e.to_string())
}

/// The feature selections measured for `subject`: the default (all tags), and its one tag alone when the API has
/// tag features.
fn selections(dir: &Path, subject: &Subject) -> Vec<(String, Vec<String>)> {
    let manifest = std::fs::read_to_string(dir.join(format!("{}-models/Cargo.toml", subject.name))).unwrap_or_default();
    let tag_feature = format!("tag-{}", subject.one_tag);
    let mut selections = vec![("default (all tags)".to_string(), Vec::new())];
    if manifest.contains(&format!("\n{tag_feature} = ")) {
        selections.push((
            format!("only `{tag_feature}`"),
            vec!["--no-default-features".into(), "--features".into(), tag_feature],
        ));
    }
    selections
}

/// Rewrites the `lib.rs` of every crate under `crate_dir` (a split models crate's parts too) so Cargo rebuilds them.
fn touch(libs: &[(PathBuf, String)], crate_dir: &Path) -> Result<(), String> {
    let mut touched = 0;
    for (path, text) in libs.iter().filter(|(path, _)| path.starts_with(crate_dir)) {
        std::fs::write(path, text).map_err(|e| e.to_string())?;
        touched += 1;
    }
    if touched == 0 {
        return Err(format!("no generated source under {}", crate_dir.display()));
    }
    Ok(())
}

/// GNU time, which reports a command's peak memory (Debian's `time` package).
const GNU_TIME: &str = "/usr/bin/time";

/// What one Cargo run took.
#[derive(Clone, Copy)]
struct Measured {
    seconds: f64,
    /// The peak resident memory of the largest process (rustc), when GNU time is there to tell.
    peak_mib: Option<u64>,
}

/// A peak in MiB for the report, or `–` when unknown.
fn mib(peak: Option<u64>) -> String {
    peak.map_or_else(|| "–".to_string(), |mib| format!("{mib} MiB"))
}

/// Which generated crate a run builds (with the models crate under it).
#[derive(Clone, Copy)]
enum Side {
    Client,
    /// The server, with its `fake` feature.
    Server,
}

/// Seconds one Cargo run on a subject's client or server crate (and so its models crate) takes. Every run of a side
/// selects the same package and features, so dependencies keep one feature set and are never rebuilt between runs.
fn timed_cargo(
    dir: &Path,
    profile: Profile,
    subject: &Subject,
    side: Side,
    flags: &[String],
) -> Result<Measured, String> {
    let krate = match side {
        Side::Client => format!("{}-client", subject.name),
        Side::Server => format!("{}-server", subject.name),
    };
    let fake = format!("{krate}/fake");
    let mut extra = vec!["-p", krate.as_str()];
    if matches!(side, Side::Server) {
        extra.extend(["--features", fake.as_str()]);
    }
    extra.extend(flags.iter().map(String::as_str));
    // A first build, as a user gets it: nothing left from an earlier build of the same crate to reuse.
    let incremental = dir.join("target").join(profile.target_subdir()).join("incremental");
    if incremental.exists() {
        std::fs::remove_dir_all(&incremental).map_err(|e| format!("{}: {e}", incremental.display()))?;
    }
    let peak_file = dir.join("peak-rss.txt");
    let _ = std::fs::remove_file(&peak_file);
    let started = Instant::now();
    let status = cargo(dir, profile.args(), &extra, &peak_file).status().map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let peak_kib = std::fs::read_to_string(&peak_file).ok().and_then(|text| text.trim().parse::<u64>().ok());
    if status.success() {
        Ok(Measured { seconds, peak_mib: peak_kib.map(|kib| kib / 1024) })
    } else {
        Err(format!("{} {} failed ({status})", profile.label(), extra.join(" ")))
    }
}

/// `cargo <command> <extra>` in `dir`, under GNU time when the machine has it: it writes the peak resident memory
/// of the largest process cargo ran (the biggest rustc) to `peak_file`, in KiB.
fn cargo(dir: &Path, command: &[&str], extra: &[&str], peak_file: &Path) -> Command {
    let mut cargo = if Path::new(GNU_TIME).exists() {
        let mut time = Command::new(GNU_TIME);
        time.args(["-f", "%M", "-o"]).arg(peak_file).arg(env!("CARGO"));
        time
    } else {
        Command::new(env!("CARGO"))
    };
    cargo
        .args(command)
        .args(["--quiet", "--offline"])
        .args(extra)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"));
    cargo
}
