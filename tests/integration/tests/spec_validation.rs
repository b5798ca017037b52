//! Every vendor spec, after its overlays, passes a real OpenAPI validator that nobody here wrote:
//! Python's `openapi-spec-validator`, installed into `tests/.venv` by `tests/setup.sh`. If the tool is missing
//! the test fails with the command to run; it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validator() -> PathBuf {
    let path = project_root().join("tests/.venv/bin/openapi-spec-validator");
    assert!(path.is_file(), "{} is missing: run `bash tests/setup.sh` (cargo xtask test does)", path.display());
    path
}

#[test]
fn every_vendor_spec_is_valid_openapi() {
    let validator = validator();
    let specs = specforge::spec_set(&project_root().join("specs")).expect("specs/ is readable");
    assert_eq!(specs.len(), 4, "expected the four vendor specs");
    let dir = tempfile::tempdir().expect("temporary directory");
    for options in specs {
        let name = options.name.clone().unwrap_or_default();
        let merged = specforge::merged_document(&options).unwrap_or_else(|failure| panic!("{name}: {failure}"));
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, merged).expect("write merged spec");
        let output = Command::new(&validator).arg(&file).output().expect("run openapi-spec-validator");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("OK"),
            "{name} is not valid OpenAPI:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn the_validator_rejects_an_invalid_spec() {
    // Guards the test above against a validator that accepts anything.
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        r#"{"openapi": "3.0.3", "info": {"title": "x"}, "paths": {"/a": {"get": {"responses": {"200": {}}}}}}"#,
    )
    .unwrap();
    let output = Command::new(validator()).arg(&file).output().expect("run openapi-spec-validator");
    assert!(!output.status.success(), "the validator accepted a spec without info.version and response description");
}
