//! insta snapshots of the code generated for each vendor spec in `specs/`: the models crate's `lib.rs` and the
//! client crate's `lib.rs`. A change to the generator shows up here as a reviewable diff
//! (`cargo insta review`); the same files are checked in under `generated/`, where they compile in every test run.

use std::path::Path;

#[test]
fn vendor_crates() {
    let specs = specforge::spec_set(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")).expect("specs/");
    assert_eq!(specs.len(), 4);
    for options in specs {
        let name = options.name.clone().unwrap_or_default();
        let generated = specforge::generate(&options).unwrap_or_else(|failure| panic!("{name}: {failure}"));
        assert!(generated.warnings.is_empty(), "{name}: unexpected warnings: {:?}", generated.warnings);
        let models = &generated.models.files[Path::new("src/lib.rs")];
        let client = &generated.client.files[Path::new("src/lib.rs")];
        insta::assert_snapshot!(format!("{name}_models"), models);
        insta::assert_snapshot!(format!("{name}_client"), client);
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
