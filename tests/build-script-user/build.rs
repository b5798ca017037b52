//! Generates the Supermetal models from the spec at build time; `src/lib.rs` includes them.

fn main() {
    if let Err(failure) = specforge::build::generate_models("../../specs/supermetal.yaml", "supermetal_models.rs") {
        // Diagnostics name the spec file and location; Cargo shows them.
        eprintln!("{failure}");
        std::process::exit(1);
    }
}
