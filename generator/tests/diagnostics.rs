//! Bad input gets a diagnostic that names the file and the location (JSON pointer, and line where known), never a
//! panic or a hang; and `specforge` exits 1 without writing anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use specforge::{Diagnostic, Options};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name)
}

/// The errors `specforge check` finds in a fixture (there must be at least one).
fn errors(name: &str) -> Vec<Diagnostic> {
    let diagnostics = specforge::check(&Options::new(fixture(name)));
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    assert!(!errors.is_empty(), "{name} should have errors");
    for error in &errors {
        assert!(error.file.ends_with(name), "{name}: diagnostic names {} instead", error.file.display());
    }
    errors
}

#[test]
fn invalid_yaml_names_the_line() {
    let error = &errors("invalid_yaml.yaml")[0];
    assert!(error.message.starts_with("invalid YAML"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(8), "{error}");
}

#[test]
fn truncated_json_names_the_line_and_column() {
    let error = &errors("truncated.json")[0];
    assert!(error.message.starts_with("invalid JSON"), "{error}");
    assert!(error.line_col.is_some(), "{error}");
}

#[test]
fn missing_ref_names_the_ref_location() {
    let error = &errors("missing_ref.yaml")[0];
    assert_eq!(error.pointer, "#/components/schemas/Pet/properties/owner");
    assert!(error.message.contains("#/components/schemas/Owner"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(9), "{error}");
}

#[test]
fn duplicate_operation_id_names_both_places() {
    let error = &errors("duplicate_operation_id.yaml")[0];
    assert_eq!(error.pointer, "#/paths/~1animals/get/operationId");
    assert!(error.message.contains("listPets") && error.message.contains("#/paths/~1pets/get"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(11), "{error}");
}

#[test]
fn swagger_2_is_rejected_with_a_message_that_says_so() {
    let error = &errors("swagger2.json")[0];
    assert_eq!(error.pointer, "#/swagger");
    assert!(error.message.contains("Swagger 2.0") && error.message.contains("Convert it first"), "{error}");
}

#[test]
fn an_openapi_version_not_yet_known_is_refused_naming_what_is_read() {
    let error = &errors("openapi4.yaml")[0];
    assert_eq!(error.pointer, "#/openapi");
    assert!(error.message.contains("4.0.0") && error.message.contains("3.0.x, 3.1.x and 3.2.x"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(1), "{error}");
}

#[test]
fn cyclic_refs_are_reported() {
    let errors = errors("cyclic_refs.yaml");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("cyclic"), "{}", errors[0]);
    assert_eq!(errors[0].pointer, "#/components/schemas/A");
}

#[test]
fn a_document_that_is_not_a_mapping_is_rejected() {
    let error = &errors("not_openapi.yaml")[0];
    assert!(error.message.contains("not an object"), "{error}");
}

#[test]
fn a_field_of_the_wrong_type_names_its_pointer() {
    let error = &errors("wrong_field_type.yaml")[0];
    // openapiv3 deserializes through `#[serde(flatten)]`, where serde loses its place; specforge parses each path
    // item on its own, so the pointer names at least the path item, and the message says what is wrong.
    assert!(
        "#/paths/~1a/get/responses/200/description".starts_with(&error.pointer)
            && error.pointer.starts_with("#/paths/~1a"),
        "{error}"
    );
    assert!(error.message.contains("expected a string"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(4), "{error}");
}

#[test]
fn a_schema_field_of_the_wrong_type_names_its_schema() {
    let error = &errors("wrong_schema_field_type.yaml")[0];
    assert!(error.pointer.starts_with("#/components/schemas/Broken"), "{error}");
    assert!(error.message.contains("\"ten\", expected usize"), "{error}");
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let error = &errors("deep_json.json")[0];
    assert!(error.message.contains("recursion limit"), "{error}");
}

#[test]
fn deeply_nested_schemas_are_an_error_not_a_stack_overflow() {
    let error = &errors("deep_schemas.json")[0];
    assert!(error.message.contains("nest deeper"), "{error}");
}

#[test]
fn a_ref_to_a_missing_file_names_the_ref() {
    let error = &errors("missing_file_ref.yaml")[0];
    assert_eq!(error.pointer, "#/components/schemas/Pet/properties/owner");
    assert!(error.message.contains("nope.yaml"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(9), "{error}");
}

#[test]
fn refs_to_other_files_and_deep_pointers_are_bundled() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multi_file/api.yaml");
    let generated = specforge::generate(&Options::new(&spec)).unwrap_or_else(|failure| panic!("{failure}"));
    let models = &generated.models.files[Path::new("src/lib.rs")];
    // The root's own Error stays; the other file's Error gets a fresh name; pet.yaml's self-reference is a Vec<Pet>.
    for expected in ["pub struct Error {", "pub struct Error2 {", "pub friends: Option<Vec<Pet>>", "pub struct Owner {"]
    {
        assert!(models.contains(expected), "missing {expected:?} in:\n{models}");
    }
    let client = &generated.client.files[Path::new("src/lib.rs")];
    assert!(client.contains("Call<Vec<models::Owner>,"), "{client}");
}

#[test]
fn a_missing_file_is_an_error() {
    let error = &errors("no_such_file.yaml")[0];
    assert!(error.message.contains("cannot read"), "{error}");
}

#[test]
fn check_lists_every_problem_not_just_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("two.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/X'}\n    B: {$ref: '#/components/schemas/Y'}\n",
    )
    .unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    let pointers: Vec<&str> = diagnostics.iter().filter(|d| d.is_error()).map(|d| d.pointer.as_str()).collect();
    assert_eq!(pointers, ["#/components/schemas/A", "#/components/schemas/B"]);
}

/// Warnings of a spec written to a temporary file (JSON when `json`, so both loading paths are covered).
fn warnings_of(text: &str, json: bool) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join(if json { "spec.json" } else { "spec.yaml" });
    let text = if json {
        serde_json::to_string_pretty(&serde_norway::from_str::<serde_json::Value>(text).unwrap()).unwrap()
    } else {
        text.to_string()
    };
    std::fs::write(&spec, text).unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    assert!(!diagnostics.iter().any(Diagnostic::is_error), "{diagnostics:?}");
    diagnostics
}

#[test]
fn well_known_string_formats_are_quiet_and_an_unknown_one_is_reported_once() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        link: {type: string, format: uri-template}\n        at: {type: string, format: time}\n        first: {type: string, format: weird}\n        second: {type: string, format: weird}\n        third: {type: string, format: odd}\n";
    for json in [false, true] {
        let warnings = warnings_of(spec, json);
        let found: Vec<(&str, &str, bool)> = warnings
            .iter()
            .map(|w| (w.pointer.as_str(), w.message.split(':').next().unwrap_or(""), w.line_col.is_some()))
            .collect();
        assert_eq!(
            found,
            [
                ("#/components/schemas/A/properties/first", "unknown string format \"weird\"", true),
                ("#/components/schemas/A/properties/third", "unknown string format \"odd\"", true),
            ],
            "json: {json}"
        );
    }
}

#[test]
fn examples_and_top_level_extensions_are_not_read() {
    // Neither is valid OpenAPI here (an example must be an object); the generator never reads them, so they neither
    // fail generation nor cost time and memory.
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-webhooks: 5\ncomponents:\n  examples:\n    bad: 42\n  schemas:\n    A: {type: string}\n";
    for json in [false, true] {
        assert_eq!(warnings_of(spec, json), Vec::new(), "json: {json}");
    }
}

fn specforge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_specforge"))
}

