//! `cargo xtask side-by-side [--ploidy PATH] [--rounds N] [--compile]`: specforge against Ploidy, and against a
//! plain JSON parse, in one run.
//!
//! The input is GitHub's REST description (`tests/corpus/`) with every `example` and `examples` removed, so both
//! generators accept it. After a first round that only warms the caches, each round runs, one after the other, Python's `json.load` of the file, `specforge generate`
//! (the release build) and `ploidy generate rust`, as whole processes under GNU time (wall time and peak memory);
//! the report gives each one's median and the ratios. With `--compile`, the generated crates are compiled side by
//! side: one workspace holds specforge's models and client and Ploidy's crate, its dependencies are built once, then
//! each round touches one generator's sources and times `cargo check` of them (with the peak memory of the largest
//! rustc), alternating, for at most two rounds (Ploidy's crate takes minutes to check). Writes `target/bench/side-by-side.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// What to run.
pub struct Settings {
    ploidy: PathBuf,
    rounds: usize,
    compile: bool,
}

impl Settings {
    /// `[--ploidy PATH] [--rounds N] [--compile]`; Ploidy is `ploidy` on the `PATH` unless named.
    pub fn parse(args: &[&str]) -> Result<Settings, String> {
        let mut settings = Settings { ploidy: PathBuf::from("ploidy"), rounds: 5, compile: false };
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            match arg {
                "--ploidy" => settings.ploidy = PathBuf::from(args.next().ok_or("--ploidy takes a path")?),
                "--rounds" => {
                    let rounds = args.next().ok_or("--rounds takes a number")?;
                    settings.rounds = rounds.parse().map_err(|_| format!("--rounds takes a number, not {rounds:?}"))?;
                }
                "--compile" => settings.compile = true,
                other => return Err(format!("side-by-side does not take {other:?}")),
            }
        }
        Ok(settings)
    }
}

/// One process run: wall seconds and peak resident memory in MiB.
#[derive(Clone, Copy)]
struct Run {
    seconds: f64,
    peak_mib: f64,
}

/// Runs the comparison as `settings` says, prints the report and writes it to `target/bench/side-by-side.md`.
pub fn run(root: &Path, settings: Settings) -> Result<(), String> {
    let version = Command::new(&settings.ploidy).arg("--version").output().map_err(|e| {
        format!(
            "cannot run {} ({e}): install it with `cargo install ploidy --version 0.15.0`",
            settings.ploidy.display()
        )
    })?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let modules = crate::corpus::install(root)?;
    let dir = root.join("target/bench/side-by-side");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let spec = dir.join("github-noex.json");
    let original = modules.join("@octokit/openapi/generated/api.github.com.json");
    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(&original).map_err(|e| format!("{}: {e}", original.display()))?)
            .map_err(|e| e.to_string())?;
    strip_examples(&mut document, false);
    std::fs::write(&spec, serde_json::to_string(&document).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    crate::run("cargo", &["build", "--release", "-p", "specforge"])?;
    let specforge = root.join("target/release/specforge");

    let (sf_out, pl_out) = (dir.join("specforge-out"), dir.join("ploidy-out"));
    let mut parse = Vec::new();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    // Round 0 warms the caches (the binaries, the file) and is not counted.
    for round in 0..=settings.rounds {
        let _ = std::fs::remove_dir_all(&sf_out);
        let _ = std::fs::remove_dir_all(&pl_out);
        parse.push(timed(
            Command::new("python3").args(["-c", "import json, sys; json.load(open(sys.argv[1]))"]).arg(&spec),
            &dir,
        )?);
        ours.push(timed(
            Command::new(&specforge).arg("generate").arg(&spec).args(["--name", "gh", "--out"]).arg(&sf_out),
            &dir,
        )?);
        theirs.push(timed(
            Command::new(&settings.ploidy)
                .args(["generate", "rust"])
                .arg(&spec)
                .arg("-o")
                .arg(pl_out.join("pl"))
                .args(["--name", "pl"]),
            &dir,
        )?);
        let last = |runs: &[Run]| runs.last().map_or(0.0, |run| run.seconds);
        eprintln!(
            "round {round}: json.load {:.2} s, specforge {:.2} s, ploidy {:.2} s",
            last(&parse),
            last(&ours),
            last(&theirs)
        );
        if round == 0 {
            parse.clear();
            ours.clear();
            theirs.clear();
        }
    }
    let size_mib = std::fs::metadata(&spec).map_err(|e| e.to_string())?.len() as f64 / 1_048_576.0;
    let (parse, ours, theirs) = (median(&parse), median(&ours), median(&theirs));
    let mut report = format!(
        "GitHub's REST description without examples ({size_mib:.1} MiB of minified JSON), {} rounds, medians; \
         {version}.\n\n\
         | | json.load | specforge | Ploidy | specforge ÷ Ploidy | specforge ÷ json.load |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n\
         | generate, wall | {:.2} s | {:.2} s | {:.2} s | **{:.2}×** | **{:.2}×** |\n\
         | peak memory | {:.0} MiB | {:.0} MiB | {:.0} MiB | {:.2}× | |\n",
        settings.rounds,
        parse.seconds,
        ours.seconds,
        theirs.seconds,
        ours.seconds / theirs.seconds,
        ours.seconds / parse.seconds,
        parse.peak_mib,
        ours.peak_mib,
        theirs.peak_mib,
        ours.peak_mib / theirs.peak_mib,
    );
    if settings.compile {
        report.push_str(&compile(root, &dir, &sf_out, &pl_out, settings.rounds.min(2))?);
    }
    println!("\n{report}");
    std::fs::write(root.join("target/bench/side-by-side.md"), &report).map_err(|e| e.to_string())
}

