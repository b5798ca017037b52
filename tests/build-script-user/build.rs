//! Generates models from specs at build time; `src/lib.rs` includes them.

fn main() {
    for (spec, file) in [
        ("../../specs/supermetal.yaml", "supermetal_models.rs"),
        ("specs/compositions.yaml", "compositions_models.rs"),
        ("../../generator/tests/fixtures/openapi31/kitchen_sink.yaml", "openapi31_models.rs"),
    ] {
        if let Err(failure) = specforge::build::generate_models(spec, file) {
            // Diagnostics name the spec file and location; Cargo shows them.
            eprintln!("{failure}");
            std::process::exit(1);
        }
    }
}
