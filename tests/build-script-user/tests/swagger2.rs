//! Models of a Swagger 2.0 document generated at build time (`generator/tests/fixtures/swagger2/petstore.yaml`):
//! its polymorphic `Pet` (a discriminator given as a property name, and two definitions that extend it) and an
//! `x-nullable` property, decoded from and encoded to the JSON the document describes.

use build_script_user::swagger2::{Cat, Dog, Pet, PetBase};
use serde_json::json;

#[test]
fn a_polymorphic_definition_decodes_each_extension_by_its_tag() {
    let cat: Pet = serde_json::from_value(json!({"kind": "Cat", "name": "Tom", "lives": 9})).expect("decodes");
    assert!(matches!(&cat, Pet::Cat(Cat { name, lives: Some(9), .. }) if name == "Tom"), "{cat:?}");
    let dog: Pet = serde_json::from_value(json!({"kind": "dog", "name": "Rex", "good": true})).expect("decodes");
    assert!(matches!(&dog, Pet::Dog(Dog { good: Some(true), .. })), "x-discriminator-value tags it: {dog:?}");
    let plain: Pet = serde_json::from_value(json!({"kind": "Pet", "name": "Nemo"})).expect("decodes");
    assert!(matches!(&plain, Pet::Pet(PetBase { .. })), "the base tagged by its own name: {plain:?}");
    for wire in [
        json!({"kind": "Cat", "name": "Tom", "lives": 9}),
        json!({"kind": "dog", "name": "Rex", "good": true}),
        json!({"kind": "Pet", "name": "Nemo"}),
    ] {
        let pet: Pet = serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(serde_json::to_value(&pet).expect("encodes"), wire);
    }
    assert!(serde_json::from_value::<Pet>(json!({"kind": "Cat"})).is_err(), "a missing required name is an error");
}

#[test]
fn an_x_nullable_property_keeps_null_apart_from_absent() {
    let with_null: Pet =
        serde_json::from_value(json!({"kind": "Pet", "name": "Nemo", "nickname": null})).expect("decodes");
    assert_eq!(
        serde_json::to_value(&with_null).expect("encodes"),
        json!({"kind": "Pet", "name": "Nemo", "nickname": null})
    );
    let named: Pet = serde_json::from_value(json!({"kind": "Pet", "name": "Nemo", "nickname": "N"})).expect("decodes");
    assert_eq!(serde_json::to_value(&named).expect("encodes")["nickname"], json!("N"));
}
