//! Bad input gets a diagnostic that names the file and the location (JSON pointer, and line where known), never a
//! panic or a hang; and `specforge` exits 1 without writing anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use specforge::{Diagnostic, Options};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name)
}

/// The errors `specforge check` finds in a spec (there must be at least one).
fn errors_at(spec: &Path) -> Vec<Diagnostic> {
    let errors: Vec<Diagnostic> =
        specforge::check(&Options::new(spec)).into_iter().filter(Diagnostic::is_error).collect();
    assert!(!errors.is_empty(), "{} should have errors", spec.display());
    errors
}

/// The errors `specforge check` finds in a fixture (there must be at least one).
fn errors(name: &str) -> Vec<Diagnostic> {
    let errors = errors_at(&fixture(name));
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
fn yaml_indented_with_a_tab_is_refused_saying_so_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo:\n  title: t\n\tversion: '1'\npaths: {}\n").unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    let error = diagnostics.iter().find(|d| d.is_error()).expect("an error");
    assert!(error.message.contains("YAML does not allow tabs in indentation"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(4), "{error}");
    // An error on a line indented with spaces gets no such hint.
    let error = &errors("invalid_yaml.yaml")[0];
    assert!(!error.message.contains("tabs"), "{error}");
}

#[test]
fn a_schema_nested_past_what_parsers_read_is_cut_there_with_a_warning_and_the_rest_generates() {
    // 150 schemas deep: 300 containers, past the 128 of serde_json and serde_norway.
    let deep = (0..150).fold("{\"type\": \"string\"}".to_string(), |inner, _| {
        format!("{{\"type\": \"object\", \"properties\": {{\"a\": {inner}}}}}")
    });
    let schemas = format!("{{\"Deep\": {deep}, \"Shallow\": {{\"type\": \"integer\"}}}}");
    let head = "\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}";
    // Plain JSON (read in parts), JSON with a reference to bundle (read whole) and YAML.
    let documents = [
        ("spec.json", format!("{{{head}, \"components\": {{\"schemas\": {schemas}}}}}")),
        (
            "spec.json",
            format!("{{{head}, \"x-r\": {{\"$ref\": \"#/x\"}}, \"components\": {{\"schemas\": {schemas}}}}}"),
        ),
        (
            "spec.yaml",
            format!(
                "{head_yaml}components:\n  schemas: {schemas}\n",
                head_yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
            ),
        ),
    ];
    for (name, text) in documents {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join(name);
        std::fs::write(&spec, &text).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        assert!(!diagnostics.iter().any(Diagnostic::is_error), "{name}: {diagnostics:?}");
        let cut: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.message.starts_with("nested more than")).collect();
        assert_eq!(cut.len(), 1, "{name}: {diagnostics:?}");
        assert!(cut[0].pointer.starts_with("#/components/schemas/Deep/properties/a/properties/a/"), "{}", cut[0]);
        assert!(cut[0].line_col.is_some(), "{}", cut[0]);
        let generated = specforge::generate(&Options::new(&spec)).expect("generates");
        let models = &generated.models.files[Path::new("src/lib.rs")];
        assert!(models.contains("pub type Shallow = i64;"), "{name}: {models}");
    }
}

#[test]
fn a_key_given_twice_is_a_warning_at_its_line_not_a_silent_loss() {
    // Two `get:` under one path, hand-written: the first operation is lost, and the warning says so.
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: first\n      responses: {'200': {description: ok}}\n    get:\n      operationId: second\n      responses: {'200': {description: ok}}\n";
    let item = r#"{"get": {"operationId": "first", "responses": {"200": {"description": "ok"}}},
        "get": {"operationId": "second", "responses": {"200": {"description": "ok"}}}}"#;
    let head = r#""openapi": "3.0.3", "info": {"title": "t", "version": "1"}"#;
    // YAML, plain JSON (read in parts) and JSON with a reference to bundle (read whole).
    let documents = [
        ("spec.yaml", yaml.to_string(), 5),
        ("spec.json", format!("{{{head},\n\"paths\": {{\"/pets\": {item}}}}}"), 2),
        ("spec.json", format!("{{{head}, \"x-r\": {{\"$ref\": \"#/info\"}},\n\"paths\": {{\"/pets\": {item}}}}}"), 2),
    ];
    for (name, text, line) in documents {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join(name);
        std::fs::write(&spec, &text).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        let [warning] = &diagnostics[..] else { panic!("{name}: one warning: {diagnostics:?}") };
        assert!(!warning.is_error());
        assert_eq!(warning.pointer, "#/paths/~1pets/get", "{name}");
        assert!(warning.message.starts_with("the key \"get\" is given more than once"), "{warning}");
        assert_eq!(warning.line_col.map(|(line, _)| line), Some(line), "{name}: {warning}");
        let generated = specforge::generate(&Options::new(&spec)).expect("generates");
        let client = generated.client.files.values().map(String::as_str).collect::<String>();
        assert!(client.contains("fn second") && !client.contains("fn first"), "{name}: {client}");
    }
}