/// Removes every `example` and `examples` of a description (Ploidy refuses some of GitHub's), but not properties of
/// those names (`properties` maps) nor anything inside an example.
fn strip_examples(value: &mut Value, in_properties: bool) {
    match value {
        Value::Object(map) => {
            if !in_properties {
                map.remove("example");
                map.remove("examples");
            }
            for (key, child) in map.iter_mut() {
                strip_examples(child, !in_properties && key == "properties");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| strip_examples(item, false)),
        _ => {}
    }
}

/// The median of runs by wall time, with the highest peak memory of all of them.
fn median(runs: &[Run]) -> Run {
    let mut seconds: Vec<f64> = runs.iter().map(|run| run.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let peak_mib = runs.iter().map(|run| run.peak_mib).fold(0.0, f64::max);
    Run { seconds: seconds[seconds.len() / 2], peak_mib }
}

/// Runs `command` under GNU time: its wall time and peak memory (of its largest process).
fn timed(command: &mut Command, dir: &Path) -> Result<Run, String> {
    let measure = dir.join("time.txt");
    let program = command.get_program().to_owned();
    let mut timed = Command::new("/usr/bin/time");
    timed.args(["-f", "%e %M", "-o"]).arg(&measure).arg(&program).args(command.get_args());
    if let Some(cwd) = command.get_current_dir() {
        timed.current_dir(cwd);
    }
    timed.envs(command.get_envs().filter_map(|(key, value)| Some((key, value?))));
    let output = timed.output().map_err(|e| format!("/usr/bin/time {}: {e}", program.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            program.to_string_lossy(),
            String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or_default()
        ));
    }
    let text = std::fs::read_to_string(&measure).map_err(|e| e.to_string())?;
    let mut fields = text.split_whitespace();
    let seconds = fields.next().and_then(|s| s.parse().ok()).ok_or("no time from GNU time")?;
    let kib: f64 = fields.next().and_then(|s| s.parse().ok()).ok_or("no peak from GNU time")?;
    Ok(Run { seconds, peak_mib: kib / 1024.0 })
}

/// `cargo check` of each generator's crates, side by side in one workspace: the report's section.
fn compile(root: &Path, dir: &Path, sf_out: &Path, pl_out: &Path, rounds: usize) -> Result<String, String> {
    let workspace = dir.join("compile");
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(&workspace).map_err(|e| e.to_string())?;
    for source in [sf_out.join("gh-models"), sf_out.join("gh-client"), pl_out.join("pl")] {
        let name = source.file_name().unwrap_or_default().to_owned();
        std::fs::rename(&source, workspace.join(name)).map_err(|e| format!("{}: {e}", source.display()))?;
    }
    std::fs::write(
        workspace.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"gh-models\", \"gh-client\", \"pl\"]\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let check = |package: &str| {
        let mut command = Command::new(env!("CARGO"));
        command
            .args(["check", "--quiet", "-p", package])
            .current_dir(&workspace)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", workspace.join("target"));
        command
    };
    // Everything once, so each measured run rebuilds one generator's crates and nothing else.
    timed(&mut check("gh-client"), dir)?;
    timed(&mut check("pl"), dir)?;
    let sources = |crate_dir: &str| -> Vec<PathBuf> {
        let mut files = Vec::new();
        collect_libs(&workspace.join(crate_dir), &mut files);
        files
    };
    let (ours_libs, theirs_libs) = ([sources("gh-models"), sources("gh-client")].concat(), sources("pl"));
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        touch(&ours_libs)?;
        ours.push(timed(&mut check("gh-client"), dir)?);
        touch(&theirs_libs)?;
        theirs.push(timed(&mut check("pl"), dir)?);
        eprintln!(
            "cargo check: specforge {:.1} s ({:.0} MiB), ploidy {:.1} s ({:.0} MiB)",
            ours.last().map_or(0.0, |r| r.seconds),
            ours.last().map_or(0.0, |r| r.peak_mib),
            theirs.last().map_or(0.0, |r| r.seconds),
            theirs.last().map_or(0.0, |r| r.peak_mib)
        );
    }
    let (ours, theirs) = (median(&ours), median(&theirs));
    Ok(format!(
        "| `cargo check` of the generated crates (dependencies built) | | {:.1} s | {:.1} s | **{:.2}×** | |\n\
         | peak rustc memory of that check | | {:.0} MiB | {:.0} MiB | {:.2}× | |\n",
        ours.seconds,
        theirs.seconds,
        ours.seconds / theirs.seconds,
        ours.peak_mib,
        theirs.peak_mib,
        ours.peak_mib / theirs.peak_mib,
    ))
}

/// Every `lib.rs` under `dir` (a split crate's parts too).
fn collect_libs(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && path.file_name().is_some_and(|name| name != "target") {
            collect_libs(&path, files);
        } else if path.file_name().is_some_and(|name| name == "lib.rs") {
            files.push(path);
        }
    }
}

/// Rewrites `files` unchanged, so Cargo rebuilds their crates.
fn touch(files: &[PathBuf]) -> Result<(), String> {
    for file in files {
        let text = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        std::fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}
