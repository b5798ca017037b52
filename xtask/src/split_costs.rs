//! `cargo xtask split-costs`: the models split's cost model against measured builds, and the model fitted again.
//!
//! Generates the models of five corpus documents into `target/bench/split-costs/` (GitHub's description, the same
//! dereferenced and GitHub webhooks' description as they split, ReadMe's largest example and its Star Trek API each
//! as one crate), builds them with `cargo build --release` under a `RUSTC_WRAPPER` that records every rustc's peak
//! memory (GNU time), and prints, per models crate, the peak measured beside the one the cost model (`specforge`'s
//! `plan::split::cost`) estimates. Then it fits the model's coefficients again (least squares) to the measurements and prints them beside
//! the model's, so that a new rustc, or a change in what the models look like, shows as a change in the fit. The
//! facades and support crates (which hold no types) are measured but not part of the fit. Writes
//! `target/bench/split-costs.md`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use specforge::SplitModels;
use specforge::internals::{Api, ModelsSplit, TypeGraph, split_cost};

/// GNU time, which reports a command's peak memory (Debian's `time` package).
const GNU_TIME: &str = "/usr/bin/time";

/// The names of the model's terms, in the order of a [`Crate`]'s `terms`.
const TERMS: [&str; 6] = ["base", "struct or union", "field or variant", "enum", "enum value", "imported part"];

/// One models crate: its Rust name and what the cost model counts in it.
struct Crate {
    name: String,
    /// 1 (the base), then [`split_cost::counts`] summed over its types, then the parts it imports.
    terms: [f64; 6],
}

impl Crate {
    fn new(name: String, api: &Api, members: &[usize], dependencies: usize) -> Crate {
        let mut terms = [0.0; 6];
        terms[0] = 1.0;
        for &member in members {
            for (term, count) in terms[1..5].iter_mut().zip(split_cost::counts(&api.types[member].kind)) {
                *term += count as f64;
            }
        }
        terms[5] = dependencies as f64;
        Crate { name, terms }
    }

    /// The model's estimate, in MiB.
    fn estimated_mib(&self) -> f64 {
        model_coefficients().iter().zip(self.terms).map(|(kib, term)| kib * term).sum::<f64>() / 1024.0
    }
}

/// The model's coefficients in KiB, in the order of [`TERMS`].
fn model_coefficients() -> [f64; 6] {
    let [a, b, c, d] = split_cost::KIB_PER_COUNT.map(|kib| kib as f64);
    [split_cost::BASE_KIB as f64, a, b, c, d, split_cost::DEPENDENCY_KIB as f64]
}

