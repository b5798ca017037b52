//! `specforge generate` output builds on its own, outside this workspace: the vendor crates and a spec full of
//! names that are not Rust identifiers. Uses the workspace's `Cargo.lock` (so the same dependency versions, offline)
//! and its own target directory (the outer `cargo test` holds the workspace's).

mod common;

use std::path::Path;

use common::{cargo, generate, workspace_of, workspace_root};

#[test]
fn generated_crates_build_outside_the_workspace() {
    let out = tempfile::tempdir().expect("temporary directory");
    let patchworks = generate(&workspace_root().join("specs/patchworks.overlay.yaml"), "patchworks", out.path(), &[]);
    cargo(&patchworks, &["build", "--offline"]);
}

#[test]
fn odd_and_real_world_specs_give_clippy_clean_crates() {
    let out = tempfile::tempdir().expect("temporary directory");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut specs = vec![
        (fixtures.join("tricky_names.yaml"), "tricky".to_string()),
        (fixtures.join("collisions.yaml"), "collisions".to_string()),
        (fixtures.join("openapi31/kitchen_sink.yaml"), "kitchen-sink".to_string()),
        (fixtures.join("openapi31/openapi32.yaml"), "openapi32".to_string()),
        (fixtures.join("multi_file/api.yaml"), "multi-file".to_string()),
        (fixtures.join("deep_chain.json"), "deep-chain".to_string()),
        (fixtures.join("tagged.yaml"), "tagged".to_string()),
        (fixtures.join("local_defects.yaml"), "local-defects".to_string()),
        (fixtures.join("swagger2/petstore.yaml"), "swagger2-petstore".to_string()),
        // What springfox writes: `Page«User»` definitions, `*/*` responses, a file upload, a nullable `$ref`.
        (fixtures.join("swagger2/springfox.json"), "swagger2-springfox".to_string()),
        (fixtures.join("swagger2/multi_file/api.yaml"), "swagger2-multi-file".to_string()),
        // As Azure writes them: x-ms-* names and enums, a three-level polymorphic hierarchy, x-ms-paths.
        (fixtures.join("swagger2/azure.json"), "swagger2-azure".to_string()),
        // Every kind of operation in every layout: one crate or split, tag features on or off.
        (fixtures.join("every_operation.yaml"), "every-one".to_string()),
        (fixtures.join("every_operation.yaml"), "every-one-tags".to_string()),
        (fixtures.join("every_operation.yaml"), "every-split".to_string()),
        (fixtures.join("every_operation.yaml"), "every-split-tags".to_string()),
        // The same specs with their models split into several crates.
        (fixtures.join("tricky_names.yaml"), "tricky-split".to_string()),
        (fixtures.join("openapi31/kitchen_sink.yaml"), "kitchen-sink-split".to_string()),
    ];
    for entry in std::fs::read_dir(fixtures.join("corpus")).expect("fixtures/corpus").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            specs.push((path, name));
        }
    }
    for (spec, name) in &specs {
        let extra: &[&str] = match name.as_str() {
            "tagged" => &["--tag-features", "always"],
            "tricky-split" | "kitchen-sink-split" | "every-split-tags" => {
                &["--split-models", "always", "--tag-features", "always"]
            }
            "every-one" => &["--split-models", "never", "--tag-features", "never"],
            "every-one-tags" => &["--split-models", "never", "--tag-features", "always"],
            "every-split" => &["--split-models", "always", "--tag-features", "never"],
            _ => &[],
        };
        generate(spec, name, out.path(), extra);
    }
    workspace_of(out.path(), &specs.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>());
    // The library targets only: generated crates have no tests or examples of their own, and checking each lib
    // again as a test target would double the time and the disk this takes.
    cargo(out.path(), &["clippy", "--offline", "--workspace", "--", "-D", "warnings"]);
}