#[test]
fn yaml_flow_collections_nested_past_what_is_read_in_linear_time_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {deep}\n");
    std::fs::write(&spec, text).unwrap();
    let error = &errors_at(&spec)[0];
    assert!(error.message.contains("nest more than 1000 levels deep"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(4), "{error}");
    assert_eq!(error.pointer, "#/x-deep", "{error}");
}

#[test]
fn truncated_json_names_the_line_and_column() {
    let error = &errors("truncated.json")[0];
    assert!(error.message.starts_with("invalid JSON"), "{error}");
    assert!(error.line_col.is_some(), "{error}");
}

/// The warnings `specforge check` gives for a fixture with a local defect: no error, at least one warning.
fn warnings(name: &str) -> Vec<Diagnostic> {
    let diagnostics = specforge::check(&Options::new(fixture(name)));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{name}: a local defect refused the document: {diagnostics:?}");
    assert!(!diagnostics.is_empty(), "{name} should have warnings");
    diagnostics
}

#[test]
fn missing_ref_names_the_ref_location_and_reads_any_value() {
    let error = &warnings("missing_ref.yaml")[0];
    assert_eq!(error.pointer, "#/components/schemas/Pet/properties/owner");
    assert!(error.message.contains("#/components/schemas/Owner"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(9), "{error}");
}

#[test]
fn duplicate_operation_id_names_both_places() {
    let error = &warnings("duplicate_operation_id.yaml")[0];
    assert_eq!(error.pointer, "#/paths/~1animals/get/operationId");
    assert!(error.message.contains("listPets") && error.message.contains("#/paths/~1pets/get"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(11), "{error}");
}

#[test]
fn swagger_2_is_read_and_its_diagnostics_point_into_the_2_0_source() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("old.yaml");
    let text = "swagger: '2.0'
info: {title: Old, version: '1'}
paths:
  /a:
    post:
      parameters:
        - name: body
          in: body
          schema:
            type: object
            properties:
              n: {type: integer, maxLength: ten}
      responses:
        200: {description: ok, schema: {$ref: '#/definitions/Missing'}}
definitions:
  Thing: {type: object, properties: {tags: {type: array, items: x}}}
";
    std::fs::write(&spec, text).unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    let placed: Vec<(&str, Option<usize>)> =
        diagnostics.iter().map(|d| (d.pointer.as_str(), d.line_col.map(|(line, _)| line))).collect();
    assert_eq!(
        placed,
        [
            ("#/definitions/Thing/properties/tags/items", Some(16)),
            ("#/paths/~1a/post/parameters/0/schema/properties/n/maxLength", Some(12)),
            ("#/paths/~1a/post/responses/200/schema", Some(14)),
        ],
        "{diagnostics:?}"
    );
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
}

#[test]
fn an_openapi_version_not_yet_known_is_refused_naming_what_is_read() {
    let error = &errors("openapi4.yaml")[0];
    assert_eq!(error.pointer, "#/openapi");
    assert!(error.message.contains("4.0.0") && error.message.contains("3.0.x, 3.1.x and 3.2.x"), "{error}");
    assert_eq!(error.line_col.map(|(line, _)| line), Some(1), "{error}");
}

#[test]
fn a_version_field_missing_or_not_a_version_is_read_as_the_documents_shape_says() {
    let v3 = r##""info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}}}, "components": {"schemas": {"X": {"type": "string", "nullable": true}}}"##;
    let v2 = r##""info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/X"}}}}}}, "definitions": {"X": {"type": "string"}}"##;
    let cases = [
        (format!("{{{v3}}}"), "", "the `openapi` field is missing; read as OpenAPI 3.0"),
        (format!(r#"{{"openapi": true, {v3}}}"#), "#/openapi", "`openapi` is not a version string"),
        (format!(r#"{{"openapi": [3], {v3}}}"#), "#/openapi", "`openapi` is not a version string"),
        (format!(r#"{{"openapi": "x", {v3}}}"#), "#/openapi", "`openapi` is \"x\", not a version"),
        (format!(r#"{{"openapi": 0.5, {v3}}}"#), "#/openapi", "`openapi` is \"0.5\", not a version"),
        (format!(r#"{{"openapi": "3.7.1", {v3}}}"#), "#/openapi", "OpenAPI 3.7.1 is newer than specforge knows"),
        (format!(r#"{{"webhooks": {{}}, {v3}}}"#), "", "the `openapi` field is missing; read as OpenAPI 3.1"),
        (format!(r#"{{"openapi": "2.0", {v2}}}"#), "#/openapi", "read as Swagger 2.0"),
        (format!(r#"{{"swagger": [2], {v2}}}"#), "#/swagger", "`swagger` is not a version; read as Swagger 2.0"),
        (format!("{{{v2}}}"), "", "the `openapi` field is missing; read as Swagger 2.0"),
    ];
    for (text, pointer, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec.json");
        std::fs::write(&spec, &text).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        assert_eq!(diagnostics.len(), 1, "one warning for the one defect: {diagnostics:?}");
        let warning = diagnostics
            .iter()
            .find(|d| d.message.contains(message))
            .unwrap_or_else(|| panic!("{message}: {diagnostics:?}"));
        assert_eq!(warning.pointer, pointer, "{warning}");
        let generated = specforge::generate(&Options::new(&spec)).expect("generates");
        assert!(generated.client.files[Path::new("src/lib.rs")].contains("pub fn get_a"), "{text}");
    }
    // What is no API description, or another major version, is still refused.
    for text in [r#"{"foo": 1}"#, r#"{"swagger": "1.2", "apis": []}"#, r#"{"openapi": "4.0.0", "paths": {}}"#] {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec.json");
        std::fs::write(&spec, text).unwrap();
        errors_at(&spec);
    }
}

#[test]
fn cyclic_refs_are_reported() {
    let errors = warnings("cyclic_refs.yaml");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("cyclic"), "{}", errors[0]);
    assert_eq!(errors[0].pointer, "#/components/schemas/A");
}

#[test]
fn a_document_that_is_not_a_mapping_is_rejected() {
    let error = &errors("not_openapi.yaml")[0];
    assert!(error.message.contains("not an object"), "{error}");
}

/// The one warning `specforge check` gives for a fixture that has no error.
fn only_warning(name: &str) -> Diagnostic {
    let diagnostics = specforge::check(&Options::new(fixture(name)));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{name}: {diagnostics:?}");
    assert_eq!(diagnostics.len(), 1, "{name}: {diagnostics:?}");
    diagnostics.into_iter().next().unwrap()
}

#[test]
fn a_field_of_the_wrong_type_is_reported_at_the_keyword_and_repaired() {
    let warning = only_warning("wrong_field_type.yaml");
    assert_eq!(warning.pointer, "#/paths/~1a/get/responses/200/description");
    assert!(warning.message.contains("must be a string, not a list"), "{warning}");
    assert_eq!(warning.line_col, Some((8, 11)), "{warning}");
}

#[test]
fn a_schema_field_of_the_wrong_type_is_reported_at_the_keyword_and_dropped() {
    let warning = only_warning("wrong_schema_field_type.yaml");
    assert_eq!(warning.pointer, "#/components/schemas/Broken/properties/name/maxLength");
    assert!(
        warning.message.contains("`maxLength` must be a count, not the string \"ten\"; it is ignored"),
        "{warning}"
    );
    assert_eq!(warning.line_col, Some((13, 11)), "{warning}");
}

#[test]
fn deeply_nested_json_is_read_to_a_depth_not_a_stack_overflow() {
    // 20,000 nested lists: read (cut at a depth), and refused for what it is, not for its depth.
    let error = &errors("deep_json.json")[0];
    assert!(error.message.contains("not an object"), "{error}");
}

#[test]
fn deeply_nested_schemas_are_a_warning_not_a_stack_overflow() {
    let error = &warnings("deep_schemas.json")[0];
    assert!(error.message.contains("nest deeper"), "{error}");
}

#[test]
fn a_ref_to_a_missing_file_names_the_ref() {
    let error = &warnings("missing_file_ref.yaml")[0];
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
    // A build script reruns when any of them changes.
    let loaded = specforge::internals::load(&spec, &[], &[]).map_err(|_| ()).expect("loads");
    let read: Vec<String> =
        loaded.sources.iter().map(|file| file.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    assert_eq!(read, ["api.yaml", "common.yaml", "pet.yaml"]);
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
    let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
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
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        link: {type: string, format: uri-template}\n        at: {type: string, format: time}\n        big: {type: string, format: int64}\n        amount: {type: string, format: decimal}\n        first: {type: string, format: weird}\n        second: {type: string, format: weird}\n        third: {type: string, format: odd}\n";
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
fn top_level_extensions_are_not_read_and_examples_by_reference_are_found() {
    // `x-webhooks: 5` is not read (it neither fails generation nor costs time and memory); a media type's example
    // named from `components.examples` is found there (it seeds the fake server), and an example that is not an
    // object is left out with a warning.
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-webhooks: 5\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/A'}\n              examples: {one: {$ref: '#/components/examples/one'}}\ncomponents:\n  examples:\n    one: {value: x}\n    bad: 42\n  schemas:\n    A: {type: string}\n";
    for json in [false, true] {
        let warnings = warnings_of(spec, json);
        let found: Vec<(&str, &str)> = warnings.iter().map(|w| (w.pointer.as_str(), w.message.as_str())).collect();
        assert_eq!(found.len(), 1, "json: {json}: {found:?}");
        assert_eq!(found[0].0, "#/components/examples/bad", "json: {json}: {found:?}");
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

    let degraded = check(&["check", fixture("missing_ref.yaml").to_str().unwrap()]);
    assert_eq!(degraded.status.code(), Some(0), "a local defect is a warning");
    let bad = check(&["check", "--deny-warnings", fixture("missing_ref.yaml").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1), "--deny-warnings makes it fail");
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
fn reads_the_spec_from_standard_input_for_a_dash() {
    use std::io::Write;
    let mut child = specforge()
        .args(["check", "--deny-warnings", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run specforge");
    let spec = std::fs::read(fixture("missing_ref.yaml")).unwrap();
    child.stdin.take().unwrap().write_all(&spec).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "the missing reference, with --deny-warnings");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("<stdin>:9:") && stderr.contains("#/components/schemas/Pet/properties/owner"),
        "placed in the text read from standard input: {stderr}"
    );
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
        .args([
            "generate",
            fixture("duplicate_operation_id.yaml").to_str().unwrap(),
            "--deny-warnings",
            "--name",
            "dup",
        ])
        .arg("--out")
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
        [("#/components/schemas/Conditional/if", Some(226)), ("#/components/schemas/Dynamic", Some(228))],
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

#[test]
fn local_defects_degrade_what_they_are_in_with_a_warning_at_the_keyword() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/local_defects.yaml");
    let generated = specforge::generate(&Options::new(&spec)).unwrap_or_else(|failure| panic!("{failure}"));
    let placed: Vec<(&str, usize)> =
        generated.warnings.iter().map(|w| (w.pointer.as_str(), w.line_col.map_or(0, |(line, _)| line))).collect();
    for expected in [
        ("#/tags/0/description", 7),
        ("#/components/schemas/Key/properties/nested/items/items", 67),
        ("#/components/schemas/Key/properties/count/maxLength", 68),
        ("#/components/schemas/Key/properties/size/maximum", 62),
        ("#/components/schemas/Key/properties/kind/type", 69),
        ("#/paths/~1v2~1other~1{id}/get/responses/200", 30),
        ("#/paths/~1v2~1other~1{id}/get/responses/404", 31),
        ("#/paths/~1search?q={q}/get", 33),
        ("#/paths/~1broken/get", 38),
        ("#/paths/~1broken/post/responses/20x", 47),
    ] {
        assert!(placed.contains(&expected), "no warning at {expected:?}; got {placed:?}");
    }
    assert_eq!(placed.len(), 10, "{placed:?}");
    let client = &generated.client.files[Path::new("src/lib.rs")];
    for method in ["fn get_key<", "fn get_other<", "fn search<", "fn mend<"] {
        assert!(client.contains(method), "{method} missing");
    }
    assert!(!client.contains("links"), "links generate nothing");
    let models = &generated.models.files[Path::new("src/lib.rs")];
    assert!(models.contains("pub nested: Option<Vec<Vec<::serde_json::Value>>>"), "{models}");
    assert!(models.contains("pub size: Option<i64>"), "{models}");
    assert!(
        models.contains("pub struct Droplet {\n    pub id: Option<i64>,\n    pub name: Option<String>,"),
        "{models}"
    );
}

/// A document whose `items` nest `depth` deep and end in a value that is not a schema.
fn deep_items(depth: usize) -> serde_json::Value {
    let mut schema = serde_json::json!("x");
    for _ in 0..depth {
        schema = serde_json::json!({"type": "array", "items": schema});
    }
    serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"S": schema}}})
}

#[test]
fn a_defect_deep_in_nested_schemas_is_found_in_one_pass_and_named_at_its_keyword() {
    // Before repair, each level doubled the time (`openapiv3` retries a failed `ReferenceOr`): depth 40 never
    // finished. The JSON and the YAML path both go through repair.
    for (json, depth) in [(true, 40), (false, 60)] {
        let text = serde_json::to_string(&deep_items(depth)).unwrap();
        let warnings = warnings_of(&text, json);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let expected = format!("#/components/schemas/S{}", "/items".repeat(depth));
        assert_eq!(warnings[0].pointer, expected);
        assert!(warnings[0].message.contains("not the string \"x\""), "{}", warnings[0]);
    }
}

#[test]
fn a_byte_order_mark_and_yaml_numbers_beyond_64_bits_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let body = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}, \"components\": {\"schemas\": {\"N\": {\"type\": \"number\", \"maximum\": 18446744073709552000}}}}";
    for name in ["bom.json", "bom.yaml"] {
        let spec = dir.path().join(name);
        std::fs::write(&spec, format!("\u{feff}{body}")).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
    }
    // YAML reads an unquoted `openapi: 3.1` (and `version: 1.0`) as numbers.
    let spec = dir.path().join("numbers.yaml");
    std::fs::write(&spec, "openapi: 3.1\ninfo: {title: t, version: 1.0}\npaths: {}\n").unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn utf16_utf32_and_stray_windows_1252_bytes_are_read_with_the_stray_bytes_reported_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /caf\u{e9}:\n    get:\n      description: \u{201c}caf\u{e9}\u{201d}\n      responses: {'200': {description: ok}}\n";
    let wide: [(&str, Vec<u8>); 2] = [
        ("utf16.yaml", [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()),
        ("utf32.yaml", text.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect()),
    ];
    for (name, bytes) in wide {
        let spec = dir.path().join(name);
        std::fs::write(&spec, bytes).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
    }
    // Windows-1252: é is 0xE9, the curly quotes 0x93 and 0x94.
    let windows_1252: Vec<u8> = text
        .chars()
        .map(|c| match c {
            '\u{e9}' => 0xE9,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            _ => u8::try_from(c).unwrap(),
        })
        .collect();
    let spec = dir.path().join("windows.yaml");
    std::fs::write(&spec, windows_1252).unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    let [warning] = diagnostics.as_slice() else { panic!("one warning: {diagnostics:?}") };
    assert!(!warning.is_error() && warning.message.starts_with("4 bytes that are not UTF-8"), "{warning}");
    assert_eq!(warning.line_col, Some((4, 7)), "{warning}");
    let out = tempfile::tempdir().unwrap();
    let generated = specforge().arg("generate").arg(&spec).arg("--out").arg(out.path()).output().expect("run");
    assert_eq!(generated.status.code(), Some(0), "{}", String::from_utf8_lossy(&generated.stderr));
    let client = std::fs::read_to_string(out.path().join("t-client/src/lib.rs")).unwrap();
    assert!(client.contains("/// \u{201c}caf\u{e9}\u{201d}"), "the description as its author wrote it");
}

#[test]
fn a_warning_about_a_list_item_after_one_left_out_points_at_the_item_in_the_source() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: a, in: bogus}\n        - name: b\n          in: query\n          schema: {type: array, items: {type: array, items: {type: object}}}\n      responses: {'200': {description: ok}}\n";
    let diagnostics = warnings_of(text, false);
    let about_b = diagnostics.iter().find(|d| d.message.contains("parameter \"b\"")).expect("a warning about b");
    assert_eq!(about_b.pointer, "#/paths/~1a/get/parameters/1", "{about_b}");
    assert_eq!(about_b.line_col.map(|(line, _)| line), Some(8), "{about_b}");
    // The same after a 3.2 query string that is left out when the document is normalized.
    let text = text
        .replace("openapi: 3.0.3", "openapi: 3.2.0")
        .replace("{name: a, in: bogus}", "{name: a, in: querystring, content: {application/json: {}}}");
    let diagnostics = warnings_of(&text, false);
    let about_b = diagnostics.iter().find(|d| d.message.contains("parameter \"b\"")).expect("a warning about b");
    assert_eq!(about_b.pointer, "#/paths/~1a/get/parameters/1", "{about_b}");
    let dropped = diagnostics.iter().find(|d| d.message.contains("querystring")).expect("a warning about a");
    assert_eq!(dropped.pointer, "#/paths/~1a/get/parameters/0", "{dropped}");
}

#[test]
fn a_path_parameter_shared_by_operations_is_reported_once() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    parameters:\n      - {name: id, in: path, required: true, schema: {type: object, properties: {x: {type: object}}}}\n    get: {responses: {'200': {description: ok}}}\n    put: {responses: {'200': {description: ok}}}\n    delete: {responses: {'200': {description: ok}}}\n";
    let diagnostics = warnings_of(text, false);
    let about_id: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.message.contains("parameter \"id\"")).collect();
    assert_eq!(about_id.len(), 1, "{diagnostics:?}");
    assert_eq!(about_id[0].pointer, "#/paths/~1a~1{id}/parameters/0");
}

#[test]
fn a_server_url_variable_never_declared_is_reported_and_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers:\n  - url: '{scheme}://{host}/v1'\n    variables: {scheme: {default: https}}\npaths: {}\n";
    std::fs::write(&spec, text).unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    let [warning] = diagnostics.as_slice() else { panic!("one warning: {diagnostics:?}") };
    assert!(warning.message.starts_with("the server URL names {host}"), "{warning}");
    assert_eq!(warning.pointer, "#/servers/0/url");
    let generated = specforge::generate(&Options::new(&spec)).expect("generates");
    let lib = &generated.client.files[Path::new("src/lib.rs")];
    assert!(lib.contains("pub fn server_url(scheme: &str, host: &str) -> String"), "{lib}");
    assert!(lib.contains("Incomplete: `host` has no default"), "{lib}");
    assert!(lib.contains("Client::new(&t_client::server_url(\"https\", \"my-host\"))?"), "the example fills it in");
}

#[test]
fn what_a_file_holds_decides_how_it_is_read_not_its_name() {
    let dir = tempfile::tempdir().unwrap();
    // An escaped emoji (a surrogate pair, as Python's `json.dumps` writes it), which YAML's reader refuses.
    let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1", "description": "\ud83e\udd80 \/"}, "paths": {}}"#;
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    for (name, text) in [("json.yaml", json), ("json", json), ("yaml.json", yaml)] {
        let spec = dir.path().join(name);
        std::fs::write(&spec, text).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
    }
    // Trailing commas: not JSON, but YAML's flow style; read, with a warning at the first.
    let spec = dir.path().join("trailing.json");
    std::fs::write(
        &spec,
        "{\"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"t\", \"version\": \"1\",},\n \"paths\": {},}",
    )
    .unwrap();
    let diagnostics = specforge::check(&Options::new(&spec));
    let [warning] = diagnostics.as_slice() else { panic!("one warning: {diagnostics:?}") };
    assert!(!warning.is_error() && warning.message.contains("trailing comma"), "{warning}");
    assert_eq!((warning.pointer.as_str(), warning.line_col.map(|(line, _)| line)), ("#/info", Some(2)), "{warning}");
}

#[test]
fn a_syntax_error_is_placed_in_the_node_it_is_in() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - name: a\n          in: query\n        - name: b\n          in: [query\n";
    let json = "{\"openapi\": \"3.0.3\", \"paths\": {\"/a\": {\"get\": {\"parameters\": [{}, {\"name\": \"b\", \"in\": query]}]}}}}";
    for (name, text, pointer) in [
        ("broken.yaml", yaml, "#/paths/~1a/get/parameters/1/in"),
        ("broken.json", json, "#/paths/~1a/get/parameters/1/in"),
    ] {
        let spec = dir.path().join(name);
        std::fs::write(&spec, text).unwrap();
        let diagnostics = specforge::check(&Options::new(&spec));
        let [error] = diagnostics.as_slice() else { panic!("{name}: one error: {diagnostics:?}") };
        assert!(error.is_error() && error.line_col.is_some(), "{name}: {error}");
        assert_eq!(error.pointer, pointer, "{name}: {error}");
    }
}

#[test]
fn a_closed_pipe_ends_the_cli_quietly() {
    use std::io::Read;
    let mut child = specforge()
        .args(["check", fixture("cyclic_refs.yaml").to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run specforge");
    let mut stderr = child.stderr.take().unwrap();
    let mut first = [0u8; 1];
    stderr.read_exact(&mut first).unwrap();
    drop(stderr);
    let status = child.wait().unwrap();
    assert_ne!(status.code(), Some(101), "panicked on a closed pipe");
}

#[test]
fn a_configuration_beside_the_spec_is_read_and_its_mistakes_are_errors_at_their_line() {
    let out = tempfile::tempdir().unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/pets.yaml");
    let generated = specforge().arg("generate").arg(&spec).arg("--out").arg(out.path()).output().expect("run");
    assert_eq!(generated.status.code(), Some(0), "{}", String::from_utf8_lossy(&generated.stderr));
    let models = std::fs::read_to_string(out.path().join("pet-store-models/Cargo.toml")).unwrap();
    assert!(models.contains("version = \"2.1.0\"") && models.contains("publish = true"), "{models}");
    let client = std::fs::read_to_string(out.path().join("pet-store-client/Cargo.toml")).unwrap();
    assert!(client.contains("pet-store-models = { version = \"2.1.0\", path = \"../pet-store-models\" }"), "{client}");
    let methods = std::fs::read_to_string(out.path().join("pet-store-client/src/lib.rs")).unwrap();
    assert!(methods.contains("pub fn inventory_with_response<'a>("), "the configuration's method name");
    assert!(!methods.contains("pub fn delete_pet"), "an excluded operation");

    let config = out.path().join("bad.toml");
    std::fs::write(
        &config,
        "[operations]\ninclude = [\"tag:pets\", \"tag:birds\"]\nnames = { fly = \"fly\" }\n[types.Pett]\nderives = [\"Hash\"]\n",
    )
    .unwrap();
    let failed = specforge()
        .arg("generate")
        .arg(&spec)
        .arg("--config")
        .arg(&config)
        .args(["--name", "bad", "--out"])
        .arg(out.path())
        .output()
        .expect("run");
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("this selector matches no operation of the document"), "{stderr}");
    assert!(stderr.contains("bad.toml:2:24"), "{stderr}");
    assert!(stderr.contains("no schema or generated type is named \"Pett\""), "{stderr}");
    assert!(stderr.contains("bad.toml:4:8"), "{stderr}");
    assert!(stderr.contains("no operation has the operationId \"fly\""), "{stderr}");
    assert!(stderr.contains("bad.toml:3:17"), "{stderr}");
    assert!(!out.path().join("bad-models").exists(), "nothing is written");
}

/// Schemas and path items are read in runs spread over threads: the warnings still come in document order.
#[test]
fn warnings_of_a_large_document_come_in_document_order() {
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for index in 0..100 {
        schemas.insert(format!("S{index:03}"), serde_json::json!(5));
        let operation = serde_json::json!({ "operationId": format!("op{index:03}"), "responses": 5 });
        paths.insert(format!("/p{index:03}"), serde_json::json!({ "get": operation }));
    }
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": { "title": "Many", "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas },
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.json");
    std::fs::write(&file, spec.to_string()).unwrap();
    let pointers: Vec<String> = specforge::check(&Options::new(file)).into_iter().map(|d| d.pointer).collect();
    let schema_warnings: Vec<&String> = pointers.iter().filter(|p| p.starts_with("#/components/schemas/")).collect();
    let path_warnings: Vec<&String> =
        pointers.iter().filter(|p| p.starts_with("#/paths/") && p.ends_with("/responses")).collect();
    assert_eq!(schema_warnings.len(), 100, "{pointers:#?}");
    assert_eq!(path_warnings.len(), 100, "{pointers:#?}");
    assert!(schema_warnings.is_sorted() && path_warnings.is_sorted(), "{pointers:#?}");
    let first_path = pointers.iter().position(|p| p.starts_with("#/paths/")).unwrap();
    let last_schema = pointers.iter().rposition(|p| p.starts_with("#/components/")).unwrap();
    assert!(last_schema < first_path, "the schemas' warnings before the paths': {pointers:#?}");
}