/// Generates, builds and reports (see the module docs).
pub fn run(root: &Path) -> Result<(), String> {
    if !Path::new(GNU_TIME).exists() {
        return Err(format!("{GNU_TIME} (GNU time) is needed to measure peak memory"));
    }
    let modules = crate::corpus::install(root)?;
    let dir = root.join("target/bench/split-costs");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let subjects = [
        ("github", modules.join("@octokit/openapi/generated/api.github.com.json"), SplitModels::Auto),
        ("github-deref", modules.join("@octokit/openapi/generated/api.github.com.deref.json"), SplitModels::Auto),
        ("github-webhooks", modules.join("@octokit/openapi-webhooks/generated/api.github.com.json"), SplitModels::Auto),
        ("readme", modules.join("@readme/oas-examples/3.1/json/readme.json"), SplitModels::Never),
        ("star-trek", modules.join("@readme/oas-examples/3.0/json/star-trek.json"), SplitModels::Never),
    ];
    let mut crates = Vec::new();
    let mut members = Vec::new();
    for (name, spec, split_models) in &subjects {
        let options = specforge::Options {
            name: Some(name.to_string()),
            split_models: *split_models,
            ..specforge::Options::new(spec)
        };
        let generated = specforge::generate(&options).map_err(|failure| format!("{name}: {failure}"))?;
        generated.models.write_into(&dir).map_err(|e| format!("{name}: {e}"))?;
        members.push(format!("\"{name}-models\""));
        crates.extend(model_crates(spec, name, *split_models)?);
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;

    let measured = build(&dir)?;
    let report = report(&crates, &measured);
    println!("{report}");
    let path = root.join("target/bench/split-costs.md");
    std::fs::write(&path, &report).map_err(|e| format!("{}: {e}", path.display()))
}

/// The models crates specforge makes of `spec` (its parts when split), with what the cost model counts in each.
fn model_crates(spec: &Path, name: &str, split_models: SplitModels) -> Result<Vec<Crate>, String> {
    let loaded = specforge::internals::load(spec, &[], &[]).map_err(|_| format!("{name}: does not load"))?;
    let config = specforge::Config::default();
    let settings = specforge::internals::Settings { keep_unknown_fields: false, config: &config, server: false };
    let api = specforge::internals::lower(loaded, settings).0.ok_or(format!("{name}: does not lower"))?;
    let graph = TypeGraph::new(&api.types);
    let models = format!("{name}_models").replace('-', "_");
    Ok(match ModelsSplit::new(&api.types, &graph, split_models) {
        None => vec![Crate::new(models, &api, &(0..api.types.len()).collect::<Vec<_>>(), 0)],
        Some(split) => split
            .parts
            .iter()
            .map(|part| {
                let name = format!("{models}_{}", part.label.replace('-', "_"));
                Crate::new(name, &api, &part.members, part.dependencies.len())
            })
            .collect(),
    })
}

/// Builds the workspace in `dir` in release under a wrapper that records each rustc's peak; returns the peaks in
/// MiB by crate name (the largest, should a crate be built more than once).
fn build(dir: &Path) -> Result<BTreeMap<String, f64>, String> {
    let wrapper = dir.join("peak-rustc.sh");
    let peaks = dir.join("peaks.txt");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n# RUSTC_WRAPPER: rustc under GNU time, appending `<peak KiB> <args>` to $PEAKS.\n\
             exec {GNU_TIME} -a -o \"$PEAKS\" -f '%M %C' \"$@\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    make_executable(&wrapper)?;
    let _ = std::fs::remove_file(&peaks);
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--workspace", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTC_WRAPPER", &wrapper)
        .env("PEAKS", &peaks)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release failed ({status})"));
    }
    let text = std::fs::read_to_string(&peaks).map_err(|e| format!("{}: {e}", peaks.display()))?;
    let mut measured: BTreeMap<String, f64> = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(kib) = words.next().and_then(|kib| kib.parse::<f64>().ok()) else { continue };
        let words: Vec<&str> = words.collect();
        let Some(name) = words.windows(2).find(|pair| pair[0] == "--crate-name").map(|pair| pair[1]) else { continue };
        let peak = measured.entry(name.to_string()).or_default();
        *peak = peak.max(kib / 1024.0);
    }
    Ok(measured)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), String> {
    Err("measuring peak memory needs GNU time on a Unix system".into())
}

/// The table of measured and estimated peaks, the model's largest error, and the coefficients fitted again.
fn report(crates: &[Crate], measured: &BTreeMap<String, f64>) -> String {
    let mut out = String::from(
        "# The models split's cost model against `cargo build --release`\n\n\
         | crate | measured peak | estimated | error |\n| --- | ---: | ---: | ---: |\n",
    );
    let mut rows: Vec<(&Crate, f64)> = Vec::new();
    for krate in crates {
        let Some(&peak) = measured.get(&krate.name) else { continue };
        let estimate = krate.estimated_mib();
        out.push_str(&format!(
            "| {} | {peak:.0} MiB | {estimate:.0} MiB | {:+.0} MiB |\n",
            krate.name,
            estimate - peak
        ));
        rows.push((krate, peak));
    }
    let largest_peak = rows.iter().map(|(_, peak)| *peak).fold(0.0, f64::max);
    let worst = rows.iter().map(|(krate, peak)| (krate.estimated_mib() - peak).abs()).fold(0.0, f64::max);
    out.push_str(&format!(
        "\n{} crates; largest measured peak {largest_peak:.0} MiB; the model's largest error {worst:.0} MiB.\n",
        rows.len()
    ));
    out.push_str("\n| term | model | fitted to these builds |\n| --- | ---: | ---: |\n");
    let fitted = least_squares(&rows);
    for (index, term) in TERMS.iter().enumerate() {
        let fitted = fitted
            .as_ref()
            .and_then(|fitted| fitted[index])
            .map_or_else(|| "– (not in these crates)".to_string(), |kib| format!("{kib:.0} KiB"));
        out.push_str(&format!("| {term} | {:.0} KiB | {fitted} |\n", model_coefficients()[index]));
    }
    if fitted.is_none() {
        out.push_str("\nThe fit failed: the crates measured do not tell the terms apart.\n");
    }
    out
}

