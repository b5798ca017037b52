//! The `specforge` command line: `generate` writes the two crates, `check` only reports problems.
//!
//! Exit codes: 0 ok, 1 the spec has errors (or the output could not be written), 2 bad usage.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use specforge::{Diagnostic, Options};

/// Generation allocates many small token trees and strings from two threads; mimalloc handles that pattern much
/// faster than the system allocator (measured on GitHub's spec, see the README's performance table).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks for them, and when another process has just
/// freed a lot of memory the kernel hands them out and zeroes 2 MiB at a time: GitHub's description then took
/// 0.87–1.08 s to generate right after another generator's run, against 0.49–0.59 s without (2026-12-05, this
/// 2-core Linux machine); run after run, the difference is within the noise.
fn no_huge_pages() {
    #[cfg(all(feature = "mimalloc", target_os = "linux"))]
    // SAFETY: `PR_SET_THP_DISABLE` takes plain integers and only sets a flag of this process; a kernel without it
    // returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 → Rust: a serde models crate and an async reqwest client crate.
#[derive(Parser)]
#[command(name = "specforge", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate `<OUT>/<NAME>-models` and `<OUT>/<NAME>-client` from a spec.
    Generate {
        /// The Swagger 2.0 or OpenAPI 3.0, 3.1 or 3.2 document (YAML or JSON); `-` reads it from standard input.
        spec: PathBuf,
        /// Directory to write the two crates into.
        #[arg(long)]
        out: PathBuf,
        /// Crate name stem, in lower case; defaults from the spec's title.
        #[arg(long)]
        name: Option<String>,
        /// OpenAPI Overlay 1.0 documents to apply first, in order.
        #[arg(long = "overlay")]
        overlays: Vec<PathBuf>,
        /// One Cargo feature per tag, so users compile only the operations they call: `auto` does it for large
        /// APIs (100+ operations under 2+ tags).
        #[arg(long, value_enum, default_value_t = Choice::Auto)]
        tag_features: Choice,
        /// Split the models and the client into several crates each that compile in parallel, behind the models and
        /// client crates that re-export them: `auto` does it when one models crate would need more than about 768 MiB
        /// to build, and for clients of 300+ operations.
        #[arg(long, value_enum, default_value_t = Choice::Auto)]
        split_models: Choice,
        /// A local copy of a remote document that `$ref`s name, as `URL=FILE` (repeatable); nothing is fetched.
        #[arg(long = "ref-map", value_name = "URL=FILE", value_parser = parse_ref_map)]
        ref_map: Vec<(String, PathBuf)>,
        /// The configuration (`specforge.toml`: package metadata, operations, types, derives, names); by default
        /// `<stem>.specforge.toml` beside the spec, else `specforge.toml` in its directory, if there is one.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Keep the properties a document does not name in an `additional_properties` map on every open object, so
        /// values from a newer server serialize back unchanged (read-modify-write without loss).
        #[arg(long)]
        keep_unknown_fields: bool,
        /// Fail on any warning, as on an error (for CI that wants a spec without defects).
        #[arg(long)]
        deny_warnings: bool,
        /// Also generate `<name>-server`: a trait of the operations, an axum router over it, and (with its `fake`
        /// feature) a test double of the API for the tests of code that calls it.
        #[arg(long)]
        server: bool,
        /// List every warning, not only the first few of each kind.
        #[arg(long)]
        verbose: bool,
        /// Print how long each phase took and the peak memory used.
        #[arg(long)]
        timings: bool,
    },
    /// Report every problem in a spec without writing anything.
    Check {
        /// The Swagger 2.0 or OpenAPI 3.0, 3.1 or 3.2 document (YAML or JSON); `-` reads it from standard input.
        spec: PathBuf,
        /// OpenAPI Overlay 1.0 documents to apply first, in order.
        #[arg(long = "overlay")]
        overlays: Vec<PathBuf>,
        /// A local copy of a remote document that `$ref`s name, as `URL=FILE` (repeatable); nothing is fetched.
        #[arg(long = "ref-map", value_name = "URL=FILE", value_parser = parse_ref_map)]
        ref_map: Vec<(String, PathBuf)>,
        /// The configuration (`specforge.toml`: package metadata, operations, types, derives, names); by default
        /// `<stem>.specforge.toml` beside the spec, else `specforge.toml` in its directory, if there is one.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Fail on any warning, as on an error.
        #[arg(long)]
        deny_warnings: bool,
        /// List every warning, not only the first few of each kind.
        #[arg(long)]
        verbose: bool,
    },
    /// Print client ↔ server conformance tests of the crates `generate --server` writes: a `#[tokio::test]` per
    /// operation that calls the server's fake with the client, once per documented response.
    Conformance {
        /// The Swagger 2.0 or OpenAPI 3.0, 3.1 or 3.2 document (YAML or JSON); `-` reads it from standard input.
        spec: PathBuf,
        /// The crates' name stem, as given to `generate`.
        #[arg(long)]
        name: Option<String>,
        /// OpenAPI Overlay 1.0 documents to apply, in order, as given to `generate`.
        #[arg(long = "overlay")]
        overlays: Vec<PathBuf>,
        /// The configuration, as given to `generate` (by default the one `generate` finds).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the spec with its overlays applied, as JSON (for validators and mock servers).
    Merge {
        /// The OpenAPI document; `-` reads it from standard input.
        spec: PathBuf,
        /// OpenAPI Overlay 1.0 documents to apply, in order.
        #[arg(long = "overlay")]
        overlays: Vec<PathBuf>,
    },
}

/// `--ref-map URL=FILE`.
fn parse_ref_map(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((url, file)) if !url.is_empty() && !file.is_empty() => Ok((url.to_string(), PathBuf::from(file))),
        _ => Err(format!("expected URL=FILE, got {text:?}")),
    }
}

