//! `specforge generate` output builds on its own, outside this workspace: the vendor crates and a spec full of
//! names that are not Rust identifiers. Uses the workspace's `Cargo.lock` (so the same dependency versions, offline)
//! and its own target directory (the outer `cargo test` holds the workspace's).

mod common;

use std::path::Path;

use specforge::SplitModels;

use common::{cargo, generate, workspace_of, workspace_root};

#[test]
fn generated_crates_build_outside_the_workspace() {
    let out = tempfile::tempdir().expect("temporary directory");
    let patchworks = generate(&workspace_root().join("specs/patchworks.overlay.yaml"), "patchworks", out.path(), &[]);
    cargo(&patchworks, &["build", "--offline"]);
}

/// Every generated crate packages for crates.io when the configuration says it may be published: versions on the
/// path dependencies between them (the split parts' too), metadata, and the order Cargo packages them in.
#[test]
fn generated_crates_package_for_publishing() {
    let out = tempfile::tempdir().expect("temporary directory");
    let config = out.path().join("publish.toml");
    std::fs::write(
        &config,
        "[package]\nversion = \"3.0.0\"\nlicense = \"MIT\"\nrepository = \"https://example.com/sdk\"\npublish = true\n",
    )
    .expect("configuration");
    let config = config.to_string_lossy();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    generate(
        &workspace_root().join("specs/supermetal.yaml"),
        "supermetal",
        out.path(),
        &["--config", &config, "--server"],
    );
    let split = ["--config", &config, "--split-models", "always", "--tag-features", "always"];
    generate(&fixtures.join("every_operation.yaml"), "every", out.path(), &split);
    workspace_of(out.path(), &["supermetal".to_string(), "every".to_string()]);
    let packages = workspace_root().join("target/standalone/package");
    // Only what this run packages is looked at.
    let _ = std::fs::remove_dir_all(&packages);
    cargo(out.path(), &["package", "--offline", "--no-verify", "--allow-dirty", "--workspace"]);
    let packaged = std::fs::read_dir(&packages).expect("packages");
    let names: Vec<String> = packaged.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    for expected in [
        "supermetal-client-3.0.0.crate",
        "supermetal-server-3.0.0.crate",
        "every-models-support-3.0.0.crate",
        "every-client-core-3.0.0.crate",
    ] {
        assert!(names.iter().any(|name| name == expected), "{expected} among {names:?}");
    }
}

/// Copies the files of `from` (and of its directories) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("directory");
    for entry in std::fs::read_dir(from).expect("a fixture directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
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
        // With `pets.specforge.toml` beside it: operations selected, a type replaced by the user's (its crate is
        // copied beside the generated ones), renames, derives and attributes.
        (fixtures.join("config/pets.yaml"), "pets-config".to_string()),
        (fixtures.join("unrequired_schemes.yaml"), "unrequired-schemes".to_string()),
        // Shapes met in APIs.guru's directory that once failed clippy.
        (fixtures.join("directory_shapes.yaml"), "directory-shapes".to_string()),
    ];
    copy_dir(&fixtures.join("config/acme-money"), &out.path().join("acme-money"));
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
        generate(spec, name, out.path(), &[extra, &["--server"]].concat());
    }
    let names: Vec<String> = specs.iter().map(|(_, name)| name.clone()).collect();
    workspace_of(out.path(), &names);
    // The library targets only: generated crates have no tests or examples of their own, and checking each lib
    // again as a test target would double the time and the disk this takes. The servers with their fakes.
    let fakes: Vec<String> = names.iter().map(|name| format!("{name}-server/fake")).collect();
    cargo(out.path(), &["clippy", "--offline", "--workspace", "--features", &fakes.join(","), "--", "-D", "warnings"]);
    // The example in a client's docs compiles: a body made, parameters given, credentials read, the reply printed.
    let mut doctests = vec!["test", "--offline", "--doc"];
    for client in ["tricky-client", "every-one-client", "swagger2-springfox-client", "collisions-client"] {
        doctests.extend(["-p", client]);
    }
    cargo(out.path(), &doctests);
}