/// Coefficients (KiB) that best fit `rows` (terms, peak in MiB), by least squares over the terms that are not zero
/// in every row (`None` for the others); `None` when those terms cannot be told apart.
fn least_squares(rows: &[(&Crate, f64)]) -> Option<Vec<Option<f64>>> {
    let used: Vec<usize> =
        (0..TERMS.len()).filter(|&term| rows.iter().any(|(krate, _)| krate.terms[term] != 0.0)).collect();
    let n = used.len();
    // The normal equations (XᵀX) c = Xᵀy, solved by Gaussian elimination with partial pivoting.
    let mut matrix = vec![vec![0.0; n + 1]; n];
    for (krate, peak) in rows {
        for (i, &a) in used.iter().enumerate() {
            for (j, &b) in used.iter().enumerate() {
                matrix[i][j] += krate.terms[a] * krate.terms[b];
            }
            matrix[i][n] += krate.terms[a] * peak * 1024.0;
        }
    }
    // A pivot this small next to the matrix's diagonal means two terms always came together.
    let scale = (0..n).map(|i| matrix[i][i].abs()).fold(0.0, f64::max);
    for column in 0..n {
        let pivot = (column..n).max_by(|&x, &y| matrix[x][column].abs().total_cmp(&matrix[y][column].abs()))?;
        if matrix[pivot][column].abs() <= scale * 1e-12 {
            return None;
        }
        matrix.swap(column, pivot);
        for row in 0..n {
            if row != column {
                let factor = matrix[row][column] / matrix[column][column];
                let pivot_row = matrix[column].clone();
                for (cell, pivot_cell) in matrix[row].iter_mut().zip(pivot_row) {
                    *cell -= factor * pivot_cell;
                }
            }
        }
    }
    let mut fitted = vec![None; TERMS.len()];
    for (i, &term) in used.iter().enumerate() {
        fitted[term] = Some(matrix[i][n] / matrix[i][i]);
    }
    Some(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn krate(terms: [f64; 6]) -> Crate {
        Crate { name: String::new(), terms }
    }

    #[test]
    fn least_squares_recovers_the_coefficients_of_exact_data_and_skips_absent_terms() {
        // Peaks (MiB) made from known coefficients (KiB): base 100 MiB, 2 MiB per struct, 0.5 MiB per field,
        // no enums anywhere, 10 MiB per import.
        let truth = [102_400.0, 2_048.0, 512.0, 0.0, 0.0, 10_240.0];
        let terms = [
            [1.0, 10.0, 40.0, 0.0, 0.0, 0.0],
            [1.0, 20.0, 30.0, 0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0, 0.0, 0.0, 3.0],
            [1.0, 30.0, 200.0, 0.0, 0.0, 2.0],
            [1.0, 5.0, 10.0, 0.0, 0.0, 6.0],
            [1.0, 60.0, 100.0, 0.0, 0.0, 4.0],
        ];
        let crates: Vec<Crate> = terms.iter().map(|&terms| krate(terms)).collect();
        let rows: Vec<(&Crate, f64)> = crates
            .iter()
            .map(|krate| (krate, krate.terms.iter().zip(truth).map(|(t, c)| t * c).sum::<f64>() / 1024.0))
            .collect();
        let fitted = least_squares(&rows).expect("a fit");
        assert_eq!(fitted[3..5], [None, None], "terms no crate has are not fitted");
        for (index, expected) in truth.iter().enumerate().filter(|&(index, _)| !(3..5).contains(&index)) {
            let got = fitted[index].expect("fitted");
            assert!((got - expected).abs() < 1e-3, "{}: {got} ≠ {expected}", TERMS[index]);
        }
    }

    #[test]
    fn least_squares_refuses_terms_it_cannot_tell_apart() {
        // Every crate has as many fields as structs: the two terms are one.
        let crates: Vec<Crate> = [1.0, 2.0, 3.0].iter().map(|&n| krate([1.0, n, n, 0.0, 0.0, 0.0])).collect();
        let rows: Vec<(&Crate, f64)> = crates.iter().map(|krate| (krate, 100.0 + krate.terms[1])).collect();
        assert!(least_squares(&rows).is_none());
    }
}