/// `--tag-features` and `--split-models` on the command line.
#[derive(Clone, Copy, ValueEnum)]
enum Choice {
    /// Only for large APIs.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl From<Choice> for specforge::TagFeatures {
    fn from(choice: Choice) -> Self {
        match choice {
            Choice::Auto => specforge::TagFeatures::Auto,
            Choice::Always => specforge::TagFeatures::Always,
            Choice::Never => specforge::TagFeatures::Never,
        }
    }
}

impl From<Choice> for specforge::SplitModels {
    fn from(choice: Choice) -> Self {
        match choice {
            Choice::Auto => specforge::SplitModels::Auto,
            Choice::Always => specforge::SplitModels::Always,
            Choice::Never => specforge::SplitModels::Never,
        }
    }
}

/// Writes a line to stderr. A closed pipe (`specforge check api.yaml 2>&1 | head -3`) ends the output quietly, as
/// for other Unix tools, instead of panicking like `eprintln!`.
macro_rules! note {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Prints diagnostics like rustc (colored on a terminal, plain when piped): what changes the API most first, and
/// of each kind of warning only the first few unless `verbose`, then a count of the rest. Returns how many
/// operations or paths were skipped.
fn print_diagnostics(diagnostics: &[Diagnostic], verbose: bool) -> usize {
    let arranged = specforge::report::arrange(diagnostics, verbose);
    let mut stderr = std::io::stderr().lock();
    let mut renderer = specforge::report::Renderer::new(stderr.is_terminal());
    for diagnostic in &arranged.shown {
        let _ = write!(stderr, "{}", renderer.render(diagnostic));
    }
    for (kind, count) in &arranged.hidden {
        let _ = writeln!(stderr, "note: {count} more like \"{kind}\" (`--verbose` lists every one)");
    }
    arranged.skipped
}

/// The closing line of a run: counts of errors, warnings and skipped operations.
fn summary(diagnostics: &[Diagnostic], skipped: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let skipped = if skipped > 0 { format!(", {skipped} operation(s) or path(s) skipped") } else { String::new() };
    format!("{errors} error(s), {warnings} warning(s){skipped}")
}

/// Prints phase timings and peak memory (`VmHWM` on Linux) for `generate --timings`.
fn print_timings(timings: &specforge::Timings, write: std::time::Duration, total: std::time::Duration) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let peak_kib = std::fs::read_to_string("/proc/self/status").ok().and_then(|status| {
        status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
    });
    note!(
        "timings: load {:.1} ms, lower {:.1} ms, emit {:.1} ms, write {:.1} ms, total {:.1} ms; peak memory {}",
        ms(timings.load),
        ms(timings.lower),
        ms(timings.emit),
        ms(write),
        ms(total),
        peak_kib.map_or("unknown".to_string(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0))
    );
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Generate {
            spec,
            out,
            name,
            overlays,
            tag_features,
            split_models,
            ref_map,
            config,
            keep_unknown_fields,
            deny_warnings,
            server,
            verbose,
            timings,
        } => {
            let config = config.or_else(|| specforge::discover_config(&spec));
            let options = Options {
                config,
                overlays,
                name,
                tag_features: tag_features.into(),
                split_models: split_models.into(),
                ref_map,
                keep_unknown_fields,
                deny_warnings,
                server,
                ..Options::new(spec)
            };
            let started = std::time::Instant::now();
            match specforge::generate(&options) {
                Ok(generated) => {
                    let written = std::time::Instant::now();
                    let write_result = generated.write_into(&out);
                    let write_time = written.elapsed();
                    // The crates' text is on disk (or failed to get there): let it go before the warnings are
                    // rendered, which reads the spec's text again.
                    let dir_names: Vec<String> = generated.crates().map(|krate| krate.dir_name.clone()).collect();
                    let specforge::Generated { models, client, server, warnings, timings: phase_timings, .. } =
                        generated;
                    drop((models, client, server));
                    let skipped = print_diagnostics(&warnings, verbose);
                    if !warnings.is_empty() {
                        note!("{}", summary(&warnings, skipped));
                    }
                    if let Err(error) = write_result {
                        note!("error: cannot write into {}: {error}", out.display());
                        return ExitCode::from(1);
                    }
                    if timings {
                        print_timings(&phase_timings, write_time, started.elapsed());
                    }
                    note!("wrote {} into {}", dir_names.join(", "), out.display());
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    let skipped = print_diagnostics(&failure.diagnostics, verbose);
                    note!("{}", summary(&failure.diagnostics, skipped));
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { spec, overlays, ref_map, config, deny_warnings, verbose } => {
            let config = config.or_else(|| specforge::discover_config(&spec));
            let options = Options { overlays, ref_map, config, deny_warnings, ..Options::new(spec) };
            let diagnostics = specforge::check(&options);
            let skipped = print_diagnostics(&diagnostics, verbose);
            note!("{}", summary(&diagnostics, skipped));
            if diagnostics.iter().any(Diagnostic::is_error) { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Command::Conformance { spec, name, overlays, config } => {
            let config = config.or_else(|| specforge::discover_config(&spec));
            match specforge::conformance_tests(&Options { name, overlays, config, ..Options::new(spec) }) {
                Ok(text) => {
                    let _ = write!(std::io::stdout(), "{text}");
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    print_diagnostics(&failure.diagnostics, true);
                    ExitCode::from(1)
                }
            }
        }
        Command::Merge { spec, overlays } => {
            match specforge::merged_document(&Options { overlays, ..Options::new(spec) }) {
                Ok(json) => {
                    let _ = writeln!(std::io::stdout(), "{json}");
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    print_diagnostics(&failure.diagnostics, true);
                    ExitCode::from(1)
                }
            }
        }
    }
}
