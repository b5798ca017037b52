//! A crate that uses specforge from its `build.rs` instead of depending on a generated crate.

/// The Supermetal agent's data types, generated into `OUT_DIR` by `build.rs`.
pub mod supermetal {
    include!(concat!(env!("OUT_DIR"), "/supermetal_models.rs"));
}

/// Schema compositions (integer enums, `allOf` with `oneOf`), generated into `OUT_DIR` by `build.rs`.
pub mod compositions {
    include!(concat!(env!("OUT_DIR"), "/compositions_models.rs"));
}

/// Every OpenAPI 3.1 construct specforge reads (`generator/tests/fixtures/openapi31/kitchen_sink.yaml`), generated
/// into `OUT_DIR` by `build.rs`.
pub mod openapi31 {
    include!(concat!(env!("OUT_DIR"), "/openapi31_models.rs"));
}

/// A Swagger 2.0 document (`generator/tests/fixtures/swagger2/petstore.yaml`: a polymorphic definition, `x-nullable`),
/// generated into `OUT_DIR` by `build.rs`.
pub mod swagger2 {
    include!(concat!(env!("OUT_DIR"), "/swagger2_models.rs"));
}

/// A notes API's client (`specs/notes/`, two files), with its models in `notes::models`, generated into `OUT_DIR`
/// by `build.rs`.
pub mod notes {
    include!(concat!(env!("OUT_DIR"), "/notes_client.rs"));
}

/// A pet store's client as its `pets.specforge.toml` shapes it (`generator/tests/fixtures/config/`): `Money` is the
/// user's `acme_money::Money`, `Pet` is `Animal` with extra derives, some operations left out, one renamed.
pub mod pets {
    include!(concat!(env!("OUT_DIR"), "/pets_client.rs"));
}