/// specforge's own fixtures (every kind of operation, parameter style, body, stream and name it handles): each
/// generated client calls its generated server's fake over loopback for every operation and documented response
/// (the tests `specforge conformance` writes), and both sides decode what the other was given.
#[test]
fn the_fixtures_clients_and_servers_agree() {
    let out = tempfile::tempdir().expect("temporary directory");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let specs = [
        ("tricky_names.yaml", "tricky", false),
        ("collisions.yaml", "collisions", false),
        ("openapi31/kitchen_sink.yaml", "kitchen-sink", false),
        ("openapi31/openapi32.yaml", "openapi32", false),
        ("multi_file/api.yaml", "multi-file", false),
        ("deep_chain.json", "deep-chain", false),
        ("tagged.yaml", "tagged", false),
        ("local_defects.yaml", "local-defects", false),
        ("swagger2/petstore.yaml", "swagger2-petstore", false),
        ("swagger2/springfox.json", "swagger2-springfox", false),
        ("swagger2/multi_file/api.yaml", "swagger2-multi-file", false),
        ("swagger2/azure.json", "swagger2-azure", false),
        ("every_operation.yaml", "every-one", false),
        // Split: the client and the server each in a crate, a core and operations crates.
        ("every_operation.yaml", "every-split", true),
        ("config/pets.yaml", "pets-config", false),
        ("unrequired_schemes.yaml", "unrequired-schemes", false),
        ("directory_shapes.yaml", "directory-shapes", false),
    ];
    copy_dir(&fixtures.join("config/acme-money"), &out.path().join("acme-money"));
    let tests = out.path().join("conformance/tests");
    std::fs::create_dir_all(&tests).expect("tests directory");
    let mut modules = String::new();
    let mut dependencies = String::new();
    for (spec, name, split) in specs {
        let spec = fixtures.join(spec);
        let split_models = if split { SplitModels::Always } else { SplitModels::Auto };
        let extra: &[&str] = if split { &["--server", "--split-models", "always"] } else { &["--server"] };
        generate(&spec, name, out.path(), extra);
        let config = specforge::discover_config(&spec);
        let options =
            specforge::Options { name: Some(name.to_string()), config, split_models, ..specforge::Options::new(&spec) };
        let text = specforge::conformance_tests(&options).expect("conformance tests");
        let module = name.replace('-', "_");
        std::fs::write(tests.join(format!("{module}.rs")), text).expect("test file");
        modules.push_str(&format!("#[path = \"{module}.rs\"]\nmod {module};\n"));
        dependencies.push_str(&format!(
            "{name}-client = {{ path = \"../{name}-client\" }}\n\
             {name}-server = {{ path = \"../{name}-server\", features = [\"fake\"] }}\n"
        ));
    }
    std::fs::write(tests.join("all.rs"), modules).expect("test crate root");
    std::fs::create_dir_all(out.path().join("conformance/src")).expect("source directory");
    std::fs::write(out.path().join("conformance/src/lib.rs"), "").expect("library");
    let manifest = std::fs::read_to_string(workspace_root().join("tests/conformance/Cargo.toml")).expect("manifest");
    // The workspace's conformance crate's dependencies beyond its APIs' crates, with these APIs' crates instead.
    let shared: String = manifest
        .lines()
        .skip_while(|line| !line.starts_with("axum"))
        .map(|line| format!("{}\n", line.replace("{ workspace = true }", "\"1\"")))
        .collect();
    let manifest = format!(
        "[package]\nname = \"conformance\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\
         autotests = false\n\n[[test]]\nname = \"all\"\npath = \"tests/all.rs\"\n\n[dev-dependencies]\n{dependencies}{shared}"
    );
    std::fs::write(out.path().join("conformance/Cargo.toml"), manifest).expect("conformance manifest");
    let names: Vec<String> = specs.iter().map(|(_, name, _)| name.to_string()).collect();
    common::workspace_with(out.path(), &names, &["conformance"]);
    cargo(out.path(), &["test", "--offline", "-p", "conformance"]);
}