#[test]
fn cli_exit_codes() {
    let check = |args: &[&str]| specforge().args(args).output().expect("run specforge");
    let ok = check(&["check", "../specs/supermetal.yaml"]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));

    let bad = check(&["check", fixture("missing_ref.yaml").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("missing_ref.yaml:9:") && stderr.contains("#/components/schemas/Pet/properties/owner"),
        "{stderr}"
    );

    let usage = check(&["generate", "--no-such-flag"]);
    assert_eq!(usage.status.code(), Some(2));
    assert_eq!(check(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn generate_writes_both_crates_and_nothing_on_error() {
    let out = tempfile::tempdir().unwrap();
    let generated = specforge()
        .args(["generate", "../specs/patchworks.overlay.yaml", "--out"])
        .arg(out.path())
        .output()
        .expect("run specforge");
    assert_eq!(generated.status.code(), Some(0), "{}", String::from_utf8_lossy(&generated.stderr));
    // The name defaults from the title ("Patchworks Core API").
    for file in [
        "patchworks-core-api-models/Cargo.toml",
        "patchworks-core-api-models/src/lib.rs",
        "patchworks-core-api-client/src/lib.rs",
        "patchworks-core-api-client/src/runtime.rs",
    ] {
        assert!(out.path().join(file).is_file(), "missing {file}");
    }

    let failed = specforge()
        .args(["generate", fixture("duplicate_operation_id.yaml").to_str().unwrap(), "--name", "dup", "--out"])
        .arg(out.path())
        .output()
        .expect("run specforge");
    assert_eq!(failed.status.code(), Some(1));
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("patchworks-core-api"))
        .collect();
    assert!(leftovers.is_empty(), "a failed run left {leftovers:?}");
}

#[test]
fn check_lists_every_warning_of_an_openapi_3_1_document_with_file_line_and_pointer() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi31/kitchen_sink.yaml");
    let diagnostics = specforge::check(&Options::new(&spec));
    let found: Vec<(&str, Option<usize>)> =
        diagnostics.iter().map(|d| (d.pointer.as_str(), d.line_col.map(|(line, _)| line))).collect();
    assert_eq!(
        found,
        [("#/components/schemas/Conditional/if", Some(181)), ("#/components/schemas/Dynamic", Some(183))],
        "{diagnostics:?}"
    );
    assert!(diagnostics.iter().all(|d| !d.is_error() && d.file == spec), "{diagnostics:?}");
}

#[test]
fn a_minified_spec_with_warnings_far_along_its_one_line_generates_and_exits_0() {
    // Published specs are often one line of JSON; a warning past column 65,535 once made the renderer panic.
    let padding = "x".repeat(70_000);
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Minified", "version": "1", "description": padding},
        "paths": {},
        "components": {"schemas": {"Odd": {"type": "string", "format": "made-up"}}}
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("minified.json");
    std::fs::write(&file, serde_json::to_string(&spec).unwrap()).unwrap();
    let output = specforge().arg("generate").arg(&file).arg("--out").arg(dir.path().join("out")).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("unknown string format \"made-up\"") && stderr.contains("minified.json:1:"), "{stderr}");
    assert!(stderr.len() < 5_000, "the whole line was printed: {} bytes", stderr.len());
    assert!(!stderr.contains("panicked"), "{stderr}");
}
