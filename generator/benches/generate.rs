//! Generator benchmarks (criterion). Run with `cargo xtask bench`, which first installs GitHub's spec
//! (`tests/corpus/`) and writes the synthetic specs (`target/bench/synthetic-{1,2,4}x.json`); specs that are
//! missing are skipped with a note.
//!
//! For each spec: `parse_json` (serde_json into a `Value`, the baseline), then the phases `load` (read, parse,
//! overlays, bundle, OpenAPI types), `lower` (IR and diagnostics) and `emit` (both crates printed as Rust), and
//! `end_to_end` (`specforge::generate`, everything but writing files).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// The allocator the `specforge` binary uses, so the numbers match the CLI's (the JSON baseline uses it too).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `(name, spec, overlays)` for every spec that is present.
fn specs() -> Vec<(String, PathBuf, Vec<PathBuf>)> {
    let mut specs: Vec<(String, PathBuf, Vec<PathBuf>)> = specforge::spec_set(&root().join("specs"))
        .expect("specs/")
        .into_iter()
        .map(|o| (o.name.clone().unwrap_or_default(), o.spec, o.overlays))
        .collect();
    for scale in [1, 2, 4] {
        specs.push((
            format!("synthetic-{scale}x"),
            root().join(format!("target/bench/synthetic-{scale}x.json")),
            Vec::new(),
        ));
    }
    specs.push((
        "github".into(),
        root().join("tests/corpus/node_modules/@octokit/openapi/generated/api.github.com.json"),
        Vec::new(),
    ));
    specs.retain(|(name, path, _)| {
        let present = path.is_file();
        if !present {
            eprintln!("skipping {name}: {} is missing (run `cargo xtask bench`)", path.display());
        }
        present
    });
    specs
}

fn bench(c: &mut Criterion) {
    for (name, path, overlays) in specs() {
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        let mut group = c.benchmark_group(&name);
        if size > 1_000_000 {
            group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(2));
        }
        let text = std::fs::read_to_string(&path).expect("spec is readable");
        group.bench_function("parse_json", |b| b.iter(|| serde_norway_or_json(&path, &text)));
        group.bench_function("load", |b| {
            b.iter(|| specforge::internals::load(&path, &overlays, &[]).map_err(|_| ()).expect("loads"))
        });
        let spec = specforge::internals::load(&path, &overlays, &[]).map_err(|_| ()).expect("loads");
        // Lowering consumes the loaded spec (it drops the document early); each run gets a copy, made untimed.
        let config = specforge::Config::default();
        let settings = specforge::internals::Settings { keep_unknown_fields: false, config: &config, server: false };
        group.bench_function("lower", |b| {
            b.iter_batched(|| spec.clone(), |spec| specforge::internals::lower(spec, settings), BatchSize::LargeInput)
        });
        let api = specforge::internals::lower(spec, settings).0.expect("lowers");
        group.bench_function("emit", |b| {
            b.iter(|| specforge::emit_crates(&api, &name, &specforge::Options::new(&path)).expect("emits"))
        });
        let options = specforge::Options {
            overlays: overlays.clone(),
            name: Some(name.clone()),
            ..specforge::Options::new(path)
        };
        group.bench_function("end_to_end", |b| {
            b.iter(|| specforge::generate(&options).map_err(|_| ()).expect("generates"))
        });
        group.finish();
    }
}

/// The baseline: parsing the document into a JSON value and nothing else.
fn serde_norway_or_json(path: &Path, text: &str) -> serde_json::Value {
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(text).expect("JSON")
    } else {
        serde_norway::from_str(text).expect("YAML")
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
