//! `cargo xtask bench`: the generator's benchmarks with their inputs, and a report.
//!
//! Installs GitHub's spec (`tests/corpus/`), writes the synthetic specs at scales 1, 2 and 4, runs the criterion
//! benches (`generator/benches/generate.rs`), then runs the release CLI (`specforge generate --timings`, writing
//! the crates) five times on each spec, and writes `target/bench/report.md`: per spec its size, the criterion means
//! of parsing the JSON alone and of each phase and the whole generation, their ratio, the CLI's median wall time,
//! and its highest peak memory over the runs against the spec's size.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::synthetic;

/// Runs the benchmarks on every spec and writes `target/bench/report.md`.
pub fn run(root: &Path) -> Result<(), String> {
    let modules = crate::corpus::install(root)?;
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    for scale in [1, 2, 4] {
        let text = serde_json::to_string_pretty(&synthetic::spec(scale)).map_err(|e| e.to_string())?;
        std::fs::write(bench_dir.join(format!("synthetic-{scale}x.json")), text).map_err(|e| e.to_string())?;
    }
    crate::run("cargo", &["bench", "-p", "specforge", "--bench", "generate"])?;
    crate::run("cargo", &["build", "--release", "-p", "specforge"])?;

    let mut specs: Vec<(String, PathBuf, Vec<PathBuf>)> = specforge::spec_set(&root.join("specs"))
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|o| (o.name.clone().unwrap_or_default(), o.spec, o.overlays))
        .collect();
    for scale in [1, 2, 4] {
        specs.push((format!("synthetic-{scale}x"), bench_dir.join(format!("synthetic-{scale}x.json")), Vec::new()));
    }
    specs.push(("github".into(), modules.join("@octokit/openapi/generated/api.github.com.json"), Vec::new()));

    let mut report = String::from(
        "| spec | size | parse JSON | load | lower | emit | end to end | end to end / parse | CLI run (median) | peak memory (max) | memory / size |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (name, spec, overlays) in specs {
        let size = std::fs::metadata(&spec).map_err(|e| format!("{}: {e}", spec.display()))?.len() as f64 / 1_048_576.0;
        let mean = |bench: &str| criterion_mean_ms(root, &name, bench);
        let (parse, end_to_end) = (mean("parse_json"), mean("end_to_end"));
        let (cli_ms, peak) = cli_runs(root, &spec, &overlays, &bench_dir.join("out"))?;
        let ms = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1} ms"));
        let ratio = match (end_to_end, parse) {
            (Some(e), Some(p)) if p > 0.0 => format!("{:.1}×", e / p),
            _ => "–".to_string(),
        };
        report.push_str(&format!(
            "| {name} | {size:.2} MiB | {} | {} | {} | {} | {} | {ratio} | {cli_ms:.0} ms | {peak:.0} MiB | {:.1}× |\n",
            ms(parse),
            ms(mean("load")),
            ms(mean("lower")),
            ms(mean("emit")),
            ms(end_to_end),
            peak / size
        ));
    }
    println!("\n{report}");
    std::fs::write(bench_dir.join("report.md"), &report).map_err(|e| e.to_string())
}

/// The mean of a criterion benchmark, in milliseconds, from `target/criterion/<group>/<bench>/new/estimates.json`.
fn criterion_mean_ms(root: &Path, group: &str, bench: &str) -> Option<f64> {
    let path = root.join("target/criterion").join(group).join(bench).join("new/estimates.json");
    let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(estimates["mean"]["point_estimate"].as_f64()? / 1_000_000.0)
}

/// How many times the CLI runs per spec.
const CLI_RUNS: usize = 5;

/// The median wall time (ms) and the highest peak memory (MiB) of [`CLI_RUNS`] `specforge generate` runs.
fn cli_runs(root: &Path, spec: &Path, overlays: &[PathBuf], out: &Path) -> Result<(f64, f64), String> {
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..CLI_RUNS {
        let mut command = Command::new(root.join("target/release/specforge"));
        command.arg("generate").arg(spec).args(["--name", "bench", "--timings", "--out"]).arg(out);
        for overlay in overlays {
            command.arg("--overlay").arg(overlay);
        }
        let started = std::time::Instant::now();
        let output = command.output().map_err(|e| format!("specforge: {e}"))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let run_peak = stderr
            .lines()
            .find_map(|line| {
                line.strip_prefix("timings:")?
                    .split("peak memory ")
                    .nth(1)?
                    .trim()
                    .strip_suffix(" MiB")?
                    .parse::<f64>()
                    .ok()
            })
            .ok_or_else(|| format!("no timings from specforge on {}: {stderr}", spec.display()))?;
        peak = peak.max(run_peak);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], peak))
}
