//! Scaling benchmarks (criterion): reading and reporting take time linear in the document's size, valid or not.
//! Run with `cargo bench -p specforge --bench scaling`; each group's inputs double, so linear time doubles too.
//!
//! - `depth/{valid,invalid}/N`: one schema whose `items` nest N deep, ending in a string schema or in `"x"` (not a
//!   schema: before repair, each level doubled the time);
//! - `defects/N`: a minified (one-line) JSON document of N schemas, each with a wrong keyword, checked and every
//!   warning rendered (placing and rendering many warnings on one long line was quadratic).

use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

/// The allocator the `specforge` binary uses, so the numbers match the CLI's.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn document(schemas: serde_json::Map<String, Value>) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}})
}

fn write(dir: &Path, name: &str, document: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(document).expect("serializes")).expect("writes");
    path
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut depth = c.benchmark_group("depth");
    for valid in [true, false] {
        for levels in [16, 32, 64] {
            let mut schema = if valid { json!({"type": "string"}) } else { json!("x") };
            for _ in 0..levels {
                schema = json!({"type": "array", "items": schema});
            }
            let name = format!("depth-{valid}-{levels}.json");
            let spec = write(dir.path(), &name, &document([("S".to_string(), schema)].into_iter().collect()));
            let label = if valid { "valid" } else { "invalid" };
            depth.bench_with_input(BenchmarkId::new(label, levels), &spec, |b, spec| {
                b.iter(|| specforge::check(&specforge::Options::new(spec)))
            });
        }
    }
    depth.finish();

    let mut defects = c.benchmark_group("defects");
    defects.sample_size(10);
    for count in [500, 1000, 2000] {
        let schemas = (0..count)
            .map(|n| {
                (
                    format!("S{n}"),
                    json!({"type": "object", "properties": {"a": {"type": "string", "maxLength": "ten"}}}),
                )
            })
            .collect();
        let spec = write(dir.path(), &format!("defects-{count}.json"), &document(schemas));
        defects.bench_with_input(BenchmarkId::from_parameter(count), &spec, |b, spec| {
            b.iter(|| {
                let diagnostics = specforge::check(&specforge::Options::new(spec));
                let mut renderer = specforge::report::Renderer::new(false);
                diagnostics.iter().map(|d| renderer.render(d).len()).sum::<usize>()
            })
        });
    }
    defects.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
