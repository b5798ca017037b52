//! insta snapshots of what specforge prints that nothing else pins:
//! - the code generated for the test fixtures that exercise naming (`tricky_names.yaml`, `collisions.yaml`) and
//!   OpenAPI 3.1/3.2 (`openapi31/`); the vendor crates are pinned byte for byte by `cargo xtask regenerate --check`
//!   instead, and compile in every run;
//! - the rendered diagnostics of every malformed fixture (`fixtures/bad/`) and of the fixtures' warnings, as a user
//!   reads them in a terminal (without colors).
//!
//! Review changes with `cargo insta review`.

use std::path::{Path, PathBuf};

/// A fixture's path relative to this crate (the directory tests run in), so rendered paths are the same anywhere.
fn fixture(relative: &str) -> PathBuf {
    PathBuf::from("tests/fixtures").join(relative)
}

/// Diagnostics as the CLI prints them, with this crate's absolute path (which a message may quote) as `<crate>`.
fn render(diagnostics: &[specforge::Diagnostic]) -> String {
    let mut renderer = specforge::report::Renderer::new(false);
    let text: String = diagnostics.iter().map(|d| renderer.render(d)).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().expect("crate directory");
    text.replace(&root.display().to_string(), "<crate>")
}

#[test]
fn vendor_specs_generate_without_warnings() {
    let specs = specforge::spec_set(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")).expect("specs/");
    assert_eq!(specs.len(), 4);
    for options in specs {
        let name = options.name.clone().unwrap_or_default();
        let generated = specforge::generate(&options).unwrap_or_else(|failure| panic!("{name}: {failure}"));
        assert!(generated.warnings.is_empty(), "{name}: unexpected warnings: {:?}", generated.warnings);
    }
}

#[test]
fn fixtures() {
    for (file, name) in [
        ("tricky_names.yaml", "tricky"),
        ("collisions.yaml", "collisions"),
        ("openapi31/kitchen_sink.yaml", "kitchen_sink"),
        ("openapi31/openapi32.yaml", "openapi32"),
        ("swagger2/azure.json", "swagger2_azure"),
    ] {
        let options = specforge::Options { name: Some(name.into()), ..specforge::Options::new(fixture(file)) };
        let generated = specforge::generate(&options).unwrap_or_else(|failure| panic!("{file}: {failure}"));
        insta::assert_snapshot!(format!("{name}_models"), generated.models.files[Path::new("src/lib.rs")]);
        insta::assert_snapshot!(format!("{name}_client"), generated.client.files[Path::new("src/lib.rs")]);
        insta::assert_snapshot!(format!("{name}_warnings"), render(&generated.warnings));
    }
}

#[test]
fn rendered_diagnostics_of_malformed_specs() {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(fixture("bad")).expect("fixtures/bad").flatten().map(|e| e.path()).collect();
    files.sort();
    for file in files {
        let relative = fixture("bad").join(file.file_name().expect("a file"));
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let diagnostics = specforge::check(&specforge::Options::new(&relative));
        insta::assert_snapshot!(format!("bad_{stem}"), render(&diagnostics));
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/supermetal.yaml");
    let first = specforge::generate(&specforge::Options::new(&spec)).expect("supermetal generates");
    let second = specforge::generate(&specforge::Options::new(&spec)).expect("supermetal generates");
    assert_eq!(first.models, second.models);
    assert_eq!(first.client, second.client);
}

#[test]
fn the_same_api_in_swagger_2_0_and_openapi_3_0_generates_the_same_rust() {
    let generate = |file: &str| {
        let options = specforge::Options { name: Some("pets".into()), ..specforge::Options::new(fixture(file)) };
        specforge::generate(&options).unwrap_or_else(|failure| panic!("{file}: {failure}"))
    };
    let (v20, v30) = (generate("swagger2/petstore.yaml"), generate("swagger2/petstore_30.yaml"));
    assert_eq!(v20.models, v30.models);
    assert_eq!(v20.client, v30.client);
    assert!(v20.warnings.is_empty(), "{:?}", v20.warnings);
}

#[test]
fn a_swagger_2_0_api_split_over_files_reads_what_the_other_file_holds() {
    let options = specforge::Options::new(fixture("swagger2/multi_file/api.yaml"));
    let generated = specforge::generate(&options).unwrap_or_else(|failure| panic!("{failure}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let client = &generated.client.files[Path::new("src/lib.rs")];
    assert!(client.contains("limit: i32,"), "a typed 2.0 parameter from the other file: {client}");
    assert!(client.contains(".join(\"|\")"), "its collectionFormat: pipes: {client}");
    assert!(client.contains("NotFound(models::Error)"), "a 2.0 response from the other file: {client}");
    let models = &generated.models.files[Path::new("src/lib.rs")];
    assert!(models.contains("pub note: Option<String>,"), "x-nullable in the other file: {models}");
}

#[test]
fn the_same_api_in_openapi_3_0_and_3_1_generates_the_same_rust() {
    let generate = |file: &str| {
        let options = specforge::Options { name: Some("pets".into()), ..specforge::Options::new(fixture(file)) };
        specforge::generate(&options).unwrap_or_else(|failure| panic!("{file}: {failure}"))
    };
    let (v30, v31) = (generate("openapi31/pets_30.yaml"), generate("openapi31/pets_31.yaml"));
    assert_eq!(v30.models, v31.models);
    assert_eq!(v30.client, v31.client);
    assert!(v31.warnings.is_empty(), "{:?}", v31.warnings);
    let models = &v31.models.files[Path::new("src/lib.rs")];
    assert!(models.contains("pub tag: Nullable<String>"), "optional and nullable keeps three states:\n{models}");
    assert!(models.contains("pub sizes: Option<Vec<Option<f64>>>"), "nullable items:\n{models}");
}

#[test]
fn real_swagger_2_0_documents_keep_every_operation() {
    const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
    for name in ["swagger2-netlify.yaml", "swagger2-harbor.yaml", "swagger2-slack.json", "swagger2-temporal.json"] {
        let path = fixture(&format!("corpus/{name}"));
        let text = std::fs::read_to_string(&path).expect("the fixture");
        let document: serde_json::Value = serde_norway::from_str(&text).expect("YAML or JSON");
        let written: usize = ["paths", "x-ms-paths"]
            .iter()
            .filter_map(|key| document.get(key)?.as_object())
            .flat_map(|paths| paths.values())
            .map(|item| METHODS.iter().filter(|method| item.get(**method).is_some()).count())
            .sum();
        let loaded = specforge::internals::load(&path, &[], &[]).unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let config = specforge::Config::default();
        let settings = specforge::internals::Settings { keep_unknown_fields: false, config: &config, server: false };
        let (api, warnings) = specforge::internals::lower(loaded, settings);
        let api = api.unwrap_or_else(|| panic!("{name}: {warnings:?}"));
        assert!(written > 20, "{name}: {written} operations");
        assert_eq!(api.operations.len(), written, "{name}: a method for every operation");
    }
}
