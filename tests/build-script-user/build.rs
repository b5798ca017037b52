//! Generates models, and a client with its models, from specs at build time; `src/lib.rs` includes them.

use specforge::Options;

fn main() {
    for (options, file) in [
        // As `cargo xtask regenerate` generates the vendor crate, so the two can be compared.
        (Options { keep_unknown_fields: true, ..Options::new("../../specs/supermetal.yaml") }, "supermetal_models.rs"),
        (Options::new("specs/compositions.yaml"), "compositions_models.rs"),
        (Options::new("../../generator/tests/fixtures/openapi31/kitchen_sink.yaml"), "openapi31_models.rs"),
        (Options::new("../../generator/tests/fixtures/swagger2/petstore.yaml"), "swagger2_models.rs"),
    ] {
        if let Err(failure) = specforge::build::generate_models_with(&options, file) {
            // Diagnostics name the spec file and location; Cargo shows them.
            eprintln!("{failure}");
            std::process::exit(1);
        }
    }
    // A client customized by a configuration file: a type replaced by the user's, derives, renames, a selection.
    let pets = "../../generator/tests/fixtures/config/pets.yaml";
    let options = Options { config: specforge::discover_config(pets.as_ref()), ..Options::new(pets) };
    if let Err(failure) = specforge::build::generate_client_with(&options, "pets_client.rs") {
        eprintln!("{failure}");
        std::process::exit(1);
    }
    // A client with its models; its types live in a second file, which the build watches too.
    if let Err(failure) = specforge::build::generate_client("specs/notes/api.yaml", "notes_client.rs") {
        eprintln!("{failure}");
        std::process::exit(1);
    }
}
